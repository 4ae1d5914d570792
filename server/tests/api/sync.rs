//! The sync engine over real HTTP: exactly-once pushes, rejections as sync issues, visibility
//! by owner, team and scope, overwrites, paging and resets.

use std::collections::BTreeMap;

use serde_json::json;
use shared::records::patch;
use shared::sync::{
    AssignContact, CreateContact, DeleteContact, IssueKind, Mutation, PushResponse, Rejection,
    UpdateContact,
};
use shared::{RecordId, TeamId, UserId};
use uuid::Uuid;

use crate::device::{Device, raw};
use crate::harness::{Backend, TestApp, both};

both!(
    changes_reach_other_devices,
    pushes_apply_exactly_once,
    refused_changes_become_sync_issues,
    reassignment_moves_records_between_devices,
    a_scope_change_sends_only_the_difference,
    a_large_scope_change_comes_in_pages,
    overwrites_are_reported_to_their_author,
    pages_end_on_push_boundaries,
    old_cursors_start_over,
    bad_sync_requests_are_refused,
);

fn new_id() -> RecordId {
    RecordId::from_uuid(Uuid::now_v7())
}

fn create(id: RecordId, name: &str) -> Mutation {
    Mutation::CreateContact(CreateContact {
        id,
        owner: None,
        fields: patch(&[("name", name), ("phone", "13912345678")]),
    })
}

fn set_company(device: &Device, id: RecordId, company: &str) -> Mutation {
    let seen = device.core.get(id).map_or(0, |r| r.version);
    let was = device
        .core
        .get(id)
        .and_then(|r| r.as_contact())
        .map(|c| c.company.clone())
        .unwrap_or_default();
    Mutation::UpdateContact(UpdateContact {
        id,
        set: patch(&[("company", company)]),
        was: patch(&[("company", &was)]),
        seen,
    })
}

/// Admin, a sales department with a rep and a manager who sees the department.
struct Company {
    admin: String,
    rep: String,
    rep2: String,
    manager: String,
    sales: TeamId,
    service: TeamId,
}

async fn company(app: &TestApp) -> Company {
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    let sales = app.create_team(&admin, "销售部", root.id).await;
    let service = app.create_team(&admin, "客服部", root.id).await;
    app.create_user(&admin, "rep@qiao.example", "sales", sales.id)
        .await;
    app.create_user(&admin, "rep2@qiao.example", "sales", sales.id)
        .await;
    app.create_user(&admin, "boss@qiao.example", "manager", sales.id)
        .await;
    Company {
        rep: app.token("rep@qiao.example", "user-pass-1").await,
        rep2: app.token("rep2@qiao.example", "user-pass-1").await,
        manager: app.token("boss@qiao.example", "user-pass-1").await,
        admin,
        sales: sales.id,
        service: service.id,
    }
}

async fn changes_reach_other_devices(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut phone = Device::new(&co.rep);
    let mut laptop = Device::new(&co.rep);
    let mut boss = Device::new(&co.manager);
    for d in [&mut phone, &mut laptop, &mut boss] {
        d.pull(&app).await;
    }
    let id = new_id();
    phone.mutate(&create(id, "陈经理"));
    assert_eq!(
        phone.contact_names(),
        ["陈经理"],
        "shown at once, before any push"
    );
    phone.sync(&app).await;
    assert!(phone.core.pending().is_empty());
    laptop.pull(&app).await;
    boss.pull(&app).await;
    assert_eq!(laptop.contacts(), phone.contacts());
    assert_eq!(boss.contact_names(), ["陈经理"]);

    let edit = set_company(&laptop, id, "桥科技");
    laptop.mutate(&edit);
    laptop.sync(&app).await;
    phone.pull(&app).await;
    let company = |d: &Device| d.contacts()[0].as_contact().map(|c| c.company.clone());
    assert_eq!(company(&phone).as_deref(), Some("桥科技"));

    // The other rep sees none of it; a pull with nothing new is one request and changes nothing.
    let mut other = Device::new(&co.rep2);
    other.pull(&app).await;
    assert!(other.contacts().is_empty());
    let before = phone.core.cursor().cloned();
    assert_eq!(phone.pull(&app).await, 1);
    assert_eq!(phone.pages.last().map(|p| p.puts.len()), Some(0));
    assert_eq!(phone.core.cursor().cloned(), before);

    phone.mutate(&Mutation::DeleteContact(DeleteContact { id }));
    phone.sync(&app).await;
    boss.pull(&app).await;
    assert!(boss.contacts().is_empty());
    app.finish().await;
}

async fn pushes_apply_exactly_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut phone = Device::new(&co.rep);
    phone.pull(&app).await;
    for i in 0..5 {
        phone.mutate(&create(new_id(), &format!("客户{i}")));
    }
    let request = phone.push_request(usize::MAX);
    // The same push three times (the first answer "lost"), then twice at once.
    let first: PushResponse = phone.send_push(&app, &request).await.json();
    assert_eq!(
        (first.last_mutation_id, first.applied, first.rejected),
        (5, 5, 0)
    );
    for _ in 0..2 {
        let again: PushResponse = phone.send_push(&app, &request).await.json();
        assert_eq!((again.last_mutation_id, again.applied), (5, 0));
    }
    for i in 5..8 {
        phone.mutate(&create(new_id(), &format!("客户{i}")));
    }
    let request = phone.push_request(usize::MAX);
    let (a, b) = tokio::join!(
        phone.send_push(&app, &request),
        phone.send_push(&app, &request)
    );
    let (a, b): (PushResponse, PushResponse) = (a.json(), b.json());
    assert_eq!(a.applied + b.applied, 3, "{a:?} {b:?}");
    assert_eq!((a.last_mutation_id, b.last_mutation_id), (8, 8));

    // A push that skips ids is refused and changes nothing.
    phone.mutate(&create(new_id(), "客户8"));
    phone.mutate(&create(new_id(), "客户9"));
    let mut gap = phone.push_request(usize::MAX);
    gap.mutations.retain(|m| m.id == 10);
    phone
        .send_push(&app, &gap)
        .await
        .assert_error(409, "mutation_gap");

    phone.sync(&app).await;
    let mut boss = Device::new(&co.manager);
    boss.pull(&app).await;
    let names = boss.contact_names();
    assert_eq!(names.len(), 10, "{names:?}");
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique, names, "nothing doubled");
    assert!(phone.issues().is_empty());
    app.finish().await;
}

async fn refused_changes_become_sync_issues(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut phone = Device::new(&co.rep);
    phone.pull(&app).await;
    let mut request = phone.push_request(usize::MAX);
    let good = new_id();
    request.mutations = vec![
        raw(
            1,
            "contact.create",
            json!({"id": new_id(), "fields": {"name": "", "email": "x"}}),
        ),
        raw(2, "contact.teleport", json!({})),
        raw(3, "contact.create", json!({"id": 42})),
        raw(
            4,
            "contact.create",
            json!({"id": good, "fields": {"name": "刘总"}}),
        ),
        raw(5, "contact.delete", json!({"id": new_id()})),
    ];
    let reply: PushResponse = phone.send_push(&app, &request).await.json();
    assert_eq!(
        (reply.last_mutation_id, reply.applied, reply.rejected),
        (5, 1, 4)
    );
    phone.pull(&app).await;
    assert_eq!(phone.contact_names(), ["刘总"]);
    let mut reasons: Vec<String> = phone
        .issues()
        .iter()
        .filter_map(|r| r.as_issue())
        .map(|i| match &i.kind {
            IssueKind::Rejected { reason } => format!("{} {}", i.mutation, reason.code()),
            other => format!("{other:?}"),
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "contact.create invalid",
            "contact.create malformed",
            "contact.delete not_found",
            "contact.teleport unknown_mutation"
        ]
    );
    let invalid = phone
        .issues()
        .into_iter()
        .find_map(|r| match r.as_issue().map(|i| &i.kind) {
            Some(IssueKind::Rejected {
                reason: Rejection::Invalid { errors },
            }) => Some(errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>()),
            _ => None,
        });
    assert_eq!(invalid, Some(vec!["email".to_owned(), "name".to_owned()]));
    // Issues are private: the manager, who sees the rep's contacts, does not see them.
    let mut boss = Device::new(&co.manager);
    boss.pull(&app).await;
    assert!(boss.issues().is_empty());
    assert_eq!(boss.contact_names(), ["刘总"]);
    // Dismissing an issue removes it from every device of the user.
    let first = phone.issues()[0].id;
    phone.mutate(&Mutation::DismissIssue(shared::sync::DismissIssue {
        id: first,
    }));
    phone.sync(&app).await;
    assert_eq!(phone.issues().len(), 3);
    app.finish().await;
}

async fn reassignment_moves_records_between_devices(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut rep = Device::new(&co.rep);
    let mut rep2 = Device::new(&co.rep2);
    let mut boss = Device::new(&co.manager);
    for d in [&mut rep, &mut rep2, &mut boss] {
        d.pull(&app).await;
    }
    let id = new_id();
    rep.mutate(&create(id, "周总"));
    rep.sync(&app).await;
    boss.pull(&app).await;
    // The rep edits offline while the manager hands the contact to rep 2.
    rep.mutate(&set_company(&rep, id, "离线时改的"));
    let rep2_user = rep2.core.directory().map(|d| d.me.user).expect("directory");
    boss.mutate(&Mutation::AssignContact(AssignContact {
        id,
        owner: rep2_user,
    }));
    boss.sync(&app).await;
    rep.sync(&app).await;
    rep2.pull(&app).await;
    assert!(rep.contacts().is_empty(), "gone from the rep's device");
    assert_eq!(rep2.contact_names(), ["周总"]);
    let issue = rep
        .issues()
        .into_iter()
        .find_map(|r| r.as_issue().cloned())
        .expect("issue");
    assert_eq!(
        issue.kind,
        IssueKind::Rejected {
            reason: Rejection::NotFound
        }
    );
    assert_eq!(
        (issue.mutation.as_str(), issue.label.as_str()),
        ("contact.update", "周总")
    );
    assert_eq!(
        rep2.contacts()[0].as_contact().map(|c| c.company.clone()),
        Some(String::new()),
        "the refused edit changed nothing"
    );
    app.finish().await;
}

/// A service agent (a manager of the service team) whose device has synced one contact of
/// their own.
async fn service_agent(app: &TestApp, co: &Company) -> (Device, UserId) {
    app.create_user(&co.admin, "agent@qiao.example", "manager", co.service)
        .await;
    let token = app.token("agent@qiao.example", "user-pass-1").await;
    let mut agent = Device::new(&token);
    agent.pull(app).await;
    agent.mutate(&create(new_id(), "客服客户"));
    agent.sync(app).await;
    let id = agent
        .core
        .directory()
        .map(|d| d.me.user)
        .expect("directory");
    (agent, id)
}

/// The admin moves `user` to `team`.
async fn move_user(app: &TestApp, co: &Company, user: UserId, team: TeamId) {
    let reply = app
        .patch(
            &format!("/api/users/{user}"),
            Some(&co.admin),
            json!({"team_id": team}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn a_scope_change_sends_only_the_difference(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut rep = Device::new(&co.rep);
    rep.pull(&app).await;
    for i in 0..3 {
        rep.mutate(&create(new_id(), &format!("销售客户{i}")));
    }
    rep.sync(&app).await;
    let (mut agent, agent_id) = service_agent(&app, &co).await;
    assert_eq!(agent.contact_names(), ["客服客户"]);

    // Moved to sales: the sales records arrive in one page, the agent's own stay, nothing else
    // is sent again.
    move_user(&app, &co, agent_id, co.sales).await;
    let pages_before = agent.pages.len();
    assert_eq!(agent.pull(&app).await, 1);
    let page = &agent.pages[pages_before];
    assert!(!page.reset);
    assert_eq!(page.puts.len(), 3, "only the newly visible records");
    assert_eq!(agent.contact_names().len(), 4);

    // And back: the sales records leave the device again.
    move_user(&app, &co, agent_id, co.service).await;
    agent.pull(&app).await;
    assert_eq!(agent.contact_names(), ["客服客户"]);
    app.finish().await;
}

async fn a_large_scope_change_comes_in_pages(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.pull_page_size = 2).await;
    let co = company(&app).await;
    let mut rep = Device::new(&co.rep);
    rep.pull(&app).await;
    let ids: Vec<RecordId> = (0..7).map(|_| new_id()).collect();
    for (i, id) in ids.iter().enumerate() {
        rep.mutate(&create(*id, &format!("销售客户{i}")));
    }
    rep.sync(&app).await;
    let (mut agent, agent_id) = service_agent(&app, &co).await;

    // Into sales: the first page carries part of the difference and says how far it got.
    move_user(&app, &co, agent_id, co.sales).await;
    let first = agent.pages.len();
    assert!(agent.pull_page(&app).await, "more pages follow");
    let page = &agent.pages[first];
    assert!(!page.reset);
    assert!(page.puts.len() <= 2, "{} puts", page.puts.len());
    assert!(
        page.cursor.moving.is_some(),
        "the cursor says how far it got"
    );

    // Meanwhile the rep edits one record and deletes another.
    rep.mutate(&set_company(&rep, ids[0], "改过的公司"));
    rep.mutate(&Mutation::DeleteContact(DeleteContact { id: ids[6] }));
    rep.sync(&app).await;
    agent.pull(&app).await;
    for page in &agent.pages[first..] {
        assert!(!page.reset, "no full download");
        assert!(
            page.puts.len() <= 2,
            "pages stay small: {}",
            page.puts.len()
        );
    }
    assert!(
        agent.pages.len() - first >= 4,
        "the difference came in pages"
    );
    let mut fresh = Device::new(&agent.token);
    fresh.pull(&app).await;
    assert_eq!(
        agent.contacts(),
        fresh.contacts(),
        "the same as a fresh download"
    );
    assert_eq!(agent.contact_names().len(), 7);
    let edited = agent
        .core
        .get(ids[0])
        .and_then(|r| r.as_contact())
        .map(|c| c.company.clone());
    assert_eq!(edited.as_deref(), Some("改过的公司"));

    // And back to service, in pages too: the sales records leave the device.
    move_user(&app, &co, agent_id, co.service).await;
    agent.pull(&app).await;
    assert_eq!(agent.contact_names(), ["客服客户"]);
    app.finish().await;
}

async fn overwrites_are_reported_to_their_author(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut rep = Device::new(&co.rep);
    let mut boss = Device::new(&co.manager);
    rep.pull(&app).await;
    let id = new_id();
    rep.mutate(&create(id, "吴总"));
    rep.sync(&app).await;
    boss.pull(&app).await;
    // Both edit the company; the manager's change lands first.
    let theirs = set_company(&boss, id, "甲公司");
    let mine = set_company(&rep, id, "乙公司");
    boss.mutate(&theirs);
    boss.sync(&app).await;
    rep.mutate(&mine);
    rep.sync(&app).await;
    boss.pull(&app).await;
    let company = |d: &Device| d.contacts()[0].as_contact().map(|c| c.company.clone());
    assert_eq!(
        company(&rep).as_deref(),
        Some("乙公司"),
        "last writer wins, in server order"
    );
    assert_eq!(company(&boss), company(&rep));
    let issue = rep
        .issues()
        .into_iter()
        .find_map(|r| r.as_issue().cloned())
        .expect("noted");
    match issue.kind {
        IssueKind::Overwritten {
            field,
            mine,
            theirs,
            original,
            ..
        } => assert_eq!(
            (
                field.as_str(),
                mine.as_str(),
                theirs.as_str(),
                original.as_str()
            ),
            ("company", "乙公司", "甲公司", "")
        ),
        other => panic!("expected an overwrite, got {other:?}"),
    }
    assert!(boss.issues().is_empty());
    app.finish().await;
}

async fn pages_end_on_push_boundaries(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.pull_page_size = 10).await;
    let co = company(&app).await;
    let mut rep = Device::new(&co.rep);
    rep.pull(&app).await;
    // Four pushes of 7 records: each push is one version.
    for batch in 0..4 {
        for i in 0..7 {
            rep.mutate(&create(new_id(), &format!("批{batch}-{i}")));
        }
        rep.push(&app).await;
    }
    let mut boss = Device::new(&co.manager);
    let requests = boss.pull(&app).await;
    assert_eq!(boss.contact_names().len(), 28);
    assert!(requests >= 3, "paged: {requests} requests");
    for page in &boss.pages {
        let mut per_version: BTreeMap<i64, usize> = BTreeMap::new();
        for r in &page.puts {
            *per_version.entry(r.version).or_default() += 1;
            assert!(r.version <= page.cursor.version);
        }
        assert!(per_version.values().all(|n| *n == 7), "{per_version:?}");
    }
    app.finish().await;
}

async fn old_cursors_start_over(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut rep = Device::new(&co.rep);
    let mut laptop = Device::new(&co.rep);
    rep.pull(&app).await;
    laptop.pull(&app).await;
    let (keep, gone) = (new_id(), new_id());
    rep.mutate(&create(keep, "留下"));
    rep.mutate(&create(gone, "删掉"));
    rep.sync(&app).await;
    laptop.pull(&app).await;
    rep.mutate(&Mutation::DeleteContact(DeleteContact { id: gone }));
    rep.sync(&app).await;
    // The laptop was away longer than deletions are kept.
    let purged = server::db::sync::purge(app.db(), shared_now_plus(1000))
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    laptop.mutate(&create(new_id(), "离线新建"));
    laptop.sync(&app).await;
    assert!(laptop.pages.iter().any(|p| p.reset));
    assert_eq!(laptop.contact_names(), ["留下", "离线新建"]);
    rep.pull(&app).await;
    assert_eq!(rep.contact_names(), laptop.contact_names());
    app.finish().await;
}

fn shared_now_plus(ms: i64) -> i64 {
    crate::device::shared_now() + ms
}

async fn bad_sync_requests_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let co = company(&app).await;
    let mut rep = Device::new(&co.rep);
    rep.pull(&app).await;
    rep.mutate(&create(new_id(), "x"));
    let request = rep.push_request(usize::MAX);
    app.post("/api/sync/push", None, &request)
        .await
        .assert_error(401, "unauthorized");
    app.post("/api/sync/pull", None, rep.pull_request())
        .await
        .assert_error(401, "unauthorized");
    // Somebody else's client id.
    let thief = Device {
        client: rep.client,
        ..Device::new(&co.rep2)
    };
    rep.push(&app).await;
    thief
        .send_push(&app, &request)
        .await
        .assert_error(403, "forbidden");
    let mut old = request.clone();
    old.schema_version = 999;
    rep.send_push(&app, &old)
        .await
        .assert_error(400, "unsupported_schema_version");
    let mut holes = request.clone();
    holes
        .mutations
        .push(raw(5, "contact.delete", json!({"id": new_id()})));
    let reply = rep.send_push(&app, &holes).await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.field(), Some("mutations"));
    let reply = app
        .client
        .post(format!("{}/api/sync/push", app.url))
        .bearer_auth(&co.rep)
        .header("content-type", "application/json")
        .body("{\"mutations\": [")
        .send()
        .await
        .expect("sent");
    assert_eq!(reply.status(), 400);
    let big = vec![b'x'; 33 * 1024 * 1024];
    app.send_bytes(
        "POST",
        "/api/sync/push",
        Some(&co.rep),
        "application/json",
        big,
    )
    .await
    .assert_error(413, "payload_too_large");
    // Nothing of that reached the data.
    let mut boss = Device::new(&co.manager);
    boss.pull(&app).await;
    assert_eq!(boss.contact_names(), ["x"]);
    app.finish().await;
}

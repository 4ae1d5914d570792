//! Attacks and overloads, tried the way an outsider or a hostile rep would: forged cursors,
//! refusals that could name hidden records, links and private records written where they
//! must not be, event streams that outlive their session, bursts of large pushes, stalled and
//! trickling clients, oversized sync issues, lock-outs of known accounts, and the headers
//! every answer must carry.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use serde_json::{Value, json};
use shared::RecordId;
use shared::records::patch;
use shared::sync::{
    AssignRecord, Collection, ConvertDeal, ConvertLead, CreateRecord, IssueKind, MAX_OPEN_ISSUES,
    Mutation, PullResponse, Rejection,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::device::{Device, raw};
use crate::events::Events;
use crate::harness::{ADMIN_EMAIL, Backend, TestApp, both};

both!(
    a_forged_cursor_reveals_nothing,
    refusals_never_name_hidden_records,
    converting_a_lead_checks_every_link,
    private_records_are_written_by_their_owner_only,
    event_streams_end_with_their_session,
    a_burst_of_pushes_waits_or_retries_but_never_fails,
    stalled_clients_are_cut_off,
    connections_per_address_are_limited,
    sync_issues_stay_small_and_few,
    a_known_email_cannot_lock_its_owner_out,
    answers_carry_the_right_headers_and_cookie_writes_stay_on_site,
);

fn new_id() -> RecordId {
    RecordId::from_uuid(Uuid::now_v7())
}

fn create(collection: Collection, id: RecordId, fields: &[(&str, &str)]) -> Mutation {
    Mutation::CreateRecord(CreateRecord {
        custom: Default::default(),
        collection,
        id,
        owner: None,
        fields: patch(fields),
    })
}

/// The other team's rep files some records nobody in the first team may see; their ids.
async fn hidden_records(app: &TestApp, far_token: &str) -> Vec<RecordId> {
    let mut far = Device::new(far_token);
    far.pull(app).await;
    let account = new_id();
    let ids = vec![account, new_id(), new_id()];
    far.mutate(&create(
        Collection::Account,
        ids[0],
        &[("name", "机密客户甲")],
    ));
    far.mutate(&create(
        Collection::Contact,
        ids[1],
        &[("name", "机密联系人乙"), ("account", &account.to_string())],
    ));
    far.mutate(&create(
        Collection::Deal,
        ids[2],
        &[("name", "机密商机丙"), ("account", &account.to_string())],
    ));
    far.sync(app).await;
    assert!(far.issues().is_empty(), "{:?}", far.issues());
    ids
}

async fn a_forged_cursor_reveals_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, _boss, far_token] = app.two_sales_teams().await;
    let hidden = hidden_records(&app, &far_token).await;
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    rep.mutate(&create(
        Collection::Contact,
        new_id(),
        &[("name", "自己的")],
    ));
    rep.sync(&app).await;
    let cursor = rep.core.cursor().cloned().expect("a cursor");
    assert!(!cursor.sig.is_empty(), "the server signs its cursors");

    let mut forgeries = Vec::new();
    let mut everything = cursor.clone();
    everything.scope.everything = true;
    forgeries.push(("everything", everything));
    let mut teams = cursor.clone();
    teams
        .scope
        .teams
        .insert(shared::TeamId::from_uuid(Uuid::now_v7()));
    forgeries.push(("another team", teams));
    let mut moving = cursor.clone();
    moving.moving = Some(shared::sync::ScopeMove {
        to: cursor.scope.clone(),
        head: 1,
        through: Uuid::nil(),
    });
    forgeries.push(("moving", moving));
    let mut unsigned = cursor.clone();
    unsigned.sig.clear();
    unsigned.scope.everything = true;
    forgeries.push(("unsigned", unsigned));
    let mut older = cursor.clone();
    older.version = 1;
    forgeries.push(("older", older));
    for (what, forged) in forgeries {
        let mut request = rep.pull_request();
        request.cursor = Some(forged);
        let reply = app.post("/api/sync/pull", Some(&rep_token), &request).await;
        assert_eq!(reply.status, 200, "{what}: {}", reply.body);
        let page: PullResponse = reply.json();
        assert!(
            page.reset,
            "{what}: a cursor the server did not sign starts over"
        );
        assert!(
            page.deletes.is_empty(),
            "{what}: deletes {:?}",
            page.deletes
        );
        let text = reply.body.to_string();
        for id in &hidden {
            assert!(!text.contains(&id.to_string()), "{what}: {id} leaked");
        }
    }
    // A cursor signed for one client is no good to another (the same person's other device
    // starts over too, harmlessly).
    let mut laptop = Device::new(&rep_token);
    let mut request = laptop.pull_request();
    request.cursor = Some(cursor.clone());
    let page: PullResponse = app
        .post("/api/sync/pull", Some(&rep_token), &request)
        .await
        .json();
    assert!(page.reset);
    // The genuine cursor still works, without starting over.
    rep.pull(&app).await;
    assert!(rep.pages.last().is_some_and(|p| !p.reset));
    laptop.pull(&app).await;
    assert_eq!(laptop.contact_names(), ["自己的"]);
    app.finish().await;
}

async fn refusals_never_name_hidden_records(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, _boss, far_token] = app.two_sales_teams().await;
    let hidden = hidden_records(&app, &far_token).await;
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    let mut request = rep.push_request(usize::MAX);
    let mut id = 0;
    for record in &hidden {
        for (name, args) in [
            ("record.delete", json!({ "id": record })),
            (
                "record.update",
                json!({ "id": record, "set": {"name": "改"} }),
            ),
            (
                "record.assign",
                json!({ "id": record, "owner": Uuid::now_v7() }),
            ),
            (
                "record.create",
                json!({ "collection": "account", "id": record, "fields": {"name": "新"} }),
            ),
        ] {
            id += 1;
            request.mutations.push(raw(id, name, args));
        }
    }
    let reply = rep.send_push(&app, &request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    rep.pull(&app).await;
    let issues = rep.issues();
    assert_eq!(issues.len(), hidden.len() * 4);
    for record in &issues {
        let issue = record.as_issue().expect("an issue");
        assert!(issue.hidden, "{issue:?}");
        assert_eq!(issue.label, "", "{issue:?}");
        let text = serde_json::to_string(record).unwrap_or_default();
        assert!(!text.contains("机密"), "{text}");
    }
    for page in &rep.pages {
        let text = serde_json::to_string(page).unwrap_or_default();
        assert!(!text.contains("机密"), "a pull named a hidden record");
    }

    // REST: a hidden record is answered exactly as one that does not exist …
    let missing = new_id();
    for path in ["accounts", "contacts", "deals"] {
        for record in &hidden {
            let hidden_reply = app
                .get(&format!("/api/v1/{path}/{record}"), Some(&rep_token))
                .await;
            let missing_reply = app
                .get(&format!("/api/v1/{path}/{missing}"), Some(&rep_token))
                .await;
            assert_eq!(
                (hidden_reply.status, &hidden_reply.body),
                (missing_reply.status, &missing_reply.body)
            );
            let hidden_patch = app
                .patch(
                    &format!("/api/v1/{path}/{record}"),
                    Some(&rep_token),
                    json!({"fields": {"name": "x"}}),
                )
                .await;
            let missing_patch = app
                .patch(
                    &format!("/api/v1/{path}/{missing}"),
                    Some(&rep_token),
                    json!({"fields": {"name": "x"}}),
                )
                .await;
            assert_eq!(
                (hidden_patch.status, &hidden_patch.body),
                (missing_patch.status, &missing_patch.body)
            );
        }
    }
    // … and creating a record under a hidden record's id is refused with the same words as
    // under one of the rep's own, naming nothing.
    let own = new_id();
    let made = app
        .post(
            "/api/v1/accounts",
            Some(&rep_token),
            json!({"id": own, "fields": {"name": "自己的客户"}}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let taken_own = app
        .post(
            "/api/v1/accounts",
            Some(&rep_token),
            json!({"id": own, "fields": {"name": "再来"}}),
        )
        .await;
    let taken_hidden = app
        .post(
            "/api/v1/accounts",
            Some(&rep_token),
            json!({"id": hidden[0], "fields": {"name": "再来"}}),
        )
        .await;
    assert_eq!(
        (taken_own.status, &taken_own.body),
        (taken_hidden.status, &taken_hidden.body)
    );
    assert!(!taken_hidden.body.to_string().contains("机密"));
    app.finish().await;
}

async fn converting_a_lead_checks_every_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, _boss, far_token] = app.two_sales_teams().await;
    let hidden = hidden_records(&app, &far_token).await;
    let foreign_contact = hidden[1].to_string();
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    let lead = new_id();
    rep.mutate(&create(
        Collection::Lead,
        lead,
        &[("name", "周先生"), ("company", "南方物流")],
    ));
    rep.sync(&app).await;
    let mut request = rep.push_request(usize::MAX);
    let next = rep.core.next_mutation_id();
    for (i, field) in ["contact", "contacts"].into_iter().enumerate() {
        let convert = Mutation::ConvertLead(ConvertLead {
            lead,
            account: new_id(),
            contact: new_id(),
            deal: Some(ConvertDeal {
                id: new_id(),
                fields: patch(&[("name", "物流系统"), (field, &foreign_contact)]),
            }),
        });
        request.mutations.push(raw(
            next + u64::try_from(i).unwrap_or(0),
            convert.name(),
            convert.args(),
        ));
    }
    let reply = rep.send_push(&app, &request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    rep.pull(&app).await;
    let reasons: Vec<Rejection> = rep
        .issues()
        .iter()
        .filter_map(|r| match &r.as_issue()?.kind {
            IssueKind::Rejected { reason } => Some(reason.clone()),
            IssueKind::Overwritten { .. } => None,
        })
        .collect();
    let mut fields: Vec<String> = reasons
        .iter()
        .flat_map(|reason| match reason {
            Rejection::Invalid { errors } => {
                errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    fields.sort();
    assert_eq!(fields, ["contact", "contacts"]);
    // Nothing was made, and the lead is still to be converted.
    assert_eq!(rep.core.collection(Collection::Deal).count(), 0);
    assert_eq!(rep.core.collection(Collection::Account).count(), 0);
    let far_deals = app
        .get("/api/v1/deals", Some(&far_token))
        .await
        .body
        .to_string();
    assert!(!far_deals.contains("物流系统"));
    app.finish().await;
}

async fn private_records_are_written_by_their_owner_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, boss_token, _far] = app.two_sales_teams().await;
    let me: Value = app.get("/api/auth/me", Some(&rep_token)).await.body;
    let rep_id = me["user"]["id"].as_str().expect("an id").to_owned();
    let mut boss = Device::new(&boss_token);
    boss.pull(&app).await;
    let mut request = boss.push_request(usize::MAX);
    let planted = new_id();
    request.mutations.push(raw(
        1,
        "record.create",
        json!({"collection": "view", "id": planted, "owner": rep_id,
               "fields": {"name": "经理放的视图", "list": "contact"}}),
    ));
    let own = new_id();
    request.mutations.push(raw(
        2,
        "record.create",
        json!({"collection": "view", "id": own, "fields": {"name": "我的视图", "list": "contact"}}),
    ));
    request
        .mutations
        .push(raw(3, "record.assign", json!({"id": own, "owner": rep_id})));
    let reply = boss.send_push(&app, &request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let pushed: shared::sync::PushResponse = reply.json();
    assert_eq!((pushed.applied, pushed.rejected), (1, 2), "{pushed:?}");
    boss.pull(&app).await;
    let codes: Vec<&str> = boss
        .issues()
        .iter()
        .filter_map(|r| match &r.as_issue()?.kind {
            IssueKind::Rejected { reason } => Some(reason.code()),
            IssueKind::Overwritten { .. } => None,
        })
        .collect();
    assert_eq!(codes, ["forbidden", "forbidden"]);
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    assert_eq!(rep.core.collection(Collection::View).count(), 0);
    assert_eq!(boss.core.collection(Collection::View).count(), 1);
    // The owner may still hand a view to themselves (a no-op).
    boss.mutate(&Mutation::AssignRecord(AssignRecord {
        id: own,
        owner: boss.core.directory().map(|d| d.me.user).expect("me"),
    }));
    boss.sync(&app).await;
    assert_eq!(boss.issues().len(), 2);
    app.finish().await;
}

/// Whether the stream ends (the server closes it) within `wait`.
async fn stream_ends(events: &mut Events, wait: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, events.next(wait * 2)).await {
            Err(_) => return false,
            Ok(Some(_poke)) => continue,
            Ok(None) => return tokio::time::Instant::now() < deadline,
        }
    }
}

async fn event_streams_end_with_their_session(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.session_recheck = Duration::from_millis(300);
    })
    .await;
    let [rep_token, boss_token, far_token] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, crate::harness::ADMIN_PASSWORD).await;
    let long = Duration::from_secs(10);

    // Signing out ends the stream at once.
    let mut rep_events = Events::open(&app, &rep_token).await;
    assert!(rep_events.next(long).await.is_some(), "the first poke");
    let mut boss_events = Events::open(&app, &boss_token).await;
    assert!(boss_events.next(long).await.is_some());
    let out = app
        .post("/api/auth/logout", Some(&rep_token), json!({}))
        .await;
    assert_eq!(out.status, 204);
    assert!(stream_ends(&mut rep_events, long).await, "signed out");
    // Other sessions keep theirs.
    assert!(!stream_ends(&mut boss_events, Duration::from_millis(800)).await);

    // Deactivation ends every stream of the person.
    let users: Vec<Value> = app.get("/api/users", Some(&admin)).await.json();
    let boss_id = users
        .iter()
        .find(|u| u["email"] == "boss@qiao.example")
        .and_then(|u| u["id"].as_str())
        .expect("the manager")
        .to_owned();
    let off = app
        .patch(
            &format!("/api/users/{boss_id}"),
            Some(&admin),
            json!({"active": false}),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert!(stream_ends(&mut boss_events, long).await, "deactivated");

    // A session that ends elsewhere (another instance, or expiry) is noticed by the recheck.
    let mut far_events = Events::open(&app, &far_token).await;
    assert!(far_events.next(long).await.is_some());
    app.execute_sql("DELETE FROM sessions").await;
    assert!(stream_ends(&mut far_events, long).await, "session gone");
    app.finish().await;
}

async fn a_burst_of_pushes_waits_or_retries_but_never_fails(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.slots = Some(server::admission::Slots {
            large: 1,
            small: 1,
            pulls: 4,
            lists: 2,
        });
        c.write_queue = 1;
        c.write_wait = Duration::from_secs(30);
    })
    .await;
    let admin = app.set_up().await;
    let mut devices: Vec<Device> = (0..8).map(|_| Device::new(&admin)).collect();
    for device in &mut devices {
        device.pull(&app).await;
        for n in 0..1500 {
            let name = format!("客户{n} {}", "备注".repeat(40));
            device.mutate(&create(Collection::Contact, new_id(), &[("name", &name)]));
        }
    }
    let mut statuses = Vec::new();
    let mut busy = 0;
    let mut pending: Vec<usize> = (0..devices.len()).collect();
    for _round in 0..60 {
        if pending.is_empty() {
            break;
        }
        let app = &app;
        let sends = pending.iter().map(|&i| {
            let device = &devices[i];
            let request = device.push_request(usize::MAX);
            async move { (i, device.send_push(app, &request).await) }
        });
        // A pull of someone else while the pushes queue is served at once.
        let pull = async {
            let other = Device::new(&admin);
            let reply = app
                .post("/api/sync/pull", Some(&admin), other.pull_request())
                .await;
            reply.status.as_u16()
        };
        let (replies, pull_status) = tokio::join!(futures_util::future::join_all(sends), pull);
        assert_eq!(pull_status, 200);
        let mut still = Vec::new();
        for (i, reply) in replies {
            statuses.push(reply.status.as_u16());
            match reply.status.as_u16() {
                200 => {}
                503 => {
                    assert_eq!(reply.code(), "busy");
                    let after = reply
                        .headers
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok());
                    assert!(after.is_some_and(|s| s >= 1), "Retry-After {after:?}");
                    busy += 1;
                    still.push(i);
                }
                other => panic!("push answered {other}: {}", reply.body),
            }
        }
        pending = still;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(pending.is_empty(), "every device got through: {statuses:?}");
    assert!(
        busy > 0,
        "with one slot and a queue of one, some were told to retry"
    );
    let mut check = Device::new(&admin);
    check.pull(&app).await;
    assert_eq!(check.contacts().len(), 8 * 1500, "each change exactly once");
    app.finish().await;
}

/// Read from `stream` until the server closes it; how long that took (`None`: still open
/// after `wait`).
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> Option<Duration> {
    let started = tokio::time::Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(started + wait, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

async fn stalled_clients_are_cut_off(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.connections.header_timeout = Duration::from_millis(500);
        c.connections.per_address = 6;
        c.request_deadline = Duration::from_secs(1);
    })
    .await;
    let token = app.set_up().await;
    let addr = app.url.trim_start_matches("http://").to_owned();
    let connect = || tokio::net::TcpStream::connect(addr.clone());
    let patience = Duration::from_secs(5);

    // Half-sent headers.
    let mut half = connect().await.expect("connects");
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("writes");
    assert!(
        closed_within(&mut half, patience).await.is_some(),
        "half-sent headers"
    );
    // Nothing sent at all.
    let mut silent = connect().await.expect("connects");
    assert!(
        closed_within(&mut silent, patience).await.is_some(),
        "silent"
    );
    // A kept-alive connection that then idles.
    let mut idle = connect().await.expect("connects");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("writes");
    assert!(
        closed_within(&mut idle, patience).await.is_some(),
        "idle keep-alive"
    );
    // A body announced and never sent: 408 once the deadline passes.
    let mut stalled = connect().await.expect("connects");
    let head = format!(
        "POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"fields\":"
    );
    stalled.write_all(head.as_bytes()).await.expect("writes");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(patience, stalled.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");

    app.finish().await;
}

async fn connections_per_address_are_limited(backend: Backend) {
    // Headers may take long here, so that the held connections stay open however slow the
    // machine is: what is tested is the count, not a time.
    let app = TestApp::spawn_with(backend, |c| {
        c.connections.header_timeout = Duration::from_secs(30);
        c.connections.per_address = 6;
    })
    .await;
    let addr = app.url.trim_start_matches("http://").to_owned();
    let connect = || tokio::net::TcpStream::connect(addr.clone());
    let mut held = Vec::new();
    for _ in 0..6 {
        let mut c = connect().await.expect("connects");
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("writes");
        held.push(c);
    }
    // The seventh sends a whole request and is closed without an answer.
    let mut over = connect().await.expect("the kernel accepts");
    let _ = over
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), over.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the seventh connection is closed");
    assert!(
        answer.is_empty(),
        "the seventh connection gets no answer: {}",
        String::from_utf8_lossy(&answer)
    );
    // Another address still gets in.
    let other = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .expect("client");
    let health = other
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .expect("another address is served");
    assert_eq!(health.status(), 200);
    // Once one is let go, the address is served again.
    drop(held.pop());
    let mut again = Err(String::new());
    for _ in 0..50 {
        match reqwest::get(format!("{}/healthz", app.url)).await {
            Ok(r) if r.status() == 200 => {
                again = Ok(());
                break;
            }
            Ok(r) => again = Err(r.status().to_string()),
            Err(e) => again = Err(e.to_string()),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(again, Ok(()), "a freed slot is used again");
    drop(held);
    app.finish().await;
}

async fn sync_issues_stay_small_and_few(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let mut phone = Device::new(&admin);
    phone.pull(&app).await;
    // One refused change with a 3 MB name.
    let mut request = phone.push_request(usize::MAX);
    let huge = "名".repeat(1_000_000);
    request.mutations = vec![raw(
        1,
        "record.create",
        json!({"collection": "contact", "id": new_id(), "fields": {"name": huge}}),
    )];
    let reply = phone.send_push(&app, &request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    phone.pull(&app).await;
    let issues = phone.issues();
    assert_eq!(issues.len(), 1);
    let stored = serde_json::to_string(&issues[0]).unwrap_or_default();
    assert!(
        stored.len() < 8 * 1024,
        "the issue keeps {} bytes",
        stored.len()
    );
    let issue = issues[0].as_issue().expect("an issue");
    assert_eq!(issue.label.chars().count(), 200);
    assert_eq!(issue.args, Value::Null);

    // Many refusals: the oldest are dismissed, and the newest says how many.
    let extra = 50;
    let mut request = phone.push_request(usize::MAX);
    request.mutations = (0..MAX_OPEN_ISSUES + extra)
        .map(|i| {
            raw(
                2 + u64::try_from(i).unwrap_or(0),
                "record.delete",
                json!({"id": new_id()}),
            )
        })
        .collect();
    let reply = phone.send_push(&app, &request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    phone.pull(&app).await;
    let issues = phone.issues();
    assert_eq!(issues.len(), MAX_OPEN_ISSUES);
    let pruned: u32 = issues
        .iter()
        .filter_map(|r| r.as_issue())
        .map(|i| i.pruned)
        .sum();
    assert_eq!(pruned, u32::try_from(extra + 1).unwrap_or(0));
    assert!(
        issues
            .iter()
            .filter_map(|r| r.as_issue())
            .all(|i| i.mutation == "record.delete"),
        "the oldest went first"
    );
    // The server keeps no more than the device sees.
    let fresh = Device::new(&admin);
    let reply = app
        .post("/api/sync/pull", Some(&admin), fresh.pull_request())
        .await;
    let page: PullResponse = reply.json();
    let open = page
        .puts
        .iter()
        .filter(|r| r.collection() == Collection::Issue)
        .count();
    assert_eq!(open, MAX_OPEN_ISSUES);
    app.finish().await;
}

fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .build()
        .expect("client")
}

async fn login_from(app: &TestApp, last: u8, email: &str, password: &str) -> u16 {
    client_from(last)
        .post(format!("{}/api/auth/login", app.url))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("reaches the server")
        .status()
        .as_u16()
}

async fn a_known_email_cannot_lock_its_owner_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let _tokens = app.two_sales_teams().await;
    let email = "rep@qiao.example";
    // Someone elsewhere guesses until the account is locked for them.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(login_from(&app, 9, email, "guess-pass-1").await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    // The owner, from their own address, signs in.
    assert_eq!(login_from(&app, 3, email, "user-pass-1").await, 200);
    // The guesser's address stays locked out of the account, right password or not.
    assert_eq!(login_from(&app, 9, email, "user-pass-1").await, 429);
    // Another account is not affected for the guesser (their address has tries left).
    assert_eq!(
        login_from(&app, 9, "boss@qiao.example", "user-pass-1").await,
        200
    );
    app.finish().await;
}

async fn answers_carry_the_right_headers_and_cookie_writes_stay_on_site(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.secure_cookies = true).await;
    let token = app.set_up().await;
    for path in ["/api/auth/me", "/api/v1/contacts", "/api/teams", "/healthz"] {
        let reply = app.get(path, Some(&token)).await;
        assert_eq!(reply.status, 200, "{path}");
        if path.starts_with("/api/") {
            assert_eq!(
                reply
                    .headers
                    .get("cache-control")
                    .and_then(|v| v.to_str().ok()),
                Some("no-store"),
                "{path}"
            );
        }
        assert!(
            reply
                .headers
                .get("strict-transport-security")
                .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("max-age="))),
            "{path}"
        );
    }
    let plain = TestApp::spawn(backend).await;
    let reply = plain.get("/healthz", None).await;
    assert!(reply.headers.get("strict-transport-security").is_none());
    plain.finish().await;

    // A write carrying the session cookie from another site's page is refused …
    let host = app.url.trim_start_matches("http://").to_owned();
    let cookie_write = |origin: Option<String>| {
        let mut request = app
            .client
            .post(format!("{}/api/v1/contacts", app.url))
            .header("cookie", format!("qiao_session={token}"))
            .json(&json!({"fields": {"name": "跨站"}}));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        async move { crate::harness::read(request.send().await.expect("sent")).await }
    };
    cookie_write(Some("https://evil.example".to_owned()))
        .await
        .assert_error(403, "foreign_origin");
    // … from its own pages it is not, nor is an API client's with a bearer token.
    assert_eq!(
        cookie_write(Some(format!("http://{host}"))).await.status,
        201
    );
    let bearer = app
        .client
        .post(format!("{}/api/v1/contacts", app.url))
        .bearer_auth(&token)
        .header("origin", "https://elsewhere.example")
        .json(&json!({"fields": {"name": "接口"}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bearer.status(), 201);

    // Too many mutations in one push are counted as mutations.
    let phone = Device::new(&token);
    let mut request = phone.push_request(usize::MAX);
    request.mutations = (1..=u64::try_from(shared::sync::MAX_PUSH_MUTATIONS + 1).unwrap_or(0))
        .map(|i| raw(i, "record.delete", json!({"id": new_id()})))
        .collect();
    let reply = phone.send_push(&app, &request).await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.body["error"]["details"][0]["code"], "too_many");
    let message = reply.body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("characters"), "{message}");
    app.finish().await;
}

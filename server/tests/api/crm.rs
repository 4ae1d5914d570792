//! CRM records over the sync engine, on both engines: a lead converted into an account, a
//! contact and a deal; a deal refused at a stage gate by the server even when a device skipped
//! its own check; a manager sees the team's pipeline, another team's rep does not.

use serde_json::json;
use shared::RecordId;
use shared::records::patch;
use shared::sync::{
    Collection, ConvertDeal, ConvertLead, CreateRecord, IssueKind, Mutation, PushResponse,
    Rejection, UpdateRecord,
};
use uuid::Uuid;

use crate::device::{Device, raw};
use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    a_lead_becomes_a_deal_that_the_manager_sees,
    the_server_holds_the_stage_gate,
    an_admins_pipeline_reaches_everyone_and_gates_every_write,
    a_deal_names_several_people_it_may_see
);

fn new_id() -> RecordId {
    RecordId::from_uuid(Uuid::now_v7())
}

async fn a_lead_becomes_a_deal_that_the_manager_sees(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, boss_token, far_token] = app.two_sales_teams().await;
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    let lead = new_id();
    rep.mutate(&Mutation::CreateRecord(CreateRecord {
        custom: Default::default(),
        collection: Collection::Lead,
        id: lead,
        owner: None,
        fields: patch(&[
            ("name", "周先生"),
            ("company", "南方物流"),
            ("source", "展会"),
        ]),
    }));
    let (account, contact, deal) = (new_id(), new_id(), new_id());
    rep.mutate(&Mutation::ConvertLead(ConvertLead {
        lead,
        account,
        contact,
        deal: Some(ConvertDeal {
            id: deal,
            fields: patch(&[("name", "物流系统"), ("amount", "300000")]),
        }),
    }));
    rep.sync(&app).await;
    assert!(rep.issues().is_empty(), "{:?}", rep.issues());

    let mut boss = Device::new(&boss_token);
    boss.pull(&app).await;
    let seen = |d: &Device, c: Collection| d.core.collection(c).count();
    for c in [
        Collection::Lead,
        Collection::Account,
        Collection::Contact,
        Collection::Deal,
    ] {
        assert_eq!(seen(&boss, c), 1, "the manager sees the {c:?}");
    }
    let server_deal = boss.core.get(deal).and_then(|r| r.as_deal()).cloned();
    assert_eq!(
        server_deal.map(|d| (d.account, d.amount, d.stage)),
        Some((Some(account), Some(30_000_000), "qualify".to_owned()))
    );

    // The manager moves it on; the rep's device follows.
    boss.mutate(&Mutation::UpdateRecord(UpdateRecord {
        custom: Default::default(),
        id: deal,
        set: patch(&[("stage", "proposal"), ("close_date", "2026-12-31")]),
        was: patch(&[]),
        seen: boss.core.get(deal).map_or(0, |r| r.version),
    }));
    boss.sync(&app).await;
    rep.pull(&app).await;
    assert_eq!(
        rep.core
            .get(deal)
            .and_then(|r| r.as_deal())
            .map(|d| d.stage.clone()),
        Some("proposal".to_owned())
    );

    // Another team's rep sees none of it.
    let mut far = Device::new(&far_token);
    far.pull(&app).await;
    for c in [
        Collection::Lead,
        Collection::Account,
        Collection::Contact,
        Collection::Deal,
    ] {
        assert_eq!(seen(&far, c), 0, "another team's rep sees no {c:?}");
    }
    app.finish().await;
}

async fn the_server_holds_the_stage_gate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, _, far_token] = app.two_sales_teams().await;
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    let account = new_id();
    rep.mutate(&Mutation::CreateRecord(CreateRecord {
        custom: Default::default(),
        collection: Collection::Account,
        id: account,
        owner: None,
        fields: patch(&[("name", "华东贸易")]),
    }));
    rep.sync(&app).await;

    // A client that skips its own checks: straight to "proposal" with no amount, and a deal on
    // an account of another team.
    let mut far = Device::new(&far_token);
    far.pull(&app).await;
    let mut request = rep.push_request(usize::MAX);
    let next = rep.core.next_mutation_id();
    let deal = new_id();
    request.mutations = vec![raw(
        next,
        "record.create",
        json!({"collection": "deal", "id": deal,
               "fields": {"name": "大单", "account": account.to_string(), "stage": "proposal"}}),
    )];
    let reply: PushResponse = rep.send_push(&app, &request).await.json();
    assert_eq!((reply.applied, reply.rejected), (0, 1));
    let mut far_request = far.push_request(usize::MAX);
    far_request.mutations = vec![raw(
        1,
        "record.create",
        json!({"collection": "deal", "id": new_id(),
               "fields": {"name": "抢单", "account": account.to_string()}}),
    )];
    let reply: PushResponse = far.send_push(&app, &far_request).await.json();
    assert_eq!((reply.applied, reply.rejected), (0, 1));

    rep.pull(&app).await;
    far.pull(&app).await;
    let fields_of = |d: &Device| -> Vec<String> {
        d.issues()
            .iter()
            .filter_map(|r| r.as_issue())
            .filter_map(|i| match &i.kind {
                IssueKind::Rejected {
                    reason: Rejection::Invalid { errors },
                } => Some(
                    errors
                        .iter()
                        .map(|e| format!("{} {}", e.field, e.problem.code())),
                ),
                _ => None,
            })
            .flatten()
            .collect()
    };
    assert_eq!(
        fields_of(&rep),
        ["amount required_for_stage", "close_date required_for_stage"]
    );
    assert_eq!(fields_of(&far), ["account not_found"]);
    assert_eq!(rep.core.collection(Collection::Deal).count(), 0);
    app.finish().await;
}

async fn an_admins_pipeline_reaches_everyone_and_gates_every_write(backend: Backend) {
    use shared::records::{DEFAULT_PIPELINE, Pipeline};
    use shared::sync::SavePipeline;

    let app = TestApp::spawn(backend).await;
    let [rep_token, _, far_token] = app.two_sales_teams().await;
    let admin_token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut main = Pipeline::standard().clone();
    main.stages[1].name_zh = "需求调研".into();
    main.stages[1].required = vec!["contact".into()];
    let mut renewals = Pipeline::standard().clone();
    renewals.name = "续约".into();
    renewals
        .stages
        .retain(|s| s.key != "needs" && s.key != "proposal");
    let renewals_id = new_id();

    // A rep may not set pipelines up: the server refuses even a device that skips its check.
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    let mut request = rep.push_request(usize::MAX);
    request.mutations = vec![raw(
        rep.core.next_mutation_id(),
        "pipeline.save",
        json!({"id": DEFAULT_PIPELINE, "pipeline": main}),
    )];
    let reply: PushResponse = rep.send_push(&app, &request).await.json();
    assert_eq!((reply.applied, reply.rejected), (0, 1));

    let mut admin = Device::new(&admin_token);
    admin.pull(&app).await;
    for (id, pipeline) in [(DEFAULT_PIPELINE, main.clone()), (renewals_id, renewals)] {
        admin.mutate(&Mutation::SavePipeline(SavePipeline { id, pipeline }));
    }
    admin.sync(&app).await;
    assert!(admin.issues().is_empty(), "{:?}", admin.issues());

    // Reps of both teams get both pipelines with their next pull.
    rep.pull(&app).await;
    let mut far = Device::new(&far_token);
    far.pull(&app).await;
    for device in [&rep, &far] {
        let pipelines = device.core.pipelines();
        assert_eq!(pipelines.list().len(), 2);
        assert_eq!(pipelines.get(None), &main);
        assert_eq!(pipelines.get(Some(renewals_id)).name, "续约");
    }

    // API clients read the pipelines, the main one first.
    let listed = app.get("/api/v1/pipelines", Some(&far_token)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let items = listed.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["main"], true);
    assert_eq!(items[0]["stages"][1]["name_zh"], "需求调研");
    assert_eq!(items[0]["stages"][1]["required"], json!(["contact"]));
    assert_eq!(items[1]["name"], "续约");
    assert_eq!(app.get("/api/v1/pipelines", None).await.status, 401);

    // REST writes run the same mutators: the saved gate holds, the other pipeline's stages too.
    let account = app
        .post(
            "/api/v1/accounts",
            Some(&rep_token),
            json!({"fields": {"name": "华东贸易"}}),
        )
        .await;
    let account = account.body["id"].as_str().unwrap_or_default().to_owned();
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&rep_token),
            json!({"fields": {"name": "ERP", "account": account}}),
        )
        .await;
    assert_eq!(deal.status, 201, "{}", deal.body);
    let deal_id = deal.body["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/api/v1/deals/{deal_id}");
    let gated = app
        .patch(
            &path,
            Some(&rep_token),
            json!({"fields": {"stage": "needs"}}),
        )
        .await;
    gated.assert_error(422, "validation_failed");
    assert_eq!(gated.field(), Some("contact"));
    assert_eq!(
        gated.body["error"]["details"][0]["code"],
        "required_for_stage"
    );
    let renewal = app
        .post(
            "/api/v1/deals",
            Some(&rep_token),
            json!({"fields": {"name": "续约", "account": account, "pipeline": renewals_id}}),
        )
        .await;
    assert_eq!(renewal.status, 201, "{}", renewal.body);
    assert_eq!(renewal.body["fields"]["stage"], "qualify");
    let renewal_path = format!(
        "/api/v1/deals/{}",
        renewal.body["id"].as_str().unwrap_or_default()
    );
    let wrong = app
        .patch(
            &renewal_path,
            Some(&rep_token),
            json!({"fields": {"stage": "needs"}}),
        )
        .await;
    wrong.assert_error(422, "validation_failed");
    assert_eq!(wrong.field(), Some("stage"));
    app.finish().await;
}

async fn a_deal_names_several_people_it_may_see(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, _, far] = app.two_sales_teams().await;
    let id =
        |reply: &crate::harness::Reply| reply.body["id"].as_str().unwrap_or_default().to_owned();
    let account = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "华东贸易"}}),
        )
        .await;
    let account = id(&account);
    let mut people = Vec::new();
    for name in ["王采购", "刘工"] {
        let made = app
            .post(
                "/api/v1/contacts",
                Some(&rep),
                json!({"fields": {"name": name, "account": account}}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        people.push(id(&made));
    }
    let theirs = app
        .post(
            "/api/v1/contacts",
            Some(&far),
            json!({"fields": {"name": "赵经理"}}),
        )
        .await;
    let theirs = id(&theirs);
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&rep),
            json!({"fields": {"name": "ERP", "account": account, "contacts": people}}),
        )
        .await;
    assert_eq!(deal.status, 201, "{}", deal.body);
    assert_eq!(deal.body["fields"]["contacts"], json!(people));
    // Someone the rep cannot see is refused at the field; the deal keeps its people.
    let path = format!("/api/v1/deals/{}", id(&deal));
    let refused = app
        .patch(
            &path,
            Some(&rep),
            json!({"fields": {"contacts": [people[0].clone(), theirs]}}),
        )
        .await;
    refused.assert_error(422, "validation_failed");
    assert_eq!(refused.field(), Some("contacts"));
    let kept = app.get(&path, Some(&rep)).await;
    assert_eq!(kept.body["fields"]["contacts"], json!(people));
    app.finish().await;
}

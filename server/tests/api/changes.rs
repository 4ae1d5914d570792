//! What committed writes did, as subscribers in the server hear of it: REST writes and device
//! pushes alike, one batch per commit, the fields that changed, hand-overs and deletions; a
//! refused write tells nothing.

use std::time::Duration;

use serde_json::json;
use shared::records::patch;
use shared::sync::{Collection, CreateRecord, Event, Happened, Mutation, UpdateRecord};
use shared::{RecordId, UserId};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::TryRecvError;
use uuid::Uuid;

use crate::device::Device;
use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(committed_writes_tell_what_happened);

/// The next batch of events, waiting a little for it.
async fn next(changes: &mut Receiver<server::sync::changes::Batch>) -> Vec<Event> {
    tokio::time::timeout(Duration::from_secs(10), changes.recv())
        .await
        .expect("a batch arrives")
        .expect("none missed")
        .to_vec()
}

fn what(events: &[Event]) -> Vec<(Collection, Happened)> {
    events
        .iter()
        .map(|e| (e.collection, e.what.clone()))
        .collect()
}

async fn committed_writes_tell_what_happened(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, _] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut changes = app.changes();

    // An admin's new field is a change of the company's schema.
    let added = app
        .post(
            "/api/v1/objects/contacts/fields",
            Some(&admin),
            json!({"key": "grade", "label": {"zh": "等级", "en": "Grade"},
                   "field_type": {"type": "text"}}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let schema = next(&mut changes).await;
    assert_eq!(schema.len(), 1, "{schema:?}");
    assert_eq!(schema[0].collection, Collection::Schema);

    let made = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "王芳", "job_title": "经理"}}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id: Uuid = made.body["id"].as_str().expect("id").parse().expect("uuid");
    let rep_id: Uuid = made.body["owner"]
        .as_str()
        .expect("owner")
        .parse()
        .expect("uuid");
    let created = next(&mut changes).await;
    assert_eq!(what(&created), [(Collection::Contact, Happened::Created)]);
    assert_eq!(created[0].record, RecordId::from_uuid(id));
    assert_eq!(created[0].by, UserId::from_uuid(rep_id));
    assert!(created[0].version > schema[0].version);

    // A refused edit changes nothing and tells nothing: the next batch is the next write's.
    let refused = app
        .patch(
            &format!("/api/v1/contacts/{id}"),
            Some(&rep),
            json!({"fields": {"email": "not an address"}}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(matches!(changes.try_recv(), Err(TryRecvError::Empty)));

    let edited = app
        .patch(
            &format!("/api/v1/contacts/{id}"),
            Some(&rep),
            json!({"fields": {"job_title": "总监", "grade": "A"}}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    // The edit, then (the server journals edits beside them) nothing else is told.
    assert_eq!(
        what(&next(&mut changes).await),
        [(
            Collection::Contact,
            Happened::Updated {
                fields: vec!["job_title".into(), "grade".into()]
            }
        )]
    );

    // The manager hands the contact to themself.
    let boss_record = app
        .post(
            "/api/v1/contacts",
            Some(&boss),
            json!({"fields": {"name": "李雷"}}),
        )
        .await;
    let boss_id: Uuid = boss_record.body["owner"]
        .as_str()
        .expect("owner")
        .parse()
        .expect("uuid");
    next(&mut changes).await;
    let moved = app
        .patch(
            &format!("/api/v1/contacts/{id}"),
            Some(&boss),
            json!({"owner": boss_id}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let assigned = next(&mut changes).await;
    match &what(&assigned)[..] {
        [
            (
                Collection::Contact,
                Happened::Assigned {
                    from_owner,
                    to_owner,
                    ..
                },
            ),
        ] => {
            assert_eq!(from_owner.as_uuid(), rep_id);
            assert_eq!(to_owner.as_uuid(), boss_id);
        }
        other => panic!("expected a hand-over, got {other:?}"),
    }

    // A device's push is one batch.
    let mut phone = Device::new(&rep);
    phone.pull(&app).await;
    let new = RecordId::from_uuid(Uuid::now_v7());
    phone.mutate(&Mutation::CreateRecord(CreateRecord {
        collection: Collection::Contact,
        id: new,
        owner: None,
        fields: patch(&[("name", "韩梅梅")]),
        custom: Default::default(),
    }));
    phone.mutate(&Mutation::UpdateRecord(UpdateRecord {
        id: new,
        set: patch(&[("wechat", "hanmm")]),
        was: patch(&[]),
        seen: 0,
        custom: Default::default(),
    }));
    let pushed = phone.push(&app).await;
    assert_eq!((pushed.applied, pushed.rejected), (2, 0));
    let batch = next(&mut changes).await;
    assert!(batch.iter().all(|e| e.record == new), "{batch:?}");
    assert_eq!(
        what(&batch),
        [(Collection::Contact, Happened::Created)],
        "created and edited in one push: created, with the edit's values"
    );

    let removed = app
        .delete(&format!("/api/v1/contacts/{id}"), Some(&boss))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(
        what(&next(&mut changes).await),
        [(Collection::Contact, Happened::Deleted)]
    );
    app.finish().await;
}

//! Auto numbers: a device shows a provisional number, the server gives the final one as it
//! stores the record, unique under concurrent writers, per prefix (and day when dated); no
//! client may write one.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use shared::RecordId;
use shared::records::patch;
use shared::schema::auto_number;
use shared::sync::{Collection, CreateRecord, Mutation};
use uuid::Uuid;

use crate::device::Device;
use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    the_server_numbers_new_records,
    an_auto_number_added_later_numbers_the_records_there_are
);

fn number_field(key: &str, prefix: &str, date: bool) -> Value {
    json!({"key": key, "label": {"zh": "编号", "en": "Number"},
           "field_type": {"type": "auto_number", "prefix": prefix, "date": date, "digits": 4}})
}

async fn the_server_numbers_new_records(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, _] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for (object, field) in [
        ("contacts", number_field("code", "KH-", false)),
        ("deals", number_field("contract", "HT-", true)),
    ] {
        let reply = app
            .post(
                &format!("/api/v1/objects/{object}/fields"),
                Some(&admin),
                field,
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }

    // Over REST, the answer already carries the final number.
    let mut codes = Vec::new();
    for name in ["王芳", "李雷"] {
        let made = app
            .post(
                "/api/v1/contacts",
                Some(&rep),
                json!({"fields": {"name": name}}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        codes.push(made.body["fields"]["code"].clone());
    }
    assert_eq!(codes, [json!("KH-0001"), json!("KH-0002")]);

    // Nobody writes a number: not on create, not on edit.
    let forged = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "韩梅梅", "code": "KH-9999"}}),
        )
        .await;
    forged.assert_error(422, "validation_failed");
    assert_eq!(forged.field(), Some("code"), "{}", forged.body);

    // Two phones, offline, make contacts at once: each shows a provisional number, and the
    // server gives each a number of its own.
    let mut phones = [Device::new(&rep), Device::new(&boss)];
    let mut ids = Vec::new();
    for (n, phone) in phones.iter_mut().enumerate() {
        phone.pull(&app).await;
        for i in 0..3 {
            let id = RecordId::from_uuid(Uuid::now_v7());
            phone.mutate(&Mutation::CreateRecord(CreateRecord {
                collection: Collection::Contact,
                id,
                owner: None,
                fields: patch(&[("name", &format!("客户{n}{i}"))]),
                custom: Default::default(),
            }));
            let shown = phone
                .core
                .collection(Collection::Contact)
                .find(|r| r.id == id)
                .and_then(|r| r.custom.get("code").cloned());
            assert_eq!(
                shown,
                Some(json!("KH-…")),
                "provisional until the server numbers it"
            );
            ids.push(id);
        }
    }
    let [first, second] = &phones;
    let (a, b) = tokio::join!(first.push(&app), second.push(&app));
    assert_eq!((a.applied, b.applied), (3, 3));
    let mut numbers = BTreeSet::new();
    for phone in &mut phones {
        phone.pull(&app).await;
        for record in phone.core.collection(Collection::Contact) {
            if ids.contains(&record.id) {
                let code = record.custom.get("code").and_then(Value::as_str);
                let code = code.expect("numbered").to_owned();
                assert!(!auto_number::is_provisional(&code), "{code}");
                numbers.insert(code);
            }
        }
    }
    let wanted: BTreeSet<String> = (3..=8).map(|n| format!("KH-{n:04}")).collect();
    assert_eq!(numbers, wanted);

    let edit = app
        .patch(
            &format!("/api/v1/contacts/{}", ids[0]),
            Some(&rep),
            json!({"fields": {"code": "KH-0001"}}),
        )
        .await;
    edit.assert_error(422, "validation_failed");
    let kept = app
        .get(&format!("/api/v1/contacts/{}", ids[0]), Some(&rep))
        .await;
    assert!(
        numbers.contains(kept.body["fields"]["code"].as_str().unwrap_or_default()),
        "{}",
        kept.body
    );

    // A dated number carries the server's day, in the company's calendar.
    let account = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "甲方"}}),
        )
        .await;
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&rep),
            json!({"fields": {"name": "云主机", "account": account.body["id"], "stage": "qualify"}}),
        )
        .await;
    assert_eq!(deal.status, 201, "{}", deal.body);
    let today = auto_number::day_of(shared_now());
    let expected = auto_number::number("HT-", Some(&today), 4, 1);
    assert_eq!(deal.body["fields"]["contract"], json!(expected));
    app.finish().await;
}

fn shared_now() -> i64 {
    crate::device::shared_now()
}

/// An admin adds an auto number to accounts that already exist: each gets its number, oldest
/// first, from the counter new accounts then go on with; a phone that had them pulls the
/// numbers with the schema.
async fn an_auto_number_added_later_numbers_the_records_there_are(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, _] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut ids = Vec::new();
    for (who, name) in [(&rep, "甲方"), (&boss, "乙方"), (&rep, "丙方")] {
        let made = app
            .post(
                "/api/v1/accounts",
                Some(who),
                json!({"fields": {"name": name}}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        ids.push(made.body["id"].as_str().unwrap_or_default().to_owned());
    }
    let mut phone = Device::new(&boss);
    phone.pull(&app).await;
    let reply = app
        .post(
            "/api/v1/objects/accounts/fields",
            Some(&admin),
            number_field("code", "KH-", false),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let mut codes = Vec::new();
    for id in &ids {
        let one = app
            .get(&format!("/api/v1/accounts/{id}"), Some(&admin))
            .await;
        codes.push(one.body["fields"]["code"].clone());
    }
    assert_eq!(
        codes,
        [json!("KH-0001"), json!("KH-0002"), json!("KH-0003")]
    );
    // The next account goes on from there.
    let next = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "丁方"}}),
        )
        .await;
    assert_eq!(
        next.body["fields"]["code"],
        json!("KH-0004"),
        "{}",
        next.body
    );
    // The phone that held them before pulls their numbers.
    phone.pull(&app).await;
    let mut held: Vec<String> = phone
        .core
        .collection(Collection::Account)
        .filter_map(|r| {
            r.custom
                .get("code")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    held.sort();
    assert_eq!(held, ["KH-0001", "KH-0002", "KH-0003", "KH-0004"]);
    app.finish().await;
}

//! Custom objects and fields on both engines: admins shape the schema over REST and from a
//! device, every change checked; records hold custom values that REST writes, reads, filters
//! and sorts; devices hear of the schema and keep working across its changes.

use serde_json::{Value, json};
use shared::RecordId;
use shared::records::patch;
use shared::schema::company::SCHEMA_ID;
use shared::schema::{FieldDef, FieldType, Labels, ObjectKey};
use shared::sync::{Collection, CreateRecord, IssueKind, Mutation, Rejection, SaveField};
use uuid::Uuid;

use crate::device::Device;
use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    admins_shape_objects_and_fields_over_rest,
    custom_values_are_written_read_filtered_and_sorted_over_rest,
    devices_follow_the_schema_and_their_queued_edits_meet_it,
    an_overwritten_custom_value_comes_back_as_a_sync_issue
);

fn grade() -> Value {
    json!({
        "key": "grade",
        "label": {"zh": "等级", "en": "Grade"},
        "field_type": {"type": "single_select", "options": [
            {"key": "a", "label": {"zh": "A 级", "en": "A"}, "color": "#1f4fd1"},
            {"key": "b", "label": {"zh": "B 级", "en": "B"}}
        ]}
    })
}

fn field_keys(object: &Value) -> Vec<&str> {
    object["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect()
}

async fn admins_shape_objects_and_fields_over_rest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, ..] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let fields = "/api/v1/objects/contacts/fields";

    // Only admins, and a refusal says nothing of the schema.
    app.post(fields, None, grade())
        .await
        .assert_error(401, "unauthorized");
    app.post(fields, Some(&rep), grade())
        .await
        .assert_error(403, "forbidden");
    app.post("/api/v1/objects/nothing/fields", Some(&rep), grade())
        .await
        .assert_error(403, "forbidden");

    let added = app.post(fields, Some(&admin), grade()).await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(field_keys(&added.body).last(), Some(&"grade"));
    // Everyone reads it.
    let seen = app.get("/api/v1/objects/contacts", Some(&rep)).await;
    assert!(field_keys(&seen.body).contains(&"grade"), "{}", seen.body);
    app.post(fields, Some(&admin), grade())
        .await
        .assert_error(409, "exists");
    app.post("/api/v1/objects/nothing/fields", Some(&admin), grade())
        .await
        .assert_error(404, "not_found");

    // A formula with a mistake is refused where the mistake is.
    let wrong = json!({"key": "score", "label": {"zh": "得分", "en": "Score"},
        "field_type": {"type": "formula", "expression": "LEN(name) + grade"}});
    let reply = app.post(fields, Some(&admin), wrong).await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.field(), Some("field_type.expression"));
    let detail = &reply.body["error"]["details"][0];
    assert_eq!(detail["code"], "formula", "{}", reply.body);
    assert_eq!(
        (detail["start"].clone(), detail["end"].clone()),
        (json!(12), json!(17))
    );
    // A type that is not one, a bad key: the body names what is wrong.
    let unknown_type = json!({"key": "x1", "label": {"zh": "x", "en": "x"},
        "field_type": {"type": "hologram"}});
    app.post(fields, Some(&admin), unknown_type)
        .await
        .assert_error(422, "validation_failed");
    let bad_key = json!({"key": "Bad Key", "label": {"zh": "x", "en": "x"},
        "field_type": {"type": "text"}});
    app.post(fields, Some(&admin), bad_key)
        .await
        .assert_error(422, "validation_failed");

    // System fields: relabelled, yes; retyped or deleted, no.
    let phone = "/api/v1/objects/contacts/fields/phone";
    let relabelled = app
        .patch(
            phone,
            Some(&admin),
            json!({"label": {"zh": "手机", "en": "Mobile"}}),
        )
        .await;
    assert_eq!(relabelled.status, 200, "{}", relabelled.body);
    let phone_def = relabelled.body["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["key"] == "phone"))
        .cloned()
        .expect("phone");
    assert_eq!(phone_def["label"]["en"], "Mobile");
    assert_eq!(phone_def["field_type"]["type"], "phone");
    let retyped = app
        .patch(
            phone,
            Some(&admin),
            json!({"field_type": {"type": "integer"}}),
        )
        .await;
    retyped.assert_error(422, "validation_failed");
    assert_eq!(retyped.body["error"]["details"][0]["code"], "system_field");
    app.delete(phone, Some(&admin))
        .await
        .assert_error(422, "validation_failed");
    // A choice records may hold is retired, not removed.
    let fewer = json!({"field_type": {"type": "single_select", "options": [
        {"key": "a", "label": {"zh": "A 级", "en": "A"}}]}});
    let reply = app
        .patch("/api/v1/objects/contacts/fields/grade", Some(&admin), fewer)
        .await;
    assert_eq!(reply.body["error"]["details"][0]["code"], "choice_removed");
    let retired = json!({"field_type": {"type": "single_select", "options": [
        {"key": "a", "label": {"zh": "A 级", "en": "A"}},
        {"key": "b", "label": {"zh": "B 级", "en": "B"}, "retired": true}]}});
    let reply = app
        .patch(
            "/api/v1/objects/contacts/fields/grade",
            Some(&admin),
            retired,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // A custom object linked to accounts, and a rollup on accounts over it.
    let projects = json!({
        "key": "projects", "name": {"zh": "项目", "en": "Projects"}, "name_field": "name",
        "fields": [
            {"key": "name", "label": {"zh": "名称", "en": "Name"},
             "field_type": {"type": "text"}, "required": true},
            {"key": "account", "label": {"zh": "客户", "en": "Account"},
             "field_type": {"type": "link", "object": "accounts"}},
            {"key": "budget", "label": {"zh": "预算", "en": "Budget"},
             "field_type": {"type": "money", "currency": "CNY"}}
        ]
    });
    let created = app
        .post("/api/v1/objects", Some(&admin), projects.clone())
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["system"], false);
    app.post("/api/v1/objects", Some(&admin), projects.clone())
        .await
        .assert_error(409, "exists");
    let mut reserved = projects.clone();
    reserved["key"] = json!("objects");
    let reply = app.post("/api/v1/objects", Some(&admin), reserved).await;
    assert_eq!(
        reply.body["error"]["details"][0]["code"], "reserved",
        "{}",
        reply.body
    );
    let rollup = json!({"key": "project_budget", "label": {"zh": "项目预算", "en": "Project budget"},
        "field_type": {"type": "rollup", "object": "projects", "link": "account",
                       "field": "budget", "function": "sum"}});
    let reply = app
        .post("/api/v1/objects/accounts/fields", Some(&admin), rollup)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    // What the rollup reads cannot go.
    let reply = app
        .delete("/api/v1/objects/projects/fields/budget", Some(&admin))
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.body["error"]["details"][0]["code"], "invalid_schema");
    let renamed = app
        .patch(
            "/api/v1/objects/projects",
            Some(&admin),
            json!({"name": {"zh": "工程项目", "en": "Projects"}, "list_columns": ["name", "budget"]}),
        )
        .await;
    assert_eq!(renamed.body["name"]["zh"], "工程项目", "{}", renamed.body);
    // The form's layout: sections of one or two columns, every key a field of the object.
    let layout = json!({"sections": [
        {"title": {"zh": "预算", "en": "Money"}, "columns": 2, "fields": ["budget", "account"]},
        {"title": {"zh": "其他", "en": "Other"}, "fields": ["name"]}
    ]});
    let path = "/api/v1/objects/projects";
    app.patch(path, Some(&rep), json!({"layout": layout.clone()}))
        .await
        .assert_error(403, "forbidden");
    for bad in [
        json!({"sections": [{"fields": ["budget", "ghost"]}]}),
        json!({"sections": [{"fields": ["name"]}, {"fields": ["name"]}]}),
        json!({"sections": [{"columns": 3, "fields": ["name"]}]}),
    ] {
        let reply = app.patch(path, Some(&admin), json!({"layout": bad})).await;
        reply.assert_error(422, "validation_failed");
        assert_eq!(reply.body["error"]["details"][0]["field"], "layout");
    }
    let laid = app
        .patch(path, Some(&admin), json!({"layout": layout}))
        .await;
    assert_eq!(laid.status, 200, "{}", laid.body);
    let read = app.get(path, Some(&rep)).await;
    assert_eq!(
        read.body["layout"]["sections"][0]["fields"],
        json!(["budget", "account"])
    );
    assert_eq!(read.body["layout"]["sections"][0]["columns"], 2);
    assert_eq!(read.body["layout"]["sections"][1]["columns"], 1);
    let keys: Vec<Value> = app.get("/api/v1/objects", Some(&rep)).await.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["key"].clone())
        .collect();
    assert_eq!(keys.last(), Some(&json!("projects")));
    app.finish().await;
}

async fn custom_values_are_written_read_filtered_and_sorted_over_rest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, _] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let fields = "/api/v1/objects/contacts/fields";
    for field in [
        grade(),
        json!({"key": "budget", "label": {"zh": "预算", "en": "Budget"},
               "field_type": {"type": "money", "currency": "CNY"}}),
        json!({"key": "visits", "label": {"zh": "拜访次数", "en": "Visits"},
               "field_type": {"type": "integer"}}),
    ] {
        let reply = app.post(fields, Some(&admin), field).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let people = [
        ("王芳", json!("a"), json!("12000"), json!(3)),
        (
            "李雷",
            json!("b"),
            json!({"amount": "800.50", "currency": "CNY"}),
            json!(7),
        ),
        ("韩梅梅", json!("a"), json!("95000"), json!(1)),
    ];
    let mut ids = Vec::new();
    for (name, grade, budget, visits) in people {
        let reply = app
            .post(
                "/api/v1/contacts",
                Some(&rep),
                json!({"fields": {"name": name, "grade": grade, "budget": budget, "visits": visits}}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        ids.push(reply.body["id"].as_str().expect("id").to_owned());
    }
    // Wrong values are refused at their fields, beside the typed fields' problems.
    let reply = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "", "grade": "z", "visits": "many"}}),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    let mut refused: Vec<&str> = reply.body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    refused.sort_unstable();
    assert_eq!(refused, ["grade", "name", "visits"]);

    let one = app
        .get(&format!("/api/v1/contacts/{}", ids[0]), Some(&rep))
        .await;
    assert_eq!(one.body["fields"]["grade"], "a", "{}", one.body);
    assert_eq!(one.body["fields"]["budget"]["currency"], "CNY");
    assert_eq!(one.body["fields"]["visits"], 3);

    let names = |reply: &crate::harness::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", reply.body))
            .iter()
            .filter_map(|i| i["fields"]["name"].as_str().map(str::to_owned))
            .collect()
    };
    // The manager filters and sorts by the new fields.
    let list = |query: &str| {
        let path = format!("/api/v1/contacts?{query}");
        let (app, boss) = (&app, &boss);
        async move { app.get(&path, Some(boss)).await }
    };
    assert_eq!(
        names(&list("filter=grade%20%3D%20a&sort=-budget").await),
        ["韩梅梅", "王芳"]
    );
    assert_eq!(
        names(&list("filter=budget%20%3E%3D%2010000&sort=visits").await),
        ["韩梅梅", "王芳"]
    );
    assert_eq!(
        names(&list("sort=-visits").await),
        ["李雷", "王芳", "韩梅梅"]
    );
    assert_eq!(names(&list("grade=b").await), ["李雷"]);
    list("filter=grade%20%3D%20z")
        .await
        .assert_error(400, "invalid_filter");

    // An edit sets one value and empties another.
    let edited = app
        .patch(
            &format!("/api/v1/contacts/{}", ids[1]),
            Some(&rep),
            json!({"fields": {"grade": "a", "budget": null}}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["fields"]["grade"], "a");
    assert_eq!(edited.body["fields"]["budget"], Value::Null);

    // A deleted field leaves the answers but keeps its values, and comes back with them.
    let reply = app
        .delete("/api/v1/objects/contacts/fields/visits", Some(&admin))
        .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    let one = app
        .get(&format!("/api/v1/contacts/{}", ids[0]), Some(&rep))
        .await;
    assert!(one.body["fields"].get("visits").is_none(), "{}", one.body);
    list("sort=visits")
        .await
        .assert_error(400, "invalid_parameter");
    let restored = app
        .post(
            "/api/v1/objects/contacts/fields/visits/restore",
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    let one = app
        .get(&format!("/api/v1/contacts/{}", ids[0]), Some(&rep))
        .await;
    assert_eq!(one.body["fields"]["visits"], 3);
    app.finish().await;
}

fn new_id() -> RecordId {
    RecordId::from_uuid(Uuid::now_v7())
}

fn text_field(key: &str, required: bool) -> FieldDef {
    let mut field = FieldDef::new(key, Labels::new(key, key), FieldType::Text).expect("key");
    field.required = required;
    field
}

async fn devices_follow_the_schema_and_their_queued_edits_meet_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, ..] = app.two_sales_teams().await;
    let admin_token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let contacts = ObjectKey::parse("contacts").expect("key");
    let save = |field: FieldDef| {
        Mutation::SaveField(SaveField {
            object: contacts.clone(),
            field: Box::new(field),
            adding: true,
            lossy: false,
        })
    };

    // Two admins' devices add fields at once: both land, in some order.
    let mut laptop = Device::new(&admin_token);
    let mut tablet = Device::new(&app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    laptop.pull(&app).await;
    tablet.pull(&app).await;
    laptop.mutate(&save(text_field("region", false)));
    tablet.mutate(&save(text_field("hobby", false)));
    let (a, b) = tokio::join!(laptop.push(&app), tablet.push(&app));
    assert_eq!((a.applied, a.rejected, b.applied, b.rejected), (1, 0, 1, 0));

    // A rep's device hears of both and writes them, offline first.
    let mut rep = Device::new(&rep_token);
    rep.pull(&app).await;
    let schema = rep
        .core
        .collection(Collection::Schema)
        .next()
        .cloned()
        .expect("the schema reached the device");
    assert_eq!(schema.id, SCHEMA_ID);
    let contact = new_id();
    let custom = |pairs: &[(&str, &str)]| -> serde_json::Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect()
    };
    rep.mutate(&Mutation::CreateRecord(CreateRecord {
        collection: Collection::Contact,
        id: contact,
        owner: None,
        fields: patch(&[("name", "赵总")]),
        custom: custom(&[("region", "华北"), ("hobby", "钓鱼")]),
    }));
    rep.sync(&app).await;
    // Then, while the rep is offline again, the admin makes a new field required: the record
    // the rep made meanwhile without it comes back as a sync issue; the first one stays.
    let late = new_id();
    rep.mutate(&Mutation::CreateRecord(CreateRecord {
        collection: Collection::Contact,
        id: late,
        owner: None,
        fields: patch(&[("name", "钱总")]),
        custom: custom(&[("region", "华东")]),
    }));
    laptop.pull(&app).await;
    laptop.mutate(&save(text_field("tier", true)));
    laptop.sync(&app).await;
    rep.sync(&app).await;
    let stored = rep
        .contacts()
        .into_iter()
        .find(|r| r.id == contact)
        .expect("the first contact landed");
    assert_eq!(stored.custom.get("hobby"), Some(&json!("钓鱼")));
    assert!(rep.contacts().iter().all(|r| r.id != late));
    let issues = rep.issues();
    assert_eq!(issues.len(), 1, "{issues:?}");
    match issues[0].as_issue().map(|i| &i.kind) {
        Some(IssueKind::Rejected {
            reason: Rejection::Invalid { errors },
        }) => assert_eq!(errors[0].field, "tier", "{errors:?}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    // An older device's edit, without custom values, still applies to the record.
    let old = json!({"id": contact, "set": {"company": "赵氏集团"}});
    rep.mutate(&Mutation::parse("record.update", &old).expect("an old edit"));
    rep.sync(&app).await;
    let stored = rep
        .contacts()
        .into_iter()
        .find(|r| r.id == contact)
        .expect("still there");
    assert_eq!(stored.body.text("company"), "赵氏集团");
    assert_eq!(stored.custom.get("region"), Some(&json!("华北")));
    app.finish().await;
}

/// Two people change the same custom value: the later writer, who had not seen the other's
/// value, gets an "overwritten" sync issue naming both, as for a built-in field.
async fn an_overwritten_custom_value_comes_back_as_a_sync_issue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep_token, boss_token, _] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let added = app
        .post("/api/v1/objects/contacts/fields", Some(&admin), grade())
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let made = app
        .post(
            "/api/v1/contacts",
            Some(&rep_token),
            json!({"fields": {"name": "王芳", "grade": "a"}}),
        )
        .await;
    let id: RecordId = made.body["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("an id");
    let mut rep = Device::new(&rep_token);
    let mut boss = Device::new(&boss_token);
    rep.pull(&app).await;
    boss.pull(&app).await;
    let edit = |device: &Device, value: Value| {
        let seen = device
            .contacts()
            .into_iter()
            .find(|r| r.id == id)
            .map(|r| r.version)
            .expect("the device has the contact");
        Mutation::UpdateRecord(shared::sync::UpdateRecord {
            id,
            set: patch(&[]),
            was: [("grade".to_owned(), "a".to_owned())].into_iter().collect(),
            seen,
            custom: [("grade".to_owned(), value)].into_iter().collect(),
        })
    };
    let (first, second) = (edit(&boss, json!("b")), edit(&rep, Value::Null));
    boss.mutate(&first);
    rep.mutate(&second);
    boss.sync(&app).await;
    // The rep's edit, made offline over the a they saw, lands over the manager's b.
    rep.sync(&app).await;
    let issues = rep.issues();
    assert_eq!(issues.len(), 1, "{issues:?}");
    match issues[0].as_issue().map(|i| &i.kind) {
        Some(IssueKind::Overwritten {
            field,
            mine,
            theirs,
            original,
            ..
        }) => {
            assert_eq!(
                (
                    field.as_str(),
                    mine.as_str(),
                    theirs.as_str(),
                    original.as_str()
                ),
                ("grade", "", "b", "a")
            );
        }
        other => panic!("expected an overwrite, got {other:?}"),
    }
    // The manager, who saw nothing of the rep's, hears of nothing.
    boss.sync(&app).await;
    assert!(boss.issues().is_empty());
    app.finish().await;
}

//! A custom field changes type on both engines: a preview names the values that would not
//! convert, the change needs confirming when some would not, and every stored value follows
//! it in the same transaction (devices pull them with the schema); a device's queued edit in
//! the old type comes back as a sync issue.

use serde_json::{Value, json};
use shared::sync::{IssueKind, Mutation, Rejection};

use crate::device::Device;
use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    a_field_changes_type_and_its_values_follow,
    a_deleted_field_goes_with_its_values_after_thirty_days
);

async fn a_field_changes_type_and_its_values_follow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, ..] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for field in [
        json!({"key": "mobile", "label": {"zh": "备用电话", "en": "Other phone"},
               "field_type": {"type": "text"}}),
        json!({"key": "visits", "label": {"zh": "拜访次数", "en": "Visits"},
               "field_type": {"type": "integer"}}),
    ] {
        let reply = app
            .post("/api/v1/objects/contacts/fields", Some(&admin), field)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let mut ids = Vec::new();
    for (name, mobile, visits) in [
        ("王芳", Some("138 0013 8000"), 3),
        ("李雷", Some("前台转"), 7),
        ("韩梅梅", None, 1),
    ] {
        let mut fields = json!({"name": name, "visits": visits});
        if let Some(mobile) = mobile {
            fields["mobile"] = json!(mobile);
        }
        let reply = app
            .post("/api/v1/contacts", Some(&rep), json!({ "fields": fields }))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        ids.push(reply.body["id"].as_str().expect("id").to_owned());
    }
    // The rep's device holds them, and edits one offline in the old type.
    let mut device = Device::new(&rep);
    device.pull(&app).await;
    assert_eq!(device.contacts().len(), 3);
    let queued = json!({"id": ids[2], "set": {}, "custom": {"mobile": "总机"}});
    device.mutate(&Mutation::parse("record.update", &queued).expect("an edit"));

    // The preview: admins only, for a field that exists.
    let preview = "/api/v1/objects/contacts/fields/mobile/preview";
    let phone = json!({"field_type": {"type": "phone"}});
    app.post(preview, Some(&rep), &phone)
        .await
        .assert_error(403, "forbidden");
    app.post(
        "/api/v1/objects/contacts/fields/nothing/preview",
        Some(&admin),
        &phone,
    )
    .await
    .assert_error(404, "not_found");
    app.post(
        "/api/v1/objects/contacts/fields/name/preview",
        Some(&admin),
        &phone,
    )
    .await
    .assert_error(404, "not_found");
    let seen = app.post(preview, Some(&admin), &phone).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["conversion"], "lossy");
    assert_eq!(
        (seen.body["values"].as_u64(), seen.body["failing"].as_u64()),
        (Some(2), Some(1))
    );
    let example = &seen.body["examples"][0];
    assert_eq!(example["id"], json!(ids[1]));
    assert_eq!(example["name"], "李雷");
    assert_eq!(example["value"], "前台转");
    assert_eq!(example["problem"]["code"], "invalid_phone");
    for lang in ["zh", "en"] {
        assert!(
            example["messages"][lang]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{example}"
        );
    }
    assert_ne!(example["messages"]["zh"], example["messages"]["en"]);
    let refused = app
        .post(
            preview,
            Some(&admin),
            json!({"field_type": {"type": "geo"}}),
        )
        .await;
    assert_eq!(refused.body["conversion"], "refused", "{}", refused.body);

    // The change itself: unconfirmed, refused at the type; a type never offered, refused.
    let field = "/api/v1/objects/contacts/fields/mobile";
    let reply = app
        .patch(
            field,
            Some(&admin),
            json!({"field_type": {"type": "phone"}}),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(
        reply.body["error"]["details"][0]["code"],
        "lossy_conversion"
    );
    let reply = app
        .patch(
            field,
            Some(&admin),
            json!({"field_type": {"type": "geo"}, "lossy": true}),
        )
        .await;
    assert_eq!(
        reply.body["error"]["details"][0]["code"],
        "unsafe_conversion"
    );
    app.patch(
        field,
        Some(&admin),
        json!({"field_type": {"type": "phone"}, "lossy": "yes"}),
    )
    .await
    .assert_error(422, "validation_failed");
    let changed = app
        .patch(
            field,
            Some(&admin),
            json!({"field_type": {"type": "phone"}, "lossy": true}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    // A safe change needs no confirmation.
    let safe = app
        .patch(
            "/api/v1/objects/contacts/fields/visits",
            Some(&admin),
            json!({"field_type": {"type": "decimal", "precision": 1}}),
        )
        .await;
    assert_eq!(safe.status, 200, "{}", safe.body);

    // Stored values followed: a number converts, other text keeps its old form.
    let read = |id: &str| {
        let (app, rep, path) = (&app, &rep, format!("/api/v1/contacts/{id}"));
        async move { app.get(&path, Some(rep)).await.body["fields"].clone() }
    };
    let first = read(&ids[0]).await;
    assert_eq!(first["mobile"], "+8613800138000", "{first}");
    assert_eq!(first["visits"], json!("3"), "{first}");
    assert_eq!(read(&ids[1]).await["mobile"], "前台转");
    assert_eq!(read(&ids[2]).await["mobile"], Value::Null);
    // Filtering by the new type finds the converted value.
    let found = app
        .get(
            "/api/v1/contacts?filter=mobile%20%3D%20%2B8613800138000",
            Some(&rep),
        )
        .await;
    assert_eq!(
        found.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        found.body
    );

    // The device pulls the converted values with the schema; its queued edit in the old type
    // comes back as a sync issue at the field.
    device.sync(&app).await;
    let held = device
        .contacts()
        .into_iter()
        .find(|r| json!(r.id) == json!(ids[0]))
        .expect("held");
    assert_eq!(held.custom.get("mobile"), Some(&json!("+8613800138000")));
    let issues = device.issues();
    assert_eq!(issues.len(), 1, "{issues:?}");
    match issues[0].as_issue().map(|i| &i.kind) {
        Some(IssueKind::Rejected {
            reason: Rejection::Invalid { errors },
        }) => assert_eq!(
            (errors[0].field.as_str(), errors[0].problem.code()),
            ("mobile", "invalid_phone")
        ),
        other => panic!("expected a rejection, got {other:?}"),
    }

    // Free text becomes a select: asked without choices, the preview makes them from the
    // values held, the most used first; sent back, every value becomes its choice.
    let region = json!({"key": "region", "label": {"zh": "区域", "en": "Region"},
                        "field_type": {"type": "text"}});
    let reply = app
        .post("/api/v1/objects/contacts/fields", Some(&admin), region)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    for (id, region) in ids.iter().zip(["华北", "华东", "华东"]) {
        let reply = app
            .patch(
                &format!("/api/v1/contacts/{id}"),
                Some(&rep),
                json!({"fields": {"region": region}}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let seen = app
        .post(
            "/api/v1/objects/contacts/fields/region/preview",
            Some(&admin),
            json!({"field_type": {"type": "single_select", "options": []}}),
        )
        .await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(
        (seen.body["values"].as_u64(), seen.body["failing"].as_u64()),
        (Some(3), Some(0))
    );
    let options = seen.body["field_type"]["options"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let labels: Vec<&str> = options
        .iter()
        .filter_map(|o| o["label"]["zh"].as_str())
        .collect();
    assert_eq!(labels, ["华东", "华北"]);
    let changed = app
        .patch(
            "/api/v1/objects/contacts/fields/region",
            Some(&admin),
            json!({"field_type": seen.body["field_type"], "lossy": true}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(read(&ids[1]).await["region"], options[0]["key"]);
    assert_eq!(read(&ids[0]).await["region"], options[1]["key"]);
    app.finish().await;
}

/// A deleted field keeps its values for 30 days (restorable); then the server's housekeeping
/// forgets it with them, even though nobody changed the schema meanwhile.
async fn a_deleted_field_goes_with_its_values_after_thirty_days(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, ..] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let legacy = json!({"key": "legacy", "label": {"zh": "旧编号", "en": "Legacy"},
                        "field_type": {"type": "text"}});
    let reply = app
        .post("/api/v1/objects/contacts/fields", Some(&admin), legacy)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let made = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "王芳", "legacy": "A-17"}}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let field = "/api/v1/objects/contacts/fields/legacy";
    assert_eq!(app.delete(field, Some(&admin)).await.status, 204);
    let held = |device: &Device| {
        device
            .contacts()
            .first()
            .and_then(|r| r.custom.get("legacy").cloned())
    };
    // Within the 30 days nothing is due, and the value is kept.
    let now = crate::device::shared_now();
    assert_eq!(
        server::sync::retype::forget_deleted_fields(app.db(), now)
            .await
            .ok(),
        Some(0)
    );
    let mut device = Device::new(&rep);
    device.pull(&app).await;
    assert_eq!(held(&device), Some(json!("A-17")));
    // Past them, the field and its values go; the device follows; it cannot be restored.
    let later = now + shared::schema::company::KEEP_DELETED_MS + 60_000;
    assert_eq!(
        server::sync::retype::forget_deleted_fields(app.db(), later)
            .await
            .ok(),
        Some(1)
    );
    assert_eq!(
        server::sync::retype::forget_deleted_fields(app.db(), later)
            .await
            .ok(),
        Some(0)
    );
    device.pull(&app).await;
    assert_eq!(held(&device), None);
    app.post(&format!("{field}/restore"), Some(&admin), json!({}))
        .await
        .assert_error(404, "not_found");
    app.finish().await;
}

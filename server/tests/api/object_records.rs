//! The records of a custom object over REST on both engines (`/api/v1/{object}`): written,
//! read, listed, filtered and sorted in SQL like a built-in collection's, checked by the
//! object's definition, seen only within the reader's scope, and never mixed with another
//! object's records.

use serde_json::{Value, json};

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(a_custom_objects_records_live_at_their_own_rest_path);

fn projects() -> Value {
    json!({
        "key": "projects", "name": {"zh": "项目", "en": "Projects"}, "name_field": "name",
        "fields": [
            {"key": "name", "label": {"zh": "名称", "en": "Name"},
             "field_type": {"type": "text"}, "required": true},
            {"key": "account", "label": {"zh": "客户", "en": "Account"},
             "field_type": {"type": "link", "object": "accounts"}},
            {"key": "budget", "label": {"zh": "预算", "en": "Budget"},
             "field_type": {"type": "money", "currency": "CNY"}},
            {"key": "phase", "label": {"zh": "阶段", "en": "Phase"},
             "field_type": {"type": "single_select", "options": [
                {"key": "plan", "label": {"zh": "规划", "en": "Plan"}},
                {"key": "build", "label": {"zh": "实施", "en": "Build"}}]}}
        ]
    })
}

fn names(reply: &Value) -> Vec<String> {
    reply["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["fields"]["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn a_custom_objects_records_live_at_their_own_rest_path(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, far] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // Before the object exists, its path is no collection.
    app.get("/api/v1/projects", Some(&rep))
        .await
        .assert_error(404, "not_found");
    let made = app.post("/api/v1/objects", Some(&admin), projects()).await;
    assert_eq!(made.status, 201, "{}", made.body);
    // A second object, whose records must never show among the projects.
    let rivals = json!({"key": "rivals", "name": {"zh": "竞品", "en": "Rivals"},
        "name_field": "name", "fields": [{"key": "name", "label": {"zh": "名称", "en": "Name"},
        "field_type": {"type": "text"}}]});
    let made = app.post("/api/v1/objects", Some(&admin), rivals).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let rival = app
        .post(
            "/api/v1/rivals",
            Some(&rep),
            json!({"fields": {"name": "对手甲"}}),
        )
        .await;
    assert_eq!(rival.status, 201, "{}", rival.body);

    // Each project numbered by the server as it is made.
    let code = json!({"key": "code", "label": {"zh": "编号", "en": "Code"},
        "field_type": {"type": "auto_number", "prefix": "XM-", "digits": 4}});
    let reply = app
        .post("/api/v1/objects/projects/fields", Some(&admin), code)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);

    let account = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "华为"}}),
        )
        .await;
    let account = account.body["id"].as_str().expect("id").to_owned();
    let theirs = app
        .post(
            "/api/v1/accounts",
            Some(&far),
            json!({"fields": {"name": "别人的客户"}}),
        )
        .await;
    let theirs = theirs.body["id"].as_str().expect("id").to_owned();

    let mut ids = Vec::new();
    for (name, budget, phase) in [
        ("园区一期", "120000", "build"),
        ("园区二期", "800.50", "plan"),
        ("数据中心", "95000", "build"),
    ] {
        let reply = app
            .post(
                "/api/v1/projects",
                Some(&rep),
                json!({"fields": {"name": name, "account": account, "budget": budget, "phase": phase}}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        assert_eq!(reply.body["object"], "projects");
        assert_eq!(reply.body["fields"]["name"], name);
        assert_eq!(reply.body["fields"]["account"], account.as_str());
        assert_eq!(
            reply.body["fields"]["code"],
            format!("XM-{:04}", ids.len() + 1),
            "{}",
            reply.body
        );
        assert!(
            reply.body["fields"].get("object").is_none(),
            "{}",
            reply.body
        );
        ids.push(reply.body["id"].as_str().expect("id").to_owned());
    }

    // Bad input: each problem at its field, nothing written.
    let reply = app
        .post(
            "/api/v1/projects",
            Some(&rep),
            json!({"fields": {"budget": "lots", "grade": "a", "phase": "done"}}),
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
    assert_eq!(
        refused,
        ["budget", "grade", "name", "phase"],
        "{}",
        reply.body
    );
    let reply = app
        .post(
            "/api/v1/projects",
            Some(&rep),
            json!({"fields": {"name": "换对象", "object": "leads"}}),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.field(), Some("object"));
    // A link to an account the writer does not see is refused as if it did not exist.
    let reply = app
        .post(
            "/api/v1/projects",
            Some(&rep),
            json!({"fields": {"name": "越权", "account": theirs}}),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.field(), Some("account"));

    // Listed, filtered and sorted in SQL; only this object's records.
    let all = app.get("/api/v1/projects?sort=name", Some(&rep)).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(names(&all.body), ["园区一期", "园区二期", "数据中心"]);
    let rich = app
        .get(
            "/api/v1/projects?sort=-budget&filter=budget%20%3E%3D%201000",
            Some(&rep),
        )
        .await;
    assert_eq!(rich.status, 200, "{}", rich.body);
    assert_eq!(names(&rich.body), ["园区一期", "数据中心"]);
    let building = app
        .get("/api/v1/projects?phase=build&sort=name", Some(&rep))
        .await;
    assert_eq!(names(&building.body), ["园区一期", "数据中心"]);
    let page = app
        .get("/api/v1/projects?sort=name&limit=2", Some(&rep))
        .await;
    assert_eq!(names(&page.body), ["园区一期", "园区二期"]);
    let cursor = page.body["next_cursor"].as_str().expect("a next page");
    let next = app
        .get(
            &format!("/api/v1/projects?sort=name&limit=2&cursor={cursor}"),
            Some(&rep),
        )
        .await;
    assert_eq!(names(&next.body), ["数据中心"]);
    assert!(next.body["next_cursor"].is_null());
    app.get("/api/v1/projects?object=rivals", Some(&rep))
        .await
        .assert_error(400, "unknown_field");
    let rivals = app.get("/api/v1/rivals", Some(&rep)).await;
    assert_eq!(names(&rivals.body), ["对手甲"]);

    // Formulas, rollups and lookups are worked out when read, over what the reader sees.
    for (object, field) in [
        (
            "accounts",
            json!({"key": "project_budget", "label": {"zh": "项目预算", "en": "Project budget"},
            "field_type": {"type": "rollup", "object": "projects", "link": "account",
                           "field": "budget", "function": "sum"}}),
        ),
        (
            "accounts",
            json!({"key": "projects_built", "label": {"zh": "实施中", "en": "Building"},
            "field_type": {"type": "rollup", "object": "projects", "link": "account",
                           "field": "budget", "function": "count", "filter": "phase = build"}}),
        ),
        (
            "projects",
            json!({"key": "account_name", "label": {"zh": "客户名称", "en": "Account name"},
            "field_type": {"type": "lookup", "link": "account", "field": "name"}}),
        ),
        (
            "projects",
            json!({"key": "deposit", "label": {"zh": "定金", "en": "Deposit"},
            "field_type": {"type": "formula", "expression": "budget * 0.3"}}),
        ),
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
    let read = app
        .get(&format!("/api/v1/accounts/{account}"), Some(&boss))
        .await;
    assert_eq!(
        read.body["fields"]["project_budget"],
        json!({"amount": "215800.5", "currency": "CNY"}),
        "{}",
        read.body
    );
    // A count is a number in its JSON form (decimal text, like every decimal).
    assert_eq!(
        read.body["fields"]["projects_built"],
        json!("2"),
        "{}",
        read.body
    );
    let listed = app.get("/api/v1/projects?sort=name", Some(&rep)).await;
    let first = &listed.body["items"][0]["fields"];
    assert_eq!(first["account_name"], "华为", "{}", listed.body);
    assert_eq!(first["deposit"]["amount"], "36000", "{}", listed.body);
    // A value a client sends for a worked-out field is refused there.
    let reply = app
        .patch(
            &format!("/api/v1/projects/{}", ids[0]),
            Some(&rep),
            json!({"fields": {"deposit": "1"}}),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.field(), Some("deposit"));

    // Scope: the rep's manager sees them; a rep of another team neither reads, lists nor
    // changes them, and hears only "not found".
    let seen = app.get("/api/v1/projects", Some(&boss)).await;
    assert_eq!(seen.body["items"].as_array().map(Vec::len), Some(3));
    let hidden = app.get("/api/v1/projects", Some(&far)).await;
    assert_eq!(hidden.body["items"].as_array().map(Vec::len), Some(0));
    let one = format!("/api/v1/projects/{}", ids[0]);
    app.get(&one, Some(&far))
        .await
        .assert_error(404, "not_found");
    app.patch(&one, Some(&far), json!({"fields": {"name": "抢"}}))
        .await
        .assert_error(404, "not_found");
    // A project is not a rival, nor a contact.
    app.get(&format!("/api/v1/rivals/{}", ids[0]), Some(&rep))
        .await
        .assert_error(404, "not_found");
    app.get(&format!("/api/v1/contacts/{}", ids[0]), Some(&rep))
        .await
        .assert_error(404, "not_found");

    // Renamed through its name field; the object stays.
    let renamed = app
        .patch(
            &one,
            Some(&rep),
            json!({"fields": {"name": "园区一期（扩建）"}}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.body["fields"]["name"], "园区一期（扩建）");
    app.patch(&one, Some(&rep), json!({"fields": {"object": "rivals"}}))
        .await
        .assert_error(422, "validation_failed");
    let read = app.get(&one, Some(&boss)).await;
    assert_eq!(read.body["fields"]["name"], "园区一期（扩建）");
    assert_eq!(read.body["fields"]["budget"]["amount"], "120000");
    // Deleted: gone from its path and its list.
    let gone = app.delete(&one, Some(&rep)).await;
    assert_eq!(gone.status, 204, "{}", gone.body);
    app.get(&one, Some(&rep))
        .await
        .assert_error(404, "not_found");
    let left = app.get("/api/v1/projects?sort=name", Some(&rep)).await;
    assert_eq!(names(&left.body), ["园区二期", "数据中心"]);
    app.finish().await;
}

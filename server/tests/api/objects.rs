//! `/api/v1/objects` and `/api/v1/field-types`: the schema as API clients read it.

use serde_json::Value;

use crate::harness::{Backend, TestApp, both};

both!(
    field_types_list_every_type_with_its_options_and_operators,
    objects_describe_every_built_in_object
);

async fn field_types_list_every_type_with_its_options_and_operators(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/api/v1/field-types", None).await.status, 401);
    let [rep, ..] = app.two_sales_teams().await;
    let reply = app.get("/api/v1/field-types", Some(&rep)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let items = reply.body["items"].as_array().expect("items");
    assert!(items.len() >= 32, "{} types", items.len());
    let of = |kind: &str| -> &Value {
        items
            .iter()
            .find(|t| t["type"] == kind)
            .unwrap_or_else(|| panic!("{kind} listed"))
    };
    let money = of("money");
    assert_eq!(money["name"]["zh"], "金额");
    assert_eq!(money["options"], serde_json::json!(["currency"]));
    assert_eq!(money["computed"], false);
    let operators: Vec<&str> = money["operators"]
        .as_array()
        .expect("operators")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(operators, ["is", "order", "empty"]);
    assert_eq!(of("formula")["computed"], true);
    assert_eq!(
        of("single_select")["options"],
        serde_json::json!(["options"])
    );
    assert!(
        of("date")["operators"]
            .as_array()
            .expect("operators")
            .contains(&"period".into())
    );
    app.finish().await;
}

async fn objects_describe_every_built_in_object(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/api/v1/objects", None).await.status, 401);
    let [rep, ..] = app.two_sales_teams().await;
    let reply = app.get("/api/v1/objects", Some(&rep)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let keys: Vec<&str> = reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "contacts",
            "accounts",
            "leads",
            "deals",
            "activities",
            "tasks"
        ]
    );

    let deals = app.get("/api/v1/objects/deals", Some(&rep)).await;
    assert_eq!(deals.status, 200, "{}", deals.body);
    assert_eq!(deals.body["name"]["en"], "Deals");
    assert_eq!(deals.body["name_field"], "name");
    let field = |name: &str| -> Value {
        deals.body["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["key"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} described"))
    };
    let amount = field("amount");
    assert_eq!(amount["field_type"]["type"], "money");
    assert_eq!(amount["system"], true);
    assert_eq!(field("name")["required"], true);
    assert_eq!(field("account")["field_type"]["object"], "accounts");
    assert_eq!(field("owner")["field_type"]["type"], "user");
    // A deal's stages are the pipeline's, with both languages' names.
    let stages = field("stage")["field_type"]["options"]
        .as_array()
        .expect("stages")
        .clone();
    assert!(stages.len() >= 4, "{stages:?}");
    assert!(
        stages
            .iter()
            .all(|s| s["label"]["zh"].as_str().is_some_and(|l| !l.is_empty()))
    );

    app.get("/api/v1/objects/projects", Some(&rep))
        .await
        .assert_error(404, "not_found");
    app.finish().await;
}

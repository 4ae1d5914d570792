//! `/api/v1/{collection}`: CRUD for every collection with filters, sorting and paging; 404,
//! 409 and 422 answers; scope enforcement; and REST writes reaching devices through sync.

use serde_json::{Value, json};
use shared::sync::Collection;

use crate::device::Device;
use crate::harness::{Backend, TestApp, both};

both!(
    every_collection_has_crud,
    lists_filter_sort_and_page,
    lists_take_a_filter_in_the_query_language,
    bad_writes_get_clear_answers,
    scope_holds_in_rest_too
);

/// The names of a list's records, in its order.
fn names(reply: &Value) -> Vec<String> {
    reply["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["fields"]["name"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn id_of(reply: &Value) -> String {
    reply["id"].as_str().expect("an id").to_owned()
}

async fn every_collection_has_crud(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, ..] = app.two_sales_teams().await;
    let made = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "华东贸易", "grade": "A", "tags": ["重点", "华东"]}}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["fields"]["grade"], "A");
    assert_eq!(made.body["fields"]["tags"], json!(["重点", "华东"]));
    let account = id_of(&made.body);
    let creates = [
        (
            "contacts",
            json!({"name": "陈经理", "phone": "139 1234 5678", "account": account,
                "job_title": "采购经理", "phones": ["010 6552 9988", "+86 138 0013 8000"],
                "wechat": "chen_jl", "birthday": "1980/6/15", "tags": ["决策人"]}),
        ),
        ("leads", json!({"name": "周先生", "source": "展会"})),
        (
            "deals",
            json!({"name": "ERP", "account": account, "amount": 120000}),
        ),
        (
            "activities",
            json!({"kind": "call", "subject": "首次沟通", "about": account}),
        ),
        (
            "tasks",
            json!({"title": "寄报价单", "due": 1_900_000_000_000_i64}),
        ),
    ];
    for (collection, fields) in creates {
        let path = format!("/api/v1/{collection}");
        let made = app.post(&path, Some(&rep), json!({"fields": fields})).await;
        assert_eq!(made.status, 201, "{collection}: {}", made.body);
        if collection == "contacts" {
            let fields = &made.body["fields"];
            assert_eq!(fields["account"], json!(account));
            assert_eq!(fields["phones"], json!(["+861065529988", "+8613800138000"]));
            assert_eq!(fields["birthday"], "1980-06-15");
            assert_eq!(fields["tags"], json!(["决策人"]));
        }
        let id = id_of(&made.body);
        let one = app.get(&format!("{path}/{id}"), Some(&rep)).await;
        assert_eq!(one.status, 200);
        assert_eq!(one.body["id"], made.body["id"]);
        let listed = app.get(&path, Some(&rep)).await;
        assert_eq!(
            listed.body["items"].as_array().map(Vec::len),
            Some(1),
            "{collection}"
        );
        assert_eq!(listed.body["next_cursor"], Value::Null);
        let gone = app.delete(&format!("{path}/{id}"), Some(&rep)).await;
        assert_eq!(gone.status, 204, "{collection}");
        app.get(&format!("{path}/{id}"), Some(&rep))
            .await
            .assert_error(404, "not_found");
    }
    // A change through REST: the deal moves on and the account is renamed.
    let changed = app
        .patch(
            &format!("/api/v1/accounts/{account}"),
            Some(&rep),
            json!({"fields": {"name": "华东贸易集团"}}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["fields"]["name"], "华东贸易集团");
    assert_eq!(
        changed.body["fields"]["grade"], "A",
        "untouched fields stay"
    );
    app.finish().await;
}

async fn lists_filter_sort_and_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, ..] = app.two_sales_teams().await;
    let account = id_of(
        &app.post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "甲"}}),
        )
        .await
        .body,
    );
    for (i, amount) in [900, 12_000, 300, 5_000, 70_000].iter().enumerate() {
        let stage = if i % 2 == 0 { "qualify" } else { "needs" };
        let made = app
            .post(
                "/api/v1/deals",
                Some(&rep),
                json!({"fields": {"name": format!("单{i}"), "account": account, "amount": amount, "stage": stage}}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let by_amount = app.get("/api/v1/deals?sort=amount", Some(&rep)).await;
    assert_eq!(
        names(&by_amount.body),
        ["单2", "单0", "单3", "单1", "单4"],
        "numbers sort as numbers"
    );
    let needs = app
        .get("/api/v1/deals?stage=needs&sort=-amount", Some(&rep))
        .await;
    assert_eq!(names(&needs.body), ["单1", "单3"]);
    // Pages of two, following next_cursor, give every deal once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/deals?sort=name&limit=2".to_owned();
    loop {
        let page = app.get(&path, Some(&rep)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(names(&page.body).len() <= 2);
        seen.extend(names(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/deals?sort=name&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ["单0", "单1", "单2", "单3", "单4"]);
    for bad in [
        "limit=0",
        "limit=501",
        "limit=x",
        "cursor=zz",
        "sort=colour",
        "colour=red",
    ] {
        let reply = app.get(&format!("/api/v1/deals?{bad}"), Some(&rep)).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
    }
    app.get("/api/v1/unicorns", Some(&rep))
        .await
        .assert_error(404, "not_found");
    app.finish().await;
}

async fn bad_writes_get_clear_answers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, ..] = app.two_sales_teams().await;
    let invalid = app
        .post("/api/v1/deals", Some(&rep), json!({"fields": {"name": "", "amount": -5, "close_date": "31/12/2026", "colour": "red"}}))
        .await;
    invalid.assert_error(422, "validation_failed");
    let fields: Vec<&str> = invalid.body["error"]["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        fields,
        ["amount", "close_date", "colour", "name", "account"],
        "{}",
        invalid.body
    );
    // A contact: every bad field named, none saved.
    let person = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "陈", "phones": "139 1234 5678, 12", "birthday": "1980-13-01", "wechat": "微信", "account": "00000000-0000-0000-0000-000000000000"}}),
        )
        .await;
    person.assert_error(422, "validation_failed");
    let fields: Vec<&str> = person.body["error"]["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["birthday", "phones", "wechat"], "{}", person.body);
    let unknown_account = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "陈", "account": "00000000-0000-0000-0000-000000000000"}}),
        )
        .await;
    unknown_account.assert_error(422, "validation_failed");
    assert_eq!(
        unknown_account.body["error"]["details"][0]["field"],
        "account"
    );
    let none = app.get("/api/v1/contacts", Some(&rep)).await;
    assert_eq!(none.body["items"], json!([]));
    let account = id_of(
        &app.post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "甲"}}),
        )
        .await
        .body,
    );
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&rep),
            json!({"fields": {"name": "单", "account": account}}),
        )
        .await;
    let deal_id = id_of(&deal.body);
    // The stage gate holds for API clients too.
    let gated = app
        .patch(
            &format!("/api/v1/deals/{deal_id}"),
            Some(&rep),
            json!({"fields": {"stage": "proposal"}}),
        )
        .await;
    gated.assert_error(422, "validation_failed");
    assert_eq!(
        gated.body["error"]["details"][0]["code"],
        "required_for_stage"
    );
    let again = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"id": account, "fields": {"name": "乙"}}),
        )
        .await;
    again.assert_error(409, "exists");
    app.patch("/api/v1/deals/not-an-id", Some(&rep), json!({"fields": {}}))
        .await
        .assert_error(404, "not_found");
    let wrong_type = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": {"nested": 1}}}),
        )
        .await;
    wrong_type.assert_error(422, "validation_failed");
    let unknown_key = app
        .post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fieldz": {"name": "甲"}}),
        )
        .await;
    assert_eq!(unknown_key.status.as_u16() / 100, 4, "{}", unknown_key.body);
    app.get("/api/v1/accounts", None)
        .await
        .assert_error(401, "unauthorized");
    app.finish().await;
}

async fn scope_holds_in_rest_too(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, far] = app.two_sales_teams().await;
    let account = id_of(
        &app.post(
            "/api/v1/accounts",
            Some(&rep),
            json!({"fields": {"name": "甲"}}),
        )
        .await
        .body,
    );
    let path = format!("/api/v1/accounts/{account}");
    // Another team's rep can neither read, list, change nor delete it.
    app.get(&path, Some(&far))
        .await
        .assert_error(404, "not_found");
    assert_eq!(
        app.get("/api/v1/accounts", Some(&far)).await.body["items"],
        json!([])
    );
    app.patch(&path, Some(&far), json!({"fields": {"name": "抢"}}))
        .await
        .assert_error(404, "not_found");
    app.delete(&path, Some(&far))
        .await
        .assert_error(404, "not_found");
    // Nor point a deal at it.
    let stolen = app
        .post(
            "/api/v1/deals",
            Some(&far),
            json!({"fields": {"name": "抢单", "account": account}}),
        )
        .await;
    stolen.assert_error(422, "validation_failed");
    // The manager sees it, and a REST change reaches the rep's device through sync.
    assert_eq!(app.get(&path, Some(&boss)).await.status, 200);
    let mut phone = Device::new(&rep);
    phone.pull(&app).await;
    app.patch(&path, Some(&boss), json!({"fields": {"city": "天津"}}))
        .await;
    phone.pull(&app).await;
    let city = phone
        .core
        .collection(Collection::Account)
        .next()
        .map(|r| r.body.text("city"));
    assert_eq!(city.as_deref(), Some("天津"));
    app.finish().await;
}

/// `text` for a URL's query string.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn lists_take_a_filter_in_the_query_language(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, far] = app.two_sales_teams().await;
    let account = |token: String, name: &'static str| {
        let app = &app;
        async move {
            id_of(
                &app.post(
                    "/api/v1/accounts",
                    Some(&token),
                    json!({"fields": {"name": name}}),
                )
                .await
                .body,
            )
        }
    };
    let mine = account(rep.clone(), "甲").await;
    let theirs = account(far.clone(), "乙").await;
    let deals = [
        (&rep, &mine, "杭州云", 12_000, "qualify", "2026-11-03"),
        (&rep, &mine, "宁波港", 800, "needs", "2026-12-02"),
        (&boss, &mine, "温州鞋", 5_000, "needs", ""),
        (&far, &theirs, "广州茶", 90_000, "qualify", "2026-11-20"),
    ];
    for (token, account, name, amount, stage, close) in deals {
        let made = app
            .post(
                "/api/v1/deals",
                Some(token),
                json!({"fields": {"name": name, "account": account, "amount": amount,
                    "stage": stage, "close_date": close}}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let list = |token: String, filter: &'static str| {
        let app = &app;
        async move {
            let reply = app
                .get(
                    &format!("/api/v1/deals?filter={}", encoded(filter)),
                    Some(&token),
                )
                .await;
            assert_eq!(reply.status, 200, "{filter}: {}", reply.body);
            let mut found = names(&reply.body);
            found.sort();
            found
        }
    };
    // The manager sees the team's deals; the filter runs over the fields' typed values.
    assert_eq!(
        list(boss.clone(), "amount >= 5000").await,
        ["杭州云", "温州鞋"]
    );
    assert_eq!(
        list(boss.clone(), "amount > \"¥1,000\" and stage = needs").await,
        ["温州鞋"]
    );
    assert_eq!(
        list(boss.clone(), "name contains 杭州 or name contains 宁波").await,
        ["宁波港", "杭州云"]
    );
    assert_eq!(list(boss.clone(), "close_date is empty").await, ["温州鞋"]);
    assert_eq!(
        list(
            boss.clone(),
            "close_date >= 2026-11-01 and close_date < 2026-12-01"
        )
        .await,
        ["杭州云"]
    );
    assert_eq!(list(boss.clone(), "owner is me").await, ["温州鞋"]);
    assert_eq!(
        list(boss.clone(), "owner is my_team").await,
        ["宁波港", "杭州云", "温州鞋"]
    );
    // A filter never reaches past the caller's scope: the other team's deal stays unseen.
    assert_eq!(
        list(rep.clone(), "amount > 50000").await,
        Vec::<String>::new()
    );
    assert_eq!(list(far.clone(), "amount > 50000").await, ["广州茶"]);
    // Mistakes come back as 400 with what is wrong and where.
    for (bad, said) in [
        ("amount contains 5", "cannot be filtered that way"),
        ("stag = needs", "no field stag"),
        ("amount > lots", "number"),
        ("(stage = needs", "Expected )"),
    ] {
        let reply = app
            .get(
                &format!("/api/v1/deals?filter={}", encoded(bad)),
                Some(&boss),
            )
            .await;
        reply.assert_error(400, "invalid_filter");
        let message = reply.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(said), "{bad}: {message}");
    }
    app.finish().await;
}

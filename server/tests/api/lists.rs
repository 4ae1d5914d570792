//! REST lists narrowed and ordered in SQL answer exactly what the shared query language says
//! of the same records, page after page, for every kind of condition and sort, on both
//! engines: the database's part is only ever a shortcut.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use shared::query::{COMPANY_OFFSET_MINUTES, Context, calendar_day};
use shared::schema::{FieldDef, ObjectDef};
use shared::sync::Collection;
use uuid::Uuid;

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(rest_lists_answer_what_the_query_language_says);

fn fields() -> Vec<Value> {
    let label = |zh: &str, en: &str| json!({"zh": zh, "en": en});
    vec![
        json!({"key": "grade", "label": label("等级", "Grade"), "field_type": {
            "type": "single_select", "options": [
                {"key": "a", "label": label("A 级", "A")},
                {"key": "b", "label": label("B 级", "B")},
                {"key": "c", "label": label("C 级", "C")}]}}),
        json!({"key": "budget", "label": label("预算", "Budget"),
               "field_type": {"type": "money", "currency": "CNY"}}),
        json!({"key": "visits", "label": label("拜访", "Visits"),
               "field_type": {"type": "integer"}}),
        json!({"key": "score", "label": label("评分", "Score"),
               "field_type": {"type": "decimal", "precision": 2}}),
        json!({"key": "met_on", "label": label("见面日", "Met on"),
               "field_type": {"type": "date"}}),
        json!({"key": "met_at", "label": label("见面时间", "Met at"),
               "field_type": {"type": "date_time"}}),
        json!({"key": "note", "label": label("备注", "Note"),
               "field_type": {"type": "text"}}),
        json!({"key": "helper", "label": label("协办", "Helper"),
               "field_type": {"type": "user"}}),
    ]
}

/// Today in the company's calendar, as `YYYY-MM-DD`, `days` from now.
fn iso_day(now_ms: i64, days: i64) -> String {
    let day = calendar_day(now_ms, COMPANY_OFFSET_MINUTES) + days;
    let (y, m, d) = shared::formula::civil(i32::try_from(day).expect("a day"));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The fields of contact `i` (a spread of values, empties and other currencies among them).
fn contact(i: i64, now_ms: i64, helper: &str) -> Value {
    let mut fields = Map::new();
    let name = if i % 4 == 0 {
        format!("Zhang {i:02}")
    } else {
        format!("客户{i:02}")
    };
    fields.insert("name".into(), json!(name));
    let title = if i % 3 == 0 { "采购经理" } else { "CEO" };
    fields.insert("job_title".into(), json!(title));
    if i % 4 != 3 {
        fields.insert("grade".into(), json!(["a", "b", "c"][(i % 4) as usize]));
    }
    if i % 5 != 0 {
        let currency = if i % 7 == 0 { "USD" } else { "CNY" };
        let amount = (i * 37_79) % 200_000;
        fields.insert(
            "budget".into(),
            json!({"amount": format!("{amount}.{:02}", i % 100), "currency": currency}),
        );
    }
    if i % 9 != 0 {
        fields.insert("visits".into(), json!(i % 6));
    }
    fields.insert("score".into(), json!(format!("{}.{}", i % 4, (i * 3) % 10)));
    if i % 8 != 1 {
        fields.insert("met_on".into(), json!(iso_day(now_ms, -((i * 3) % 90))));
    }
    fields.insert("met_at".into(), json!(now_ms - i * 5 * 3_600_000));
    let note = match i % 5 {
        0 => String::new(),
        1 => format!("ABC 经理 {i}"),
        2 => "abc".to_owned(),
        3 => format!("回访 {i}"),
        _ => "Zhang".to_owned(),
    };
    if !note.is_empty() {
        fields.insert("note".into(), json!(note));
    }
    if i % 3 == 1 {
        fields.insert("helper".into(), json!(helper));
    }
    Value::Object(fields)
}

const FILTERS: &[&str] = &[
    "grade = a",
    "grade != a",
    "grade in (a, c)",
    "grade not in (a)",
    "grade is empty",
    "budget >= 100000",
    "budget < 5000",
    "budget between 1000 and 50000",
    "budget is not empty",
    "visits > 3",
    "visits <= 1",
    "visits = 2",
    "score >= 1.5",
    "score < 0.9",
    "met_on in last_30_days",
    "met_on before this_month",
    "met_on after last_week",
    "met_on <= \"2000-01-01\"",
    "met_at in last_7_days",
    "met_at before today",
    "note contains abc",
    "note contains 经理",
    "note not contains abc",
    "note = abc",
    "note is empty",
    "note is not empty",
    "job_title contains 经理",
    "name contains zhang",
    "owner is me",
    "helper is me",
    "grade = a and budget >= 10000",
    "grade = a or visits > 4",
    "not grade = a",
    "not (budget >= 100000 or visits = 2)",
    "(grade = b or grade = c) and not note contains abc",
];

/// The order a sort gives, as the test reads it from a record's fields.
fn sort_key(fields: &Value, sort: &str) -> (String, f64) {
    let field = sort.trim_start_matches('-');
    let v = &fields[field];
    match field {
        "budget" => (
            v["currency"].as_str().unwrap_or("").to_owned(),
            v["amount"]
                .as_str()
                .and_then(|a| a.parse().ok())
                .unwrap_or(f64::MIN),
        ),
        "visits" | "score" => (
            String::new(),
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .unwrap_or(f64::MIN),
        ),
        _ => (v.as_str().unwrap_or("").to_owned(), 0.0),
    }
}

fn compare(a: &(String, f64), b: &(String, f64)) -> Ordering {
    a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
}

async fn rest_lists_answer_what_the_query_language_says(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, far] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut object: ObjectDef =
        shared::schema::builtin::object(Collection::Contact).expect("contacts");
    for field in fields() {
        let reply = app
            .post("/api/v1/objects/contacts/fields", Some(&admin), &field)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        object
            .fields
            .push(serde_json::from_value::<FieldDef>(field).expect("a field"));
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).expect("now"))
        .expect("now");
    // The rep's id, from a first record, names the helper of others.
    let first = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "起点"}}),
        )
        .await;
    let rep_id = first.body["owner"].as_str().expect("owner").to_owned();
    for i in 0..44 {
        let author = if i % 4 == 1 { &far } else { &rep };
        let reply = app
            .post(
                "/api/v1/contacts",
                Some(author),
                json!({"fields": contact(i, now_ms, &rep_id)}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }

    // Deals: the built-in choices, dates and texts, as the typed records keep them.
    let mut accounts = Vec::new();
    for token in [&rep, &far] {
        let account = app
            .post(
                "/api/v1/accounts",
                Some(token),
                json!({"fields": {"name": "甲方"}}),
            )
            .await;
        accounts.push(account.body["id"].as_str().expect("id").to_owned());
    }
    let stages = ["qualify", "needs", "proposal", "won", "lost"];
    for i in 0..15_i64 {
        let (author, account) = if i % 3 == 2 {
            (&far, &accounts[1])
        } else {
            (&rep, &accounts[0])
        };
        let mut fields = json!({"name": format!("单{i:02}"), "account": account,
            "stage": stages[(i % 5) as usize], "amount": 1000 * (i + 1)});
        // Proposals and won deals need a closing date; others may leave it empty.
        if i % 4 != 0 || matches!(i % 5, 2 | 3) {
            fields["close_date"] = json!(iso_day(now_ms, (i * 7) % 60 - 30));
        }
        let reply = app
            .post("/api/v1/deals", Some(author), json!({"fields": fields}))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let deals = shared::schema::builtin::object(Collection::Deal).expect("deals");

    for (who, token) in [("rep", &rep), ("boss", &boss), ("admin", &admin)] {
        let me = if who == "rep" {
            Uuid::parse_str(&rep_id).expect("an id")
        } else {
            Uuid::nil()
        };
        let context = Context {
            me,
            my_team: vec![me],
            now_ms,
            offset_minutes: COMPANY_OFFSET_MINUTES,
        };
        let contacts = List {
            path: "/api/v1/contacts",
            object: &object,
            sorts: &["-budget", "visits", "met_on", "name", "-score"],
        };
        // The far rep wrote one in four; the rep and the boss are in the other team.
        let seen = if who == "admin" { 45 } else { 34 };
        contacts
            .check(&app, who, token, seen, FILTERS, &context)
            .await;
        let deal_list = List {
            path: "/api/v1/deals",
            object: &deals,
            sorts: &["close_date", "-name", "stage"],
        };
        let seen = if who == "admin" { 15 } else { 10 };
        deal_list
            .check(&app, who, token, seen, DEAL_FILTERS, &context)
            .await;
    }

    // `{field}=value` gives what the same equality in the query language gives.
    let ids = |reply: &crate::harness::Reply| -> BTreeSet<String> {
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().expect("id").to_owned())
            .collect()
    };
    for (plain, filter) in [
        (
            "/api/v1/deals?stage=won",
            "/api/v1/deals?filter=stage%20%3D%20won",
        ),
        (
            "/api/v1/contacts?grade=A",
            "/api/v1/contacts?filter=grade%20%3D%20a",
        ),
        (
            &format!("/api/v1/contacts?owner={rep_id}") as &str,
            "/api/v1/contacts?filter=owner%20is%20me",
        ),
    ] {
        let by_param = ids(&app.get(&format!("{plain}&limit=500"), Some(&rep)).await);
        let by_filter = ids(&app.get(&format!("{filter}&limit=500"), Some(&rep)).await);
        assert!(!by_param.is_empty(), "{plain}");
        assert_eq!(by_param, by_filter, "{plain}");
    }
    app.finish().await;
}

const DEAL_FILTERS: &[&str] = &[
    "stage = won",
    "stage in (qualify, needs)",
    "stage != lost",
    "stage not in (won, lost)",
    "close_date in this_month",
    "close_date before today",
    "close_date after today",
    "close_date is empty",
    "name contains 单0",
    "stage = won or close_date in last_7_days",
    "not stage = qualify",
];

/// One collection's list, checked against the query language.
struct List<'a> {
    path: &'a str,
    object: &'a ObjectDef,
    /// Sorts tried besides the default, one per filter in turn.
    sorts: &'a [&'a str],
}

impl List<'_> {
    /// Each filter, read page by page, gives exactly the records the shared matcher picks of
    /// everything `token` sees (`seen` records), once each, in the sort's order.
    async fn check(
        &self,
        app: &TestApp,
        who: &str,
        token: &str,
        seen: usize,
        filters: &[&str],
        context: &Context,
    ) {
        let all = app
            .get(&format!("{}?limit=500", self.path), Some(token))
            .await;
        assert_eq!(all.status, 200, "{}", all.body);
        let items = all.body["items"].as_array().expect("items").clone();
        assert_eq!(items.len(), seen, "{who} sees in {}", self.path);
        for (n, filter) in filters.iter().enumerate() {
            let parsed = shared::query::parse(filter, self.object)
                .unwrap_or_else(|e| panic!("{filter}: {e:?}"));
            let wanted: BTreeSet<String> = items
                .iter()
                .filter(|item| {
                    let mut values: Map<String, Value> = item["fields"]
                        .as_object()
                        .expect("fields")
                        .iter()
                        .filter(|(_, v)| !v.is_null())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    values.insert("owner".into(), item["owner"].clone());
                    parsed.matches(self.object, &values, context)
                })
                .map(|item| item["id"].as_str().expect("id").to_owned())
                .collect();
            let other = self.sorts[n % self.sorts.len()];
            // Pages of one (the list walks 4 records, then 16, then searches) or of five.
            let size = if n % 2 == 0 { 1 } else { 5 };
            for sort in ["-updated_at", other] {
                let got = pages(app, self.path, token, filter, sort, size).await;
                let ids: Vec<String> = got
                    .iter()
                    .map(|i| i["id"].as_str().expect("id").to_owned())
                    .collect();
                let unique: BTreeSet<String> = ids.iter().cloned().collect();
                assert_eq!(unique.len(), ids.len(), "{who}: {filter} by {sort}: twice");
                assert_eq!(unique, wanted, "{who}: {filter} by {sort}");
                if sort == "-updated_at" {
                    continue;
                }
                let keys: Vec<(String, f64)> =
                    got.iter().map(|i| sort_key(&i["fields"], sort)).collect();
                for pair in keys.windows(2) {
                    let order = compare(&pair[0], &pair[1]);
                    let wrong = if sort.starts_with('-') {
                        order == Ordering::Less
                    } else {
                        order == Ordering::Greater
                    };
                    assert!(!wrong, "{who}: {filter} by {sort}: {pair:?}");
                }
            }
        }
    }
}

/// Every record of a list, following `next_cursor` in pages of `size`.
async fn pages(
    app: &TestApp,
    path: &str,
    token: &str,
    filter: &str,
    sort: &str,
    size: usize,
) -> Vec<Value> {
    let encoded: String = filter
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    let base = format!("{path}?limit={size}&sort={sort}&filter={encoded}");
    let mut out = Vec::new();
    let mut path = base.clone();
    for _ in 0..200 {
        let page = app.get(&path, Some(token)).await;
        assert_eq!(page.status, 200, "{filter}: {}", page.body);
        let items = page.body["items"].as_array().expect("items");
        assert!(items.len() <= size);
        out.extend(items.iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("{base}&cursor={cursor}"),
            None => return out,
        }
    }
    panic!("{filter} by {sort}: a list that never ends");
}

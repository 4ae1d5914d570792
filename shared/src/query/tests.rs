//! The query language over a small object of deals: text read into queries (or refused where
//! the mistake is), and queries run over records.

use serde_json::{Map, json};
use uuid::Uuid;

use super::*;
use crate::schema::fixtures::{field, object};
use crate::schema::{Choice, Labels};

fn choice(key: &str, zh: &str) -> Choice {
    Choice {
        key: key.into(),
        label: Labels::new(zh, key),
        color: None,
        retired: false,
    }
}

fn deals() -> ObjectDef {
    object(
        "deals",
        "name",
        vec![
            field("name", FieldType::Text),
            field("city", FieldType::Text),
            field(
                "amount",
                FieldType::Money {
                    currency: "CNY".into(),
                },
            ),
            field(
                "stage",
                FieldType::SingleSelect {
                    options: vec![
                        choice("new", "新建"),
                        choice("won", "赢单"),
                        choice("lost", "输单"),
                    ],
                },
            ),
            field(
                "regions",
                FieldType::MultiSelect {
                    options: vec![choice("east", "华东"), choice("north", "华北")],
                },
            ),
            field("tags", FieldType::Tags),
            field("vip", FieldType::Checkbox),
            field("close_on", FieldType::Date),
            field("owner", FieldType::User { many: false }),
            field("phone", FieldType::Phone),
            field("files", FieldType::File { many: true }),
        ],
    )
}

const ME: &str = "0190f7a4-0000-7000-8000-00000000000a";
const MATE: &str = "0190f7a4-0000-7000-8000-00000000000b";
const OTHER: &str = "0190f7a4-0000-7000-8000-00000000000c";

fn context() -> Context {
    let id = |s: &str| Uuid::parse_str(s).expect("uuid");
    Context {
        me: id(ME),
        my_team: vec![id(ME), id(MATE)],
        // 2026-11-30 10:00 in China (a Monday).
        now_ms: (i64::from(crate::formula::days_of("2026-11-30").expect("day")) * 1440 + 2 * 60)
            * 60_000,
        offset_minutes: 480,
    }
}

fn records() -> Vec<Map<String, serde_json::Value>> {
    let rows = [
        json!({"name": "杭州云", "city": "杭州", "amount": {"amount": "12000", "currency": "CNY"},
               "stage": "won", "regions": ["east"], "tags": ["重点"], "vip": true,
               "close_on": "2026-11-03", "owner": ME, "phone": "+8613800138000"}),
        json!({"name": "宁波港", "city": "宁波", "amount": {"amount": "800", "currency": "CNY"},
               "stage": "new", "regions": ["east", "north"], "close_on": "2026-12-02",
               "owner": MATE}),
        json!({"name": "北京钢", "city": "北京", "amount": {"amount": "5000", "currency": "CNY"},
               "stage": "lost", "regions": ["north"], "tags": ["沉睡", "重点"],
               "close_on": "2026-10-30", "owner": OTHER}),
        json!({"name": "空白"}),
    ];
    rows.into_iter()
        .map(|r| match r {
            serde_json::Value::Object(m) => m,
            _ => Map::new(),
        })
        .collect()
}

/// The names of the records the filter text keeps.
fn kept(text: &str) -> Vec<String> {
    let object = deals();
    let filter = parse(text, &object).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    let query = Query {
        filter: Some(filter.clone()),
        ..Query::default()
    };
    assert_eq!(query.check(&object), Ok(()), "{text}");
    // The query survives its JSON form (saved views, REST bodies).
    let json = serde_json::to_string(&query).expect("serializes");
    assert_eq!(
        serde_json::from_str::<Query>(&json).expect("reads back"),
        query
    );
    records()
        .iter()
        .filter(|r| filter.matches(&object, r, &context()))
        .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn filters_as_people_write_them() {
    let cases: &[(&str, &[&str])] = &[
        ("stage = \"won\"", &["杭州云"]),
        ("stage = 赢单", &["杭州云"]),
        ("stage != won", &["宁波港", "北京钢", "空白"]),
        ("stage in (won, lost)", &["杭州云", "北京钢"]),
        ("stage not in (won, lost)", &["宁波港", "空白"]),
        ("stage is empty", &["空白"]),
        ("amount >= 5000", &["杭州云", "北京钢"]),
        ("amount > \"¥1,000\"", &["杭州云", "北京钢"]),
        ("amount between 800 and 5000", &["宁波港", "北京钢"]),
        ("amount < 1000", &["宁波港"]),
        ("city contains \"州\"", &["杭州云"]),
        (
            "name contains 杭州 or name contains 宁波",
            &["杭州云", "宁波港"],
        ),
        ("regions contains 华北", &["宁波港", "北京钢"]),
        ("regions = east and not regions contains north", &["杭州云"]),
        ("tags contains 重点", &["杭州云", "北京钢"]),
        ("tags not contains 沉睡", &["杭州云", "宁波港", "空白"]),
        ("tags is not empty", &["杭州云", "北京钢"]),
        ("vip = 是", &["杭州云"]),
        ("vip = false", &["宁波港", "北京钢", "空白"]),
        ("owner is me", &["杭州云"]),
        ("owner is my_team", &["杭州云", "宁波港"]),
        (
            &format!("owner in ({MATE}, {OTHER})"),
            &["宁波港", "北京钢"],
        ),
        ("close_on in this_month", &["杭州云"]),
        ("close_on in last_month", &["北京钢"]),
        ("close_on in next_7_days", &["宁波港"]),
        ("close_on in last_30_days", &["杭州云"]),
        ("close_on before today", &["杭州云", "北京钢"]),
        ("close_on after this_month", &["宁波港"]),
        ("close_on in this_week", &["宁波港"]),
        ("close_on >= 2026-11-01", &["杭州云", "宁波港"]),
        ("close_on < 2026年11月1日", &["北京钢"]),
        ("phone contains 13800138000", &["杭州云"]),
        (
            "(stage = won or stage = lost) and amount > 6000",
            &["杭州云"],
        ),
        ("not (stage = won or stage = lost)", &["宁波港", "空白"]),
        ("files is empty", &["杭州云", "宁波港", "北京钢", "空白"]),
    ];
    for (text, expected) in cases {
        assert_eq!(kept(text), *expected, "{text}");
    }
}

/// The error's kind and the text it points at.
fn refused(text: &str) -> (ParseErrorKind, String) {
    let error = parse(text, &deals()).expect_err(text);
    (error.kind, error.span.of(text))
}

#[test]
fn mistakes_are_pointed_at() {
    use ParseErrorKind::*;
    let cases: Vec<(&str, ParseErrorKind, &str)> = vec![
        ("stag = won", UnknownField("stag".into()), "stag"),
        (
            "stage = maybe",
            Value(crate::Problem::UnknownOption),
            "maybe",
        ),
        (
            "amount > lots",
            Value(crate::Problem::InvalidNumber),
            "lots",
        ),
        (
            "close_on > 2026-02-30",
            Value(crate::Problem::InvalidDate),
            "2026-02-30",
        ),
        ("amount contains 5", Operator("amount".into()), "contains"),
        ("city is me", Operator("city".into()), "is"),
        ("files = x", Operator("files".into()), "="),
        ("stage =", Expected("a value"), ""),
        ("stage = won and", Expected("a field"), ""),
        ("(stage = won", Expected(")"), ""),
        (
            "stage = won city = 杭州",
            Expected("and, or, or the end"),
            "city",
        ),
        (
            "close_on in last_days",
            Expected("a period such as today or last_7_days"),
            "last_days",
        ),
        ("stage in won", Expected("("), "won"),
        ("name contains \"杭州", UnclosedText, "\"杭州"),
        ("owner = someone", Value(crate::Problem::Invalid), "someone"),
    ];
    for (text, kind, at) in cases {
        assert_eq!(refused(text), (kind, at.to_owned()), "{text}");
    }
    let deep = format!("{}stage = won{}", "(".repeat(100), ")".repeat(100));
    assert_eq!(refused(&deep).0, TooDeep);
    let error = parse("stag = won", &deals()).expect_err("unknown");
    assert!(error.message(Locale::ZhCn).contains("stag"));
}

#[test]
fn queries_sent_as_json_are_checked_too() {
    let object = deals();
    let condition = |field: &str, op: Op| {
        Filter::Where(Condition {
            field: FieldKey::parse(field).expect("key"),
            op,
        })
    };
    let query = |filter| Query {
        filter: Some(filter),
        ..Query::default()
    };
    assert_eq!(
        query(condition("stage", Op::Is(json!("maybe")))).check(&object),
        Err(QueryError::Value {
            field: "stage".into(),
            problem: crate::Problem::UnknownOption
        })
    );
    assert_eq!(
        query(condition("amount", Op::Contains(json!("5")))).check(&object),
        Err(QueryError::Operator {
            field: "amount".into()
        })
    );
    assert_eq!(
        query(condition("nope", Op::Empty)).check(&object),
        Err(QueryError::UnknownField("nope".into()))
    );
    assert_eq!(
        query(condition("amount", Op::Gt(json!("12")))).check(&object),
        Err(QueryError::Value {
            field: "amount".into(),
            problem: crate::Problem::Invalid
        })
    );
    let sorted = Query {
        sort: vec![SortKey {
            field: FieldKey::parse("files").expect("key"),
            descending: false,
        }],
        ..Query::default()
    };
    assert_eq!(
        sorted.check(&object),
        Err(QueryError::NotOrderable("files".into()))
    );
}

#[test]
fn sorting_and_grouping() {
    let object = deals();
    let names = |sort: &str| -> Vec<String> {
        let query = Query::from_text(None, Some(sort), &object).expect("sort");
        let mut rows = records();
        rows.sort_by(|a, b| query.order(&object, a, b));
        rows.iter()
            .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // Amounts by size, empty last either way.
    assert_eq!(names("amount"), ["宁波港", "北京钢", "杭州云", "空白"]);
    assert_eq!(names("-amount"), ["杭州云", "北京钢", "宁波港", "空白"]);
    // Choices in the field's order (new, won, lost), then amounts.
    assert_eq!(
        names("stage, -amount"),
        ["宁波港", "杭州云", "北京钢", "空白"]
    );
    assert_eq!(names("-close_on"), ["宁波港", "杭州云", "北京钢", "空白"]);
    assert!(matches!(
        Query::from_text(None, Some("amount,nope"), &object),
        Err(ParseError {
            kind: ParseErrorKind::UnknownField(_),
            ..
        })
    ));
    let grouped = Query {
        group_by: Some(FieldKey::parse("stage").expect("key")),
        ..Query::default()
    };
    let groups: Vec<crate::schema::Value> = records()
        .iter()
        .map(|r| grouped.group(&object, r))
        .collect();
    assert_eq!(
        groups,
        [
            crate::schema::Value::Choice("won".into()),
            crate::schema::Value::Choice("new".into()),
            crate::schema::Value::Choice("lost".into()),
            crate::schema::Value::Empty,
        ]
    );
    // REST's two texts make one query.
    let query = Query::from_text(Some("stage = won"), Some("-amount"), &object).expect("query");
    assert!(query.filter.is_some() && query.sort.len() == 1 && query.sort[0].descending);
}

#[test]
fn a_quoted_value_reads_back_as_typed() {
    let object = deals();
    for typed in ["杭州", "say \"hi\"", "a, b (c)", "x and y"] {
        let text = format!("city contains {}", quote(typed));
        match parse(&text, &object) {
            Ok(Filter::Where(Condition {
                op: Op::Contains(value),
                ..
            })) => assert_eq!(value, serde_json::json!(typed), "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

//! Case tables: formulas that compile to a type, formulas refused with the span to underline,
//! and values over records.

use serde_json::{Map, json};

use super::*;
use crate::schema::FieldType;
use crate::schema::ObjectDef;
use crate::schema::fixtures::{field, object};

fn formula(key: &str, expression: &str) -> FieldDef {
    field(
        key,
        FieldType::Formula {
            expression: expression.into(),
        },
    )
}

/// A contact with a money field, a discount, a sub-table of lines and a few formulas.
fn fields() -> Vec<FieldDef> {
    let cny = || FieldType::Money {
        currency: "CNY".into(),
    };
    vec![
        field("name", FieldType::Text),
        field("city", FieldType::Text),
        field("amount", cny()),
        field("fee", cny()),
        field("qty", FieldType::Integer),
        field("discount", FieldType::Percent { precision: 1 }),
        field("vip", FieldType::Checkbox),
        field("signed_on", FieldType::Date),
        field("owner", FieldType::User { many: false }),
        field(
            "lines",
            FieldType::SubTable {
                columns: vec![
                    field("item", FieldType::Text),
                    field("price", cny()),
                    field("count", FieldType::Integer),
                ],
            },
        ),
        formula("net", "amount * (1 - discount)"),
        formula("label", "CONCAT(name, \" (\", city, \")\")"),
    ]
}

fn compile(text: &str) -> Result<Type, FormulaError> {
    Formula::compile(text, &fields()).map(|f| f.result_type())
}

fn refused(text: &str) -> (ErrorKind, String) {
    let error = compile(text).expect_err(text);
    (error.kind, error.span.of(text))
}

#[test]
fn formulas_have_a_type() {
    let cases: &[(&str, Type)] = &[
        ("1 + 2 * 3", Type::Number),
        ("amount * (1 - discount)", Type::Money),
        ("amount + fee", Type::Money),
        ("amount / qty", Type::Money),
        ("amount / fee", Type::Number),
        ("-amount", Type::Money),
        ("net * 2", Type::Money),
        ("name & \" \" & city", Type::Text),
        ("label", Type::Text),
        ("IF(vip, amount, fee)", Type::Money),
        ("AND(vip, qty > 3, NOT(name = \"\"))", Type::Bool),
        ("OR(amount >= fee, FALSE)", Type::Bool),
        ("LEN(name)", Type::Number),
        ("ROUND(amount / 3, 2)", Type::Money),
        ("TODAY()", Type::Date),
        ("ADD_DAYS(signed_on, 30)", Type::Date),
        ("signed_on + 7", Type::Date),
        ("TODAY() - signed_on", Type::Number),
        ("DATEDIF(signed_on, TODAY(), \"M\")", Type::Number),
        ("SUM(lines.price)", Type::Money),
        ("SUM(lines.count)", Type::Number),
        ("SUM(1, 2, qty)", Type::Number),
        ("if(vip, 1, 2)", Type::Number),
        ("IF（vip，1，2）", Type::Number),
        ("“文本”", Type::Text),
    ];
    for (text, expected) in cases {
        assert_eq!(compile(text), Ok(*expected), "{text}");
    }
}

#[test]
fn mistakes_are_refused_where_they_are() {
    use ErrorKind::*;
    let cases: Vec<(&str, ErrorKind, &str)> = vec![
        ("", Empty, ""),
        ("1 +", Expected("value"), ""),
        ("(1 + 2", Expected(")"), ""),
        ("1 2", Unexpected, "2"),
        ("1 # 2", UnexpectedChar('#'), "#"),
        ("\"open", UnclosedText, "\"open"),
        ("1.2.3", BadNumber, "1.2.3"),
        ("amount + nme", UnknownField("nme".into()), "nme"),
        ("owner", UnusableField("owner".into()), "owner"),
        ("SUMM(1)", UnknownFunction("SUMM".into()), "SUMM(1)"),
        (
            "IF(vip, 1)",
            Arity {
                function: "IF".into(),
                expected: "3",
            },
            "IF(vip, 1)",
        ),
        (
            "amount + qty",
            TypeMismatch {
                expected: "money",
                found: Type::Number,
            },
            "qty",
        ),
        (
            "qty + name",
            TypeMismatch {
                expected: "a number",
                found: Type::Text,
            },
            "name",
        ),
        (
            "IF(qty, 1, 2)",
            TypeMismatch {
                expected: "true or false",
                found: Type::Number,
            },
            "qty",
        ),
        (
            "IF(vip, 1, \"one\")",
            TypeMismatch {
                expected: "the same type as the other branch",
                found: Type::Text,
            },
            "\"one\"",
        ),
        (
            "amount * fee",
            TypeMismatch {
                expected: "a number",
                found: Type::Money,
            },
            "fee",
        ),
        ("lines.price", ColumnOutsideSum, "lines.price"),
        ("SUM(name.price)", NotATable("name".into()), "name.price"),
        (
            "SUM(lines.cost)",
            UnknownColumn("cost".into()),
            "lines.cost",
        ),
        (
            "SUM(lines.item)",
            TypeMismatch {
                expected: "a column of numbers or money",
                found: Type::Text,
            },
            "lines.item",
        ),
    ];
    for (text, kind, underlined) in cases {
        assert_eq!(refused(text), (kind, underlined.to_owned()), "{text}");
    }
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
    assert_eq!(refused(&deep).0, ErrorKind::TooDeep);
    // Every message reads in both languages.
    let error = Formula::compile("amount + qty", &fields()).expect_err("refused");
    assert!(error.message(Locale::ZhCn).contains("金额"));
    assert!(error.message(Locale::En).contains("money"));
}

#[test]
fn formulas_that_use_themselves_are_refused() {
    let mut all = fields();
    all.push(formula("a", "b + 1"));
    all.push(formula("b", "c * 2"));
    all.push(formula("c", "a - 1"));
    all.push(formula("selfish", "selfish + 1"));
    let error = Formula::compile_field("a", &all).expect_err("a cycle");
    assert_eq!(
        error.kind,
        ErrorKind::Cycle(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(error.span, Span::new(0, 1));
    let error = Formula::compile_field("selfish", &all).expect_err("a cycle");
    assert_eq!(
        error.kind,
        ErrorKind::Cycle(vec!["selfish".into(), "selfish".into()])
    );
    // A formula using another formula is fine.
    assert_eq!(
        Formula::compile("net + fee", &all).map(|f| f.uses().to_vec()),
        Ok(vec!["net".to_owned(), "fee".to_owned()])
    );
}

fn record(value: serde_json::Value) -> Map<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// 2026-11-30 as days since 1970-01-01.
const TODAY: i32 = 20_787;

fn run(text: &str, rec: &Map<String, serde_json::Value>) -> Result<Val, EvalError> {
    Formula::compile(text, &fields())
        .unwrap_or_else(|e| panic!("{text}: {e:?}"))
        .eval(&fields(), rec, TODAY)
}

fn shown(text: &str, rec: &Map<String, serde_json::Value>) -> String {
    match run(text, rec) {
        Ok(v) => v.to_value().to_json().to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn formulas_over_a_record() {
    assert_eq!(eval::days_of("2026-11-30"), Some(TODAY));
    let rec = record(json!({
        "name": "张三",
        "city": "杭州",
        "amount": {"amount": "1000", "currency": "CNY"},
        "fee": {"amount": "0.1", "currency": "CNY"},
        "qty": 3,
        "discount": 12.5,
        "vip": true,
        "signed_on": "2026-01-31",
        "lines": [
            {"item": "A", "price": {"amount": "0.1", "currency": "CNY"}, "count": 2},
            {"item": "B", "price": {"amount": "0.2", "currency": "CNY"}, "count": 5},
        ],
    }));
    let cases: &[(&str, &str)] = &[
        ("1 + 2 * 3", "\"7\""),
        ("0.1 + 0.2", "\"0.3\""),
        (
            "amount * (1 - discount)",
            r#"{"amount":"875","currency":"CNY"}"#,
        ),
        ("net", r#"{"amount":"875","currency":"CNY"}"#),
        ("amount / qty", r#"{"amount":"333.33","currency":"CNY"}"#),
        ("ROUND(10 / 3, 2)", "\"3.33\""),
        ("label", "\"张三 (杭州)\""),
        ("name & qty", "\"张三3\""),
        ("LEN(name)", "\"2\""),
        ("IF(vip, \"VIP\", \"-\")", "\"VIP\""),
        ("AND(vip, qty > 3)", "false"),
        ("OR(vip, qty > 3)", "true"),
        ("amount > fee", "true"),
        ("ADD_DAYS(signed_on, 30)", "\"2026-03-02\""),
        ("signed_on - 1", "\"2026-01-30\""),
        ("DATEDIF(signed_on, TODAY(), \"M\")", "\"9\""),
        ("DATEDIF(signed_on, TODAY(), \"D\")", "\"303\""),
        ("DATEDIF(signed_on, TODAY(), \"Y\")", "\"0\""),
        (
            "DATEDIF(signed_on, TODAY(), \"W\")",
            "error: DATEDIF's unit must be \"D\", \"M\" or \"Y\"",
        ),
        ("SUM(lines.price)", r#"{"amount":"0.3","currency":"CNY"}"#),
        ("SUM(lines.count)", "\"7\""),
        ("1 / (qty - 3)", "error: division by zero"),
        ("ABS(-fee)", r#"{"amount":"0.1","currency":"CNY"}"#),
    ];
    for (text, expected) in cases {
        assert_eq!(shown(text, &rec), *expected, "{text}");
    }
}

#[test]
fn blanks_money_and_bad_values() {
    // Blank numbers count as 0, a blank date gives a blank result.
    let empty = record(json!({}));
    assert_eq!(shown("qty + 1", &empty), "\"1\"");
    assert_eq!(shown("ADD_DAYS(signed_on, 1)", &empty), "null");
    assert_eq!(shown("name & \"!\"", &empty), "\"!\"");
    assert_eq!(
        shown("SUM(lines.price)", &empty),
        r#"{"amount":"0","currency":"CNY"}"#
    );
    // Amounts of two currencies are never combined.
    let mixed = record(json!({
        "amount": {"amount": "10", "currency": "CNY"},
        "fee": {"amount": "1", "currency": "USD"},
        "lines": [
            {"price": {"amount": "1", "currency": "CNY"}},
            {"price": {"amount": "1", "currency": "USD"}},
        ],
    }));
    assert_eq!(
        run("amount + fee", &mixed),
        Err(EvalError::MixedCurrencies("CNY".into(), "USD".into()))
    );
    assert_eq!(
        run("amount > fee", &mixed),
        Err(EvalError::MixedCurrencies("CNY".into(), "USD".into()))
    );
    assert_eq!(
        run("SUM(lines.price)", &mixed),
        Err(EvalError::MixedCurrencies("CNY".into(), "USD".into()))
    );
    // A stored value of the wrong type (an old device, a retyped field) is named, not guessed.
    let wrong = record(json!({"qty": "many"}));
    assert_eq!(
        run("qty + 1", &wrong),
        Err(EvalError::BadValue("qty".into()))
    );
    // Too large is an error, not a wrapped number.
    let huge = format!("{0} * {0} * {0}", "9".repeat(20));
    assert_eq!(run(&huge, &empty), Err(EvalError::TooLarge));
}

#[test]
fn an_object_with_a_broken_formula_is_not_saved() {
    use crate::schema::SchemaError;
    let object = |extra: FieldDef| {
        let mut fields = fields();
        fields.push(extra);
        object("contacts", "name", fields)
    };
    assert_eq!(object(formula("ok", "amount * 2")).check(), Ok(()));
    let Err(SchemaError::Formula { field, error }) =
        object(formula("broken", "amount + qty")).check()
    else {
        panic!("a type error is refused");
    };
    assert_eq!(field, "broken");
    assert_eq!(error.span, Span::new(9, 12));
    let Err(SchemaError::Formula { error, .. }) = object(formula("loop", "loop * 2")).check()
    else {
        panic!("a cycle is refused");
    };
    assert!(matches!(error.kind, ErrorKind::Cycle(_)));
}

/// Linked records in memory: `(object, id, fields)`.
struct Memory(Vec<(&'static str, &'static str, Map<String, serde_json::Value>)>);

impl Records for Memory {
    fn pointing_to(
        &self,
        object: &str,
        link: &str,
        id: &str,
    ) -> Vec<Map<String, serde_json::Value>> {
        self.0
            .iter()
            .filter(|(o, _, r)| *o == object && r.get(link).and_then(|v| v.as_str()) == Some(id))
            .map(|(_, _, r)| r.clone())
            .collect()
    }

    fn record(&self, object: &str, id: &str) -> Option<Map<String, serde_json::Value>> {
        self.0
            .iter()
            .find(|(o, i, _)| *o == object && *i == id)
            .map(|(_, _, r)| r.clone())
    }
}

#[test]
fn formulas_read_rollups_and_lookups() {
    use crate::schema::registry::Schema;
    use crate::schema::{FieldKey, ObjectKey, RollupFn};
    let key = |k: &str| FieldKey::parse(k).expect("key");
    let cny = || FieldType::Money {
        currency: "CNY".into(),
    };
    let accounts = object(
        "accounts",
        "name",
        vec![
            field("name", FieldType::Text),
            field("grade", FieldType::Text),
            field(
                "active_budget",
                FieldType::Rollup {
                    object: ObjectKey::parse("projects").expect("key"),
                    link: key("account"),
                    field: key("budget"),
                    function: RollupFn::Sum,
                    filter: Some("stage = 进行中".into()),
                },
            ),
            formula("doubled", "active_budget * 2"),
            formula("title", "CONCAT(name, \" \", grade)"),
        ],
    );
    let projects = object(
        "projects",
        "name",
        vec![
            field("name", FieldType::Text),
            field(
                "account",
                FieldType::Link {
                    object: ObjectKey::parse("accounts").expect("key"),
                },
            ),
            field("budget", cny()),
            field("stage", FieldType::Text),
            field(
                "account_grade",
                FieldType::Lookup {
                    link: key("account"),
                    field: key("grade"),
                },
            ),
            field(
                "account_title",
                FieldType::Lookup {
                    link: key("account"),
                    field: key("title"),
                },
            ),
            formula("priority", "IF(account_grade = \"A\", budget, 0 * budget)"),
        ],
    );
    let schema = Schema {
        objects: vec![accounts.clone(), projects.clone()],
    };
    assert_eq!(schema.check(), Ok(()));
    // Typed through the schema: a rollup of money is money, a lookup has its field's type.
    let typed = |object: &ObjectDef, text: &str| {
        Formula::compile_in(text, &object.fields, Some(&schema)).map(|f| f.result_type())
    };
    assert_eq!(typed(&accounts, "doubled"), Ok(Type::Money));
    assert_eq!(typed(&projects, "account_title & \"!\""), Ok(Type::Text));
    assert_eq!(typed(&projects, "priority"), Ok(Type::Money));
    // Without the schema a rollup cannot be typed, and says so.
    assert_eq!(
        Formula::compile("active_budget * 2", &accounts.fields).map_err(|e| e.kind),
        Err(ErrorKind::UnusableField("active_budget".into()))
    );

    let row = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
    let account = "0190f7a4-0000-7000-8000-0000000000a1";
    let memory = Memory(vec![
        (
            "accounts",
            account,
            row(json!({"name": "杭州云", "grade": "A"})),
        ),
        (
            "projects",
            "p1",
            row(
                json!({"name": "一期", "account": account, "stage": "进行中",
            "budget": {"amount": "1000", "currency": "CNY"}}),
            ),
        ),
        (
            "projects",
            "p2",
            row(
                json!({"name": "二期", "account": account, "stage": "进行中",
            "budget": {"amount": "250.5", "currency": "CNY"}}),
            ),
        ),
        (
            "projects",
            "p3",
            row(json!({"name": "旧", "account": account, "stage": "结束",
            "budget": {"amount": "9999", "currency": "CNY"}})),
        ),
    ]);
    let context = crate::query::Context {
        me: uuid::Uuid::nil(),
        my_team: Vec::new(),
        now_ms: 0,
        offset_minutes: 480,
    };
    let run =
        |object: &ObjectDef, id: &str, record: &Map<String, serde_json::Value>, text: &str| {
            let formula =
                Formula::compile_in(text, &object.fields, Some(&schema)).expect("compiles");
            let linked = Linked {
                schema: &schema,
                records: &memory,
                context: &context,
                id,
            };
            formula
                .eval_linked(object, record, TODAY, linked)
                .map(|v| v.to_value().to_json().to_string())
        };
    let the_account = memory.record("accounts", account).expect("account");
    assert_eq!(
        run(&accounts, account, &the_account, "doubled"),
        Ok(r#"{"amount":"2501","currency":"CNY"}"#.to_owned())
    );
    let p1 = memory.record("projects", "p1").expect("project");
    assert_eq!(
        run(&projects, "p1", &p1, "priority"),
        Ok(r#"{"amount":"1000","currency":"CNY"}"#.to_owned())
    );
    assert_eq!(
        run(&projects, "p1", &p1, "account_title"),
        Ok("\"杭州云 A\"".to_owned())
    );
    // A project whose account is gone: its lookups are blank.
    let orphan = row(
        json!({"name": "孤", "account": "0190f7a4-0000-7000-8000-0000000000ff",
        "budget": {"amount": "5", "currency": "CNY"}}),
    );
    assert_eq!(
        run(&projects, "p9", &orphan, "account_grade & \"-\""),
        Ok("\"-\"".to_owned())
    );
}

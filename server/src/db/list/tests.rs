//! The SQL of lists, as text: the parts every engine must see alike.

use shared::schema::{FieldDef, FieldType, Labels};
use shared::sync::{Collection, Scope};
use shared::{TeamId, UserId};
use uuid::Uuid;

use super::field::{Field, KeyKind, Shape};
use super::{After, Fragment, KeyValue, Window, window_sql};
use crate::db::Backend;

fn custom(key: &str, field_type: FieldType) -> Field {
    let def = FieldDef::new(key, Labels::new("字段", "Field"), field_type).expect("a valid key");
    Field::custom(Collection::Contact, &def).expect("reachable")
}

fn scope(everything: bool, teams: usize) -> Scope {
    Scope {
        user: UserId::from_uuid(Uuid::from_u128(1)),
        everything,
        teams: (0..teams)
            .map(|n| TeamId::from_uuid(Uuid::from_u128(100 + n as u128)))
            .collect(),
    }
}

#[test]
fn placeholders_are_numbered_in_order() {
    let mut sql = Fragment::text("a = ");
    sql.bind(super::Bind::Num(1.0));
    let mut other = Fragment::text(" AND b IN (");
    other.bind(super::Bind::Text("x".into()));
    other.push(", ");
    other.bind(super::Bind::Text("y".into()));
    other.push(")");
    sql.append(other);
    let (text, binds) = sql.finish();
    assert_eq!(text, "a = $1 AND b IN ($2, $3)");
    assert_eq!(binds.len(), 3);
}

#[test]
fn money_sorts_by_currency_then_amount_and_numbers_by_value() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let money = custom(
            "budget",
            FieldType::Money {
                currency: "CNY".into(),
            },
        );
        assert_eq!(money.shape, Shape::Money);
        let keys = money.sort_keys(backend);
        assert_eq!(
            keys.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            [KeyKind::Text, KeyKind::Num]
        );
        assert!(keys[0].1.contains("currency") && keys[1].1.contains("amount"));
        let grade = custom("grade", FieldType::Integer);
        assert_eq!(grade.sort_keys(backend)[0].0, KeyKind::Num);
    }
}

#[test]
fn index_names_fit_postgres_and_stay_apart() {
    let long_a = custom(&format!("a{}", "x".repeat(39)), FieldType::Text);
    let long_b = custom(&format!("b{}", "x".repeat(39)), FieldType::Text);
    assert!(long_a.index_name().len() <= 63);
    assert_ne!(long_a.index_name(), long_b.index_name());
    let sql = custom("grade", FieldType::Text)
        .index_sql(Backend::Sqlite)
        .expect("an index");
    assert!(
        sql.contains("WHERE collection = 'contact' AND NOT deleted"),
        "{sql}"
    );
    let owner = Field::envelope(Collection::Contact, "owner").expect("the owner");
    assert_eq!(owner.index_sql(Backend::Postgres), None);
}

#[test]
fn a_window_reads_what_the_scope_sees_after_its_position() {
    let sort = Field::envelope(Collection::Contact, "updated_at").expect("a field");
    let wide = scope(true, 0);
    let window = Window {
        collection: Collection::Contact,
        scope: &wide,
        sort: &sort,
        descending: true,
        condition: None,
        after: None,
        limit: 51,
        walk: false,
        decide: None,
        walks: 0,
    };
    let (sql, kinds) = window_sql(Backend::Sqlite, &window);
    assert_eq!(kinds, [KeyKind::Num]);
    // Everything seen: no condition on owners or teams.
    assert!(!sql.shown().contains("owner_id"), "{}", sql.shown());
    assert!(
        sql.shown().ends_with("DESC, id DESC LIMIT ?"),
        "{}",
        sql.shown()
    );

    let rep = scope(false, 2);
    let window = Window {
        scope: &rep,
        after: Some(After {
            keys: vec![KeyValue::Num(5.0)],
            id: Uuid::from_u128(9),
        }),
        descending: false,
        ..window
    };
    let (sql, _) = window_sql(Backend::Postgres, &window);
    let shown = sql.shown();
    assert!(
        shown.contains("(owner_id = ? OR team_id IN (?, ?))"),
        "{shown}"
    );
    assert!(shown.contains(", id) > (?, ?)"), "{shown}");
    // The first key's bound alone too, where the index walk starts.
    assert!(shown.contains("-1e300) >= ? AND ("), "{shown}");
    // A private collection is its owner's alone, whatever the teams.
    let private = Window {
        collection: Collection::Issue,
        ..window
    };
    let (sql, _) = window_sql(Backend::Sqlite, &private);
    assert!(sql.shown().contains("(owner_id = ?)"), "{}", sql.shown());

    // A search puts the condition among the WHERE's; a walk reads it as whether to bring the
    // body, and stops after `limit` records in order whatever they hold.
    let search = Window {
        condition: Some(Fragment::text("x = 1")),
        ..private
    };
    let (sql, _) = window_sql(Backend::Sqlite, &search);
    assert!(
        sql.shown().starts_with("SELECT id, body,"),
        "{}",
        sql.shown()
    );
    assert!(sql.shown().contains("AND x = 1"), "{}", sql.shown());
    let walk = Window {
        walk: true,
        ..search
    };
    let (sql, _) = window_sql(Backend::Sqlite, &walk);
    assert!(
        sql.shown()
            .starts_with("SELECT id, CASE WHEN x = 1 THEN body END AS body,"),
        "{}",
        sql.shown()
    );
    assert!(!sql.shown().contains("AND x = 1"), "{}", sql.shown());
}

#[test]
fn a_walk_reads_as_far_as_its_matches_say_then_searches() {
    let sort = Field::envelope(Collection::Contact, "updated_at").expect("a field");
    let wide = scope(true, 0);
    let mut window = Window {
        collection: Collection::Contact,
        scope: &wide,
        sort: &sort,
        descending: true,
        condition: Some(Fragment::text("x = 1")),
        after: None,
        limit: 102,
        walk: true,
        decide: None,
        walks: 0,
    };
    // A third of the first walk matched (34 of 51 wanted): the rest lies about 51 rows on.
    window.advance(34, 51);
    assert!(window.walk);
    assert_eq!(window.limit, 63);
    // Still short after the second walk: a search by the condition, a page at a time, then
    // growing.
    window.advance(40, 51);
    assert!(!window.walk);
    assert_eq!(window.limit, 51);
    window.advance(45, 51);
    assert_eq!(window.limit, 102);
    // A first walk with no match at all reads eight times as far, no further than the most.
    let mut rare = Window {
        walk: true,
        walks: 0,
        limit: 400,
        ..window
    };
    rare.advance(0, 201);
    assert_eq!(rare.limit, super::MAX_WINDOW);
}

//! Filter chips over an object's fields, in the query language's terms (`shared::query`): each
//! chip is one condition (a field, one of its type's operators, a value typed as into the
//! field) kept in the text form REST's `?filter=` reads (`budget >= "100000"`), and a list keeps
//! the records every chip holds for, read by the same parser and run by the same
//! `Filter::matches`. The chips live in the address (`?where=`, one per line) and in saved
//! views, so a reload, a shared link or a view shows the same records.

use leptos::prelude::*;
use shared::i18n::{Locale, Text, problem_text};
use shared::query::{Condition, Filter, Op, OpKind, Period, element_type, operators, parse, quote};
use shared::schema::{FieldDef, FieldKind, ObjectDef, Value};

use crate::i18n::use_i18n;

/// The operators a chip offers, by key, with their names; which ones a field gets follows its
/// type ([`operators`]).
const OPS: &[(&str, OpKind, Text)] = &[
    ("contains", OpKind::Contains, Text::OpContains),
    ("not_contains", OpKind::Contains, Text::OpNotContains),
    ("is", OpKind::Is, Text::OpIs),
    ("is_not", OpKind::Is, Text::OpIsNot),
    ("ge", OpKind::Order, Text::OpAtLeast),
    ("le", OpKind::Order, Text::OpAtMost),
    ("this_week", OpKind::Period, Text::OpThisWeek),
    ("this_month", OpKind::Period, Text::OpThisMonth),
    ("last_month", OpKind::Period, Text::OpLastMonth),
    ("last_7_days", OpKind::Period, Text::OpLast7Days),
    ("before_today", OpKind::Period, Text::OpBeforeToday),
    ("after_today", OpKind::Period, Text::OpAfterToday),
    ("me", OpKind::Me, Text::OpIsMe),
    ("my_team", OpKind::Me, Text::OpIsMyTeam),
    ("empty", OpKind::Empty, Text::OpEmpty),
    ("not_empty", OpKind::Empty, Text::OpNotEmpty),
];

/// The operator keys a field of `kind` offers.
fn offered(kind: FieldKind) -> impl Iterator<Item = &'static (&'static str, OpKind, Text)> {
    let kinds = operators(kind);
    OPS.iter().filter(move |(_, k, _)| kinds.contains(k))
}

/// Whether the operator `key` takes a value typed by the person.
fn takes_value(key: &str) -> bool {
    matches!(
        key,
        "contains" | "not_contains" | "is" | "is_not" | "ge" | "le"
    )
}

/// The fields a chip can filter by: shown, stored (worked-out values are not held by records).
pub fn filterable(object: &ObjectDef) -> Vec<FieldDef> {
    object
        .fields
        .iter()
        .filter(|f| !f.hidden && !f.field_type.kind().is_computed())
        .cloned()
        .collect()
}

/// The text form (`shared::query`'s, as REST's `?filter=`) of a chip: the field, the
/// operator, the value typed quoted.
fn chip_source(def: &FieldDef, op: &str, text: &str) -> String {
    let value = || quote(text.trim());
    let key = def.key.as_str();
    match op {
        "contains" => format!("{key} contains {}", value()),
        "not_contains" => format!("{key} not contains {}", value()),
        "is" => format!("{key} = {}", value()),
        "is_not" => format!("{key} != {}", value()),
        "ge" => format!("{key} >= {}", value()),
        "le" => format!("{key} <= {}", value()),
        "before_today" => format!("{key} before today"),
        "after_today" => format!("{key} after today"),
        "me" => format!("{key} is me"),
        "my_team" => format!("{key} is my_team"),
        "empty" => format!("{key} is empty"),
        "not_empty" => format!("{key} is not empty"),
        period => format!("{key} in {period}"),
    }
}

/// A (field, value) filter of a view saved before chips, as a chip: a choice equals its
/// value, another field contains it; `None` for a field that no longer reads so.
pub fn legacy_chip(object: &ObjectDef, field: &str, value: &str) -> Option<String> {
    let def = object.field(field)?;
    let source = if def.field_type.choices().is_empty() {
        chip_source(def, "contains", value)
    } else {
        chip_source(def, "is", value)
    };
    read_chip(object, &source).ok().map(|_| source)
}

/// One chip read from its text form: the condition, or why it does not read.
fn read_chip(object: &ObjectDef, source: &str) -> Result<Condition, String> {
    match parse(source, object) {
        Ok(Filter::Where(condition)) => Ok(condition),
        Ok(_) => Err(String::new()),
        Err(e) => Err(e.message(Locale::ZhCn)),
    }
}

/// A chip's words: the field, the operator, the value as the field shows it.
fn chip_text(object: &ObjectDef, c: &Condition, locale: Locale) -> String {
    let Some(def) = object.field(c.field.as_str()) else {
        return c.field.as_str().to_owned();
    };
    let element = element_type(&def.field_type);
    let (key, value) = match &c.op {
        Op::Contains(v) => ("contains", Some(v)),
        Op::NotContains(v) => ("not_contains", Some(v)),
        Op::Is(v) => ("is", Some(v)),
        Op::IsNot(v) => ("is_not", Some(v)),
        Op::Ge(v) => ("ge", Some(v)),
        Op::Le(v) => ("le", Some(v)),
        Op::Within(Period::ThisWeek) => ("this_week", None),
        Op::Within(Period::ThisMonth) => ("this_month", None),
        Op::Within(Period::LastMonth) => ("last_month", None),
        Op::Within(_) => ("last_7_days", None),
        Op::Before(_) => ("before_today", None),
        Op::After(_) => ("after_today", None),
        Op::IsMe => ("me", None),
        Op::IsMyTeam => ("my_team", None),
        Op::Empty => ("empty", None),
        _ => ("not_empty", None),
    };
    let op = OPS
        .iter()
        .find(|(k, ..)| *k == key)
        .map_or("", |(.., t)| t.get(locale));
    let shown = value
        .map(|v| match Value::from_json(&element, v) {
            Ok(value) => value.format(&element, locale),
            Err(_) => shared::sync::record::plain(v).into_owned(),
        })
        .unwrap_or_default();
    format!("{} {op} {shown}", def.label.get(locale))
        .trim_end()
        .to_owned()
}

/// The chips of an address's `where` parameter (one per line, each in the text form), with
/// the conditions they stand for; lines that do not read are left out.
pub fn from_address(object: &ObjectDef, raw: Option<String>) -> Vec<(String, Condition)> {
    raw.unwrap_or_default()
        .lines()
        .take(shared::records::view::VIEW_PARTS_MAX)
        .filter_map(|line| Some((line.to_owned(), read_chip(object, line).ok()?)))
        .collect()
}

/// The chips as an address's `where` parameter (URL-encoded; empty for none).
pub fn to_address(chips: &[String]) -> String {
    String::from(js_sys::encode_uri_component(&chips.join("\n")))
}

/// All the chips as one filter.
pub fn filter_of(chips: &[(String, Condition)]) -> Option<Filter> {
    (!chips.is_empty()).then(|| {
        Filter::All(
            chips
                .iter()
                .map(|(_, c)| Filter::Where(c.clone()))
                .collect(),
        )
    })
}

/// The chips above a list, and the row that adds one.
#[component]
pub fn FilterChips(
    object: ObjectDef,
    #[prop(into)] chips: Signal<Vec<(String, Condition)>>,
    set: Callback<Vec<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let fields = StoredValue::new(filterable(&object));
    let object = StoredValue::new(object);
    let field = RwSignal::new(fields.with_value(|f| {
        f.first()
            .map(|d| d.key.as_str().to_owned())
            .unwrap_or_default()
    }));
    let op = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let def = move || {
        let key = field.get();
        fields.with_value(|f| f.iter().find(|d| d.key.as_str() == key).cloned())
    };
    // A choice field's value is picked from its choices (the first one to start with).
    let choices = move || {
        def()
            .map(|d| {
                d.field_type
                    .choices()
                    .iter()
                    .filter(|c| !c.retired)
                    .map(|c| (c.key.clone(), c.label.get(i18n.locale()).to_owned()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    Effect::new(move |_| {
        let first = choices()
            .first()
            .map(|(k, _)| k.clone())
            .unwrap_or_default();
        text.set(first);
    });
    // The operators of the chosen field; the first one chosen when the field changes.
    let ops = move || {
        def()
            .map(|d| offered(d.field_type.kind()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    Effect::new(move |_| {
        let first = ops()
            .first()
            .map(|(k, ..)| (*k).to_owned())
            .unwrap_or_default();
        op.set(first);
    });
    let sources = move || {
        chips
            .get_untracked()
            .into_iter()
            .map(|(s, _)| s)
            .collect::<Vec<_>>()
    };
    let add = move |_| {
        let Some(def) = def() else { return };
        let op = op.get_untracked();
        let typed = text.get_untracked();
        if takes_value(&op) && typed.trim().is_empty() {
            problem.set(Some(problem_text(
                &shared::Problem::Required,
                i18n.locale(),
            )));
            return;
        }
        let source = chip_source(&def, &op, &typed);
        match object.with_value(|o| parse(&source, o)) {
            Ok(_) => {
                problem.set(None);
                text.set(
                    choices()
                        .first()
                        .map(|(k, _)| k.clone())
                        .unwrap_or_default(),
                );
                let mut all = sources();
                all.push(source);
                set.run(all);
            }
            Err(e) => problem.set(Some(e.message(i18n.locale()))),
        }
    };
    let list = move || {
        let locale = i18n.locale();
        chips
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, (_, c))| {
                let words = object.with_value(|o| chip_text(o, &c, locale));
                view! {
                    <li class="chip" data-testid="filter-chip">
                        {words}
                        <button type="button" aria-label=move || i18n.t(Text::RemoveFilter)
                            on:click=move |_| {
                                let mut all = sources();
                                if i < all.len() {
                                    all.remove(i);
                                }
                                set.run(all);
                            }>"×"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="list-tools filter-row">
            <select data-testid="filter-field" aria-label=move || i18n.t(Text::FilterBy)
                prop:value=move || field.get()
                on:change=move |ev| {
                    field.set(event_target_value(&ev));
                    problem.set(None);
                }>
                {move || fields.with_value(|f| f.iter().map(|d| {
                    view! { <option value=d.key.as_str().to_owned()>{d.label.get(i18n.locale()).to_owned()}</option> }
                }).collect_view())}
            </select>
            <select data-testid="filter-op" aria-label=move || i18n.t(Text::FilterBy)
                prop:value=move || op.get() on:change=move |ev| op.set(event_target_value(&ev))>
                {move || ops().into_iter().map(|(k, _, t)| view! { <option value=*k>{i18n.t(*t)}</option> }).collect_view()}
            </select>
            {move || match (takes_value(&op.get()), choices()) {
                (false, _) => None,
                (true, options) if !options.is_empty() => Some(view! {
                    <select data-testid="filter-value" aria-label=move || i18n.t(Text::FilterBy)
                        prop:value=move || text.get() on:change=move |ev| text.set(event_target_value(&ev))>
                        {options.into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
                    </select>
                }.into_any()),
                (true, _) => Some(view! {
                    <input type="text" data-testid="filter-value" aria-label=move || i18n.t(Text::FilterBy)
                        bind:value=text aria-invalid=move || problem.get().is_some().to_string() />
                }.into_any()),
            }}
            <button type="button" class="secondary" data-testid="add-filter" on:click=add>
                {move || i18n.t(Text::AddFilter)}
            </button>
        </div>
        <p class="field-error" role="alert" data-testid="filter-error">{move || problem.get()}</p>
        <ul class="chips">{list}</ul>
    }
}

//! Settings → Fields: the admin sees every field of an object (the product's and the company's
//! own), adds custom fields of the common types (choices, amounts, dates, formulas, links …),
//! and deletes or restores custom ones. The object is in the address (`?object=contacts`), so
//! a reload or a shared link opens the same list. Changes are `field.save` / `field.delete` /
//! `field.restore` mutations: checked on the device at once, again by the server, and synced.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use serde_json::{Value as Json, json};
use shared::formula::Formula;
use shared::i18n::{Locale, Text};
use shared::problem::Problem;
use shared::schema::{FieldDef, FieldKind, FieldType, Labels, ObjectDef, ObjectKey, slug};
use shared::sync::{Collection, FieldRef, Mutation, SaveField};

use super::retype::RetypeField;
use crate::components::form::{FormFooter, FormState, TextField};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// The kinds the designer offers (the others, whose options name other objects' fields, are
/// set up over the API for now).
pub(super) const OFFERED: &[FieldKind] = &[
    FieldKind::Text,
    FieldKind::LongText,
    FieldKind::RichText,
    FieldKind::Integer,
    FieldKind::Decimal,
    FieldKind::Money,
    FieldKind::Percent,
    FieldKind::Rating,
    FieldKind::Date,
    FieldKind::DateTime,
    FieldKind::Time,
    FieldKind::Duration,
    FieldKind::Checkbox,
    FieldKind::SingleSelect,
    FieldKind::MultiSelect,
    FieldKind::Tags,
    FieldKind::Phone,
    FieldKind::Email,
    FieldKind::Url,
    FieldKind::Wechat,
    FieldKind::IdCard,
    FieldKind::CreditCode,
    FieldKind::User,
    FieldKind::Team,
    FieldKind::Address,
    FieldKind::Geo,
    FieldKind::Link,
    FieldKind::Links,
    FieldKind::SubTable,
    FieldKind::File,
    FieldKind::Image,
    FieldKind::Signature,
    FieldKind::Formula,
    FieldKind::Rollup,
    FieldKind::Lookup,
    FieldKind::AutoNumber,
];

/// A sub-table's columns typed one per line, `name:type` (`单价:金额`, `Price:money`; no type:
/// text), each keyed by its name where that makes a key, else by its place.
fn sub_columns(lines: &str, currency: &str) -> Result<Vec<FieldDef>, Problem> {
    let mut columns: Vec<FieldDef> = Vec::new();
    for (i, line) in lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (name, kind) = match line.rsplit_once([':', '：']) {
            Some((name, kind)) => (name.trim(), kind.trim().to_lowercase()),
            None => (line, String::new()),
        };
        let field_type = match kind.as_str() {
            "" | "文本" | "text" => FieldType::Text,
            "整数" | "integer" => FieldType::Integer,
            "小数" | "decimal" => FieldType::Decimal { precision: 2 },
            "金额" | "money" => FieldType::Money {
                currency: currency.trim().to_uppercase(),
            },
            "百分比" | "percent" => FieldType::Percent { precision: 1 },
            "日期" | "date" => FieldType::Date,
            "勾选" | "checkbox" => FieldType::Checkbox,
            _ => return Err(Problem::Invalid),
        };
        let mut key = slug(name).unwrap_or_else(|| format!("c{}", i + 1));
        if columns.iter().any(|c| c.key.as_str() == key) {
            key = format!("c{}", i + 1);
        }
        let column = FieldDef::new(&key, Labels::new(name, name), field_type)?;
        columns.push(column);
    }
    if columns.is_empty() {
        return Err(Problem::Required);
    }
    Ok(columns)
}

/// The ways a rollup folds, as `(key, text)`.
const ROLLUP_FNS: [(&str, Text); 5] = [
    ("sum", Text::RollupSum),
    ("count", Text::RollupCount),
    ("avg", Text::RollupAvg),
    ("min", Text::RollupMin),
    ("max", Text::RollupMax),
];

/// The kinds of fields a rollup folds (a count reads none).
const FOLDED: [FieldKind; 7] = [
    FieldKind::Integer,
    FieldKind::Decimal,
    FieldKind::Money,
    FieldKind::Percent,
    FieldKind::Rating,
    FieldKind::Duration,
    FieldKind::Date,
];

/// The links into `key` a rollup on it can read, as `("projects.account", "项目 · 客户")`.
fn rollup_sources(objects: &[ObjectDef], key: &str, locale: Locale) -> Vec<(String, String)> {
    objects
        .iter()
        .flat_map(|o| {
            o.fields
                .iter()
                .filter(|f| f.deleted_at.is_none())
                .filter(|f| matches!(&f.field_type, FieldType::Link { object } if object.as_str() == key))
                .map(move |f| {
                    (
                        format!("{}.{}", o.key.as_str(), f.key.as_str()),
                        format!("{} · {}", o.name.get(locale), f.label.get(locale)),
                    )
                })
        })
        .collect()
}

/// The choices typed one per line.
fn choices(lines: &str) -> Json {
    serde_json::to_value(shared::schema::choices_of(lines.lines())).unwrap_or_default()
}

/// What the designer's inputs hold.
#[derive(Clone, Copy)]
struct Draft {
    label_zh: RwSignal<String>,
    label_en: RwSignal<String>,
    key: RwSignal<String>,
    kind: RwSignal<String>,
    choices: RwSignal<String>,
    currency: RwSignal<String>,
    precision: RwSignal<String>,
    expression: RwSignal<String>,
    target: RwSignal<String>,
    prefix: RwSignal<String>,
    digits: RwSignal<String>,
    dated: RwSignal<bool>,
    /// People or files: several rather than one.
    many: RwSignal<bool>,
    required: RwSignal<bool>,
    /// A rollup's link (`projects.account`), field and function.
    rollup_via: RwSignal<String>,
    rollup_field: RwSignal<String>,
    rollup_fn: RwSignal<String>,
    /// A sub-table's columns, one per line.
    columns: RwSignal<String>,
    /// A lookup's link field and the linked object's field.
    lookup_link: RwSignal<String>,
    lookup_field: RwSignal<String>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            label_zh: RwSignal::new(String::new()),
            label_en: RwSignal::new(String::new()),
            key: RwSignal::new(String::new()),
            kind: RwSignal::new(FieldKind::Text.key().to_owned()),
            choices: RwSignal::new(String::new()),
            currency: RwSignal::new("CNY".to_owned()),
            precision: RwSignal::new("2".to_owned()),
            expression: RwSignal::new(String::new()),
            target: RwSignal::new("accounts".to_owned()),
            prefix: RwSignal::new(String::new()),
            digits: RwSignal::new("4".to_owned()),
            dated: RwSignal::new(false),
            many: RwSignal::new(false),
            required: RwSignal::new(false),
            rollup_via: RwSignal::new(String::new()),
            rollup_field: RwSignal::new(String::new()),
            rollup_fn: RwSignal::new("sum".to_owned()),
            columns: RwSignal::new(String::new()),
            lookup_link: RwSignal::new(String::new()),
            lookup_field: RwSignal::new(String::new()),
        }
    }

    /// The field's type as its JSON form names it, options from the inputs (untracked).
    fn field_type(&self) -> Result<FieldType, shared::FieldError> {
        let kind = self.kind.get_untracked();
        let mut json = json!({"type": kind});
        let precision = self
            .precision
            .get_untracked()
            .trim()
            .parse::<u8>()
            .unwrap_or(2);
        match FieldKind::from_key(&kind) {
            Some(FieldKind::SubTable) => {
                let columns = sub_columns(
                    &self.columns.get_untracked(),
                    &self.currency.get_untracked(),
                )
                .map_err(|p| p.at("field_type.columns"))?;
                return Ok(FieldType::SubTable { columns });
            }
            Some(FieldKind::SingleSelect | FieldKind::MultiSelect) => {
                json["options"] = choices(&self.choices.get_untracked());
            }
            Some(FieldKind::Lookup) => {
                let (link, field) = (
                    self.lookup_link.get_untracked(),
                    self.lookup_field.get_untracked(),
                );
                if link.is_empty() {
                    return Err(Problem::Required.at("field_type.link"));
                }
                if field.is_empty() {
                    return Err(Problem::Required.at("field_type.field"));
                }
                json["link"] = json!(link);
                json["field"] = json!(field);
            }
            Some(FieldKind::Money) => {
                json["currency"] = json!(self.currency.get_untracked().trim().to_uppercase());
            }
            Some(FieldKind::Decimal | FieldKind::Percent) => json["precision"] = json!(precision),
            Some(FieldKind::Rating) => json["max"] = json!(5),
            Some(FieldKind::User | FieldKind::File) => {
                json["many"] = json!(self.many.get_untracked())
            }
            Some(FieldKind::Link | FieldKind::Links) => {
                json["object"] = json!(self.target.get_untracked());
            }
            Some(FieldKind::Formula) => {
                json["expression"] = json!(self.expression.get_untracked());
            }
            Some(FieldKind::Rollup) => {
                let via = self.rollup_via.get_untracked();
                let (object, link) = via
                    .split_once('.')
                    .ok_or_else(|| Problem::Required.at("field_type.object"))?;
                let function = self.rollup_fn.get_untracked();
                let mut field = self.rollup_field.get_untracked();
                if function == "count" && field.is_empty() {
                    field = link.to_owned();
                }
                if field.is_empty() {
                    return Err(Problem::Required.at("field_type.field"));
                }
                json["object"] = json!(object);
                json["link"] = json!(link);
                json["field"] = json!(field);
                json["function"] = json!(function);
            }
            Some(FieldKind::AutoNumber) => {
                let digits = self.digits.get_untracked().trim().parse::<u8>();
                let digits = digits.map_err(|_| Problem::Invalid.at("field_type.digits"))?;
                if !(1..=shared::schema::auto_number::DIGITS_MAX).contains(&digits) {
                    return Err(Problem::Invalid.at("field_type.digits"));
                }
                json["prefix"] = json!(self.prefix.get_untracked().trim());
                json["date"] = json!(self.dated.get_untracked());
                json["digits"] = json!(digits);
            }
            _ => {}
        }
        serde_json::from_value(json).map_err(|_| Problem::Invalid.at("field_type"))
    }

    /// The field to save, its key made from the English or Chinese name when none was typed.
    fn field(&self, object: &ObjectDef) -> Result<FieldDef, Vec<shared::FieldError>> {
        let (zh, en) = (self.label_zh.get_untracked(), self.label_en.get_untracked());
        let mut errors = Vec::new();
        if zh.trim().is_empty() && en.trim().is_empty() {
            errors.push(Problem::Required.at("label"));
        }
        let typed = self.key.get_untracked();
        let key = if typed.trim().is_empty() {
            let made = slug(&en)
                .or_else(|| slug(&zh))
                .unwrap_or_else(|| "field".to_owned());
            let mut key = made.clone();
            let mut n = 2;
            while object.field(&key).is_some() {
                key = format!("{made}_{n}");
                n += 1;
            }
            key
        } else {
            typed
        };
        let field_type = self.field_type().map_err(|e| vec![e])?;
        let label = Labels::new(zh.trim(), en.trim());
        match FieldDef::new(&key, label, field_type) {
            Ok(mut field) if errors.is_empty() => {
                field.required = self.required.get_untracked();
                Ok(field)
            }
            Ok(_) => Err(errors),
            Err(problem) => {
                errors.push(problem.at("key"));
                Err(errors)
            }
        }
    }
}

#[component]
pub fn FieldsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let schema_changed = sync.changes(Collection::Schema);
    let pipelines = sync.pipelines();
    // Every object with every field, deleted ones included (to restore them).
    let objects = Memo::new(move |_| {
        schema_changed.get();
        crate::sync::company_schema().objects(&pipelines.get())
    });
    let (chosen, object) = super::chosen_object(objects);
    let object_options = move || {
        let locale = i18n.locale();
        objects.with(|all| {
            all.iter()
                .map(|o| (o.key.as_str().to_owned(), o.name.get(locale).to_owned()))
                .collect::<Vec<_>>()
        })
    };

    let form = FormState::default();
    let draft = Draft::new();
    let added = RwSignal::new(false);
    let is = move |kinds: &[FieldKind]| {
        let kind = draft.kind.get();
        kinds.iter().any(|k| k.key() == kind)
    };
    // A formula is checked as it is typed, the mistake's place shown.
    let formula_check = Memo::new(move |_| {
        if !is(&[FieldKind::Formula]) {
            return None;
        }
        let text = draft.expression.get();
        if text.trim().is_empty() {
            return None;
        }
        let locale = i18n.locale();
        let company = crate::sync::company_schema();
        let schema = company.schema(&pipelines.get());
        let object = schema.object(&chosen.get())?.clone();
        Some(
            match Formula::compile_in(&text, &object.fields, Some(&schema)) {
                Ok(_) => Ok(i18n.t(Text::FormulaReads).to_owned()),
                Err(e) => Err((e.message(locale), e.span.of(&text))),
            },
        )
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        added.set(false);
        let Some(current) = object.get_untracked() else {
            return;
        };
        let field = match draft.field(&current) {
            Ok(field) => field,
            Err(errors) => {
                form.invalid(errors);
                return;
            }
        };
        let mutation = Mutation::SaveField(SaveField {
            object: current.key.clone(),
            field: Box::new(field),
            adding: true,
            lossy: false,
        });
        spawn_local(async move {
            match sync.mutate(mutation).await {
                Ok(()) => {
                    form.done();
                    added.set(true);
                    for text in [
                        draft.label_zh,
                        draft.label_en,
                        draft.key,
                        draft.choices,
                        draft.expression,
                        draft.columns,
                    ] {
                        text.set(String::new());
                    }
                }
                Err(e) => {
                    if let Some(message) = form.refused(e, i18n.locale()) {
                        form.invalid(vec![Problem::InvalidSchema { reason: message }.at("label")]);
                    }
                }
            }
        });
    };
    let kind_options = move || {
        let locale = i18n.locale();
        OFFERED
            .iter()
            .map(|k| (k.key().to_owned(), k.name().get(locale).to_owned()))
            .collect::<Vec<_>>()
    };
    let error = move |field: &str| form.field_error(field, i18n.locale());
    view! {
        <section class="card" data-testid="fields-settings">
            <h2>{move || i18n.t(Text::FieldSettings)}</h2>
            <super::ObjectSelect id="fields-object" path="/settings/fields" objects=objects chosen=chosen />
            <ul class="field-list" data-testid="field-list">
                {move || object.get().map(|o| field_rows(&o, i18n.locale()))}
            </ul>
        </section>
        <section class="card">
            <h2>{move || i18n.t(Text::AddField)}</h2>
            <form class="form" data-testid="add-field" on:submit=submit novalidate>
                <div class="field" class:invalid=move || error("label").is_some()>
                    <label for="field-label-zh">{move || i18n.t(Text::FieldLabelZh)}</label>
                    <input id="field-label-zh" name="label_zh" type="text" bind:value=draft.label_zh />
                </div>
                <div class="field" class:invalid=move || error("label").is_some()>
                    <label for="field-label-en">{move || i18n.t(Text::FieldLabelEn)}</label>
                    <input id="field-label-en" name="label_en" type="text" bind:value=draft.label_en />
                    <p class="field-error">{move || error("label")}</p>
                </div>
                <TextField form=form name="key" id_prefix="field" label=Text::FieldKeyLabel value=draft.key hint=Text::FieldKeyHint />
                <div class="field">
                    <label for="field-kind">{move || i18n.t(Text::FieldTypeLabel)}</label>
                    <select id="field-kind" name="field_type" data-testid="field-kind"
                        on:change=move |ev| draft.kind.set(event_target_value(&ev))>
                        {move || kind_options().into_iter().map(|(key, name)| {
                            let selected = key == draft.kind.get_untracked();
                            view! { <option value=key selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error">{move || error("field_type")}</p>
                </div>
                <Show when=move || is(&[FieldKind::SingleSelect, FieldKind::MultiSelect])>
                    <div class="field" class:invalid=move || error("field_type.options").is_some()>
                        <label for="field-choices">{move || i18n.t(Text::FieldChoices)}</label>
                        <textarea id="field-choices" name="choices" rows="4" bind:value=draft.choices></textarea>
                        <p class="field-error">{move || error("field_type.options")}</p>
                    </div>
                </Show>
                <Show when=move || is(&[FieldKind::SubTable])>
                    <div class="field" class:invalid=move || error("field_type.columns").is_some()>
                        <label for="field-columns">{move || i18n.t(Text::FieldColumns)}</label>
                        <textarea id="field-columns" name="columns" rows="4" bind:value=draft.columns></textarea>
                        <p class="hint">{move || i18n.t(Text::FieldColumnsHint)}</p>
                        <p class="field-error">{move || error("field_type.columns")}</p>
                    </div>
                </Show>
                <Show when=move || is(&[FieldKind::Money])>
                    <TextField form=form name="currency" id_prefix="field" label=Text::FieldCurrency value=draft.currency />
                </Show>
                <Show when=move || is(&[FieldKind::Decimal, FieldKind::Percent])>
                    <TextField form=form name="precision" id_prefix="field" label=Text::FieldPrecision value=draft.precision kind="number" />
                </Show>
                <Show when=move || is(&[FieldKind::Link, FieldKind::Links])>
                    <div class="field">
                        <label for="field-target">{move || i18n.t(Text::FieldLinkTarget)}</label>
                        <select id="field-target" name="target" on:change=move |ev| draft.target.set(event_target_value(&ev))>
                            {move || object_options().into_iter().map(|(key, name)| {
                                let selected = key == draft.target.get_untracked();
                                view! { <option value=key selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=move || is(&[FieldKind::AutoNumber])>
                    <TextField form=form name="prefix" id_prefix="field" label=Text::FieldPrefix value=draft.prefix />
                    <div class="field" class:invalid=move || error("field_type.digits").is_some()>
                        <label for="field-digits">{move || i18n.t(Text::FieldDigits)}</label>
                        <input id="field-digits" name="digits" type="number" min="1" max="12" inputmode="numeric" bind:value=draft.digits />
                        <p class="field-error">{move || error("field_type.digits")}</p>
                    </div>
                    <label class="check">
                        <input type="checkbox" name="dated" data-testid="field-dated" prop:checked=move || draft.dated.get()
                            on:change=move |ev| draft.dated.set(event_target_checked(&ev)) />
                        {move || i18n.t(Text::FieldDated)}
                    </label>
                    <p class="hint">{move || i18n.t(Text::FieldAutoNumberHint)}</p>
                </Show>
                <Show when=move || is(&[FieldKind::User, FieldKind::File])>
                    <label class="check">
                        <input type="checkbox" name="many" data-testid="field-many" prop:checked=move || draft.many.get()
                            on:change=move |ev| draft.many.set(event_target_checked(&ev)) />
                        {move || i18n.t(Text::FieldMany)}
                    </label>
                </Show>
                <Show when=move || is(&[FieldKind::Formula])>
                    <div class="field" class:invalid=move || error("field_type.expression").is_some() || matches!(formula_check.get(), Some(Err(_)))>
                        <label for="field-expression">{move || i18n.t(Text::FieldExpression)}</label>
                        <input id="field-expression" name="expression" type="text" data-testid="field-expression"
                            autocomplete="off" spellcheck="false" bind:value=draft.expression />
                        <p class="hint">{move || i18n.t(Text::FieldExpressionHint)}</p>
                        {move || match formula_check.get() {
                            Some(Ok(ok)) => view! { <p class="muted small" data-testid="formula-ok">{ok}</p> }.into_any(),
                            Some(Err((message, at))) => view! {
                                <p class="field-error" data-testid="formula-error">{message}" "<mark>{at}</mark></p>
                            }.into_any(),
                            None => view! { <p class="field-error">{move || error("field_type.expression")}</p> }.into_any(),
                        }}
                    </div>
                </Show>
                <Show when=move || is(&[FieldKind::Rollup])>
                    {move || {
                        let sources = rollup_sources(&objects.get(), &chosen.get(), i18n.locale());
                        if sources.is_empty() {
                            return view! { <p class="hint" data-testid="no-rollup-source">{i18n.t(Text::NoRollupSource)}</p> }.into_any();
                        }
                        if draft.rollup_via.with_untracked(|v| !sources.iter().any(|(k, _)| k == v)) {
                            draft.rollup_via.set(sources[0].0.clone());
                        }
                        view! {
                            <div class="field" class:invalid=move || error("field_type.object").is_some()>
                                <label for="field-rollup-via">{move || i18n.t(Text::RollupVia)}</label>
                                <select id="field-rollup-via" name="rollup_via" data-testid="rollup-via"
                                    on:change=move |ev| { draft.rollup_via.set(event_target_value(&ev)); draft.rollup_field.set(String::new()); }>
                                    {sources.into_iter().map(|(key, name)| {
                                        let selected = key == draft.rollup_via.get_untracked();
                                        view! { <option value=key selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                                <p class="field-error">{move || error("field_type.object")}</p>
                            </div>
                        }.into_any()
                    }}
                    <div class="field">
                        <label for="field-rollup-fn">{move || i18n.t(Text::RollupFunction)}</label>
                        <select id="field-rollup-fn" name="rollup_fn" data-testid="rollup-fn"
                            on:change=move |ev| draft.rollup_fn.set(event_target_value(&ev))>
                            {ROLLUP_FNS.iter().map(|(key, text)| {
                                let selected = *key == draft.rollup_fn.get_untracked();
                                let text = *text;
                                view! { <option value=*key selected=selected>{move || i18n.t(text)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field" class:invalid=move || error("field_type.field").is_some()>
                        <label for="field-rollup-field">{move || i18n.t(Text::RollupField)}</label>
                        <select id="field-rollup-field" name="rollup_field" data-testid="rollup-field"
                            on:change=move |ev| draft.rollup_field.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Text::NoneChosen)}</option>
                            {move || {
                                let via = draft.rollup_via.get();
                                let source = via.split_once('.').map(|(o, _)| o.to_owned()).unwrap_or_default();
                                let locale = i18n.locale();
                                objects.with(|all| {
                                    all.iter()
                                        .find(|o| o.key.as_str() == source)
                                        .map(|o| {
                                            o.fields.iter()
                                                .filter(|f| f.deleted_at.is_none() && FOLDED.contains(&f.field_type.kind()))
                                                .map(|f| (f.key.as_str().to_owned(), f.label.get(locale).to_owned()))
                                                .collect::<Vec<_>>()
                                        })
                                        .unwrap_or_default()
                                })
                                .into_iter()
                                .map(|(key, name)| {
                                    let selected = key == draft.rollup_field.get_untracked();
                                    view! { <option value=key selected=selected>{name}</option> }
                                })
                                .collect_view()
                            }}
                        </select>
                        <p class="field-error">{move || error("field_type.field")}</p>
                    </div>
                </Show>
                <Show when=move || is(&[FieldKind::Lookup])>
                    {move || {
                        // This object's links to one record, and the fields of what the chosen
                        // one points at.
                        let locale = i18n.locale();
                        let links: Vec<(String, String, String)> = object.with(|o| {
                            o.iter()
                                .flat_map(|o| o.fields.iter())
                                .filter(|f| f.deleted_at.is_none())
                                .filter_map(|f| match &f.field_type {
                                    FieldType::Link { object } => Some((
                                        f.key.as_str().to_owned(),
                                        f.label.get(locale).to_owned(),
                                        object.as_str().to_owned(),
                                    )),
                                    _ => None,
                                })
                                .collect()
                        });
                        if links.is_empty() {
                            return view! { <p class="hint" data-testid="no-lookup-link">{i18n.t(Text::NoLookupLink)}</p> }.into_any();
                        }
                        if draft.lookup_link.with_untracked(|l| !links.iter().any(|(k, _, _)| k == l)) {
                            draft.lookup_link.set(links[0].0.clone());
                        }
                        let targets: Vec<(String, String)> = links.iter().map(|(k, _, t)| (k.clone(), t.clone())).collect();
                        view! {
                            <div class="field">
                                <label for="field-lookup-link">{move || i18n.t(Text::LookupVia)}</label>
                                <select id="field-lookup-link" name="lookup_link" data-testid="lookup-link"
                                    on:change=move |ev| { draft.lookup_link.set(event_target_value(&ev)); draft.lookup_field.set(String::new()); }>
                                    {links.into_iter().map(|(key, name, _)| {
                                        let selected = key == draft.lookup_link.get_untracked();
                                        view! { <option value=key selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field" class:invalid=move || error("field_type.field").is_some()>
                                <label for="field-lookup-field">{move || i18n.t(Text::LookupField)}</label>
                                <select id="field-lookup-field" name="lookup_field" data-testid="lookup-field"
                                    on:change=move |ev| draft.lookup_field.set(event_target_value(&ev))>
                                    <option value="">{move || i18n.t(Text::NoneChosen)}</option>
                                    {move || {
                                        let link = draft.lookup_link.get();
                                        let target = targets.iter().find(|(k, _)| *k == link).map(|(_, t)| t.clone()).unwrap_or_default();
                                        let locale = i18n.locale();
                                        objects.with(|all| {
                                            all.iter()
                                                .find(|o| o.key.as_str() == target)
                                                .map(|o| o.fields.iter()
                                                    .filter(|f| f.deleted_at.is_none() && !f.field_type.kind().is_computed())
                                                    .map(|f| (f.key.as_str().to_owned(), f.label.get(locale).to_owned()))
                                                    .collect::<Vec<_>>())
                                                .unwrap_or_default()
                                        })
                                        .into_iter()
                                        .map(|(key, name)| {
                                            let selected = key == draft.lookup_field.get_untracked();
                                            view! { <option value=key selected=selected>{name}</option> }
                                        })
                                        .collect_view()
                                    }}
                                </select>
                                <p class="field-error">{move || error("field_type.field")}</p>
                            </div>
                        }.into_any()
                    }}
                </Show>
                <label class="check">
                    <input type="checkbox" name="required" prop:checked=move || draft.required.get()
                        on:change=move |ev| draft.required.set(event_target_checked(&ev)) />
                    {move || i18n.t(Text::FieldRequired)}
                </label>
                <FormFooter form=form submit=Text::AddField />
                <Show when=move || added.get()>
                    <p class="muted" role="status" data-testid="field-added">{move || i18n.t(Text::FieldAdded)}</p>
                </Show>
            </form>
        </section>
        <NewObjectForm />
    }
}

/// An admin makes a custom object: its names and key; it starts with a required name field.
#[component]
fn NewObjectForm() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let form = FormState::default();
    let name_zh = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let go = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(path) = go.get() {
            navigate(&path, Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let (zh, en) = (name_zh.get_untracked(), name_en.get_untracked());
        let mut errors = Vec::new();
        if zh.trim().is_empty() && en.trim().is_empty() {
            errors.push(Problem::Required.at("object_name"));
        }
        let typed = key.get_untracked();
        let made = if typed.trim().is_empty() {
            slug(&en).or_else(|| slug(&zh))
        } else {
            Some(typed.trim().to_owned())
        };
        let object_key = match made.as_deref().map(ObjectKey::parse) {
            Some(Ok(k)) => Some(k),
            Some(Err(problem)) => {
                errors.push(problem.at("object_key"));
                None
            }
            None => {
                errors.push(Problem::Required.at("object_key"));
                None
            }
        };
        let name_field = FieldDef::new(
            "name",
            Labels::new(
                Text::NameFieldLabel.get(Locale::ZhCn),
                Text::NameFieldLabel.get(Locale::En),
            ),
            FieldType::Text,
        );
        let (Some(object_key), Ok(mut name_field), true) =
            (object_key, name_field, errors.is_empty())
        else {
            form.invalid(errors);
            return;
        };
        name_field.required = true;
        let object = ObjectDef {
            key: object_key.clone(),
            name: Labels::new(zh.trim(), en.trim()),
            name_field: name_field.key.clone(),
            list_columns: Vec::new(),
            icon: String::new(),
            system: false,
            fields: vec![name_field],
            layout: Default::default(),
        };
        let mutation = Mutation::CreateObject(shared::sync::CreateObject {
            object: Box::new(object),
        });
        spawn_local(async move {
            match sync.mutate(mutation).await {
                Ok(()) => {
                    form.done();
                    for text in [name_zh, name_en, key] {
                        text.set(String::new());
                    }
                    go.set(Some(format!(
                        "/settings/fields?object={}",
                        object_key.as_str()
                    )));
                }
                Err(e) => {
                    if let Some(message) = form.refused(e, i18n.locale()) {
                        form.invalid(vec![
                            Problem::InvalidSchema { reason: message }.at("object_key"),
                        ]);
                    }
                }
            }
        });
    };
    let error = move |field: &str| form.field_error(field, i18n.locale());
    view! {
        <section class="card">
            <h2>{move || i18n.t(Text::NewObject)}</h2>
            <p class="hint">{move || i18n.t(Text::NewObjectHint)}</p>
            <form class="form" data-testid="new-object" on:submit=submit novalidate>
                <div class="field" class:invalid=move || error("object_name").is_some()>
                    <label for="object-name-zh">{move || i18n.t(Text::ObjectNameZh)}</label>
                    <input id="object-name-zh" name="object_name_zh" type="text" bind:value=name_zh />
                </div>
                <div class="field" class:invalid=move || error("object_name").is_some()>
                    <label for="object-name-en">{move || i18n.t(Text::ObjectNameEn)}</label>
                    <input id="object-name-en" name="object_name_en" type="text" bind:value=name_en />
                    <p class="field-error">{move || error("object_name")}</p>
                </div>
                <div class="field" class:invalid=move || error("object_key").is_some()>
                    <label for="object-key">{move || i18n.t(Text::ObjectKeyLabel)}</label>
                    <input id="object-key" name="object_key" type="text" autocomplete="off" spellcheck="false" bind:value=key />
                    <p class="hint">{move || i18n.t(Text::FieldKeyHint)}</p>
                    <p class="field-error">{move || error("object_key").or_else(|| error("key"))}</p>
                </div>
                <FormFooter form=form submit=Text::NewObject />
            </form>
        </section>
    }
}

/// The object's fields, each with its type and badges; custom ones with delete or restore.
fn field_rows(object: &ObjectDef, locale: Locale) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let sync = use_sync();
    let key = object.key.clone();
    object
        .fields
        .iter()
        .map(|f| {
            let badge = |text: Text| view! { <span class="badge">{i18n.t(text)}</span> };
            let field = f.key.clone();
            let object: ObjectKey = key.clone();
            let field_ref = FieldRef {
                object,
                field: field.clone(),
            };
            let deleted = f.deleted_at.is_some();
            let action = (!f.system).then(|| {
                let field_ref = field_ref.clone();
                let act = move |_| {
                    let mutation = if deleted {
                        Mutation::RestoreField(field_ref.clone())
                    } else {
                        let sure = window()
                            .confirm_with_message(i18n.t(Text::ConfirmDeleteField))
                            .unwrap_or(false);
                        if !sure {
                            return;
                        }
                        Mutation::DeleteField(field_ref.clone())
                    };
                    spawn_local(async move {
                        let _ = sync.mutate(mutation).await;
                    });
                };
                let text = if deleted { Text::RestoreField } else { Text::DeleteField };
                view! {
                    <button type="button" class=if deleted { "secondary" } else { "danger" }
                        data-testid=if deleted { "restore-field" } else { "delete-field" } on:click=act>
                        {i18n.t(text)}
                    </button>
                }
            });
            view! {
                <li class="field-row" data-key=field.as_str().to_owned() class:deleted=deleted>
                    <span class="field-name">{f.label.get(locale).to_owned()}</span>
                    <code class="muted small">{field.as_str().to_owned()}</code>
                    <span class="muted small">{f.field_type.kind().name().get(locale).to_owned()}</span>
                    {if f.system { badge(Text::SystemFieldBadge) } else { badge(Text::CustomFieldBadge) }}
                    {f.hidden.then(|| badge(Text::HiddenFieldBadge))}
                    {deleted.then(|| badge(Text::DeletedFieldBadge))}
                    {action}
                    {(!f.system && !deleted).then(|| view! { <RetypeField object=key.clone() field=f.clone() /> })}
                </li>
            }
        })
        .collect_view()
}

//! Custom fields in a record's form: one input per live custom field of the record's object,
//! chosen by the field's type, and the formulas worked out again as the person types (the
//! same `shared` parser, formula language and checks the server runs).

use leptos::prelude::*;
use serde_json::{Map, Value as Json};
use shared::FieldError;
use shared::formula::Formula;
use shared::i18n::{Locale, Text, problem_text};
use shared::schema::builtin;
use shared::schema::company::CompanySchema;
use shared::schema::registry::Schema;
use shared::schema::{FieldDef, FieldKind, FieldType, ObjectDef, Value};
use shared::sync::linked::{CopyRecords, computed};
use shared::sync::{Collection, Record};

use crate::components::files::FilesInput;
use crate::components::form::FormState;
use crate::components::link_picker::{LinkPicker, LinksPicker};
use crate::components::pickers::{AddressInput, PeoplePicker, PlaceInput};
use crate::i18n::use_i18n;

/// The inputs of one form's custom fields.
#[derive(Clone)]
pub struct CustomInputs {
    key: String,
    schema: Schema,
    /// Each live custom field of the object and what its input holds (as typed).
    pub inputs: Vec<(FieldDef, RwSignal<String>)>,
    before: Map<String, Json>,
    /// The record being edited (rollups read the records that link to it).
    id: Option<shared::RecordId>,
    sync: crate::sync::Sync,
}

impl CustomInputs {
    /// The custom fields of `collection`'s object, filled from `existing` (or each field's
    /// default for a new record).
    pub fn new(collection: Collection, existing: Option<&Record>) -> Self {
        Self::of_object(
            builtin::object_key(collection).unwrap_or_default(),
            existing,
        )
    }

    /// The custom fields of the object `key` (a built-in one's or a custom object's).
    pub fn of_object(key: &str, existing: Option<&Record>) -> Self {
        let company: std::rc::Rc<CompanySchema> = crate::sync::company_schema();
        let schema = company.schema(&crate::sync::pipelines());
        let before = existing.map(|r| r.custom.to_map()).unwrap_or_default();
        // "New" from a record's related list links the new record there: `?{field}={id}`.
        let query = leptos_router::hooks::use_query_map();
        let given = |def: &FieldDef| {
            matches!(
                def.field_type,
                FieldType::Link { .. } | FieldType::Links { .. }
            )
            .then(|| query.with_untracked(|q| q.get(def.key.as_str())))
            .flatten()
            .filter(|id| id.parse::<shared::RecordId>().is_ok())
            .map(|id| match def.field_type {
                FieldType::Links { .. } => Json::Array(vec![Json::String(id)]),
                _ => Json::String(id),
            })
        };
        let inputs = company
            .custom_fields(key)
            .map(|def| {
                let stored = match existing {
                    Some(_) => before.get(def.key.as_str()).cloned(),
                    None => given(def).or_else(|| def.default.clone()),
                };
                let text = stored
                    .and_then(|json| Value::from_json(&def.field_type, &json).ok())
                    .map(|v| v.edit_text(&def.field_type))
                    .unwrap_or_default();
                (def.clone(), RwSignal::new(text))
            })
            .collect();
        CustomInputs {
            key: key.to_owned(),
            schema,
            inputs,
            before,
            id: existing.map(|r| r.id),
            sync: crate::sync::use_sync(),
        }
    }

    fn object(&self) -> Option<&ObjectDef> {
        self.schema.object(&self.key)
    }

    /// The JSON forms of what the inputs hold that reads under its type (tracked).
    pub fn typed_values(&self) -> Map<String, Json> {
        self.inputs
            .iter()
            .filter(|(def, _)| !def.field_type.kind().is_computed())
            .filter_map(|(def, text)| {
                let value = Value::parse(&def.field_type, &text.get()).ok()?;
                (value != Value::Empty).then(|| (def.key.as_str().to_owned(), value.to_json()))
            })
            .collect()
    }

    /// What to send: every value of a new record, or the ones an edit changed (`null` empties
    /// one); or the problems at their fields.
    /// What the form showed of each value `changes` writes (as `custom_text`), so that a value
    /// someone else wrote meanwhile comes back as a sync issue rather than silently going.
    pub fn was(&self, changes: &Map<String, Json>) -> shared::records::Patch {
        changes
            .keys()
            .map(|k| {
                let shown = shared::sync::crm::custom_text(self.before.get(k));
                (k.clone(), shown)
            })
            .collect()
    }

    pub fn changes(&self, creating: bool) -> Result<Map<String, Json>, Vec<FieldError>> {
        let mut out = Map::new();
        let mut errors = Vec::new();
        for (def, text) in &self.inputs {
            if def.field_type.kind().is_computed() {
                continue;
            }
            let key = def.key.as_str();
            match Value::parse(&def.field_type, &text.get_untracked()) {
                Ok(Value::Empty) if creating => {}
                Ok(value) => {
                    let json = value.to_json();
                    let was = self.before.get(key).cloned().unwrap_or(Json::Null);
                    if creating || json != was {
                        out.insert(key.to_owned(), json);
                    }
                }
                Err(problem) => errors.push(problem.at(key)),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The formula of `def` worked out over the inputs and the typed fields (`system`: the
    /// form's other inputs by field), as a person reads it; empty when it has no value yet.
    fn formula_text(
        &self,
        def: &FieldDef,
        system: &[(&'static str, RwSignal<String>)],
        locale: Locale,
    ) -> String {
        let Some(object) = self.object() else {
            return String::new();
        };
        let Ok(formula) =
            Formula::compile_field_in(def.key.as_str(), &object.fields, Some(&self.schema))
        else {
            return String::new();
        };
        let text = |field: &str| {
            system
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.get())
                .unwrap_or_default()
        };
        let mut record = builtin::values(object, text, uuid::Uuid::nil());
        record.extend(self.typed_values());
        let context = context(self.sync);
        let today = shared::query::calendar_day(context.now_ms, context.offset_minutes);
        let today = i32::try_from(today).unwrap_or(0);
        // Rollups and lookups it reads come from the device's copy.
        let id = self.id.map(|id| id.to_string()).unwrap_or_default();
        let sync = self.sync;
        let worked = sync.with_core(|core| {
            let records = CopyRecords {
                core,
                schema: &self.schema,
            };
            let linked = shared::formula::Linked {
                schema: &self.schema,
                records: &records,
                context: &context,
                id: &id,
            };
            formula.eval_linked(object, &record, today, linked)
        });
        match worked {
            Some(Ok(v)) => v.to_value().format(&def.field_type, locale),
            Some(Err(e)) => e.to_string(),
            None => String::new(),
        }
    }

    /// A rollup's or lookup's value over the device's copy (tracked), as a person reads it.
    fn linked_text(&self, def: &FieldDef, locale: Locale) -> String {
        let Some(object) = self.object() else {
            return String::new();
        };
        let id = self.id.map(|id| id.to_string()).unwrap_or_default();
        let sync = self.sync;
        sync.with_core(|core| {
            let records = CopyRecords {
                core,
                schema: &self.schema,
            };
            // The record's values (its typed fields too, which a lookup's link may be), then
            // what the form holds now.
            let mut values = self
                .id
                .and_then(|id| core.get(id))
                .map(|r| shared::sync::linked::values_of(object, r))
                .unwrap_or_else(|| self.before.clone());
            values.extend(self.typed_values());
            computed(
                &self.schema,
                object,
                def.key.as_str(),
                (&id, &values),
                &records,
                &context(sync),
            )
        })
        .flatten()
        .map(|v| v.format(&def.field_type, locale))
        .unwrap_or_default()
    }
}

/// Who asks and when, for rollups' filters, formulas' `TODAY()` and filter chips.
pub(crate) fn context(sync: crate::sync::Sync) -> shared::query::Context {
    let now = crate::sync::now_ms();
    sync.with_core_untracked(|c| c.directory().map(|d| d.query_context(now)))
        .flatten()
        .unwrap_or(shared::query::Context {
            me: Default::default(),
            my_team: Vec::new(),
            now_ms: now,
            offset_minutes: shared::query::COMPANY_OFFSET_MINUTES,
        })
}

/// The inputs of the custom fields, each with its field's key, to be placed by the form's
/// layout ([`crate::pages::form_layout::FormSections`]).
pub fn custom_widgets(
    form: FormState,
    inputs: CustomInputs,
    // The form's typed fields, which formulas may read.
    system: Vec<(&'static str, RwSignal<String>)>,
) -> Vec<(String, AnyView)> {
    let i18n = use_i18n();
    let shared_inputs = StoredValue::new(inputs.clone());
    inputs
        .inputs
        .into_iter()
        .map(|(def, value)| {
            let key = def.key.as_str().to_owned();
            let id = format!("record-{key}");
            let error = {
                let key = key.clone();
                let field_type = def.field_type.clone();
                Memo::new(move |_| {
                    form.field_error(&key, i18n.locale())
                        .or_else(|| live_problem(&field_type, &value.get(), i18n.locale()))
                })
            };
            // A problem found on saving goes once the person changes the value.
            {
                let key = key.clone();
                Effect::new(move |seen: Option<()>| {
                    value.track();
                    if seen.is_some() {
                        form.clear_field(&key);
                    }
                });
            }
            let label = def.label.clone();
            let label_text = move || label.get(i18n.locale()).to_owned();
            let input = widget(&def, &id, value, shared_inputs, system.clone());
            let view = view! {
                <div class="field" class:invalid=move || error.get().is_some() data-field=key.clone()>
                    <label for=id.clone()>{label_text}</label>
                    {input}
                    <Show when=move || error.get().is_some()>
                        <p class="field-error">{move || error.get()}</p>
                    </Show>
                </div>
            }
            .into_any();
            (key, view)
        })
        .collect()
}

/// What is wrong with what is typed so far, once something is typed.
fn live_problem(field_type: &FieldType, text: &str, locale: Locale) -> Option<String> {
    if text.trim().is_empty() || field_type.kind().is_computed() {
        return None;
    }
    Value::parse(field_type, text)
        .err()
        .map(|p| problem_text(&p, locale))
}

fn widget(
    def: &FieldDef,
    id: &str,
    value: RwSignal<String>,
    inputs: StoredValue<CustomInputs>,
    system: Vec<(&'static str, RwSignal<String>)>,
) -> AnyView {
    let i18n = use_i18n();
    let id = id.to_owned();
    let name = def.key.as_str().to_owned();
    let kind = def.field_type.kind();
    match &def.field_type {
        FieldType::Formula { .. } => {
            let testid = format!("formula-{}", def.key.as_str());
            let def = def.clone();
            let shown = move || {
                inputs.with_value(|i| i.formula_text(&def, &system, i18n.locale()))
            };
            view! { <output id=id name=name data-testid=testid>{shown}</output> }
                .into_any()
        }
        FieldType::Rollup { .. } | FieldType::Lookup { .. } => {
            let testid = format!("computed-{}", def.key.as_str());
            let def = def.clone();
            let shown = move || inputs.with_value(|i| i.linked_text(&def, i18n.locale()));
            view! { <output id=id name=name data-testid=testid>{shown}</output> }.into_any()
        }
        FieldType::SingleSelect { options } => {
            let options: Vec<_> = options.clone();
            let current = value.get_untracked();
            view! {
                <select id=id name=name on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="" selected=current.is_empty()>{move || i18n.t(shared::i18n::Text::NoneChosen)}</option>
                    {options.into_iter()
                        .filter(|c| !c.retired || c.key == current)
                        .map(|c| {
                            let selected = c.key == current;
                            let label = c.label.clone();
                            view! { <option value=c.key.clone() selected=selected>{move || label.get(i18n.locale()).to_owned()}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        FieldType::Link { object } => {
            let (targets, only) = link_targets(object.as_str());
            view! { <LinkPicker id=id name=name targets=targets object=only value=value /> }
                .into_any()
        }
        FieldType::Links { object } => {
            let (targets, only) = link_targets(object.as_str());
            view! { <LinksPicker id=id name=name targets=targets object=only value=value /> }
                .into_any()
        }
        FieldType::User { many } => {
            view! { <PeoplePicker id=id value=value many=*many teams=false /> }.into_any()
        }
        FieldType::Team => {
            view! { <PeoplePicker id=id value=value many=false teams=true /> }.into_any()
        }
        FieldType::Geo => view! { <PlaceInput id=id value=value /> }.into_any(),
        FieldType::Address => view! { <AddressInput id=id value=value /> }.into_any(),
        FieldType::File { .. } | FieldType::Image | FieldType::Signature => {
            let record = inputs.with_value(|i| i.id);
            view! { <FilesInput id=id field_type=def.field_type.clone() value=value record=record /> }
                .into_any()
        }
        FieldType::SubTable { columns } => {
            view! { <SubTableInput id=id columns=columns.clone() value=value /> }.into_any()
        }
        FieldType::Checkbox => view! {
            <input id=id name=name type="checkbox" class="checkbox"
                prop:checked=move || !value.get().is_empty()
                on:change=move |ev| value.set(if event_target_checked(&ev) { "true".into() } else { String::new() }) />
        }
        .into_any(),
        FieldType::LongText | FieldType::RichText => view! {
            <textarea id=id name=name rows="3" bind:value=value></textarea>
        }
        .into_any(),
        _ if kind.is_computed() => {
            let shown = inputs.with_value(|i| {
                i.before
                    .get(&name)
                    .and_then(|json| Value::from_json(&def.field_type, json).ok())
                    .map(|v| v.format(&def.field_type, i18n.locale()))
                    .unwrap_or_default()
            });
            if shown.is_empty() && kind == FieldKind::AutoNumber {
                return view! {
                    <output id=id name=name class="muted">{move || i18n.t(Text::AutoNumberPending)}</output>
                }
                .into_any();
            }
            view! { <output id=id name=name>{shown}</output> }.into_any()
        }
        other => {
            let (kind, mode) = match other {
                FieldType::Integer
                | FieldType::Decimal { .. }
                | FieldType::Money { .. }
                | FieldType::Percent { .. }
                | FieldType::Rating { .. } => ("text", "decimal"),
                FieldType::Phone => ("tel", "tel"),
                FieldType::Email => ("email", "email"),
                FieldType::Url => ("url", "url"),
                FieldType::Date => ("date", "text"),
                FieldType::Time => ("time", "text"),
                _ => ("text", "text"),
            };
            view! { <input id=id name=name type=kind inputmode=mode bind:value=value /> }.into_any()
        }
    }
}

/// Where a link field's records are: a built-in object's in its collection, a custom object's
/// among the records of every custom object (only that object's offered).
fn link_targets(object: &str) -> (Vec<Collection>, Option<String>) {
    match builtin::collection_of(object) {
        Some(collection) => (vec![collection], None),
        None if object == builtin::ANY_OBJECT => {
            let mut all = builtin::COLLECTIONS.to_vec();
            all.push(Collection::Object);
            (all, None)
        }
        None => (vec![Collection::Object], Some(object.to_owned())),
    }
}

/// One row of a sub-table as its inputs hold it: a stable number (so that removing a row
/// keeps the others' inputs) and each column's text.
type RowTexts = (u32, Vec<String>);

/// The rows' JSON text, as `Value::parse` reads a sub-table: each cell in its column's JSON
/// form (a cell that does not read under its type is kept as typed, so that saving names the
/// field's problem), empty cells and rows left out.
fn rows_text(columns: &[FieldDef], rows: &[RowTexts]) -> String {
    let rows: Vec<Json> = rows
        .iter()
        .filter_map(|(_, cells)| {
            let row: Map<String, Json> = columns
                .iter()
                .zip(cells)
                .filter_map(|(column, text)| {
                    let json = match Value::parse(&column.field_type, text) {
                        Ok(Value::Empty) => return None,
                        Ok(value) => value.to_json(),
                        Err(_) => Json::String(text.clone()),
                    };
                    Some((column.key.as_str().to_owned(), json))
                })
                .collect();
            (!row.is_empty()).then_some(Json::Object(row))
        })
        .collect();
    if rows.is_empty() {
        String::new()
    } else {
        Json::Array(rows).to_string()
    }
}

/// A sub-table's rows (a quote's lines): each a card of its columns' inputs, rows added and
/// removed; `value` holds the rows' JSON text.
#[component]
fn SubTableInput(id: String, columns: Vec<FieldDef>, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    // The stored rows, each cell as its input shows it.
    let start: Vec<RowTexts> = Value::parse(
        &FieldType::SubTable {
            columns: columns.clone(),
        },
        &value.get_untracked(),
    )
    .ok()
    .and_then(|v| match v {
        Value::Rows(rows) => Some(rows),
        _ => None,
    })
    .unwrap_or_default()
    .into_iter()
    .zip(0u32..)
    .map(|(cells, n)| {
        let texts = columns
            .iter()
            .map(|c| {
                cells
                    .iter()
                    .find(|(k, _)| k == c.key.as_str())
                    .map(|(_, v)| v.edit_text(&c.field_type))
                    .unwrap_or_default()
            })
            .collect();
        (n, texts)
    })
    .collect();
    let next = StoredValue::new(u32::try_from(start.len()).unwrap_or(0));
    let rows = RwSignal::new(start);
    let columns = StoredValue::new(columns);
    let set_cell = move |row: u32, column: usize, text: String| {
        rows.update(|all| {
            if let Some(cell) = all
                .iter_mut()
                .find(|(n, _)| *n == row)
                .and_then(|(_, cells)| cells.get_mut(column))
            {
                *cell = text;
            }
        });
        value.set(columns.with_value(|c| rows.with_untracked(|r| rows_text(c, r))));
    };
    let add = move |_| {
        let n = next.get_value();
        next.set_value(n + 1);
        let width = columns.with_value(Vec::len);
        rows.update(|all| all.push((n, vec![String::new(); width])));
    };
    let remove = move |row: u32| {
        rows.update(|all| all.retain(|(n, _)| *n != row));
        value.set(columns.with_value(|c| rows.with_untracked(|r| rows_text(c, r))));
    };
    let prefix = id.clone();
    view! {
        <div class="sub-table" id=id data-testid="sub-table">
            <For each=move || rows.with(|r| r.iter().map(|(n, _)| *n).collect::<Vec<_>>()) key=|n| *n children=move |row| {
                let cells = columns.with_value(|all| {
                    all.iter().enumerate().map(|(j, column)| {
                        let input_id = format!("{prefix}-{row}-{}", column.key.as_str());
                        let label = column.label.clone();
                        let shown = move || rows.with(|r| {
                            r.iter().find(|(n, _)| *n == row).and_then(|(_, c)| c.get(j).cloned()).unwrap_or_default()
                        });
                        let (kind, mode) = match column.field_type {
                            FieldType::Integer | FieldType::Decimal { .. } | FieldType::Money { .. } | FieldType::Percent { .. } => ("text", "decimal"),
                            FieldType::Date => ("date", "text"),
                            _ => ("text", "text"),
                        };
                        let input = if column.field_type == FieldType::Checkbox {
                            view! {
                                <input id=input_id.clone() type="checkbox" class="checkbox"
                                    prop:checked=move || !shown().is_empty()
                                    on:change=move |ev| set_cell(row, j, if event_target_checked(&ev) { "true".into() } else { String::new() }) />
                            }.into_any()
                        } else {
                            view! {
                                <input id=input_id.clone() type=kind inputmode=mode prop:value=shown
                                    on:input=move |ev| set_cell(row, j, event_target_value(&ev)) />
                            }.into_any()
                        };
                        view! {
                            <div class="sub-cell">
                                <label for=input_id>{move || label.get(i18n.locale()).to_owned()}</label>
                                {input}
                            </div>
                        }
                    }).collect_view()
                });
                view! {
                    <div class="sub-row" data-testid="sub-row">
                        {cells}
                        <button type="button" class="secondary" data-testid="remove-row"
                            aria-label=move || i18n.t(Text::RemoveRow) on:click=move |_| remove(row)>"×"</button>
                    </div>
                }
            } />
            <button type="button" class="secondary" data-testid="add-row" on:click=add>
                {move || i18n.t(Text::AddRow)}
            </button>
        </div>
    }
}

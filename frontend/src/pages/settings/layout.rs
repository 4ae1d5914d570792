//! Settings → Form layout: an object's fields placed into titled sections of one or two
//! columns, by dragging a field's handle (mouse, pen or finger: pointer events) or with the
//! keyboard (each field's move up / move down buttons and its "move to section" select); a
//! phone preview shows the form as a 360 px screen would; a custom field's show-when and
//! required-when conditions are set here too. Saving sends the admin's `object.update` (and
//! `field.save` for conditions), so every device follows after its next sync.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::i18n::Text;
use shared::schema::company::ObjectUpdate;
use shared::schema::layout::Layout;
use shared::schema::{Condition, ConditionOp, FieldDef, FieldKey, Labels, ObjectDef, Value};
use shared::sync::{Collection, Mutation, SaveField};
use wasm_bindgen::JsCast;

use crate::components::ErrorBanner;
use crate::components::form::FormState;
use crate::i18n::use_i18n;
use crate::pages::form_layout::on_form;
use crate::sync::use_sync;

/// Where a dragged field would land: (section, before position).
type Spot = (usize, usize);

#[component]
pub fn LayoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let schema_changed = sync.changes(Collection::Schema);
    let pipelines = sync.pipelines();
    let objects = Memo::new(move |_| {
        schema_changed.get();
        crate::sync::company_schema()
            .schema(&pipelines.get())
            .objects
    });
    let (chosen, object) = super::chosen_object(objects);
    // What the admin is arranging: every field of the form placed; read again when another
    // object is chosen or the saved schema changes.
    let layout = RwSignal::new(Layout::default());
    // Unsaved moves are kept when the schema changes underneath (a condition saved, another
    // admin's change); choosing another object starts from its saved layout.
    let dirty = RwSignal::new(false);
    Effect::new(move |before: Option<String>| {
        let Some(o) = object.get() else {
            return String::new();
        };
        let key = o.key.as_str().to_owned();
        if before.as_deref() != Some(key.as_str()) || !dirty.get_untracked() {
            layout.set(o.layout.complete(&o, on_form(&o)));
            dirty.set(false);
        }
        key
    });
    // Bumped by edits that do not redraw the sections (titles, columns) but show in the preview.
    let retitled = RwSignal::new(0u32);
    let form = FormState::default();
    let banner = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let preview = RwSignal::new(false);
    let conditions_of = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(None::<String>);
    let spot = RwSignal::new(None::<Spot>);

    // Another object closes the conditions editor.
    Effect::new(move |_| {
        chosen.track();
        conditions_of.set(None);
    });
    // Every change keeps keyboard focus on the control that made it.
    let change = move |edit: &dyn Fn(&mut Layout) -> bool, focus: Option<String>| {
        let mut changed = false;
        layout.update(|l| changed = edit(l));
        if changed {
            saved.set(false);
            dirty.set(true);
        }
        if let Some(selector) = focus {
            refocus(selector);
        }
    };
    let save = move |_| {
        let Some(o) = object.get_untracked() else {
            return;
        };
        form.begin();
        banner.set(None);
        let mutation = Mutation::UpdateObject(ObjectUpdate {
            key: o.key.clone(),
            name: None,
            icon: None,
            list_columns: None,
            name_field: None,
            layout: Some(layout.get_untracked()),
        });
        spawn_local(async move {
            match sync.mutate(mutation).await {
                Ok(()) => {
                    form.done();
                    saved.set(true);
                    dirty.set(false);
                }
                Err(e) => banner.set(form.refused(e, i18n.locale())),
            }
        });
    };

    // Dragging: a field's handle follows the pointer; the spot under it is marked, and the
    // field goes there when the pointer is let go.
    let pointer = StoredValue::new((0i32, 0i32));
    let grab = move |key: String| {
        move |ev: leptos::ev::PointerEvent| {
            ev.prevent_default();
            pointer.set_value((ev.client_x(), ev.client_y()));
            if let Some(target) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                let _ = target.set_pointer_capture(ev.pointer_id());
            }
            dragging.set(Some(key.clone()));
            spot.set(None);
            keep_scrolling(dragging, spot, pointer);
        }
    };
    let drag = move |ev: leptos::ev::PointerEvent| {
        if dragging.with_untracked(Option::is_some) {
            pointer.set_value((ev.client_x(), ev.client_y()));
            spot.set(spot_at(ev.client_x(), ev.client_y()));
        }
    };
    let drop = move |_ev: leptos::ev::PointerEvent| {
        let (Some(key), Some((section, before))) = (dragging.get_untracked(), spot.get_untracked())
        else {
            dragging.set(None);
            spot.set(None);
            return;
        };
        // The spot counts the dragged field itself when it is above in the same section.
        let before = match layout.with_untracked(|l| l.position(&key)) {
            Some((s, at)) if s == section && at < before => before - 1,
            _ => before,
        };
        change(&|l| l.place(&key, section, before), None);
        dragging.set(None);
        spot.set(None);
    };

    let sections = move || {
        let Some(o) = object.get() else {
            return ().into_any();
        };
        let locale = i18n.locale();
        let count = layout.with(|l| l.sections.len());
        layout
            .get()
            .sections
            .into_iter()
            .enumerate()
            .map(|(index, section)| {
                let fields = section
                    .fields
                    .iter()
                    .enumerate()
                    .filter_map(|(at, key)| o.field(key.as_str()).map(|f| (at, f)))
                    .map(|(at, f)| {
                        let key = f.key.as_str().to_owned();
                        let label = f.label.get(locale).to_owned();
                        let selector = |class: &str| format!("[data-key=\"{key}\"] .{class}");
                        let up = {
                            let (key, focus) = (key.clone(), selector("move-up"));
                            move |_| change(&|l| l.step(&key, -1), Some(focus.clone()))
                        };
                        let down = {
                            let (key, focus) = (key.clone(), selector("move-down"));
                            move |_| change(&|l| l.step(&key, 1), Some(focus.clone()))
                        };
                        let to_section = {
                            let (key, focus) = (key.clone(), selector("to-section"));
                            move |ev: leptos::ev::Event| {
                                let Ok(to) = event_target_value(&ev).parse::<usize>() else {
                                    return;
                                };
                                change(&|l| l.place(&key, to, usize::MAX), Some(focus.clone()));
                            }
                        };
                        let conditions = (!f.system).then(|| {
                            let key = key.clone();
                            view! {
                                <button type="button" class="secondary small" data-testid="field-conditions"
                                    on:click=move |_| {
                                        conditions_of.set(Some(key.clone()));
                                        // On a phone the editor opens below: bring it to the eye.
                                        refocus("[data-testid=conditions-editor] .condition-field".to_owned());
                                    }>
                                    {i18n.t(Text::FieldConditions)}
                                </button>
                            }
                        });
                        let marked = {
                            let key = key.clone();
                            move || spot.get() == Some((index, at)) && dragging.get().as_deref() != Some(key.as_str())
                        };
                        let lifted = {
                            let key = key.clone();
                            move || dragging.get().as_deref() == Some(key.as_str())
                        };
                        view! {
                            <li class="layout-field" data-key=key.clone() data-section=index.to_string() data-at=at.to_string()
                                class:drop-before=marked class:lifted=lifted>
                                <span class="handle" role="img" aria-label=i18n.t(Text::FormLayout)
                                    on:pointerdown=grab(key.clone()) on:pointermove=drag on:pointerup=drop
                                    on:pointercancel=move |_| { dragging.set(None); spot.set(None); }>"⠿"</span>
                                <span class="field-name">{label.clone()}</span>
                                {f.hidden.then(|| view! { <span class="badge">{i18n.t(Text::HiddenFieldBadge)}</span> })}
                                {(f.shown_when.is_some() || f.required_when.is_some()).then(|| view! { <span class="badge">{i18n.t(Text::FieldConditions)}</span> })}
                                <span class="layout-moves">
                                    <button type="button" class="secondary small move-up" on:click=up
                                        aria-label=format!("{} {label}", i18n.t(Text::MoveUp))>"↑"</button>
                                    <button type="button" class="secondary small move-down" on:click=down
                                        aria-label=format!("{} {label}", i18n.t(Text::MoveDown))>"↓"</button>
                                    <select class="to-section" aria-label=format!("{} {label}", i18n.t(Text::MoveToSection)) on:change=to_section>
                                        {(0..count).map(|s| view! {
                                            <option value=s.to_string() selected=s == index>
                                                {format!("{} {}", i18n.t(Text::SectionNumbered), s + 1)}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                    {conditions}
                                </span>
                            </li>
                        }
                    })
                    .collect_view();
                let end = section.fields.len();
                // Titles and columns change the layout without drawing the sections again
                // (the inputs already show them, and keep the focus).
                let edit_section = move |edit: &dyn Fn(&mut shared::schema::layout::Section)| {
                    layout.update_untracked(|l| {
                        if let Some(s) = l.sections.get_mut(index) {
                            edit(s);
                        }
                    });
                    saved.set(false);
                    dirty.set(true);
                    retitled.update(|n| *n += 1);
                };
                let title = move |en: bool| {
                    move |ev: leptos::ev::Event| {
                        let text = event_target_value(&ev).trim().to_owned();
                        edit_section(&|s| {
                            let title = if en { &mut s.title.en } else { &mut s.title.zh };
                            title.clone_from(&text);
                        });
                    }
                };
                let columns = move |ev: leptos::ev::Event| {
                    let n = if event_target_value(&ev) == "2" { 2 } else { 1 };
                    edit_section(&|s| s.columns = n);
                };
                let id = |part: &str| format!("section-{index}-{part}");
                view! {
                    <section class="layout-section" data-section=index.to_string()
                        class:drop-end=move || spot.get() == Some((index, end))>
                        <div class="layout-section-head">
                            <div class="field">
                                <label for=id("zh")>{i18n.t(Text::SectionTitleZh)}</label>
                                <input id=id("zh") type="text" maxlength="60" prop:value=section.title.zh.clone()
                                    on:change=title(false) />
                            </div>
                            <div class="field">
                                <label for=id("en")>{i18n.t(Text::SectionTitleEn)}</label>
                                <input id=id("en") type="text" maxlength="60" prop:value=section.title.en.clone()
                                    on:change=title(true) />
                            </div>
                            <div class="field">
                                <label for=id("columns")>{i18n.t(Text::SectionColumns)}</label>
                                <select id=id("columns") class="section-columns" on:change=columns>
                                    <option value="1" selected=section.columns != 2>{i18n.t(Text::OneColumn)}</option>
                                    <option value="2" selected=section.columns == 2>{i18n.t(Text::TwoColumns)}</option>
                                </select>
                            </div>
                            <div class="layout-moves">
                                <button type="button" class="secondary small" on:click=move |_| change(&|l| l.step_section(index, -1), None)
                                    aria-label=format!("{} {}", i18n.t(Text::MoveUp), index + 1)>"↑"</button>
                                <button type="button" class="secondary small" on:click=move |_| change(&|l| l.step_section(index, 1), None)
                                    aria-label=format!("{} {}", i18n.t(Text::MoveDown), index + 1)>"↓"</button>
                                <button type="button" class="danger small remove-section" disabled=count < 2
                                    on:click=move |_| change(&|l| l.remove_section(index), None)>
                                    {i18n.t(Text::RemoveSection)}
                                </button>
                            </div>
                        </div>
                        <ul class="layout-fields" data-section=index.to_string() data-end=end.to_string()>{fields}</ul>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };

    // The form as a phone shows it: one column, the sections in order.
    let phone = move || {
        retitled.track();
        let o = object.get()?;
        let locale = i18n.locale();
        let shown = layout
            .get()
            .sections
            .into_iter()
            .filter(|s| !s.fields.is_empty())
            .map(|s| {
                let labels = s
                    .fields
                    .iter()
                    .filter_map(|k| o.field(k.as_str()))
                    .filter(|f| !f.hidden)
                    .map(|f| {
                        let label = f.label.get(locale).to_owned();
                        view! { <div class="preview-field"><span>{label}</span><span class="preview-input"></span></div> }
                    })
                    .collect_view();
                let title = s.title.get(locale).to_owned();
                view! {
                    <div class="preview-section">
                        {(!title.is_empty()).then(|| view! { <h3>{title}</h3> })}
                        {labels}
                    </div>
                }
            })
            .collect_view();
        Some(view! { <div class="phone-preview" data-testid="phone-preview">{shown}</div> })
    };

    let message = Signal::derive(move || banner.get());
    view! {
        <section class="card" data-testid="layout-settings">
            <h2>{move || i18n.t(Text::FormLayout)}</h2>
            <super::ObjectSelect id="layout-object" path="/settings/layout" objects=objects chosen=chosen />
            <p class="hint">{move || i18n.t(Text::FormLayoutIntro)}</p>
            <p class="hint">{move || i18n.t(Text::ConditionsOnlyCustom)}</p>
            <ErrorBanner message=message />
            <div class="layout-designer" class:with-preview=move || preview.get()>
                <div class="layout-sections" data-testid="layout-sections">{sections}</div>
                <Show when=move || preview.get()>{phone}</Show>
            </div>
            <div class="form-actions">
                <button type="button" class="secondary" data-testid="add-section"
                    on:click=move |_| change(&|l| l.add_section(Labels::default()), None)>
                    {move || i18n.t(Text::AddSection)}
                </button>
                <label class="check">
                    <input type="checkbox" data-testid="phone-preview-toggle" prop:checked=move || preview.get()
                        on:change=move |ev| preview.set(event_target_checked(&ev)) />
                    {move || i18n.t(Text::PhonePreview)}
                </label>
                <button type="button" class="primary" data-testid="save-layout" on:click=save
                    disabled=move || form.busy.get()>
                    {move || i18n.t(Text::SaveLayout)}
                </button>
                <Show when=move || saved.get()>
                    <span class="saved" data-testid="layout-saved">{move || i18n.t(Text::Saved)}</span>
                </Show>
            </div>
        </section>
        {move || {
            let key = conditions_of.get()?;
            let o = object.get()?;
            let field = crate::sync::company_schema()
                .custom_fields(o.key.as_str())
                .find(|f| f.key.as_str() == key)
                .cloned()?;
            Some(view! { <ConditionsEditor object=o field=field close=conditions_of /> })
        }}
    }
}

/// Move keyboard focus to `selector` once the designer has been drawn again.
fn refocus(selector: String) {
    let focus = move || {
        let element = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    };
    request_animation_frame(focus);
}

/// While a field is dragged, the page scrolls when the pointer rests over the top bar or the
/// bottom tabs (or near the window's edge where there are none), so that a long form can be
/// crossed on a phone; the spot under the pointer follows.
fn keep_scrolling(
    dragging: RwSignal<Option<String>>,
    spot: RwSignal<Option<Spot>>,
    pointer: StoredValue<(i32, i32)>,
) {
    request_animation_frame(move || {
        if dragging.with_untracked(Option::is_none) {
            return;
        }
        let (x, y) = pointer.get_value();
        let height = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let edge = |css: &str, fallback: f64, bottom: bool| {
            document()
                .query_selector(css)
                .ok()
                .flatten()
                .map(|e| e.get_bounding_client_rect())
                .filter(|r| r.height() > 0.0)
                .map_or(fallback, |r| if bottom { r.top() } else { r.bottom() })
        };
        let y = f64::from(y);
        let step = if y >= edge(".tabbar", height - 40.0, true) {
            12.0
        } else if y <= edge(".topbar", 40.0, false) {
            -12.0
        } else {
            0.0
        };
        if step != 0.0 {
            window().scroll_by_with_x_and_y(0.0, step);
            spot.set(spot_at(x, y as i32));
        }
        keep_scrolling(dragging, spot, pointer);
    });
}

/// The spot under the point (`x`, `y`): before the field there (or after it, past its middle),
/// or at the end of the section there.
fn spot_at(x: i32, y: i32) -> Option<Spot> {
    let under = document().element_from_point(x as f32, y as f32)?;
    let number = |e: &web_sys::Element, name: &str| {
        e.get_attribute(name).and_then(|v| v.parse::<usize>().ok())
    };
    if let Some(row) = under.closest(".layout-field").ok().flatten() {
        let section = number(&row, "data-section")?;
        let at = number(&row, "data-at")?;
        let rect = row.get_bounding_client_rect();
        let below = f64::from(y) > rect.top() + rect.height() / 2.0;
        return Some((section, at + usize::from(below)));
    }
    let list = under
        .closest(".layout-section")
        .ok()
        .flatten()?
        .query_selector(".layout-fields")
        .ok()
        .flatten()?;
    Some((number(&list, "data-section")?, number(&list, "data-end")?))
}

/// One side of a condition as the admin fills it in.
#[derive(Clone, Copy)]
struct ConditionDraft {
    field: RwSignal<String>,
    op: RwSignal<String>,
    value: RwSignal<String>,
}

impl ConditionDraft {
    fn new(condition: Option<&Condition>, object: &ObjectDef) -> Self {
        let field = condition.map(|c| c.field.as_str().to_owned());
        let op = condition.map_or("is", |c| op_key(c.op));
        let value = condition
            .and_then(|c| {
                let compared = object.field(c.field.as_str())?;
                let value = Value::from_json(&compared.field_type, &c.value).ok()?;
                Some(value.edit_text(&compared.field_type))
            })
            .unwrap_or_default();
        ConditionDraft {
            field: RwSignal::new(field.unwrap_or_default()),
            op: RwSignal::new(op.to_owned()),
            value: RwSignal::new(value),
        }
    }

    /// The condition, none when no field is chosen, or the problem with the value.
    fn read(&self, object: &ObjectDef, at: &str) -> Result<Option<Condition>, shared::FieldError> {
        let field = self.field.get_untracked();
        if field.is_empty() {
            return Ok(None);
        }
        let compared = object
            .field(&field)
            .ok_or_else(|| shared::Problem::NotFound.at(at))?;
        let op = match self.op.get_untracked().as_str() {
            "is_not" => ConditionOp::IsNot,
            "empty" => ConditionOp::Empty,
            "not_empty" => ConditionOp::NotEmpty,
            _ => ConditionOp::Is,
        };
        let value = match op {
            ConditionOp::Is | ConditionOp::IsNot => {
                Value::parse(&compared.field_type, &self.value.get_untracked())
                    .map_err(|p| p.at(at))?
                    .to_json()
            }
            ConditionOp::Empty | ConditionOp::NotEmpty => serde_json::Value::Null,
        };
        Ok(Some(Condition {
            field: FieldKey::parse(&field).map_err(|p| p.at(at))?,
            op,
            value,
        }))
    }
}

fn op_key(op: ConditionOp) -> &'static str {
    match op {
        ConditionOp::Is => "is",
        ConditionOp::IsNot => "is_not",
        ConditionOp::Empty => "empty",
        ConditionOp::NotEmpty => "not_empty",
    }
}

/// A custom field's show-when and required-when conditions.
#[component]
fn ConditionsEditor(
    object: ObjectDef,
    field: FieldDef,
    close: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let form = FormState::default();
    let banner = RwSignal::new(None::<String>);
    let shown = ConditionDraft::new(field.shown_when.as_ref(), &object);
    let required = ConditionDraft::new(field.required_when.as_ref(), &object);
    let locale = i18n.locale();
    // Any other field of the object may be compared with.
    let others: Vec<(String, String)> = object
        .fields
        .iter()
        .filter(|f| f.key != field.key && !f.field_type.kind().is_computed())
        .map(|f| (f.key.as_str().to_owned(), f.label.get(locale).to_owned()))
        .collect();
    let object = StoredValue::new(object);
    let side = move |name: &'static str, label: Text, draft: ConditionDraft| {
        let choices = move || {
            let key = draft.field.get();
            object.with_value(|o| {
                o.field(&key)
                    .map(|f| {
                        f.field_type
                            .choices()
                            .iter()
                            .filter(|c| !c.retired)
                            .map(|c| (c.key.clone(), c.label.get(locale).to_owned()))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        };
        let needs_value = move || matches!(draft.op.get().as_str(), "is" | "is_not");
        let others = others.clone();
        let error = move || form.field_error(name, locale);
        view! {
            <fieldset class="condition" data-testid=format!("condition-{name}")>
                <legend>{i18n.t(label)}</legend>
                <select class="condition-field" aria-label=i18n.t(label)
                    on:change=move |ev| draft.field.set(event_target_value(&ev))>
                    <option value="" selected=draft.field.get_untracked().is_empty()>{i18n.t(Text::NoneChosen)}</option>
                    {others.into_iter().map(|(key, label)| {
                        let selected = key == draft.field.get_untracked();
                        view! { <option value=key selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <select class="condition-op" on:change=move |ev| draft.op.set(event_target_value(&ev))>
                    {[("is", Text::OpIs), ("is_not", Text::OpIsNot), ("empty", Text::OpEmpty), ("not_empty", Text::OpNotEmpty)]
                        .into_iter()
                        .map(|(key, text)| view! { <option value=key selected=draft.op.get_untracked() == key>{i18n.t(text)}</option> })
                        .collect_view()}
                </select>
                <Show when=needs_value>
                    {move || {
                        let choices = choices();
                        if choices.is_empty() {
                            view! {
                                <input class="condition-value" type="text" aria-label=i18n.t(Text::ConditionValue)
                                    bind:value=draft.value />
                            }.into_any()
                        } else {
                            view! {
                                <select class="condition-value" aria-label=i18n.t(Text::ConditionValue)
                                    on:change=move |ev| draft.value.set(event_target_value(&ev))>
                                    <option value="">{i18n.t(Text::NoneChosen)}</option>
                                    {choices.into_iter().map(|(key, label)| {
                                        let selected = key == draft.value.get_untracked();
                                        view! { <option value=key selected=selected>{label}</option> }
                                    }).collect_view()}
                                </select>
                            }.into_any()
                        }
                    }}
                </Show>
                <p class="field-error">{error}</p>
            </fieldset>
        }
    };
    let key = object.with_value(|o| o.key.clone());
    let field = StoredValue::new(field);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        banner.set(None);
        let read = object.with_value(|o| {
            let shown = shown.read(o, "shown_when");
            let required = required.read(o, "required_when");
            (shown, required)
        });
        let (shown, required) = match read {
            (Ok(s), Ok(r)) => (s, r),
            (s, r) => {
                form.invalid(s.err().into_iter().chain(r.err()).collect());
                return;
            }
        };
        let mut def = field.get_value();
        def.shown_when = shown;
        def.required_when = required;
        let mutation = Mutation::SaveField(SaveField {
            object: key.clone(),
            field: Box::new(def),
            adding: false,
            lossy: false,
        });
        spawn_local(async move {
            match sync.mutate(mutation).await {
                Ok(()) => {
                    form.done();
                    close.set(None);
                }
                Err(e) => banner.set(form.refused(e, locale)),
            }
        });
    };
    let label = field.with_value(|f| f.label.get(locale).to_owned());
    let message = Signal::derive(move || banner.get());
    view! {
        <section class="card" data-testid="conditions-editor">
            <h2>{format!("{} · {label}", i18n.t(Text::FieldConditions))}</h2>
            <ErrorBanner message=message />
            <form class="form" on:submit=save novalidate>
                {side("shown_when", Text::ShownWhen, shown)}
                {side("required_when", Text::RequiredWhen, required)}
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="save-conditions">{i18n.t(Text::SaveConditions)}</button>
                    <button type="button" class="secondary" on:click=move |_| close.set(None)>{i18n.t(Text::Cancel)}</button>
                </div>
            </form>
        </section>
    }
}

//! A list as a table on a desk (from 1024 px): a sticky header of the chosen fields (a click
//! sorts, a handle resizes: pointer or ←/→, dragging a header moves its column), the keyboard
//! moving a cursor over the cells (arrows, Home/End, Page Up/Down), and a cell edited where it
//! stands (Enter or a double click; Enter saves, Esc leaves it as it was, a refusal stays in
//! the cell with what was typed). Cells whose type needs the whole form open the record.

use std::collections::BTreeMap;

use gloo_storage::{LocalStorage, Storage};
use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::RecordId;
use shared::i18n::{Locale, Text, problem_text, rejection_text};
use shared::schema::{FieldDef, FieldType, ObjectDef, Value};
use shared::sync::{MutateError, Mutation, Rejection, UpdateRecord};
use shared::table::{self, InPlace, Move};
use wasm_bindgen::JsCast;

use crate::components::virtual_rows::{ROW_PX, TABLE_ROW_PX};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// The width from which a list is a table.
const DESK_PX: f64 = 1024.0;

/// One column of the table after the name.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    pub key: String,
    pub label: String,
    pub width: u16,
    /// Whether its header sorts (a worked-out field has no stored value to order by).
    pub sorts: bool,
}

/// Whether the window is a desk's (a table) rather than a phone's (cards); follows resizing.
pub(super) fn use_desk() -> Signal<bool> {
    let wide = || {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w >= DESK_PX)
    };
    let desk = RwSignal::new(wide());
    let listener = window_event_listener(ev::resize, move |_| {
        let now = wide();
        if desk.get_untracked() != now {
            desk.set(now);
        }
    });
    on_cleanup(move || listener.remove());
    desk.into()
}

/// A row's height for the list now (a table's rows are lower than cards).
pub(super) fn row_px(desk: Signal<bool>) -> Signal<f64> {
    Signal::derive(move || if desk.get() { TABLE_ROW_PX } else { ROW_PX })
}

/// The columns' widths as this device keeps them for the object `key`.
pub(super) fn stored_widths(key: &str) -> RwSignal<BTreeMap<String, u16>> {
    let storage_key = format!("qiao.widths.{key}");
    let widths = RwSignal::new(
        LocalStorage::raw()
            .get_item(&storage_key)
            .ok()
            .flatten()
            .map(|text| table::widths_from(&text))
            .unwrap_or_default(),
    );
    Effect::new(move |seen: Option<()>| {
        let text = widths.with(table::widths_text);
        if seen.is_some() {
            let _ = LocalStorage::raw().set_item(&storage_key, &text);
        }
    });
    widths
}

/// Keep a list's chosen columns on this device (`key`: the object), so that a reload or
/// the next visit shows them as they were left.
pub(super) fn keep_columns(key: &str, columns: RwSignal<Vec<String>>) {
    let storage_key = format!("qiao.columns.{key}");
    if let Some(text) = LocalStorage::raw().get_item(&storage_key).ok().flatten() {
        columns.set(
            text.split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect(),
        );
    }
    Effect::new(move |seen: Option<()>| {
        let text = columns.with(|c| c.join(","));
        if seen.is_some() {
            let _ = LocalStorage::raw().set_item(&storage_key, &text);
        }
    });
}

/// The CSS grid of the table's rows: a box to tick while selecting, the name, the columns.
pub(super) fn grid(columns: &[Column], selecting: bool) -> String {
    let mut out = String::from("--cols:");
    let mut least = NAME_MIN_PX;
    if selecting {
        out.push_str(&format!(" {CHECK_PX}px"));
        least += CHECK_PX;
    }
    out.push_str(&format!(" minmax({NAME_MIN_PX}px, 1fr)"));
    for c in columns {
        out.push_str(&format!(" {}px", c.width));
        least += u32::from(c.width);
    }
    // The header and the rows are as wide as the card, or as all columns when those are wider
    // (both the same, so the name's column is as wide in both and the columns line up); then
    // the name's column is at its narrowest, what the rows keep clear when scrolled sideways.
    out.push_str(&format!(
        "; --table-width: {least}px; --name-px: {NAME_MIN_PX}px"
    ));
    out
}

/// The name's column at its narrowest, and the ticks' column, in CSS pixels.
const NAME_MIN_PX: u32 = 160;
const CHECK_PX: u32 = 40;

/// The table's header row.
#[component]
pub(super) fn TableHead(
    name: String,
    columns: Memo<Vec<Column>>,
    sort: RwSignal<String>,
    descending: RwSignal<bool>,
    widths: RwSignal<BTreeMap<String, u16>>,
    /// The list's chosen fields, in order (a moved column is moved there).
    order: RwSignal<Vec<String>>,
    selecting: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let head = NodeRef::<Div>::new();
    // A column being moved by its header: its key, where the pointer went down, whether it
    // has moved far enough to be a drag (a click sorts instead).
    let lifting = StoredValue::new(None::<(String, f64, bool)>);
    let sort_by = move |key: String| {
        if sort.get_untracked() == key {
            descending.update(|d| *d = !*d);
        } else {
            sort.set(key);
            descending.set(false);
        }
    };
    let arrow = move |key: &str| {
        (sort.with(|s| s == key)).then(|| if descending.get() { " ↓" } else { " ↑" })
    };
    // Where a header dropped at `x` goes: before the first column whose middle is right of it.
    let drop_at = move |x: f64| -> usize {
        let Some(head) = head.get_untracked() else {
            return 0;
        };
        let Ok(cells) = head.query_selector_all("[data-field]") else {
            return 0;
        };
        let mut at = 0;
        for i in 0..cells.length() {
            if let Some(el) = cells
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let r = el.get_bounding_client_rect();
                if x > r.left() + r.width() / 2.0 {
                    at = i as usize + 1;
                }
            }
        }
        at
    };
    let resize = move |key: &str, width: i64| {
        let width = table::clamp_width(width);
        widths.update(|w| {
            w.insert(key.to_owned(), width);
        });
    };
    let name_sort = move || sort.with(String::is_empty);
    // How a column is sorted, for assistive technology.
    let sorted = move |key: &str| {
        if sort.with(|s| s != key) {
            "none"
        } else if descending.get() {
            "descending"
        } else {
            "ascending"
        }
    };
    view! {
        <div class="table-head" data-testid="table-head" node_ref=head role="row" aria-rowindex="1">
            <Show when=move || selecting.get()>
                <span class="head-check" role="columnheader" aria-label=move || i18n.t(Text::SelectRows)></span>
            </Show>
            <span class="head-cell" role="columnheader" aria-sort=move || sorted("")>
                <button type="button" class="head-label" data-testid="sort-name"
                    on:click=move |_| sort_by(String::new())>
                    {name}{move || name_sort().then(|| if descending.get() { " ↓" } else { " ↑" })}
                </button>
            </span>
            <For each=move || columns.get() key=|c| (c.key.clone(), c.label.clone())
                children=move |c: Column| {
                    let key = c.key.clone();
                    let (k1, k4, k5, k6) = (key.clone(), key.clone(), key.clone(), key.clone());
                    let k7 = key.clone();
                    let width = Memo::new(move |_| {
                        columns.with(|all| all.iter().find(|x| x.key == k1).map_or(table::DEFAULT_WIDTH, |x| x.width))
                    });
                    let label = c.label.clone();
                    let sorts = c.sorts;
                    // A resize under way: where the pointer went down and the width then.
                    let resizing = StoredValue::new(None::<(f64, i64)>);
                    view! {
                        <span class="head-cell" data-field=key.clone() role="columnheader"
                            aria-sort=move || sorted(&k7)>
                            <button type="button" class="head-label" data-testid="column-head"
                                on:pointerdown=move |ev: ev::PointerEvent| {
                                    if ev.button() == 0 {
                                        lifting.set_value(Some((k4.clone(), f64::from(ev.client_x()), false)));
                                    }
                                }
                                on:pointermove=move |ev: ev::PointerEvent| {
                                    let x = f64::from(ev.client_x());
                                    lifting.update_value(|l| {
                                        if let Some((_, start, moved)) = l
                                            && (x - *start).abs() > 8.0
                                            && !*moved
                                        {
                                            *moved = true;
                                            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                                let _ = el.set_pointer_capture(ev.pointer_id());
                                            }
                                        }
                                    });
                                }
                                on:pointerup=move |ev: ev::PointerEvent| {
                                    let lifted = lifting.try_update_value(Option::take).flatten();
                                    if let Some((key, _, true)) = lifted {
                                        let to = drop_at(f64::from(ev.client_x()));
                                        let keys: Vec<String> = columns.with_untracked(|c| c.iter().map(|c| c.key.clone()).collect());
                                        let here = keys.iter().position(|f| *f == key);
                                        // The drop spot counts the column itself while it is lifted.
                                        let to = match here { Some(h) if to > h => to - 1, _ => to };
                                        order.set(table::moved(&keys, &key, to));
                                        // The click that follows a drag does not sort.
                                        lifting.set_value(Some((String::new(), f64::NAN, true)));
                                    }
                                }
                                on:click=move |_| {
                                    let dragged = lifting.with_value(|l| l.as_ref().is_some_and(|(k, _, _)| k.is_empty()));
                                    lifting.set_value(None);
                                    if !dragged && sorts {
                                        sort_by(k5.clone());
                                    }
                                }>
                                {label.clone()}{move || arrow(&k6)}
                            </button>
                            <span class="col-resize" role="separator" aria-orientation="vertical" tabindex="0"
                                data-testid="col-resize"
                                aria-label=move || format!("{}{}", i18n.t(Text::ResizeColumn), label)
                                aria-valuemin=table::MIN_WIDTH aria-valuemax=table::MAX_WIDTH
                                aria-valuenow=move || width.get()
                                on:pointerdown=move |ev: ev::PointerEvent| {
                                    ev.prevent_default();
                                    ev.stop_propagation();
                                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                        let _ = el.set_pointer_capture(ev.pointer_id());
                                        resizing.set_value(Some((f64::from(ev.client_x()), i64::from(width.get_untracked()))));
                                    }
                                }
                                on:pointermove={
                                    let key = key.clone();
                                    move |ev: ev::PointerEvent| {
                                        if let Some((start, from)) = resizing.get_value() {
                                            resize(&key, from + (f64::from(ev.client_x()) - start) as i64);
                                        }
                                    }
                                }
                                on:pointerup=move |_| resizing.set_value(None)
                                on:lostpointercapture=move |_| resizing.set_value(None)
                                on:click=|ev: ev::MouseEvent| ev.stop_propagation()
                                on:keydown={
                                    let key = key.clone();
                                    move |ev: ev::KeyboardEvent| {
                                        let step = i64::from(table::WIDTH_STEP);
                                        let now = i64::from(width.get_untracked());
                                        match ev.key().as_str() {
                                            "ArrowLeft" => { ev.prevent_default(); resize(&key, now - step); }
                                            "ArrowRight" => { ev.prevent_default(); resize(&key, now + step); }
                                            _ => {}
                                        }
                                    }
                                }></span>
                        </span>
                    }
                } />
        </div>
    }
}

/// The cell being edited.
#[derive(Debug, Clone)]
struct Editing {
    id: RecordId,
    def: FieldDef,
    text: RwSignal<String>,
    error: RwSignal<Option<String>>,
    /// Where the cell is, within the table: left, top, width, height.
    place: (f64, f64, f64, f64),
    /// The cell's row and column, to come back to.
    at: (usize, usize),
}

/// The keyboard's cursor over the cells of the table `table` (`count` rows; the columns of
/// `columns`) and the cell editor: put the returned view inside the table, and its handlers
/// on it.
pub(super) struct Cells {
    pub keydown: Box<dyn Fn(ev::KeyboardEvent)>,
    pub dblclick: Box<dyn Fn(ev::MouseEvent)>,
    pub editor: AnyView,
}

/// The table's cursor and editor for `collection`'s list.
pub(super) fn cells(
    desk: Signal<bool>,
    table_el: NodeRef<Div>,
    count: Memo<usize>,
    columns: Memo<Vec<Column>>,
    object: Memo<Option<ObjectDef>>,
    row_px: Signal<f64>,
) -> Cells {
    let i18n = use_i18n();
    let sync = use_sync();
    let editing = RwSignal::new(None::<Editing>);
    let focus = move |(row, col): (usize, usize)| {
        focus_cell(table_el, row, col, row_px.get_untracked());
    };
    // Begin editing the cell at (row, col) of record `id`, or open the record when its type
    // needs the form.
    let begin = move |id: RecordId, at: (usize, usize), cell: web_sys::Element| {
        let Some(key) =
            columns.with_untracked(|c| c.get(at.1.wrapping_sub(1)).map(|c| c.key.clone()))
        else {
            return;
        };
        let Some(def) = object.with_untracked(|o| o.as_ref().and_then(|o| o.field(&key).cloned()))
        else {
            return;
        };
        let Some(how) = table::in_place(&def.field_type).filter(|_| !def.read_only) else {
            open_record(&cell);
            return;
        };
        let Some(text) = sync
            .with_core_untracked(|c| c.get(id).map(|r| edit_text(r, &def)))
            .flatten()
        else {
            return;
        };
        if how == InPlace::Check {
            let flipped = if text.is_empty() { "true" } else { "" };
            save(
                sync,
                id,
                def,
                flipped.to_owned(),
                i18n.locale(),
                None,
                move || focus(at),
            );
            return;
        }
        let Some(table) = table_el.get_untracked() else {
            return;
        };
        let outer = table.get_bounding_client_rect();
        let r = cell.get_bounding_client_rect();
        editing.set(Some(Editing {
            id,
            def,
            text: RwSignal::new(text),
            error: RwSignal::new(None),
            place: (
                r.left() - outer.left(),
                r.top() - outer.top(),
                r.width(),
                r.height(),
            ),
            at,
        }));
    };
    let keydown = move |ev: ev::KeyboardEvent| {
        if editing.with_untracked(Option::is_some) || !desk.get_untracked() {
            return;
        }
        let Some((cell, row, col, id)) = cell_of(ev.target()) else {
            return;
        };
        if let Some(m) = Move::of_key(&ev.key()) {
            ev.prevent_default();
            let page = web_sys::window()
                .and_then(|w| w.inner_height().ok())
                .and_then(|h| h.as_f64())
                .map_or(10, |h| (h / row_px.get_untracked()) as usize);
            let to = m.from(
                (row, col),
                count.get_untracked(),
                columns.with_untracked(Vec::len) + 1,
                page,
            );
            focus(to);
            return;
        }
        if col > 0 && matches!(ev.key().as_str(), "Enter" | "F2" | " ") {
            ev.prevent_default();
            begin(id, (row, col), cell);
        }
    };
    let dblclick = move |ev: ev::MouseEvent| {
        if let Some((cell, row, col, id)) = cell_of(ev.target())
            && col > 0
            && desk.get_untracked()
        {
            begin(id, (row, col), cell);
        }
    };
    let editor = move || {
        editing.get().map(|e| {
            let Editing { id, def, text, error, place, at } = e;
            let input = NodeRef::<leptos::html::Input>::new();
            let select = NodeRef::<leptos::html::Select>::new();
            let done = move |then: (usize, usize)| {
                editing.set(None);
                focus(then);
            };
            let commit = {
                let def = def.clone();
                move |then: (usize, usize)| {
                    if editing.with_untracked(Option::is_none) {
                        return;
                    }
                    save(sync, id, def.clone(), text.get_untracked(), i18n.locale(), Some(error), move || done(then));
                }
            };
            let keys = {
                let commit = commit.clone();
                move |ev: ev::KeyboardEvent| {
                    ev.stop_propagation();
                    match ev.key().as_str() {
                        "Enter" => { ev.prevent_default(); commit(at); }
                        "Escape" => { ev.prevent_default(); done(at); }
                        "Tab" => {
                            ev.prevent_default();
                            let cols = columns.with_untracked(Vec::len) + 1;
                            let to = if ev.shift_key() { Move::Left } else { Move::Right }.from(at, count.get_untracked(), cols, 1);
                            commit(to);
                        }
                        _ => {}
                    }
                }
            };
            Effect::new(move |_| {
                if let Some(el) = input.get() {
                    let _ = el.focus();
                    el.select();
                } else if let Some(el) = select.get() {
                    let _ = el.focus();
                }
            });
            let (left, top, width, height) = place;
            let style = format!("left:{left}px;top:{top}px;min-width:{width}px;min-height:{height}px");
            let label = def.label.get(i18n.locale()).to_owned();
            let field = match (&def.field_type, table::in_place(&def.field_type)) {
                (FieldType::SingleSelect { options }, _) => {
                    let current = text.get_untracked();
                    let commit = commit.clone();
                    let options = options
                        .iter()
                        .filter(|c| !c.retired || c.key == current)
                        .map(|c| {
                            let selected = c.key == current;
                            view! { <option value=c.key.clone() selected=selected>{c.label.get(i18n.locale()).to_owned()}</option> }
                        })
                        .collect_view();
                    view! {
                        <select node_ref=select data-testid="cell-input" aria-label=label
                            on:keydown=keys
                            on:change=move |ev| { text.set(event_target_value(&ev)); commit(at); }>
                            <option value="" selected=current.is_empty()>{move || i18n.t(Text::NoneChosen)}</option>
                            {options}
                        </select>
                    }
                    .into_any()
                }
                (_, Some(InPlace::Input { kind, mode })) => view! {
                    <input node_ref=input type=kind inputmode=mode data-testid="cell-input" aria-label=label
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        bind:value=text on:keydown=keys
                        on:blur=move |_| commit(at) />
                }
                .into_any(),
                _ => ().into_any(),
            };
            view! {
                <div class="cell-editor" style=style data-testid="cell-editor">
                    {field}
                    <Show when=move || error.with(Option::is_some)>
                        <p class="field-error" role="alert" data-testid="cell-error">{move || error.get()}</p>
                    </Show>
                </div>
            }
        })
    };
    Cells {
        keydown: Box::new(keydown),
        dblclick: Box::new(dblclick),
        editor: editor.into_any(),
    }
}

/// The cell an event happened in: the element, its row's position, its column and record.
fn cell_of(
    target: Option<web_sys::EventTarget>,
) -> Option<(web_sys::Element, usize, usize, RecordId)> {
    let el: web_sys::Element = target?.dyn_into().ok()?;
    let cell = el.closest("[data-col]").ok()??;
    let row = cell.closest("li[data-pos]").ok()??;
    let col = cell.get_attribute("data-col")?.parse().ok()?;
    let pos = row.get_attribute("data-pos")?.parse().ok()?;
    let id = row.get_attribute("data-id")?.parse().ok()?;
    Some((cell, pos, col, id))
}

/// Open the record of the row `cell` is in.
fn open_record(cell: &web_sys::Element) {
    if let Some(link) = cell
        .closest("li")
        .ok()
        .flatten()
        .and_then(|li| li.query_selector("a.record-link").ok().flatten())
        .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
    {
        link.click();
    }
}

/// Focus the cell at (`row`, `col`), scrolling the window first when its row is out of sight
/// (the row is put in the page by the list once it scrolls near).
fn focus_cell(table: NodeRef<Div>, row: usize, col: usize, row_px: f64) {
    let Some(table) = table.get_untracked() else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(list)) = table.query_selector("ul") {
        let top = list.get_bounding_client_rect().top() + row as f64 * row_px;
        let height = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0);
        // The sticky bar and the table's header above; a little room below.
        let (above, below) = (110.0, 24.0);
        if top < above {
            window.scroll_by_with_x_and_y(0.0, top - above);
        } else if top + row_px > height - below {
            window.scroll_by_with_x_and_y(0.0, top + row_px - height + below);
        }
    }
    let find = move || {
        table
            .query_selector(&format!("li[data-pos=\"{row}\"] [data-col=\"{col}\"]"))
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    };
    if let Some(el) = find() {
        let _ = el.focus();
    }
    // Not in the page yet (the list draws the rows scrolled to once it sees the scroll), or
    // drawn again since (a saved value redraws its row): focus it once the list has drawn,
    // unless the cursor went elsewhere meanwhile.
    set_timeout(
        move || {
            let lost = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_none_or(|active| {
                    active.tag_name().eq_ignore_ascii_case("body") || !active.is_connected()
                });
            if lost && let Some(el) = find() {
                let _ = el.focus();
            }
        },
        std::time::Duration::from_millis(60),
    );
}

/// A field's value as its cell editor starts with it.
fn edit_text(record: &shared::sync::Record, def: &FieldDef) -> String {
    if def.system {
        return record.body.text(def.key.as_str()).into_owned();
    }
    record
        .custom
        .get(def.key.as_str())
        .and_then(|json| Value::from_json(&def.field_type, json).ok())
        .map(|v| v.edit_text(&def.field_type))
        .unwrap_or_default()
}

/// Save `text` as record `id`'s value of `def` (nothing sent when it holds that already);
/// `then` once the device took it; a problem goes to `error` (or is dropped for a checkbox,
/// whose cell shows what is stored).
fn save(
    sync: crate::sync::Sync,
    id: RecordId,
    def: FieldDef,
    text: String,
    locale: Locale,
    error: Option<RwSignal<Option<String>>>,
    then: impl FnOnce() + 'static,
) {
    let fail = move |message: String| {
        if let Some(error) = error {
            error.set(Some(message));
        }
    };
    let key = def.key.as_str().to_owned();
    let mutation = sync
        .with_core_untracked(|core| {
            let record = core.get(id)?;
            let mut update = UpdateRecord {
                id,
                set: Default::default(),
                was: Default::default(),
                seen: record.version,
                custom: Default::default(),
            };
            if def.system {
                let stored = record.body.text(&key).into_owned();
                if stored.trim() == text.trim() {
                    return Some(Ok(None));
                }
                update.set.insert(key.clone(), text.clone());
                update.was.insert(key.clone(), stored);
            } else {
                let value = match Value::parse(&def.field_type, &text) {
                    Ok(value) => value,
                    Err(problem) => return Some(Err(problem_text(&problem, locale))),
                };
                let json = value.to_json();
                let before = record.custom.get(&key);
                if before.unwrap_or(&serde_json::Value::Null) == &json {
                    return Some(Ok(None));
                }
                update
                    .was
                    .insert(key.clone(), shared::sync::crm::custom_text(before));
                update.custom.insert(key.clone(), json);
            }
            Some(Ok(Some(Mutation::UpdateRecord(update))))
        })
        .flatten();
    let mutation = match mutation {
        None => return,
        Some(Err(message)) => return fail(message),
        Some(Ok(None)) => return then(),
        Some(Ok(Some(m))) => m,
    };
    spawn_local(async move {
        match sync.mutate(mutation).await {
            Ok(()) => then(),
            Err(MutateError::Rejected(Rejection::Invalid { errors })) => fail(
                errors
                    .iter()
                    .map(|e| problem_text(&e.problem, locale))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Err(MutateError::Rejected(reason)) => {
                fail(rejection_text(&reason).get(locale).to_owned())
            }
            Err(MutateError::NotReady) => fail(Text::SyncNotReady.get(locale).to_owned()),
        }
    });
}

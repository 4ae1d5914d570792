//! Long lists that stay smooth at 100,000 rows: only the rows on or near the screen are in the
//! page. Every row has the same height ([`ROW_PX`], kept equal to `.records.virtual li` in the
//! style sheet); the list is as tall as all its rows would be, so the page scrolls as usual, and
//! the rows shown are those the window's scroll position reaches.

use std::collections::HashSet;
use std::ops::Range;

use leptos::ev;
use leptos::html::Ul;
use leptos::prelude::*;
use shared::RecordId;
use shared::rows::visible;

/// Height of one row, in CSS pixels.
pub const ROW_PX: f64 = 72.0;
/// Height of one row of a list shown as a table (a desk), in CSS pixels (`.table` rows in the
/// style sheet).
pub const TABLE_ROW_PX: f64 = 44.0;

/// One row of a record list: a link to the record, its title and a line or two under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListRow {
    pub id: RecordId,
    pub href: String,
    pub title: String,
    /// Lines under the title; the second is small print.
    pub lines: Vec<String>,
    /// The row's cells when the list is a table (a desk): one per column after the name.
    pub cells: Vec<String>,
}

/// A list of `count` records of which only those near the screen are in the page; `rows` gives
/// the rows of a range of positions (called again when the range or what it reads changes).
/// With `selected` (while it is `Some`), every row has a box to tick it. Each row is
/// `row_px` tall ([`ROW_PX`] unless said); its cells (`data-col` 1…, the name's link 0) follow
/// the name, for a table's columns. While `grid` holds, the rows are a grid's rows for assistive
/// technology (the caller's element around the list is the `grid` and its header row the first):
/// each row says its place among all rows, not only among those in the page.
#[component]
pub fn VirtualList(
    testid: &'static str,
    #[prop(into)] count: Signal<usize>,
    rows: impl Fn(Range<usize>) -> Vec<ListRow> + Send + Sync + 'static,
    #[prop(optional, into)] selected: Option<Signal<Option<RwSignal<HashSet<RecordId>>>>>,
    #[prop(optional, into)] row_px: Option<Signal<f64>>,
    #[prop(optional, into)] grid: Option<Signal<bool>>,
) -> impl IntoView {
    let grid = grid.unwrap_or_else(|| Signal::derive(|| false));
    let role = move |name: &'static str| move || grid.get().then_some(name);
    let list = NodeRef::<Ul>::new();
    let row_px = row_px.unwrap_or_else(|| Signal::derive(|| ROW_PX));
    let window = use_visible_rows(list, count, row_px);
    let shown = Memo::new(move |_| rows(window.get()));
    // A fixed set of row elements, each showing whichever row is at its place now: typing into
    // a search box or scrolling changes their texts, not the elements.
    let slots = Memo::new(move |_| shown.with(Vec::len));
    view! {
        <ul
            class="records virtual"
            role=role("rowgroup")
            data-testid=testid
            node_ref=list
            style=move || list_style(count.get(), &window.get(), row_px.get())
        >
            <For
                each=move || 0..slots.get()
                key=|slot| *slot
                children=move |slot| {
                    let row = Memo::new(move |_| shown.with(|rows| rows.get(slot).cloned()));
                    let text = move |f: fn(&ListRow) -> String| {
                        move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
                    };
                    let line = move |n: usize| {
                        move || {
                            row.with(|r| r.as_ref().and_then(|r| r.lines.get(n).cloned()))
                                .unwrap_or_default()
                        }
                    };
                    let id = move || row.with(|r| r.as_ref().map(|r| r.id));
                    let tick = move || {
                        selected.and_then(|s| s.get()).map(|set| {
                            view! {
                                <span class="cell-box" role=role("gridcell")>
                                <input type="checkbox" class="row-check" data-testid="select-row"
                                    aria-label=text(|r| r.title.clone())
                                    prop:checked=move || id().is_some_and(|id| set.with(|s| s.contains(&id)))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        if let Some(id) = id() {
                                            set.update(|s| {
                                                if on { s.insert(id); } else { s.remove(&id); }
                                            });
                                        }
                                    } />
                                </span>
                            }
                        })
                    };
                    let cells = move || {
                        row.with(|r| {
                            r.as_ref().map(|r| {
                                r.cells.iter().enumerate().map(|(i, cell)| view! {
                                    <span class="cell" role=role("gridcell") tabindex="-1" data-col=i + 1>{cell.clone()}</span>
                                }).collect_view()
                            })
                        })
                    };
                    view! {
                        <li data-id=text(|r| r.id.to_string()) data-pos=move || window.get().start + slot
                            role=role("row")
                            aria-rowindex=move || grid.get().then(|| window.get().start + slot + 2)
                            aria-selected=move || {
                                let set = selected.and_then(|s| s.get())?;
                                grid.get().then(|| id().is_some_and(|id| set.with(|s| s.contains(&id))).to_string())
                            }>
                            {tick}
                            <span class="cell-box" role=role("rowheader")>
                            <a href=text(|r| r.href.clone()) class="record-link" data-col="0">
                                <strong class="record-title">{text(|r| r.title.clone())}</strong>
                                <span class="muted">{line(0)}</span>
                                <Show when=move || row.with(|r| r.as_ref().is_some_and(|r| r.lines.len() > 1))>
                                    <span class="muted small">{line(1)}</span>
                                </Show>
                            </a>
                            </span>
                            {cells}
                        </li>
                    }
                }
            />
        </ul>
    }
}

/// The rows of `list` (a `<ul>` of `count` rows) to render now; follows scrolling, resizing and
/// changes of `count`. Style the list with [`list_style`].
fn use_visible_rows(
    list: NodeRef<Ul>,
    count: Signal<usize>,
    row_px: Signal<f64>,
) -> Memo<Range<usize>> {
    // How far the top of the list is above the top of the window, and the window's height.
    let view = RwSignal::new((0.0f64, 1000.0f64));
    let measure = move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let height = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(1000.0);
        let top = list
            .get_untracked()
            .map_or(0.0, |el| el.get_bounding_client_rect().top());
        let next = (-top, height);
        if view.get_untracked() != next {
            view.set(next);
        }
    };
    let scroll = window_event_listener(ev::scroll, move |_| measure());
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });
    // Once the list is in the page, and whenever the content above it may have moved it.
    Effect::new(move |_| {
        let _ = list.get();
        let _ = count.get();
        measure();
    });
    Memo::new(move |_| {
        let (scrolled_past, height) = view.get();
        visible(count.get(), row_px.get(), scrolled_past, height)
    })
}

/// The inline style of a virtual list: as tall as every row, with the rows before `shown` as
/// padding.
fn list_style(count: usize, shown: &Range<usize>, row_px: f64) -> String {
    format!(
        "height:{}px;padding-top:{}px",
        count as f64 * row_px,
        shown.start as f64 * row_px
    )
}

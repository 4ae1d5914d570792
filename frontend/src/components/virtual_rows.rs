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

/// One row of a record list: a link to the record, its title and a line or two under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListRow {
    pub id: RecordId,
    pub href: String,
    pub title: String,
    /// Lines under the title; the second is small print.
    pub lines: Vec<String>,
}

/// A list of `count` records of which only those near the screen are in the page; `rows` gives
/// the rows of a range of positions (called again when the range or what it reads changes).
/// With `selected` (while it is `Some`), every row has a box to tick it.
#[component]
pub fn VirtualList(
    testid: &'static str,
    #[prop(into)] count: Signal<usize>,
    rows: impl Fn(Range<usize>) -> Vec<ListRow> + Send + Sync + 'static,
    #[prop(optional, into)] selected: Option<Signal<Option<RwSignal<HashSet<RecordId>>>>>,
) -> impl IntoView {
    let list = NodeRef::<Ul>::new();
    let window = use_visible_rows(list, count);
    let shown = Memo::new(move |_| rows(window.get()));
    view! {
        <ul
            class="records virtual"
            data-testid=testid
            node_ref=list
            style=move || list_style(count.get(), &window.get())
        >
            <For
                each=move || shown.get()
                key=|row| row.clone()
                children=move |row| {
                    let lines = row
                        .lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, line)| {
                            let class = if i == 0 { "muted" } else { "muted small" };
                            view! { <span class=class>{line}</span> }
                        })
                        .collect_view();
                    let id = row.id;
                    let title = row.title.clone();
                    let tick = move || {
                        selected.and_then(|s| s.get()).map(|set| {
                            let title = title.clone();
                            view! {
                                <input type="checkbox" class="row-check" data-testid="select-row"
                                    aria-label=title
                                    prop:checked=move || set.with(|s| s.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        set.update(|s| {
                                            if on { s.insert(id); } else { s.remove(&id); }
                                        });
                                    } />
                            }
                        })
                    };
                    view! {
                        <li data-id=row.id.to_string()>
                            {tick}
                            <a href=row.href class="record-link">
                                <strong class="record-title">{row.title}</strong>
                                {lines}
                            </a>
                        </li>
                    }
                }
            />
        </ul>
    }
}

/// The rows of `list` (a `<ul>` of `count` rows) to render now; follows scrolling, resizing and
/// changes of `count`. Style the list with [`list_style`].
fn use_visible_rows(list: NodeRef<Ul>, count: Signal<usize>) -> Memo<Range<usize>> {
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
        visible(count.get(), ROW_PX, scrolled_past, height)
    })
}

/// The inline style of a virtual list: as tall as every row, with the rows before `shown` as
/// padding.
fn list_style(count: usize, shown: &Range<usize>) -> String {
    format!(
        "height:{}px;padding-top:{}px",
        count as f64 * ROW_PX,
        shown.start as f64 * ROW_PX
    )
}

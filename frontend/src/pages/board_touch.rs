//! Moving cards on a board (deals on the pipeline, a custom object's records by a choice)
//! with a finger. A long press lifts a card (a short
//! buzz where the phone can); while it is lifted the board does not scroll under the finger,
//! the column under the finger is marked, and the board scrolls on while the finger rests near
//! its edge; letting go over a column moves the deal there, as a mouse drop does. A finger that
//! moves before the press is long enough scrolls the board as usual.
//!
//! The listeners sit on the board (one set for every card), `touchmove` not passive, so that a
//! lifted card can keep the page still.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use shared::RecordId;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{AddEventListenerOptions, Element, HtmlElement, TouchEvent};

/// How long a finger rests on a card before it lifts.
const LIFT_AFTER: Duration = Duration::from_millis(350);
/// How far a finger may wander before the press counts as a scroll instead, px.
const SLOP: f64 = 10.0;
/// Within this distance of the board's edge a lifted card scrolls the board, px.
const EDGE: f64 = 40.0;
/// How far the board scrolls each tick while a lifted card rests near its edge.
const SCROLL_STEP: f64 = 14.0;
const SCROLL_TICK: Duration = Duration::from_millis(30);

/// What one finger is doing.
#[derive(Default)]
struct Press {
    card: Option<RecordId>,
    start: (f64, f64),
    last: (f64, f64),
    lifted: bool,
    timer: Option<TimeoutHandle>,
    /// Scrolls the board while the lifted card is near one of its edges.
    scroller: Option<IntervalHandle>,
}

impl Press {
    fn clear(&mut self) {
        if let Some(timer) = self.timer.take() {
            timer.clear();
        }
        if let Some(scroller) = self.scroller.take() {
            scroller.clear();
        }
        *self = Press::default();
    }
}

/// The signals the board shows the drag with, and what a drop does.
#[derive(Clone, Copy)]
pub struct TouchDrag {
    /// The card being carried.
    pub lifted: RwSignal<Option<RecordId>>,
    /// The column under the finger.
    pub over: RwSignal<Option<String>>,
}

impl TouchDrag {
    pub fn new() -> Self {
        TouchDrag {
            lifted: RwSignal::new(None),
            over: RwSignal::new(None),
        }
    }

    /// Listen on `board` for as long as the page lives; `on_drop(card, stage)` moves a deal.
    pub fn attach(self, board: &HtmlElement, on_drop: impl Fn(RecordId, String) + 'static) {
        let press = Rc::new(RefCell::new(Press::default()));
        let on_drop = Rc::new(on_drop);
        let (lifted, over) = (self.lifted, self.over);

        let start = {
            let press = press.clone();
            let board = board.clone();
            Closure::<dyn Fn(TouchEvent)>::new(move |ev: TouchEvent| {
                press.borrow_mut().clear();
                let Some((x, y)) = finger(&ev) else {
                    return;
                };
                if ev.touches().length() != 1 {
                    return;
                }
                let Some(card) = card_of(&ev) else {
                    return;
                };
                let timer = {
                    let press = press.clone();
                    let board = board.clone();
                    set_timeout_with_handle(
                        move || {
                            let mut p = press.borrow_mut();
                            if p.card == Some(card) && !p.lifted {
                                p.lifted = true;
                                p.timer = None;
                                p.scroller = scroll_at_edges(&press, &board, over);
                                lifted.set(Some(card));
                                if let Some(w) = web_sys::window() {
                                    let _ = w.navigator().vibrate_with_duration(15);
                                }
                            }
                        },
                        LIFT_AFTER,
                    )
                    .ok()
                };
                *press.borrow_mut() = Press {
                    card: Some(card),
                    start: (x, y),
                    last: (x, y),
                    lifted: false,
                    timer,
                    scroller: None,
                };
            })
        };

        let moved = {
            let press = press.clone();
            let board = board.clone();
            Closure::<dyn Fn(TouchEvent)>::new(move |ev: TouchEvent| {
                let Some((x, y)) = finger(&ev) else {
                    return;
                };
                let mut p = press.borrow_mut();
                if p.card.is_none() {
                    return;
                }
                if !p.lifted {
                    let (sx, sy) = p.start;
                    if (x - sx).hypot(y - sy) > SLOP {
                        // A scroll, not a press.
                        p.clear();
                    }
                    return;
                }
                ev.prevent_default();
                p.last = (x, y);
                over.set(stage_at(&board, x));
            })
        };

        let end = {
            let press = press.clone();
            let board = board.clone();
            Closure::<dyn Fn(TouchEvent)>::new(move |ev: TouchEvent| {
                let (card, was_lifted, (x, _)) = {
                    let p = press.borrow();
                    (p.card, p.lifted, p.last)
                };
                press.borrow_mut().clear();
                lifted.set(None);
                over.set(None);
                if !was_lifted || ev.type_() != "touchend" {
                    return;
                }
                // The finger let go of a lifted card: no click on what is under it.
                ev.prevent_default();
                if let (Some(card), Some(stage)) = (card, stage_at(&board, x)) {
                    on_drop(card, stage);
                }
            })
        };

        // A long press would open the phone's menu for the card's link.
        let menu = {
            let press = press.clone();
            Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
                if press.borrow().card.is_some() {
                    ev.prevent_default();
                }
            })
        };

        let active = AddEventListenerOptions::new();
        active.set_passive(false);
        let target: &web_sys::EventTarget = board;
        let _ =
            target.add_event_listener_with_callback("touchstart", start.as_ref().unchecked_ref());
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
            "touchmove",
            moved.as_ref().unchecked_ref(),
            &active,
        );
        for name in ["touchend", "touchcancel"] {
            let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
                name,
                end.as_ref().unchecked_ref(),
                &active,
            );
        }
        let _ =
            target.add_event_listener_with_callback("contextmenu", menu.as_ref().unchecked_ref());
        // The board element goes when the page does; so do its listeners.
        start.forget();
        moved.forget();
        end.forget();
        menu.forget();
    }
}

/// While a card is lifted: every tick, scroll the board if the finger rests near one of its
/// edges, and mark the column now under the finger.
fn scroll_at_edges(
    press: &Rc<RefCell<Press>>,
    board: &HtmlElement,
    over: RwSignal<Option<String>>,
) -> Option<IntervalHandle> {
    // The interval holds the press weakly: a press cleared (its handle dropped) ends it.
    let press = Rc::downgrade(press);
    let board = board.clone();
    set_interval_with_handle(
        move || {
            let Some(press) = press.upgrade() else {
                return;
            };
            let Ok(p) = press.try_borrow() else {
                return;
            };
            if !p.lifted {
                return;
            }
            let (x, _) = p.last;
            let rect = board.get_bounding_client_rect();
            let step = if x < rect.left() + EDGE {
                -SCROLL_STEP
            } else if x > rect.right() - EDGE {
                SCROLL_STEP
            } else {
                return;
            };
            board.scroll_by_with_x_and_y(step, 0.0);
            over.set(stage_at(&board, x));
        },
        SCROLL_TICK,
    )
    .ok()
}

/// Where the first finger is (the one that has just lifted, for `touchend`).
fn finger(ev: &TouchEvent) -> Option<(f64, f64)> {
    let touch = ev
        .touches()
        .get(0)
        .or_else(|| ev.changed_touches().get(0))?;
    Some((f64::from(touch.client_x()), f64::from(touch.client_y())))
}

/// The deal card a touch began on (not its stage menu, which takes touches itself).
fn card_of(ev: &TouchEvent) -> Option<RecordId> {
    let target: Element = ev.target()?.dyn_into().ok()?;
    if target.closest("select").ok().flatten().is_some() {
        return None;
    }
    let card = target.closest(".board-card").ok().flatten()?;
    card.get_attribute("data-id")?.parse().ok()
}

/// The stage of the board's column at `x` on the screen (the nearest visible one when the
/// finger is past the board's edge or between two columns).
fn stage_at(board: &HtmlElement, x: f64) -> Option<String> {
    let edge = board.get_bounding_client_rect();
    let x = x.clamp(
        edge.left() + 1.0,
        (edge.right() - 1.0).max(edge.left() + 1.0),
    );
    let columns = board.query_selector_all("[data-stage]").ok()?;
    let mut nearest: Option<(f64, Element)> = None;
    for i in 0..columns.length() {
        let Some(column) = columns.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let r = column.get_bounding_client_rect();
        let distance = if x < r.left() {
            r.left() - x
        } else if x > r.right() {
            x - r.right()
        } else {
            0.0
        };
        if nearest.as_ref().is_none_or(|(d, _)| distance < *d) {
            nearest = Some((distance, column));
        }
    }
    nearest.and_then(|(_, column)| column.get_attribute("data-stage"))
}

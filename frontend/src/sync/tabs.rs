//! Tabs of one browser profile share one local copy. One tab, the leader, holds a Web Lock and
//! is the only one that talks to the server; every tab hears what changed over a
//! `BroadcastChannel`: mutations made in any tab, and each pull page the leader saved. When the
//! leader's tab closes, the browser hands the lock to another tab, which takes over.
//!
//! Browsers without Web Locks (or pages served over plain http from another host, where the API
//! is hidden) fall back to every tab syncing on its own, which the server's exactly-once rules
//! make safe, only busier.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use shared::sync::MutationEnvelope;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// What one tab tells the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// A change made in the sending tab, already in the outbox.
    Mutation { envelope: MutationEnvelope },
    /// How the leader's last exchange with the server went.
    Status { online: bool },
    /// A follower wants the leader to sync now (it came to the front, the network came back).
    SyncNow,
}

/// What a tab hears from another.
#[derive(Debug, Clone, PartialEq)]
pub enum Heard {
    Message(Message),
    /// A pull page the leader has saved, as the server sent it (read a slice at a time).
    Page(String),
}

/// The channel to the profile's other tabs for one user.
pub struct Channel {
    inner: Option<web_sys::BroadcastChannel>,
    /// Keeps the message handler alive as long as the channel.
    _on_message: Option<Closure<dyn Fn(web_sys::MessageEvent)>>,
}

impl Channel {
    /// Listen on the channel of `user`'s tabs.
    pub fn open(user: &str, on_message: impl Fn(Heard) + 'static) -> Self {
        let Ok(inner) = web_sys::BroadcastChannel::new(&format!("qiao-sync-{user}")) else {
            return Channel {
                inner: None,
                _on_message: None,
            };
        };
        let handler =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                // A pull page comes as the bytes of its text, as the server sent it (a page is
                // large: copied as bytes, it is neither serialized again nor parsed in one go).
                let data = event.data();
                if let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() {
                    match String::from_utf8(bytes.to_vec()) {
                        Ok(text) => on_message(Heard::Page(text)),
                        Err(e) => web_sys::console::warn_1(&format!("tab page: {e}").into()),
                    }
                    return;
                }
                let Some(text) = data.as_string() else {
                    return;
                };
                match serde_json::from_str::<Message>(&text) {
                    Ok(message) => on_message(Heard::Message(message)),
                    Err(e) => web_sys::console::warn_1(&format!("tab message: {e}").into()),
                }
            });
        inner.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        Channel {
            inner: Some(inner),
            _on_message: Some(handler),
        }
    }

    /// Tell the other tabs (never this one).
    pub fn send(&self, message: &Message) {
        let Some(inner) = &self.inner else {
            return;
        };
        if let Ok(text) = serde_json::to_string(message) {
            let _ = inner.post_message(&JsValue::from_str(&text));
        }
    }

    /// Tell the other tabs about a saved pull page: its text as the server sent it, as bytes.
    pub fn send_page(&self, text: &str) {
        if let Some(inner) = &self.inner {
            let _ = inner.post_message(&js_sys::Uint8Array::from(text.as_bytes()));
        }
    }

    pub fn close(&self) {
        if let Some(inner) = &self.inner {
            inner.set_onmessage(None);
            inner.close();
        }
    }
}

/// A request for the sync lock of one user, held until [`Leadership::release`].
#[derive(Default)]
pub struct Leadership {
    /// Resolves the promise the lock waits on; set once the lock is granted.
    release: Rc<RefCell<Option<js_sys::Function>>>,
    /// Released before the lock was granted: give it back at once when it comes.
    abandoned: Rc<Cell<bool>>,
}

impl Leadership {
    /// Ask for the lock; `granted` runs when this tab gets it (at once when no other tab holds
    /// it). `None` when the browser has no Web Locks: the caller leads on its own.
    pub fn request(user: &str, granted: impl FnOnce() + 'static) -> Option<Self> {
        let navigator = web_sys::window()?.navigator();
        let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks"))
            .ok()
            .filter(|l| l.is_object())?;
        let request: js_sys::Function = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
            .ok()?
            .dyn_into()
            .ok()?;
        let leadership = Leadership::default();
        let release = Rc::clone(&leadership.release);
        let abandoned = Rc::clone(&leadership.abandoned);
        let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
            let mut resolver = None;
            let held = js_sys::Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
            if abandoned.get() {
                if let Some(resolve) = resolver {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            } else {
                *release.borrow_mut() = resolver;
                granted();
            }
            held
        });
        let name = JsValue::from_str(&format!("qiao-sync-{user}"));
        request.call2(&locks, &name, &callback).ok()?;
        Some(leadership)
    }

    /// Give the lock back (or never take it, if it was not granted yet).
    pub fn release(&self) {
        self.abandoned.set(true);
        if let Some(resolve) = self.release.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}

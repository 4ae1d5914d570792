//! Charts: ECharts (the parts of the npm package the app uses, bundled by the build and served by
//! our own server as `/echarts.min.js`), given their options as JSON ([`Chart`]: the few kinds
//! the app draws). The script is loaded on the first screen that shows a chart, not up front, so
//! pages without charts stay light; a chart is drawn when it comes near the screen, so a phone
//! does not draw the ones below it at once.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const SCRIPT_URL: &str = "/echarts.min.js";

#[wasm_bindgen]
extern "C" {
    /// One chart on the page (an ECharts instance).
    type Echarts;

    #[wasm_bindgen(js_namespace = echarts, js_name = init)]
    fn init_chart(element: &web_sys::HtmlElement) -> Echarts;

    #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
    fn dispose_chart(chart: &Echarts);

    #[wasm_bindgen(method, js_name = setOption)]
    fn set_option(this: &Echarts, option: &JsValue, not_merge: bool);

    #[wasm_bindgen(method)]
    fn resize(this: &Echarts);
}

/// What one chart shows: an ECharts option
/// (<https://echarts.apache.org/en/option.html>), made by one of the constructors.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart(Value);

impl Chart {
    /// A funnel of `(value, name)` in the given order, largest at the top.
    pub fn funnel(items: impl IntoIterator<Item = (f64, String)>) -> Self {
        Chart(json!({
            "tooltip": {"trigger": "item"},
            "series": [{
                "type": "funnel",
                "sort": "none",
                "left": "10%",
                "width": "80%",
                "minSize": "20%",
                "data": named_values(items),
            }],
        }))
    }

    /// A ring (a pie with a hole) of `(value, name)`, with a legend below.
    pub fn ring(items: impl IntoIterator<Item = (f64, String)>) -> Self {
        Chart(json!({
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0},
            "series": [{"type": "pie", "radius": ["35%", "65%"], "data": named_values(items)}],
        }))
    }

    /// Upright bars: one series per `(name, values)`, one group per category along the
    /// bottom, with a legend below.
    pub fn columns(categories: Vec<String>, series: Vec<(String, Vec<f64>)>) -> Self {
        let series: Vec<Value> = series
            .into_iter()
            .map(|(name, data)| json!({"type": "bar", "name": name, "data": data}))
            .collect();
        Chart(json!({
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"left": 8, "right": 16, "top": 16, "bottom": 32, "containLabel": true},
            "xAxis": {"type": "category", "data": categories},
            "yAxis": {"type": "value"},
            "series": series,
        }))
    }

    /// Lying bars, one per category (listed bottom up), named `name`; `whole` for counts.
    pub fn bars(categories: Vec<String>, name: &str, values: Vec<f64>, whole: bool) -> Self {
        let mut axis = json!({"type": "value"});
        if whole {
            axis["minInterval"] = json!(1.0);
        }
        Chart(json!({
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 8, "right": 24, "top": 8, "bottom": 24, "containLabel": true},
            "xAxis": axis,
            "yAxis": {"type": "category", "data": categories},
            "series": [{"type": "bar", "name": name, "barWidth": "60%", "data": values}],
        }))
    }

    fn to_js(&self) -> JsValue {
        js_sys::JSON::parse(&self.0.to_string()).unwrap_or(JsValue::NULL)
    }
}

fn named_values(items: impl IntoIterator<Item = (f64, String)>) -> Vec<Value> {
    items
        .into_iter()
        .map(|(value, name)| json!({"value": value, "name": name}))
        .collect()
}

thread_local! {
    static LOADING: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

fn echarts_present() -> bool {
    js_sys::Reflect::has(&window(), &JsValue::from_str("echarts")).unwrap_or(false)
}

/// Load ECharts once; later calls wait for the same load.
pub async fn ensure_echarts() -> Result<(), JsValue> {
    if echarts_present() {
        return Ok(());
    }
    let promise = LOADING.with(|loading| {
        loading
            .borrow_mut()
            .get_or_insert_with(|| {
                js_sys::Promise::new(&mut |resolve, reject| {
                    let Ok(element) = document().create_element("script") else {
                        let _ = reject.call0(&JsValue::NULL);
                        return;
                    };
                    let script: web_sys::HtmlScriptElement = element.unchecked_into();
                    // An ES module (see scripts/post-build.mjs); it sets `window.echarts`.
                    script.set_type("module");
                    script.set_src(SCRIPT_URL);
                    script.set_onload(Some(resolve.unchecked_ref()));
                    script.set_onerror(Some(reject.unchecked_ref()));
                    if let Some(head) = document().head() {
                        let _ = head.append_child(&script);
                    }
                })
            })
            .clone()
    });
    let result = JsFuture::from(promise).await.map(drop);
    if result.is_err() {
        // Let a later screen try again (e.g. after the network came back).
        LOADING.with(|loading| loading.borrow_mut().take());
    }
    result
}

/// Whether `element` has come within [`NEAR_PX`] of the screen (it stays true from then on).
fn near_screen(element: NodeRef<leptos::html::Div>) -> ReadSignal<bool> {
    let (near, set_near) = signal(false);
    let observer = StoredValue::new_local(None::<web_sys::IntersectionObserver>);
    let on_change = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let seen = entries.iter().any(|entry| {
            entry
                .dyn_into::<web_sys::IntersectionObserverEntry>()
                .is_ok_and(|e| e.is_intersecting())
        });
        if seen {
            set_near.set(true);
            observer.with_value(|o| {
                if let Some(o) = o {
                    o.disconnect();
                }
            });
        }
    });
    Effect::new(move |_| {
        let Some(div) = element.get() else { return };
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(&format!("{NEAR_PX}px"));
        match web_sys::IntersectionObserver::new_with_options(
            on_change.as_ref().unchecked_ref(),
            &options,
        ) {
            Ok(o) => {
                o.observe(&div);
                observer.set_value(Some(o));
            }
            // No observer in this browser: draw at once.
            Err(_) => set_near.set(true),
        }
    });
    on_cleanup(move || {
        observer.update_value(|o| {
            if let Some(o) = o.take() {
                o.disconnect();
            }
        });
    });
    near
}

/// How near the screen (in CSS pixels) a chart is drawn, so that it is there when scrolled to.
const NEAR_PX: u32 = 100;

/// A chart drawn into a div. Redrawn whenever `chart` changes; resized with the window. Drawn
/// once the device has its records and the chart is near the screen: not during a first
/// download (a partial picture, and ECharts starting up in the middle of it), which it shows
/// as loading.
#[component]
pub fn EChart(
    /// Unique element id on the page.
    id: &'static str,
    #[prop(into)] chart: Signal<Option<Chart>>,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: Signal<String>,
    #[prop(into)] failed_text: Signal<String>,
) -> impl IntoView {
    let instance = StoredValue::new_local(None::<Echarts>);
    let failed = RwSignal::new(false);
    let holder = NodeRef::<leptos::html::Div>::new();
    let near = near_screen(holder);
    let sync = crate::sync::use_sync();
    let settled = Memo::new(move |_| sync.settled());

    Effect::new(move |_| {
        if !settled.get() || !near.get() {
            return;
        }
        let Some(chart) = chart.get() else { return };
        spawn_local(async move {
            if ensure_echarts().await.is_err() {
                failed.try_set(true);
                return;
            }
            // Each chart in a task of its own: several charts waiting for the script do not
            // all draw in the one task that follows its loading.
            crate::sync::pause(0).await;
            failed.try_set(false);
            // Starting a chart (its canvas) and drawing it are two tasks, so that neither holds
            // the page still for long on a slow phone. (ECharts' `lazyUpdate` is no help: the
            // charts' drawings would then all fall into one animation frame.)
            // (The screen may have gone meanwhile: then nothing is drawn.)
            if instance.try_with_value(Option::is_none) == Some(true) {
                let Some(div) = holder.try_get_untracked().flatten() else {
                    failed.try_set(true);
                    return;
                };
                if let Some(Some(orphan)) = instance.try_set_value(Some(init_chart(&div))) {
                    dispose_chart(&orphan);
                    return;
                }
                crate::sync::pause(0).await;
            }
            let option = chart.to_js();
            instance.try_with_value(|i| {
                if let Some(echarts) = i {
                    echarts.set_option(&option, true);
                }
            });
        });
    });

    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        instance.with_value(|i| {
            if let Some(echarts) = i {
                echarts.resize();
            }
        });
    });
    on_cleanup(move || {
        on_resize.remove();
        instance.update_value(|i| {
            if let Some(echarts) = i.take() {
                dispose_chart(&echarts);
            }
        });
    });

    view! {
        <Show when=move || !settled.get()><crate::components::Loading /></Show>
        <div class="chart" id=id role="img" aria-label=move || label.get() node_ref=holder></div>
        <Show when=move || failed.get()>
            <p class="banner error">{move || failed_text.get()}</p>
        </Show>
    }
}

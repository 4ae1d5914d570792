//! Charts: ECharts (the npm package, served by our own server as `/echarts.min.js`) drawn by
//! `charming`. The script is loaded on the first screen that shows a chart, not up front, so
//! pages without charts stay light.

use std::cell::RefCell;

use charming::{Chart, Echarts, WasmRenderer};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const SCRIPT_URL: &str = "/echarts.min.js";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
    fn dispose_chart(chart: &Echarts);
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

/// A chart drawn into a div. Redrawn whenever `chart` changes; resized with the window.
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

    Effect::new(move |_| {
        let Some(chart) = chart.get() else { return };
        spawn_local(async move {
            if ensure_echarts().await.is_err() {
                failed.set(true);
                return;
            }
            failed.set(false);
            let existing = instance.with_value(|i| {
                i.as_ref().map(|e| {
                    AsRef::<JsValue>::as_ref(e)
                        .clone()
                        .unchecked_into::<Echarts>()
                })
            });
            match existing {
                Some(echarts) => WasmRenderer::update(&echarts, &chart),
                None => match WasmRenderer::new_opt(None, None).render(id, &chart) {
                    Ok(echarts) => instance.set_value(Some(echarts)),
                    Err(e) => {
                        web_sys::console::error_1(&format!("chart {id}: {e:?}").into());
                        failed.set(true);
                    }
                },
            }
        });
    });

    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        instance.with_value(|i| {
            if let Some(echarts) = i {
                echarts.resize(JsValue::UNDEFINED);
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
        <div class="chart" id=id role="img" aria-label=move || label.get()></div>
        <Show when=move || failed.get()>
            <p class="banner error">{move || failed_text.get()}</p>
        </Show>
    }
}

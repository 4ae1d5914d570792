//! Where the device is, when it can say and the person allows it (a visit records where it
//! happened). Asking never blocks a form: no answer within the timeout is no location.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// How long to wait for a position, in milliseconds.
const TIMEOUT_MS: u32 = 10_000;

/// A position: latitude and longitude in degrees, accuracy in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spot {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy: f64,
}

impl Spot {
    /// As a visit's location field holds it: `31.23042, 121.47370 (±15 m)`.
    pub fn text(&self) -> String {
        format!(
            "{:.5}, {:.5} (±{} m)",
            self.latitude,
            self.longitude,
            self.accuracy.round() as i64
        )
    }
}

/// The device's position, or `None` (no geolocation, refused, no fix in time).
pub async fn here() -> Option<Spot> {
    let geolocation = web_sys::window()?.navigator().geolocation().ok()?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_timeout(TIMEOUT_MS);
        options.set_maximum_age(60_000);
        if geolocation
            .get_current_position_with_error_callback_and_options(&resolve, Some(&reject), &options)
            .is_err()
        {
            let _ = reject.call0(&JsValue::NULL);
        }
    });
    let position = JsFuture::from(promise).await.ok()?;
    let coords = js_sys::Reflect::get(&position, &JsValue::from_str("coords")).ok()?;
    let number = |name: &str| {
        js_sys::Reflect::get(&coords, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
            .filter(|n| n.is_finite())
    };
    Some(Spot {
        latitude: number("latitude")?,
        longitude: number("longitude")?,
        accuracy: number("accuracy").unwrap_or(0.0),
    })
}

//! Named moments of start-up in the browser's performance timeline (`performance.mark`), so
//! that the developer tools and the benchmarks can tell where the time goes.

/// Mark `name` (prefixed `qiao:`) at the current time, replacing its earlier mark (so that
/// marks made on every change do not pile up).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let name = format!("qiao:{name}");
        performance.clear_marks_with_mark_name(&name);
        let _ = performance.mark(&name);
    }
}

//! The signed-in frame: navigation (sidebar or tab bar), the user menu, the language switch.

use crate::Result;
use crate::browser::{Browser, Viewport};

/// The navigation that is on screen for this viewport.
fn nav(b: &Browser) -> &'static str {
    match b.viewport {
        Viewport::Desktop => ".sidebar",
        Viewport::Phone => ".tabbar",
    }
}

pub async fn go_home(b: &Browser) -> Result {
    b.click(&format!("{} [data-testid=nav-home]", nav(b))).await
}

/// On a phone, open "more" in the tab bar when `destination` is not on the bar itself.
pub async fn reveal(b: &Browser, destination: &str) -> Result {
    let css = format!("{} [data-testid={destination}]", nav(b));
    if b.viewport == Viewport::Phone && !b.is_visible(&css).await {
        b.click(".tabbar [data-testid=nav-more]").await?;
    }
    Ok(())
}

pub async fn go_settings(b: &Browser) -> Result {
    reveal(b, "nav-settings").await?;
    b.click(&format!("{} [data-testid=nav-settings]", nav(b)))
        .await
}

pub async fn has_settings_link(b: &Browser) -> bool {
    if reveal(b, "nav-settings").await.is_err() {
        return false;
    }
    let shown = b
        .is_visible(&format!("{} [data-testid=nav-settings]", nav(b)))
        .await;
    // Put "more" away again.
    if b.viewport == Viewport::Phone && b.is_visible("[data-testid=more-sheet]").await {
        let _ = b.click(".tabbar [data-testid=nav-more]").await;
    }
    shown
}

/// The text of the home link in the visible navigation (changes with the language).
pub async fn home_label(b: &Browser) -> Result<String> {
    b.find(&format!("{} [data-testid=nav-home]", nav(b)))
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())
}

async fn open_menu(b: &Browser) -> Result {
    if !b.is_visible("[data-testid=user-menu-panel]").await {
        b.click("[data-testid=user-menu]").await?;
    }
    b.find("[data-testid=user-menu-panel]").await.map(drop)
}

pub async fn sign_out(b: &Browser) -> Result {
    open_menu(b).await?;
    b.click("[data-testid=user-menu-panel] [data-testid=sign-out]")
        .await
}

/// Turn system notifications on from the user menu (the browser's prompt answered "allow").
pub async fn enable_notifications(b: &Browser) -> Result {
    b.notifications_undecided().await?;
    open_menu(b).await?;
    b.find("[data-testid=enable-notifications]").await?;
    b.allow_notifications().await?;
    b.click("[data-testid=enable-notifications]").await?;
    b.find("[data-testid=notifications-on]").await?;
    b.click(".menu-backdrop").await
}

/// The titles of the notifications the app is showing (through its service worker).
pub async fn notifications(b: &Browser) -> Result<Vec<String>> {
    let titles = b
        .run(
            "return navigator.serviceWorker.ready
                .then(r => r.getNotifications())
                .then(list => list.map(n => n.title));",
        )
        .await?;
    Ok(titles
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

pub async fn switch_language(b: &Browser) -> Result {
    open_menu(b).await?;
    b.click("[data-testid=user-menu-panel] [data-testid=switch-language]")
        .await
}

/// `<html lang>`: `zh-CN` or `en`.
pub async fn language(b: &Browser) -> Result<String> {
    let lang = b.run("return document.documentElement.lang").await?;
    Ok(lang.as_str().unwrap_or_default().to_owned())
}

/// Controls on screen smaller than a fingertip (44 px), described (a checkbox counts as its
/// label, which takes the tap).
pub async fn small_touch_targets(b: &Browser) -> Result<Vec<String>> {
    let found = b
        .run(
            "return [...document.querySelectorAll('button, a, input, select')]
                .filter(e => e.offsetParent !== null && !e.classList.contains('skip-link'))
                .map(e => [e, (e.type === 'checkbox' && e.closest('label') || e).getBoundingClientRect()])
                .filter(([e, r]) => r.height < 44)
                .map(([e, r]) => e.outerHTML.slice(0, 80) + ' h=' + r.height)",
        )
        .await?;
    Ok(found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

/// On a phone: nothing too small to tap, nothing wider than the screen (a no-op elsewhere).
pub async fn check_phone_layout(b: &Browser) -> Result {
    if b.viewport != crate::browser::Viewport::Phone {
        return Ok(());
    }
    let small = small_touch_targets(b).await?;
    if !small.is_empty() {
        return Err(format!(
            "touch targets under 44px at {}: {small:?}",
            b.path().await?
        ));
    }
    if overflows_sideways(b).await? {
        return Err(format!(
            "{} is wider than the phone's screen",
            b.path().await?
        ));
    }
    Ok(())
}

/// Whether the page is wider than the screen (sideways scrolling on a phone).
pub async fn overflows_sideways(b: &Browser) -> Result<bool> {
    let wider = b
        .run("return document.documentElement.scrollWidth > window.innerWidth + 1")
        .await?;
    Ok(wider.as_bool().unwrap_or(true))
}

/// Content-Security-Policy violations the app has seen (it counts them on `<html>`).
pub async fn csp_violations(b: &Browser) -> Result<u64> {
    let count = b
        .run("return Number(document.documentElement.dataset.cspViolations || 0)")
        .await?;
    Ok(count.as_u64().unwrap_or(u64::MAX))
}

//! CRM screens benchmark: a server with the demo company (`--records N` contacts, a fifth as
//! many accounts and deals, a tenth as many leads, N activities), a headless Chromium signed in
//! as the manager (who sees everything) after the first download, then one JSON line per figure,
//! `{"metric": NAME, "records": N, "value": X}`:
//!
//!     cargo run --release -p tests --bin bench-crm -- --records 100000
//!
//! - `open_app_ms`: reload of the synced app until the contact list shows the count;
//! - `search_keystroke_p50_ms`, `search_keystroke_p95_ms`: typing into the contact search, one
//!   character at a time, from the input event until the list has been redrawn (next frame);
//! - `list_rendered_rows`: rows in the DOM of the 100,000-row list (bounded);
//! - `dashboard_ms`: from tapping "home" until the dashboard's charts have their figures.

use std::time::{Duration, Instant};

use serde_json::json;
use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::pages::login;

fn records() -> usize {
    let mut it = std::env::args().skip(1);
    let mut n = 10_000;
    while let Some(flag) = it.next() {
        if flag == "--records" {
            n = it.next().and_then(|v| v.parse().ok()).unwrap_or(n);
        }
    }
    n
}

fn emit(metric: &str, records: usize, value: f64) {
    println!(
        "{}",
        json!({"metric": metric, "records": records, "value": (value * 10.0).round() / 10.0})
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Err(e) = run(records()).await {
        eprintln!("bench-crm failed: {e}");
        std::process::exit(1);
    }
}

async fn run(n: usize) -> Result {
    let dir = std::env::temp_dir().join(format!("qiao-bench-crm-{}", std::process::id()));
    let config = server::Config::new(format!("sqlite://{}/qiao.db", dir.display()), "127.0.0.1:0");
    let running = server::start(config, std::future::pending())
        .await
        .map_err(|e| e.to_string())?;
    server::demo::fill(&running.db, n, "demo-pass-1")
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("bench-crm: demo company written");
    let browser = Browser::start(&running.url(), Viewport::Desktop).await;
    let outcome = measure(&browser, n).await;
    browser.close().await;
    let _ = running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn count_is(b: &Browser, n: usize, patience: Duration) -> Result {
    let started = Instant::now();
    let script = "const el = document.querySelector('[data-testid=contact-count]'); return el ? parseInt(el.textContent, 10) : -1;";
    loop {
        if b.run(script).await.ok().and_then(|v| v.as_i64()) == i64::try_from(n).ok() {
            return Ok(());
        }
        if started.elapsed() > patience {
            return Err(format!("the contact list never counted {n}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn measure(b: &Browser, n: usize) -> Result {
    b.open("/login").await?;
    login::sign_in_as(b, "manager@demo.local", "demo-pass-1").await?;
    eprintln!("bench-crm: signed in; downloading");
    b.open("/contacts").await?;
    count_is(b, n, Duration::from_secs(900)).await?;
    eprintln!("bench-crm: {n} contacts on the device");

    // Opening the app again, with everything on the device.
    let started = Instant::now();
    b.open("/contacts").await?;
    count_is(b, n, Duration::from_secs(120)).await?;
    emit("open_app_ms", n, started.elapsed().as_secs_f64() * 1000.0);

    let rows = b
        .run("return document.querySelectorAll('[data-testid=contacts-list] li').length;")
        .await?;
    emit("list_rendered_rows", n, rows.as_f64().unwrap_or(-1.0));

    // Typing: each keystroke timed in the page, from the input event to the next frame.
    let timings = b
        .run(
            "const input = document.querySelector('[data-testid=contact-search]');
             const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
             const words = ['zhang', 'wangfang', '138', 'lw', '陈', 'huaxin', 'c12@'];
             const times = [];
             return (async () => {
               for (const word of words) {
                 for (let i = 1; i <= word.length; i++) {
                   const t0 = performance.now();
                   input.value = word.slice(0, i);
                   input.dispatchEvent(new Event('input', {bubbles: true}));
                   await frame();
                   times.push(performance.now() - t0);
                 }
                 input.value = '';
                 input.dispatchEvent(new Event('input', {bubbles: true}));
                 await frame();
               }
               return times;
             })();",
        )
        .await?;
    let mut times: Vec<f64> = timings
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).copied().unwrap_or(-1.0)
    };
    emit("search_keystroke_p50_ms", n, pick(0.5));
    emit("search_keystroke_p95_ms", n, pick(0.95));

    // The dashboard, computed from every record on the device.
    let started = Instant::now();
    b.click("[data-testid=nav-home]").await?;
    b.wait_until(
        "(document.querySelector('#chart-week') || {getAttribute: () => ''}).getAttribute('aria-label') !== ''
         && (document.querySelector('#chart-leaders') || {getAttribute: () => ''}).getAttribute('aria-label') !== ''",
        "the dashboard",
    )
    .await?;
    emit("dashboard_ms", n, started.elapsed().as_secs_f64() * 1000.0);
    Ok(())
}

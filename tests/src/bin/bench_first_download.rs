//! The first download on a phone: a server with the demo company (`--records N` contacts, 2,000
//! by default, and as `qiao-server demo` makes them: a fifth as many accounts and deals, a
//! tenth as many leads, N activities), a fresh headless Chromium at 360×780 that signs in as the
//! manager (who sees everything) and stays on the home screen while the device downloads the
//! company for the first time. Then one JSON line per figure,
//! `{"metric": NAME, "records": N, "run": R, "cpu_slowdown": S, "value": X}`:
//!
//!     cargo run --release -p tests --bin bench-first-download -- --records 2000 [--runs 3] [--cpu-slowdown 4] [--custom-fields 20]
//!
//! - `first_download_ms`: from pressing "sign in" until the home dashboard shows the team's
//!   figures (the leaderboard names people) and the download bar is gone;
//! - `download_longest_task_ms`: the longest task on the app page's main thread during the
//!   download itself, from the app asking for the first page (its `qiao:download-start` mark)
//!   until the last page is stored and applied and the screens are told (`qiao:download-end`):
//!   every task that overlaps that window, whole (the browser's `longtask` entries: tasks over
//!   50 ms; 0 when there was none);
//! - `download_long_tasks`: how many tasks over 50 ms overlapped the download;
//! - `longest_task_ms`: the longest task of the app page's whole life until three seconds
//!   after the dashboard is drawn (the app starting, its first screen, the charts after the
//!   download);
//! - `long_tasks`: how many tasks of that whole life took over 50 ms;
//! - `blocking_ms`: the sum of each of those long task's time over 50 ms (Lighthouse's total
//!   blocking time, over the whole page life rather than up to its "interactive").
//!
//! `--cpu-slowdown 4` runs the page's CPU four times slower (Chromium's emulation, as
//! Lighthouse's mobile setting does). The tasks are printed on stderr.

use std::time::{Duration, Instant};

use serde_json::json;
use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::pages::login;

struct Options {
    records: usize,
    runs: usize,
    cpu_slowdown: f64,
    custom_fields: usize,
}

fn options() -> Options {
    let mut options = Options {
        records: 2000,
        runs: 1,
        cpu_slowdown: 1.0,
        custom_fields: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next();
        match flag.as_str() {
            "--records" => {
                options.records = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(options.records)
            }
            "--runs" => options.runs = value.and_then(|v| v.parse().ok()).unwrap_or(options.runs),
            "--custom-fields" => {
                options.custom_fields = value.and_then(|v| v.parse().ok()).unwrap_or(0)
            }
            "--cpu-slowdown" => {
                options.cpu_slowdown = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(options.cpu_slowdown)
            }
            _ => {}
        }
    }
    options
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Err(e) = run(options()).await {
        eprintln!("bench-first-download failed: {e}");
        std::process::exit(1);
    }
}

async fn run(options: Options) -> Result {
    let dir = std::env::temp_dir().join(format!("qiao-bench-first-{}", std::process::id()));
    let config = server::Config::new(format!("sqlite://{}/qiao.db", dir.display()), "127.0.0.1:0");
    let running = server::start(config, std::future::pending())
        .await
        .map_err(|e| e.to_string())?;
    server::demo::fill_with(
        &running.db,
        options.records,
        "demo-pass-1",
        options.custom_fields,
    )
    .await
    .map_err(|e| e.to_string())?;
    eprintln!("bench-first-download: demo company written");
    let mut outcome = Ok(());
    for run in 1..=options.runs {
        // A fresh profile each time: an empty device.
        let browser = Browser::start(&running.url(), Viewport::Phone).await;
        outcome = measure(&browser, &options, run).await;
        browser.close().await;
        if outcome.is_err() {
            break;
        }
    }
    let _ = running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// The download is over: the leaderboard names people and the download bar is gone.
const DOWNLOADED: &str = "
    const leaders = document.querySelector('#chart-leaders');
    const label = leaders ? leaders.getAttribute('aria-label') || '' : '';
    return !document.querySelector('[data-testid=first-sync]') && label.includes('销售');";

/// The first chart of the dashboard has been drawn (those below the screen are drawn when
/// scrolled to).
const CHARTS_DRAWN: &str = "
    const c = document.querySelector('#chart-funnel canvas');
    return !!c && c.width > 0;";

/// The page's long tasks so far, `[start, duration]` (buffered entries, delivered to an
/// observer a moment after it starts), and the download's start and end marks.
const LONG_TASKS: &str = "
    const mark = name => {
      const m = performance.getEntriesByName('qiao:' + name, 'mark');
      return m.length ? m[m.length - 1].startTime : null;
    };
    return new Promise(resolve => {
      const tasks = [];
      const observer = new PerformanceObserver(list => {
        for (const t of list.getEntries()) tasks.push([t.startTime, t.duration]);
      });
      observer.observe({type: 'longtask', buffered: true});
      setTimeout(() => {
        observer.disconnect();
        resolve({tasks, start: mark('download-start'), end: mark('download-end')});
      }, 200);
    });";

async fn wait_for(b: &Browser, script: &str, what: &str, patience: Duration) -> Result {
    let started = Instant::now();
    loop {
        if b.run(script).await.ok().and_then(|v| v.as_bool()) == Some(true) {
            return Ok(());
        }
        if started.elapsed() > patience {
            let page = b
                .run("return document.body.innerText.slice(0, 300);")
                .await
                .unwrap_or_default();
            return Err(format!("{what} never happened; the page: {page}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn measure(b: &Browser, options: &Options, run: usize) -> Result {
    let emit = |metric: &str, value: f64| {
        println!(
            "{}",
            json!({
                "metric": metric,
                "records": options.records,
                "run": run,
                "cpu_slowdown": options.cpu_slowdown,
                "value": (value * 10.0).round() / 10.0,
            })
        );
    };
    b.open("/login").await?;
    if options.cpu_slowdown > 1.0 {
        b.slow_cpu(options.cpu_slowdown).await?;
    }
    let started = Instant::now();
    login::sign_in_as(b, "manager@demo.local", "demo-pass-1").await?;
    wait_for(
        b,
        DOWNLOADED,
        "the first download",
        Duration::from_secs(300),
    )
    .await?;
    emit(
        "first_download_ms",
        started.elapsed().as_secs_f64() * 1000.0,
    );
    wait_for(
        b,
        CHARTS_DRAWN,
        "the first chart drawn",
        Duration::from_secs(60),
    )
    .await?;
    // What the screens do once the records are in (charts, the search index in the
    // background) belongs to the download too.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let seen = b.run(LONG_TASKS).await?;
    let tasks: Vec<(f64, f64)> = seen["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| Some((t[0].as_f64()?, t[1].as_f64()?)))
        .collect();
    eprintln!(
        "bench-first-download: run {run}: download {}–{} ms; long tasks (start ms, duration ms): {}",
        seen["start"],
        seen["end"],
        tasks
            .iter()
            .map(|(at, d)| format!("{at:.0}+{d:.0}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // (A build of the app from before the download was marked has no such figures.)
    if let (Some(start), Some(end)) = (seen["start"].as_f64(), seen["end"].as_f64()) {
        let during: Vec<f64> = tasks
            .iter()
            .filter(|(at, d)| at + d > start && *at < end)
            .map(|t| t.1)
            .collect();
        emit(
            "download_longest_task_ms",
            during.iter().copied().fold(0.0, f64::max),
        );
        emit("download_long_tasks", during.len() as f64);
    }
    let longest = tasks.iter().map(|t| t.1).fold(0.0, f64::max);
    emit("longest_task_ms", longest);
    emit("long_tasks", tasks.len() as f64);
    emit(
        "blocking_ms",
        tasks.iter().map(|t| (t.1 - 50.0).max(0.0)).sum::<f64>() + 0.0,
    );
    Ok(())
}

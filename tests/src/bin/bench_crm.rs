//! CRM screens benchmark: a server with the demo company (`--records N` contacts, a fifth as
//! many accounts and deals, a tenth as many leads, N activities), a headless Chromium signed in
//! as the manager (who sees everything) after the first download, then one JSON line per figure,
//! `{"metric": NAME, "records": N, "value": X}`:
//!
//!     cargo run --release -p tests --bin bench-crm -- --records 100000 [--custom-fields 20]
//!
//! - `open_app_ms`: reload of the synced app until the contact list shows the count;
//! - `open_mark_*_ms`: when opening reached each of the app's `performance.mark`s;
//! - `search_first_keystroke_ms`, `search_keystroke_p50_ms`, `search_keystroke_p95_ms`: typing
//!   into the contact search once the copy is read, one character at a time, from the input
//!   event until the list has been updated and laid out (the work a frame must hold); the first
//!   keystroke finishes the search index if the background has not;
//! - `list_sort_ms`, `list_filter_ms`: the accounts list sorted by a field (size), then
//!   filtered (grade A), from the change until the list has been updated and laid out;
//! - `contacts_sort_ms`, `contacts_filter_ms`: the same on the contacts (by birthday; job title
//!   containing 经理);
//! - `contacts_custom_sort_ms`, `contacts_custom_filter_ms` (with `--custom-fields` of 2 or
//!   more: every contact has the demo's own fields): sorted by an amount (budget), filtered by a
//!   choice (grade A);
//! - `list_rendered_rows`: rows in the DOM of the 100,000-row list (bounded);
//! - `dashboard_ms`: from tapping "home" until the dashboard's charts have their figures;
//! - `dashboard_figures_ms`: the figures alone (`shared::dashboard` over every record).

use std::time::{Duration, Instant};

use serde_json::json;
use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::pages::login;

/// `--records N` (10,000) and `--custom-fields N` (0).
fn args() -> (usize, usize) {
    let mut it = std::env::args().skip(1);
    let (mut n, mut custom) = (10_000, 0);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--records" => n = it.next().and_then(|v| v.parse().ok()).unwrap_or(n),
            "--custom-fields" => custom = it.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            _ => {}
        }
    }
    (n, custom)
}

fn emit(metric: &str, records: usize, value: f64) {
    println!(
        "{}",
        json!({"metric": metric, "records": records, "value": (value * 10.0).round() / 10.0})
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (records, custom) = args();
    if let Err(e) = run(records, custom).await {
        eprintln!("bench-crm failed: {e}");
        std::process::exit(1);
    }
}

async fn run(n: usize, custom: usize) -> Result {
    let dir = std::env::temp_dir().join(format!("qiao-bench-crm-{}", std::process::id()));
    let config = server::Config::new(format!("sqlite://{}/qiao.db", dir.display()), "127.0.0.1:0");
    let running = server::start(config, std::future::pending())
        .await
        .map_err(|e| e.to_string())?;
    server::demo::fill_with(&running.db, n, "demo-pass-1", custom)
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("bench-crm: demo company written");
    let browser = Browser::start(&running.url(), Viewport::Desktop).await;
    let outcome = measure(&browser, n, custom).await;
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
            let page = b
                .run("return document.body.innerText.slice(0, 400);")
                .await
                .unwrap_or_default();
            return Err(format!(
                "the contact list never counted {n}; the page: {page}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Wait until the app has read the whole copy on the device (its `all-loaded` mark).
async fn all_read(b: &Browser) -> Result {
    b.wait_until(
        "performance.getEntriesByName('qiao:all-loaded').length > 0",
        "the whole copy read",
    )
    .await
}

async fn measure(b: &Browser, n: usize, custom: usize) -> Result {
    b.open("/login").await?;
    login::sign_in_with(b, "manager@demo.local", "demo-pass-1").await?;
    eprintln!("bench-crm: signed in; downloading");
    b.open("/contacts").await?;
    count_is(b, n, Duration::from_secs(900)).await?;
    eprintln!("bench-crm: {n} contacts on the device");

    // Opening the app again, with everything on the device.
    let started = Instant::now();
    b.open("/contacts").await?;
    count_is(b, n, Duration::from_secs(120)).await?;
    emit("open_app_ms", n, started.elapsed().as_secs_f64() * 1000.0);
    // The rest of the device's copy is read in the background; then the marks are all there.
    all_read(b).await?;
    // Where opening spent its time: the app's marks, from the start of the page load.
    let marks = b
        .run(
            "return performance.getEntriesByType('mark')
               .filter(m => m.name.startsWith('qiao:'))
               .map(m => [m.name.slice(5), m.startTime]);",
        )
        .await?;
    for mark in marks.as_array().into_iter().flatten() {
        if let (Some(name), Some(at)) = (mark[0].as_str(), mark[1].as_f64()) {
            emit(&format!("open_mark_{}_ms", name.replace('-', "_")), n, at);
        }
    }

    let rows = b
        .run("return document.querySelectorAll('[data-testid=contacts-list] li').length;")
        .await?;
    emit("list_rendered_rows", n, rows.as_f64().unwrap_or(-1.0));

    // Typing: each keystroke timed in the page, from the input event to the next frame.
    let timings = b
        .run(
            "const input = document.querySelector('[data-testid=contact-search]');
             // The app's work for a keystroke (its reactive updates run as microtasks), then
             // style and layout of the changed page; not the wait for the next screen refresh.
             const frame = () => new Promise(r => {
               const c = new MessageChannel();
               c.port1.onmessage = () => { document.body.getBoundingClientRect(); r(); };
               c.port2.postMessage(0);
             });
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
    eprintln!(
        "bench-crm: keystrokes (ms): {}",
        times
            .iter()
            .map(|t| format!("{t:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // The very first keystroke also builds the search index (pinyin of every contact).
    emit(
        "search_first_keystroke_ms",
        n,
        times.first().copied().unwrap_or(-1.0),
    );
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).copied().unwrap_or(-1.0)
    };
    emit("search_keystroke_p50_ms", n, pick(0.5));
    emit("search_keystroke_p95_ms", n, pick(0.95));

    // A sort and a filter on the accounts list (n / 5 accounts), then on the contacts (n).
    let accounts = ListBench {
        path: "/r/accounts",
        count: "record-count",
        records: n / 5,
        sort: "size",
        filter: ("grade", "A"),
    };
    let [sort, filter] = accounts.run(b).await?;
    emit("list_sort_ms", n, sort);
    emit("list_filter_ms", n, filter);
    let contacts = ListBench {
        path: "/contacts",
        count: "contact-count",
        records: n,
        sort: "birthday",
        filter: ("job_title", "经理"),
    };
    let [sort, filter] = contacts.run(b).await?;
    emit("contacts_sort_ms", n, sort);
    emit("contacts_filter_ms", n, filter);
    // With the demo's own fields: sorted by an amount, filtered by a choice.
    if custom >= 2 {
        let by_custom = ListBench {
            path: "/contacts",
            count: "contact-count",
            records: n,
            sort: "budget",
            filter: ("grade", "a"),
        };
        let [sort, filter] = by_custom.run(b).await?;
        emit("contacts_custom_sort_ms", n, sort);
        emit("contacts_custom_filter_ms", n, filter);
    }

    // The dashboard, computed from every record on the device (once it is all read).
    all_read(b).await?;
    let started = Instant::now();
    b.click("[data-testid=nav-home]").await?;
    b.wait_until(
        "(document.querySelector('#chart-week') || {getAttribute: () => ''}).getAttribute('aria-label') !== ''
         && (document.querySelector('#chart-leaders') || {getAttribute: () => ''}).getAttribute('aria-label') !== ''",
        "the dashboard",
    )
    .await?;
    emit("dashboard_ms", n, started.elapsed().as_secs_f64() * 1000.0);
    // The figures alone (shared::dashboard over the device's records), drawing apart.
    let figures = b
        .run(
            "const at = name => performance.getEntriesByName('qiao:' + name).map(m => m.startTime);
             const starts = at('dashboard-figures-start'), ends = at('dashboard-figures-end');
             return ends.length && starts.length ? ends[ends.length - 1] - starts[starts.length - 1] : -1;",
        )
        .await?;
    emit("dashboard_figures_ms", n, figures.as_f64().unwrap_or(-1.0));
    Ok(())
}

/// A sort, then a filter, on one list, each timed from the change to the next frame, with the
/// device's whole copy read.
struct ListBench {
    path: &'static str,
    count: &'static str,
    records: usize,
    sort: &'static str,
    filter: (&'static str, &'static str),
}

impl ListBench {
    async fn run(&self, b: &Browser) -> Result<[f64; 2]> {
        b.open(self.path).await?;
        b.wait_until(
            &format!(
                "(document.querySelector('[data-testid={}]') || {{textContent: ''}}).textContent.startsWith('{} ')",
                self.count, self.records
            ),
            self.path,
        )
        .await?;
        // Measured once the device has read its whole copy (other collections load in the
        // background after the first screen shows, and would be timed with the change).
        all_read(b).await?;
        let script = format!(
            "const settle = () => new Promise(r => {{
               const c = new MessageChannel();
               c.port1.onmessage = () => {{ document.body.getBoundingClientRect(); r(); }};
               c.port2.postMessage(0);
             }});
             const span = () => {{
               const at = name => performance.getEntriesByName('qiao:' + name).map(m => m.startTime);
               const s = at('list-order-start'), e = at('list-order-end');
               return s.length && e.length ? e[e.length - 1] - s[s.length - 1] : -1;
             }};
             // The steps of the last ordering that it went through, from its start.
             const steps = () => {{
               const at = name => performance.getEntriesByName('qiao:' + name).map(m => m.startTime).pop();
               const start = at('list-order-start');
               return ['list-places', 'list-filtered', 'list-keys', 'list-sorted', 'list-order-end']
                 .filter(n => at(n) !== undefined && at(n) >= start)
                 .map(n => n.slice(5) + ' ' + (at(n) - start).toFixed(1))
                 .join(', ');
             }};
             const timed = async (change) => {{
               await settle();
               const t0 = performance.now();
               change();
               await settle();
               return performance.now() - t0;
             }};
             const set = (css, value) => {{
               const el = document.querySelector(css);
               el.value = value;
               el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', {{bubbles: true}}));
             }};
             const count = () => document.querySelector('[data-testid={count}]').textContent;
             return (async () => {{
               const sort = await timed(() => set('[data-testid=sort-field]', {sort:?}));
               const sortOrder = span();
               const sortSteps = steps();
               const before = count();
               set('[data-testid=filter-field]', {field:?});
               await settle();
               set('[data-testid=filter-value]', {value:?});
               await settle();
               const filter = await timed(() => document.querySelector('[data-testid=add-filter]').click());
               return [sort, filter, before, count(), sortOrder, span(), sortSteps, steps()];
             }})();",
            count = self.count,
            sort = self.sort,
            field = self.filter.0,
            value = self.filter.1,
        );
        let list = b.run(&script).await?;
        if list[2] == list[3] {
            let offered = b
                .run("return Array.from(document.querySelectorAll('[data-testid=sort-field] option, [data-testid=filter-field] option')).map(o => o.value).join(' ');")
                .await?;
            return Err(format!(
                "{}: the filter changed nothing: {list}; fields offered: {offered}",
                self.path
            ));
        }
        let at = |i: usize| list[i].as_f64().unwrap_or(-1.0);
        eprintln!(
            "bench-crm: {}: ordering the list took {:.1} ms of the sort ({}), {:.1} ms of the filter ({})",
            self.path,
            at(4),
            list[6].as_str().unwrap_or_default(),
            at(5),
            list[7].as_str().unwrap_or_default(),
        );
        Ok([at(0), at(1)])
    }
}

//! Sync benchmark: a server with N seeded contacts (about 500 bytes each), a headless Chromium
//! that signs in and downloads them into IndexedDB, then the figures of BENCHMARKS.md, one JSON
//! line each: `{"metric": NAME, "records": N, "value": X}`.
//!
//!     cargo run --release -p tests --bin bench-sync -- --records 100000 [--db postgres://…]
//!
//! Metrics: `seed_mutations_per_s` (server ingest of creates, batches of 1,000),
//! `push_mutations_per_s` (10,000 edits pushed in batches of 1,000), `initial_sync_ms` (sign-in
//! to all N in IndexedDB and counted on the contacts screen), `noop_pull_ms` and
//! `noop_pull_requests` (a sync with nothing new), `remote_change_visible_ms` (100 changes made
//! elsewhere until the screen shows them).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::pages::login;
use tests::pusher::Pusher;
use uuid::Uuid;

const BATCH: usize = 1000;

struct Args {
    records: usize,
    db: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        records: 10_000,
        db: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--records" => {
                args.records = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(args.records)
            }
            "--db" => args.db = it.next(),
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    args
}

fn emit(metric: &str, records: usize, value: f64) {
    println!(
        "{}",
        json!({"metric": metric, "records": records, "value": (value * 10.0).round() / 10.0})
    );
}

/// A deterministic contact of about 500 bytes as stored.
fn contact(i: usize) -> Value {
    const FIRST: [&str; 8] = ["陈", "李", "王", "张", "刘", "杨", "赵", "黄"];
    const COMPANY: [&str; 6] = [
        "桥科技有限公司",
        "华东贸易集团",
        "北方机械制造厂",
        "南方物流股份",
        "西部能源公司",
        "东海软件",
    ];
    json!({
        "name": format!("{}客户{i:06}", FIRST[i % FIRST.len()]),
        "company": COMPANY[i % COMPANY.len()],
        "phone": format!("139{:08}", i % 100_000_000),
        "email": format!("contact{i}@example.com"),
        "notes": format!("第{i}位客户。上次拜访谈到续约和新项目，需要在月底前报价；对方关注交付周期与售后响应时间。"),
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    if let Err(e) = run(&args).await {
        eprintln!("bench-sync failed: {e}");
        std::process::exit(1);
    }
}

async fn run(args: &Args) -> Result {
    let dir = std::env::temp_dir().join(format!("qiao-bench-{}", std::process::id()));
    let db = args
        .db
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/qiao.db", dir.display()));
    let config = server::Config::new(db, "127.0.0.1:0");
    let running = server::start(config, std::future::pending())
        .await
        .map_err(|e| e.to_string())?;
    let url = running.url();
    let mut api = Api::new(&url);
    api.set_up("桥科技", "管理员", "admin@qiao.example", "admin-pass-1")
        .await?;
    let token = api.token().ok_or("no session")?.to_owned();
    let n = args.records;

    // Seed: N creates, batches of 1,000.
    let mut pusher = Pusher::new(&url, &token);
    let mut ids = Vec::with_capacity(n);
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(BATCH) {
        let batch = chunk
            .iter()
            .map(|&i| {
                let id = Uuid::now_v7();
                ids.push(id);
                (
                    "contact.create".to_owned(),
                    json!({"id": id, "fields": contact(i)}),
                )
            })
            .collect();
        pusher.push(batch).await?;
    }
    emit(
        "seed_mutations_per_s",
        n,
        n as f64 / started.elapsed().as_secs_f64(),
    );

    // Edits: 10,000 updates, batches of 1,000.
    let edits = 10_000.min(n.max(1) * 10);
    let started = Instant::now();
    for chunk in (0..edits).collect::<Vec<_>>().chunks(BATCH) {
        let batch = chunk
            .iter()
            .map(|&i| {
                let id = ids[i % ids.len()];
                (
                    "contact.update".to_owned(),
                    json!({"id": id, "set": {"company": format!("改名公司{i}")}}),
                )
            })
            .collect();
        pusher.push(batch).await?;
    }
    emit(
        "push_mutations_per_s",
        n,
        edits as f64 / started.elapsed().as_secs_f64(),
    );

    // The browser: sign in and download everything.
    let browser = Browser::start(&url, Viewport::Desktop).await;
    let outcome = browse(&browser, &mut pusher, n).await;
    browser.close().await;
    let _ = running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn browse(b: &Browser, pusher: &mut Pusher, n: usize) -> Result {
    b.open("/contacts").await?;
    let started = Instant::now();
    login::sign_in_with(b, "admin@qiao.example", "admin-pass-1").await?;
    b.open("/contacts").await?;
    wait_count(b, n, Duration::from_secs(600)).await?;
    emit(
        "initial_sync_ms",
        n,
        started.elapsed().as_secs_f64() * 1000.0,
    );

    // A sync with nothing new: how many requests, how long.
    let pulls =
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/sync/pull'))";
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = b
        .run(&format!("return {pulls}.length;"))
        .await?
        .as_u64()
        .unwrap_or(0);
    b.run("window.dispatchEvent(new Event('focus')); return null;")
        .await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = b
        .run(&format!("const all = {pulls}; return [all.length, all.length ? all[all.length - 1].duration : 0];"))
        .await?;
    let count = after[0].as_u64().unwrap_or(0).saturating_sub(before);
    emit("noop_pull_requests", n, count as f64);
    emit("noop_pull_ms", n, after[1].as_f64().unwrap_or(0.0));

    // 100 changes made elsewhere, until this screen shows them.
    let batch = (0..100)
        .map(|i| {
            (
                "contact.create".to_owned(),
                json!({"id": Uuid::now_v7(), "fields": contact(n + i)}),
            )
        })
        .collect();
    let started = Instant::now();
    pusher.push(batch).await?;
    wait_count(b, n + 100, Duration::from_secs(60)).await?;
    emit(
        "remote_change_visible_ms",
        n,
        started.elapsed().as_secs_f64() * 1000.0,
    );
    Ok(())
}

/// Wait until the contacts screen counts `n` contacts.
async fn wait_count(b: &Browser, n: usize, patience: Duration) -> Result {
    let started = Instant::now();
    let script = "const el = document.querySelector('[data-testid=contact-count]'); return el ? parseInt(el.textContent, 10) : -1;";
    loop {
        if let Ok(value) = b.run(script).await
            && value.as_i64() == i64::try_from(n).ok()
        {
            return Ok(());
        }
        if started.elapsed() > patience {
            return Err(format!("the screen never counted {n} contacts"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

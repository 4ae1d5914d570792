//! REST lists filtered and sorted by custom fields: a server on a fresh database (SQLite or
//! Postgres) with the demo company, `--records N` contacts each holding the demo's twenty
//! custom fields, the manager (who sees every contact) asking for one page of 50; one JSON line
//! per figure, `{"metric", "db", "records", "value"}` (the median of 7 requests after one to
//! warm up, in ms, measured by the client over loopback):
//!
//!     cargo run --release -p tests --bin bench-rest -- --records 100000 --db sqlite
//!     cargo run --release -p tests --bin bench-rest -- --records 100000 --db postgres
//!
//! - `rest_page_ms`: the first page in the default order (no filter);
//! - `rest_filter_choice_ms`: `filter=grade = a` (a custom single select);
//! - `rest_filter_amount_ms`: `filter=budget >= 150000` (a custom money field);
//! - `rest_retype_field_ms` (once, last): an admin changes `visits` from whole to decimal
//!   numbers, every contact's value converted in the change's transaction;
//! - `rest_sort_amount_ms`: `sort=-budget`;
//! - `rest_filter_builtin_ms`: `filter=job_title contains 经理` (a built-in field), to compare;
//! - `rest_next_page_ms`: the page after the first of `filter=grade = a` (its `next_cursor`).
//!
//! `first` is the first request of each, which makes the index the list reads (once per field
//! and database).

use std::time::Instant;

use serde_json::json;
use tests::Result;
use tests::api::Api;

struct Args {
    records: usize,
    db: String,
}

fn args() -> Args {
    let mut it = std::env::args().skip(1);
    let mut out = Args {
        records: 10_000,
        db: "sqlite".to_owned(),
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--records" => {
                out.records = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(out.records);
            }
            "--db" => out.db = it.next().unwrap_or(out.db),
            _ => {}
        }
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    if let Err(e) = run(&args).await {
        eprintln!("bench-rest failed: {e}");
        std::process::exit(1);
    }
}

async fn run(args: &Args) -> Result {
    let database = tests::server::FreshDatabase::new(&args.db, "qiao_rest").await?;
    let config = server::Config::new(database.url.clone(), "127.0.0.1:0");
    let running = server::start(config, std::future::pending())
        .await
        .map_err(|e| e.to_string())?;
    server::demo::fill_with(
        &running.db,
        args.records,
        "demo-pass-1",
        server::demo::custom::MAX,
    )
    .await
    .map_err(|e| e.to_string())?;
    eprintln!("bench-rest: demo company written ({})", args.db);
    let outcome = measure(&running.url(), args).await;
    let _ = running.shutdown().await;
    database.drop().await;
    outcome
}

async fn measure(url: &str, args: &Args) -> Result {
    let mut api = Api::new(url);
    api.sign_in("manager@demo.local", "demo-pass-1").await?;
    let cases = [
        ("rest_page_ms", "limit=50"),
        ("rest_filter_choice_ms", "limit=50&filter=grade%20%3D%20a"),
        (
            "rest_filter_amount_ms",
            "limit=50&filter=budget%20%3E%3D%20150000",
        ),
        ("rest_sort_amount_ms", "limit=50&sort=-budget"),
        (
            "rest_filter_builtin_ms",
            "limit=50&filter=job_title%20contains%20%E7%BB%8F%E7%90%86",
        ),
    ];
    let first_page = api
        .get("/api/v1/contacts?limit=50&filter=grade%20%3D%20a")
        .await?;
    let cursor = first_page["next_cursor"]
        .as_str()
        .ok_or("the first page of grade = a has no next page")?
        .to_owned();
    let next = format!("limit=50&filter=grade%20%3D%20a&cursor={cursor}");
    let cases = cases
        .into_iter()
        .chain(std::iter::once(("rest_next_page_ms", next.as_str())));
    for (metric, query) in cases {
        let path = format!("/api/v1/contacts?{query}");
        // The first request makes the index a list by a field reads (once per field).
        let started = Instant::now();
        let first = api.get(&path).await?;
        let first_ms = started.elapsed().as_secs_f64() * 1000.0;
        let items = first["items"].as_array().map_or(0, Vec::len);
        if items == 0 {
            return Err(format!("{path} found nothing: {first}"));
        }
        let mut times = Vec::new();
        for _ in 0..7 {
            let started = Instant::now();
            api.get(&path).await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{}",
            json!({"metric": metric, "db": args.db, "records": args.records,
                   "value": (median * 10.0).round() / 10.0,
                   "first": (first_ms * 10.0).round() / 10.0})
        );
    }
    // An admin changes a custom field's type: every contact's value is converted in the
    // change's transaction (whole numbers to decimals: every stored value is rewritten).
    let mut admin = Api::new(url);
    admin.sign_in("admin@demo.local", "demo-pass-1").await?;
    let started = Instant::now();
    let changed = admin
        .patch(
            "/api/v1/objects/contacts/fields/visits",
            json!({"field_type": {"type": "decimal", "precision": 2}}),
        )
        .await?;
    let retype_ms = started.elapsed().as_secs_f64() * 1000.0;
    if changed["key"] != "contacts" {
        return Err(format!("the type change failed: {changed}"));
    }
    println!(
        "{}",
        json!({"metric": "rest_retype_field_ms", "db": args.db, "records": args.records,
               "value": (retype_ms * 10.0).round() / 10.0})
    );
    Ok(())
}

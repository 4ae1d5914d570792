//! Load benchmark: a `qiao-server` process on a fresh database for a company of 100 sales
//! people in four teams, 200 simulated devices (two per person) for 60 s — each pulls whenever
//! it is poked and, every 5–15 s, pushes 1–10 changes (three times in five) or reads a page
//! of contacts through the REST API — and, 20 s in, a burst of 100 more devices (one per
//! person) pushing 3,000 new records each at once, as after an outage. Prints one JSON line per
//! kind of request (requests, 5xx errors, 503 "come back later" answers, other failures,
//! p50/p99/max) and the server's peak resident memory.
//!
//!     cargo build --release -p server --bin qiao-server -p tests --bin bench-load
//!     target/release/bench-load --db sqlite      # or --db postgres (QIAO_TEST_POSTGRES)
//!
//! Options: `--devices 200 --seconds 60 --burst 100 --burst-mutations 3000 --burst-at 20
//! --users 100`.

mod device;
mod process;
mod stats;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::json;
use tests::api::Api;
use tokio::sync::Notify;
use uuid::Uuid;

use device::{Device, Pushed, World, contact};
use process::ServerProcess;

struct Args {
    db: String,
    devices: u64,
    seconds: u64,
    burst: u64,
    burst_mutations: u64,
    burst_at: u64,
    users: u64,
}

fn args() -> Args {
    let mut args = Args {
        db: "sqlite".to_owned(),
        devices: 200,
        seconds: 60,
        burst: 100,
        burst_mutations: 3000,
        burst_at: 20,
        users: 100,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        let number = value.parse::<u64>().ok();
        match (flag.as_str(), number) {
            ("--db", _) => args.db = value,
            ("--devices", Some(n)) => args.devices = n,
            ("--seconds", Some(n)) => args.seconds = n,
            ("--burst", Some(n)) => args.burst = n,
            ("--burst-mutations", Some(n)) => args.burst_mutations = n,
            ("--burst-at", Some(n)) => args.burst_at = n,
            ("--users", Some(n)) => args.users = n.max(1),
            _ => eprintln!("ignoring {flag} {value}"),
        }
    }
    args
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let server = match ServerProcess::start(&args.db).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("bench-load: {e}");
            std::process::exit(1);
        }
    };
    let outcome = run(&args, &server).await;
    let cpu = server.cpu_seconds();
    let high_water = server.high_water_kib();
    let sampled = server.peak_rss_kib.load(Ordering::Relaxed);
    server.stop().await;
    match outcome {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            let mb = |kib: u64| (kib as f64 / 1024.0 * 10.0).round() / 10.0;
            println!(
                "{}",
                json!({"db": args.db, "metric": "server_cpu_seconds", "value": cpu})
            );
            println!(
                "{}",
                json!({"db": args.db, "metric": "server_peak_rss_mb",
                       "value": mb(high_water.unwrap_or(sampled).max(sampled))})
            );
        }
        Err(e) => {
            eprintln!("bench-load failed: {e}");
            std::process::exit(1);
        }
    }
}

/// The company: an admin and `users` sales people in four teams; one session each.
async fn company(url: &str, users: u64) -> Result<Vec<String>, String> {
    let mut api = Api::new(url);
    api.set_up(
        "负载测试公司",
        "管理员",
        "admin@load.example",
        "admin-pass-1",
    )
    .await?;
    let root = api.root_team().await?;
    let mut teams = Vec::new();
    for name in ["华东", "华南", "华北", "西部"] {
        let team = api
            .post("/api/teams", json!({"name": name, "parent_id": root}))
            .await?;
        teams.push(team["id"].as_str().unwrap_or_default().to_owned());
    }
    let mut tokens = Vec::new();
    for n in 0..users {
        let email = format!("rep{n}@load.example");
        let team = &teams[usize::try_from(n).unwrap_or(0) % teams.len()];
        api.create_user(&format!("销售{n}"), &email, "user-pass-1", "sales", team)
            .await?;
        let mut session = Api::new(url);
        session.sign_in(&email, "user-pass-1").await?;
        tokens.push(session.token().ok_or("no session")?.to_owned());
    }
    Ok(tokens)
}

async fn run(args: &Args, server: &ServerProcess) -> Result<Vec<serde_json::Value>, String> {
    let tokens = company(&server.url, args.users).await?;
    let world = Arc::new(World {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(400)
            // Below the server's wait for a kept-alive connection's next request, as browsers
            // retry a request on a connection the server has just closed.
            .pool_idle_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?,
        url: server.url.clone(),
        stats: stats::Stats::default(),
        burst: Default::default(),
    });
    let token = |n: u64| tokens[usize::try_from(n % args.users).unwrap_or(0)].clone();

    // Something to pull and read: 100 contacts per person.
    for n in 0..args.users {
        let mut seeder = Device::new(world.clone(), &token(n), n);
        let batch: Vec<(&str, serde_json::Value)> = (0..100)
            .map(|i| {
                let args = json!({"collection": "contact", "id": Uuid::now_v7(),
                                  "fields": contact(n * 1000 + i)});
                ("record.create", args)
            })
            .collect();
        if !matches!(seeder.push("seed", &batch).await, Pushed::Done) {
            return Err("seeding failed".to_owned());
        }
    }

    let started = Instant::now();
    let end = started + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for n in 0..args.devices {
        let world = world.clone();
        let token = token(n);
        tasks.push(tokio::spawn(async move {
            let mut device = Device::new(world, &token, 1000 + n);
            device.pull().await;
            let poked = Arc::new(Notify::new());
            device.listen(poked.clone(), end);
            let mut next_action = Instant::now() + Duration::from_millis(device.rng.range(0, 10_000));
            while Instant::now() < end {
                tokio::select! {
                    () = poked.notified() => device.pull().await,
                    () = tokio::time::sleep_until(next_action.into()) => {
                        if device.rng.range(0, 5) < 3 {
                            device.push_some().await;
                        } else {
                            device.read_rest().await;
                        }
                        next_action = Instant::now() + Duration::from_millis(device.rng.range(5000, 15_000));
                    }
                    () = tokio::time::sleep_until(end.into()) => break,
                }
            }
        }));
    }

    // The burst: devices coming back after an outage, each with a full outbox.
    tokio::time::sleep_until((started + Duration::from_secs(args.burst_at)).into()).await;
    let outboxes: Vec<Vec<(&'static str, serde_json::Value)>> = (0..args.burst)
        .map(|d| {
            (0..args.burst_mutations)
                .map(|i| {
                    let args = json!({"collection": "contact", "id": Uuid::now_v7(),
                                      "fields": contact(10_000_000 + d * 100_000 + i)});
                    ("record.create", args)
                })
                .collect()
        })
        .collect();
    world.burst.store(true, Ordering::Relaxed);
    let burst_started = Instant::now();
    let mut burst = Vec::new();
    for (d, outbox) in (0..args.burst).zip(outboxes) {
        let world = world.clone();
        let token = token(d);
        burst.push(tokio::spawn(async move {
            let mut device = Device::new(world, &token, 5000 + d);
            while let Pushed::Busy(wait) = device.push("burst_push", &outbox).await {
                tokio::time::sleep(wait).await;
            }
        }));
    }
    // Signing in stays quick while the pushes queue.
    let sign_ins = {
        let world = world.clone();
        tokio::spawn(async move {
            for _ in 0..5 {
                let started = Instant::now();
                let reply = world
                    .http
                    .post(format!("{}/api/auth/login", world.url))
                    .json(&json!({"email": "rep0@load.example", "password": "user-pass-1"}))
                    .send()
                    .await;
                let status = reply.as_ref().map_or(0, |r| r.status().as_u16());
                world
                    .stats
                    .record("sign_in_during_burst", status, started.elapsed());
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    for task in burst {
        let _ = task.await;
    }
    world.burst.store(false, Ordering::Relaxed);
    let burst_took = burst_started.elapsed();
    let _ = sign_ins.await;
    for task in tasks {
        let _ = task.await;
    }
    let mut lines = world.stats.report(&args.db);
    lines.push(json!({"db": args.db, "metric": "burst_seconds",
                      "devices": args.burst, "mutations_each": args.burst_mutations,
                      "value": (burst_took.as_secs_f64() * 10.0).round() / 10.0}));
    Ok(lines)
}

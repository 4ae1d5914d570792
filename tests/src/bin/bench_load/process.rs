//! The server under load: a `qiao-server` process of its own (so that its memory is its own),
//! on a fresh database, and its resident memory sampled while it runs.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub struct ServerProcess {
    child: Child,
    pub url: String,
    /// Highest resident set size seen, in KiB.
    pub peak_rss_kib: Arc<AtomicU64>,
    database: Option<tests::server::FreshDatabase>,
}

/// `qiao-server` next to this benchmark's own binary (both built by `cargo build --release`).
fn binary() -> Result<std::path::PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = me
        .parent()
        .map(|dir| dir.join("qiao-server"))
        .ok_or("no directory")?;
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: run `cargo build --release -p server --bin qiao-server` first",
            path.display()
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(socket.local_addr().map_err(|e| e.to_string())?.port())
}

impl ServerProcess {
    /// Start on a fresh database: `sqlite` (a file in a new temporary directory) or `postgres`
    /// (a new database on `QIAO_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432`).
    pub async fn start(engine: &str) -> Result<Self, String> {
        let database = tests::server::FreshDatabase::new(engine, "qiao_load").await?;
        let db = database.url.clone();
        let port = free_port()?;
        let child = Command::new(binary()?)
            .args([
                "serve",
                "--db",
                &db,
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .env("QIAO_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| e.to_string())?;
        let url = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client
                .get(format!("{url}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                let peak = Arc::new(AtomicU64::new(0));
                sample_memory(child.id(), peak.clone());
                return Ok(ServerProcess {
                    child,
                    url,
                    peak_rss_kib: peak,
                    database: Some(database),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("the server did not answer /healthz".to_owned())
    }

    /// Processor time the server has used so far (user and system), in seconds.
    pub fn cpu_seconds(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name (which is in parentheses): utime is the 12th, stime
        // the 13th, in clock ticks (100 a second on Linux).
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(ticks as f64 / 100.0)
    }

    /// The kernel's own high-water mark of the process's resident memory, in KiB.
    pub fn high_water_kib(&self) -> Option<u64> {
        status_field(self.child.id(), "VmHWM:")
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(database) = self.database.take() {
            database.drop().await;
        }
    }
}

fn status_field(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Every 100 ms, the process's resident memory; the highest value is kept.
fn sample_memory(pid: u32, peak: Arc<AtomicU64>) {
    tokio::spawn(async move {
        while let Some(kib) = status_field(pid, "VmRSS:") {
            peak.fetch_max(kib, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
}

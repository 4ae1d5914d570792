//! A simulated device: its own sync client of one user, pulling whenever it is poked, pushing
//! a few changes now and then, and reading through the REST API, as the app and an
//! integration would.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};
use shared::sync::{MutationEnvelope, PushRequest, SCHEMA_VERSION};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::stats::Stats;

/// A small deterministic random number generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `low..high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low).max(1)
    }
}

/// What the bench shares with every device.
pub struct World {
    pub http: reqwest::Client,
    pub url: String,
    pub stats: Stats,
    /// The burst is on: pulls are counted apart.
    pub burst: AtomicBool,
}

/// Only what a device needs of a pull page; the records are skipped, not parsed.
#[derive(Deserialize)]
struct Page {
    cursor: Value,
    #[serde(default)]
    more: bool,
}

/// A pull page from its (maybe gzip-compressed) bytes.
fn read_page(bytes: &[u8], gzip: bool) -> Option<Page> {
    if !gzip {
        return serde_json::from_slice(bytes).ok();
    }
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut plain).ok()?;
    serde_json::from_slice(&plain).ok()
}

/// What a push came to.
pub enum Pushed {
    Done,
    /// 503: come back after this long.
    Busy(Duration),
    Failed,
}

pub struct Device {
    world: Arc<World>,
    token: String,
    client: Uuid,
    next: u64,
    cursor: Option<Value>,
    pub rng: Rng,
    own: Vec<Uuid>,
}

/// A contact of about 300 bytes.
pub fn contact(n: u64) -> Value {
    json!({
        "name": format!("负载客户{n:07}"),
        "company": "华东贸易集团",
        "phone": format!("139{:08}", n % 100_000_000),
        "email": format!("load{n}@example.com"),
        "notes": "上次拜访谈到续约和新项目，需要在月底前报价。",
    })
}

impl Device {
    pub fn new(world: Arc<World>, token: &str, seed: u64) -> Self {
        Device {
            world,
            token: token.to_owned(),
            client: Uuid::now_v7(),
            next: 1,
            cursor: None,
            rng: Rng::new(seed),
            own: Vec::new(),
        }
    }

    /// Pull until the server has nothing more.
    pub async fn pull(&mut self) {
        loop {
            let kind = if self.world.burst.load(Ordering::Relaxed) {
                "pull_during_burst"
            } else {
                "pull"
            };
            let body = json!({
                "client_group": self.client, "client": self.client,
                "schema_version": SCHEMA_VERSION, "cursor": self.cursor,
            });
            let started = Instant::now();
            // Compressed, as a browser asks for it.
            let reply = self
                .world
                .http
                .post(format!("{}/api/sync/pull", self.world.url))
                .bearer_auth(&self.token)
                .header("accept-encoding", "gzip, deflate, br, zstd")
                .json(&body)
                .send()
                .await;
            let (status, page) = match reply {
                Ok(reply) => {
                    let status = reply.status().as_u16();
                    let gzip = reply
                        .headers()
                        .get("content-encoding")
                        .is_some_and(|v| v == "gzip");
                    let bytes = reply.bytes().await.unwrap_or_default();
                    (status, read_page(&bytes, gzip))
                }
                Err(_) => (0, None),
            };
            self.world.stats.record(kind, status, started.elapsed());
            let Some(page) = page else {
                return;
            };
            self.cursor = Some(page.cursor);
            if !page.more {
                return;
            }
        }
    }

    /// Push `mutations` as this client's next ones (`kind` names the figure).
    pub async fn push(&mut self, kind: &'static str, mutations: &[(&str, Value)]) -> Pushed {
        let envelopes: Vec<MutationEnvelope> = mutations
            .iter()
            .zip(self.next..)
            .map(|((name, args), id)| MutationEnvelope {
                id,
                name: (*name).to_owned(),
                args: args.clone(),
                created_at: 0,
            })
            .collect();
        let request = PushRequest {
            client_group: self.client,
            client: self.client,
            schema_version: SCHEMA_VERSION,
            mutations: envelopes,
        };
        let started = Instant::now();
        let reply = self
            .world
            .http
            .post(format!("{}/api/sync/push", self.world.url))
            .bearer_auth(&self.token)
            .json(&request)
            .send()
            .await;
        let status = reply.as_ref().map_or(0, |r| r.status().as_u16());
        let retry_after = reply
            .as_ref()
            .ok()
            .and_then(|r| r.headers().get("retry-after"))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Ok(reply) = reply {
            let _ = reply.bytes().await;
        }
        self.world.stats.record(kind, status, started.elapsed());
        match status {
            200 => {
                self.next += u64::try_from(mutations.len()).unwrap_or(0);
                Pushed::Done
            }
            503 => Pushed::Busy(Duration::from_secs(retry_after.unwrap_or(1))),
            _ => Pushed::Failed,
        }
    }

    /// 1–10 changes: new contacts, and edits of contacts it made before.
    pub async fn push_some(&mut self) {
        let count = self.rng.range(1, 11);
        let mut mutations = Vec::new();
        for _ in 0..count {
            if !self.own.is_empty() && self.rng.range(0, 2) == 0 {
                let i = usize::try_from(self.rng.range(0, self.own.len() as u64)).unwrap_or(0);
                let id = self.own[i];
                let company = format!("改名公司{}", self.rng.range(0, 1000));
                mutations.push((
                    "record.update",
                    json!({"id": id, "set": {"company": company}}),
                ));
            } else {
                let id = Uuid::now_v7();
                self.own.push(id);
                let n = self.rng.next() % 10_000_000;
                mutations.push((
                    "record.create",
                    json!({"collection": "contact", "id": id, "fields": contact(n)}),
                ));
            }
        }
        // A device whose push is refused for now keeps it and tries again later.
        while let Pushed::Busy(wait) = self.push("push_small", &mutations).await {
            tokio::time::sleep(wait).await;
        }
    }

    /// Read a page of contacts through the REST API.
    pub async fn read_rest(&mut self) {
        let started = Instant::now();
        let reply = self
            .world
            .http
            .get(format!("{}/api/v1/contacts?limit=50", self.world.url))
            .bearer_auth(&self.token)
            .send()
            .await;
        let status = reply.as_ref().map_or(0, |r| r.status().as_u16());
        if let Ok(reply) = reply {
            let _ = reply.bytes().await;
        }
        self.world
            .stats
            .record("rest_read", status, started.elapsed());
    }

    /// Listen to `GET /api/sync/events`, waking `poked` on every poke, until `end`.
    pub fn listen(&self, poked: Arc<Notify>, end: Instant) {
        let world = self.world.clone();
        let token = self.token.clone();
        tokio::spawn(async move {
            let Ok(mut stream) = world
                .http
                .get(format!("{}/api/sync/events", world.url))
                .bearer_auth(&token)
                .send()
                .await
            else {
                return;
            };
            let deadline = tokio::time::Instant::from_std(end);
            while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, stream.chunk()).await
            {
                if chunk.windows(5).any(|w| w == b"poke\n") {
                    poked.notify_one();
                }
            }
        });
    }
}

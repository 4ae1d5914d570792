//! Latencies and outcomes per kind of request.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;

/// What one kind of request did.
#[derive(Debug, Default)]
struct Kind {
    micros: Vec<u64>,
    /// Answers by status, failures to connect or read as 0.
    statuses: BTreeMap<u16, u64>,
}

#[derive(Debug, Default)]
pub struct Stats {
    kinds: Mutex<BTreeMap<&'static str, Kind>>,
}

impl Stats {
    /// One request of `kind` answered `status` (0: no answer) after `took`.
    pub fn record(&self, kind: &'static str, status: u16, took: Duration) {
        let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        let entry = kinds.entry(kind).or_default();
        entry
            .micros
            .push(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
        *entry.statuses.entry(status).or_default() += 1;
    }

    /// One JSON line per kind: requests, 5xx errors, 503s (come back later), other failures,
    /// p50/p99/max in ms.
    pub fn report(&self, db: &str) -> Vec<serde_json::Value> {
        let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        kinds
            .iter_mut()
            .map(|(name, kind)| {
                kind.micros.sort_unstable();
                let ms = |q: f64| {
                    let n = kind.micros.len();
                    if n == 0 {
                        return 0.0;
                    }
                    let i = ((n as f64 - 1.0) * q).round() as usize;
                    (kind.micros[i.min(n - 1)] as f64 / 100.0).round() / 10.0
                };
                let count = |f: &dyn Fn(u16) -> bool| -> u64 {
                    kind.statuses
                        .iter()
                        .filter(|(s, _)| f(**s))
                        .map(|(_, n)| *n)
                        .sum()
                };
                let statuses: BTreeMap<String, u64> = kind
                    .statuses
                    .iter()
                    .map(|(s, n)| (s.to_string(), *n))
                    .collect();
                json!({
                    "db": db,
                    "kind": name,
                    "requests": kind.micros.len(),
                    // 503 is admission control's "come back later" (with `Retry-After`),
                    // which devices retry: counted apart from the errors.
                    "errors_5xx": count(&|s| s >= 500 && s != 503),
                    "busy_503": count(&|s| s == 503),
                    "failed_other": count(&|s| s == 0 || (400..500).contains(&s)),
                    "p50_ms": ms(0.5),
                    "p99_ms": ms(0.99),
                    "max_ms": ms(1.0),
                    "statuses": statuses,
                })
            })
            .collect()
    }
}

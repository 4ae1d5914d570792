//! Sign-in rate limits: failed attempts per account and per client address, counted in fixed
//! windows. Limits are kept in memory, so with several server instances each counts on its own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

/// At most `max` failures per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started_ms: i64,
    failures: u32,
}

/// Refused: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

#[derive(Debug)]
pub struct LoginThrottle {
    per_account: Limit,
    per_ip: Limit,
    windows: Mutex<HashMap<String, Window>>,
}

/// Keys kept before expired windows are swept.
const SWEEP_AT: usize = 10_000;

impl LoginThrottle {
    pub fn new(per_account: Limit, per_ip: Limit) -> Self {
        Self {
            per_account,
            per_ip,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, ip: IpAddr) -> [(String, bool); 2] {
        [
            (format!("account:{email}"), true),
            (format!("ip:{ip}"), false),
        ]
    }

    fn limit(&self, per_account: bool) -> Limit {
        if per_account {
            self.per_account
        } else {
            self.per_ip
        }
    }

    /// May this attempt go ahead? Checked before the password is.
    pub fn check(&self, email: &str, ip: IpAddr, now_ms: i64) -> Result<(), RetryAfter> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for (key, per_account) in Self::keys(email, ip) {
            let limit = self.limit(per_account);
            let window_ms = i64::try_from(limit.window.as_millis()).unwrap_or(i64::MAX);
            if let Some(w) = windows.get(&key)
                && now_ms - w.started_ms < window_ms
                && w.failures >= limit.max
            {
                let left = u64::try_from(window_ms - (now_ms - w.started_ms)).unwrap_or(0);
                wait = wait.max(Duration::from_millis(left));
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(RetryAfter(wait))
        }
    }

    /// Count a failed attempt against the account and the address.
    pub fn failed(&self, email: &str, ip: IpAddr, now_ms: i64) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= SWEEP_AT {
            let longest =
                i64::try_from(self.per_account.window.max(self.per_ip.window).as_millis())
                    .unwrap_or(i64::MAX);
            windows.retain(|_, w| now_ms - w.started_ms < longest);
        }
        for (key, per_account) in Self::keys(email, ip) {
            let window_ms =
                i64::try_from(self.limit(per_account).window.as_millis()).unwrap_or(i64::MAX);
            let w = windows.entry(key).or_insert(Window {
                started_ms: now_ms,
                failures: 0,
            });
            if now_ms - w.started_ms >= window_ms {
                *w = Window {
                    started_ms: now_ms,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn succeeded(&self, email: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&format!("account:{email}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const MIN: i64 = 60_000;

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(
            Limit {
                max: 3,
                window: Duration::from_secs(600),
            },
            Limit {
                max: 5,
                window: Duration::from_secs(300),
            },
        )
    }

    fn ip(n: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, n))
    }

    #[test]
    fn locks_an_account_after_too_many_failures_until_the_window_ends() {
        let t = throttle();
        for i in 0..3 {
            assert_eq!(t.check("a@b.cn", ip(i), 0), Ok(()));
            t.failed("a@b.cn", ip(i), 0);
        }
        assert_eq!(
            t.check("a@b.cn", ip(9), MIN),
            Err(RetryAfter(Duration::from_secs(540)))
        );
        assert_eq!(t.check("other@b.cn", ip(9), MIN), Ok(()));
        assert_eq!(t.check("a@b.cn", ip(9), 10 * MIN), Ok(()));
    }

    #[test]
    fn limits_an_address_across_accounts() {
        let t = throttle();
        for n in 0..5 {
            t.failed(&format!("user{n}@b.cn"), ip(1), 0);
        }
        assert_eq!(
            t.check("new@b.cn", ip(1), 0),
            Err(RetryAfter(Duration::from_secs(300)))
        );
        assert_eq!(t.check("new@b.cn", ip(2), 0), Ok(()));
    }

    #[test]
    fn success_clears_the_account() {
        let t = throttle();
        t.failed("a@b.cn", ip(1), 0);
        t.failed("a@b.cn", ip(1), 0);
        t.succeeded("a@b.cn");
        t.failed("a@b.cn", ip(1), 0);
        t.failed("a@b.cn", ip(1), 0);
        assert_eq!(t.check("a@b.cn", ip(1), 0), Ok(()));
    }
}

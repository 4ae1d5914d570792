//! Sign-in rate limits, counted in fixed windows in memory (with several server instances each
//! counts on its own).
//!
//! - Per address: too many failures from one address, for any accounts, lock that address out.
//! - Per account: too many failures for one account lock it, **but only for the addresses that
//!   failed on it**. Someone who knows an account's email can no longer lock its owner out:
//!   the owner, signing in from an address that has not failed on the account, gets in with
//!   the right password. A guesser spread over many addresses gets one more try per address
//!   while the account is locked, and each address stays bounded by its own limit.

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
    windows: Mutex<HashMap<Key, Window>>,
}

/// What failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
    /// One account from one address: whether this address has failed on this account.
    Pair(String, IpAddr),
}

/// Keys kept before expired windows are swept.
const SWEEP_AT: usize = 10_000;

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl LoginThrottle {
    pub fn new(per_account: Limit, per_ip: Limit) -> Self {
        Self {
            per_account,
            per_ip,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn limit(&self, key: &Key) -> Limit {
        match key {
            Key::Address(_) => self.per_ip,
            Key::Account(_) | Key::Pair(..) => self.per_account,
        }
    }

    /// Failures counted in the current window of `key`, and the time left in it.
    fn failures(&self, windows: &HashMap<Key, Window>, key: &Key, now_ms: i64) -> (u32, Duration) {
        let window_ms = millis(self.limit(key).window);
        match windows.get(key) {
            Some(w) if now_ms - w.started_ms < window_ms => {
                let left = u64::try_from(window_ms - (now_ms - w.started_ms)).unwrap_or(0);
                (w.failures, Duration::from_millis(left))
            }
            _ => (0, Duration::ZERO),
        }
    }

    /// May this attempt go ahead? Checked before the password is.
    pub fn check(&self, email: &str, ip: IpAddr, now_ms: i64) -> Result<(), RetryAfter> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let (address, address_left) = self.failures(&windows, &Key::Address(ip), now_ms);
        let (account, account_left) =
            self.failures(&windows, &Key::Account(email.to_owned()), now_ms);
        let (pair, pair_left) = self.failures(&windows, &Key::Pair(email.to_owned(), ip), now_ms);
        let mut wait = Duration::ZERO;
        if address >= self.per_ip.max {
            wait = wait.max(address_left);
        }
        // A locked account is locked for the addresses that failed on it; an address that
        // used up the account's tries stays locked out of it even after its owner signed in.
        if account >= self.per_account.max && pair > 0 {
            wait = wait.max(account_left);
        }
        if pair >= self.per_account.max {
            wait = wait.max(pair_left);
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(RetryAfter(wait))
        }
    }

    /// Count a failed attempt against the account, the address and the two together.
    pub fn failed(&self, email: &str, ip: IpAddr, now_ms: i64) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= SWEEP_AT {
            let longest = millis(self.per_account.window.max(self.per_ip.window));
            windows.retain(|_, w| now_ms - w.started_ms < longest);
        }
        let keys = [
            Key::Account(email.to_owned()),
            Key::Address(ip),
            Key::Pair(email.to_owned(), ip),
        ];
        for key in keys {
            let window_ms = millis(self.limit(&key).window);
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

    /// A successful sign-in clears the account's failures and this address's on it (not the
    /// address's failures on other accounts).
    pub fn succeeded(&self, email: &str, ip: IpAddr) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&Key::Account(email.to_owned()));
        windows.remove(&Key::Pair(email.to_owned(), ip));
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
    fn a_locked_account_stays_open_to_addresses_that_did_not_fail_on_it() {
        let t = throttle();
        for i in 0..3 {
            assert_eq!(t.check("a@b.cn", ip(i), 0), Ok(()));
            t.failed("a@b.cn", ip(i), 0);
        }
        // Every address that guessed is locked out of the account until the window ends …
        for i in 0..3 {
            assert_eq!(
                t.check("a@b.cn", ip(i), MIN),
                Err(RetryAfter(Duration::from_secs(540)))
            );
        }
        assert_eq!(t.check("a@b.cn", ip(0), 10 * MIN), Ok(()));
        // … the owner, elsewhere, may still try (and a wrong guess from there locks it too).
        assert_eq!(t.check("a@b.cn", ip(9), MIN), Ok(()));
        t.failed("a@b.cn", ip(9), MIN);
        assert!(t.check("a@b.cn", ip(9), MIN).is_err());
        assert_eq!(t.check("other@b.cn", ip(0), MIN), Ok(()));
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
        t.succeeded("a@b.cn", ip(1));
        t.failed("a@b.cn", ip(1), 0);
        t.failed("a@b.cn", ip(1), 0);
        assert_eq!(t.check("a@b.cn", ip(1), 0), Ok(()));
    }
}

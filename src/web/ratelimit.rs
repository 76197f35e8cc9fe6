//! Request budgets: so many requests per key in each fixed window, counted in memory.
//!
//! A key's window opens with its first request and lasts the policy's window; the
//! count starts again with the first request after it ends. Each node counts on its
//! own: behind a load balancer that spreads a client over N nodes, the client may make
//! up to N times the budget. Memory is bounded by a cap on keys; beyond it the key
//! used least recently is forgotten (its next request starts a fresh window), so a
//! spray of new keys cannot grow the map, only forget idle clients.

use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

use jiff::{SignedDuration, Timestamp};
use lru::LruCache;

/// A budget: `quota` requests in each window of `window_secs`, called `name` in headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The name clients see in `RateLimit` and `RateLimit-Policy`.
    pub name: &'static str,
    /// Requests allowed in one window.
    pub quota: usize,
    /// The window's length in seconds.
    pub window_secs: u32,
}

/// Where a key stands after a request was counted (or refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The budget it was counted against.
    pub policy: Policy,
    /// Whether the request fitted in the budget.
    pub allowed: bool,
    /// Requests left in this window.
    pub remaining: usize,
    /// Whole seconds until the window ends (at least 1).
    pub reset_secs: u32,
}

#[derive(Debug)]
struct Window {
    opened: Timestamp,
    used: usize,
}

/// Counts requests per key against one policy.
pub struct Limiter<K: Hash + Eq> {
    policy: Policy,
    windows: Mutex<LruCache<K, Window>>,
}

impl<K: Hash + Eq> Limiter<K> {
    /// A limiter for `policy` remembering at most `max_keys` keys.
    pub fn new(policy: Policy, max_keys: NonZeroUsize) -> Self {
        Self {
            policy,
            windows: Mutex::new(LruCache::new(max_keys)),
        }
    }

    /// The policy counted against.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    fn lock(&self) -> MutexGuard<'_, LruCache<K, Window>> {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one request by `key` at `now` if the budget has room; a refused request
    /// is not counted, so refusals never push the window's end further out.
    pub fn take(&self, key: K, now: Timestamp) -> Standing {
        let window = SignedDuration::from_secs(i64::from(self.policy.window_secs));
        let mut windows = self.lock();
        let current = windows.get_or_insert_mut(key, || Window {
            opened: now,
            used: 0,
        });
        let mut elapsed = now.duration_since(current.opened);
        // A clock set back opens a new window rather than stretching the old one.
        if elapsed >= window || elapsed.is_negative() {
            *current = Window {
                opened: now,
                used: 0,
            };
            elapsed = SignedDuration::ZERO;
        }
        let allowed = current.used < self.policy.quota;
        if allowed {
            current.used += 1;
        }
        Standing {
            policy: self.policy,
            allowed,
            remaining: self.policy.quota.saturating_sub(current.used),
            reset_secs: whole_seconds_up(window - elapsed),
        }
    }

    /// Takes back one request counted for `key`, for a request found not to belong
    /// to this budget after all.
    pub fn give_back(&self, key: &K) {
        if let Some(current) = self.lock().peek_mut(key) {
            current.used = current.used.saturating_sub(1);
        }
    }

    /// How many keys are remembered now.
    pub fn tracked(&self) -> usize {
        self.lock().len()
    }
}

/// A positive duration in whole seconds, rounded up, so a client told to wait that
/// long never comes back a moment early.
fn whole_seconds_up(left: SignedDuration) -> u32 {
    let secs = left.as_secs() + i64::from(left.subsec_nanos() > 0);
    u32::try_from(secs.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        name: "test",
        quota: 3,
        window_secs: 60,
    };

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).expect("a time")
    }

    fn limiter(keys: usize) -> Limiter<&'static str> {
        Limiter::new(POLICY, NonZeroUsize::new(keys).expect("non-zero"))
    }

    #[test]
    fn a_budget_counts_down_then_refuses_until_the_window_ends() {
        let limits = limiter(10);
        let standings: Vec<(bool, usize, u32)> = [0, 1, 10, 59]
            .into_iter()
            .map(|s| limits.take("a", at(s)))
            .map(|s| (s.allowed, s.remaining, s.reset_secs))
            .collect();
        assert_eq!(
            standings,
            [(true, 2, 60), (true, 1, 59), (true, 0, 50), (false, 0, 1)]
        );
        let fresh = limits.take("a", at(60));
        assert_eq!(
            (fresh.allowed, fresh.remaining, fresh.reset_secs),
            (true, 2, 60)
        );
    }

    #[test]
    fn refusals_are_not_counted_and_keys_are_counted_apart() {
        let limits = limiter(10);
        for _ in 0..3 {
            assert!(limits.take("a", at(0)).allowed);
        }
        for _ in 0..5 {
            assert!(!limits.take("a", at(30)).allowed);
        }
        assert!(limits.take("b", at(30)).allowed, "another key has its own");
        assert_eq!(
            limits.take("a", at(60)).remaining,
            2,
            "the window opened at 0 ended at 60, refusals or not"
        );
    }

    #[test]
    fn reset_rounds_up_to_whole_seconds() {
        let limits = limiter(10);
        limits.take("a", at(0));
        let later = at(0) + SignedDuration::from_millis(1500);
        assert_eq!(limits.take("a", later).reset_secs, 59);
        assert_eq!(whole_seconds_up(SignedDuration::from_millis(1)), 1);
        assert_eq!(whole_seconds_up(SignedDuration::ZERO), 1);
    }

    #[test]
    fn a_request_given_back_frees_its_place() {
        let limits = limiter(10);
        for _ in 0..3 {
            limits.take("a", at(0));
        }
        limits.give_back(&"a");
        let again = limits.take("a", at(1));
        assert!(again.allowed);
        assert_eq!(again.remaining, 0);
        limits.give_back(&"unknown");
        assert_eq!(limits.tracked(), 1, "giving back never adds a key");
    }

    #[test]
    fn a_clock_set_back_opens_a_new_window() {
        let limits = limiter(10);
        for _ in 0..3 {
            limits.take("a", at(100));
        }
        assert!(limits.take("a", at(50)).allowed);
    }

    #[test]
    fn the_key_cap_forgets_the_least_recently_used_key() {
        let limits = limiter(2);
        for _ in 0..3 {
            limits.take("old", at(0));
        }
        limits.take("busy", at(1));
        limits.take("old", at(2));
        // "busy" is now the least recently used, and the newcomer pushes it out.
        limits.take("new", at(3));
        assert_eq!(limits.tracked(), 2);
        assert!(!limits.take("old", at(4)).allowed, "old is still counted");
        assert_eq!(
            limits.take("busy", at(5)).remaining,
            2,
            "busy starts afresh"
        );
        let spray = Limiter::new(POLICY, NonZeroUsize::new(100).expect("non-zero"));
        for address in 0..10_000u32 {
            spray.take(address, at(0));
        }
        assert_eq!(spray.tracked(), 100, "a spray of keys stays within the cap");
    }
}

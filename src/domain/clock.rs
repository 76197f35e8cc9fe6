//! Where the use cases get the time from, so tests can set it instead of waiting.

use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// The time now.
    fn now(&self) -> Timestamp;
}

/// The operating system's clock, for real servers.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until it is set or advanced, for tests.
#[derive(Debug)]
pub struct ManualClock {
    // Microseconds since the epoch: the store keeps no finer times, and an atomic
    // needs no lock on the path every request takes.
    micros: AtomicI64,
}

impl ManualClock {
    /// A clock standing at `at`.
    pub fn starting_at(at: Timestamp) -> Self {
        Self {
            micros: AtomicI64::new(at.as_microsecond()),
        }
    }

    /// Moves the clock to `at`, backwards too.
    pub fn set(&self, at: Timestamp) {
        self.micros.store(at.as_microsecond(), Ordering::SeqCst);
    }

    /// Moves the clock on by `by` and returns the new time.
    pub fn advance(&self, by: SignedDuration) -> Timestamp {
        let by = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        let micros = self
            .micros
            .fetch_add(by, Ordering::SeqCst)
            .saturating_add(by);
        from_micros(micros)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        from_micros(self.micros.load(Ordering::SeqCst))
    }
}

fn from_micros(micros: i64) -> Timestamp {
    // Only `set`/`advance` far past jiff's range (year 9999) could fail this.
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_moved() {
        let start: Timestamp = "2025-05-21T10:00:00Z".parse().expect("time");
        let clock = ManualClock::starting_at(start);
        assert_eq!(clock.now(), start);
        assert_eq!(clock.now(), start);
        let later = clock.advance(SignedDuration::from_secs(90));
        assert_eq!(
            later,
            "2025-05-21T10:01:30Z".parse::<Timestamp>().expect("time")
        );
        assert_eq!(clock.now(), later);
        clock.set(start);
        assert_eq!(clock.now(), start);
    }
}

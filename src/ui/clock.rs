//! Where the app reads the time: a monotonic instant for countdowns and the wall clock
//! (in the runner's time zone) for dates. Tests pass a [`ManualClock`] and move it on,
//! so a one-minute count takes no minute; the metronome's flashes keep real time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use time::{Date, OffsetDateTime, UtcOffset};

/// A source of time for the screens.
pub trait Clock: Send + Sync {
    /// Monotonic time, for countdowns and tap timing.
    fn now(&self) -> Instant;

    /// The wall-clock time in the runner's time zone: when a run starts, and today.
    fn local_now(&self) -> OffsetDateTime;

    fn today(&self) -> Date {
        self.local_now().date()
    }
}

/// The system's clocks.
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    offset: UtcOffset,
}

impl SystemClock {
    /// Reads the time zone once. Call it early: on Linux the offset cannot be read
    /// safely once other threads run, and then UTC is used.
    pub fn new() -> Self {
        Self {
            offset: UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn local_now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc().to_offset(self.offset)
    }
}

/// A clock that moves only when told to (both its instant and its wall time).
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    wall_start: OffsetDateTime,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    /// Starts at `wall` (and at the current instant).
    pub fn new(wall: OffsetDateTime) -> Self {
        Self {
            start: Instant::now(),
            wall_start: wall,
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|e| e.into_inner());
        *elapsed += by;
    }

    fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }

    fn local_now(&self) -> OffsetDateTime {
        self.wall_start + self.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_manual_clock_moves_both_times_together() {
        let clock = ManualClock::new(datetime!(2026-11-23 23:59:30 +01:00));
        let before = clock.now();
        clock.advance(Duration::from_secs(45));
        assert_eq!(clock.now() - before, Duration::from_secs(45));
        assert_eq!(clock.today(), time::macros::date!(2026 - 11 - 24));
        assert_eq!(
            clock.local_now().offset(),
            UtcOffset::from_hms(1, 0, 0).unwrap()
        );
    }
}

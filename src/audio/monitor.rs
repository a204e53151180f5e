//! What the output is really doing, as seen from inside the callback: buffer sizes and
//! latency, written into atomics on the audio thread and read anywhere.

use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Written by the audio thread after every callback; no locks, no allocation.
#[derive(Debug)]
pub(crate) struct Monitor {
    sample_rate: u32,
    callbacks: AtomicU64,
    frames: AtomicU32,
    min_frames: AtomicU32,
    max_frames: AtomicU32,
    /// `u64::MAX` while the output has not reported a latency.
    latency_nanos: AtomicU64,
}

const UNKNOWN: u64 = u64::MAX;

impl Monitor {
    pub(crate) fn new(sample_rate: u32) -> Self {
        Self {
            sample_rate: sample_rate.max(1),
            callbacks: AtomicU64::new(0),
            frames: AtomicU32::new(0),
            min_frames: AtomicU32::new(u32::MAX),
            max_frames: AtomicU32::new(0),
            latency_nanos: AtomicU64::new(UNKNOWN),
        }
    }

    /// Called on the audio thread with the callback's size in frames.
    pub(crate) fn record(&self, frames: usize, latency: Option<Duration>) {
        let frames = u32::try_from(frames).unwrap_or(u32::MAX);
        self.frames.store(frames, Ordering::Relaxed);
        self.min_frames.fetch_min(frames, Ordering::Relaxed);
        self.max_frames.fetch_max(frames, Ordering::Relaxed);
        let nanos = latency.map_or(UNKNOWN, |latency| {
            u64::try_from(latency.as_nanos()).map_or(UNKNOWN - 1, |n| n.min(UNKNOWN - 1))
        });
        self.latency_nanos.store(nanos, Ordering::Relaxed);
        self.callbacks.fetch_add(1, Ordering::Release);
    }

    /// `None` until the first callback ran.
    pub(crate) fn observed(&self) -> Option<Observed> {
        let callbacks = self.callbacks.load(Ordering::Acquire);
        if callbacks == 0 {
            return None;
        }
        let latency = self.latency_nanos.load(Ordering::Relaxed);
        Some(Observed {
            callback_frames: self.frames.load(Ordering::Relaxed),
            min_frames: self.min_frames.load(Ordering::Relaxed),
            max_frames: self.max_frames.load(Ordering::Relaxed),
            latency: (latency != UNKNOWN).then(|| Duration::from_nanos(latency)),
            sample_rate: self.sample_rate,
            callbacks,
        })
    }
}

/// The buffer size and latency the output actually runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observed {
    /// Frames in the latest callback.
    pub callback_frames: u32,
    /// Smallest and largest callback so far.
    pub min_frames: u32,
    pub max_frames: u32,
    /// From the moment the latest callback ran to when its first frame is heard, as the
    /// device reports it; `None` without a device.
    pub latency: Option<Duration>,
    pub sample_rate: u32,
    /// Callbacks so far: a heartbeat.
    pub callbacks: u64,
}

impl Observed {
    /// The latest callback's length in time.
    pub fn buffer_duration(&self) -> Duration {
        Duration::from_secs_f64(f64::from(self.callback_frames) / f64::from(self.sample_rate))
    }
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "buffer {} frames ({:.1} ms)",
            self.callback_frames,
            self.buffer_duration().as_secs_f64() * 1e3
        )?;
        if self.min_frames != self.max_frames {
            write!(f, " [{}-{} seen]", self.min_frames, self.max_frames)?;
        }
        match self.latency {
            Some(latency) => write!(f, ", output latency {:.1} ms", latency.as_secs_f64() * 1e3),
            None => f.write_str(", output latency not reported"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observed_reads_like_a_sentence() {
        let monitor = Monitor::new(48_000);
        assert_eq!(monitor.observed(), None);
        monitor.record(256, Some(Duration::from_micros(42_100)));
        let observed = monitor.observed().unwrap();
        assert_eq!(
            observed.to_string(),
            "buffer 256 frames (5.3 ms), output latency 42.1 ms"
        );
        monitor.record(512, None);
        assert_eq!(
            monitor.observed().unwrap().to_string(),
            "buffer 512 frames (10.7 ms) [256-512 seen], output latency not reported"
        );
    }
}

//! Stream faults: reported by cpal and by our own callback on the audio thread, queued
//! without blocking or printing, then sorted on the control side into what a runner must
//! hear about and what is only counted.
//!
//! * An error that costs no audio (ALSA's PulseAudio plugin failing a delay query after
//!   an underrun, hundreds of times) is counted in [`Diagnostics`], never shown.
//! * An underrun while nothing plays costs nothing either: counted, not shown.
//! * Underruns while playing are episodes: the first is reported at once, later ones in
//!   the same minute are added up and reported once when the minute is over.
//! * A dead stream (device gone, stream invalidated) is reported at once.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cpal::ErrorKind;
use crossbeam_channel::{Receiver, Sender, bounded};

/// Errors kept until the control side reads them; more are counted, not queued.
const FAULT_CAPACITY: usize = 32;
/// At most one report of each kind in this long.
pub const REPORT_EVERY: Duration = Duration::from_secs(60);

/// Something a runner should know about the output.
#[derive(Clone, Debug)]
pub enum Fault {
    /// The output ran dry while playing, `count` times since the last report.
    /// The engine skipped the lost time, so the clicks after it kept their grid.
    Underruns { count: u64, lost: Duration },
    /// Repeated underruns: the output was reopened with a larger buffer.
    BufferGrown { frames: u32, sample_rate: u32 },
    /// The default output changed (headphones plugged in, say) and the sound followed.
    Followed { device: String },
    /// Another error from the audio backend, `times` times since the last report.
    Stream { error: cpal::Error, times: u64 },
}

impl Fault {
    /// True when the stream will not recover by itself: the device is gone or the stream
    /// was invalidated, so the output must be reopened.
    pub fn is_fatal(&self) -> bool {
        match self {
            Self::Stream { error, .. } => is_fatal_kind(error.kind()),
            _ => false,
        }
    }

    /// True for underruns: audio was lost.
    pub fn is_underrun(&self) -> bool {
        matches!(self, Self::Underruns { .. })
    }
}

fn is_fatal_kind(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::DeviceNotAvailable | ErrorKind::StreamInvalidated
    )
}

impl std::error::Error for Fault {}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Underruns { count, lost } => {
                let what = if *count == 1 {
                    "1 underrun".to_owned()
                } else {
                    format!("{count} underruns")
                };
                write!(
                    f,
                    "{what} in the last minute ({:.0} ms of sound lost); a click may have \
                     been missed, the rhythm is kept",
                    lost.as_secs_f64() * 1e3
                )
            }
            Self::BufferGrown {
                frames,
                sample_rate,
            } => write!(
                f,
                "the output was too slow for this machine; now using {:.0} ms buffers",
                f64::from(*frames) * 1e3 / f64::from((*sample_rate).max(1))
            ),
            Self::Followed { device } => write!(f, "the sound moved to '{device}'"),
            Self::Stream { error, times } => {
                match error.kind() {
                    ErrorKind::DeviceNotAvailable => write!(
                        f,
                        "the audio device went away ({error}); reconnect it or pick another device"
                    ),
                    ErrorKind::StreamInvalidated => write!(
                        f,
                        "the audio stream stopped working ({error}); start playing again"
                    ),
                    ErrorKind::DeviceChanged => {
                        f.write_str("the audio device changed its settings")
                    }
                    _ => write!(f, "audio stream error: {error}"),
                }?;
                if *times > 1 {
                    write!(f, " ({times} times)")?;
                }
                Ok(())
            }
        }
    }
}

/// How a backend error is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Costs no audio: counted only.
    Harmless,
    Underrun,
    /// The stream is dead.
    Fatal,
    Other,
}

/// Sorts a backend error. ALSA's PulseAudio plugin fails its delay and status queries
/// (`snd_pcm_avail_delay`, `snd_pcm_status`) with I/O errors around underruns; cpal
/// only wanted a timestamp from them, the samples still went out.
pub(crate) fn classify(error: &cpal::Error) -> Class {
    let message = error.message().unwrap_or_default();
    match error.kind() {
        kind if is_fatal_kind(kind) => Class::Fatal,
        ErrorKind::Xrun => Class::Underrun,
        _ if [
            "snd_pcm_avail_delay",
            "snd_pcm_status",
            "timestamp",
            "htstamp",
        ]
        .iter()
        .any(|query| message.contains(query)) =>
        {
            Class::Harmless
        }
        _ => Class::Other,
    }
}

/// What was counted but not shown, for diagnostics (`--verbose`, Settings).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// Errors that cost no audio.
    pub harmless_errors: u64,
    /// Underruns while nothing was playing.
    pub idle_underruns: u64,
    /// Underruns while playing, shown or about to be.
    pub underruns: u64,
    /// Frames lost and skipped over to keep the grid.
    pub lost_frames: u64,
    /// Errors that did not fit the queue.
    pub dropped: u64,
}

/// Shared between the audio thread's ends and the control side.
#[derive(Default)]
pub(crate) struct FaultShared {
    dropped: AtomicU64,
    dead: AtomicBool,
    /// Set by the data callback: the engine is playing a program.
    playing: AtomicBool,
    /// Gaps found from the playback times (see `timeline`), and their frames.
    gaps: AtomicU64,
    lost_frames: AtomicU64,
}

impl FaultShared {
    /// Called by the data callback.
    pub(crate) fn set_playing(&self, playing: bool) {
        self.playing.store(playing, Ordering::Relaxed);
    }

    /// Called by the data callback when frames were lost before a buffer.
    pub(crate) fn record_gap(&self, frames: u64) {
        self.lost_frames.fetch_add(frames, Ordering::Relaxed);
        self.gaps.fetch_add(1, Ordering::Release);
    }
}

/// The error callback's end: never blocks, never allocates.
pub(crate) struct FaultSender {
    queue: Sender<(cpal::Error, bool)>,
    shared: Arc<FaultShared>,
}

/// The control side's end, with the state that turns errors into episodes.
pub(crate) struct FaultReceiver {
    queue: Receiver<(cpal::Error, bool)>,
    shared: Arc<FaultShared>,
    sample_rate: u32,
    diagnostics: Diagnostics,
    seen_gaps: u64,
    seen_lost: u64,
    /// Underruns waiting for their minute to be over, and the frames they lost.
    pending: u64,
    pending_lost: u64,
    last_underrun_report: Option<Instant>,
    /// Other errors: one report per kind and message a minute.
    others: Vec<Pending>,
}

struct Pending {
    error: cpal::Error,
    times: u64,
    reported_at: Option<Instant>,
}

pub(crate) fn fault_queue(sample_rate: u32) -> (FaultSender, FaultReceiver) {
    let (tx, rx) = bounded(FAULT_CAPACITY);
    let shared = Arc::new(FaultShared::default());
    (
        FaultSender {
            queue: tx,
            shared: Arc::clone(&shared),
        },
        FaultReceiver {
            queue: rx,
            shared,
            sample_rate: sample_rate.max(1),
            diagnostics: Diagnostics::default(),
            seen_gaps: 0,
            seen_lost: 0,
            pending: 0,
            pending_lost: 0,
            last_underrun_report: None,
            others: Vec::new(),
        },
    )
}

impl FaultSender {
    pub(crate) fn report(&self, error: cpal::Error) {
        if is_fatal_kind(error.kind()) {
            self.shared.dead.store(true, Ordering::Release);
        }
        let playing = self.shared.playing.load(Ordering::Relaxed);
        // When full, the error is dropped here: rare, and only its message is freed.
        if self.queue.try_send((error, playing)).is_err() {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn shared(&self) -> Arc<FaultShared> {
        Arc::clone(&self.shared)
    }
}

impl FaultReceiver {
    /// What a runner should be told now, at most one line per kind per minute.
    pub(crate) fn drain(&mut self, now: Instant) -> Vec<Fault> {
        let mut faults = Vec::new();
        let mut xruns = 0;
        for (error, playing) in self.queue.try_iter().collect::<Vec<_>>() {
            match classify(&error) {
                Class::Harmless => self.diagnostics.harmless_errors += 1,
                Class::Underrun if !playing => self.diagnostics.idle_underruns += 1,
                Class::Underrun => xruns += 1,
                // A dead stream is news at once, every time.
                Class::Fatal => faults.push(Fault::Stream { error, times: 1 }),
                Class::Other => self.add_other(error),
            }
        }
        self.diagnostics.dropped += self.shared.dropped.swap(0, Ordering::Relaxed);

        // The callback finds gaps from the playback times; ALSA also reports xruns. Both
        // describe the same underruns, so the larger count is taken.
        let gaps = self.shared.gaps.load(Ordering::Acquire);
        let lost = self.shared.lost_frames.load(Ordering::Relaxed);
        let new_gaps = gaps - self.seen_gaps;
        let new_lost = lost - self.seen_lost;
        (self.seen_gaps, self.seen_lost) = (gaps, lost);
        let underruns = new_gaps.max(xruns);
        self.diagnostics.underruns += underruns;
        self.diagnostics.lost_frames += new_lost;
        self.pending += underruns;
        self.pending_lost += new_lost;
        let due = self
            .last_underrun_report
            .is_none_or(|at| now.saturating_duration_since(at) >= REPORT_EVERY);
        if self.pending > 0 && due {
            faults.push(Fault::Underruns {
                count: self.pending,
                lost: Duration::from_secs_f64(
                    self.pending_lost as f64 / f64::from(self.sample_rate),
                ),
            });
            self.pending = 0;
            self.pending_lost = 0;
            self.last_underrun_report = Some(now);
        }

        for other in &mut self.others {
            let due = other
                .reported_at
                .is_none_or(|at| now.saturating_duration_since(at) >= REPORT_EVERY);
            if other.times > 0 && due {
                faults.push(Fault::Stream {
                    error: other.error.clone(),
                    times: other.times,
                });
                other.times = 0;
                other.reported_at = Some(now);
            }
        }
        faults
    }

    fn add_other(&mut self, error: cpal::Error) {
        let same = |pending: &&mut Pending| {
            pending.error.kind() == error.kind() && pending.error.message() == error.message()
        };
        if let Some(pending) = self.others.iter_mut().find(same) {
            pending.times += 1;
        } else {
            self.others.push(Pending {
                error,
                times: 1,
                reported_at: None,
            });
        }
    }

    /// Counted so far, shown or not.
    pub(crate) fn diagnostics(&self) -> Diagnostics {
        self.diagnostics
    }

    /// After the output was rebuilt on a working device.
    pub(crate) fn revive(&self) {
        self.shared.dead.store(false, Ordering::Release);
    }

    /// False once a fatal fault was reported.
    pub(crate) fn stream_alive(&self) -> bool {
        !self.shared.dead.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin_noise() -> cpal::Error {
        cpal::Error::with_message(
            ErrorKind::Other,
            "ALSA function 'snd_pcm_avail_delay' failed with error 'I/O error (5)'",
        )
    }

    #[test]
    fn errors_that_cost_no_audio_are_counted_not_shown() {
        let (tx, mut rx) = fault_queue(48_000);
        let now = Instant::now();
        for _ in 0..20 {
            tx.report(plugin_noise());
        }
        // Nothing plays: an underrun then is no news either.
        tx.report(cpal::Error::new(ErrorKind::Xrun));
        assert!(rx.drain(now).is_empty());
        let counted = rx.diagnostics();
        assert_eq!(counted.harmless_errors, 20);
        assert_eq!(counted.idle_underruns, 1);
        assert_eq!(counted.underruns, 0);
        assert!(rx.stream_alive());
    }

    #[test]
    fn underruns_while_playing_come_as_one_line_a_minute() {
        let (tx, mut rx) = fault_queue(48_000);
        let shared = tx.shared();
        shared.set_playing(true);
        let start = Instant::now();
        shared.record_gap(480);
        let first = rx.drain(start);
        assert_eq!(first.len(), 1, "{first:?}");
        assert!(first[0].is_underrun());
        assert_eq!(
            first[0].to_string(),
            "1 underrun in the last minute (10 ms of sound lost); a click may have been \
             missed, the rhythm is kept"
        );
        // Three more within the minute: held back, then told together.
        for second in 1..=3 {
            shared.record_gap(960);
            tx.report(cpal::Error::new(ErrorKind::Xrun));
            assert!(rx.drain(start + Duration::from_secs(second)).is_empty());
        }
        let later = rx.drain(start + REPORT_EVERY);
        assert_eq!(later.len(), 1, "{later:?}");
        assert!(
            later[0]
                .to_string()
                .starts_with("3 underruns in the last minute (60 ms")
        );
        assert!(rx.drain(start + 2 * REPORT_EVERY).is_empty());
        assert_eq!(rx.diagnostics().underruns, 4);
        assert_eq!(rx.diagnostics().lost_frames, 480 + 3 * 960);
    }

    #[test]
    fn other_errors_are_merged_and_a_dead_stream_is_news_at_once() {
        let (tx, mut rx) = fault_queue(48_000);
        let now = Instant::now();
        for _ in 0..FAULT_CAPACITY + 5 {
            tx.report(cpal::Error::with_message(ErrorKind::Other, "odd"));
        }
        let faults = rx.drain(now);
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(
            faults[0].to_string(),
            format!("audio stream error: odd ({FAULT_CAPACITY} times)")
        );
        assert_eq!(rx.diagnostics().dropped, 5);

        tx.report(cpal::Error::new(ErrorKind::DeviceNotAvailable));
        assert!(!rx.stream_alive());
        let faults = rx.drain(now);
        assert_eq!(faults.len(), 1);
        assert!(faults[0].is_fatal());
        assert!(faults[0].to_string().contains("pick another device"));
    }

    #[test]
    fn classification() {
        assert_eq!(classify(&plugin_noise()), Class::Harmless);
        assert_eq!(
            classify(&cpal::Error::new(ErrorKind::Xrun)),
            Class::Underrun
        );
        assert_eq!(
            classify(&cpal::Error::new(ErrorKind::StreamInvalidated)),
            Class::Fatal
        );
        assert_eq!(
            classify(&cpal::Error::with_message(ErrorKind::Other, "disk on fire")),
            Class::Other
        );
    }
}

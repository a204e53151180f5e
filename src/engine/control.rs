//! The messages between the control side (GUI, CLI, exporter) and the audio thread, and
//! the status the audio thread publishes through atomics.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

use super::music::MusicInput;
use super::program::{Accent, CompiledProgram};
use super::sound::ClickSound;

/// Commands for the engine. Anything that owns memory is boxed and built on the control
/// side; the engine hands it back through the trash queue instead of freeing it.
#[derive(Debug)]
pub enum Command {
    /// Start a program from its beginning (or from `at_frame`, to resume after the
    /// output was rebuilt), replacing whatever was playing.
    Start {
        program: Box<CompiledProgram>,
        at_frame: u64,
    },
    /// Stop counting steps; clicks already sounding ring out.
    Stop,
    /// From the next step on, hold this rate (spm). The step already due keeps its time,
    /// so there is no phase jump, no doubled and no skipped click.
    SetRate(f64),
    /// From the next step on, glide to `spm` over `seconds`, then hold.
    GlideTo {
        spm: f64,
        seconds: f64,
    },
    /// Output volume from 0 to 1; the change glides over a few milliseconds.
    SetVolume(f32),
    SetSound(Box<ClickSound>),
    SetAccent(Accent),
    /// Silence the clicks (steps still count and events still flow) or bring them back.
    SetMuted(bool),
    /// Mix music from this ring beside the clicks (replacing any before), or none.
    SetMusic(Option<Box<MusicInput>>),
    /// Music volume from 0 to 1.
    SetMusicVolume(f32),
    /// The same music from a new ring (retimed after a rate change, or with a song
    /// skipped), taking over at the ring's first frame: the old ring fades out there
    /// as the new one fades in, over a few milliseconds.
    SpliceMusic(Box<MusicInput>),
}

/// What the engine reports. Sent without blocking; when the queue is full the event is
/// dropped and counted in [`EngineStatus::dropped_events`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EngineEvent {
    Step {
        /// 0 for the first step of the session.
        index: u64,
        /// Session frame at which the click starts.
        frame: u64,
        accented: bool,
        /// False while muted (by the user or by the feedback schedule).
        audible: bool,
        /// When the click reaches the listener, if the output reported its latency.
        audible_at: Option<Instant>,
    },
    /// The program reached its end.
    Finished { frames: u64, steps: u64 },
    /// Stopped on request.
    Stopped { frames: u64, steps: u64 },
}

/// Things the engine no longer needs, to be freed on the control side.
#[derive(Debug)]
pub enum Retired {
    Program(Box<CompiledProgram>),
    Sound(Box<ClickSound>),
    Music(Box<MusicInput>),
}

/// Live figures written by the audio thread after every buffer, read by anyone.
#[derive(Debug, Default)]
pub struct EngineStatus {
    playing: AtomicBool,
    elapsed_frames: AtomicU64,
    steps: AtomicU64,
    spm_bits: AtomicU64,
    active_voices: AtomicU32,
    muted: AtomicBool,
    dropped_events: AtomicU64,
    dropped_clicks: AtomicU64,
    leaked: AtomicU64,
    buffers: AtomicU64,
    skipped_frames: AtomicU64,
}

/// A consistent-enough copy of [`EngineStatus`] for display.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StatusSnapshot {
    pub playing: bool,
    pub elapsed_frames: u64,
    pub steps: u64,
    pub spm: f64,
    pub active_voices: u32,
    pub muted: bool,
    pub dropped_events: u64,
    pub dropped_clicks: u64,
    /// Items the engine could neither keep nor hand back (should stay 0).
    pub leaked: u64,
    /// Buffers rendered so far: a heartbeat for watchdogs.
    pub buffers: u64,
    /// Frames the output lost and the engine skipped to stay on the grid.
    pub skipped_frames: u64,
}

impl EngineStatus {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn publish(
        &self,
        playing: bool,
        elapsed_frames: u64,
        steps: u64,
        spm: f64,
        active_voices: usize,
        muted: bool,
    ) {
        self.playing.store(playing, Ordering::Relaxed);
        self.elapsed_frames.store(elapsed_frames, Ordering::Relaxed);
        self.steps.store(steps, Ordering::Relaxed);
        self.spm_bits.store(spm.to_bits(), Ordering::Relaxed);
        self.active_voices.store(
            u32::try_from(active_voices).unwrap_or(u32::MAX),
            Ordering::Relaxed,
        );
        self.muted.store(muted, Ordering::Relaxed);
        self.buffers.fetch_add(1, Ordering::Release);
    }

    pub(crate) fn count_dropped_event(&self) {
        self.dropped_events.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_dropped_click(&self) {
        self.dropped_clicks.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_skipped(&self, frames: u64) {
        self.skipped_frames.fetch_add(frames, Ordering::Relaxed);
    }

    pub(crate) fn count_leak(&self) {
        self.leaked.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> StatusSnapshot {
        StatusSnapshot {
            buffers: self.buffers.load(Ordering::Acquire),
            playing: self.playing.load(Ordering::Relaxed),
            elapsed_frames: self.elapsed_frames.load(Ordering::Relaxed),
            steps: self.steps.load(Ordering::Relaxed),
            spm: f64::from_bits(self.spm_bits.load(Ordering::Relaxed)),
            active_voices: self.active_voices.load(Ordering::Relaxed),
            muted: self.muted.load(Ordering::Relaxed),
            dropped_events: self.dropped_events.load(Ordering::Relaxed),
            dropped_clicks: self.dropped_clicks.load(Ordering::Relaxed),
            leaked: self.leaked.load(Ordering::Relaxed),
            skipped_frames: self.skipped_frames.load(Ordering::Relaxed),
        }
    }
}

//! The flash's bookkeeping: which steps the engine reported, the next one foreseen
//! between events, and what is lit now.

use std::collections::VecDeque;
use std::time::Instant;

use super::{EARLY, Figures, Flash, flash_length, seconds_to_duration, shift};
use crate::engine::{EngineEvent, EngineHandle};

#[derive(Clone, Copy, Debug)]
pub(super) struct SeenStep {
    pub(super) index: u64,
    /// Heard, or muted by the feedback schedule.
    pub(super) audible: bool,
    /// Session time of the step.
    pub(super) seconds: f64,
    /// When its flash was due (the click's time shifted by the visual offset).
    pub(super) flash_at: Instant,
}

/// The next step as foreseen between events.
#[derive(Clone, Copy, Debug)]
pub(super) struct Foreseen {
    pub(super) flash: Flash,
    /// Its click will sound (not in a planned run's quiet stretch).
    pub(super) audible: bool,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Run {
    pub(super) last_step: Option<SeenStep>,
    /// The engine's heartbeat, to notice a stream that died.
    pub(super) buffers: u64,
    pub(super) heartbeat_at: Instant,
    /// Status from before this count of buffers belongs to an earlier run.
    pub(super) start_buffers: u64,
    /// Figures carried over from an output that was replaced mid-run.
    pub(super) floor: Figures,
}

impl Run {
    pub(super) fn new(now: Instant, buffers: u64) -> Self {
        Self {
            last_step: None,
            buffers,
            heartbeat_at: now,
            start_buffers: buffers,
            floor: Figures::default(),
        }
    }
}

pub(super) enum Playback {
    Stopped,
    Playing(Run),
    /// Stop was sent; waiting for the engine's final count.
    Stopping {
        run: Run,
        since: Instant,
    },
}

/// Flash bookkeeping, apart from the output so both can be borrowed at once.
pub(super) struct Beat {
    pub(super) playback: Playback,
    pub(super) pending: VecDeque<Flash>,
    pub(super) lit: Option<Flash>,
    /// The last step flashed (or passed over as silent), from its event or foreseen.
    pub(super) flashed_step: Option<u64>,
    pub(super) shown: u64,
    pub(super) offset_ms: i32,
    pub(super) last_run: Figures,
}

impl Beat {
    /// Takes in the engine's events: step events become flashes while playing.
    pub(super) fn absorb(&mut self, handle: &EngineHandle, now: Instant, spm: u32) {
        let sample_rate = f64::from(handle.config().sample_rate);
        for event in handle.events() {
            match event {
                EngineEvent::Step {
                    index,
                    frame,
                    accented,
                    audible,
                    audible_at,
                } => {
                    // Steps of a preview, or of a run being stopped, show nothing.
                    let Playback::Playing(run) = &mut self.playback else {
                        continue;
                    };
                    let flash_at = shift(audible_at.unwrap_or(now), self.offset_ms);
                    run.last_step = Some(SeenStep {
                        index,
                        audible,
                        seconds: frame as f64 / sample_rate,
                        flash_at,
                    });
                    if self.flashed_step.is_some_and(|flashed| index <= flashed) {
                        // Foreseen and lit already: only its time was a guess.
                        if let Some(lit) = self.lit.as_mut().filter(|lit| lit.step == index) {
                            lit.at = flash_at;
                            lit.accented = accented;
                            if !audible {
                                self.lit = None;
                            }
                        }
                        continue;
                    }
                    self.flashed_step = Some(index);
                    if !audible {
                        // A planned run's quiet stretch: no click, so no flash either;
                        // the runner keeps the rate alone.
                        continue;
                    }
                    let mut at = flash_at;
                    if at + flash_length(spm) <= now {
                        // Late (the offset asks for more than the output's lead): show
                        // it now rather than not at all.
                        at = now;
                    }
                    self.pending.push_back(Flash {
                        at,
                        accented,
                        step: index,
                    });
                }
                // Only the stop we asked for ends a run: a quick Stop-Start may leave
                // the first run's Stopped event behind.
                EngineEvent::Stopped { frames, steps } => {
                    if matches!(self.playback, Playback::Stopping { .. }) {
                        self.finish(frames as f64 / sample_rate, steps);
                    }
                }
                EngineEvent::Finished { frames, steps } => {
                    if !matches!(self.playback, Playback::Stopped) {
                        self.finish(frames as f64 / sample_rate, steps);
                    }
                }
            }
        }
    }

    pub(super) fn finish(&mut self, seconds: f64, steps: u64) {
        let floor = match &self.playback {
            Playback::Playing(run) | Playback::Stopping { run, .. } => run.floor,
            Playback::Stopped => Figures::default(),
        };
        self.last_run = Figures {
            elapsed: seconds_to_duration(seconds).max(floor.elapsed),
            steps: steps.max(floor.steps),
        };
        self.playback = Playback::Stopped;
        self.reset();
    }

    /// Clears what the last run left.
    pub(super) fn reset(&mut self) {
        self.pending.clear();
        self.lit = None;
        self.flashed_step = None;
    }

    /// Lights the latest flash that is due (from its event, or foreseen when the event
    /// is not in yet), and puts out one that has run its length.
    pub(super) fn advance(&mut self, now: Instant, spm: u32, foreseen: Option<Flash>) {
        let length = flash_length(spm);
        if self.pending.is_empty()
            && let Some(next) = foreseen.filter(|next| next.at <= now + EARLY)
        {
            // The step's event comes with the buffer that holds it, which may be
            // rendered after the flash is due (the silent clock renders by the wall
            // clock): light it when due, and let the event correct it.
            self.flashed_step = Some(next.step);
            self.pending.push_back(next);
        }
        while let Some(next) = self.pending.front().copied() {
            if next.at > now + EARLY {
                break;
            }
            self.pending.pop_front();
            if now < next.at + length {
                self.lit = Some(next);
                self.shown += 1;
            }
        }
        if self.lit.is_some_and(|lit| now >= lit.at + length) {
            self.lit = None;
        }
    }
}

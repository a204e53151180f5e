//! Cues: short tone figures at each change of a planned run (the glide starts, the
//! target is reached, the clicks fade out or come back, the run is over), so a runner
//! hears what is happening without looking at a screen.
//!
//! A cue belongs to a gap between two steps, not to a time: it sounds after step
//! `after_step` has rung out and ends before the next step, so it never masks a click,
//! and a live rate change moves it with the steps. Its sounds are soft-edged pitch
//! figures, nothing like the sharp attack of a click.

use std::f32::consts::{PI, TAU};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::tempo::TempoTrack;

/// What a cue announces. Each has its own figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CueKind {
    /// The warm-up is over: the rate starts rising (a sweep up).
    RateUp,
    /// The target is reached: hold it (two equal notes).
    AtTarget,
    /// The cool-down starts: the rate falls (a sweep down).
    RateDown,
    /// The clicks stop after the next one: keep the rhythm alone (two falling notes).
    ClicksOff,
    /// The clicks come back with the next step (two rising notes).
    ClicksBack,
    /// The run is over (three rising notes).
    Finish,
}

impl CueKind {
    pub const ALL: [CueKind; 6] = [
        Self::RateUp,
        Self::AtTarget,
        Self::RateDown,
        Self::ClicksOff,
        Self::ClicksBack,
        Self::Finish,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The figure at `sample_rate`. Allocates: the engine makes them when it is built.
    pub fn samples(self, sample_rate: u32) -> Vec<f32> {
        synthesize(self, sample_rate)
    }

    /// What the runner should take it to mean, for the README and the screen.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::RateUp => "warm-up over: the rate rises",
            Self::AtTarget => "target reached: hold it",
            Self::RateDown => "cool-down: the rate falls",
            Self::ClicksOff => "clicks stop after the next one: keep the rhythm",
            Self::ClicksBack => "clicks come back",
            Self::Finish => "run over",
        }
    }
}

/// A cue in the gap between the two steps around `at_seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CueMark {
    pub at_seconds: f64,
    pub kind: CueKind,
}

/// A cue compiled to the step it follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompiledCue {
    pub after_step: u64,
    pub kind: CueKind,
}

/// Longest cue figure: it must fit in the gap between clicks at 250 spm (240 ms) after
/// the longest built-in click (70 ms).
pub const MAX_CUE_SECONDS: f32 = 0.11;
/// Loudest sample of a cue: under an unaccented click, so it informs without startling.
pub const CUE_PEAK: f32 = 0.35;
/// Each note swells in and out over this long, so a cue has no sharp edge.
const NOTE_EDGE_SECONDS: f32 = 0.008;

/// Maps each mark to the gap it falls in: after the last step before it. Marks that fall
/// in the same gap keep the first. Allocates: done when a program is compiled.
pub fn compile_cues(marks: &[CueMark], tempo: &TempoTrack, sample_rate: u32) -> Vec<CompiledCue> {
    let rate = f64::from(sample_rate);
    let mut cues: Vec<CompiledCue> = marks
        .iter()
        .filter(|mark| mark.at_seconds.is_finite() && mark.at_seconds >= 0.0)
        .map(|mark| {
            let steps = tempo.steps_at_frame(mark.at_seconds * rate);
            let first_at_or_after = steps.ceil().max(0.0) as u64;
            CompiledCue {
                after_step: first_at_or_after.saturating_sub(1),
                kind: mark.kind,
            }
        })
        .collect();
    // Stable: the first of two marks in one gap stays first and wins.
    cues.sort_by_key(|cue| cue.after_step);
    cues.dedup_by_key(|cue| cue.after_step);
    cues
}

/// The frame a cue of `cue_len` frames starts on: centred in the quiet between the end
/// of the click at `click` (`click_len` frames long) and the next step, or centred in the
/// whole gap when a long custom click leaves no quiet big enough.
pub fn cue_start(click: u64, click_len: u64, next_click: u64, cue_len: u64) -> u64 {
    let quiet_from = click.saturating_add(click_len);
    let (from, to) = if next_click.saturating_sub(quiet_from) >= cue_len {
        (quiet_from, next_click)
    } else {
        (click, next_click)
    };
    let room = to.saturating_sub(from).saturating_sub(cue_len);
    from + room / 2
}

/// The cue figures at one sample rate and the position in a program's cue list. Built
/// with the engine (off the audio thread); using it never allocates.
pub struct CuePlayer {
    sounds: [Arc<[f32]>; 6],
    cursor: usize,
}

impl CuePlayer {
    pub fn new(sample_rate: u32) -> Self {
        Self {
            sounds: CueKind::ALL.map(|kind| kind.samples(sample_rate).into()),
            cursor: 0,
        }
    }

    pub fn sound(&self, kind: CueKind) -> &Arc<[f32]> {
        &self.sounds[kind.index()]
    }

    /// Starts a program at `first_step`: cues of earlier gaps are skipped.
    pub fn restart(&mut self, cues: &[CompiledCue], first_step: u64) {
        self.cursor = cues.partition_point(|cue| cue.after_step < first_step);
    }

    /// The cue due after `step`, if any, moving past it. Call once per step, in order.
    pub fn after(&mut self, cues: &[CompiledCue], step: u64) -> Option<&Arc<[f32]>> {
        while let Some(cue) = cues.get(self.cursor) {
            if cue.after_step > step {
                return None;
            }
            self.cursor += 1;
            if cue.after_step == step {
                return Some(self.sound(cue.kind));
            }
        }
        None
    }
}

/// Notes as `(start, length, from Hz, to Hz)` in seconds: sweeps for rate changes,
/// steps of a fifth or a third for the clicks, a rising triad to finish.
fn figure(kind: CueKind) -> &'static [(f32, f32, f32, f32)] {
    match kind {
        CueKind::RateUp => &[(0.0, 0.1, 660.0, 1_320.0)],
        CueKind::RateDown => &[(0.0, 0.1, 1_320.0, 660.0)],
        CueKind::AtTarget => &[(0.0, 0.045, 990.0, 990.0), (0.055, 0.045, 990.0, 990.0)],
        CueKind::ClicksOff => &[(0.0, 0.05, 1_175.0, 1_175.0), (0.05, 0.05, 784.0, 784.0)],
        CueKind::ClicksBack => &[(0.0, 0.05, 784.0, 784.0), (0.05, 0.05, 1_175.0, 1_175.0)],
        CueKind::Finish => &[
            (0.0, 0.036, 784.0, 784.0),
            (0.036, 0.036, 988.0, 988.0),
            (0.072, 0.036, 1_175.0, 1_175.0),
        ],
    }
}

/// Sine notes with a soft octave and raised-cosine edges, scaled to [`CUE_PEAK`].
fn synthesize(kind: CueKind, sample_rate: u32) -> Vec<f32> {
    let rate = sample_rate.max(1) as f32;
    let notes = figure(kind);
    let length = notes
        .iter()
        .map(|&(start, len, _, _)| start + len)
        .fold(0.0f32, f32::max)
        .min(MAX_CUE_SECONDS);
    let mut samples = vec![0.0f32; (length * rate).ceil() as usize];
    for &(start, len, from, to) in notes {
        let first = (start * rate) as usize;
        let frames = (len * rate) as usize;
        let edge = ((NOTE_EDGE_SECONDS * rate) as usize).clamp(1, frames / 2);
        let mut phase = 0.0f32;
        for i in 0..frames {
            let Some(target) = samples.get_mut(first + i) else {
                break;
            };
            let frequency = from + (to - from) * i as f32 / frames as f32;
            phase = (phase + TAU * frequency / rate) % TAU;
            let from_edge = i.min(frames - 1 - i);
            let envelope = if from_edge < edge {
                0.5 * (1.0 - (PI * from_edge as f32 / edge as f32).cos())
            } else {
                1.0
            };
            *target += envelope * (phase.sin() + 0.25 * (2.0 * phase).sin());
        }
    }
    let loudest = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if loudest > 0.0 {
        samples.iter_mut().for_each(|s| *s *= CUE_PEAK / loudest);
    }
    samples
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::TempoMap;

    #[test]
    fn cue_figures_are_short_soft_edged_and_distinct() {
        for rate in [8_000, 24_000, 48_000] {
            let player = CuePlayer::new(rate);
            for kind in CueKind::ALL {
                let sound = player.sound(kind);
                let loudest = sound.iter().fold(0.0f32, |m, s| m.max(s.abs()));
                assert!((loudest - CUE_PEAK).abs() < 1e-5, "{kind:?}");
                assert!(sound.len() as f32 <= MAX_CUE_SECONDS * rate as f32 + 1.0);
                // Unlike a click, a cue starts and ends at silence.
                assert!(sound[0].abs() < 0.01 && sound.last().unwrap().abs() < 0.01);
            }
            for (i, a) in CueKind::ALL.iter().enumerate() {
                for b in &CueKind::ALL[i + 1..] {
                    assert_ne!(player.sound(*a), player.sound(*b), "{a:?} and {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_cue_sits_in_the_gap_around_its_time() {
        // 120 spm at 1000 Hz: a step every 500 frames.
        let tempo = TempoMap::steady(120.0).compile(1_000);
        let marks = [
            CueMark {
                at_seconds: 1.2,
                kind: CueKind::AtTarget,
            },
            CueMark {
                at_seconds: 1.0,
                kind: CueKind::RateUp,
            },
            // Same gap as the first: dropped.
            CueMark {
                at_seconds: 1.4,
                kind: CueKind::Finish,
            },
        ];
        let cues = compile_cues(&marks, &tempo, 1_000);
        // 1.0 s is step 2 itself: the gap before it, after step 1. 1.2 s: after step 2.
        assert_eq!(
            cues,
            [
                CompiledCue {
                    after_step: 1,
                    kind: CueKind::RateUp
                },
                CompiledCue {
                    after_step: 2,
                    kind: CueKind::AtTarget
                },
            ]
        );
        let mut player = CuePlayer::new(1_000);
        player.restart(&cues, 2);
        assert!(player.after(&cues, 2).is_some());
        assert!(player.after(&cues, 3).is_none());
    }

    #[test]
    fn cues_start_after_the_click_and_end_before_the_next() {
        assert_eq!(cue_start(1_000, 40, 1_240, 110), 1_040 + 45);
        // A long click leaves no room: centred in the whole gap.
        assert_eq!(cue_start(1_000, 300, 1_240, 110), 1_000 + 65);
        let start = cue_start(0, 70, 240, 110);
        assert!(start >= 70 && start + 110 <= 240);
    }
}

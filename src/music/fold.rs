//! From a song's tempo to the runner's step rate.
//!
//! A song's beats map onto steps one to one, two steps to a beat (half-time songs: 84
//! BPM is 168 steps a minute) or two beats to a step. Folding by factors of two makes a
//! tracker's half- or double-tempo answer harmless: both give the same step rate.

use serde::{Deserialize, Serialize};

/// The stretch a song may get: within 8% either way. Van Dyck et al. (2015) found 1-3%
/// tempo shifts pass unnoticed; a pitch-preserving stretch of up to 8% still sounds like
/// the song, while beyond about 10% drums smear and voices sound off. At 8% a library
/// of songs between 150 and 190 BPM covers any target from about 160 to 180 spm.
pub const MIN_RATIO: f64 = 0.92;
pub const MAX_RATIO: f64 = 1.08;

/// A song tempo counted in steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Folded {
    /// The song's unstretched tempo in steps per minute.
    pub spm: f64,
    /// Steps per beat: 1, 2 (half-time), 0.5 (double-time), ...
    pub steps_per_beat: f64,
}

/// Folds `bpm` by factors of two into the octave around `target_spm` (from 1/√2 to √2
/// times the target).
pub fn fold(bpm: f64, target_spm: f64) -> Folded {
    let mut steps_per_beat = 1.0;
    if !(bpm > 0.0 && bpm.is_finite() && target_spm > 0.0) {
        return Folded {
            spm: bpm,
            steps_per_beat,
        };
    }
    let low = target_spm / std::f64::consts::SQRT_2;
    while bpm * steps_per_beat < low {
        steps_per_beat *= 2.0;
    }
    while bpm * steps_per_beat >= low * 2.0 {
        steps_per_beat /= 2.0;
    }
    Folded {
        spm: bpm * steps_per_beat,
        steps_per_beat,
    }
}

/// Whether a song suits a target step rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Fit {
    /// Played stretched by `ratio` (target / song: above 1 speeds the song up).
    Fits { ratio: f64 },
    /// It would have to be sped up by more than 8%.
    TooSlow { ratio: f64 },
    /// It would have to be slowed down by more than 8%.
    TooFast { ratio: f64 },
}

impl Fit {
    pub fn of(folded_spm: f64, target_spm: f64) -> Self {
        let ratio = target_spm / folded_spm;
        if ratio > MAX_RATIO {
            Fit::TooSlow { ratio }
        } else if ratio < MIN_RATIO {
            Fit::TooFast { ratio }
        } else {
            Fit::Fits { ratio }
        }
    }

    pub fn fits(&self) -> bool {
        matches!(self, Fit::Fits { .. })
    }

    /// A few words for a listing: "fits (+2.9%)", "too slow (needs +11.0%)".
    pub fn describe(&self) -> String {
        let percent = |ratio: f64| (ratio - 1.0) * 100.0;
        match *self {
            Fit::Fits { ratio } => format!("fits ({:+.1}%)", percent(ratio)),
            Fit::TooSlow { ratio } => format!("too slow (needs {:+.1}%)", percent(ratio)),
            Fit::TooFast { ratio } => format!("too fast (needs {:+.1}%)", percent(ratio)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_time_and_double_time_fold_to_the_same_step_rate() {
        assert_eq!(fold(84.0, 170.0).spm, 168.0);
        assert_eq!(fold(84.0, 170.0).steps_per_beat, 2.0);
        assert_eq!(fold(168.0, 170.0).spm, 168.0);
        assert_eq!(fold(336.0, 170.0).steps_per_beat, 0.5);
        assert_eq!(fold(42.0, 170.0).spm, 168.0);
    }

    #[test]
    fn songs_fit_within_eight_percent() {
        assert!(Fit::of(168.0, 172.0).fits());
        assert!(matches!(Fit::of(150.0, 172.0), Fit::TooSlow { .. }));
        assert!(matches!(Fit::of(190.0, 172.0), Fit::TooFast { .. }));
        assert_eq!(Fit::of(160.0, 164.8).describe(), "fits (+3.0%)");
    }
}

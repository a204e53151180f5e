//! What the engine plays: a tempo map, a length and a feedback schedule, plus the
//! accent pattern. Built and compiled on the control side, then sent to the audio thread.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::cue::{CompiledCue, CueMark, compile_cues};
use super::tempo::{TempoMap, TempoTrack, nearest_frame};

/// A session as the engine sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub tempo: TempoMap,
    /// How long the session lasts, or `None` to run until stopped.
    pub seconds: Option<f64>,
    /// When clicks go silent and come back (faded feedback), in rising time order.
    /// Steps go on being counted while muted.
    pub feedback: Vec<FeedbackChange>,
    /// Cues at the changes of a planned run. Absent from programs saved before cues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<CueMark>,
}

/// From `at_seconds` on, clicks are audible or not.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackChange {
    pub at_seconds: f64,
    pub audible: bool,
}

impl Program {
    /// One rate, until stopped or for `seconds`.
    pub fn steady(spm: f64, seconds: Option<f64>) -> Self {
        Self {
            tempo: TempoMap::steady(spm),
            seconds,
            feedback: Vec::new(),
            cues: Vec::new(),
        }
    }

    /// Glide from `from_spm` to `to_spm` over `glide_seconds`, then hold.
    pub fn glide_then_hold(
        from_spm: f64,
        to_spm: f64,
        glide_seconds: f64,
        seconds: Option<f64>,
    ) -> Self {
        Self {
            tempo: TempoMap::glide_then_hold(from_spm, to_spm, glide_seconds),
            seconds,
            feedback: Vec::new(),
            cues: Vec::new(),
        }
    }

    /// Compiles for one sample rate. Allocates: do it off the audio thread.
    pub fn compile(&self, sample_rate: u32) -> CompiledProgram {
        let rate = f64::from(sample_rate);
        let mut feedback: Vec<(u64, bool)> = self
            .feedback
            .iter()
            .filter(|change| change.at_seconds.is_finite())
            .map(|change| (nearest_frame(change.at_seconds * rate), change.audible))
            .collect();
        feedback.sort_by_key(|&(frame, _)| frame);
        let tempo = self.tempo.compile(sample_rate);
        CompiledProgram {
            cues: compile_cues(&self.cues, &tempo, sample_rate),
            tempo,
            end_frame: self
                .seconds
                .filter(|s| s.is_finite())
                .map(|s| nearest_frame(s * rate)),
            feedback,
        }
    }
}

/// A [`Program`] in frames.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledProgram {
    pub(crate) tempo: TempoTrack,
    pub(crate) end_frame: Option<u64>,
    /// `(frame, audible)` in rising frame order.
    pub(crate) feedback: Vec<(u64, bool)>,
    /// In rising step order.
    pub(crate) cues: Vec<CompiledCue>,
}

impl CompiledProgram {
    pub fn tempo(&self) -> &TempoTrack {
        &self.tempo
    }

    pub fn end_frame(&self) -> Option<u64> {
        self.end_frame
    }

    pub fn cues(&self) -> &[CompiledCue] {
        &self.cues
    }
}

/// Which steps sound accented.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Accent {
    /// Every step sounds the same.
    #[default]
    None,
    /// Steps 0, n, 2n, ... are accented; `Every(2)` marks one foot.
    Every(u32),
}

impl Accent {
    /// Longest accent pattern accepted: a bar of a waltz is 3, a long phrase 16.
    pub const MAX_EVERY: u32 = 16;

    pub fn is_accented(self, step: u64) -> bool {
        match self {
            Accent::None => false,
            Accent::Every(n) => n > 0 && step.is_multiple_of(u64::from(n)),
        }
    }
}

impl fmt::Display for Accent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Accent::None => f.write_str("none"),
            Accent::Every(n) => write!(f, "{n}"),
        }
    }
}

impl FromStr for Accent {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("none") {
            return Ok(Accent::None);
        }
        match text.parse::<u32>() {
            Ok(n) if (2..=Self::MAX_EVERY).contains(&n) => Ok(Accent::Every(n)),
            _ => Err(format!(
                "accent must be 'none' or a whole number of steps from 2 to {} (2 accents one foot), not '{text}'",
                Self::MAX_EVERY
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_parse_and_mark_steps() {
        assert_eq!("none".parse(), Ok(Accent::None));
        assert_eq!("2".parse(), Ok(Accent::Every(2)));
        assert!("1".parse::<Accent>().is_err());
        assert!("17".parse::<Accent>().is_err());
        assert!("x".parse::<Accent>().unwrap_err().contains("one foot"));
        let marked: Vec<u64> = (0..7)
            .filter(|&s| Accent::Every(3).is_accented(s))
            .collect();
        assert_eq!(marked, [0, 3, 6]);
        assert!(!Accent::None.is_accented(0));
    }

    #[test]
    fn compile_sorts_feedback_and_rounds_the_end() {
        let program = Program {
            feedback: vec![
                FeedbackChange {
                    at_seconds: 2.0,
                    audible: true,
                },
                FeedbackChange {
                    at_seconds: 1.0,
                    audible: false,
                },
            ],
            ..Program::steady(170.0, Some(1.5))
        };
        let compiled = program.compile(1_000);
        assert_eq!(compiled.feedback, [(1_000, false), (2_000, true)]);
        assert_eq!(compiled.end_frame, Some(1_500));
    }
}

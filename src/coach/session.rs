//! One run as the runner sees it: warm up at the current rate, glide to today's target,
//! hold it, and optionally glide back down, with clicks that may come and go.
//!
//! [`SessionProfile::compile`] turns it into the engine's [`Program`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{CoachError, check_int};
use crate::engine::{CueKind, CueMark, FeedbackChange, Program, Segment, TempoMap};

/// Slowest rate a session may play, in spm (a brisk walk).
pub const MIN_SESSION_SPM: u16 = 60;
/// Fastest rate a session may play, in spm.
pub const MAX_SESSION_SPM: u16 = 250;

/// How long each part of a run lasts, in whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTimes {
    /// At the start rate, 0 to 3600 s.
    pub warm_up_seconds: u32,
    /// Gliding from the start rate to the target, 0 to 3600 s.
    pub glide_seconds: u32,
    /// At the target, 0 to 14 400 s (4 hours).
    pub hold_seconds: u32,
    /// Gliding from the target back to the start rate, 0 to 3600 s; `None`: no cool-down.
    pub cool_down_seconds: Option<u32>,
}

impl SessionTimes {
    pub const MAX_WARM_UP_SECONDS: u32 = 3_600;
    pub const MAX_GLIDE_SECONDS: u32 = 3_600;
    pub const MAX_HOLD_SECONDS: u32 = 14_400;
    pub const MAX_COOL_DOWN_SECONDS: u32 = 3_600;

    /// Seconds from the start to the end of the cool-down.
    pub fn total_seconds(&self) -> u32 {
        self.warm_up_seconds
            .saturating_add(self.glide_seconds)
            .saturating_add(self.hold_seconds)
            .saturating_add(self.cool_down_seconds.unwrap_or(0))
    }

    /// The same run with the held part shortened by `percent` (whole seconds).
    pub fn with_hold_shortened(self, percent: u8) -> Self {
        let keep = 100 - u64::from(percent.min(100));
        Self {
            hold_seconds: (u64::from(self.hold_seconds) * keep / 100) as u32,
            ..self
        }
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        check_int(
            "the warm-up (seconds)",
            self.warm_up_seconds,
            0,
            Self::MAX_WARM_UP_SECONDS,
        )?;
        check_int(
            "the glide to the target (seconds)",
            self.glide_seconds,
            0,
            Self::MAX_GLIDE_SECONDS,
        )?;
        check_int(
            "the time at the target (seconds)",
            self.hold_seconds,
            0,
            Self::MAX_HOLD_SECONDS,
        )?;
        if let Some(seconds) = self.cool_down_seconds {
            check_int(
                "the cool-down (seconds)",
                seconds,
                0,
                Self::MAX_COOL_DOWN_SECONDS,
            )?;
        }
        if self.total_seconds() == 0 {
            return Err(CoachError::Inconsistent(
                "a session with no warm-up, glide, hold or cool-down would not play; give \
                 it at least some time at the target"
                    .into(),
            ));
        }
        Ok(())
    }
}

impl Default for SessionTimes {
    /// 5 min warm-up, 2 min glide, 20 min at the target, 3 min cool-down.
    fn default() -> Self {
        Self {
            warm_up_seconds: 5 * 60,
            glide_seconds: 2 * 60,
            hold_seconds: 20 * 60,
            cool_down_seconds: Some(3 * 60),
        }
    }
}

/// When the clicks sound while the target is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedbackDuty {
    /// Clicks throughout.
    Always,
    /// Clicks for `on_seconds`, silence for `off_seconds`, repeated; each 5 to 1800 s.
    Cycle { on_seconds: u32, off_seconds: u32 },
}

impl FeedbackDuty {
    pub const MIN_SECONDS: u32 = 5;
    pub const MAX_SECONDS: u32 = 1_800;

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        if let FeedbackDuty::Cycle {
            on_seconds,
            off_seconds,
        } = *self
        {
            check_int(
                "the time clicks sound in a cycle (seconds)",
                on_seconds,
                Self::MIN_SECONDS,
                Self::MAX_SECONDS,
            )?;
            check_int(
                "the silent time in a cycle (seconds)",
                off_seconds,
                Self::MIN_SECONDS,
                Self::MAX_SECONDS,
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for FeedbackDuty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FeedbackDuty::Always => f.write_str("clicks throughout"),
            FeedbackDuty::Cycle {
                on_seconds,
                off_seconds,
            } if on_seconds < off_seconds => write!(
                f,
                "{} of clicks every {}",
                Span(on_seconds),
                Span(on_seconds.saturating_add(off_seconds))
            ),
            FeedbackDuty::Cycle {
                on_seconds,
                off_seconds,
            } => write!(
                f,
                "clicks {} on / {} off",
                Span(on_seconds),
                Span(off_seconds)
            ),
        }
    }
}

/// A run: rates, times and clicks.
///
/// Clicks always sound during the warm-up, the glide and the cool-down: the rate is new
/// or changing there and the runner needs the cue. The [`FeedbackDuty`] applies to the
/// held part only and starts with clicks on, at the start of the hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionProfile {
    /// Warm-up rate (the runner's current rate), in spm, 60 to 250.
    pub start_spm: u16,
    /// Today's target, in spm, 60 to 250.
    pub target_spm: u16,
    pub times: SessionTimes,
    pub feedback: FeedbackDuty,
}

impl SessionProfile {
    /// Seconds from the start of the run to the start of the hold.
    pub fn hold_starts_at(&self) -> u32 {
        self.times
            .warm_up_seconds
            .saturating_add(self.times.glide_seconds)
    }

    /// Seconds from the start of the run to the end of the hold.
    pub fn hold_ends_at(&self) -> u32 {
        self.hold_starts_at()
            .saturating_add(self.times.hold_seconds)
    }

    /// The engine program for this run: exact segments and click mute/unmute times.
    pub fn compile(&self) -> Program {
        let start = f64::from(self.start_spm);
        let target = f64::from(self.target_spm);
        let times = &self.times;
        let mut segments = Vec::with_capacity(4);
        if times.warm_up_seconds > 0 {
            segments.push(Segment::Hold {
                spm: start,
                seconds: f64::from(times.warm_up_seconds),
            });
        }
        if times.glide_seconds > 0 {
            segments.push(glide(start, target, times.glide_seconds));
        }
        if times.hold_seconds > 0 {
            segments.push(Segment::Hold {
                spm: target,
                seconds: f64::from(times.hold_seconds),
            });
        }
        if let Some(seconds) = times.cool_down_seconds.filter(|&s| s > 0) {
            segments.push(glide(target, start, seconds));
        }
        let feedback = self.feedback_changes();
        Program {
            tempo: TempoMap { segments },
            seconds: Some(f64::from(times.total_seconds())),
            cues: self.cue_marks(&feedback),
            feedback,
        }
    }

    /// A cue at each change the runner should know of without looking, in time order.
    /// A cue sounds in the gap between the two steps around its time, so the times are
    /// chosen for the gap wanted: "clicks off" one step before the last click, so it
    /// comes while the clicks still sound; "finish" between the last two steps.
    fn cue_marks(&self, feedback: &[FeedbackChange]) -> Vec<CueMark> {
        let times = &self.times;
        let flat = self.start_spm == self.target_spm;
        let hold_start = f64::from(self.hold_starts_at());
        let hold_end = f64::from(self.hold_ends_at());
        let end = f64::from(times.total_seconds());
        let cool_down = times.cool_down_seconds.unwrap_or(0) > 0 && !flat;
        let target_step = 60.0 / f64::from(self.target_spm.max(1));
        let mut marks = Vec::new();
        let mut mark = |at_seconds: f64, kind: CueKind| marks.push(CueMark { at_seconds, kind });
        if times.warm_up_seconds > 0 && times.glide_seconds > 0 && !flat {
            mark(f64::from(times.warm_up_seconds), CueKind::RateUp);
        }
        if hold_start > 0.0 && times.hold_seconds > 0 {
            mark(hold_start, CueKind::AtTarget);
        }
        for change in feedback {
            if !change.audible {
                mark(change.at_seconds - target_step, CueKind::ClicksOff);
            } else if change.at_seconds < hold_end || !cool_down {
                mark(change.at_seconds, CueKind::ClicksBack);
            }
        }
        if cool_down {
            mark(hold_end, CueKind::RateDown);
        }
        let end_spm = if cool_down || times.total_seconds() == times.warm_up_seconds {
            self.start_spm
        } else {
            self.target_spm
        };
        mark(end - 60.0 / f64::from(end_spm.max(1)), CueKind::Finish);
        marks.sort_by(|a, b| a.at_seconds.total_cmp(&b.at_seconds));
        marks
    }

    /// Mute and unmute times, in rising order. Whole seconds, so exact in `f64`.
    fn feedback_changes(&self) -> Vec<FeedbackChange> {
        let FeedbackDuty::Cycle {
            on_seconds,
            off_seconds,
        } = self.feedback
        else {
            return Vec::new();
        };
        // Validation keeps both at least 5 s; `max` keeps a bad value from looping for ever.
        let (on, off) = (u64::from(on_seconds.max(1)), u64::from(off_seconds.max(1)));
        let hold_end = u64::from(self.hold_ends_at());
        let end = u64::from(self.times.total_seconds());
        let mut changes = Vec::new();
        let mut mute_at = u64::from(self.hold_starts_at()) + on;
        while mute_at < hold_end {
            changes.push(FeedbackChange {
                at_seconds: mute_at as f64,
                audible: false,
            });
            // Clicks come back after the silence, or when the cool-down starts.
            let unmute_at = (mute_at + off).min(hold_end);
            if unmute_at < end {
                changes.push(FeedbackChange {
                    at_seconds: unmute_at as f64,
                    audible: true,
                });
            }
            mute_at = unmute_at + on;
        }
        changes
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        check_int(
            "the start rate (spm)",
            self.start_spm,
            MIN_SESSION_SPM,
            MAX_SESSION_SPM,
        )?;
        check_int(
            "the target rate (spm)",
            self.target_spm,
            MIN_SESSION_SPM,
            MAX_SESSION_SPM,
        )?;
        self.times.validate()?;
        self.feedback.validate()
    }
}

impl fmt::Display for SessionProfile {
    /// "warm up 5 min at 164 spm, glide to 168 spm over 2 min, hold 20 min, cool down
    /// 3 min back to 164 spm; clicks throughout".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let times = &self.times;
        let flat = self.start_spm == self.target_spm;
        let mut parts = Vec::with_capacity(4);
        // Without a change of rate the glide is just more warming up.
        let warm_up = if flat {
            times.warm_up_seconds.saturating_add(times.glide_seconds)
        } else {
            times.warm_up_seconds
        };
        if warm_up > 0 {
            parts.push(format!(
                "warm up {} at {} spm",
                Span(warm_up),
                self.start_spm
            ));
        }
        if times.glide_seconds > 0 && !flat {
            parts.push(format!(
                "glide to {} spm over {}",
                self.target_spm,
                Span(times.glide_seconds)
            ));
        }
        if times.hold_seconds > 0 {
            parts.push(format!(
                "hold {} spm for {}",
                self.target_spm,
                Span(times.hold_seconds)
            ));
        }
        if let Some(seconds) = times.cool_down_seconds.filter(|&s| s > 0) {
            let to = if flat { "at" } else { "back to" };
            parts.push(format!(
                "cool down {} {to} {} spm",
                Span(seconds),
                self.start_spm
            ));
        }
        write!(f, "{}; {}", parts.join(", "), self.feedback)
    }
}

/// A glide, or a hold when both ends are the same rate (as in weeks that consolidate
/// the final target), so the program says what it does.
fn glide(from: f64, to: f64, seconds: u32) -> Segment {
    let seconds = f64::from(seconds);
    if from == to {
        Segment::Hold { spm: to, seconds }
    } else {
        Segment::Glide {
            from_spm: from,
            to_spm: to,
            seconds,
        }
    }
}

/// A duration in whole seconds as a person says it: "2 min", "30 s", "1 min 30 s".
pub(crate) struct Span(pub u32);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (minutes, seconds) = (self.0 / 60, self.0 % 60);
        match (minutes, seconds) {
            (0, s) => write!(f, "{s} s"),
            (m, 0) => write!(f, "{m} min"),
            (m, s) => write!(f, "{m} min {s} s"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(feedback: FeedbackDuty, cool_down: Option<u32>) -> SessionProfile {
        SessionProfile {
            start_spm: 160,
            target_spm: 168,
            times: SessionTimes {
                warm_up_seconds: 300,
                glide_seconds: 120,
                hold_seconds: 600,
                cool_down_seconds: cool_down,
            },
            feedback,
        }
    }

    fn changes(program: &Program) -> Vec<(f64, bool)> {
        program
            .feedback
            .iter()
            .map(|change| (change.at_seconds, change.audible))
            .collect()
    }

    #[test]
    fn compile_lays_out_warm_up_glide_hold_and_cool_down() {
        let program = profile(FeedbackDuty::Always, Some(180)).compile();
        assert_eq!(
            program.tempo.segments,
            [
                Segment::Hold {
                    spm: 160.0,
                    seconds: 300.0
                },
                Segment::Glide {
                    from_spm: 160.0,
                    to_spm: 168.0,
                    seconds: 120.0
                },
                Segment::Hold {
                    spm: 168.0,
                    seconds: 600.0
                },
                Segment::Glide {
                    from_spm: 168.0,
                    to_spm: 160.0,
                    seconds: 180.0
                },
            ]
        );
        assert_eq!(program.seconds, Some(1_200.0));
        assert!(program.feedback.is_empty());
        assert_eq!(program.tempo.spm_at(360.0), 164.0);
        assert_eq!(program.tempo.spm_at(1_110.0), 164.0);
    }

    #[test]
    fn parts_of_zero_length_are_left_out() {
        let mut short = profile(FeedbackDuty::Always, None);
        short.times.warm_up_seconds = 0;
        short.times.glide_seconds = 0;
        let program = short.compile();
        assert_eq!(
            program.tempo.segments,
            [Segment::Hold {
                spm: 168.0,
                seconds: 600.0
            }]
        );
        assert_eq!(program.seconds, Some(600.0));
    }

    #[test]
    fn intervals_mute_and_unmute_within_the_hold() {
        // Hold from 420 s to 1020 s; 2 min on, 1 min off.
        let duty = FeedbackDuty::Cycle {
            on_seconds: 120,
            off_seconds: 60,
        };
        let program = profile(duty, Some(180)).compile();
        assert_eq!(
            changes(&program),
            [
                (540.0, false),
                (600.0, true),
                (720.0, false),
                (780.0, true),
                (900.0, false),
                (960.0, true),
            ]
        );
    }

    #[test]
    fn check_ins_unmute_for_the_cool_down_only_if_there_is_one() {
        // 30 s every 5 min: the second silence is cut short by the end of the hold.
        let duty = FeedbackDuty::Cycle {
            on_seconds: 30,
            off_seconds: 270,
        };
        assert_eq!(
            changes(&profile(duty, Some(180)).compile()),
            [
                (450.0, false),
                (720.0, true),
                (750.0, false),
                (1_020.0, true)
            ]
        );
        assert_eq!(
            changes(&profile(duty, None).compile()),
            [(450.0, false), (720.0, true), (750.0, false)]
        );
    }

    #[test]
    fn compiled_feedback_reaches_the_engine_in_frames() {
        let duty = FeedbackDuty::Cycle {
            on_seconds: 120,
            off_seconds: 60,
        };
        let compiled = profile(duty, None).compile().compile(1_000);
        assert_eq!(compiled.feedback[0], (540_000, false));
        assert_eq!(compiled.end_frame(), Some(1_020_000));
    }

    #[test]
    fn profiles_read_as_instructions() {
        let duty = FeedbackDuty::Cycle {
            on_seconds: 30,
            off_seconds: 270,
        };
        assert_eq!(
            profile(duty, Some(90)).to_string(),
            "warm up 5 min at 160 spm, glide to 168 spm over 2 min, hold 168 spm for 10 min, \
             cool down 1 min 30 s back to 160 spm; 30 s of clicks every 5 min"
        );
        let intervals = FeedbackDuty::Cycle {
            on_seconds: 120,
            off_seconds: 60,
        };
        assert_eq!(intervals.to_string(), "clicks 2 min on / 1 min off");
    }

    #[test]
    fn a_run_without_a_change_of_rate_holds_throughout() {
        let mut flat = profile(FeedbackDuty::Always, Some(180));
        flat.start_spm = 168;
        let program = flat.compile();
        assert!(
            program.tempo.segments.iter().all(|segment| *segment
                == Segment::Hold {
                    spm: 168.0,
                    seconds: segment.seconds()
                }),
            "{:?}",
            program.tempo.segments
        );
        assert_eq!(program.seconds, Some(1_200.0));
        assert_eq!(
            flat.to_string(),
            "warm up 7 min at 168 spm, hold 168 spm for 10 min, cool down 3 min at 168 spm; \
             clicks throughout"
        );
    }

    #[test]
    fn validate_bounds_every_field() {
        assert!(profile(FeedbackDuty::Always, Some(180)).validate().is_ok());
        let mut bad = profile(FeedbackDuty::Always, None);
        bad.target_spm = 400;
        assert!(bad.validate().is_err());
        let mut bad = profile(
            FeedbackDuty::Cycle {
                on_seconds: 0,
                off_seconds: 60,
            },
            None,
        );
        assert!(bad.validate().is_err());
        bad.feedback = FeedbackDuty::Always;
        bad.times.hold_seconds = u32::MAX;
        assert!(bad.validate().is_err());
        bad.times = SessionTimes {
            warm_up_seconds: 0,
            glide_seconds: 0,
            hold_seconds: 0,
            cool_down_seconds: None,
        };
        assert!(matches!(bad.validate(), Err(CoachError::Inconsistent(_))));
    }

    #[test]
    fn shortening_the_hold_keeps_whole_seconds() {
        let times = SessionTimes::default().with_hold_shortened(25);
        assert_eq!(times.hold_seconds, 900);
        assert_eq!(
            SessionTimes::default()
                .with_hold_shortened(200)
                .hold_seconds,
            0
        );
    }
}

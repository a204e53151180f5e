//! The pre-run routine as a timeline: dynamic warm-up movements, then a set of
//! isometric wall-sit holds with rest between, each change marked by an audible cue so
//! the runner need not watch the screen.
//!
//! The guidance: static stretching before a run does not help, dynamic movements (leg
//! swings, lunges, butt kicks) do; isometric holds (a wall sit of 30-45 s, 3-5 times)
//! before a run ease pain. The numbers are [`Thresholds`]' `wall_sit_*`.
//!
//! The whole routine is one engine [`Program`]: a steady [`CUE_SPM`] pulse, muted
//! except around each cue, so every beep lands on an exact frame counted from the start
//! (never from a timer), and a cue is a short burst whose length says what it means.

use std::fmt;

use super::error::{CoachError, check_int};
use super::thresholds::Thresholds;
use crate::engine::{FeedbackChange, Program};

/// The pulse the cues are cut from: a beep every 0.2 s.
pub const CUE_SPM: f64 = 300.0;
/// Seconds between two beeps of a cue.
pub const BEEP_SECONDS: f64 = 60.0 / CUE_SPM;
/// A few seconds to get into position before the first cue.
pub const LEAD_IN_SECONDS: u32 = 3;
/// Each dynamic movement lasts this long.
pub const MOVEMENT_SECONDS: u32 = 30;
/// Rest between wall-sit holds: the guidance gives none; long enough to stand up,
/// shake the legs out and get back against the wall.
pub const REST_SECONDS: u32 = 30;

/// The dynamic movements, in order.
pub const MOVEMENTS: [&str; 3] = [
    "Leg swings: hold a wall, swing each leg forward and back, 15 times a leg",
    "Walking lunges: long steps, back knee towards the floor",
    "Butt kicks: jog on the spot, heels up towards your seat",
];

/// What a cue means, told by how many beeps it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CueKind {
    /// Two beeps: the next movement.
    Next,
    /// Three beeps: start the hold.
    HoldStart,
    /// One beep: stand up and rest.
    HoldEnd,
    /// Four beeps: the routine is done; go and run.
    Done,
}

impl CueKind {
    pub fn beeps(self) -> u32 {
        match self {
            CueKind::HoldEnd => 1,
            CueKind::Next => 2,
            CueKind::HoldStart => 3,
            CueKind::Done => 4,
        }
    }
}

/// One part of the routine.
#[derive(Clone, Debug, PartialEq)]
pub struct Phase {
    /// Seconds from the start of the routine.
    pub start: u32,
    pub seconds: u32,
    /// What to do, as shown and printed.
    pub prompt: String,
    /// The cue at `start`.
    pub cue: CueKind,
}

/// The routine's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Warmup {
    /// Dynamic movements before the holds.
    pub dynamic: bool,
    /// Wall-sit holds, 3-5 (0: none).
    pub holds: u8,
    /// Seconds of each hold, 30-45.
    pub hold_seconds: u16,
}

impl Default for Warmup {
    fn default() -> Self {
        let t = Thresholds::GUIDANCE;
        Self {
            dynamic: true,
            holds: t.wall_sit_min_holds,
            hold_seconds: t.wall_sit_min_seconds,
        }
    }
}

impl Warmup {
    /// Checks the holds against the guidance.
    pub fn validate(&self) -> Result<(), CoachError> {
        let t = Thresholds::GUIDANCE;
        if self.holds > 0 {
            check_int(
                "the number of wall-sit holds",
                self.holds,
                t.wall_sit_min_holds,
                t.wall_sit_max_holds,
            )?;
        }
        check_int(
            "the seconds of a wall-sit hold",
            self.hold_seconds,
            t.wall_sit_min_seconds,
            t.wall_sit_max_seconds,
        )?;
        if !self.dynamic && self.holds == 0 {
            return Err(CoachError::Inconsistent(
                "a warm-up without movements and without holds is empty".into(),
            ));
        }
        Ok(())
    }

    /// The phases in order; the last is the "done" cue (0 seconds long).
    pub fn timeline(&self) -> Vec<Phase> {
        let mut phases = Vec::new();
        let mut at = LEAD_IN_SECONDS;
        let mut push = |seconds: u32, prompt: String, cue: CueKind| {
            phases.push(Phase {
                start: at,
                seconds,
                prompt,
                cue,
            });
            at += seconds;
        };
        if self.dynamic {
            for movement in MOVEMENTS {
                push(MOVEMENT_SECONDS, movement.to_string(), CueKind::Next);
            }
        }
        let holds = u32::from(self.holds);
        for hold in 1..=holds {
            push(
                u32::from(self.hold_seconds),
                format!(
                    "Wall sit {hold} of {holds}: back flat on the wall, knees bent, hold {} s",
                    self.hold_seconds
                ),
                CueKind::HoldStart,
            );
            if hold < holds {
                push(
                    REST_SECONDS,
                    "Rest: stand up and shake the legs out".into(),
                    CueKind::HoldEnd,
                );
            }
        }
        push(
            0,
            "Done: go and run. No static stretching needed before the run.".into(),
            CueKind::Done,
        );
        phases
    }

    /// Seconds from the start to the "done" cue.
    pub fn total_seconds(&self) -> u32 {
        self.timeline().last().map_or(0, |phase| phase.start)
    }

    /// Every beep, in seconds from the start: each cue's beeps [`BEEP_SECONDS`] apart.
    pub fn beep_times(&self) -> Vec<f64> {
        self.timeline()
            .iter()
            .flat_map(|phase| {
                (0..phase.cue.beeps())
                    .map(move |beep| f64::from(phase.start) + f64::from(beep) * BEEP_SECONDS)
            })
            .collect()
    }

    /// The routine for the engine: a [`CUE_SPM`] pulse from 0 s, audible only from half
    /// a beep before each cue to half a beep after its last beep, so a step on a window's
    /// edge is never in doubt.
    pub fn program(&self) -> Program {
        let half = BEEP_SECONDS / 2.0;
        let mut feedback = vec![FeedbackChange {
            at_seconds: 0.0,
            audible: false,
        }];
        for phase in self.timeline() {
            let start = f64::from(phase.start);
            let last = start + f64::from(phase.cue.beeps() - 1) * BEEP_SECONDS;
            feedback.push(FeedbackChange {
                at_seconds: start - half,
                audible: true,
            });
            feedback.push(FeedbackChange {
                at_seconds: last + half,
                audible: false,
            });
        }
        let end = f64::from(self.total_seconds()) + f64::from(CueKind::Done.beeps()) * BEEP_SECONDS;
        Program {
            feedback,
            ..Program::steady(CUE_SPM, Some(end))
        }
    }
}

impl fmt::Display for Phase {
    /// "0:03  Leg swings: ... (30 s)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{:02}  {}",
            self.start / 60,
            self.start % 60,
            self.prompt
        )?;
        if self.seconds > 0 {
            write!(f, " ({} s)", self.seconds)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_routine_is_three_movements_and_three_holds() {
        let warmup = Warmup::default();
        assert!(warmup.validate().is_ok());
        let starts: Vec<(u32, CueKind)> = warmup
            .timeline()
            .iter()
            .map(|phase| (phase.start, phase.cue))
            .collect();
        use CueKind::*;
        assert_eq!(
            starts,
            [
                (3, Next),
                (33, Next),
                (63, Next),
                (93, HoldStart),
                (123, HoldEnd),
                (153, HoldStart),
                (183, HoldEnd),
                (213, HoldStart),
                (243, Done),
            ]
        );
        assert_eq!(warmup.beep_times()[..3], [3.0, 3.2, 33.0]);
        assert_eq!(warmup.beep_times().len(), 3 * 2 + 3 * 3 + 2 + 4);
    }

    #[test]
    fn holds_outside_the_guidance_are_refused() {
        let holds = |holds, hold_seconds| Warmup {
            dynamic: true,
            holds,
            hold_seconds,
        };
        assert!(holds(2, 30).validate().is_err());
        assert!(holds(6, 30).validate().is_err());
        assert!(holds(5, 46).validate().is_err());
        assert!(holds(5, 45).validate().is_ok());
        assert!(holds(0, 30).validate().is_ok());
        let empty = Warmup {
            dynamic: false,
            ..holds(0, 30)
        };
        assert!(empty.validate().is_err());
    }
}

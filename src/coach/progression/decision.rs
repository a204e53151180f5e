//! What a decision does, the adjustments a step back brings, and the decision itself
//! with the sentence the app shows.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::coach::calendar::{self, iso_date};
use crate::coach::error::{CoachError, check_int, check_len, check_text};
use crate::coach::plan::Plan;
use crate::coach::target::Target;
use crate::coach::thresholds::Thresholds;

/// What a decision does to the runner's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Up one level.
    Progress,
    /// The same level again.
    Hold,
    /// Down to a slower level.
    StepBack,
    /// No more steps up until a clinician clears the knee.
    Stop,
    /// A clinician cleared the knee: the step starts afresh.
    Resume,
    /// The top level passed: the plan is done.
    Complete,
}

/// A temporary change after a step back, from the guidance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Adjustment {
    /// One run fewer per week.
    FewerRuns { from: u8, to: u8 },
    /// Less distance: the held part of each run is this many percent shorter.
    ShorterRuns { percent: u8 },
    /// Downhill running loads the front of the knee most.
    NoLongDownhills,
}

impl fmt::Display for Adjustment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Adjustment::FewerRuns { from, to } => {
                write!(f, "one run fewer per week ({to} instead of {from})")
            }
            Adjustment::ShorterRuns { percent } => {
                write!(f, "shorter runs ({percent}% less time at the target)")
            }
            Adjustment::NoLongDownhills => f.write_str("no long downhills"),
        }
    }
}

/// The adjustments in force after a step back in `plan`.
pub fn adjustments(plan: &Plan) -> Vec<Adjustment> {
    let t = Thresholds::GUIDANCE;
    let mut list = Vec::with_capacity(3);
    let fewer = plan.runs_per_step(true);
    if fewer < plan.runs_per_week {
        list.push(Adjustment::FewerRuns {
            from: plan.runs_per_week,
            to: fewer,
        });
    }
    list.push(Adjustment::ShorterRuns {
        percent: t.step_back_shorter_percent,
    });
    list.push(Adjustment::NoLongDownhills);
    list
}

/// One decision, with the sentence the app shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The day it takes effect.
    #[serde(with = "iso_date")]
    pub date: Date,
    pub action: Action,
    pub from_level: u8,
    pub to_level: u8,
    pub from: Target,
    pub to: Target,
    /// Why, with the numbers: "Holding at 168 spm this week: Tuesday's run hurt 5/10
    /// afterwards."
    pub reason: String,
    /// Temporary changes suggested with a step back.
    pub adjustments: Vec<Adjustment>,
    /// The knee should be seen by a physiotherapist or sports physician.
    pub see_clinician: bool,
}

impl Decision {
    pub const MAX_REASON_CHARS: usize = 2_000;

    /// The reason followed by the adjustments, as one paragraph.
    pub fn message(&self) -> String {
        if self.adjustments.is_empty() {
            return self.reason.clone();
        }
        let list: Vec<String> = self.adjustments.iter().map(|a| a.to_string()).collect();
        format!("{} Until it settles: {}.", self.reason, list.join(", "))
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        calendar::check_date("the day of a decision", self.date)?;
        check_int(
            "the level of a decision",
            self.from_level,
            0,
            Plan::MAX_WEEKS,
        )?;
        check_int("the level of a decision", self.to_level, 0, Plan::MAX_WEEKS)?;
        self.from.validate()?;
        self.to.validate()?;
        check_text("a decision's reason", &self.reason, Self::MAX_REASON_CHARS)?;
        check_len("a decision's adjustments", self.adjustments.len(), 3)
    }
}

//! Pain-guided progression: where the runner stands on the plan's ladder, decided from
//! the runs they logged.
//!
//! ## The rules (numbers in [`Thresholds::GUIDANCE`])
//!
//! * **Progress** to the next level when every run of the step stayed in the safe range
//!   (pain during and after at most 3/10, no limp) and no morning after was worse than
//!   usual.
//! * **Hold** (repeat the step) when pain reached 4-6/10 or a morning was worse.
//! * **Step back** at once when pain reached 7/10 or more, the runner limped, or two
//!   mornings in a row were worse; until the runner progresses again the step has one
//!   run fewer, runs hold the target for less time, and long downhills are best left out.
//! * **Stop** progression at once when swelling is seen (after a run or the next
//!   morning): no further step up until a clinician's [`Clearance`] is logged. Danger
//!   signs still step back while stopped.
//! * A **weekly trend** compares each plan week's pain with the week before.
//! * **Longer steps** with personal risk factors ([`RiskProfile`]): a step that went
//!   well is held for [`Thresholds::risk_weeks_per_step`] plan weeks in all before the
//!   rate rises, with the reason in the week table.
//!
//! ## When a step is evaluated
//!
//! A step is made of the plan's runs per week (one fewer after a step back). It is
//! evaluated on the day after its last run, so the morning check can count (a morning not
//! logged by then counts as not worse), and never in the same plan week as the previous
//! step up, so the rate rises at most once a week however often the runner runs. Runs
//! logged before the evaluation day count toward the same step. Step-backs and stops are
//! decided on the day of the run or morning that triggered them.
//!
//! The log is replayed from the plan's start every time, so the position is a pure
//! function of plan, log and day: nothing about it needs saving, and a morning check
//! filled in late still changes the decision it belongs to.
//!
//! ## Layout
//!
//! `decision` (what a decision does and says), `trend` (week against week), `replay`
//! (the rules applied to the log), `weeks` (the week table and its projection) and
//! `wording` (the sentences of the reasons).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::calendar::iso_date;
use super::plan::{WeekRow, render_table};

mod decision;
mod replay;
mod trend;
mod weeks;
mod wording;

#[cfg(test)]
mod tests;

pub use decision::{Action, Adjustment, Decision, adjustments};
pub(crate) use replay::replay;
pub use trend::{Trend, WeekSummary, WeeklyTrend};
pub(crate) use weeks::planned_row;

/// Why progression is stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    #[serde(with = "iso_date")]
    pub date: Date,
    pub reason: String,
}

/// A run and the level it counted toward.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountedRun {
    pub id: String,
    #[serde(with = "iso_date")]
    pub date: Date,
    pub level: u8,
}

/// The replayed log: position, decisions and the week-by-week table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The day replayed up to (runs after it are ignored).
    #[serde(with = "iso_date")]
    pub today: Date,
    /// The runner's level (0 natural rate, 1 first week's step, ..., top = weeks).
    pub level: u8,
    /// Runs counted toward the current step so far.
    pub runs_at_level: u8,
    /// Step-back adjustments are in force.
    pub adjusted: bool,
    pub stopped: Option<Stop>,
    /// The top level was passed.
    pub complete: bool,
    /// Every decision, in date order.
    pub decisions: Vec<Decision>,
    /// Every run from the plan's start to `today`, with the level it counted toward.
    pub counted: Vec<CountedRun>,
    /// One row per plan week: past weeks as run, this week, and the weeks still to come
    /// projected from the current level.
    pub weeks: Vec<WeekRow>,
    /// The latest week with runs against the week before it, when both had runs.
    pub latest_trend: Option<WeeklyTrend>,
}

impl Progress {
    /// Most rows a table shows; older weeks are left off.
    pub const MAX_ROWS: u32 = 104;

    /// The week-by-week table with status, trend and reasons.
    pub fn table(&self) -> String {
        render_table(&self.weeks)
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.table())
    }
}

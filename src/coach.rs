//! The coaching model: pure domain logic for raising a runner's step rate 5-10% above
//! their natural one to ease knee pain (patellofemoral pain).
//!
//! Nothing here reads the clock, touches a file or draws a window: dates and times are
//! passed in, results come back as values. Every type that may be loaded from a file
//! derives serde and has a `validate` that checks each field, so an imported plan or log
//! cannot crash the app or exhaust memory.
//!
//! * [`baseline`]: measure the natural rate (a counted minute, taps, or typed).
//! * [`target`]: the rate to reach, as spm and as a percentage.
//! * [`session`]: one run (warm-up, glide, hold, cool-down, click duty) and its
//!   compilation to an [`engine::Program`](crate::engine::Program).
//! * [`plan`]: the multi-week ladder of targets with fading feedback, and today's run.
//! * [`progression`]: the pain rules that move the runner along the ladder.
//! * [`workload`]: weekly running time and spikes.
//! * [`record`]: what was logged about each run.
//! * [`measured`]: the step rate a watch measured on a run, and the time at a target.
//! * [`imported`]: where an imported measurement goes in the log.
//! * [`history`]: the log as a list, weekly minutes and a CSV export.
//! * [`profile`]: the runner's baseline, chosen increase, sound and clearances.
//! * [`risk`]: the runner's risk factors and the longer steps they call for.
//! * [`activity`]: other training, hip and knee exercise, shoes, downhill running.
//! * [`warmup`]: the pre-run routine (dynamic warm-up, wall-sit holds) as a timeline.
//! * [`advice`]: every rule with its number and the sentence it comes from.
//! * [`Thresholds`]: every number of the guidance, in one place.

pub mod activity;
pub mod advice;
pub mod baseline;
mod calendar;
mod error;
pub mod history;
pub mod imported;
pub mod measured;
pub mod plan;
pub mod profile;
pub mod progression;
pub mod record;
pub mod risk;
pub mod session;
pub mod target;
mod target_held;
mod thresholds;
pub mod warmup;
pub mod workload;

pub use activity::{Activity, ActivityKind, Exercise, ExerciseSets, Shoe, Training};
pub use baseline::{Advisory, Baseline, BaselineMethod, CountedFeet};
pub use calendar::{MAX_YEAR, MIN_YEAR};
pub use error::CoachError;
pub use measured::{MeasureError, Measurement, MinuteRate, Sample};
pub use plan::{AfterRun, FeedbackLevel, Plan, Step, TodayKind, TodaySession, WeekRow, WeekStatus};
pub use profile::{Profile, SoundSettings};
pub use progression::{
    Action, Adjustment, CountedRun, Decision, Progress, Stop, Trend, WeekSummary, WeeklyTrend,
};
pub use record::{
    Clearance, Morning, MorningCheck, Pain, PlayedRates, RunLog, SessionRecord, Treadmill,
};
pub use risk::{RiskFactor, RiskProfile, Sex};
pub use session::{FeedbackDuty, SessionProfile, SessionTimes};
pub use target::{Increase, Target};
pub use thresholds::Thresholds;
pub use workload::{IsoWeek, WeeklyLoad, WorkloadWarning};

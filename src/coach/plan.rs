//! A multi-week plan: a ladder of step-rate targets, one rung per planned week, and the
//! runner's position on it.
//!
//! ## The ladder
//!
//! Level 0 is the natural rate; it is never scheduled, only stepped back to. Levels 1 to
//! `weeks` are the planned weeks. The first two thirds of the weeks or so (the *ramp*)
//! climb in equal percentage steps to the final target, clicks throughout; the remaining
//! `weeks / 3` weeks (the *consolidation*) stay at the final target while the clicks fade
//! (2 min on / 1 min off, and in the very last week of two or more, 30 s every 5 min).
//! Targets therefore never go down along the ladder, never exceed the final target and
//! reach it at the end of the ramp.
//!
//! ## Plan weeks
//!
//! Week 1 is the seven days from the start date, week 2 the next seven, and so on, on
//! whatever weekday the plan starts. The calendar says which week a day is in and how
//! many runs are left in it; the log decides which level the runner is on (see
//! [`progression`](super::progression)), so after holds or step-backs the runner's level
//! trails the calendar week and the plan takes longer than planned.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::baseline::Baseline;
use super::calendar::{self, add_days, check_date, days_between, iso_date};
use super::error::{CoachError, check_int, check_len};
use super::progression::{self, Adjustment, Decision, Progress, WeeklyTrend};
use super::record::{RunLog, SessionRecord};
use super::session::{FeedbackDuty, SessionProfile, SessionTimes};
use super::target::{Increase, Target};
use super::thresholds::Thresholds;

/// How much click feedback a week gets. Motor learning: constant feedback while a new
/// rate is learned, then less and less so the runner keeps it without the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedbackLevel {
    /// Clicks throughout the run.
    Continuous,
    /// Clicks 2 minutes on, 1 minute off.
    Intervals,
    /// 30 seconds of clicks every 5 minutes.
    CheckIns,
}

impl FeedbackLevel {
    /// The in-run duty cycle for this level.
    pub fn duty(self) -> FeedbackDuty {
        match self {
            FeedbackLevel::Continuous => FeedbackDuty::Always,
            FeedbackLevel::Intervals => FeedbackDuty::Cycle {
                on_seconds: 120,
                off_seconds: 60,
            },
            FeedbackLevel::CheckIns => FeedbackDuty::Cycle {
                on_seconds: 30,
                off_seconds: 270,
            },
        }
    }
}

impl fmt::Display for FeedbackLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.duty().fmt(f)
    }
}

/// One rung of the ladder.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub target: Target,
    pub feedback: FeedbackLevel,
}

/// A plan: settings and the ladder generated from them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub baseline: Baseline,
    /// The final increase over the natural rate.
    pub increase: Increase,
    /// First day of week 1 ("2025-04-07" in files).
    #[serde(with = "iso_date")]
    pub start: Date,
    /// Runs planned per week (1 to 7); a step is evaluated after this many runs.
    pub runs_per_week: u8,
    /// How long each part of a run lasts.
    pub session: SessionTimes,
    /// One rung per planned week, 2 to 16: level `k` is `steps[k - 1]`.
    pub steps: Vec<Step>,
}

impl Plan {
    pub const MIN_WEEKS: u8 = 2;
    pub const MAX_WEEKS: u8 = 16;
    pub const MIN_RUNS_PER_WEEK: u8 = 1;
    pub const MAX_RUNS_PER_WEEK: u8 = 7;

    /// Builds the ladder. Runs use [`SessionTimes::default`]; see
    /// [`Plan::with_session_times`].
    pub fn new(
        baseline: Baseline,
        increase: Increase,
        weeks: u8,
        runs_per_week: u8,
        start: Date,
    ) -> Result<Self, CoachError> {
        baseline.validate()?;
        increase.validate()?;
        check_int(
            "the number of weeks",
            weeks,
            Self::MIN_WEEKS,
            Self::MAX_WEEKS,
        )?;
        check_int(
            "the runs per week",
            runs_per_week,
            Self::MIN_RUNS_PER_WEEK,
            Self::MAX_RUNS_PER_WEEK,
        )?;
        check_date("the start of the plan", start)?;
        let steps = ladder(baseline.spm, increase, weeks);
        Ok(Self {
            baseline,
            increase,
            start,
            runs_per_week,
            session: SessionTimes::default(),
            steps,
        })
    }

    /// The same plan with other run lengths.
    pub fn with_session_times(self, session: SessionTimes) -> Result<Self, CoachError> {
        session.validate()?;
        Ok(Self { session, ..self })
    }

    /// Planned weeks (= the highest level).
    pub fn weeks(&self) -> u8 {
        // Validation keeps this at most 16.
        u8::try_from(self.steps.len()).unwrap_or(u8::MAX)
    }

    /// The highest level: reaching and passing it completes the plan.
    pub fn top_level(&self) -> u8 {
        self.weeks()
    }

    pub fn final_target(&self) -> Target {
        Target::new(&self.baseline, self.increase)
    }

    /// The rung at `level`: 0 is the natural rate, above the top is the top.
    pub fn step(&self, level: u8) -> Step {
        match level.min(self.top_level()) {
            0 => Step {
                target: Target::natural(self.baseline.spm),
                feedback: FeedbackLevel::Continuous,
            },
            level => self.steps[usize::from(level) - 1],
        }
    }

    /// Where a step back from `level` lands: the highest lower level whose target is
    /// slower (rungs at the same rate differ only in clicks), or the natural rate.
    pub fn step_back_level(&self, level: u8) -> u8 {
        let spm = self.step(level).target.spm;
        (0..level.min(self.top_level()))
            .rev()
            .find(|&lower| self.step(lower).target.spm < spm)
            .unwrap_or(0)
    }

    /// Runs that make up one step: the runs per week, or one fewer after a step back.
    pub fn runs_per_step(&self, adjusted: bool) -> u8 {
        if adjusted {
            self.runs_per_week
                .saturating_sub(Thresholds::GUIDANCE.step_back_fewer_runs)
                .max(1)
        } else {
            self.runs_per_week
        }
    }

    /// The run for `level`: warm up at the level below (the rate the runner already
    /// holds), glide to this level's target, hold it, cool down back. After a step back
    /// (`adjusted`), the held part is shorter.
    pub fn profile(&self, level: u8, adjusted: bool) -> SessionProfile {
        let step = self.step(level);
        let start = self.step(level.saturating_sub(1)).target.spm;
        let times = if adjusted {
            self.session
                .with_hold_shortened(Thresholds::GUIDANCE.step_back_shorter_percent)
        } else {
            self.session
        };
        SessionProfile {
            start_spm: start.min(step.target.spm),
            target_spm: step.target.spm,
            times,
            feedback: step.feedback.duty(),
        }
    }

    /// The plan week (1-based) that `date` falls in, or `None` before the start.
    pub fn week_of(&self, date: Date) -> Option<u32> {
        let days = days_between(self.start, date);
        (days >= 0).then(|| u32::try_from(days / 7 + 1).unwrap_or(u32::MAX))
    }

    /// First and last day of plan week `week` (1-based).
    pub fn week_dates(&self, week: u32) -> (Date, Date) {
        let first = add_days(self.start, (i64::from(week) - 1) * 7);
        (first, add_days(first, 6))
    }

    /// Replays the log up to `today`: the runner's level, every decision, and the
    /// week-by-week table. See [`progression`](super::progression) for the rules.
    pub fn progress(&self, log: &RunLog, today: Date) -> Progress {
        progression::replay(self, log, today)
    }

    /// What to do on `date`, from the calendar and the log.
    pub fn today(&self, date: Date, log: &RunLog) -> TodaySession {
        let progress = self.progress(log, date);
        let level = progress.level;
        let step = self.step(level);
        let runs_per_step = self.runs_per_step(progress.adjusted);
        let mut session = TodaySession {
            date,
            week: self.week_of(date),
            kind: TodayKind::Run,
            level,
            target: step.target,
            feedback: step.feedback,
            profile: None,
            run_of_step: progress.runs_at_level.saturating_add(1),
            runs_per_step,
            runs_this_week: 0,
            message: String::new(),
            latest_decision: progress.decisions.last().cloned(),
            adjustments: if progress.adjusted {
                progression::adjustments(self)
            } else {
                Vec::new()
            },
            trend: progress.latest_trend,
        };
        let Some(week) = session.week else {
            session.kind = TodayKind::BeforeStart;
            session.message = format!(
                "Your plan starts on {} with {}.",
                calendar::long(self.start),
                step.target
            );
            return session;
        };
        let (first_day, last_day) = self.week_dates(week);
        let runs = log.runs_in_order();
        let in_week = |run: &&&SessionRecord| (first_day..=last_day).contains(&run.date());
        session.runs_this_week =
            u8::try_from(runs.iter().filter(in_week).count()).unwrap_or(u8::MAX);
        let ran_today = runs.iter().any(|run| run.date() == date);

        if let Some(stop) = &progress.stopped {
            session.kind = TodayKind::Stopped;
            session.message = stop.reason.clone();
        } else if ran_today {
            session.kind = TodayKind::RanToday;
            session.message = format!(
                "You have run today. Log how the knee feels tomorrow morning; the next run \
                 is at {}.",
                step.target
            );
        } else if session.runs_this_week >= runs_per_step {
            session.kind = TodayKind::WeekDone;
            session.message = format!(
                "Rest: you have done this week's {} runs. Week {} starts on {}.",
                session.runs_this_week,
                week.saturating_add(1),
                calendar::long(add_days(last_day, 1))
            );
        } else if progress.complete {
            let maintenance = SessionProfile {
                start_spm: step.target.spm,
                feedback: FeedbackLevel::CheckIns.duty(),
                ..self.profile(level, false)
            };
            session.kind = TodayKind::Maintenance;
            session.feedback = FeedbackLevel::CheckIns;
            session.message = format!(
                "Plan complete: {} is your running rate now. Today: {maintenance}.",
                step.target
            );
            session.profile = Some(maintenance);
        } else {
            let profile = self.profile(level, progress.adjusted);
            session.message = format!(
                "Week {week}, run {} of {runs_per_step} at {}: {profile}.",
                session.run_of_step, step.target
            );
            session.profile = Some(profile);
        }
        session
    }

    /// What the plan makes of a run just logged, to show at once: a decision taken on
    /// the run's day (a step back or a stop), else the one its step would get the next
    /// day if that morning is not worse, else where the step stands.
    pub fn after_run(&self, log: &RunLog, run: &SessionRecord) -> AfterRun {
        self.after_run_on(log, run, run.date())
    }

    /// [`Plan::after_run`] for a run logged on `today`, which may be days after the run:
    /// the morning after is then spoken of in the past, and the morning check is asked
    /// for only while it is still to come (or due this morning).
    pub fn after_run_on(&self, log: &RunLog, run: &SessionRecord, today: Date) -> AfterRun {
        let day = run.date();
        let days_since = days_between(day, today);
        let (if_morning, morning_check) = match days_since {
            ..=0 => (
                "If tomorrow morning the knee is no worse than usual",
                " Log the morning check tomorrow.",
            ),
            1 => (
                "If this morning the knee is no worse than usual",
                " Log this morning's check.",
            ),
            _ => ("If the morning after it was no worse than usual", ""),
        };
        let morning_check = if run.morning.is_some() {
            ""
        } else {
            morning_check
        };
        let on_day = |progress: &Progress, date: Date| {
            progress
                .decisions
                .iter()
                .rev()
                .find(|decision| decision.date == date)
                .cloned()
        };
        if let Some(decision) = on_day(&self.progress(log, day), day) {
            let message = decision.message();
            return AfterRun {
                decision: Some(decision),
                provisional: false,
                message,
            };
        }
        let tomorrow = add_days(day, 1);
        if let Some(decision) = on_day(&self.progress(log, tomorrow), tomorrow) {
            let message = format!("{if_morning}: {}", decision.message());
            return AfterRun {
                decision: Some(decision),
                provisional: true,
                message,
            };
        }
        let progress = self.progress(log, day);
        let needed = self.runs_per_step(progress.adjusted);
        let target = self.step(progress.level).target;
        let message = if progress.stopped.is_some() || progress.complete {
            self.today(day, log).message
        } else if self.week_of(day).is_none() {
            "This run was before the plan's start, so the plan does not count it.".into()
        } else {
            let pain = run.pain.worst();
            let verdict = if Thresholds::GUIDANCE.is_hold_pain(pain) {
                format!("it hurt {pain}/10, so this step will be repeated")
            } else {
                "within the safe range".into()
            };
            format!(
                "Run {} of {needed} at {target}: {verdict}.{morning_check}",
                progress.runs_at_level.min(needed)
            )
        };
        AfterRun {
            decision: None,
            provisional: false,
            message,
        }
    }

    /// The planned ladder as a text table (status "planned"); see [`Progress::table`]
    /// for the table with what happened.
    pub fn table(&self) -> String {
        let rows: Vec<WeekRow> = (1..=self.weeks())
            .map(|level| progression::planned_row(self, u32::from(level), level, false))
            .collect();
        render_table(&rows)
    }

    /// Why a rung is where it is, for the planned rows of a table.
    pub(crate) fn ladder_reason(&self, level: u8) -> String {
        if level == 0 {
            return format!("your natural {} spm", self.baseline.spm);
        }
        let step = self.step(level);
        let below = self.step(level - 1);
        let rise = step.target.spm.saturating_sub(below.target.spm);
        let is_final = step.target.spm == self.final_target().spm;
        match (level, rise, is_final) {
            (1, _, _) => format!(
                "first step: +{rise} spm from your natural {} spm",
                self.baseline.spm
            ),
            (_, 0, _) if step.feedback != below.feedback => {
                "same rate, fewer clicks: keep it without the app".into()
            }
            (_, 0, _) => "same rate again".into(),
            (_, _, true) => format!("+{rise} spm: final target reached"),
            _ => format!("+{rise} spm"),
        }
    }

    /// Checks every field and that the ladder climbs from the natural rate to the final
    /// target without going down, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        self.baseline.validate()?;
        self.increase.validate()?;
        check_date("the start of the plan", self.start)?;
        check_int(
            "the runs per week",
            self.runs_per_week,
            Self::MIN_RUNS_PER_WEEK,
            Self::MAX_RUNS_PER_WEEK,
        )?;
        self.session.validate()?;
        check_len(
            "the plan's list of weeks",
            self.steps.len(),
            usize::from(Self::MAX_WEEKS),
        )?;
        check_int(
            "the number of weeks",
            self.steps.len(),
            usize::from(Self::MIN_WEEKS),
            usize::from(Self::MAX_WEEKS),
        )?;
        let final_target = self.final_target();
        let mut previous = self.baseline.spm;
        for (index, step) in self.steps.iter().enumerate() {
            let week = index + 1;
            step.target.validate()?;
            if step.target.baseline_spm != self.baseline.spm {
                return Err(CoachError::Inconsistent(format!(
                    "week {week} of the plan is based on {} spm, not the plan's natural \
                     {} spm; create the plan again",
                    step.target.baseline_spm, self.baseline.spm
                )));
            }
            if step.target.spm < previous || step.target.spm > final_target.spm {
                return Err(CoachError::Inconsistent(format!(
                    "week {week}'s target of {} spm does not lie between the week before \
                     ({previous} spm) and the final target ({}); create the plan again",
                    step.target.spm, final_target
                )));
            }
            previous = step.target.spm;
        }
        if previous != final_target.spm {
            return Err(CoachError::Inconsistent(format!(
                "the plan ends at {previous} spm instead of its final target of \
                 {final_target}; create the plan again"
            )));
        }
        Ok(())
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.table())
    }
}

/// The ladder for `weeks` weeks: see the module documentation.
fn ladder(baseline_spm: u16, increase: Increase, weeks: u8) -> Vec<Step> {
    let consolidation = weeks / 3;
    let ramp = weeks - consolidation;
    let ramp_steps = (1..=ramp).map(|week| Step {
        target: Target::part_way(
            baseline_spm,
            increase.percent() * f64::from(week) / f64::from(ramp),
        ),
        feedback: FeedbackLevel::Continuous,
    });
    let consolidation_steps = (1..=consolidation).map(|week| Step {
        target: Target::from_spm(baseline_spm, increase),
        feedback: if week == consolidation && consolidation >= 2 {
            FeedbackLevel::CheckIns
        } else {
            FeedbackLevel::Intervals
        },
    });
    ramp_steps.chain(consolidation_steps).collect()
}

/// What today holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TodayKind {
    /// The plan has not started.
    BeforeStart,
    /// A run at the current step: see the profile.
    Run,
    /// Already ran today.
    RanToday,
    /// This plan week's runs are done.
    WeekDone,
    /// Swelling stopped progression until a clinician clears the knee: no run planned.
    Stopped,
    /// The plan is complete: a run at the final rate with occasional clicks.
    Maintenance,
}

/// The session for one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TodaySession {
    #[serde(with = "iso_date")]
    pub date: Date,
    /// Plan week of the date, `None` before the start.
    pub week: Option<u32>,
    pub kind: TodayKind,
    /// The runner's level on the ladder (0: natural rate).
    pub level: u8,
    pub target: Target,
    pub feedback: FeedbackLevel,
    /// The run to play, for [`TodayKind::Run`] and [`TodayKind::Maintenance`].
    pub profile: Option<SessionProfile>,
    /// Which run of the current step today's would be (1-based).
    pub run_of_step: u8,
    /// Runs that make up the current step.
    pub runs_per_step: u8,
    /// Runs logged so far in this plan week.
    pub runs_this_week: u8,
    /// One or two sentences for the runner.
    pub message: String,
    pub latest_decision: Option<Decision>,
    /// Temporary changes in force after a step back.
    pub adjustments: Vec<Adjustment>,
    /// The latest week with runs against the one before it.
    pub trend: Option<WeeklyTrend>,
}

/// What the plan makes of a run just logged.
#[derive(Clone, Debug, PartialEq)]
pub struct AfterRun {
    /// The decision the run led to, if any.
    pub decision: Option<Decision>,
    /// The decision still depends on the next morning's check.
    pub provisional: bool,
    /// One paragraph for the runner.
    pub message: String,
}

/// What a week of the table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WeekStatus {
    /// Still to come.
    Planned,
    /// The week containing today.
    Current,
    /// Ran, and no decision fell in the week.
    Ran,
    /// No runs were logged.
    Missed,
    Progressed,
    Held,
    SteppedBack,
    Stopped,
    Resumed,
    Completed,
}

impl fmt::Display for WeekStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WeekStatus::Planned => "planned",
            WeekStatus::Current => "this week",
            WeekStatus::Ran => "ran",
            WeekStatus::Missed => "no runs",
            WeekStatus::Progressed => "moved up",
            WeekStatus::Held => "held",
            WeekStatus::SteppedBack => "stepped back",
            WeekStatus::Stopped => "stopped",
            WeekStatus::Resumed => "resumed",
            WeekStatus::Completed => "completed",
        })
    }
}

/// One row of a plan table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekRow {
    pub week: u32,
    #[serde(with = "iso_date")]
    pub first_day: Date,
    #[serde(with = "iso_date")]
    pub last_day: Date,
    /// The level run that week (its first run's), or planned for it.
    pub level: u8,
    pub target: Target,
    pub feedback: FeedbackLevel,
    /// Runs logged in the week.
    pub runs: u8,
    pub status: WeekStatus,
    /// Pain compared with the week before, when both had runs.
    pub trend: Option<progression::Trend>,
    /// The decisions that fell in the week, or why the rung is planned where it is.
    pub reason: String,
}

/// Renders rows as aligned columns; the reason column is last and unpadded.
pub(crate) fn render_table(rows: &[WeekRow]) -> String {
    let header = [
        "Week", "Dates", "Target", "Feedback", "Status", "Trend", "Reason",
    ];
    let mut cells: Vec<[String; 7]> = Vec::with_capacity(rows.len() + 1);
    cells.push(header.map(String::from));
    for row in rows {
        cells.push([
            row.week.to_string(),
            date_span(row.first_day, row.last_day),
            row.target.to_string(),
            row.feedback.to_string(),
            if row.runs > 0 {
                format!("{} ({} runs)", row.status, row.runs)
            } else {
                row.status.to_string()
            },
            row.trend.map_or_else(|| "-".to_string(), |t| t.to_string()),
            row.reason.clone(),
        ]);
    }
    let mut widths = [0usize; 7];
    for line in &cells {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &cells {
        let mut text = String::new();
        for (column, cell) in line.iter().enumerate() {
            if column + 1 == line.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  ", width = widths[column]));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// "4-10 May", or "28 Apr-4 May" across months.
fn date_span(first: Date, last: Date) -> String {
    if first.month() == last.month() {
        format!("{}-{}", first.day(), calendar::day_month(last))
    } else {
        format!(
            "{}-{}",
            calendar::day_month(first),
            calendar::day_month(last)
        )
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    fn plan(baseline: u16, percent: f64, weeks: u8, runs: u8) -> Plan {
        Plan::new(
            Baseline::typed(f64::from(baseline)).unwrap(),
            Increase::new(percent).unwrap(),
            weeks,
            runs,
            date!(2026 - 05 - 04),
        )
        .unwrap()
    }

    fn targets(plan: &Plan) -> Vec<u16> {
        plan.steps.iter().map(|step| step.target.spm).collect()
    }

    #[test]
    fn six_weeks_climb_for_four_then_fade_the_clicks() {
        let plan = plan(160, 10.0, 6, 3);
        assert_eq!(targets(&plan), [164, 168, 172, 176, 176, 176]);
        let feedback: Vec<FeedbackLevel> = plan.steps.iter().map(|s| s.feedback).collect();
        use FeedbackLevel::*;
        assert_eq!(
            feedback,
            [
                Continuous, Continuous, Continuous, Continuous, Intervals, CheckIns
            ]
        );
        assert_eq!(plan.step(0).target.spm, 160);
        assert_eq!(plan.step(99).target.spm, 176);
        assert!(plan.validate().is_ok());
    }

    #[test]
    fn short_plans_still_climb_in_steps() {
        assert_eq!(targets(&plan(160, 10.0, 2, 3)), [168, 176]);
        assert_eq!(targets(&plan(160, 5.0, 3, 3)), [164, 168, 168]);
    }

    #[test]
    fn step_backs_skip_rungs_at_the_same_rate() {
        let plan = plan(160, 10.0, 6, 3);
        assert_eq!(plan.step_back_level(6), 3);
        assert_eq!(plan.step_back_level(4), 3);
        assert_eq!(plan.step_back_level(1), 0);
        assert_eq!(plan.step_back_level(0), 0);
    }

    #[test]
    fn profiles_warm_up_at_the_rung_below() {
        let plan = plan(160, 10.0, 6, 3);
        let profile = plan.profile(2, false);
        assert_eq!((profile.start_spm, profile.target_spm), (164, 168));
        assert_eq!(profile.feedback, FeedbackDuty::Always);
        let adjusted = plan.profile(2, true);
        assert_eq!(adjusted.times.hold_seconds, 15 * 60);
        let fading = plan.profile(5, false);
        assert_eq!((fading.start_spm, fading.target_spm), (176, 176));
        assert_eq!(fading.feedback, FeedbackLevel::Intervals.duty());
        assert_eq!(plan.runs_per_step(true), 2);
        assert_eq!(self::plan(160, 10.0, 6, 1).runs_per_step(true), 1);
    }

    #[test]
    fn weeks_run_from_the_start_date() {
        let plan = plan(160, 10.0, 6, 3);
        assert_eq!(plan.week_of(date!(2026 - 05 - 03)), None);
        assert_eq!(plan.week_of(date!(2026 - 05 - 04)), Some(1));
        assert_eq!(plan.week_of(date!(2026 - 05 - 10)), Some(1));
        assert_eq!(plan.week_of(date!(2026 - 05 - 11)), Some(2));
        assert_eq!(
            plan.week_dates(2),
            (date!(2026 - 05 - 11), date!(2026 - 05 - 17))
        );
    }

    #[test]
    fn the_planned_table_lists_every_week() {
        let table = plan(160, 10.0, 6, 3).table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 7, "{table}");
        assert!(lines[1].contains("4-10 May") && lines[1].contains("164 spm (+2.5%)"));
        assert!(lines[1].contains("first step: +4 spm from your natural 160 spm"));
        assert!(lines[4].contains("final target reached"), "{table}");
        assert!(lines[6].contains("30 s of clicks every 5 min"), "{table}");
    }

    #[test]
    fn bad_settings_and_edited_plans_are_refused() {
        let baseline = Baseline::typed(160.0).unwrap();
        let start = date!(2026 - 05 - 04);
        assert!(Plan::new(baseline.clone(), Increase::TEN, 1, 3, start).is_err());
        assert!(Plan::new(baseline.clone(), Increase::TEN, 17, 3, start).is_err());
        assert!(Plan::new(baseline.clone(), Increase::TEN, 6, 0, start).is_err());
        assert!(Plan::new(baseline.clone(), Increase::TEN, 6, 8, start).is_err());
        assert!(Plan::new(baseline, Increase::TEN, 6, 3, date!(9999 - 12 - 31)).is_err());

        let good = plan(160, 10.0, 6, 3);
        let mut down = good.clone();
        down.steps.swap(0, 3);
        assert!(matches!(down.validate(), Err(CoachError::Inconsistent(_))));
        let mut short = good.clone();
        short.steps.pop();
        short.steps.pop();
        short.steps.pop();
        assert!(short.validate().is_err(), "ends below the final target");
        let mut long = good.clone();
        long.steps = vec![long.steps[5]; 1_000];
        assert!(matches!(long.validate(), Err(CoachError::TooMany { .. })));
        let mut other_base = good;
        other_base.steps[0].target = Target::part_way(150, 2.5);
        assert!(other_base.validate().is_err());
    }

    #[test]
    fn plans_round_trip_through_ron() {
        let plan = plan(172, 7.5, 8, 4);
        let text = ron::ser::to_string_pretty(&plan, ron::ser::PrettyConfig::default()).unwrap();
        assert!(text.contains("\"2026-05-04\""), "{text}");
        let back: Plan = ron::from_str(&text).unwrap();
        assert_eq!(back, plan);
        assert!(back.validate().is_ok());
    }

    proptest! {
        #[test]
        fn ladders_climb_gradually_to_the_final_target(
            baseline in 120u16..=220,
            percent in 5.0f64..=10.0,
            weeks in 2u8..=16,
            runs in 1u8..=7,
        ) {
            let plan = plan(baseline, percent, weeks, runs);
            prop_assert!(plan.validate().is_ok());
            let spm = targets(&plan);
            let final_spm = plan.final_target().spm;
            let cap = (f64::from(baseline) * 1.10).round() as u16;
            prop_assert_eq!(spm.len(), usize::from(weeks));
            prop_assert!(spm.windows(2).all(|pair| pair[0] <= pair[1]), "{:?}", spm);
            prop_assert!(spm.iter().all(|&s| s >= baseline && s <= final_spm));
            prop_assert!(spm.iter().all(|&s| s <= cap));
            prop_assert!(plan.steps.iter().all(|s| s.target.percent <= 10.0));
            prop_assert_eq!(*spm.last().unwrap(), final_spm);
            // Reached at the end of the ramp and held for the consolidation weeks.
            let ramp = usize::from(weeks - weeks / 3);
            prop_assert!(spm[ramp - 1..].iter().all(|&s| s == final_spm));
            // Gradual: no week climbs more than the whole increase spread over two weeks.
            let biggest = spm.windows(2).map(|p| p[1] - p[0]).chain([spm[0] - baseline]).max();
            let half = (f64::from(final_spm - baseline) / 2.0).ceil() as u16;
            prop_assert!(biggest.unwrap_or(0) <= half.max(1), "{:?}", spm);
            // Step backs always land lower, and never below the natural rate.
            for level in 1..=plan.top_level() {
                let back = plan.step_back_level(level);
                prop_assert!(back < level);
                prop_assert!(plan.step(back).target.spm < plan.step(level).target.spm);
                prop_assert!(plan.step(back).target.spm >= baseline);
            }
        }
    }
}

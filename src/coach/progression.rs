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

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::calendar::{self, add_days, iso_date};
use super::error::{CoachError, check_int, check_len, check_text};
use super::plan::{FeedbackLevel, Plan, WeekRow, WeekStatus, render_table};
use super::record::{Clearance, Morning, RunLog, SessionRecord};
use super::risk::RiskProfile;
use super::target::Target;
use super::target_held;
use super::thresholds::Thresholds;

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

/// How a week's knee compares with the week before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    Better,
    Same,
    Worse,
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Trend::Better => "better",
            Trend::Same => "same",
            Trend::Worse => "worse",
        })
    }
}

/// The knee over one week of runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekSummary {
    pub runs: u8,
    /// Mean over the runs of the worse of pain during and after, 0-10.
    pub average_pain: f64,
    /// Mornings logged as worse than usual.
    pub worse_mornings: u8,
}

impl WeekSummary {
    /// `None` for a week without runs.
    pub fn of(runs: &[&SessionRecord]) -> Option<Self> {
        if runs.is_empty() {
            return None;
        }
        let total: u32 = runs.iter().map(|run| u32::from(run.pain.worst())).sum();
        let worse = runs
            .iter()
            .filter(|run| {
                run.morning
                    .is_some_and(|check| check.symptoms == Morning::Worse)
            })
            .count();
        Some(Self {
            runs: u8::try_from(runs.len()).unwrap_or(u8::MAX),
            average_pain: f64::from(total) / runs.len() as f64,
            worse_mornings: u8::try_from(worse).unwrap_or(u8::MAX),
        })
    }
}

/// One week against the week before: pain should ease week by week.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeeklyTrend {
    /// The plan week of `current`.
    pub week: u32,
    pub trend: Trend,
    pub previous: WeekSummary,
    pub current: WeekSummary,
}

impl WeeklyTrend {
    /// Average pain decides when it moved by at least
    /// [`Thresholds::trend_pain_points`]; otherwise the count of worse mornings does.
    pub fn between(week: u32, previous: WeekSummary, current: WeekSummary) -> Self {
        let change = current.average_pain - previous.average_pain;
        let points = Thresholds::GUIDANCE.trend_pain_points;
        let trend = if change <= -points {
            Trend::Better
        } else if change >= points {
            Trend::Worse
        } else {
            match current.worse_mornings.cmp(&previous.worse_mornings) {
                std::cmp::Ordering::Less => Trend::Better,
                std::cmp::Ordering::Equal => Trend::Same,
                std::cmp::Ordering::Greater => Trend::Worse,
            }
        };
        Self {
            week,
            trend,
            previous,
            current,
        }
    }
}

impl fmt::Display for WeeklyTrend {
    /// "Week 3 was better than week 2: average pain 1.3/10, against 3.0/10; 0 worse
    /// mornings, against 1."
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.trend {
            Trend::Better => "better than",
            Trend::Same => "about the same as",
            Trend::Worse => "worse than",
        };
        write!(
            f,
            "Week {} was {verdict} week {}: average pain {:.1}/10, against {:.1}/10; \
             {} worse mornings, against {}.",
            self.week,
            self.week.saturating_sub(1),
            self.current.average_pain,
            self.previous.average_pain,
            self.current.worse_mornings,
            self.previous.worse_mornings
        )
    }
}

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

/// Replays `log` against `plan` up to `today`.
pub(crate) fn replay(plan: &Plan, log: &RunLog, today: Date) -> Progress {
    let runs: Vec<&SessionRecord> = log
        .runs_in_order()
        .into_iter()
        .filter(|run| run.date() >= plan.start && run.date() <= today)
        .collect();
    let mut state = Replay {
        plan,
        clearances: &log.clearances,
        risk: log.risk,
        evaluations_at_level: 0,
        level: 1,
        step_runs: Vec::new(),
        worse_mornings: Vec::new(),
        adjusted: false,
        stopped: None,
        complete: false,
        last_step_up: None,
        decisions: Vec::new(),
        counted: Vec::new(),
    };
    for &run in &runs {
        state.resume_if_cleared(run.date());
        state.evaluate_if_due(run.date());
        state.count(run);
    }
    state.resume_if_cleared(today);
    state.evaluate_if_due(today);
    state.finish(today)
}

/// The replay's working state.
struct Replay<'a> {
    plan: &'a Plan,
    clearances: &'a [Clearance],
    risk: RiskProfile,
    /// Evaluations of the current level so far (each a plan week of it).
    evaluations_at_level: u8,
    level: u8,
    /// Runs counted toward the current step since it (re)started.
    step_runs: Vec<&'a SessionRecord>,
    /// Days of the latest unbroken run of mornings logged worse than usual.
    worse_mornings: Vec<Date>,
    adjusted: bool,
    stopped: Option<Stop>,
    complete: bool,
    last_step_up: Option<Date>,
    decisions: Vec<Decision>,
    counted: Vec<(&'a SessionRecord, u8)>,
}

impl<'a> Replay<'a> {
    fn target(&self, level: u8) -> Target {
        self.plan.step(level).target
    }

    /// The day the current step may be evaluated, once its runs are all in.
    fn evaluation_day(&self) -> Option<Date> {
        if self.complete || self.stopped.is_some() {
            return None;
        }
        let needed = usize::from(self.plan.runs_per_step(self.adjusted));
        if self.step_runs.len() < needed {
            return None;
        }
        let mut day = add_days(self.step_runs.last()?.date(), 1);
        if let Some(week) = self.last_step_up.and_then(|up| self.plan.week_of(up)) {
            let (_, last_day) = self.plan.week_dates(week);
            day = day.max(add_days(last_day, 1));
        }
        Some(day)
    }

    fn evaluate_if_due(&mut self, now: Date) {
        if let Some(day) = self.evaluation_day()
            && now >= day
        {
            self.evaluate(day);
        }
    }

    /// Progress, hold or complete the current step.
    fn evaluate(&mut self, day: Date) {
        let t = Thresholds::GUIDANCE;
        let here = self.target(self.level);
        self.evaluations_at_level = self.evaluations_at_level.saturating_add(1);
        let mut causes = Vec::new();
        let mut hurt: Option<&SessionRecord> = None;
        for &run in &self.step_runs {
            let pain = run.pain.worst();
            if t.is_hold_pain(pain) && hurt.is_none_or(|worst| pain > worst.pain.worst()) {
                hurt = Some(run);
            }
        }
        if let Some(run) = hurt {
            causes.push(pain_cause(run, day));
        }
        let worse: Vec<Date> = self
            .step_runs
            .iter()
            .filter(|run| {
                run.morning
                    .is_some_and(|check| check.symptoms == Morning::Worse)
            })
            .map(|run| add_days(run.date(), 1))
            .collect();
        if !worse.is_empty() {
            causes.push(mornings_cause(&worse, day));
        }
        // A run whose pain was never logged cannot show the step was safe.
        let no_pain: Vec<Date> = self
            .step_runs
            .iter()
            .filter(|run| !run.pain_logged)
            .map(|run| run.date())
            .collect();
        // Where the watch measured a run, the step also needs the target held.
        let short = target_held::shortfall(&self.step_runs, here.spm, day);
        causes.extend(short.clone());
        if !no_pain.is_empty() {
            causes.push(match no_pain.as_slice() {
                [one] => format!(
                    "the knee's pain was not logged for {}'s run",
                    calendar::day_name(*one, day)
                ),
                _ => format!(
                    "the knee's pain was not logged for the runs of {}",
                    list_days(&no_pain, day)
                ),
            });
        }

        let runs = self.step_runs.len();
        let unlogged = self
            .step_runs
            .iter()
            .filter(|run| run.morning.is_none())
            .count();
        let highest = self
            .step_runs
            .iter()
            .map(|run| run.pain.worst())
            .max()
            .unwrap_or(0);
        self.step_runs.clear();

        if !causes.is_empty() {
            let mut reason = format!(
                "Holding at {} spm this week: {}.",
                here.spm,
                causes.join(", and ")
            );
            if short.is_some() {
                reason.push_str(target_held::ADVICE);
            }
            self.decide(day, Action::Hold, self.level, reason);
            return;
        }
        if let Some(reason) = longer_step(&self.risk, here.spm, self.evaluations_at_level) {
            self.decide(day, Action::Hold, self.level, reason);
            return;
        }
        let mornings = if unlogged == 0 {
            "no morning after was worse than usual".to_string()
        } else {
            format!(
                "no logged morning was worse than usual ({unlogged} of {runs} morning \
                 checks missing)"
            )
        };
        let safe = format!(
            "your {runs} runs at {} spm stayed in the safe range (pain at most {highest}/10, \
             no limp) and {mornings}",
            here.spm
        );
        if self.level >= self.plan.top_level() {
            self.complete = true;
            let reason = format!(
                "Plan complete at {here}: {safe}. Keep this rate; the clicks now check in \
                 for 30 s every 5 min."
            );
            self.decide(day, Action::Complete, self.level, reason);
        } else {
            let next = self.level + 1;
            self.adjusted = false;
            self.last_step_up = Some(day);
            let reason = format!("Moving up to {}: {safe}.", self.target(next));
            self.decide(day, Action::Progress, next, reason);
        }
    }

    /// Counts a run toward the current step and applies the rules that act at once.
    fn count(&mut self, run: &'a SessionRecord) {
        let t = Thresholds::GUIDANCE;
        self.counted.push((run, self.level));
        self.step_runs.push(run);
        let day = run.date();
        let day_name = calendar::day_name(day, day);

        if run.swelling {
            self.stop(day, format!("you saw swelling after {day_name}'s run"));
        }
        let too_painful = t.is_step_back_pain(run.pain.worst());
        match (too_painful, run.limp) {
            (true, true) => {
                let cause = format!("{} and you limped", pain_cause(run, day));
                self.step_back(day, cause);
            }
            (true, false) => self.step_back(day, pain_cause(run, day)),
            (false, true) => self.step_back(day, format!("you limped after {day_name}'s run")),
            (false, false) => {}
        }

        let Some(check) = run.morning else {
            return;
        };
        let morning = add_days(day, 1);
        let morning_name = calendar::day_name(morning, morning);
        if check.swelling {
            self.stop(
                morning,
                format!("you saw swelling on {morning_name} morning"),
            );
        }
        if check.symptoms != Morning::Worse {
            self.worse_mornings.clear();
            return;
        }
        self.worse_mornings.push(morning);
        if self.worse_mornings.len() >= usize::from(t.worse_mornings_to_step_back) {
            let cause = format!(
                "the knee felt worse than usual on {} mornings, {} in a row",
                list_days(&self.worse_mornings, morning),
                count_word(self.worse_mornings.len())
            );
            self.step_back(morning, cause);
        }
    }

    fn step_back(&mut self, day: Date, cause: String) {
        let from = self.level;
        let to = self.plan.step_back_level(from);
        self.level = to;
        self.adjusted = true;
        self.complete = false;
        self.evaluations_at_level = 0;
        self.step_runs.clear();
        self.worse_mornings.clear();
        let (reason, see_clinician) = if self.target(to).spm < self.target(from).spm {
            (
                format!("Stepping back to {}: {cause}.", self.target(to)),
                false,
            )
        } else {
            (
                format!(
                    "Staying at your natural {} spm: {cause}. If pain stays this high at \
                     your natural rate, have the knee evaluated by a physiotherapist or \
                     sports physician.",
                    self.target(to).spm
                ),
                true,
            )
        };
        let mut decision = self.decision(day, Action::StepBack, from, to, reason);
        decision.adjustments = adjustments(self.plan);
        decision.see_clinician = see_clinician;
        self.decisions.push(decision);
    }

    fn stop(&mut self, day: Date, cause: String) {
        if self.stopped.is_some() {
            return;
        }
        let reason = format!(
            "Progression stopped at {} spm: {cause}. Have the knee evaluated by a \
             physiotherapist or sports physician before raising the step rate again, and \
             log their clearance to resume.",
            self.target(self.level).spm
        );
        self.stopped = Some(Stop {
            date: day,
            reason: reason.clone(),
        });
        let mut decision = self.decision(day, Action::Stop, self.level, self.level, reason);
        decision.see_clinician = true;
        self.decisions.push(decision);
    }

    /// Ends a stop when a clearance dated on or after it has come by `now`.
    fn resume_if_cleared(&mut self, now: Date) {
        let Some(stop) = &self.stopped else {
            return;
        };
        let Some(clearance) = self
            .clearances
            .iter()
            .filter(|c| c.date >= stop.date && c.date <= now)
            .min_by_key(|c| c.date)
        else {
            return;
        };
        let day = clearance.date;
        self.stopped = None;
        self.evaluations_at_level = 0;
        self.step_runs.clear();
        self.worse_mornings.clear();
        let reason = format!(
            "Resuming at {}: the knee was cleared on {}.",
            self.target(self.level),
            calendar::long(day)
        );
        self.decide(day, Action::Resume, self.level, reason);
    }

    fn decision(&self, day: Date, action: Action, from: u8, to: u8, reason: String) -> Decision {
        Decision {
            date: day,
            action,
            from_level: from,
            to_level: to,
            from: self.target(from),
            to: self.target(to),
            reason,
            adjustments: Vec::new(),
            see_clinician: false,
        }
    }

    /// Records a decision that moves (or keeps) the level at `to`.
    fn decide(&mut self, day: Date, action: Action, to: u8, reason: String) {
        let decision = self.decision(day, action, self.level, to, reason);
        if to != self.level {
            self.evaluations_at_level = 0;
        }
        self.level = to;
        self.decisions.push(decision);
    }

    fn finish(self, today: Date) -> Progress {
        let counted = self
            .counted
            .iter()
            .map(|&(run, level)| CountedRun {
                id: run.id.clone(),
                date: run.date(),
                level,
            })
            .collect();
        let (weeks, latest_trend) = week_rows(&self, today);
        Progress {
            today,
            level: self.level,
            runs_at_level: u8::try_from(self.step_runs.len()).unwrap_or(u8::MAX),
            adjusted: self.adjusted,
            stopped: self.stopped,
            complete: self.complete,
            decisions: self.decisions,
            counted,
            weeks,
            latest_trend,
        }
    }
}

/// The hold that makes a step last longer with risk factors, after `weeks_done` weeks
/// of it went well: "Holding 164 spm for a second week: knee pain before makes a
/// recurrence likely (50-80% of runners have one), so each step gets longer."
fn longer_step(risk: &RiskProfile, spm: u16, weeks_done: u8) -> Option<String> {
    if weeks_done >= risk.weeks_per_step() {
        return None;
    }
    let why = risk.longer_step_reason()?;
    Some(format!(
        "Holding {spm} spm for {}: {why}.",
        RiskProfile::week_ordinal(weeks_done.saturating_add(1))
    ))
}

/// "Tuesday's run hurt 5/10 afterwards".
fn pain_cause(run: &SessionRecord, today: Date) -> String {
    let when = match run.pain.during.cmp(&run.pain.after) {
        std::cmp::Ordering::Greater => "during the run",
        std::cmp::Ordering::Less => "afterwards",
        std::cmp::Ordering::Equal => "during and after",
    };
    format!(
        "{}'s run hurt {}/10 {when}",
        calendar::day_name(run.date(), today),
        run.pain.worst()
    )
}

/// "Thursday morning the knee felt worse than usual".
fn mornings_cause(mornings: &[Date], today: Date) -> String {
    match mornings {
        [one] => format!(
            "{} morning the knee felt worse than usual",
            calendar::day_name(*one, today)
        ),
        _ => format!(
            "the knee felt worse than usual on {} mornings",
            list_days(mornings, today)
        ),
    }
}

/// "Wednesday and Friday", "Monday, Wednesday and Friday".
fn list_days(days: &[Date], today: Date) -> String {
    let names: Vec<String> = days
        .iter()
        .map(|&day| calendar::day_name(day, today))
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// "two", "three", ... for the small counts a sentence uses.
fn count_word(count: usize) -> String {
    const WORDS: [&str; 8] = [
        "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    count
        .checked_sub(2)
        .and_then(|index| WORDS.get(index))
        .map_or_else(|| count.to_string(), |word| (*word).to_string())
}

/// The table's rows: weeks up to today as they went, then the projection.
fn week_rows(state: &Replay<'_>, today: Date) -> (Vec<WeekRow>, Option<WeeklyTrend>) {
    let plan = state.plan;
    let Some(today_week) = plan.week_of(today) else {
        // Not started: the plan as planned, each step as long as the risk policy says.
        let mut rows = Vec::new();
        project(state, 1, 1, 0, false, &mut rows);
        return (rows, None);
    };
    let first_week = today_week.saturating_sub(Progress::MAX_ROWS - 1).max(1);
    let mut rows = Vec::new();
    let mut latest_trend = None;
    let mut previous: Option<WeekSummary> = None;
    for week in first_week.saturating_sub(1)..=today_week {
        let (first_day, last_day) = plan.week_dates(week);
        let in_week = |date: Date| (first_day..=last_day).contains(&date);
        let runs: Vec<(&SessionRecord, u8)> = state
            .counted
            .iter()
            .filter(|(run, _)| in_week(run.date()))
            .copied()
            .collect();
        let records: Vec<&SessionRecord> = runs.iter().map(|&(run, _)| run).collect();
        let summary = WeekSummary::of(&records);
        let trend = match (previous, summary) {
            (Some(before), Some(now)) => Some(WeeklyTrend::between(week, before, now)),
            _ => None,
        };
        previous = summary;
        if week < first_week {
            // Week 0 or a week left off: only its summary is needed.
            continue;
        }
        if trend.is_some() {
            latest_trend = trend;
        }
        let decisions: Vec<&Decision> =
            state.decisions.iter().filter(|d| in_week(d.date)).collect();
        let level = runs
            .first()
            .map(|&(_, level)| level)
            .unwrap_or_else(|| level_on(state, first_day));
        let status = match decisions.last().map(|d| d.action) {
            Some(Action::Progress) => WeekStatus::Progressed,
            Some(Action::Hold) => WeekStatus::Held,
            Some(Action::StepBack) => WeekStatus::SteppedBack,
            Some(Action::Stop) => WeekStatus::Stopped,
            Some(Action::Resume) => WeekStatus::Resumed,
            Some(Action::Complete) => WeekStatus::Completed,
            None if week == today_week => WeekStatus::Current,
            None if runs.is_empty() => WeekStatus::Missed,
            None => WeekStatus::Ran,
        };
        let reason = if decisions.is_empty() && week == today_week && !state.complete {
            format!(
                "{} of {} runs at this step done",
                state.step_runs.len(),
                plan.runs_per_step(state.adjusted)
            )
        } else {
            let messages: Vec<String> = decisions.iter().map(|d| d.message()).collect();
            messages.join(" ")
        };
        let step = plan.step(level);
        rows.push(WeekRow {
            week,
            first_day,
            last_day,
            level,
            target: step.target,
            feedback: step.feedback,
            runs: u8::try_from(runs.len()).unwrap_or(u8::MAX),
            status,
            trend: trend.map(|t| t.trend),
            reason,
        });
    }

    // The weeks to come, if every step goes well from here.
    let this_week_level = rows.last().map_or(state.level, |row| row.level);
    let decided_this_week = rows
        .last()
        .is_some_and(|row| row.status != WeekStatus::Current);
    let holding = state.stopped.is_some() || state.complete;
    // Weeks of the current level already over (a decision this week ends this one).
    let weeks_done = if this_week_level != state.level {
        0
    } else if decided_this_week {
        // At least this week, even after a decision that started the step afresh.
        state.evaluations_at_level.max(1)
    } else {
        state.evaluations_at_level.saturating_add(1)
    };
    project(
        state,
        today_week.saturating_add(1),
        state.level,
        weeks_done,
        holding,
        &mut rows,
    );
    (rows, latest_trend)
}

/// Appends the planned weeks from `week` on: `level` for the rest of its step (its
/// first `weeks_done` weeks are over), then each higher level for a full step, up to the
/// end of the plan, or just to its last planned week when `holding`.
fn project(
    state: &Replay<'_>,
    mut week: u32,
    mut level: u8,
    mut weeks_done: u8,
    holding: bool,
    rows: &mut Vec<WeekRow>,
) {
    let plan = state.plan;
    let top = plan.top_level();
    let per_step = state.risk.weeks_per_step();
    if !holding && weeks_done >= per_step {
        level = level.saturating_add(1).min(top);
        weeks_done = 0;
        if state.level >= top && level >= top {
            // Past the top with nothing left to climb.
            weeks_done = per_step;
        }
    }
    loop {
        let past_plan = week > u32::from(plan.weeks());
        let climbed = level >= top && weeks_done >= per_step;
        if (past_plan && (holding || climbed)) || rows.len() >= Progress::MAX_ROWS as usize * 2 {
            break;
        }
        let mut row = planned_row(plan, week, level, state.complete);
        if !holding
            && weeks_done > 0
            && let Some(reason) = longer_step(&state.risk, row.target.spm, weeks_done)
        {
            row.reason = reason;
        }
        rows.push(row);
        week = week.saturating_add(1);
        weeks_done = weeks_done.saturating_add(1);
        if !holding && weeks_done >= per_step && level < top {
            level += 1;
            weeks_done = 0;
        }
    }
}

/// A week still to come at `level`.
pub(crate) fn planned_row(plan: &Plan, week: u32, level: u8, maintenance: bool) -> WeekRow {
    let (first_day, last_day) = plan.week_dates(week);
    let step = plan.step(level);
    WeekRow {
        week,
        first_day,
        last_day,
        level,
        target: step.target,
        feedback: if maintenance {
            FeedbackLevel::CheckIns
        } else {
            step.feedback
        },
        runs: 0,
        status: WeekStatus::Planned,
        trend: None,
        reason: if maintenance {
            "plan complete: keep the rate, with clicks now and then".into()
        } else {
            plan.ladder_reason(level)
        },
    }
}

/// The level in effect at the start of `day`: after every decision dated before it.
fn level_on(state: &Replay<'_>, day: Date) -> u8 {
    state
        .decisions
        .iter()
        .rev()
        .find(|d| d.date < day)
        .map_or(1, |d| d.to_level)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::{date, datetime};
    use time::{Duration, OffsetDateTime};

    use super::*;
    use crate::coach::baseline::Baseline;
    use crate::coach::record::{MorningCheck, Pain, PlayedRates};
    use crate::coach::target::Increase;

    /// Monday 4 May 2026: weeks run Monday to Sunday.
    const START: Date = date!(2026 - 05 - 04);

    fn plan(runs_per_week: u8) -> Plan {
        Plan::new(
            Baseline::typed(160.0).unwrap(),
            Increase::TEN,
            6,
            runs_per_week,
            START,
        )
        .unwrap()
    }

    /// A run `day` days after the start, at 7:00.
    fn run(day: i64, during: u8, after: u8) -> SessionRecord {
        let started_at: OffsetDateTime = datetime!(2026-05-04 07:00 +02:00) + Duration::days(day);
        let mut record = SessionRecord::new(
            SessionRecord::make_id(started_at, day as u32),
            started_at,
            PlayedRates::steady(164.0),
            1_800.0,
            4_920,
            Pain { during, after },
        );
        record.morning = Some(MorningCheck {
            symptoms: Morning::Same,
            swelling: false,
        });
        record
    }

    fn morning(mut record: SessionRecord, symptoms: Morning) -> SessionRecord {
        record.morning = Some(MorningCheck {
            symptoms,
            swelling: false,
        });
        record
    }

    /// Safe Tuesday, Thursday and Saturday runs for week `week` (1-based).
    fn safe_week(week: i64) -> Vec<SessionRecord> {
        let monday = (week - 1) * 7;
        vec![
            run(monday + 1, 1, 2),
            run(monday + 3, 2, 1),
            run(monday + 5, 0, 1),
        ]
    }

    fn replay_days(plan: &Plan, records: Vec<SessionRecord>, days: i64) -> Progress {
        plan.progress(&RunLog::new(records), add_days(START, days))
    }

    struct Case {
        name: &'static str,
        /// Runs of week 2 (days 7-13), after a safe week 1 that moved up to 168 spm.
        week_two: Vec<SessionRecord>,
        action: Action,
        level: u8,
        reason: &'static str,
    }

    #[test]
    fn each_rule_decides_with_its_reason() {
        let limped = {
            let mut r = run(10, 2, 2);
            r.limp = true;
            r
        };
        let swollen = {
            let mut r = run(8, 2, 2);
            r.swelling = true;
            r
        };
        let swollen_morning = {
            let mut r = run(8, 2, 2);
            r.morning = Some(MorningCheck {
                symptoms: Morning::Same,
                swelling: true,
            });
            r
        };
        let cases = vec![
            Case {
                name: "progress: all safe",
                week_two: safe_week(2),
                action: Action::Progress,
                level: 3,
                reason: "Moving up to 172 spm (+7.5%): your 3 runs at 168 spm stayed in the \
                         safe range (pain at most 2/10, no limp) and no morning after was \
                         worse than usual.",
            },
            Case {
                name: "progress: pain 3 is still safe",
                week_two: vec![run(8, 3, 3), run(10, 3, 0), run(12, 0, 3)],
                action: Action::Progress,
                level: 3,
                reason: "pain at most 3/10",
            },
            Case {
                name: "hold: pain 5 afterwards",
                week_two: vec![run(8, 2, 5), run(10, 1, 2), run(12, 1, 1)],
                action: Action::Hold,
                level: 2,
                reason: "Holding at 168 spm this week: Tuesday's run hurt 5/10 afterwards.",
            },
            Case {
                name: "hold: pain 4 during",
                week_two: vec![run(8, 1, 1), run(10, 4, 2), run(12, 1, 1)],
                action: Action::Hold,
                level: 2,
                reason: "Thursday's run hurt 4/10 during the run.",
            },
            Case {
                name: "hold: pain 6, the worst one is named",
                week_two: vec![run(8, 4, 4), run(10, 6, 6), run(12, 5, 1)],
                action: Action::Hold,
                level: 2,
                reason: "Thursday's run hurt 6/10 during and after.",
            },
            Case {
                name: "hold: one worse morning",
                week_two: vec![
                    run(8, 1, 1),
                    morning(run(10, 1, 1), Morning::Worse),
                    run(12, 1, 1),
                ],
                action: Action::Hold,
                level: 2,
                reason: "Holding at 168 spm this week: Friday morning the knee felt worse \
                         than usual.",
            },
            Case {
                name: "hold: pain and a morning",
                week_two: vec![
                    morning(run(8, 1, 1), Morning::Worse),
                    run(10, 1, 5),
                    run(12, 1, 1),
                ],
                action: Action::Hold,
                level: 2,
                reason: "Thursday's run hurt 5/10 afterwards, and Wednesday morning the knee \
                         felt worse than usual.",
            },
            Case {
                name: "step back: pain 7 during",
                week_two: vec![run(8, 2, 2), run(10, 7, 4)],
                action: Action::StepBack,
                level: 1,
                reason: "Stepping back to 164 spm (+2.5%): Thursday's run hurt 7/10 during \
                         the run.",
            },
            Case {
                name: "step back: pain 9 afterwards",
                week_two: vec![run(8, 3, 9)],
                action: Action::StepBack,
                level: 1,
                reason: "Tuesday's run hurt 9/10 afterwards.",
            },
            Case {
                name: "step back: limp",
                week_two: vec![run(8, 2, 2), limped],
                action: Action::StepBack,
                level: 1,
                reason: "Stepping back to 164 spm (+2.5%): you limped after Thursday's run.",
            },
            Case {
                name: "step back: two worse mornings in a row",
                week_two: vec![
                    morning(run(8, 1, 1), Morning::Worse),
                    morning(run(10, 1, 1), Morning::Worse),
                ],
                action: Action::StepBack,
                level: 1,
                reason: "the knee felt worse than usual on Wednesday and Friday mornings, two \
                         in a row.",
            },
            Case {
                name: "swelling after a run stops progression",
                week_two: vec![swollen, run(10, 1, 1), run(12, 1, 1)],
                action: Action::Stop,
                level: 2,
                reason: "Progression stopped at 168 spm: you saw swelling after Tuesday's \
                         run. Have the knee evaluated by a physiotherapist or sports \
                         physician",
            },
            Case {
                name: "swelling in the morning stops progression",
                week_two: vec![swollen_morning],
                action: Action::Stop,
                level: 2,
                reason: "you saw swelling on Wednesday morning",
            },
        ];
        let plan = plan(3);
        for case in cases {
            let mut records = safe_week(1);
            records.extend(case.week_two);
            let progress = replay_days(&plan, records, 14);
            assert_eq!(
                progress.decisions[0].action,
                Action::Progress,
                "{}",
                case.name
            );
            let last = progress.decisions.last().unwrap();
            assert_eq!(
                last.action, case.action,
                "{}: {:#?}",
                case.name, progress.decisions
            );
            assert_eq!(progress.level, case.level, "{}", case.name);
            assert!(
                last.reason.contains(case.reason),
                "{}: {:?} lacks {:?}",
                case.name,
                last.reason,
                case.reason
            );
        }
    }

    #[test]
    fn step_backs_come_with_the_adjustments_and_fewer_runs() {
        let plan = plan(3);
        let mut records = safe_week(1);
        records.push(run(8, 7, 3));
        let progress = replay_days(&plan, records.clone(), 9);
        let decision = progress.decisions.last().unwrap();
        assert_eq!(
            decision.adjustments,
            [
                Adjustment::FewerRuns { from: 3, to: 2 },
                Adjustment::ShorterRuns { percent: 25 },
                Adjustment::NoLongDownhills
            ]
        );
        assert!(
            decision.message().ends_with(
                "Until it settles: one run fewer per week (2 instead of 3), shorter runs \
                 (25% less time at the target), no long downhills."
            ),
            "{}",
            decision.message()
        );
        assert!(progress.adjusted);
        // Two safe runs now make a step, and moving up lifts the adjustments.
        records.extend([run(10, 1, 1), run(12, 1, 1)]);
        let progress = replay_days(&plan, records, 14);
        assert_eq!(progress.level, 2);
        assert!(!progress.adjusted);
    }

    #[test]
    fn stepping_back_from_the_first_step_stays_at_the_natural_rate() {
        let plan = plan(3);
        let progress = replay_days(&plan, vec![run(1, 8, 8)], 2);
        assert_eq!(progress.level, 0);
        let progress = replay_days(&plan, vec![run(1, 8, 8), run(3, 7, 7)], 4);
        assert_eq!(progress.level, 0);
        let last = progress.decisions.last().unwrap();
        assert!(last.reason.starts_with("Staying at your natural 160 spm"));
        assert!(last.see_clinician);
    }

    #[test]
    fn a_step_is_evaluated_the_day_after_its_last_run() {
        let plan = plan(3);
        let same_day = replay_days(&plan, safe_week(1), 5);
        assert_eq!((same_day.level, same_day.runs_at_level), (1, 3));
        assert!(same_day.decisions.is_empty());
        let next_day = replay_days(&plan, safe_week(1), 6);
        assert_eq!(next_day.level, 2);
        assert_eq!(next_day.decisions[0].date, add_days(START, 6));
        // A late "worse" morning check changes the decision it belongs to.
        let mut late = safe_week(1);
        late[2] = morning(late[2].clone(), Morning::Worse);
        assert_eq!(replay_days(&plan, late, 6).level, 1);
    }

    #[test]
    fn the_rate_rises_at_most_once_a_plan_week() {
        let plan = plan(2);
        // Six safe runs in the first week: two steps' worth.
        let records: Vec<SessionRecord> = (0..6).map(|day| run(day, 1, 1)).collect();
        let progress = replay_days(&plan, records, 6);
        assert_eq!(progress.level, 2, "{:#?}", progress.decisions);
        assert_eq!(progress.runs_at_level, 4);
        // The next plan week evaluates the waiting step.
        let records: Vec<SessionRecord> = (0..6).map(|day| run(day, 1, 1)).collect();
        assert_eq!(replay_days(&plan, records, 7).level, 3);
    }

    #[test]
    fn a_clearance_resumes_progression() {
        let plan = plan(3);
        let mut swollen = run(1, 2, 2);
        swollen.swelling = true;
        let mut log = RunLog::new(vec![swollen, run(3, 1, 1), run(5, 1, 1)]);
        let stopped = plan.progress(&log, add_days(START, 9));
        assert_eq!(stopped.level, 1);
        assert!(stopped.stopped.is_some());
        log.clearances.push(Clearance {
            date: add_days(START, 8),
            note: "physio: fine to run".into(),
        });
        log.records
            .extend([run(9, 1, 1), run(11, 1, 1), run(13, 1, 1)]);
        let resumed = plan.progress(&log, add_days(START, 14));
        assert!(resumed.stopped.is_none());
        let actions: Vec<Action> = resumed.decisions.iter().map(|d| d.action).collect();
        assert_eq!(actions, [Action::Stop, Action::Resume, Action::Progress]);
        assert_eq!(resumed.level, 2);
    }

    #[test]
    fn the_last_step_completes_the_plan() {
        let plan = plan(1);
        let records: Vec<SessionRecord> = (0..6).map(|week| run(week * 7 + 2, 1, 1)).collect();
        let progress = replay_days(&plan, records, 42);
        assert!(progress.complete, "{:#?}", progress.decisions);
        assert_eq!(progress.level, 6);
        assert_eq!(progress.decisions.last().unwrap().action, Action::Complete);
        // A danger sign after completion still steps back.
        let mut records: Vec<SessionRecord> = (0..6).map(|week| run(week * 7 + 2, 1, 1)).collect();
        records.push(run(44, 8, 8));
        let progress = replay_days(&plan, records, 45);
        assert!(!progress.complete);
        assert_eq!(progress.level, 3);
    }

    #[test]
    fn weekly_trends_compare_pain_then_mornings() {
        let summary = |average_pain, worse_mornings| WeekSummary {
            runs: 3,
            average_pain,
            worse_mornings,
        };
        let cases = [
            (
                "pain down two points",
                summary(3.0, 0),
                summary(1.0, 0),
                Trend::Better,
            ),
            (
                "pain down one point",
                summary(2.0, 1),
                summary(1.0, 2),
                Trend::Better,
            ),
            (
                "pain up one point",
                summary(1.0, 0),
                summary(2.0, 0),
                Trend::Worse,
            ),
            (
                "small change",
                summary(2.0, 0),
                summary(2.5, 0),
                Trend::Same,
            ),
            (
                "fewer worse mornings",
                summary(2.0, 2),
                summary(2.3, 0),
                Trend::Better,
            ),
            (
                "more worse mornings",
                summary(2.0, 0),
                summary(1.7, 1),
                Trend::Worse,
            ),
            ("no change", summary(1.0, 1), summary(1.0, 1), Trend::Same),
        ];
        for (name, previous, current, expected) in cases {
            assert_eq!(
                WeeklyTrend::between(3, previous, current).trend,
                expected,
                "{name}"
            );
        }
        let text = WeeklyTrend::between(3, summary(3.0, 1), summary(1.0, 0)).to_string();
        assert_eq!(
            text,
            "Week 3 was better than week 2: average pain 1.0/10, against 3.0/10; 0 worse \
             mornings, against 1."
        );
    }

    #[test]
    fn weekly_trend_is_computed_from_the_log() {
        let plan = plan(3);
        let mut records = vec![run(1, 3, 3), run(3, 3, 3), run(5, 3, 2)];
        records.extend(safe_week(2));
        let progress = replay_days(&plan, records, 14);
        let trend = progress.latest_trend.unwrap();
        assert_eq!((trend.week, trend.trend), (2, Trend::Better));
        assert_eq!(progress.weeks[1].trend, Some(Trend::Better));
    }

    #[test]
    fn runs_outside_the_plan_are_ignored() {
        let plan = plan(3);
        let before = run(-3, 9, 9);
        let future = run(30, 9, 9);
        let progress = replay_days(&plan, vec![before, future], 10);
        assert!(progress.decisions.is_empty());
        assert!(progress.counted.is_empty());
    }

    #[test]
    fn decisions_validate_and_round_trip() {
        let plan = plan(3);
        let mut records = safe_week(1);
        records.push(run(8, 7, 7));
        let progress = replay_days(&plan, records, 9);
        for decision in &progress.decisions {
            assert!(decision.validate().is_ok());
        }
        let text = ron::to_string(&progress).unwrap();
        let back: Progress = ron::from_str(&text).unwrap();
        assert_eq!(back, progress);
    }

    /// One logged run for the property test: day gap, pains, limp, morning, swelling.
    fn arbitrary_run() -> impl Strategy<Value = (i64, u8, u8, bool, Option<Morning>, bool)> {
        (
            0i64..=3,
            0u8..=10,
            0u8..=10,
            prop::bool::weighted(0.1),
            prop::option::of(prop_oneof![
                Just(Morning::Worse),
                Just(Morning::Same),
                Just(Morning::Better)
            ]),
            prop::bool::weighted(0.03),
        )
    }

    proptest! {
        #[test]
        fn any_log_keeps_the_runner_between_natural_and_final_rates(
            runs_per_week in 1u8..=7,
            runs in prop::collection::vec(arbitrary_run(), 0..60),
            clear_after in prop::option::of(0i64..120),
        ) {
            let plan = plan(runs_per_week);
            let mut day = 0;
            let mut records = Vec::new();
            for (gap, during, after, limp, symptoms, swelling) in runs {
                day += gap;
                let mut record = run(day, during, after);
                record.limp = limp;
                record.swelling = swelling;
                record.morning = symptoms.map(|symptoms| MorningCheck { symptoms, swelling: false });
                records.push(record);
            }
            let mut log = RunLog::new(records);
            if let Some(days) = clear_after {
                log.clearances.push(Clearance { date: add_days(START, days), note: String::new() });
            }
            let progress = plan.progress(&log, add_days(START, day + 2));
            let (natural, last) = (160, plan.final_target().spm);
            prop_assert!(progress.level <= plan.top_level());
            let mut step_up_weeks = Vec::new();
            for decision in &progress.decisions {
                prop_assert!(decision.validate().is_ok());
                prop_assert!((natural..=last).contains(&decision.to.spm), "{:?}", decision);
                match decision.action {
                    Action::StepBack => prop_assert!(decision.to.spm <= decision.from.spm),
                    Action::Progress => {
                        prop_assert!(decision.to.spm >= decision.from.spm);
                        step_up_weeks.push(plan.week_of(decision.date));
                    }
                    _ => prop_assert_eq!(decision.to_level, decision.from_level),
                }
            }
            let mut distinct = step_up_weeks.clone();
            distinct.dedup();
            prop_assert_eq!(distinct, step_up_weeks, "two step-ups in one plan week");
            for row in &progress.weeks {
                prop_assert!((natural..=last).contains(&row.target.spm));
            }
        }
    }
}

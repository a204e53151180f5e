//! The replay of the log, run by run and day by day, applying the rules in the order
//! the module documentation gives.

use time::Date;

use super::decision::{Action, Decision, adjustments};
use super::weeks::week_rows;
use super::wording::{count_word, list_days, longer_step, mornings_cause, pain_cause};
use super::{CountedRun, Progress, Stop};
use crate::coach::calendar::{self, add_days};
use crate::coach::plan::Plan;
use crate::coach::record::{Clearance, Morning, RunLog, SessionRecord};
use crate::coach::risk::RiskProfile;
use crate::coach::target::Target;
use crate::coach::target_held;
use crate::coach::thresholds::Thresholds;

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
pub(super) struct Replay<'a> {
    pub(super) plan: &'a Plan,
    pub(super) clearances: &'a [Clearance],
    pub(super) risk: RiskProfile,
    /// Evaluations of the current level so far (each a plan week of it).
    pub(super) evaluations_at_level: u8,
    pub(super) level: u8,
    /// Runs counted toward the current step since it (re)started.
    pub(super) step_runs: Vec<&'a SessionRecord>,
    /// Days of the latest unbroken run of mornings logged worse than usual.
    pub(super) worse_mornings: Vec<Date>,
    pub(super) adjusted: bool,
    pub(super) stopped: Option<Stop>,
    pub(super) complete: bool,
    pub(super) last_step_up: Option<Date>,
    pub(super) decisions: Vec<Decision>,
    pub(super) counted: Vec<(&'a SessionRecord, u8)>,
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

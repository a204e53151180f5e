//! The week-by-week table: the weeks up to today as they went, then the weeks still to
//! come projected from the current level.

use time::Date;

use super::Progress;
use super::decision::{Action, Decision};
use super::replay::Replay;
use super::trend::{WeekSummary, WeeklyTrend};
use super::wording::longer_step;
use crate::coach::plan::{FeedbackLevel, Plan, WeekRow, WeekStatus};
use crate::coach::record::SessionRecord;

/// The table's rows: weeks up to today as they went, then the projection.
pub(super) fn week_rows(state: &Replay<'_>, today: Date) -> (Vec<WeekRow>, Option<WeeklyTrend>) {
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

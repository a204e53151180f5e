//! The rules replayed on small logs, and a property test over any log.

use proptest::prelude::*;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use time::Date;

use super::*;
use crate::coach::baseline::Baseline;
use crate::coach::calendar::add_days;
use crate::coach::plan::Plan;
use crate::coach::record::{
    Clearance, Morning, MorningCheck, Pain, PlayedRates, RunLog, SessionRecord,
};
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

//! The coaching model end to end: a 160 spm runner aiming for +10% over 6 weeks with 3
//! runs a week, whose knee lets them progress, then makes them hold, then step back.
//!
//! Run with `cargo test --test coach -- --nocapture` to see the plan tables.

use cadence_coach::coach::{
    Action, Baseline, CountedFeet, Increase, Morning, MorningCheck, Pain, Plan, PlayedRates,
    RunLog, SessionRecord, TodayKind, Trend, WeekStatus, workload,
};
use time::macros::{date, offset};
use time::{Date, PrimitiveDateTime, Time};

/// Monday.
const START: Date = date!(2026 - 05 - 04);

/// A 30-minute run at 07:00 on `date`, logged with its pain and next-morning check.
fn run(date: Date, during: u8, after: u8, morning: Morning) -> SessionRecord {
    let started_at =
        PrimitiveDateTime::new(date, Time::from_hms(7, 0, 0).unwrap()).assume_offset(offset!(+2));
    let mut record = SessionRecord::new(
        SessionRecord::make_id(started_at, u32::from(date.ordinal())),
        started_at,
        PlayedRates::steady(168.0),
        30.0 * 60.0,
        5_040,
        Pain { during, after },
    );
    record.morning = Some(MorningCheck {
        symptoms: morning,
        swelling: false,
    });
    record
}

fn plan() -> Plan {
    let baseline = Baseline::from_counted_minute(80, CountedFeet::RightFoot).unwrap();
    Plan::new(baseline, Increase::TEN, 6, 3, START).unwrap()
}

#[test]
fn a_runner_progresses_holds_and_steps_back() {
    let plan = plan();
    plan.validate().unwrap();
    println!("The plan for a 160 spm runner, +10% over 6 weeks, 3 runs a week:\n");
    println!("{plan}");

    let mut log = RunLog::default();

    // Before the start.
    let today = plan.today(date!(2026 - 05 - 01), &log);
    assert_eq!(today.kind, TodayKind::BeforeStart);
    assert_eq!(
        today.message,
        "Your plan starts on Monday 4 May with 164 spm (+2.5%)."
    );

    // Week 1 at 164 spm: three comfortable runs.
    let today = plan.today(date!(2026 - 05 - 05), &log);
    assert_eq!(today.kind, TodayKind::Run);
    let profile = today.profile.clone().unwrap();
    assert_eq!((profile.start_spm, profile.target_spm), (160, 164));
    println!("Tuesday 5 May: {}", today.message);
    log.records.extend([
        run(date!(2026 - 05 - 05), 2, 2, Morning::Same),
        run(date!(2026 - 05 - 07), 1, 2, Morning::Same),
        run(date!(2026 - 05 - 09), 1, 1, Morning::Better),
    ]);
    assert_eq!(
        plan.today(date!(2026 - 05 - 09), &log).kind,
        TodayKind::RanToday
    );
    let sunday = plan.today(date!(2026 - 05 - 10), &log);
    assert_eq!(sunday.kind, TodayKind::WeekDone);
    let decision = sunday.latest_decision.unwrap();
    assert_eq!(decision.action, Action::Progress);
    assert_eq!(
        decision.reason,
        "Moving up to 168 spm (+5%): your 3 runs at 164 spm stayed in the safe range (pain \
         at most 2/10, no limp) and no morning after was worse than usual."
    );

    // Week 2 at 168 spm: Tuesday's run hurts 5/10 afterwards, so the step is repeated.
    log.records.extend([
        run(date!(2026 - 05 - 12), 2, 5, Morning::Same),
        run(date!(2026 - 05 - 14), 2, 3, Morning::Same),
        run(date!(2026 - 05 - 16), 2, 2, Morning::Same),
    ]);
    let monday = plan.today(date!(2026 - 05 - 18), &log);
    assert_eq!(monday.kind, TodayKind::Run);
    assert_eq!((monday.week, monday.target.spm), (Some(3), 168));
    let decision = monday.latest_decision.unwrap();
    assert_eq!(decision.action, Action::Hold);
    assert_eq!(
        decision.reason,
        "Holding at 168 spm this week: Tuesday's run hurt 5/10 afterwards."
    );

    // Week 3, still 168 spm: Thursday's run hurts 7/10 during it. Step back at once.
    log.records.extend([
        run(date!(2026 - 05 - 19), 2, 2, Morning::Same),
        run(date!(2026 - 05 - 21), 7, 4, Morning::Worse),
    ]);
    let friday = plan.today(date!(2026 - 05 - 22), &log);
    let decision = friday.latest_decision.clone().unwrap();
    assert_eq!(decision.action, Action::StepBack);
    assert_eq!(
        decision.message(),
        "Stepping back to 164 spm (+2.5%): Thursday's run hurt 7/10 during the run. Until \
         it settles: one run fewer per week (2 instead of 3), shorter runs (25% less time at \
         the target), no long downhills."
    );
    // One run fewer per week: the two runs of week 3 are done, so Friday is a rest day.
    assert_eq!(friday.kind, TodayKind::WeekDone);
    assert_eq!((friday.target.spm, friday.runs_per_step), (164, 2));
    assert_eq!(friday.adjustments.len(), 3);
    assert_eq!(
        friday.message,
        "Rest: you have done this week's 2 runs. Week 4 starts on Monday 25 May."
    );

    // Week 4: two easy runs at 164 spm, shorter at the target, then back up to 168 spm.
    let tuesday = plan.today(date!(2026 - 05 - 26), &log);
    assert_eq!(tuesday.kind, TodayKind::Run);
    assert_eq!((tuesday.run_of_step, tuesday.runs_per_step), (1, 2));
    let profile = tuesday.profile.clone().unwrap();
    assert_eq!((profile.start_spm, profile.target_spm), (160, 164));
    assert_eq!(profile.times.hold_seconds, 15 * 60, "shorter runs");
    println!("Tuesday 26 May: {}", tuesday.message);
    log.records.extend([
        run(date!(2026 - 05 - 26), 2, 1, Morning::Better),
        run(date!(2026 - 05 - 28), 1, 1, Morning::Same),
    ]);
    let friday = plan.today(date!(2026 - 05 - 29), &log);
    assert_eq!(friday.kind, TodayKind::Run);
    assert_eq!((friday.target.spm, friday.runs_per_step), (168, 3));
    assert!(friday.adjustments.is_empty());
    assert_eq!(friday.latest_decision.unwrap().action, Action::Progress);

    let progress = plan.progress(&log, date!(2026 - 05 - 29));
    let actions: Vec<Action> = progress.decisions.iter().map(|d| d.action).collect();
    assert_eq!(
        actions,
        [
            Action::Progress,
            Action::Hold,
            Action::StepBack,
            Action::Progress
        ]
    );
    let statuses: Vec<WeekStatus> = progress.weeks.iter().map(|w| w.status).collect();
    assert_eq!(
        &statuses[..4],
        [
            WeekStatus::Progressed,
            WeekStatus::Held,
            WeekStatus::SteppedBack,
            WeekStatus::Progressed
        ]
    );
    // The hold and the step back cost three weeks: the last step (176 spm, clicks
    // 30 s every 5 min) is now projected for week 9 instead of week 6.
    let last = progress.weeks.last().unwrap();
    assert_eq!((last.week, last.level, last.target.spm), (9, 6, 176));
    assert!(progress.weeks.iter().all(|w| w.target.spm <= 176));
    // Week 2 hurt more than week 1, week 3 (a run at 7/10) more again, week 4 less.
    let trends: Vec<Option<Trend>> = progress.weeks[..4].iter().map(|w| w.trend).collect();
    assert_eq!(
        trends,
        [
            None,
            Some(Trend::Worse),
            Some(Trend::Worse),
            Some(Trend::Better)
        ]
    );

    println!("\nDecisions:");
    for decision in &progress.decisions {
        println!("  {}: {}", decision.date, decision.message());
    }
    println!("\nThe plan on Friday 29 May 2026, with what happened:\n");
    println!("{progress}");

    // Running time stayed level: no workload warnings.
    let loads = workload::weekly_loads(&log.records);
    assert!(workload::workload_warnings(&loads).is_empty());
    log.validate().unwrap();
}

#[test]
fn logs_and_plans_survive_a_round_trip_through_ron() {
    let plan = plan();
    let mut log = RunLog::default();
    log.records
        .push(run(date!(2026 - 05 - 05), 2, 2, Morning::Same));
    let plan_text = ron::ser::to_string_pretty(&plan, ron::ser::PrettyConfig::default()).unwrap();
    let log_text = ron::ser::to_string_pretty(&log, ron::ser::PrettyConfig::default()).unwrap();
    let plan_back: Plan = ron::from_str(&plan_text).unwrap();
    let log_back: RunLog = ron::from_str(&log_text).unwrap();
    plan_back.validate().unwrap();
    log_back.validate().unwrap();
    assert_eq!((plan_back, log_back), (plan, log));
}

#[test]
fn planned_weeks_give_the_same_reasons_before_and_after_runs_are_logged() {
    let plan = plan();
    let before_start = plan.progress(&RunLog::default(), date!(2026 - 05 - 01));
    assert_eq!(before_start.table(), plan.table());
    assert!(
        plan.table()
            .contains("first step: +4 spm from your natural 160 spm")
    );

    // After one comfortable week, the weeks still to come keep their ladder reasons.
    let log = RunLog::new(vec![
        run(date!(2026 - 05 - 05), 1, 1, Morning::Same),
        run(date!(2026 - 05 - 07), 1, 2, Morning::Same),
        run(date!(2026 - 05 - 09), 2, 1, Morning::Better),
    ]);
    let table = plan.progress(&log, date!(2026 - 05 - 12)).table();
    let planned: Vec<&str> = table.lines().filter(|l| l.contains("planned")).collect();
    assert_eq!(planned.len(), 4, "{table}");
    assert!(
        planned[1].ends_with("+4 spm: final target reached"),
        "{table}"
    );
    assert!(planned[3].ends_with("same rate, fewer clicks: keep it without the app"));
}

/// A run just logged: no morning check yet.
fn fresh_run(date: Date, during: u8, after: u8) -> SessionRecord {
    SessionRecord {
        morning: None,
        ..run(date, during, after, Morning::Same)
    }
}

#[test]
fn a_logged_run_gets_the_plans_verdict_at_once() {
    let plan = plan();
    let mut log = RunLog::default();
    let first = fresh_run(date!(2026 - 05 - 05), 2, 2);
    log.records.push(first.clone());
    let verdict = plan.after_run(&log, &first);
    assert_eq!(verdict.decision, None);
    assert_eq!(
        verdict.message,
        "Run 1 of 3 at 164 spm (+2.5%): within the safe range. Log the morning check tomorrow."
    );

    log.records
        .push(run(date!(2026 - 05 - 07), 1, 1, Morning::Same));
    let third = fresh_run(date!(2026 - 05 - 09), 2, 3);
    log.records.push(third.clone());
    let verdict = plan.after_run(&log, &third);
    assert!(verdict.provisional);
    assert_eq!(verdict.decision.unwrap().action, Action::Progress);
    assert!(
        verdict.message.starts_with(
            "If tomorrow morning the knee is no worse than usual: Moving up to 168 spm"
        ),
        "{}",
        verdict.message
    );

    // The same third run, but it hurt 5/10 afterwards: the step is repeated.
    log.records.pop();
    let sore = fresh_run(date!(2026 - 05 - 09), 3, 5);
    log.records.push(sore.clone());
    let verdict = plan.after_run(&log, &sore);
    assert_eq!(verdict.decision.unwrap().action, Action::Hold);

    // 7/10 steps back on the day, with the adjustments.
    log.records.pop();
    let bad = fresh_run(date!(2026 - 05 - 09), 7, 6);
    log.records.push(bad.clone());
    let verdict = plan.after_run(&log, &bad);
    assert!(!verdict.provisional);
    assert_eq!(verdict.decision.unwrap().action, Action::StepBack);
    assert!(
        verdict.message.contains("Until it settles"),
        "{}",
        verdict.message
    );
}

#[test]
fn a_run_without_its_pain_logged_holds_the_step() {
    let plan = plan();
    let mut unanswered = run(date!(2026 - 05 - 07), 0, 0, Morning::Same);
    unanswered.pain_logged = false;
    let log = RunLog::new(vec![
        run(date!(2026 - 05 - 05), 1, 1, Morning::Same),
        unanswered.clone(),
        run(date!(2026 - 05 - 09), 2, 1, Morning::Same),
    ]);
    let progress = plan.progress(&log, date!(2026 - 05 - 11));
    let decision = progress.decisions.last().expect("the step was evaluated");
    assert_eq!(decision.action, Action::Hold);
    assert_eq!(
        decision.reason,
        "Holding at 164 spm this week: the knee's pain was not logged for Thursday's run."
    );

    // Once it is logged, the same runs move the runner up.
    let mut log = log;
    log.records[1].log_pain(
        Pain {
            during: 1,
            after: 2,
        },
        false,
    );
    let progress = plan.progress(&log, date!(2026 - 05 - 11));
    assert_eq!(progress.decisions.last().unwrap().action, Action::Progress);
}

/// The watch's readings for a 30-minute run on `date`: `spm(minute)`, every second.
fn watch_says(date: Date, spm: impl Fn(usize) -> f64) -> cadence_coach::coach::Measurement {
    use cadence_coach::coach::{Measurement, Sample};
    let started_at = PrimitiveDateTime::new(date, Time::from_hms(5, 0, 0).unwrap()).assume_utc();
    let samples: Vec<Sample> = (0..1_800)
        .map(|second| Sample {
            seconds: second as f64,
            spm: Some(spm(second / 60)),
            ..Sample::default()
        })
        .collect();
    Measurement::from_samples(format!("watch-{date}"), started_at, &samples).unwrap()
}

#[test]
fn a_measured_run_that_drifted_off_the_target_holds_the_step() {
    let plan = plan();
    // Week 1's target is 164 spm. Tuesday's run held it for 9 minutes, then went back
    // to the old 156.
    let mut tuesday = run(date!(2026 - 05 - 05), 1, 1, Morning::Same);
    tuesday.measured = Some(watch_says(date!(2026 - 05 - 05), |minute| {
        if minute < 9 { 164.0 } else { 156.0 }
    }));
    let mut thursday = run(date!(2026 - 05 - 07), 1, 1, Morning::Same);
    thursday.measured = Some(watch_says(date!(2026 - 05 - 07), |_| 163.0));
    let log = RunLog::new(vec![
        tuesday.clone(),
        thursday,
        run(date!(2026 - 05 - 09), 2, 1, Morning::Same),
    ]);
    let progress = plan.progress(&log, date!(2026 - 05 - 11));
    let decision = progress.decisions.last().expect("the step was evaluated");
    assert_eq!(decision.action, Action::Hold);
    assert_eq!(
        decision.reason,
        "Holding at 164 spm this week: on Tuesday you ran 156 spm on average and were at \
         the target for 9 of 30 minutes. Keep the clicks on for the whole run this week."
    );

    // Held for 24 of 30 minutes (the last six drifting): the step counts.
    let mut log = log;
    log.records[0].measured = Some(watch_says(date!(2026 - 05 - 05), |minute| {
        if minute < 24 { 164.0 } else { 156.0 }
    }));
    let progress = plan.progress(&log, date!(2026 - 05 - 11));
    assert_eq!(progress.decisions.last().unwrap().action, Action::Progress);
}

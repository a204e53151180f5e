//! The command line as the physio's framework asks: falling back to the saved profile,
//! refusals that name the command that provides what is missing, completing a run's
//! pain later, the risk profile's longer steps, other training in the weekly workload,
//! the decline warning, the advice page and the warm-up.

#[path = "support/cli.rs"]
mod cli;

use cli::{run, store, text};
use std::process::Output;

use cadence_coach::coach::{
    Baseline, Increase, Plan, PlayedRates, Profile, RiskProfile, SessionRecord, Sex, Training,
};
use time::{Date, Duration as Days, OffsetDateTime};

/// Succeeded; returns stdout.
#[track_caller]
fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// Refused with exit code 2 and a message containing `expected`.
#[track_caller]
fn assert_refused(output: &Output, expected: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr}"
    );
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn iso(date: Date) -> String {
    date.to_string()
}

/// A run saved as it started, its pain never given.
fn unanswered_run(days_ago: i64) -> SessionRecord {
    let started_at = OffsetDateTime::now_utc() - Days::days(days_ago);
    let mut record = SessionRecord::starting(started_at, days_ago as u32, 164.0, None);
    record.set_played(1_800.0, 4_900, 164.0);
    record
}

fn run_on(date: Date, minutes: f64, id: u32) -> SessionRecord {
    let started_at = date.with_hms(7, 0, 0).unwrap().assume_utc();
    SessionRecord::new(
        SessionRecord::make_id(started_at, id),
        started_at,
        PlayedRates::steady(164.0),
        minutes * 60.0,
        (minutes * 164.0) as u32,
        Default::default(),
    )
}

#[test]
fn plan_new_uses_the_saved_baseline_and_increase_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let refused = run(
        dir.path(),
        &["plan", "new", "--weeks", "6", "--runs-per-week", "3"],
    );
    assert_refused(&refused, "cadence-coach baseline --count N --save");
    assert!(!dir.path().join("plan.ron").exists());

    ok(&run(
        dir.path(),
        &["baseline", "--count", "80", "--save", "--increase", "7.5"],
    ));
    let stdout = ok(&run(
        dir.path(),
        &["plan", "new", "--weeks", "6", "--runs-per-week", "3"],
    ));
    assert!(
        stdout.contains("Using your saved baseline of 160 spm."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Using your saved increase of +7.5%."),
        "{stdout}"
    );
    let plan = store(dir.path()).load::<Plan>().unwrap().value.unwrap();
    assert_eq!(plan.baseline.spm, 160);
    assert_eq!(plan.increase, Increase::SEVEN_AND_A_HALF);
    assert_eq!(plan.start, today());

    // Flags still win over the profile.
    ok(&run(
        dir.path(),
        &[
            "plan",
            "new",
            "--baseline",
            "170",
            "--weeks",
            "4",
            "--runs-per-week",
            "2",
        ],
    ));
    let plan = store(dir.path()).load::<Plan>().unwrap().value.unwrap();
    assert_eq!((plan.baseline.spm, plan.weeks()), (170, 4));
}

#[test]
fn commands_that_need_a_plan_or_a_rate_name_the_command_that_provides_it() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["plan", "show"][..],
        &["plan", "today"],
        &["play", "--plan", "--pain-during", "1", "--pain-after", "1"],
    ] {
        assert_refused(&run(dir.path(), args), "cadence-coach plan new");
    }
    assert_refused(
        &run(dir.path(), &["play", "--minutes", "1"]),
        "cadence-coach baseline --count N --save",
    );
}

#[test]
fn pain_completes_the_run_saved_without_it() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused(
        &run(dir.path(), &["pain", "--during", "2", "--after", "3"]),
        "every run has its pain logged",
    );
    let store = store(dir.path());
    let record = unanswered_run(1);
    store.begin_session(&record).unwrap();
    let stdout = ok(&run(dir.path(), &["pain", "--during", "2", "--after", "3"]));
    assert!(stdout.contains("2/10 during, 3/10 after"), "{stdout}");
    let saved = store.load_sessions::<SessionRecord>().unwrap().sessions;
    assert_eq!(saved.len(), 1);
    assert!(saved[0].pain_logged);
    assert_eq!((saved[0].pain.during, saved[0].pain.after), (2, 3));
    assert_eq!(saved[0].played_seconds, 1_800.0, "what was played is kept");
    assert_refused(
        &run(dir.path(), &["pain", "--during", "2", "--after", "3"]),
        "every run has its pain logged",
    );
    assert_refused(
        &run(dir.path(), &["pain", "--during", "11", "--after", "3"]),
        "0 (no pain) to 10",
    );
}

#[test]
fn a_run_logged_days_later_is_not_told_to_log_tomorrows_morning() {
    let dir = tempfile::tempdir().unwrap();
    let start = today() - Days::days(6);
    let plan = Plan::new(Baseline::typed(160.0).unwrap(), Increase::TEN, 6, 3, start).unwrap();
    assert!(store(dir.path()).save(&plan).unwrap().is_empty());
    let log = |date: Date| {
        ok(&run(
            dir.path(),
            &[
                "log",
                "--date",
                &iso(date),
                "--minutes",
                "30",
                "--spm",
                "164",
                "--pain-during",
                "1",
                "--pain-after",
                "1",
            ],
        ))
    };
    let late = log(today() - Days::days(4));
    assert!(late.contains("Run 1 of 3"), "{late}");
    assert!(!late.contains("tomorrow"), "{late}");
    let now = log(today());
    assert!(now.contains("Log the morning check tomorrow."), "{now}");
}

#[test]
fn a_risk_factor_holds_each_step_two_weeks_with_the_reason_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let plan_args = [
        "plan",
        "new",
        "--baseline",
        "160",
        "--increase",
        "10",
        "--weeks",
        "6",
        "--runs-per-week",
        "3",
    ];
    let without = ok(&run(dir.path(), &plan_args));
    let row = |table: &str, week: u32| -> String {
        table
            .lines()
            .find(|line| line.trim_start().starts_with(&format!("{week} ")))
            .unwrap_or_else(|| panic!("no week {week} in\n{table}"))
            .to_string()
    };
    assert!(row(&without, 1).contains("164"), "{without}");
    assert!(row(&without, 2).contains("168"), "{without}");

    let shown = ok(&run(
        dir.path(),
        &["profile", "--prior-knee-pain", "yes", "--sex", "male"],
    ));
    assert!(shown.contains("each step is held for 2 weeks"), "{shown}");
    let profile = store(dir.path()).load::<Profile>().unwrap().value.unwrap();
    assert_eq!(
        profile.risk,
        RiskProfile {
            prior_knee_pain: Some(true),
            sex: Some(Sex::Male),
            ..RiskProfile::default()
        }
    );
    let with = ok(&run(dir.path(), &["plan", "show"]));
    assert!(row(&with, 1).contains("164"), "{with}");
    let second = row(&with, 2);
    assert!(second.contains("164"), "{with}");
    assert!(
        with.contains(
            "Holding 164 spm for a second week: knee pain before makes a recurrence likely"
        ),
        "{with}"
    );
    assert!(row(&with, 3).contains("168"), "{with}");
    // No score anywhere: only the guidance's figures.
    assert!(!with.contains("score"));

    assert_refused(&run(dir.path(), &["profile", "--sex", "unknown"]), "female");
}

#[test]
fn a_new_daily_cycle_commute_shows_as_a_spike_with_the_same_running() {
    let dir = tempfile::tempdir().unwrap();
    // The ISO weeks two and one before this one: the same three runs each.
    let monday = today() - Days::days(i64::from(today().weekday().number_days_from_monday()));
    let (two_ago, one_ago) = (monday - Days::days(14), monday - Days::days(7));
    let store = store(dir.path());
    for (index, day) in [0, 2, 4].into_iter().enumerate() {
        store
            .begin_session(&run_on(two_ago + Days::days(day), 40.0, index as u32))
            .unwrap();
        store
            .begin_session(&run_on(one_ago + Days::days(day), 40.0, 10 + index as u32))
            .unwrap();
    }
    let before = ok(&run(dir.path(), &["history"]));
    assert!(!before.contains("more than"), "{before}");
    for day in 0..5 {
        ok(&run(
            dir.path(),
            &[
                "activity",
                "--kind",
                "cycling",
                "--minutes",
                "20",
                "--date",
                &iso(one_ago + Days::days(day)),
            ],
        ));
    }
    let training = store.load::<Training>().unwrap().value.unwrap();
    assert_eq!(training.activities.len(), 5);
    let after = ok(&run(dir.path(), &["history"]));
    assert!(
        after.contains("220 min of running and other training (100 min of it not running) is 83% more than the 120 min"),
        "{after}"
    );
    assert_refused(
        &run(
            dir.path(),
            &["activity", "--kind", "cycling", "--minutes", "0"],
        ),
        "1 to 1440 minutes",
    );
}

#[test]
fn strength_sessions_are_counted_against_three_a_week() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = ok(&run(
        dir.path(),
        &[
            "activity",
            "--kind",
            "strength",
            "--minutes",
            "10",
            "--exercise",
            "clamshells:3x10",
            "--exercise",
            "split-squats:3x8@10",
        ],
    ));
    assert!(
        stdout.contains("clamshells 3x10, split squats 3x8 at 10 kg"),
        "{stdout}"
    );
    assert!(stdout.contains("Hip and knee exercise this week: 1 of 3 sessions of 10 minutes."));
    assert_refused(
        &run(
            dir.path(),
            &[
                "activity",
                "--kind",
                "strength",
                "--minutes",
                "10",
                "--exercise",
                "squats:3x10",
            ],
        ),
        "not an exercise the app knows",
    );
}

#[test]
fn a_treadmill_decline_gets_the_decline_warning_with_its_figure() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "log",
        "--minutes",
        "30",
        "--spm",
        "164",
        "--pain-during",
        "1",
        "--pain-after",
        "1",
        "--treadmill-kmh",
        "10",
    ];
    let flat = ok(&run(dir.path(), &[&base[..], &["--incline", "1"]].concat()));
    assert!(!flat.contains("decline"), "{flat}");
    let down = ok(&run(
        dir.path(),
        &[&base[..], &["--incline", "-3"]].concat(),
    ));
    assert!(
        down.contains("running on a 5% decline has been shown to increase knee loading by ~40%"),
        "{down}"
    );
}

#[test]
fn advice_lists_every_rule_with_its_source_and_the_red_flags() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = ok(&run(dir.path(), &["advice"]));
    for field in cadence_coach::coach::advice::fields(&cadence_coach::coach::Thresholds::GUIDANCE) {
        assert!(
            stdout.contains(&format!("{} = {}", field.0, field.1)),
            "{}",
            field.0
        );
    }
    assert!(!stdout.contains("(no source)"));
    for flag in [
        "visible swelling",
        "pain that makes you limp",
        "pain at 7/10 or more",
    ] {
        assert!(
            stdout.contains(flag) && stdout.contains("see a physiotherapist or sports physician"),
            "{flag}"
        );
    }
}

#[test]
fn the_warmup_lists_its_timed_phases_and_refuses_holds_outside_the_guidance() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = ok(&run(
        dir.path(),
        &["warmup", "--list", "--holds", "4", "--hold-seconds", "45"],
    ));
    assert!(stdout.contains("0:03  Leg swings"), "{stdout}");
    assert!(stdout.contains("Wall sit 4 of 4"), "{stdout}");
    assert_refused(
        &run(dir.path(), &["warmup", "--list", "--holds", "6"]),
        "wall-sit holds",
    );
}

#[test]
fn shoes_add_up_treadmill_distance() {
    let dir = tempfile::tempdir().unwrap();
    ok(&run(
        dir.path(),
        &[
            "shoes",
            "--add",
            "Trainers",
            "--since",
            &iso(today() - Days::days(30)),
            "--km",
            "630",
        ],
    ));
    ok(&run(
        dir.path(),
        &[
            "log",
            "--minutes",
            "60",
            "--spm",
            "164",
            "--pain-during",
            "1",
            "--pain-after",
            "1",
            "--treadmill-kmh",
            "12",
        ],
    ));
    let stdout = ok(&run(dir.path(), &["shoes"]));
    assert!(stdout.contains("Trainers"), "{stdout}");
    assert!(
        stdout.contains("642 km: past 640 km (400 miles)"),
        "{stdout}"
    );
}

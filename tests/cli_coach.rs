//! The coaching side of the command line as a runner uses it: tapping out a baseline,
//! the morning check-in, the history and its CSV, and every refusal of `play --plan`.
//! Data is seeded and read back through the library's own store, in a temporary folder.

#[path = "support/cli.rs"]
mod cli;

use cli::{command, run, store, text};
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use cadence_coach::coach::{
    Baseline, Increase, Morning, Pain, Plan, PlayedRates, Profile, SessionRecord,
};
use time::{Duration as Days, OffsetDateTime};

/// Refused with exit code 2 and a message containing `expected`.
#[track_caller]
fn assert_refused(output: &Output, expected: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn tapping_a_minute_gives_the_baseline_and_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(dir.path())
        .args([
            "baseline",
            "--tap",
            "--tap-seconds",
            "10",
            "--save",
            "--increase",
            "7.5",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Enter starts the count; then a right-foot strike every 0.75 s (160 spm), each
    // timed from the start so that sleeping late does not add up.
    stdin.write_all(b"\n").unwrap();
    let start = Instant::now();
    for tap in 1..=12u32 {
        let due = start + Duration::from_millis(250) + Duration::from_millis(750) * (tap - 1);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        stdin.write_all(b"\n").unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains("12 right-foot strikes tapped in 10 seconds"),
        "{stdout}"
    );
    let profile = store(dir.path())
        .load::<Profile>()
        .unwrap()
        .value
        .expect("the profile was saved");
    let baseline = profile.baseline.expect("with the baseline");
    assert!(
        (159..=161).contains(&baseline.spm),
        "{} spm from taps 0.75 s apart\n{stdout}",
        baseline.spm
    );
    assert_eq!(profile.increase, Increase::SEVEN_AND_A_HALF);
    assert!(
        stdout.contains(&format!("saved: baseline {} spm", baseline.spm)),
        "{stdout}"
    );
}

#[test]
fn baseline_refusals_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["baseline"], "--count"),
        (
            &["baseline", "--tap", "--count", "80"],
            "cannot be used with",
        ),
        (&["baseline", "--count", "80", "--increase", "7"], "--save"),
        (
            &["baseline", "--count", "80", "--save", "--increase", "12"],
            "5",
        ),
        (
            &["baseline", "--count", "80", "--save", "--increase", "lots"],
            "not a number",
        ),
        (&["baseline", "--tap", "--both-feet"], "cannot be used with"),
        (&["baseline", "--tap", "--tap-seconds", "5"], "10..=120"),
        // No input at all: nothing was counted.
        (&["baseline", "--tap"], "no input"),
    ];
    for (args, expected) in cases {
        let output = run(dir.path(), args);
        assert_refused(&output, expected);
    }
    assert!(
        !dir.path().join("profile.ron").exists(),
        "nothing refused was saved"
    );
}

/// A run of `minutes` started `days_ago` days ago at this time of day.
fn past_run(days_ago: i64, minutes: f64, pain: (u8, u8)) -> SessionRecord {
    let started_at = OffsetDateTime::now_utc() - Days::days(days_ago);
    SessionRecord::new(
        SessionRecord::make_id(started_at, days_ago as u32),
        started_at,
        PlayedRates::steady(164.0),
        minutes * 60.0,
        (minutes * 164.0) as u32,
        Pain {
            during: pain.0,
            after: pain.1,
        },
    )
}

fn seed_plan(dir: &Path, days_ago: i64) -> Plan {
    let start = (OffsetDateTime::now_utc() - Days::days(days_ago)).date();
    let plan = Plan::new(Baseline::typed(160.0).unwrap(), Increase::TEN, 6, 3, start).unwrap();
    assert!(store(dir).save(&plan).unwrap().is_empty());
    plan
}

#[test]
fn the_morning_check_in_completes_the_latest_run() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused(
        &run(dir.path(), &["check-in", "--morning", "same"]),
        "no run from before today",
    );

    let store = store(dir.path());
    let older = past_run(5, 30.0, (1, 1));
    let latest = past_run(2, 30.0, (2, 3));
    for run in [&older, &latest] {
        store.begin_session(run).unwrap();
    }
    let output = run(
        dir.path(),
        &["check-in", "--morning", "worse", "--swelling"],
    );
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains(&format!(
            "Morning check logged for the run of {}",
            latest.date()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("physiotherapist"), "{stdout}");
    let runs = store.load_sessions::<SessionRecord>().unwrap().sessions;
    let checked = runs.iter().find(|r| r.id == latest.id).unwrap();
    let morning = checked.morning.expect("the check was saved");
    assert_eq!(morning.symptoms, Morning::Worse);
    assert!(morning.swelling);
    let untouched = runs.iter().find(|r| r.id == older.id).unwrap();
    assert_eq!(untouched.morning, None);

    // A clinician's clearance goes to the profile, so the plan can progress again.
    let output = run(
        dir.path(),
        &["check-in", "--cleared", "Physio: fine to run"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let profile = store.load::<Profile>().unwrap().value.unwrap();
    assert_eq!(profile.clearances.len(), 1);
    assert_eq!(profile.clearances[0].note, "Physio: fine to run");

    assert_refused(
        &run(dir.path(), &["check-in", "--morning", "sideways"]),
        "possible values: worse, same, better",
    );
    assert_refused(&run(dir.path(), &["check-in"]), "--morning");
    assert_refused(&run(dir.path(), &["check-in", "--swelling"]), "--morning");
    let long_note = "x".repeat(1_001);
    assert_refused(
        &run(dir.path(), &["check-in", "--cleared", &long_note]),
        "keep it to 1000",
    );
}

#[test]
fn history_lists_runs_weekly_minutes_and_spikes_and_exports_csv() {
    let dir = tempfile::tempdir().unwrap();
    let empty = run(dir.path(), &["history"]);
    assert!(empty.status.success());
    assert_eq!(text(&empty.stdout), "No runs logged yet.\n");

    let store = store(dir.path());
    // 30 minutes a week for two weeks, then 60: the last week is a spike.
    let runs = [
        past_run(21, 30.0, (1, 1)),
        past_run(14, 30.0, (2, 1)),
        past_run(7, 60.0, (3, 2)),
    ];
    for run in &runs {
        store.begin_session(run).unwrap();
    }
    let output = run(dir.path(), &["history"]);
    let listing = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let newest = listing.find(&runs[2].date().to_string()).unwrap();
    let oldest = listing.find(&runs[0].date().to_string()).unwrap();
    assert!(newest < oldest, "newest first:\n{listing}");
    assert!(
        listing.contains("60.0 min  1 run  ! more than 10%"),
        "{listing}"
    );
    assert!(
        listing.contains("100% more than the 30 min of the week before"),
        "{listing}"
    );

    let csv = run(dir.path(), &["history", "--csv"]);
    let csv = text(&csv.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("id,date,start_time"), "{csv}");
    assert!(lines[1].starts_with(&runs[0].id), "oldest first: {csv}");
    assert!(lines[3].contains(",60.00,9840,"), "{csv}");

    let out = dir.path().join("export.csv");
    let written = run(dir.path(), &["history", "--out", out.to_str().unwrap()]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), csv);
    let nowhere = run(
        dir.path(),
        &["history", "--out", "/nonexistent-folder/x.csv"],
    );
    assert_eq!(nowhere.status.code(), Some(1));
    assert!(text(&nowhere.stderr).contains("nonexistent-folder"));
}

#[test]
fn play_plan_refuses_what_it_cannot_record() {
    let dir = tempfile::tempdir().unwrap();
    let pain = ["--pain-during", "2", "--pain-after", "1"];
    let with_pain = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(pain);
        run(dir.path(), &all)
    };
    assert_refused(&with_pain(&["play", "--plan"]), "plan new");
    assert_refused(
        &run(dir.path(), &["play", "--spm", "170", "--pain-during", "3"]),
        "add --plan or --record",
    );
    assert_refused(
        &run(dir.path(), &["play", "--plan", "--pain-during", "11"]),
        "0 (no pain) to 10",
    );
    assert_refused(
        &run(dir.path(), &["play", "--plan", "--pain-after", "-1"]),
        "0 (no pain) to 10",
    );
    assert_refused(
        &with_pain(&["play", "--plan", "--spm", "170"]),
        "cannot be used",
    );
    assert_refused(
        &with_pain(&["play", "--plan", "--minutes", "10"]),
        "cannot be used",
    );
    assert_refused(
        &with_pain(&["play", "--plan", "--incline", "3"]),
        "--treadmill-kmh",
    );
    assert_refused(
        &with_pain(&["play", "--plan", "--treadmill-kmh", "45"]),
        "1 to 30 km/h",
    );
    let long_note = "x".repeat(1_001);
    assert_refused(
        &with_pain(&["play", "--plan", "--note", &long_note]),
        "keep it to 1000",
    );
    assert_refused(&run(dir.path(), &["play"]), "--spm");

    // Without a terminal to ask on, the pain must come as flags, before anything plays.
    seed_plan(dir.path(), 0);
    assert_refused(
        &run(dir.path(), &["play", "--plan"]),
        "give --pain-during and --pain-after",
    );

    // A plan that starts next week has nothing to play today.
    seed_plan(dir.path(), -7);
    assert_refused(&with_pain(&["play", "--plan"]), "no run is planned today");
    assert!(
        !dir.path().join("sessions").exists(),
        "nothing was recorded"
    );
}

#[test]
fn an_imported_plan_is_checked_before_it_replaces_yours() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan-v1.ron");
    let imported = run(dir.path(), &["plan", "import", fixture.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let plan = store(dir.path()).load::<Plan>().unwrap().value.unwrap();
    assert_eq!(plan.final_target().spm, 176);

    let original = std::fs::read_to_string(&fixture).unwrap();
    let hostile = dir.path().join("from-a-friend.ron");
    let cases = [
        (original.replace("spm: 176", "spm: 999"), "spm"),
        (
            original.replace("runs_per_week: 3", "runs_per_week: 30"),
            "runs per week",
        ),
        (original.replace("version: 1", "version: 99"), "newer"),
        (
            "(version: 1, data: (".repeat(10_000),
            "nested more than 128 levels",
        ),
        ("not a plan at all".to_string(), "cannot be used"),
    ];
    for (contents, expected) in cases {
        std::fs::write(&hostile, &contents).unwrap();
        let output = run(dir.path(), &["plan", "import", hostile.to_str().unwrap()]);
        assert_refused(&output, expected);
        // The file given is left alone, and the runner's plan is unchanged.
        assert_eq!(std::fs::read_to_string(&hostile).unwrap(), contents);
        assert_eq!(
            store(dir.path()).load::<Plan>().unwrap().value.unwrap(),
            plan
        );
    }
    // Sparse: a terabyte on paper. It is refused by its size, not read.
    std::fs::File::create(&hostile)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    assert_refused(
        &run(dir.path(), &["plan", "import", hostile.to_str().unwrap()]),
        "bytes",
    );
}

#[test]
fn a_run_done_without_the_app_is_logged_and_counted_by_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let plan = seed_plan(dir.path(), 14);
    let day = |offset: i64| (plan.start + Days::days(offset)).to_string();
    for (offset, during, after) in [(1, "1", "1"), (3, "1", "2"), (5, "2", "7")] {
        let output = run(
            dir.path(),
            &[
                "log",
                "--date",
                &day(offset),
                "--time",
                "07:15",
                "--minutes",
                "30",
                "--spm",
                "164",
                "--pain-during",
                during,
                "--pain-after",
                after,
                "--note",
                "outdoors, phone track",
            ],
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        if offset == 5 {
            let stdout = text(&output.stdout);
            assert!(stdout.contains("Stepping back"), "{stdout}");
        }
    }
    let runs = store(dir.path())
        .load_sessions::<SessionRecord>()
        .unwrap()
        .sessions;
    assert_eq!(runs.len(), 3);
    assert!(
        runs.iter()
            .all(|r| r.steps == 4_920 && r.played_seconds == 1_800.0)
    );
    assert!(runs.iter().all(|r| r.note == "outdoors, phone track"));
    let shown = text(&run(dir.path(), &["plan", "show"]).stdout);
    assert!(shown.contains("stepped back (3 runs)"), "{shown}");

    let base = ["log", "--minutes", "30", "--spm", "164"];
    let with = |extra: &[&str]| {
        let mut all: Vec<&str> = base.to_vec();
        all.extend_from_slice(extra);
        run(dir.path(), &all)
    };
    assert_refused(&with(&[]), "--pain-during and --pain-after");
    let pain = ["--pain-during", "1", "--pain-after", "1"];
    let tomorrow = day(15);
    let future = [&["--date", tomorrow.as_str()][..], &pain].concat();
    assert_refused(&with(&future), "in the future");
    let bad_time = [&["--time", "7h30"][..], &pain].concat();
    assert_refused(&with(&bad_time), "HH:MM");
    let bad_date = [&["--date", "yesterday"][..], &pain].concat();
    assert_refused(&with(&bad_date), "YYYY-MM-DD");
    assert_refused(
        &run(dir.path(), &["log", "--minutes", "30", "--spm", "300"]),
        "60-250",
    );
    assert_eq!(
        store(dir.path())
            .load_sessions::<SessionRecord>()
            .unwrap()
            .sessions
            .len(),
        3,
        "nothing refused was logged"
    );
}

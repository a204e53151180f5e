//! `cadence-coach import` and `baseline --from-run` as a runner uses them: real watch
//! exports and hand-written FIT files, one line per run or JSON, a recorded run that
//! gets its measurement, a second import that adds nothing, and bad files that fail
//! alone (exit 1) while the others are imported.

#[allow(dead_code)]
#[path = "support/fit.rs"]
mod fit;

#[path = "support/cli.rs"]
mod cli;

use cli::{store, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cadence_coach::coach::{
    FeedbackDuty, Pain, PlayedRates, SessionProfile, SessionRecord, SessionTimes,
};
use time::OffsetDateTime;

/// Dates print in UTC, whatever this machine's zone.
fn run(dir: &Path, args: &[&str]) -> Output {
    cli::command(dir)
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn runs(dir: &Path) -> Vec<SessionRecord> {
    let loaded = store(dir).load_sessions::<SessionRecord>().unwrap();
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    loaded.sessions
}

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/samples/watch")
        .join(name)
        .display()
        .to_string()
}

/// 2026-11-24 06:30:00 UTC.
const TUESDAY: i64 = 1_795_501_800;

/// A 30-minute FIT run from `unix`: 9 minutes at 84 strides, then 80 (168, then 160
/// spm), written into `dir`.
fn drifting_run(dir: &Path, unix: i64) -> String {
    let records = fit::steady_records(unix, 30, |second| if second < 540 { 84 } else { 80 });
    let path = dir.join("tuesday.fit");
    std::fs::write(
        &path,
        fit::activity(&[fit::Leg {
            sport: fit::RUNNING,
            records,
        }]),
    )
    .unwrap();
    path.display().to_string()
}

#[test]
fn a_run_nobody_recorded_is_logged_once_with_its_pain_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let file = drifting_run(dir.path(), TUESDAY);
    let output = run(dir.path(), &["import", &file, "--target", "168"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert_eq!(
        stdout.trim_end(),
        format!(
            "{file}: 2026-11-24 06:30 running, 30.0 min (no stops), mean 162 spm, median \
             160 spm, at 168 spm for 9 of 30 min: logged as a new run; give the knee's pain \
             in the app, or import it again with --pain-during and --pain-after"
        )
    );
    let [logged] = runs(dir.path()).try_into().expect("one run");
    assert!(!logged.pain_logged);
    assert_eq!(logged.played_seconds, 1_800.0);
    assert_eq!(logged.measured.as_ref().unwrap().median_spm, 160.0);

    // Again, with the pain this time: nothing added, the pain logged.
    let output = run(
        dir.path(),
        &["import", &file, "--pain-during", "1", "--pain-after", "2"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("already in your history"),
        "{}",
        text(&output.stdout)
    );
    let [again] = runs(dir.path()).try_into().expect("still one run");
    assert_eq!(again.id, logged.id);
    assert!(again.pain_logged);
    assert_eq!(
        again.pain,
        Pain {
            during: 1,
            after: 2
        }
    );

    // The history shows what the watch measured beside the target.
    let history = text(&run(dir.path(), &["history"]).stdout);
    assert!(history.contains("Measured"), "{history}");
    let row = history
        .lines()
        .find(|line| line.starts_with("2026-11-24"))
        .expect("the run is listed");
    // Average 162 (steps over moving time), measured median 160, pain 1/2.
    let columns = format!("  162  160{}1/2", " ".repeat(13));
    assert!(row.contains(&columns), "{history}");
}

#[test]
fn a_recorded_run_gets_the_measurement_and_dry_runs_save_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // The app recorded 30 minutes from 06:29 at 168.
    let started = OffsetDateTime::from_unix_timestamp(TUESDAY - 60).unwrap();
    let mut recorded = SessionRecord::new(
        SessionRecord::make_id(started, 9),
        started,
        PlayedRates::steady(168.0),
        1_800.0,
        5_040,
        Pain::default(),
    );
    // A planned run: it played the profile's target.
    recorded.profile = Some(SessionProfile {
        start_spm: 160,
        target_spm: 168,
        times: SessionTimes::default(),
        feedback: FeedbackDuty::Always,
    });
    store(dir.path()).save_session(&recorded).unwrap();
    let file = drifting_run(dir.path(), TUESDAY);

    let dry = run(dir.path(), &["import", "--dry-run", &file]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(
        text(&dry.stdout).contains(
            "at 168 spm for 9 of 30 min: would be attached to the run you recorded at 06:29"
        ),
        "{}",
        text(&dry.stdout)
    );
    assert_eq!(runs(dir.path())[0].measured, None);

    let output = run(dir.path(), &["import", &file]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let [attached] = runs(dir.path()).try_into().expect("one run");
    assert_eq!(attached.id, recorded.id);
    assert_eq!(attached.measured.unwrap().median_spm, 160.0);
}

#[test]
fn json_lists_every_leg_and_a_bad_file_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = TUESDAY;
    let triathlon = dir.path().join("tri.fit");
    std::fs::write(
        &triathlon,
        fit::activity(&[
            fit::Leg {
                sport: fit::CYCLING,
                records: fit::steady_records(t0, 20, |_| 90),
            },
            fit::Leg {
                sport: fit::RUNNING,
                records: fit::steady_records(t0 + 1_260, 10, |_| 86),
            },
        ]),
    )
    .unwrap();
    let empty = dir.path().join("empty.gpx");
    std::fs::write(&empty, "").unwrap();
    let triathlon = triathlon.display().to_string();
    let empty = empty.display().to_string();
    let truncated = sample("nick.fit");
    let output = run(
        dir.path(),
        &[
            "import", "--json", "--target", "170", &empty, &triathlon, &truncated,
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("{empty}: the file is empty")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{truncated}: the FIT file ends early")),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 of 3 files could not be imported"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let legs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        legs,
        serde_json::json!([
            {
                "file": triathlon,
                "sport": "cycling",
                "start": "2026-11-24T06:30:00Z",
                "elapsed_minutes": 20.0,
                "moving_minutes": null,
                "mean_spm": null,
                "median_spm": null,
                "target_spm": null,
                "minutes_at_target": null,
            },
            {
                "file": triathlon,
                "sport": "running",
                "start": "2026-11-24T06:51:00Z",
                "elapsed_minutes": 10.0,
                "moving_minutes": 10.0,
                "mean_spm": 172.0,
                "median_spm": 172.0,
                "target_spm": 170.0,
                "minutes_at_target": 10.0,
            }
        ])
    );
    // The good file was imported despite the bad ones.
    assert_eq!(runs(dir.path()).len(), 1);
}

#[test]
fn the_real_exports_import_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &[
            "import",
            "--dry-run",
            &sample("20210119_run_garmin_fenix6.tcx"),
            &sample("garmin-activity.gpx"),
            &sample("garmin-fenix-5-walk.fit"),
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains("2021-01-19 23:30 running"), "{stdout}");
    assert!(lines[1].contains("2017-07-29 14:46 running"), "{stdout}");
    assert!(lines.last().unwrap().contains("walking"), "{stdout}");
    assert!(
        lines
            .last()
            .unwrap()
            .ends_with("skipped (walking is not running)"),
        "{stdout}"
    );
    assert!(runs(dir.path()).is_empty(), "a dry run saves nothing");
}

#[test]
fn the_baseline_comes_from_an_easy_run() {
    let dir = tempfile::tempdir().unwrap();
    // 5 minutes warming up at 75 strides, then 20 at 81: natural rate 162.
    let records = fit::steady_records(TUESDAY, 25, |s| if s < 300 { 75 } else { 81 });
    let path = dir.path().join("easy.fit");
    std::fs::write(
        &path,
        fit::activity(&[fit::Leg {
            sport: fit::RUNNING,
            records,
        }]),
    )
    .unwrap();
    let output = run(
        dir.path(),
        &["baseline", "--from-run", path.to_str().unwrap(), "--save"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(
            "from the run of 2026-11-24: the median step rate of minutes 6-25 while moving, \
             the warm-up left out (25.0 of 25.0 minutes moving)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("natural step rate: 162 spm"), "{stdout}");

    let walk = run(
        dir.path(),
        &["baseline", "--from-run", &sample("garmin-fenix-5-walk.fit")],
    );
    assert_eq!(walk.status.code(), Some(2));
    assert!(text(&walk.stderr).contains("no run in this file"));
}

/// A good FIT run with five stray bytes after its checksum, as the fuzz target found:
/// fitparser 0.11 reads them as the header of a chained file and subtracts past zero
/// (`de/parser.rs:280`). Written here rather than kept as a file.
fn run_with_stray_bytes() -> Vec<u8> {
    let mut bytes = fit::activity(&[fit::Leg {
        sport: fit::RUNNING,
        records: fit::steady_records(TUESDAY, 3, |_| 84),
    }]);
    bytes.extend([3, 0, 0, 0, 0]);
    bytes
}

#[test]
fn a_fit_that_crashed_the_parser_gives_one_line_and_exit_1() {
    let bytes = run_with_stray_bytes();
    if cfg!(debug_assertions) {
        // The input is the one that panicked inside fitparser (overflow checks are on
        // in debug builds), so this test stands for the crash it was written for.
        let decoded = std::panic::catch_unwind(|| fitparser::from_bytes(&bytes));
        assert!(decoded.is_err(), "fitparser no longer panics: {decoded:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.fit");
    std::fs::write(&path, &bytes).unwrap();
    let file = path.display().to_string();
    for backtrace in ["0", "1"] {
        let output = Command::new(env!("CARGO_BIN_EXE_cadence-coach"))
            .env("CADENCE_COACH_DATA_DIR", dir.path())
            .env("RUST_BACKTRACE", backtrace)
            .args(["import", &file])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(
            text(&output.stderr),
            format!("{file}: the FIT file is damaged: 5 stray bytes follow the end of its data\n")
        );
        assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    }
    assert!(
        runs(dir.path()).is_empty(),
        "nothing is saved from a bad file"
    );
}

/// A run whose record definition declares `power` (a 16-bit field) as 3 bytes: fitparser
/// reads it as bytes, but first prints "ERROR: field size ..." to stderr.
#[test]
fn a_field_of_the_wrong_size_is_read_without_a_word_on_stderr() {
    const UINT8: u8 = 0x02;
    const UINT16: u8 = 0x84;
    const UINT32: u8 = 0x86;
    let fit_epoch = fit::FIT_EPOCH_UNIX;
    // Definition of local type 0 as `record` (20): timestamp, cadence, power (3 bytes).
    let mut body = vec![0x40, 0, 0, 20, 0, 3];
    body.extend([253, 4, UINT32, 4, 1, UINT8, 7, 3, UINT16]);
    for second in 0..180 {
        body.push(0);
        body.extend(((TUESDAY - fit_epoch + second) as u32).to_le_bytes());
        body.extend([84, 1, 2, 3]);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.fit");
    std::fs::write(&path, fit::finish(&body)).unwrap();
    let file = path.display().to_string();
    let output = run(dir.path(), &["import", "--dry-run", &file]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
    assert!(
        text(&output.stdout).contains("median 168 spm"),
        "{}",
        text(&output.stdout)
    );
}

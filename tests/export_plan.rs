//! `render --plan` as a runner uses it: today's run, every week with a playlist, and
//! each bad input refused with one line, exit code 2 for bad arguments, and no file
//! (not even a temporary one) left behind.

#[path = "support/cli.rs"]
mod cli;

use cli::{run, stderr};
use std::path::Path;
use std::process::Command;

use cadence_coach::coach::{Baseline, Increase, Plan, SessionTimes};
use cadence_coach::store::{DataDir, Store};
use time::macros::date;

/// A 6-week plan from 160 spm to +10% with 5-minute runs, so that rendering every week
/// stays quick.
fn seed_short_plan(data: &Path) -> Plan {
    let plan = Plan::new(
        Baseline::typed(160.0).unwrap(),
        Increase::TEN,
        6,
        3,
        date!(2026 - 11 - 23),
    )
    .unwrap()
    .with_session_times(SessionTimes {
        warm_up_seconds: 60,
        glide_seconds: 60,
        hold_seconds: 120,
        cool_down_seconds: Some(60),
    })
    .unwrap();
    Store::open(DataDir::at(data)).save(&plan).unwrap();
    plan
}

/// The files in `folder`, sorted, hidden (temporary) ones included.
fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The last granule position of an Ogg Opus file less its pre-skip: its length in 48 kHz
/// samples, as a player sees it.
fn opus_length(path: &Path) -> u64 {
    let mut reader = ogg::PacketReader::new(std::fs::File::open(path).unwrap());
    let head = reader.read_packet_expected().unwrap();
    assert_eq!(&head.data[..8], b"OpusHead");
    let pre_skip = u64::from(u16::from_le_bytes([head.data[10], head.data[11]]));
    let mut last = 0;
    while let Some(packet) = reader.read_packet().unwrap() {
        last = packet.absgp_page();
    }
    last - pre_skip
}

fn opus_title(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let at = bytes
        .windows(6)
        .position(|w| w == b"TITLE=")
        .expect("a title tag");
    let len = u32::from_le_bytes(bytes[at - 4..at].try_into().unwrap()) as usize;
    // The length counts "TITLE=" too.
    String::from_utf8(bytes[at + 6..at + len].to_vec()).unwrap()
}

#[test]
fn every_week_becomes_a_tagged_file_of_its_length_and_a_playlist() {
    let data = tempfile::tempdir().unwrap();
    let plan = seed_short_plan(data.path());
    let music = tempfile::tempdir().unwrap();
    let folder = music.path().join("cadence");
    let output = run(
        data.path(),
        &[
            "render",
            "--plan",
            "--all-weeks",
            "--format",
            "opus",
            "--out",
            folder.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let names = files_in(&folder);
    let expected = [
        "01 Week 1 - 164 spm.opus",
        "02 Week 2 - 168 spm.opus",
        "03 Week 3 - 172 spm.opus",
        "04 Week 4 - 176 spm.opus",
        "05 Week 5 - 176 spm.opus",
        "06 Week 6 - 176 spm.opus",
        "Cadence Coach plan.m3u",
    ];
    assert_eq!(names, expected);
    for (week, name) in (1..=6u8).zip(&names) {
        let path = folder.join(name);
        assert_eq!(opus_length(&path), 300 * 48_000, "{name}");
        let title = opus_title(&path);
        let spm = plan.step(week).target.spm;
        // The last weeks hold the final rate: no glide, so a longer warm-up.
        let parts = if week <= 4 {
            "warm-up 1 min, glide 1 min, hold 2 min"
        } else {
            "warm-up 2 min, hold 2 min"
        };
        assert!(
            title.starts_with(&format!("Week {week} - {spm} spm - {parts}")),
            "{title}"
        );
    }
    let playlist = std::fs::read_to_string(folder.join("Cadence Coach plan.m3u")).unwrap();
    let listed: Vec<&str> = playlist.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(listed, &expected[..6]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("06 Week 6 - 176 spm.opus"), "{stdout}");
}

#[test]
fn every_week_as_mp3_by_default_has_its_length_and_id3_title() {
    let data = tempfile::tempdir().unwrap();
    let plan = seed_short_plan(data.path());
    let music = tempfile::tempdir().unwrap();
    let folder = music.path().join("cadence");
    let output = run(
        data.path(),
        &[
            "render",
            "--plan",
            "--all-weeks",
            "--out",
            folder.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let names = files_in(&folder);
    assert_eq!(names.len(), plan.weeks() as usize + 1, "{names:?}");
    assert_eq!(names.last().unwrap(), "Cadence Coach plan.m3u");
    for (week, name) in (1..=plan.weeks()).zip(&names) {
        assert!(name.ends_with(".mp3"), "{name}");
        let path = folder.join(name);
        // Decoded gaplessly (LAME's header trims the codec's delay and padding).
        let decoded = rodio::Decoder::try_from(std::fs::File::open(&path).unwrap())
            .unwrap()
            .count();
        assert_eq!(decoded, 300 * 24_000, "{name}");
        use id3::TagLike;
        let tag = id3::Tag::read_from_path(&path).unwrap();
        let spm = plan.step(week).target.spm;
        let title = tag.title().unwrap_or_default();
        assert!(
            title.starts_with(&format!("Week {week} - {spm} spm - ")),
            "{title}"
        );
        assert_eq!(tag.album(), Some("Cadence Coach plan"));
        assert_eq!(tag.track(), Some(u32::from(week)));
    }
}

#[test]
fn todays_run_is_rendered_with_its_week_in_the_title() {
    let data = tempfile::tempdir().unwrap();
    let created = run(
        data.path(),
        &[
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
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let out = data.path().join("today.opus");
    let output = run(
        data.path(),
        &["render", "--plan", "--out", out.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(opus_length(&out), 30 * 60 * 48_000);
    assert_eq!(
        opus_title(&out),
        "Week 1 run 1 - 164 spm - warm-up 5 min, glide 2 min, hold 20 min"
    );
}

#[test]
fn bad_plan_renders_are_refused_with_one_line_and_leave_no_file() {
    let empty = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    seed_short_plan(data.path());
    let out_dir = tempfile::tempdir().unwrap();
    let a_file = out_dir.path().join("not-a-folder");
    std::fs::write(&a_file, "x").unwrap();
    let out = |name: &str| out_dir.path().join(name).to_str().unwrap().to_owned();
    let under_file = a_file.join("run.mp3").to_str().unwrap().to_owned();
    let cases: Vec<(&Path, Vec<String>, &str)> = vec![
        (
            empty.path(),
            vec!["--out".into(), out("run.mp3")],
            "plan new",
        ),
        (
            data.path(),
            vec!["--week".into(), "7".into(), "--out".into(), out("run.mp3")],
            "week 7 is outside the plan, which has 6 weeks",
        ),
        (
            data.path(),
            vec!["--week".into(), "0".into(), "--out".into(), out("run.mp3")],
            "not a week of the plan",
        ),
        (
            data.path(),
            vec![
                "--week".into(),
                "1".into(),
                "--run".into(),
                "4".into(),
                "--out".into(),
                out("run.mp3"),
            ],
            "3 runs a week",
        ),
        (
            data.path(),
            vec!["--week".into(), "1".into(), "--out".into(), out("run.ogg")],
            "use a name ending in .mp3, .opus, .flac or .wav",
        ),
        (
            data.path(),
            vec!["--week".into(), "1".into(), "--out".into(), under_file],
            "cannot write into the folder",
        ),
        (
            data.path(),
            vec!["--all-weeks".into(), "--out".into(), out("weeks.mp3")],
            "give --out a folder",
        ),
        (
            data.path(),
            vec![
                "--all-weeks".into(),
                "--format".into(),
                "ogg".into(),
                "--out".into(),
                out("weeks"),
            ],
            "give mp3, opus, flac or wav",
        ),
        (
            data.path(),
            vec![
                "--week".into(),
                "1".into(),
                "--sample-rate".into(),
                "44100".into(),
                "--out".into(),
                out("run.opus"),
            ],
            "Opus files cannot be 44100 Hz",
        ),
    ];
    for (data_dir, flags, expected) in cases {
        let mut args = vec!["render".to_owned(), "--plan".to_owned()];
        args.extend(flags);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(data_dir, &args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?}: {message}");
    }
    assert_eq!(files_in(out_dir.path()), ["not-a-folder"]);
}

#[test]
fn a_full_disk_fails_cleanly_without_a_partial_file() {
    let data = tempfile::tempdir().unwrap();
    seed_short_plan(data.path());
    let out_dir = tempfile::tempdir().unwrap();
    for name in ["run.mp3", "run.opus", "run.flac", "run.wav"] {
        let out = out_dir.path().join(name);
        // A file-size limit of 64 blocks (32 KiB in POSIX sh) stands in for a full disk:
        // writes past it fail with "File too large".
        let output = Command::new("sh")
            .args(["-c", "ulimit -f 64 && exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_cadence-coach"))
            .args(["render", "--plan", "--week", "2", "--out"])
            .arg(&out)
            .env("CADENCE_COACH_DATA_DIR", data.path())
            .output()
            .unwrap();
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {message}");
        assert!(
            message.contains(out.to_str().unwrap()) && message.contains("too large"),
            "{name}: {message}"
        );
        assert_eq!(message.trim_end().lines().count(), 1, "{name}: {message}");
        assert!(
            files_in(out_dir.path()).is_empty(),
            "{name}: {:?}",
            files_in(out_dir.path())
        );
    }
}

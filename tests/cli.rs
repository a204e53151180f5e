//! The command line as a user meets it: help, refusals of bad input, and rendered files
//! read back and checked click by click.

#[path = "support/cli.rs"]
mod cli;

use cli::{stderr, stdout};
use std::path::Path;
use std::process::Output;

/// Runs the binary with an empty data folder of its own, so no test reads or writes the
/// real one.
fn cadence_coach(args: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    cli::run(data.path(), args)
}

#[test]
fn help_describes_every_subcommand() {
    let output = cadence_coach(&["--help"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for word in ["play", "render", "devices", "5-10%"] {
        assert!(text.contains(word), "help lacks {word}:\n{text}");
    }
    for subcommand in ["play", "render"] {
        let output = cadence_coach(&[subcommand, "--help"]);
        assert!(output.status.success());
        let text = stdout(&output);
        for flag in [
            "--spm",
            "--baseline",
            "--increase",
            "--sound",
            "--accent",
            "--volume",
        ] {
            assert!(text.contains(flag), "{subcommand} --help lacks {flag}");
        }
    }
}

/// Each bad command line gets one clear message, exit code 2 and no panic.
#[test]
fn every_bad_number_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.wav");
    let out = out.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["play", "--spm", "59"], "60-250"),
        (&["play", "--spm", "251"], "60-250"),
        (&["play", "--spm", "fast"], "not a number"),
        (&["play", "--spm", "NaN"], "not a number"),
        (&["play", "--spm", "170", "--minutes", "0"], "more than 0"),
        (&["play", "--spm", "170", "--minutes", "601"], "at most 600"),
        (&["play", "--spm", "170", "--minutes", "-5"], "more than 0"),
        (
            &["play", "--spm", "170", "--volume", "1.5"],
            "0 (silent) to 1",
        ),
        (&["play", "--spm", "170", "--accent", "1"], "2 to 16"),
        (&["play", "--baseline", "160", "--increase", "12"], "5-10%"),
        (&["play", "--baseline", "160", "--increase", "3"], "5-10%"),
        (
            &[
                "play",
                "--baseline",
                "160",
                "--increase",
                "25",
                "--allow-any-increase",
            ],
            "20%",
        ),
        (
            &[
                "play",
                "--baseline",
                "160",
                "--warmup-minutes",
                "10",
                "--minutes",
                "5",
            ],
            "shorter",
        ),
        (&["play"], "--spm"),
        (
            &["play", "--spm", "170", "--baseline", "160"],
            "cannot be used",
        ),
        (
            &[
                "render",
                "--out",
                out,
                "--minutes",
                "1",
                "--spm",
                "170",
                "--sample-rate",
                "7999",
            ],
            "8000",
        ),
        (
            &[
                "render",
                "--out",
                out,
                "--minutes",
                "1",
                "--spm",
                "170",
                "--sample-rate",
                "44100.5",
            ],
            "whole number",
        ),
        (
            &[
                "render",
                "--out",
                out,
                "--minutes",
                "1",
                "--spm",
                "170",
                "--channels",
                "3",
            ],
            "1 (mono) or 2",
        ),
        (
            &[
                "render",
                "--out",
                out,
                "--minutes",
                "1",
                "--spm",
                "170",
                "--bits",
                "8",
            ],
            "16 or 24",
        ),
        (
            &[
                "render",
                "--out",
                "track.ogg",
                "--minutes",
                "1",
                "--spm",
                "170",
            ],
            ".mp3, .opus, .flac or .wav",
        ),
        (
            &[
                "render",
                "--out",
                "track.flac",
                "--minutes",
                "1",
                "--spm",
                "170",
                "--bits",
                "32",
            ],
            "16 or 24",
        ),
        (&["render", "--out", out, "--spm", "170"], "--minutes"),
        (
            &[
                "render",
                "--out",
                out,
                "--minutes",
                "1",
                "--spm",
                "170",
                "--glide-from",
                "150",
            ],
            "--glide-minutes",
        ),
        (
            &[
                "render",
                "--out",
                out,
                "--minutes",
                "600",
                "--spm",
                "170",
                "--sample-rate",
                "192000",
                "--channels",
                "2",
                "--bits",
                "32",
            ],
            "4 GiB",
        ),
    ];
    for (args, expected) in cases {
        let output = cadence_coach(args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?} gave {message}");
        assert!(
            message.contains(expected),
            "{args:?}: '{message}' lacks '{expected}'"
        );
        assert!(
            !message.contains("panicked"),
            "{args:?} panicked: {message}"
        );
        assert!(message.lines().count() <= 3, "{args:?} is wordy: {message}");
    }
    assert!(
        !Path::new(out).exists(),
        "a refused render must not leave a file"
    );
}

fn read_wav(path: &Path) -> (hound::WavSpec, Vec<i32>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let samples = reader.samples::<i32>().map(Result::unwrap).collect();
    (spec, samples)
}

/// Frames where a click starts: a non-zero sample after at least `quiet` zero frames.
fn onsets(samples: &[i32], channels: usize, quiet: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let mut silent_run = quiet;
    for (frame, values) in samples.chunks_exact(channels).enumerate() {
        if values[0] != 0 {
            if silent_run >= quiet {
                found.push(frame);
            }
            silent_run = 0;
        } else {
            silent_run += 1;
        }
    }
    found
}

#[test]
fn a_rendered_wav_has_every_click_on_its_exact_sample() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("track.wav");
    let output = cadence_coach(&[
        "render",
        "--out",
        path.to_str().unwrap(),
        "--minutes",
        "2",
        "--baseline",
        "160",
        "--increase",
        "7.5",
        "--sample-rate",
        "44100",
        "--channels",
        "2",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("172 spm"), "{}", stdout(&output));
    let (spec, samples) = read_wav(&path);
    assert_eq!(
        (spec.sample_rate, spec.channels, spec.bits_per_sample),
        (44_100, 2, 16)
    );
    assert_eq!(samples.len(), 2 * 60 * 44_100 * 2, "exactly two minutes");
    // 160 + 7.5% = 172 spm: 661 500 / 43 frames per step.
    let expected: Vec<usize> = (0..344)
        .map(|k: u64| ((2 * k * 661_500 + 43) / 86) as usize)
        .collect();
    assert_eq!(onsets(&samples, 2, 100), expected);
    assert!(samples.chunks_exact(2).all(|f| f[0] == f[1]));
}

#[test]
fn a_glide_renders_where_the_integral_says() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("glide.wav");
    let output = cadence_coach(&[
        "render",
        "--out",
        path.to_str().unwrap(),
        "--minutes",
        "3",
        "--spm",
        "180",
        "--glide-from",
        "150",
        "--glide-minutes",
        "1",
        "--sample-rate",
        "48000",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (_, samples) = read_wav(&path);
    let found = onsets(&samples, 1, 100);
    // Over the glide minute 165 steps on average, then 180 a minute for two minutes.
    assert_eq!(found.len(), 165 + 360);
    // Step 165 is at exactly one minute, and steps after it every 16 000 frames.
    assert_eq!(found[165], 60 * 48_000);
    assert_eq!(found[165 + 180], 60 * 48_000 + 180 * 16_000);
    assert!(found.windows(2).all(|w| w[1] > w[0]));
}

#[test]
fn flac_holds_the_same_samples_as_wav() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("a.wav");
    let flac = dir.path().join("a.flac");
    // FLAC is written at 24 kHz unless told otherwise (small files, clicks intact);
    // the WAV is asked for the same rate, so the samples must be identical.
    for (path, rate) in [(&wav, &["--sample-rate", "24000"][..]), (&flac, &[][..])] {
        let mut args = vec![
            "render",
            "--out",
            path.to_str().unwrap(),
            "--minutes",
            "1.5",
            "--spm",
            "172",
            "--accent",
            "2",
            "--sound",
            "beep",
            "--bits",
            "24",
        ];
        args.extend_from_slice(rate);
        let output = cadence_coach(&args);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let (_, wav_samples) = read_wav(&wav);
    let decoded: Vec<f32> = rodio::Decoder::try_from(std::fs::File::open(&flac).unwrap())
        .unwrap()
        .collect();
    assert_eq!(decoded.len(), wav_samples.len());
    for (i, (f, w)) in decoded.iter().zip(&wav_samples).enumerate() {
        let as_int = (f * 8_388_608.0).round() as i32;
        assert_eq!(as_int, *w, "sample {i}");
    }
    let flac_size = std::fs::metadata(&flac).unwrap().len();
    let wav_size = std::fs::metadata(&wav).unwrap().len();
    assert!(
        flac_size * 5 < wav_size,
        "FLAC {flac_size} bytes vs WAV {wav_size}"
    );
}

#[test]
fn baseline_from_a_counted_minute_shows_the_targets() {
    let output = cadence_coach(&["baseline", "--count", "80"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for line in [
        "160 spm",
        "168 spm (+5%)",
        "172 spm (+7.5%)",
        "176 spm (+10%)",
    ] {
        assert!(text.contains(line), "{text} lacks {line}");
    }
    let both = stdout(&cadence_coach(&[
        "baseline",
        "--count",
        "180",
        "--both-feet",
    ]));
    assert!(
        both.contains("180 spm") && both.contains("little room"),
        "{both}"
    );
    let refused = cadence_coach(&["baseline", "--count", "40"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("120-220"), "{}", stderr(&refused));
}

fn in_data_dir(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--data-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    cadence_coach(&all)
}

#[test]
fn a_plan_is_saved_shown_and_kept_aside_when_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let missing = in_data_dir(dir.path(), &["plan", "show"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("plan new"),
        "{}",
        stderr(&missing)
    );

    let created = in_data_dir(
        dir.path(),
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
            "--start",
            "2026-11-23",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let shown = stdout(&in_data_dir(dir.path(), &["plan", "show"]));
    assert_eq!(
        shown
            .lines()
            .filter(|l| l.contains("176 spm (+10%)"))
            .count(),
        3,
        "{shown}"
    );
    assert!(shown.contains("164 spm (+2.5%)"), "{shown}");
    let saved = std::fs::read_to_string(dir.path().join("plan.ron")).unwrap();
    assert!(saved.contains("version: 1"), "{saved}");

    for (flag, value, expected) in [
        ("--increase", "12", "5-10%"),
        ("--weeks", "1", "weeks"),
        ("--start", "23/11/2026", "YYYY-MM-DD"),
    ] {
        let mut args = vec!["plan", "new"];
        for (name, default) in [
            ("--baseline", "160"),
            ("--increase", "10"),
            ("--weeks", "6"),
            ("--runs-per-week", "3"),
            ("--start", "2026-11-23"),
        ] {
            args.extend([name, if name == flag { value } else { default }]);
        }
        let output = in_data_dir(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }

    // A damaged file is kept aside and reported, never overwritten.
    std::fs::write(dir.path().join("plan.ron"), "(version: 1, data: (oops").unwrap();
    let damaged = in_data_dir(dir.path(), &["plan", "today"]);
    assert_eq!(damaged.status.code(), Some(2));
    assert!(
        stderr(&damaged).contains("unreadable"),
        "{}",
        stderr(&damaged)
    );
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("plan.ron.unreadable-"))
        .collect();
    assert_eq!(kept.len(), 1);
    let aside = std::fs::read_to_string(dir.path().join(&kept[0])).unwrap();
    assert_eq!(aside, "(version: 1, data: (oops");
}

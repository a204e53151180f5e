//! Beats on steps: songs from a folder, stretched along the session's tempo (a glide,
//! then a hold) and changing song on a beat, must put their beats on the engine's step
//! frames within 5 ms over minutes of output. The beats are found in the rendered file
//! by an onset finder written here, independent of the library's own analysis.

#[path = "support/songs.rs"]
mod song_files;

use cadence_coach::engine::{BuiltinSound, CEILING, Program, TempoMap, Voicing};
use cadence_coach::export::{FileSpec, TrackRenderer};
use cadence_coach::music::library::{self, Library};
use cadence_coach::music::session::{build_player, choose};
use cadence_coach::music::synth::{Groove, Song};

const RATE: u32 = 44_100;

/// Kick-drum onsets (seconds): the signal low-passed, rectified, and taken where it
/// first rises past a third of its peak after a quiet spell.
fn kick_onsets(samples: &[f32]) -> Vec<f64> {
    let alpha = 1.0 - (-std::f32::consts::TAU * 150.0 / RATE as f32).exp();
    let (mut a, mut b) = (0.0f32, 0.0f32);
    let low: Vec<f32> = samples
        .iter()
        .map(|&x| {
            a += alpha * (x - a);
            b += alpha * (a - b);
            b.abs()
        })
        .collect();
    let peak = low.iter().fold(0.0f32, |m, &v| m.max(v));
    let (high, quiet) = (peak / 3.0, peak / 12.0);
    let mut onsets = Vec::new();
    let mut armed_at: Option<usize> = Some(0);
    let mut quiet_since = 0;
    for (i, &value) in low.iter().enumerate() {
        if value < quiet {
            if i - quiet_since > RATE as usize / 20 {
                armed_at = Some(i);
            }
        } else {
            quiet_since = i;
        }
        if value > high
            && let Some(armed) = armed_at
        {
            // Back from the crossing to where this hit rose past a tenth of its own
            // peak: the start of the hit, whatever its level.
            let peak = low[i..(i + RATE as usize / 50).min(low.len())]
                .iter()
                .fold(0.0f32, |m, &v| m.max(v));
            let mut start = i;
            while start > armed && low[start - 1] > peak / 10.0 {
                start -= 1;
            }
            onsets.push(start as f64 / f64::from(RATE));
            armed_at = None;
            quiet_since = i;
        }
    }
    onsets
}

#[test]
fn beats_land_on_steps_through_a_glide_and_a_song_change() {
    let dir = tempfile::tempdir().unwrap();
    // A slow song (two steps a beat) and a fast one, both within 8% of the target, with
    // only their kicks low enough for the finder below: every kick is a beat.
    let songs = [
        Song {
            first_beat: 0.6,
            ..Song::new(84.713, Groove::FourOnTheFloor, 100.0)
        },
        Song {
            first_beat: 0.2,
            seed: 3,
            ..Song::new(171.9, Groove::FourOnTheFloor, 100.0)
        },
    ];
    // The finder's delay after a true kick, measured on an unstretched song.
    let reference = &songs[1];
    let bias = {
        let onsets = kick_onsets(&reference.render());
        let mut delays: Vec<f64> = onsets
            .iter()
            .filter_map(|onset| {
                reference
                    .beats()
                    .iter()
                    .map(|beat| onset - beat)
                    .find(|delay| (0.0..0.02).contains(delay))
            })
            .collect();
        assert!(delays.len() > 100, "{} onsets found", delays.len());
        delays.sort_by(f64::total_cmp);
        delays[delays.len() / 2]
    };
    for (i, song) in songs.iter().enumerate() {
        song_files::write_wav(
            &dir.path().join(format!("song{i}.wav")),
            &song.render(),
            RATE,
            1,
        );
    }
    let files = library::list_files(dir.path()).unwrap();
    let scanned = library::scan(&files, &Library::default(), |_, _| {});
    let (choices, left_out) = choose(scanned.iter().map(|s| (s.path.as_path(), &s.entry)), 172.0);
    assert!(left_out.is_empty(), "{left_out:?}");
    assert_eq!(choices.len(), 2);

    let minutes = 4.0;
    let program = Program::glide_then_hold(165.0, 172.0, 60.0, Some(minutes * 60.0));
    let mut muted = program.clone();
    muted.feedback = vec![cadence_coach::engine::FeedbackChange {
        at_seconds: 0.0,
        audible: false,
    }];
    let (player, failed) = build_player(&choices, &muted, RATE, 1, muted.seconds);
    assert!(failed.is_empty());
    let player = player.unwrap();
    let changes: Vec<u64> = player
        .placements()
        .iter()
        .skip(1)
        .map(|p| p.start)
        .collect();
    assert!(changes.len() >= 2, "{changes:?}");
    let spec = FileSpec {
        sample_rate: RATE,
        channels: 1,
        bits: 16,
    };
    let sound = BuiltinSound::Woodblock.synthesize(RATE);
    let mut renderer = TrackRenderer::new(&muted, sound, Voicing::default(), spec)
        .unwrap()
        .with_music(Box::new(player), 1.0);
    let mut output = Vec::new();
    while let Some(block) = renderer.next_block() {
        output.extend_from_slice(block);
    }
    assert!(output.iter().all(|s| s.abs() <= CEILING));

    let tempo = TempoMap::glide_then_hold(165.0, 172.0, 60.0).compile(RATE);
    let mut cursor = 0;
    let steps: Vec<f64> = (0..)
        .map(|k| tempo.frame_of_step(k as f64, &mut cursor) / f64::from(RATE))
        .take_while(|&t| t < minutes * 60.0)
        .collect();
    let onsets = kick_onsets(&output);
    let mut worst = 0.0f64;
    let mut around_changes = 0;
    for onset in &onsets {
        let time = onset - bias;
        if time < 1.0 || time > minutes * 60.0 - 1.0 {
            continue;
        }
        let error = steps
            .iter()
            .map(|step| time - step)
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap();
        worst = worst.max(error.abs());
        if changes
            .iter()
            .any(|&change| (time - change as f64 / f64::from(RATE)).abs() < 5.0)
        {
            around_changes += 1;
        }
    }
    assert!(onsets.len() > 300, "{} onsets", onsets.len());
    assert!(
        around_changes > 10,
        "{around_changes} onsets around song changes"
    );
    eprintln!(
        "{} kicks found, {around_changes} near song changes, worst {:.2} ms off its step",
        onsets.len(),
        worst * 1e3
    );
    assert!(worst < 0.005, "a beat {worst} s off its step (bias {bias})");
}

/// Click onsets (seconds) in a clicks-only track: the first sample past a threshold
/// after a quiet spell. The engine starts each click exactly on its step's frame.
fn click_onsets(samples: &[f32]) -> Vec<f64> {
    let mut onsets = Vec::new();
    let mut quiet = RATE as usize;
    for (i, &sample) in samples.iter().enumerate() {
        if sample.abs() > 0.01 {
            if quiet > RATE as usize / 20 {
                onsets.push(i as f64 / f64::from(RATE));
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    onsets
}

/// The runner changes the rate twice during a free run (a step up, then a glide down):
/// the music follows, and its beats stay on the engine's steps within 5 ms, also in
/// the seconds right after each change. The steps are taken from a clicks-only render
/// of the same session with the same changes, so the test does not assume where the
/// engine puts them.
#[test]
fn beats_follow_live_rate_changes() {
    use cadence_coach::engine::Command;

    let dir = tempfile::tempdir().unwrap();
    let songs = [
        Song {
            first_beat: 0.4,
            seed: 5,
            ..Song::new(86.2, Groove::FourOnTheFloor, 100.0)
        },
        Song {
            first_beat: 0.3,
            seed: 7,
            ..Song::new(169.4, Groove::FourOnTheFloor, 100.0)
        },
    ];
    for (i, song) in songs.iter().enumerate() {
        song_files::write_wav(
            &dir.path().join(format!("song{i}.wav")),
            &song.render(),
            RATE,
            1,
        );
    }
    let files = library::list_files(dir.path()).unwrap();
    let scanned = library::scan(&files, &Library::default(), |_, _| {});
    let (choices, left_out) = choose(scanned.iter().map(|s| (s.path.as_path(), &s.entry)), 170.0);
    assert!(left_out.is_empty(), "{left_out:?}");

    let seconds = 100.0;
    let program = Program::steady(170.0, Some(seconds));
    let mut muted = program.clone();
    muted.feedback = vec![cadence_coach::engine::FeedbackChange {
        at_seconds: 0.0,
        audible: false,
    }];
    let spec = FileSpec {
        sample_rate: RATE,
        channels: 1,
        bits: 16,
    };
    // The changes, at block boundaries as the live engine gets them between buffers.
    let changes = [
        (30.0, Command::SetRate(176.0)),
        (
            60.0,
            Command::GlideTo {
                spm: 166.0,
                seconds: 10.0,
            },
        ),
    ];
    let render = |mut renderer: TrackRenderer| -> (Vec<f32>, Vec<f64>) {
        let mut output = Vec::new();
        let mut applied = Vec::new();
        let mut pending = changes.iter().peekable();
        loop {
            if let Some((at, _)) = pending.peek()
                && output.len() as f64 >= at * f64::from(RATE)
            {
                let (_, command) = pending.next().unwrap();
                let command = match command {
                    Command::SetRate(spm) => Command::SetRate(*spm),
                    Command::GlideTo { spm, seconds } => Command::GlideTo {
                        spm: *spm,
                        seconds: *seconds,
                    },
                    _ => unreachable!(),
                };
                applied.push(output.len() as f64 / f64::from(RATE));
                renderer.apply(command);
            }
            match renderer.next_block() {
                Some(block) => output.extend_from_slice(block),
                None => break,
            }
        }
        (output, applied)
    };
    let sound = || BuiltinSound::Woodblock.synthesize(RATE);
    let (clicks, _) =
        render(TrackRenderer::new(&program, sound(), Voicing::default(), spec).unwrap());
    let steps = click_onsets(&clicks);
    assert!(steps.len() as f64 > seconds * 2.7, "{} clicks", steps.len());

    let (player, failed) = build_player(&choices, &muted, RATE, 1, muted.seconds);
    assert!(failed.is_empty());
    let renderer = TrackRenderer::new(&muted, sound(), Voicing::default(), spec)
        .unwrap()
        .with_music(Box::new(player.unwrap()), 1.0);
    let (music, applied) = render(renderer);
    assert_eq!(applied.len(), 2);
    assert!(music.iter().all(|s| s.abs() <= CEILING));

    // The rate did change: the steps after the first change are 176 spm apart.
    let gap = |from: f64| {
        let after: Vec<&f64> = steps.iter().filter(|&&t| t > from).take(2).collect();
        after[1] - after[0]
    };
    assert!((gap(applied[0] + 5.0) - 60.0 / 176.0).abs() < 1e-3);
    assert!((gap(applied[1] + 15.0) - 60.0 / 166.0).abs() < 1e-3);

    let bias = {
        let reference = &songs[1];
        let onsets = kick_onsets(&reference.render());
        let mut delays: Vec<f64> = onsets
            .iter()
            .filter_map(|onset| {
                reference
                    .beats()
                    .iter()
                    .map(|beat| onset - beat)
                    .find(|delay| (0.0..0.02).contains(delay))
            })
            .collect();
        delays.sort_by(f64::total_cmp);
        delays[delays.len() / 2]
    };
    let mut worst = 0.0f64;
    let mut after_changes = 0;
    let onsets = kick_onsets(&music);
    for onset in &onsets {
        let time = onset - bias;
        if !(1.0..seconds - 1.0).contains(&time) {
            continue;
        }
        let error = steps
            .iter()
            .map(|step| time - step)
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap();
        worst = worst.max(error.abs());
        if applied.iter().any(|&at| (0.0..5.0).contains(&(time - at))) {
            after_changes += 1;
        }
    }
    assert!(onsets.len() > 150, "{} onsets", onsets.len());
    assert!(
        after_changes > 10,
        "{after_changes} onsets just after the changes"
    );
    eprintln!(
        "{} kicks, {after_changes} within 5 s after a change, worst {:.2} ms off its step",
        onsets.len(),
        worst * 1e3
    );
    assert!(worst < 0.005, "a beat {worst} s off its step");
}

/// `render --plan --week N --music DIR`: a planned run (warm-up, glide, hold,
/// cool-down) to a file with the runner's songs, whose beats land on the run's steps
/// within 5 ms all through it.
#[test]
fn a_planned_run_renders_with_music_on_its_steps() {
    use cadence_coach::coach::{Baseline, Increase, Plan, SessionTimes};
    use cadence_coach::store::{DataDir, Store};

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let music = dir.path().join("music");
    std::fs::create_dir_all(&music).unwrap();
    let plan = Plan::new(
        Baseline::typed(160.0).unwrap(),
        Increase::TEN,
        6,
        3,
        time::macros::date!(2026 - 11 - 23),
    )
    .unwrap()
    .with_session_times(SessionTimes {
        warm_up_seconds: 20,
        glide_seconds: 40,
        hold_seconds: 60,
        cool_down_seconds: Some(20),
    })
    .unwrap();
    Store::open(DataDir::at(&data)).save(&plan).unwrap();
    let track = cadence_coach::export::week_track(&plan, 3, None);
    let target = f64::from(track.profile.target_spm);
    let song = Song {
        first_beat: 0.5,
        seed: 11,
        ..Song::new(target / 2.0 * 1.02, Groove::FourOnTheFloor, 100.0)
    };
    song_files::write_wav(&music.join("song.wav"), &song.render(), RATE, 1);

    let out = dir.path().join("run.wav");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cadence-coach"))
        .args([
            "render",
            "--plan",
            "--week",
            "3",
            "--no-clicks",
            "--sample-rate",
            "44100",
        ])
        .arg("--music")
        .arg(&music)
        .arg("--out")
        .arg(&out)
        .env("CADENCE_COACH_DATA_DIR", &data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("(music only)"), "{stdout}");
    let samples: Vec<f32> = hound::WavReader::open(&out)
        .unwrap()
        .samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32_768.0)
        .collect();

    let tempo = track.profile.compile().compile(RATE);
    let mut cursor = 0;
    let seconds = samples.len() as f64 / f64::from(RATE);
    let steps: Vec<f64> = (0..)
        .map(|k| tempo.tempo().frame_of_step(k as f64, &mut cursor) / f64::from(RATE))
        .take_while(|&t| t < seconds)
        .collect();
    let bias = {
        let onsets = kick_onsets(&song.render());
        let mut delays: Vec<f64> = onsets
            .iter()
            .filter_map(|onset| {
                song.beats()
                    .iter()
                    .map(|beat| onset - beat)
                    .find(|delay| (0.0..0.02).contains(delay))
            })
            .collect();
        delays.sort_by(f64::total_cmp);
        delays[delays.len() / 2]
    };
    let onsets = kick_onsets(&samples);
    let mut worst = 0.0f64;
    let mut counted = 0;
    for onset in &onsets {
        let time = onset - bias;
        if !(1.0..seconds - 1.0).contains(&time) {
            continue;
        }
        counted += 1;
        let error = steps
            .iter()
            .map(|step| time - step)
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap();
        worst = worst.max(error.abs());
    }
    // Half-time: a kick every other step, through all 140 s of the run.
    assert!(
        counted as f64 > steps.len() as f64 * 0.4,
        "{counted} kicks for {} steps",
        steps.len()
    );
    eprintln!("{counted} kicks, worst {:.2} ms off its step", worst * 1e3);
    assert!(worst < 0.005, "a beat {worst} s off its step");
}

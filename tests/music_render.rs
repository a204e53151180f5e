//! Beats on steps: songs from a folder, stretched along the session's tempo (a glide,
//! then a hold) and changing song on a beat, must put their beats on the engine's step
//! frames within 5 ms over minutes of output. The beats are found in the rendered file
//! by an onset finder written here, independent of the library's own analysis.

use std::path::Path;

use cadence_coach::engine::{BuiltinSound, CEILING, Program, TempoMap, Voicing};
use cadence_coach::export::{FileSpec, TrackRenderer};
use cadence_coach::music::library::{self, Library};
use cadence_coach::music::session::{build_player, choose};
use cadence_coach::music::synth::{Groove, Song};

const RATE: u32 = 44_100;

fn write_wav(path: &Path, samples: &[f32]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for &sample in samples {
        writer.write_sample((sample * 32_767.0) as i16).unwrap();
    }
    writer.finalize().unwrap();
}

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
        write_wav(&dir.path().join(format!("song{i}.wav")), &song.render());
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

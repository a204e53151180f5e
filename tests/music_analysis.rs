//! Finding a song's tempo and beats: synthetic songs with tempos known to a thousandth,
//! straight and half-time, swung and syncopated, must fold to the right step rate
//! within 1% and put their steps within 20 ms of the true ones; files and signals with
//! no beat must be refused or get a low confidence, never crash.

#[path = "support/songs.rs"]
mod song_files;

use cadence_coach::music::synth::{self, Groove, Song};
use cadence_coach::music::{self, DecodeError, MIN_CONFIDENCE};

const TARGET_SPM: f64 = 170.0;

fn songs() -> Vec<Song> {
    let song = |bpm, groove, first_beat, seed| Song {
        first_beat,
        seed,
        ..Song::new(bpm, groove, 40.0)
    };
    vec![
        song(84.317, Groove::HalfTime, 0.4, 1),
        song(92.583, Groove::HalfTime, 1.1, 2),
        song(80.911, Groove::Swing, 0.05, 3),
        song(88.124, Groove::Syncopated, 0.7, 4),
        song(163.472, Groove::Straight, 0.3, 5),
        song(171.25, Groove::Syncopated, 0.9, 6),
        song(178.903, Groove::Swing, 0.15, 7),
        Song {
            sample_rate: 48_000,
            ..song(188.07, Groove::Straight, 0.5, 8)
        },
    ]
}

/// Step times from beat times: midpoints added when a beat is two steps.
fn steps(beats: &[f64], steps_per_beat: f64) -> Vec<f64> {
    let per_beat = steps_per_beat.round().max(1.0) as usize;
    beats
        .windows(2)
        .flat_map(|pair| {
            (0..per_beat).map(move |k| pair[0] + (pair[1] - pair[0]) * k as f64 / per_beat as f64)
        })
        .collect()
}

#[test]
fn synthetic_songs_fold_to_their_step_rate_with_steps_on_time() {
    for song in songs() {
        let analysis = music::analyse(&song.render(), song.sample_rate).unwrap();
        let truth = music::fold(song.bpm, TARGET_SPM);
        let found = music::fold(analysis.bpm, TARGET_SPM);
        let error = (found.spm - truth.spm).abs() / truth.spm;
        assert!(
            error < 0.01,
            "{song:?}: {} BPM found, folded {} spm, truth {} spm",
            analysis.bpm,
            found.spm,
            truth.spm
        );
        assert!(
            analysis.confidence >= MIN_CONFIDENCE,
            "{song:?}: confidence {}",
            analysis.confidence
        );
        let found_steps = steps(&analysis.beats, found.steps_per_beat);
        let true_steps = steps(&song.beats(), truth.steps_per_beat);
        let (first, last) = (found_steps[0], *found_steps.last().unwrap());
        let mut worst = 0.0f64;
        let mut checked = 0;
        for &step in true_steps
            .iter()
            .filter(|&&t| t > 3.0 && t < song.seconds - 3.0)
        {
            assert!(
                step >= first && step <= last,
                "{song:?}: step at {step} s not covered by beats from {first} to {last}"
            );
            let nearest = found_steps
                .iter()
                .map(|found| (found - step).abs())
                .fold(f64::INFINITY, f64::min);
            worst = worst.max(nearest);
            checked += 1;
        }
        assert!(checked > 50);
        assert!(worst < 0.020, "{song:?}: a step {worst} s off");
    }
}

#[test]
fn signals_without_a_beat_are_refused_or_get_a_low_confidence() {
    let rate = 44_100;
    for (name, samples) in [
        ("noise", synth::noise(30.0, rate, 9)),
        ("babble", synth::babble(30.0, rate, 10)),
        ("pad", synth::pad(30.0, rate)),
        ("silence", vec![0.0; 30 * rate as usize]),
    ] {
        match music::analyse(&samples, rate) {
            Ok(analysis) => assert!(
                analysis.confidence < MIN_CONFIDENCE,
                "{name}: confidence {} at {} BPM",
                analysis.confidence,
                analysis.bpm
            ),
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
}

#[test]
fn a_song_file_decodes_and_analyses_like_its_samples() {
    let dir = tempfile::tempdir().unwrap();
    let song = Song::new(86.5, Groove::HalfTime, 20.0);
    let path = dir.path().join("song.wav");
    song_files::write_wav(&path, &song.render(), song.sample_rate, 2);
    let audio = music::decode_file(&path).unwrap();
    assert_eq!((audio.channels, audio.sample_rate), (2, 44_100));
    let analysis = music::analyse(&audio.mono(), audio.sample_rate).unwrap();
    let folded = music::fold(analysis.bpm, TARGET_SPM).spm;
    assert!((folded - 173.0).abs() < 1.73, "{folded}");
}

#[test]
fn broken_files_are_refused_with_the_file_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.mp3");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "a shopping list, not a song\n".repeat(100)).unwrap();
    // An MP3 frame header followed by garbage: a download cut short or damaged.
    let corrupt = dir.path().join("corrupt.mp3");
    let mut bytes = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    let mut state = 7u32;
    for i in 0..50_000 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push(if i % 417 == 0 {
            0xFF
        } else {
            (state >> 16) as u8
        });
    }
    std::fs::write(&corrupt, bytes).unwrap();
    let short = dir.path().join("short.wav");
    song_files::write_wav(&short, &synth::tone(440.0, 1.0, 44_100), 44_100, 2);
    // Junk that happens to hold valid frames may decode to noise: then it has no beat.
    if let Ok(audio) = music::decode_file(&corrupt)
        && let Ok(analysis) = music::analyse(&audio.mono(), audio.sample_rate)
    {
        assert!(analysis.confidence < MIN_CONFIDENCE, "{analysis:?}");
    }
    for path in [&empty, &text, &short, &dir.path().join("missing.flac")] {
        let error = music::decode_file(path).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(&path.display().to_string()),
            "{message} names no file"
        );
        if path == &short {
            assert!(matches!(error, DecodeError::TooShort { .. }), "{message}");
        }
    }
}

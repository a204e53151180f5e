//! The pre-run routine's cues land on their exact frames: the whole routine is rendered
//! through the engine and every beep found in the samples, at two sample rates and
//! whatever the buffer size.

use cadence_coach::coach::warmup::{CueKind, Warmup};
use cadence_coach::engine::{Accent, ClickSound, EngineConfig, Voicing, engine};

/// Frames where a click starts: a non-zero sample after a zero one.
fn onsets(warmup: &Warmup, sample_rate: u32, buffer: usize) -> Vec<u64> {
    let impulse = ClickSound::from_mono("impulse", vec![1.0; 40], sample_rate);
    let (mut engine, handle) = engine(
        EngineConfig {
            sample_rate,
            channels: 1,
        },
        impulse,
        Voicing {
            volume: 1.0,
            accent: Accent::None,
        },
    );
    handle.start(&warmup.program()).unwrap();
    let frames = (u64::from(warmup.total_seconds()) + 5) * u64::from(sample_rate);
    let mut out = vec![0.0f32; buffer];
    let (mut found, mut previous, mut frame) = (Vec::new(), 0.0f32, 0u64);
    while frame < frames {
        engine.render(&mut out);
        for (i, &sample) in out.iter().enumerate() {
            if sample != 0.0 && previous == 0.0 {
                found.push(frame + i as u64);
            }
            previous = sample;
        }
        frame += buffer as u64;
    }
    found
}

#[test]
fn every_cue_beep_is_on_its_exact_frame_and_nothing_else_sounds() {
    let routines = [
        Warmup::default(),
        Warmup {
            dynamic: false,
            holds: 5,
            hold_seconds: 45,
        },
    ];
    for warmup in routines {
        for (sample_rate, buffer) in [(48_000u32, 512usize), (44_100, 441)] {
            let expected: Vec<u64> = warmup
                .beep_times()
                .iter()
                .map(|seconds| (seconds * f64::from(sample_rate)).round() as u64)
                .collect();
            assert_eq!(
                onsets(&warmup, sample_rate, buffer),
                expected,
                "{warmup:?} at {sample_rate} Hz"
            );
        }
    }
}

#[test]
fn cues_say_what_comes_by_their_number_of_beeps() {
    let warmup = Warmup {
        dynamic: true,
        holds: 3,
        hold_seconds: 30,
    };
    let beeps = warmup.beep_times();
    // The first hold starts after the lead-in and three 30 s movements: three beeps
    // 0.2 s apart at 93 s, then one beep when it ends at 123 s.
    let hold: Vec<f64> = beeps
        .iter()
        .copied()
        .filter(|t| (93.0..94.0).contains(t))
        .collect();
    assert_eq!(hold.len(), 3);
    assert!((hold[2] - 93.4).abs() < 1e-9);
    assert_eq!(
        beeps.iter().filter(|t| (123.0..124.0).contains(*t)).count(),
        1
    );
    let last = warmup.timeline().last().unwrap().clone();
    assert_eq!(last.cue, CueKind::Done);
    assert_eq!(last.start, 243);
}

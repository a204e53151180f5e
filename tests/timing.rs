//! Every click lands on its exact frame: over hours, through glides and live changes,
//! and whatever buffer size the engine renders in.

use cadence_coach::engine::{
    Accent, BuiltinSound, ClickSound, Engine, EngineConfig, EngineEvent, EngineHandle, Program,
    Voicing, engine,
};
use proptest::prelude::*;

/// A click whose every sample is loud, so onsets are unmistakable in the output.
fn impulse(sample_rate: u32) -> ClickSound {
    ClickSound::from_mono("impulse", vec![1.0; 40], sample_rate)
}

fn new_engine(sample_rate: u32, channels: u16, sound: ClickSound) -> (Engine, EngineHandle) {
    engine(
        EngineConfig {
            sample_rate,
            channels,
        },
        sound,
        Voicing {
            volume: 1.0,
            accent: Accent::None,
        },
    )
}

/// The frame nearest `step * 60 * rate / spm`, in exact integer arithmetic (halves up).
fn exact_hold_frame(step: u64, sample_rate: u64, spm: u64) -> u64 {
    let numerator = u128::from(step) * 60 * u128::from(sample_rate);
    ((2 * numerator + u128::from(spm)) / (2 * u128::from(spm))) as u64
}

/// Renders `frames` frames in buffers of `buffer` frames and returns the frames where a
/// click starts in the audio (a non-zero sample after a zero one, or at frame 0).
fn onsets(engine: &mut Engine, frames: u64, buffer: usize) -> Vec<u64> {
    let channels = engine.channels();
    let mut out = vec![0.0f32; buffer * channels];
    let mut found = Vec::new();
    let mut previous = 0.0f32;
    let mut frame = 0u64;
    while frame < frames {
        let this = buffer.min((frames - frame) as usize);
        let out = &mut out[..this * channels];
        engine.render(out);
        for (i, sample) in out.chunks_exact(channels).enumerate() {
            if sample[0] != 0.0 && previous == 0.0 {
                found.push(frame + i as u64);
            }
            assert!(sample.iter().all(|s| *s == sample[0]), "channels differ");
            previous = sample[0];
        }
        frame += this as u64;
    }
    found
}

fn step_frames(handle: &EngineHandle) -> Vec<u64> {
    handle
        .events()
        .filter_map(|event| match event {
            EngineEvent::Step { frame, .. } => Some(frame),
            _ => None,
        })
        .collect()
}

#[test]
fn an_hour_at_fractional_step_lengths_lands_every_click_exactly() {
    for sample_rate in [48_000u32, 44_100] {
        let spm = 172;
        let (mut engine, handle) = new_engine(sample_rate, 1, impulse(sample_rate));
        handle
            .start(&Program::steady(spm as f64, Some(3_600.0)))
            .unwrap();
        let hour = 3_600 * u64::from(sample_rate);
        let found = onsets(&mut engine, hour + 10_000, 4_096);
        let expected: Vec<u64> = (0..)
            .map(|k| exact_hold_frame(k, u64::from(sample_rate), spm))
            .take_while(|&f| f < hour)
            .collect();
        assert_eq!(
            expected.len(),
            172 * 60,
            "an hour at 172 spm is 10 320 steps"
        );
        assert_eq!(found.len(), expected.len(), "at {sample_rate} Hz");
        for (k, (got, want)) in found.iter().zip(&expected).enumerate() {
            assert_eq!(got, want, "step {k} at {sample_rate} Hz");
        }
    }
}

#[test]
fn many_rates_stay_exact_over_ten_minutes() {
    for spm in [60u64, 97, 160, 165, 172, 180, 181, 250] {
        let rate = 44_100u32;
        let (mut engine, handle) = new_engine(rate, 2, impulse(rate));
        handle.start(&Program::steady(spm as f64, None)).unwrap();
        let frames = 600 * u64::from(rate);
        let found = onsets(&mut engine, frames, 1_000);
        let expected: Vec<u64> = (0..)
            .map(|k| exact_hold_frame(k, u64::from(rate), spm))
            .take_while(|&f| f < frames)
            .collect();
        assert_eq!(found, expected, "{spm} spm");
    }
}

/// Ideal time (seconds) of step `k` in a glide from `a` to `b` spm over `g` seconds,
/// then a hold, found by bisection on the integral: independent of the engine's solver.
fn glide_step_seconds(k: f64, a: f64, b: f64, g: f64) -> f64 {
    let integral = |t: f64| {
        if t <= g {
            (a * t + (b - a) * t * t / (2.0 * g)) / 60.0
        } else {
            (a + b) * g / 120.0 + b * (t - g) / 60.0
        }
    };
    let (mut low, mut high) = (0.0, 1.0);
    while integral(high) < k {
        high *= 2.0;
    }
    for _ in 0..200 {
        let mid = (low + high) / 2.0;
        if integral(mid) < k {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

#[test]
fn glides_land_where_the_integral_says() {
    for (from, to, glide_minutes) in [
        (160.0, 176.0, 5.0),
        (180.0, 165.0, 2.0),
        (150.0, 165.0, 0.5),
    ] {
        let rate = 48_000u32;
        let (mut engine, handle) = new_engine(rate, 1, impulse(rate));
        let total = glide_minutes * 60.0 + 60.0;
        handle
            .start(&Program::glide_then_hold(
                from,
                to,
                glide_minutes * 60.0,
                Some(total),
            ))
            .unwrap();
        let found = onsets(&mut engine, (total * f64::from(rate)) as u64, 512);
        let mut expected_count = 0;
        for (k, &frame) in found.iter().enumerate() {
            let ideal =
                glide_step_seconds(k as f64, from, to, glide_minutes * 60.0) * f64::from(rate);
            assert!(
                (frame as f64 - ideal).abs() <= 0.5 + 1e-6,
                "{from}->{to}: step {k} at {frame}, ideal {ideal}"
            );
            expected_count += 1;
        }
        // Steps in the session: the integral over the glide and the hold, rounded up.
        let total_steps = (from + to) / 2.0 * glide_minutes + to;
        assert_eq!(expected_count, total_steps.ceil() as usize, "{from}->{to}");
    }
}

#[test]
fn a_live_rate_change_neither_doubles_nor_skips_a_click() {
    let rate = 48_000u32;
    let (mut engine, handle) = new_engine(rate, 1, impulse(rate));
    handle.start(&Program::steady(160.0, None)).unwrap();
    let mut out = vec![0.0f32; 300];
    let old_interval = 60.0 * f64::from(rate) / 160.0; // 18 000 frames
    let new_interval = 60.0 * f64::from(rate) / 170.0;
    // Play 10 000 buffers of 300 frames, changing rate somewhere mid-step.
    for buffer in 0..5_000 {
        if buffer == 1_234 {
            handle.set_rate(170.0).unwrap();
        }
        engine.render(&mut out);
    }
    let frames = step_frames(&handle);
    let change_frame = 1_234 * 300;
    // The step due when the change arrived keeps its old-rate frame...
    let due = frames.iter().position(|&f| f >= change_frame).unwrap();
    assert_eq!(frames[due], (due as f64 * old_interval).round() as u64);
    // ...every earlier interval is the old one, every later one the new one.
    for pair in frames[..=due].windows(2) {
        assert!(((pair[1] - pair[0]) as f64 - old_interval).abs() <= 1.0);
    }
    for (i, pair) in frames[due..].windows(2).enumerate() {
        let expected_gap = new_interval * (i + 1) as f64 - new_interval * i as f64;
        assert!(
            ((pair[1] - pair[0]) as f64 - expected_gap).abs() <= 1.0,
            "{pair:?}"
        );
    }
    // And positions after the change are exact from the change point, not accumulated.
    let last = frames.len() - 1;
    let ideal_last = frames[due] as f64 + (last - due) as f64 * new_interval;
    assert!((frames[last] as f64 - ideal_last).abs() <= 0.5 + 1e-6);
    let status = handle.status();
    assert!((status.spm - 170.0).abs() < 1e-9);
}

#[test]
fn a_live_glide_moves_smoothly_to_the_new_rate() {
    let rate = 48_000u32;
    let (mut engine, handle) = new_engine(rate, 1, impulse(rate));
    handle.start(&Program::steady(160.0, None)).unwrap();
    let mut out = vec![0.0f32; 480];
    engine.render(&mut out);
    handle.glide_to(176.0, 30.0).unwrap();
    for _ in 0..(40 * 100) {
        engine.render(&mut out);
    }
    let frames = step_frames(&handle);
    let gaps: Vec<u64> = frames.windows(2).map(|w| w[1] - w[0]).collect();
    // Gaps shrink monotonically (within rounding) from 160 spm to 176 spm and stay there.
    for pair in gaps.windows(2) {
        assert!(pair[1] <= pair[0] + 1, "{pair:?}");
    }
    let first = gaps[0] as f64;
    let last = *gaps.last().unwrap() as f64;
    assert!((first - 18_000.0).abs() <= 1.0);
    assert!((last - 60.0 * 48_000.0 / 176.0).abs() <= 1.0);
}

#[test]
fn the_builtin_clicks_start_on_the_step_frame() {
    for sound in BuiltinSound::ALL {
        let rate = 48_000;
        let (mut engine, handle) = new_engine(rate, 2, sound.synthesize(rate));
        handle.set_accent(Accent::Every(2)).unwrap();
        handle.start(&Program::steady(180.0, Some(20.0))).unwrap();
        let found = onsets(&mut engine, 20 * 48_000, 256);
        let expected: Vec<u64> = (0..60).map(|k| k * 16_000).collect();
        assert_eq!(found, expected, "{sound}");
    }
}

#[test]
fn a_program_ends_exactly_and_says_so() {
    let rate = 8_000;
    let (mut engine, handle) = new_engine(rate, 1, impulse(rate));
    handle.start(&Program::steady(120.0, Some(10.0))).unwrap();
    let mut out = vec![0.0f32; 333];
    for _ in 0..300 {
        engine.render(&mut out);
    }
    let events: Vec<EngineEvent> = handle.events().collect();
    let steps = events
        .iter()
        .filter(|e| matches!(e, EngineEvent::Step { .. }))
        .count();
    // Steps at 0, 0.5, ... 9.5 s: the one at exactly 10 s is past the end.
    assert_eq!(steps, 20);
    assert_eq!(
        events.last(),
        Some(&EngineEvent::Finished {
            frames: 80_000,
            steps: 20
        })
    );
    assert!(!handle.status().playing);
}

fn render_all(
    program: &Program,
    sample_rate: u32,
    channels: u16,
    frames: usize,
    buffer: usize,
) -> Vec<f32> {
    let (mut engine, handle) = new_engine(
        sample_rate,
        channels,
        BuiltinSound::Woodblock.synthesize(sample_rate),
    );
    handle.set_accent(Accent::Every(2)).unwrap();
    handle.start(program).unwrap();
    let channels = usize::from(channels);
    let mut all = vec![0.0f32; frames * channels];
    for chunk in all.chunks_mut(buffer * channels) {
        engine.render(chunk);
    }
    all
}

#[test]
fn output_is_bit_identical_for_every_buffer_size() {
    let program = Program::glide_then_hold(150.0, 172.0, 20.0, Some(40.0));
    let reference = render_all(&program, 48_000, 2, 48_000 * 41, 4_096);
    for buffer in [1, 17, 256, 1_000, 4_097, 10_000] {
        let other = render_all(&program, 48_000, 2, 48_000 * 41, buffer);
        assert!(
            reference == other,
            "buffer size {buffer} changed the output"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_rate_and_buffer_size_put_every_click_on_its_frame(
        spm in 60u64..=250,
        rate in prop::sample::select(vec![8_000u32, 22_050, 44_100, 48_000, 96_000]),
        buffer in 1usize..5_000,
    ) {
        let (mut engine, handle) = new_engine(rate, 1, impulse(rate));
        handle.start(&Program::steady(spm as f64, None)).unwrap();
        let frames = 30 * u64::from(rate);
        let found = onsets(&mut engine, frames, buffer);
        let expected: Vec<u64> = (0..)
            .map(|k| exact_hold_frame(k, u64::from(rate), spm))
            .take_while(|&f| f < frames)
            .collect();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn glides_render_the_same_in_any_buffer_size(
        from in 120.0f64..200.0,
        to in 120.0f64..200.0,
        glide in 1.0f64..20.0,
        buffer in 1usize..3_000,
    ) {
        let program = Program::glide_then_hold(from, to, glide, Some(25.0));
        let reference = render_all(&program, 22_050, 1, 22_050 * 26, 4_096);
        let other = render_all(&program, 22_050, 1, 22_050 * 26, buffer);
        prop_assert!(reference == other);
    }
}

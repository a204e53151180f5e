//! The audio thread's rules, proven: rendering through every command allocates and frees
//! nothing. `assert_no_alloc` aborts the test binary on any allocation or free inside
//! the guarded closure.

// assert_no_alloc checks only in builds with debug assertions (not `--release`).
#![cfg(debug_assertions)]

use std::time::Instant;

use assert_no_alloc::{AllocDisabler, assert_no_alloc};
use cadence_coach::engine::{
    Accent, BuiltinSound, ClickSound, Command, CueKind, CueMark, EngineConfig, EngineEvent,
    FeedbackChange, Program, Voicing, engine,
};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

#[test]
fn rendering_through_every_command_never_allocates() {
    let rate = 48_000;
    let (mut engine, handle) = engine(
        EngineConfig {
            sample_rate: rate,
            channels: 2,
        },
        BuiltinSound::Woodblock.synthesize(rate),
        Voicing::default(),
    );
    let mut out = vec![0.0f32; 256 * 2];
    let mut render = |buffers: usize| {
        for _ in 0..buffers {
            assert_no_alloc(|| engine.render_timed(&mut out, Some(Instant::now())));
        }
    };

    let mut program = Program::glide_then_hold(150.0, 170.0, 3.0, Some(20.0));
    program.feedback = vec![
        FeedbackChange {
            at_seconds: 2.0,
            audible: false,
        },
        FeedbackChange {
            at_seconds: 3.0,
            audible: true,
        },
    ];
    // Cues sound through the same voices: one in the clicks, one in the silence.
    program.cues = CueKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| CueMark {
            at_seconds: 0.5 + 0.5 * i as f64,
            kind,
        })
        .collect();
    // Everything a command owns is built here, outside the guard.
    let commands = vec![
        Command::Start {
            program: Box::new(program.compile(rate)),
            at_frame: 0,
        },
        Command::SetRate(165.0),
        Command::GlideTo {
            spm: 180.0,
            seconds: 2.0,
        },
        Command::SetVolume(0.3),
        Command::SetAccent(Accent::Every(2)),
        // Swapped while its clicks still ring: freed later, on this side.
        Command::SetSound(Box::new(BuiltinSound::Beep.synthesize(rate))),
        Command::SetSound(Box::new(ClickSound::from_mono(
            "long",
            vec![0.5; 40_000],
            rate,
        ))),
        Command::SetMuted(true),
        Command::SetMuted(false),
        Command::Stop,
        // Restarting replaces the previous program, which must not be freed here; this
        // one runs to its end.
        Command::Start {
            program: Box::new(Program::steady(170.0, Some(1.0)).compile(rate)),
            at_frame: 0,
        },
    ];
    for command in commands {
        handle.send(command).unwrap();
        render(300);
    }
    let events: Vec<EngineEvent> = handle.events().collect();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, EngineEvent::Stopped { .. }))
    );
    assert!(matches!(events.last(), Some(EngineEvent::Finished { .. })));

    // A long run with nobody reading events: the queue overflows and drops, quietly.
    handle
        .send(Command::Start {
            program: Box::new(Program::steady(250.0, None).compile(rate)),
            at_frame: 0,
        })
        .unwrap();
    render(300_000);
    let status = handle.status();
    assert!(
        status.dropped_events > 0,
        "the event queue should have overflowed"
    );
    assert!(status.playing);
    let _ = handle.events().count();
    handle.send(Command::Stop).unwrap();
    render(10);
    let status = handle.status();
    assert_eq!(status.leaked, 0);
    assert!(!status.playing);
    assert!(matches!(
        handle.events().last(),
        Some(EngineEvent::Stopped { .. })
    ));
    handle.collect_garbage();
}

#[test]
fn a_stream_of_rate_changes_at_every_buffer_stays_allocation_free() {
    let rate = 44_100;
    let (mut engine, handle) = engine(
        EngineConfig {
            sample_rate: rate,
            channels: 1,
        },
        BuiltinSound::Tock.synthesize(rate),
        Voicing::default(),
    );
    handle.start(&Program::steady(160.0, None)).unwrap();
    let mut out = vec![0.0f32; 64];
    for i in 0..5_000u32 {
        let _ = handle.set_rate(160.0 + f64::from(i % 20));
        let _ = handle.events().count();
        assert_no_alloc(|| engine.render(&mut out));
    }
    assert!(handle.status().playing);
}

/// A loud test tone as the "music", so the ducking limiter has work to do.
struct Tone {
    phase: f32,
}

impl cadence_coach::engine::MusicSource for Tone {
    fn render(&mut self, out: &mut [f32]) {
        for frame in out.chunks_exact_mut(2) {
            self.phase = (self.phase + 0.05) % std::f32::consts::TAU;
            frame.fill(self.phase.sin());
        }
    }

    fn retimed(
        &self,
        _change: &cadence_coach::engine::TempoChange,
        _from_frame: u64,
    ) -> Option<Box<dyn cadence_coach::engine::MusicSource + Send>> {
        Some(Box::new(Tone { phase: self.phase }))
    }
}

#[test]
fn mixing_music_full_starved_catching_up_and_retimed_never_allocates() {
    use cadence_coach::engine::{CEILING, music_stream};
    let rate = 48_000;
    let (mut engine, handle) = engine(
        EngineConfig {
            sample_rate: rate,
            channels: 2,
        },
        BuiltinSound::Woodblock.synthesize(rate),
        Voicing {
            volume: 1.0,
            accent: Accent::None,
        },
    );
    let (mut feeder, input) = music_stream(Box::new(Tone { phase: 0.0 }), (rate, 2), 0.5, 0, 1.0);
    handle
        .send(Command::SetMusic(Some(Box::new(input))))
        .unwrap();
    handle.start(&Program::steady(180.0, None)).unwrap();
    let mut out = vec![0.0f32; 256 * 2];
    let mut loudest = 0.0f32;
    // Fed in time, then the worker stalls for a second, then catches up.
    for buffer in 0..1_000 {
        if !(300..488).contains(&buffer) {
            feeder.fill(u64::MAX);
        }
        if buffer == 600 {
            handle.send(Command::SetMusicVolume(0.5)).unwrap();
        }
        if buffer == 700 {
            // The engine tells the worker of the change without allocating (below),
            // and the retimed ring is spliced in, both rings mixing for a moment.
            handle.set_rate(170.0).unwrap();
        }
        if buffer == 701 {
            let spliced = feeder
                .follow(handle.status().elapsed_frames)
                .expect("the rate change reached the worker");
            handle.send(Command::SpliceMusic(spliced)).unwrap();
        }
        assert_no_alloc(|| engine.render(&mut out));
        loudest = out.iter().fold(loudest, |m, s| m.max(s.abs()));
    }
    // The old ring, faded out after the splice, came back to be freed here.
    assert_eq!(
        handle.collect_garbage(),
        1,
        "the replaced ring was not handed back"
    );
    assert!(loudest <= CEILING, "{loudest}");
    assert!(loudest > 0.5, "the music should sound: {loudest}");
    // Replacing the music hands the old ring back to be freed here.
    handle.send(Command::SetMusic(None)).unwrap();
    assert_no_alloc(|| engine.render(&mut out));
    handle.collect_garbage();
    assert_eq!(handle.status().leaked, 0);
}

//! The engine's cost. A 256-frame buffer at 48 kHz lasts 5.33 ms of real time; the
//! callback budget we hold ourselves to is 1% of that, 53 µs.

use std::hint::black_box;

use cadence_coach::engine::{Accent, BuiltinSound, EngineConfig, Program, Voicing, engine};
use cadence_coach::export::{FileSpec, TrackRenderer};
use criterion::{Criterion, criterion_group, criterion_main};

fn one_buffer(c: &mut Criterion) {
    let mut group = c.benchmark_group("callback");
    for (channels, label) in [(1u16, "256 frames mono 48k"), (2, "256 frames stereo 48k")] {
        let (mut engine, handle) = engine(
            EngineConfig {
                sample_rate: 48_000,
                channels,
            },
            BuiltinSound::Woodblock.synthesize(48_000),
            Voicing {
                volume: 0.8,
                accent: Accent::Every(2),
            },
        );
        // A fast rate with a glide: the busiest realistic case.
        handle
            .start(&Program::glide_then_hold(160.0, 250.0, 600.0, None))
            .unwrap();
        let mut out = vec![0.0f32; 256 * usize::from(channels)];
        group.bench_function(label, |b| {
            b.iter(|| {
                engine.render(black_box(&mut out));
                // Keep the event queue from filling, as the GUI would.
                handle.events().for_each(drop);
            })
        });
    }
    group.finish();
}

fn one_hour(c: &mut Criterion) {
    let mut group = c.benchmark_group("track");
    group.sample_size(10);
    group.bench_function("render one hour mono 48k at 172 spm", |b| {
        b.iter(|| {
            let mut renderer = TrackRenderer::new(
                &Program::steady(172.0, Some(3_600.0)),
                BuiltinSound::Woodblock.synthesize(48_000),
                Voicing::default(),
                FileSpec {
                    sample_rate: 48_000,
                    channels: 1,
                    bits: 16,
                },
            )
            .unwrap();
            let mut sum = 0.0f32;
            while let Some(block) = renderer.next_block() {
                sum += block[0];
            }
            black_box(sum)
        })
    });
    group.finish();
}

criterion_group!(benches, one_buffer, one_hour);
criterion_main!(benches);

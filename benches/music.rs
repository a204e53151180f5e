//! The music's cost: analysing a 4-minute song (target: under 1 s) and stretching
//! (target: at least 20x faster than real time on one core).

use std::hint::black_box;
use std::sync::Arc;

use cadence_coach::music::stretch::Stretcher;
use cadence_coach::music::synth::{Groove, Song};
use cadence_coach::music::timemap::TimeMap;
use cadence_coach::music::{Audio, analyse};
use criterion::{Criterion, criterion_group, criterion_main};

fn analysis(c: &mut Criterion) {
    let song = Song::new(86.25, Groove::HalfTime, 240.0);
    let samples = song.render();
    let mut group = c.benchmark_group("music");
    group.sample_size(10);
    group.bench_function("analyse a 4-minute song", |b| {
        b.iter(|| analyse(black_box(&samples), song.sample_rate).unwrap())
    });
    group.finish();
}

fn stretching(c: &mut Criterion) {
    let song = Song::new(168.0, Groove::Straight, 12.0);
    let samples = song.render();
    // Stereo, as most songs are.
    let stereo: Vec<f32> = samples.iter().flat_map(|&s| [s, s]).collect();
    let audio = Arc::new(Audio {
        sample_rate: song.sample_rate,
        channels: 2,
        samples: stereo,
    });
    let mono: Arc<[f32]> = samples.into();
    let ratio = 1.05;
    let frames = 10 * song.sample_rate as usize;
    let mut out = vec![0.0f32; frames * 2];
    let mut group = c.benchmark_group("music");
    group.sample_size(10);
    group.bench_function("stretch 10 s of stereo by 5%", |b| {
        b.iter(|| {
            let map = TimeMap::new(vec![(0.0, 0.0), (44_100.0, 44_100.0 * ratio)]);
            let mut stretcher = Stretcher::new(Arc::clone(&audio), Arc::clone(&mono), map);
            stretcher.render(&mut out);
            black_box(&out);
        })
    });
    group.finish();
}

criterion_group!(benches, analysis, stretching);
criterion_main!(benches);

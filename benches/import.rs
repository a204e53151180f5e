//! Reading watch files. The target from the issue: a 7-hour multi-sport FIT (about
//! 24,000 records) imports "well under a second" in a release build. The file is
//! generated with the tests' FIT writer: run 1 h 50, ride 3 h 30, run 1 h 20, at 1 Hz.

use std::hint::black_box;

use cadence_coach::import::{Options, import_bytes};
use criterion::{Criterion, criterion_group, criterion_main};

#[allow(dead_code)]
#[path = "../tests/support/fit.rs"]
mod fit;

fn seven_hour_triathlon() -> Vec<u8> {
    let t0 = 1_795_000_000;
    let legs = [
        (fit::RUNNING, 0, 110, 86),
        (fit::CYCLING, 120, 210, 90),
        (fit::RUNNING, 340, 80, 84),
    ];
    let legs: Vec<fit::Leg> = legs
        .into_iter()
        .map(|(sport, start_minute, minutes, cadence)| fit::Leg {
            sport,
            records: fit::steady_records(t0 + start_minute * 60, minutes, |second| {
                // A little variation, as a real run has.
                cadence + (second % 7 == 0) as u8
            }),
        })
        .collect();
    fit::activity(&legs)
}

fn readers(c: &mut Criterion) {
    let fit = seven_hour_triathlon();
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    group.bench_function("7 h multi-sport FIT, 24000 records", |b| {
        b.iter(|| import_bytes(black_box(&fit), Options::default()).expect("it reads"));
    });
    let tcx_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/samples/watch/20210119_run_garmin_fenix6.tcx"
    );
    if let Ok(tcx) = std::fs::read(tcx_path) {
        group.bench_function("Garmin TCX, 1232 track points", |b| {
            b.iter(|| import_bytes(black_box(&tcx), Options::default()).expect("it reads"));
        });
    }
    group.finish();
}

criterion_group!(benches, readers);
criterion_main!(benches);

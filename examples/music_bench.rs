//! Helpers for scripts/bench-music.sh.
//!
//! `music_bench synth DIR`: writes the synthetic test songs (tempo in the file name).
//! `music_bench stretch IN OUT RATIO`: stretches IN by RATIO (above 1: faster) with the
//! app's stretcher and prints the seconds it took, decoding excluded.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use cadence_coach::music::decode_file;
use cadence_coach::music::stretch::Stretcher;
use cadence_coach::music::synth::{Groove, Song};
use cadence_coach::music::timemap::TimeMap;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["synth", dir] => synth(Path::new(dir)),
        ["stretch", input, output, ratio] => {
            stretch(Path::new(input), Path::new(output), ratio.parse()?)
        }
        _ => Err("usage: music_bench synth DIR | music_bench stretch IN OUT RATIO".into()),
    }
}

fn synth(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let songs = [
        (84.317, Groove::HalfTime),
        (92.583, Groove::HalfTime),
        (80.911, Groove::Swing),
        (88.124, Groove::Syncopated),
        (163.472, Groove::Straight),
        (171.25, Groove::Syncopated),
        (178.903, Groove::Swing),
        (188.07, Groove::Straight),
    ];
    for (i, (bpm, groove)) in songs.into_iter().enumerate() {
        let song = Song {
            seed: i as u64 + 1,
            ..Song::new(bpm, groove, 240.0)
        };
        let name = format!("{bpm:.3}-{groove:?}.wav").to_lowercase();
        write(&dir.join(name), &song.render(), song.sample_rate, 1)?;
    }
    Ok(())
}

fn stretch(input: &Path, output: &Path, ratio: f64) -> Result<(), Box<dyn std::error::Error>> {
    let audio = decode_file(input)?;
    let (rate, channels) = (audio.sample_rate, audio.channels);
    let frames = (audio.frames() as f64 / ratio) as usize;
    let started = Instant::now();
    let mono: Arc<[f32]> = audio.mono().into();
    let map = TimeMap::new(vec![(0.0, 0.0), (f64::from(rate) * ratio, f64::from(rate))]);
    let mut stretcher = Stretcher::new(Arc::new(audio), mono, map);
    let mut out = vec![0.0f32; frames * usize::from(channels)];
    stretcher.render(&mut out);
    let seconds = started.elapsed().as_secs_f64();
    write(output, &out, rate, channels)?;
    println!("{seconds:.3}");
    Ok(())
}

fn write(
    path: &Path,
    samples: &[f32],
    rate: u32,
    channels: u16,
) -> Result<(), Box<dyn std::error::Error>> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec)?;
    for &sample in samples {
        writer.write_sample((sample.clamp(-1.0, 1.0) * 32_767.0) as i16)?;
    }
    writer.finalize()?;
    Ok(())
}

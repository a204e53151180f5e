//! Generated songs written as WAV files, the music tests' stand-in for a runner's folder
//! (no music that anybody else made is committed).

#![allow(dead_code)]

use std::path::Path;

use cadence_coach::music::synth::Song;

/// `samples` (mono, -1 to 1) as a 16-bit WAV with `channels` identical channels.
pub fn write_wav(path: &Path, samples: &[f32], sample_rate: u32, channels: u16) {
    let spec = hound::WavSpec {
        channels,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for &sample in samples {
        let value = (sample * 32_767.0) as i16;
        for _ in 0..channels {
            writer.write_sample(value).unwrap();
        }
    }
    writer.finalize().unwrap();
}

/// A generated song as a mono WAV at its own rate.
pub fn write_song(path: &Path, song: &Song) {
    write_wav(path, &song.render(), song.sample_rate, 1);
}

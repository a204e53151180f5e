//! The onset-strength envelope: how much new energy arrives in each short frame, summed
//! over mel bands on a log scale (spectral flux), as in Ellis (2007) and librosa.
//! Drum hits and note starts make peaks; held notes and steady noise do not.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

/// About 5.8 ms between frames at any sample rate (256 samples at 44.1 kHz): fine enough
/// for a beat grid within a few milliseconds, coarse enough to analyse a song in a blink.
const HOP_SECONDS: f64 = 256.0 / 44_100.0;
/// Each frame spans four hops (23 ms), long enough to resolve a kick drum's pitch.
const FRAME_HOPS: usize = 4;
const MEL_BANDS: usize = 40;
const LOWEST_HZ: f64 = 30.0;
const HIGHEST_HZ: f64 = 11_000.0;
/// Quieter than this below the loudest moment counts as silence (as librosa's `top_db`).
const FLOOR_DB: f32 = 80.0;

/// Onset strength per frame, and when each frame's onsets happened.
#[derive(Clone, Debug, PartialEq)]
pub struct OnsetEnvelope {
    pub values: Vec<f32>,
    /// Frames per second.
    pub frame_rate: f64,
    /// Where in the song (seconds) frame 0's onsets are.
    pub start_seconds: f64,
}

impl OnsetEnvelope {
    /// The song time of a (fractional) frame.
    pub fn time_of(&self, frame: f64) -> f64 {
        self.start_seconds + frame / self.frame_rate
    }
}

/// The envelope of a mono signal. Empty if the signal is shorter than one frame.
pub fn onset_envelope(mono: &[f32], sample_rate: u32) -> OnsetEnvelope {
    let rate = f64::from(sample_rate.max(1));
    let hop = ((HOP_SECONDS * rate).round() as usize).max(16);
    let size = hop * FRAME_HOPS;
    let frame_rate = rate / hop as f64;
    // The flux of frame t compares it with frame t-1. On a log scale a hit rises most
    // when it first enters the window, even weighted down by the window's tail: the
    // synthetic drums' hits are found 0.7 of a window in from the frame's start (see
    // the tests), whatever the rate.
    let start_seconds = (size as f64 * 0.7) / rate;
    if mono.len() < size {
        return OnsetEnvelope {
            values: Vec::new(),
            frame_rate,
            start_seconds,
        };
    }
    let frames = (mono.len() - size) / hop + 1;
    let window: Vec<f32> = (0..size)
        .map(|i| {
            let phase = std::f64::consts::TAU * i as f64 / size as f64;
            (0.5 - 0.5 * phase.cos()) as f32
        })
        .collect();
    let bank = MelBank::new(size, rate);
    let fft = FftPlanner::<f32>::new().plan_fft_forward(size);
    let mut buffer = vec![Complex::new(0.0, 0.0); size];
    let mut scratch = vec![Complex::new(0.0, 0.0); fft.get_inplace_scratch_len()];
    let mut power = vec![0.0f32; size / 2 + 1];
    let mut bands = vec![0.0f32; frames * MEL_BANDS];
    for (frame, out) in bands.chunks_exact_mut(MEL_BANDS).enumerate() {
        let start = frame * hop;
        for ((slot, &sample), &weight) in buffer.iter_mut().zip(&mono[start..]).zip(&window) {
            *slot = Complex::new(sample * weight, 0.0);
        }
        fft.process_with_scratch(&mut buffer, &mut scratch);
        for (p, bin) in power.iter_mut().zip(&buffer) {
            *p = bin.norm_sqr();
        }
        bank.apply(&power, out);
    }
    to_decibels(&mut bands);
    let mut values = vec![0.0f32; frames];
    for t in 1..frames {
        let (before, now) = bands.split_at(t * MEL_BANDS);
        let previous = &before[(t - 1) * MEL_BANDS..];
        let rise: f32 = now[..MEL_BANDS]
            .iter()
            .zip(previous)
            .map(|(now, before)| (now - before).max(0.0))
            .sum();
        values[t] = rise / MEL_BANDS as f32;
    }
    OnsetEnvelope {
        values,
        frame_rate,
        start_seconds,
    }
}

fn to_decibels(bands: &mut [f32]) {
    for value in bands.iter_mut() {
        *value = 10.0 * value.max(1e-10).log10();
    }
    let loudest = bands.iter().copied().fold(f32::MIN, f32::max);
    for value in bands.iter_mut() {
        *value = value.max(loudest - FLOOR_DB);
    }
}

/// Triangular filters spaced evenly on the mel scale.
struct MelBank {
    filters: Vec<(usize, Vec<f32>)>,
}

impl MelBank {
    fn new(size: usize, rate: f64) -> Self {
        let mel = |hz: f64| 2595.0 * (1.0 + hz / 700.0).log10();
        let hz = |mel: f64| 700.0 * (10f64.powf(mel / 2595.0) - 1.0);
        let top = HIGHEST_HZ.min(rate / 2.0);
        let (low, high) = (mel(LOWEST_HZ), mel(top));
        let edges: Vec<f64> = (0..MEL_BANDS + 2)
            .map(|i| hz(low + (high - low) * i as f64 / (MEL_BANDS + 1) as f64))
            .collect();
        let bin_hz = rate / size as f64;
        let filters = edges
            .windows(3)
            .map(|edge| {
                let (left, centre, right) = (edge[0], edge[1], edge[2]);
                let first = (left / bin_hz).ceil() as usize;
                let last = ((right / bin_hz).floor() as usize).min(size / 2);
                let weights = (first..=last.max(first))
                    .map(|bin| {
                        let f = bin as f64 * bin_hz;
                        let weight = if f <= centre {
                            (f - left) / (centre - left)
                        } else {
                            (right - f) / (right - centre)
                        };
                        weight.max(0.0) as f32
                    })
                    .collect();
                (first, weights)
            })
            .collect();
        Self { filters }
    }

    fn apply(&self, power: &[f32], out: &mut [f32]) {
        for (band, (first, weights)) in out.iter_mut().zip(&self.filters) {
            *band = power
                .iter()
                .skip(*first)
                .zip(weights)
                .map(|(p, w)| p * w)
                .sum();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::synth::{Groove, Song};

    #[test]
    fn drum_hits_make_peaks_where_they_are() {
        let song = Song::new(120.0, Groove::Straight, 6.0);
        let envelope = onset_envelope(&song.render(), song.sample_rate);
        let mean = envelope.values.iter().sum::<f32>() / envelope.values.len() as f32;
        for beat in song.beats().into_iter().skip(1).take(8) {
            // The strongest frame within 30 ms of the beat is a clear peak on it.
            let frame = ((beat - envelope.start_seconds) * envelope.frame_rate).round() as i64;
            let (best, value) = (frame - 5..=frame + 5)
                .map(|f| (f, envelope.values[f as usize]))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap();
            assert!(value > 4.0 * mean, "beat at {beat}: {value} vs mean {mean}");
            let error = envelope.time_of(best as f64) - beat;
            assert!(
                error.abs() < 0.006,
                "peak {error} s from the beat at {beat}"
            );
        }
    }

    #[test]
    fn a_signal_shorter_than_a_frame_has_no_envelope() {
        assert!(onset_envelope(&[0.0; 100], 44_100).values.is_empty());
    }
}

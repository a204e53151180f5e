//! Pitch-preserving time-stretch by WSOLA (waveform-similarity overlap-add, Verhelst &
//! Roelands 1993), driven by a [`TimeMap`] from output frames to song frames.
//!
//! Why our own and not a library: the beats must land on the steps within a few
//! milliseconds while the ratio changes beat by beat (a glide). WSOLA places every
//! grain from the map itself, so no latency or drift has to be tracked, and a drum hit
//! moves by at most the search tolerance (3 ms). Ratios stay within 0.92-1.08 (see
//! [`super::fold::MIN_RATIO`]), where WSOLA sounds clean. GPL stretchers (rubberband)
//! cannot be linked into this MIT/Apache project.

use std::sync::Arc;

use super::decode::Audio;
use super::timemap::TimeMap;

/// Grains of about 46 ms with half overlap: long enough for bass notes to stay whole.
const GRAIN_SECONDS: f64 = 0.046;
/// How far a grain may move from where the map puts it, to continue the waveform.
const TOLERANCE_SECONDS: f64 = 0.003;
/// The coarse search looks at every this many offsets and samples, then refines.
const COARSE: usize = 4;

/// Produces the stretched song, block after block, for output frames from 0 on.
pub struct Stretcher {
    audio: Arc<Audio>,
    /// The song averaged to mono, for the similarity search.
    mono: Arc<[f32]>,
    map: TimeMap,
    grain: usize,
    hop: usize,
    tolerance: usize,
    window: Vec<f32>,
    /// The next grain's output start (frames); starts one hop early so the first hop
    /// gets both of its grains.
    next_grain: i64,
    /// Where the previous grain was taken from in the song, to continue it.
    previous_source: Option<i64>,
    /// The second half of the previous grain, waiting for the next one (interleaved).
    tail: Vec<f32>,
    /// Finished frames not yet handed out (interleaved), and how many were handed out.
    ready: Vec<f32>,
    ready_from: usize,
    grain_buffer: Vec<f32>,
}

impl Stretcher {
    /// A stretcher of `audio` along `map`. `mono` must be `audio` averaged to mono.
    pub fn new(audio: Arc<Audio>, mono: Arc<[f32]>, map: TimeMap) -> Self {
        Self::starting_at(audio, mono, map, 0)
    }

    /// The same, producing output frames from `start` on (the map's output frames):
    /// the grains are placed from the map alone, so starting late gives the frames a
    /// stretcher started at 0 would have given there, up to the similarity search.
    pub fn starting_at(audio: Arc<Audio>, mono: Arc<[f32]>, map: TimeMap, start: u64) -> Self {
        let rate = f64::from(audio.sample_rate.max(1));
        let hop = ((GRAIN_SECONDS * rate / 2.0).round() as usize).max(16);
        let grain = hop * 2;
        let channels = usize::from(audio.channels.max(1));
        // A periodic Hann window: at half overlap the windows add up to exactly 1.
        let window = (0..grain)
            .map(|i| {
                let phase = std::f64::consts::TAU * i as f64 / grain as f64;
                (0.5 - 0.5 * phase.cos()) as f32
            })
            .collect();
        let mut stretcher = Self {
            tolerance: ((TOLERANCE_SECONDS * rate).round() as usize).max(COARSE),
            audio,
            mono,
            map,
            grain,
            hop,
            window,
            next_grain: i64::try_from(start).unwrap_or(i64::MAX / 2) - hop as i64,
            previous_source: None,
            tail: vec![0.0; hop * channels],
            ready: Vec::with_capacity(hop * channels),
            ready_from: 0,
            grain_buffer: vec![0.0; grain * channels],
        };
        // The hop before frame 0 only fills the tail.
        stretcher.add_grain();
        stretcher.ready.clear();
        stretcher
    }

    pub fn channels(&self) -> usize {
        usize::from(self.audio.channels.max(1))
    }

    /// Fills `out` (interleaved, the song's channels) with the next frames.
    pub fn render(&mut self, out: &mut [f32]) {
        let mut written = 0;
        while written < out.len() {
            if self.ready_from >= self.ready.len() {
                self.ready.clear();
                self.ready_from = 0;
                self.add_grain();
            }
            let available = &self.ready[self.ready_from..];
            let take = available.len().min(out.len() - written);
            out[written..written + take].copy_from_slice(&available[..take]);
            written += take;
            self.ready_from += take;
        }
    }

    /// Places the next grain and finishes one hop of output.
    fn add_grain(&mut self) {
        let channels = self.channels();
        let centre = self.next_grain as f64 + self.grain as f64 / 2.0;
        let wanted = (self.map.source_frame(centre) - self.grain as f64 / 2.0).round() as i64;
        let source = match self.previous_source {
            Some(previous) => self.best_offset(wanted, previous + self.hop as i64),
            None => wanted,
        };
        self.previous_source = Some(source);
        let frames = self.audio.frames() as i64;
        for (i, weight) in self.window.iter().enumerate() {
            let frame = source + i as i64;
            let slot = &mut self.grain_buffer[i * channels..(i + 1) * channels];
            if (0..frames).contains(&frame) {
                let at = frame as usize * channels;
                for (out, &sample) in slot.iter_mut().zip(&self.audio.samples[at..at + channels]) {
                    *out = sample * weight;
                }
            } else {
                slot.fill(0.0);
            }
        }
        let half = self.hop * channels;
        self.ready.extend(
            self.tail
                .iter()
                .zip(&self.grain_buffer[..half])
                .map(|(a, b)| a + b),
        );
        self.tail.copy_from_slice(&self.grain_buffer[half..]);
        self.next_grain += self.hop as i64;
    }

    /// The grain start within the tolerance of `wanted` whose waveform best continues
    /// the one at `natural` (where the previous grain would have gone on).
    fn best_offset(&self, wanted: i64, natural: i64) -> i64 {
        let tolerance = self.tolerance as i64;
        let length = self.hop;
        let score = |start: i64, stride: usize| -> f32 {
            let mut products = 0.0f32;
            let mut energy = 1e-9f32;
            for i in (0..length).step_by(stride) {
                let a = self.sample(natural + i as i64);
                let b = self.sample(start + i as i64);
                products += a * b;
                energy += b * b;
            }
            products / energy.sqrt()
        };
        // Where the map puts the grain wins ties (silence, say), so it never drifts.
        let mut best = (wanted, score(wanted, COARSE));
        for delta in (-tolerance..=tolerance).step_by(COARSE) {
            let value = score(wanted + delta, COARSE);
            if value > best.1 + 1e-6 {
                best = (wanted + delta, value);
            }
        }
        // The fine search compares full-resolution scores only with each other.
        let coarse = best.0;
        let mut fine = (coarse, score(coarse, 1));
        for delta in -(COARSE as i64)..=(COARSE as i64) {
            let start = coarse + delta;
            if (start - wanted).abs() > tolerance {
                continue;
            }
            let value = score(start, 1);
            if value > fine.1 + 1e-6 {
                fine = (start, value);
            }
        }
        fine.0
    }

    fn sample(&self, frame: i64) -> f32 {
        usize::try_from(frame)
            .ok()
            .and_then(|frame| self.mono.get(frame))
            .copied()
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::synth;

    fn dominant_hz(samples: &[f32], rate: f64) -> f64 {
        use rustfft::FftPlanner;
        use rustfft::num_complex::Complex;
        let size = 1 << 16;
        let mut buffer: Vec<Complex<f32>> = samples[..size]
            .iter()
            .map(|&s| Complex::new(s, 0.0))
            .collect();
        FftPlanner::new()
            .plan_fft_forward(size)
            .process(&mut buffer);
        let (bin, _) = buffer[1..size / 2]
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.norm().total_cmp(&b.1.norm()))
            .unwrap();
        (bin + 1) as f64 * rate / size as f64
    }

    fn stretch(audio: Audio, ratio: f64, frames: usize) -> Vec<f32> {
        let mono: Arc<[f32]> = audio.mono().into();
        let map = TimeMap::new(vec![(0.0, 0.0), (1000.0, 1000.0 * ratio)]);
        let mut stretcher = Stretcher::new(Arc::new(audio), mono, map);
        let mut out = vec![0.0; frames * stretcher.channels()];
        stretcher.render(&mut out);
        out
    }

    #[test]
    fn a_sustained_tone_keeps_its_pitch() {
        let rate = 44_100;
        for ratio in [0.92, 1.0, 1.05, 1.08] {
            let samples = synth::tone(440.0, 4.0, rate);
            let audio = Audio {
                sample_rate: rate,
                channels: 1,
                samples,
            };
            let out = stretch(audio, ratio, 100_000);
            let hz = dominant_hz(&out[10_000..], f64::from(rate));
            assert!((hz / 440.0 - 1.0).abs() < 0.01, "ratio {ratio}: {hz} Hz");
        }
    }

    #[test]
    fn without_stretching_the_song_comes_out_unchanged() {
        let rate = 44_100;
        let samples = synth::Song::new(120.0, synth::Groove::Straight, 3.0).render();
        let audio = Audio {
            sample_rate: rate,
            channels: 1,
            samples: samples.clone(),
        };
        let out = stretch(audio, 1.0, 100_000);
        let worst = out
            .iter()
            .zip(&samples)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst < 1e-4, "{worst}");
    }
}

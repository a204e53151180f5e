//! Synthetic songs with a tempo known exactly: drum patterns (kick, snare, hi-hat) and a
//! bass line, straight, half-time, swung or syncopated, plus signals with no beat at all
//! (noise, speech-like babble, an ambient pad). The tests, the benches and the benchmark
//! script use them, so that no one's music has to be committed.

use std::f64::consts::TAU;

/// How the drums are laid out within a four-beat bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groove {
    /// Kick on 1 and 3, snare on 2 and 4, straight eighth-note hi-hats.
    Straight,
    /// Kick on 1, snare on 3, eighth-note hi-hats: the half-time feel of 80-95 BPM songs.
    HalfTime,
    /// Like `Straight`, with the off-beat hi-hats late by a triplet (2:1 swing).
    Swing,
    /// Kick on 1, the "and" of 2 and on 3; snare on 2 and 4; off-beat accents on the hat.
    Syncopated,
    /// A kick on every beat and off-beat hi-hats, nothing else low: a test can find
    /// every beat from the kick alone.
    FourOnTheFloor,
}

/// A drum-and-bass song of `seconds` at `bpm`, its first beat at `first_beat` seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Song {
    pub bpm: f64,
    pub groove: Groove,
    pub seconds: f64,
    pub first_beat: f64,
    pub sample_rate: u32,
    /// Seeds the noise of the snare and hi-hat, so each song is reproducible.
    pub seed: u64,
}

impl Song {
    pub fn new(bpm: f64, groove: Groove, seconds: f64) -> Self {
        Self {
            bpm,
            groove,
            seconds,
            first_beat: 0.25,
            sample_rate: 44_100,
            seed: 1,
        }
    }

    pub fn beat_seconds(&self) -> f64 {
        60.0 / self.bpm
    }

    /// When beat `index` falls, in seconds.
    pub fn beat_time(&self, index: u64) -> f64 {
        self.first_beat + index as f64 * self.beat_seconds()
    }

    /// Every beat that starts before the end.
    pub fn beats(&self) -> Vec<f64> {
        (0..)
            .map(|index| self.beat_time(index))
            .take_while(|&time| time < self.seconds)
            .collect()
    }

    /// Mono samples in -1..1.
    pub fn render(&self) -> Vec<f32> {
        let rate = f64::from(self.sample_rate);
        let mut out = vec![0.0f32; (self.seconds * rate) as usize];
        let mut noise = Noise::new(self.seed);
        let beat = self.beat_seconds();
        let bass_notes = [55.0, 55.0, 65.41, 49.0];
        for (index, start) in self.beats().into_iter().enumerate() {
            let in_bar = index % 4;
            let bar = index / 4;
            let (kick, snare) = match self.groove {
                Groove::FourOnTheFloor => (true, false),
                Groove::Straight | Groove::Swing => (in_bar % 2 == 0, in_bar % 2 == 1),
                Groove::HalfTime => (in_bar == 0, in_bar == 2),
                Groove::Syncopated => (in_bar == 0 || in_bar == 2, in_bar % 2 == 1),
            };
            if kick {
                add_kick(&mut out, rate, start);
            }
            if snare {
                add_snare(&mut out, rate, start, &mut noise);
            }
            if self.groove == Groove::Syncopated && in_bar == 1 {
                add_kick(&mut out, rate, start + beat / 2.0);
            }
            let offbeat = match self.groove {
                Groove::Swing => beat * 2.0 / 3.0,
                _ => beat / 2.0,
            };
            let accent_offbeat = self.groove == Groove::Syncopated;
            add_hat(&mut out, rate, start, 0.25, &mut noise);
            add_hat(
                &mut out,
                rate,
                start + offbeat,
                if accent_offbeat { 0.4 } else { 0.2 },
                &mut noise,
            );
            if self.groove != Groove::FourOnTheFloor {
                let note = bass_notes[bar % bass_notes.len()];
                add_bass(&mut out, rate, start, beat * 0.9, note);
            }
        }
        for sample in &mut out {
            *sample = (*sample * 0.5).clamp(-1.0, 1.0);
        }
        out
    }
}

fn add(out: &mut [f32], rate: f64, start: f64, seconds: f64, mut voice: impl FnMut(f64) -> f64) {
    let first = (start * rate).round().max(0.0) as usize;
    let length = (seconds * rate) as usize;
    for (offset, sample) in out.iter_mut().skip(first).take(length).enumerate() {
        // The voice starts on the exact beat time, not on the rounded sample.
        let t = (first + offset) as f64 / rate - start;
        if t >= 0.0 {
            *sample += voice(t) as f32;
        }
    }
}

fn add_kick(out: &mut [f32], rate: f64, start: f64) {
    add(out, rate, start, 0.3, |t| {
        // A sine falling from 120 to 50 Hz: the phase is the integral of the frequency.
        let phase = TAU * (50.0 * t + 70.0 * 0.03 * (1.0 - (-t / 0.03).exp()));
        0.9 * phase.sin() * (-t / 0.12).exp()
    });
}

fn add_snare(out: &mut [f32], rate: f64, start: f64, noise: &mut Noise) {
    add(out, rate, start, 0.25, |t| {
        let body = (TAU * 180.0 * t).sin() * (-t / 0.05).exp();
        let rattle = noise.next() * (-t / 0.08).exp();
        0.35 * body + 0.45 * rattle
    });
}

fn add_hat(out: &mut [f32], rate: f64, start: f64, level: f64, noise: &mut Noise) {
    let mut last = 0.0;
    add(out, rate, start, 0.06, |t| {
        // The difference of white noise: bright, like a closed hi-hat.
        let white = noise.next();
        let bright = white - last;
        last = white;
        level * bright * (-t / 0.015).exp()
    });
}

fn add_bass(out: &mut [f32], rate: f64, start: f64, seconds: f64, hz: f64) {
    add(out, rate, start, seconds, |t| {
        let envelope = (t / 0.01).min(1.0) * (1.0 - t / seconds).max(0.0);
        0.3 * envelope * ((TAU * hz * t).sin() + 0.3 * (TAU * 2.0 * hz * t).sin())
    });
}

/// A sustained tone of `hz`, for checking that stretching keeps the pitch.
pub fn tone(hz: f64, seconds: f64, sample_rate: u32) -> Vec<f32> {
    let rate = f64::from(sample_rate);
    (0..(seconds * rate) as usize)
        .map(|i| (0.5 * (TAU * hz * i as f64 / rate).sin()) as f32)
        .collect()
}

/// White noise: no beat at all.
pub fn noise(seconds: f64, sample_rate: u32, seed: u64) -> Vec<f32> {
    let mut noise = Noise::new(seed);
    (0..(seconds * f64::from(sample_rate)) as usize)
        .map(|_| (0.3 * noise.next()) as f32)
        .collect()
}

/// Speech-like babble: voiced syllables of random length and pitch at irregular times,
/// with pauses, so there are onsets but no pulse.
pub fn babble(seconds: f64, sample_rate: u32, seed: u64) -> Vec<f32> {
    let rate = f64::from(sample_rate);
    let mut out = vec![0.0f32; (seconds * rate) as usize];
    let mut random = Noise::new(seed);
    let mut start = 0.1;
    while start < seconds {
        let length = 0.08 + 0.25 * random.unit();
        let pitch = 100.0 + 120.0 * random.unit();
        let formant = 500.0 + 1500.0 * random.unit();
        add(&mut out, rate, start, length, |t| {
            let envelope = (std::f64::consts::PI * t / length).sin();
            let voiced = (TAU * pitch * t).sin() + 0.5 * (TAU * formant * t).sin();
            0.3 * envelope * voiced
        });
        // Gaps of 20 ms to 0.6 s: no period a tracker could lock onto.
        start += length + 0.02 + 0.58 * random.unit() * random.unit();
    }
    out
}

/// An ambient pad: slowly swelling chords, no onsets to speak of.
pub fn pad(seconds: f64, sample_rate: u32) -> Vec<f32> {
    let rate = f64::from(sample_rate);
    (0..(seconds * rate) as usize)
        .map(|i| {
            let t = i as f64 / rate;
            let swell = 0.6 + 0.4 * (TAU * 0.07 * t).sin();
            let chord: f64 = [220.0, 277.18, 329.63, 440.0]
                .iter()
                .map(|hz| (TAU * hz * t).sin())
                .sum();
            (0.1 * swell * chord) as f32
        })
        .collect()
}

/// A small deterministic generator (xorshift64*), so songs are the same on every run.
struct Noise(u64);

impl Noise {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// Uniform in 0..1.
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in -1..1.
    fn next(&mut self) -> f64 {
        2.0 * self.unit() - 1.0
    }
}

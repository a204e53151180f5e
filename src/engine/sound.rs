//! Click sounds: built-in synthesized clicks and user samples, prepared off the audio
//! thread at the output's sample rate.

use std::f32::consts::TAU;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Loudest sample of an unaccented click; accents peak at [`ACCENT_PEAK`]. Both leave
/// headroom so that overlapping clicks rarely reach the limiter.
pub const NORMAL_PEAK: f32 = 0.5;
pub const ACCENT_PEAK: f32 = 0.8;
/// Longer custom sounds are cut (with a fade) to this: a step is at most a second long.
pub const MAX_SOUND_SECONDS: f32 = 1.0;
/// Fade applied to the end of every sound so that nothing stops with a pop.
const FADE_OUT_SECONDS: f32 = 0.004;
/// Starting phase of synthesized partials (radians): sin(0.35) is about a third of the peak.
const ONSET_PHASE: f32 = 0.35;

/// The built-in clicks, chosen to cut through treadmill noise and music.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BuiltinSound {
    /// A dry, hollow knock with a sharp attack: audible over music without being shrill.
    #[default]
    Woodblock,
    /// A short high beep, easiest to hear over a treadmill's low rumble.
    Beep,
    /// A low, soft tock for quiet surroundings.
    Tock,
}

impl BuiltinSound {
    pub const ALL: [BuiltinSound; 3] = [Self::Woodblock, Self::Beep, Self::Tock];

    pub fn name(self) -> &'static str {
        match self {
            Self::Woodblock => "woodblock",
            Self::Beep => "beep",
            Self::Tock => "tock",
        }
    }

    /// Synthesizes the sound at `sample_rate`. Allocates: do it off the audio thread.
    pub fn synthesize(self, sample_rate: u32) -> ClickSound {
        let (normal, accent) = match self {
            // Woodblock: two inharmonic modes of a struck block, damped within ~25 ms.
            Self::Woodblock => (
                modes(sample_rate, &[(880.0, 1.0), (2_390.0, 0.45)], 0.007, 0.035),
                modes(sample_rate, &[(1_180.0, 1.0), (3_150.0, 0.45)], 0.008, 0.04),
            ),
            Self::Beep => (
                modes(sample_rate, &[(2_000.0, 1.0)], 0.03, 0.04),
                modes(sample_rate, &[(2_640.0, 1.0)], 0.035, 0.045),
            ),
            Self::Tock => (
                modes(sample_rate, &[(420.0, 1.0), (1_050.0, 0.25)], 0.012, 0.06),
                modes(sample_rate, &[(560.0, 1.0), (1_400.0, 0.25)], 0.014, 0.07),
            ),
        };
        ClickSound::new(self.name(), normal, accent, sample_rate)
    }
}

impl fmt::Display for BuiltinSound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BuiltinSound {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|sound| sound.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                format!("unknown sound '{text}'; built-in sounds are woodblock, beep and tock")
            })
    }
}

/// The sound a user picked: a built-in click or an audio file of their own. Plain data,
/// saved in the profile; loading a file is the audio adapter's job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SoundChoice {
    Builtin(BuiltinSound),
    File(std::path::PathBuf),
}

impl Default for SoundChoice {
    fn default() -> Self {
        Self::Builtin(BuiltinSound::default())
    }
}

impl fmt::Display for SoundChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin(sound) => sound.fmt(f),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

impl FromStr for SoundChoice {
    type Err = String;

    /// A built-in name, or else a file path (checked when the sound is loaded).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().is_empty() {
            return Err("give a built-in sound (woodblock, beep, tock) or a sound file".into());
        }
        Ok(text
            .parse::<BuiltinSound>()
            .map_or_else(|_| Self::File(text.into()), Self::Builtin))
    }
}

/// Damped sines: `(frequency, relative amplitude)` decaying with time constant `decay`
/// seconds, `length` seconds long. Each starts a little past phase zero, so the first
/// sample is a crisp but moderate transient that lands exactly on the step's frame.
fn modes(sample_rate: u32, partials: &[(f32, f32)], decay: f32, length: f32) -> Vec<f32> {
    let rate = sample_rate as f32;
    let frames = (length * rate).ceil() as usize;
    (0..frames)
        .map(|i| {
            let t = i as f32 / rate;
            let envelope = (-t / decay).exp();
            partials
                .iter()
                .map(|&(frequency, amplitude)| {
                    amplitude * (TAU * frequency * t + ONSET_PHASE).sin()
                })
                .sum::<f32>()
                * envelope
        })
        .collect()
}

/// A click ready to play: an unaccented and an accented variant, mono, at one sample
/// rate. Sample buffers are shared so that voices can hold them without copying.
#[derive(Clone, Debug)]
pub struct ClickSound {
    name: String,
    normal: Arc<[f32]>,
    accent: Arc<[f32]>,
    sample_rate: u32,
}

impl ClickSound {
    /// Normalizes, trims and fades the raw variants.
    pub fn new(name: &str, normal: Vec<f32>, accent: Vec<f32>, sample_rate: u32) -> Self {
        Self {
            name: name.to_owned(),
            normal: prepare(normal, NORMAL_PEAK, sample_rate).into(),
            accent: prepare(accent, ACCENT_PEAK, sample_rate).into(),
            sample_rate,
        }
    }

    /// A user's sample: the accent is the same sound, louder.
    pub fn from_mono(name: &str, samples: Vec<f32>, sample_rate: u32) -> Self {
        Self::new(name, samples.clone(), samples, sample_rate)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn normal(&self) -> &Arc<[f32]> {
        &self.normal
    }

    pub fn accent(&self) -> &Arc<[f32]> {
        &self.accent
    }

    /// True when the sound holds no audible sample (a silent or empty file).
    pub fn is_silent(&self) -> bool {
        self.normal.iter().all(|&s| s == 0.0)
    }
}

/// Replaces non-finite samples, trims to [`MAX_SOUND_SECONDS`], scales the peak to
/// `peak` and fades the tail to zero.
fn prepare(mut samples: Vec<f32>, peak: f32, sample_rate: u32) -> Vec<f32> {
    for sample in &mut samples {
        if !sample.is_finite() {
            *sample = 0.0;
        }
    }
    let max_len = (MAX_SOUND_SECONDS * sample_rate as f32) as usize;
    samples.truncate(max_len);
    // Trailing near-silence only costs mixing time.
    let audible_end = samples
        .iter()
        .rposition(|s| s.abs() > 1e-4)
        .map_or(0, |i| i + 1);
    samples.truncate(audible_end);
    let loudest = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if loudest > 0.0 {
        let gain = peak / loudest;
        samples.iter_mut().for_each(|s| *s *= gain);
    }
    let fade = ((FADE_OUT_SECONDS * sample_rate as f32) as usize).min(samples.len());
    let start = samples.len() - fade;
    for (i, sample) in samples[start..].iter_mut().enumerate() {
        // Raised cosine from 1 to 0, reaching exactly 0 one sample past the end.
        let x = (i + 1) as f32 / (fade + 1) as f32;
        *sample *= 0.5 * (1.0 + (std::f32::consts::PI * x).cos());
    }
    samples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_sounds_peak_where_promised_and_end_silently() {
        for sound in BuiltinSound::ALL {
            for rate in [8_000, 44_100, 48_000, 192_000] {
                let click = sound.synthesize(rate);
                for (samples, peak) in
                    [(click.normal(), NORMAL_PEAK), (click.accent(), ACCENT_PEAK)]
                {
                    let loudest = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
                    assert!(
                        (loudest - peak).abs() < 1e-5,
                        "{sound} at {rate}: {loudest}"
                    );
                    let first = samples.first().unwrap().abs();
                    assert!(first > 0.05 && first < 0.5, "{sound} onset is {first}");
                    assert!(
                        samples.last().unwrap().abs() < 1e-3,
                        "{sound} ends with a pop"
                    );
                    assert!(samples.len() < rate as usize / 10, "{sound} is too long");
                }
            }
        }
    }

    #[test]
    fn sound_names_parse_case_insensitively() {
        assert_eq!("Beep".parse::<BuiltinSound>(), Ok(BuiltinSound::Beep));
        assert!(
            "cowbell"
                .parse::<BuiltinSound>()
                .unwrap_err()
                .contains("woodblock")
        );
    }

    #[test]
    fn custom_samples_are_cleaned() {
        let mut raw = vec![0.0, 2.0, f32::NAN, -4.0, f32::INFINITY];
        raw.extend(std::iter::repeat_n(0.3, 100_000));
        let click = ClickSound::from_mono("mine", raw, 48_000);
        assert!(click.normal().iter().all(|s| s.is_finite()));
        assert!(click.normal().len() <= 48_000);
        let loudest = click.accent().iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((loudest - ACCENT_PEAK).abs() < 1e-6);
    }
}

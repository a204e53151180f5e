//! Arguments shared by several subcommands, and the checks on every number a user types.
//! Each parser returns a sentence that says what is allowed; clap shows it and exits 2.

use clap::Args;

use crate::coach::SoundSettings;
use crate::engine::{Accent, Program, SoundChoice, Voicing};

pub const MIN_SPM: f64 = 60.0;
pub const MAX_SPM: f64 = 250.0;
pub const MAX_MINUTES: f64 = 600.0;

fn number(text: &str, what: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(format!("'{text}' is not a number; give {what}")),
    }
}

pub fn parse_spm(text: &str) -> Result<f64, String> {
    let spm = number(text, "a step rate in steps per minute, from 60 to 250")?;
    if !(MIN_SPM..=MAX_SPM).contains(&spm) {
        return Err(format!(
            "{spm} spm is outside 60-250 steps per minute; runners step between about 150 and 200"
        ));
    }
    Ok(spm)
}

pub fn parse_minutes(text: &str) -> Result<f64, String> {
    let minutes = number(text, "minutes, more than 0 and at most 600")?;
    if minutes <= 0.0 || minutes > MAX_MINUTES {
        return Err(format!(
            "{minutes} minutes is out of range; give more than 0 and at most 600"
        ));
    }
    Ok(minutes)
}

/// A warm-up or glide length: 0 is allowed (no glide).
pub fn parse_glide_minutes(text: &str) -> Result<f64, String> {
    let minutes = number(text, "minutes, from 0 to 600")?;
    if !(0.0..=MAX_MINUTES).contains(&minutes) {
        return Err(format!("{minutes} minutes is out of range; give 0 to 600"));
    }
    Ok(minutes)
}

pub fn parse_volume(text: &str) -> Result<f32, String> {
    let volume = number(text, "a volume from 0 (silent) to 1 (full)")?;
    if !(0.0..=1.0).contains(&volume) {
        return Err(format!(
            "volume {volume} is out of range; give 0 (silent) to 1 (full)"
        ));
    }
    Ok(volume as f32)
}

pub fn parse_increase(text: &str) -> Result<f64, String> {
    let percent = number(text, "a percentage such as 5, 7.5 or 10")?;
    if !(0.0..=20.0).contains(&percent) {
        return Err(format!(
            "an increase of {percent}% is out of range; the guidance is 5-10% (at most 20% with --allow-any-increase)"
        ));
    }
    Ok(percent)
}

pub fn parse_sample_rate(text: &str) -> Result<u32, String> {
    let rate = number(text, "a sample rate in Hz from 8000 to 192000")?;
    if rate.fract() != 0.0 || !(8_000.0..=192_000.0).contains(&rate) {
        return Err(format!(
            "{rate} Hz is not a usable sample rate; give a whole number from 8000 to 192000, such as 44100 or 48000"
        ));
    }
    Ok(rate as u32)
}

pub fn parse_channels(text: &str) -> Result<u16, String> {
    match text.trim() {
        "1" => Ok(1),
        "2" => Ok(2),
        _ => Err(format!("'{text}' channels: give 1 (mono) or 2 (stereo)")),
    }
}

/// A pain score: a whole number from 0 (none) to 10 (the worst imaginable).
pub fn parse_pain(text: &str) -> Result<u8, String> {
    match text.trim().parse::<u8>() {
        Ok(pain) if pain <= 10 => Ok(pain),
        _ => Err(format!(
            "'{text}' is not a pain score; give a whole number from 0 (no pain) to 10 (the worst)"
        )),
    }
}

pub fn parse_bits(text: &str) -> Result<u16, String> {
    match text.trim() {
        "16" => Ok(16),
        "24" => Ok(24),
        "32" => Ok(32),
        _ => Err(format!(
            "'{text}' bits: give 16 or 24 (whole numbers), or 32 (float, WAV only)"
        )),
    }
}

/// How fast to step: a rate, or a baseline and an increase.
#[derive(Args, Debug, Clone)]
pub struct TempoArgs {
    /// Step rate to play, in steps per minute (60-250).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_spm, conflicts_with = "baseline")]
    pub spm: Option<f64>,

    /// Your natural step rate (count right-foot strikes for a minute and double it).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_spm)]
    pub baseline: Option<f64>,

    /// How much faster than the baseline to step, in percent (5-10, default 5).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_increase, requires = "baseline")]
    pub increase: Option<f64>,

    /// Permit an increase from 0 to 20% instead of the recommended 5-10%.
    #[arg(long, requires = "increase")]
    pub allow_any_increase: bool,

    /// Start at the baseline and glide to the target over this many minutes.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_glide_minutes, requires = "baseline")]
    pub warmup_minutes: Option<f64>,
}

/// A failure already told on stderr in full (one line naming the file and what is
/// wrong): exit code 1 with nothing more printed.
#[derive(Debug, thiserror::Error)]
#[error("already reported")]
pub struct Reported;

/// A rule broken by a combination of arguments: exit code 2, like clap's own errors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl TempoArgs {
    /// The rate to reach, in spm, and where the warm-up starts.
    pub fn target(&self) -> Result<Target, UsageError> {
        if let Some(spm) = self.spm {
            return Ok(Target {
                spm,
                baseline: None,
                increase: None,
            });
        }
        let Some(baseline) = self.baseline else {
            return Err(UsageError(
                "say how fast to step: give --spm, or --baseline (with --increase)".into(),
            ));
        };
        let increase = self.increase.unwrap_or(5.0);
        if !self.allow_any_increase && !(5.0..=10.0).contains(&increase) {
            return Err(UsageError(format!(
                "an increase of {increase}% is outside the 5-10% that studies of runner's knee \
                 recommend (smaller changes do little, larger ones load other tissues); \
                 add --allow-any-increase to use 0-20% anyway"
            )));
        }
        let spm = (baseline * (1.0 + increase / 100.0)).round();
        if !(MIN_SPM..=MAX_SPM).contains(&spm) {
            return Err(UsageError(format!(
                "{baseline} spm + {increase}% is {spm} spm, outside 60-250 steps per minute"
            )));
        }
        Ok(Target {
            spm,
            baseline: Some(baseline),
            increase: Some(increase),
        })
    }
}

/// The rate to reach and how it was derived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub spm: f64,
    pub baseline: Option<f64>,
    pub increase: Option<f64>,
}

impl Target {
    pub fn describe(&self) -> String {
        match (self.baseline, self.increase) {
            (Some(baseline), Some(increase)) => format!(
                "{} spm ({} spm baseline + {}%)",
                self.spm, baseline, increase
            ),
            _ => format!("{} spm", self.spm),
        }
    }
}

/// The program for a session of `minutes` (None: until stopped), with an optional glide
/// from `glide_from` over `glide_minutes` at the start.
pub fn program(
    target: Target,
    glide_from: Option<f64>,
    glide_minutes: f64,
    minutes: Option<f64>,
) -> Result<Program, UsageError> {
    if let Some(minutes) = minutes
        && glide_minutes >= minutes
        && glide_from.is_some()
        && glide_minutes > 0.0
    {
        return Err(UsageError(format!(
            "the {glide_minutes}-minute glide must be shorter than the {minutes}-minute session"
        )));
    }
    let seconds = minutes.map(|m| m * 60.0);
    Ok(match glide_from {
        Some(from) if glide_minutes > 0.0 => {
            Program::glide_then_hold(from, target.spm, glide_minutes * 60.0, seconds)
        }
        _ => Program::steady(target.spm, seconds),
    })
}

/// The sound system `--host` names (auto, pipewire, pulseaudio, alsa, jack).
pub fn parse_host(text: &str) -> Result<crate::audio::HostChoice, String> {
    text.parse()
}

/// Where the clicks go.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Output device, by name or part of it, or an id such as alsa:pulse (see
    /// `cadence-coach devices`).
    #[arg(long)]
    pub device: Option<String>,

    /// Sound system: auto (PipeWire, then PulseAudio, then ALSA), pipewire, pulseaudio,
    /// alsa or jack.
    #[arg(long, value_parser = parse_host)]
    pub host: Option<crate::audio::HostChoice>,

    /// A 5 ms buffer instead of 40 ms: rate changes are heard sooner, but a busy
    /// machine is more likely to run dry.
    #[arg(long)]
    pub low_latency: bool,
}

impl OutputArgs {
    pub fn options(&self) -> crate::audio::OutputOptions {
        crate::audio::OutputOptions {
            host: self.host.unwrap_or_default(),
            device: self.device.clone(),
            ..crate::audio::OutputOptions::with_latency(self.low_latency)
        }
    }
}

/// What the clicks sound like. Each flag left out takes the value saved in your profile
/// (for `play`) or the default.
#[derive(Args, Debug, Clone)]
pub struct SoundArgs {
    /// A built-in click (woodblock, beep, tock) or a WAV, OGG, FLAC or MP3 file
    /// [default: woodblock].
    #[arg(long, value_parser = |s: &str| s.parse::<SoundChoice>())]
    pub sound: Option<SoundChoice>,

    /// Accent pattern: none, 2 (one foot) or every Nth step (up to 16) [default: none].
    #[arg(long, value_parser = |s: &str| s.parse::<Accent>())]
    pub accent: Option<Accent>,

    /// Volume from 0 to 1 [default: 0.8].
    #[arg(long, allow_negative_numbers = true, value_parser = parse_volume)]
    pub volume: Option<f32>,
}

impl SoundArgs {
    /// The flags given, with `saved` filling in the rest.
    pub fn resolve(&self, saved: &SoundSettings) -> (SoundChoice, Voicing) {
        let sound = self.sound.clone().unwrap_or_else(|| saved.sound.clone());
        let voicing = Voicing {
            volume: self.volume.unwrap_or(saved.volume),
            accent: self.accent.unwrap_or(saved.accent),
        };
        (sound, voicing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_outside_their_ranges_are_refused_with_the_range() {
        assert!(parse_spm("59").unwrap_err().contains("60-250"));
        assert!(parse_spm("abc").unwrap_err().contains("not a number"));
        assert!(parse_spm("NaN").is_err());
        assert_eq!(parse_spm("172"), Ok(172.0));
        assert!(parse_minutes("0").is_err());
        assert!(parse_minutes("600.5").is_err());
        assert_eq!(parse_minutes("600"), Ok(600.0));
        assert!(parse_volume("1.1").is_err());
        assert!(parse_sample_rate("44100.5").is_err());
        assert!(parse_sample_rate("7999").is_err());
        assert_eq!(parse_sample_rate("192000"), Ok(192_000));
    }

    fn baseline(baseline: f64, increase: Option<f64>, allow: bool) -> TempoArgs {
        TempoArgs {
            spm: None,
            baseline: Some(baseline),
            increase,
            allow_any_increase: allow,
            warmup_minutes: None,
        }
    }

    #[test]
    fn the_target_is_the_baseline_plus_the_increase_rounded() {
        assert_eq!(baseline(160.0, None, false).target().unwrap().spm, 168.0);
        assert_eq!(
            baseline(163.0, Some(7.5), false).target().unwrap().spm,
            175.0
        );
        assert!(baseline(160.0, Some(12.0), false).target().is_err());
        assert_eq!(
            baseline(160.0, Some(12.0), true).target().unwrap().spm,
            179.0
        );
        let refusal = baseline(160.0, Some(3.0), false).target().unwrap_err();
        assert!(refusal.to_string().contains("5-10%"));
    }
}

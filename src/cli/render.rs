//! `cadence-coach render`: write the click track the live engine would play to a file.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::args::{
    SoundArgs, TempoArgs, UsageError, parse_bits, parse_channels, parse_glide_minutes,
    parse_minutes, parse_sample_rate, parse_spm, program,
};
use crate::audio;
use crate::coach::SoundSettings;
use crate::export::{self, ExportError, FileFormat, FileSpec};

/// Render a click track to a WAV or FLAC file (first click at sample 0).
#[derive(Args, Debug)]
pub struct RenderArgs {
    /// File to write; the extension (.wav or .flac) picks the format.
    #[arg(long)]
    pub out: PathBuf,

    /// Length of the track in minutes (at most 600).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_minutes)]
    pub minutes: f64,

    #[command(flatten)]
    pub tempo: TempoArgs,

    /// Start the track at this rate and glide to the target (needs --glide-minutes).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_spm, requires = "glide_minutes", conflicts_with = "warmup_minutes")]
    pub glide_from: Option<f64>,

    /// How long the glide from --glide-from lasts, in minutes.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_glide_minutes, requires = "glide_from")]
    pub glide_minutes: Option<f64>,

    #[command(flatten)]
    pub sound: SoundArgs,

    /// Sample rate in Hz (8000-192000).
    #[arg(long, default_value = "48000", allow_negative_numbers = true, value_parser = parse_sample_rate)]
    pub sample_rate: u32,

    /// 1 (mono) or 2 (stereo).
    #[arg(long, default_value = "1", allow_negative_numbers = true, value_parser = parse_channels)]
    pub channels: u16,

    /// Bits per sample: 16, 24, or 32 (float, WAV only).
    #[arg(long, default_value = "16", allow_negative_numbers = true, value_parser = parse_bits)]
    pub bits: u16,
}

pub fn run(args: RenderArgs) -> anyhow::Result<()> {
    let format = FileFormat::from_path(&args.out).map_err(|e| UsageError(e.to_string()))?;
    if format == FileFormat::Flac && args.bits == 32 {
        return Err(UsageError(
            "FLAC files hold 16 or 24 bits; use --bits 16 or 24, or a .wav file for 32-bit float"
                .into(),
        )
        .into());
    }
    let target = args.tempo.target()?;
    let (glide_from, glide_minutes) = match (args.glide_from, args.tempo.warmup_minutes) {
        (Some(from), _) => (Some(from), args.glide_minutes.unwrap_or(0.0)),
        (None, Some(warmup)) => (target.baseline, warmup),
        (None, None) => (None, 0.0),
    };
    let program = program(target, glide_from, glide_minutes, Some(args.minutes))?;
    // Files do not depend on the profile: the same command renders the same track.
    let (sound, voicing) = args.sound.resolve(&SoundSettings::default());
    let sound = audio::load_sound(&sound, args.sample_rate)?;
    let spec = FileSpec {
        sample_rate: args.sample_rate,
        channels: args.channels,
        bits: args.bits,
    };

    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(format!("rendering {}", args.out.display()));
        Some(bar)
    } else {
        None
    };
    let summary = export::export(&args.out, &program, sound, voicing, spec, |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    })
    .map_err(|error| match error {
        // Settings the user can change: a usage error, like a bad number.
        ExportError::TooLongForWav { .. } | ExportError::UnsupportedBits { .. } => {
            anyhow::Error::new(UsageError(error.to_string()))
        }
        error => anyhow::Error::new(error).context(format!("rendering {}", args.out.display())),
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let glide = match glide_from {
        Some(from) if glide_minutes > 0.0 => {
            format!(", gliding from {from} spm over {glide_minutes} min")
        }
        _ => String::new(),
    };
    println!(
        "wrote {}: {} min of {}{glide}, {} steps, {} Hz, {} channel(s), {}-bit {format}",
        args.out.display(),
        args.minutes,
        target.describe(),
        summary.steps,
        spec.sample_rate,
        spec.channels,
        spec.bits,
    );
    Ok(())
}

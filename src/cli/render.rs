//! `cadence-coach render`: write the click track the live engine would play to a file.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::args::{
    SoundArgs, TempoArgs, UsageError, parse_bits, parse_channels, parse_glide_minutes,
    parse_minutes, parse_sample_rate, parse_spm, parse_volume, program,
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

    #[command(flatten)]
    pub music: MusicArgs,
}

/// Your own songs beside the clicks, stretched to the step rate with beats on steps.
#[derive(Args, Debug, Clone, Default)]
pub struct MusicArgs {
    /// A folder of songs (MP3, OGG, FLAC, WAV); those within 8% of the step rate play,
    /// stretched so their beats land on the steps.
    #[arg(long)]
    pub music: Option<PathBuf>,

    /// Music volume from 0 to 1 [default: 0.7].
    #[arg(long, allow_negative_numbers = true, value_parser = parse_volume, requires = "music")]
    pub music_volume: Option<f32>,

    /// Play the music without clicks (needs --music).
    #[arg(long, requires = "music")]
    pub no_clicks: bool,
}

impl MusicArgs {
    pub const DEFAULT_VOLUME: f32 = 0.7;

    /// Clicks silent from the start when only the music should play.
    pub fn apply_to(&self, program: &mut crate::engine::Program) {
        if self.no_clicks {
            program.feedback = vec![crate::engine::FeedbackChange {
                at_seconds: 0.0,
                audible: false,
            }];
        }
    }
}

pub fn run(args: RenderArgs, data_dir: Option<&std::path::Path>) -> anyhow::Result<()> {
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
    let mut program = program(target, glide_from, glide_minutes, Some(args.minutes))?;
    args.music.apply_to(&mut program);
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
    let mut renderer = export::TrackRenderer::new(&program, sound, voicing, spec)?;
    let mut with_music = "";
    if let Some(dir) = &args.music.music {
        let player = super::music::session_music(
            dir,
            target.spm,
            &program,
            (spec.sample_rate, spec.channels),
            data_dir,
        )?;
        if let Some(player) = player {
            let volume = args.music.music_volume.unwrap_or(MusicArgs::DEFAULT_VOLUME);
            renderer = renderer.with_music(Box::new(player), volume);
            with_music = if args.music.no_clicks {
                " (music only)"
            } else {
                " with music"
            };
        }
    }
    let summary = export::export_renderer(&args.out, renderer, spec, |done, total| {
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
        "wrote {}: {} min of {}{glide}{with_music}, {} steps, {} Hz, {} channel(s), {}-bit {format}",
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

//! `cadence-coach render`: write the click track the live engine would play to a file, or
//! the runs of your plan (today's, one week's, or every week's with a playlist).

mod plan;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::args::{
    SoundArgs, TempoArgs, UsageError, parse_bits, parse_channels, parse_glide_minutes,
    parse_minutes, parse_sample_rate, parse_spm, parse_volume, program,
};
use crate::audio;
use crate::coach::SoundSettings;
use crate::engine::{ClickSound, Voicing};
use crate::export::{self, ExportError, FileFormat, FileSpec, Tags};

/// Render a click track, or the runs of your plan, to an MP3, Opus, FLAC or WAV file
/// (first click at sample 0).
#[derive(Args, Debug)]
pub struct RenderArgs {
    /// File to write; the extension (.mp3, .opus, .flac or .wav) picks the format. With
    /// --all-weeks, the folder to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,

    /// Length of the track in minutes (at most 600).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_minutes, required_unless_present = "plan")]
    pub minutes: Option<f64>,

    #[command(flatten)]
    pub tempo: TempoArgs,

    /// Start the track at this rate and glide to the target (needs --glide-minutes).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_spm, requires = "glide_minutes", conflicts_with = "warmup_minutes")]
    pub glide_from: Option<f64>,

    /// How long the glide from --glide-from lasts, in minutes.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_glide_minutes, requires = "glide_from")]
    pub glide_minutes: Option<f64>,

    /// Render a run of your plan, with its warm-up, glide, hold, fading clicks, cool-down
    /// and cues: today's, or the one given by --week or --all-weeks.
    #[arg(long, conflicts_with_all = ["minutes", "spm", "baseline", "glide_from"])]
    pub plan: bool,

    /// With --plan: the run of this plan week (1 to the plan's weeks).
    #[arg(long, requires = "plan", allow_negative_numbers = true, value_parser = plan::parse_week)]
    pub week: Option<u8>,

    /// With --week: which run of the week (1 to the runs per week). Every run of a week
    /// is the same session; the number goes into the file's name and title.
    #[arg(long, requires = "week", allow_negative_numbers = true, value_parser = plan::parse_run)]
    pub run: Option<u8>,

    /// With --plan: one file per week of the plan, and a playlist, into the --out folder.
    #[arg(long, requires = "plan", conflicts_with = "week")]
    pub all_weeks: bool,

    /// With --all-weeks: the files' format (mp3, opus, flac or wav).
    #[arg(long, requires = "all_weeks", default_value = "mp3", value_parser = plan::parse_format)]
    pub format: FileFormat,

    #[command(flatten)]
    pub sound: SoundArgs,

    #[command(flatten)]
    pub music: MusicArgs,

    /// Sample rate in Hz (8000-192000) [default: 24000 for MP3, 48000 otherwise].
    #[arg(long, allow_negative_numbers = true, value_parser = parse_sample_rate)]
    pub sample_rate: Option<u32>,

    /// 1 (mono) or 2 (stereo).
    #[arg(long, default_value = "1", allow_negative_numbers = true, value_parser = parse_channels)]
    pub channels: u16,

    /// Bits per sample of WAV and FLAC: 16, 24, or 32 (float, WAV only).
    #[arg(long, default_value = "16", allow_negative_numbers = true, value_parser = parse_bits)]
    pub bits: u16,
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

pub fn run(args: RenderArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    if args.plan {
        return plan::run(&args, data_dir);
    }
    let format = FileFormat::from_path(&args.out).map_err(|e| UsageError(e.to_string()))?;
    if format == FileFormat::Flac && args.bits == 32 {
        return Err(UsageError(
            "FLAC files hold 16 or 24 bits; use --bits 16 or 24, or a .wav file for 32-bit float"
                .into(),
        )
        .into());
    }
    let minutes = args.minutes.unwrap_or_default();
    let target = args.tempo.target()?;
    let (glide_from, glide_minutes) = match (args.glide_from, args.tempo.warmup_minutes) {
        (Some(from), _) => (Some(from), args.glide_minutes.unwrap_or(0.0)),
        (None, Some(warmup)) => (target.baseline, warmup),
        (None, None) => (None, 0.0),
    };
    let mut program = program(target, glide_from, glide_minutes, Some(minutes))?;
    args.music.apply_to(&mut program);
    let (sound, voicing, spec) = render_settings(&args, format)?;
    let bar = progress_bar(&args.out);
    let renderer = export::TrackRenderer::new(&program, sound, voicing, spec)?;
    let (renderer, with_music) =
        with_music(renderer, &args.music, target.spm, &program, spec, data_dir)?;
    let summary = export::export_renderer(
        &args.out,
        renderer,
        spec,
        &Tags::default(),
        |done, total| {
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        },
    )
    .map_err(|error| export_error(error, &args.out))?;
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
        "wrote {}: {minutes} min of {}{glide}{with_music}, {} steps, {}",
        args.out.display(),
        target.describe(),
        summary.steps,
        describe_spec(spec, format),
    );
    Ok(())
}

/// The renderer with the songs of `--music` (if given, and if any suits `target_spm`)
/// laid on the program's steps, and a few words for the summary line.
fn with_music(
    renderer: export::TrackRenderer,
    music: &MusicArgs,
    target_spm: f64,
    program: &crate::engine::Program,
    spec: FileSpec,
    data_dir: Option<&Path>,
) -> anyhow::Result<(export::TrackRenderer, &'static str)> {
    let Some(dir) = &music.music else {
        return Ok((renderer, ""));
    };
    let Some(prepared) = super::music::session_music(dir, target_spm, program.seconds, data_dir)?
    else {
        return Ok((renderer, ""));
    };
    let Some(player) = prepared.player(program, spec.sample_rate, spec.channels) else {
        eprintln!("no song is long enough to be laid on the steps; clicks only");
        return Ok((renderer, ""));
    };
    let volume = music.music_volume.unwrap_or(MusicArgs::DEFAULT_VOLUME);
    let renderer = renderer.with_music(Box::new(player), volume);
    Ok((
        renderer,
        if music.no_clicks {
            " (music only)"
        } else {
            " with music"
        },
    ))
}

/// The click, its voicing and the sample format. Files do not depend on the profile:
/// the same command renders the same track.
fn render_settings(
    args: &RenderArgs,
    format: FileFormat,
) -> anyhow::Result<(ClickSound, Voicing, FileSpec)> {
    let spec = FileSpec {
        sample_rate: args
            .sample_rate
            .unwrap_or_else(|| format.default_sample_rate()),
        channels: args.channels,
        bits: args.bits,
    };
    export::check_spec(format, spec).map_err(|error| UsageError(error.to_string()))?;
    let (sound, voicing) = args.sound.resolve(&SoundSettings::default());
    let sound = audio::load_sound(&sound, spec.sample_rate)?;
    Ok((sound, voicing, spec))
}

/// "48000 Hz mono 16-bit FLAC", "24000 Hz mono MP3".
fn describe_spec(spec: FileSpec, format: FileFormat) -> String {
    let channels = if spec.channels == 1 { "mono" } else { "stereo" };
    if format.is_lossy() {
        format!("{} Hz {channels} {format}", spec.sample_rate)
    } else {
        format!(
            "{} Hz {channels} {}-bit {format}",
            spec.sample_rate, spec.bits
        )
    }
}

/// Settings and places the user can change are usage errors, like a bad number.
fn export_error(error: ExportError, out: &Path) -> anyhow::Error {
    if error.is_usage() {
        anyhow::Error::new(UsageError(error.to_string()))
    } else {
        anyhow::Error::new(error).context(format!("rendering {}", out.display()))
    }
}

/// A progress bar on a terminal; nothing in a script.
fn progress_bar(out: &Path) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("rendering {}", out.display()));
    Some(bar)
}

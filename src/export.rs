//! Rendering a click track to a file with the same engine the live output uses.
//!
//! The file is written to a temporary file beside the target and renamed into place
//! when complete, so an interrupted render never leaves half a file under the name the
//! user asked for, and a failed one leaves nothing at all.

mod flac;
mod mp3;
mod opus;
pub mod playlist;
mod tags;
mod wav;

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::engine::{
    ClickSound, EngineConfig, MAX_BLOCK, MusicFeeder, MusicSource, Program, Voicing, engine,
    music_stream,
};

/// Music rendered ahead of the clicks, in seconds (well over one block).
const MUSIC_RING_SECONDS: f64 = 1.0;

pub use playlist::{ALBUM, PLAYLIST_NAME, Track, plan_tracks, today_track, week_track};
pub use tags::Tags;

/// File formats, chosen by the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileFormat {
    Wav,
    Flac,
    /// MPEG Layer III through LAME: plays everywhere.
    Mp3,
    /// Opus in Ogg through libopus: the smallest.
    Opus,
}

impl FileFormat {
    pub const ALL: [FileFormat; 4] = [Self::Mp3, Self::Opus, Self::Flac, Self::Wav];

    pub fn from_path(path: &Path) -> Result<Self, ExportError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        Self::ALL
            .into_iter()
            .find(|format| extension.as_deref() == Some(format.extension()))
            .ok_or_else(|| ExportError::UnknownFormat(path.to_owned()))
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Wav => "wav",
            Self::Flac => "flac",
            Self::Mp3 => "mp3",
            Self::Opus => "opus",
        }
    }

    /// The sample rate used unless one is asked for: what suits clicks in each format.
    pub fn default_sample_rate(self) -> u32 {
        match self {
            Self::Mp3 => mp3::DEFAULT_SAMPLE_RATE,
            Self::Opus => opus::DEFAULT_SAMPLE_RATE,
            Self::Flac => flac::DEFAULT_SAMPLE_RATE,
            Self::Wav => 48_000,
        }
    }

    /// True for lossy formats, whose bits per sample are the codec's business.
    pub fn is_lossy(self) -> bool {
        matches!(self, Self::Mp3 | Self::Opus)
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Wav => "WAV",
            Self::Flac => "FLAC",
            Self::Mp3 => "MP3",
            Self::Opus => "Opus",
        })
    }
}

/// Sample format of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSpec {
    pub sample_rate: u32,
    pub channels: u16,
    /// 16 or 24 (integer), or 32 (float in WAV; FLAC stops at 24).
    pub bits: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "cannot tell the file format from '{0}'; use a name ending in .mp3, .opus, .flac or .wav"
    )]
    UnknownFormat(PathBuf),
    #[error("{format} files cannot hold {bits}-bit samples; use {allowed}")]
    UnsupportedBits {
        format: FileFormat,
        bits: u16,
        allowed: &'static str,
    },
    #[error("{format} files cannot be {rate} Hz; use {allowed}")]
    UnsupportedSampleRate {
        format: FileFormat,
        rate: u32,
        allowed: &'static str,
    },
    #[error(
        "{minutes:.0} minutes at these settings is over the 4 GiB a WAV file can hold; \
         use a .flac file, fewer channels or bits, or a lower sample rate"
    )]
    TooLongForWav { minutes: f64 },
    #[error("the click track has no end; give it a length")]
    Endless,
    #[error("cannot write into the folder '{path}': {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write '{path}': {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the file: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot encode WAV: {0}")]
    Wav(#[from] hound::Error),
    #[error("cannot encode FLAC: {0}")]
    Flac(String),
    #[error("cannot encode MP3: {0}")]
    Mp3(String),
    #[error("cannot encode Opus: {0}")]
    Opus(String),
}

impl ExportError {
    /// True when the settings or the place asked for are at fault, not the machine: the
    /// command line reports these as bad arguments.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::UnknownFormat(_)
                | Self::UnsupportedBits { .. }
                | Self::UnsupportedSampleRate { .. }
                | Self::TooLongForWav { .. }
                | Self::Folder { .. }
        )
    }
}

/// What was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    pub frames: u64,
    pub steps: u64,
}

/// Frames over which the very end of the file fades out, so a click cut by the end of
/// the track does not stop with a pop.
pub const END_FADE_FRAMES: usize = 256;

/// Pulls rendered audio from an engine, block by block, until the program ends.
pub struct TrackRenderer {
    engine: crate::engine::Engine,
    total_frames: u64,
    rendered: u64,
    channels: usize,
    buffer: Vec<f32>,
    sample_rate: u32,
    music: Option<MusicFeeder>,
}

impl TrackRenderer {
    pub fn new(
        program: &Program,
        sound: ClickSound,
        voicing: Voicing,
        spec: FileSpec,
    ) -> Result<Self, ExportError> {
        let (mut engine, handle) = engine(
            EngineConfig {
                sample_rate: spec.sample_rate,
                channels: spec.channels,
            },
            sound,
            voicing,
        );
        let compiled = program.compile(spec.sample_rate);
        let total_frames = compiled.end_frame().ok_or(ExportError::Endless)?;
        engine.apply(crate::engine::Command::Start {
            program: Box::new(compiled),
            at_frame: 0,
        });
        // The exporter drives the engine directly; the handle is not needed.
        drop(handle);
        let channels = usize::from(spec.channels.max(1));
        Ok(Self {
            engine,
            total_frames,
            rendered: 0,
            channels,
            buffer: vec![0.0; MAX_BLOCK * channels],
            sample_rate: spec.sample_rate,
            music: None,
        })
    }

    /// Mixes `music` beside the clicks, through the same ring and mixing code as live
    /// playback (here the ring is filled ahead of every block, so it never runs dry).
    pub fn with_music(mut self, music: Box<dyn MusicSource + Send>, volume: f32) -> Self {
        let (feeder, input) = music_stream(
            music,
            (self.sample_rate, self.channels as u16),
            MUSIC_RING_SECONDS,
            0,
            volume,
        );
        self.engine
            .apply(crate::engine::Command::SetMusic(Some(Box::new(input))));
        self.music = Some(feeder);
        self
    }

    /// Carries out a command between blocks, as the live engine would between buffers
    /// (a rate change mid-track, say: the music follows it).
    pub fn apply(&mut self, command: crate::engine::Command) {
        self.engine.apply(command);
    }

    pub fn total_frames(&self) -> u64 {
        self.total_frames
    }

    pub fn rendered_frames(&self) -> u64 {
        self.rendered
    }

    /// The next block of interleaved samples, or `None` at the end of the track.
    pub fn next_block(&mut self) -> Option<&[f32]> {
        let left = self.total_frames - self.rendered;
        if left == 0 {
            return None;
        }
        let frames = usize::try_from(left).map_or(MAX_BLOCK, |left| left.min(MAX_BLOCK));
        let start = self.rendered;
        if let Some(music) = &mut self.music {
            // A rate change in the last block: the music is retimed from the next one.
            if let Some(input) = music.follow(start) {
                self.engine
                    .apply(crate::engine::Command::SpliceMusic(input));
            }
            music.fill(u64::MAX);
        }
        let block = &mut self.buffer[..frames * self.channels];
        self.engine.render(block);
        self.rendered += frames as u64;
        // Fade the last END_FADE_FRAMES of the whole track.
        let fade_start = self.total_frames.saturating_sub(END_FADE_FRAMES as u64);
        if self.rendered > fade_start {
            for (i, frame) in block.chunks_exact_mut(self.channels).enumerate() {
                let position = start + i as u64;
                if position >= fade_start {
                    let left = (self.total_frames - position) as f32;
                    let gain = left / (END_FADE_FRAMES as f32 + 1.0);
                    frame.iter_mut().for_each(|s| *s *= gain);
                }
            }
        }
        Some(block)
    }

    pub fn steps(&self) -> u64 {
        self.engine.steps()
    }
}

/// Renders `program` to `path` with `tags` (WAV files carry none), calling
/// `progress(done, total)` in frames now and then.
pub fn export(
    path: &Path,
    program: &Program,
    sound: ClickSound,
    voicing: Voicing,
    spec: FileSpec,
    tags: &Tags,
    progress: impl FnMut(u64, u64),
) -> Result<ExportSummary, ExportError> {
    let format = FileFormat::from_path(path)?;
    check_spec(format, spec)?;
    let renderer = TrackRenderer::new(program, sound, voicing, spec)?;
    export_renderer(path, renderer, spec, tags, progress)
}

/// Writes what `renderer` renders (clicks, and music if it has any) to `path`, as
/// [`export`] does.
pub fn export_renderer(
    path: &Path,
    mut renderer: TrackRenderer,
    spec: FileSpec,
    tags: &Tags,
    mut progress: impl FnMut(u64, u64),
) -> Result<ExportSummary, ExportError> {
    let format = FileFormat::from_path(path)?;
    check_spec(format, spec)?;
    let data_bytes = renderer.total_frames() * u64::from(spec.channels) * u64::from(spec.bits / 8);
    // WAV sizes are 32-bit; leave room for the header.
    if format == FileFormat::Wav && data_bytes > u64::from(u32::MAX) - 1_024 {
        return Err(ExportError::TooLongForWav {
            minutes: renderer.total_frames() as f64 / f64::from(spec.sample_rate) / 60.0,
        });
    }
    write_atomically(path, |file| match format {
        FileFormat::Wav => wav::write(file, &mut renderer, spec, &mut progress),
        FileFormat::Flac => flac::write(file, &mut renderer, spec, tags, &mut progress),
        FileFormat::Mp3 => mp3::write(file, &mut renderer, spec, tags, &mut progress),
        FileFormat::Opus => opus::write(file, &mut renderer, spec, tags, &mut progress),
    })?;
    Ok(ExportSummary {
        frames: renderer.rendered_frames(),
        steps: renderer.steps(),
    })
}

/// The folder a file goes in ("." for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Checks that files can be created in `folder` (creating it if missing), before any
/// time goes into rendering.
pub fn check_folder(folder: &Path) -> Result<(), ExportError> {
    let folder_error = |source| ExportError::Folder {
        path: folder.to_owned(),
        source,
    };
    std::fs::create_dir_all(folder).map_err(folder_error)?;
    temporary_in(folder).map(drop).map_err(folder_error)
}

fn temporary_in(folder: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cadence-coach-render");
    // Temporary files are private by default; an exported track is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(folder)
}

/// Writes `path` through a temporary file in the same folder, synced and renamed into
/// place only when `write` succeeds; on any error the temporary file is removed.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut File) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let io_error = |source| ExportError::Io {
        path: path.to_owned(),
        source,
    };
    let folder = folder_of(path);
    let mut temporary = temporary_in(folder).map_err(|source| ExportError::Folder {
        path: folder.to_owned(),
        source,
    })?;
    write(temporary.as_file_mut()).map_err(|error| match error {
        // Name the file the user asked for, not the temporary one.
        ExportError::Write(source) => io_error(source),
        error => error,
    })?;
    temporary.as_file().sync_all().map_err(io_error)?;
    temporary
        .persist(path)
        .map_err(|error| io_error(error.error))?;
    // The rename is durable once the folder is synced; a failure here loses nothing.
    if let Ok(folder) = File::open(folder) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Refuses settings the format cannot hold, saying what it can.
pub fn check_spec(format: FileFormat, spec: FileSpec) -> Result<(), ExportError> {
    let rates: Option<(&[u32], &'static str)> = match format {
        FileFormat::Wav | FileFormat::Flac => None,
        FileFormat::Mp3 => Some((&mp3::SAMPLE_RATES, mp3::SAMPLE_RATES_TEXT)),
        FileFormat::Opus => Some((&opus::SAMPLE_RATES, opus::SAMPLE_RATES_TEXT)),
    };
    if let Some((rates, allowed)) = rates
        && !rates.contains(&spec.sample_rate)
    {
        return Err(ExportError::UnsupportedSampleRate {
            format,
            rate: spec.sample_rate,
            allowed,
        });
    }
    if format.is_lossy() {
        return Ok(());
    }
    check_bits(format, spec.bits)
}

fn check_bits(format: FileFormat, bits: u16) -> Result<(), ExportError> {
    let (allowed, text): (&[u16], _) = match format {
        FileFormat::Wav => (&[16, 24, 32], "16, 24 or 32"),
        FileFormat::Flac | FileFormat::Mp3 | FileFormat::Opus => (&[16, 24], "16 or 24"),
    };
    if allowed.contains(&bits) {
        return Ok(());
    }
    Err(ExportError::UnsupportedBits {
        format,
        bits,
        allowed: text,
    })
}

/// Converts a sample in -1..1 to a signed integer of `bits` bits.
pub(crate) fn to_int(sample: f32, bits: u16) -> i32 {
    let full_scale = ((1i64 << (bits - 1)) - 1) as f32;
    let scaled = sample.clamp(-1.0, 1.0) * full_scale;
    // Round half away from zero without a libm call: `as` truncates toward zero.
    (scaled + 0.5f32.copysign(scaled)) as i32
}

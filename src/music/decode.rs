//! Reading songs: MP3, OGG Vorbis, FLAC and WAV through rodio (symphonia), with limits
//! so that a huge or broken file is refused with a reason instead of exhausting memory
//! or taking the program down.

use std::fs::File;
use std::num::NonZero;
use std::path::{Path, PathBuf};

use rodio::Source;
use rodio::source::UniformSourceIterator;

/// Longer files are mixes or audiobooks, not songs to run to (and would take gigabytes).
pub const MAX_SONG_SECONDS: f64 = 20.0 * 60.0;
/// Shorter than this holds too few beats to find a tempo in.
pub const MIN_SONG_SECONDS: f64 = 5.0;

/// Decoded audio, interleaved.
#[derive(Clone, Debug, PartialEq)]
pub struct Audio {
    pub sample_rate: u32,
    pub channels: u16,
    pub samples: Vec<f32>,
}

impl Audio {
    pub fn frames(&self) -> usize {
        self.samples.len() / usize::from(self.channels.max(1))
    }

    pub fn seconds(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate.max(1))
    }

    /// The same audio at `sample_rate` (itself when it is already there).
    pub fn resampled(self, sample_rate: u32) -> Audio {
        let (Some(rate), Some(to), Some(channels)) = (
            NonZero::new(self.sample_rate),
            NonZero::new(sample_rate),
            NonZero::new(self.channels),
        ) else {
            return self;
        };
        if rate == to {
            return self;
        }
        let buffer = rodio::buffer::SamplesBuffer::new(channels, rate, self.samples);
        Audio {
            sample_rate,
            channels: self.channels,
            samples: UniformSourceIterator::new(buffer, channels, to).collect(),
        }
    }

    /// The channels averaged (rodio's own down-mix keeps only the first channel).
    pub fn mono(&self) -> Vec<f32> {
        let width = usize::from(self.channels.max(1));
        self.samples
            .chunks_exact(width)
            .map(|frame| frame.iter().sum::<f32>() / width as f32)
            .collect()
    }
}

/// Why a file could not be used as a song.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{}: cannot read it: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not audio we can decode ({reason}); use MP3, OGG Vorbis, FLAC or WAV", path.display())]
    Undecodable { path: PathBuf, reason: String },
    #[error("{}: only {seconds:.1} s of audio; a song needs at least {MIN_SONG_SECONDS} s", path.display())]
    TooShort { path: PathBuf, seconds: f64 },
    #[error("{}: longer than {} minutes; mixes that long are not used", path.display(), MAX_SONG_SECONDS / 60.0)]
    TooLong { path: PathBuf },
}

/// Decodes `path` at its own sample rate and channels.
pub fn decode_file(path: &Path) -> Result<Audio, DecodeError> {
    decode(path, None)
}

/// Decodes `path` resampled to `sample_rate`, for playing beside the clicks.
pub fn decode_file_at(path: &Path, sample_rate: u32) -> Result<Audio, DecodeError> {
    decode(path, Some(sample_rate))
}

fn decode(path: &Path, sample_rate: Option<u32>) -> Result<Audio, DecodeError> {
    let unreadable = |source| DecodeError::Unreadable {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(unreadable(std::io::Error::other(
            "it is not a regular file",
        )));
    }
    let undecodable = |reason: String| DecodeError::Undecodable {
        path: path.to_owned(),
        reason,
    };
    // A malformed file must not take the program down with it.
    let audio = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let decoder = rodio::Decoder::try_from(file).map_err(|error| describe(&error))?;
        let channels = decoder.channels();
        let rate = sample_rate
            .and_then(NonZero::new)
            .unwrap_or(decoder.sample_rate());
        let width = usize::from(channels.get());
        let limit = (MAX_SONG_SECONDS * f64::from(rate.get())) as usize * width;
        let samples: Vec<f32> = UniformSourceIterator::new(decoder, channels, rate)
            .take(limit + width)
            .collect();
        Ok::<_, String>(Audio {
            sample_rate: rate.get(),
            channels: channels.get(),
            samples,
        })
    }))
    .map_err(|_| undecodable("the decoder failed on it".to_owned()))?
    .map_err(undecodable)?;
    let seconds = audio.seconds();
    if seconds > MAX_SONG_SECONDS {
        return Err(DecodeError::TooLong {
            path: path.to_owned(),
        });
    }
    if seconds < MIN_SONG_SECONDS {
        return Err(DecodeError::TooShort {
            path: path.to_owned(),
            seconds,
        });
    }
    Ok(audio)
}

fn describe(error: &rodio::decoder::DecoderError) -> String {
    match error {
        rodio::decoder::DecoderError::UnrecognizedFormat => "not a format we know".to_owned(),
        other => other.to_string().trim_end_matches('.').to_lowercase(),
    }
}

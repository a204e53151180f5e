//! The runner's music folder: every file analysed once and remembered by path, size
//! and modification time, in a versioned RON document kept by the store (`music.ron`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::analysis::{AnalysisError, analyse};
use super::decode::decode_file;
use crate::store::Document;

/// File name endings analysed as songs; everything else is listed as skipped.
pub const AUDIO_EXTENSIONS: [&str; 5] = ["mp3", "ogg", "oga", "flac", "wav"];
/// Beat times are kept to a tenth of a millisecond: finer than any use, and short.
const BEAT_RESOLUTION: f64 = 1e-4;

/// Every file seen, by path.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    pub songs: BTreeMap<PathBuf, SongEntry>,
}

/// One file and what analysis found in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SongEntry {
    pub size: u64,
    /// Modification time, nanoseconds since 1970 (0 when the system cannot tell).
    pub modified_ns: u64,
    pub outcome: Outcome,
    /// The tempo the runner tapped, which overrides the one found.
    #[serde(default)]
    pub tapped_bpm: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    Analysed {
        bpm: f64,
        confidence: f64,
        seconds: f64,
        /// Beat times in seconds from the start.
        beats: Vec<f64>,
    },
    Skipped {
        reason: String,
    },
}

impl SongEntry {
    /// The tempo to use: the tapped one if there is one.
    pub fn bpm(&self) -> Option<f64> {
        match &self.outcome {
            Outcome::Analysed { bpm, .. } => Some(self.tapped_bpm.unwrap_or(*bpm)),
            Outcome::Skipped { .. } => None,
        }
    }
}

impl Document for Library {
    const NAME: &'static str = "music";
    const VERSION: u32 = 1;
    /// Beats for thousands of songs.
    const MAX_BYTES: u64 = 64 * 1024 * 1024;

    fn validate(&self) -> Result<(), String> {
        for (path, entry) in &self.songs {
            let name = path.display();
            if let Some(tapped) = entry.tapped_bpm
                && !(20.0..=400.0).contains(&tapped)
            {
                return Err(format!(
                    "{name}: a tapped tempo of {tapped} BPM is impossible"
                ));
            }
            if let Outcome::Analysed {
                bpm,
                confidence,
                seconds,
                beats,
            } = &entry.outcome
            {
                if !(bpm.is_finite() && *bpm > 0.0 && (0.0..=1.0).contains(confidence)) {
                    return Err(format!(
                        "{name}: tempo {bpm} or confidence {confidence} out of range"
                    ));
                }
                if !seconds.is_finite() || beats.windows(2).any(|pair| pair[1] <= pair[0]) {
                    return Err(format!("{name}: beat times must rise"));
                }
            }
        }
        Ok(())
    }
}

/// What a scan found in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Scanned {
    pub path: PathBuf,
    pub entry: SongEntry,
    /// Taken from the cache instead of analysed again.
    pub cached: bool,
}

/// Every file under `dir`, sorted; folders that cannot be read are reported as skipped
/// files. Symbolic links to folders are not followed (they could loop).
pub fn list_files(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_owned()];
    std::fs::read_dir(dir)?;
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => folders.push(path),
                Ok(_) => files.push(path),
                Err(_) => {}
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Analyses `files` (or takes them from `cache` when their size and time are the
/// same), calling `progress` before each. A file that fails is skipped with the
/// reason; nothing stops the scan.
pub fn scan(
    files: &[PathBuf],
    cache: &Library,
    mut progress: impl FnMut(usize, &Path),
) -> Vec<Scanned> {
    files
        .iter()
        .enumerate()
        .map(|(index, path)| {
            progress(index, path);
            let (size, modified_ns) = stamp(path);
            if let Some(entry) = cache.songs.get(path)
                && entry.size == size
                && entry.modified_ns == modified_ns
            {
                return Scanned {
                    path: path.clone(),
                    entry: entry.clone(),
                    cached: true,
                };
            }
            Scanned {
                path: path.clone(),
                entry: SongEntry {
                    size,
                    modified_ns,
                    outcome: analyse_file(path),
                    tapped_bpm: None,
                },
                cached: false,
            }
        })
        .collect()
}

/// Analyses one file, or says why it cannot be used.
pub fn analyse_file(path: &Path) -> Outcome {
    let skipped = |reason: String| Outcome::Skipped { reason };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !AUDIO_EXTENSIONS.contains(&extension.as_str()) {
        return skipped(if extension.is_empty() {
            "not an audio file".to_owned()
        } else {
            format!("not an audio file (.{extension})")
        });
    }
    let audio = match decode_file(path) {
        Ok(audio) => audio,
        // The message names the file; the listing already does.
        Err(error) => {
            let text = error.to_string();
            let prefix = format!("{}: ", path.display());
            return skipped(text.strip_prefix(&prefix).unwrap_or(&text).to_owned());
        }
    };
    match analyse(&audio.mono(), audio.sample_rate) {
        Ok(analysis) => Outcome::Analysed {
            bpm: round(analysis.bpm, 1e-3),
            confidence: round(analysis.confidence, 1e-3),
            seconds: round(audio.seconds(), 1e-3),
            beats: analysis
                .beats
                .iter()
                .map(|&b| round(b, BEAT_RESOLUTION))
                .collect(),
        },
        Err(error @ (AnalysisError::Silent | AnalysisError::NoBeat)) => skipped(error.to_string()),
    }
}

/// `value` to a multiple of `step` (a power of ten below 1), dividing by the whole
/// reciprocal so the stored number prints short.
fn round(value: f64, step: f64) -> f64 {
    let scale = (1.0 / step).round();
    (value * scale).round() / scale
}

/// The file's size and modification time, zeros when unknown (then it is analysed
/// again every time, which is slow but never wrong).
fn stamp(path: &Path) -> (u64, u64) {
    match std::fs::metadata(path) {
        Ok(metadata) => (
            metadata.len(),
            metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |since| {
                    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
                }),
        ),
        Err(_) => (0, 0),
    }
}

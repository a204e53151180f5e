//! Music for one session: which songs of the library suit the target, and the player
//! that lays them on the session's steps.

use std::path::{Path, PathBuf};

use super::analysis::MIN_CONFIDENCE;
use super::decode::{Audio, decode_file, decode_file_at};
use super::fold::{Fit, fold};
use super::library::{Outcome, SongEntry};
use super::player::{MusicPlayer, PreparedSong, StepClock};
use super::playlist::SongBeats;
use crate::engine::Program;

/// A song chosen for the session.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub path: PathBuf,
    pub beats: Vec<f64>,
    pub steps_per_beat: f64,
    pub seconds: f64,
    /// The stretch at the target rate.
    pub ratio: f64,
}

/// The songs that suit `target_spm`, least stretched first, and the others with the
/// reason each is left out.
pub fn choose<'a>(
    songs: impl IntoIterator<Item = (&'a Path, &'a SongEntry)>,
    target_spm: f64,
) -> (Vec<Choice>, Vec<(PathBuf, String)>) {
    let mut chosen = Vec::new();
    let mut left_out = Vec::new();
    for (path, entry) in songs {
        let Outcome::Analysed {
            bpm,
            confidence,
            seconds,
            beats,
        } = &entry.outcome
        else {
            continue;
        };
        if *confidence < MIN_CONFIDENCE {
            left_out.push((
                path.to_owned(),
                format!("its beat is unclear (confidence {confidence:.2})"),
            ));
            continue;
        }
        let tempo = entry.tapped_bpm.unwrap_or(*bpm);
        let folded = fold(tempo, target_spm);
        // The beats found may count half or twice the tapped tempo: only the factor
        // between them changes.
        let steps_per_beat = folded.spm / bpm;
        let power = steps_per_beat.log2();
        if (power - power.round()).abs() > 0.03 {
            left_out.push((
                path.to_owned(),
                format!("the tapped {tempo:.1} BPM does not match the beats found ({bpm:.1} BPM)"),
            ));
            continue;
        }
        match Fit::of(folded.spm, target_spm) {
            Fit::Fits { ratio } => chosen.push(Choice {
                path: path.to_owned(),
                beats: beats.clone(),
                steps_per_beat: 2f64.powi(power.round() as i32),
                seconds: *seconds,
                ratio,
            }),
            fit => left_out.push((
                path.to_owned(),
                format!("{:.1} spm is {fit}", folded.spm, fit = fit.describe()),
            )),
        }
    }
    chosen.sort_by(|a, b| (a.ratio - 1.0).abs().total_cmp(&(b.ratio - 1.0).abs()));
    (chosen, left_out)
}

/// The chosen songs decoded, ready to be laid on a session's steps. Decoding is the
/// slow part, so it is done before any output opens.
#[derive(Clone, Default)]
pub struct PreparedMusic {
    songs: Vec<(PreparedSong, Choice)>,
    /// Songs that could not be decoded, with the reason.
    pub failed: Vec<(PathBuf, String)>,
}

/// A session without an end plays at most this much music before the list repeats:
/// a decoded song takes about 100 MB, so a large library is not held whole.
pub const ENDLESS_SECONDS: f64 = 3600.0;

/// Decodes enough of the chosen songs to fill `seconds` (an hour for a session without
/// an end), at their own sample rate.
pub fn prepare(choices: &[Choice], seconds: Option<f64>) -> PreparedMusic {
    prepare_at(choices, seconds, None)
}

/// [`prepare`] decoding at `sample_rate` (the output's, when it is known: then
/// [`PreparedMusic::player`] has nothing to resample).
pub fn prepare_at(
    choices: &[Choice],
    seconds: Option<f64>,
    sample_rate: Option<u32>,
) -> PreparedMusic {
    let mut prepared = PreparedMusic::default();
    for choice in choices {
        if prepared.covers(seconds) {
            break;
        }
        let decoded = match sample_rate {
            Some(rate) => decode_file_at(&choice.path, rate),
            None => decode_file(&choice.path),
        };
        match decoded {
            Ok(audio) => {
                let name = choice.path.file_stem().map_or_else(
                    || choice.path.display().to_string(),
                    |stem| stem.to_string_lossy().into_owned(),
                );
                prepared
                    .songs
                    .push((PreparedSong::new(name, audio), choice.clone()));
            }
            Err(error) => prepared
                .failed
                .push((choice.path.clone(), error.to_string())),
        }
    }
    prepared
}

impl PreparedMusic {
    pub fn is_empty(&self) -> bool {
        self.songs.is_empty()
    }

    /// Adds the songs `other` decoded (and those it could not).
    pub fn extend(&mut self, other: PreparedMusic) {
        self.songs.extend(other.songs);
        self.failed.extend(other.failed);
    }

    /// Whether the songs decoded fill a session of `seconds` (an endless one: an hour),
    /// as [`prepare`] counts.
    pub fn covers(&self, seconds: Option<f64>) -> bool {
        let covered: f64 = self
            .songs
            .iter()
            .map(|(song, choice)| song.audio.seconds() / choice.ratio)
            .sum();
        covered > seconds.unwrap_or(ENDLESS_SECONDS) * 1.1 + 60.0
    }

    /// The songs' names, in the order they play.
    pub fn names(&self) -> Vec<String> {
        self.songs
            .iter()
            .map(|(song, _)| song.name.clone())
            .collect()
    }

    /// The songs laid on the program's steps for an output at `sample_rate` (songs at
    /// another rate are resampled); `None` if none lasts long enough to be placed.
    pub fn player(
        &self,
        program: &Program,
        sample_rate: u32,
        channels: u16,
    ) -> Option<MusicPlayer> {
        let rate = f64::from(sample_rate);
        let mut songs = Vec::with_capacity(self.songs.len());
        let mut beats = Vec::with_capacity(self.songs.len());
        for (song, choice) in &self.songs {
            let song = if song.audio.sample_rate == sample_rate {
                song.clone()
            } else {
                let audio = Audio::clone(&song.audio).resampled(sample_rate);
                PreparedSong::new(song.name.clone(), audio)
            };
            songs.push(song);
            beats.push(SongBeats {
                beat_frames: choice.beats.iter().map(|b| b * rate).collect(),
                steps_per_beat: choice.steps_per_beat,
            });
        }
        let compiled = program.compile(sample_rate);
        let total = compiled
            .end_frame()
            .unwrap_or((12.0 * 3600.0 * rate) as u64);
        MusicPlayer::arranged(
            songs,
            beats,
            StepClock::new(compiled.tempo().clone()),
            sample_rate,
            total,
            channels,
        )
    }
}

/// Decodes the chosen songs and lays them on the program's steps at `sample_rate`.
/// Songs that fail to decode are returned with the reason; `None` if none could be used.
pub fn build_player(
    choices: &[Choice],
    program: &Program,
    sample_rate: u32,
    channels: u16,
    seconds: Option<f64>,
) -> (Option<MusicPlayer>, Vec<(PathBuf, String)>) {
    let prepared = prepare(choices, seconds);
    let player = prepared.player(program, sample_rate, channels);
    (player, prepared.failed)
}

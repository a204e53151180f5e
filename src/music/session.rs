//! Music for one session: which songs of the library suit the target, and the player
//! that lays them on the session's steps.

use std::path::{Path, PathBuf};

use super::analysis::MIN_CONFIDENCE;
use super::decode::decode_file_at;
use super::fold::{Fit, fold};
use super::library::{Outcome, SongEntry};
use super::player::{MusicPlayer, PreparedSong};
use super::playlist::{Placement, SongBeats, arrange};
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

/// Decodes enough of the chosen songs to fill `seconds` (or all of them for a session
/// without an end) and lays them on the program's steps. Songs that fail to decode are
/// returned with the reason; `None` if none could be used.
pub fn build_player(
    choices: &[Choice],
    program: &Program,
    sample_rate: u32,
    channels: u16,
    seconds: Option<f64>,
) -> (Option<MusicPlayer>, Vec<(PathBuf, String)>) {
    let mut songs = Vec::new();
    let mut beats = Vec::new();
    let mut failed = Vec::new();
    let mut covered = 0.0;
    let rate = f64::from(sample_rate);
    for choice in choices {
        if seconds.is_some_and(|seconds| covered > seconds * 1.1 + 60.0) {
            break;
        }
        match decode_file_at(&choice.path, sample_rate) {
            Ok(audio) => {
                let name = choice.path.file_stem().map_or_else(
                    || choice.path.display().to_string(),
                    |stem| stem.to_string_lossy().into_owned(),
                );
                covered += audio.seconds() / choice.ratio;
                songs.push(PreparedSong::new(name, audio));
                beats.push(SongBeats {
                    beat_frames: choice.beats.iter().map(|b| b * rate).collect(),
                    steps_per_beat: choice.steps_per_beat,
                });
            }
            Err(error) => failed.push((choice.path.clone(), error.to_string())),
        }
    }
    let compiled = program.compile(sample_rate);
    let total = compiled
        .end_frame()
        .unwrap_or((12.0 * 3600.0 * rate) as u64);
    let mut cursor = 0;
    let placements: Vec<Placement> = arrange(
        &beats,
        |step| compiled.tempo.frame_of_step(step, &mut cursor),
        sample_rate,
        total,
    );
    if placements.is_empty() {
        return (None, failed);
    }
    (Some(MusicPlayer::new(songs, placements, channels)), failed)
}

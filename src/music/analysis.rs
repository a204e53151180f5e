//! A song's tempo and beats from its samples: onset envelope, tempo, dynamic-programming
//! beat tracker, then the beats smoothed and the tempo measured from them.

use super::beats;
use super::onset::onset_envelope;
use super::tempo;

/// Each beat is smoothed against this many beats on either side (about ten seconds).
const SMOOTHING_REACH: usize = 8;
/// A beat further than this from the line through its neighbours is a tracking error.
const STRAY_SECONDS: f64 = 0.025;

/// What analysis found in a song.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The beat tempo, in beats per minute, as the tracker counted it (a half-time song
    /// may come out at 84 or 168: [`super::fold`] makes both the same step rate).
    pub bpm: f64,
    /// Beat times in seconds from the start of the song, rising.
    pub beats: Vec<f64>,
    /// How clear the beat is, 0 to 1; below [`MIN_CONFIDENCE`] the song is not used.
    pub confidence: f64,
    pub seconds: f64,
}

/// Songs whose beat is less clear than this (speech, ambient, noise) are not played at
/// the step rate: their beats could not be laid on the steps.
pub const MIN_CONFIDENCE: f64 = 0.3;

/// Why no beat was found.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("it is silent")]
    Silent,
    #[error("no beat found in it")]
    NoBeat,
}

/// Analyses mono samples at `sample_rate`.
pub fn analyse(mono: &[f32], sample_rate: u32) -> Result<Analysis, AnalysisError> {
    let seconds = mono.len() as f64 / f64::from(sample_rate.max(1));
    if mono.iter().all(|s| s.abs() < 1e-5) {
        return Err(AnalysisError::Silent);
    }
    let envelope = onset_envelope(mono, sample_rate);
    let estimate =
        tempo::estimate(&envelope.values, envelope.frame_rate).ok_or(AnalysisError::NoBeat)?;
    let frames = beats::track(&envelope.values, estimate.period_frames);
    if frames.len() < 4 {
        return Err(AnalysisError::NoBeat);
    }
    let confidence = beats::confidence(&envelope.values, &frames, estimate.strength);
    let times: Vec<f64> = frames
        .iter()
        .map(|&frame| envelope.time_of(frame as f64))
        .collect();
    let beats = beats::smooth(
        &beats::repair(&times, SMOOTHING_REACH, STRAY_SECONDS),
        SMOOTHING_REACH,
    );
    // The slope of the line through all the beats: the average tempo, not thrown by
    // one beat at either end.
    let seconds_per_beat = beats::slope(&beats);
    let bpm = match seconds_per_beat {
        Some(slope) if slope > 0.0 => 60.0 / slope,
        _ => 60.0 * envelope.frame_rate / estimate.period_frames,
    };
    Ok(Analysis {
        bpm,
        beats,
        confidence,
        seconds,
    })
}

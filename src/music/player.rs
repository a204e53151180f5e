//! The producer side of the music: the placed songs stretched along their time maps,
//! crossfaded and mixed to the output's channels, frame after frame from session frame
//! 0. Runs on a worker thread (live) or in the exporter's loop (files); it allocates
//! as songs start, so it never runs on the audio thread.

use std::sync::Arc;

use super::decode::Audio;
use super::playlist::Placement;
use super::stretch::Stretcher;
use crate::engine::MusicSource;

/// Songs are brought to about this loudness (RMS), so that one loud master does not
/// drown the clicks and a quiet one is not lost.
const TARGET_RMS: f32 = 0.16;

/// A song decoded at the output rate, ready to stretch.
#[derive(Clone, Debug)]
pub struct PreparedSong {
    pub name: String,
    pub audio: Arc<Audio>,
    pub mono: Arc<[f32]>,
    /// Brings the song to [`TARGET_RMS`] without letting its peak pass 1.
    pub gain: f32,
}

impl PreparedSong {
    pub fn new(name: String, audio: Audio) -> Self {
        let mono: Arc<[f32]> = audio.mono().into();
        let rms = (mono.iter().map(|s| s * s).sum::<f32>() / mono.len().max(1) as f32).sqrt();
        let peak = audio.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        let gain = if rms > 0.0 {
            (TARGET_RMS / rms).min(1.0 / peak.max(1e-6))
        } else {
            0.0
        };
        Self {
            name,
            audio: Arc::new(audio),
            mono,
            gain,
        }
    }
}

struct Playing {
    placement: usize,
    stretcher: Stretcher,
}

/// Renders the session's music.
pub struct MusicPlayer {
    songs: Vec<PreparedSong>,
    placements: Vec<Placement>,
    playing: Vec<Playing>,
    next_placement: usize,
    /// The session frame of the next frame rendered.
    position: u64,
    channels: usize,
    scratch: Vec<f32>,
}

impl MusicPlayer {
    pub fn new(songs: Vec<PreparedSong>, placements: Vec<Placement>, channels: u16) -> Self {
        Self {
            songs,
            placements,
            playing: Vec::new(),
            next_placement: 0,
            position: 0,
            channels: usize::from(channels.max(1)),
            scratch: Vec::new(),
        }
    }

    /// The song playing at the current position (the newest one during a crossfade).
    pub fn current_song(&self) -> Option<&str> {
        let playing = self.playing.last()?;
        let placement = &self.placements[playing.placement];
        Some(&self.songs[placement.song].name)
    }

    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    /// Fills `out` (interleaved, the output's channels) with the next frames.
    pub fn render(&mut self, out: &mut [f32]) {
        out.fill(0.0);
        let frames = (out.len() / self.channels) as u64;
        let block_end = self.position + frames;
        while let Some(placement) = self.placements.get(self.next_placement) {
            if placement.start >= block_end {
                break;
            }
            let song = &self.songs[placement.song];
            self.playing.push(Playing {
                placement: self.next_placement,
                stretcher: Stretcher::new(
                    Arc::clone(&song.audio),
                    Arc::clone(&song.mono),
                    placement.map.clone(),
                ),
            });
            self.next_placement += 1;
        }
        for playing in &mut self.playing {
            let placement = &self.placements[playing.placement];
            let song = &self.songs[placement.song];
            let from = placement.start.max(self.position);
            let to = placement.end.min(block_end);
            if from >= to {
                continue;
            }
            let song_channels = playing.stretcher.channels();
            let count = (to - from) as usize;
            self.scratch.resize(count * song_channels, 0.0);
            playing.stretcher.render(&mut self.scratch);
            let offset = (from - self.position) as usize;
            for (i, frame) in self.scratch.chunks_exact(song_channels).enumerate() {
                let at = from + i as u64;
                let gain = song.gain * fade_gain(placement, at);
                let slot = &mut out[(offset + i) * self.channels..][..self.channels];
                mix_frame(frame, slot, gain);
            }
        }
        let placements = &self.placements;
        self.playing
            .retain(|playing| placements[playing.placement].end > block_end);
        self.position = block_end;
    }
}

impl MusicSource for MusicPlayer {
    fn render(&mut self, out: &mut [f32]) {
        MusicPlayer::render(self, out);
    }
}

/// Equal-power fades: two unrelated songs crossfading keep the loudness steady.
fn fade_gain(placement: &Placement, at: u64) -> f32 {
    let ramp = |from: u64, to: u64| -> f32 {
        if to <= from {
            return 1.0;
        }
        ((at.saturating_sub(from)) as f32 / (to - from) as f32).clamp(0.0, 1.0)
    };
    let fade_in = ramp(placement.start, placement.faded_in);
    let fade_out = 1.0 - ramp(placement.fade_out, placement.end);
    let quarter = std::f32::consts::FRAC_PI_2;
    (fade_in * quarter).sin() * (fade_out * quarter).sin()
}

/// Adds one song frame into one output frame: channels matched, averaged or repeated.
fn mix_frame(song: &[f32], out: &mut [f32], gain: f32) {
    if song.len() == out.len() {
        for (o, s) in out.iter_mut().zip(song) {
            *o += s * gain;
        }
    } else {
        let mono = song.iter().sum::<f32>() / song.len() as f32;
        for o in out.iter_mut() {
            *o += mono * gain;
        }
    }
}

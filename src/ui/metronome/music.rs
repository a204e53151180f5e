//! The runner's music in a run: what the clicks do beside it, and the worker that feeds
//! the engine the songs laid on the run's steps.

use std::sync::Arc;

use super::Metronome;
use crate::engine::{Accent, Program};
use crate::music::live::MusicWorker;
use crate::music::session::PreparedMusic;

/// What the clicks do while the runner's music plays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MusicClicks {
    /// The clicks as usual, beside the music.
    #[default]
    On,
    /// Music alone: the steps still count, the clicks are silent.
    Muted,
    /// Every other step accented: with a half-time song that is every beat.
    Accented,
}

/// The music of the run playing, and what is needed to carry it onto another output.
pub(super) struct RunMusic {
    pub(super) prepared: Arc<PreparedMusic>,
    pub(super) volume: f32,
    pub(super) worker: Option<MusicWorker>,
}

impl Metronome {
    /// Starts a free run (`planned` is `None`) or a planned one with the runner's songs
    /// laid on its steps at `volume`; the clicks do what [`Metronome::set_music_clicks`]
    /// last said. With no song long enough, the run plays with clicks only.
    pub fn start_with_music(
        &mut self,
        planned: Option<Program>,
        music: Arc<PreparedMusic>,
        volume: f32,
    ) {
        self.start_with(planned, Some((music, volume)));
    }

    /// The sample rate songs should be decoded at to play without resampling.
    pub fn output_sample_rate(&mut self) -> u32 {
        self.open_device();
        self.sample_rate()
    }

    /// Whether the run playing has music.
    pub fn has_music(&self) -> bool {
        self.music
            .as_ref()
            .is_some_and(|music| music.worker.is_some())
            && !self.is_stopped()
    }

    /// The song the run's music is playing.
    pub fn now_playing(&self) -> Option<String> {
        self.music
            .as_ref()
            .and_then(|music| music.worker.as_ref())
            .and_then(MusicWorker::now_playing)
    }

    /// The next song comes in on a beat shortly.
    pub fn skip_song(&self) {
        if let Some(worker) = self.music.as_ref().and_then(|music| music.worker.as_ref()) {
            worker.skip();
        }
    }

    pub fn music_clicks(&self) -> MusicClicks {
        self.music_clicks
    }

    /// Clicks on, muted or accented on the beat beside the music (now, if a run with
    /// music plays, and for the next one). The chosen accent is left as it is.
    pub fn set_music_clicks(&mut self, clicks: MusicClicks) {
        self.music_clicks = clicks;
        if self.has_music() {
            self.apply_click_mode(clicks);
        }
    }

    /// The music's level (0-1) against the clicks, which keep theirs.
    pub fn set_music_volume(&mut self, volume: f32) {
        let volume = volume.clamp(0.0, 1.0);
        if let Some(music) = &mut self.music {
            music.volume = volume;
        }
        if let Some(active) = &self.active
            && self.has_music()
            && let Err(error) = active
                .handle
                .send(crate::engine::Command::SetMusicVolume(volume))
        {
            self.notice = Some(format!(
                "The music volume did not reach the engine: {error}."
            ));
        }
    }

    pub(super) fn apply_click_mode(&mut self, clicks: MusicClicks) {
        let Some(active) = &self.active else {
            return;
        };
        let (muted, accent) = match clicks {
            MusicClicks::On => (false, self.voicing.accent),
            MusicClicks::Muted => (true, self.voicing.accent),
            MusicClicks::Accented => (false, Accent::Every(2)),
        };
        let sent = active
            .handle
            .set_muted(muted)
            .and_then(|()| active.handle.set_accent(accent));
        if let Err(error) = sent {
            self.notice = Some(format!("The clicks did not change: {error}."));
        }
    }

    /// Lays the prepared songs on `program`'s steps from `at_frame` and starts feeding
    /// them to the engine, before the program starts (so the first step has music).
    pub(super) fn start_music(&mut self, program: &Program, at_frame: u64) {
        let (Some(music), Some(active)) = (&mut self.music, &self.active) else {
            return;
        };
        music.worker = None;
        let config = active.handle.config();
        let Some(player) = music
            .prepared
            .player(program, config.sample_rate, config.channels)
        else {
            self.notice =
                Some("No song is long enough to be laid on the steps; clicks only.".into());
            return;
        };
        match MusicWorker::start(
            player.starting_at(at_frame),
            &active.handle,
            at_frame,
            music.volume,
        ) {
            Ok(worker) => music.worker = Some(worker),
            Err(error) => self.notice = Some(format!("The music cannot play: {error}.")),
        }
    }
}

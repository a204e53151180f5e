//! The producer side of the music: the placed songs stretched along their time maps,
//! crossfaded and mixed to the output's channels, frame after frame from session frame
//! 0. Runs on a worker thread (live) or in the exporter's loop (files); it allocates
//! as songs start, so it never runs on the audio thread.

use std::sync::Arc;

use super::decode::Audio;
use super::playlist::{CROSSFADE_STEPS, Placement, SongBeats, Start, arrange_from};
use super::stretch::Stretcher;
use crate::engine::{MusicSource, TempoChange, TempoTrack};

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

/// Where the steps fall: the program's tempo, then each live rate change from its step.
#[derive(Clone, Debug)]
pub struct StepClock {
    track: TempoTrack,
    changes: Vec<TempoChange>,
}

impl StepClock {
    pub fn new(track: TempoTrack) -> Self {
        Self {
            track,
            changes: Vec::new(),
        }
    }

    /// The clock after the engine's `change`.
    pub fn with_change(&self, change: TempoChange) -> Self {
        let mut changes = self.changes.clone();
        changes.push(change);
        Self {
            track: self.track.clone(),
            changes,
        }
    }

    /// The ideal frame of `step`, as the engine places it.
    pub fn frame_of_step(&self, step: f64, cursor: &mut usize) -> f64 {
        match self
            .changes
            .iter()
            .rev()
            .find(|change| change.from_step as f64 <= step)
        {
            Some(change) => change.frame_of_step(step),
            None => self.track.frame_of_step(step, cursor),
        }
    }
}

/// What a player lays on the steps: the songs, their beats and the session's length.
#[derive(Clone)]
struct Setlist {
    songs: Vec<PreparedSong>,
    beats: Vec<SongBeats>,
    sample_rate: u32,
    total_frames: u64,
    channels: usize,
}

/// Renders the session's music.
pub struct MusicPlayer {
    setlist: Arc<Setlist>,
    clock: StepClock,
    /// Where the runner skipped a song: kept, so that a later rate change lays the
    /// songs again with the same skips.
    skips: Vec<Start>,
    placements: Vec<Placement>,
    playing: Vec<Playing>,
    next_placement: usize,
    /// The session frame of the next frame rendered.
    position: u64,
    channels: usize,
    scratch: Vec<f32>,
}

impl MusicPlayer {
    /// The songs laid on the steps of `clock` from step 0 for `total_frames`
    /// (`beats[i]` are song `i`'s beats at `sample_rate`, the songs' own rate); `None`
    /// if no song lasts long enough to be placed.
    pub fn arranged(
        songs: Vec<PreparedSong>,
        beats: Vec<SongBeats>,
        clock: StepClock,
        sample_rate: u32,
        total_frames: u64,
        channels: u16,
    ) -> Option<Self> {
        let setlist = Arc::new(Setlist {
            songs,
            beats,
            sample_rate,
            total_frames,
            channels: usize::from(channels.max(1)),
        });
        let placements = place(&setlist, &clock, Start::default());
        if placements.is_empty() {
            return None;
        }
        Some(Self::with(setlist, clock, Vec::new(), placements, 0))
    }

    /// A player of `placements` whose next frame is session frame `from`: songs
    /// already under way are picked up where they are.
    fn with(
        setlist: Arc<Setlist>,
        clock: StepClock,
        skips: Vec<Start>,
        placements: Vec<Placement>,
        from: u64,
    ) -> Self {
        let mut playing = Vec::new();
        let mut next_placement = placements.len();
        for (index, placement) in placements.iter().enumerate() {
            if placement.start >= from {
                next_placement = index;
                break;
            }
            if placement.end > from {
                let song = &setlist.songs[placement.song];
                playing.push(Playing {
                    placement: index,
                    stretcher: Stretcher::starting_at(
                        Arc::clone(&song.audio),
                        Arc::clone(&song.mono),
                        placement.map.clone(),
                        from - placement.start,
                    ),
                });
            }
        }
        let channels = setlist.channels;
        Self {
            setlist,
            clock,
            skips,
            placements,
            playing,
            next_placement,
            position: from,
            channels,
            scratch: Vec::new(),
        }
    }

    /// The same music from session frame `from` on (a resumed run, say).
    pub fn starting_at(self, from: u64) -> Self {
        Self::with(self.setlist, self.clock, self.skips, self.placements, from)
    }

    /// The music laid on the steps as they fall after `change`, from frame `from`.
    pub fn retime(&self, change: &TempoChange, from: u64) -> Self {
        let clock = self.clock.with_change(*change);
        // The same songs on the same steps: only the frames of the steps moved.
        let placements = arrangement(&self.setlist, &clock, &self.skips);
        Self::with(
            Arc::clone(&self.setlist),
            clock,
            self.skips.clone(),
            placements,
            from,
        )
    }

    /// The music with the song playing at `from` cut short: the next one starts on a
    /// beat of it soon after `from`, crossfading as at a song's end.
    pub fn skip(&self, from: u64) -> Option<Self> {
        let current = self
            .placements
            .iter()
            .rposition(|placement| placement.start <= from && placement.end > from)?;
        let placement = &self.placements[current];
        let song_beats = &self.setlist.beats[placement.song];
        let mut cursor = 0;
        let frame = |step: u64, cursor: &mut usize| self.clock.frame_of_step(step as f64, cursor);
        // The next step after `from` that carries a beat of the current song.
        let per_beat = song_beats.steps_per_beat.max(1.0).round() as u64;
        let mut step = placement.first_step;
        while frame(step, &mut cursor) <= from as f64 {
            step += per_beat;
        }
        if step + CROSSFADE_STEPS >= step_of_end(placement, &self.clock) {
            // The song ends on its own sooner than a skip would.
            return None;
        }
        let mut skips = self.skips.clone();
        skips.push(Start {
            step,
            turn: placement.turn + 1,
            crossfade: true,
        });
        let placements = arrangement(&self.setlist, &self.clock, &skips);
        Some(Self::with(
            Arc::clone(&self.setlist),
            self.clock.clone(),
            skips,
            placements,
            from,
        ))
    }

    /// The song playing at the current position (the newest one during a crossfade).
    pub fn current_song(&self) -> Option<&str> {
        let playing = self.playing.last()?;
        let placement = &self.placements[playing.placement];
        Some(&self.setlist.songs[placement.song].name)
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
            let song = &self.setlist.songs[placement.song];
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
            let song = &self.setlist.songs[placement.song];
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

    fn retimed(&self, change: &TempoChange, from: u64) -> Option<Box<dyn MusicSource + Send>> {
        Some(Box::new(self.retime(change, from)))
    }

    fn skipped(&self, from: u64) -> Option<Box<dyn MusicSource + Send>> {
        self.skip(from)
            .map(|player| Box::new(player) as Box<dyn MusicSource + Send>)
    }

    fn now_playing(&self) -> Option<String> {
        self.current_song().map(str::to_owned)
    }
}

/// The songs laid on the clock's steps from `begin`.
fn place(setlist: &Setlist, clock: &StepClock, begin: Start) -> Vec<Placement> {
    let mut cursor = 0;
    arrange_from(
        &setlist.beats,
        |step| clock.frame_of_step(step, &mut cursor),
        setlist.sample_rate,
        setlist.total_frames,
        begin,
    )
}

/// The songs laid on the clock's steps from step 0, each skip cutting the song it falls
/// in short (it fades out over a crossfade from the skip's step, as the next comes in).
fn arrangement(setlist: &Setlist, clock: &StepClock, skips: &[Start]) -> Vec<Placement> {
    let mut placements = place(setlist, clock, Start::default());
    for skip in skips {
        let Some(current) = placements
            .iter()
            .rposition(|placement| placement.first_step <= skip.step)
        else {
            continue;
        };
        placements.truncate(current + 1);
        let mut cursor = 0;
        let cut = &mut placements[current];
        cut.fade_out = clock.frame_of_step(skip.step as f64, &mut cursor).round() as u64;
        cut.end = clock
            .frame_of_step((skip.step + CROSSFADE_STEPS) as f64, &mut cursor)
            .round() as u64;
        placements.extend(place(setlist, clock, *skip));
    }
    placements
}

/// The step on which a placement's song falls silent.
fn step_of_end(placement: &Placement, clock: &StepClock) -> u64 {
    let mut cursor = 0;
    let mut step = placement.first_step;
    while clock.frame_of_step(step as f64, &mut cursor) < placement.end as f64 {
        step += 1;
    }
    step
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Piece, TempoMap};
    use crate::music::synth::{Groove, Song};

    const RATE: u32 = 8_000;

    fn song(bpm: f64, seconds: f64) -> (PreparedSong, SongBeats) {
        let song = Song {
            sample_rate: RATE,
            ..Song::new(bpm, Groove::Straight, seconds)
        };
        let audio = Audio {
            sample_rate: RATE,
            channels: 1,
            samples: song.render(),
        };
        let beats = SongBeats {
            beat_frames: song.beats().iter().map(|b| b * f64::from(RATE)).collect(),
            steps_per_beat: 1.0,
        };
        (PreparedSong::new(format!("{bpm}"), audio), beats)
    }

    fn player() -> MusicPlayer {
        let (a, a_beats) = song(168.0, 30.0);
        let (b, b_beats) = song(172.0, 30.0);
        let clock = StepClock::new(TempoMap::steady(170.0).compile(RATE));
        MusicPlayer::arranged(
            vec![a, b],
            vec![a_beats, b_beats],
            clock,
            RATE,
            u64::from(RATE) * 120,
            1,
        )
        .expect("both songs are long enough")
    }

    #[test]
    fn a_skip_brings_the_next_song_in_on_a_step_soon_after() {
        let player = player();
        let from = u64::from(RATE) * 10;
        assert_eq!(player.placements[0].song, 0);
        assert!(player.placements[1].start > from + u64::from(RATE) * 5);
        let skipped = player.skip(from).expect("a song to skip to");
        let next = &skipped.placements[1];
        assert_eq!(next.song, 1);
        let step_frames = 60.0 * f64::from(RATE) / 170.0;
        assert!(next.start > from && (next.start - from) as f64 <= step_frames + 1.0);
        // It starts on a step, and the cut song fades out over the crossfade.
        assert!((next.first_step as f64 * step_frames - next.start as f64).abs() <= 1.0);
        assert_eq!(skipped.placements[0].fade_out, next.start);
        let rendered = skipped.starting_at(from);
        assert_eq!(rendered.position, from);
    }

    #[test]
    fn a_rate_change_moves_the_beats_after_it_and_keeps_the_skips() {
        let rate = f64::from(RATE);
        let skipped = player().skip(u64::from(RATE) * 10).unwrap();
        // From step 60 (frame 60 x 8000 x 60 / 170) on, 180 spm.
        let at = 60.0 * 60.0 * rate / 170.0;
        let change = TempoChange {
            from_step: 60,
            glide: None,
            hold: Piece::hold_forever(at, 60.0, 180.0, rate),
            at_frame: at as u64 - 100,
        };
        let retimed = skipped.retime(&change, at as u64);
        assert_eq!(retimed.placements[1].song, skipped.placements[1].song);
        assert_eq!(
            retimed.placements[1].first_step,
            skipped.placements[1].first_step
        );
        // Step 70 is now ten steps of 180 spm after step 60.
        let mut cursor = 0;
        let step_70 = retimed.clock.frame_of_step(70.0, &mut cursor);
        assert!((step_70 - (at + 10.0 * 60.0 * rate / 180.0)).abs() < 1e-6);
        let first = retimed.placements[1].first_step;
        assert!(first < 60, "the skip came before the change: {first}");
        let placement = &retimed.placements[1];
        let beat = 70 - first;
        let (song_frame, out_frame) = placement.map.points()[beat as usize];
        assert!(
            (out_frame + placement.start as f64 - step_70).abs() < 1.0,
            "{song_frame}"
        );
    }
}

//! The engine proper: the audio thread's side. [`Engine::render`] fills a buffer given
//! the commands received so far; it knows nothing about devices, so the live output,
//! the file exporter and the tests all drive the very same code.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use super::control::{Command, EngineEvent, EngineStatus, Retired, StatusSnapshot};
use super::cue::{CuePlayer, cue_start};
use super::mixer::Mixer;
use super::music::{MusicInput, TempoChange};
use super::program::{Accent, CompiledProgram, Program};
use super::sound::ClickSound;
use super::tempo::{Piece, nearest_frame};

/// Frames mixed at a time; longer buffers are rendered in blocks of this size, which
/// gives the same samples because every bit of state carries across blocks.
pub const MAX_BLOCK: usize = 4_096;
const COMMAND_CAPACITY: usize = 64;
const EVENT_CAPACITY: usize = 4_096;
/// Each command retires at most one item and the handle empties the trash before every
/// send, so the trash can never fill up.
const TRASH_CAPACITY: usize = 2 * COMMAND_CAPACITY + 8;
/// Replaced sounds wait here until no voice plays them any more.
const RETIRING_SOUNDS: usize = 4;

/// The output format the engine renders: interleaved `f32`, `channels` wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    pub sample_rate: u32,
    pub channels: u16,
}

/// Live settings that outlast a program: what the click sounds like and how loud.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Voicing {
    pub volume: f32,
    pub accent: Accent,
}

impl Default for Voicing {
    fn default() -> Self {
        Self {
            volume: 0.8,
            accent: Accent::None,
        }
    }
}

/// A rate change made while playing: it replaces the program's tempo from `from_step`.
#[derive(Clone, Copy, Debug)]
struct LiveTempo {
    from_step: u64,
    glide: Option<Piece>,
    hold: Piece,
}

impl LiveTempo {
    fn piece_for(&self, step: f64) -> &Piece {
        match &self.glide {
            Some(glide) if step < glide.end_step() => glide,
            _ => &self.hold,
        }
    }

    fn start_frame(&self) -> f64 {
        self.glide.as_ref().unwrap_or(&self.hold).start_frame()
    }

    fn spm_at(&self, frame: f64) -> f64 {
        match &self.glide {
            Some(glide) if frame < glide.end_frame() => glide.spm_at(frame),
            _ => self.hold.spm_at(frame),
        }
    }
}

/// Creates an engine and the handle that controls it.
pub fn engine(config: EngineConfig, sound: ClickSound, voicing: Voicing) -> (Engine, EngineHandle) {
    let (command_tx, command_rx) = bounded(COMMAND_CAPACITY);
    let (event_tx, event_rx) = bounded(EVENT_CAPACITY);
    let (trash_tx, trash_rx) = bounded(TRASH_CAPACITY);
    let status = Arc::new(EngineStatus::default());
    let sample_rate = config.sample_rate.max(1);
    let mut mixer = Mixer::new(sample_rate, MAX_BLOCK, voicing.volume);
    mixer.set_volume(voicing.volume);
    let engine = Engine {
        sample_rate,
        channels: usize::from(config.channels.max(1)),
        commands: command_rx,
        events: event_tx,
        trash: trash_tx,
        status: Arc::clone(&status),
        sound: Box::new(sound),
        retiring: Default::default(),
        accent: voicing.accent,
        cues: CuePlayer::new(sample_rate),
        muted_by_user: false,
        mixer,
        playing: false,
        program: Box::new(Program::steady(0.0, None).compile(sample_rate)),
        live: None,
        elapsed: 0,
        next_step: 0,
        next_step_ideal: 0.0,
        next_click: 0,
        tempo_cursor: 0,
        feedback_cursor: 0,
        feedback_audible: true,
        skip_scratch: vec![0.0; MAX_BLOCK].into_boxed_slice(),
        skipping: false,
        music: None,
        music_ending: None,
    };
    let handle = EngineHandle {
        config: EngineConfig {
            sample_rate,
            channels: config.channels.max(1),
        },
        commands: command_tx,
        events: event_rx,
        trash: trash_rx,
        status,
    };
    (engine, handle)
}

/// The audio thread's half. Rendering never allocates, frees, locks, blocks or panics.
pub struct Engine {
    sample_rate: u32,
    channels: usize,
    commands: Receiver<Command>,
    events: Sender<EngineEvent>,
    trash: Sender<Retired>,
    status: Arc<EngineStatus>,
    sound: Box<ClickSound>,
    retiring: [Option<Box<ClickSound>>; RETIRING_SOUNDS],
    accent: Accent,
    cues: CuePlayer,
    muted_by_user: bool,
    mixer: Mixer,
    playing: bool,
    program: Box<CompiledProgram>,
    live: Option<LiveTempo>,
    /// Frames since the session started.
    elapsed: u64,
    /// The first step not yet sounded, its ideal frame and the frame it will sound on.
    next_step: u64,
    next_step_ideal: f64,
    next_click: u64,
    tempo_cursor: usize,
    feedback_cursor: usize,
    feedback_audible: bool,
    /// Mono scratch for [`Engine::skip`], allocated up front.
    skip_scratch: Box<[f32]>,
    /// True while skipping: steps pass unheard.
    skipping: bool,
    music: Option<Box<MusicInput>>,
    /// The ring a splice replaced, fading out.
    music_ending: Option<Box<MusicInput>>,
}

impl Engine {
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Steps sounded (or passed while muted) since the session started.
    pub fn steps(&self) -> u64 {
        self.next_step
    }

    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// True when no click is ringing: a moment where silence can be inserted unheard.
    pub fn is_quiet(&self) -> bool {
        self.mixer.active_voices() == 0
    }

    /// Renders interleaved samples for a file or a test: no playback time is known.
    pub fn render(&mut self, out: &mut [f32]) {
        self.render_timed(out, None);
    }

    /// Renders interleaved samples; `audible_at` is when the first frame of `out` will
    /// reach the listener, used to time the step events for a visual flash.
    pub fn render_timed(&mut self, out: &mut [f32], audible_at: Option<Instant>) {
        self.apply_commands();
        let channels = self.channels;
        let mut rendered = 0usize;
        for block in out.chunks_mut(MAX_BLOCK * channels) {
            let frames = block.len() / channels;
            let block_audible_at = audible_at.and_then(|start| {
                Duration::try_from_secs_f64(rendered as f64 / f64::from(self.sample_rate))
                    .ok()
                    .and_then(|offset| start.checked_add(offset))
            });
            let (block_start, was_playing) = (self.elapsed, self.playing);
            self.schedule_steps(frames, block_audible_at);
            self.mixer.render(block, channels, frames);
            if was_playing {
                self.mix_music(&mut block[..frames * channels], block_start);
            }
            // A partial frame at the end (a malformed buffer) stays silent.
            if let Some(tail) = block.get_mut(frames * channels..) {
                tail.fill(0.0);
            }
            rendered += frames;
        }
        self.hand_back_retired_sounds();
        self.status.publish(
            self.playing,
            self.elapsed,
            self.next_step,
            self.current_spm(),
            self.mixer.active_voices(),
            self.muted_by_user,
        );
    }

    /// Moves the session on by `frames` frames that will never be heard, as if they had
    /// been played: the output lost them (an underrun, a stalled device), so the frames
    /// rendered next must be the ones due now, on the original grid. Steps that fell in
    /// the gap count and are reported as not audible; clicks already ringing move on.
    pub fn skip(&mut self, frames: u64) {
        self.skipping = true;
        let mut left = frames;
        let chunk_max = self.skip_scratch.len().max(1);
        while left > 0 {
            let chunk = usize::try_from(left).unwrap_or(usize::MAX).min(chunk_max);
            self.schedule_steps(chunk, None);
            if let Some(block) = self.skip_scratch.get_mut(..chunk) {
                self.mixer.render(block, 1, chunk);
            }
            left -= chunk as u64;
        }
        self.skipping = false;
        self.status.count_skipped(frames);
    }

    fn apply_commands(&mut self) {
        // Bounded by the channel's capacity plus what arrives meanwhile; try_recv on a
        // bounded crossbeam channel neither allocates nor locks.
        for _ in 0..COMMAND_CAPACITY * 2 {
            let Ok(command) = self.commands.try_recv() else {
                break;
            };
            self.apply(command);
        }
    }

    /// Carries out one command. Public so that exporters and tests can drive an engine
    /// without a channel.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Start { program, at_frame } => self.start(program, at_frame),
            Command::Stop => {
                if self.playing {
                    self.playing = false;
                    self.send_event(EngineEvent::Stopped {
                        frames: self.elapsed,
                        steps: self.next_step,
                    });
                }
            }
            Command::SetRate(spm) => self.change_rate(spm, 0.0),
            Command::GlideTo { spm, seconds } => self.change_rate(spm, seconds),
            Command::SetVolume(volume) => self.mixer.set_volume(volume),
            Command::SetSound(sound) => self.replace_sound(sound),
            Command::SetAccent(accent) => self.accent = accent,
            Command::SetMuted(muted) => self.muted_by_user = muted,
            Command::SetMusic(music) => {
                if let Some(old) = std::mem::replace(&mut self.music, music) {
                    self.discard(Retired::Music(old));
                }
                if let Some(old) = self.music_ending.take() {
                    self.discard(Retired::Music(old));
                }
            }
            Command::SetMusicVolume(volume) => {
                if let Some(music) = &mut self.music {
                    music.set_volume(volume);
                }
            }
            Command::SpliceMusic(mut music) => {
                if let Some(old) = self.music_ending.take() {
                    self.discard(Retired::Music(old));
                }
                if let Some(mut old) = self.music.take() {
                    music.set_volume(old.volume());
                    old.end_at(music.next_frame());
                    self.music_ending = Some(old);
                }
                self.music = Some(music);
            }
        }
    }

    /// Adds the music to a block of clicks: the current ring, and the one it replaced
    /// while that fades out.
    fn mix_music(&mut self, block: &mut [f32], block_start: u64) {
        if let Some(ending) = &mut self.music_ending {
            ending.mix(block, block_start);
            if ending.has_ended(block_start)
                && let Some(ended) = self.music_ending.take()
            {
                self.discard(Retired::Music(ended));
            }
        }
        if let Some(music) = &mut self.music {
            music.mix(block, block_start);
        }
    }

    fn start(&mut self, program: Box<CompiledProgram>, at_frame: u64) {
        let old = std::mem::replace(&mut self.program, program);
        self.discard(Retired::Program(old));
        self.live = None;
        self.tempo_cursor = 0;
        self.feedback_cursor = 0;
        self.feedback_audible = true;
        self.elapsed = at_frame;
        // The first step at or after `at_frame`.
        let steps_before = self.program.tempo.steps_at_frame(at_frame as f64);
        let mut step = steps_before.ceil().max(0.0) as u64;
        self.set_next_step(step);
        while self.next_click < at_frame {
            step += 1;
            self.set_next_step(step);
        }
        self.cues.restart(&self.program.cues, step);
        self.advance_feedback(at_frame);
        self.playing = true;
    }

    /// Installs a new rate from the next step on, keeping the step already due.
    fn change_rate(&mut self, spm: f64, glide_seconds: f64) {
        if !self.playing || !spm.is_finite() || spm <= 0.0 {
            return;
        }
        let rate = f64::from(self.sample_rate);
        let start_frame = self.next_step_ideal;
        let start_step = self.next_step as f64;
        let from_spm = self.spm_at(start_frame);
        let glide_frames = if glide_seconds.is_finite() {
            glide_seconds.max(0.0) * rate
        } else {
            0.0
        };
        let glide = (glide_frames > 0.0)
            .then(|| Piece::glide(start_frame, start_step, from_spm, spm, glide_frames, rate));
        let (hold_frame, hold_step) = glide.map_or((start_frame, start_step), |glide| {
            (glide.end_frame(), glide.end_step())
        });
        let live = LiveTempo {
            from_step: self.next_step,
            glide,
            hold: Piece::hold_forever(hold_frame, hold_step, spm, rate),
        };
        self.live = Some(live);
        if let Some(music) = &self.music {
            music.tempo_changed(TempoChange {
                from_step: live.from_step,
                glide: live.glide,
                hold: live.hold,
                at_frame: self.elapsed,
            });
        }
    }

    fn replace_sound(&mut self, sound: Box<ClickSound>) {
        let Some(slot) = self.retiring.iter_mut().find(|slot| slot.is_none()) else {
            // Too many sound changes in flight: keep the current one.
            self.discard(Retired::Sound(sound));
            return;
        };
        *slot = Some(std::mem::replace(&mut self.sound, sound));
    }

    /// Retired sounds go back once no voice holds their samples, so that the last
    /// reference is never dropped here.
    fn hand_back_retired_sounds(&mut self) {
        for slot in &mut self.retiring {
            let unused = slot.as_ref().is_some_and(|sound| {
                Arc::strong_count(sound.normal()) == 1 && Arc::strong_count(sound.accent()) == 1
            });
            if unused && let Some(sound) = slot.take() {
                match self.trash.try_send(Retired::Sound(sound)) {
                    Ok(()) => {}
                    Err(TrySendError::Full(Retired::Sound(sound))) => *slot = Some(sound),
                    Err(error) => leak(&self.status, error.into_inner()),
                }
            }
        }
    }

    fn discard(&mut self, item: Retired) {
        if let Err(error) = self.trash.try_send(item) {
            leak(&self.status, error.into_inner());
        }
    }

    fn send_event(&self, event: EngineEvent) {
        if self.events.try_send(event).is_err() {
            self.status.count_dropped_event();
        }
    }

    fn ideal_frame_of(&mut self, step: u64) -> f64 {
        let step_f = step as f64;
        match &self.live {
            Some(live) if step >= live.from_step => live.piece_for(step_f).frame_of_step(step_f),
            _ => self
                .program
                .tempo
                .frame_of_step(step_f, &mut self.tempo_cursor),
        }
    }

    fn set_next_step(&mut self, step: u64) {
        self.next_step = step;
        self.next_step_ideal = self.ideal_frame_of(step);
        self.next_click = nearest_frame(self.next_step_ideal);
    }

    fn spm_at(&self, frame: f64) -> f64 {
        match &self.live {
            Some(live) if frame >= live.start_frame() => live.spm_at(frame),
            _ => self.program.tempo.spm_at_frame(frame),
        }
    }

    /// The step rate now, in spm (0 when stopped).
    pub fn current_spm(&self) -> f64 {
        if self.playing {
            self.spm_at(self.elapsed as f64)
        } else {
            0.0
        }
    }

    fn advance_feedback(&mut self, frame: u64) {
        while let Some(&(at, audible)) = self.program.feedback.get(self.feedback_cursor) {
            if at > frame {
                break;
            }
            self.feedback_audible = audible;
            self.feedback_cursor += 1;
        }
    }

    /// Triggers every step that falls in the next `frames` frames.
    fn schedule_steps(&mut self, frames: usize, audible_at: Option<Instant>) {
        if !self.playing {
            return;
        }
        let block_start = self.elapsed;
        let block_end = block_start.saturating_add(frames as u64);
        let end = self
            .program
            .end_frame
            .map_or(block_end, |end| end.min(block_end));
        while self.next_click < end {
            let offset = self.next_click.saturating_sub(block_start);
            self.advance_feedback(self.next_click);
            let audible = self.feedback_audible && !self.muted_by_user && !self.skipping;
            let accented = self.accent.is_accented(self.next_step);
            let (step, click) = (self.next_step, self.next_click);
            let mut click_len = 0;
            if audible {
                let samples = if accented {
                    self.sound.accent()
                } else {
                    self.sound.normal()
                };
                let samples = Arc::clone(samples);
                click_len = samples.len() as u64;
                let delay = usize::try_from(offset).unwrap_or(usize::MAX);
                if !self.mixer.trigger(&samples, delay) {
                    self.status.count_dropped_click();
                }
            }
            let audible_at = audible_at.and_then(|start| {
                Duration::try_from_secs_f64(offset as f64 / f64::from(self.sample_rate))
                    .ok()
                    .and_then(|delay| start.checked_add(delay))
            });
            self.send_event(EngineEvent::Step {
                index: self.next_step,
                frame: self.next_click,
                accented,
                audible,
                audible_at,
            });
            self.set_next_step(step.saturating_add(1));
            self.sound_cue(step, click, click_len, block_start);
        }
        self.elapsed = end;
        if self.program.end_frame.is_some_and(|end| end <= block_end) {
            self.playing = false;
            self.send_event(EngineEvent::Finished {
                frames: self.elapsed,
                steps: self.next_step,
            });
        }
    }
}

impl Engine {
    /// Plays the program's cue for the gap after `step` (which sounded at `click` for
    /// `click_len` frames), between that click and the next.
    fn sound_cue(&mut self, step: u64, click: u64, click_len: u64, block_start: u64) {
        let Some(cue) = self.cues.after(&self.program.cues, step) else {
            return;
        };
        if self.muted_by_user {
            return;
        }
        let start = cue_start(click, click_len, self.next_click, cue.len() as u64);
        let delay = usize::try_from(start.saturating_sub(block_start)).unwrap_or(usize::MAX);
        if !self.mixer.trigger(cue, delay) {
            self.status.count_dropped_click();
        }
    }
}

/// Unreachable while the handle lives (see [`TRASH_CAPACITY`]); after it is gone,
/// leaking is still better than freeing memory on the audio thread.
fn leak(status: &EngineStatus, item: Retired) {
    status.count_leak();
    std::mem::forget(item);
}

/// The control side's half: sends commands, reads events and status, and frees what the
/// engine hands back. It never blocks on the audio thread.
pub struct EngineHandle {
    config: EngineConfig,
    commands: Sender<Command>,
    events: Receiver<EngineEvent>,
    trash: Receiver<Retired>,
    status: Arc<EngineStatus>,
}

/// Why a command did not reach the engine.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SendError {
    #[error("the audio engine is not keeping up with commands; try again")]
    Busy,
    #[error("the audio engine has stopped")]
    Gone,
    #[error("the sound was prepared at {sound} Hz but the output runs at {output} Hz")]
    WrongSampleRate { sound: u32, output: u32 },
}

/// A second way into the engine for a worker thread (the music's): it sends commands
/// and reads the status; freeing what comes back stays with the [`EngineHandle`].
#[derive(Clone, Debug)]
pub struct Commander {
    commands: Sender<Command>,
    status: Arc<EngineStatus>,
}

impl Commander {
    /// Sends without waiting; a full queue gives the command back, to try again.
    pub fn try_send(&self, command: Command) -> Result<(), Command> {
        self.commands
            .try_send(command)
            .map_err(TrySendError::into_inner)
    }

    pub fn status(&self) -> StatusSnapshot {
        self.status.snapshot()
    }
}

impl EngineHandle {
    pub fn config(&self) -> EngineConfig {
        self.config
    }

    /// A [`Commander`] for a worker thread.
    pub fn commander(&self) -> Commander {
        Commander {
            commands: self.commands.clone(),
            status: Arc::clone(&self.status),
        }
    }

    pub fn send(&self, command: Command) -> Result<(), SendError> {
        self.collect_garbage();
        self.commands
            .try_send(command)
            .map_err(|error| match error {
                TrySendError::Full(_) => SendError::Busy,
                TrySendError::Disconnected(_) => SendError::Gone,
            })
    }

    pub fn start(&self, program: &Program) -> Result<(), SendError> {
        self.start_at(program, 0)
    }

    /// Starts `program` as if it had been playing for `at_frame` frames already.
    pub fn start_at(&self, program: &Program, at_frame: u64) -> Result<(), SendError> {
        self.send(Command::Start {
            program: Box::new(program.compile(self.config.sample_rate)),
            at_frame,
        })
    }

    pub fn stop(&self) -> Result<(), SendError> {
        self.send(Command::Stop)
    }

    pub fn set_rate(&self, spm: f64) -> Result<(), SendError> {
        self.send(Command::SetRate(spm))
    }

    pub fn glide_to(&self, spm: f64, seconds: f64) -> Result<(), SendError> {
        self.send(Command::GlideTo { spm, seconds })
    }

    pub fn set_volume(&self, volume: f32) -> Result<(), SendError> {
        self.send(Command::SetVolume(volume))
    }

    pub fn set_accent(&self, accent: Accent) -> Result<(), SendError> {
        self.send(Command::SetAccent(accent))
    }

    pub fn set_muted(&self, muted: bool) -> Result<(), SendError> {
        self.send(Command::SetMuted(muted))
    }

    pub fn set_sound(&self, sound: ClickSound) -> Result<(), SendError> {
        if sound.sample_rate() != self.config.sample_rate {
            return Err(SendError::WrongSampleRate {
                sound: sound.sample_rate(),
                output: self.config.sample_rate,
            });
        }
        self.send(Command::SetSound(Box::new(sound)))
    }

    /// Events so far, without waiting.
    pub fn events(&self) -> impl Iterator<Item = EngineEvent> + '_ {
        self.events.try_iter()
    }

    pub fn status(&self) -> StatusSnapshot {
        self.status.snapshot()
    }

    /// Frees what the engine handed back, and says how many things that was. Called by
    /// [`EngineHandle::send`]; call it now and then when sending nothing for a long time.
    pub fn collect_garbage(&self) -> usize {
        self.trash.try_iter().map(drop).count()
    }

    /// Seconds for a number of frames at the engine's rate.
    pub fn frames_to_seconds(&self, frames: u64) -> f64 {
        frames as f64 / f64::from(self.config.sample_rate)
    }
}

//! The Run screen's live side: the output, the engine handle, the step rate and the
//! flash timing. Free of egui, so tests can drive it without a window. The app calls
//! [`Metronome::poll`] every frame and repaints when [`Metronome::next_wake`] says.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use std::sync::Arc;

use super::{Opened, Output, OutputFactory};
use crate::audio::{self, HostChoice, Observed, OutputInfo, OutputOptions};
use crate::engine::{
    Accent, BuiltinSound, EngineHandle, Program, SoundChoice, StatusSnapshot, Voicing,
};
use crate::music::session::PreparedMusic;

mod beat;
mod music;
mod switch;

use beat::{Beat, Foreseen, Playback, Run};
pub use music::MusicClicks;
use music::RunMusic;
pub use switch::resume_program;

pub const MIN_SPM: u32 = 60;
pub const MAX_SPM: u32 = 250;
pub const DEFAULT_SPM: u32 = 170;
/// Bluetooth headphones lag by 100-300 ms; more than this is a typing slip.
pub const MAX_VISUAL_OFFSET_MS: i32 = 500;
/// The device-less clock runs at a common rate; nothing is heard from it anyway.
const SILENT_SAMPLE_RATE: u32 = 48_000;
/// While playing, a stream that renders nothing for this long is taken for dead.
const STALL: Duration = Duration::from_millis(1_500);
const FLASH_MAX: Duration = Duration::from_millis(120);
/// Before the first step's event, look for it this often (later steps are foreseen).
const EVENT_POLL: Duration = Duration::from_millis(10);
/// A flash due this soon is lit now: a frame for a few milliseconds is not worth
/// drawing, and the eye does not tell a flash this much early from one on time (the
/// playback times the flash follows wobble by as much).
const EARLY: Duration = Duration::from_millis(4);
/// After Stop, check this often for the engine's final count.
const STOP_POLL: Duration = Duration::from_millis(20);
const STOP_WAIT: Duration = Duration::from_secs(1);
/// After a run, how often to look whether the stream can be paused.
const IDLE_CHECK: Duration = Duration::from_millis(250);
/// A zero delay would mean "repaint continuously".
const MIN_WAKE: Duration = Duration::from_millis(1);
/// Preview: two clicks, the first accented when accents are on.
const PREVIEW_SPM: f64 = 120.0;
const PREVIEW_SECONDS: f64 = 0.9;

/// A signal played through the engine, such as the start and end of a counted minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    /// Three short high beeps: start counting now.
    Start,
    /// Two low tocks: stop counting.
    Stop,
}

impl Cue {
    /// The sound, and the clicks as (rate, length in seconds): distinct in pitch and
    /// in rhythm, so neither can be taken for the other without looking.
    fn sound(self) -> (SoundChoice, f64, f64) {
        match self {
            // Clicks at 0, 0.2 and 0.4 s.
            Cue::Start => (SoundChoice::Builtin(BuiltinSound::Beep), 300.0, 0.5),
            // Clicks at 0 and 0.5 s.
            Cue::Stop => (SoundChoice::Builtin(BuiltinSound::Tock), 120.0, 0.8),
        }
    }
}

/// Where the clicks go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// The sound card.
    Device,
    /// No sound card: a real-time clock drives the engine so the flash keeps the beat.
    Silent,
}

/// What the metronome starts with (from the saved preferences).
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub device: Option<String>,
    pub host: HostChoice,
    pub low_latency: bool,
    pub spm: u32,
    pub sound: SoundChoice,
    pub voicing: Voicing,
    pub visual_offset_ms: i32,
}

/// A flash on the screen, lined up with a click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flash {
    pub at: Instant,
    pub accented: bool,
    /// The step it shows.
    pub step: u64,
}

/// How far a run got.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Figures {
    /// Engine time, not wall-clock time.
    pub elapsed: Duration,
    pub steps: u64,
}

struct Active {
    output: Box<dyn Output>,
    handle: EngineHandle,
    kind: OutputKind,
    /// The sound the engine holds (a preview may have replaced the chosen one).
    sound: SoundChoice,
    /// The stream is paused while nothing plays, so an idle window costs no CPU.
    paused: bool,
}

impl Active {
    /// Resumes a paused stream before anything is sent to play: the first click then
    /// comes within one buffer.
    fn wake(&mut self) {
        if self.paused {
            self.output.set_paused(false);
            self.paused = false;
        }
    }
}

/// The metronome behind the Run screen.
pub struct Metronome {
    outputs: Box<dyn OutputFactory>,
    options: OutputOptions,
    active: Option<Active>,
    spm: u32,
    sound: SoundChoice,
    voicing: Voicing,
    beat: Beat,
    /// The program of a planned run while it plays (`None`: a free run at `spm`).
    program: Option<Program>,
    /// Why there is no sound; the screen offers Retry.
    problem: Option<String>,
    /// Something worth knowing that needs no action.
    notice: Option<String>,
    last_fault: Option<String>,
    /// The runner's songs beside the clicks, while a run with music plays.
    music: Option<RunMusic>,
    music_clicks: MusicClicks,
}

impl Metronome {
    /// Opens nothing yet: see [`Metronome::open_device`].
    pub fn new(outputs: Box<dyn OutputFactory>, setup: Setup) -> Self {
        let mut notice = None;
        // A sound file that went missing since last time must not block the sound card.
        let sound = match audio::load_sound(&setup.sound, SILENT_SAMPLE_RATE) {
            Ok(_) => setup.sound,
            Err(error) => {
                notice = Some(format!(
                    "The sound '{}' could not be loaded ({error}); using the {} instead.",
                    setup.sound,
                    SoundChoice::default()
                ));
                SoundChoice::default()
            }
        };
        Self {
            outputs,
            options: OutputOptions {
                host: setup.host,
                device: setup.device,
                ..OutputOptions::with_latency(setup.low_latency)
            },
            active: None,
            spm: setup.spm.clamp(MIN_SPM, MAX_SPM),
            sound,
            voicing: Voicing {
                volume: setup.voicing.volume.clamp(0.0, 1.0),
                accent: setup.voicing.accent,
            },
            beat: Beat {
                playback: Playback::Stopped,
                pending: VecDeque::new(),
                lit: None,
                flashed_step: None,
                shown: 0,
                offset_ms: setup
                    .visual_offset_ms
                    .clamp(-MAX_VISUAL_OFFSET_MS, MAX_VISUAL_OFFSET_MS),
                last_run: Figures::default(),
            },
            program: None,
            problem: None,
            notice,
            last_fault: None,
            music: None,
            music_clicks: MusicClicks::On,
        }
    }

    // ----- Reading -----

    pub fn spm(&self) -> u32 {
        self.spm
    }

    pub fn sound(&self) -> &SoundChoice {
        &self.sound
    }

    pub fn voicing(&self) -> Voicing {
        self.voicing
    }

    pub fn visual_offset_ms(&self) -> i32 {
        self.beat.offset_ms
    }

    pub fn device(&self) -> Option<&str> {
        self.options.device.as_deref()
    }

    /// True from Start until Stop (also while the sound card is missing and the silent
    /// clock keeps the beat).
    pub fn is_playing(&self) -> bool {
        matches!(self.beat.playback, Playback::Playing(_))
    }

    /// True once a run is over and its final count is in (false while stopping).
    pub fn is_stopped(&self) -> bool {
        matches!(self.beat.playback, Playback::Stopped)
    }

    /// True while a planned run's program plays: its rates are the plan's, and the
    /// rate buttons do nothing.
    pub fn is_programmed(&self) -> bool {
        !self.is_stopped() && self.program.is_some()
    }

    /// The sound the engine holds now (a preview or a cue may have replaced the
    /// chosen one until the next start).
    pub fn engine_sound(&self) -> Option<&SoundChoice> {
        self.active.as_ref().map(|active| &active.sound)
    }

    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn output_kind(&self) -> Option<OutputKind> {
        self.active.as_ref().map(|active| active.kind)
    }

    pub fn output_info(&self) -> Option<&OutputInfo> {
        self.active.as_ref().map(|active| active.output.info())
    }

    pub fn observed(&self) -> Option<Observed> {
        self.active
            .as_ref()
            .and_then(|active| active.output.observed())
    }

    /// The engine's live figures, if an output is open.
    pub fn status(&self) -> Option<StatusSnapshot> {
        self.active.as_ref().map(|active| active.handle.status())
    }

    /// Flashes shown so far (for tests and diagnostics).
    pub fn flashes_shown(&self) -> u64 {
        self.beat.shown
    }

    /// The flash to show at `now`, as of the last [`Metronome::poll`].
    pub fn flash(&self, now: Instant) -> Option<Flash> {
        self.beat
            .lit
            .filter(|lit| now < lit.at + flash_length(self.spm))
    }

    /// Time and steps of the current run, or of the last one when stopped.
    pub fn figures(&self) -> Figures {
        let run = match &self.beat.playback {
            Playback::Stopped => return self.beat.last_run,
            Playback::Playing(run) | Playback::Stopping { run, .. } => run,
        };
        let Some(active) = &self.active else {
            return run.floor;
        };
        let status = active.handle.status();
        // Until the engine has rendered after Start, its status is the last run's.
        if status.buffers <= run.start_buffers + 1 {
            return run.floor;
        }
        Figures {
            elapsed: seconds_to_duration(active.handle.frames_to_seconds(status.elapsed_frames))
                .max(run.floor.elapsed),
            steps: status.steps.max(run.floor.steps),
        }
    }

    /// The rate shown on the Run screen: a planned run's current rate from the engine
    /// (it glides), else the free run's rate.
    pub fn shown_spm(&self) -> u32 {
        if !self.is_programmed() {
            return self.spm;
        }
        let (Playback::Playing(run) | Playback::Stopping { run, .. }) = &self.beat.playback else {
            return self.spm;
        };
        let Some(active) = &self.active else {
            return self.spm;
        };
        let status = active.handle.status();
        if status.buffers <= run.start_buffers + 1 || !status.spm.is_finite() {
            // Not rendered yet: the status is the last run's.
            return self.program.as_ref().map_or(self.spm, |program| {
                program
                    .tempo
                    .segments
                    .first()
                    .map_or(self.spm, |segment| segment.start_spm().round() as u32)
            });
        }
        status.spm.round().clamp(0.0, f64::from(u32::MAX)) as u32
    }

    /// Whether the latest step was silent (a planned run's quiet stretch).
    pub fn is_muted(&self) -> bool {
        match &self.beat.playback {
            Playback::Playing(run) => run.last_step.is_some_and(|step| !step.audible),
            _ => false,
        }
    }

    // ----- Each frame -----

    /// Drains engine events and audio faults, lights or puts out the flash, and
    /// notices a stream that died.
    pub fn poll(&mut self, now: Instant) {
        self.collect_faults();
        let Some(active) = &self.active else {
            return;
        };
        // What the music worker's splices retired is freed here, off the audio thread.
        active.handle.collect_garbage();
        self.beat.absorb(&active.handle, now, self.spm);
        if let Playback::Stopping { since, .. } = self.beat.playback
            && now.saturating_duration_since(since) >= STOP_WAIT
        {
            // The engine never confirmed: keep what its status last said.
            let status = active.handle.status();
            self.beat.finish(
                active.handle.frames_to_seconds(status.elapsed_frames),
                status.steps,
            );
        }
        let foreseen = self.foresee().filter(|next| next.audible);
        self.beat
            .advance(now, self.spm, foreseen.map(|next| next.flash));
        self.watch(now);
        self.pause_when_idle();
    }

    /// Once a run (or a preview, or a cue) has ended and its last click rung out, the
    /// stream pauses until the next start.
    fn pause_when_idle(&mut self) {
        let Some(active) = &mut self.active else {
            return;
        };
        let status = active.handle.status();
        if !active.paused
            && matches!(self.beat.playback, Playback::Stopped)
            && !status.playing
            && status.active_voices == 0
        {
            active.output.set_paused(true);
            active.paused = true;
        }
    }

    /// How long until the screen must be drawn again: the next flash edge while
    /// playing, `None` when stopped (no repaints at all).
    pub fn next_wake(&self, now: Instant) -> Option<Duration> {
        let run = match &self.beat.playback {
            // Once more after the last click rang out, to pause the stream.
            Playback::Stopped if self.active.as_ref().is_some_and(|a| !a.paused) => {
                return Some(IDLE_CHECK);
            }
            Playback::Stopped => return None,
            Playback::Stopping { .. } => return Some(STOP_POLL),
            Playback::Playing(run) => run,
        };
        let mut wake = run.heartbeat_at + STALL;
        if let Some(lit) = self.beat.lit {
            wake = wake.min(lit.at + flash_length(self.spm));
        }
        match (self.beat.pending.front(), self.foresee()) {
            (Some(next), _) => wake = wake.min(next.at.checked_sub(EARLY).unwrap_or(next.at)),
            // The next flash is foreseen from the last step and the rate: one frame
            // lights it, one puts it out, and none is spent waiting for its event. In a
            // quiet stretch the step's frame only brings the figures up to date.
            (None, Some(next)) => {
                wake = wake.min(next.flash.at.checked_sub(EARLY).unwrap_or(next.flash.at));
            }
            // Before the first step's event.
            (None, None) => wake = wake.min(now + EVENT_POLL),
        }
        Some(wake.saturating_duration_since(now).max(MIN_WAKE))
    }

    /// The step after the last one flashed, foreseen from the last step's event and
    /// the rate playing now; `None` until a step has been seen.
    fn foresee(&self) -> Option<Foreseen> {
        let Playback::Playing(run) = &self.beat.playback else {
            return None;
        };
        let last = run.last_step?;
        let step = self
            .beat
            .flashed_step
            .map_or(last.index, |flashed| flashed.max(last.index))
            + 1;
        let spm = match (&self.program, &self.active) {
            // A planned run glides: the engine knows its rate.
            (Some(_), Some(active)) => active.handle.status().spm,
            _ => f64::from(self.spm),
        };
        if !(spm.is_finite() && spm > 0.0) {
            return None;
        }
        let ahead = (step - last.index) as f64 * 60.0 / spm;
        let at = last.flash_at.checked_add(seconds_to_duration(ahead))?;
        let seconds = last.seconds + ahead;
        let audible = self
            .program
            .as_ref()
            .is_none_or(|program| audible_at(program, seconds));
        Some(Foreseen {
            flash: Flash {
                at,
                accented: self.voicing.accent.is_accented(step),
                step,
            },
            audible,
        })
    }

    // ----- Commands -----

    /// Opens the sound card if nothing is open, so a missing device shows up before
    /// the run starts.
    pub fn open_device(&mut self) {
        if self.active.is_none() {
            self.switch_to_device(Instant::now());
        }
    }

    /// Tries the sound card again; while playing, the sound comes back at the current
    /// position in the run.
    pub fn retry(&mut self) {
        self.switch_to_device(Instant::now());
    }

    pub fn toggle(&mut self) {
        if self.is_playing() {
            self.stop();
        } else {
            self.start();
        }
    }

    /// Starts a free run at the current rate.
    pub fn start(&mut self) {
        self.start_with(None, None);
    }

    /// Starts a planned run: the program sets the rates and when clicks sound, and the
    /// run ends by itself at the program's end.
    pub fn start_program(&mut self, program: Program) {
        self.start_with(Some(program), None);
    }

    fn start_with(&mut self, planned: Option<Program>, music: Option<(Arc<PreparedMusic>, f32)>) {
        let now = Instant::now();
        if self.active.is_none() {
            self.switch_to_device(now);
        }
        if self.active.is_none() {
            self.switch_to_silent(now);
        }
        self.load_chosen_sound();
        let Some(active) = &mut self.active else {
            // Both failed; the problem says why.
            return;
        };
        // Leftovers from a preview or the last run.
        active.handle.events().for_each(drop);
        active.wake();
        let program = planned
            .clone()
            .unwrap_or_else(|| Program::steady(f64::from(self.spm), None));
        let with_music = music.is_some();
        self.music = music.map(|(prepared, volume)| RunMusic {
            prepared,
            volume,
            worker: None,
        });
        self.start_music(&program, 0);
        self.apply_click_mode(if with_music {
            self.music_clicks
        } else {
            MusicClicks::On
        });
        let Some(active) = &mut self.active else {
            return;
        };
        if let Err(error) = active.handle.start(&program) {
            self.notice = Some(format!("Could not start: {error}."));
            return;
        }
        self.program = planned;
        self.beat.reset();
        self.beat.playback = Playback::Playing(Run::new(now, active.handle.status().buffers));
    }

    pub fn stop(&mut self) {
        let Playback::Playing(run) = self.beat.playback else {
            return;
        };
        self.beat.reset();
        let Some(active) = &self.active else {
            self.beat.playback = Playback::Stopped;
            self.beat.last_run = run.floor;
            return;
        };
        if let Err(error) = active.handle.stop() {
            self.notice = Some(format!("Could not stop the clicks: {error}."));
        }
        self.music = None;
        self.beat.playback = Playback::Stopping {
            run,
            since: Instant::now(),
        };
    }

    /// Sets the step rate (clamped to 60-250); while playing it applies from the next
    /// step, without a phase jump.
    pub fn set_spm(&mut self, spm: u32) {
        let spm = spm.clamp(MIN_SPM, MAX_SPM);
        if spm == self.spm {
            return;
        }
        self.spm = spm;
        if let (true, false, Some(active)) = (self.is_playing(), self.is_programmed(), &self.active)
            && let Err(error) = active.handle.set_rate(f64::from(spm))
        {
            self.notice = Some(format!("The rate did not reach the engine: {error}."));
        }
    }

    /// Changes the free run's rate; a planned run keeps its program's rates.
    pub fn nudge(&mut self, delta: i32) {
        if self.is_programmed() {
            return;
        }
        self.set_spm(self.spm.saturating_add_signed(delta));
    }

    pub fn set_volume(&mut self, volume: f32) {
        let volume = if volume.is_finite() {
            volume.clamp(0.0, 1.0)
        } else {
            self.voicing.volume
        };
        self.voicing.volume = volume;
        if let Some(active) = &self.active
            && let Err(error) = active.handle.set_volume(volume)
        {
            self.notice = Some(format!("The volume did not reach the engine: {error}."));
        }
    }

    pub fn set_accent(&mut self, accent: Accent) {
        self.voicing.accent = accent;
        if let Some(active) = &self.active
            && let Err(error) = active.handle.set_accent(accent)
        {
            self.notice = Some(format!("The accent did not reach the engine: {error}."));
        }
    }

    /// Chooses the click sound; a file that cannot be loaded is refused with the reason.
    pub fn set_sound(&mut self, choice: SoundChoice) -> Result<(), String> {
        let sample_rate = self.sample_rate();
        let click = audio::load_sound(&choice, sample_rate).map_err(|error| error.to_string())?;
        self.sound = choice.clone();
        if let Some(active) = self
            .active
            .as_mut()
            .filter(|active| active.kind == OutputKind::Device)
        {
            active
                .handle
                .set_sound(click)
                .map_err(|error| format!("The sound did not reach the engine: {error}."))?;
            active.sound = choice;
        }
        Ok(())
    }

    /// Plays two clicks of `choice` on the sound card, without choosing it.
    pub fn preview(&mut self, choice: &SoundChoice) -> Result<(), String> {
        if self.is_playing() {
            return Err("Stop the run to preview another sound.".into());
        }
        self.play_short(choice, PREVIEW_SPM, PREVIEW_SECONDS, "preview")
    }

    /// Plays a cue on the sound card (not while a run plays: the run's clicks are the
    /// only sound then).
    pub fn cue(&mut self, cue: Cue) -> Result<(), String> {
        if !self.is_stopped() {
            return Err("A run is playing.".into());
        }
        let (choice, spm, seconds) = cue.sound();
        self.play_short(&choice, spm, seconds, "signal")
    }

    /// Plays the pre-run routine's cues (a [`Warmup`](crate::coach::warmup::Warmup)'s
    /// program, beeps on a muted pulse) on the sound card; a run started meanwhile
    /// replaces it.
    pub fn play_warmup(&mut self, program: &Program) -> Result<(), String> {
        if !self.is_stopped() {
            return Err("A run is playing.".into());
        }
        self.play_program(
            &SoundChoice::Builtin(BuiltinSound::Beep),
            program,
            "warm-up",
        )
    }

    /// A few clicks of `choice` at `spm` for `seconds` on the sound card; `what` names
    /// them in messages. `active.sound` records what the engine now holds, so the next
    /// run puts the chosen click back.
    fn play_short(
        &mut self,
        choice: &SoundChoice,
        spm: f64,
        seconds: f64,
        what: &str,
    ) -> Result<(), String> {
        self.play_program(choice, &Program::steady(spm, Some(seconds)), what)
    }

    /// `program` in `choice`'s sound on the sound card, outside any run.
    fn play_program(
        &mut self,
        choice: &SoundChoice,
        program: &Program,
        what: &str,
    ) -> Result<(), String> {
        self.open_device();
        let Some(active) = self
            .active
            .as_mut()
            .filter(|active| active.kind == OutputKind::Device)
        else {
            return Err(format!("There is no sound card to play the {what} on."));
        };
        let click = audio::load_sound(choice, active.handle.config().sample_rate)
            .map_err(|error| error.to_string())?;
        active.wake();
        let sent = active
            .handle
            .set_sound(click)
            .and_then(|()| active.handle.start(program));
        active.sound = choice.clone();
        sent.map_err(|error| format!("The {what} did not reach the engine: {error}."))
    }

    pub fn set_visual_offset_ms(&mut self, offset_ms: i32) {
        self.beat.offset_ms = offset_ms.clamp(-MAX_VISUAL_OFFSET_MS, MAX_VISUAL_OFFSET_MS);
    }

    /// Switches to another output device (`None`: the system default), carrying on
    /// the run if one is playing. If it cannot be opened, the current output stays.
    pub fn set_device(&mut self, device: Option<String>) {
        if device == self.options.device {
            return;
        }
        self.options.device = device;
        self.switch_to_device(Instant::now());
    }

    /// Switches to another sound system, carrying on the run if one is playing. The
    /// device chosen on the old one means nothing on the new one: the default is used.
    pub fn set_host(&mut self, host: HostChoice) {
        if host == self.options.host {
            return;
        }
        self.options.host = host;
        self.options.device = None;
        self.switch_to_device(Instant::now());
    }

    pub fn host(&self) -> HostChoice {
        self.options.host
    }

    /// The 5 ms buffer instead of 40 ms; reopens the output.
    pub fn set_low_latency(&mut self, low: bool) {
        if low == self.low_latency() {
            return;
        }
        self.options.buffer_frames = OutputOptions::with_latency(low).buffer_frames;
        self.switch_to_device(Instant::now());
    }

    pub fn low_latency(&self) -> bool {
        self.options.buffer_frames == OutputOptions::with_latency(true).buffer_frames
    }

    /// Whether the audio thread got real-time priority, once a device is open.
    pub fn priority(&self) -> Option<String> {
        self.active
            .as_ref()
            .and_then(|active| active.output.priority())
    }

    pub fn devices(&self) -> Result<Vec<audio::DeviceInfo>, String> {
        self.outputs
            .devices(self.options.host)
            .map_err(|error| error.to_string())
    }

    pub fn dismiss_notice(&mut self) {
        self.notice = None;
    }

    // ----- Outputs -----

    fn sample_rate(&self) -> u32 {
        self.active.as_ref().map_or(SILENT_SAMPLE_RATE, |active| {
            active.handle.config().sample_rate
        })
    }

    fn collect_faults(&mut self) {
        let Some(active) = &mut self.active else {
            return;
        };
        for fault in active.output.take_faults() {
            self.notice = Some(format!("Audio problem: {fault}"));
            self.last_fault = Some(fault);
        }
    }

    /// A preview may have left another sound in the engine.
    fn load_chosen_sound(&mut self) {
        let Some(active) = self
            .active
            .as_ref()
            .filter(|active| active.kind == OutputKind::Device && active.sound != self.sound)
        else {
            return;
        };
        let result = audio::load_sound(&self.sound, active.handle.config().sample_rate)
            .map_err(|error| error.to_string())
            .and_then(|click| active.handle.set_sound(click).map_err(|e| e.to_string()));
        match result {
            Ok(()) => {
                if let Some(active) = self.active.as_mut() {
                    active.sound = self.sound.clone();
                }
            }
            Err(error) => self.notice = Some(format!("The chosen sound is not playing: {error}")),
        }
    }
}

/// Whether `program`'s clicks sound at `seconds` into it (the engine's rule: the last
/// change at or before that time decides; audible before any).
fn audible_at(program: &Program, seconds: f64) -> bool {
    program
        .feedback
        .iter()
        .filter(|change| change.at_seconds <= seconds)
        .max_by(|a, b| a.at_seconds.total_cmp(&b.at_seconds))
        .is_none_or(|change| change.audible)
}

fn step_interval(spm: u32) -> Duration {
    Duration::from_secs_f64(60.0 / f64::from(spm.max(1)))
}

/// Long enough to catch the eye, short enough to leave a dark gap at 250 spm.
fn flash_length(spm: u32) -> Duration {
    FLASH_MAX.min(step_interval(spm).mul_f64(0.4))
}

/// The flash shows `offset_ms` before the click is heard (after, when negative).
fn shift(audible_at: Instant, offset_ms: i32) -> Instant {
    let offset = Duration::from_millis(u64::from(offset_ms.unsigned_abs()));
    let shifted = if offset_ms >= 0 {
        audible_at.checked_sub(offset)
    } else {
        audible_at.checked_add(offset)
    };
    shifted.unwrap_or(audible_at)
}

fn seconds_to_duration(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_program_keeps_the_count_and_the_phase() {
        let rate = 48_000;
        // Step 40 fell at 13.5 s; the rate is now 180 spm.
        let program = resume_program(180.0, Some((40, 13.5))).compile(rate);
        let at = |seconds: f64| program.tempo().steps_at_frame(seconds * f64::from(rate));
        assert!((at(13.5) - 40.0).abs() < 1e-9);
        assert!((at(13.5 + 60.0 / 180.0) - 41.0).abs() < 1e-9);
        assert!((at(13.5 + 10.0 * 60.0 / 180.0) - 50.0).abs() < 1e-9);
        // Nothing seen yet: a plain steady program.
        assert_eq!(resume_program(170.0, None), Program::steady(170.0, None));
        assert_eq!(
            resume_program(170.0, Some((0, 0.0))),
            Program::steady(170.0, None)
        );
    }

    #[test]
    fn flashes_are_short_and_shifted_by_the_offset() {
        assert_eq!(flash_length(60), FLASH_MAX);
        assert_eq!(flash_length(250), Duration::from_millis(96));
        let now = Instant::now() + Duration::from_secs(1);
        assert_eq!(shift(now, 200), now - Duration::from_millis(200));
        assert_eq!(shift(now, -200), now + Duration::from_millis(200));
    }
}

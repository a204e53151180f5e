//! Moving a run between outputs: onto the sound card, onto the device-less clock when
//! the card stops, and back on Retry, carrying on at the same frame and rate.

use std::time::Instant;

use super::{Active, Figures, Metronome, MusicClicks, Opened, OutputKind, Playback};
use super::{SILENT_SAMPLE_RATE, STALL, seconds_to_duration};
use crate::engine::{Program, Segment, SoundChoice, TempoMap};

impl Metronome {
    /// Notices a stream that stopped rendering while playing, and keeps the beat on
    /// the silent clock.
    pub(super) fn watch(&mut self, now: Instant) {
        let (Playback::Playing(run), Some(active)) = (&mut self.beat.playback, &self.active) else {
            return;
        };
        let buffers = active.handle.status().buffers;
        if buffers != run.buffers {
            run.buffers = buffers;
            run.heartbeat_at = now;
            return;
        }
        if now.saturating_duration_since(run.heartbeat_at) < STALL {
            return;
        }
        match active.kind {
            OutputKind::Device => {
                let reason = self
                    .last_fault
                    .take()
                    .unwrap_or_else(|| "the audio device stopped responding".into());
                self.notice = None;
                self.problem = Some(format!(
                    "Sound stopped: {reason}. The flash keeps the beat; press Retry to bring the sound back."
                ));
                self.switch_to_silent(now);
            }
            OutputKind::Silent => {
                self.problem = Some("The metronome's clock stopped; press Retry.".into());
                let figures = self.figures();
                self.beat
                    .finish(figures.elapsed.as_secs_f64(), figures.steps);
                self.active = None;
            }
        }
    }

    /// Opens the sound card and moves the run onto it. On failure the current output
    /// (if any) carries on and the problem says why.
    pub(super) fn switch_to_device(&mut self, now: Instant) {
        match self.outputs.open(&self.options, &self.sound, self.voicing) {
            Ok(opened) => {
                self.problem = None;
                self.last_fault = None;
                let sound = self.sound.clone();
                self.replace_output(opened, OutputKind::Device, sound, now);
            }
            Err(error) => {
                let device = self
                    .options
                    .device
                    .as_deref()
                    .unwrap_or("the default output");
                self.problem = Some(format!(
                    "No sound from {device}: {error}. Connect headphones or pick another output in Settings, then press Retry."
                ));
            }
        }
    }

    /// Moves the run onto the device-less clock (its sound is never heard).
    pub(super) fn switch_to_silent(&mut self, now: Instant) {
        let sound = SoundChoice::default();
        match self
            .outputs
            .silent(SILENT_SAMPLE_RATE, &sound, self.voicing)
        {
            Ok(opened) => self.replace_output(opened, OutputKind::Silent, sound, now),
            Err(error) => {
                let figures = self.figures();
                if !matches!(self.beat.playback, Playback::Stopped) {
                    self.beat
                        .finish(figures.elapsed.as_secs_f64(), figures.steps);
                }
                self.active = None;
                let before = self.problem.take().unwrap_or_default();
                self.problem = Some(
                    format!("{before} The flash cannot run without a sound card either: {error}.")
                        .trim_start()
                        .to_owned(),
                );
            }
        }
    }

    /// Installs a new output; a run in progress goes on from where it was.
    pub(super) fn replace_output(
        &mut self,
        (output, handle): Opened,
        kind: OutputKind,
        sound: SoundChoice,
        now: Instant,
    ) {
        let previous = self.active.replace(Active {
            output,
            handle,
            kind,
            sound,
            paused: false,
        });
        let Some(previous) = previous else {
            return;
        };
        // Steps the old output already rendered still flash and still count.
        self.beat.absorb(&previous.handle, now, self.spm);
        let status = previous.handle.status();
        let Playback::Playing(run) = &mut self.beat.playback else {
            return;
        };
        let Some(active) = &self.active else {
            return;
        };
        let seconds = previous
            .handle
            .frames_to_seconds(status.elapsed_frames)
            .max(run.floor.elapsed.as_secs_f64());
        let last_step = run.last_step.map(|step| (step.index, step.seconds));
        // A planned run's program is a function of time: started at the same frame it
        // carries on with the same rates, clicks and step count.
        let program = self
            .program
            .clone()
            .unwrap_or_else(|| resume_program(f64::from(self.spm), last_step));
        let sample_rate = f64::from(active.handle.config().sample_rate);
        let mut at_frame = (seconds * sample_rate).round() as u64;
        if let Some((_, step_seconds)) = last_step {
            // Never sound the last step twice.
            at_frame = at_frame.max((step_seconds * sample_rate).round() as u64 + 1);
        }
        self.start_music(&program, at_frame);
        let music_clicks = if self.music.is_some() {
            self.music_clicks
        } else {
            MusicClicks::On
        };
        self.apply_click_mode(music_clicks);
        let (Playback::Playing(run), Some(active)) = (&mut self.beat.playback, &self.active) else {
            return;
        };
        if let Err(error) = active.handle.start_at(&program, at_frame) {
            self.notice = Some(format!("Could not carry on the run: {error}."));
        }
        let buffers = active.handle.status().buffers;
        run.floor = Figures {
            elapsed: seconds_to_duration(seconds),
            steps: status.steps.max(run.floor.steps),
        };
        run.buffers = buffers;
        run.start_buffers = buffers;
        run.heartbeat_at = now;
        // `previous` drops here, closing the old stream after the new one started.
    }
}

/// A program that carries on a run at `spm`: step `index` fell at `seconds`, so the
/// step count and the phase continue where they were, whatever rates came before.
pub fn resume_program(spm: f64, last_step: Option<(u64, f64)>) -> Program {
    let mut program = Program::steady(spm, None);
    if let Some((index, seconds)) = last_step
        && index > 0
        && seconds > 0.0
    {
        // The first segment lies wholly before the resume point; it only sets how many
        // steps came before.
        program.tempo = TempoMap {
            segments: vec![
                Segment::Hold {
                    spm: index as f64 * 60.0 / seconds,
                    seconds,
                },
                Segment::Hold {
                    spm,
                    seconds: f64::INFINITY,
                },
            ],
        };
    }
    program
}

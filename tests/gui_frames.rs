//! What playing costs the window: the Run screen is drawn when the metronome asks
//! ([`Metronome::next_wake`]), and while playing that is twice a step, flash on and
//! flash off, never a third frame waiting for the step's event. Checked with the
//! simulated sound card (events come a buffer ahead), with the device-less clock (events
//! come after the flash is due) and with a planned run's quiet stretch (no flash, one
//! frame a step for the figures on screen).
//!
//! The loop below is the window's: sleep until the wake asked for, then one frame
//! (`poll`, which is what `logic` does before drawing).

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;

use std::time::{Duration, Instant};

use cadence_coach::audio::{AudioError, DeviceInfo, HostChoice, OutputOptions};
use cadence_coach::engine::{
    Accent, FeedbackChange, Program, Segment, SoundChoice, TempoMap, Voicing,
};
use cadence_coach::ui::metronome::Setup;
use cadence_coach::ui::{DeviceOutputs, Metronome, Opened, OutputFactory, OutputKind};
use clock::ClockOutputs;

/// No sound card: the app's own device-less clock, as on a machine without audio.
struct NoDevice;

impl OutputFactory for NoDevice {
    fn open(&self, _: &OutputOptions, _: &SoundChoice, _: Voicing) -> Result<Opened, AudioError> {
        Err(AudioError::NoDevice)
    }

    fn silent(
        &self,
        sample_rate: u32,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<Opened, AudioError> {
        DeviceOutputs.silent(sample_rate, sound, voicing)
    }

    fn devices(&self, _: HostChoice) -> Result<Vec<DeviceInfo>, AudioError> {
        Ok(Vec::new())
    }
}

fn metronome(outputs: Box<dyn OutputFactory>, spm: u32) -> Metronome {
    Metronome::new(
        outputs,
        Setup {
            device: None,
            host: HostChoice::default(),
            low_latency: false,
            spm,
            sound: SoundChoice::default(),
            voicing: Voicing {
                volume: 0.8,
                accent: Accent::None,
            },
            visual_offset_ms: 0,
        },
    )
}

/// Frames drawn and steps played over `seconds` of the window's loop.
struct Tally {
    frames: u64,
    steps: u64,
    flashes: u64,
}

fn play_for(metronome: &mut Metronome, seconds: f64) -> Tally {
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(seconds);
    let first_steps = metronome.status().map_or(0, |status| status.steps);
    let first_flashes = metronome.flashes_shown();
    let mut frames = 0;
    loop {
        let now = Instant::now();
        metronome.poll(now);
        frames += 1;
        let wake = metronome
            .next_wake(now)
            .expect("a playing metronome asks to be drawn again");
        let at = now + wake;
        if at >= end {
            break;
        }
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
    }
    Tally {
        frames,
        steps: metronome.status().map_or(0, |status| status.steps) - first_steps,
        flashes: metronome.flashes_shown() - first_flashes,
    }
}

/// Two frames a step, and a frame or two to spare: the stall check's, and the one at
/// the start of the measurement.
fn assert_two_frames_a_step(tally: &Tally, what: &str) {
    assert!(
        tally.steps >= 10,
        "{what}: only {} steps played",
        tally.steps
    );
    assert!(
        tally.frames <= 2 * tally.steps + 3,
        "{what}: {} frames for {} steps",
        tally.frames,
        tally.steps
    );
    // Every step flashed (one may straddle each end of the measurement).
    assert!(
        tally.flashes + 2 >= tally.steps,
        "{what}: {} flashes for {} steps",
        tally.flashes,
        tally.steps
    );
}

#[test]
fn a_free_run_on_a_sound_card_is_drawn_twice_a_step() {
    let mut metronome = metronome(Box::new(ClockOutputs::new()), 170);
    metronome.start();
    assert_eq!(metronome.output_kind(), Some(OutputKind::Device));
    // The first step's event, then the measurement.
    play_for(&mut metronome, 0.5);
    let tally = play_for(&mut metronome, 5.0);
    metronome.stop();
    assert_two_frames_a_step(&tally, "sound card");
}

#[test]
fn without_a_sound_card_the_flash_is_foreseen_and_drawn_twice_a_step() {
    let mut metronome = metronome(Box::new(NoDevice), 170);
    metronome.start();
    assert_eq!(metronome.output_kind(), Some(OutputKind::Silent));
    play_for(&mut metronome, 0.5);
    let tally = play_for(&mut metronome, 5.0);
    metronome.stop();
    assert_two_frames_a_step(&tally, "device-less clock");
}

#[test]
fn a_quiet_stretch_flashes_nothing_and_the_clicks_coming_back_flash_again() {
    // 2 s of clicks, 4 s without, then clicks again, at 180 spm.
    let program = Program {
        tempo: TempoMap {
            segments: vec![Segment::Hold {
                spm: 180.0,
                seconds: f64::INFINITY,
            }],
        },
        seconds: None,
        feedback: vec![
            FeedbackChange {
                at_seconds: 2.0,
                audible: false,
            },
            FeedbackChange {
                at_seconds: 6.0,
                audible: true,
            },
        ],
        cues: Vec::new(),
    };
    let mut metronome = metronome(Box::new(ClockOutputs::new()), 180);
    metronome.start_program(program);
    play_for(&mut metronome, 2.3);
    let quiet = play_for(&mut metronome, 3.4);
    // 10 steps went by unheard: no flash, and one frame a step for the figures.
    assert!(quiet.steps >= 9, "{} steps", quiet.steps);
    assert_eq!(quiet.flashes, 0, "a silent step flashed");
    assert!(
        quiet.frames <= quiet.steps + 2,
        "{} frames for {} quiet steps",
        quiet.frames,
        quiet.steps
    );
    play_for(&mut metronome, 0.5);
    let back = play_for(&mut metronome, 3.0);
    metronome.stop();
    assert!(back.steps >= 8, "{} steps", back.steps);
    assert!(back.flashes + 2 >= back.steps, "{} flashes", back.flashes);
    assert!(back.frames <= 2 * back.steps + 3, "{} frames", back.frames);
}

//! The cpal adapter: picks a device, opens a stream and lets the engine fill it.
//!
//! The engine does all the audio work; this module only moves samples (see the crate
//! documentation for the threading rules). In the data callback the engine renders into
//! an `f32` buffer allocated when the stream is built, and the samples are converted to
//! the device's format. Stream errors go into a bounded queue with `try_send` (what does
//! not fit is counted), and buffer sizes and latency into atomics; the control side reads
//! both with [`AudioOutput::faults`] and [`AudioOutput::observed`], never blocking.
//!
//! Without a device, [`AudioOutput::silent`] drives the same engine from a plain thread
//! at real-time pace, so steps and events keep coming.

mod device;
mod fault;
mod host;
mod monitor;
mod output;
mod priority;
mod quiet;
mod silent;
mod sound;
mod supervise;
mod timeline;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use device::{DeviceInfo, HostDevices, devices_by_host, output_devices, output_devices_on};
pub use fault::{Diagnostics, Fault, REPORT_EVERY};
pub use host::{HostChoice, available_host_ids, compiled_host_names};
pub use monitor::Observed;
pub use priority::Priority;
pub use sound::{MAX_SOUND_FILE_BYTES, SoundError, load_sound};

use crate::engine::{EngineConfig, EngineHandle, SoundChoice, Voicing, engine};
use fault::{FaultReceiver, fault_queue};
use monitor::Monitor;
use output::{LiveStream, Shared};
use silent::SilentDriver;
use supervise::Supervisor;

/// What to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputOptions {
    /// The sound system: PipeWire, PulseAudio, ALSA (JACK if named), or the best one.
    pub host: HostChoice,
    /// A device id (`alsa:pulse`) or (part of) a device name; `None` for the default.
    pub device: Option<String>,
    /// Frames per callback to ask for, or `None` for the device's default. Fewer frames
    /// make the clicks follow rate changes sooner at the cost of more wake-ups.
    pub buffer_frames: Option<u32>,
}

/// 1920 frames is 40 ms at 48 kHz. A runner needs a click that never slips, not one
/// that follows a rate change within milliseconds (the flash on screen is timed from
/// the playback times, so it is not late either). Through PulseAudio the server's main
/// thread carries the sound of a native Rust client, and with both cores busy a
/// minute of clicks ran dry (or came late) once in 3 runs with 10 ms buffers, once in
/// 7 with 20 ms, and never in 20 with 40 ms (`tests/device_load.rs`). Fewer wake-ups
/// also cost less CPU. The output grows it by itself if underruns repeat.
pub const DEFAULT_BUFFER_FRAMES: u32 = 1920;
/// `--low-latency`: 5.3 ms at 48 kHz, for those who want the quickest response.
pub const LOW_LATENCY_BUFFER_FRAMES: u32 = 256;

impl Default for OutputOptions {
    fn default() -> Self {
        Self {
            host: HostChoice::Auto,
            device: None,
            buffer_frames: Some(DEFAULT_BUFFER_FRAMES),
        }
    }
}

impl OutputOptions {
    /// The default options with the quick buffer when `low_latency` is set.
    pub fn with_latency(low_latency: bool) -> Self {
        Self {
            buffer_frames: Some(if low_latency {
                LOW_LATENCY_BUFFER_FRAMES
            } else {
                DEFAULT_BUFFER_FRAMES
            }),
            ..Self::default()
        }
    }
}

/// The buffer size the stream was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferSetting {
    /// The device accepted a fixed number of frames per callback.
    Fixed(u32),
    /// The device refused a fixed size (or none was asked for) and chose its own.
    DeviceDefault,
    /// No device: a timer renders every few milliseconds.
    NoDevice,
}

/// What was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputInfo {
    /// The sound system: "pipewire", "pulseaudio", "alsa", ... ("none" without a device).
    pub host: String,
    pub device_name: String,
    /// The id `--device` accepts; `None` without a device.
    pub device_id: Option<String>,
    pub sample_rate: u32,
    pub channels: u16,
    /// As cpal writes it: "f32", "i16", "i24", ...
    pub sample_format: String,
    pub buffer: BufferSetting,
}

impl OutputInfo {
    /// "fixed 256-frame buffer (5.3 ms)", "the device's default buffer", ...
    pub fn buffer_description(&self) -> String {
        match self.buffer {
            BufferSetting::Fixed(frames) => format!(
                "fixed {frames}-frame buffer ({:.1} ms)",
                f64::from(frames) * 1e3 / f64::from(self.sample_rate.max(1))
            ),
            BufferSetting::DeviceDefault => "the device's default buffer".to_owned(),
            BufferSetting::NoDevice => format!(
                "no device, paced by the clock every {} ms",
                silent::TICK.as_millis()
            ),
        }
    }

    pub fn has_device(&self) -> bool {
        self.buffer != BufferSetting::NoDevice
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error(
        "no audio output device found; check that your sound server is running, or pick a device"
    )]
    NoDevice,
    #[error("no audio output device matches '{wanted}'; the devices are: {available}")]
    DeviceNotFound { wanted: String, available: String },
    #[error(
        "the audio device '{device}' is busy; close the program using it or pick another device"
    )]
    Busy { device: String },
    #[error(
        "the audio device '{device}' offers no usable output format ({error}); pick another device"
    )]
    NoConfig { device: String, error: cpal::Error },
    #[error(
        "the default audio output does not open ({error}); check that your sound server is running, or pick a device"
    )]
    DefaultUnavailable { error: cpal::Error },
    #[error(
        "the audio device '{device}' only offers {format} samples, which cannot be played; pick another device"
    )]
    UnsupportedFormat { device: String, format: String },
    #[error("cannot open an audio stream on '{device}' ({error}); pick another device")]
    Build { device: String, error: cpal::Error },
    #[error("cannot start the audio stream on '{device}' ({error}); pick another device")]
    Play { device: String, error: cpal::Error },
    #[error("cannot list the audio devices ({0}); check that your sound server is running")]
    Enumerate(cpal::Error),
    #[error("the sound system '{host}' is not running here; try another one or auto")]
    HostUnavailable { host: String },
    #[error("the sound system '{host}' does not answer ({error}); try another one or auto")]
    HostFailed { host: String, error: cpal::Error },
    #[error("cannot start the audio thread ({0}); the system may be out of resources")]
    Thread(std::io::Error),
    #[error(transparent)]
    Sound(#[from] SoundError),
}

/// A running output: the stream (or the silent driver) plus what it reports. Dropping it
/// stops the sound.
///
/// Call [`AudioOutput::faults`] now and then (a few times a second) from the control
/// thread: besides reporting, it keeps the output going, reopening it with a larger
/// buffer after repeated underruns and following the default device when it changes,
/// around the same engine, so the run and its rhythm carry on.
pub struct AudioOutput {
    info: OutputInfo,
    monitor: Arc<Monitor>,
    faults: FaultReceiver,
    driver: Driver,
    priority: Priority,
    shared: Option<Shared>,
}

enum Driver {
    Stream(Box<Supervisor>),
    Silent(SilentDriver),
}

impl AudioOutput {
    /// Opens the default device, or the one `options.device` names, at its own sample
    /// rate, channel count and sample format, and returns the handle of the engine that
    /// feeds it. The sound is prepared here, at the device's rate.
    pub fn open(
        options: &OutputOptions,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<(AudioOutput, EngineHandle), AudioError> {
        output::open(options, sound, voicing)
    }

    fn from_stream(
        info: OutputInfo,
        live: LiveStream,
        shared: Shared,
        faults: FaultReceiver,
        priority: Priority,
        follows_default: bool,
    ) -> Self {
        AudioOutput {
            monitor: Arc::clone(&shared.monitor),
            faults,
            driver: Driver::Stream(Box::new(Supervisor::new(
                live,
                info.buffer,
                follows_default,
            ))),
            info,
            priority,
            shared: Some(shared),
        }
    }

    /// The same engine with no device: a thread renders by the wall clock, ~10 ms at a
    /// time, and discards the samples. Events are timed at their render time.
    pub fn silent(
        sample_rate: u32,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<(AudioOutput, EngineHandle), AudioError> {
        let sample_rate = sample_rate.max(1);
        let click = load_sound(sound, sample_rate)?;
        let channels = 1;
        let (engine, handle) = engine(
            EngineConfig {
                sample_rate,
                channels,
            },
            click,
            voicing,
        );
        let monitor = Arc::new(Monitor::new(sample_rate));
        let driver =
            SilentDriver::start(engine, Arc::clone(&monitor)).map_err(AudioError::Thread)?;
        // Nothing reports faults without a device; the queue stays empty.
        let (_, faults) = fault_queue(sample_rate);
        let info = OutputInfo {
            host: "none".to_owned(),
            device_name: "no audio device".to_owned(),
            device_id: None,
            sample_rate,
            channels,
            sample_format: "f32".to_owned(),
            buffer: BufferSetting::NoDevice,
        };
        let output = AudioOutput {
            info,
            monitor,
            faults,
            driver: Driver::Silent(driver),
            priority: Priority::NotApplicable,
            shared: None,
        };
        Ok((output, handle))
    }

    pub fn info(&self) -> &OutputInfo {
        &self.info
    }

    /// Whether the audio thread runs with real-time priority.
    pub fn priority(&self) -> &Priority {
        &self.priority
    }

    /// The callback size and latency actually seen, once the first callback has run.
    pub fn observed(&self) -> Option<Observed> {
        self.monitor.observed()
    }

    /// What a runner should be told since the last call (at most one line per kind per
    /// minute), after keeping the output going: see the type's documentation.
    pub fn faults(&mut self) -> Vec<Fault> {
        let now = Instant::now();
        let mut faults = self.faults.drain(now);
        if let Driver::Stream(supervisor) = &mut self.driver {
            supervisor.maintain(now, &mut faults, &mut self.faults);
            self.info.buffer = supervisor.buffer();
            self.priority = supervisor.priority().clone();
            if let Some((name, id)) = supervisor.device() {
                self.info.device_name = name;
                self.info.device_id = id;
            }
        }
        faults
    }

    /// Everything counted, shown or not.
    pub fn diagnostics(&self) -> Diagnostics {
        self.faults.diagnostics()
    }

    /// Pauses the stream while nothing plays, so an idle window costs no CPU; resumes it
    /// for the next run (the first click then comes within one buffer).
    pub fn set_paused(&mut self, paused: bool) {
        if let Driver::Stream(supervisor) = &mut self.driver {
            supervisor.set_paused(paused);
        }
    }

    /// False once the stream has died (device gone, stream invalidated, a reopen that
    /// failed) or the silent thread has stopped; the output must then be reopened.
    pub fn is_alive(&self) -> bool {
        match &self.driver {
            Driver::Stream(supervisor) => self.faults.stream_alive() && supervisor.is_alive(),
            Driver::Silent(driver) => driver.is_running(),
        }
    }

    /// Test hook: the next callback sleeps for `stall` before rendering, as a machine
    /// too busy to run the audio thread would make it. Not for normal use.
    #[doc(hidden)]
    pub fn stall_once_for_testing(&self, stall: Duration) {
        if let Some(shared) = &self.shared {
            let micros = u64::try_from(stall.as_micros()).unwrap_or(u64::MAX);
            shared
                .hooks
                .stall_micros
                .store(micros, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::engine::{BuiltinSound, EngineEvent, Program};

    #[test]
    fn the_silent_output_keeps_time_by_the_clock() {
        let (output, handle) = AudioOutput::silent(
            48_000,
            &SoundChoice::Builtin(BuiltinSound::Beep),
            Voicing::default(),
        )
        .unwrap();
        assert!(!output.info().has_device());
        assert!(output.info().buffer_description().contains("no device"));
        let started = Instant::now();
        // 600 spm: a step every 100 ms, 0.5 s long.
        handle.start(&Program::steady(600.0, Some(0.5))).unwrap();
        let mut steps = Vec::new();
        let finished = loop {
            std::thread::sleep(Duration::from_millis(5));
            let mut done = None;
            for event in handle.events() {
                match event {
                    EngineEvent::Step { audible_at, .. } => steps.push(audible_at.unwrap()),
                    EngineEvent::Finished { steps, .. } => done = Some(steps),
                    EngineEvent::Stopped { .. } => {}
                }
            }
            if let Some(done) = done {
                break done;
            }
            assert!(started.elapsed() < Duration::from_secs(5), "never finished");
        };
        let took = started.elapsed();
        assert_eq!(finished, 5);
        assert_eq!(steps.len(), 5);
        // Real-time pace: not faster than the program, and not much slower.
        assert!(took >= Duration::from_millis(450), "{took:?}");
        assert!(took < Duration::from_millis(1_500), "{took:?}");
        for pair in steps.windows(2) {
            let gap = pair[1] - pair[0];
            assert!(
                gap.abs_diff(Duration::from_millis(100)) < Duration::from_micros(50),
                "{gap:?}"
            );
        }
        assert!(output.is_alive());
        let mut output = output;
        assert!(output.faults().is_empty());
        let observed = output.observed().unwrap();
        assert_eq!(observed.latency, None);
        drop(output);
        // The engine went with the thread.
        assert!(handle.start(&Program::steady(170.0, None)).is_err());
    }
}

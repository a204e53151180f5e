//! A stand-in for the sound card: the real engine, rendered by a thread at real-time
//! pace, as a cpal callback would. Only the device is simulated, so tests (and the
//! `gui_without_device` example) exercise everything else. The "device" can be
//! unplugged and plugged back in to test failing over and Retry.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cadence_coach::audio::{
    AudioError, BufferSetting, DeviceInfo, HostChoice, Observed, OutputInfo, OutputOptions,
    load_sound,
};
use cadence_coach::engine::{BuiltinSound, EngineConfig, SoundChoice, Voicing, engine};
use cadence_coach::ui::{Opened, Output, OutputFactory};
use crossbeam_channel::{Receiver, Sender, unbounded};

pub const DEVICE_NAME: &str = "Simulated headphones";
const SAMPLE_RATE: u32 = 48_000;
/// 10 ms per buffer, like a relaxed sound server.
const BLOCK_FRAMES: usize = 480;
/// What the simulated device adds between rendering and the listener's ear.
const LATENCY: Duration = Duration::from_millis(20);

#[derive(Clone)]
pub struct ClockOutputs {
    shared: Arc<Shared>,
}

struct Shared {
    present: AtomicBool,
    /// Bumped on unplug: device threads of an older generation die.
    generation: AtomicU64,
    /// The loudest sample played on the device since it was last read (f32 bits).
    loudest: AtomicU32,
}

impl ClockOutputs {
    pub fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                present: AtomicBool::new(true),
                generation: AtomicU64::new(0),
                loudest: AtomicU32::new(0),
            }),
        }
    }

    /// The loudest sample the device played since the last call.
    pub fn take_loudest(&self) -> f32 {
        f32::from_bits(self.shared.loudest.swap(0, Ordering::SeqCst))
    }

    /// The device goes away: open streams stop with a fault, and opening fails.
    pub fn unplug(&self) {
        self.shared.present.store(false, Ordering::SeqCst);
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn plug_in(&self) {
        self.shared.present.store(true, Ordering::SeqCst);
    }
}

impl OutputFactory for ClockOutputs {
    fn open(
        &self,
        _options: &OutputOptions,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<Opened, AudioError> {
        if !self.shared.present.load(Ordering::SeqCst) {
            return Err(AudioError::NoDevice);
        }
        // A real adapter reports an unloadable file; tests only use the built-in ones.
        let click = load_sound(sound, SAMPLE_RATE)
            .unwrap_or_else(|_| BuiltinSound::default().synthesize(SAMPLE_RATE));
        let generation = self.shared.generation.load(Ordering::SeqCst);
        Ok(ClockOutput::spawn(
            DEVICE_NAME,
            SAMPLE_RATE,
            click,
            voicing,
            Some((Arc::clone(&self.shared), generation)),
        ))
    }

    fn silent(
        &self,
        sample_rate: u32,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<Opened, AudioError> {
        let click = load_sound(sound, sample_rate)?;
        Ok(ClockOutput::spawn(
            "no device",
            sample_rate,
            click,
            voicing,
            None,
        ))
    }

    fn devices(&self, _host: HostChoice) -> Result<Vec<DeviceInfo>, AudioError> {
        if !self.shared.present.load(Ordering::SeqCst) {
            return Ok(Vec::new());
        }
        Ok(vec![DeviceInfo {
            name: DEVICE_NAME.into(),
            id: "test:simulated".into(),
            is_default: true,
            default_config: Some(format!("{SAMPLE_RATE} Hz, 2 channels, f32")),
        }])
    }
}

struct ClockOutput {
    info: OutputInfo,
    stop: Arc<AtomicBool>,
    faults: Receiver<String>,
    thread: Option<JoinHandle<()>>,
}

impl ClockOutput {
    fn spawn(
        name: &str,
        sample_rate: u32,
        click: cadence_coach::engine::ClickSound,
        voicing: Voicing,
        device: Option<(Arc<Shared>, u64)>,
    ) -> Opened {
        let (mut engine, handle) = engine(
            EngineConfig {
                sample_rate,
                channels: 2,
            },
            click,
            voicing,
        );
        let stop = Arc::new(AtomicBool::new(false));
        let (fault_tx, faults) = unbounded();
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut buffer = vec![0.0f32; BLOCK_FRAMES * 2];
                let start = Instant::now();
                let mut frames = 0u64;
                let at = |frames: u64| {
                    start + Duration::from_secs_f64(frames as f64 / f64::from(sample_rate))
                };
                while !stop.load(Ordering::SeqCst) {
                    if unplugged(device.as_ref(), &fault_tx) {
                        return;
                    }
                    engine.render_timed(&mut buffer, Some(at(frames) + LATENCY));
                    if let Some((shared, _)) = &device {
                        // Non-negative floats order like their bits.
                        let loudest = buffer.iter().fold(0.0f32, |m, s| m.max(s.abs()));
                        shared
                            .loudest
                            .fetch_max(loudest.to_bits(), Ordering::SeqCst);
                    }
                    frames += BLOCK_FRAMES as u64;
                    // Keep one buffer ahead of real time, as a sound card's queue does.
                    let due = at(frames.saturating_sub(BLOCK_FRAMES as u64));
                    std::thread::sleep(due.saturating_duration_since(Instant::now()));
                }
            })
        };
        let output = ClockOutput {
            info: OutputInfo {
                host: "simulated".into(),
                device_name: name.into(),
                sample_rate,
                channels: 2,
                sample_format: "f32".into(),
                device_id: None,
                buffer: BufferSetting::Fixed(BLOCK_FRAMES as u32),
            },
            stop,
            faults,
            thread: Some(thread),
        };
        (Box::new(output), handle)
    }
}

fn unplugged(device: Option<&(Arc<Shared>, u64)>, faults: &Sender<String>) -> bool {
    let Some((shared, generation)) = device else {
        return false;
    };
    if shared.generation.load(Ordering::SeqCst) == *generation {
        return false;
    }
    let _ = faults.send("the device was unplugged".into());
    true
}

impl Output for ClockOutput {
    fn info(&self) -> &OutputInfo {
        &self.info
    }

    fn observed(&self) -> Option<Observed> {
        Some(Observed {
            callback_frames: BLOCK_FRAMES as u32,
            min_frames: BLOCK_FRAMES as u32,
            max_frames: BLOCK_FRAMES as u32,
            latency: Some(LATENCY),
            sample_rate: self.info.sample_rate,
            callbacks: 1,
        })
    }

    fn take_faults(&mut self) -> Vec<String> {
        self.faults.try_iter().collect()
    }
}

impl Drop for ClockOutput {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

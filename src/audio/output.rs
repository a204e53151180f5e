//! The cpal output stream. It only moves samples: the engine renders `f32` into a
//! buffer allocated here, and the callback converts them to whatever the device takes.

use std::cell::UnsafeCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{
    BufferSize, Device, FromSample, Host, I24, OutputCallbackInfo, SampleFormat, SizedSample,
    Stream, StreamConfig, SupportedBufferSize, SupportedStreamConfig, U24,
};

use super::device::{default_config, find_output_device, host_for, name_of};
use super::fault::{FaultSender, FaultShared, fault_queue};
use super::monitor::Monitor;
use super::priority::{Priority, ThreadCapture, ThreadSnapshot};
use super::quiet::quietly;
use super::timeline::{AfterUnderrun, Correction, MIN_GAP, PlaybackTimeline};
use super::{AudioError, AudioOutput, BufferSetting, OutputInfo, OutputOptions, load_sound};
use crate::engine::{Engine, EngineConfig, EngineHandle, MAX_BLOCK, SoundChoice, Voicing, engine};

/// Given to cpal: backends that wait while building give up after this long, and ALSA's
/// worker checks this often that the device is still there.
const DEVICE_TIMEOUT: Duration = Duration::from_secs(2);
/// The largest sample an integer format can hold, as f32: converting 1.0 would be one
/// past the top for 24-bit samples.
const TOP: f32 = 1.0 - f32::EPSILON;

/// What a callback shares with the control side.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) monitor: Arc<Monitor>,
    pub(crate) faults: Arc<FaultShared>,
    pub(crate) hooks: Arc<Hooks>,
    pub(crate) priority: Arc<ThreadCapture>,
}

/// A stream and what is needed to build it again around the same player.
pub(crate) struct LiveStream {
    stream: Option<Stream>,
    host: Host,
    device: Device,
    format: SampleFormat,
    config: StreamConfig,
    player: Arc<PlayerSlot>,
    shared: Shared,
    fault_tx: Arc<FaultSender>,
    paused: bool,
    /// What the current stream's threads got.
    priority: Priority,
    /// A stream rebuilt while paused has no callback yet to promote: done on resume.
    unpromoted: Option<ThreadSnapshot>,
}

impl LiveStream {
    pub(crate) fn config(&self) -> StreamConfig {
        self.config
    }

    /// Builds a new stream around the same player, with `buffer` frames (or the
    /// device's default) on `device` (or the same one). The old stream is closed first,
    /// so its callback has let go of the player and an exclusive device is free; the
    /// frames missed meanwhile are found from the playback times and skipped, so the
    /// rhythm carries on. On failure no stream is left and the output counts as dead.
    pub(crate) fn rebuild(
        &mut self,
        device: Option<Device>,
        buffer: BufferSetting,
    ) -> Result<(), cpal::Error> {
        let config = StreamConfig {
            buffer_size: match buffer {
                BufferSetting::Fixed(frames) => BufferSize::Fixed(frames),
                _ => BufferSize::Default,
            },
            ..self.config
        };
        let device = device.unwrap_or_else(|| self.device.clone());
        self.stream = None;
        // The new stream calls back on new threads, which need raising again.
        self.shared.priority.reset();
        let threads = ThreadSnapshot::take();
        let stream = quietly(|| {
            build(
                &device,
                self.format,
                (config, after_underrun(&self.host, &config)),
                &self.player,
                &self.shared,
                &self.fault_tx,
            )
        })?;
        let started = Instant::now();
        if self.paused {
            self.unpromoted = Some(threads);
        } else {
            stream.play()?;
            self.priority = self
                .shared
                .priority
                .promote(started, &threads.started_since());
        }
        self.stream = Some(stream);
        self.device = device;
        self.config = config;
        Ok(())
    }

    /// What the audio threads of the current stream got.
    pub(crate) fn priority(&self) -> &Priority {
        &self.priority
    }

    pub(crate) fn has_stream(&self) -> bool {
        self.stream.is_some()
    }

    /// Pauses or resumes the stream (no callbacks, no CPU, while stopped).
    pub(crate) fn set_paused(&mut self, paused: bool) -> Result<(), cpal::Error> {
        if paused == self.paused {
            return Ok(());
        }
        if let Some(stream) = &self.stream {
            if paused {
                stream.pause()?;
            } else {
                let started = Instant::now();
                stream.play()?;
                if let Some(threads) = self.unpromoted.take() {
                    self.priority = self
                        .shared
                        .priority
                        .promote(started, &threads.started_since());
                }
            }
        }
        self.paused = paused;
        Ok(())
    }

    pub(crate) fn host(&self) -> &Host {
        &self.host
    }

    pub(crate) fn device_id(&self) -> Option<String> {
        self.device.id().ok().map(|id| id.to_string())
    }
}

pub(super) fn open(
    options: &OutputOptions,
    sound: &SoundChoice,
    voicing: Voicing,
) -> Result<(AudioOutput, EngineHandle), AudioError> {
    // ALSA prints to stderr while devices are looked up and opened.
    quietly(|| {
        let host = host_for(options.host, options.device.as_deref()).resolve()?;
        let device = find_output_device(&host, options.device.as_deref())?;
        let name = name_of(&device);
        let supported = playable_config(&device, &name, options.device.is_none())?;
        let (sample_rate, channels) = (supported.sample_rate(), supported.channels());
        let format = supported.sample_format();
        // Decoding and synthesis allocate: done here, never on the audio thread.
        let click = load_sound(sound, sample_rate)?;

        let mut attempts = Vec::with_capacity(2);
        if let Some(frames) = options.buffer_frames {
            let frames = match *supported.buffer_size() {
                // Not `clamp`: it panics if a driver reports min > max.
                SupportedBufferSize::Range { min, max } => frames.max(min).min(max).max(1),
                SupportedBufferSize::Unknown => frames.max(1),
            };
            attempts.push(BufferSetting::Fixed(frames));
        }
        attempts.push(BufferSetting::DeviceDefault);

        let mut failure = None;
        for buffer in attempts {
            let config = StreamConfig {
                channels,
                sample_rate,
                buffer_size: match buffer {
                    BufferSetting::Fixed(frames) => BufferSize::Fixed(frames),
                    _ => BufferSize::Default,
                },
            };
            let (engine, handle) = engine(
                EngineConfig {
                    sample_rate,
                    channels,
                },
                click.clone(),
                voicing,
            );
            let player = Arc::new(PlayerSlot::new(engine));
            let (fault_tx, fault_rx) = fault_queue(sample_rate);
            let shared = Shared {
                monitor: Arc::new(Monitor::new(sample_rate)),
                faults: fault_tx.shared(),
                hooks: Arc::new(Hooks::default()),
                priority: Arc::new(ThreadCapture::default()),
            };
            let fault_tx = Arc::new(fault_tx);
            let threads = ThreadSnapshot::take();
            let timing = (config, after_underrun(&host, &config));
            let stream = match build(&device, format, timing, &player, &shared, &fault_tx) {
                Ok(stream) => stream,
                Err(error) => {
                    failure = Some(AudioError::Build {
                        device: name.clone(),
                        error,
                    });
                    continue;
                }
            };
            // cpal 0.18 creates streams paused.
            let started = Instant::now();
            if let Err(error) = stream.play() {
                failure = Some(AudioError::Play {
                    device: name.clone(),
                    error,
                });
                continue;
            }
            let priority = shared.priority.promote(started, &threads.started_since());
            let info = OutputInfo {
                host: host.id().to_string(),
                device_name: name,
                device_id: device.id().ok().map(|id| id.to_string()),
                sample_rate,
                channels,
                sample_format: format.to_string(),
                buffer,
            };
            let live = LiveStream {
                stream: Some(stream),
                host,
                device,
                format,
                config,
                player,
                shared: shared.clone(),
                fault_tx,
                paused: false,
                priority: priority.clone(),
                unpromoted: None,
            };
            let output = AudioOutput::from_stream(
                info,
                live,
                shared,
                fault_rx,
                priority,
                options.device.is_none(),
            );
            return Ok((output, handle));
        }
        Err(failure.unwrap_or(AudioError::NoDevice))
    })
}

/// The device's default format if we can play it, else the first one we can.
fn playable_config(
    device: &Device,
    name: &str,
    is_default: bool,
) -> Result<SupportedStreamConfig, AudioError> {
    let preferred = default_config(device, name, is_default)?;
    if is_playable(preferred.sample_format()) {
        return Ok(preferred);
    }
    let fallback = device
        .supported_output_configs()
        .ok()
        .and_then(|mut ranges| {
            ranges
                .find(|range| is_playable(range.sample_format()))
                .map(|range| {
                    range
                        .try_with_standard_sample_rate()
                        .unwrap_or_else(|| range.with_max_sample_rate())
                })
        });
    fallback.ok_or_else(|| AudioError::UnsupportedFormat {
        device: name.to_owned(),
        format: preferred.sample_format().to_string(),
    })
}

fn is_playable(format: SampleFormat) -> bool {
    use SampleFormat::*;
    matches!(
        format,
        I8 | I16 | I24 | I32 | I64 | U8 | U16 | U24 | U32 | U64 | F32 | F64
    )
}

fn build(
    device: &Device,
    format: SampleFormat,
    (config, after_underrun): (StreamConfig, AfterUnderrun),
    player: &Arc<PlayerSlot>,
    shared: &Shared,
    faults: &Arc<FaultSender>,
) -> Result<Stream, cpal::Error> {
    let callback = Callback::new(Arc::clone(player), config, shared.clone(), after_underrun);
    let faults = Arc::clone(faults);
    match format {
        SampleFormat::F32 => build_typed::<f32>(device, config, callback, faults),
        SampleFormat::F64 => build_typed::<f64>(device, config, callback, faults),
        SampleFormat::I8 => build_typed::<i8>(device, config, callback, faults),
        SampleFormat::I16 => build_typed::<i16>(device, config, callback, faults),
        SampleFormat::I24 => build_typed::<I24>(device, config, callback, faults),
        SampleFormat::I32 => build_typed::<i32>(device, config, callback, faults),
        SampleFormat::I64 => build_typed::<i64>(device, config, callback, faults),
        SampleFormat::U8 => build_typed::<u8>(device, config, callback, faults),
        SampleFormat::U16 => build_typed::<u16>(device, config, callback, faults),
        SampleFormat::U24 => build_typed::<U24>(device, config, callback, faults),
        SampleFormat::U32 => build_typed::<u32>(device, config, callback, faults),
        SampleFormat::U64 => build_typed::<u64>(device, config, callback, faults),
        // playable_config() only picks the formats above.
        _ => Err(cpal::Error::new(cpal::ErrorKind::UnsupportedConfig)),
    }
}

/// What `host` does with an underrun on a stream of `config`: the patched cpal opens
/// fixed-size PulseAudio streams without pre-buffering (vendor/README.md), so the server
/// keeps time and drops what came late; everywhere else the late frames are played.
fn after_underrun(host: &Host, config: &StreamConfig) -> AfterUnderrun {
    if host.id().to_string() == "pulseaudio" && matches!(config.buffer_size, BufferSize::Fixed(_)) {
        AfterUnderrun::DropsLate
    } else {
        AfterUnderrun::PlaysLate
    }
}

fn build_typed<T>(
    device: &Device,
    config: StreamConfig,
    mut callback: Callback,
    faults: Arc<FaultSender>,
) -> Result<Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    device.build_output_stream(
        config,
        move |data: &mut [T], info: &OutputCallbackInfo| {
            // Aborts a debug build if anything in here allocates or frees.
            assert_no_alloc::assert_no_alloc(|| {
                let timestamp = info.timestamp();
                // Saturating: a device that reports nothing gives zero.
                let latency = timestamp.playback - timestamp.callback;
                callback.fill(data, Instant::now(), latency);
            });
        },
        move |error| faults.report(error),
        Some(DEVICE_TIMEOUT),
    )
}

/// The engine and what must outlive any one stream: when the output is reopened (a
/// larger buffer, another device) the new stream's callback takes over the very same
/// engine, so the program, live rate changes and the grid carry on untouched.
pub(crate) struct Player {
    pub(crate) engine: Engine,
    timeline: PlaybackTimeline,
    /// Frames of silence still to play before the engine's next frame.
    hold: u64,
}

/// The player, shared by the streams that take turns with it. A callback takes it with a
/// single compare-and-swap and gives it back at the end; one that finds it taken (only
/// possible for a moment while an old stream winds down) plays silence. Nothing waits.
pub(crate) struct PlayerSlot {
    busy: AtomicBool,
    player: UnsafeCell<Player>,
}

// SAFETY: the player is only reached through `with`, which gives one caller at a time
// exclusive access (the `busy` flag), and `Player` is `Send`.
unsafe impl Sync for PlayerSlot {}

impl PlayerSlot {
    pub(crate) fn new(engine: Engine) -> Self {
        let timeline = PlaybackTimeline::new(engine.sample_rate());
        Self {
            busy: AtomicBool::new(false),
            player: UnsafeCell::new(Player {
                engine,
                timeline,
                hold: 0,
            }),
        }
    }

    /// Runs `f` with the player if nobody else has it; never blocks.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Player) -> R) -> Option<R> {
        self.busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        // SAFETY: the flag was false and is now ours: nobody else holds a reference.
        let result = f(unsafe { &mut *self.player.get() });
        self.busy.store(false, Ordering::Release);
        Some(result)
    }
}

/// Test hooks the callback reads; all zero in normal use.
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    /// Sleep this many microseconds once, in the next callback: a forced underrun.
    pub(crate) stall_micros: AtomicU64,
}

/// The audio thread's state: the shared player and a scratch buffer allocated up front.
pub(crate) struct Callback {
    player: Arc<PlayerSlot>,
    scratch: Box<[f32]>,
    channels: usize,
    sample_rate: u32,
    monitor: Arc<Monitor>,
    faults: Arc<FaultShared>,
    hooks: Arc<Hooks>,
    priority: Arc<ThreadCapture>,
    /// When this stream's first callback ran.
    started: Option<Instant>,
    after_underrun: AfterUnderrun,
}

/// A new stream's reported times settle for a moment (the server fills its buffer and
/// starts the sink); a loss found then is corrected but not reported as an underrun.
const SETTLING: Duration = Duration::from_secs(2);

impl Callback {
    pub(crate) fn new(
        player: Arc<PlayerSlot>,
        config: StreamConfig,
        shared: Shared,
        after_underrun: AfterUnderrun,
    ) -> Self {
        let channels = usize::from(config.channels.max(1));
        // Fixed buffers usually arrive whole; anything longer is rendered in chunks,
        // which gives the same samples (the engine carries its state across calls).
        let frames = match config.buffer_size {
            BufferSize::Fixed(frames) => usize::try_from(frames).unwrap_or(MAX_BLOCK),
            BufferSize::Default => MAX_BLOCK,
        }
        .clamp(MAX_BLOCK, 4 * MAX_BLOCK);
        Self {
            player,
            scratch: vec![0.0; frames * channels].into_boxed_slice(),
            channels,
            sample_rate: config.sample_rate.max(1),
            monitor: shared.monitor,
            faults: shared.faults,
            hooks: shared.hooks,
            priority: shared.priority,
            started: None,
            after_underrun,
        }
    }

    /// Renders one device buffer. `latency` is how long after `now` its first frame is
    /// heard. No allocation, locking, blocking or panicking (the stall hook aside).
    pub(crate) fn fill<T>(&mut self, data: &mut [T], now: Instant, latency: Duration)
    where
        T: SizedSample + FromSample<f32>,
    {
        self.priority.capture();
        let frames = data.len() / self.channels;
        self.monitor.record(frames, Some(latency));
        let audible_at = now.checked_add(latency);
        let started = *self.started.get_or_insert(now);
        let settled_stream = now.saturating_duration_since(started) >= SETTLING;
        let Self {
            player,
            scratch,
            channels,
            sample_rate,
            faults,
            after_underrun,
            ..
        } = self;
        let rendered = player.with(|player| {
            let mut data = &mut *data;
            if let Some(at) = audible_at {
                if player.engine.is_playing() {
                    let (correction, settled) =
                        player.timeline.observe(at, frames, *after_underrun);
                    match correction {
                        // The device played silence for that long: those frames are
                        // gone, so the engine moves on to the frame that is due now.
                        Correction::Skip(lost) => player.engine.skip(lost),
                        // An earlier skip overshot: wait that long instead.
                        Correction::Hold(early) => player.hold = player.hold.saturating_add(early),
                        Correction::None => {}
                    }
                    if let Some(settled) = settled
                        && settled_stream
                        && settled.lost_frames >= min_gap_frames(*sample_rate)
                    {
                        faults.record_gap(settled.lost_frames);
                    }
                } else {
                    player.timeline.anchor(at, frames);
                    player.hold = 0;
                }
            }
            let mut audible_at = audible_at;
            // Silence is held only between clicks, never cutting one short.
            if player.hold > 0 && player.engine.is_quiet() {
                let held = player.hold.min(frames as u64);
                let split = usize::try_from(held).unwrap_or(frames) * *channels;
                let (silent, rest) = data.split_at_mut(split.min(data.len()));
                silent.fill(T::EQUILIBRIUM);
                player.hold -= held;
                audible_at = audible_at
                    .and_then(|at| at.checked_add(frames_to_duration(held, *sample_rate)));
                data = rest;
            }
            render_chunks(
                &mut player.engine,
                scratch,
                data,
                *channels,
                *sample_rate,
                audible_at,
            );
            faults.set_playing(player.engine.is_playing());
        });
        if rendered.is_none() {
            data.fill(T::EQUILIBRIUM);
        }
        // After the buffer is handed over, as when a busy machine leaves the thread
        // waiting before its next turn: the next callback comes too late.
        let stall = self.hooks.stall_micros.swap(0, Ordering::Relaxed);
        if stall > 0 {
            std::thread::sleep(Duration::from_micros(stall));
        }
    }
}

/// The engine renders into `scratch` and the samples are converted into `data`.
fn render_chunks<T>(
    engine: &mut Engine,
    scratch: &mut [f32],
    data: &mut [T],
    channels: usize,
    sample_rate: u32,
    audible_at: Option<Instant>,
) where
    T: SizedSample + FromSample<f32>,
{
    let chunk_len = scratch.len();
    if chunk_len == 0 {
        data.fill(T::EQUILIBRIUM);
        return;
    }
    let mut frames_done = 0u64;
    for chunk in data.chunks_mut(chunk_len) {
        let Some(scratch) = scratch.get_mut(..chunk.len()) else {
            chunk.fill(T::EQUILIBRIUM);
            continue;
        };
        let chunk_audible_at =
            audible_at.and_then(|at| at.checked_add(frames_to_duration(frames_done, sample_rate)));
        engine.render_timed(scratch, chunk_audible_at);
        convert(scratch, chunk);
        frames_done += (chunk.len() / channels) as u64;
    }
}

/// Frames in [`MIN_GAP`]: a settled loss below it was jitter, not an underrun.
fn min_gap_frames(sample_rate: u32) -> u64 {
    u64::try_from(MIN_GAP.as_nanos() * u128::from(sample_rate) / 1_000_000_000).unwrap_or(0)
}

/// Clamps first: `T::from_sample` does not saturate for every type (24-bit wraps).
fn convert<T: SizedSample + FromSample<f32>>(samples: &[f32], out: &mut [T]) {
    for (out, &sample) in out.iter_mut().zip(samples) {
        *out = T::from_sample(sample.clamp(-1.0, TOP));
    }
}

/// Exact to the nanosecond; never panics (`sample_rate` is at least 1).
pub(crate) fn frames_to_duration(frames: u64, sample_rate: u32) -> Duration {
    let rate = u128::from(sample_rate.max(1));
    let nanos = u128::from(frames) * 1_000_000_000 / rate;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use cpal::Sample;

    use super::*;
    use crate::engine::{BuiltinSound, EngineEvent, Program};

    fn callback(channels: u16, buffer_size: BufferSize) -> (Callback, EngineHandle) {
        let rate = 48_000;
        let (engine, handle) = engine(
            EngineConfig {
                sample_rate: rate,
                channels,
            },
            BuiltinSound::Woodblock.synthesize(rate),
            Voicing::default(),
        );
        let config = StreamConfig {
            channels,
            sample_rate: rate,
            buffer_size,
        };
        let (fault_tx, _) = fault_queue(rate);
        let shared = Shared {
            monitor: Arc::new(Monitor::new(rate)),
            faults: fault_tx.shared(),
            hooks: Arc::new(Hooks::default()),
            priority: Arc::new(ThreadCapture::default()),
        };
        (
            Callback::new(
                Arc::new(PlayerSlot::new(engine)),
                config,
                shared,
                AfterUnderrun::PlaysLate,
            ),
            handle,
        )
    }

    /// Device buffers of 480 frames; before buffer `lost_at` the device played
    /// `lost_ms` of silence, and the playback times it reports jump by `reported_ms`
    /// (one entry a buffer) meanwhile. Returns the frame on the device's true time line
    /// on which each click starts.
    fn clicks_on_the_device(
        buffers: usize,
        lost_at: usize,
        lost_ms: f64,
        reported_ms: &[f64],
    ) -> Vec<i64> {
        let heard_at = |k: usize| Some(if k >= lost_at { lost_ms } else { 0.0 });
        hear(
            Program::steady(300.0, None),
            buffers,
            reported_ms,
            heard_at,
            AfterUnderrun::PlaysLate,
        )
    }

    /// Plays `program` into `buffers` device buffers of 480 frames. Buffer `k` is reported
    /// heard `reported_ms[k]` later than the one before it plus 10 ms, and is truly
    /// heard `heard_at(k)` ms later than 50 + 10 k ms (`None`: never, the server
    /// dropped it). Returns the frame on the device's true time line on which each click
    /// starts.
    fn hear(
        program: Program,
        buffers: usize,
        reported_ms: &[f64],
        heard_at: impl Fn(usize) -> Option<f64>,
        after_underrun: AfterUnderrun,
    ) -> Vec<i64> {
        let (mut callback, handle) = callback(1, BufferSize::Fixed(480));
        callback.after_underrun = after_underrun;
        handle.start(&program).unwrap();
        let origin = Instant::now();
        let mut onsets = Vec::new();
        let mut was_quiet = true;
        let mut reported_ms_now = 50.0;
        let mut buffer = vec![0.0f32; 480];
        for k in 0..buffers {
            reported_ms_now += reported_ms.get(k).copied().unwrap_or(0.0);
            buffer.fill(0.0);
            // `now` and a latency such that the buffer is reported heard then.
            let now = origin + Duration::from_secs_f64(reported_ms_now / 1e3 - 0.02);
            callback.fill(&mut buffer, now, Duration::from_millis(20));
            reported_ms_now += 10.0;
            let _ = handle.events().count();
            let Some(shift_ms) = heard_at(k) else {
                was_quiet = true;
                continue;
            };
            let true_ms = 50.0 + k as f64 * 10.0 + shift_ms;
            for (i, sample) in buffer.iter().enumerate() {
                let loud = sample.abs() > 1e-4;
                if loud && was_quiet {
                    onsets.push((true_ms * 48.0).round() as i64 + i as i64);
                }
                // A click's own zero crossings are not silence.
                was_quiet = sample.abs() == 0.0 && (was_quiet || !loud);
            }
        }
        onsets
    }

    /// An hour at 300 spm with a fault every ten minutes, on both kinds of server: the
    /// last click is heard where the plan put it, on the grid the run started on.
    #[test]
    fn an_hour_with_faults_ends_with_its_last_click_where_the_plan_put_it() {
        const BUFFERS: usize = 360_000 + 100;
        let fault_at = |minute: usize| minute * 6_000;
        // Devices that play the late frames: 1234 frames, then 6840 frames (142.5 ms)
        // with PulseAudio's wobbling reports, then 60 ms, each shifting everything after
        // it. (Whole frames: a device cannot lose part of one.)
        let mut reported = vec![0.0; BUFFERS];
        let mut shifts = Vec::new();
        for (i, minute) in [10, 20, 30, 40, 50].into_iter().enumerate() {
            let k = fault_at(minute);
            let lost = [1_234.0 / 48.0, 142.5, 60.0, 1_234.0 / 48.0, 142.5][i];
            if lost == 142.5 {
                reported[k] = 153.81;
                reported[k + 1] = -21.87;
                reported[k + 2] = 10.55;
            } else {
                reported[k] = lost;
            }
            shifts.push((k, lost));
        }
        let heard_at = |k: usize| {
            Some(
                shifts
                    .iter()
                    .filter(|(at, _)| k >= *at)
                    .map(|(_, ms)| ms)
                    .sum(),
            )
        };
        let program = Program::steady(300.0, Some(3_600.0));
        let plays_late = hear(
            program.clone(),
            BUFFERS,
            &reported,
            heard_at,
            AfterUnderrun::PlaysLate,
        );
        // A server that keeps time: the buffer after a stall is reported 130 ms late
        // (the catch-up, one long buffer on PulseAudio), the next one on time again,
        // the 130 ms of sound that came too late are dropped, and nothing else moves.
        let mut reported = vec![0.0; BUFFERS];
        let mut dropped = Vec::new();
        for minute in [10, 20, 30, 40, 50] {
            let k = fault_at(minute);
            reported[k] = 130.0;
            reported[k + 1] = -130.0;
            dropped.push(k..k + 13);
        }
        let heard_at = |k: usize| (!dropped.iter().any(|d| d.contains(&k))).then_some(0.0);
        let drops_late = hear(
            program,
            BUFFERS,
            &reported,
            heard_at,
            AfterUnderrun::DropsLate,
        );

        // Where the server keeps time every click is exact; where the late frames play,
        // all but those while the reports settle after a fault (see above).
        let off_grid = |onsets: &[i64]| -> Vec<(i64, i64)> {
            onsets
                .iter()
                .map(|&onset| (onset, (onset - onsets[0]).rem_euclid(9_600)))
                .map(|(onset, off)| (onset, off.min(9_600 - off)))
                .filter(|&(_, off)| off > 1)
                .collect()
        };
        assert_eq!(off_grid(&drops_late), []);
        let settling = off_grid(&plays_late);
        assert!(
            settling.len() <= 5 && settling.iter().all(|&(_, off)| off <= 12 * 48),
            "{settling:?}"
        );
        for onsets in [plays_late, drops_late] {
            // 18 000 steps, the last at 3 599.8 s; up to one a fault lost in the gap.
            assert!(onsets.len() >= 18_000 - 5, "{} clicks", onsets.len());
            let first = onsets[0];
            let last = *onsets.last().unwrap();
            assert_eq!(first, 50 * 48, "the first click starts the first buffer");
            let planned_last = first + 17_999 * 9_600;
            assert!(
                (last - planned_last).abs() <= 48,
                "the last click is {} frames from where the plan put it",
                last - planned_last
            );
        }
    }

    /// After a gap, and after the wobbling times PulseAudio reports around one, the
    /// clicks are heard on the grid the run started on.
    #[test]
    fn clicks_after_a_lost_stretch_stay_on_the_original_grid() {
        // As seen on PulseAudio after a 150 ms stall 1 s in: 142.49 ms lost, reported
        // as jumps of +153.81, -21.87 and +10.55 ms.
        let mut reported = vec![0.0; 400];
        reported[100] = 153.81;
        reported[101] = -21.87;
        reported[102] = 10.55;
        let onsets = clicks_on_the_device(400, 100, 142.49, &reported);
        let first = onsets[0];
        let gap_end = ((50.0 + 1_000.0 + 142.49) * 48.0) as i64;
        assert!(onsets.len() >= 19, "{onsets:?}");
        for &onset in &onsets {
            let off = (onset - first).rem_euclid(9_600);
            let off = off.min(9_600 - off);
            // Until the times have settled (eleven buffers), a click may be early by
            // what the first, stale report overshot (11 ms); every other one is exact.
            let settling = (gap_end..gap_end + 11 * 480).contains(&onset);
            let allowed = if settling { 12 * 48 } else { 1 };
            assert!(
                off <= allowed,
                "a click {off} frames off the grid: {onsets:?}"
            );
        }
    }

    /// A device buffer larger than the scratch buffer is rendered in chunks and gives the
    /// same samples as one engine render, and every step's time follows from `now`.
    #[test]
    fn long_device_buffers_are_rendered_in_chunks() {
        let frames = 10 * MAX_BLOCK + 100;
        let (mut chunked, chunked_handle) = callback(2, BufferSize::Default);
        let (whole, whole_handle) = callback(2, BufferSize::Default);
        let program = Program::steady(180.0, None);
        chunked_handle.start(&program).unwrap();
        whole_handle.start(&program).unwrap();

        let mut device = vec![0.0f32; frames * 2];
        let now = Instant::now();
        let latency = Duration::from_millis(40);
        chunked.fill(&mut device, now, latency);
        let mut reference = vec![0.0f32; frames * 2];
        whole
            .player
            .with(|player| player.engine.render(&mut reference))
            .unwrap();
        assert_eq!(device, reference);

        let steps: Vec<EngineEvent> = chunked_handle.events().collect();
        assert_eq!(steps.len(), 3, "{steps:?}");
        for event in steps {
            let EngineEvent::Step {
                frame, audible_at, ..
            } = event
            else {
                panic!("unexpected {event:?}");
            };
            let expected = now + latency + frames_to_duration(frame, 48_000);
            let audible_at = audible_at.unwrap();
            let error = audible_at.max(expected) - audible_at.min(expected);
            assert!(
                error < Duration::from_micros(1),
                "step at frame {frame}: {error:?}"
            );
        }
        let observed = chunked.monitor.observed().unwrap();
        assert_eq!(observed.callback_frames as usize, frames);
        assert_eq!(observed.latency, Some(latency));
    }

    #[test]
    fn samples_are_clamped_before_conversion() {
        let samples = [1.0, -1.0, 2.0, -2.0, f32::NAN, 0.5];
        let mut out = [I24::EQUILIBRIUM; 6];
        convert(&samples, &mut out);
        let values: Vec<i32> = out.iter().map(|s| s.inner()).collect();
        assert_eq!(
            values,
            [8_388_607, -8_388_608, 8_388_607, -8_388_608, 0, 4_194_304]
        );
        let mut out = [0i16; 6];
        convert(&samples, &mut out);
        assert_eq!(out, [i16::MAX, i16::MIN, i16::MAX, i16::MIN, 0, 16_384]);
        let mut out = [0u16; 6];
        convert(&samples, &mut out);
        assert_eq!(out[..4], [u16::MAX, 0, u16::MAX, 0]);
        let mut out = [0.0f64; 6];
        convert(&samples, &mut out);
        assert!(out[..4].iter().all(|s| s.abs() <= 1.0));
    }

    #[test]
    fn frames_convert_to_durations_exactly() {
        assert_eq!(frames_to_duration(48_000, 48_000), Duration::from_secs(1));
        assert_eq!(frames_to_duration(1, 44_100), Duration::from_nanos(22_675));
        assert_eq!(frames_to_duration(5, 0), Duration::from_secs(5));
    }
}

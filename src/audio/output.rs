//! The cpal output stream. It only moves samples: the engine renders `f32` into a
//! buffer allocated here, and the callback converts them to whatever the device takes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{
    BufferSize, Device, FromSample, I24, OutputCallbackInfo, SampleFormat, SizedSample, Stream,
    StreamConfig, SupportedBufferSize, SupportedStreamConfig, U24,
};

use super::device::{default_config, find_output_device, name_of};
use super::fault::{FaultSender, fault_queue};
use super::monitor::Monitor;
use super::quiet::quietly;
use super::{AudioError, AudioOutput, BufferSetting, Driver, OutputInfo, OutputOptions};
use crate::audio::load_sound;
use crate::engine::{Engine, EngineConfig, EngineHandle, MAX_BLOCK, SoundChoice, Voicing, engine};

/// Given to cpal: backends that wait while building give up after this long, and ALSA's
/// worker checks this often that the device is still there.
const DEVICE_TIMEOUT: Duration = Duration::from_secs(2);
/// The largest sample an integer format can hold, as f32: converting 1.0 would be one
/// past the top for 24-bit samples.
const TOP: f32 = 1.0 - f32::EPSILON;

pub(super) fn open(
    options: &OutputOptions,
    sound: &SoundChoice,
    voicing: Voicing,
) -> Result<(AudioOutput, EngineHandle), AudioError> {
    // ALSA prints to stderr while devices are looked up and opened.
    quietly(|| {
        let host = cpal::default_host();
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
            let monitor = Arc::new(Monitor::new(sample_rate));
            let (fault_tx, fault_rx) = fault_queue();
            let stream = match build(&device, format, config, engine, &monitor, fault_tx) {
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
            if let Err(error) = stream.play() {
                failure = Some(AudioError::Play {
                    device: name.clone(),
                    error,
                });
                continue;
            }
            let info = OutputInfo {
                device_name: name,
                device_id: device.id().ok().map(|id| id.to_string()),
                sample_rate,
                channels,
                sample_format: format.to_string(),
                buffer,
            };
            let output = AudioOutput {
                info,
                monitor,
                faults: fault_rx,
                driver: Driver::Stream { _stream: stream },
            };
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
    config: StreamConfig,
    engine: Engine,
    monitor: &Arc<Monitor>,
    faults: FaultSender,
) -> Result<Stream, cpal::Error> {
    let callback = Callback::new(engine, config, Arc::clone(monitor));
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

fn build_typed<T>(
    device: &Device,
    config: StreamConfig,
    mut callback: Callback,
    faults: FaultSender,
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

/// The audio thread's state: the engine and a scratch buffer allocated up front.
pub(crate) struct Callback {
    engine: Engine,
    scratch: Box<[f32]>,
    channels: usize,
    sample_rate: u32,
    monitor: Arc<Monitor>,
}

impl Callback {
    pub(crate) fn new(engine: Engine, config: StreamConfig, monitor: Arc<Monitor>) -> Self {
        let channels = usize::from(config.channels.max(1));
        // Fixed buffers usually arrive whole; anything longer is rendered in chunks,
        // which gives the same samples (the engine carries its state across calls).
        let frames = match config.buffer_size {
            BufferSize::Fixed(frames) => usize::try_from(frames).unwrap_or(MAX_BLOCK),
            BufferSize::Default => MAX_BLOCK,
        }
        .clamp(MAX_BLOCK, 4 * MAX_BLOCK);
        Self {
            engine,
            scratch: vec![0.0; frames * channels].into_boxed_slice(),
            channels,
            sample_rate: config.sample_rate.max(1),
            monitor,
        }
    }

    /// Renders one device buffer. `latency` is how long after `now` its first frame is
    /// heard. No allocation, locking, blocking or panicking.
    pub(crate) fn fill<T>(&mut self, data: &mut [T], now: Instant, latency: Duration)
    where
        T: SizedSample + FromSample<f32>,
    {
        self.monitor
            .record(data.len() / self.channels, Some(latency));
        let audible_at = now.checked_add(latency);
        let chunk_len = self.scratch.len();
        if chunk_len == 0 {
            data.fill(T::EQUILIBRIUM);
            return;
        }
        let mut frames_done = 0u64;
        for chunk in data.chunks_mut(chunk_len) {
            let Some(scratch) = self.scratch.get_mut(..chunk.len()) else {
                chunk.fill(T::EQUILIBRIUM);
                continue;
            };
            let chunk_audible_at = audible_at
                .and_then(|at| at.checked_add(frames_to_duration(frames_done, self.sample_rate)));
            self.engine.render_timed(scratch, chunk_audible_at);
            convert(scratch, chunk);
            frames_done += (chunk.len() / self.channels) as u64;
        }
    }
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
        (
            Callback::new(engine, config, Arc::new(Monitor::new(rate))),
            handle,
        )
    }

    /// A device buffer larger than the scratch buffer is rendered in chunks and gives the
    /// same samples as one engine render, and every step's time follows from `now`.
    #[test]
    fn long_device_buffers_are_rendered_in_chunks() {
        let frames = 10 * MAX_BLOCK + 100;
        let (mut chunked, chunked_handle) = callback(2, BufferSize::Default);
        let (mut whole, whole_handle) = callback(2, BufferSize::Default);
        let program = Program::steady(180.0, None);
        chunked_handle.start(&program).unwrap();
        whole_handle.start(&program).unwrap();

        let mut device = vec![0.0f32; frames * 2];
        let now = Instant::now();
        let latency = Duration::from_millis(40);
        chunked.fill(&mut device, now, latency);
        let mut reference = vec![0.0f32; frames * 2];
        whole.engine.render(&mut reference);
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

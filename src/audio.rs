//! The cpal adapter (API outline; implementation in progress).

use std::fmt;
use std::time::Duration;

mod sound;

pub use sound::{MAX_SOUND_FILE_BYTES, SoundError, load_sound};

use crate::engine::{EngineHandle, SoundChoice, Voicing};

#[derive(Clone, Debug)]
pub struct OutputOptions {
    pub device: Option<String>,
    pub buffer_frames: u32,
}

impl Default for OutputOptions {
    fn default() -> Self {
        Self {
            device: None,
            buffer_frames: 256,
        }
    }
}

#[derive(Clone, Debug)]
pub struct OutputInfo {
    pub device_name: String,
    pub sample_rate: u32,
    pub channels: u16,
    pub sample_format: String,
    pub requested_buffer: Option<u32>,
}

impl OutputInfo {
    pub fn buffer_description(&self) -> String {
        String::new()
    }
}

pub struct Observed {
    pub callback_frames: u32,
    pub latency: Option<Duration>,
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "buffer {}", self.callback_frames)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no audio output device found")]
    NoDevice,
}

pub struct AudioOutput {
    info: OutputInfo,
}

impl AudioOutput {
    pub fn open(
        _options: &OutputOptions,
        _sound: &SoundChoice,
        _voicing: Voicing,
    ) -> Result<(AudioOutput, EngineHandle), AudioError> {
        Err(AudioError::NoDevice)
    }

    pub fn info(&self) -> &OutputInfo {
        &self.info
    }

    pub fn observed(&self) -> Option<Observed> {
        None
    }

    pub fn faults(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::empty()
    }
}

pub struct DeviceInfo {
    pub name: String,
    pub is_default: bool,
    pub default_config: Option<String>,
}

pub fn output_devices() -> Result<Vec<DeviceInfo>, AudioError> {
    Ok(Vec::new())
}

//! Finding output devices: the default one, one the user named, or all of them.

use cpal::traits::{DeviceTrait, HostTrait};
use cpal::{Device, ErrorKind, Host, SupportedStreamConfig};

use super::AudioError;
use super::host::{HostChoice, available_host_ids};
use super::quiet::{MutedStderr, quietly};

/// The outputs of one sound system, as `cadence-coach devices` shows them.
#[derive(Clone, Debug)]
pub struct HostDevices {
    /// "pipewire", "pulseaudio", "alsa", ...
    pub host: String,
    /// True for the host that `auto` opens.
    pub is_auto: bool,
    pub devices: Result<Vec<DeviceInfo>, String>,
}

/// Every reachable sound system with its outputs, in the order auto tries them.
pub fn devices_by_host() -> Vec<HostDevices> {
    let auto = HostChoice::Auto.resolve().ok().map(|host| host.id());
    available_host_ids()
        .into_iter()
        .map(|id| HostDevices {
            host: id.to_string(),
            is_auto: Some(id) == auto,
            devices: output_devices_on(HostChoice::Named(id)).map_err(|error| error.to_string()),
        })
        .collect()
}

/// The host a device string points at: `alsa:pulse` names ALSA whatever `choice` says
/// when it is auto; plain names leave the choice as it is.
pub(crate) fn host_for(choice: HostChoice, device: Option<&str>) -> HostChoice {
    if choice != HostChoice::Auto {
        return choice;
    }
    device
        .and_then(|wanted| wanted.trim().parse::<cpal::DeviceId>().ok())
        .map_or(choice, |id| HostChoice::Named(id.host()))
}

/// An output device as `cadence-coach devices` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Human-readable name (ALSA: the first line of the PCM's description).
    pub name: String,
    /// Stable id, such as `alsa:pulse` or `alsa:hw:CARD=PCH,DEV=0`; `--device` takes it.
    pub id: String,
    pub is_default: bool,
    /// What the device would play by default, like "48000 Hz, 2 ch, f32", if it opens.
    pub default_config: Option<String>,
}

/// Every output device of the sound system auto picks, default first.
pub fn output_devices() -> Result<Vec<DeviceInfo>, AudioError> {
    output_devices_on(HostChoice::Auto)
}

/// Every output device `choice` lists, default first. Each one is opened to read its
/// format; stderr is muted meanwhile because some plugins print as they fail.
pub fn output_devices_on(choice: HostChoice) -> Result<Vec<DeviceInfo>, AudioError> {
    let _muted = MutedStderr::new();
    quietly(|| {
        let host = choice.resolve()?;
        let default_id = host
            .default_output_device()
            .and_then(|device| device.id().ok());
        let mut devices: Vec<DeviceInfo> = host
            .output_devices()
            .map_err(AudioError::Enumerate)?
            .map(|device| {
                let id = device.id().ok();
                DeviceInfo {
                    name: name_of(&device),
                    id: id.as_ref().map(ToString::to_string).unwrap_or_default(),
                    is_default: id.is_some() && id == default_id,
                    default_config: device
                        .default_output_config()
                        .ok()
                        .map(|config| describe_config(&config)),
                }
            })
            .collect();
        // Some systems list no hint for the default device; show it if it works.
        if !devices.iter().any(|device| device.is_default)
            && let Some(device) = host.default_output_device()
            && let Ok(config) = device.default_output_config()
        {
            devices.push(DeviceInfo {
                name: name_of(&device),
                id: default_id.map(|id| id.to_string()).unwrap_or_default(),
                is_default: true,
                default_config: Some(describe_config(&config)),
            });
        }
        // Stable sort: the default first, the rest in the order the system gave.
        devices.sort_by_key(|device| !device.is_default);
        Ok(devices)
    })
}

/// "48000 Hz, 2 ch, f32".
pub(crate) fn describe_config(config: &SupportedStreamConfig) -> String {
    format!(
        "{} Hz, {} ch, {}",
        config.sample_rate(),
        config.channels(),
        config.sample_format()
    )
}

pub(crate) fn name_of(device: &Device) -> String {
    device
        .description()
        .map(|description| description.name().to_owned())
        .or_else(|_| device.id().map(|id| id.to_string()))
        .unwrap_or_else(|_| "unnamed device".to_owned())
}

/// The device to play on: the default one, or the one `wanted` names by id or by
/// (part of) its name, ignoring case. Call with ALSA silenced.
pub(crate) fn find_output_device(host: &Host, wanted: Option<&str>) -> Result<Device, AudioError> {
    let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) else {
        let default = host.default_output_device().ok_or(AudioError::NoDevice)?;
        // The listed entry for the same PCM has a more telling name than "Default
        // Audio Device" (for example "Playback/recording through the PulseAudio sound
        // server").
        let default_id = default.id().ok();
        let listed = host.output_devices().ok().and_then(|mut devices| {
            devices.find(|device| default_id.is_some() && device.id().ok() == default_id)
        });
        return Ok(listed.unwrap_or(default));
    };
    let devices: Vec<Device> = host
        .output_devices()
        .map_err(AudioError::Enumerate)?
        .collect();
    let lowercase = wanted.to_lowercase();
    let by_id = |device: &&Device| {
        device
            .id()
            .is_ok_and(|id| id.to_string() == wanted || id.id() == wanted)
    };
    let by_name = |device: &&Device| name_of(device).to_lowercase() == lowercase;
    let by_part = |device: &&Device| name_of(device).to_lowercase().contains(&lowercase);
    if let Some(device) = devices
        .iter()
        .find(by_id)
        .or_else(|| devices.iter().find(by_name))
        .or_else(|| devices.iter().find(by_part))
    {
        return Ok(device.clone());
    }
    // ALSA also knows shorthands (hw:0,0) that enumeration spells out in full.
    if let Ok(id) = wanted.parse::<cpal::DeviceId>()
        && let Some(device) = host.device_by_id(&id)
    {
        return Ok(device);
    }
    if wanted.eq_ignore_ascii_case("default")
        && let Some(device) = host.default_output_device()
    {
        return Ok(device);
    }
    let mut available: Vec<String> = devices
        .iter()
        .map(|device| {
            let id = device.id().map(|id| id.to_string()).unwrap_or_default();
            format!("'{}' ({id})", name_of(device))
        })
        .collect();
    available.dedup();
    Err(AudioError::DeviceNotFound {
        wanted: wanted.to_owned(),
        available: if available.is_empty() {
            "none".to_owned()
        } else {
            available.join(", ")
        },
    })
}

/// The device's preferred format, with its failure turned into a sentence.
pub(crate) fn default_config(
    device: &Device,
    name: &str,
    is_default: bool,
) -> Result<SupportedStreamConfig, AudioError> {
    device
        .default_output_config()
        .map_err(|error| match error.kind() {
            // ALSA always offers a "default" device, which fails here when there is no
            // card and no sound server behind it.
            ErrorKind::DeviceNotAvailable | ErrorKind::HostUnavailable if is_default => {
                AudioError::NoDevice
            }
            ErrorKind::DeviceBusy => AudioError::Busy {
                device: name.to_owned(),
            },
            // Typically a sound server that is not running ("Connection refused").
            _ if is_default => AudioError::DefaultUnavailable { error },
            _ => AudioError::NoConfig {
                device: name.to_owned(),
                error,
            },
        })
}

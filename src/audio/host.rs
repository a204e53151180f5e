//! Which sound system to talk to: PipeWire, PulseAudio or ALSA (and JACK where built).
//!
//! Native PipeWire and PulseAudio clients get a steadier stream than ALSA's PulseAudio
//! plugin: the server schedules them itself, timestamps come from the server, and an
//! underrun does not set off the plugin's bursts of failed status queries.

use std::fmt;
use std::str::FromStr;

use cpal::{Host, HostId};

use super::AudioError;

/// The sound system to use: the best one running, or one named by the user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HostChoice {
    /// PipeWire if its server runs, then PulseAudio, then ALSA.
    #[default]
    Auto,
    Named(HostId),
}

/// The order [`HostChoice::Auto`] tries, best first.
const PREFERENCE: &[&str] = &["pipewire", "pulseaudio", "alsa", "jack"];

impl HostChoice {
    /// The host to open: for `Auto`, the first preferred one whose server is reachable.
    pub fn resolve(self) -> Result<Host, AudioError> {
        match self {
            HostChoice::Named(id) => {
                if !cpal::available_hosts().contains(&id) {
                    return Err(AudioError::HostUnavailable {
                        host: id.to_string(),
                    });
                }
                cpal::host_from_id(id).map_err(|error| AudioError::HostFailed {
                    host: id.to_string(),
                    error,
                })
            }
            HostChoice::Auto => {
                let available = cpal::available_hosts();
                for id in preferred_order(&available) {
                    if let Ok(host) = cpal::host_from_id(id) {
                        return Ok(host);
                    }
                }
                Ok(cpal::default_host())
            }
        }
    }
}

/// The hosts in `available`, in the order [`HostChoice::Auto`] tries them. JACK comes
/// last: it is only for those who run a JACK server and ask for it.
pub fn preferred_order(available: &[HostId]) -> Vec<HostId> {
    let rank = |id: &HostId| {
        PREFERENCE
            .iter()
            .position(|name| id.to_string() == *name)
            .unwrap_or(PREFERENCE.len())
    };
    let mut ids: Vec<HostId> = available
        .iter()
        .copied()
        // JACK is "available" even without a server; only a user who names it gets it.
        .filter(|id| id.to_string() != "jack")
        .collect();
    ids.sort_by_key(rank);
    ids
}

impl FromStr for HostChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let name = text.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "auto" | "" => return Ok(HostChoice::Auto),
            "pulse" => "pulseaudio",
            "pw" => "pipewire",
            other => other,
        };
        name.parse::<HostId>().map(HostChoice::Named).map_err(|_| {
            format!(
                "'{text}' is not a sound system this build knows; give auto or one of: {}",
                compiled_host_names().join(", ")
            )
        })
    }
}

impl fmt::Display for HostChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostChoice::Auto => f.write_str("auto"),
            HostChoice::Named(id) => write!(f, "{id}"),
        }
    }
}

/// Every host this build has, in the order auto tries them ("pipewire", ...).
pub fn compiled_host_names() -> Vec<String> {
    let mut ids: Vec<HostId> = cpal::ALL_HOSTS.to_vec();
    ids.sort_by_key(|id| {
        PREFERENCE
            .iter()
            .position(|name| id.to_string() == *name)
            .unwrap_or(PREFERENCE.len())
    });
    ids.iter().map(ToString::to_string).collect()
}

/// Hosts whose server is reachable now, in the order auto tries them (JACK last).
pub fn available_host_ids() -> Vec<HostId> {
    let available = cpal::available_hosts();
    let preferred = preferred_order(&available);
    let rest = available
        .iter()
        .filter(|id| !preferred.contains(id))
        .copied();
    preferred.iter().copied().chain(rest).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_with_aliases_and_unknown_ones_say_what_is_known() {
        assert_eq!("auto".parse::<HostChoice>(), Ok(HostChoice::Auto));
        assert_eq!(
            "ALSA".parse::<HostChoice>().map(|c| c.to_string()),
            Ok("alsa".to_owned())
        );
        #[cfg(target_os = "linux")]
        {
            assert_eq!(
                "pulse".parse::<HostChoice>().map(|c| c.to_string()),
                Ok("pulseaudio".to_owned())
            );
            assert_eq!(
                "pw".parse::<HostChoice>().map(|c| c.to_string()),
                Ok("pipewire".to_owned())
            );
        }
        let error = "oss".parse::<HostChoice>().unwrap_err();
        assert!(error.contains("'oss' is not a sound system"), "{error}");
        assert!(error.contains("alsa"), "{error}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn auto_prefers_native_servers_and_never_picks_jack() {
        let all = cpal::ALL_HOSTS.to_vec();
        let order: Vec<String> = preferred_order(&all)
            .iter()
            .map(|id| id.to_string())
            .collect();
        assert_eq!(order, ["pipewire", "pulseaudio", "alsa"]);
        let names = compiled_host_names();
        assert_eq!(names.first().map(String::as_str), Some("pipewire"));
        assert!(names.contains(&"jack".to_owned()), "{names:?}");
    }
}

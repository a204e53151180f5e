//! `cadence-coach devices`: each sound system's output devices and what they offer.

use clap::Args;

use crate::audio::{self, HostChoice};

/// List audio output devices of each sound system (use a name with `play --device`).
#[derive(Args, Debug)]
pub struct DevicesArgs {
    /// Only this sound system: auto, pipewire, pulseaudio, alsa or jack.
    #[arg(long, value_parser = super::args::parse_host)]
    pub host: Option<HostChoice>,
}

pub fn run(args: DevicesArgs) -> anyhow::Result<()> {
    let hosts = match args.host {
        Some(choice) => vec![audio::HostDevices {
            host: choice.to_string(),
            is_auto: choice == HostChoice::Auto,
            devices: audio::output_devices_on(choice).map_err(|error| error.to_string()),
        }],
        None => audio::devices_by_host(),
    };
    if hosts.is_empty() {
        println!("no sound system answers; check that your sound server is running");
        return Ok(());
    }
    println!("audio output devices (* default); pass a name or id to play --device:");
    for host in hosts {
        let auto = if host.is_auto {
            " (used by default)"
        } else {
            ""
        };
        println!("{}{auto}:", host.host);
        match host.devices {
            Ok(devices) if devices.is_empty() => println!("  no output devices"),
            Ok(devices) => {
                for device in devices {
                    println!(
                        "{} {}  [{}]{}",
                        if device.is_default { "*" } else { " " },
                        device.name,
                        device.id,
                        device
                            .default_config
                            .map(|c| format!("  {c}"))
                            .unwrap_or_else(|| "  (not available now)".to_owned())
                    );
                }
            }
            Err(error) => println!("  not available: {error}"),
        }
    }
    Ok(())
}

//! `cadence-coach devices`: the output devices and what they offer.

use clap::Args;

use crate::audio;

/// List audio output devices (use a name with `play --device`).
#[derive(Args, Debug)]
pub struct DevicesArgs {}

pub fn run(_args: DevicesArgs) -> anyhow::Result<()> {
    let devices = audio::output_devices()?;
    if devices.is_empty() {
        println!("no audio output devices found; check that your sound server is running");
        return Ok(());
    }
    println!("audio output devices (* default); pass a name or id to play --device:");
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
    Ok(())
}

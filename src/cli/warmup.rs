//! `cadence-coach warmup`: the pre-run routine, timed by the engine with audible cues
//! (two beeps: next movement; three: start the hold; one: rest; four: done), each
//! phase printed as the engine reaches it.

use std::path::Path;
use std::time::Duration;

use clap::Args;

use super::args::UsageError;
use super::data;
use crate::audio::{AudioOutput, OutputOptions};
use crate::coach::Thresholds;
use crate::coach::warmup::Warmup;
use crate::engine::{Accent, BuiltinSound, EngineEvent, SoundChoice, Voicing};

/// The pre-run routine: dynamic movements, then wall-sit holds, with beeps to follow
/// without watching the screen.
#[derive(Args, Debug)]
pub struct WarmupArgs {
    /// Wall-sit holds, 3 to 5 (0: none).
    #[arg(long, default_value_t = Thresholds::GUIDANCE.wall_sit_min_holds)]
    pub holds: u8,

    /// Seconds of each hold, 30 to 45.
    #[arg(long, default_value_t = Thresholds::GUIDANCE.wall_sit_min_seconds)]
    pub hold_seconds: u16,

    /// Leave out the dynamic movements (leg swings, lunges, butt kicks).
    #[arg(long)]
    pub no_movements: bool,

    /// Print the routine with its times, without playing it.
    #[arg(long)]
    pub list: bool,

    /// Output device, by name or part of it (see `cadence-coach devices`).
    #[arg(long)]
    pub device: Option<String>,
}

const POLL: Duration = Duration::from_millis(50);

pub fn run(args: WarmupArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let warmup = Warmup {
        dynamic: !args.no_movements,
        holds: args.holds,
        hold_seconds: args.hold_seconds,
    };
    warmup
        .validate()
        .map_err(|error| UsageError(error.to_string()))?;
    let phases = warmup.timeline();
    println!(
        "Before the run ({} min {} s). Beeps: two = next movement, three = start the \
         hold, one = rest, four = done.",
        warmup.total_seconds() / 60,
        warmup.total_seconds() % 60
    );
    if args.list {
        for phase in &phases {
            println!("{phase}");
        }
        return Ok(());
    }
    let volume = match data::open_store(data_dir).and_then(|store| data::load_profile(&store)) {
        Ok(profile) => profile.sound.volume.max(0.5),
        Err(_) => 0.8,
    };
    let options = OutputOptions {
        device: args.device,
        ..OutputOptions::default()
    };
    let voicing = Voicing {
        volume,
        accent: Accent::None,
    };
    let (_output, handle) =
        AudioOutput::open(&options, &SoundChoice::Builtin(BuiltinSound::Beep), voicing)?;
    handle.start(&warmup.program())?;
    let mut next = 0;
    loop {
        std::thread::sleep(POLL);
        let seconds = handle.frames_to_seconds(handle.status().elapsed_frames);
        while let Some(phase) = phases.get(next).filter(|p| f64::from(p.start) <= seconds) {
            println!("{phase}");
            next += 1;
        }
        if handle
            .events()
            .any(|event| matches!(event, EngineEvent::Finished { .. }))
        {
            break;
        }
    }
    // Let the last beep ring out.
    std::thread::sleep(Duration::from_millis(300));
    Ok(())
}

//! `cadence-coach play`: click live through the sound card until the time is up or
//! Ctrl-C, with one status line on a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use super::args::{SoundArgs, TempoArgs, parse_minutes, program};
use crate::audio::{AudioOutput, OutputOptions};
use crate::engine::EngineEvent;

/// Play clicks on every step through the sound card.
#[derive(Args, Debug)]
pub struct PlayArgs {
    #[command(flatten)]
    pub tempo: TempoArgs,

    /// Stop after this many minutes (at most 600); without it, play until Ctrl-C.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_minutes)]
    pub minutes: Option<f64>,

    #[command(flatten)]
    pub sound: SoundArgs,

    /// Output device, by name or part of it (see `cadence-coach devices`).
    #[arg(long)]
    pub device: Option<String>,
}

/// How often the control loop wakes: it only reads status and events, so the clicks'
/// timing does not depend on it.
const POLL: Duration = Duration::from_millis(50);
/// Longest wait for the last click to ring out after stopping.
const RING_OUT: Duration = Duration::from_secs(2);

pub fn run(args: PlayArgs) -> anyhow::Result<()> {
    let target = args.tempo.target()?;
    let warmup = args.tempo.warmup_minutes.unwrap_or(0.0);
    let program = program(target, target.baseline, warmup, args.minutes)?;

    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("cannot catch Ctrl-C")?;

    let options = OutputOptions {
        device: args.device.clone(),
        ..OutputOptions::default()
    };
    let (output, handle) = AudioOutput::open(&options, &args.sound.sound, args.sound.voicing())?;
    let info = output.info();
    eprintln!(
        "playing {} on '{}' ({} Hz, {} channel(s), {}); Ctrl-C stops",
        target.describe(),
        info.device_name,
        info.sample_rate,
        info.channels,
        info.buffer_description(),
    );
    if warmup > 0.0 {
        eprintln!(
            "warm-up: gliding from {} to {} spm over {warmup} min",
            target.baseline.unwrap_or(target.spm),
            target.spm
        );
    }
    handle.start(&program)?;

    let terminal = std::io::stdout().is_terminal();
    let mut finished = false;
    let mut reported_latency = false;
    while !finished {
        std::thread::sleep(POLL);
        for event in handle.events() {
            if matches!(event, EngineEvent::Finished { .. }) {
                finished = true;
            }
        }
        for fault in output.faults() {
            if fault.is_fatal() {
                anyhow::bail!("{fault}");
            }
            eprintln!("\raudio problem: {fault}");
        }
        if !reported_latency && let Some(observed) = output.observed() {
            reported_latency = true;
            if terminal {
                eprintln!("\r{observed}");
            }
        }
        if interrupted.load(Ordering::SeqCst) {
            handle.stop()?;
            break;
        }
        if terminal {
            let status = handle.status();
            let seconds = handle.frames_to_seconds(status.elapsed_frames) as u64;
            print!(
                "\r{:02}:{:02}:{:02}  {:>6} steps  {:>5.1} spm ",
                seconds / 3_600,
                seconds / 60 % 60,
                seconds % 60,
                status.steps,
                status.spm
            );
            let _ = std::io::stdout().flush();
        }
    }

    // Let the last click ring out before the stream closes.
    let deadline = Instant::now() + RING_OUT;
    while handle.status().active_voices > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = handle.status();
    let played = handle.frames_to_seconds(status.elapsed_frames);
    if terminal {
        println!();
    }
    println!(
        "played {} steps in {}:{:02} ({})",
        status.steps,
        played as u64 / 60,
        played as u64 % 60,
        if finished { "finished" } else { "stopped" }
    );
    if let Some(observed) = output.observed() {
        println!("{observed}");
    }
    drop(output);
    Ok(())
}

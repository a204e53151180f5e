//! `cadence-coach baseline`: the natural step rate from a counted minute or from taps on
//! each right-foot strike, the targets 5-10% above it, and saving it to the profile.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use super::args::UsageError;
use super::data;
use crate::audio::{AudioOutput, OutputOptions};
use crate::coach::{Baseline, CountedFeet, Increase, Profile, Target};
use crate::engine::{Accent, BuiltinSound, EngineHandle, Program, SoundChoice, Voicing};

/// Work out your natural step rate from a counted minute (or by tapping Enter on each
/// right-foot strike) and show the targets.
#[derive(Args, Debug)]
pub struct BaselineArgs {
    /// Strikes counted in one minute of easy running (right foot only, unless
    /// --both-feet).
    #[arg(long, conflicts_with_all = ["tap", "from_run"], required_unless_present_any = ["tap", "from_run"])]
    pub count: Option<u32>,

    /// The count is of both feet (every step), not the right foot.
    #[arg(long, conflicts_with = "tap")]
    pub both_feet: bool,

    /// Count a minute here: press Enter on every right-foot strike, between a start and
    /// an end beep.
    #[arg(long, conflicts_with = "from_run")]
    pub tap: bool,

    /// Take it from an easy run your watch recorded (FIT, TCX or GPX): the median step
    /// rate while moving, the warm-up left out.
    #[arg(long, value_name = "FILE")]
    pub from_run: Option<std::path::PathBuf>,

    /// Save the result as your baseline (with --tap on a terminal you are asked).
    #[arg(long)]
    pub save: bool,

    /// The increase to aim for when saving, 5-10 percent (default: the one saved, or 5).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_target_increase, requires = "save")]
    pub increase: Option<Increase>,

    /// Length of the tapped count in seconds (for tests; the guidance counts 60).
    #[arg(long, default_value = "60", hide = true, value_parser = clap::value_parser!(u32).range(10..=120))]
    pub tap_seconds: u32,
}

fn parse_target_increase(text: &str) -> Result<Increase, String> {
    let percent: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number; give a percentage from 5 to 10"))?;
    Increase::new(percent).map_err(|error| error.to_string())
}

pub fn run(args: BaselineArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let usage = |error: crate::coach::CoachError| UsageError(error.to_string());
    let increase = args.increase;
    let asks = std::io::stdin().is_terminal();
    let mut measured_on = data::today();
    let baseline = match (args.count, &args.from_run) {
        (_, Some(path)) => {
            let (baseline, run_day) = from_run(path)?;
            measured_on = run_day;
            baseline
        }
        (Some(count), None) => {
            let feet = if args.both_feet {
                CountedFeet::BothFeet
            } else {
                CountedFeet::RightFoot
            };
            Baseline::from_counted_minute(count, feet).map_err(usage)?
        }
        (None, None) => tap_a_minute(Duration::from_secs(u64::from(args.tap_seconds)), asks)?,
    };
    let baseline = baseline.measured_on(measured_on);
    println!("natural step rate: {baseline}");
    for increase in [Increase::FIVE, Increase::SEVEN_AND_A_HALF, Increase::TEN] {
        println!("  target {}", Target::new(&baseline, increase));
    }
    if let Some(advice) = baseline.advisory() {
        println!("{advice}");
    }

    let save = args.save || (args.tap && asks && confirm(&baseline)?);
    if save {
        let store = data::open_store(data_dir)?;
        let saved = store
            .update(|profile: &mut Profile| {
                profile.baseline = Some(baseline.clone());
                if let Some(increase) = increase {
                    profile.increase = increase;
                }
                profile.target()
            })
            .context("saving your baseline")?;
        data::report(&saved.notices);
        if let Some(target) = saved.value {
            println!("saved: baseline {} spm, target {target}", baseline.spm);
        }
    } else if args.tap {
        println!("not saved (add --save to keep it as your baseline)");
    }
    Ok(())
}

/// The natural rate from the first running leg of a watch file, saying which part of
/// the run it used.
fn from_run(path: &Path) -> anyhow::Result<(Baseline, time::Date)> {
    let imported = crate::import::import_file(path, crate::import::Options::default())
        .map_err(|error| super::import::file_error(path, error))?;
    let Some(measured) = imported.legs.into_iter().find_map(|leg| leg.measurement) else {
        return Err(super::import::file_error(
            path,
            "no run in this file (only other sports)",
        ));
    };
    let Some((spm, first, last)) = measured.natural_rate() else {
        return Err(super::import::file_error(path, "the run never moves"));
    };
    let warm_up = if first > 0 {
        ", the warm-up left out"
    } else {
        ""
    };
    println!(
        "from the run of {}: the median step rate of minutes {}-{} while moving{warm_up} ({:.1} of {:.1} minutes moving)",
        measured.started_at.date(),
        first + 1,
        last + 1,
        measured.moving_minutes(),
        measured.elapsed_minutes()
    );
    let run_day = measured.started_at.to_offset(data::now().offset()).date();
    let baseline =
        Baseline::typed(spm.round()).map_err(|error| super::import::file_error(path, error))?;
    Ok((baseline, run_day))
}

fn confirm(baseline: &Baseline) -> anyhow::Result<bool> {
    print!("Save {} spm as your baseline? [Y/n] ", baseline.spm);
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "" | "y" | "yes"
    ))
}

/// The start and end cues: one beep, then two, so they are told apart without looking.
struct Cues {
    /// `None` without a sound card: the terminal bell and the countdown stand in.
    output: Option<(AudioOutput, EngineHandle)>,
}

impl Cues {
    fn open() -> Self {
        let sound = SoundChoice::Builtin(BuiltinSound::Beep);
        let voicing = Voicing {
            volume: 1.0,
            accent: Accent::None,
        };
        let output = AudioOutput::open(&OutputOptions::default(), &sound, voicing).ok();
        if output.is_none() {
            eprintln!("(no sound device: follow the countdown instead of the beeps)");
        }
        Self { output }
    }

    /// `beeps` beeps a quarter of a second apart.
    fn beep(&self, beeps: u32) {
        match &self.output {
            Some((_, handle)) => {
                // 240 spm: one step every 0.25 s, and the program ends before the next.
                let seconds = 0.25 * f64::from(beeps) - 0.125;
                let _ = handle.start(&Program::steady(240.0, Some(seconds)));
            }
            None if std::io::stderr().is_terminal() => eprint!("\x07"),
            None => {}
        }
    }
}

/// Counts Enter presses for `length` after a first Enter starts the count, with a live
/// countdown, and turns the taps' times into a baseline.
fn tap_a_minute(length: Duration, terminal: bool) -> anyhow::Result<Baseline> {
    let (taps_tx, taps_rx) = mpsc::channel::<Instant>();
    // A reader thread, so the countdown keeps moving between key presses. It ends with
    // the process.
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if line.is_err() || taps_tx.send(Instant::now()).is_err() {
                break;
            }
        }
    });
    let cues = Cues::open();
    println!(
        "Run at your easy pace. Press Enter to start: after the beep, press Enter on \
         every right-foot strike for {} seconds, until the double beep.",
        length.as_secs()
    );
    taps_rx
        .recv()
        .map_err(|_| UsageError("no input: the count was not started".into()))?;
    cues.beep(1);
    let start = Instant::now();
    let end = start + length;
    let mut taps: Vec<f64> = Vec::new();
    let mut shown = None;
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        let left = (end - now).as_secs() + 1;
        if terminal && shown != Some((left, taps.len())) {
            shown = Some((left, taps.len()));
            eprint!(
                "\r{left:>3} s left   {:>3} right-foot strikes (x2 = {:>3})  ",
                taps.len(),
                taps.len() * 2
            );
            let _ = std::io::stderr().flush();
        }
        match taps_rx.recv_timeout((end - now).min(Duration::from_millis(100))) {
            Ok(at) if at < end => taps.push((at - start).as_secs_f64()),
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // Input closed early: wait out the minute so the count is a minute's.
                std::thread::sleep(end.saturating_duration_since(Instant::now()));
            }
        }
    }
    cues.beep(2);
    if terminal {
        eprintln!();
    }
    println!(
        "{} right-foot strikes tapped in {} seconds",
        taps.len(),
        length.as_secs()
    );
    // Let the double beep sound out before the stream closes.
    if cues.output.is_some() {
        std::thread::sleep(Duration::from_millis(600));
    }
    Baseline::from_right_foot_taps(&taps).map_err(|error| UsageError(error.to_string()).into())
}

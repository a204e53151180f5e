//! `cadence-coach import FILE...`: runs from the watch (FIT, TCX, GPX), with the step
//! rate really run against the target, attached to the run the app recorded at the same
//! time or logged as runs of their own.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use super::args::{Reported, UsageError, parse_pain, parse_spm};
use super::data;
use crate::coach::imported::{Placement, logged_run, place, target_for};
use crate::coach::{Measurement, Pain, Plan, RunLog, SessionRecord, Thresholds};
use crate::import::{self, CadenceUnit, ImportedLeg, Options};
use crate::store::{Store, StoreError};

/// Import runs from your watch (FIT, TCX or GPX) to see the step rate you really ran.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Watch files: .fit, .tcx or .gpx (told apart by their content).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Show what would be imported; save nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print a JSON array with one object per leg instead of the lines.
    #[arg(long)]
    pub json: bool,

    /// Hold the runs against this step rate (60-250 spm) instead of the plan's target.
    #[arg(long, value_name = "SPM", allow_negative_numbers = true, value_parser = parse_spm)]
    pub target: Option<f64>,

    /// How GPX `cad` values are meant: auto (a median under 120 is strides, doubled),
    /// steps or strides.
    #[arg(long, value_enum, default_value_t = GpxCadence::Auto)]
    pub gpx_cadence: GpxCadence,

    /// Knee pain during the runs newly logged (0-10), if they are yours to log now.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_pain, requires = "pain_after")]
    pub pain_during: Option<u8>,

    /// Knee pain after them (0-10).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_pain, requires = "pain_during")]
    pub pain_after: Option<u8>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GpxCadence {
    Auto,
    Steps,
    Strides,
}

impl From<GpxCadence> for CadenceUnit {
    fn from(value: GpxCadence) -> Self {
        match value {
            GpxCadence::Auto => CadenceUnit::Auto,
            GpxCadence::Steps => CadenceUnit::Steps,
            GpxCadence::Strides => CadenceUnit::Strides,
        }
    }
}

/// What was done with one running leg.
enum Outcome {
    Attached(SessionRecord),
    Logged(SessionRecord),
    Already(SessionRecord),
}

/// The runner's data, as the import goes.
struct Session {
    store: Store,
    log: RunLog,
    plan: Option<Plan>,
    dry_run: bool,
    pain: Option<Pain>,
}

pub fn run(args: ImportArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let profile = data::load_profile(&store)?;
    let log = data::load_log(&store, &profile)?;
    let plan = store.load::<Plan>().context("reading the plan")?;
    data::report(&plan.notices);
    let pain = match (args.pain_during, args.pain_after) {
        (Some(during), Some(after)) => Some(Pain { during, after }),
        _ => None,
    };
    let mut session = Session {
        store,
        log,
        plan: plan.value,
        dry_run: args.dry_run,
        pain,
    };
    let options = Options {
        gpx_cadence: args.gpx_cadence.into(),
    };
    let mut failed = 0;
    let mut entries: Vec<Value> = Vec::new();
    for path in &args.files {
        let imported = match import::import_file(path, options) {
            Ok(imported) => imported,
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                failed += 1;
                continue;
            }
        };
        for leg in imported.legs {
            let outcome = match &leg.measurement {
                Some(measured) => Some(
                    session
                        .keep(measured.clone())
                        .with_context(|| format!("saving the run from {}", path.display()))?,
                ),
                None => None,
            };
            let target = args.target.or_else(|| {
                let run = outcome.as_ref().map(Outcome::record)?;
                target_for(run, session.plan.as_ref(), &session.log).map(f64::from)
            });
            if args.json {
                entries.push(json_entry(path, &leg, target));
            } else {
                println!(
                    "{}",
                    line(path, &leg, target, outcome.as_ref(), args.dry_run)
                );
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
    }
    match (failed, args.files.len()) {
        (0, _) => Ok(()),
        // Its line said it all: the file's name and what is wrong with it.
        (1, 1) => Err(Reported.into()),
        (failed, total) if failed == total => {
            anyhow::bail!("none of the {total} files could be imported")
        }
        (failed, total) => {
            anyhow::bail!("{failed} of {total} files could not be imported; the others were")
        }
    }
}

impl Outcome {
    fn record(&self) -> &SessionRecord {
        match self {
            Outcome::Attached(run) | Outcome::Logged(run) | Outcome::Already(run) => run,
        }
    }
}

impl Session {
    /// Attaches `measured` to the run recorded at the same time, or logs it as a run of
    /// its own; nothing when it is already in the log.
    fn keep(&mut self, measured: Measurement) -> anyhow::Result<Outcome> {
        let find = |log: &RunLog, id: &str| log.records.iter().position(|run| run.id == id);
        match place(&self.log.records, &measured) {
            Placement::Already { id } => {
                let index = find(&self.log, &id).context("the run just found")?;
                let run = &mut self.log.records[index];
                if let Some(pain) = self.pain
                    && !run.pain_logged
                {
                    run.log_pain(pain, false);
                    if !self.dry_run {
                        self.store.save_session(run)?;
                    }
                }
                Ok(Outcome::Already(run.clone()))
            }
            Placement::Attach { id } => {
                let index = find(&self.log, &id).context("the run just found")?;
                let run = &mut self.log.records[index];
                run.measured = Some(measured);
                if !self.dry_run {
                    self.store.save_session(run)?;
                }
                Ok(Outcome::Attached(run.clone()))
            }
            Placement::New => {
                let mut run = logged_run(measured, data::now().offset());
                if let Some(pain) = self.pain {
                    run.log_pain(pain, false);
                }
                if !self.dry_run {
                    match self.store.begin_session(&run) {
                        // Saved by an import that the log could not read back.
                        Ok(()) | Err(StoreError::SessionExists { .. }) => {}
                        Err(error) => return Err(error.into()),
                    }
                }
                self.log.records.push(run.clone());
                Ok(Outcome::Logged(run))
            }
        }
    }
}

/// Minutes at or above the target less [`Thresholds::at_target_margin_spm`].
fn minutes_at(measured: &Measurement, target: f64) -> f64 {
    measured.minutes_at_or_above(target - Thresholds::GUIDANCE.at_target_margin_spm)
}

fn json_entry(path: &Path, leg: &ImportedLeg, target: Option<f64>) -> Value {
    let start = leg.started_at.format(&Rfc3339).unwrap_or_default();
    let measured = leg.measurement.as_ref();
    json!({
        "file": path.display().to_string(),
        "sport": leg.sport.name(),
        "start": start,
        "elapsed_minutes": round1(measured.map_or(leg.elapsed_seconds / 60.0, Measurement::elapsed_minutes)),
        "moving_minutes": measured.map(|m| round1(m.moving_minutes())),
        "mean_spm": measured.map(|m| round1(m.mean_spm)),
        "median_spm": measured.map(|m| round1(m.median_spm)),
        "target_spm": measured.and(target),
        "minutes_at_target": measured.zip(target).map(|(m, target)| round1(minutes_at(m, target))),
    })
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// "run.fit: 2026-11-24 07:30 running, 31.0 min (29.5 moving, 1.5 stopped left out),
/// mean 166 spm, median 167 spm, at 168 spm for 26 of 30 min: attached to the run
/// recorded at 07:28."
fn line(
    path: &Path,
    leg: &ImportedLeg,
    target: Option<f64>,
    outcome: Option<&Outcome>,
    dry_run: bool,
) -> String {
    let offset = data::now().offset();
    let at = leg.started_at.to_offset(offset);
    let head = format!(
        "{}: {} {:02}:{:02} {}",
        path.display(),
        at.date(),
        at.hour(),
        at.minute(),
        leg.sport
    );
    let (Some(measured), Some(outcome)) = (&leg.measurement, outcome) else {
        return format!(
            "{head}, {:.1} min: skipped ({})",
            leg.elapsed_seconds / 60.0,
            leg.sport.why_skipped()
        );
    };
    let stopped = measured.elapsed_minutes() - measured.moving_minutes();
    let moving = if stopped >= 0.05 {
        format!(
            "{:.1} moving, {stopped:.1} stopped left out",
            measured.moving_minutes()
        )
    } else {
        "no stops".to_string()
    };
    let at_target = target.map_or_else(
        || "no target (make a plan or give --target)".to_string(),
        |target| {
            format!(
                "at {target:.0} spm for {:.0} of {:.0} min",
                minutes_at(measured, target).floor(),
                measured.moving_minutes().round()
            )
        },
    );
    let would = if dry_run { "would be " } else { "" };
    let done = match outcome {
        Outcome::Already(run) => format!(
            "already in your history (the run of {} {:02}:{:02}); nothing added",
            run.date(),
            run.started_at.hour(),
            run.started_at.minute()
        ),
        Outcome::Attached(run) => format!(
            "{would}attached to the run you recorded at {:02}:{:02}",
            run.started_at.hour(),
            run.started_at.minute()
        ),
        Outcome::Logged(run) if run.pain_logged => format!("{would}logged as a new run"),
        Outcome::Logged(_) => format!(
            "{would}logged as a new run; give the knee's pain in the app, or import it again \
             with --pain-during and --pain-after"
        ),
    };
    format!(
        "{head}, {:.1} min ({moving}), mean {:.0} spm, median {:.0} spm, {at_target}: {done}",
        measured.elapsed_minutes(),
        measured.mean_spm,
        measured.median_spm
    )
}

/// A usage error for `--from-run` and the like: the file could not give a run.
pub fn file_error(path: &Path, error: impl std::fmt::Display) -> anyhow::Error {
    UsageError(format!("{}: {error}", path.display())).into()
}

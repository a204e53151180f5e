//! `cadence-coach plan`: create a multi-week plan, show it week by week with what the
//! pain log decided, and say what today holds.

use std::path::Path;

use anyhow::Context;
use clap::{Args, Subcommand};
use time::{Date, macros::format_description};

use super::args::UsageError;
use super::data;
use crate::coach::{Baseline, Increase, Plan};
use crate::store;

/// Create or show your multi-week plan.
#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub command: PlanCommand,
}

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// Build a plan that raises your step rate week by week, and save it.
    New(NewPlanArgs),
    /// The plan week by week, with what your pain log decided and why.
    Show,
    /// Today's session.
    Today,
    /// Use a plan file from someone else (a coach, say) as your plan. It is checked
    /// field by field first; your current plan is replaced only if it passes.
    Import {
        /// The plan file (a `plan.ron` written by Cadence Coach).
        file: std::path::PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct NewPlanArgs {
    /// Your natural step rate, 120-220 spm (default: the one saved with `cadence-coach
    /// baseline --save`).
    #[arg(long, allow_negative_numbers = true)]
    pub baseline: Option<f64>,
    /// Final increase over the baseline, 5-10 percent (default: the one saved).
    #[arg(long, allow_negative_numbers = true)]
    pub increase: Option<f64>,
    /// Number of weeks, 2-16.
    #[arg(long, allow_negative_numbers = true)]
    pub weeks: u8,
    /// Runs per week, 1-7.
    #[arg(long, allow_negative_numbers = true)]
    pub runs_per_week: u8,
    /// First day of week 1, as YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    pub start: Option<Date>,
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("'{text}' is not a date; write it as YYYY-MM-DD, like 2026-11-23"))
}

pub fn run(args: PlanArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    match args.command {
        PlanCommand::New(new) => {
            let usage = |error: crate::coach::CoachError| UsageError(error.to_string());
            let profile = data::load_profile(&store)?;
            let baseline = match new.baseline {
                Some(spm) => Baseline::typed(spm).map_err(usage)?,
                None => {
                    let saved = profile.baseline.clone().ok_or_else(|| {
                        UsageError(
                            "there is no saved baseline: count one with `cadence-coach \
                             baseline --count N --save` (or give --baseline)"
                                .into(),
                        )
                    })?;
                    println!("Using your saved baseline of {} spm.", saved.spm);
                    saved
                }
            };
            let increase = match new.increase {
                Some(percent) => Increase::new(percent).map_err(usage)?,
                None => {
                    println!("Using your saved increase of {}.", profile.increase);
                    profile.increase
                }
            };
            let start = new.start.unwrap_or_else(data::today);
            let plan = Plan::new(baseline, increase, new.weeks, new.runs_per_week, start)
                .map_err(usage)?;
            data::report(&store.save(&plan).context("saving the plan")?);
            let log = data::load_log(&store, &profile)?;
            println!("{}", plan.progress(&log, data::today()).table());
            if let Some(reason) = profile.risk.longer_step_reason() {
                println!(
                    "Each step lasts {} weeks: {reason} (`cadence-coach profile` shows why).",
                    profile.risk.weeks_per_step()
                );
            }
            println!("saved to {}", store.document_path::<Plan>().display());
        }
        PlanCommand::Import { file } => {
            let plan = store::read_foreign::<Plan>(&file)
                .map_err(|error| UsageError(error.to_string()))?;
            data::report(&store.save(&plan).context("saving the plan")?);
            println!("{}", plan.table());
            println!("imported into {}", store.document_path::<Plan>().display());
        }
        PlanCommand::Show | PlanCommand::Today => {
            let plan = data::load_plan(&store)?;
            let profile = data::load_profile(&store)?;
            let log = data::load_log(&store, &profile)?;
            let today = data::today();
            if matches!(args.command, PlanCommand::Show) {
                println!("{}", plan.progress(&log, today).table());
            } else {
                let session = plan.today(today, &log);
                println!("{}", session.message);
                if let Some(decision) = &session.latest_decision {
                    println!("Latest decision: {}", decision.message());
                }
            }
        }
    }
    Ok(())
}

//! `cadence-coach pain`: how the knee felt on a run that was saved without it (the
//! questions after `play` went unanswered, or the window was closed mid-run).

use std::path::Path;

use anyhow::Context;
use clap::Args;
use time::Date;

use super::args::{UsageError, parse_pain};
use super::data;
use super::plan::parse_date;
use crate::coach::{Pain, Plan, SessionRecord};

/// Give the knee's pain for a run saved without it (the latest such run, or the one on
/// --date).
#[derive(Args, Debug)]
pub struct PainArgs {
    /// Worst knee pain during the run, 0 (none) to 10.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_pain)]
    pub during: u8,

    /// Worst knee pain after the run, 0 to 10.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_pain)]
    pub after: u8,

    /// You limped during or after the run.
    #[arg(long)]
    pub limp: bool,

    /// Visible swelling around the knee after the run.
    #[arg(long)]
    pub swelling: bool,

    /// The day of the run, YYYY-MM-DD (default: the latest run without its pain).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<Date>,
}

pub fn run(args: PainArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let profile = data::load_profile(&store)?;
    let mut log = data::load_log(&store, &profile)?;
    let Some(mut run) = run_to_complete(&log.records, args.date)? else {
        return Err(UsageError(match args.date {
            Some(date) => format!(
                "there is no run on {date} whose pain is still to be given \
                 (`cadence-coach history` lists the runs)"
            ),
            None => "every run has its pain logged; `cadence-coach log` logs a run done \
                     without the app"
                .to_string(),
        })
        .into());
    };
    run.log_pain(
        Pain {
            during: args.during,
            after: args.after,
        },
        args.limp,
    );
    run.swelling = args.swelling;
    store.save_session(&run).context("saving the pain")?;
    println!(
        "Pain logged for the run of {}: {}/10 during, {}/10 after{}.",
        run.date(),
        args.during,
        args.after,
        if args.limp { ", with a limp" } else { "" }
    );
    if let Some(slot) = log.records.iter_mut().find(|r| r.id == run.id) {
        *slot = run.clone();
    }
    let plan = store.load::<Plan>().context("reading the plan")?;
    data::report(&plan.notices);
    if let Some(plan) = plan.value {
        println!("{}", plan.after_run_on(&log, &run, data::today()).message);
    }
    Ok(())
}

/// The run on `date` still without its pain (the latest, if several), or the latest
/// such run at all.
fn run_to_complete(
    records: &[SessionRecord],
    date: Option<Date>,
) -> Result<Option<SessionRecord>, UsageError> {
    let mut candidates: Vec<&SessionRecord> = records
        .iter()
        .filter(|run| !run.pain_logged)
        .filter(|run| date.is_none_or(|day| run.date() == day))
        .collect();
    candidates.sort_by_key(|run| run.started_at);
    Ok(candidates.last().map(|run| (*run).clone()))
}

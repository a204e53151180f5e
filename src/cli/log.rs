//! `cadence-coach log`: a run done without the app playing it (a rendered click track on a
//! phone, say), so that the plan and the weekly minutes count it.

use std::path::Path;

use anyhow::Context;
use clap::Args;
use time::{Date, PrimitiveDateTime, Time, macros::format_description};

use super::args::{UsageError, parse_minutes, parse_spm};
use super::data;
use super::plan::parse_date;
use super::play::{RunReportArgs, apply_report, check_note};
use crate::coach::{Plan, PlayedRates, SessionRecord, activity::decline_warning, workload};
use crate::store;

/// Log a run you did without the app playing it.
#[derive(Args, Debug)]
pub struct LogArgs {
    /// The day of the run, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<Date>,

    /// When it started, HH:MM (default: now, or 12:00 for another day).
    #[arg(long, value_parser = parse_time)]
    pub time: Option<Time>,

    /// How long you ran to the clicks, in minutes (at most 600).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_minutes)]
    pub minutes: f64,

    /// The step rate you ran at, 60-250 spm.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_spm)]
    pub spm: f64,

    #[command(flatten)]
    pub report: RunReportArgs,
}

fn parse_time(text: &str) -> Result<Time, String> {
    Time::parse(text.trim(), format_description!("[hour]:[minute]"))
        .map_err(|_| format!("'{text}' is not a time; write it as HH:MM, like 07:30"))
}

pub fn run(args: LogArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let (Some(during), Some(after)) = (args.report.pain_during, args.report.pain_after) else {
        return Err(UsageError(
            "give the knee's pain with --pain-during and --pain-after (0-10)".into(),
        )
        .into());
    };
    if let Some(note) = &args.report.note {
        check_note(note)?;
    }
    let now = data::now();
    let date = args.date.unwrap_or(now.date());
    if date > now.date() {
        return Err(UsageError(format!("{date} is in the future; log runs you have done")).into());
    }
    let time = args.time.unwrap_or(if date == now.date() {
        now.time()
    } else {
        time::macros::time!(12:00)
    });
    let started_at = PrimitiveDateTime::new(date, time).assume_offset(now.offset());
    let mut record = SessionRecord::new(
        SessionRecord::make_id(started_at, store::random_id_bits()),
        started_at,
        PlayedRates::steady(args.spm),
        args.minutes * 60.0,
        (args.minutes * args.spm).round() as u32,
        Default::default(),
    );
    apply_report(
        &mut record,
        &args.report,
        during,
        after,
        args.report.limp,
        args.report.note.clone(),
    );
    record
        .validate()
        .map_err(|error| UsageError(error.to_string()))?;

    let store = data::open_store(data_dir)?;
    let profile = data::load_profile(&store)?;
    let mut log = data::load_log(&store, &profile)?;
    store.begin_session(&record).context("saving the run")?;
    println!(
        "logged: {} min at {} spm on {date}, pain {during}/10 during and {after}/10 after",
        args.minutes, args.spm
    );
    log.records.push(record.clone());
    let plan = store.load::<Plan>().context("reading the plan")?;
    data::report(&plan.notices);
    if let Some(plan) = plan.value {
        println!("{}", plan.after_run_on(&log, &record, now.date()).message);
    }
    if let Some(warning) = decline_warning(&record) {
        println!("{warning}");
    }
    let training = data::load_training(&store)?;
    if let Some(warning) = workload::this_week_with(&log.records, &training.activities, now.date())
    {
        println!("{warning}");
    }
    Ok(())
}

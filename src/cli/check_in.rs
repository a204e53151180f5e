//! `cadence-coach check-in`: how the knee is the morning after a run, and a clinician's
//! clearance after swelling.

use std::path::Path;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::args::UsageError;
use super::data;
use super::play::check_note;
use crate::coach::{Clearance, Morning, MorningCheck, Profile};

/// Log the morning after a run: is the knee worse than usual, the same, or better?
#[derive(Args, Debug)]
pub struct CheckInArgs {
    /// The knee this morning compared with your usual.
    #[arg(long, value_enum, required_unless_present = "cleared")]
    pub morning: Option<MorningArg>,

    /// There is visible swelling around the knee.
    #[arg(long, requires = "morning")]
    pub swelling: bool,

    /// A physiotherapist or sports physician has cleared the knee after swelling:
    /// the plan may progress again. Give who and what they advised.
    #[arg(long, value_name = "NOTE", conflicts_with = "morning")]
    pub cleared: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MorningArg {
    Worse,
    Same,
    Better,
}

impl From<MorningArg> for Morning {
    fn from(arg: MorningArg) -> Self {
        match arg {
            MorningArg::Worse => Morning::Worse,
            MorningArg::Same => Morning::Same,
            MorningArg::Better => Morning::Better,
        }
    }
}

pub fn run(args: CheckInArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let today = data::today();
    if let Some(note) = args.cleared {
        check_note(&note)?;
        let saved = store
            .update(|profile: &mut Profile| {
                profile.clearances.push(Clearance {
                    date: today,
                    note: note.trim().to_string(),
                });
            })
            .context("saving the clearance")?;
        data::report(&saved.notices);
        println!("Clearance logged for {today}: the plan may progress again.");
        return Ok(());
    }
    let Some(morning) = args.morning else {
        return Err(UsageError("give --morning worse|same|better".into()).into());
    };
    let profile = data::load_profile(&store)?;
    let log = data::load_log(&store, &profile)?;
    let Some(run) = log
        .runs_in_order()
        .into_iter()
        .rev()
        .find(|run| run.date() < today)
        .cloned()
    else {
        return Err(UsageError(
            "there is no run from before today to check in for; the morning check is for \
             the morning after a run"
                .into(),
        )
        .into());
    };
    let replaced = run.morning.is_some();
    let mut run = run;
    run.morning = Some(MorningCheck {
        symptoms: morning.into(),
        swelling: args.swelling,
    });
    store
        .save_session(&run)
        .context("saving the morning check")?;
    println!(
        "Morning check {} for the run of {}.",
        if replaced { "replaced" } else { "logged" },
        run.date()
    );
    if args.swelling {
        println!(
            "Visible swelling: stop raising the step rate and have the knee looked at by a \
             physiotherapist or sports physician. Log their clearance with \
             `cadence-coach check-in --cleared \"...\"`."
        );
    }
    if let Ok(plan) = data::load_plan(&store) {
        let log = data::load_log(&store, &profile)?;
        println!("{}", plan.today(today, &log).message);
    }
    Ok(())
}

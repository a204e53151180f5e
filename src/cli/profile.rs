//! `cadence-coach profile`: what the runner has saved, and the risk questions the plan
//! takes into account (knee pain before, sex, early specialization, other training).

use std::path::Path;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::data;
use crate::coach::{Profile, Sex};

/// Show your profile, or answer the questions that set how fast the plan climbs.
#[derive(Args, Debug)]
pub struct ProfileArgs {
    /// You had pain at the front of the knee (patellofemoral pain) before this time.
    #[arg(long, value_enum, value_name = "yes|no")]
    pub prior_knee_pain: Option<YesNo>,

    /// Your sex.
    #[arg(long, value_enum)]
    pub sex: Option<SexArg>,

    /// You specialized early in a single sport.
    #[arg(long, value_enum, value_name = "yes|no")]
    pub early_specialization: Option<YesNo>,

    /// Your other training changed recently (a new strength routine, more downhill
    /// running, cycling to work).
    #[arg(long, value_enum, value_name = "yes|no")]
    pub other_training_change: Option<YesNo>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
}

impl From<YesNo> for bool {
    fn from(answer: YesNo) -> Self {
        matches!(answer, YesNo::Yes)
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SexArg {
    Female,
    Male,
    Other,
}

impl From<SexArg> for Sex {
    fn from(arg: SexArg) -> Self {
        match arg {
            SexArg::Female => Sex::Female,
            SexArg::Male => Sex::Male,
            SexArg::Other => Sex::Other,
        }
    }
}

impl ProfileArgs {
    fn changes_anything(&self) -> bool {
        self.prior_knee_pain.is_some()
            || self.sex.is_some()
            || self.early_specialization.is_some()
            || self.other_training_change.is_some()
    }

    fn apply(&self, profile: &mut Profile) {
        let risk = &mut profile.risk;
        if let Some(answer) = self.prior_knee_pain {
            risk.prior_knee_pain = Some(answer.into());
        }
        if let Some(sex) = self.sex {
            risk.sex = Some(sex.into());
        }
        if let Some(answer) = self.early_specialization {
            risk.early_specialization = Some(answer.into());
        }
        if let Some(answer) = self.other_training_change {
            risk.other_training_change = Some(answer.into());
        }
    }
}

pub fn run(args: ProfileArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let profile = if args.changes_anything() {
        let saved = store
            .update(|profile: &mut Profile| {
                args.apply(profile);
                profile.clone()
            })
            .context("saving your profile")?;
        data::report(&saved.notices);
        println!("saved to {}", store.document_path::<Profile>().display());
        saved.value
    } else {
        data::load_profile(&store)?
    };
    for line in describe(&profile) {
        println!("{line}");
    }
    Ok(())
}

/// The profile as lines, with the command that fills in what is missing.
fn describe(profile: &Profile) -> Vec<String> {
    let mut lines = vec![match (&profile.baseline, profile.target()) {
        (Some(baseline), Some(target)) => {
            format!(
                "Baseline: {baseline}; increase {}: target {target}",
                profile.increase
            )
        }
        _ => "Baseline: none yet (count a minute with `cadence-coach baseline --count N --save`)"
            .to_string(),
    }];
    lines.extend(profile.risk.describe());
    if !profile.risk.is_complete() {
        lines.push(
            "Answer the rest with `cadence-coach profile --prior-knee-pain yes|no --sex \
             female|male|other --early-specialization yes|no --other-training-change yes|no`."
                .into(),
        );
    }
    lines
}

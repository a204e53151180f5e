//! `cadence-coach activity`: other training (strength, cycling, hiking, other sport),
//! counted in the weekly workload, and hip and knee exercise sets; without arguments,
//! this week's load.

use std::path::Path;

use anyhow::Context;
use clap::{Args, ValueEnum};
use time::Date;

use super::args::UsageError;
use super::data;
use super::plan::parse_date;
use crate::coach::{Activity, ActivityKind, Exercise, ExerciseSets, Training, workload};

/// Log other training so the weekly workload counts it; alone, show this week's load.
#[derive(Args, Debug)]
pub struct ActivityArgs {
    /// What you did.
    #[arg(long, value_enum, requires = "minutes")]
    pub kind: Option<KindArg>,

    /// How long, in minutes (1-1440).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_activity_minutes, requires = "kind")]
    pub minutes: Option<f64>,

    /// The day, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date, requires = "kind")]
    pub date: Option<Date>,

    /// A hip or knee exercise of a strength session, as NAME:SETSxREPS[@KG], e.g.
    /// clamshells:3x10 or split-squats:3x8@10. Names: side-lying-leg-raises,
    /// clamshells, split-squats, single-leg-bridges, calf-raises, wall-sit.
    #[arg(long, value_parser = parse_exercise, requires = "kind")]
    pub exercise: Vec<ExerciseSets>,

    /// A note (up to 1000 characters).
    #[arg(long, requires = "kind")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    Strength,
    Cycling,
    Hiking,
    OtherSport,
}

impl From<KindArg> for ActivityKind {
    fn from(arg: KindArg) -> Self {
        match arg {
            KindArg::Strength => ActivityKind::Strength,
            KindArg::Cycling => ActivityKind::Cycling,
            KindArg::Hiking => ActivityKind::Hiking,
            KindArg::OtherSport => ActivityKind::OtherSport,
        }
    }
}

fn parse_activity_minutes(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(minutes) if (1.0..=1_440.0).contains(&minutes) => Ok(minutes),
        _ => Err(format!(
            "'{text}' is not a length of training; give 1 to 1440 minutes"
        )),
    }
}

/// "clamshells:3x10@2".
fn parse_exercise(text: &str) -> Result<ExerciseSets, String> {
    let usage = || {
        format!(
            "'{text}' is not an exercise; write NAME:SETSxREPS or NAME:SETSxREPS@KG, like \
             clamshells:3x10 or split-squats:3x8@10"
        )
    };
    let (name, amount) = text.trim().split_once(':').ok_or_else(usage)?;
    let exercise = Exercise::ALL
        .into_iter()
        .find(|exercise| exercise.to_string().replace(' ', "-") == name.trim())
        .ok_or_else(|| {
            let names: Vec<String> = Exercise::ALL
                .iter()
                .map(|e| e.to_string().replace(' ', "-"))
                .collect();
            format!(
                "'{name}' is not an exercise the app knows; use one of {}",
                names.join(", ")
            )
        })?;
    let (count, load) = match amount.split_once('@') {
        Some((count, load)) => (count, load.trim().parse::<f64>().map_err(|_| usage())?),
        None => (amount, 0.0),
    };
    let (sets, reps) = count.split_once('x').ok_or_else(usage)?;
    let sets = ExerciseSets {
        exercise,
        sets: sets.trim().parse().map_err(|_| usage())?,
        reps: reps.trim().parse().map_err(|_| usage())?,
        load_kg: load,
    };
    Ok(sets)
}

pub fn run(args: ActivityArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let today = data::today();
    let training = match (args.kind, args.minutes) {
        (Some(kind), Some(minutes)) => {
            let activity = Activity {
                date: args.date.unwrap_or(today),
                kind: kind.into(),
                minutes,
                exercises: args.exercise,
                note: args.note.unwrap_or_default(),
            };
            activity
                .validate()
                .map_err(|error| UsageError(error.to_string()))?;
            if activity.date > today {
                return Err(UsageError(format!(
                    "{} is in the future; log training you have done",
                    activity.date
                ))
                .into());
            }
            let saved = store
                .update(|training: &mut Training| {
                    training.activities.push(activity.clone());
                    training.clone()
                })
                .context("saving the activity")?;
            data::report(&saved.notices);
            println!("logged: {activity}");
            saved.value
        }
        _ => {
            let loaded = store
                .load_or_default::<Training>()
                .context("reading your training")?;
            data::report(&loaded.notices);
            loaded.value
        }
    };
    let profile = data::load_profile(&store)?;
    let log = data::load_log(&store, &profile)?;
    for line in week_lines(&training, &log.records, today) {
        println!("{line}");
    }
    Ok(())
}

/// This week's load: other training, hip and knee exercise, nudges and a spike.
pub fn week_lines(
    training: &Training,
    runs: &[crate::coach::SessionRecord],
    today: Date,
) -> Vec<String> {
    let week = workload::IsoWeek::of(today);
    let mut lines = vec![
        format!(
            "This week ({week}): {:.0} min of other training.",
            training.minutes_in(week)
        ),
        training.strength_summary(today),
    ];
    lines.extend(training.progress_nudges(today));
    if let Some(warning) = workload::this_week_with(runs, &training.activities, today) {
        lines.push(warning.to_string());
    }
    lines
}

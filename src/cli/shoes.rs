//! `cadence-coach shoes`: the pairs you run in and how far each has gone (from runs with
//! a distance: treadmill speed x time), with a note near 640 km (400 miles).

use std::path::Path;

use anyhow::Context;
use clap::Args;
use time::Date;

use super::args::UsageError;
use super::data;
use super::plan::parse_date;
use crate::coach::{Shoe, Training};

/// List your shoes with their distance, or add the pair you run in from now on.
#[derive(Args, Debug)]
pub struct ShoesArgs {
    /// Add a pair, worn for the runs from --since until the next pair.
    #[arg(long, value_name = "NAME")]
    pub add: Option<String>,

    /// The first day in the new pair, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date, requires = "add")]
    pub since: Option<Date>,

    /// Distance already run in the pair, in km (default 0).
    #[arg(long, allow_negative_numbers = true, requires = "add")]
    pub km: Option<f64>,
}

pub fn run(args: ShoesArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let training = match args.add {
        Some(name) => {
            let shoe = Shoe {
                name: name.trim().to_string(),
                since: args.since.unwrap_or_else(data::today),
                start_km: args.km.unwrap_or(0.0),
            };
            let check = Training {
                shoes: vec![shoe.clone()],
                ..Training::default()
            };
            check
                .validate()
                .map_err(|error| UsageError(error.to_string()))?;
            if shoe.name.is_empty() {
                return Err(UsageError(
                    "give the pair a name, like --add \"Blue trainers\"".into(),
                )
                .into());
            }
            let saved = store
                .update(|training: &mut Training| {
                    training.shoes.push(shoe);
                    training.clone()
                })
                .context("saving the shoes")?;
            data::report(&saved.notices);
            saved.value
        }
        None => {
            let loaded = store
                .load_or_default::<Training>()
                .context("reading your training")?;
            data::report(&loaded.notices);
            loaded.value
        }
    };
    if training.shoes.is_empty() {
        println!("No shoes yet; add the pair you run in with `cadence-coach shoes --add NAME`.");
        return Ok(());
    }
    let profile = data::load_profile(&store)?;
    let log = data::load_log(&store, &profile)?;
    for line in training.shoe_lines(&log.records) {
        println!("{line}");
    }
    println!(
        "Distances count runs with a treadmill speed (speed x time) or an imported watch \
         file's distance."
    );
    Ok(())
}

//! `cadence-coach history`: the runs, newest first, with weekly minutes and workload
//! warnings, or the whole log as CSV.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::data;
use crate::coach::{Activity, SessionRecord, history, workload};
use crate::store::atomic;

/// List your runs with the weekly running time and workload warnings.
#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Print every run as CSV (oldest first) instead of the table.
    #[arg(long)]
    pub csv: bool,

    /// Write the CSV to this file instead (replaced atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: HistoryArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let profile = data::load_profile(&store)?;
    let log = data::load_log(&store, &profile)?;
    if let Some(out) = args.out {
        let csv = history::to_csv(&log.records);
        atomic::write_atomically(&out, csv.as_bytes())
            .with_context(|| format!("writing {}", out.display()))?;
        println!("{} runs written to {}", log.records.len(), out.display());
    } else if args.csv {
        print!("{}", history::to_csv(&log.records));
    } else {
        print!("{}", history::text(&log.records));
        let training = data::load_training(&store)?;
        print!("{}", other_training(&log.records, &training.activities));
    }
    Ok(())
}

/// The weeks with other training, their whole workload, and its spikes.
fn other_training(records: &[SessionRecord], activities: &[Activity]) -> String {
    if activities.is_empty() {
        return String::new();
    }
    let loads = workload::weekly_loads_with(records, activities);
    let mut out = String::from("\nWith other training (strength, cycling, hiking, other sport):\n");
    for load in loads.iter().filter(|load| load.other_minutes > 0.0) {
        out.push_str(&format!(
            "{}  {:>4.0} min running + {:>4.0} min other = {:>4.0} min\n",
            load.week,
            load.minutes,
            load.other_minutes,
            load.load_minutes()
        ));
    }
    for warning in workload::workload_warnings(&loads) {
        out.push_str(&format!("{warning}\n"));
    }
    out
}

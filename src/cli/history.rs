//! `cadence-coach history`: the runs, newest first, with weekly minutes and workload
//! warnings, or the whole log as CSV.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::data;
use crate::coach::history;
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
    }
    Ok(())
}

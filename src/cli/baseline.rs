//! `cadence-coach baseline`: the natural step rate from a counted minute, and the
//! targets 5-10% above it.

use clap::Args;

use super::args::UsageError;
use crate::coach::{Baseline, CountedFeet, Increase, Target};

/// Work out your natural step rate from a counted minute and show the targets.
#[derive(Args, Debug)]
pub struct BaselineArgs {
    /// Strikes counted in one minute of easy running (right foot only, unless
    /// --both-feet).
    #[arg(long)]
    pub count: u32,

    /// The count is of both feet (every step), not the right foot.
    #[arg(long)]
    pub both_feet: bool,
}

pub fn run(args: BaselineArgs) -> anyhow::Result<()> {
    let feet = if args.both_feet {
        CountedFeet::BothFeet
    } else {
        CountedFeet::RightFoot
    };
    let baseline = Baseline::from_counted_minute(args.count, feet)
        .map_err(|error| UsageError(error.to_string()))?;
    println!("natural step rate: {baseline}");
    for increase in [Increase::FIVE, Increase::SEVEN_AND_A_HALF, Increase::TEN] {
        println!("  target {}", Target::new(&baseline, increase));
    }
    if let Some(advice) = baseline.advisory() {
        println!("{advice}");
    }
    Ok(())
}

//! `cadence-coach advice`: every rule the app applies, its number and its source.

use clap::Args;

use crate::coach::advice;

/// Every rule the app applies, with its number and the guidance it comes from.
#[derive(Args, Debug)]
pub struct AdviceArgs {}

pub fn run(_args: AdviceArgs) -> anyhow::Result<()> {
    print!("{}", advice::text());
    Ok(())
}

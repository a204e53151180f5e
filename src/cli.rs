//! The command line: one file per subcommand, each a thin layer over the library.

mod activity;
mod advice;
mod args;
mod baseline;
mod check_in;
mod data;
mod devices;
mod history;
mod import;
mod log;
mod music;
mod pain;
mod plan;
mod play;
mod profile;
mod render;
mod shoes;
mod warmup;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use args::{Reported, UsageError};

/// A metronome and coach for raising your running step rate by 5-10% to ease knee pain.
///
/// Count your right-foot strikes for one minute and double the count: that is your
/// baseline. Run to clicks 5-10% faster, raised gradually over weeks, while the knee
/// stays comfortable.
#[derive(Parser, Debug)]
#[command(name = "cadence-coach", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Folder for your profile, plan and history (default: the platform data folder).
    #[arg(long, global = true, env = "CADENCE_COACH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Play(play::PlayArgs),
    Render(render::RenderArgs),
    Devices(devices::DevicesArgs),
    Baseline(baseline::BaselineArgs),
    Plan(plan::PlanArgs),
    CheckIn(check_in::CheckInArgs),
    History(history::HistoryArgs),
    Log(log::LogArgs),
    Pain(pain::PainArgs),
    Profile(profile::ProfileArgs),
    Activity(activity::ActivityArgs),
    Shoes(shoes::ShoesArgs),
    Warmup(warmup::WarmupArgs),
    Advice(advice::AdviceArgs),
    Music(music::MusicArgs),
    Import(import::ImportArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    data::init_clock();
    match cli.command {
        Some(Command::Play(args)) => play::run(args, cli.data_dir.as_deref()),
        Some(Command::Render(args)) => render::run(args, cli.data_dir.as_deref()),
        Some(Command::Devices(args)) => devices::run(args),
        Some(Command::Baseline(args)) => baseline::run(args, cli.data_dir.as_deref()),
        Some(Command::Plan(args)) => plan::run(args, cli.data_dir.as_deref()),
        Some(Command::CheckIn(args)) => check_in::run(args, cli.data_dir.as_deref()),
        Some(Command::History(args)) => history::run(args, cli.data_dir.as_deref()),
        Some(Command::Log(args)) => log::run(args, cli.data_dir.as_deref()),
        Some(Command::Pain(args)) => pain::run(args, cli.data_dir.as_deref()),
        Some(Command::Profile(args)) => profile::run(args, cli.data_dir.as_deref()),
        Some(Command::Activity(args)) => activity::run(args, cli.data_dir.as_deref()),
        Some(Command::Shoes(args)) => shoes::run(args, cli.data_dir.as_deref()),
        Some(Command::Warmup(args)) => warmup::run(args, cli.data_dir.as_deref()),
        Some(Command::Advice(args)) => advice::run(args),
        Some(Command::Music(args)) => music::run(args, cli.data_dir.as_deref()),
        Some(Command::Import(args)) => import::run(args, cli.data_dir.as_deref()),
        None => crate::ui::run_app(cli.data_dir.as_deref()),
    }
}

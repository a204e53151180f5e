//! The app with a simulated sound card (the tests' real-time clock) instead of cpal:
//! for screenshots and CPU measurements on machines without sound, and while the
//! audio adapter is unfinished. `cargo run --example gui_without_device`.

#[allow(dead_code)]
#[path = "../tests/support/clock.rs"]
mod clock;

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let data_dir = std::env::var_os("CADENCE_COACH_DATA_DIR").map(PathBuf::from);
    cadence_coach::ui::run_app_with(data_dir.as_deref(), Box::new(clock::ClockOutputs::new()))
}

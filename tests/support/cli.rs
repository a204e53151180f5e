//! Running the real binary the way a runner does, against a data folder of the test's
//! own, and reading what it printed.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use cadence_coach::store::{DataDir, Store};

/// The binary with its data in `data` and nothing to read on stdin.
pub fn command(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cadence-coach"));
    command
        .env("CADENCE_COACH_DATA_DIR", data)
        .stdin(Stdio::null());
    command
}

/// Runs the binary with `args` to the end.
pub fn run(data: &Path, args: &[&str]) -> Output {
    command(data).args(args).output().expect("the binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn stdout(output: &Output) -> String {
    text(&output.stdout)
}

pub fn stderr(output: &Output) -> String {
    text(&output.stderr)
}

/// The data folder as the app's own store reads it.
pub fn store(data: &Path) -> Store {
    Store::open(DataDir::at(data))
}

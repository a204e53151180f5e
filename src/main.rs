//! Thin entry point: parse the command line, run it, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

use cadence_coach::cli::{self, Cli, Reported, UsageError};

// In debug builds any allocation inside the audio callback aborts, as in nih-plug, so a
// hidden allocation is found in testing instead of glitching a runner's session.
#[cfg(debug_assertions)]
#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// Exit code for a command line that cannot be carried out as written.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    fail_writes_past_the_file_size_limit();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // clap's first paragraph says what is wrong; the usage block after it only
            // repeats --help.
            let rendered = error.render().to_string();
            let message = rendered.split("\n\n").next().unwrap_or(&rendered);
            eprintln!("{}", message.trim_end());
            return ExitCode::from(USAGE);
        }
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is::<Reported>() => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            if is_about_devices(&error) {
                eprintln!("(choose the output with --device; `cadence-coach devices` lists them)");
            }
            if error.is::<UsageError>() {
                ExitCode::from(USAGE)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// By default a write past the file-size limit (`ulimit -f`) kills the process, which
/// would leave a half-written temporary file behind; ignored, the write fails with
/// "File too large" and the exporter removes its temporary file and reports it.
fn fail_writes_past_the_file_size_limit() {
    #[cfg(unix)]
    // SAFETY: called first thing, before any thread exists; SIG_IGN installs no handler
    // code, so nothing can run in signal context.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Errors whose remedy on the command line is `--device`. The audio layer's messages
/// name no flag, since the window has its own device list.
fn is_about_devices(error: &anyhow::Error) -> bool {
    use cadence_coach::audio::{AudioError, Fault};
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<AudioError>(),
            Some(
                AudioError::NoDevice
                    | AudioError::Busy { .. }
                    | AudioError::NoConfig { .. }
                    | AudioError::DefaultUnavailable { .. }
                    | AudioError::UnsupportedFormat { .. }
                    | AudioError::Build { .. }
                    | AudioError::Play { .. }
            )
        ) || cause.downcast_ref::<Fault>().is_some_and(Fault::is_fatal)
    })
}

//! The app in a real window: under Xvfb the binary starts, its window appears and a
//! screenshot of it shows a drawn screen, not a blank one; the Plan screen draws from a
//! seeded data folder too. Skipped (with the reason) where Xvfb, xdotool or ImageMagick
//! is missing, except under CI=true.

use std::path::Path;
use std::process::Command;

use cadence_coach::coach::{Baseline, Increase, Plan, Profile};
use cadence_coach::store::{DataDir, Store};

fn installed(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

/// Why the window cannot be tested here, if it cannot.
fn missing_tools() -> Option<String> {
    let missing: Vec<&str> = ["xvfb-run", "xdotool", "import", "identify"]
        .into_iter()
        .filter(|tool| !installed(tool))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let reason = format!("{} not installed (see .ci/run)", missing.join(", "));
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI must run the window test: {reason}"
    );
    eprintln!("skipped: {reason}");
    Some(reason)
}

/// Runs scripts/screenshot.sh with `env`, and checks the PNG shows a drawn window.
fn screenshot(env: &[(&str, &Path)], screen: Option<&str>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let shot = dir.path().join("shot.png");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/screenshot.sh");
    let mut command = Command::new(script);
    command.arg(&shot).arg(env!("CARGO_BIN_EXE_cadence-coach"));
    for (name, value) in env {
        command.env(name, value);
    }
    if let Some(screen) = screen {
        command.env("SCREEN", screen);
    }
    let run = command.output().expect("scripts/screenshot.sh runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "screenshot failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.lines().any(|line| line.starts_with("window ")),
        "xdotool found no window:\n{stdout}"
    );

    let identify = Command::new("identify")
        .args(["-format", "%k %w %h"])
        .arg(&shot)
        .output()
        .expect("identify runs");
    let text = String::from_utf8_lossy(&identify.stdout);
    let numbers: Vec<u64> = text
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    let [colours, width, height] = numbers[..] else {
        panic!("identify said '{text}'");
    };
    assert!(width >= 380 && height >= 520, "window of {width}x{height}");
    // Text is anti-aliased: a drawn screen has many shades, a blank one a few.
    assert!(
        colours >= 16,
        "only {colours} colours: the window looks blank"
    );
}

#[test]
fn the_window_opens_and_draws_the_run_screen() {
    if missing_tools().is_some() {
        return;
    }
    screenshot(&[], None);
}

#[test]
fn the_plan_screen_draws_a_seeded_plan() {
    if missing_tools().is_some() {
        return;
    }
    let data = tempfile::tempdir().expect("a temporary folder");
    let store = Store::open(DataDir::at(data.path()));
    let baseline = Baseline::typed(160.0).expect("a plausible rate");
    let profile = Profile {
        baseline: Some(baseline.clone()),
        increase: Increase::TEN,
        ..Profile::default()
    };
    let start = time::OffsetDateTime::now_utc().date();
    let plan = Plan::new(baseline, Increase::TEN, 6, 3, start).expect("a valid plan");
    assert!(store.save(&profile).expect("saved").is_empty());
    assert!(store.save(&plan).expect("saved").is_empty());
    screenshot(&[("DATA", data.path())], Some("Plan"));
}

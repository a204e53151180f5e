//! The app in a real window: under Xvfb the binary starts, its window appears and a
//! screenshot of it shows a drawn screen, not a blank one; the Plan screen draws from a
//! seeded data folder too, and a playing window lights its rate panel, drawn on the
//! window's own thread (no Mesa helper threads). Skipped (with the reason) where Xvfb,
//! xdotool or ImageMagick is missing, except under CI=true.

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
    let missing: Vec<&str> = ["xvfb-run", "xdotool", "import", "identify", "convert"]
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

/// scripts/screenshot.sh saving to `shot`, with `env`.
fn screenshot_command(shot: &Path, env: &[(&str, &Path)]) -> Command {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/screenshot.sh");
    let mut command = Command::new(script);
    command.arg(shot).arg(env!("CARGO_BIN_EXE_cadence-coach"));
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// Runs the screenshot command and checks that it found the window; the app's thread
/// names, as the script listed them.
fn run_screenshot(mut command: Command) -> Vec<String> {
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
    let threads = stdout
        .lines()
        .find_map(|line| line.strip_prefix("threads "))
        .unwrap_or_else(|| panic!("the script listed no threads:\n{stdout}"));
    threads.split_whitespace().map(str::to_owned).collect()
}

/// Runs scripts/screenshot.sh with `env`, and checks the PNG shows a drawn window.
fn screenshot(env: &[(&str, &Path)], screen: Option<&str>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let shot = dir.path().join("shot.png");
    let mut command = screenshot_command(&shot, env);
    if let Some(screen) = screen {
        command.env("SCREEN", screen);
    }
    run_screenshot(command);

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

/// The lit panel is filled by clearing its pixels in OpenGL (`ui/cleared_fill.rs`),
/// which the egui_kittest harness does not run: in a real window, shots taken one after
/// another while a free run plays show the panel in the lit colour on either side of
/// the digits in some shots and in the window's background in the others, and never
/// anything else there.
#[test]
fn a_playing_window_lights_the_rate_panel_with_each_step() {
    if missing_tools().is_some() {
        return;
    }
    let data = tempfile::tempdir().expect("a temporary folder");
    let store = Store::open(DataDir::at(data.path()));
    // A saved profile: the Run screen opens instead of the first-launch guide.
    assert!(store.save(&Profile::default()).expect("saved").is_empty());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let shot = dir.path().join("shot.png");
    // A flash is lit for 120 ms of each 353 ms step at 170 spm, and a shot takes a
    // fraction of a step, so 40 of them land at many phases of the step: both kinds
    // showed in each of 20 runs, and 13-16 of the 40 were lit in three runs counted.
    const SHOTS: usize = 40;
    let mut command = screenshot_command(&shot, &[("DATA", data.path())]);
    command
        .env("PLAY", "1")
        .env("SETTLE", "1")
        .env("SHOTS", SHOTS.to_string());
    let threads = run_screenshot(command);
    // Mesa's software renderer draws on the window's thread, not on helper threads
    // ("llvmpipe-N") that each frame would be handed to and waited for.
    assert!(
        threads.iter().any(|name| name == "cadence-coach")
            && !threads.iter().any(|name| name.starts_with("llvmpipe")),
        "the playing window draws on helper threads, or was not running: {threads:?}"
    );

    let visuals = eframe::egui::Visuals::dark();
    let hex = |colour: eframe::egui::Color32| {
        format!("{:02X}{:02X}{:02X}", colour.r(), colour.g(), colour.b())
    };
    let (lit, unlit) = (hex(visuals.selection.bg_fill), hex(visuals.panel_fill));
    let (mut lit_shots, mut unlit_shots) = (0, 0);
    for n in 1..=SHOTS {
        let path = dir.path().join(format!("shot-{n}.png"));
        // Inside the panel, left and right of the digits (the default 760x720 window).
        let output = Command::new("convert")
            .arg(&path)
            .args(["-format", "%[hex:p{20,250}] %[hex:p{740,250}]", "info:"])
            .output()
            .expect("convert runs");
        let pixels = String::from_utf8_lossy(&output.stdout).into_owned();
        match pixels.split_whitespace().collect::<Vec<_>>()[..] {
            [left, right] if left == lit && right == lit => lit_shots += 1,
            [left, right] if left == unlit && right == unlit => unlit_shots += 1,
            _ => panic!("shot {n}: the panel shows {pixels}, neither {lit} (lit) nor {unlit}"),
        }
    }
    assert!(
        lit_shots > 0 && unlit_shots > 0,
        "{lit_shots} lit and {unlit_shots} unlit shots of {SHOTS}"
    );
}

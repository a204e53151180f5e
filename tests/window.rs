//! The app in a real window: under Xvfb the binary starts, its window appears and a
//! screenshot of it shows a drawn screen, not a blank one. Skipped (with the reason)
//! where Xvfb, xdotool or ImageMagick is missing, except under CI=true.

use std::path::Path;
use std::process::Command;

fn installed(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

#[test]
fn the_window_opens_and_draws_the_run_screen() {
    let missing: Vec<&str> = ["xvfb-run", "xdotool", "import", "identify"]
        .into_iter()
        .filter(|tool| !installed(tool))
        .collect();
    if !missing.is_empty() {
        let reason = format!("{} not installed (see .ci/run)", missing.join(", "));
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must run the window test: {reason}"
        );
        eprintln!("skipped: {reason}");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let shot = dir.path().join("run.png");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/screenshot.sh");
    let run = Command::new(script)
        .arg(&shot)
        .arg(env!("CARGO_BIN_EXE_cadence-coach"))
        .output()
        .expect("scripts/screenshot.sh runs");
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

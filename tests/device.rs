//! The live output against a real sound server: a private PulseAudio with a null sink.
//!
//! Each test starts its own `pulseaudio` (socket and state in a temporary folder, no
//! hardware modules, so nothing reaches real speakers), points ALSA's `default` PCM at
//! it, plays clicks through [`AudioOutput`] and records the sink's monitor. Every click
//! must arrive, with exactly the spacing the engine scheduled. `scripts/pulse-null-sink.sh`
//! starts the same server for manual runs.
//!
//! Without `pulseaudio` installed the tests print why and pass, except under CI
//! (`CI=true`), where that is a failure.

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use cadence_coach::audio::{
    AudioOutput, BufferSetting, DEFAULT_BUFFER_FRAMES, Fault, HostChoice, Observed, OutputOptions,
    output_devices, output_devices_on,
};
use cadence_coach::engine::{BuiltinSound, EngineEvent, Program, SoundChoice, Voicing};

#[path = "support/pulse.rs"]
mod pulse;

use pulse::{PulseServer, Recorder, favour_audio_threads, onsets, serial};

// The output callback runs under `assert_no_alloc`; with this allocator any allocation
// in it aborts the test.
#[cfg(debug_assertions)]
#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

struct Session {
    steps: Vec<(u64, Option<Instant>)>,
    onsets: Vec<usize>,
    output_rate: u32,
    record_rate: u32,
    observed: Option<Observed>,
    buffer: BufferSetting,
    faults: Vec<String>,
}

/// Plays `seconds` of `spm` through `options` while recording the monitor; first, unless
/// `paused` is zero, the output is paused that long (as the window keeps it while
/// stopped) and resumed for the run.
fn play_after_pause(options: &OutputOptions, paused: Duration, spm: f64, seconds: f64) -> Session {
    favour_audio_threads();
    let recorder = Recorder::start();
    let sound = SoundChoice::Builtin(BuiltinSound::Woodblock);
    let (mut output, handle) =
        AudioOutput::open(options, &sound, Voicing::default()).unwrap_or_else(|e| panic!("{e}"));
    if !paused.is_zero() {
        output.set_paused(true);
        std::thread::sleep(paused);
        output.set_paused(false);
    }
    let info = output.info().clone();
    eprintln!(
        "playing on '{}' [{}]: {} Hz, {} ch, {}, {}",
        info.device_name,
        info.device_id.as_deref().unwrap_or("?"),
        info.sample_rate,
        info.channels,
        info.sample_format,
        info.buffer_description()
    );
    handle
        .start(&Program::steady(spm, Some(seconds)))
        .expect("engine accepts the program");
    let mut steps = Vec::new();
    let mut faults = Vec::new();
    let mut latencies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds + 10.0);
    'playing: loop {
        std::thread::sleep(Duration::from_millis(20));
        faults.extend(
            output
                .faults()
                .iter()
                .map(|fault: &Fault| fault.to_string()),
        );
        latencies.extend(output.observed());
        for event in handle.events() {
            match event {
                EngineEvent::Step {
                    frame, audible_at, ..
                } => steps.push((frame, audible_at)),
                EngineEvent::Finished { .. } => break 'playing,
                EngineEvent::Stopped { .. } => panic!("stopped before the end"),
            }
        }
        assert!(output.is_alive(), "the stream died: {faults:?}");
        assert!(Instant::now() < deadline, "the program never finished");
    }
    // Let the last click pass through the server into the recording.
    let observed = output.observed();
    let latency = observed.and_then(|o| o.latency).unwrap_or_default();
    std::thread::sleep(Duration::from_millis(300) + latency * 2);
    faults.extend(output.faults().iter().map(ToString::to_string));
    let status = handle.status();
    assert_eq!(status.dropped_events, 0);
    assert_eq!(status.dropped_clicks, 0);
    drop(output);
    let (samples, record_rate) = recorder.finish();
    if let Some(range) = latency_range(&latencies) {
        eprintln!(
            "  observed: {} (latency over the run: {range})",
            observed.unwrap()
        );
    }
    Session {
        steps,
        onsets: onsets(&samples),
        output_rate: info.sample_rate,
        record_rate,
        observed,
        buffer: info.buffer,
        faults,
    }
}

fn latency_range(seen: &[Observed]) -> Option<String> {
    let millis: Vec<f64> = seen
        .iter()
        .filter_map(|o| o.latency)
        .map(|l| l.as_secs_f64() * 1e3)
        .collect();
    let min = millis.iter().copied().reduce(f64::min)?;
    let max = millis.iter().copied().reduce(f64::max)?;
    Some(format!("{min:.1}-{max:.1} ms"))
}

/// Every scheduled step was heard once, at exactly the scheduled spacing; otherwise
/// what went wrong.
fn verify(session: &Session, expected_steps: usize) -> Result<(), String> {
    let Session {
        steps,
        onsets,
        output_rate,
        record_rate,
        faults,
        ..
    } = session;
    if steps.len() != expected_steps {
        return Err(format!(
            "the engine played {} steps, not {expected_steps}",
            steps.len()
        ));
    }
    if onsets.len() != steps.len() {
        return Err(format!(
            "recorded {} clicks for {} steps (faults: {faults:?}); onsets at {onsets:?}",
            onsets.len(),
            steps.len()
        ));
    }
    let scale = f64::from(*record_rate) / f64::from(*output_rate);
    // Resampling in the server (if the rates differ) may blur an onset by a frame.
    let tolerance = if record_rate == output_rate { 1.0 } else { 2.0 };
    let (first_step, first_onset) = (steps[0].0, onsets[0]);
    for (i, (&(frame, _), &onset)) in steps.iter().zip(onsets).enumerate() {
        let expected = (frame - first_step) as f64 * scale;
        let heard = (onset - first_onset) as f64;
        if (heard - expected).abs() > tolerance {
            return Err(format!(
                "click {i} came {} frames off its step (faults: {faults:?})",
                heard - expected
            ));
        }
    }
    // The flash times the engine reports follow the same spacing, give or take the
    // jitter in the latency the server reports.
    let Some(first_at) = steps[0].1 else {
        return Err("the output reported no playback time".into());
    };
    for &(frame, at) in steps {
        let Some(at) = at else {
            return Err(format!("step at {frame} has no playback time"));
        };
        let expected =
            Duration::from_secs_f64((frame - first_step) as f64 / f64::from(*output_rate));
        let off = (at - first_at).abs_diff(expected);
        if off > Duration::from_millis(15) {
            return Err(format!("step at {frame}: audible_at off by {off:?}"));
        }
    }
    Ok(())
}

/// Real-time audio on a shared machine can glitch for reasons outside this program (the
/// server or our thread scheduled late); a bug in the output would glitch every time.
/// So a clean session is required, and a glitched one may be tried again. Through the
/// ALSA PulseAudio plugin one underrun can set off a burst of them that spoils a few
/// sessions in a row (seen three times running on an idle two-core machine), hence six.
fn play_until_clean(options: &OutputOptions, spm: f64, seconds: f64, steps: usize) -> Session {
    clean_after_pause(options, Duration::ZERO, spm, seconds, steps)
}

fn clean_after_pause(
    options: &OutputOptions,
    paused: Duration,
    spm: f64,
    seconds: f64,
    steps: usize,
) -> Session {
    const ATTEMPTS: usize = 6;
    let mut failures = Vec::new();
    for attempt in 1..=ATTEMPTS {
        let session = play_after_pause(options, paused, spm, seconds);
        match verify(&session, steps) {
            Ok(()) => return session,
            Err(failure) => {
                eprintln!("  attempt {attempt} glitched: {failure}");
                failures.push(failure);
            }
        }
    }
    panic!("no clean session in {ATTEMPTS} attempts: {failures:#?}");
}

#[test]
fn a_fixed_buffer_plays_every_click_on_its_frame() {
    let _serial = serial();
    let Some(server) = PulseServer::start() else {
        return;
    };
    server.adopt();

    // Through ALSA's PulseAudio plugin, as on machines without the native hosts.
    let alsa: HostChoice = "alsa".parse().unwrap();
    let devices = output_devices_on(alsa).expect("devices list");
    assert!(
        devices
            .iter()
            .any(|d| d.is_default && d.default_config.is_some()),
        "no working default device: {devices:?}"
    );
    assert!(
        devices.iter().any(|d| d.id == "alsa:pulse"),
        "the ALSA pulse plugin is missing (install libasound2-plugins): {devices:?}"
    );

    // The default device with a fixed buffer of 1024 frames: the PulseAudio plugin needs
    // three periods, so cpal's 2 x 1024 frames become 682-frame periods in a 43 ms ring.
    // (The native host plays with `play`'s default below.)
    let options = OutputOptions {
        host: alsa,
        device: None,
        buffer_frames: Some(1024),
    };
    // 180 spm for 8 s: steps every 16 000 frames at 48 kHz, 24 of them.
    let session = play_until_clean(&options, 180.0, 8.0, 24);
    assert_eq!(session.buffer, BufferSetting::Fixed(1024));
    let observed = session.observed.expect("callbacks ran");
    assert!(observed.latency.is_some(), "{observed}");
    drop(server);
}

#[test]
fn the_device_default_buffer_plays_every_click_on_its_frame() {
    let _serial = serial();
    let Some(server) = PulseServer::start() else {
        return;
    };
    server.adopt();

    // The native PulseAudio host (what auto picks here), with the device's own buffer
    // size, and the null sink chosen by (part of) its name.
    let devices = output_devices().expect("devices list");
    let sink = devices
        .iter()
        .find(|d| d.id.starts_with("pulseaudio:"))
        .unwrap_or_else(|| panic!("auto did not pick the native PulseAudio host: {devices:?}"));
    let options = OutputOptions {
        host: HostChoice::Auto,
        device: Some(sink.name.to_lowercase()),
        buffer_frames: None,
    };
    // 170 spm for 6 s: steps at k * 60/170 s for k = 0..=16.
    let session = play_until_clean(&options, 170.0, 6.0, 17);
    assert_eq!(session.buffer, BufferSetting::DeviceDefault);
    drop(server);
}

/// The binary, reaching only the private server (and no data folder unless given).
/// The window pauses its output while stopped (a paused PulseAudio stream costs no
/// CPU: the patched cpal's timing thread waits instead of polling) and resumes it on
/// Start: every click of the run must then be heard, with the engine's spacing.
#[test]
fn a_paused_output_plays_every_click_once_resumed() {
    let _serial = serial();
    let Some(server) = PulseServer::start() else {
        return;
    };
    server.adopt();
    // 180 spm for 4 s after 1.5 s paused: 12 steps, 16 000 frames apart.
    let session = clean_after_pause(
        &OutputOptions::default(),
        Duration::from_millis(1_500),
        180.0,
        4.0,
        12,
    );
    assert!(session.faults.is_empty(), "{:?}", session.faults);
}

fn cli_command(server: &PulseServer, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cadence-coach"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    for (key, value) in server.client_env() {
        command.env(key, value);
    }
    command
}

fn run_cli(server: &PulseServer, args: &[&str]) -> Output {
    let output = cli_command(server, args).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("ALSA lib"),
        "ALSA noise reached the user: {stderr}"
    );
    output
}

#[test]
fn the_command_line_plays_and_lists_devices() {
    let _serial = serial();
    let Some(server) = PulseServer::start() else {
        return;
    };

    let output = run_cli(&server, &["play", "--spm", "170", "--minutes", "0.05"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "play failed: {stderr}");
    // 3 s at 170 spm: steps at k * 0.353 s for k = 0..=8.
    assert!(
        stdout.contains("played 9 steps in 0:03 (finished)"),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("output latency"), "stdout: {stdout}");
    let buffer = format!("fixed {DEFAULT_BUFFER_FRAMES}-frame buffer");
    assert!(
        stderr.contains("through pulseaudio") && stderr.contains(&buffer),
        "stderr: {stderr}"
    );
    // The summary says what the output ran with (underruns are possible on a busy
    // machine, so their count is not asserted).
    assert!(
        stdout.contains(&format!("pulseaudio, {buffer}")),
        "stdout: {stdout}"
    );

    let output = run_cli(&server, &["devices"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    // Plugins that fail to open (JACK without a server) must not print either.
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert!(stdout.contains("[alsa:pulse]"), "stdout: {stdout}");
    assert!(
        stdout.lines().any(|line| line.starts_with('*')),
        "no default marked: {stdout}"
    );

    let output = run_cli(
        &server,
        &["play", "--spm", "170", "--device", "no-such-card"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("no audio output device matches 'no-such-card'")
            && stderr.contains("pulseaudio:"),
        "stderr: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line, please: {stderr}");
    drop(server);
}

#[test]
fn ten_short_runs_on_an_idle_machine_say_nothing_alarming() {
    let _serial = serial();
    let Some(server) = PulseServer::start() else {
        return;
    };
    // Once, the ALSA path printed a wall of harmless `snd_pcm_avail_delay` errors on
    // every run. Now a run says where it plays on stderr, its summary on stdout, and
    // nothing else.
    for run in 1..=10 {
        let output = run_cli(&server, &["play", "--spm", "170", "--minutes", "0.03"]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "run {run} failed: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].starts_with("playing 170 spm on "),
            "run {run} said more than where it plays: {stderr}"
        );
        assert!(
            stdout.contains("(finished)") && !stdout.contains("problem"),
            "run {run}: {stdout}"
        );
    }
    drop(server);
}

/// The first `.ron` file in `folder` once it is in place (the store writes a hidden
/// temporary file first and renames it).
fn wait_for_file(folder: &Path, timeout: Duration) -> Option<PathBuf> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let placed = std::fs::read_dir(folder).ok().and_then(|entries| {
            entries.flatten().map(|entry| entry.path()).find(|path| {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                !name.starts_with('.') && name.ends_with(".ron")
            })
        });
        if placed.is_some() {
            return placed;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn a_planned_run_is_saved_as_it_starts_and_recorded_as_played() {
    use cadence_coach::coach::SessionRecord;
    use cadence_coach::store::{DataDir, Store};

    let _serial = serial();
    let Some(server) = PulseServer::start() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let with_data = |args: &[&'static str]| -> Vec<&str> {
        let mut all = vec!["--data-dir", data_dir];
        all.extend_from_slice(args);
        all
    };
    let created = run_cli(
        &server,
        &with_data(&[
            "plan",
            "new",
            "--baseline",
            "160",
            "--increase",
            "10",
            "--weeks",
            "6",
            "--runs-per-week",
            "3",
        ]),
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );

    let mut child = cli_command(
        &server,
        &with_data(&[
            "play",
            "--plan",
            "--pain-during",
            "2",
            "--pain-after",
            "3",
            "--note",
            "treadmill, easy",
        ]),
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Saved as it starts, before a single minute has passed.
    let sessions = data.path().join("sessions");
    let file = wait_for_file(&sessions, Duration::from_secs(20));
    let store = Store::open(DataDir::at(data.path()));
    let Some(file) = file else {
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        panic!(
            "no session file while playing: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let at_start = store.load_sessions::<SessionRecord>().unwrap().sessions;
    assert_eq!(at_start.len(), 1, "{}", file.display());
    assert_eq!(at_start[0].steps, 0);
    assert_eq!(at_start[0].plan_level, Some(1));
    assert!(!at_start[0].pain_logged);

    // The runner stops after a few seconds with Ctrl-C.
    std::thread::sleep(Duration::from_secs(3));
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stderr.contains("Week 1, run 1 of 3 at 164 spm"), "{stderr}");
    assert!(stdout.contains("(stopped)"), "{stdout}");
    assert!(
        stdout.contains("Run 1 of 3 at 164 spm (+2.5%): within the safe range"),
        "{stdout}"
    );

    let runs = store.load_sessions::<SessionRecord>().unwrap().sessions;
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run.id, at_start[0].id);
    assert_eq!((run.pain.during, run.pain.after), (2, 3));
    assert!(run.pain_logged);
    assert_eq!(run.note, "treadmill, easy");
    // The engine's own clock and count: the warm-up plays 160 spm from step 0.
    assert!(
        (2.0..20.0).contains(&run.played_seconds),
        "{} s",
        run.played_seconds
    );
    let expected_steps = 1 + (run.played_seconds * 160.0 / 60.0).floor() as i64;
    assert!(
        (i64::from(run.steps) - expected_steps).abs() <= 1,
        "{} steps in {} s",
        run.steps,
        run.played_seconds
    );
    assert!(
        stdout.contains(&format!("played {} steps", run.steps)),
        "{stdout}"
    );
    drop(server);
}

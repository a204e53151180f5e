//! The app without a display (egui_kittest, through the AccessKit tree), with a real
//! engine behind a simulated sound card (`support/clock.rs`): keyboard runs, the rate
//! following the Up key, the count after Stop, failing over to the silent clock and
//! Retry, and in-place validation on the Settings screen.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;

use std::time::{Duration, Instant};

use cadence_coach::ui::{CadenceApp, OutputKind, Screen};
use clock::ClockOutputs;
use eframe::egui::accesskit::Role;
use eframe::egui::{Key, ViewportId};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

fn app(outputs: &ClockOutputs) -> Harness<'static, CadenceApp> {
    let outputs = outputs.clone();
    Harness::builder()
        .with_size([760.0, 720.0])
        .build_eframe(move |cc| CadenceApp::new(cc, Box::new(outputs)))
}

/// Steps the app, in real time, until `done` holds.
fn wait_for(
    harness: &mut Harness<'static, CadenceApp>,
    what: &str,
    done: impl Fn(&CadenceApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(15));
        harness.step();
    }
}

fn label_of(harness: &Harness<'static, CadenceApp>, starting: &str) -> String {
    // AccessKit keeps a label's text in its value.
    let node = harness.get_by_label_contains(starting);
    node.accesskit_node().value().unwrap_or_default()
}

/// How long until the app wants to be drawn again after the last frame.
fn repaint_delay(harness: &Harness<'static, CadenceApp>) -> Duration {
    harness
        .output()
        .viewport_output
        .get(&ViewportId::ROOT)
        .map_or(Duration::MAX, |viewport| viewport.repaint_delay)
}

#[test]
fn a_run_from_the_keyboard() {
    let outputs = ClockOutputs::new();
    let mut harness = app(&outputs);
    harness.run();
    assert_eq!(harness.state().screen(), Screen::Run);
    harness.get_by_label("170");
    harness.get_by_label("Start");
    // Stopped: the app asks for no repaint at all.
    assert_eq!(repaint_delay(&harness), Duration::MAX);

    harness.key_press(Key::Space);
    harness.run();
    assert!(harness.state().metronome().is_playing());
    harness.get_by_label("Stop");
    wait_for(&mut harness, "three steps", |app| {
        app.metronome().status().is_some_and(|s| s.steps >= 3)
    });
    // Playing: repaints are scheduled for the next flash, never continuous.
    let delay = repaint_delay(&harness);
    assert!(
        delay > Duration::ZERO && delay < Duration::from_secs(2),
        "{delay:?}"
    );

    harness.key_press(Key::ArrowUp);
    harness.run();
    harness.get_by_label("171");
    assert_eq!(harness.state().metronome().spm(), 171);
    wait_for(&mut harness, "the engine to take 171 spm", |app| {
        app.metronome().status().is_some_and(|s| s.spm == 171.0)
    });
    wait_for(&mut harness, "a flash", |app| {
        app.metronome().flashes_shown() >= 2
    });

    harness.key_press(Key::Space);
    harness.run();
    wait_for(&mut harness, "the run to stop", |app| {
        !app.metronome().is_playing() && app.metronome().next_wake(Instant::now()).is_none()
    });
    harness.run();
    assert_eq!(repaint_delay(&harness), Duration::MAX);
    let Some(status) = harness.state().metronome().status() else {
        panic!("the output closed");
    };
    assert!(!status.playing);
    let figures = harness.state().metronome().figures();
    assert_eq!(figures.steps, status.steps);
    assert!(figures.steps >= 4, "{figures:?}");
    assert_eq!(
        label_of(&harness, "Steps "),
        format!("Steps {}", status.steps)
    );
    let seconds = figures.elapsed.as_secs();
    assert_eq!(
        label_of(&harness, "Elapsed "),
        format!("Elapsed 0:{seconds:02}")
    );
    harness.get_by_label("Start");
}

#[test]
fn buttons_change_the_rate_within_60_to_250() {
    let outputs = ClockOutputs::new();
    let mut harness = app(&outputs);
    harness.get_by_label("+1 spm").click();
    harness.run();
    harness.get_by_label("171");
    for _ in 0..200 {
        harness.key_press(Key::ArrowUp);
    }
    harness.run();
    assert_eq!(harness.state().metronome().spm(), 250);
    harness.get_by_label("250");
    harness.get_by_label("-1 spm").click();
    harness.run();
    harness.get_by_label("249");
    for _ in 0..300 {
        harness.key_press(Key::ArrowDown);
    }
    harness.run();
    assert_eq!(harness.state().metronome().spm(), 60);
}

#[test]
fn without_a_device_the_flash_goes_on_and_retry_brings_the_sound_back() {
    let outputs = ClockOutputs::new();
    outputs.unplug();
    let mut harness = app(&outputs);
    harness.run();
    harness.get_by_label_contains("No sound from");
    harness.get_by_label("Retry");

    harness.get_by_label("Start").click();
    harness.run();
    let metronome = harness.state().metronome();
    assert!(metronome.is_playing());
    assert_eq!(metronome.output_kind(), Some(OutputKind::Silent));
    harness.get_by_label_contains("Playing silently");
    wait_for(&mut harness, "steps on the silent clock", |app| {
        app.metronome().figures().steps >= 3
    });

    outputs.plug_in();
    let before = harness.state().metronome().figures();
    harness.get_by_label("Retry").click();
    harness.run();
    let metronome = harness.state().metronome();
    assert_eq!(metronome.output_kind(), Some(OutputKind::Device));
    assert!(metronome.problem().is_none());
    assert!(metronome.is_playing());
    // The run carries on where it was: nothing restarts from zero.
    assert!(metronome.figures().steps >= before.steps);
    assert!(metronome.figures().elapsed >= before.elapsed);
    wait_for(&mut harness, "steps on the device", |app| {
        app.metronome().figures().steps >= before.steps + 3
    });

    // The device dies mid-run: the flash goes on, the message offers Retry.
    let before = harness.state().metronome().figures();
    outputs.unplug();
    wait_for(&mut harness, "the failure to be noticed", |app| {
        app.metronome().problem().is_some()
    });
    harness.run();
    let metronome = harness.state().metronome();
    assert_eq!(metronome.output_kind(), Some(OutputKind::Silent));
    assert!(metronome.is_playing());
    let Some(problem) = metronome.problem() else {
        panic!("no problem shown");
    };
    assert!(problem.contains("unplugged"), "{problem}");
    harness.get_by_label_contains("Sound stopped");
    harness.get_by_label("Retry");
    wait_for(&mut harness, "steps after the failure", |app| {
        app.metronome().figures().steps >= before.steps + 3
    });
    harness.get_by_label("Stop").click();
    harness.run();
}

#[test]
fn settings_check_what_is_typed_in_place() {
    let outputs = ClockOutputs::new();
    let mut harness = app(&outputs);
    harness.get_by_label("Settings").click();
    harness.run();
    assert_eq!(harness.state().screen(), Screen::Settings);
    harness.get_by_label_contains(clock::DEVICE_NAME);

    harness
        .get_by_label("Visual offset (ms)")
        .set_text_value_accesskit("900");
    harness.run();
    harness.get_by_label_contains("give a whole number of milliseconds from -500 to 500");
    assert_eq!(harness.state().metronome().visual_offset_ms(), 0);
    harness
        .get_by_label("Visual offset (ms)")
        .set_text_value_accesskit("-200");
    harness.run();
    assert!(
        harness
            .query_by_label_contains("from -500 to 500.")
            .is_none()
    );
    assert_eq!(harness.state().metronome().visual_offset_ms(), -200);

    // The slider and its number field both carry the name.
    harness
        .get_by_role_and_label(Role::Slider, "Volume")
        .set_value_accesskit(40.0);
    harness.run();
    assert!((harness.state().metronome().voicing().volume - 0.4).abs() < 1e-6);

    harness
        .get_by_label("Custom sound file")
        .set_text_value_accesskit("no/such/file.wav");
    harness.run();
    harness.get_by_label("Use this file").click();
    harness.run();
    harness.get_by_label_contains("Cannot use this file");
    assert_eq!(
        harness.state().metronome().sound(),
        &cadence_coach::engine::SoundChoice::default()
    );

    harness.get_by_label("Preview beep").click();
    harness.run();
    assert!(
        harness.state().metronome().problem().is_none(),
        "the preview plays on the device"
    );

    for screen in ["Baseline", "Plan", "History"] {
        harness.get_by_label(screen).click();
        harness.run();
        harness.get_by_label_contains("not built yet");
    }
    harness.get_by_label("Run").click();
    harness.run();
    harness.get_by_role_and_label(Role::Slider, "Volume");
    harness.get_by_label("170");
}

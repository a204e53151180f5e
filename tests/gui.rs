//! The app without a display (egui_kittest, through the AccessKit tree), with a real
//! engine behind a simulated sound card (`support/clock.rs`) and a data folder of its
//! own (`support/gui.rs`): keyboard runs, the rate following the Up key, the count after
//! Stop, every run recorded with its pain log, failing over to the silent clock and
//! Retry, and in-place validation on the Settings screen, whose sound settings go to
//! the profile.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use std::time::{Duration, Instant};

use cadence_coach::coach::{Profile, SoundSettings};
use cadence_coach::engine::{Accent, BuiltinSound, SoundChoice};
use cadence_coach::ui::{OutputKind, Screen};
use clock::ClockOutputs;
use eframe::egui::Key;
use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use gui::App;

#[test]
fn a_run_from_the_keyboard_is_recorded_from_its_start() {
    let mut app = App::start(|_| {});
    assert_eq!(app.state().screen(), Screen::Run);
    app.harness.get_by_label("170");
    app.harness.get_by_label("Start");
    // Stopped: the app asks for no repaint at all.
    assert_eq!(app.repaint_delay(), Duration::MAX);

    app.harness.key_press(Key::Space);
    app.harness.run();
    assert!(app.state().metronome().is_playing());
    app.harness.get_by_label("Stop");
    // Saved as it starts: the file is there before a single step.
    let Some(id) = app.state().recording().map(|record| record.id.clone()) else {
        panic!("the run is not being recorded");
    };
    let started = gui::load_runs(&app.store());
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].id, id);
    assert_eq!(started[0].started_at, gui::NOW);
    assert_eq!(started[0].played.target_spm, 170.0);
    assert_eq!(started[0].profile, None);

    app.wait_for("three steps", |app| {
        app.metronome().status().is_some_and(|s| s.steps >= 3)
    });
    // Playing: repaints are scheduled for the next flash, never continuous.
    let delay = app.repaint_delay();
    assert!(
        delay > Duration::ZERO && delay < Duration::from_secs(2),
        "{delay:?}"
    );

    app.harness.key_press(Key::ArrowUp);
    app.harness.run();
    app.harness.get_by_label("171");
    assert_eq!(app.state().metronome().spm(), 171);
    app.wait_for("the engine to take 171 spm", |app| {
        app.metronome().status().is_some_and(|s| s.spm == 171.0)
    });
    app.wait_for("a flash", |app| app.metronome().flashes_shown() >= 2);

    app.harness.key_press(Key::Space);
    app.harness.run();
    app.wait_for("the run to stop", |app| {
        !app.metronome().is_playing() && app.metronome().next_wake(Instant::now()).is_none()
    });
    app.harness.run();
    assert_eq!(app.repaint_delay(), Duration::MAX);
    let Some(status) = app.state().metronome().status() else {
        panic!("the output closed");
    };
    assert!(!status.playing);
    let figures = app.state().metronome().figures();
    assert_eq!(figures.steps, status.steps);
    assert!(figures.steps >= 4, "{figures:?}");
    assert_eq!(
        app.text_containing("Steps "),
        format!("Steps {}", status.steps)
    );
    let seconds = figures.elapsed.as_secs();
    assert_eq!(
        app.text_containing("Elapsed "),
        format!("Elapsed 0:{seconds:02}")
    );
    app.harness.get_by_label("Start");

    // Saved again at the stop, with the engine's own time and count.
    assert!(app.state().recording().is_none());
    let [run] = gui::load_runs(&app.store())
        .try_into()
        .unwrap_or_else(|runs: Vec<_>| {
            panic!("expected one run, found {}", runs.len());
        });
    assert_eq!(run.id, id);
    assert_eq!(u64::from(run.steps), status.steps);
    assert!((run.played_seconds - figures.elapsed.as_secs_f64()).abs() < 1e-6);
    assert_eq!(run.played.end_spm, 171.0);
    assert_eq!(
        run.played.target_spm, 171.0,
        "a free run's target is where it settled"
    );

    // The pain log: checked in place, then saved into the same file.
    app.type_into("Worst pain during the run", "12");
    app.click("Save pain log");
    assert!(app.shows("'12' is not on the scale"));
    assert_eq!(gui::load_runs(&app.store())[0].pain.during, 0);
    app.type_into("Worst pain during the run", "2");
    app.type_into("Worst pain after", "3");
    app.click("I limped");
    app.type_into("Note", "treadmill, 9 km/h");
    app.click("Save pain log");
    // Without a plan there is no verdict, only a plain "saved".
    app.harness.get_by_label("Saved.");
    let run = &gui::load_runs(&app.store())[0];
    assert_eq!((run.pain.during, run.pain.after), (2, 3));
    assert!(run.limp);
    assert!(!run.swelling);
    assert_eq!(run.note, "treadmill, 9 km/h");
    assert_eq!(
        u64::from(run.steps),
        status.steps,
        "the log keeps the counts"
    );
    assert!(
        app.state().messages().is_empty(),
        "{:?}",
        app.state().messages()
    );
}

#[test]
fn buttons_change_the_rate_within_60_to_250() {
    let mut app = App::start(|_| {});
    app.click("+1 spm");
    app.harness.get_by_label("171");
    for _ in 0..200 {
        app.harness.key_press(Key::ArrowUp);
    }
    app.harness.run();
    assert_eq!(app.state().metronome().spm(), 250);
    app.harness.get_by_label("250");
    app.click("-1 spm");
    app.harness.get_by_label("249");
    for _ in 0..300 {
        app.harness.key_press(Key::ArrowDown);
    }
    app.harness.run();
    assert_eq!(app.state().metronome().spm(), 60);
}

#[test]
fn without_a_device_the_flash_goes_on_and_retry_brings_the_sound_back() {
    let outputs = ClockOutputs::new();
    outputs.unplug();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut app = App::start_in(dir, outputs);
    app.harness.get_by_label_contains("No sound from");
    app.harness.get_by_label("Retry");

    app.click("Start");
    let metronome = app.state().metronome();
    assert!(metronome.is_playing());
    assert_eq!(metronome.output_kind(), Some(OutputKind::Silent));
    app.harness.get_by_label_contains("Playing silently");
    app.wait_for("steps on the silent clock", |app| {
        app.metronome().figures().steps >= 3
    });

    // The runner speeds up mid-run, on the silent clock.
    let rate = app.state().metronome().spm();
    app.click("+1 spm");
    app.click("+1 spm");
    assert_eq!(app.state().metronome().spm(), rate + 2);

    app.outputs.plug_in();
    let before = app.state().metronome().figures();
    app.click("Retry");
    let metronome = app.state().metronome();
    assert_eq!(metronome.output_kind(), Some(OutputKind::Device));
    assert!(metronome.problem().is_none());
    assert!(metronome.is_playing());
    // The run carries on where it was: nothing restarts from zero.
    assert!(metronome.figures().steps >= before.steps);
    assert!(metronome.figures().elapsed >= before.elapsed);
    // The new output's engine plays the changed rate, not the one the run began with
    // (its status is published once it has rendered).
    let changed = f64::from(rate + 2);
    app.wait_for("the new engine to play the changed rate", |app| {
        app.metronome()
            .status()
            .is_some_and(|status| status.buffers > 0 && (status.spm - changed).abs() < 1e-9)
    });
    app.wait_for("steps on the device", |app| {
        app.metronome().figures().steps >= before.steps + 3
    });

    // The device dies mid-run: the flash goes on, the message offers Retry.
    let before = app.state().metronome().figures();
    app.outputs.unplug();
    app.wait_for("the failure to be noticed", |app| {
        app.metronome().problem().is_some()
    });
    app.harness.run();
    let metronome = app.state().metronome();
    assert_eq!(metronome.output_kind(), Some(OutputKind::Silent));
    assert!(metronome.is_playing());
    let Some(problem) = metronome.problem() else {
        panic!("no problem shown");
    };
    assert!(problem.contains("unplugged"), "{problem}");
    app.harness.get_by_label_contains("Sound stopped");
    app.harness.get_by_label("Retry");
    app.wait_for("steps after the failure", |app| {
        app.metronome().figures().steps >= before.steps + 3
    });
    app.click("Stop");
    app.wait_for("the run to end", |app| app.recording().is_none());
    // One run, whatever outputs it went through, with all its steps.
    let runs = gui::load_runs(&app.store());
    assert_eq!(runs.len(), 1);
    assert!(u64::from(runs[0].steps) >= before.steps + 3, "{runs:?}");
}

#[test]
fn settings_check_what_is_typed_in_place_and_keep_the_sound_in_the_profile() {
    let mut app = App::start(|store| {
        let profile = Profile {
            sound: SoundSettings {
                sound: SoundChoice::Builtin(BuiltinSound::Tock),
                accent: Accent::Every(2),
                volume: 0.5,
            },
            ..Profile::default()
        };
        let notices = store.save(&profile).expect("the profile is saved");
        assert!(notices.is_empty());
    });
    // The profile's sound, shared with the command line, is the one in use.
    let metronome = app.state().metronome();
    assert_eq!(metronome.sound(), &SoundChoice::Builtin(BuiltinSound::Tock));
    assert_eq!(metronome.voicing().accent, Accent::Every(2));
    assert!((metronome.voicing().volume - 0.5).abs() < 1e-6);

    app.click("Settings");
    assert_eq!(app.state().screen(), Screen::Settings);
    app.harness.get_by_label_contains(clock::DEVICE_NAME);

    app.type_into("Visual offset (ms)", "900");
    app.harness
        .get_by_label_contains("give a whole number of milliseconds from -500 to 500");
    assert_eq!(app.state().metronome().visual_offset_ms(), 0);
    app.type_into("Visual offset (ms)", "-200");
    assert!(!app.shows("from -500 to 500."));
    assert_eq!(app.state().metronome().visual_offset_ms(), -200);

    // The slider and its number field both carry the name; a value set without a
    // drag is saved at once.
    app.harness
        .get_by_role_and_label(Role::Slider, "Volume")
        .set_value_accesskit(40.0);
    app.harness.run();
    assert!((app.state().metronome().voicing().volume - 0.4).abs() < 1e-6);
    let store = app.store();
    let profile = || {
        store
            .load::<Profile>()
            .expect("the profile loads")
            .value
            .expect("there is a profile")
    };
    assert!((profile().sound.volume - 0.4).abs() < 1e-6);

    app.click("Beep");
    assert_eq!(
        profile().sound.sound,
        SoundChoice::Builtin(BuiltinSound::Beep)
    );
    app.click("No accent");
    assert_eq!(profile().sound.accent, Accent::None);

    app.type_into("Custom sound file", "no/such/file.wav");
    app.click("Use this file");
    app.harness.get_by_label_contains("Cannot use this file");
    assert_eq!(
        app.state().metronome().sound(),
        &SoundChoice::Builtin(BuiltinSound::Beep)
    );
    assert_eq!(
        profile().sound.sound,
        SoundChoice::Builtin(BuiltinSound::Beep)
    );

    app.click("Preview tock");
    assert!(
        app.state().metronome().problem().is_none(),
        "the preview plays on the device"
    );

    for (screen, heading) in [
        ("Baseline", "Your natural step rate"),
        ("Plan", "Your plan"),
        ("History", "Your runs"),
    ] {
        app.click(screen);
        app.harness.get_by_label(heading);
    }
    app.click("Run");
    app.harness.get_by_role_and_label(Role::Slider, "Volume");
    app.harness.get_by_label("170");
    // Nothing was recorded: no run was started.
    assert!(gui::load_runs(&app.store()).is_empty());
}

//! Today's planned run on the Run screen, with the real engine behind the simulated
//! sound card: one click starts the plan's program (warm-up at the rate below, with
//! its timeline and "now" marker), the run is saved as it starts, about once a minute
//! while it plays and when it stops, and closing the window mid-run loses nothing.
//! The pain log after the run shows the plan's verdict at once.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use std::time::Duration;

use cadence_coach::coach::{Baseline, Plan, Profile};
use cadence_coach::store::Store;
use cadence_coach::ui::SAVE_EVERY;
use eframe::App as _;
use eframe::egui::Key;
use egui_kittest::kittest::Queryable;
use gui::App;

fn plan_from_last_monday(store: &Store) {
    gui::save_profile(store, Baseline::typed(160.0).expect("a plausible rate"));
    gui::save_plan_from_last_monday(store);
}

fn plan(store: &Store) -> Plan {
    store
        .load::<Plan>()
        .expect("the plan loads")
        .value
        .expect("there is a plan")
}

#[test]
fn todays_planned_run_plays_the_plans_program_and_is_saved_as_it_goes() {
    let mut app = App::start(plan_from_last_monday);
    let store = app.store();
    let today = plan(&store).today(gui::today(), &Default::default());
    let Some(profile) = today.profile.clone() else {
        panic!("no run planned today: {}", today.message);
    };
    assert_eq!((profile.start_spm, profile.target_spm), (160, 164));
    app.harness
        .get_by_label(&format!("Today: {}", today.message));
    app.harness
        .get_by_label("Timeline: warm-up 5 min, glide 2 min, hold 20 min, cool-down 3 min");

    app.click("Start today's run: 164 spm");
    assert!(app.state().metronome().is_programmed());
    // Saved as it starts, with what it follows.
    let runs = gui::load_runs(&store);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].profile.as_ref(), Some(&profile));
    assert_eq!(runs[0].plan_level, Some(today.level));
    assert_eq!(runs[0].played.target_spm, 164.0);

    app.wait_for("steps of the warm-up", |app| {
        app.metronome().status().is_some_and(|s| s.steps >= 3)
    });
    // The warm-up plays at the rate below the step, from the compiled program.
    let status = app.state().metronome().status().expect("an output");
    assert_eq!(status.spm, 160.0);
    app.harness.run();
    app.harness.get_by_label("160");
    app.harness
        .get_by_label_contains("Now: warm-up at 160 spm, clicks on.");
    // The plan sets the rate: the keys and buttons leave it alone.
    app.harness.key_press(Key::ArrowUp);
    app.harness.run();
    assert_eq!(app.state().metronome().status().map(|s| s.spm), Some(160.0));
    app.harness.get_by_label("160");

    // About once a minute (on the app's clock) the file takes the engine's figures.
    app.clock.advance(SAVE_EVERY + Duration::from_secs(1));
    app.harness.step();
    let saved = gui::load_runs(&store)[0].clone();
    let figures = app.state().metronome().figures();
    assert!(saved.steps >= 3, "{saved:?}");
    assert!(u64::from(saved.steps) <= figures.steps);
    assert!(saved.played_seconds > 0.5 && saved.played_seconds <= figures.elapsed.as_secs_f64());

    app.click("Stop");
    app.wait_for("the run to end", |app| app.recording().is_none());
    let status = app.state().metronome().status().expect("an output");
    let ended = gui::load_runs(&store)[0].clone();
    assert_eq!(u64::from(ended.steps), status.steps);
    assert_eq!(ended.played.end_spm, 160.0);

    // The pain log, and the plan's word on it at once.
    app.type_into("Worst pain during the run", "5");
    app.type_into("Worst pain after", "2");
    app.click("Save pain log");
    let logged = gui::load_runs(&store)[0].clone();
    assert_eq!((logged.pain.during, logged.pain.after), (5, 2));
    let profile: Profile = store.load().expect("loads").value.expect("a profile");
    let verdict = plan(&store).after_run(&profile.run_log(vec![logged.clone()]), &logged);
    assert!(verdict.message.contains("5/10"), "{}", verdict.message);
    app.harness.get_by_label(&verdict.message);

    // Ran today: no second planned run is offered.
    assert!(!app.shows("Start today's run"));
    app.harness
        .get_by_label_contains("Today: You have run today.");
}

#[test]
fn closing_the_window_mid_run_saves_the_run_as_far_as_it_got() {
    let mut app = App::start(plan_from_last_monday);
    // Enter starts today's planned run from the keyboard.
    app.harness.key_press(Key::Enter);
    app.harness.run();
    assert!(app.state().metronome().is_programmed());
    app.wait_for("a few steps", |app| app.metronome().figures().steps >= 3);
    let before = gui::load_runs(&app.store());
    assert_eq!(before[0].steps, 0, "only the start was saved so far");

    app.harness.state_mut().on_exit(None);
    let saved = gui::load_runs(&app.store());
    assert_eq!(saved.len(), 1);
    assert!(saved[0].steps >= 3, "{:?}", saved[0]);
    assert!(saved[0].played_seconds > 0.5, "{:?}", saved[0]);
    assert_eq!(saved[0].plan_level, Some(1));
    assert!(saved[0].validate().is_ok());
    assert!(!saved[0].pain_logged, "nobody said how the knee felt");

    // Opened again, the app asks for the pain of that run; the plan waits for it.
    let App { harness, dir, .. } = app;
    drop(harness);
    let mut app = App::start_in(dir, clock::ClockOutputs::new());
    app.type_into("Worst pain during the run", "2");
    app.type_into("Worst pain after", "1");
    app.click("Save pain log");
    let logged = gui::load_runs(&app.store());
    assert!(logged[0].pain_logged);
    assert_eq!((logged[0].pain.during, logged[0].pain.after), (2, 1));
    assert_eq!(
        logged[0].steps, saved[0].steps,
        "the played figures are kept"
    );
}

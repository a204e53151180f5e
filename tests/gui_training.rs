//! All of the week's load in the window (egui_kittest, through the AccessKit tree), used
//! as a runner would: a strength session with its exercises, sets and load, a ride
//! that the weekly workload counts, a pair of shoes with its distance and the note near
//! 640 km, and a run logged after the fact as on a treadmill decline. Every check reads
//! back the files the app wrote.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use cadence_coach::coach::{
    ActivityKind, Exercise, ExerciseSets, SessionRecord, Training, Treadmill,
};
use cadence_coach::store::Store;
use cadence_coach::ui::Screen;
use eframe::egui::Key;
use gui::App;
use time::macros::date;

fn training(store: &Store) -> Training {
    let loaded = store
        .load_or_default::<Training>()
        .expect("the training file loads");
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    loaded.value
}

/// Three runs of 30 min last week, one today.
fn last_week_and_today(store: &Store) {
    gui::save_runs(
        store,
        &[
            gui::run_on(-7, 30.0, 168.0, 1, 1),
            gui::run_on(-5, 30.0, 168.0, 1, 1),
            gui::run_on(-3, 30.0, 168.0, 1, 1),
            gui::run_on(0, 30.0, 168.0, 1, 1),
        ],
    );
}

#[test]
fn a_strength_session_is_logged_with_its_exercises_and_counted_in_the_week() {
    let mut app = App::start(last_week_and_today);
    app.click("Training");
    assert_eq!(app.state().screen(), Screen::Training);
    assert!(app.shows("Hip and knee exercise this week: 0 of 3 sessions of 10 minutes."));

    // Strength is the first kind; two exercises, each with its sets, reps and load.
    app.type_into("Minutes", "12");
    app.click("clamshells");
    app.type_into("Repetitions of clamshells", "12");
    app.type_into("Added load in kg of clamshells", "2");
    app.click("split squats");
    app.type_into("Sets of split squats", "4");
    app.type_into("Repetitions of split squats", "8");
    app.type_into("Added load in kg of split squats", "10");
    app.click("Save training");
    assert!(
        app.shows("Logged 2026-11-23: strength, 12 min (clamshells 3x12 at 2 kg, split squats 4x8 at 10 kg)"),
        "{:?}",
        app.state().messages()
    );
    let saved = training(&app.store());
    let [session] = saved.activities.as_slice() else {
        panic!("expected one activity, found {:?}", saved.activities);
    };
    assert_eq!(session.date, gui::today());
    assert_eq!(session.kind, ActivityKind::Strength);
    assert_eq!(session.minutes, 12.0);
    assert_eq!(
        session.exercises,
        [
            ExerciseSets {
                exercise: Exercise::Clamshells,
                sets: 3,
                reps: 12,
                load_kg: 2.0,
            },
            ExerciseSets {
                exercise: Exercise::SplitSquats,
                sets: 4,
                reps: 8,
                load_kg: 10.0,
            },
        ]
    );
    // The week view counts it.
    assert!(app.shows("Hip and knee exercise this week: 1 of 3 sessions of 10 minutes."));
    assert!(app.shows("Other training this week: 12 min."));

    // What cannot be saved says why, under its field, and saves nothing.
    app.type_into("Minutes", "0");
    app.type_into("Day", "2026-11-30");
    app.click("clamshells");
    app.type_into("Sets of clamshells", "25");
    app.click("Save training");
    assert!(app.shows("from 1 to 1440"));
    assert!(app.shows("2026-11-30 is still to come"));
    assert!(app.shows("Give the sets of clamshells as a whole number from 1 to 20."));
    assert_eq!(training(&app.store()).activities.len(), 1);
    // A row taken off again no longer counts.
    app.click("Remove clamshells");
    assert!(!app.shows("Give the sets of clamshells"));
}

#[test]
fn a_new_daily_ride_shows_as_a_spike_with_the_same_running() {
    let mut app = App::start(last_week_and_today);
    app.click("Training");
    assert!(!app.shows("more than the"), "no spike before the ride");
    app.click("Cycling");
    // Cycling takes no exercise rows.
    assert!(!app.shows("split squats"));
    app.type_into("Minutes", "80");
    app.type_into("Note on the training", "bike to work and back");
    app.click("Save training");
    let saved = training(&app.store());
    assert_eq!(saved.activities.len(), 1);
    assert_eq!(saved.activities[0].kind, ActivityKind::Cycling);
    assert_eq!(saved.activities[0].note, "bike to work and back");
    // 30 min of running and 80 of cycling against last week's 90 min of running.
    let spike = app.text_containing("more than the");
    assert!(
        spike.contains("110 min of running and other training (80 min of it not running)"),
        "{spike}"
    );
    assert!(
        spike.contains("22% more than the 90 min of the week before"),
        "{spike}"
    );
}

#[test]
fn shoes_are_added_and_show_their_distance_with_the_note_near_640_km() {
    let mut belt_run = gui::run_on(-2, 60.0, 168.0, 1, 1);
    belt_run.treadmill = Some(Treadmill {
        speed_kmh: 10.0,
        incline_percent: 1.0,
    });
    let mut app = App::start(|store| gui::save_runs(store, &[belt_run.clone()]));
    app.click("Training");
    assert!(app.shows("No shoes yet"));
    app.click("Add this pair");
    assert!(app.shows("Give the pair a name"));
    app.type_into("Name of the pair", "Blue trainers");
    app.type_into("Already run in them (km)", "five hundred");
    app.click("Add this pair");
    assert!(app.shows("'five hundred' is not a distance"));
    assert!(training(&app.store()).shoes.is_empty());

    app.type_into("Already run in them (km)", "570");
    app.type_into("First day in them", "2026-11-01");
    app.click("Add this pair");
    let saved = training(&app.store());
    let [shoe] = saved.shoes.as_slice() else {
        panic!("expected one pair, found {:?}", saved.shoes);
    };
    assert_eq!(shoe.name, "Blue trainers");
    assert_eq!(shoe.start_km, 570.0);
    assert_eq!(shoe.since, date!(2026 - 11 - 01));
    // 570 km and the hour on the belt at 10 km/h.
    assert!(app.shows(
        "Blue trainers (since 2026-11-01): 580 km: nearly 640 km (400 miles), plan a new pair soon"
    ));

    // A new pair from today takes the runs from today on.
    app.type_into("Name of the pair", "Red racers");
    app.click("Add this pair");
    assert!(app.shows("Red racers (since 2026-11-23): 0 km"));
    assert_eq!(training(&app.store()).shoes.len(), 2);
}

#[test]
fn a_run_on_a_treadmill_decline_is_logged_with_its_belt_and_warned_about() {
    let mut app = App::start(|_| {});
    app.harness.key_press(Key::Space);
    app.harness.run();
    app.wait_for("a step", |app| {
        app.metronome().status().is_some_and(|s| s.steps >= 1)
    });
    app.harness.key_press(Key::Space);
    app.harness.run();
    app.wait_for("the run to stop", |app| app.metronome().is_stopped());
    app.harness.run();

    app.type_into("Worst pain during the run", "1");
    app.type_into("Worst pain after", "2");
    app.type_into("Incline (%)", "-3");
    app.click("Save pain log");
    assert!(app.shows("Give the treadmill's speed too"));
    app.type_into("Treadmill speed (km/h)", "40");
    app.click("Save pain log");
    assert!(app.shows("'40' is not a treadmill speed; give 1 to 30 km/h."));
    app.type_into("Treadmill speed (km/h)", "9,5");
    app.click("Save pain log");
    assert!(app.shows(
        "This run was a 3.0% treadmill decline: running on a 5% decline has been shown to \
         increase knee loading by ~40%."
    ));
    let runs: Vec<SessionRecord> = gui::load_runs(&app.store());
    assert_eq!(
        runs[0].treadmill,
        Some(Treadmill {
            speed_kmh: 9.5,
            incline_percent: -3.0,
        })
    );
    assert!(!runs[0].downhill);
}

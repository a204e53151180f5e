//! "Save for phone" on the Plan screen: every week of the plan written into a typed
//! folder on a worker thread while the window keeps drawing, then the files listed.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use std::time::{Duration, Instant};

use cadence_coach::coach::{Baseline, Increase, Plan, SessionTimes};
use egui_kittest::kittest::Queryable;
use gui::App;

#[test]
fn every_week_is_saved_for_the_phone_without_blocking_the_window() {
    let mut app = App::start(|store| {
        // Two-minute runs, so that writing six of them takes a moment, not minutes.
        let plan = Plan::new(
            Baseline::typed(160.0).unwrap(),
            Increase::TEN,
            6,
            3,
            gui::day(-7),
        )
        .unwrap()
        .with_session_times(SessionTimes {
            warm_up_seconds: 30,
            glide_seconds: 30,
            hold_seconds: 30,
            cool_down_seconds: Some(30),
        })
        .unwrap();
        store.save(&plan).unwrap();
    });
    let music = tempfile::tempdir().unwrap();
    let folder = music.path().join("phone");
    app.click("Plan");
    app.click("Every week (6 files and a playlist)");
    app.click("Opus (smallest)");
    app.type_into("Folder", folder.to_str().unwrap());
    app.click("Save the files");
    // The window keeps drawing while the worker writes.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut frames_while_saving = 0;
    while !app.shows("Saved 7 files") {
        assert!(Instant::now() < deadline, "saving did not finish");
        if let Some(error) = app
            .harness
            .query_by_label_contains("cannot")
            .map(|_| app.text_containing("cannot"))
        {
            panic!("saving failed: {error}");
        }
        frames_while_saving += 1;
        std::thread::sleep(Duration::from_millis(20));
        app.harness.step();
    }
    assert!(frames_while_saving > 0);
    for name in [
        "01 Week 1 - 164 spm.opus",
        "06 Week 6 - 176 spm.opus",
        "Cadence Coach plan.m3u",
    ] {
        assert!(app.shows(name), "{name} is not listed");
        assert!(folder.join(name).is_file(), "{name} was not written");
    }
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 7);
}

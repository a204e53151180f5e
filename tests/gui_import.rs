//! Watch files on the History screen: a path typed or a file dropped on the window, the
//! run it attaches to or adds, and the minute-by-minute chart against the target.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/fit.rs"]
mod fit;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cadence_coach::coach::{FeedbackDuty, SessionProfile, SessionTimes};
use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use gui::App;

/// A 30-minute FIT run starting at `unix`: 20 minutes at 84 strides (168 spm), then
/// 10 at 80 (160 spm).
fn watch_file(dir: &std::path::Path, name: &str, unix: i64) -> PathBuf {
    let records = fit::steady_records(unix, 30, |second| if second < 1_200 { 84 } else { 80 });
    let bytes = fit::activity(&[fit::Leg {
        sport: fit::RUNNING,
        records,
    }]);
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("written");
    path
}

#[test]
fn a_typed_watch_file_attaches_to_the_recorded_run_and_is_charted() {
    // Yesterday 07:00 (+01:00) the app recorded 30 minutes at 168.
    let mut recorded = gui::run_on(-1, 30.0, 168.0, 1, 1);
    recorded.profile = Some(SessionProfile {
        start_spm: 160,
        target_spm: 168,
        times: SessionTimes::default(),
        feedback: FeedbackDuty::Always,
    });
    let watch_start = recorded.started_at.unix_timestamp() + 60;
    let mut app = App::start(|store| gui::save_runs(store, std::slice::from_ref(&recorded)));
    let path = watch_file(app.dir.path(), "run.fit", watch_start);
    app.click("History");
    assert!(!app.shows("Measured step rate"));
    app.type_into("Watch file", &path.display().to_string());
    app.click("Import");
    app.harness.get_by_label_contains(
        "run.fit: 22 Nov run, 30 min moving, median 168 spm: added to the run you recorded.",
    );

    let runs = gui::load_runs(&app.store());
    let [run] = runs.as_slice() else {
        panic!("one run expected, got {runs:?}");
    };
    assert_eq!(run.id, recorded.id);
    assert_eq!(run.measured.as_ref().map(|m| m.median_spm), Some(168.0));

    app.harness
        .get_by_label("Measured step rate, minute by minute");
    app.harness.get_by_label(
        "At the target for 20 of 30 minutes (at least 165 spm while moving; 0 min stopped \
         left out).",
    );
    app.harness
        .get_by_role_and_label(Role::CheckBox, "Measured");
    app.harness
        .get_by_role_and_label(Role::CheckBox, "Measured (median)");
    app.harness.get_by_label("168, 20/30 min");

    // The same file again adds nothing.
    app.click("Import");
    app.harness.get_by_label_contains("already in your history");
    assert_eq!(gui::load_runs(&app.store()).len(), 1);
}

/// A file dropped on the window, as the windowing layer hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|error| error.to_string())
    }
}

#[test]
fn dropped_files_are_imported_and_bad_ones_named() {
    let mut app = App::start(|_| {});
    let good = watch_file(
        app.dir.path(),
        "morning.fit",
        gui::NOW.unix_timestamp() - 86_400,
    );
    let bad = app.dir.path().join("broken.gpx");
    std::fs::write(&bad, "<gpx><trk><trkseg><trkpt>").expect("written");
    app.click("History");
    app.harness.input_mut().dropped_files = vec![
        Arc::new(Dropped(good)) as egui::DroppedFileHandle,
        Arc::new(Dropped(bad)),
    ];
    app.harness.run();
    app.harness.get_by_label_contains(
        "morning.fit: 22 Nov run, 30 min moving, median 168 spm: added as a new run.",
    );
    app.harness
        .get_by_label_contains("broken.gpx: the GPX file ends early");
    let runs = gui::load_runs(&app.store());
    assert_eq!(runs.len(), 1);
    assert!(!runs[0].pain_logged, "its pain is still to be given");
    // Its pain is asked for, as after a run recorded here.
    app.click("Run");
    app.harness
        .get_by_label_contains("Worst pain during the run");
}

#[test]
fn the_baseline_screen_takes_the_natural_rate_from_an_easy_run() {
    let mut app = App::start(|_| {});
    // 5 minutes warming up at 75 strides (150 spm), then 20 at 81 (162).
    let records = fit::steady_records(gui::NOW.unix_timestamp() - 86_400, 25, |second| {
        if second < 300 { 75 } else { 81 }
    });
    let path = app.dir.path().join("easy.fit");
    std::fs::write(
        &path,
        fit::activity(&[fit::Leg {
            sport: fit::RUNNING,
            records,
        }]),
    )
    .expect("written");
    app.click("Baseline");
    app.type_into(
        "Or from a watch file of an easy run",
        &path.display().to_string(),
    );
    app.click("Use this run");
    app.harness.get_by_label(
        "From the run of 22 Nov: the median step rate of minutes 6-25 while moving, the \
         warm-up left out: 162 spm.",
    );
    let typed = app.text_containing("Natural step rate (spm)");
    assert_eq!(typed, "162");
}

//! The History screen with seeded runs: the charts (found by their legends, which
//! AccessKit sees as check boxes), the week that spiked marked and explained, the runs
//! newest first, and the CSV export to a chosen file, checked in place.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use cadence_coach::coach::history::to_csv;
use cadence_coach::coach::{Morning, MorningCheck, SessionRecord};
use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use gui::App;

/// Three ISO weeks: 60, 60 and then 90 minutes (a 50% spike), seven runs.
fn seeded_runs() -> Vec<SessionRecord> {
    let mut runs = vec![
        gui::run_on(-21, 30.0, 160.0, 3, 2),
        gui::run_on(-18, 30.0, 161.0, 2, 2),
        gui::run_on(-14, 30.0, 163.0, 2, 1),
        gui::run_on(-11, 30.0, 164.0, 1, 1),
        gui::run_on(-7, 30.0, 166.0, 1, 0),
        gui::run_on(-4, 30.0, 167.0, 4, 3),
        gui::run_on(-1, 30.0, 168.0, 0, 0),
    ];
    runs[5].morning = Some(MorningCheck {
        symptoms: Morning::Worse,
        swelling: false,
    });
    runs[5].note = "hilly, \"tired\" legs".into();
    runs
}

#[test]
fn history_charts_the_runs_marks_the_spike_and_exports_them() {
    let mut app = App::start(|store| gui::save_runs(store, &seeded_runs()));
    app.click("History");
    app.harness.get_by_label("Your runs");
    app.harness.get_by_label("Every run (7)");

    // The three charts, each with its series.
    app.harness
        .get_by_label("Step rate: target, played and measured (spm)");
    app.harness
        .get_by_label("Knee pain during and after (0-10)");
    app.harness
        .get_by_label("Minutes run each week (Monday to Sunday)");
    for series in [
        "Target",
        "Played (average)",
        "During",
        "After",
        "Minutes",
        "More than 10% above the week before",
    ] {
        app.harness.get_by_role_and_label(Role::CheckBox, series);
    }
    // The spike, in words.
    app.harness.get_by_label(
        "Week 2026-W47: 90 min of running is 50% more than the 60 min of the week before; \
         keep each week within 10% of the one before.",
    );

    // Newest first.
    let y = |label: &str| app.harness.get_by_label(label).rect().top();
    assert!(y("Sun 22 Nov 07:00") < y("Thu 19 Nov 07:00"));
    assert!(y("Thu 19 Nov 07:00") < y("Mon 2 Nov 07:00"));
    app.harness.get_by_label("4/3");
    app.harness.get_by_label("worse");
    app.harness.get_by_label("hilly, \"tired\" legs");

    // Export: a folder is refused in place, then the file is written.
    let folder = app.dir.path().display().to_string();
    app.type_into("Save the CSV as", &folder);
    app.harness
        .get_by_label_contains("is a folder; add a file name");
    let missing = app.dir.path().join("no-such-folder").join("runs.csv");
    app.type_into("Save the CSV as", &missing.display().to_string());
    app.click("Export CSV");
    app.harness.get_by_label_contains("There is no folder");
    assert!(!missing.exists());

    let path = app.dir.path().join("runs.csv");
    app.type_into("Save the CSV as", &path.display().to_string());
    assert!(!app.shows("There is no folder"));
    app.click("Export CSV");
    app.harness
        .get_by_label(&format!("Saved 7 runs to {}.", path.display()));
    let written = std::fs::read_to_string(&path).expect("the CSV was written");
    let runs = gui::load_runs(&app.store());
    assert_eq!(written, to_csv(&runs));
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 8, "{written}");
    assert!(lines[0].starts_with("id,date,start_time"), "{}", lines[0]);
    assert!(
        lines[1].contains(",2026-11-02,07:00:00,+01:00,30.00,4800,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[6].ends_with(",worse,,\"hilly, \"\"tired\"\" legs\""),
        "{}",
        lines[6]
    );
    assert!(lines[7].contains(",2026-11-22,"), "{}", lines[7]);
}

#[test]
fn an_unreadable_run_file_is_kept_aside_and_the_runner_is_told() {
    let mut app = App::start(|store| {
        gui::save_runs(store, &seeded_runs()[..2]);
        let broken = store
            .sessions_dir::<SessionRecord>()
            .join("20261101T060000Z-00000001.ron");
        std::fs::write(&broken, "(version: 1, data: (id: \"half a file").expect("written");
    });
    // Told at the top of the window, on every screen, until dismissed.
    let notice = app.text_containing("20261101T060000Z-00000001.ron could not be read");
    assert!(notice.contains("left out of your history"), "{notice}");
    app.click("History");
    app.harness.get_by_label("Every run (2)");
    assert_eq!(
        app.state().messages().len(),
        1,
        "{:?}",
        app.state().messages()
    );
    app.click("OK");
    assert!(app.state().messages().is_empty());
}

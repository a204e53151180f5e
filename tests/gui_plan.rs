//! The Plan screen as a runner uses it: creating a plan from the profile's baseline with
//! every field checked in place (plan.ron checked through the store), the week table
//! with this week marked, the morning check-in after yesterday's run, and the
//! clinician's clearance once swelling has stopped progression.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use cadence_coach::coach::{
    Baseline, CountedFeet, Increase, Morning, MorningCheck, Plan, Profile, RunLog,
};
use cadence_coach::store::Store;
use egui_kittest::kittest::Queryable;
use gui::App;

fn profile_160(store: &Store) {
    let counted = Baseline::from_counted_minute(80, CountedFeet::RightFoot)
        .expect("a plausible count")
        .measured_on(gui::day(-10));
    gui::save_profile(store, counted);
}

fn saved_profile(store: &Store) -> Profile {
    store
        .load()
        .expect("the profile loads")
        .value
        .expect("there is a profile")
}

fn saved_plan(store: &Store) -> Option<Plan> {
    let loaded = store.load::<Plan>().expect("the plan loads");
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    loaded.value
}

#[test]
fn a_plan_is_built_from_the_profile_with_every_field_checked() {
    let mut app = App::start(profile_160);
    app.click("Plan");
    app.harness.get_by_label("Your plan");
    // Prefilled from the profile, with the usual length, starting today.
    for (field, value) in [
        ("Natural step rate (spm)", "160"),
        ("Increase (%)", "10"),
        ("Weeks", "6"),
        ("Runs per week", "3"),
        ("Start date (YYYY-MM-DD)", "2026-11-23"),
    ] {
        let node = app.harness.get_by_label(field);
        assert_eq!(
            egui_kittest::kittest::NodeT::accesskit_node(&node)
                .value()
                .as_deref(),
            Some(value),
            "{field}"
        );
    }
    app.harness.get_by_label("Final target: 176 spm (+10%)");

    app.type_into("Weeks", "20");
    app.harness.get_by_label_contains("from 2 to 16");
    app.type_into("Start date (YYYY-MM-DD)", "2026-13-01");
    app.harness
        .get_by_label_contains("'2026-13-01' is not a date");
    app.type_into("Runs per week", "0");
    app.harness
        .get_by_label_contains("runs per week as a whole number from 1 to 7");
    app.click("Create plan");
    app.harness
        .get_by_label("Correct the fields marked above first.");
    assert_eq!(saved_plan(&app.store()), None, "nothing invalid is saved");

    app.type_into("Weeks", "6");
    app.type_into("Runs per week", "3");
    app.type_into("Start date (YYYY-MM-DD)", "2026-11-16");
    assert!(!app.shows("is not a date"));
    app.click("Create plan");

    let Some(plan) = saved_plan(&app.store()) else {
        panic!("plan.ron was not written");
    };
    assert_eq!(plan.weeks(), 6);
    assert_eq!(plan.runs_per_week, 3);
    assert_eq!(plan.start, gui::day(-7));
    assert_eq!(plan.increase, Increase::TEN);
    // The profile's counted baseline is kept as measured.
    let profile = saved_profile(&app.store());
    assert_eq!(Some(&plan.baseline), profile.baseline.as_ref());
    let targets: Vec<u16> = plan.steps.iter().map(|step| step.target.spm).collect();
    assert_eq!(targets, [164, 168, 172, 176, 176, 176]);

    // The table: six weeks, this (second) week marked, the reasons of the ladder.
    app.harness.get_by_label("Plan of 6 weeks saved.");
    app.harness.get_by_label("Week by week");
    app.harness.get_by_label("2 (now)");
    assert!(!app.shows("1 (now)"));
    app.harness.get_by_label("16 Nov-22 Nov");
    app.harness.get_by_label("21 Dec-27 Dec");
    // Every week's reason, as the plan's own table gives it.
    let progress = plan.progress(&RunLog::default(), gui::today());
    // Week 1 passed without runs, so the ladder ends a week later than planned.
    assert_eq!(progress.weeks.len(), 7);
    app.harness.get_by_label("28 Dec-3 Jan");
    for row in &progress.weeks {
        let reason = row.reason.get(1..).unwrap_or_default();
        assert!(
            app.harness.query_all_by_label_contains(reason).count() >= 1,
            "week {}: {reason}",
            row.week
        );
    }
    app.harness
        .get_by_label_contains("+4 spm: final target reached");
    let expected = plan.today(gui::today(), &RunLog::default()).message;
    assert!(expected.starts_with("Week 2, run 1 of 3"), "{expected}");
    app.harness.get_by_label(&format!("Today: {expected}"));

    // Editing shows the plan's own values, and Cancel leaves it alone.
    app.click("Edit plan");
    app.type_into("Weeks", "8");
    app.click("Cancel");
    assert_eq!(saved_plan(&app.store()).map(|plan| plan.weeks()), Some(6));
}

#[test]
fn the_morning_check_in_can_stop_progression_until_a_clinician_clears_the_knee() {
    let mut app = App::start(|store| {
        profile_160(store);
        gui::save_plan_from_last_monday(store);
        gui::save_runs(
            store,
            &[
                gui::run_on(-5, 30.0, 164.0, 1, 1),
                gui::run_on(-1, 30.0, 164.0, 2, 2),
            ],
        );
    });
    app.click("Plan");
    app.harness.get_by_label("Morning check");
    app.harness
        .get_by_label_contains("this morning, after yesterday's run");

    app.click("Worse");
    app.click("Visible swelling around the knee");
    app.click("Save morning check");
    app.harness
        .get_by_label_contains("Morning check saved for the run of Sunday 22 November");
    assert!(!app.shows("this morning, after"), "nothing else is due");

    let runs = gui::load_runs(&app.store());
    let yesterday = runs
        .iter()
        .find(|run| run.date() == gui::day(-1))
        .expect("yesterday's run");
    assert_eq!(
        yesterday.morning,
        Some(MorningCheck {
            symptoms: Morning::Worse,
            swelling: true
        })
    );
    let earlier = runs
        .iter()
        .find(|run| run.date() == gui::day(-5))
        .expect("the earlier run");
    assert_eq!(earlier.morning, None, "only the due run is changed");

    // Swelling stops progression: the plan says so and offers the clearance.
    app.harness
        .get_by_label_contains("Today: Progression stopped at 164 spm: you saw swelling");
    app.harness.get_by_label_contains("Stopped:");
    app.type_into(
        "Who cleared it, and their advice (optional)",
        "Physio: fine to run",
    );
    app.click("A clinician cleared my knee");
    let profile = saved_profile(&app.store());
    assert_eq!(profile.clearances.len(), 1);
    assert_eq!(profile.clearances[0].date, gui::today());
    assert_eq!(profile.clearances[0].note, "Physio: fine to run");
    assert_eq!(
        profile.baseline.map(|b| b.spm),
        Some(160),
        "the rest is kept"
    );
    // Resumed: no more stop, no more button.
    assert!(!app.shows("A clinician cleared my knee"));
    app.harness.get_by_label_contains("Resumed:");
}

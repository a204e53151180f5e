//! The guided start as a new runner meets it: from an empty data folder through the
//! profile, the natural rate and the plan to the first run, each checked in the files;
//! every step skippable and returned to; the Run screen saying what is missing; the
//! morning check on the Run screen; the counted minute stopped when its screen is left;
//! and the "About the advice" page listing every threshold.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use cadence_coach::coach::{
    Baseline, Increase, Morning, MorningCheck, Plan, Profile, RiskProfile, SessionRecord, Sex,
    Thresholds, advice,
};
use cadence_coach::ui::Screen;
use clock::ClockOutputs;
use egui_kittest::kittest::Queryable;
use gui::App;

fn guided() -> App {
    let dir = tempfile::tempdir().expect("a temporary folder");
    App::start_guided(dir, ClockOutputs::new())
}

fn profile(app: &App) -> Option<Profile> {
    app.store()
        .load::<Profile>()
        .expect("the profile loads")
        .value
}

fn plan(app: &App) -> Option<Plan> {
    app.store().load::<Plan>().expect("the plan loads").value
}

#[test]
fn a_new_runner_goes_from_an_empty_folder_to_a_first_planned_run() {
    let mut app = guided();
    assert_eq!(app.state().screen(), Screen::Start);
    assert!(app.shows("slightly shorter, quicker steps"));

    app.click("Next: about you");
    app.harness
        .get_all_by_label("Yes")
        .next()
        .expect("the knee pain question")
        .click();
    app.harness.run();
    app.click("Female");
    assert!(app.shows("Each step will last two weeks: knee pain before"));
    app.click("Save and continue");
    assert_eq!(
        profile(&app).expect("profile.ron is written").risk,
        RiskProfile {
            prior_knee_pain: Some(true),
            sex: Some(Sex::Female),
            ..RiskProfile::default()
        }
    );

    // Step 3: the natural rate, typed.
    assert!(app.shows("Your natural step rate"));
    app.type_into("Natural step rate (spm)", "160");
    app.click("+7.5%");
    app.click("Save baseline and target");
    let saved = profile(&app).expect("the profile");
    assert_eq!(saved.baseline.map(|b| b.spm), Some(160));
    assert_eq!(saved.increase, Increase::SEVEN_AND_A_HALF);
    assert!(saved.risk.prior_knee_pain == Some(true), "the answers stay");

    // Step 4: the plan, filled in from the baseline.
    app.click("Next: the plan");
    app.type_into("Weeks", "6");
    app.click("Create plan");
    let saved_plan = plan(&app).expect("plan.ron is written");
    assert_eq!(saved_plan.baseline.spm, 160);
    assert_eq!(saved_plan.final_target().spm, 172);
    assert!(app.shows("Your plan is saved."));

    app.click("Next: your first run");
    app.click("Start your first run");
    assert_eq!(app.state().screen(), Screen::Run);
    assert!(app.state().metronome().is_playing());
    let recording = app.state().recording().expect("the run is recorded");
    assert_eq!(recording.plan_level, Some(1));
}

#[test]
fn every_step_can_be_skipped_and_come_back_to() {
    let mut app = guided();
    for _ in 0..4 {
        app.click("Skip this step");
    }
    assert!(app.shows("No plan yet: first count your natural step rate"));
    assert!(
        !app.shows("Skip this step"),
        "the last step has nothing to skip to"
    );
    app.click("2. About you");
    assert!(app.shows("Two runners with the same plan on paper"));
    app.click("Back");
    assert!(app.shows("slightly shorter, quicker steps"));

    app.click("Close the guide");
    assert_eq!(app.state().screen(), Screen::Run);
    assert!(app.shows("No plan yet: first count your natural step rate"));
    assert!(profile(&app).is_none(), "skipping saves nothing");

    app.click("Guide");
    assert_eq!(app.state().screen(), Screen::Start);
}

#[test]
fn the_run_screen_says_what_is_missing_until_a_plan_exists() {
    let app = App::start(|store| gui::save_profile(store, Baseline::typed(160.0).unwrap()));
    assert_eq!(
        app.state().screen(),
        Screen::Run,
        "a profile is not a first launch"
    );
    assert!(app.shows("No plan yet: your natural rate is 160 spm; build the plan"));
    drop(app);

    let app = App::start(|store| {
        gui::save_profile(store, Baseline::typed(160.0).unwrap());
        gui::save_plan_from_last_monday(store);
    });
    assert!(!app.shows("No plan yet"));
}

#[test]
fn the_morning_check_is_on_the_run_screen_when_due() {
    let mut app = App::start(|store| {
        gui::save_profile(store, Baseline::typed(160.0).unwrap());
        gui::save_plan_from_last_monday(store);
        gui::save_runs(store, &[gui::run_on(-1, 30.0, 164.0, 1, 1)]);
    });
    assert_eq!(app.state().screen(), Screen::Run);
    assert!(app.shows("How does the knee feel this morning"));
    app.click("Same");
    app.click("Save morning check");
    let runs: Vec<SessionRecord> = gui::load_runs(&app.store());
    assert_eq!(
        runs[0].morning,
        Some(MorningCheck {
            symptoms: Morning::Same,
            swelling: false
        })
    );
}

#[test]
fn leaving_the_counted_minute_stops_it_and_says_so() {
    let mut app = App::start(|_| {});
    app.click("Baseline");
    app.click("Start counting");
    assert!(app.shows("1:00 left"), "the minute is counting");
    app.click("Run");
    assert!(app.shows("The counted minute was stopped when you left its screen"));
    app.click("Baseline");
    assert!(!app.shows("1:00 left"), "no countdown runs on");
    app.harness.get_by_label("Start counting");
}

#[test]
fn the_advice_page_lists_every_threshold_with_its_source_and_the_red_flags() {
    let mut app = App::start(|_| {});
    app.click("About the advice");
    for (field, value) in advice::fields(&Thresholds::GUIDANCE) {
        let line = format!("{field} = {value}");
        app.harness.get_by_label(&line).scroll_to_me();
        app.harness.run();
    }
    for flag in advice::red_flag_lines() {
        assert!(flag.ends_with("see a physiotherapist or sports physician."));
        app.harness.get_by_label(&flag);
    }
}

#[test]
fn the_warm_up_is_offered_before_a_planned_run_and_plays_its_cues() {
    let mut app = App::start(|store| {
        gui::save_profile(store, Baseline::typed(160.0).unwrap());
        gui::save_plan_from_last_monday(store);
    });
    assert!(app.shows("Before the run (4 min 3 s, optional)"));
    app.click("Play the warm-up cues");
    // The routine plays through the engine as beeps, and is no run: nothing is recorded.
    app.wait_for("the warm-up program", |app| {
        app.metronome().engine_sound()
            == Some(&cadence_coach::engine::SoundChoice::Builtin(
                cadence_coach::engine::BuiltinSound::Beep,
            ))
            && app.metronome().status().is_some_and(|s| s.playing)
    });
    assert!(app.state().recording().is_none());
    assert!(app.state().metronome().is_stopped());

    app.click("Plan");
    assert!(app.shows("Hip and knee exercise this week: 0 of 3 sessions of 10 minutes."));
}

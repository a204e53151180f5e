//! The Baseline screen as a runner uses it: a counted minute with taps on the big
//! button and on any key, the start and stop signals played through the engine, the
//! count doubled, the increase chosen and checked, and the result saved in profile.ron.
//! The minute passes on a [`ManualClock`](cadence_coach::ui::ManualClock): no test waits
//! 60 s.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

use std::time::Duration;

use cadence_coach::coach::{BaselineMethod, CountedFeet, Increase, Profile};
use cadence_coach::engine::{BuiltinSound, SoundChoice};
use eframe::egui::Key;
use egui_kittest::kittest::Queryable;
use gui::App;

fn profile(app: &App) -> Option<Profile> {
    let loaded = app.store().load::<Profile>().expect("the profile loads");
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    loaded.value
}

#[test]
fn a_counted_minute_of_taps_becomes_the_saved_baseline_and_target() {
    let mut app = App::start(|_| {});
    app.click("Baseline");
    app.harness.get_by_label("Count a minute");
    assert!(profile(&app).is_none());

    app.click("Start counting");
    // The start signal plays through the engine: high beeps.
    app.wait_for("the start signal", |app| {
        app.metronome().engine_sound() == Some(&SoundChoice::Builtin(BuiltinSound::Beep))
            && app
                .metronome()
                .status()
                .is_some_and(|status| status.steps >= 1)
    });
    app.harness.get_by_label("1:00 left");
    // The countdown asks to be drawn when its number changes, not every frame.
    let delay = app.repaint_delay();
    assert!(
        delay > Duration::from_millis(500) && delay <= Duration::from_secs(1),
        "{delay:?}"
    );

    // 80 right-foot strikes over the minute: 50 taps on the button, 30 on keys.
    for _ in 0..50 {
        app.harness.get_by_label("Tap").click();
        app.harness.run();
        app.clock.advance(Duration::from_millis(600));
    }
    app.harness.run();
    app.harness.get_by_label("0:30 left");
    for key in [Key::Space, Key::Enter, Key::A]
        .into_iter()
        .cycle()
        .take(30)
    {
        app.harness.key_press(key);
        app.harness.run();
        app.clock.advance(Duration::from_millis(500));
    }
    app.harness.run();
    app.harness
        .get_by_label("Right-foot strikes: 80  x2 = 160 steps per minute");
    assert!(app.shows("0:15 left"), "45 s have passed");

    // The minute ends: the stop signal (low tocks) and the result.
    app.clock.advance(Duration::from_secs(15));
    app.harness.run();
    app.wait_for("the stop signal", |app| {
        app.metronome().engine_sound() == Some(&SoundChoice::Builtin(BuiltinSound::Tock))
    });
    // A key after the minute is not a tap any more.
    app.harness.key_press(Key::Space);
    app.harness.run();
    app.harness
        .get_by_label_contains("Counted: 160 spm (80 right-foot strikes");
    assert!(!app.shows("left"), "the countdown is gone");

    // +7.5% of 160 is 172.
    app.click("+7.5%");
    app.harness
        .get_by_label("Target: 172 spm (+7.5% above 160 spm)");
    app.click("Save baseline and target");
    app.harness.get_by_label_contains("Baseline saved: 160 spm");

    let Some(saved) = profile(&app) else {
        panic!("profile.ron was not written");
    };
    let Some(baseline) = saved.baseline.clone() else {
        panic!("no baseline in the profile");
    };
    assert_eq!(baseline.spm, 160);
    assert_eq!(
        baseline.method,
        BaselineMethod::CountedMinute {
            feet: CountedFeet::RightFoot,
            count: 80
        }
    );
    assert_eq!(baseline.measured_on, Some(gui::today()));
    assert_eq!(saved.increase, Increase::SEVEN_AND_A_HALF);
    assert_eq!(saved.target().map(|target| target.spm), Some(172));

    // A day later only the increase changes: the rate, retyped the same, keeps how and
    // when it was measured.
    app.clock.advance(Duration::from_secs(24 * 3_600));
    app.type_into("Natural step rate (spm)", "160");
    app.click("+10%");
    app.click("Save baseline and target");
    let saved = profile(&app).expect("a profile");
    assert_eq!(saved.baseline, Some(baseline));
    assert_eq!(saved.increase, Increase::TEN);
}

#[test]
fn a_typed_rate_and_an_increase_in_between_are_checked_in_place() {
    let mut app = App::start(|_| {});
    app.click("Baseline");
    app.click("Both feet");

    app.type_into("Natural step rate (spm)", "abc");
    app.harness.get_by_label_contains("'abc' is not a number");
    app.type_into("Natural step rate (spm)", "320");
    app.harness
        .get_by_label_contains("320 steps per minute is not a plausible running step rate");
    assert!(!app.shows("Target:"));
    app.click("Save baseline and target");
    assert!(profile(&app).is_none(), "nothing invalid reaches the store");

    app.type_into("Natural step rate (spm)", "176");
    assert!(!app.shows("not a plausible"));
    // The natural rate is high: the advice is to start at the low end.
    app.harness.get_by_label_contains("already high");
    app.harness
        .get_by_label("Target: 185 spm (+5% above 176 spm)");

    app.type_into("Other increase (%)", "12");
    app.harness.get_by_label_contains("outside the 5-10%");
    assert!(!app.shows("Target:"), "no target from a refused increase");
    app.click("Save baseline and target");
    assert!(profile(&app).is_none());

    app.type_into("Other increase (%)", "6");
    app.harness
        .get_by_label("Target: 187 spm (+6% above 176 spm)");
    app.click("Save baseline and target");
    let Some(saved) = profile(&app) else {
        panic!("profile.ron was not written");
    };
    assert_eq!(saved.baseline.map(|baseline| baseline.spm), Some(176));
    assert_eq!(saved.increase.percent(), 6.0);

    // Escape cancels a count; a cancelled count changes nothing.
    app.click("Start counting");
    app.harness.key_press(Key::Space);
    app.harness.key_press(Key::Escape);
    app.harness.run();
    assert!(!app.shows("left"));
    app.harness.get_by_label("Start counting");
    assert_eq!(
        profile(&app)
            .and_then(|profile| profile.baseline)
            .map(|b| b.spm),
        Some(176)
    );
}

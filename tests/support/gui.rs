//! The app in egui_kittest for the GUI tests: a real engine behind the simulated sound
//! card (`clock.rs`), a data folder of its own in a temporary directory, and a
//! [`ManualClock`] the test moves by hand (the engine keeps real time).

use std::sync::Arc;
use std::time::{Duration, Instant};

use cadence_coach::coach::{Baseline, Increase, Pain, Plan, PlayedRates, Profile, SessionRecord};
use cadence_coach::store::{DataDir, Store};
use cadence_coach::ui::{CadenceApp, ManualClock, Screen};
use eframe::egui::ViewportId;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use time::macros::datetime;
use time::{Date, Duration as Days, OffsetDateTime};

use super::clock::ClockOutputs;

/// "Now" for every GUI test: a Monday morning.
pub const NOW: OffsetDateTime = datetime!(2026-11-23 09:30:00 +01:00);

pub fn today() -> Date {
    NOW.date()
}

/// A day relative to [`NOW`]'s.
pub fn day(offset: i64) -> Date {
    today() + Days::days(offset)
}

pub struct App {
    pub harness: Harness<'static, CadenceApp>,
    pub clock: Arc<ManualClock>,
    pub outputs: ClockOutputs,
    /// The data folder (kept alive with the app).
    pub dir: tempfile::TempDir,
}

impl App {
    /// The app on a fresh data folder, after `seed` has written to it.
    pub fn start(seed: impl FnOnce(&Store)) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        seed(&store_in(&dir));
        Self::start_in(dir, ClockOutputs::new())
    }

    /// The app on `dir`; on a first launch the guide is closed, as most tests start
    /// from the Run screen ([`App::start_guided`] keeps it).
    pub fn start_in(dir: tempfile::TempDir, outputs: ClockOutputs) -> Self {
        let mut app = Self::start_guided(dir, outputs);
        if app.state().screen() == Screen::Start {
            app.click("Close the guide");
        }
        app
    }

    /// The app on `dir`, showing the guided start on a first launch.
    pub fn start_guided(dir: tempfile::TempDir, outputs: ClockOutputs) -> Self {
        let clock = Arc::new(ManualClock::new(NOW));
        let store = store_in(&dir);
        let harness = {
            let (outputs, clock) = (outputs.clone(), Arc::clone(&clock));
            Harness::builder()
                .with_size([760.0, 720.0])
                .build_eframe(move |cc| {
                    CadenceApp::new(cc, Box::new(outputs), store).with_clock(clock)
                })
        };
        let mut app = Self {
            harness,
            clock,
            outputs,
            dir,
        };
        app.harness.run();
        app
    }

    /// A second handle on the same folder, to check what was written.
    pub fn store(&self) -> Store {
        store_in(&self.dir)
    }

    pub fn state(&self) -> &CadenceApp {
        self.harness.state()
    }

    /// Scrolls the widget into view, as a runner would, and clicks it.
    pub fn click(&mut self, label: &str) {
        self.harness.get_by_label(label).scroll_to_me();
        self.harness.run();
        self.harness.get_by_label(label).click();
        self.harness.run();
    }

    pub fn type_into(&mut self, label: &str, text: &str) {
        self.harness
            .get_by_label(label)
            .set_text_value_accesskit(text);
        self.harness.run();
    }

    /// The text of the one label that contains `part`.
    pub fn text_containing(&self, part: &str) -> String {
        let node = self.harness.get_by_label_contains(part);
        node.accesskit_node()
            .value()
            .or_else(|| node.accesskit_node().label())
            .unwrap_or_default()
    }

    pub fn shows(&self, part: &str) -> bool {
        self.harness.query_by_label_contains(part).is_some()
    }

    /// Steps the app, in real time, until `done` holds (the engine runs in real time).
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&CadenceApp) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(self.harness.state()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(15));
            self.harness.step();
        }
    }

    /// How long until the app wants to be drawn again after the last frame.
    pub fn repaint_delay(&self) -> Duration {
        self.harness
            .output()
            .viewport_output
            .get(&ViewportId::ROOT)
            .map_or(Duration::MAX, |viewport| viewport.repaint_delay)
    }
}

pub fn store_in(dir: &tempfile::TempDir) -> Store {
    Store::open(DataDir::at(dir.path()))
}

/// A finished run of `minutes` at `spm` with the given pain, started at `at`.
pub fn run_at(at: OffsetDateTime, minutes: f64, spm: f64, during: u8, after: u8) -> SessionRecord {
    let seconds = minutes * 60.0;
    SessionRecord::new(
        SessionRecord::make_id(at, 0x5eed),
        at,
        PlayedRates::steady(spm),
        seconds,
        (minutes * spm) as u32,
        Pain { during, after },
    )
}

/// `run_at` at 07:00 on `day(offset)`.
pub fn run_on(offset: i64, minutes: f64, spm: f64, during: u8, after: u8) -> SessionRecord {
    let at = day(offset)
        .with_hms(7, 0, 0)
        .expect("07:00 exists")
        .assume_offset(NOW.offset());
    run_at(at, minutes, spm, during, after)
}

/// A profile with `baseline` aiming for +10%.
pub fn save_profile(store: &Store, baseline: Baseline) {
    let profile = Profile {
        baseline: Some(baseline),
        increase: Increase::TEN,
        ..Profile::default()
    };
    let notices = store.save(&profile).expect("the profile is saved");
    assert!(notices.is_empty(), "{notices:?}");
}

/// From a natural 160 spm to +10% over 6 weeks of 3 runs, started last Monday's week.
pub fn save_plan_from_last_monday(store: &Store) -> Plan {
    let baseline = Baseline::typed(160.0).expect("a plausible rate");
    let plan = Plan::new(baseline, Increase::TEN, 6, 3, day(-7)).expect("a valid plan");
    let notices = store.save(&plan).expect("the plan is saved");
    assert!(notices.is_empty(), "{notices:?}");
    plan
}

pub fn save_runs(store: &Store, runs: &[SessionRecord]) {
    for run in runs {
        store.save_session(run).expect("the run is saved");
    }
}

pub fn load_runs(store: &Store) -> Vec<SessionRecord> {
    let loaded = store
        .load_sessions::<SessionRecord>()
        .expect("the runs load");
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    loaded.sessions
}

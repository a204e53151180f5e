//! Writes a believable data folder for screenshots and demos: a baseline counted two
//! weeks ago, a six-week plan that started then, and runs that moved up a step, held
//! the next one after a painful run, and left yesterday's morning check to do, plus a
//! week whose running spiked; other training (hip and knee exercise, a ride) and a pair
//! of shoes.
//!
//! `cargo run --example seed_demo_data -- FOLDER` (dates are relative to today). The
//! folder must not hold a profile or plan yet: this never overwrites a runner's data.

use std::path::PathBuf;

use anyhow::{Context, bail};
use cadence_coach::coach::{
    Activity, ActivityKind, Baseline, CountedFeet, Exercise, ExerciseSets, Increase, Morning,
    MorningCheck, Pain, Plan, PlayedRates, Profile, SessionRecord, Shoe, Training, Treadmill,
};
use cadence_coach::store::{DataDir, Store};
use time::{Duration, OffsetDateTime, Time, UtcOffset};

fn main() -> anyhow::Result<()> {
    let Some(folder) = std::env::args_os().nth(1).map(PathBuf::from) else {
        bail!("usage: seed_demo_data FOLDER");
    };
    let store = Store::open(DataDir::at(&folder));
    if store.document_path::<Profile>().exists() || store.document_path::<Plan>().exists() {
        bail!("{} already holds a profile or a plan", folder.display());
    }
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let today = OffsetDateTime::now_utc().to_offset(offset).date();
    let day = |days: i64| today - Duration::days(days);

    let baseline = Baseline::from_counted_minute(80, CountedFeet::RightFoot)?.measured_on(day(15));
    let profile = Profile {
        baseline: Some(baseline.clone()),
        increase: Increase::TEN,
        ..Profile::default()
    };
    let plan = Plan::new(baseline, Increase::TEN, 6, 3, day(14))?;
    for notice in store.save(&profile)?.into_iter().chain(store.save(&plan)?) {
        eprintln!("{notice}");
    }

    // (days ago, plan level or none, pain during, pain after, morning)
    use Morning::{Better, Same, Worse};
    let runs = [
        (18, None, 2, 2, Some(Same)),
        (13, Some(1), 1, 1, Some(Same)),
        (11, Some(1), 2, 1, Some(Better)),
        (9, Some(1), 1, 2, Some(Same)),
        (7, Some(2), 2, 2, Some(Same)),
        (5, Some(2), 4, 3, Some(Worse)),
        (3, Some(2), 2, 1, Some(Same)),
        (1, Some(2), 1, 1, None),
    ];
    for (index, (days_ago, level, during, after, morning)) in runs.into_iter().enumerate() {
        let at = day(days_ago)
            .with_time(Time::from_hms(7, 15, 0)?)
            .assume_offset(offset);
        let (profile, played) = match level {
            Some(level) => {
                let profile = plan.profile(level, false);
                let played = PlayedRates {
                    start_spm: f64::from(profile.start_spm),
                    target_spm: f64::from(profile.target_spm),
                    end_spm: f64::from(profile.start_spm),
                };
                (Some(profile), played)
            }
            None => (None, PlayedRates::steady(160.0)),
        };
        let minutes = if level.is_some() { 30.0 } else { 25.0 };
        let average = played.target_spm - 1.5;
        let mut record = SessionRecord::new(
            SessionRecord::make_id(at, index as u32),
            at,
            played,
            minutes * 60.0,
            (minutes * average) as u32,
            Pain { during, after },
        );
        record.profile = profile;
        record.plan_level = level;
        record.morning = morning.map(|symptoms| MorningCheck {
            symptoms,
            swelling: false,
        });
        if during >= 4 {
            record.note = "hilly route, knee ached on the descents".into();
            record.downhill = true;
        } else {
            record.treadmill = Some(Treadmill {
                speed_kmh: 9.5,
                incline_percent: 1.0,
            });
        }
        store
            .begin_session(&record)
            .with_context(|| format!("saving the run of {}", record.date()))?;
    }
    // Hip and knee exercise at the same level for three weeks, and a ride this week.
    let sets = |exercise, reps, load_kg| ExerciseSets {
        exercise,
        sets: 3,
        reps,
        load_kg,
    };
    let mut activities: Vec<Activity> = [16, 12, 9, 6, 2, 0]
        .into_iter()
        .map(|days_ago| Activity {
            date: day(days_ago),
            kind: ActivityKind::Strength,
            minutes: 12.0,
            exercises: vec![
                sets(Exercise::Clamshells, 12, 0.0),
                sets(Exercise::SplitSquats, 8, 10.0),
            ],
            note: String::new(),
        })
        .collect();
    activities.push(Activity {
        date: day(1),
        kind: ActivityKind::Cycling,
        minutes: 25.0,
        exercises: Vec::new(),
        note: "to work".into(),
    });
    let training = Training {
        activities,
        shoes: vec![Shoe {
            name: "Blue trainers".into(),
            since: day(60),
            start_km: 560.0,
        }],
    };
    for notice in store.save(&training)? {
        eprintln!("{notice}");
    }
    println!("seeded {}", folder.display());
    Ok(())
}

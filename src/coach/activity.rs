//! All of the week's load besides the runs the app clicked: other training (strength,
//! cycling, hiking, other sport), hip and knee exercise sets, and the shoes the runs
//! were run in.
//!
//! The guidance: a workload spike "could be a new strength routine, too much downhill
//! running, or even starting to bike to work every day", so other training counts in the
//! weekly workload (see [`Thresholds::other_activity_load_percent`]); "running on a 5%
//! decline has been shown to increase knee loading by ~40%"; hip and knee exercise is
//! the gold standard (10 minutes, three times a week) and must get progressively harder;
//! worn-out shoes (around 400 miles) shift load to the knee.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::calendar::{add_days, check_date, iso_date};
use super::error::{CoachError, check_f64, check_int, check_len, check_text};
use super::record::SessionRecord;
use super::thresholds::Thresholds;
use super::workload::IsoWeek;

/// Training that is not a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivityKind {
    /// Hip and knee exercise, or any other strength session.
    Strength,
    Cycling,
    Hiking,
    OtherSport,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 4] = [
        ActivityKind::Strength,
        ActivityKind::Cycling,
        ActivityKind::Hiking,
        ActivityKind::OtherSport,
    ];
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ActivityKind::Strength => "strength",
            ActivityKind::Cycling => "cycling",
            ActivityKind::Hiking => "hiking",
            ActivityKind::OtherSport => "other sport",
        })
    }
}

/// The hip and knee exercises the guidance names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Exercise {
    SideLyingLegRaises,
    Clamshells,
    SplitSquats,
    SingleLegBridges,
    CalfRaises,
    WallSit,
}

impl Exercise {
    pub const ALL: [Exercise; 6] = [
        Exercise::SideLyingLegRaises,
        Exercise::Clamshells,
        Exercise::SplitSquats,
        Exercise::SingleLegBridges,
        Exercise::CalfRaises,
        Exercise::WallSit,
    ];
}

impl fmt::Display for Exercise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Exercise::SideLyingLegRaises => "side-lying leg raises",
            Exercise::Clamshells => "clamshells",
            Exercise::SplitSquats => "split squats",
            Exercise::SingleLegBridges => "single-leg bridges",
            Exercise::CalfRaises => "calf raises",
            Exercise::WallSit => "wall sit",
        })
    }
}

/// Sets of one exercise in a strength session.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseSets {
    pub exercise: Exercise,
    /// 1 to 20.
    pub sets: u8,
    /// Repetitions per set (seconds for a hold), 1 to 500.
    pub reps: u16,
    /// Added load in kg, 0 to 300.
    #[serde(default)]
    pub load_kg: f64,
}

impl ExerciseSets {
    /// The same sets, reps and load: the level has not changed.
    fn same_level(&self, other: &ExerciseSets) -> bool {
        self.exercise == other.exercise
            && self.sets == other.sets
            && self.reps == other.reps
            && self.load_kg == other.load_kg
    }
}

impl fmt::Display for ExerciseSets {
    /// "clamshells 3x10 at 2 kg".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}x{}", self.exercise, self.sets, self.reps)?;
        if self.load_kg > 0.0 {
            write!(f, " at {} kg", self.load_kg)?;
        }
        Ok(())
    }
}

/// One session of other training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    #[serde(with = "iso_date")]
    pub date: Date,
    pub kind: ActivityKind,
    /// 1 to 1440.
    pub minutes: f64,
    #[serde(default)]
    pub exercises: Vec<ExerciseSets>,
    #[serde(default)]
    pub note: String,
}

/// A pair of running shoes, worn for the runs from `since` until the next pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shoe {
    pub name: String,
    #[serde(with = "iso_date")]
    pub since: Date,
    /// Distance already run in them before they were added, in km.
    #[serde(default)]
    pub start_km: f64,
}

/// Everything logged besides the runs: `training.ron` in the store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Training {
    pub activities: Vec<Activity>,
    pub shoes: Vec<Shoe>,
}

impl Training {
    pub const MAX_ACTIVITIES: usize = 20_000;
    pub const MAX_SHOES: usize = 200;
    pub const MAX_EXERCISES: usize = 20;
    pub const MAX_NAME_CHARS: usize = 100;

    pub fn validate(&self) -> Result<(), CoachError> {
        check_len(
            "the list of activities",
            self.activities.len(),
            Self::MAX_ACTIVITIES,
        )?;
        check_len("the list of shoes", self.shoes.len(), Self::MAX_SHOES)?;
        for activity in &self.activities {
            activity.validate()?;
        }
        for shoe in &self.shoes {
            check_date("the day a pair of shoes was added", shoe.since)?;
            check_text("a shoe's name", &shoe.name, Self::MAX_NAME_CHARS)?;
            check_f64(
                "a shoe's starting distance (km)",
                shoe.start_km,
                0.0,
                5_000.0,
            )?;
        }
        Ok(())
    }

    /// Minutes of other training on each day of the ISO week `week`, summed.
    pub fn minutes_in(&self, week: IsoWeek) -> f64 {
        self.activities
            .iter()
            .filter(|a| IsoWeek::of(a.date) == week)
            .map(|a| a.minutes)
            .sum()
    }

    /// Strength sessions in the ISO week of `today`, and what the guidance asks for.
    pub fn strength_summary(&self, today: Date) -> String {
        let t = Thresholds::GUIDANCE;
        let week = IsoWeek::of(today);
        let done = self
            .activities
            .iter()
            .filter(|a| a.kind == ActivityKind::Strength && IsoWeek::of(a.date) == week)
            .count();
        format!(
            "Hip and knee exercise this week: {done} of {} sessions of {} minutes.",
            t.strength_sessions_per_week, t.strength_session_minutes
        )
    }

    /// Exercises logged at the same sets, reps and load in each of the last
    /// [`Thresholds::strength_same_level_weeks`] ISO weeks up to `today`'s: time to
    /// make them harder.
    pub fn progress_nudges(&self, today: Date) -> Vec<String> {
        let weeks = Thresholds::GUIDANCE.strength_same_level_weeks;
        let latest = |exercise: Exercise, week: IsoWeek| {
            self.activities
                .iter()
                .filter(|a| IsoWeek::of(a.date) == week)
                .flat_map(|a| a.exercises.iter())
                .rfind(|sets| sets.exercise == exercise)
                .copied()
        };
        let mut nudges = Vec::new();
        for exercise in Exercise::ALL {
            let Some(now) = latest(exercise, IsoWeek::of(today)) else {
                continue;
            };
            let same = (1..i64::from(weeks)).all(|back| {
                latest(exercise, IsoWeek::of(add_days(today, -7 * back)))
                    .is_some_and(|before| before.same_level(&now))
            });
            if same && weeks > 1 {
                nudges.push(format!(
                    "{now} for {weeks} weeks: make it harder (more load, more \
                     repetitions or a harder variation); the exercises must get \
                     progressively harder to keep working."
                ));
            }
        }
        nudges
    }

    /// Each pair with its distance from the runs that have one (treadmill speed x
    /// time, or a watch file's distance), and a note when it is near or past [`Thresholds::shoe_worn_km`].
    pub fn shoe_lines(&self, runs: &[SessionRecord]) -> Vec<String> {
        let worn = Thresholds::GUIDANCE.shoe_worn_km;
        let mut shoes: Vec<&Shoe> = self.shoes.iter().collect();
        shoes.sort_by_key(|shoe| shoe.since);
        shoes
            .iter()
            .enumerate()
            .map(|(index, shoe)| {
                let until = shoes.get(index + 1).map(|next| next.since);
                let km: f64 = shoe.start_km
                    + runs
                        .iter()
                        .filter(|run| {
                            run.date() >= shoe.since && until.is_none_or(|u| run.date() < u)
                        })
                        .filter_map(distance_km)
                        .sum::<f64>();
                let note = if km >= worn {
                    format!(
                        ": past {worn:.0} km (400 miles), worn-out shoes shift load to the \
                         knee; time for a new pair"
                    )
                } else if km >= worn * 0.9 {
                    format!(": nearly {worn:.0} km (400 miles), plan a new pair soon")
                } else {
                    String::new()
                };
                format!("{} (since {}): {km:.0} km{note}", shoe.name, shoe.since)
            })
            .collect()
    }
}

/// A run's distance when it is known: treadmill speed x played time (the belt is
/// exact), else the distance the watch recorded.
pub fn distance_km(run: &SessionRecord) -> Option<f64> {
    run.treadmill
        .map(|belt| belt.speed_kmh * run.played_seconds / 3_600.0)
        .or_else(|| {
            run.measured
                .as_ref()
                .and_then(|measured| measured.distance_m)
                .map(|metres| metres / 1_000.0)
        })
}

/// The decline warning for a run on a treadmill decline or marked downhill.
pub fn decline_warning(run: &SessionRecord) -> Option<String> {
    let t = Thresholds::GUIDANCE;
    let incline = run.treadmill.map(|belt| belt.incline_percent);
    let on_decline = incline.is_some_and(|percent| percent < 0.0);
    if !(on_decline || run.downhill) {
        return None;
    }
    let what = match incline {
        Some(percent) if percent < 0.0 => format!("a {:.1}% treadmill decline", -percent),
        _ => "downhill".to_string(),
    };
    Some(format!(
        "This run was {what}: running on a {:.0}% decline has been shown to increase knee \
         loading by ~{:.0}%. Keep downhills short while the knee settles.",
        t.decline_studied_percent, t.decline_knee_load_percent
    ))
}

impl Activity {
    pub fn validate(&self) -> Result<(), CoachError> {
        check_date("the day of an activity", self.date)?;
        check_f64("the minutes of an activity", self.minutes, 1.0, 1_440.0)?;
        check_len(
            "the exercises of a session",
            self.exercises.len(),
            Training::MAX_EXERCISES,
        )?;
        check_text(
            "the note on an activity",
            &self.note,
            SessionRecord::MAX_NOTE_CHARS,
        )?;
        for sets in &self.exercises {
            check_int("the sets of an exercise", sets.sets, 1, 20)?;
            check_int("the repetitions of an exercise", sets.reps, 1, 500)?;
            check_f64("the load of an exercise (kg)", sets.load_kg, 0.0, 300.0)?;
        }
        if !self.exercises.is_empty() && self.kind != ActivityKind::Strength {
            return Err(CoachError::Inconsistent(format!(
                "exercise sets belong to a strength session, not {}",
                self.kind
            )));
        }
        Ok(())
    }
}

impl fmt::Display for Activity {
    /// "2026-11-24: cycling, 40 min" or "...: strength, 10 min (clamshells 3x10)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}, {} min", self.date, self.kind, self.minutes)?;
        if !self.exercises.is_empty() {
            let sets: Vec<String> = self.exercises.iter().map(|s| s.to_string()).collect();
            write!(f, " ({})", sets.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::coach::record::{Pain, PlayedRates, Treadmill};

    fn strength(date: Date, sets: u8, reps: u16, load_kg: f64) -> Activity {
        Activity {
            date,
            kind: ActivityKind::Strength,
            minutes: 10.0,
            exercises: vec![ExerciseSets {
                exercise: Exercise::Clamshells,
                sets,
                reps,
                load_kg,
            }],
            note: String::new(),
        }
    }

    fn treadmill_run(incline_percent: f64, minutes: f64) -> SessionRecord {
        let at = datetime!(2026-11-24 07:00 +01:00);
        let mut run = SessionRecord::new(
            SessionRecord::make_id(at, 1),
            at,
            PlayedRates::steady(168.0),
            minutes * 60.0,
            0,
            Pain::default(),
        );
        run.treadmill = Some(Treadmill {
            speed_kmh: 10.0,
            incline_percent,
        });
        run
    }

    #[test]
    fn the_same_level_for_three_weeks_gets_a_nudge() {
        let today = date!(2026 - 11 - 25);
        let mut training = Training {
            activities: vec![
                strength(date!(2026 - 11 - 11), 3, 10, 0.0),
                strength(date!(2026 - 11 - 18), 3, 10, 0.0),
                strength(date!(2026 - 11 - 24), 3, 10, 0.0),
            ],
            shoes: Vec::new(),
        };
        let nudges = training.progress_nudges(today);
        assert_eq!(nudges.len(), 1);
        assert!(nudges[0].starts_with("clamshells 3x10 for 3 weeks: make it harder"));
        assert_eq!(
            training.strength_summary(today),
            "Hip and knee exercise this week: 1 of 3 sessions of 10 minutes."
        );
        training.activities[2] = strength(date!(2026 - 11 - 24), 3, 12, 0.0);
        assert!(training.progress_nudges(today).is_empty());
        assert!(training.validate().is_ok());
    }

    #[test]
    fn declines_and_downhills_are_warned_with_the_figure() {
        assert_eq!(decline_warning(&treadmill_run(1.0, 30.0)), None);
        let warning = decline_warning(&treadmill_run(-3.0, 30.0)).unwrap();
        assert!(warning.starts_with("This run was a 3.0% treadmill decline"));
        assert!(warning.contains("5% decline has been shown to increase knee loading by ~40%"));
        let mut outdoors = treadmill_run(0.0, 30.0);
        outdoors.treadmill = None;
        outdoors.downhill = true;
        assert!(decline_warning(&outdoors).unwrap().contains("was downhill"));
    }

    #[test]
    fn shoes_add_up_the_runs_with_a_distance_and_warn_near_640_km() {
        let training = Training {
            activities: Vec::new(),
            shoes: vec![Shoe {
                name: "Trainers".into(),
                since: date!(2026 - 01 - 01),
                start_km: 600.0,
            }],
        };
        // 30 min at 10 km/h: 5 km.
        let runs = vec![treadmill_run(0.0, 30.0)];
        let lines = training.shoe_lines(&runs);
        assert_eq!(
            lines,
            [
                "Trainers (since 2026-01-01): 605 km: nearly 640 km (400 miles), plan a new pair soon"
            ]
        );
        let worn = Training {
            shoes: vec![Shoe {
                start_km: 640.0,
                ..training.shoes[0].clone()
            }],
            ..training
        };
        assert!(worn.shoe_lines(&runs)[0].contains("time for a new pair"));
    }

    #[test]
    fn a_watch_files_distance_counts_toward_the_shoes() {
        use crate::coach::measured::{Measurement, Sample};
        let mut outdoors = treadmill_run(0.0, 30.0);
        outdoors.treadmill = None;
        assert_eq!(distance_km(&outdoors), None);
        // 3 m/s for 20 min with a reading every second: 3.6 km.
        let samples: Vec<Sample> = (0..1_200)
            .map(|second| Sample {
                seconds: f64::from(second),
                spm: Some(168.0),
                distance_m: Some(3.0 * f64::from(second)),
                ..Sample::default()
            })
            .collect();
        outdoors.measured =
            Some(Measurement::from_samples("watch".into(), outdoors.started_at, &samples).unwrap());
        let km = distance_km(&outdoors).unwrap();
        assert!((km - 3.597).abs() < 1e-9, "{km}");
        let training = Training {
            activities: Vec::new(),
            shoes: vec![Shoe {
                name: "Trail shoes".into(),
                since: date!(2026 - 01 - 01),
                start_km: 10.0,
            }],
        };
        assert_eq!(
            training.shoe_lines(&[outdoors]),
            ["Trail shoes (since 2026-01-01): 14 km"]
        );
    }

    #[test]
    fn sets_outside_a_strength_session_are_refused() {
        let mut cycling = strength(date!(2026 - 11 - 24), 3, 10, 0.0);
        cycling.kind = ActivityKind::Cycling;
        assert!(cycling.validate().is_err());
        let mut heavy = strength(date!(2026 - 11 - 24), 3, 10, 500.0);
        assert!(heavy.validate().is_err());
        heavy.exercises[0].load_kg = 5.0;
        assert!(heavy.validate().is_ok());
    }
}

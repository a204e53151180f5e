//! What happened on a run, as the runner logged it, and the log of all runs.
//!
//! Records are written by the app after each run (pain, limp, swelling) and completed the
//! next morning (the morning check). The storage layer keeps them as RON; every field is
//! checked by `validate` when loaded, so a damaged or hand-edited file cannot crash the
//! app or exhaust memory.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset};

use super::calendar::{check_date, check_timestamp, iso_date};
use super::error::{CoachError, check_f64, check_int, check_len, check_text};
use super::measured::Measurement;
use super::risk::RiskProfile;
use super::session::{MAX_SESSION_SPM, MIN_SESSION_SPM, SessionProfile};

/// The rates the engine actually played, in spm (fractional rates are possible).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayedRates {
    /// At the first step.
    pub start_spm: f64,
    /// The rate held for most of the run (the session's target).
    pub target_spm: f64,
    /// At the last step: lower than the target after a cool-down, or where a stopped
    /// glide left off.
    pub end_spm: f64,
}

impl PlayedRates {
    /// One rate throughout.
    pub fn steady(spm: f64) -> Self {
        Self {
            start_spm: spm,
            target_spm: spm,
            end_spm: spm,
        }
    }
}

/// Pain in the knee on the 0-10 scale (0 none, 10 the worst imaginable).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pain {
    /// The worst during the run.
    pub during: u8,
    /// The worst after the run, later that day.
    pub after: u8,
}

impl Pain {
    pub fn worst(&self) -> u8 {
        self.during.max(self.after)
    }
}

/// How the knee felt the morning after, compared with the runner's usual.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Morning {
    Worse,
    Same,
    Better,
}

/// The check the runner fills in the morning after a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MorningCheck {
    pub symptoms: Morning,
    /// Visible swelling around the knee that morning.
    pub swelling: bool,
}

/// Treadmill settings, from which the step length can be worked out.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Treadmill {
    /// Belt speed, 1 to 30 km/h.
    pub speed_kmh: f64,
    /// Incline, -10 to 40 percent.
    pub incline_percent: f64,
}

/// One run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Unique within the log: see [`SessionRecord::make_id`]. 1 to 64 characters from
    /// `A-Z a-z 0-9 - _`, so it is safe in a file name.
    pub id: String,
    /// When the run started, with the runner's UTC offset at the time (RFC 3339 in
    /// files). Its date in that offset is the day of the run.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// What was planned to play, if the run followed a profile.
    pub profile: Option<SessionProfile>,
    /// The plan level that was played (0 the natural rate, 1 the first week's step), if
    /// the run came from a plan. Informational: progression replays the log itself.
    pub plan_level: Option<u8>,
    pub played: PlayedRates,
    /// How long the clicks played, in engine seconds (0 to 43 200).
    pub played_seconds: f64,
    /// Steps the engine counted (heard or muted), 0 to 200 000.
    pub steps: u32,
    pub pain: Pain,
    /// The runner said how the knee felt (pain and limp). A run saved as it starts, or
    /// one whose questions went unanswered, has not: the plan will not move up on it.
    /// Files from before this field were always logged.
    #[serde(default = "logged")]
    pub pain_logged: bool,
    /// The runner limped during or after the run.
    pub limp: bool,
    /// Visible swelling around the knee after the run.
    pub swelling: bool,
    /// Filled in the next morning; `None` until then.
    #[serde(default)]
    pub morning: Option<MorningCheck>,
    /// The runner's own words, up to 1000 characters.
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub treadmill: Option<Treadmill>,
    /// The runner marked the run as mostly downhill (outdoors).
    #[serde(default)]
    pub downhill: bool,
    /// The step rate the runner's watch measured, if a watch file was imported for this
    /// run. Files from before watch import have none.
    #[serde(default)]
    pub measured: Option<Measurement>,
}

impl SessionRecord {
    pub const MAX_ID_CHARS: usize = 64;
    pub const MAX_NOTE_CHARS: usize = 1_000;
    pub const MAX_PLAYED_SECONDS: f64 = 43_200.0;
    pub const MAX_STEPS: u32 = 200_000;
    pub const MAX_PLAN_LEVEL: u8 = 16;

    /// A record with the required fields; no limp, swelling, morning check, note or
    /// treadmill.
    pub fn new(
        id: String,
        started_at: OffsetDateTime,
        played: PlayedRates,
        played_seconds: f64,
        steps: u32,
        pain: Pain,
    ) -> Self {
        Self {
            id,
            started_at,
            profile: None,
            plan_level: None,
            played,
            played_seconds,
            steps,
            pain,
            pain_logged: true,
            limp: false,
            swelling: false,
            morning: None,
            note: String::new(),
            treadmill: None,
            downhill: false,
            measured: None,
        }
    }

    /// A run that has just started, before anything is played: saved at once so that a
    /// crash still leaves the run in the history. `profile` and `plan_level` say what
    /// the run follows, if anything; without a profile, `spm` is the rate played.
    pub fn starting(
        started_at: OffsetDateTime,
        suffix: u32,
        spm: f64,
        profile: Option<(SessionProfile, u8)>,
    ) -> Self {
        let played = match &profile {
            Some((profile, _)) => PlayedRates {
                start_spm: f64::from(profile.start_spm),
                target_spm: f64::from(profile.target_spm),
                end_spm: f64::from(profile.start_spm),
            },
            None => PlayedRates::steady(spm),
        };
        let mut record = Self::new(
            Self::make_id(started_at, suffix),
            started_at,
            played,
            0.0,
            0,
            Pain::default(),
        );
        record.pain_logged = false;
        if let Some((profile, level)) = profile {
            record.profile = Some(profile);
            record.plan_level = Some(level.min(Self::MAX_PLAN_LEVEL));
        }
        record
    }

    /// How the knee felt, as the runner reports it after the run.
    pub fn log_pain(&mut self, pain: Pain, limp: bool) {
        self.pain = pain;
        self.limp = limp;
        self.pain_logged = true;
    }

    /// What the engine has played so far: its own running time (not the wall clock),
    /// its step count and the rate at the latest step. Values outside what a record
    /// may hold are clamped, so a long or odd run can still be saved.
    pub fn set_played(&mut self, seconds: f64, steps: u32, spm: f64) {
        let seconds = if seconds.is_finite() { seconds } else { 0.0 };
        self.played_seconds = seconds.clamp(0.0, Self::MAX_PLAYED_SECONDS);
        self.steps = steps.min(Self::MAX_STEPS);
        if spm.is_finite() && spm > 0.0 {
            let (min, max) = (f64::from(MIN_SESSION_SPM), f64::from(MAX_SESSION_SPM));
            self.played.end_spm = spm.clamp(min, max);
            if self.profile.is_none() {
                // A free run's target is where the runner settled.
                self.played.target_spm = self.played.end_spm;
            }
        }
    }

    /// An id from the start time (in UTC, to the second) and a caller-chosen suffix
    /// (for example a few random bits), such as "20250407T063000Z-00c0ffee". Ids sort in
    /// time order and two runs started in the same second still differ by suffix.
    pub fn make_id(started_at: OffsetDateTime, suffix: u32) -> String {
        let utc = started_at.to_offset(UtcOffset::UTC);
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z-{suffix:08x}",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        )
    }

    /// The day of the run, in the runner's time zone at the time.
    pub fn date(&self) -> Date {
        self.started_at.date()
    }

    pub fn played_minutes(&self) -> f64 {
        self.played_seconds / 60.0
    }

    /// Average rate over the run from the engine's step count, in spm.
    pub fn average_spm(&self) -> Option<f64> {
        (self.played_seconds > 0.0).then(|| f64::from(self.steps) / self.played_minutes())
    }

    /// Step length in metres on a treadmill: speed / cadence, at the rate held for most
    /// of the run. `None` off the treadmill.
    pub fn step_length_m(&self) -> Option<f64> {
        let treadmill = self.treadmill?;
        if self.played.target_spm <= 0.0 {
            return None;
        }
        let metres_per_minute = treadmill.speed_kmh * 1_000.0 / 60.0;
        Some(metres_per_minute / self.played.target_spm)
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        check_id(&self.id)?;
        check_timestamp("the start of a run", self.started_at)?;
        if let Some(profile) = &self.profile {
            profile.validate()?;
        }
        if let Some(level) = self.plan_level {
            check_int("the plan level of a run", level, 0, Self::MAX_PLAN_LEVEL)?;
        }
        let (min, max) = (f64::from(MIN_SESSION_SPM), f64::from(MAX_SESSION_SPM));
        check_f64(
            "the start rate played (spm)",
            self.played.start_spm,
            min,
            max,
        )?;
        check_f64(
            "the target rate played (spm)",
            self.played.target_spm,
            min,
            max,
        )?;
        check_f64("the end rate played (spm)", self.played.end_spm, min, max)?;
        check_f64(
            "the time played (seconds)",
            self.played_seconds,
            0.0,
            Self::MAX_PLAYED_SECONDS,
        )?;
        check_int("the step count", self.steps, 0, Self::MAX_STEPS)?;
        check_int("the pain during a run (0-10)", self.pain.during, 0, 10)?;
        check_int("the pain after a run (0-10)", self.pain.after, 0, 10)?;
        check_text("the note on a run", &self.note, Self::MAX_NOTE_CHARS)?;
        if let Some(treadmill) = self.treadmill {
            check_f64("the treadmill speed (km/h)", treadmill.speed_kmh, 1.0, 30.0)?;
            check_f64(
                "the treadmill incline (%)",
                treadmill.incline_percent,
                -10.0,
                40.0,
            )?;
        }
        if let Some(measured) = &self.measured {
            measured.validate()?;
        }
        Ok(())
    }
}

fn logged() -> bool {
    true
}

fn check_id(id: &str) -> Result<(), CoachError> {
    check_text("the id of a run", id, SessionRecord::MAX_ID_CHARS)?;
    let safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if id.is_empty() || !id.chars().all(safe) {
        let mut shown = String::new();
        let _ = write!(shown, "{id:?}");
        return Err(CoachError::out_of_range(
            "the id of a run",
            shown,
            "1 to 64 letters, digits, '-' or '_'",
        ));
    }
    Ok(())
}

/// A physiotherapist or sports physician cleared the knee after swelling: progression
/// may resume from this day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clearance {
    #[serde(with = "iso_date")]
    pub date: Date,
    /// Who cleared it and what they advised, up to 1000 characters.
    #[serde(default)]
    pub note: String,
}

/// Everything the runner logged: runs and clearances.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunLog {
    /// In any order; readers sort by start time.
    pub records: Vec<SessionRecord>,
    #[serde(default)]
    pub clearances: Vec<Clearance>,
    /// The runner's risk factors: with any, each plan step lasts longer.
    #[serde(default)]
    pub risk: RiskProfile,
}

impl RunLog {
    /// Twenty-five years of daily runs.
    pub const MAX_RECORDS: usize = 10_000;
    pub const MAX_CLEARANCES: usize = 200;

    pub fn new(records: Vec<SessionRecord>) -> Self {
        Self {
            records,
            clearances: Vec::new(),
            risk: RiskProfile::default(),
        }
    }

    /// Checks every record and clearance, and that run ids are unique.
    pub fn validate(&self) -> Result<(), CoachError> {
        check_len("the run log", self.records.len(), Self::MAX_RECORDS)?;
        check_len(
            "the list of clearances",
            self.clearances.len(),
            Self::MAX_CLEARANCES,
        )?;
        let mut ids = HashSet::with_capacity(self.records.len());
        for record in &self.records {
            record.validate()?;
            if !ids.insert(record.id.as_str()) {
                return Err(CoachError::Inconsistent(format!(
                    "two runs in the log share the id {}; the log file may have been \
                     merged by hand",
                    record.id
                )));
            }
        }
        for clearance in &self.clearances {
            check_date("the day of a clearance", clearance.date)?;
            check_text(
                "the note on a clearance",
                &clearance.note,
                SessionRecord::MAX_NOTE_CHARS,
            )?;
        }
        Ok(())
    }

    /// Runs in start-time order (ties by id, so the order never depends on the file's).
    pub fn runs_in_order(&self) -> Vec<&SessionRecord> {
        let mut runs: Vec<&SessionRecord> = self.records.iter().collect();
        runs.sort_by(|a, b| a.started_at.cmp(&b.started_at).then(a.id.cmp(&b.id)));
        runs
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn record() -> SessionRecord {
        let started_at = datetime!(2025-04-07 07:30:05 +02:00);
        SessionRecord::new(
            SessionRecord::make_id(started_at, 0xc0ffee),
            started_at,
            PlayedRates::steady(168.0),
            1_800.0,
            5_040,
            Pain {
                during: 2,
                after: 3,
            },
        )
    }

    #[test]
    fn ids_come_from_the_utc_start_and_the_suffix() {
        assert_eq!(record().id, "20250407T053005Z-00c0ffee");
        assert!(record().validate().is_ok());
    }

    #[test]
    fn step_length_is_speed_over_cadence() {
        let mut run = record();
        assert_eq!(run.step_length_m(), None);
        run.treadmill = Some(Treadmill {
            speed_kmh: 10.08,
            incline_percent: 1.0,
        });
        // 10.08 km/h = 168 m/min; at 168 spm that is one metre a step.
        let length = run.step_length_m().unwrap();
        assert!((length - 1.0).abs() < 1e-12, "{length}");
        assert_eq!(run.average_spm(), Some(168.0));
        assert_eq!(run.pain.worst(), 3);
    }

    #[test]
    fn records_round_trip_through_ron() {
        let mut run = record();
        run.morning = Some(MorningCheck {
            symptoms: Morning::Better,
            swelling: false,
        });
        run.note = "windy, felt fine".into();
        let text = ron::to_string(&run).unwrap();
        assert!(text.contains("2025-04-07T07:30:05+02:00"), "{text}");
        let back: SessionRecord = ron::from_str(&text).unwrap();
        assert_eq!(back, run);
        assert_eq!(back.date(), time::macros::date!(2025 - 04 - 07));
    }

    #[test]
    fn validate_refuses_each_bad_field() {
        type Spoil = fn(&mut SessionRecord);
        let cases: Vec<(&str, Spoil)> = vec![
            ("empty id", |r| r.id.clear()),
            ("id with a slash", |r| r.id = "../etc".into()),
            ("long id", |r| r.id = "a".repeat(65)),
            ("pain 11", |r| r.pain.after = 11),
            ("NaN seconds", |r| r.played_seconds = f64::NAN),
            ("days of play", |r| r.played_seconds = 1e9),
            ("too many steps", |r| r.steps = u32::MAX),
            ("rate 0", |r| r.played.end_spm = 0.0),
            ("long note", |r| r.note = "x".repeat(1_001)),
            ("plan level", |r| r.plan_level = Some(200)),
            ("year 2500", |r| {
                r.started_at = datetime!(2500-01-01 00:00 UTC);
            }),
            ("fast treadmill", |r| {
                r.treadmill = Some(Treadmill {
                    speed_kmh: 99.0,
                    incline_percent: 0.0,
                });
            }),
        ];
        for (name, spoil) in cases {
            let mut run = record();
            spoil(&mut run);
            assert!(run.validate().is_err(), "{name} was accepted");
        }
    }

    #[test]
    fn logs_refuse_duplicate_ids_and_sort_by_time() {
        let first = record();
        let mut second = record();
        second.id = "earlier".into();
        second.started_at = datetime!(2025-04-05 07:00 +02:00);
        let log = RunLog::new(vec![first.clone(), second.clone()]);
        assert!(log.validate().is_ok());
        assert_eq!(log.runs_in_order()[0], &second);
        let doubled = RunLog::new(vec![first.clone(), first]);
        assert!(matches!(
            doubled.validate(),
            Err(CoachError::Inconsistent(_))
        ));
    }

    #[test]
    fn a_starting_run_is_valid_and_takes_the_engines_counts() {
        let started_at = datetime!(2026-11-21 07:00:00 +01:00);
        let profile = SessionProfile {
            start_spm: 160,
            target_spm: 168,
            times: crate::coach::SessionTimes::default(),
            feedback: crate::coach::FeedbackDuty::Always,
        };
        let mut planned = SessionRecord::starting(started_at, 1, 0.0, Some((profile, 2)));
        assert!(planned.validate().is_ok());
        assert!(!planned.pain_logged);
        assert_eq!(planned.played.target_spm, 168.0);
        planned.log_pain(
            Pain {
                during: 2,
                after: 1,
            },
            false,
        );
        assert!(planned.pain_logged);
        planned.set_played(600.0, 1_660, 166.5);
        assert_eq!(planned.played_seconds, 600.0);
        assert_eq!(planned.played.end_spm, 166.5);
        assert_eq!(planned.played.target_spm, 168.0);

        let mut free = SessionRecord::starting(started_at, 2, 170.0, None);
        free.set_played(f64::INFINITY, u32::MAX, 1_000.0);
        assert_eq!(free.played_seconds, 0.0);
        assert_eq!(free.steps, SessionRecord::MAX_STEPS);
        assert_eq!(free.played.target_spm, 250.0);
        assert!(free.validate().is_ok());
        free.set_played(1e9, 10, 171.0);
        assert_eq!(free.played_seconds, SessionRecord::MAX_PLAYED_SECONDS);
        assert!(free.validate().is_ok());
    }
}

//! The runner's data as the screens see it: profile, plan and runs read from the store,
//! what the plan says about today, and the run being recorded. Free of egui.
//!
//! Every [`Notice`](crate::store::Notice) and every store error comes back as a sentence
//! for the window; none is dropped or only logged.

use std::time::{Duration, Instant};

use time::{Date, OffsetDateTime};

use super::fields::sentence;
use crate::coach::history::Workload;
use crate::coach::{
    AfterRun, Plan, Profile, Progress, RunLog, SessionProfile, SessionRecord, TodaySession,
    Training, WorkloadWarning, workload,
};
use crate::store::{Store, StoreError, random_id_bits};

/// A run in progress is saved this often (engine time and steps), so a crash or a
/// killed process loses at most this much.
pub const SAVE_EVERY: Duration = crate::store::SAVE_RUNNING_EVERY;

/// What the plan and the log say on one day; worked out again when the data or the
/// day change, not every frame.
#[derive(Clone, Debug)]
pub struct Today {
    pub date: Date,
    pub session: Option<TodaySession>,
    pub progress: Option<Progress>,
    /// The run whose morning check is due (index into [`Data::sessions`]).
    pub morning_due: Option<usize>,
    /// This ISO week's running so far against the week before.
    pub workload: Option<WorkloadWarning>,
    pub history: Workload,
}

/// Profile, plan and runs, as last read or saved.
pub struct Data {
    store: Store,
    pub profile: Profile,
    pub plan: Option<Plan>,
    /// Oldest first.
    pub sessions: Vec<SessionRecord>,
    /// Other training and shoes (`cadence-coach activity`, `shoes`).
    pub training: Training,
    today: Option<Today>,
}

impl Data {
    /// Reads everything; the messages say what the runner must hear about.
    pub fn open(store: Store) -> (Self, Vec<String>) {
        let mut data = Self {
            store,
            profile: Profile::default(),
            plan: None,
            sessions: Vec::new(),
            training: Training::default(),
            today: None,
        };
        let messages = data.reload();
        (data, messages)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Reads profile, plan and runs again (another copy of the app or the command line
    /// may have changed them). What cannot be read keeps its last value.
    pub fn reload(&mut self) -> Vec<String> {
        let mut messages = Vec::new();
        match self.store.load_or_default::<Profile>() {
            Ok(loaded) => {
                self.profile = loaded.value;
                messages.extend(loaded.notices.iter().map(ToString::to_string));
            }
            Err(error) => messages.push(format!("Your profile could not be read: {error}.")),
        }
        match self.store.load::<Plan>() {
            Ok(loaded) => {
                self.plan = loaded.value;
                messages.extend(loaded.notices.iter().map(ToString::to_string));
            }
            Err(error) => messages.push(format!("Your plan could not be read: {error}.")),
        }
        match self.store.load_or_default::<Training>() {
            Ok(loaded) => {
                self.training = loaded.value;
                messages.extend(loaded.notices.iter().map(ToString::to_string));
            }
            Err(error) => messages.push(format!("Your training could not be read: {error}.")),
        }
        match self.store.load_sessions::<SessionRecord>() {
            Ok(loaded) => {
                self.sessions = loaded.sessions;
                messages.extend(loaded.notices.iter().map(ToString::to_string));
            }
            Err(error) => messages.push(format!("Your run history could not be read: {error}.")),
        }
        self.today = None;
        messages.into_iter().map(sentence).collect()
    }

    /// The runs and the profile's clearances, as the plan reads them.
    pub fn log(&self) -> RunLog {
        self.profile.run_log(self.sessions.clone())
    }

    /// What today holds, worked out again if the day or the data changed.
    pub fn today(&mut self, date: Date) -> &Today {
        let today = match self.today.take() {
            Some(today) if today.date == date => today,
            _ => self.work_out(date),
        };
        self.today.insert(today)
    }

    /// The last worked-out day, if any (for drawing without `&mut`).
    pub fn cached_today(&self) -> Option<&Today> {
        self.today.as_ref()
    }

    fn work_out(&self, date: Date) -> Today {
        let log = self.log();
        let (session, progress) = match &self.plan {
            Some(plan) => (
                Some(plan.today(date, &log)),
                Some(plan.progress(&log, date)),
            ),
            None => (None, None),
        };
        Today {
            date,
            session,
            progress,
            morning_due: morning_due(&self.sessions, date),
            workload: workload::this_week_with(&self.sessions, &self.training.activities, date),
            history: Workload::of(&self.sessions),
        }
    }

    /// Changes the profile under the store's lock (keeping what another copy or the
    /// command line wrote meanwhile) and keeps the result.
    pub fn update_profile(
        &mut self,
        change: impl FnOnce(&mut Profile),
    ) -> Result<Vec<String>, String> {
        let mut updated = None;
        let loaded = self
            .store
            .update(|profile: &mut Profile| {
                change(profile);
                updated = Some(profile.clone());
            })
            .map_err(|error| format!("Your profile was not saved: {error}."))?;
        if let Some(profile) = updated {
            self.profile = profile;
        }
        self.today = None;
        Ok(notices(&loaded.notices))
    }

    /// Changes the other training and shoes under the store's lock, as
    /// [`Data::update_profile`] does for the profile.
    pub fn update_training(
        &mut self,
        change: impl FnOnce(&mut Training),
    ) -> Result<Vec<String>, String> {
        let mut updated = None;
        let loaded = self
            .store
            .update(|training: &mut Training| {
                change(training);
                updated = Some(training.clone());
            })
            .map_err(|error| format!("Your training was not saved: {error}."))?;
        if let Some(training) = updated {
            self.training = training;
        }
        self.today = None;
        Ok(notices(&loaded.notices))
    }

    pub fn save_plan(&mut self, plan: Plan) -> Result<Vec<String>, String> {
        let notices = self
            .store
            .save(&plan)
            .map_err(|error| format!("The plan was not saved: {error}."))?;
        self.plan = Some(plan);
        self.today = None;
        Ok(self::notices(&notices))
    }

    /// Saves a run that has just started; a new file, never replacing another run's.
    pub fn begin_session(&mut self, record: &SessionRecord) -> Result<(), StoreError> {
        self.store.begin_session(record)?;
        self.keep(record);
        Ok(())
    }

    /// Saves a run again (as it goes, at its end, with the pain log or the morning
    /// check).
    pub fn save_session(&mut self, record: &SessionRecord) -> Result<(), String> {
        record.validate().map_err(sentence)?;
        self.store
            .save_session(record)
            .map_err(|error| format!("The run was not saved: {error}."))?;
        self.keep(record);
        Ok(())
    }

    fn keep(&mut self, record: &SessionRecord) {
        match self.sessions.iter_mut().find(|run| run.id == record.id) {
            Some(run) => *run = record.clone(),
            None => {
                self.sessions.push(record.clone());
                self.sessions
                    .sort_by(|a, b| a.started_at.cmp(&b.started_at).then(a.id.cmp(&b.id)));
            }
        }
        self.today = None;
    }

    /// The plan's word on a run just logged, or a plain "saved" without a plan.
    pub fn after_run(&self, record: &SessionRecord) -> Option<AfterRun> {
        self.plan
            .as_ref()
            .map(|plan| plan.after_run(&self.log(), record))
    }
}

fn notices(notices: &[crate::store::Notice]) -> Vec<String> {
    notices.iter().map(sentence).collect()
}

/// The latest run from yesterday or the day before without a morning check.
pub fn morning_due(sessions: &[SessionRecord], today: Date) -> Option<usize> {
    let yesterday = today.previous_day()?;
    let day_before = yesterday.previous_day()?;
    sessions
        .iter()
        .enumerate()
        .filter(|(_, run)| run.morning.is_none())
        .filter(|(_, run)| run.date() == yesterday || run.date() == day_before)
        .max_by(|(_, a), (_, b)| a.started_at.cmp(&b.started_at).then(a.id.cmp(&b.id)))
        .map(|(index, _)| index)
}

/// A run being recorded: saved when it starts, about once a minute while it plays,
/// and when it ends or the window closes.
#[derive(Clone, Debug)]
pub struct Recording {
    pub record: SessionRecord,
    /// When it was last saved, on the app's clock.
    pub saved_at: Instant,
    /// The engine's rate when last seen playing (it reads 0 once stopped).
    pub spm: f64,
}

impl Recording {
    /// The record of a run starting now; `planned` is the plan's profile and level.
    pub fn starting(
        started_at: OffsetDateTime,
        spm: u32,
        planned: Option<(SessionProfile, u8)>,
        now: Instant,
    ) -> Self {
        // Whole seconds: the id and the file show no more.
        let started_at = started_at.replace_nanosecond(0).unwrap_or(started_at);
        Self {
            record: SessionRecord::starting(started_at, random_id_bits(), f64::from(spm), planned),
            saved_at: now,
            spm: f64::from(spm),
        }
    }

    /// Notes the engine's rate while it plays.
    pub fn see_rate(&mut self, spm: f64) {
        if spm.is_finite() && spm > 0.0 {
            self.spm = spm;
        }
    }

    /// Takes the engine's own figures: its running time, its step count and the last
    /// rate it played.
    pub fn update(&mut self, seconds: f64, steps: u64) {
        let steps = u32::try_from(steps).unwrap_or(u32::MAX);
        self.record.set_played(seconds, steps, self.spm);
    }

    pub fn save_due(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.saved_at) >= SAVE_EVERY
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::coach::{Morning, MorningCheck};

    fn run(at: OffsetDateTime) -> SessionRecord {
        SessionRecord::starting(at, 1, 168.0, None)
    }

    #[test]
    fn the_morning_check_is_due_for_the_latest_run_of_the_two_days_before() {
        let today = date!(2026 - 11 - 23);
        let mut runs = vec![
            run(datetime!(2026-11-20 07:00 +01:00)),
            run(datetime!(2026-11-21 07:00 +01:00)),
            run(datetime!(2026-11-22 07:00 +01:00)),
            run(datetime!(2026-11-23 07:00 +01:00)),
        ];
        assert_eq!(morning_due(&runs, today), Some(2));
        runs[2].morning = Some(MorningCheck {
            symptoms: Morning::Same,
            swelling: false,
        });
        assert_eq!(morning_due(&runs, today), Some(1));
        runs[1].morning = runs[2].morning;
        assert_eq!(
            morning_due(&runs, today),
            None,
            "three days ago is too late"
        );
    }

    #[test]
    fn a_recording_takes_the_engines_figures_and_knows_when_to_save() {
        let now = Instant::now();
        let mut recording =
            Recording::starting(datetime!(2026-11-23 07:00:00.75 +01:00), 170, None, now);
        assert_eq!(recording.record.started_at.nanosecond(), 0);
        assert!(recording.record.validate().is_ok());
        recording.see_rate(171.0);
        recording.see_rate(0.0);
        recording.update(61.5, 174);
        assert_eq!(recording.record.played_seconds, 61.5);
        assert_eq!(recording.record.steps, 174);
        assert_eq!(recording.record.played.end_spm, 171.0);
        assert!(!recording.save_due(now + Duration::from_secs(59)));
        assert!(recording.save_due(now + SAVE_EVERY));
    }
}

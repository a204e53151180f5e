//! Where an imported measurement goes in the log: onto the run the app recorded at the
//! same time, or in as a run of its own whose pain is still to be given. And the
//! target a run is held against.

use time::{Duration, UtcOffset};

use super::measured::Measurement;
use super::plan::Plan;
use super::record::{PlayedRates, RunLog, SessionRecord};
use super::session::{MAX_SESSION_SPM, MIN_SESSION_SPM};

/// Two measurements starting this close are the same run (a FIT and a GPX of it, say).
const SAME_RUN_SECONDS: i64 = 120;

/// What to do with a measurement.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// This run already has it (the same file, or another export of the same run).
    Already { id: String },
    /// Attach it to the run recorded at the same time, which has no measurement yet.
    Attach { id: String },
    /// No run of the log overlaps it: log it as a run of its own.
    New,
}

/// Decides where `measured` goes among `records`.
pub fn place(records: &[SessionRecord], measured: &Measurement) -> Placement {
    let same_source = records.iter().find(|run| {
        run.measured.as_ref().is_some_and(|m| {
            m.source == measured.source
                || (m.started_at - measured.started_at).whole_seconds().abs() <= SAME_RUN_SECONDS
        })
    });
    if let Some(run) = same_source {
        return Placement::Already { id: run.id.clone() };
    }
    let (start, end) = (measured.started_at, measured.ended_at());
    let best = records
        .iter()
        .filter_map(|run| {
            // A run saved as it started has no time played yet: give it a minute.
            let played = Duration::seconds_f64(run.played_seconds.max(60.0));
            let overlap = end.min(run.started_at + played) - start.max(run.started_at);
            (overlap > Duration::ZERO).then_some((overlap, run))
        })
        .max_by_key(|(overlap, _)| *overlap);
    match best {
        Some((_, run)) if run.measured.is_some() => Placement::Already { id: run.id.clone() },
        Some((_, run)) => Placement::Attach { id: run.id.clone() },
        None => Placement::New,
    }
}

/// A run of its own for a measurement nothing in the log overlaps, as if logged with
/// `cadence-coach log`: the moving time and the median rate, its pain still to be given
/// (so the plan holds until it is). `offset` is the runner's time zone. The id comes from
/// the start and the source, so importing the same file again makes the same id.
pub fn logged_run(measured: Measurement, offset: UtcOffset) -> SessionRecord {
    let started_at = measured.started_at.to_offset(offset);
    // FNV-1a (32 bits) of the source: stable across builds, unlike std's hasher.
    let suffix = measured.source.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    let (min, max) = (f64::from(MIN_SESSION_SPM), f64::from(MAX_SESSION_SPM));
    let mut record = SessionRecord::new(
        SessionRecord::make_id(started_at, suffix),
        started_at,
        PlayedRates::steady(measured.median_spm.clamp(min, max)),
        measured
            .moving_seconds
            .min(SessionRecord::MAX_PLAYED_SECONDS),
        measured.steps.min(SessionRecord::MAX_STEPS),
        Default::default(),
    );
    record.pain_logged = false;
    record.measured = Some(measured);
    record
}

/// The rate a run is held against: the target it played if it followed a profile, else
/// the plan's target on its day (at the level the log had reached by then), else none.
pub fn target_for(run: &SessionRecord, plan: Option<&Plan>, log: &RunLog) -> Option<u16> {
    if let Some(profile) = &run.profile {
        return Some(profile.target_spm);
    }
    let plan = plan?;
    plan.week_of(run.date())?;
    Some(plan.today(run.date(), log).target.spm)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::coach::measured::Sample;
    use crate::coach::record::Pain;

    fn measurement(source: &str, start: time::OffsetDateTime, minutes: usize) -> Measurement {
        let samples: Vec<Sample> = (0..minutes * 60)
            .map(|s| Sample {
                seconds: s as f64,
                spm: Some(166.0),
                ..Sample::default()
            })
            .collect();
        Measurement::from_samples(source.into(), start, &samples).unwrap()
    }

    fn recorded(start: time::OffsetDateTime, seconds: f64) -> SessionRecord {
        SessionRecord::new(
            SessionRecord::make_id(start, 1),
            start,
            PlayedRates::steady(168.0),
            seconds,
            5_000,
            Pain::default(),
        )
    }

    #[test]
    fn an_overlapping_recorded_run_takes_the_measurement() {
        // The app started 2 minutes before the watch.
        let app = recorded(datetime!(2026-11-24 07:28 +01:00), 1_800.0);
        let other = recorded(datetime!(2026-11-23 07:28 +01:00), 1_800.0);
        let m = measurement("f-0", datetime!(2026-11-24 06:30 UTC), 30);
        let records = vec![other, app.clone()];
        assert_eq!(
            place(&records, &m),
            Placement::Attach { id: app.id.clone() }
        );

        let mut attached = app;
        attached.measured = Some(m.clone());
        let records = vec![attached.clone()];
        assert_eq!(
            place(&records, &m),
            Placement::Already {
                id: attached.id.clone()
            }
        );
        // Another export of the same run (its own source) is the same run too.
        let again = measurement("g-0", datetime!(2026-11-24 06:30:01 UTC), 30);
        assert_eq!(
            place(&records, &again),
            Placement::Already { id: attached.id }
        );
    }

    #[test]
    fn a_run_nothing_overlaps_is_logged_with_its_pain_to_give() {
        let earlier = recorded(datetime!(2026-11-24 05:00 UTC), 1_200.0);
        let m = measurement("f-0", datetime!(2026-11-24 06:30 UTC), 30);
        assert_eq!(place(&[earlier], &m), Placement::New);
        let run = logged_run(m.clone(), UtcOffset::from_hms(1, 0, 0).unwrap());
        assert_eq!(run.started_at, datetime!(2026-11-24 07:30 +01:00));
        assert!(!run.pain_logged);
        assert_eq!(run.played_seconds, 1_800.0);
        assert_eq!(run.played.target_spm, 166.0);
        assert_eq!(run.steps, 4_980);
        assert_eq!(run.measured, Some(m.clone()));
        assert!(run.validate().is_ok());
        // The same measurement gives the same id.
        let twice = logged_run(m, UtcOffset::UTC);
        assert_eq!(twice.id, run.id);
    }
}

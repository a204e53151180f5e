//! The measurement rule of progression: where the watch measured a run, moving up a step
//! also needs the target to have been held, not only the knee to have stayed calm.
//! Runs without a measurement count as before. Numbers in [`Thresholds::GUIDANCE`].

use time::Date;

use super::calendar;
use super::record::SessionRecord;
use super::thresholds::Thresholds;

/// What the runner is told to do when a run fell short of the target.
pub(crate) const ADVICE: &str = " Keep the clicks on for the whole run this week.";

/// Whether a measured run held `target_spm`: its median moving rate at most
/// `held_median_margin_spm` below, and at least `at_target_share` of its moving minutes
/// at most `at_target_margin_spm` below.
pub(crate) fn held(run: &SessionRecord, target_spm: u16) -> bool {
    let Some(measured) = &run.measured else {
        return true;
    };
    let t = Thresholds::GUIDANCE;
    let target = f64::from(target_spm);
    let at_target = measured.minutes_at_or_above(target - t.at_target_margin_spm);
    measured.median_spm >= target - t.held_median_margin_spm
        && at_target >= t.at_target_share * measured.moving_minutes()
}

/// "on Tuesday you ran 163 spm on average and were at the target for 9 of 30 minutes",
/// for every measured run of the step that fell short of `target_spm`; `None` when all
/// held it (or none was measured).
pub(crate) fn shortfall(runs: &[&SessionRecord], target_spm: u16, today: Date) -> Option<String> {
    let t = Thresholds::GUIDANCE;
    let floor = f64::from(target_spm) - t.at_target_margin_spm;
    let causes: Vec<String> = runs
        .iter()
        .filter(|run| !held(run, target_spm))
        .filter_map(|run| {
            let measured = run.measured.as_ref()?;
            // The median is what the rule holds to: it is the typical rate of the run,
            // which a stop or a sprint does not pull around.
            Some(format!(
                "on {} you ran {:.0} spm on average and were at the target for {:.0} of \
                 {:.0} minutes",
                calendar::day_name(run.date(), today),
                measured.median_spm,
                measured.minutes_at_or_above(floor).floor(),
                measured.moving_minutes().round()
            ))
        })
        .collect();
    (!causes.is_empty()).then(|| causes.join(", and "))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::coach::measured::{Measurement, Sample};
    use crate::coach::record::{Pain, PlayedRates};

    /// A run on Tuesday 5 May 2026 whose watch measured `spm(minute)` for 30 minutes.
    fn measured_run(spm: impl Fn(usize) -> f64) -> SessionRecord {
        let started_at = datetime!(2026-05-05 07:00 UTC);
        let samples: Vec<Sample> = (0..1_800)
            .map(|s| Sample {
                seconds: s as f64,
                spm: Some(spm(s / 60)),
                ..Sample::default()
            })
            .collect();
        let mut run = SessionRecord::new(
            "run".into(),
            started_at,
            PlayedRates::steady(168.0),
            1_800.0,
            5_000,
            Pain::default(),
        );
        run.measured = Some(Measurement::from_samples("x".into(), started_at, &samples).unwrap());
        run
    }

    #[test]
    fn a_run_at_the_clicks_holds_the_target() {
        let run = measured_run(|_| 167.0);
        assert!(held(&run, 168));
        assert_eq!(
            shortfall(&[&run], 168, datetime!(2026-05-08 0:00 UTC).date()),
            None
        );
    }

    #[test]
    fn drifting_back_to_the_old_rhythm_falls_short_with_the_numbers() {
        // 9 minutes at the clicks, then back to 160.
        let run = measured_run(|minute| if minute < 9 { 168.0 } else { 160.0 });
        assert!(!held(&run, 168));
        let text = shortfall(&[&run], 168, datetime!(2026-05-08 0:00 UTC).date()).unwrap();
        assert_eq!(
            text,
            "on Tuesday you ran 160 spm on average and were at the target for 9 of 30 minutes"
        );
    }

    #[test]
    fn a_good_median_is_not_enough_without_the_minutes() {
        // Median at the target, but only 60% of the minutes within 3 spm of it.
        let run = measured_run(|minute| if minute < 18 { 168.0 } else { 150.0 });
        assert_eq!(run.measured.as_ref().unwrap().median_spm, 168.0);
        assert!(!held(&run, 168));
        // Four fifths at the target: held.
        let run = measured_run(|minute| if minute < 24 { 168.0 } else { 150.0 });
        assert!(held(&run, 168));
    }

    #[test]
    fn runs_without_a_measurement_count_as_before() {
        let mut run = measured_run(|_| 150.0);
        run.measured = None;
        assert!(held(&run, 168));
    }
}

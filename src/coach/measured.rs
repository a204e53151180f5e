//! The step rate a runner really ran, as their watch measured it: a summary of one run's
//! samples (moving time, mean and median rate, a per-minute series, the drift), and the
//! time at a target.
//!
//! The readers in `import/` turn watch files into [`Sample`]s; everything here is pure.
//! A run is summarised once, when it is imported, and the summary is what the log keeps
//! (a [`Measurement`] on the [`SessionRecord`](super::SessionRecord)): the target it is
//! held against is applied later, so a plan made after the run still sees it.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, UtcOffset};

use super::calendar::check_timestamp;
use super::error::{CoachError, check_f64, check_int, check_len, check_text};

/// One reading from the watch, `seconds` after the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    pub seconds: f64,
    /// Steps (both feet) per minute. `None` when the watch wrote no cadence here.
    pub spm: Option<f64>,
    /// Metres per second.
    pub speed_mps: Option<f64>,
    /// Metres from the start.
    pub distance_m: Option<f64>,
    pub heart_rate: Option<u8>,
}

/// Why samples could not be summarised: both are the file's, not the runner's, fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MeasureError {
    #[error("no cadence in this run: turn on wrist or footpod cadence on the watch")]
    NoCadence,
    #[error("the run has cadence but never moves (every reading is 0 spm or 0 speed)")]
    NeverMoving,
}

/// A gap between readings longer than this is a pause (the watch's timer stopped, or
/// auto-pause): the runner was not moving. Smart recording writes every 1-8 s, so 30 s
/// leaves room for a lost GPS fix without counting a traffic light as running.
pub const MAX_READING_GAP_SECONDS: f64 = 30.0;

/// Readings above this are sensor noise, not steps (the fastest sprinters reach ~280).
const MAX_PLAUSIBLE_SPM: f64 = 300.0;

/// Below this speed the runner is standing (GPS drift shows 0.1-0.3 m/s when still).
const STANDING_MPS: f64 = 0.3;

/// Minutes of warm-up left out of a natural rate taken from a run.
pub const WARM_UP_MINUTES: usize = 5;

/// Drift needs a run long enough for thirds to mean something.
const MIN_DRIFT_MOVING_SECONDS: f64 = 180.0;

/// One minute of the run (by elapsed time from the start).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinuteRate {
    /// Seconds of this minute spent moving, 0 to 60.
    pub moving_seconds: f32,
    /// Mean step rate over the moving seconds; 0 when the minute had none.
    pub spm: f32,
}

/// What the watch measured on one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Which file and leg it came from (see `import::source_id`), so importing the same
    /// file again adds nothing. 1 to 100 characters.
    pub source: String,
    /// The first reading, in UTC (RFC 3339 in files).
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// From the first reading to the end of the last one.
    pub elapsed_seconds: f64,
    /// Without stops (zero cadence, zero speed, or a pause between readings).
    pub moving_seconds: f64,
    /// Time-weighted over the moving time, in spm.
    pub mean_spm: f64,
    /// Half of the moving time was at this rate or below.
    pub median_spm: f64,
    /// Steps counted while moving.
    pub steps: u32,
    /// Median of the last third of the moving time minus that of the first third, in
    /// spm; `None` for runs under three minutes of moving.
    pub drift_spm: Option<f64>,
    /// Minute by minute of elapsed time.
    pub minutes: Vec<MinuteRate>,
    /// Metres the watch recorded over the run (its distance readings, else its speed x
    /// time), for the shoes' distance; `None` when it recorded neither. Files from
    /// before it have none.
    #[serde(default)]
    pub distance_m: Option<f64>,
}

impl Measurement {
    pub const MAX_SOURCE_CHARS: usize = 100;
    /// Twelve hours, as for a recorded run.
    pub const MAX_SECONDS: f64 = 43_200.0;
    pub const MAX_MINUTES: usize = 720;
    /// 500 km: more than any run of twelve hours.
    pub const MAX_DISTANCE_M: f64 = 500_000.0;

    /// Summarises `samples` (in time order; any out of order are dropped) of a run that
    /// began at `started_at`.
    pub fn from_samples(
        source: String,
        started_at: OffsetDateTime,
        samples: &[Sample],
    ) -> Result<Self, MeasureError> {
        if !samples.iter().any(|s| cadence_of(s).is_some()) {
            return Err(MeasureError::NoCadence);
        }
        let spans = spans(samples);
        let moving: Vec<&Span> = spans.iter().filter(|span| span.moving).collect();
        let moving_seconds: f64 = moving.iter().map(|span| span.seconds).sum();
        if moving_seconds <= 0.0 {
            return Err(MeasureError::NeverMoving);
        }
        let weighted: f64 = moving.iter().map(|span| span.spm * span.seconds).sum();
        let first = spans.first().map_or(0.0, |span| span.start);
        let elapsed = spans.last().map_or(0.0, |span| span.start + span.seconds) - first;
        let rates: Vec<(f64, f64)> = moving.iter().map(|s| (s.spm, s.seconds)).collect();
        Ok(Self {
            source,
            started_at: (started_at + Duration::seconds_f64(first)).to_offset(UtcOffset::UTC),
            elapsed_seconds: elapsed.min(Self::MAX_SECONDS),
            moving_seconds: moving_seconds.min(Self::MAX_SECONDS),
            mean_spm: weighted / moving_seconds,
            median_spm: weighted_median(rates.clone()),
            steps: (weighted / 60.0).round().min(f64::from(u32::MAX)) as u32,
            drift_spm: drift(&rates, moving_seconds),
            minutes: per_minute(&spans, first),
            distance_m: distance(samples),
        })
    }

    pub fn elapsed_minutes(&self) -> f64 {
        self.elapsed_seconds / 60.0
    }

    pub fn moving_minutes(&self) -> f64 {
        self.moving_seconds / 60.0
    }

    /// Minutes spent moving at `floor_spm` or faster, counted minute by minute (a minute
    /// counts with its moving seconds when its mean rate reaches the floor).
    pub fn minutes_at_or_above(&self, floor_spm: f64) -> f64 {
        self.minutes
            .iter()
            .filter(|minute| minute.moving_seconds > 0.0 && f64::from(minute.spm) >= floor_spm)
            .map(|minute| f64::from(minute.moving_seconds))
            .sum::<f64>()
            / 60.0
    }

    /// The natural step rate from an easy run: the median rate of the moving minutes,
    /// leaving out the first [`WARM_UP_MINUTES`] when the run is long enough to spare
    /// them (the first minutes are slower while the legs warm up). Returns the rate and
    /// the elapsed minutes used, as (first, last) with the first minute 0.
    pub fn natural_rate(&self) -> Option<(f64, usize, usize)> {
        let skip = if self.moving_minutes() >= 3.0 * WARM_UP_MINUTES as f64 {
            WARM_UP_MINUTES
        } else {
            0
        };
        let used: Vec<(f64, f64)> = self
            .minutes
            .iter()
            .skip(skip)
            .filter(|minute| minute.moving_seconds > 0.0)
            .map(|minute| (f64::from(minute.spm), f64::from(minute.moving_seconds)))
            .collect();
        if used.is_empty() {
            return None;
        }
        Some((
            weighted_median(used),
            skip,
            self.minutes.len().saturating_sub(1),
        ))
    }

    /// When the run ended, by the watch.
    pub fn ended_at(&self) -> OffsetDateTime {
        self.started_at + Duration::seconds_f64(self.elapsed_seconds)
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        check_text(
            "the source of a measurement",
            &self.source,
            Self::MAX_SOURCE_CHARS,
        )?;
        check_timestamp("the start of a measured run", self.started_at)?;
        let max = Self::MAX_SECONDS;
        check_f64("the measured time (s)", self.elapsed_seconds, 0.0, max)?;
        check_f64("the moving time (s)", self.moving_seconds, 0.0, max)?;
        check_f64(
            "the measured mean rate (spm)",
            self.mean_spm,
            0.0,
            MAX_PLAUSIBLE_SPM,
        )?;
        check_f64(
            "the measured median rate (spm)",
            self.median_spm,
            0.0,
            MAX_PLAUSIBLE_SPM,
        )?;
        check_int("the measured steps", self.steps, 0, 500_000)?;
        if let Some(metres) = self.distance_m {
            check_f64(
                "the measured distance (m)",
                metres,
                0.0,
                Self::MAX_DISTANCE_M,
            )?;
        }
        if let Some(drift) = self.drift_spm {
            check_f64("the measured drift (spm)", drift, -300.0, 300.0)?;
        }
        check_len(
            "the measured minutes",
            self.minutes.len(),
            Self::MAX_MINUTES,
        )?;
        for minute in &self.minutes {
            check_f64(
                "a minute's moving time (s)",
                f64::from(minute.moving_seconds),
                0.0,
                60.0,
            )?;
            check_f64(
                "a minute's rate (spm)",
                f64::from(minute.spm),
                0.0,
                MAX_PLAUSIBLE_SPM,
            )?;
        }
        Ok(())
    }
}

/// The run's distance: the last distance reading less the first (watches write the
/// distance from the start), or without readings the speed summed over the time
/// between readings, pauses left out.
fn distance(samples: &[Sample]) -> Option<f64> {
    let readings: Vec<f64> = samples
        .iter()
        .filter_map(|sample| sample.distance_m)
        .filter(|metres| metres.is_finite() && *metres >= 0.0)
        .collect();
    let metres = if let (Some(first), Some(last)) = (readings.first(), readings.last())
        && readings.len() >= 2
    {
        last - first
    } else {
        samples
            .windows(2)
            .filter_map(|pair| {
                let seconds = pair[1].seconds - pair[0].seconds;
                let speed = pair[0].speed_mps.filter(|v| v.is_finite() && *v >= 0.0)?;
                (seconds > 0.0 && seconds <= MAX_READING_GAP_SECONDS).then_some(speed * seconds)
            })
            .sum()
    };
    (metres > 0.0).then_some(metres.min(Measurement::MAX_DISTANCE_M))
}

/// A reading's cadence if it is a number a foot could make.
fn cadence_of(sample: &Sample) -> Option<f64> {
    sample
        .spm
        .filter(|spm| spm.is_finite() && (0.0..=MAX_PLAUSIBLE_SPM).contains(spm))
}

/// The time from one reading to the next, with what the runner was doing.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: f64,
    seconds: f64,
    spm: f64,
    moving: bool,
}

/// Each reading holds until the next one. The last reading lasts as long as the usual
/// gap between readings. Out-of-order or non-finite times are dropped.
fn spans(samples: &[Sample]) -> Vec<Span> {
    let mut timed: Vec<&Sample> = Vec::with_capacity(samples.len());
    for sample in samples {
        let in_order = timed
            .last()
            .is_none_or(|last| sample.seconds > last.seconds);
        if sample.seconds.is_finite() && in_order {
            timed.push(sample);
        }
    }
    let mut gaps: Vec<f64> = timed
        .windows(2)
        .map(|pair| pair[1].seconds - pair[0].seconds)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let usual_gap = gaps
        .get(gaps.len() / 2)
        .copied()
        .unwrap_or(1.0)
        .min(MAX_READING_GAP_SECONDS);
    let mut out = Vec::with_capacity(timed.len());
    for (index, sample) in timed.iter().enumerate() {
        let gap = timed
            .get(index + 1)
            .map_or(usual_gap, |next| next.seconds - sample.seconds);
        let spm = cadence_of(sample).unwrap_or(0.0);
        let standing = sample
            .speed_mps
            .is_some_and(|speed| speed.is_finite() && speed < STANDING_MPS);
        out.push(Span {
            start: sample.seconds,
            seconds: gap,
            spm,
            moving: spm > 0.0 && !standing && gap <= MAX_READING_GAP_SECONDS,
        });
    }
    out
}

/// The rate below which half of the weight lies; `rates` are (spm, seconds).
fn weighted_median(mut rates: Vec<(f64, f64)>) -> f64 {
    rates.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = rates.iter().map(|r| r.1).sum();
    let mut below = 0.0;
    for &(spm, seconds) in &rates {
        below += seconds;
        if below >= total / 2.0 {
            return spm;
        }
    }
    rates.last().map_or(0.0, |r| r.0)
}

/// Median of the last third of the moving time minus that of the first.
fn drift(rates: &[(f64, f64)], moving_seconds: f64) -> Option<f64> {
    if moving_seconds < MIN_DRIFT_MOVING_SECONDS {
        return None;
    }
    let third = moving_seconds / 3.0;
    let (mut first, mut last) = (Vec::new(), Vec::new());
    let mut before = 0.0;
    for &(spm, seconds) in rates {
        if before < third {
            first.push((spm, seconds));
        } else if before + seconds > 2.0 * third {
            last.push((spm, seconds));
        }
        before += seconds;
    }
    Some(weighted_median(last) - weighted_median(first))
}

/// Minute by minute from `first`: moving seconds and their mean rate. A span that
/// crosses a minute boundary is split between the minutes.
fn per_minute(spans: &[Span], first: f64) -> Vec<MinuteRate> {
    let mut totals: Vec<(f64, f64)> = Vec::new();
    for span in spans.iter().filter(|span| span.moving) {
        let mut at = span.start - first;
        let end = at + span.seconds;
        while at < end {
            let index = (at / 60.0).floor() as usize;
            if index >= Measurement::MAX_MINUTES {
                break;
            }
            let piece = end.min((index + 1) as f64 * 60.0) - at;
            if totals.len() <= index {
                totals.resize(index + 1, (0.0, 0.0));
            }
            totals[index].0 += piece;
            totals[index].1 += piece * span.spm;
            at += piece;
        }
    }
    totals
        .into_iter()
        .map(|(seconds, weighted)| MinuteRate {
            moving_seconds: seconds.min(60.0) as f32,
            spm: if seconds > 0.0 {
                (weighted / seconds) as f32
            } else {
                0.0
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn at(seconds: f64, spm: f64) -> Sample {
        Sample {
            seconds,
            spm: Some(spm),
            speed_mps: Some(3.0),
            ..Sample::default()
        }
    }

    fn measure(samples: &[Sample]) -> Measurement {
        Measurement::from_samples("test".into(), datetime!(2026-11-24 06:30 UTC), samples).unwrap()
    }

    /// Every second for `minutes`, at `spm(second)`.
    fn run(minutes: usize, spm: impl Fn(usize) -> f64) -> Vec<Sample> {
        (0..minutes * 60).map(|s| at(s as f64, spm(s))).collect()
    }

    #[test]
    fn a_steady_run_measures_its_rate() {
        let m = measure(&run(30, |_| 168.0));
        assert_eq!(m.elapsed_seconds, 1_800.0);
        assert_eq!(m.moving_seconds, 1_800.0);
        assert_eq!(m.mean_spm, 168.0);
        assert_eq!(m.median_spm, 168.0);
        assert_eq!(m.steps, 5_040);
        assert_eq!(m.drift_spm, Some(0.0));
        assert_eq!(m.minutes.len(), 30);
        assert_eq!(m.minutes_at_or_above(165.0), 30.0);
        assert_eq!(m.minutes_at_or_above(169.0), 0.0);
        assert!(m.validate().is_ok());
    }

    #[test]
    fn the_distance_comes_from_the_readings_else_from_the_speed() {
        // 3 m/s for 30 min, readings every second: 5.4 km from the speed alone.
        let by_speed = measure(&run(30, |_| 168.0));
        let metres = by_speed.distance_m.unwrap();
        assert!((metres - 5_397.0).abs() < 1e-6, "{metres}");
        // Distance readings win, from the first to the last.
        let with_readings: Vec<Sample> = run(30, |_| 168.0)
            .into_iter()
            .map(|sample| Sample {
                distance_m: Some(100.0 + 2.5 * sample.seconds),
                ..sample
            })
            .collect();
        let read = measure(&with_readings).distance_m.unwrap();
        assert!((read - 2.5 * 1_799.0).abs() < 1e-6, "{read}");
        // A pause of the watch adds nothing.
        let mut paused = run(10, |_| 168.0);
        paused.extend(run(10, |_| 168.0).into_iter().map(|sample| Sample {
            seconds: sample.seconds + 900.0,
            ..sample
        }));
        let gapped = measure(&paused).distance_m.unwrap();
        assert!((gapped - 3.0 * 1_198.0).abs() < 1e-6, "{gapped}");
        // Neither: none.
        let bare: Vec<Sample> = run(5, |_| 168.0)
            .into_iter()
            .map(|sample| Sample {
                speed_mps: None,
                ..sample
            })
            .collect();
        assert_eq!(measure(&bare).distance_m, None);
    }

    #[test]
    fn stops_are_left_out_of_moving_time() {
        // 10 min running, 2 min at zero cadence, 10 min running, a 5-minute pause
        // (no readings), 8 min running.
        let mut samples = run(10, |_| 170.0);
        samples.extend((600..720).map(|s| at(s as f64, 0.0)));
        samples.extend((720..1_320).map(|s| at(s as f64, 170.0)));
        // Standing with the watch still reading a cadence: speed 0.
        samples.extend((1_320..1_380).map(|s| Sample {
            speed_mps: Some(0.0),
            ..at(s as f64, 90.0)
        }));
        samples.extend((1_680..2_160).map(|s| at(s as f64, 170.0)));
        let m = measure(&samples);
        assert_eq!(m.elapsed_seconds, 2_160.0);
        // The reading before the pause is not stretched over it.
        assert_eq!(m.moving_seconds, 28.0 * 60.0);
        assert_eq!(m.mean_spm, 170.0);
        assert_eq!(m.minutes[10].moving_seconds, 0.0);
        assert_eq!(m.minutes_at_or_above(167.0), 28.0);
    }

    #[test]
    fn median_mean_drift_and_minutes_at_target_follow_the_rate() {
        // 10 min at 170, 10 at 166, 10 at 160: drifting back to the old rhythm.
        let m = measure(&run(30, |s| match s / 600 {
            0 => 170.0,
            1 => 166.0,
            _ => 160.0,
        }));
        assert!((m.mean_spm - 165.333).abs() < 0.01, "{}", m.mean_spm);
        assert_eq!(m.median_spm, 166.0);
        assert_eq!(m.drift_spm, Some(-10.0));
        assert_eq!(m.minutes_at_or_above(165.0), 20.0);
        assert_eq!(m.minutes[0].spm, 170.0);
        assert_eq!(m.minutes[29].spm, 160.0);
    }

    #[test]
    fn sparse_readings_fill_the_time_between_them() {
        // Smart recording: a reading every 4 s; the last lasts the usual 4 s.
        let samples: Vec<Sample> = (0..150).map(|i| at(f64::from(i) * 4.0, 164.0)).collect();
        let m = measure(&samples);
        assert_eq!(m.elapsed_seconds, 600.0);
        assert_eq!(m.moving_seconds, 600.0);
        assert_eq!(m.minutes.len(), 10);
        assert_eq!(m.minutes[3].moving_seconds, 60.0);
    }

    #[test]
    fn runs_without_cadence_or_movement_are_refused() {
        let none: Vec<Sample> = (0..60)
            .map(|s| Sample {
                seconds: f64::from(s),
                speed_mps: Some(3.0),
                ..Sample::default()
            })
            .collect();
        let start = datetime!(2026-11-24 06:30 UTC);
        assert_eq!(
            Measurement::from_samples("x".into(), start, &none),
            Err(MeasureError::NoCadence)
        );
        let still = run(1, |_| 0.0);
        assert_eq!(
            Measurement::from_samples("x".into(), start, &still),
            Err(MeasureError::NeverMoving)
        );
        assert!(MeasureError::NoCadence.to_string().contains("footpod"));
    }

    #[test]
    fn noise_and_disorder_do_not_break_the_summary() {
        let mut samples = run(5, |_| 166.0);
        samples.insert(30, at(10.0, 166.0)); // back in time: dropped
        samples[100].spm = Some(f64::NAN);
        samples[101].spm = Some(1_000.0);
        samples.push(at(f64::INFINITY, 166.0));
        let m = measure(&samples);
        assert_eq!(m.mean_spm, 166.0);
        assert_eq!(m.moving_seconds, 298.0);
        assert!(m.validate().is_ok());
    }

    #[test]
    fn the_start_is_the_first_reading_in_utc() {
        let samples: Vec<Sample> = (5..65).map(|s| at(f64::from(s), 170.0)).collect();
        let start = datetime!(2026-11-24 07:30 +01:00);
        let m = Measurement::from_samples("x".into(), start, &samples).unwrap();
        assert_eq!(m.started_at, datetime!(2026-11-24 06:30:05 UTC));
        assert_eq!(m.ended_at(), datetime!(2026-11-24 06:31:05 UTC));
        assert_eq!(m.minutes.len(), 1);
    }

    #[test]
    fn the_natural_rate_leaves_out_the_warm_up() {
        // 5 minutes warming up at 150, then 20 at 164.
        let m = measure(&run(25, |s| if s < 300 { 150.0 } else { 164.0 }));
        assert_eq!(m.natural_rate(), Some((164.0, 5, 24)));
        // A short run keeps every minute.
        let m = measure(&run(10, |s| if s < 240 { 150.0 } else { 164.0 }));
        assert_eq!(m.natural_rate(), Some((164.0, 0, 9)));
    }

    #[test]
    fn validate_refuses_bad_fields() {
        let good = measure(&run(3, |_| 170.0));
        let mut bad = good.clone();
        bad.mean_spm = f64::NAN;
        assert!(bad.validate().is_err());
        let mut bad = good.clone();
        bad.minutes = vec![good.minutes[0]; 1_000];
        assert!(bad.validate().is_err());
        let mut bad = good;
        bad.source = "s".repeat(101);
        assert!(bad.validate().is_err());
    }
}

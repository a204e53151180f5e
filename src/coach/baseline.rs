//! The runner's natural step rate, measured before any coaching.
//!
//! The guidance: run at an easy pace, count right-foot strikes for one minute and double
//! the count. The app also accepts both feet counted, taps on each right-foot strike, or
//! a typed number.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::calendar::{self, check_date, iso_date};
use super::error::{CoachError, check_int};
use super::target::{Increase, Target};
use super::thresholds::Thresholds;

const HOW_TO_COUNT: &str = "Run at an easy pace, count your right foot's strikes for one full \
                            minute and double the count (or count both feet as they are).";
const HOW_TO_TAP: &str = "Tap once on every right-foot strike, for about a minute, while \
                          running at an easy pace.";
const HOW_TO_TYPE: &str = "If you are unsure, count your right foot's strikes for one full \
                           minute and double the count.";

/// Which feet were counted during the minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CountedFeet {
    /// Right-foot strikes only: the count is doubled.
    RightFoot,
    /// Every step: the count is the step rate.
    BothFeet,
}

/// How the natural rate was obtained; kept so the app can show it and re-check it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BaselineMethod {
    /// Strikes counted over one minute.
    CountedMinute { feet: CountedFeet, count: u16 },
    /// Taps on right-foot strikes: how many, and the time between two right-foot
    /// strikes they give, in seconds.
    Taps { taps: u16, interval_seconds: f64 },
    /// Typed by the runner (for example from a watch).
    Typed,
}

/// The natural step rate, in whole steps per minute (counting is not finer than that).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Steps per minute, both feet, from 120 to 220.
    pub spm: u16,
    pub method: BaselineMethod,
    /// The day it was measured, if known ("2025-04-07" in files).
    #[serde(with = "iso_date::option", default)]
    pub measured_on: Option<Date>,
}

/// Something to tell the runner about their natural rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Advisory {
    /// The natural rate is already high: little room to raise it.
    HighNaturalRate { spm: u16 },
}

impl Advisory {
    /// The increase to choose instead of the default.
    pub fn suggested_increase(&self) -> Increase {
        match self {
            Advisory::HighNaturalRate { .. } => Increase::FIVE,
        }
    }
}

impl fmt::Display for Advisory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Advisory::HighNaturalRate { spm } => {
                let suggested = Target::from_spm(spm, self.suggested_increase());
                write!(
                    f,
                    "Your natural step rate of {spm} spm is already high, so there is little \
                     room to raise it: start at the low end, {suggested}."
                )
            }
        }
    }
}

impl Baseline {
    /// Fewest taps accepted: enough gaps for the median to outvote a slip.
    pub const MIN_TAPS: usize = 12;
    /// Most taps accepted: two minutes at the fastest plausible rate, with slips.
    pub const MAX_TAPS: usize = 400;

    /// From strikes counted over one minute.
    pub fn from_counted_minute(count: u32, feet: CountedFeet) -> Result<Self, CoachError> {
        let spm = match feet {
            CountedFeet::RightFoot => f64::from(count) * 2.0,
            CountedFeet::BothFeet => f64::from(count),
        };
        let spm = plausible(spm, HOW_TO_COUNT)?;
        Ok(Self {
            spm,
            method: BaselineMethod::CountedMinute {
                feet,
                // A plausible rate keeps the count far below u16::MAX.
                count: u16::try_from(count).unwrap_or(u16::MAX),
            },
            measured_on: None,
        })
    }

    /// From the times (in seconds) of taps on each right-foot strike over about a minute.
    ///
    /// Each gap between right-foot taps is two steps. The median gap tells how many
    /// strikes each gap spans, so one missed tap (a gap twice as long) or one doubled tap
    /// (two short gaps) among dozens does not move the result.
    pub fn from_right_foot_taps(taps: &[f64]) -> Result<Self, CoachError> {
        if taps.len() < Self::MIN_TAPS {
            return Err(CoachError::NotEnoughTaps {
                taps: taps.len(),
                needed: Self::MIN_TAPS,
            });
        }
        if taps.len() > Self::MAX_TAPS {
            return Err(CoachError::TooManyTaps {
                taps: taps.len(),
                max: Self::MAX_TAPS,
            });
        }
        let mut previous = f64::NEG_INFINITY;
        for (index, &seconds) in taps.iter().enumerate() {
            if !seconds.is_finite() || seconds < previous {
                return Err(CoachError::TapsOutOfOrder {
                    index: index + 1,
                    seconds,
                });
            }
            previous = seconds;
        }
        let gaps: Vec<f64> = taps.windows(2).map(|pair| pair[1] - pair[0]).collect();
        let mut sorted = gaps.clone();
        sorted.sort_by(f64::total_cmp);
        let middle = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            sorted[middle]
        } else {
            (sorted[middle - 1] + sorted[middle]) / 2.0
        };
        // Most gaps must be near the median, or there is no one rate to report.
        let steady = gaps
            .iter()
            .filter(|&&gap| (gap - median).abs() <= 0.25 * median)
            .count();
        if median <= 0.0 || steady * 2 < gaps.len() {
            return Err(CoachError::TapsTooUneven {
                steady,
                intervals: gaps.len(),
            });
        }
        // The median only says how many strikes each gap spans (a missed tap's gap spans
        // two, a doubled tap's pieces none and one); the rate then comes from the whole
        // span, so the thumb's jitter on each tap averages out instead of biasing it.
        let strikes: f64 = gaps.iter().map(|gap| (gap / median).round()).sum();
        let span = taps[taps.len() - 1] - taps[0];
        let interval = span / strikes;
        let spm = plausible(2.0 * 60.0 / interval, HOW_TO_TAP)?;
        Ok(Self {
            spm,
            method: BaselineMethod::Taps {
                taps: u16::try_from(taps.len()).unwrap_or(u16::MAX),
                interval_seconds: interval,
            },
            measured_on: None,
        })
    }

    /// From a number the runner typed; rounded to a whole step rate.
    pub fn typed(spm: f64) -> Result<Self, CoachError> {
        Ok(Self {
            spm: plausible(spm, HOW_TO_TYPE)?,
            method: BaselineMethod::Typed,
            measured_on: None,
        })
    }

    /// The same baseline, noted as measured on `date`.
    pub fn measured_on(self, date: Date) -> Self {
        Self {
            measured_on: Some(date),
            ..self
        }
    }

    /// Advice about this natural rate, if any.
    pub fn advisory(&self) -> Option<Advisory> {
        (f64::from(self.spm) > Thresholds::GUIDANCE.high_natural_spm)
            .then_some(Advisory::HighNaturalRate { spm: self.spm })
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        let limits = Thresholds::GUIDANCE;
        check_int(
            "the natural step rate (spm)",
            f64::from(self.spm),
            limits.min_running_spm,
            limits.max_running_spm,
        )?;
        let consistent = match self.method {
            BaselineMethod::CountedMinute { feet, count } => {
                let doubled = match feet {
                    CountedFeet::RightFoot => u32::from(count) * 2,
                    CountedFeet::BothFeet => u32::from(count),
                };
                doubled == u32::from(self.spm)
            }
            BaselineMethod::Taps {
                taps,
                interval_seconds,
            } => {
                check_int(
                    "the number of taps",
                    usize::from(taps),
                    Self::MIN_TAPS,
                    Self::MAX_TAPS,
                )?;
                interval_seconds.is_finite()
                    && interval_seconds > 0.0
                    && (120.0 / interval_seconds - f64::from(self.spm)).abs() <= 0.5
            }
            BaselineMethod::Typed => true,
        };
        if !consistent {
            return Err(CoachError::Inconsistent(format!(
                "the natural step rate of {} spm does not match how it was measured; \
                 measure it again",
                self.spm
            )));
        }
        if let Some(date) = self.measured_on {
            check_date("the day the natural step rate was measured", date)?;
        }
        Ok(())
    }
}

impl fmt::Display for Baseline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} spm", self.spm)?;
        match self.method {
            BaselineMethod::CountedMinute {
                feet: CountedFeet::RightFoot,
                count,
            } => write!(f, " ({count} right-foot strikes in a minute, doubled)")?,
            BaselineMethod::CountedMinute {
                feet: CountedFeet::BothFeet,
                count,
            } => write!(f, " ({count} steps counted in a minute)")?,
            BaselineMethod::Taps { taps, .. } => write!(f, " (from {taps} taps)")?,
            BaselineMethod::Typed => {}
        }
        if let Some(date) = self.measured_on {
            write!(f, ", measured {}", calendar::long(date))?;
        }
        Ok(())
    }
}

/// The rate rounded to whole spm, or an error explaining the plausible range.
fn plausible(spm: f64, how_to_measure: &'static str) -> Result<u16, CoachError> {
    let limits = Thresholds::GUIDANCE;
    if !spm.is_finite() || spm < limits.min_running_spm || spm > limits.max_running_spm {
        return Err(CoachError::ImplausibleCadence {
            spm: (spm * 10.0).round() / 10.0,
            min: limits.min_running_spm,
            max: limits.max_running_spm,
            how_to_measure,
        });
    }
    // In range, so the cast cannot truncate.
    Ok(spm.round() as u16)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    /// Right-foot taps for `spm` over about a minute, with a small fixed jitter as a
    /// person's thumb has.
    fn taps(spm: f64, count: usize) -> Vec<f64> {
        let gap = 120.0 / spm;
        (0..count)
            .map(|i| 3.0 + i as f64 * gap + [0.0, 0.02, -0.015, 0.01][i % 4])
            .collect()
    }

    #[test]
    fn counted_minute_doubles_the_right_foot() {
        let right = Baseline::from_counted_minute(80, CountedFeet::RightFoot).unwrap();
        assert_eq!(right.spm, 160);
        let both = Baseline::from_counted_minute(163, CountedFeet::BothFeet).unwrap();
        assert_eq!(both.spm, 163);
        assert!(right.validate().is_ok() && both.validate().is_ok());
        assert_eq!(
            right.to_string(),
            "160 spm (80 right-foot strikes in a minute, doubled)"
        );
    }

    #[test]
    fn implausible_counts_explain_how_to_measure() {
        // Both feet counted but reported as right foot: doubled to 320.
        let error = Baseline::from_counted_minute(160, CountedFeet::RightFoot).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("320 steps per minute"), "{text}");
        assert!(text.contains("120-220"), "{text}");
        assert!(text.contains("double the count"), "{text}");
        assert!(Baseline::from_counted_minute(59, CountedFeet::RightFoot).is_err());
        assert!(Baseline::typed(f64::NAN).is_err());
        // The typed number is checked before rounding.
        assert!(Baseline::typed(220.0).is_ok());
        assert!(Baseline::typed(220.4).is_err());
        assert_eq!(Baseline::typed(171.6).unwrap().spm, 172);
    }

    #[test]
    fn taps_give_the_rate_from_the_median_gap() {
        let baseline = Baseline::from_right_foot_taps(&taps(160.0, 81)).unwrap();
        assert_eq!(baseline.spm, 160);
        assert!(baseline.validate().is_ok());
    }

    #[test]
    fn taps_survive_one_missed_and_one_doubled_tap() {
        let mut recorded = taps(160.0, 81);
        recorded.remove(30); // missed: one gap of 1.5 s
        let doubled = recorded[50] + 0.06; // bounced: two short gaps
        recorded.insert(51, doubled);
        assert_eq!(Baseline::from_right_foot_taps(&recorded).unwrap().spm, 160);

        let mut only_missed = taps(172.0, 60);
        only_missed.remove(10);
        assert_eq!(
            Baseline::from_right_foot_taps(&only_missed).unwrap().spm,
            172
        );
        // Two misses and a bounce, at a rate that is not a whole number of taps a second.
        let mut messy = taps(163.0, 90);
        messy.remove(70);
        messy.remove(12);
        messy.insert(40, messy[39] + 0.2);
        assert_eq!(Baseline::from_right_foot_taps(&messy).unwrap().spm, 163);
        let mut only_doubled = taps(150.0, 60);
        only_doubled.insert(20, only_doubled[19] + 0.1);
        assert_eq!(
            Baseline::from_right_foot_taps(&only_doubled).unwrap().spm,
            150
        );
    }

    #[test]
    fn bad_tap_recordings_are_refused_with_a_reason() {
        assert_eq!(
            Baseline::from_right_foot_taps(&taps(160.0, 5)),
            Err(CoachError::NotEnoughTaps {
                taps: 5,
                needed: 12
            })
        );
        let mut backwards = taps(160.0, 20);
        backwards.swap(3, 4);
        assert!(matches!(
            Baseline::from_right_foot_taps(&backwards),
            Err(CoachError::TapsOutOfOrder { index: 5, .. })
        ));
        let mut infinite = taps(160.0, 20);
        infinite[7] = f64::INFINITY;
        assert!(Baseline::from_right_foot_taps(&infinite).is_err());
        // Every foot tapped instead of the right one: 320 spm.
        let error = Baseline::from_right_foot_taps(&taps(320.0, 100)).unwrap_err();
        assert!(error.to_string().contains("right-foot strike"), "{error}");
        // Random gaps: no one rate.
        let scattered: Vec<f64> = (0..30).map(|i| f64::from(i * i) * 0.05).collect();
        assert!(matches!(
            Baseline::from_right_foot_taps(&scattered),
            Err(CoachError::TapsTooUneven { .. })
        ));
        assert!(Baseline::from_right_foot_taps(&[0.0; 20]).is_err());
        assert!(Baseline::from_right_foot_taps(&vec![0.0; 1000]).is_err());
    }

    #[test]
    fn high_natural_rates_get_advice_for_the_low_end() {
        assert_eq!(Baseline::typed(170.0).unwrap().advisory(), None);
        let advisory = Baseline::typed(176.0).unwrap().advisory().unwrap();
        assert_eq!(advisory.suggested_increase(), Increase::FIVE);
        assert_eq!(
            advisory.to_string(),
            "Your natural step rate of 176 spm is already high, so there is little room to \
             raise it: start at the low end, 185 spm (+5%)."
        );
    }

    #[test]
    fn validate_catches_edited_files() {
        let mut baseline = Baseline::typed(160.0)
            .unwrap()
            .measured_on(date!(2025 - 04 - 07));
        assert!(baseline.validate().is_ok());
        baseline.spm = 300;
        assert!(baseline.validate().is_err());
        let mut mismatch = Baseline::from_counted_minute(80, CountedFeet::RightFoot).unwrap();
        mismatch.spm = 170;
        assert!(matches!(
            mismatch.validate(),
            Err(CoachError::Inconsistent(_))
        ));
        let far_future = Baseline::typed(160.0)
            .unwrap()
            .measured_on(date!(9999 - 01 - 01));
        assert!(far_future.validate().is_err());
    }
}

//! The step rate to aim for: the natural rate raised by a percentage.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::error::{CoachError, check_f64, check_int};
use super::thresholds::Thresholds;

/// How much to raise the natural step rate, in percent: 5 to 10, as the guidance says.
///
/// Stored in files as a plain number (`7.5`) and checked again when loaded.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Increase(f64);

impl Increase {
    pub const FIVE: Increase = Increase(5.0);
    pub const SEVEN_AND_A_HALF: Increase = Increase(7.5);
    pub const TEN: Increase = Increase(10.0);

    /// Any percentage from 5 to 10.
    pub fn new(percent: f64) -> Result<Self, CoachError> {
        let limits = Thresholds::GUIDANCE;
        if percent.is_finite()
            && (limits.min_increase_percent..=limits.max_increase_percent).contains(&percent)
        {
            Ok(Increase(percent))
        } else {
            Err(CoachError::IncreaseOutOfRange { percent })
        }
    }

    pub fn percent(self) -> f64 {
        self.0
    }

    /// Checks the value, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        Increase::new(self.0).map(|_| ())
    }
}

impl TryFrom<f64> for Increase {
    type Error = CoachError;

    fn try_from(percent: f64) -> Result<Self, Self::Error> {
        Increase::new(percent)
    }
}

impl From<Increase> for f64 {
    fn from(increase: Increase) -> f64 {
        increase.0
    }
}

impl fmt::Display for Increase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}%", percent_text(self.0))
    }
}

/// A step rate to reach, with the percentage above the natural rate it stands for.
///
/// `spm` is always `baseline_spm x (1 + percent / 100)` rounded to a whole step rate, so
/// the display can show the percentage the runner chose rather than a rounded ratio.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The natural step rate this target is based on, in spm.
    pub baseline_spm: u16,
    /// Percent above the natural rate: 0 (the natural rate itself) to 10.
    pub percent: f64,
    /// The rate to play, in whole spm.
    pub spm: u16,
}

impl Target {
    /// The natural rate raised by `increase`.
    pub fn new(baseline: &Baseline, increase: Increase) -> Self {
        Self::from_spm(baseline.spm, increase)
    }

    /// A natural rate given in spm raised by `increase`.
    pub fn from_spm(baseline_spm: u16, increase: Increase) -> Self {
        Self::part_way(baseline_spm, increase.percent())
    }

    /// The natural rate itself: where a runner steps back to from the first step.
    pub fn natural(baseline_spm: u16) -> Self {
        Self::part_way(baseline_spm, 0.0)
    }

    /// A rung of a plan's ladder: `percent` may be anything from 0 to the final increase.
    pub(crate) fn part_way(baseline_spm: u16, percent: f64) -> Self {
        Self {
            baseline_spm,
            percent,
            spm: rounded_spm(baseline_spm, percent),
        }
    }

    /// The rate as the engine takes it.
    pub fn spm_f64(&self) -> f64 {
        f64::from(self.spm)
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        let limits = Thresholds::GUIDANCE;
        check_int(
            "the natural step rate of a target (spm)",
            f64::from(self.baseline_spm),
            limits.min_running_spm,
            limits.max_running_spm,
        )?;
        check_f64(
            "the increase of a target (%)",
            self.percent,
            0.0,
            limits.max_increase_percent,
        )?;
        let expected = rounded_spm(self.baseline_spm, self.percent);
        if self.spm != expected {
            return Err(CoachError::Inconsistent(format!(
                "a target of {} spm does not match {} spm {}: it should be {expected} spm; \
                 the plan file may have been edited by hand",
                self.spm,
                self.baseline_spm,
                Signed(self.percent),
            )));
        }
        Ok(())
    }
}

impl fmt::Display for Target {
    /// "168 spm (+5%)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} spm ({})", self.spm, Signed(self.percent))
    }
}

/// "+5%", "+7.5%", "+0%".
struct Signed(f64);

impl fmt::Display for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}%", percent_text(self.0))
    }
}

/// A percentage to at most one decimal, without a trailing ".0".
pub(crate) fn percent_text(percent: f64) -> String {
    let tenths = (percent * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

fn rounded_spm(baseline_spm: u16, percent: f64) -> u16 {
    let spm = (f64::from(baseline_spm) * (1.0 + percent / 100.0)).round();
    // Saturating cast: validation reports values out of range, this only must not panic.
    spm as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increases_are_five_to_ten_percent() {
        for percent in [5.0, 6.0, 7.5, 10.0] {
            assert_eq!(Increase::new(percent).map(Increase::percent), Ok(percent));
        }
        for percent in [4.9, 10.1, 0.0, -5.0, f64::NAN, f64::INFINITY] {
            let error = Increase::new(percent).unwrap_err();
            assert!(error.to_string().contains("5-10%"), "{error}");
        }
        assert_eq!(Increase::SEVEN_AND_A_HALF.to_string(), "+7.5%");
    }

    #[test]
    fn targets_round_to_whole_spm_and_show_the_percentage() {
        let baseline = Baseline::typed(160.0).unwrap();
        assert_eq!(
            Target::new(&baseline, Increase::FIVE).to_string(),
            "168 spm (+5%)"
        );
        assert_eq!(
            Target::new(&baseline, Increase::SEVEN_AND_A_HALF).to_string(),
            "172 spm (+7.5%)"
        );
        assert_eq!(Target::new(&baseline, Increase::TEN).spm, 176);
        // 165 x 1.05 = 173.25: rounded, and still shown as the +5% the runner chose.
        let target = Target::from_spm(165, Increase::FIVE);
        assert_eq!(target.to_string(), "173 spm (+5%)");
        assert_eq!(Target::natural(160).to_string(), "160 spm (+0%)");
        assert_eq!(
            Target::part_way(160, 10.0 / 3.0).to_string(),
            "165 spm (+3.3%)"
        );
    }

    #[test]
    fn loaded_increases_and_targets_are_checked() {
        assert!(ron::from_str::<Increase>("7.5").is_ok());
        let error = ron::from_str::<Increase>("25.0").unwrap_err();
        assert!(error.to_string().contains("5-10%"), "{error}");
        let mut target = Target::from_spm(160, Increase::TEN);
        assert!(target.validate().is_ok());
        target.spm = 200;
        assert!(matches!(
            target.validate(),
            Err(CoachError::Inconsistent(_))
        ));
        target.percent = f64::NAN;
        assert!(target.validate().is_err());
    }
}

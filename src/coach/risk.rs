//! The runner's own risk factors, and the one conservative policy the plan takes from
//! them.
//!
//! The guidance says risk is personal: "two runners with the same plan on paper can have
//! very different outcomes". It names the factors and their figures (quoted as the
//! guidance gives them, never combined into a score):
//!
//! * knee pain before (patellofemoral pain): 50-80% of runners have a recurrence;
//! * female sex: 2.23x more likely;
//! * early single-sport specialization: 150% greater risk;
//! * a recent change in other training: a workload spike "could be a new strength
//!   routine, too much downhill running, or even starting to bike to work every day".
//!
//! **The policy**: with one or more of these, each step of the plan is held for
//! [`Thresholds::risk_weeks_per_step`] weeks instead of one, so the same rate is run
//! for longer before the next rise. Nothing else changes and nothing is diagnosed.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::thresholds::Thresholds;

/// Sex, as the runner gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Female,
    Male,
    Other,
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
        })
    }
}

/// What the runner said about themselves; `None` is "not answered" (no risk assumed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RiskProfile {
    /// Patellofemoral (front of the knee) pain before the present episode.
    pub prior_knee_pain: Option<bool>,
    pub sex: Option<Sex>,
    /// Specialized early in a single sport.
    pub early_specialization: Option<bool>,
    /// Other training changed recently (a new strength routine, more downhill running,
    /// cycling to work).
    pub other_training_change: Option<bool>,
}

/// One factor the guidance names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiskFactor {
    PriorKneePain,
    Female,
    EarlySpecialization,
    OtherTrainingChange,
}

impl RiskFactor {
    /// Why it matters, with the guidance's figure: completes "each step gets longer
    /// because ...".
    pub fn why(self) -> &'static str {
        match self {
            RiskFactor::PriorKneePain => {
                "knee pain before makes a recurrence likely (50-80% of runners have one)"
            }
            RiskFactor::Female => "female runners are 2.23x more likely to have knee pain",
            RiskFactor::EarlySpecialization => {
                "early single-sport specialization comes with a 150% greater risk"
            }
            RiskFactor::OtherTrainingChange => {
                "a recent change in other training already adds load to the knee"
            }
        }
    }
}

impl RiskProfile {
    /// The factors that apply, in a fixed order.
    pub fn factors(&self) -> Vec<RiskFactor> {
        let mut factors = Vec::with_capacity(4);
        if self.prior_knee_pain == Some(true) {
            factors.push(RiskFactor::PriorKneePain);
        }
        if self.sex == Some(Sex::Female) {
            factors.push(RiskFactor::Female);
        }
        if self.early_specialization == Some(true) {
            factors.push(RiskFactor::EarlySpecialization);
        }
        if self.other_training_change == Some(true) {
            factors.push(RiskFactor::OtherTrainingChange);
        }
        factors
    }

    /// Plan weeks each step lasts: 1, or [`Thresholds::risk_weeks_per_step`] with any
    /// factor.
    pub fn weeks_per_step(&self) -> u8 {
        if self.factors().is_empty() {
            1
        } else {
            Thresholds::GUIDANCE.risk_weeks_per_step.max(1)
        }
    }

    /// Every question answered.
    pub fn is_complete(&self) -> bool {
        self.prior_knee_pain.is_some()
            && self.sex.is_some()
            && self.early_specialization.is_some()
            && self.other_training_change.is_some()
    }

    /// The reason a step is held for week `week_of_step` (2 or more) of its
    /// [`weeks_per_step`](Self::weeks_per_step), without the leading "Holding ... for a
    /// second week: ": "knee pain before makes a recurrence likely (...), so each step
    /// gets longer".
    pub fn longer_step_reason(&self) -> Option<String> {
        let factors = self.factors();
        let (first, rest) = factors.split_first()?;
        let mut why = first.why().to_string();
        if !rest.is_empty() {
            let others: Vec<&str> = rest.iter().map(|factor| factor.why()).collect();
            why = format!("{why}; also {}", others.join("; "));
        }
        Some(format!("{why}, so each step gets longer"))
    }

    /// "a second week", "a third week".
    pub fn week_ordinal(week_of_step: u8) -> String {
        const WORDS: [&str; 4] = ["first", "second", "third", "fourth"];
        let word = WORDS
            .get(usize::from(week_of_step.saturating_sub(1)))
            .map_or_else(|| format!("{week_of_step}th"), |w| (*w).to_string());
        format!("a {word} week")
    }

    /// The profile as lines, for `cadence-coach profile` and the window.
    pub fn describe(&self) -> Vec<String> {
        let yes_no = |answer: Option<bool>| match answer {
            Some(true) => "yes".to_string(),
            Some(false) => "no".to_string(),
            None => "not answered".to_string(),
        };
        let mut lines = vec![
            format!(
                "Knee pain before (patellofemoral): {}",
                yes_no(self.prior_knee_pain)
            ),
            format!(
                "Sex: {}",
                self.sex
                    .map_or_else(|| "not answered".to_string(), |s| s.to_string())
            ),
            format!(
                "Early single-sport specialization: {}",
                yes_no(self.early_specialization)
            ),
            format!(
                "Recent change in other training: {}",
                yes_no(self.other_training_change)
            ),
        ];
        lines.push(match self.longer_step_reason() {
            Some(reason) => format!(
                "Plan: each step is held for {} weeks instead of one: {reason}.",
                self.weeks_per_step()
            ),
            None => "Plan: each step lasts one week.".to_string(),
        });
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_factor_holds_each_step_for_two_weeks() {
        let none = RiskProfile::default();
        assert_eq!(none.weeks_per_step(), 1);
        assert_eq!(none.longer_step_reason(), None);
        let answered_no = RiskProfile {
            prior_knee_pain: Some(false),
            sex: Some(Sex::Male),
            early_specialization: Some(false),
            other_training_change: Some(false),
        };
        assert!(answered_no.is_complete());
        assert_eq!(answered_no.weeks_per_step(), 1);
        for risky in [
            RiskProfile {
                prior_knee_pain: Some(true),
                ..answered_no
            },
            RiskProfile {
                sex: Some(Sex::Female),
                ..answered_no
            },
            RiskProfile {
                early_specialization: Some(true),
                ..answered_no
            },
            RiskProfile {
                other_training_change: Some(true),
                ..answered_no
            },
        ] {
            assert_eq!(risky.weeks_per_step(), 2, "{risky:?}");
            assert_eq!(risky.factors().len(), 1);
        }
    }

    #[test]
    fn the_reason_quotes_the_figures_and_no_score() {
        let profile = RiskProfile {
            prior_knee_pain: Some(true),
            sex: Some(Sex::Female),
            ..RiskProfile::default()
        };
        let reason = profile.longer_step_reason().unwrap();
        assert!(reason.starts_with("knee pain before makes a recurrence likely (50-80%"));
        assert!(reason.contains("2.23x"));
        assert!(reason.ends_with("so each step gets longer"));
        assert_eq!(RiskProfile::week_ordinal(2), "a second week");
    }
}

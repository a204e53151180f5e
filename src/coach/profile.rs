//! The runner's profile: their natural rate, the increase they aim for, how the clicks
//! sound, and the clinician clearances that let a plan resume after swelling.
//!
//! Kept as `profile.ron` by the store. The command line and the app read the same file,
//! so a baseline counted in the terminal shows in the window and the other way round.

use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::error::{CoachError, check_f64, check_int, check_len, check_text};
use super::record::{Clearance, RunLog, SessionRecord};
use super::risk::RiskProfile;
use super::target::{Increase, Target};
use crate::engine::{Accent, SoundChoice};

/// How the clicks sound, wherever they are played.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SoundSettings {
    pub sound: SoundChoice,
    pub accent: Accent,
    /// 0 to 1.
    pub volume: f32,
}

impl SoundSettings {
    /// A sound file's path longer than this is not one the runner chose.
    pub const MAX_PATH_CHARS: usize = 4_096;

    pub fn validate(&self) -> Result<(), CoachError> {
        check_f64("the volume", f64::from(self.volume), 0.0, 1.0)?;
        if let Accent::Every(n) = self.accent {
            check_int("the accent (every N steps)", n, 2, Accent::MAX_EVERY)?;
        }
        if let SoundChoice::File(path) = &self.sound {
            let text = path.to_string_lossy();
            check_text("the sound file's path", &text, Self::MAX_PATH_CHARS)?;
            if text.trim().is_empty() {
                return Err(CoachError::Inconsistent(
                    "the sound file's path is empty".into(),
                ));
            }
        }
        Ok(())
    }
}

impl Default for SoundSettings {
    fn default() -> Self {
        Self {
            sound: SoundChoice::default(),
            accent: Accent::None,
            volume: 0.8,
        }
    }
}

/// Everything about the runner that is not a plan or a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// The natural step rate, once measured or typed.
    pub baseline: Option<Baseline>,
    /// The increase chosen with the baseline (5-10%).
    pub increase: Increase,
    pub sound: SoundSettings,
    /// A physiotherapist or sports physician cleared the knee after swelling.
    pub clearances: Vec<Clearance>,
    /// Prior knee pain, sex, early specialization, other training changes: see
    /// [`risk`](super::risk). Files from before it load with nothing answered.
    pub risk: RiskProfile,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            baseline: None,
            increase: Increase::FIVE,
            sound: SoundSettings::default(),
            clearances: Vec::new(),
            risk: RiskProfile::default(),
        }
    }
}

impl Profile {
    /// The rate to aim for, once there is a baseline.
    pub fn target(&self) -> Option<Target> {
        self.baseline
            .as_ref()
            .map(|baseline| Target::new(baseline, self.increase))
    }

    /// The log the progression rules read: the runs plus this profile's clearances.
    pub fn run_log(&self, records: Vec<SessionRecord>) -> RunLog {
        RunLog {
            records,
            clearances: self.clearances.clone(),
            risk: self.risk,
        }
    }

    /// Checks every field, as after loading from a file.
    pub fn validate(&self) -> Result<(), CoachError> {
        if let Some(baseline) = &self.baseline {
            baseline.validate()?;
        }
        self.increase.validate()?;
        self.sound.validate()?;
        check_len(
            "the list of clearances",
            self.clearances.len(),
            RunLog::MAX_CLEARANCES,
        )?;
        // The log's own check covers the dates and notes of clearances.
        self.run_log(Vec::new()).validate()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::coach::CountedFeet;

    #[test]
    fn the_target_follows_the_baseline_and_the_chosen_increase() {
        let mut profile = Profile::default();
        assert_eq!(profile.target(), None);
        profile.baseline = Some(Baseline::from_counted_minute(80, CountedFeet::RightFoot).unwrap());
        profile.increase = Increase::TEN;
        assert_eq!(profile.target().unwrap().spm, 176);
        assert!(profile.validate().is_ok());
    }

    #[test]
    fn every_field_is_checked() {
        let quiet = |volume| Profile {
            sound: SoundSettings {
                volume,
                ..SoundSettings::default()
            },
            ..Profile::default()
        };
        assert!(quiet(1.5).validate().is_err());
        assert!(quiet(f32::NAN).validate().is_err());
        assert!(quiet(0.0).validate().is_ok());

        let accented = Profile {
            sound: SoundSettings {
                accent: Accent::Every(40),
                ..SoundSettings::default()
            },
            ..Profile::default()
        };
        assert!(accented.validate().is_err());

        let mut cleared = Profile::default();
        cleared.clearances.push(Clearance {
            date: date!(2026 - 11 - 20),
            note: "x".repeat(5_000),
        });
        assert!(cleared.validate().is_err());
        cleared.clearances[0].note = "Physio: fine to run".into();
        assert!(cleared.validate().is_ok());
        assert_eq!(cleared.run_log(Vec::new()).clearances.len(), 1);
    }
}

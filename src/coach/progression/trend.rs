//! The weekly trend: each plan week's knee against the week before.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::coach::record::{Morning, SessionRecord};
use crate::coach::thresholds::Thresholds;

/// How a week's knee compares with the week before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    Better,
    Same,
    Worse,
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Trend::Better => "better",
            Trend::Same => "same",
            Trend::Worse => "worse",
        })
    }
}

/// The knee over one week of runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekSummary {
    pub runs: u8,
    /// Mean over the runs of the worse of pain during and after, 0-10.
    pub average_pain: f64,
    /// Mornings logged as worse than usual.
    pub worse_mornings: u8,
}

impl WeekSummary {
    /// `None` for a week without runs.
    pub fn of(runs: &[&SessionRecord]) -> Option<Self> {
        if runs.is_empty() {
            return None;
        }
        let total: u32 = runs.iter().map(|run| u32::from(run.pain.worst())).sum();
        let worse = runs
            .iter()
            .filter(|run| {
                run.morning
                    .is_some_and(|check| check.symptoms == Morning::Worse)
            })
            .count();
        Some(Self {
            runs: u8::try_from(runs.len()).unwrap_or(u8::MAX),
            average_pain: f64::from(total) / runs.len() as f64,
            worse_mornings: u8::try_from(worse).unwrap_or(u8::MAX),
        })
    }
}

/// One week against the week before: pain should ease week by week.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeeklyTrend {
    /// The plan week of `current`.
    pub week: u32,
    pub trend: Trend,
    pub previous: WeekSummary,
    pub current: WeekSummary,
}

impl WeeklyTrend {
    /// Average pain decides when it moved by at least
    /// [`Thresholds::trend_pain_points`]; otherwise the count of worse mornings does.
    pub fn between(week: u32, previous: WeekSummary, current: WeekSummary) -> Self {
        let change = current.average_pain - previous.average_pain;
        let points = Thresholds::GUIDANCE.trend_pain_points;
        let trend = if change <= -points {
            Trend::Better
        } else if change >= points {
            Trend::Worse
        } else {
            match current.worse_mornings.cmp(&previous.worse_mornings) {
                std::cmp::Ordering::Less => Trend::Better,
                std::cmp::Ordering::Equal => Trend::Same,
                std::cmp::Ordering::Greater => Trend::Worse,
            }
        };
        Self {
            week,
            trend,
            previous,
            current,
        }
    }
}

impl fmt::Display for WeeklyTrend {
    /// "Week 3 was better than week 2: average pain 1.3/10, against 3.0/10; 0 worse
    /// mornings, against 1."
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.trend {
            Trend::Better => "better than",
            Trend::Same => "about the same as",
            Trend::Worse => "worse than",
        };
        write!(
            f,
            "Week {} was {verdict} week {}: average pain {:.1}/10, against {:.1}/10; \
             {} worse mornings, against {}.",
            self.week,
            self.week.saturating_sub(1),
            self.current.average_pain,
            self.previous.average_pain,
            self.current.worse_mornings,
            self.previous.worse_mornings
        )
    }
}

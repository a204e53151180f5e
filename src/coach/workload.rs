//! Weekly running time and workload spikes.
//!
//! Weeks here are **ISO weeks** (Monday to Sunday, numbered as in "2026-W19"), not plan
//! weeks: a runner's training load does not care when a plan started, and runs outside
//! any plan count too. A run belongs to the week of its date in the runner's time zone
//! at the time. A week more than 10% above the week before is a workload spike; a week
//! after a week without running is not compared (there is nothing to be 10% above).
//!
//! Other training (strength, cycling, hiking, other sport) counts too, minute for minute
//! ([`Thresholds::other_activity_load_percent`]): a spike "could be a new strength
//! routine, too much downhill running, or even starting to bike to work every day".

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

use super::activity::Activity;
use super::calendar::{add_days, iso_date};
use super::record::SessionRecord;
use super::thresholds::Thresholds;

/// An ISO week: Monday to Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IsoWeek {
    pub year: i32,
    /// 1 to 53.
    pub week: u8,
}

impl IsoWeek {
    pub fn of(date: Date) -> Self {
        let (year, week, _) = date.to_iso_week_date();
        Self { year, week }
    }

    /// The week's Monday.
    pub fn monday(self) -> Option<Date> {
        Date::from_iso_week_date(self.year, self.week, Weekday::Monday).ok()
    }
}

impl fmt::Display for IsoWeek {
    /// "2026-W19".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// Running in one week.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeeklyLoad {
    pub week: IsoWeek,
    #[serde(with = "iso_date")]
    pub monday: Date,
    /// Minutes of clicks played (the engine's running time).
    pub minutes: f64,
    pub runs: u32,
    /// Minutes of other training (strength, cycling, hiking, other sport).
    #[serde(default)]
    pub other_minutes: f64,
}

impl WeeklyLoad {
    /// The week's workload in running minutes: runs plus other training at
    /// [`Thresholds::other_activity_load_percent`].
    pub fn load_minutes(&self) -> f64 {
        self.minutes + self.other_minutes * Thresholds::GUIDANCE.other_activity_load_percent / 100.0
    }
}

/// A week with more running than the week before allows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadWarning {
    pub week: IsoWeek,
    pub minutes: f64,
    pub previous_minutes: f64,
    /// How far above the week before, in percent.
    pub percent_above: f64,
    /// Of `minutes`, the minutes of other training (strength, cycling, ...).
    #[serde(default)]
    pub other_minutes: f64,
}

impl fmt::Display for WorkloadWarning {
    /// "Week 2026-W20: 105 min of running is 31% more than the 80 min of the week
    /// before; keep each week within 10% of the one before."
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.other_minutes > 0.0 {
            return write!(
                f,
                "Week {}: {:.0} min of running and other training ({:.0} min of it not \
                 running) is {:.0}% more than the {:.0} min of the week before; keep each \
                 week within {}% of the one before, counting everything.",
                self.week,
                self.minutes,
                self.other_minutes,
                self.percent_above,
                self.previous_minutes,
                Thresholds::GUIDANCE.workload_spike_percent
            );
        }
        write!(
            f,
            "Week {}: {:.0} min of running is {:.0}% more than the {:.0} min of the week \
             before; keep each week within {}% of the one before.",
            self.week,
            self.minutes,
            self.percent_above,
            self.previous_minutes,
            Thresholds::GUIDANCE.workload_spike_percent
        )
    }
}

/// Most weeks returned: ten years.
pub const MAX_WEEKS: usize = 520;

/// Minutes run in each ISO week, from the week of the first run to the week of the last
/// (weeks without running included, with 0 minutes), at most the last [`MAX_WEEKS`].
pub fn weekly_loads(records: &[SessionRecord]) -> Vec<WeeklyLoad> {
    weekly_loads_with(records, &[])
}

/// [`weekly_loads`] with other training counted in each week's `other_minutes`.
pub fn weekly_loads_with(records: &[SessionRecord], activities: &[Activity]) -> Vec<WeeklyLoad> {
    let dates = || {
        records
            .iter()
            .map(SessionRecord::date)
            .chain(activities.iter().map(|a| a.date))
    };
    let Some(last) = dates().max() else {
        return Vec::new();
    };
    let first = dates()
        .min()
        .unwrap_or(last)
        .max(add_days(last, -7 * (MAX_WEEKS as i64 - 1)));
    let first_monday = add_days(first, -i64::from(first.weekday().number_days_from_monday()));
    let mut loads = Vec::new();
    let mut monday = first_monday;
    while monday <= last && loads.len() < MAX_WEEKS {
        loads.push(WeeklyLoad {
            week: IsoWeek::of(monday),
            monday,
            minutes: 0.0,
            runs: 0,
            other_minutes: 0.0,
        });
        let next = add_days(monday, 7);
        if next == monday {
            break;
        }
        monday = next;
    }
    for record in records {
        let days = (record.date() - first_monday).whole_days();
        if days < 0 {
            continue;
        }
        if let Some(load) = usize::try_from(days / 7)
            .ok()
            .and_then(|index| loads.get_mut(index))
        {
            load.minutes += record.played_minutes();
            load.runs += 1;
        }
    }
    for activity in activities {
        let days = (activity.date - first_monday).whole_days();
        if let Some(load) = usize::try_from(days / 7)
            .ok()
            .filter(|_| days >= 0)
            .and_then(|index| loads.get_mut(index))
        {
            load.other_minutes += activity.minutes;
        }
    }
    loads
}

/// The spike between two weeks, if `current` is too far above `previous`.
pub fn spike(previous: &WeeklyLoad, current: &WeeklyLoad) -> Option<WorkloadWarning> {
    let (before, now) = (previous.load_minutes(), current.load_minutes());
    if before <= 0.0 {
        return None;
    }
    let limit = Thresholds::GUIDANCE.workload_spike_percent;
    // Compared as a product so that exactly 10% more is not a spike by a rounding error.
    let spiked = now * 100.0 > before * (100.0 + limit);
    let percent_above = (now / before - 1.0) * 100.0;
    spiked.then_some(WorkloadWarning {
        week: current.week,
        minutes: now,
        previous_minutes: before,
        percent_above,
        other_minutes: current.other_minutes,
    })
}

/// Every spike in `loads` (consecutive weeks, as from [`weekly_loads`]).
pub fn workload_warnings(loads: &[WeeklyLoad]) -> Vec<WorkloadWarning> {
    loads
        .windows(2)
        .filter_map(|pair| spike(&pair[0], &pair[1]))
        .collect()
}

/// The spike, if any, of the week containing `today` so far against the week before:
/// a warning before the week is over, while the runner can still hold back.
pub fn this_week(records: &[SessionRecord], today: Date) -> Option<WorkloadWarning> {
    this_week_with(records, &[], today)
}

/// [`this_week`] with other training counted.
pub fn this_week_with(
    records: &[SessionRecord],
    activities: &[Activity],
    today: Date,
) -> Option<WorkloadWarning> {
    let week = IsoWeek::of(today);
    let previous = IsoWeek::of(add_days(today, -7));
    let mut current_load = WeeklyLoad {
        week,
        monday: add_days(today, -i64::from(today.weekday().number_days_from_monday())),
        minutes: 0.0,
        runs: 0,
        other_minutes: 0.0,
    };
    let mut previous_load = WeeklyLoad {
        week: previous,
        monday: add_days(current_load.monday, -7),
        ..current_load
    };
    for record in records.iter().filter(|r| r.date() <= today) {
        let load = match IsoWeek::of(record.date()) {
            w if w == week => &mut current_load,
            w if w == previous => &mut previous_load,
            _ => continue,
        };
        load.minutes += record.played_minutes();
        load.runs += 1;
    }
    for activity in activities.iter().filter(|a| a.date <= today) {
        match IsoWeek::of(activity.date) {
            w if w == week => current_load.other_minutes += activity.minutes,
            w if w == previous => previous_load.other_minutes += activity.minutes,
            _ => {}
        }
    }
    spike(&previous_load, &current_load)
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};
    use time::{Duration, OffsetDateTime};

    use super::*;
    use crate::coach::record::{Pain, PlayedRates};

    /// A run of `minutes` on `date`.
    fn run(date: Date, minutes: f64) -> SessionRecord {
        let started_at: OffsetDateTime = datetime!(2026-01-01 18:00 +01:00)
            + Duration::days((date - date!(2026 - 01 - 01)).whole_days());
        SessionRecord::new(
            SessionRecord::make_id(started_at, 1),
            started_at,
            PlayedRates::steady(168.0),
            minutes * 60.0,
            0,
            Pain::default(),
        )
    }

    #[test]
    fn weeks_are_iso_weeks_with_gaps_filled() {
        let records = [
            run(date!(2026 - 05 - 04), 30.0), // Monday, W19
            run(date!(2026 - 05 - 10), 30.0), // Sunday, W19
            run(date!(2026 - 05 - 11), 25.0), // Monday, W20
            run(date!(2026 - 05 - 27), 40.0), // W22
        ];
        let loads = weekly_loads(&records);
        let summary: Vec<(String, f64, u32)> = loads
            .iter()
            .map(|l| (l.week.to_string(), l.minutes, l.runs))
            .collect();
        assert_eq!(
            summary,
            [
                ("2026-W19".to_string(), 60.0, 2),
                ("2026-W20".to_string(), 25.0, 1),
                ("2026-W21".to_string(), 0.0, 0),
                ("2026-W22".to_string(), 40.0, 1),
            ]
        );
        assert_eq!(loads[0].monday, date!(2026 - 05 - 04));
        assert_eq!(IsoWeek::of(date!(2027 - 01 - 01)).to_string(), "2026-W53");
        assert_eq!(
            IsoWeek::of(date!(2027 - 01 - 01)).monday(),
            Some(date!(2026 - 12 - 28))
        );
    }

    #[test]
    fn weeks_more_than_ten_percent_up_are_warned_about() {
        let cases = [
            ("equal", 60.0, 60.0, None),
            ("exactly 10% more", 60.0, 66.0, None),
            ("just over 10%", 60.0, 66.6, Some(11.0)),
            ("a third more", 60.0, 80.0, Some(33.3)),
            ("less", 60.0, 30.0, None),
            ("after a week off", 0.0, 30.0, None),
        ];
        for (name, before, after, expected) in cases {
            let mut records = Vec::new();
            if before > 0.0 {
                records.push(run(date!(2026 - 05 - 05), before));
            }
            records.push(run(date!(2026 - 05 - 12), after));
            if before == 0.0 {
                records.push(run(date!(2026 - 04 - 28), 20.0));
            }
            let warnings = workload_warnings(&weekly_loads(&records));
            let percent = warnings
                .last()
                .map(|w| (w.percent_above * 10.0).round() / 10.0);
            assert_eq!(percent, expected, "{name}");
        }
    }

    #[test]
    fn warnings_give_the_numbers() {
        let records = [
            run(date!(2026 - 05 - 05), 40.0),
            run(date!(2026 - 05 - 07), 40.0),
            run(date!(2026 - 05 - 12), 60.0),
            run(date!(2026 - 05 - 14), 45.0),
        ];
        let warnings = workload_warnings(&weekly_loads(&records));
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].to_string(),
            "Week 2026-W20: 105 min of running is 31% more than the 80 min of the week \
             before; keep each week within 10% of the one before."
        );
    }

    #[test]
    fn this_week_warns_before_the_week_is_over() {
        let records = [
            run(date!(2026 - 05 - 05), 40.0),
            run(date!(2026 - 05 - 11), 30.0),
            run(date!(2026 - 05 - 13), 30.0),
        ];
        assert_eq!(this_week(&records, date!(2026 - 05 - 12)), None);
        let warning = this_week(&records, date!(2026 - 05 - 13)).unwrap();
        assert_eq!((warning.minutes, warning.previous_minutes), (60.0, 40.0));
    }

    #[test]
    fn a_new_daily_cycle_commute_with_the_same_running_is_a_spike() {
        use crate::coach::activity::{Activity, ActivityKind};
        // Three 40-minute runs a week, two weeks running.
        let records: Vec<SessionRecord> = [4, 6, 8, 11, 13, 15]
            .into_iter()
            .map(|day| {
                run(
                    Date::from_calendar_date(2026, time::Month::May, day).unwrap(),
                    40.0,
                )
            })
            .collect();
        assert!(workload_warnings(&weekly_loads(&records)).is_empty());
        // In the second week, cycling to work and back, 20 minutes a day, Monday-Friday.
        let commute: Vec<Activity> = (11..=15)
            .map(|day| Activity {
                date: Date::from_calendar_date(2026, time::Month::May, day).unwrap(),
                kind: ActivityKind::Cycling,
                minutes: 20.0,
                exercises: Vec::new(),
                note: String::new(),
            })
            .collect();
        let loads = weekly_loads_with(&records, &commute);
        assert_eq!((loads[1].minutes, loads[1].other_minutes), (120.0, 100.0));
        let warnings = workload_warnings(&loads);
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].to_string(),
            "Week 2026-W20: 220 min of running and other training (100 min of it not \
             running) is 83% more than the 120 min of the week before; keep each week \
             within 10% of the one before, counting everything."
        );
        let warning = this_week_with(&records, &commute, date!(2026 - 05 - 15)).unwrap();
        assert_eq!(warning.minutes, 220.0);
        assert_eq!(this_week(&records, date!(2026 - 05 - 15)), None);
    }

    #[test]
    fn long_gaps_are_bounded() {
        let records = [
            run(date!(1990 - 01 - 01), 30.0),
            run(date!(2026 - 05 - 05), 30.0),
        ];
        let loads = weekly_loads(&records);
        assert_eq!(loads.len(), MAX_WEEKS);
        assert_eq!(loads.last().unwrap().minutes, 30.0);
        assert!(weekly_loads(&[]).is_empty());
    }
}

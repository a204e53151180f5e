//! The run history as the runner reads it: a list of runs (newest first), the weekly
//! minutes with workload warnings, and a CSV export for a spreadsheet.

use std::fmt::Write as _;

use time::UtcOffset;

use super::measured::Measurement;
use super::record::{Morning, SessionRecord};
use super::thresholds::Thresholds;
use super::workload::{self, WeeklyLoad, WorkloadWarning};

/// The columns of the CSV export, in order.
pub const CSV_HEADER: [&str; 21] = [
    "id",
    "date",
    "start_time",
    "utc_offset",
    "minutes",
    "steps",
    "start_spm",
    "target_spm",
    "end_spm",
    "average_spm",
    "measured_mean_spm",
    "measured_median_spm",
    "measured_moving_minutes",
    "minutes_at_target",
    "pain_during",
    "pain_after",
    "limp",
    "swelling",
    "morning",
    "treadmill_kmh",
    "note",
];

/// Runs oldest first, one row each, with a header; numbers use a dot and no
/// thousands separator, whatever the runner's locale, so any spreadsheet reads them.
pub fn to_csv(records: &[SessionRecord]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail except for invalid UTF-8, which Strings rule out.
    let _ = writer.write_record(CSV_HEADER);
    for run in in_order(records) {
        let _ = writer.write_record(csv_row(run));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn csv_row(run: &SessionRecord) -> [String; 21] {
    let at = run.started_at;
    let optional = |value: Option<f64>| value.map_or_else(String::new, |v| format!("{v:.1}"));
    let measured = run.measured.as_ref();
    [
        run.id.clone(),
        run.date().to_string(),
        format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second()),
        offset_text(at.offset()),
        format!("{:.2}", run.played_minutes()),
        run.steps.to_string(),
        format!("{:.1}", run.played.start_spm),
        format!("{:.1}", run.played.target_spm),
        format!("{:.1}", run.played.end_spm),
        optional(run.average_spm()),
        optional(measured.map(|m| m.mean_spm)),
        optional(measured.map(|m| m.median_spm)),
        optional(measured.map(Measurement::moving_minutes)),
        // Counted as History counts it; empty when the run followed no planned target.
        optional(minutes_at_target(run)),
        run.pain.during.to_string(),
        run.pain.after.to_string(),
        yes_no(run.limp).into(),
        yes_no(run.swelling || run.morning.is_some_and(|m| m.swelling)).into(),
        run.morning
            .map_or("", |check| morning_text(check.symptoms))
            .into(),
        optional(run.treadmill.map(|t| t.speed_kmh)),
        run.note.clone(),
    ]
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

pub fn morning_text(morning: Morning) -> &'static str {
    match morning {
        Morning::Worse => "worse",
        Morning::Same => "same",
        Morning::Better => "better",
    }
}

fn offset_text(offset: UtcOffset) -> String {
    let (hours, minutes, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "{sign}{:02}:{:02}",
        hours.unsigned_abs(),
        minutes.unsigned_abs()
    )
}

fn in_order(records: &[SessionRecord]) -> Vec<&SessionRecord> {
    let mut runs: Vec<&SessionRecord> = records.iter().collect();
    runs.sort_by(|a, b| a.started_at.cmp(&b.started_at).then(a.id.cmp(&b.id)));
    runs
}

/// The weekly minutes and the weeks that spiked.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub weeks: Vec<WeeklyLoad>,
    pub warnings: Vec<WorkloadWarning>,
}

impl Workload {
    pub fn of(records: &[SessionRecord]) -> Self {
        let weeks = workload::weekly_loads(records);
        let warnings = workload::workload_warnings(&weeks);
        Self { weeks, warnings }
    }

    /// The warning for `load`'s week, if it spiked.
    pub fn warning_for(&self, load: &WeeklyLoad) -> Option<&WorkloadWarning> {
        self.warnings
            .iter()
            .find(|warning| warning.week == load.week)
    }
}

/// The measured minutes at or above the planned target minus the band
/// ([`Thresholds::at_target_margin_spm`]); `None` without a measurement or a target.
pub fn minutes_at_target(run: &SessionRecord) -> Option<f64> {
    let (measured, profile) = (run.measured.as_ref()?, run.profile.as_ref()?);
    let floor = f64::from(profile.target_spm) - Thresholds::GUIDANCE.at_target_margin_spm;
    Some(measured.minutes_at_or_above(floor))
}

/// "163, 9/30 min": the watch's median moving rate, and the minutes at the target of
/// the moving minutes when the run followed a planned target (a run logged from the
/// watch alone has none: its "played" rate is the measurement itself); "-" for runs
/// without a measurement.
pub fn measured_text(run: &SessionRecord) -> String {
    let Some(measured) = &run.measured else {
        return "-".to_string();
    };
    let Some(at_target) = minutes_at_target(run) else {
        return format!("{:.0}", measured.median_spm);
    };
    format!(
        "{:.0}, {:.0}/{:.0} min",
        measured.median_spm,
        at_target.floor(),
        measured.moving_minutes().round()
    )
}

/// The history as text: runs newest first, then the weeks with their minutes, each
/// spike marked, then the warnings in full.
pub fn text(records: &[SessionRecord]) -> String {
    let mut out = String::new();
    if records.is_empty() {
        out.push_str("No runs logged yet.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{:<10}  {:>5}  {:>7}  {:>6}  {:>6}  {:<14}  {:<11}  {:<7}  Note",
        "Date", "Start", "Minutes", "Target", "Avg", "Measured", "Pain (d/a)", "Morning"
    );
    for run in in_order(records).into_iter().rev() {
        let at = run.started_at;
        let pain = format!(
            "{}/{}{}",
            run.pain.during,
            run.pain.after,
            if run.limp { " limp" } else { "" }
        );
        let morning = run.morning.map_or("-".to_string(), |check| {
            let mut text = morning_text(check.symptoms).to_string();
            if check.swelling {
                text.push_str(" swollen");
            }
            text
        });
        let _ = writeln!(
            out,
            "{:<10}  {:02}:{:02}  {:>7.1}  {:>6.0}  {:>6}  {:<14}  {:<11}  {:<7}  {}",
            run.date().to_string(),
            at.hour(),
            at.minute(),
            run.played_minutes(),
            run.played.target_spm,
            run.average_spm()
                .map_or_else(|| "-".to_string(), |spm| format!("{spm:.0}")),
            measured_text(run),
            pain,
            morning,
            run.note.replace(['\n', '\r'], " ")
        );
    }
    let workload = Workload::of(records);
    out.push_str("\nWeekly running\n");
    for load in &workload.weeks {
        let _ = writeln!(
            out,
            "{}  from {}  {:>6.1} min  {} run{}{}",
            load.week,
            load.monday,
            load.minutes,
            load.runs,
            if load.runs == 1 { "" } else { "s" },
            if workload.warning_for(load).is_some() {
                "  ! more than 10% above the week before"
            } else {
                ""
            }
        );
    }
    for warning in &workload.warnings {
        let _ = writeln!(out, "\n{warning}");
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    use super::*;
    use crate::coach::record::{MorningCheck, Pain, PlayedRates};

    fn run(started_at: OffsetDateTime, minutes: f64, note: &str) -> SessionRecord {
        let mut record = SessionRecord::new(
            SessionRecord::make_id(started_at, 7),
            started_at,
            PlayedRates {
                start_spm: 160.0,
                target_spm: 168.0,
                end_spm: 168.0,
            },
            minutes * 60.0,
            (minutes * 166.0) as u32,
            Pain {
                during: 2,
                after: 3,
            },
        );
        record.note = note.into();
        record
    }

    #[test]
    fn the_csv_has_one_row_per_run_oldest_first_and_quotes_what_needs_it() {
        let monday = datetime!(2026-11-16 07:30:00 +01:00);
        let mut later = run(
            monday + Duration::days(2),
            30.0,
            "felt \"fine\", tight calf",
        );
        later.morning = Some(MorningCheck {
            symptoms: Morning::Better,
            swelling: false,
        });
        let records = vec![later, run(monday, 25.0, "")];
        let csv = to_csv(&records);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert!(lines[1].starts_with("20261116T063000Z-00000007,2026-11-16,07:30:00,+01:00,25.00,4150,160.0,168.0,168.0,166.0,,,,,2,3,no,no,,,"), "{}", lines[1]);
        assert!(
            lines[2].ends_with(",better,,\"felt \"\"fine\"\", tight calf\""),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn the_csv_gives_the_watch_measurement_against_the_planned_target() {
        use crate::coach::measured::Sample;
        use crate::coach::session::{FeedbackDuty, SessionProfile, SessionTimes};

        let started_at = datetime!(2026-11-17 07:30:00 UTC);
        // 30 minutes: 20 at 168 spm, then 10 back at 158 (below 168 - 3).
        let samples: Vec<Sample> = (0..1_800)
            .map(|second| Sample {
                seconds: f64::from(second),
                spm: Some(if second < 1_200 { 168.0 } else { 158.0 }),
                ..Sample::default()
            })
            .collect();
        let measured = Measurement::from_samples("watch".into(), started_at, &samples).unwrap();
        let mut planned = run(started_at, 30.0, "");
        planned.profile = Some(SessionProfile {
            start_spm: 160,
            target_spm: 168,
            times: SessionTimes::default(),
            feedback: FeedbackDuty::Always,
        });
        planned.measured = Some(measured.clone());
        // From the watch alone: no planned target to count minutes against.
        let mut logged = run(started_at + Duration::days(1), 30.0, "");
        logged.measured = Some(measured);

        let csv = to_csv(&[planned, logged]);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header = reader.headers().unwrap().clone();
        let column = |row: &csv::StringRecord, name: &str| {
            let index = header.iter().position(|h| h == name).unwrap();
            row[index].to_string()
        };
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let mean = (20.0 * 168.0 + 10.0 * 158.0) / 30.0;
        assert_eq!(column(&rows[0], "measured_mean_spm"), format!("{mean:.1}"));
        assert_eq!(column(&rows[0], "measured_median_spm"), "168.0");
        assert_eq!(column(&rows[0], "measured_moving_minutes"), "30.0");
        assert_eq!(column(&rows[0], "minutes_at_target"), "20.0");
        assert_eq!(column(&rows[1], "measured_median_spm"), "168.0");
        assert_eq!(column(&rows[1], "minutes_at_target"), "");
    }

    #[test]
    fn the_text_lists_newest_first_and_marks_a_spike() {
        let monday = datetime!(2026-11-09 18:00:00 +00:00);
        let records = vec![
            run(monday, 30.0, "first"),
            run(monday + Duration::days(7), 40.0, "second"),
        ];
        let text = text(&records);
        let first = text.find("first").unwrap();
        let second = text.find("second").unwrap();
        assert!(second < first, "{text}");
        assert!(
            text.contains("2026-W47  from 2026-11-16    40.0 min  1 run  ! more than 10%"),
            "{text}"
        );
        assert!(text.contains("33% more than the 30 min"), "{text}");
        assert_eq!(super::text(&[]), "No runs logged yet.\n");
    }
}

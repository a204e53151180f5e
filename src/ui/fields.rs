//! Checks on what users type, each failing with a sentence that says what is allowed,
//! and small display helpers shared by the screens.

use std::path::{Path, PathBuf};
use std::time::Duration;

use eframe::egui;
use time::Date;
use time::macros::format_description;

use super::metronome::MAX_VISUAL_OFFSET_MS;
use crate::coach::{Baseline, Increase, MAX_YEAR, MIN_YEAR, Plan, SessionRecord};
use crate::engine::Accent;

/// An error from the coaching model as a sentence: capital first letter, full stop.
pub fn sentence(text: impl std::fmt::Display) -> String {
    let text = text.to_string();
    let mut letters = text.chars();
    let Some(first) = letters.next() else {
        return text;
    };
    let mut out: String = first.to_uppercase().chain(letters).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Pain on the 0-10 scale; `what` says which ("during the run").
pub fn parse_pain(text: &str, what: &str) -> Result<u8, String> {
    match text.trim().parse::<u8>() {
        Ok(pain) if pain <= 10 => Ok(pain),
        _ if text.trim().is_empty() => Err(format!(
            "Give the worst pain {what} from 0 (none) to 10 (the worst imaginable)."
        )),
        _ => Err(format!(
            "'{}' is not on the scale; give the pain {what} as a whole number from 0 (none) \
             to 10 (the worst imaginable).",
            text.trim()
        )),
    }
}

/// A natural step rate typed in steps per minute.
pub fn parse_baseline(text: &str) -> Result<Baseline, String> {
    let text = text.trim();
    let Ok(spm) = text.parse::<f64>() else {
        return Err(format!(
            "'{text}' is not a number; type your natural step rate in steps per minute, \
             such as 164."
        ));
    };
    Baseline::typed(spm).map_err(sentence)
}

/// An increase in percent, 5 to 10 (a decimal comma is taken too).
pub fn parse_increase(text: &str) -> Result<Increase, String> {
    let text = text.trim().trim_end_matches('%').trim();
    let Ok(percent) = text.replace(',', ".").parse::<f64>() else {
        return Err(format!(
            "'{text}' is not a number; give a percentage from 5 to 10, such as 7.5."
        ));
    };
    Increase::new(percent).map_err(sentence)
}

pub fn parse_weeks(text: &str) -> Result<u8, String> {
    let (min, max) = (Plan::MIN_WEEKS, Plan::MAX_WEEKS);
    match text.trim().parse::<u8>() {
        Ok(weeks) if (min..=max).contains(&weeks) => Ok(weeks),
        _ => Err(format!(
            "Give the plan's length as a whole number of weeks from {min} to {max}; 6 to 8 \
             weeks suit most runners."
        )),
    }
}

pub fn parse_runs_per_week(text: &str) -> Result<u8, String> {
    let (min, max) = (Plan::MIN_RUNS_PER_WEEK, Plan::MAX_RUNS_PER_WEEK);
    match text.trim().parse::<u8>() {
        Ok(runs) if (min..=max).contains(&runs) => Ok(runs),
        _ => Err(format!(
            "Give the runs per week as a whole number from {min} to {max}."
        )),
    }
}

/// A date written YYYY-MM-DD.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let date = Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| {
        format!("'{text}' is not a date; write it as YYYY-MM-DD, such as 2026-11-23.")
    })?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        return Err(format!(
            "{date} is too far off; give a date in the years {MIN_YEAR} to {MAX_YEAR}."
        ));
    }
    Ok(date)
}

pub fn iso(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_else(|_| date.to_string())
}

/// "Monday 23 November".
pub fn long_date(date: Date) -> String {
    date.format(format_description!(
        "[weekday] [day padding:none] [month repr:long]"
    ))
    .unwrap_or_else(|_| date.to_string())
}

/// "23 Nov".
pub fn short_date(date: Date) -> String {
    date.format(format_description!("[day padding:none] [month repr:short]"))
        .unwrap_or_else(|_| date.to_string())
}

/// A note on a run: at most [`SessionRecord::MAX_NOTE_CHARS`] characters.
pub fn check_note(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > SessionRecord::MAX_NOTE_CHARS {
        return Err(format!(
            "The note is {chars} characters long; keep it to {}.",
            SessionRecord::MAX_NOTE_CHARS
        ));
    }
    Ok(())
}

/// A file to write: its folder must exist, and it must not be a folder itself.
pub fn parse_export_path(text: &str) -> Result<PathBuf, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("Type where to save the file, such as a path ending in history.csv.".into());
    }
    let path = PathBuf::from(trimmed);
    if path.is_dir() {
        return Err(format!(
            "{} is a folder; add a file name, such as {}.",
            path.display(),
            path.join("cadence-coach-history.csv").display()
        ));
    }
    let Some(name) = path.file_name() else {
        return Err("The path has no file name; end it with one, such as history.csv.".into());
    };
    let folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty());
    if let Some(folder) = folder
        && !folder.is_dir()
    {
        return Err(format!(
            "There is no folder {}; choose a folder that exists.",
            folder.display()
        ));
    }
    if !Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"))
    {
        return Err("End the file name with .csv so that spreadsheets open it.".into());
    }
    Ok(path)
}

pub fn parse_visual_offset(text: &str) -> Result<i32, String> {
    let text = text.trim();
    let range = format!("from -{MAX_VISUAL_OFFSET_MS} to {MAX_VISUAL_OFFSET_MS}");
    let Ok(ms) = text.parse::<i32>() else {
        return Err(format!(
            "'{text}' is not a whole number of milliseconds; give one {range}, such as -200."
        ));
    };
    if !(-MAX_VISUAL_OFFSET_MS..=MAX_VISUAL_OFFSET_MS).contains(&ms) {
        return Err(format!(
            "{ms} ms is too far; give a whole number of milliseconds {range}."
        ));
    }
    Ok(ms)
}

/// How many steps from one accent to the next: 2 (one foot) to [`Accent::MAX_EVERY`].
pub fn parse_accent_every(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (2..=Accent::MAX_EVERY).contains(&n) => Ok(n),
        _ => Err(format!(
            "Give a whole number of steps from 2 to {} (2 accents one foot).",
            Accent::MAX_EVERY
        )),
    }
}

/// `m:ss`, or `h:mm:ss` from an hour on.
pub fn format_elapsed(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    let (hours, minutes, seconds) = (seconds / 3_600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

pub fn accent_description(accent: Accent) -> String {
    match accent {
        Accent::None => "No accent".into(),
        Accent::Every(2) => "One foot (every 2nd step)".into(),
        Accent::Every(n) => format!("Every {n} steps"),
    }
}

/// A validation message right under the field it is about.
pub fn error_line_ui(ui: &mut egui::Ui, error: Option<&str>) {
    if let Some(error) = error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_outside_the_range_are_refused_with_the_range() {
        assert_eq!(parse_visual_offset(" -200 "), Ok(-200));
        assert_eq!(parse_visual_offset("500"), Ok(500));
        assert!(
            parse_visual_offset("501")
                .unwrap_err()
                .contains("-500 to 500")
        );
        assert!(
            parse_visual_offset("12.5")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(parse_visual_offset("").is_err());
    }

    #[test]
    fn accents_come_every_2_to_16_steps() {
        assert_eq!(parse_accent_every("4"), Ok(4));
        assert!(parse_accent_every("1").unwrap_err().contains("2 to 16"));
        assert!(parse_accent_every("x").is_err());
    }

    #[test]
    fn pain_is_a_whole_number_from_0_to_10() {
        assert_eq!(parse_pain(" 3 ", "during the run"), Ok(3));
        assert_eq!(parse_pain("10", "after"), Ok(10));
        assert!(parse_pain("11", "after").unwrap_err().contains("0 (none)"));
        assert!(parse_pain("-1", "after").is_err());
        assert!(
            parse_pain("", "after")
                .unwrap_err()
                .contains("worst pain after")
        );
    }

    #[test]
    fn plan_fields_say_what_is_allowed() {
        assert_eq!(parse_baseline("164").map(|b| b.spm), Ok(164));
        assert!(parse_baseline("abc").unwrap_err().contains("not a number"));
        let implausible = parse_baseline("320").unwrap_err();
        assert!(implausible.starts_with("320 steps"), "{implausible}");
        assert!(implausible.contains("120-220"), "{implausible}");
        assert_eq!(parse_increase("7,5%").map(Increase::percent), Ok(7.5));
        assert!(parse_increase("12").unwrap_err().contains("5-10%"));
        assert_eq!(parse_weeks("6"), Ok(6));
        assert!(parse_weeks("1").unwrap_err().contains("2 to 16"));
        assert_eq!(parse_runs_per_week("3"), Ok(3));
        assert!(parse_runs_per_week("8").is_err());
        assert_eq!(
            parse_date(" 2026-11-23 ").map(iso),
            Ok("2026-11-23".to_string())
        );
        assert!(parse_date("23/11/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2026-02-30").is_err());
        assert!(
            parse_date("9999-01-01")
                .unwrap_err()
                .contains("1970 to 2200")
        );
        assert_eq!(
            long_date(parse_date("2026-11-23").unwrap()),
            "Monday 23 November"
        );
        assert_eq!(sentence("it is wrong"), "It is wrong.");
    }

    #[test]
    fn export_paths_need_an_existing_folder_and_a_csv_name() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("runs.csv");
        assert_eq!(parse_export_path(&good.display().to_string()), Ok(good));
        let folder = parse_export_path(&dir.path().display().to_string()).unwrap_err();
        assert!(folder.contains("is a folder"), "{folder}");
        let missing = dir.path().join("nope").join("runs.csv");
        let error = parse_export_path(&missing.display().to_string()).unwrap_err();
        assert!(error.contains("no folder"), "{error}");
        let text = dir.path().join("runs.txt");
        assert!(parse_export_path(&text.display().to_string()).is_err());
        assert!(parse_export_path("  ").is_err());
        assert!(check_note(&"x".repeat(1_001)).is_err());
        assert!(check_note("fine").is_ok());
    }

    #[test]
    fn elapsed_time_reads_like_a_clock() {
        assert_eq!(format_elapsed(Duration::from_secs(65)), "1:05");
        assert_eq!(format_elapsed(Duration::from_millis(999)), "0:00");
        assert_eq!(format_elapsed(Duration::from_secs(3_725)), "1:02:05");
    }
}

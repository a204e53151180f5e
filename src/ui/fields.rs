//! Checks on what users type, each failing with a sentence that says what is allowed,
//! and small display helpers shared by the screens.

use std::time::Duration;

use eframe::egui;

use super::metronome::MAX_VISUAL_OFFSET_MS;
use crate::engine::Accent;

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
    fn elapsed_time_reads_like_a_clock() {
        assert_eq!(format_elapsed(Duration::from_secs(65)), "1:05");
        assert_eq!(format_elapsed(Duration::from_millis(999)), "0:00");
        assert_eq!(format_elapsed(Duration::from_secs(3_725)), "1:02:05");
    }
}

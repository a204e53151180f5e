//! Dates: how they are written in files and in sentences, and arithmetic that cannot
//! panic on a date from a damaged file.

use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};

use super::error::CoachError;

// Dates are stored as "2025-04-07" whatever features other crates turn on in `time`.
time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");

/// Earliest year accepted in a loaded file.
pub const MIN_YEAR: i32 = 1970;
/// Latest year accepted in a loaded file; leaves room to add weeks without overflow.
pub const MAX_YEAR: i32 = 2200;

pub(crate) fn check_date(what: &str, date: Date) -> Result<(), CoachError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(CoachError::out_of_range(
            what,
            date,
            format!("a date in the years {MIN_YEAR} to {MAX_YEAR}"),
        ))
    }
}

pub(crate) fn check_timestamp(what: &str, at: OffsetDateTime) -> Result<(), CoachError> {
    check_date(what, at.date())?;
    // RFC 3339 cannot write an offset with seconds; no real time zone has one.
    if at.offset().seconds_past_minute() != 0 {
        return Err(CoachError::out_of_range(
            format!("the time zone offset of {what}"),
            at.offset(),
            "a whole number of minutes",
        ));
    }
    Ok(())
}

/// `date` plus `days`, saturating at the calendar's ends instead of panicking.
pub(crate) fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Duration::days(days))
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

/// "8 Apr".
pub(crate) fn day_month(date: Date) -> String {
    let format = format_description!("[day padding:none] [month repr:short]");
    date.format(format).unwrap_or_else(|_| date.to_string())
}

/// "Tuesday 8 April".
pub(crate) fn long(date: Date) -> String {
    let format = format_description!("[weekday] [day padding:none] [month repr:long]");
    date.format(format).unwrap_or_else(|_| date.to_string())
}

/// "Tuesday" when `date` lies within the six days before `today` (so the name is
/// unambiguous), otherwise "Tuesday 8 April".
pub(crate) fn day_name(date: Date, today: Date) -> String {
    if (0..7).contains(&days_between(date, today)) {
        date.weekday().to_string()
    } else {
        long(date)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn dates_read_as_sentences() {
        let tuesday = date!(2025 - 04 - 08);
        assert_eq!(day_month(tuesday), "8 Apr");
        assert_eq!(long(tuesday), "Tuesday 8 April");
        assert_eq!(day_name(tuesday, date!(2025 - 04 - 14)), "Tuesday");
        assert_eq!(day_name(tuesday, date!(2025 - 04 - 15)), "Tuesday 8 April");
        assert_eq!(add_days(Date::MAX, 7), Date::MAX);
        assert_eq!(days_between(tuesday, date!(2025 - 04 - 01)), -7);
    }
}

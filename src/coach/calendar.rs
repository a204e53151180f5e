//! Dates: how they are written in files and in sentences.

use time::macros::format_description;
use time::{Date, OffsetDateTime};

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

/// "Tuesday 8 April".
pub(crate) fn long(date: Date) -> String {
    let format = format_description!("[weekday] [day padding:none] [month repr:long]");
    date.format(format).unwrap_or_else(|_| date.to_string())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn dates_read_as_sentences() {
        assert_eq!(long(date!(2025 - 04 - 08)), "Tuesday 8 April");
    }
}

//! Errors a runner can act on: each says what is wrong and what to do about it.

/// Why a measurement, a setting or a loaded file was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CoachError {
    /// A step rate outside what people run at: most likely a counting slip.
    #[error(
        "{spm} steps per minute is not a plausible running step rate; runners step about \
         {min}-{max} times a minute. {how_to_measure}"
    )]
    ImplausibleCadence {
        spm: f64,
        min: f64,
        max: f64,
        how_to_measure: &'static str,
    },

    /// Too few taps for the median to outvote a missed or doubled tap.
    #[error(
        "{taps} taps are not enough to measure a step rate; tap on every right-foot strike \
         for about a minute (at least {needed} taps)"
    )]
    NotEnoughTaps { taps: usize, needed: usize },

    /// More taps than a minute of running can produce: not a tap recording.
    #[error(
        "{taps} taps are more than a minute of running produces (at most {max}); tap only \
         on right-foot strikes, for about a minute"
    )]
    TooManyTaps { taps: usize, max: usize },

    /// Tap times must be finite seconds in rising order.
    #[error(
        "tap {index} is at {seconds} s, before the tap ahead of it; tap times must be \
         seconds from the start in rising order"
    )]
    TapsOutOfOrder { index: usize, seconds: f64 },

    /// Taps so irregular that no single rate describes them.
    #[error(
        "only {steady} of {intervals} gaps between your taps were close to the usual gap; \
         tap again on every right-foot strike, steadily, for about a minute"
    )]
    TapsTooUneven { steady: usize, intervals: usize },

    /// The increase over the natural step rate is outside the guidance.
    #[error(
        "an increase of {percent}% is outside the 5-10% the guidance for runner's knee \
         recommends (less does little, more loads other tissues); choose 5, 7.5 or 10%"
    )]
    IncreaseOutOfRange { percent: f64 },

    /// A number in a setting or a loaded file is outside its range.
    #[error("{what} is {value}; it must be {allowed}")]
    OutOfRange {
        what: String,
        value: String,
        allowed: String,
    },

    /// A list in a loaded file is longer than the app accepts.
    #[error(
        "{what} has {count} entries, more than the {max} allowed; the file may be damaged \
         or not from Cadence Coach"
    )]
    TooMany {
        what: String,
        count: usize,
        max: usize,
    },

    /// A text in a loaded file is longer than the app accepts.
    #[error("{what} is {chars} characters long; shorten it to at most {max}")]
    TextTooLong {
        what: String,
        chars: usize,
        max: usize,
    },

    /// Fields that are each fine but contradict each other.
    #[error("{0}")]
    Inconsistent(String),
}

impl CoachError {
    pub(crate) fn out_of_range(
        what: impl Into<String>,
        value: impl ToString,
        allowed: impl Into<String>,
    ) -> Self {
        CoachError::OutOfRange {
            what: what.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
}

/// Fails unless `value` lies in `min..=max` (and is finite).
pub(crate) fn check_f64(what: &str, value: f64, min: f64, max: f64) -> Result<(), CoachError> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(CoachError::out_of_range(
            what,
            value,
            format!("from {min} to {max}"),
        ))
    }
}

/// Fails unless `value` lies in `min..=max`.
pub(crate) fn check_int<T>(what: &str, value: T, min: T, max: T) -> Result<(), CoachError>
where
    T: PartialOrd + std::fmt::Display,
{
    if value >= min && value <= max {
        Ok(())
    } else {
        Err(CoachError::out_of_range(
            what,
            value,
            format!("from {min} to {max}"),
        ))
    }
}

/// Fails when a list is longer than `max`.
pub(crate) fn check_len(what: &str, count: usize, max: usize) -> Result<(), CoachError> {
    if count <= max {
        Ok(())
    } else {
        Err(CoachError::TooMany {
            what: what.into(),
            count,
            max,
        })
    }
}

/// Fails when a text has more than `max` characters.
pub(crate) fn check_text(what: &str, text: &str, max: usize) -> Result<(), CoachError> {
    // Counting bytes first keeps a huge string from being walked char by char.
    if text.len() <= max {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars <= max {
        Ok(())
    } else {
        Err(CoachError::TextTooLong {
            what: what.into(),
            chars,
            max,
        })
    }
}

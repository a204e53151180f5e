//! The sentences of the reasons: days, pains and counts in words.

use time::Date;

use crate::coach::calendar;
use crate::coach::record::SessionRecord;
use crate::coach::risk::RiskProfile;

/// The hold that makes a step last longer with risk factors, after `weeks_done` weeks
/// of it went well: "Holding 164 spm for a second week: knee pain before makes a
/// recurrence likely (50-80% of runners have one), so each step gets longer."
pub(super) fn longer_step(risk: &RiskProfile, spm: u16, weeks_done: u8) -> Option<String> {
    if weeks_done >= risk.weeks_per_step() {
        return None;
    }
    let why = risk.longer_step_reason()?;
    Some(format!(
        "Holding {spm} spm for {}: {why}.",
        RiskProfile::week_ordinal(weeks_done.saturating_add(1))
    ))
}

/// "Tuesday's run hurt 5/10 afterwards".
pub(super) fn pain_cause(run: &SessionRecord, today: Date) -> String {
    let when = match run.pain.during.cmp(&run.pain.after) {
        std::cmp::Ordering::Greater => "during the run",
        std::cmp::Ordering::Less => "afterwards",
        std::cmp::Ordering::Equal => "during and after",
    };
    format!(
        "{}'s run hurt {}/10 {when}",
        calendar::day_name(run.date(), today),
        run.pain.worst()
    )
}

/// "Thursday morning the knee felt worse than usual".
pub(super) fn mornings_cause(mornings: &[Date], today: Date) -> String {
    match mornings {
        [one] => format!(
            "{} morning the knee felt worse than usual",
            calendar::day_name(*one, today)
        ),
        _ => format!(
            "the knee felt worse than usual on {} mornings",
            list_days(mornings, today)
        ),
    }
}

/// "Wednesday and Friday", "Monday, Wednesday and Friday".
pub(super) fn list_days(days: &[Date], today: Date) -> String {
    let names: Vec<String> = days
        .iter()
        .map(|&day| calendar::day_name(day, today))
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// "two", "three", ... for the small counts a sentence uses.
pub(super) fn count_word(count: usize) -> String {
    const WORDS: [&str; 8] = [
        "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    count
        .checked_sub(2)
        .and_then(|index| WORDS.get(index))
        .map_or_else(|| count.to_string(), |word| (*word).to_string())
}

//! Every rule the app applies, its number from [`Thresholds`], and the sentence of the
//! guidance it comes from: the "About the advice" page and `cadence-coach advice`.
//!
//! The fields are listed by the [`Thresholds`] type itself (through `Serialize`), so a
//! field added there without a [`Source`] here fails the tests instead of going unshown.

use super::thresholds::Thresholds;

/// What the runner is told to do with a red flag.
pub const SEE_CLINICIAN: &str = "see a physiotherapist or sports physician";

/// Signs that are not for the app to manage, always shown with [`SEE_CLINICIAN`].
pub const RED_FLAGS: [&str; 3] = [
    "visible swelling around the knee",
    "pain that makes you limp",
    "pain at 7/10 or more",
];

/// One rule: the [`Thresholds`] field it uses, what the app does, and where it comes
/// from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    pub field: &'static str,
    /// What the app does with the number.
    pub rule: &'static str,
    /// The guidance's sentence behind it.
    pub sentence: &'static str,
}

/// The sources, in the order of the fields of [`Thresholds`].
pub const SOURCES: &[Source] = &[
    Source {
        field: "min_running_spm",
        rule: "A measured natural rate below this is refused as a counting slip.",
        sentence: "Runners step about 150 to 200 times a minute; count your right-foot \
                   strikes for one minute at an easy pace and double the count.",
    },
    Source {
        field: "max_running_spm",
        rule: "A measured natural rate above this is refused as a counting slip.",
        sentence: "Runners step about 150 to 200 times a minute; count your right-foot \
                   strikes for one minute at an easy pace and double the count.",
    },
    Source {
        field: "high_natural_spm",
        rule: "Above this natural rate the app suggests the low end of the increase.",
        sentence: "A runner who already steps quickly has less room to step faster: start \
                   with the smallest increase.",
    },
    Source {
        field: "min_increase_percent",
        rule: "The smallest increase a plan accepts.",
        sentence: "Increasing your step rate by 5-10% above your natural rate, at the same \
                   speed, reduces the load on the knee.",
    },
    Source {
        field: "max_increase_percent",
        rule: "The largest increase a plan accepts (more loads other tissues).",
        sentence: "Increasing your step rate by 5-10% above your natural rate, at the same \
                   speed, reduces the load on the knee.",
    },
    Source {
        field: "safe_pain_max",
        rule: "Pain during and after a run up to this keeps the plan moving.",
        sentence: "Keep running with a safe level of pain: up to 3 out of 10, \
                   uncomfortable but tolerable, and settled by the next morning.",
    },
    Source {
        field: "step_back_pain_min",
        rule: "Pain from this on steps back at once (a red flag).",
        sentence: "Pain at 7 out of 10 or more is danger territory: stop, step back, and \
                   see a physiotherapist or sports physician if it persists.",
    },
    Source {
        field: "worse_mornings_to_step_back",
        rule: "This many mornings in a row worse than usual step back.",
        sentence: "Check the knee the morning after: if it is worse than usual, the load \
                   was too much; if it keeps happening, reduce the load.",
    },
    Source {
        field: "trend_pain_points",
        rule: "A week's average pain this many points off the week before is a trend.",
        sentence: "Symptoms should settle week by week; watch the trend, not one run.",
    },
    Source {
        field: "workload_spike_percent",
        rule: "A week more than this many percent above the one before is a spike.",
        sentence: "Keep the increase in weekly training load within about 10% of the week \
                   before: spikes in workload are a main cause of flare-ups.",
    },
    Source {
        field: "step_back_fewer_runs",
        rule: "After a step back, this many runs fewer per week.",
        sentence: "When the knee flares, reduce the load: fewer runs, less distance, no \
                   long downhills, until it settles.",
    },
    Source {
        field: "step_back_shorter_percent",
        rule: "After a step back, the time at the target is this much shorter.",
        sentence: "When the knee flares, reduce the load: fewer runs, less distance, no \
                   long downhills, until it settles.",
    },
    Source {
        field: "risk_weeks_per_step",
        rule: "With any personal risk factor (knee pain before, female sex, early \
               specialization, a recent change in other training), each plan step lasts \
               this many weeks.",
        sentence: "Two runners with the same plan on paper can have very different \
                   outcomes: after patellofemoral pain 50-80% of runners have a \
                   recurrence, female runners are 2.23x more likely to develop it, and \
                   early sport specialization carries a 150% greater risk.",
    },
    Source {
        field: "other_activity_load_percent",
        rule: "Each minute of strength, cycling, hiking or other sport counts this much \
               of a running minute in the weekly workload and its spike warning.",
        sentence: "A workload spike could be a new strength routine, too much downhill \
                   running, or even starting to bike to work every day.",
    },
    Source {
        field: "decline_studied_percent",
        rule: "A run on a treadmill decline or marked downhill gets the decline warning; \
               this is the slope of the figure it quotes.",
        sentence: "Running on a 5% decline has been shown to increase knee loading by \
                   ~40%.",
    },
    Source {
        field: "decline_knee_load_percent",
        rule: "The extra knee load the decline warning quotes.",
        sentence: "Running on a 5% decline has been shown to increase knee loading by \
                   ~40%.",
    },
    Source {
        field: "wall_sit_min_holds",
        rule: "The pre-run wall-sit set has at least this many holds.",
        sentence: "Isometric holds before a run ease pain: a wall sit of 30-45 seconds, \
                   3-5 times.",
    },
    Source {
        field: "wall_sit_max_holds",
        rule: "The pre-run wall-sit set has at most this many holds.",
        sentence: "Isometric holds before a run ease pain: a wall sit of 30-45 seconds, \
                   3-5 times.",
    },
    Source {
        field: "wall_sit_min_seconds",
        rule: "The shortest wall-sit hold the routine times.",
        sentence: "Isometric holds before a run ease pain: a wall sit of 30-45 seconds, \
                   3-5 times.",
    },
    Source {
        field: "wall_sit_max_seconds",
        rule: "The longest wall-sit hold the routine times.",
        sentence: "Isometric holds before a run ease pain: a wall sit of 30-45 seconds, \
                   3-5 times.",
    },
    Source {
        field: "strength_sessions_per_week",
        rule: "The week view counts hip and knee exercise sessions against this.",
        sentence: "Hip and knee strengthening is the gold standard: about 10 minutes, \
                   three times a week.",
    },
    Source {
        field: "strength_session_minutes",
        rule: "The length of one hip and knee exercise session.",
        sentence: "Hip and knee strengthening is the gold standard: about 10 minutes, \
                   three times a week.",
    },
    Source {
        field: "strength_same_level_weeks",
        rule: "After this many weeks at the same sets and load, the app suggests a \
               harder exercise.",
        sentence: "The exercises must get progressively harder to keep working.",
    },
    Source {
        field: "shoe_worn_km",
        rule: "A pair of shoes this far along gets a note to replace it.",
        sentence: "Worn-out shoes (around 400 miles) shift load to the knee.",
    },
    Source {
        field: "held_median_margin_spm",
        rule: "A run your watch measured moves you up only if your median moving step \
               rate was at most this far below the target.",
        sentence: "Cadence Coach's own rule, not the guidance's: the target is your natural \
                   rate plus 5-10%, learnt by running to it; a step counts when the watch \
                   shows you ran it (watches round and jitter by 1-2 spm).",
    },
    Source {
        field: "at_target_margin_spm",
        rule: "A measured minute counts as at the target when it is at most this far \
               below it.",
        sentence: "Cadence Coach's own rule, not the guidance's: a hill or a turn pulls \
                   single minutes down, so a minute gets a little more slack than the run.",
    },
    Source {
        field: "at_target_share",
        rule: "At least this share of the moving minutes must be at the target for the \
               step to count as run.",
        sentence: "Cadence Coach's own rule, not the guidance's: room for a warm-up and a \
                   cool-down off the target, but not for drifting back to the old rhythm \
                   for half the run.",
    },
];

/// One line of the advice page.
#[derive(Clone, Debug, PartialEq)]
pub struct AdviceLine {
    pub field: String,
    /// The number, as the [`Thresholds`] type holds it ("10.0", "3").
    pub value: String,
    /// `None` only for a field that has no [`Source`] yet (a defect the tests catch).
    pub source: Option<Source>,
}

/// Every field of `thresholds` with its value, in declaration order, read from the type
/// itself.
pub fn fields(thresholds: &Thresholds) -> Vec<(String, String)> {
    // A flat struct of numbers serializes as "(name:value,name:value,...)".
    let text = ron::to_string(thresholds).unwrap_or_default();
    text.trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .filter_map(|pair| pair.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect()
}

/// The advice page: every threshold with its rule and source.
pub fn lines() -> Vec<AdviceLine> {
    fields(&Thresholds::GUIDANCE)
        .into_iter()
        .map(|(field, value)| {
            let source = SOURCES.iter().find(|s| s.field == field).copied();
            AdviceLine {
                field,
                value,
                source,
            }
        })
        .collect()
}

/// The red flags as one sentence each.
pub fn red_flag_lines() -> Vec<String> {
    RED_FLAGS
        .iter()
        .map(|flag| format!("Red flag: {flag}: {SEE_CLINICIAN}."))
        .collect()
}

/// The page as text, for the terminal.
pub fn text() -> String {
    let mut out = String::from(
        "Every rule Cadence Coach applies, its number, and the guidance it comes from.\n\
         The app gives no risk scores and no diagnosis.\n\n",
    );
    for line in lines() {
        let (rule, sentence) = line
            .source
            .map_or(("(no rule written)", "(no source)"), |s| {
                (s.rule, s.sentence)
            });
        out.push_str(&format!(
            "{} = {}\n  Rule: {rule}\n  Source: \"{sentence}\"\n\n",
            line.field, line.value
        ));
    }
    for flag in red_flag_lines() {
        out.push_str(&flag);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_threshold_field_has_a_source_sentence() {
        let fields = fields(&Thresholds::GUIDANCE);
        // The list comes from the type: as many fields as a struct of this size holds.
        assert!(fields.len() >= 24, "{fields:?}");
        for (name, value) in &fields {
            assert!(
                SOURCES.iter().any(|s| s.field == name),
                "Thresholds::{name} has no source sentence in coach::advice::SOURCES"
            );
            assert!(value.parse::<f64>().is_ok(), "{name} = {value}");
        }
        for source in SOURCES {
            assert!(
                fields.iter().any(|(name, _)| name == source.field),
                "SOURCES names {}, which Thresholds does not have",
                source.field
            );
            assert!(!source.rule.is_empty() && !source.sentence.is_empty());
        }
        assert!(lines().iter().all(|line| line.source.is_some()));
    }

    #[test]
    fn the_page_shows_the_numbers_and_the_red_flags_with_a_clinician() {
        let page = text();
        assert!(page.contains("workload_spike_percent = 10.0"));
        assert!(page.contains("~40%"));
        assert_eq!(red_flag_lines().len(), 3);
        for flag in RED_FLAGS {
            assert!(page.contains(&format!("Red flag: {flag}: {SEE_CLINICIAN}.")));
        }
    }
}

//! The runner's risk profile in the plan's decisions: the same safe runs move a runner
//! without risk factors up every week, and hold a runner with one for a second week,
//! with the reason, before moving up.

use cadence_coach::coach::{
    Action, Baseline, Increase, Pain, Plan, PlayedRates, Profile, RiskProfile, SessionRecord,
};
use time::macros::{date, datetime};
use time::{Date, Duration};

fn safe_run(day: Date, suffix: u32) -> SessionRecord {
    let at = datetime!(2026-11-23 07:00 +01:00)
        + Duration::days((day - date!(2026 - 11 - 23)).whole_days());
    SessionRecord::new(
        SessionRecord::make_id(at, suffix),
        at,
        PlayedRates::steady(164.0),
        1_800.0,
        4_920,
        Pain {
            during: 1,
            after: 2,
        },
    )
}

/// Three safe runs in each of the plan's first two weeks.
fn two_safe_weeks() -> Vec<SessionRecord> {
    let start = date!(2026 - 11 - 23);
    [0, 2, 4, 7, 9, 11]
        .into_iter()
        .enumerate()
        .map(|(i, day)| safe_run(start + Duration::days(day), i as u32))
        .collect()
}

#[test]
fn with_a_risk_factor_a_safe_step_is_held_a_second_week_with_its_reason() {
    let plan = Plan::new(
        Baseline::typed(160.0).unwrap(),
        Increase::TEN,
        6,
        3,
        date!(2026 - 11 - 23),
    )
    .unwrap();
    let day = date!(2026 - 12 - 06);
    let plain = Profile::default();
    let risky = Profile {
        risk: RiskProfile {
            prior_knee_pain: Some(true),
            ..RiskProfile::default()
        },
        ..Profile::default()
    };

    let without = plan.progress(&plain.run_log(two_safe_weeks()), day);
    let actions: Vec<Action> = without.decisions.iter().map(|d| d.action).collect();
    assert_eq!(actions, [Action::Progress, Action::Progress]);
    assert_eq!(without.level, 3);

    let with = plan.progress(&risky.run_log(two_safe_weeks()), day);
    let actions: Vec<Action> = with.decisions.iter().map(|d| d.action).collect();
    assert_eq!(actions, [Action::Hold, Action::Progress]);
    assert_eq!(with.level, 2);
    assert_eq!(
        with.decisions[0].reason,
        "Holding 164 spm for a second week: knee pain before makes a recurrence likely \
         (50-80% of runners have one), so each step gets longer."
    );
    // The table shows it in week 1's reason, and projects two weeks per step.
    assert!(
        with.weeks[0]
            .reason
            .starts_with("Holding 164 spm for a second week")
    );
    let targets: Vec<u16> = with.weeks.iter().map(|row| row.target.spm).collect();
    assert_eq!(targets[..4], [164, 164, 168, 168]);
    let plain_targets: Vec<u16> = without.weeks.iter().map(|row| row.target.spm).collect();
    assert_eq!(plain_targets[..3], [164, 168, 172]);
}

//! Every number the coaching guidance gives, in one place, so a physiotherapist reviewing
//! the app can check them against the sources without reading the rules.

/// The numbers behind the coaching rules. Serialize lists the fields by name, so the
/// advice page ([`advice`](super::advice)) can show every one with its source.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Thresholds {
    /// Lowest running step rate accepted as a measurement, in spm.
    pub min_running_spm: f64,
    /// Highest running step rate accepted as a measurement, in spm.
    pub max_running_spm: f64,
    /// Above this natural rate there is little room to raise it: suggest +5% only.
    pub high_natural_spm: f64,
    /// Smallest increase over the natural rate the guidance recommends, in percent.
    pub min_increase_percent: f64,
    /// Largest increase over the natural rate the guidance recommends, in percent.
    pub max_increase_percent: f64,
    /// Highest pain (0-10) during or after a run that is still "safe": uncomfortable
    /// but tolerable.
    pub safe_pain_max: u8,
    /// Pain (0-10) from which the runner steps back: danger territory.
    pub step_back_pain_min: u8,
    /// Mornings in a row reported worse than usual that make the runner step back.
    pub worse_mornings_to_step_back: u8,
    /// Change in a week's average pain (points on the 0-10 scale) that counts as a trend.
    pub trend_pain_points: f64,
    /// A week with more than this many percent more running than the week before is a
    /// workload spike.
    pub workload_spike_percent: f64,
    /// After a step back: runs fewer per week, until the runner progresses again.
    pub step_back_fewer_runs: u8,
    /// After a step back: how much shorter the held part of each run is, in percent.
    pub step_back_shorter_percent: u8,
    /// With one or more personal risk factors (see [`risk`](super::risk)), each plan
    /// step lasts this many weeks instead of one.
    pub risk_weeks_per_step: u8,
    /// How a minute of other training (strength, cycling, hiking, other sport) counts in
    /// the weekly workload, in percent of a minute of running. Minute for minute: the
    /// guidance names a new strength routine or cycling to work as workload spikes in
    /// their own right, and gives no lighter weight for them.
    pub other_activity_load_percent: f64,
    /// The downhill slope (percent) the knee-loading figure below was measured on.
    pub decline_studied_percent: f64,
    /// How much more the knee is loaded on that decline, in percent (about).
    pub decline_knee_load_percent: f64,
    /// Fewest wall-sit holds before a run.
    pub wall_sit_min_holds: u8,
    /// Most wall-sit holds before a run.
    pub wall_sit_max_holds: u8,
    /// Shortest wall-sit hold, in seconds.
    pub wall_sit_min_seconds: u16,
    /// Longest wall-sit hold, in seconds.
    pub wall_sit_max_seconds: u16,
    /// Hip and knee exercise sessions per week.
    pub strength_sessions_per_week: u8,
    /// Minutes of one such session.
    pub strength_session_minutes: u8,
    /// Weeks at the same exercise level after which the app suggests a harder one.
    pub strength_same_level_weeks: u8,
    /// A pair of shoes this many km old is worn out (400 miles).
    pub shoe_worn_km: f64,
    /// A run the watch measured held the target when its median moving step rate was at
    /// most this many spm below it: watches round and jitter by 1-2 spm, so a runner who
    /// kept to the clicks lands within 2.
    pub held_median_margin_spm: f64,
    /// A measured minute counts as "at the target" at most this many spm below it: a
    /// little more slack than the median, since a hill or a turn pulls single minutes
    /// down.
    pub at_target_margin_spm: f64,
    /// Share of the moving minutes that must be at the target for the step to count as
    /// run: two thirds leaves room for a warm-up and a cool-down off the clicks' rate,
    /// but not for drifting back to the old rhythm for half the run.
    pub at_target_share: f64,
}

impl Thresholds {
    /// The values from the physiotherapy guidance on runner's knee.
    pub const GUIDANCE: Thresholds = Thresholds {
        min_running_spm: 120.0,
        max_running_spm: 220.0,
        high_natural_spm: 170.0,
        min_increase_percent: 5.0,
        max_increase_percent: 10.0,
        safe_pain_max: 3,
        step_back_pain_min: 7,
        worse_mornings_to_step_back: 2,
        trend_pain_points: 1.0,
        workload_spike_percent: 10.0,
        step_back_fewer_runs: 1,
        step_back_shorter_percent: 25,
        risk_weeks_per_step: 2,
        other_activity_load_percent: 100.0,
        decline_studied_percent: 5.0,
        decline_knee_load_percent: 40.0,
        wall_sit_min_holds: 3,
        wall_sit_max_holds: 5,
        wall_sit_min_seconds: 30,
        wall_sit_max_seconds: 45,
        strength_sessions_per_week: 3,
        strength_session_minutes: 10,
        strength_same_level_weeks: 3,
        shoe_worn_km: 640.0,
        held_median_margin_spm: 2.0,
        at_target_margin_spm: 3.0,
        at_target_share: 2.0 / 3.0,
    };

    /// Pain that makes the step repeat instead of progress: above safe, below danger.
    pub fn is_hold_pain(&self, pain: u8) -> bool {
        pain > self.safe_pain_max && pain < self.step_back_pain_min
    }

    pub fn is_step_back_pain(&self, pain: u8) -> bool {
        pain >= self.step_back_pain_min
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pain_bands_cover_the_scale_without_overlap() {
        let t = Thresholds::GUIDANCE;
        for pain in 0..=10u8 {
            let bands = [
                pain <= t.safe_pain_max,
                t.is_hold_pain(pain),
                t.is_step_back_pain(pain),
            ];
            assert_eq!(bands.iter().filter(|&&b| b).count(), 1, "pain {pain}");
        }
        assert!(t.is_hold_pain(4) && t.is_hold_pain(6) && t.is_step_back_pain(7));
    }
}

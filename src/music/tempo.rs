//! The tempo: the period at which the onset envelope best repeats.
//!
//! As in Ellis (2007), the envelope's autocorrelation is weighted by a prior (log-normal
//! around 120 BPM, one octave wide), but peaks are not trusted alone: the usual failure
//! of every tracker is a period off by a factor, so each candidate peak is scored with
//! its whole family of doublings and halvings, and a family that explains the rhythm
//! (kick, snare and hats all on it) beats one that only a triplet or a hat pattern makes.

/// Tempos outside this range are not music a runner steps to (in BPM).
pub const SLOWEST_BPM: f64 = 40.0;
pub const FASTEST_BPM: f64 = 240.0;
const PRIOR_BPM: f64 = 120.0;
const PRIOR_OCTAVES: f64 = 1.0;
/// How many autocorrelation peaks are weighed against each other.
const CANDIDATES: usize = 8;

/// The tempo found, as a period in envelope frames.
#[derive(Clone, Debug, PartialEq)]
pub struct TempoEstimate {
    pub period_frames: f64,
    /// How strongly the envelope repeats at that period, 0 to 1 (normalised
    /// autocorrelation).
    pub strength: f64,
}

/// The tempo of an envelope sampled at `frame_rate`, or `None` if it is too short to
/// hold two beats of the slowest tempo or has no variation at all.
pub fn estimate(envelope: &[f32], frame_rate: f64) -> Option<TempoEstimate> {
    let shortest = (frame_rate * 60.0 / FASTEST_BPM / 2.0).floor().max(1.0) as usize;
    let longest = (frame_rate * 60.0 / SLOWEST_BPM * 2.0).ceil() as usize;
    if envelope.len() < longest * 2 {
        return None;
    }
    let acf = autocorrelation(envelope, longest + 2);
    if acf[0] <= 0.0 {
        return None;
    }
    let bpm_of = |lag: f64| 60.0 * frame_rate / lag;
    let prior = |lag: f64| {
        let octaves = (bpm_of(lag) / PRIOR_BPM).log2() / PRIOR_OCTAVES;
        (-0.5 * octaves * octaves).exp()
    };
    let in_range = |lag: f64| (SLOWEST_BPM..=FASTEST_BPM).contains(&bpm_of(lag));
    let mut peaks: Vec<(f64, f64)> = (shortest.max(1)..=longest)
        .filter(|&lag| acf[lag] > 0.0 && acf[lag] >= acf[lag - 1] && acf[lag] > acf[lag + 1])
        .map(|lag| refine_peak(&acf, lag))
        .filter(|&(lag, _)| in_range(lag))
        .collect();
    peaks.sort_by(|a, b| (b.1 * prior(b.0)).total_cmp(&(a.1 * prior(a.0))));
    peaks.truncate(CANDIDATES);
    // A period's family: the period and its doublings and halvings within reach.
    let family = |lag: f64| -> f64 {
        [0.25, 0.5, 1.0, 2.0, 4.0]
            .iter()
            .map(|factor| lag * factor)
            .filter(|&lag| lag >= 1.0 && lag <= (longest + 1) as f64)
            .map(|lag| interpolate(&acf, lag).max(0.0))
            .sum::<f64>()
    };
    let &(best_lag, _) = peaks
        .iter()
        .max_by(|a, b| family(a.0).total_cmp(&family(b.0)))?;
    // Within the winning family, report the level the prior favours: the same rhythm,
    // counted the way a listener most likely would.
    let (lag, value) = [0.5, 1.0, 2.0]
        .iter()
        .map(|factor| best_lag * factor)
        .filter(|&lag| in_range(lag) && lag + 1.0 < acf.len() as f64)
        .map(|lag| {
            let near = lag.round() as usize;
            // Snap to the local peak around the multiple.
            let peak = (near.saturating_sub(2).max(1)..=(near + 2).min(acf.len() - 2))
                .max_by(|&a, &b| acf[a].total_cmp(&acf[b]))
                .unwrap_or(near);
            refine_peak(&acf, peak)
        })
        .max_by(|a, b| (a.1 * prior(a.0)).total_cmp(&(b.1 * prior(b.0))))?;
    Some(TempoEstimate {
        period_frames: lag,
        strength: (value / acf[0]).clamp(0.0, 1.0),
    })
}

/// Autocorrelation of the mean-removed envelope for lags 0..lags, each divided by the
/// number of products so long lags are not penalised.
fn autocorrelation(envelope: &[f32], lags: usize) -> Vec<f64> {
    let mean = envelope.iter().map(|&v| f64::from(v)).sum::<f64>() / envelope.len() as f64;
    let centred: Vec<f64> = envelope.iter().map(|&v| f64::from(v) - mean).collect();
    (0..lags)
        .map(|lag| {
            let products = centred.len() - lag;
            let sum: f64 = centred[..products]
                .iter()
                .zip(&centred[lag..])
                .map(|(a, b)| a * b)
                .sum();
            sum / products as f64
        })
        .collect()
}

/// The peak's position and height from a parabola through it and its neighbours.
fn refine_peak(acf: &[f64], lag: usize) -> (f64, f64) {
    let (left, centre, right) = (acf[lag - 1], acf[lag], acf[lag + 1]);
    let curvature = left - 2.0 * centre + right;
    if curvature >= 0.0 {
        return (lag as f64, centre);
    }
    let shift = (0.5 * (left - right) / curvature).clamp(-0.5, 0.5);
    (lag as f64 + shift, centre - 0.25 * (left - right) * shift)
}

fn interpolate(values: &[f64], at: f64) -> f64 {
    let below = at.floor() as usize;
    let fraction = at - below as f64;
    let a = values.get(below).copied().unwrap_or(0.0);
    let b = values.get(below + 1).copied().unwrap_or(a);
    a + (b - a) * fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulses(period: f64, frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|i| {
                let phase = (i as f64 / period).fract();
                if phase < 1.0 / period { 1.0 } else { 0.0 }
            })
            .collect()
    }

    #[test]
    fn a_pulse_train_is_found_at_its_period() {
        // 172 frames a second, a pulse every 0.5 s: 120 BPM.
        let estimate = estimate(&pulses(86.0, 6000), 172.0).unwrap();
        assert!((estimate.period_frames - 86.0).abs() < 0.5, "{estimate:?}");
    }

    #[test]
    fn a_flat_or_short_envelope_has_no_tempo() {
        assert_eq!(estimate(&[1.0; 5000], 172.0), None);
        assert_eq!(estimate(&[1.0, 0.0, 1.0], 172.0), None);
    }
}

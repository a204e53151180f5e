//! Beat tracking by dynamic programming (Ellis 2007, "Beat Tracking by Dynamic
//! Programming"): choose the beat times that together collect the most onset strength
//! while keeping each interval close to the tempo's period. The best score ending at
//! each frame is built from the best score one period or so earlier, so the whole song
//! is searched in one pass; the beats are read back from the strongest ending.

/// How hard the tracker holds intervals to the period (Ellis's α; librosa's default).
const TIGHTNESS: f64 = 100.0;

/// Beat frames of `envelope` for a tempo of `period` frames, in rising order.
pub fn track(envelope: &[f32], period: f64) -> Vec<usize> {
    if envelope.len() < 2 || period.is_nan() || period < 2.0 {
        return Vec::new();
    }
    let normalised = normalise(envelope);
    let local = local_score(&normalised, period);
    let n = local.len();
    let mut cumulative = vec![0.0f64; n];
    let mut backlink: Vec<Option<usize>> = vec![None; n];
    let earliest = (2.0 * period).round() as usize;
    let latest = (period / 2.0).round().max(1.0) as usize;
    let strongest = local.iter().copied().fold(0.0, f64::max);
    let mut before_first_beat = true;
    for i in 0..n {
        let mut best: Option<(usize, f64)> = None;
        let from = i.saturating_sub(earliest);
        let to = i.saturating_sub(latest);
        for (previous, &before) in cumulative.iter().enumerate().take(to + 1).skip(from) {
            if previous >= i {
                break;
            }
            let interval = (i - previous) as f64 / period;
            let penalty = TIGHTNESS * interval.ln().powi(2);
            let score = before - penalty;
            if best.is_none_or(|(_, best)| score > best) {
                best = Some((previous, score));
            }
        }
        // Until the music starts, beats need not link back to anything; and a beat
        // whose best predecessor scores below nothing starts a chain of its own (the
        // first beat, which would otherwise pay for an interval to the silence before).
        if before_first_beat && local[i] < 0.01 * strongest {
            best = None;
        } else {
            before_first_beat = false;
        }
        if best.is_some_and(|(_, score)| score < 0.0) {
            best = None;
        }
        cumulative[i] = local[i] + best.map_or(0.0, |(_, score)| score);
        backlink[i] = best.map(|(previous, _)| previous);
    }
    let Some(last) = last_beat(&cumulative) else {
        return Vec::new();
    };
    let mut beats = vec![last];
    while let Some(previous) = backlink[*beats.last().unwrap_or(&0)] {
        beats.push(previous);
    }
    beats.reverse();
    trim(&beats, &local)
}

/// The envelope divided by its standard deviation, so the tightness means the same for
/// loud and quiet songs.
fn normalise(envelope: &[f32]) -> Vec<f64> {
    let n = envelope.len() as f64;
    let mean = envelope.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let variance = envelope
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0).max(1.0);
    let deviation = variance.sqrt().max(1e-9);
    envelope.iter().map(|&v| f64::from(v) / deviation).collect()
}

/// The envelope smoothed by a Gaussian a sixteenth of a period wide: onsets a little
/// early or late still count.
fn local_score(envelope: &[f64], period: f64) -> Vec<f64> {
    let half = period.round() as isize;
    let kernel: Vec<f64> = (-half..=half)
        .map(|k| (-0.5 * (k as f64 * 32.0 / period).powi(2)).exp())
        .collect();
    let n = envelope.len() as isize;
    (0..n)
        .map(|i| {
            kernel
                .iter()
                .zip(-half..)
                .filter_map(|(weight, k)| {
                    let j = i + k;
                    (0..n).contains(&j).then(|| weight * envelope[j as usize])
                })
                .sum()
        })
        .collect()
}

/// The last local maximum of the cumulative score that reaches half the median of all
/// of them: the end of the music, not a fading tail.
fn last_beat(cumulative: &[f64]) -> Option<usize> {
    let maxima: Vec<usize> = (1..cumulative.len().saturating_sub(1))
        .filter(|&i| cumulative[i] > cumulative[i - 1] && cumulative[i] >= cumulative[i + 1])
        .collect();
    let mut heights: Vec<f64> = maxima.iter().map(|&i| cumulative[i]).collect();
    if heights.is_empty() {
        return None;
    }
    heights.sort_by(f64::total_cmp);
    let median = heights[heights.len() / 2];
    maxima
        .into_iter()
        .rev()
        .find(|&i| cumulative[i] >= 0.5 * median)
}

/// Drops the weak beats at either end (silence or a fade before and after the music).
fn trim(beats: &[usize], local: &[f64]) -> Vec<usize> {
    let strengths: Vec<f64> = beats.iter().map(|&b| local[b]).collect();
    if strengths.is_empty() {
        return Vec::new();
    }
    // Smoothed over five beats so that one quiet beat inside the song is not cut.
    let window = [0.25, 0.75, 1.0, 0.75, 0.25];
    let smoothed: Vec<f64> = (0..strengths.len() as isize)
        .map(|i| {
            window
                .iter()
                .zip(-2..)
                .filter_map(|(w, k)| strengths.get((i + k) as usize).map(|s| w * s))
                .sum()
        })
        .collect();
    let rms = (smoothed.iter().map(|s| s * s).sum::<f64>() / smoothed.len() as f64).sqrt();
    let threshold = 0.5 * rms;
    let first = smoothed.iter().position(|&s| s >= threshold);
    let last = smoothed.iter().rposition(|&s| s >= threshold);
    let (Some(mut first), Some(mut last)) = (first, last) else {
        return Vec::new();
    };
    // A beat the tracker added after the music stopped (or before it began) can hide
    // behind strong neighbours in the smoothing: drop end beats with almost no onset.
    let mut sorted = strengths.clone();
    sorted.sort_by(f64::total_cmp);
    let floor = 0.2 * sorted[sorted.len() / 2];
    while first < last && strengths[first] < floor {
        first += 1;
    }
    while last > first && strengths[last] < floor {
        last -= 1;
    }
    beats[first..=last].to_vec()
}

/// Beat times with the beats that do not fit their neighbours repaired, worst first:
/// each beat is compared with the straight line through the others within `reach`; the
/// one furthest off, if more than `tolerance` seconds, is dropped when it is the first
/// or last beat (the tracker may add one after the music stopped) and moved onto the
/// line otherwise; then the rest are checked again without it.
pub fn repair(times: &[f64], reach: usize, tolerance: f64) -> Vec<f64> {
    let mut times = times.to_vec();
    for _ in 0..times.len() {
        let predicted = |times: &[f64], i: usize| {
            let from = i.saturating_sub(reach);
            let to = (i + reach + 1).min(times.len());
            let others: Vec<(f64, f64)> = (from..to)
                .filter(|&j| j != i)
                .map(|j| (j as f64, times[j]))
                .collect();
            line_at(&others, i as f64)
        };
        let worst = (0..times.len())
            .filter_map(|i| predicted(&times, i).map(|p| (i, p, (times[i] - p).abs())))
            .max_by(|a, b| a.2.total_cmp(&b.2));
        match worst {
            Some((i, _, error)) if error > tolerance && (i == 0 || i + 1 == times.len()) => {
                times.remove(i);
            }
            Some((i, p, error)) if error > tolerance => times[i] = p,
            _ => break,
        }
    }
    times
}

/// The least-squares slope of `times` against their index (seconds per beat).
pub fn slope(times: &[f64]) -> Option<f64> {
    let points: Vec<(f64, f64)> = times
        .iter()
        .enumerate()
        .map(|(i, &t)| (i as f64, t))
        .collect();
    let at_zero = line_at(&points, 0.0)?;
    line_at(&points, 1.0).map(|at_one| at_one - at_zero)
}

/// The least-squares line through `points` evaluated at `x`; `None` for fewer than 3.
fn line_at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut covariance, mut variance) = (0.0, 0.0);
    for &(px, py) in points {
        covariance += (px - mean_x) * (py - mean_y);
        variance += (px - mean_x).powi(2);
    }
    Some(mean_y + covariance / variance * (x - mean_x))
}

/// Beat times with the frame grid's jitter smoothed away: each beat is placed on a
/// straight line fitted through the beats within `reach` of it. Steady songs come out
/// on an even grid accurate to a fraction of a frame; songs whose tempo drifts follow
/// the drift, since each line is local.
pub fn smooth(times: &[f64], reach: usize) -> Vec<f64> {
    (0..times.len())
        .map(|i| {
            let from = i.saturating_sub(reach);
            let to = (i + reach + 1).min(times.len());
            let points: Vec<(f64, f64)> = (from..to).map(|j| (j as f64, times[j])).collect();
            line_at(&points, i as f64).unwrap_or(times[i])
        })
        .collect()
}

/// How clear the beat is, 0 (none) to 1, from two signs that must both be there:
///
/// * the onsets repeat at the period (`periodicity`, the normalised autocorrelation
///   there): speech and noise have onsets, but no period;
/// * the beats fall on onsets stronger than the song's usual ones (on-beat strength
///   against the mean of the envelope's local peaks): an ambient pad's slow swell
///   repeats, but has no onsets to put beats on.
///
/// Each sign maps to 0..1 so that a clear case is near 1 (synthetic drums give about
/// 0.85 each, speech-like babble a periodicity term near 0.25 and noise a contrast near
/// 0.1); their product is the confidence.
pub fn confidence(envelope: &[f32], beats: &[usize], periodicity: f64) -> f64 {
    if beats.len() < 4 || envelope.is_empty() {
        return 0.0;
    }
    let peak_near = |frame: usize| -> f64 {
        // The strongest frame within two of this one: a beat may sit a frame off.
        (frame.saturating_sub(2)..=(frame + 2).min(envelope.len() - 1))
            .map(|f| f64::from(envelope[f]))
            .fold(0.0, f64::max)
    };
    let on_beats = beats.iter().map(|&b| peak_near(b)).sum::<f64>() / beats.len() as f64;
    let usual = (0..envelope.len()).map(peak_near).sum::<f64>() / envelope.len() as f64;
    let contrast = (on_beats / usual.max(1e-12) - 1.0).max(0.0);
    let periodicity = periodicity.clamp(0.0, 1.0);
    (contrast / (contrast + 1.0)) * (periodicity / (periodicity + 0.15))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulses_are_tracked_one_by_one() {
        let mut envelope = vec![0.0f32; 3000];
        for beat in (40..3000).step_by(60) {
            envelope[beat] = 1.0;
        }
        let beats = track(&envelope, 60.0);
        let expected: Vec<usize> = (40..3000).step_by(60).collect();
        assert_eq!(beats, expected);
        assert!(confidence(&envelope, &beats, 0.9) > 0.7);
        assert!(confidence(&envelope, &beats, 0.02) < 0.2);
    }

    #[test]
    fn smoothing_removes_jitter_but_keeps_a_straight_line() {
        let line: Vec<f64> = (0..40).map(|i| 0.3 + 0.5 * i as f64).collect();
        let jittered: Vec<f64> = line
            .iter()
            .enumerate()
            .map(|(i, t)| t + if i % 2 == 0 { 0.004 } else { -0.004 })
            .collect();
        for (smoothed, exact) in smooth(&jittered, 8).iter().zip(&line) {
            assert!((smoothed - exact).abs() < 0.002, "{smoothed} vs {exact}");
        }
    }

    #[test]
    fn a_stray_beat_at_the_end_is_dropped_and_one_inside_moved() {
        let mut times: Vec<f64> = (0..30).map(|i| 0.5 * i as f64).collect();
        times[10] += 0.1;
        times[29] -= 0.2;
        let repaired = repair(&times, 8, 0.025);
        assert_eq!(repaired.len(), 29);
        assert!((repaired[10] - 5.0).abs() < 1e-9, "{}", repaired[10]);
    }

    #[test]
    fn nothing_to_track_gives_no_beats() {
        assert!(track(&[], 50.0).is_empty());
        assert!(track(&[0.0; 10], f64::NAN).is_empty());
    }
}

//! How many frames the output lost, from the playback times it reports.
//!
//! Every callback says when its first frame will be heard. Take that time minus the
//! length of all the frames handed over before it: without a fault this offset stays
//! put (give or take the jitter of the reported times, and a slow drift between the
//! sound card's clock and the system clock). After an underrun or a stall the device
//! played silence in between, and the offset is larger by exactly that long. Those
//! frames are gone; the engine skips them, so that the step due now sounds now and the
//! rhythm stays on the grid it started on.
//!
//! Right after a fault the reported times wobble (PulseAudio's latency estimate is stale
//! for a buffer or two, then corrects itself), and now and then a single time is off by
//! a few milliseconds and the next one puts it right. So a jump starts an episode, and
//! a few buffers later the loss is the median offset of the buffers since minus the
//! median of the buffers before. A spike that comes back settles to nothing; a real
//! loss is settled to the frame. A long one is skipped at once and the rest settled,
//! so the click right after it is nearly in place.
//!
//! Some servers keep their own clock through an underrun and drop the late frames
//! themselves ([`AfterUnderrun::DropsLate`]): then the offset jumps while the buffer is
//! empty and comes back once it is full again. Nothing is skipped at once there (it
//! would be lost twice); the episode is still settled by the medians, in case the
//! server did shift after all, and a jump longer than a buffer is told as an underrun.

use std::time::{Duration, Instant};

/// A jump this large starts an episode, to be settled by the medians. Spikes this large
/// are common (they come back at once and settle to nothing), but so are real losses of
/// a few milliseconds, which must not slip the grid.
const EPISODE_AT: Duration = Duration::from_micros(1_500);
/// A settled loss this large is an underrun worth telling the runner about.
pub(crate) const MIN_GAP: Duration = Duration::from_millis(2);
/// A settled change smaller than this is the times' own noise.
const NOISE: Duration = Duration::from_micros(500);
/// A jump this large is skipped at once, so the click right after a long stall comes
/// nearly in place instead of late by the whole stall; the settling then corrects the
/// rest. Larger than any spike seen in the reported times (4 ms on PulseAudio).
const SKIP_AT_ONCE: Duration = Duration::from_millis(15);
/// Offsets kept on each side of an episode for the medians: an episode is settled this
/// many buffers after it started (360 ms with the default 40 ms buffers).
const WINDOW: usize = 9;
/// A longer gap is a device that went away and came back: skipping an hour of silence
/// is not what a runner wants, so the run carries on from where it was.
const MAX_GAP: Duration = Duration::from_secs(30);

/// What the sound system does with the time an underrun lasted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AfterUnderrun {
    /// It plays silence, then the late frames: everything after comes late unless the
    /// engine skips as many frames as the silence lasted (ALSA, PipeWire, JACK, and
    /// PulseAudio with its default pre-buffering).
    PlaysLate,
    /// It keeps its own clock and drops the frames that came too late (PulseAudio with
    /// no pre-buffering, as the patched cpal asks for fixed buffers; vendor/README.md).
    DropsLate,
}

/// What the callback must do before rendering a buffer to stay on the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Correction {
    None,
    /// Move the engine on by this many frames that will never be heard.
    Skip(u64),
    /// Play this many frames of silence before the engine's next frame (the times
    /// say the sound now comes earlier than before).
    Hold(u64),
}

/// Offsets in nanoseconds, the last [`WINDOW`] of them; no allocation.
#[derive(Clone, Copy, Debug, Default)]
struct Recent {
    values: [i128; WINDOW],
    len: usize,
    next: usize,
}

impl Recent {
    fn push(&mut self, value: i128) {
        self.values[self.next] = value;
        self.next = (self.next + 1) % WINDOW;
        self.len = (self.len + 1).min(WINDOW);
    }

    fn last(&self) -> Option<i128> {
        (self.len > 0).then(|| self.values[(self.next + WINDOW - 1) % WINDOW])
    }

    fn max(&self) -> Option<i128> {
        self.values.iter().take(self.len).copied().max()
    }

    fn median(&self) -> Option<i128> {
        let mut sorted = self.values;
        let values = sorted.get_mut(..self.len)?;
        values.sort_unstable();
        values.get(self.len / 2).copied()
    }

    /// The median distance from the median: how noisy these times are.
    fn spread(&self) -> i128 {
        let Some(median) = self.median() else {
            return 0;
        };
        let mut distances = Recent::default();
        for value in self.values.iter().take(self.len) {
            distances.push((value - median).abs());
        }
        distances.median().unwrap_or(0)
    }

    fn clear(&mut self) {
        *self = Self::default();
    }
}

#[derive(Debug)]
pub(crate) struct PlaybackTimeline {
    sample_rate: u32,
    /// The first buffer's playback time, and the frames handed over since.
    origin: Option<Instant>,
    frames: u64,
    /// Offsets before the current episode (or of the last buffers, outside one).
    before: Recent,
    /// Offsets since the times became steady again, inside an episode.
    after: Recent,
    in_episode: bool,
    /// Frames skipped at once in the current episode.
    skipped: u64,
}

/// An episode that ended: the frames it really lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Settled {
    pub(crate) lost_frames: u64,
}

impl PlaybackTimeline {
    pub(crate) fn new(sample_rate: u32) -> Self {
        Self {
            sample_rate: sample_rate.max(1),
            origin: None,
            frames: 0,
            before: Recent::default(),
            after: Recent::default(),
            in_episode: false,
            skipped: 0,
        }
    }

    /// Takes the playback time of a buffer of `frames` frames about to be rendered and
    /// says how to stay on the grid, and whether an episode of lost frames just ended.
    pub(crate) fn observe(
        &mut self,
        playback: Instant,
        frames: usize,
        after_underrun: AfterUnderrun,
    ) -> (Correction, Option<Settled>) {
        let Some(origin) = self.origin else {
            self.anchor(playback, frames);
            return (Correction::None, None);
        };
        let offset = signed_nanos(playback, origin) - nanos_of(self.frames, self.sample_rate);
        self.frames += frames as u64;
        if self.in_episode {
            self.settle(offset, frames, after_underrun)
        } else {
            let jump = self.before.last().map_or(0, |last| offset - last);
            if jump > nanos(EPISODE_AT) && jump <= nanos(MAX_GAP) {
                self.in_episode = true;
                self.after.clear();
                self.after.push(offset);
                if after_underrun == AfterUnderrun::PlaysLate && jump >= nanos(SKIP_AT_ONCE) {
                    self.skipped = frames_in(self.sample_rate, jump);
                    return (Correction::Skip(self.skipped), None);
                }
                self.skipped = 0;
            } else if jump > nanos(MAX_GAP) {
                // A device that came back after a long time: a new reckoning.
                self.before.clear();
                self.before.push(offset);
            } else {
                self.before.push(offset);
            }
            (Correction::None, None)
        }
    }

    /// Inside an episode: after [`WINDOW`] buffers, settles on their median, which a
    /// stale report or two at the start cannot move.
    fn settle(
        &mut self,
        offset: i128,
        frames: usize,
        after_underrun: AfterUnderrun,
    ) -> (Correction, Option<Settled>) {
        self.after.push(offset);
        if self.after.len < WINDOW {
            return (Correction::None, None);
        }
        let (Some(before), Some(after)) = (self.before.median(), self.after.median()) else {
            return (Correction::None, None);
        };
        let change = after - before;
        // Noisier times need a larger change before it is believed, or their noise
        // would be skipped bit by bit.
        let believed = nanos(NOISE).max(4 * self.before.spread().max(self.after.spread()));
        // How long the buffer was empty, where the server dropped the late frames: the
        // highest offset of the episode. Shorter than a buffer, it is the times' jitter.
        let dropped = self.after.max().map_or(0, |peak| peak - before);
        let dropped = (after_underrun == AfterUnderrun::DropsLate
            && dropped >= nanos_of(frames as u64, self.sample_rate))
        .then(|| frames_in(self.sample_rate, dropped));
        self.in_episode = false;
        self.before = self.after;
        self.after.clear();
        let lost = if change > believed {
            frames_in(self.sample_rate, change)
        } else {
            // A spike that came back (or a drop in the times): nothing was lost.
            0
        };
        let settled = match (lost, dropped) {
            (0, Some(dropped)) => Some(Settled {
                lost_frames: dropped,
            }),
            (0, None) => None,
            (lost, _) => Some(Settled { lost_frames: lost }),
        };
        let skipped = std::mem::take(&mut self.skipped);
        let correction = match lost.cmp(&skipped) {
            std::cmp::Ordering::Greater => Correction::Skip(lost - skipped),
            std::cmp::Ordering::Less => Correction::Hold(skipped - lost),
            std::cmp::Ordering::Equal => Correction::None,
        };
        (correction, settled)
    }

    /// Starts a new reckoning from this buffer without counting a gap: for the first
    /// buffer after a pause, when nothing was playing to lose.
    pub(crate) fn anchor(&mut self, playback: Instant, frames: usize) {
        self.origin = Some(playback);
        self.frames = frames as u64;
        self.before.clear();
        self.before.push(0);
        self.after.clear();
        self.in_episode = false;
        self.skipped = 0;
    }
}

/// Nearest whole frame of a non-negative span, in integers so nothing rounds twice.
fn frames_in(sample_rate: u32, nanos: i128) -> u64 {
    let nanos = u128::try_from(nanos.max(0)).unwrap_or(0);
    let rate = u128::from(sample_rate);
    u64::try_from((nanos * rate + 500_000_000) / 1_000_000_000).unwrap_or(u64::MAX)
}

fn nanos_of(frames: u64, sample_rate: u32) -> i128 {
    i128::from(frames) * 1_000_000_000 / i128::from(sample_rate.max(1))
}

fn nanos(duration: Duration) -> i128 {
    i128::try_from(duration.as_nanos()).unwrap_or(i128::MAX)
}

/// `a - b` in nanoseconds, negative when `a` is earlier.
fn signed_nanos(a: Instant, b: Instant) -> i128 {
    if a >= b { nanos(a - b) } else { -nanos(b - a) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 48_000;

    fn base() -> Instant {
        static BASE: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        *BASE.get_or_init(Instant::now)
    }

    fn at_ms(ms: f64) -> Instant {
        base() + Duration::from_secs_f64(ms / 1e3)
    }

    /// Feeds buffers of 480 frames heard at `times` (ms) and adds up the corrections:
    /// positive for frames skipped, negative for frames held.
    fn run(times: &[f64]) -> (i64, Vec<Settled>) {
        run_on(times, AfterUnderrun::PlaysLate)
    }

    fn run_on(times: &[f64], after_underrun: AfterUnderrun) -> (i64, Vec<Settled>) {
        let mut timeline = PlaybackTimeline::new(RATE);
        let mut net = 0i64;
        let mut settled = Vec::new();
        for &t in times {
            let (correction, done) = timeline.observe(at_ms(t), 480, after_underrun);
            net += match correction {
                Correction::None => 0,
                Correction::Skip(n) => n as i64,
                Correction::Hold(n) => -(n as i64),
            };
            settled.extend(done);
        }
        (net, settled)
    }

    #[test]
    fn back_to_back_buffers_lose_nothing_even_with_jitter() {
        // Up to +-1 ms of random jitter around the true 10 ms spacing.
        let mut seed = 12_345u64;
        let times: Vec<f64> = (0..10_000)
            .map(|i| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let jitter = ((seed >> 33) % 2_001) as f64 / 1e3 - 1.0;
                40.0 + i as f64 * 10.0 + jitter
            })
            .collect();
        assert_eq!(run(&times), (0, vec![]));
    }

    #[test]
    fn a_clean_gap_is_skipped_to_the_frame() {
        let mut times = vec![0.0, 10.0, 20.0];
        // 1234 frames (25.708 ms) of silence before the fourth buffer.
        let gap = 1_234.0 / 48.0;
        times.extend((3..20).map(|i| i as f64 * 10.0 + gap));
        let (net, settled) = run(&times);
        assert_eq!(net, 1_234);
        assert_eq!(settled, vec![Settled { lost_frames: 1_234 }]);
    }

    #[test]
    fn a_wobbling_recovery_is_settled_to_the_true_loss() {
        // As seen on PulseAudio after a 150 ms stall: the first buffer after it reports
        // a stale latency (+153.81 ms), the next none at all (-21.87 ms), the next
        // catches up (+10.55 ms); then the times are steady again. The true loss is
        // the sum, 142.49 ms.
        let mut times = vec![0.0, 10.0, 20.0];
        let mut t = 30.0;
        for jump in [
            153.81, -21.87, 10.55, 0.01, -0.01, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        ] {
            t += jump;
            times.push(t);
            t += 10.0;
        }
        let (net, settled) = run(&times);
        // The median of the steady buffers: 0.02 ms after the last wobble.
        let true_loss = ((153.81 - 21.87 + 10.55 + 0.02) * 48.0f64).round() as i64;
        assert!((net - true_loss).abs() <= 1, "{net} vs {true_loss}");
        assert_eq!(settled.len(), 1);
        assert!((settled[0].lost_frames as i64 - true_loss).abs() <= 1);
    }

    #[test]
    fn a_spike_that_comes_back_and_a_drop_in_the_times_cost_nothing() {
        // One time 4.1 ms late, the next on time again: jitter, as seen on PulseAudio.
        let mut times: Vec<f64> = (0..40).map(|i| i as f64 * 10.0).collect();
        times[20] += 4.1;
        assert_eq!(run(&times), (0, vec![]));
        // The sound now comes 5 ms earlier for good (a device that lowered its
        // latency): no frames were lost, so nothing is skipped or held.
        let times: Vec<f64> = (0..40)
            .map(|i| i as f64 * 10.0 - if i >= 20 { 5.0 } else { 0.0 })
            .collect();
        let mut timeline = PlaybackTimeline::new(RATE);
        let held: Vec<Correction> = times
            .iter()
            .map(|&t| timeline.observe(at_ms(t), 480, AfterUnderrun::PlaysLate).0)
            .filter(|c| *c != Correction::None)
            .collect();
        assert_eq!(held, []);
        // (A drop in the times is no loss and starts no episode: the sound card
        // cannot play early, so only a later report after a jump is believed.)
    }

    #[test]
    fn spiky_times_after_a_gap_are_settled_by_their_medians() {
        let mut times: Vec<f64> = (0..60).map(|i| i as f64 * 10.0).collect();
        for (i, t) in times.iter_mut().enumerate() {
            if i >= 30 {
                *t += 30.0;
            }
        }
        // Spikes inside the steady stretch after the gap.
        times[40] += 0.6;
        times[42] -= 0.7;
        let (net, settled) = run(&times);
        assert_eq!(net, 1_440);
        assert_eq!(settled, vec![Settled { lost_frames: 1_440 }]);
    }

    #[test]
    fn a_slow_sound_card_clock_is_followed_not_skipped() {
        // 100 ppm slow: after an hour the card is 360 ms behind the system clock, one
        // buffer at a time, never by a jump.
        let times: Vec<f64> = (0..360_000).map(|i| i as f64 * 10.0 * 1.0001).collect();
        assert_eq!(run(&times), (0, vec![]));
    }

    #[test]
    fn small_and_huge_jumps_are_not_lost_frames() {
        // Under EPISODE_AT: jitter. An hour away: a device that came back, not a gap to
        // skip. Earlier than expected outside an episode: never counts.
        let times = [0.0, 11.0, 3_600_021.0, 3_600_021.0, 3_600_031.0];
        assert_eq!(run(&times), (0, vec![]));
    }

    #[test]
    fn a_server_that_drops_late_frames_gets_nothing_skipped_but_the_underrun_is_told() {
        // As seen on PulseAudio with no pre-buffering after a 150 ms stall: the first
        // buffer after it is 130 ms late (the buffer covered 20 ms), the server asks
        // for what it dropped in one long buffer, and the times are where they were.
        let mut times: Vec<f64> = (0..20).map(|i| i as f64 * 10.0).collect();
        times.push(200.0 + 130.0);
        times.extend((21..40).map(|i| i as f64 * 10.0));
        let (net, settled) = run_on(&times, AfterUnderrun::DropsLate);
        assert_eq!(net, 0, "the server kept time: nothing to skip or hold");
        assert_eq!(settled, vec![Settled { lost_frames: 6_240 }]);
        // Where the server plays the late frames after all, the medians still see it
        // and the loss is skipped once they have settled, never twice.
        let times: Vec<f64> = (0..40)
            .map(|i| i as f64 * 10.0 + if i >= 20 { 30.0 } else { 0.0 })
            .collect();
        assert_eq!(
            run_on(&times, AfterUnderrun::DropsLate),
            (1_440, vec![Settled { lost_frames: 1_440 }])
        );
    }

    #[test]
    fn on_a_server_that_drops_late_frames_jitter_is_no_underrun() {
        // A 4.1 ms spike, shorter than a buffer: not an underrun.
        let mut times: Vec<f64> = (0..40).map(|i| i as f64 * 10.0).collect();
        times[20] += 4.1;
        assert_eq!(run_on(&times, AfterUnderrun::DropsLate), (0, vec![]));
    }
}

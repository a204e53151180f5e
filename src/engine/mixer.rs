//! Click voices and the output stage: overlapping clicks mix, volume changes glide, and a
//! limiter keeps the sum from clipping. Nothing here allocates after construction.

use std::sync::Arc;

/// How many clicks may ring at once. Sounds last at most a second and steps come at most
/// about four a second, so this is never reached in practice; if it is, the oldest voice
/// fades out instead of being cut.
pub const MAX_VOICES: usize = 16;
/// A stolen voice fades over this many frames instead of stopping with a pop.
const STEAL_FADE_FRAMES: u32 = 64;
/// Volume changes glide over this long (seconds) so that they never click.
const VOLUME_GLIDE_SECONDS: f32 = 0.010;
/// The limiter's ceiling and its release time (seconds).
pub const CEILING: f32 = 0.99;
const LIMITER_RELEASE_SECONDS: f32 = 0.050;
const LIMITER_SNAP: f32 = 0.999_99;

struct Voice {
    samples: Arc<[f32]>,
    position: usize,
    /// Frames of the current block to wait before the first sample.
    delay: usize,
    /// Frames left of a fade-out, if the voice was stolen.
    fading: Option<u32>,
}

pub struct Mixer {
    voices: [Option<Voice>; MAX_VOICES],
    mono: Box<[f32]>,
    output: OutputStage,
}

/// Volume glide, then a limiter with instant attack and smooth release.
struct OutputStage {
    volume: f32,
    target_volume: f32,
    volume_step: f32,
    limiter_gain: f32,
    limiter_release: f32,
}

impl OutputStage {
    /// True when silence in gives silence out and leaves the state as it is: most of a
    /// click track, so it is worth skipping the arithmetic.
    fn is_settled(&self) -> bool {
        self.volume == self.target_volume && self.limiter_gain == 1.0
    }

    fn process(&mut self, sample: f32) -> f32 {
        if sample == 0.0 && self.is_settled() {
            return 0.0;
        }
        let difference = self.target_volume - self.volume;
        self.volume += difference.clamp(-self.volume_step, self.volume_step);
        let value = sample * self.volume;
        if value.abs() * self.limiter_gain > CEILING {
            self.limiter_gain = CEILING / value.abs();
        }
        // The clamp only catches the last bit of rounding in the division above.
        let limited = (value * self.limiter_gain).clamp(-CEILING, CEILING);
        self.limiter_gain += (1.0 - self.limiter_gain) * self.limiter_release;
        if self.limiter_gain > LIMITER_SNAP {
            // Reach exactly 1 instead of creeping up for ever, so silence settles.
            self.limiter_gain = 1.0;
        }
        limited
    }
}

impl Mixer {
    /// `max_block` is the most frames [`Mixer::render`] is ever asked for at once.
    pub fn new(sample_rate: u32, max_block: usize, volume: f32) -> Self {
        let rate = sample_rate.max(1) as f32;
        Self {
            voices: Default::default(),
            mono: vec![0.0; max_block].into_boxed_slice(),
            output: OutputStage {
                volume,
                target_volume: volume,
                volume_step: 1.0 / (VOLUME_GLIDE_SECONDS * rate),
                limiter_gain: 1.0,
                limiter_release: 1.0 - (-1.0 / (LIMITER_RELEASE_SECONDS * rate)).exp(),
            },
        }
    }

    pub fn set_volume(&mut self, volume: f32) {
        if volume.is_finite() {
            self.output.target_volume = volume.clamp(0.0, 1.0);
        }
    }

    pub fn active_voices(&self) -> usize {
        self.voices.iter().flatten().count()
    }

    /// Starts `samples` `delay` frames into the next block. Returns false when every
    /// voice is busy (the click is then dropped).
    pub fn trigger(&mut self, samples: &Arc<[f32]>, delay: usize) -> bool {
        let busy = self.active_voices();
        if busy + 2 >= MAX_VOICES {
            // Make room ahead of time: fade the voice that has played longest.
            if let Some(oldest) = self
                .voices
                .iter_mut()
                .flatten()
                .filter(|voice| voice.fading.is_none())
                .max_by_key(|voice| voice.position)
            {
                oldest.fading = Some(STEAL_FADE_FRAMES);
            }
        }
        let Some(slot) = self.voices.iter_mut().find(|slot| slot.is_none()) else {
            return false;
        };
        *slot = Some(Voice {
            samples: Arc::clone(samples),
            position: 0,
            delay,
            fading: None,
        });
        true
    }

    /// Mixes `frames` frames into `out` (interleaved, `channels` wide), overwriting it.
    /// `frames` must not exceed the `max_block` given to [`Mixer::new`].
    pub fn render(&mut self, out: &mut [f32], channels: usize, frames: usize) {
        let channels = channels.max(1);
        let frames = frames.min(self.mono.len()).min(out.len() / channels);
        let Some(mono) = self.mono.get_mut(..frames) else {
            return;
        };
        mono.fill(0.0);
        let mut sounding = false;
        for slot in &mut self.voices {
            let Some(voice) = slot else { continue };
            sounding = true;
            let start = voice.delay.min(frames);
            voice.delay -= start;
            let mut finished = false;
            for target in mono.iter_mut().skip(start) {
                let Some(&sample) = voice.samples.get(voice.position) else {
                    finished = true;
                    break;
                };
                let fade = match voice.fading.as_mut() {
                    None => 1.0,
                    Some(0) => {
                        finished = true;
                        break;
                    }
                    Some(left) => {
                        *left -= 1;
                        *left as f32 / STEAL_FADE_FRAMES as f32
                    }
                };
                *target += sample * fade;
                voice.position += 1;
            }
            if finished || voice.position >= voice.samples.len() {
                // The sound itself is still owned by the engine, so this only lowers a
                // reference count: no memory is freed here.
                *slot = None;
            }
        }
        let out = out.get_mut(..frames * channels).unwrap_or_default();
        if !sounding && self.output.is_settled() {
            // Nothing plays and nothing is changing: the common case between clicks.
            out.fill(0.0);
        } else if channels == 1 {
            for (target, &sample) in out.iter_mut().zip(mono.iter()) {
                *target = self.output.process(sample);
            }
        } else {
            for (frame, &sample) in out.chunks_exact_mut(channels).zip(mono.iter()) {
                frame.fill(self.output.process(sample));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_loud_clicks_never_clip() {
        let loud: Arc<[f32]> = vec![0.9; 4_800].into();
        let mut mixer = Mixer::new(48_000, 512, 1.0);
        let mut out = vec![0.0; 512 * 2];
        let mut loudest = 0.0f32;
        for block in 0..20 {
            for delay in [0, 100, 300] {
                mixer.trigger(&loud, delay);
            }
            mixer.render(&mut out, 2, 512);
            loudest = out.iter().fold(loudest, |m, s| m.max(s.abs()));
            assert!(out.iter().all(|s| s.abs() <= CEILING), "block {block}");
        }
        assert!(
            loudest > 0.9,
            "the limiter should not squash everything: {loudest}"
        );
    }

    #[test]
    fn voices_start_on_their_frame() {
        let click: Arc<[f32]> = vec![0.5, 0.25].into();
        let mut mixer = Mixer::new(48_000, 64, 1.0);
        mixer.trigger(&click, 70);
        let mut out = vec![0.0; 64];
        mixer.render(&mut out, 1, 64);
        assert!(out.iter().all(|&s| s == 0.0));
        mixer.render(&mut out, 1, 64);
        // Frame 70 is the seventh of the second block.
        assert_eq!(&out[5..9], &[0.0, 0.5, 0.25, 0.0]);
        assert_eq!(mixer.active_voices(), 0);
    }

    #[test]
    fn volume_glides_instead_of_jumping() {
        let long: Arc<[f32]> = vec![1.0; 48_000].into();
        let mut mixer = Mixer::new(48_000, 1_024, 0.5);
        mixer.trigger(&long, 0);
        let mut out = vec![0.0; 1_024];
        mixer.render(&mut out, 1, 1_024);
        mixer.set_volume(0.0);
        mixer.render(&mut out, 1, 1_024);
        let biggest_step = out
            .windows(2)
            .map(|w| (w[0] - w[1]).abs())
            .fold(0.0, f32::max);
        assert!(biggest_step < 0.01, "{biggest_step}");
        assert_eq!(*out.last().unwrap(), 0.0);
    }

    #[test]
    fn a_crowd_of_voices_fades_the_oldest_instead_of_cutting() {
        let long: Arc<[f32]> = vec![0.1; 48_000].into();
        let mut mixer = Mixer::new(48_000, 256, 1.0);
        for _ in 0..40 {
            mixer.trigger(&long, 0);
            let mut out = vec![0.0; 256];
            mixer.render(&mut out, 1, 256);
        }
        assert!(mixer.active_voices() < MAX_VOICES);
    }
}

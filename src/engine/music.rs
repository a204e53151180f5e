//! Music beside the clicks: the audio thread's end of a lock-free ring that a worker
//! fills with the stretched songs (see `crate::music::player`).
//!
//! The ring carries frames for consecutive session frames from `start_frame` on, so the
//! music stays on the steps even after an underrun: frames the worker delivered too
//! late are skipped, never played late. When the ring runs low the music fades out
//! over a few milliseconds and fades back in once it has refilled; the clicks are
//! never touched. A ducking limiter lowers only the music where click plus music would
//! pass the ceiling, so the click stays audible and nothing clips.

use rtrb::{Consumer, Producer, RingBuffer};

use super::mixer::CEILING;

/// The fade when the worker falls behind (and back): long enough not to click.
const FADE_SECONDS: f32 = 0.010;
const DUCK_RELEASE_SECONDS: f32 = 0.080;

/// Creates the ring: the producer for the worker, the input for the engine.
/// `seconds` of audio fit in it.
pub fn music_ring(
    sample_rate: u32,
    channels: u16,
    seconds: f64,
    start_frame: u64,
    volume: f32,
) -> (Producer<f32>, MusicInput) {
    let channels = usize::from(channels.max(1));
    let frames = (seconds.max(0.05) * f64::from(sample_rate.max(1))) as usize;
    let (producer, consumer) = RingBuffer::new(frames * channels);
    let rate = sample_rate.max(1) as f32;
    let fade_frames = (FADE_SECONDS * rate).max(1.0);
    let input = MusicInput {
        consumer,
        channels,
        next_frame: start_frame,
        volume: volume.clamp(0.0, 1.0),
        fade: 0.0,
        fade_step: 1.0 / fade_frames,
        low_water: fade_frames as usize,
        duck: 1.0,
        duck_release: 1.0 - (-1.0 / (DUCK_RELEASE_SECONDS * rate)).exp(),
        starved: 0,
    };
    (producer, input)
}

/// The engine's side of the music ring. Mixing never allocates, locks or blocks.
#[derive(Debug)]
pub struct MusicInput {
    consumer: Consumer<f32>,
    channels: usize,
    /// The session frame of the next frame in the ring.
    next_frame: u64,
    volume: f32,
    /// 0 (silent) to 1: falls when the ring runs low, rises when it has refilled.
    fade: f32,
    fade_step: f32,
    /// Below this many frames in the ring the music starts fading out.
    low_water: usize,
    duck: f32,
    duck_release: f32,
    /// Frames missed because the worker was behind.
    starved: u64,
}

impl MusicInput {
    pub fn set_volume(&mut self, volume: f32) {
        self.volume = volume.clamp(0.0, 1.0);
    }

    /// Session frames of music the worker delivered too late (they were skipped).
    pub fn starved_frames(&self) -> u64 {
        self.starved
    }

    /// Adds the music for the frames `block_start..` into `block`, which already holds
    /// the clicks (interleaved, the engine's channels).
    pub fn mix(&mut self, block: &mut [f32], block_start: u64) {
        let channels = self.channels;
        let frames = block.len() / channels;
        if frames == 0 {
            return;
        }
        // Frames for a moment already past: drop them so the beats stay on the steps.
        if self.next_frame < block_start {
            let behind = block_start - self.next_frame;
            let available = (self.consumer.slots() / channels) as u64;
            let skip = behind.min(available) as usize;
            if let Ok(chunk) = self.consumer.read_chunk(skip * channels) {
                chunk.commit_all();
            }
            self.next_frame += skip as u64;
            if self.next_frame < block_start {
                self.starved += block_start - self.next_frame;
                self.next_frame = block_start;
                self.fade = 0.0;
            }
        }
        let first = usize::try_from(self.next_frame - block_start).unwrap_or(usize::MAX);
        if first >= frames {
            return;
        }
        let wanted = frames - first;
        let mut available = self.consumer.slots() / channels;
        if available < 2 * self.low_water && self.fade == 0.0 {
            // Starving: wait silently until the worker has caught up by a margin.
            self.starved += wanted as u64;
            self.next_frame += wanted as u64;
            let skip = wanted.min(available);
            if let Ok(chunk) = self.consumer.read_chunk(skip * channels) {
                chunk.commit_all();
            }
            return;
        }
        let take = wanted.min(available);
        let Ok(chunk) = self.consumer.read_chunk(take * channels) else {
            return;
        };
        let (a, b) = chunk.as_slices();
        let music = |index: usize| a.get(index).or_else(|| b.get(index - a.len()));
        let clicks = &mut block[first * channels..(first + take) * channels];
        for (k, frame) in clicks.chunks_exact_mut(channels).enumerate() {
            available -= 1;
            let target = if available < self.low_water { 0.0 } else { 1.0 };
            self.fade = if target > self.fade {
                (self.fade + self.fade_step).min(1.0)
            } else {
                (self.fade - self.fade_step).max(0.0)
            };
            let gain = self.volume * self.fade;
            // Duck first, so that every channel of the frame gets the same gain.
            for (c, click) in frame.iter().enumerate() {
                let m = music(k * channels + c).copied().unwrap_or(0.0) * gain;
                let room = (CEILING - click.abs()).max(0.0);
                if m.abs() * self.duck > room {
                    self.duck = room / m.abs();
                }
            }
            for (c, sample) in frame.iter_mut().enumerate() {
                let m = music(k * channels + c).copied().unwrap_or(0.0) * gain;
                *sample += m * self.duck;
            }
            self.duck += (1.0 - self.duck) * self.duck_release;
        }
        chunk.commit_all();
        self.next_frame += take as u64;
        if take < wanted {
            self.starved += (wanted - take) as u64;
            self.next_frame += (wanted - take) as u64;
            self.fade = 0.0;
        }
    }
}

/// Anything that renders music frame after frame from session frame 0 (the stretched
/// playlist in `crate::music`, or a test signal).
pub trait MusicSource {
    /// Fills `out` (interleaved, the engine's channels) with the next frames.
    fn render(&mut self, out: &mut [f32]);
}

/// The worker's end: renders from a source into the ring. Runs off the audio thread.
pub struct MusicFeeder {
    source: Box<dyn MusicSource + Send>,
    producer: Producer<f32>,
    channels: usize,
    block: Vec<f32>,
    /// Session frames rendered so far.
    rendered: u64,
}

/// Frames rendered at a time by the feeder.
const FEED_BLOCK: usize = 1024;

impl MusicFeeder {
    pub fn new(
        source: Box<dyn MusicSource + Send>,
        producer: Producer<f32>,
        channels: u16,
    ) -> Self {
        let channels = usize::from(channels.max(1));
        Self {
            source,
            producer,
            channels,
            block: vec![0.0; FEED_BLOCK * channels],
            rendered: 0,
        }
    }

    /// Renders while the ring has room (and at most until session frame `until`).
    /// Returns the frames added.
    pub fn fill(&mut self, until: u64) -> usize {
        let mut added = 0;
        loop {
            let room = self.producer.slots() / self.channels;
            let left = until.saturating_sub(self.rendered);
            let frames = room
                .min(FEED_BLOCK)
                .min(usize::try_from(left).unwrap_or(usize::MAX));
            if frames == 0 {
                return added;
            }
            let block = &mut self.block[..frames * self.channels];
            self.source.render(block);
            if let Ok(mut chunk) = self.producer.write_chunk(block.len()) {
                let (a, b) = chunk.as_mut_slices();
                a.copy_from_slice(&block[..a.len()]);
                b.copy_from_slice(&block[a.len()..]);
                chunk.commit_all();
            }
            self.rendered += frames as u64;
            added += frames;
        }
    }

    /// Whether the audio thread has dropped its end (the session is over).
    pub fn is_abandoned(&self) -> bool {
        self.producer.is_abandoned()
    }
}

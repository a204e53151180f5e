//! Music beside the clicks: the audio thread's end of a lock-free ring that a worker
//! fills with the stretched songs (see `crate::music::player`).
//!
//! The ring carries frames for consecutive session frames from `start_frame` on, so the
//! music stays on the steps even after an underrun: frames the worker delivered too
//! late are skipped, never played late. When the ring runs low the music fades out
//! over a few milliseconds and fades back in once it has refilled; the clicks are
//! never touched. A ducking limiter lowers only the music where click plus music would
//! pass the ceiling, so the click stays audible and nothing clips.

use crossbeam_channel::{Receiver, Sender, bounded};
use rtrb::{Consumer, Producer, RingBuffer};

use super::mixer::CEILING;
use super::tempo::Piece;

/// The fade when the worker falls behind (and back): long enough not to click.
const FADE_SECONDS: f32 = 0.010;
const DUCK_RELEASE_SECONDS: f32 = 0.080;
/// How far after a live rate change the music switches to its new time map: long
/// enough for the worker to wake and render the new map, shorter than the quickest
/// step (240 ms at 250 spm), so no step passes on the old map.
pub const RETIME_LEAD_SECONDS: f64 = 0.1;
/// Rate changes waiting for the worker; more in flight than this are coalesced.
const CHANGES_CAPACITY: usize = 16;

/// A rate change the engine made while playing, for the music to follow: from step
/// `from_step` on, steps fall where `glide` (if any) and then `hold` put them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TempoChange {
    pub from_step: u64,
    pub glide: Option<Piece>,
    pub hold: Piece,
    /// The session frame the engine had reached when it changed the rate.
    pub at_frame: u64,
}

impl TempoChange {
    /// The ideal frame of `step` (at or after `from_step`).
    pub fn frame_of_step(&self, step: f64) -> f64 {
        match &self.glide {
            Some(glide) if step < glide.end_step() => glide.frame_of_step(step),
            _ => self.hold.frame_of_step(step),
        }
    }
}

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
        ending_at: u64::MAX,
        changes: None,
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
    /// From this session frame on the music fades out: a newer ring takes over.
    ending_at: u64,
    /// Where rate changes go, for the worker to retime the music.
    changes: Option<Sender<TempoChange>>,
}

impl MusicInput {
    pub fn set_volume(&mut self, volume: f32) {
        self.volume = volume.clamp(0.0, 1.0);
    }

    pub fn volume(&self) -> f32 {
        self.volume
    }

    /// The session frame of the first frame this ring carries (or carries next).
    pub fn next_frame(&self) -> u64 {
        self.next_frame
    }

    /// Fades this ring out from session frame `frame` on (a newer one takes over).
    pub fn end_at(&mut self, frame: u64) {
        self.ending_at = frame;
    }

    /// True once the ring has faded out after [`MusicInput::end_at`].
    pub fn has_ended(&self, block_start: u64) -> bool {
        block_start >= self.ending_at && self.fade == 0.0
    }

    /// Passes a rate change to the worker, without blocking or allocating; when the
    /// worker has many waiting, this one is dropped (the next one retimes anyway).
    pub fn tempo_changed(&self, change: TempoChange) {
        if let Some(changes) = &self.changes {
            let _ = changes.try_send(change);
        }
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
        let first_frame = self.next_frame;
        for (k, frame) in clicks.chunks_exact_mut(channels).enumerate() {
            available -= 1;
            let ending = first_frame + k as u64 >= self.ending_at;
            let target = if available < self.low_water || ending {
                0.0
            } else {
                1.0
            };
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

    /// The same music laid on the steps as they fall after `change`, rendering from
    /// session frame `from_frame` on; `None` if this source cannot follow rate changes.
    fn retimed(
        &self,
        _change: &TempoChange,
        _from_frame: u64,
    ) -> Option<Box<dyn MusicSource + Send>> {
        None
    }

    /// The music with the current song cut short: the next one comes in on a beat
    /// soon after `from_frame`; `None` if there is nothing to skip to.
    fn skipped(&self, _from_frame: u64) -> Option<Box<dyn MusicSource + Send>> {
        None
    }

    /// The name of what plays at the last frame rendered, for a display.
    fn now_playing(&self) -> Option<String> {
        None
    }
}

/// The worker's end: renders from a source into the ring. Runs off the audio thread.
/// When the engine changes the rate, [`MusicFeeder::follow`] retimes the source and
/// builds a new ring that the engine splices in with a short crossfade.
pub struct MusicFeeder {
    source: Box<dyn MusicSource + Send>,
    producer: Producer<f32>,
    channels: usize,
    block: Vec<f32>,
    /// Session frames rendered so far (the next frame rendered is this one).
    rendered: u64,
    ring: RingShape,
    changes: Receiver<TempoChange>,
    changes_tx: Sender<TempoChange>,
}

/// What every ring of one session is made like.
#[derive(Clone, Copy, Debug)]
struct RingShape {
    sample_rate: u32,
    channels: u16,
    seconds: f64,
}

/// Frames rendered at a time by the feeder.
const FEED_BLOCK: usize = 1024;

/// The music's two ends for one session: the feeder for a worker (or the exporter's
/// loop) and the input for the engine ([`super::Command::SetMusic`]). `seconds` of audio
/// fit in the ring; the music starts at session frame `start_frame`.
pub fn music_stream(
    source: Box<dyn MusicSource + Send>,
    (sample_rate, channels): (u32, u16),
    seconds: f64,
    start_frame: u64,
    volume: f32,
) -> (MusicFeeder, MusicInput) {
    let (changes_tx, changes) = bounded(CHANGES_CAPACITY);
    let (producer, mut input) = music_ring(sample_rate, channels, seconds, start_frame, volume);
    input.changes = Some(changes_tx.clone());
    let feeder = MusicFeeder {
        source,
        producer,
        channels: usize::from(channels.max(1)),
        block: vec![0.0; FEED_BLOCK * usize::from(channels.max(1))],
        rendered: start_frame,
        ring: RingShape {
            sample_rate,
            channels,
            seconds,
        },
        changes,
        changes_tx,
    };
    (feeder, input)
}

impl MusicFeeder {
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

    /// What the source renders now (a little ahead of what is heard).
    pub fn now_playing(&self) -> Option<String> {
        self.source.now_playing()
    }

    /// Whether the audio thread has dropped its end (the session is over).
    pub fn is_abandoned(&self) -> bool {
        self.producer.is_abandoned()
    }

    /// Where the engine's rate changes arrive, for a worker to wait on (with
    /// `crossbeam_channel::Select::ready_timeout`, which takes nothing out).
    pub fn changes(&self) -> &Receiver<TempoChange> {
        &self.changes
    }

    /// Takes in the engine's rate changes: the music from shortly after the latest one
    /// (and never before `earliest`, a frame the engine may already have played) is
    /// rendered on the new step times into a new ring, returned for the engine to
    /// splice in ([`super::Command::SpliceMusic`]). `None` when the rate did not change.
    pub fn follow(&mut self, earliest: u64) -> Option<Box<MusicInput>> {
        let mut latest = None;
        let mut source: Option<Box<dyn MusicSource + Send>> = None;
        // Every change is applied in turn: each holds only from its own step on.
        let arrived: Vec<TempoChange> = self.changes.try_iter().collect();
        for change in arrived {
            let lead = (RETIME_LEAD_SECONDS * f64::from(self.ring.sample_rate)) as u64;
            let from = (change.at_frame + lead).max(earliest);
            let current = source.as_deref().unwrap_or(self.source.as_ref());
            if let Some(retimed) = current.retimed(&change, from) {
                source = Some(retimed);
                latest = Some(from);
            }
        }
        let (source, from) = (source?, latest?);
        Some(self.replace(source, from))
    }

    /// Cuts the current song short (see [`MusicSource::skipped`]); the new ring to
    /// splice in, or `None` if there is nothing to skip to.
    pub fn skip(&mut self, from: u64) -> Option<Box<MusicInput>> {
        let source = self.source.skipped(from)?;
        Some(self.replace(source, from))
    }

    /// Renders `source` from session frame `from` into a new ring, a little of it
    /// before handing its input back, so the engine never splices in an empty ring.
    fn replace(&mut self, source: Box<dyn MusicSource + Send>, from: u64) -> Box<MusicInput> {
        let (producer, mut input) = music_ring(
            self.ring.sample_rate,
            self.ring.channels,
            self.ring.seconds,
            from,
            1.0,
        );
        input.changes = Some(self.changes_tx.clone());
        self.source = source;
        self.producer = producer;
        self.rendered = from;
        let lead = (RETIME_LEAD_SECONDS * f64::from(self.ring.sample_rate)) as u64;
        self.fill(from + lead);
        Box::new(input)
    }
}

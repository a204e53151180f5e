//! The tempo model: where every step falls.
//!
//! A [`TempoMap`] is a list of segments, each holding a step rate or gliding linearly in
//! time from one rate to another. Step `k` sounds where the integral of the step rate
//! (in steps per second) reaches `k`, so the first step is at time zero. Positions are
//! solved in closed form from absolute frame counts, never by adding intervals, so they
//! cannot drift however long a session runs.

use serde::{Deserialize, Serialize};

/// One piece of a tempo map. Rates are in steps per minute (spm).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Segment {
    /// Keep one step rate for a while.
    Hold { spm: f64, seconds: f64 },
    /// Change the step rate linearly in time.
    Glide {
        from_spm: f64,
        to_spm: f64,
        seconds: f64,
    },
}

impl Segment {
    pub fn seconds(&self) -> f64 {
        match *self {
            Segment::Hold { seconds, .. } | Segment::Glide { seconds, .. } => seconds,
        }
    }

    pub fn start_spm(&self) -> f64 {
        match *self {
            Segment::Hold { spm, .. } => spm,
            Segment::Glide { from_spm, .. } => from_spm,
        }
    }

    pub fn end_spm(&self) -> f64 {
        match *self {
            Segment::Hold { spm, .. } => spm,
            Segment::Glide { to_spm, .. } => to_spm,
        }
    }
}

/// A sequence of segments. After the last one the final rate holds for ever; how long a
/// session lasts is the [`Program`](super::Program)'s business, not the tempo map's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TempoMap {
    pub segments: Vec<Segment>,
}

impl TempoMap {
    /// One rate for ever.
    pub fn steady(spm: f64) -> Self {
        Self {
            segments: vec![Segment::Hold {
                spm,
                seconds: f64::INFINITY,
            }],
        }
    }

    /// Glide from `from_spm` to `to_spm` over `glide_seconds`, then hold `to_spm`.
    pub fn glide_then_hold(from_spm: f64, to_spm: f64, glide_seconds: f64) -> Self {
        let mut segments = Vec::with_capacity(2);
        if glide_seconds > 0.0 {
            segments.push(Segment::Glide {
                from_spm,
                to_spm,
                seconds: glide_seconds,
            });
        }
        segments.push(Segment::Hold {
            spm: to_spm,
            seconds: f64::INFINITY,
        });
        Self { segments }
    }

    /// The rate at `seconds` from the start.
    pub fn spm_at(&self, seconds: f64) -> f64 {
        let mut start = 0.0;
        for segment in &self.segments {
            let length = segment.seconds();
            if seconds < start + length {
                let into = seconds - start;
                return match *segment {
                    Segment::Hold { spm, .. } => spm,
                    Segment::Glide {
                        from_spm, to_spm, ..
                    } => from_spm + (to_spm - from_spm) * into / length,
                };
            }
            start += length;
        }
        self.segments.last().map_or(0.0, Segment::end_spm)
    }

    /// Compiles the map for one sample rate. Allocates: do it off the audio thread.
    pub fn compile(&self, sample_rate: u32) -> TempoTrack {
        let sample_rate = f64::from(sample_rate);
        let mut pieces = Vec::with_capacity(self.segments.len() + 1);
        let mut start_frame = 0.0;
        let mut start_step = 0.0;
        for segment in &self.segments {
            let frames = segment.seconds() * sample_rate;
            if frames <= 0.0 {
                continue;
            }
            let piece = Piece::new(
                start_frame,
                start_step,
                segment.start_spm(),
                segment.end_spm(),
                frames,
                sample_rate,
            );
            start_step = piece.end_step();
            start_frame += frames;
            pieces.push(piece);
            if frames.is_infinite() {
                break;
            }
        }
        if pieces.last().is_none_or(|piece| piece.frames.is_finite()) {
            let spm = self.segments.last().map_or(0.0, Segment::end_spm);
            pieces.push(Piece::hold_forever(
                start_frame,
                start_step,
                spm,
                sample_rate,
            ));
        }
        TempoTrack { pieces }
    }
}

/// A tempo map compiled for one sample rate, ready for the audio thread.
#[derive(Clone, Debug, PartialEq)]
pub struct TempoTrack {
    pieces: Vec<Piece>,
}

impl TempoTrack {
    /// The ideal (fractional) frame of step `step`, searching forward from `*cursor`,
    /// which remembers the piece of the last lookup. Steps must be asked in rising order
    /// for the cursor to help; asking backwards is still correct, only slower.
    pub fn frame_of_step(&self, step: f64, cursor: &mut usize) -> f64 {
        if self
            .pieces
            .get(*cursor)
            .is_none_or(|piece| piece.start_step > step)
        {
            *cursor = 0;
        }
        while let Some(piece) = self.pieces.get(*cursor) {
            if step < piece.end_step() || *cursor + 1 == self.pieces.len() {
                return piece.frame_of_step(step);
            }
            *cursor += 1;
        }
        f64::INFINITY
    }

    /// The step rate at `frame`, in spm.
    pub fn spm_at_frame(&self, frame: f64) -> f64 {
        for piece in &self.pieces {
            if frame < piece.start_frame + piece.frames {
                return piece.spm_at(frame);
            }
        }
        self.pieces
            .last()
            .map_or(0.0, |piece| piece.spm_at(piece.start_frame))
    }

    /// Steps elapsed (the integral of the rate) at `frame`.
    pub fn steps_at_frame(&self, frame: f64) -> f64 {
        for piece in &self.pieces {
            if frame < piece.start_frame + piece.frames {
                return piece.steps_at(frame);
            }
        }
        0.0
    }
}

/// A segment compiled to frames: the rate changes linearly from `start_rate` to
/// `end_rate` (steps per frame) over `frames`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Piece {
    start_frame: f64,
    start_step: f64,
    start_spm: f64,
    end_spm: f64,
    frames: f64,
    /// 60 x sample rate: a step lasts `frames_per_minute / spm` frames at a held rate.
    frames_per_minute: f64,
}

impl Piece {
    fn new(
        start_frame: f64,
        start_step: f64,
        start_spm: f64,
        end_spm: f64,
        frames: f64,
        sample_rate: f64,
    ) -> Self {
        Self {
            start_frame,
            start_step,
            start_spm,
            end_spm: if frames.is_infinite() {
                start_spm
            } else {
                end_spm
            },
            frames,
            frames_per_minute: 60.0 * sample_rate,
        }
    }

    /// A rate that never ends: what follows the last segment, and what a live rate
    /// change installs.
    pub fn hold_forever(start_frame: f64, start_step: f64, spm: f64, sample_rate: f64) -> Self {
        Self::new(
            start_frame,
            start_step,
            spm,
            spm,
            f64::INFINITY,
            sample_rate,
        )
    }

    /// A glide that starts at a known frame and step: what a live glide installs.
    pub fn glide(
        start_frame: f64,
        start_step: f64,
        from_spm: f64,
        to_spm: f64,
        frames: f64,
        sample_rate: f64,
    ) -> Self {
        Self::new(
            start_frame,
            start_step,
            from_spm,
            to_spm,
            frames,
            sample_rate,
        )
    }

    pub fn start_frame(&self) -> f64 {
        self.start_frame
    }

    pub fn end_frame(&self) -> f64 {
        self.start_frame + self.frames
    }

    pub fn end_step(&self) -> f64 {
        if self.frames.is_infinite() {
            return f64::INFINITY;
        }
        self.start_step
            + self.frames * (self.start_spm + self.end_spm) / 2.0 / self.frames_per_minute
    }

    pub fn end_spm(&self) -> f64 {
        self.end_spm
    }

    fn is_hold(&self) -> bool {
        self.start_spm == self.end_spm
    }

    /// Solves `steps_at(frame) == step` for the frame.
    pub fn frame_of_step(&self, step: f64) -> f64 {
        let steps = step - self.start_step;
        if self.is_hold() {
            // One multiplication and one division of whole numbers (for whole steps and
            // whole rates at whole sample rates): each beat is exact to the last bit.
            return self.start_frame + steps * self.frames_per_minute / self.start_spm;
        }
        // steps = a*t + b*t^2 with a = start rate and b = slope / 2, in steps per frame.
        // The root is written in the form that does not cancel when b is tiny.
        let a = self.start_spm / self.frames_per_minute;
        let b = (self.end_spm - self.start_spm) / self.frames_per_minute / (2.0 * self.frames);
        let discriminant = (a * a + 4.0 * b * steps).max(0.0);
        self.start_frame + 2.0 * steps / (a + discriminant.sqrt())
    }

    pub fn spm_at(&self, frame: f64) -> f64 {
        if self.is_hold() {
            return self.start_spm;
        }
        let into = (frame - self.start_frame).clamp(0.0, self.frames);
        self.start_spm + (self.end_spm - self.start_spm) * into / self.frames
    }

    pub fn steps_at(&self, frame: f64) -> f64 {
        let t = (frame - self.start_frame).max(0.0);
        if self.is_hold() {
            return self.start_step + t * self.start_spm / self.frames_per_minute;
        }
        let t = t.min(self.frames);
        let slope = (self.end_spm - self.start_spm) / self.frames;
        self.start_step + (self.start_spm * t + slope * t * t / 2.0) / self.frames_per_minute
    }
}

/// The frame nearest an ideal position (halves round up). Negative or non-finite
/// positions map to 0 and `u64::MAX`, never a panic.
pub fn nearest_frame(ideal: f64) -> u64 {
    // `as` saturates for out-of-range floats and maps NaN to 0.
    (ideal + 0.5).floor() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hold_places_steps_at_whole_number_ratios() {
        let track = TempoMap::steady(172.0).compile(48_000);
        let mut cursor = 0;
        for step in [0u64, 1, 43, 10_000, 103_199] {
            let ideal = track.frame_of_step(step as f64, &mut cursor);
            // 48 000 x 60 / 172 = 720 000 / 43 frames per step.
            let exact_numerator = step as u128 * 720_000;
            let nearest = ((2 * exact_numerator + 43) / 86) as u64;
            assert_eq!(nearest_frame(ideal), nearest, "step {step}");
        }
    }

    #[test]
    fn glide_reaches_the_integral() {
        // 150 -> 180 spm over 60 s: 165 steps on average over the minute.
        let map = TempoMap::glide_then_hold(150.0, 180.0, 60.0);
        let track = map.compile(48_000);
        let mut cursor = 0;
        let frame = track.frame_of_step(165.0, &mut cursor);
        assert!((frame - 60.0 * 48_000.0).abs() < 1e-6, "{frame}");
        // Afterwards three steps a second.
        let frame = track.frame_of_step(168.0, &mut cursor);
        assert!((frame - 61.0 * 48_000.0).abs() < 1e-6, "{frame}");
        assert_eq!(track.spm_at_frame(30.0 * 48_000.0), 165.0);
        assert_eq!(map.spm_at(30.0), 165.0);
    }

    #[test]
    fn slowing_glides_solve_too() {
        let track = TempoMap::glide_then_hold(180.0, 150.0, 60.0).compile(44_100);
        let mut cursor = 0;
        for step in 0..200 {
            let frame = track.frame_of_step(f64::from(step), &mut cursor);
            let back = track.steps_at_frame(frame);
            assert!((back - f64::from(step)).abs() < 1e-9, "step {step}: {back}");
        }
    }

    #[test]
    fn nearest_frame_never_panics() {
        assert_eq!(nearest_frame(f64::NAN), 0);
        assert_eq!(nearest_frame(-3.0), 0);
        assert_eq!(nearest_frame(f64::INFINITY), u64::MAX);
        assert_eq!(nearest_frame(2.5), 3);
        assert_eq!(nearest_frame(2.49), 2);
    }
}

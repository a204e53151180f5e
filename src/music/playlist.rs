//! Laying songs on the steps: each song's beats are pinned to step frames (beat `j` of
//! a song starting on step `S` sounds on step `S + j x steps per beat`), and songs
//! follow each other with a crossfade that starts and ends on a beat, so the beat never
//! stumbles at a song change. Pure: beat frames and a step-to-frame function in,
//! placements out.

use super::timemap::TimeMap;

/// How long a crossfade lasts, in steps (about three seconds at 170 spm).
pub const CROSSFADE_STEPS: u64 = 8;
/// The first song fades in over a few milliseconds, so it does not start with a click.
const FIRST_FADE_SECONDS: f64 = 0.005;

/// A song's beats as the playlist needs them.
#[derive(Clone, Debug, PartialEq)]
pub struct SongBeats {
    /// Beat positions in the song, in frames at the output rate, rising.
    pub beat_frames: Vec<f64>,
    /// Steps per beat: 1, 2 (half-time) or 0.5.
    pub steps_per_beat: f64,
}

/// One song's turn in the session, in output frames.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub song: usize,
    /// From output frames counted from `start` to song frames.
    pub map: TimeMap,
    /// The song's first beat sounds here.
    pub start: u64,
    /// Fully faded in from here.
    pub faded_in: u64,
    /// Starts fading out here (the next song starts here too).
    pub fade_out: u64,
    /// Silent from here: the song's last beat.
    pub end: u64,
    pub first_step: u64,
    /// Which turn of the playlist this is (0 for the first song of the session), so
    /// a skip knows which song comes next.
    pub turn: usize,
}

/// Where an arrangement begins: on which step, at which turn of the song list, and
/// whether it crossfades in (after a skip) or starts alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Start {
    pub step: u64,
    pub turn: usize,
    pub crossfade: bool,
}

/// Songs in order (repeating the list if the session is longer), until `total_frames`.
/// `frame_of_step` gives the ideal frame of a (fractional) step.
pub fn arrange(
    songs: &[SongBeats],
    frame_of_step: impl FnMut(f64) -> f64,
    sample_rate: u32,
    total_frames: u64,
) -> Vec<Placement> {
    arrange_from(
        songs,
        frame_of_step,
        sample_rate,
        total_frames,
        Start::default(),
    )
}

/// [`arrange`] from a given step and turn of the list.
pub fn arrange_from(
    songs: &[SongBeats],
    mut frame_of_step: impl FnMut(f64) -> f64,
    sample_rate: u32,
    total_frames: u64,
    begin: Start,
) -> Vec<Placement> {
    let mut placements: Vec<Placement> = Vec::new();
    let usable: Vec<usize> = (0..songs.len())
        .filter(|&i| beats_used(&songs[i]).is_some())
        .collect();
    if usable.is_empty() {
        return placements;
    }
    let mut step = begin.step;
    let turns = (begin.turn..).zip(usable.iter().cycle().skip(begin.turn % usable.len()));
    for (turn, &song_index) in turns {
        let song = &songs[song_index];
        let Some(last_beat) = beats_used(song) else {
            continue;
        };
        let steps = (last_beat as f64 * song.steps_per_beat).round() as u64;
        let start_frame = frame_of_step(step as f64);
        if start_frame >= total_frames as f64 {
            break;
        }
        let start = start_frame.round().max(0.0) as u64;
        let points = (0..=last_beat)
            .map(|j| {
                let out = frame_of_step(step as f64 + j as f64 * song.steps_per_beat);
                (song.beat_frames[j], out - start as f64)
            })
            .collect();
        let end_step = step + steps;
        let faded_in = if placements.is_empty() && !begin.crossfade {
            start + (FIRST_FADE_SECONDS * f64::from(sample_rate)) as u64
        } else {
            frame_of_step((step + CROSSFADE_STEPS) as f64).round() as u64
        };
        let next_step = end_step - CROSSFADE_STEPS;
        placements.push(Placement {
            song: song_index,
            map: TimeMap::new(points),
            start,
            faded_in,
            fade_out: frame_of_step(next_step as f64).round() as u64,
            end: frame_of_step(end_step as f64).round() as u64,
            first_step: step,
            turn,
        });
        step = next_step;
    }
    placements
}

/// The index of the last beat used: the song must last for two crossfades, and end on
/// a whole step.
fn beats_used(song: &SongBeats) -> Option<usize> {
    let per_beat = song.steps_per_beat;
    if per_beat.is_nan() || per_beat <= 0.0 || song.beat_frames.len() < 2 {
        return None;
    }
    let mut last = song.beat_frames.len() - 1;
    while last > 0 && (last as f64 * per_beat).fract() != 0.0 {
        last -= 1;
    }
    let steps = last as f64 * per_beat;
    (steps >= (3 * CROSSFADE_STEPS) as f64).then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn songs_follow_each_other_with_beats_on_steps() {
        // 100 frames a step; songs with a beat every 210 frames, two steps a beat.
        let song = |beats: usize| SongBeats {
            beat_frames: (0..beats).map(|j| 50.0 + 210.0 * j as f64).collect(),
            steps_per_beat: 2.0,
        };
        let placements = arrange(&[song(40), song(30)], |step| step * 100.0, 1000, 20_000);
        assert_eq!(placements[0].start, 0);
        assert_eq!(placements[0].end, 78 * 100);
        // The second song starts on a step, a crossfade before the first one ends.
        assert_eq!(placements[1].first_step, 70);
        assert_eq!(placements[1].start, 7000);
        assert_eq!(placements[1].fade_out, placements[2].start);
        // Beat 3 of the second song sounds on step 70 + 6.
        let map = &placements[1].map;
        assert!((map.output_frame(50.0 + 3.0 * 210.0) - 600.0).abs() < 1e-9);
        assert!(placements.last().unwrap().start < 20_000);
    }

    #[test]
    fn songs_too_short_for_a_crossfade_are_left_out() {
        let short = SongBeats {
            beat_frames: vec![0.0, 100.0, 200.0],
            steps_per_beat: 1.0,
        };
        assert!(arrange(&[short], |step| step * 100.0, 1000, 10_000).is_empty());
    }
}

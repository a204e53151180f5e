//! A plan as tracks for a phone: one run per week, with names that sort and say what they
//! are, the tags a player shows, and an `.m3u` playlist of them in order.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::tags::Tags;
use super::{ExportError, FileFormat, FileSpec, check_folder, export, write_atomically};
use crate::coach::session::Span;
use crate::coach::{FeedbackDuty, Plan, SessionProfile, TodayKind, TodaySession};
use crate::engine::{ClickSound, Voicing};

/// The album every plan track carries, so a player groups them.
pub const ALBUM: &str = "Cadence Coach plan";
const ARTIST: &str = "Cadence Coach";
/// The playlist's name in the folder.
pub const PLAYLIST_NAME: &str = "Cadence Coach plan.m3u";

/// One planned run to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    pub profile: SessionProfile,
    pub tags: Tags,
    /// The file name without its extension: "01 Week 1 - 163 spm".
    pub file_stem: String,
}

impl Track {
    pub fn file_name(&self, format: FileFormat) -> String {
        format!("{}.{}", self.file_stem, format.extension())
    }

    pub fn seconds(&self) -> u32 {
        self.profile.times.total_seconds()
    }
}

/// The run of plan week `week` (1-based); `run` only names it, since every run of a
/// week is the same session.
pub fn week_track(plan: &Plan, week: u8, run: Option<u8>) -> Track {
    let profile = plan.profile(week, false);
    let name = match run {
        Some(run) => format!("Week {week} run {run}"),
        None => format!("Week {week}"),
    };
    track(
        &name,
        format!("{week:02} {name}"),
        profile,
        Some((u32::from(week), u32::from(plan.weeks()))),
    )
}

/// Every week of the plan, in order.
pub fn plan_tracks(plan: &Plan) -> Vec<Track> {
    (1..=plan.weeks())
        .map(|week| week_track(plan, week, None))
        .collect()
}

/// Today's run, if the plan holds one today (after a step back it is shorter than the
/// week's usual run, which is why it has its own track).
pub fn today_track(plan: &Plan, today: &TodaySession) -> Option<Track> {
    let profile = today.profile.clone()?;
    let track_number = Some((u32::from(today.level), u32::from(plan.weeks())));
    Some(match today.kind {
        TodayKind::Maintenance => track(
            "Maintenance",
            "Maintenance".to_owned(),
            profile,
            track_number,
        ),
        _ => {
            let name = format!("Week {} run {}", today.level, today.run_of_step);
            track(
                &name,
                format!("{:02} {name}", today.level),
                profile,
                track_number,
            )
        }
    })
}

fn track(name: &str, stem: String, profile: SessionProfile, number: Option<(u32, u32)>) -> Track {
    Track {
        file_stem: format!("{stem} - {} spm", profile.target_spm),
        tags: Tags {
            title: format!(
                "{name} - {} spm - {}",
                profile.target_spm,
                summary(&profile)
            ),
            album: ALBUM.to_owned(),
            artist: ARTIST.to_owned(),
            track: number,
        },
        profile,
    }
}

/// "warm-up 5 min, glide 2 min, hold 20 min", and how the clicks fade if they do.
fn summary(profile: &SessionProfile) -> String {
    let times = &profile.times;
    let flat = profile.start_spm == profile.target_spm;
    let mut parts = Vec::with_capacity(3);
    // Without a change of rate the glide is just more warming up.
    let warm_up = if flat {
        times.warm_up_seconds.saturating_add(times.glide_seconds)
    } else {
        times.warm_up_seconds
    };
    if warm_up > 0 {
        parts.push(format!("warm-up {}", Span(warm_up)));
    }
    if times.glide_seconds > 0 && !flat {
        parts.push(format!("glide {}", Span(times.glide_seconds)));
    }
    if times.hold_seconds > 0 {
        parts.push(format!("hold {}", Span(times.hold_seconds)));
    }
    let mut text = parts.join(", ");
    if let FeedbackDuty::Cycle { .. } = profile.feedback {
        let _ = write!(text, ", {}", profile.feedback);
    }
    text
}

/// An extended M3U playlist naming the files beside it, in order.
pub fn m3u(tracks: &[Track], format: FileFormat) -> String {
    let mut text = String::from("#EXTM3U\n");
    for track in tracks {
        let _ = writeln!(
            text,
            "#EXTINF:{},{} - {}",
            track.seconds(),
            track.tags.artist,
            track.tags.title
        );
        let _ = writeln!(text, "{}", track.file_name(format));
    }
    text
}

/// Writes the playlist into `folder`, atomically.
pub fn write_m3u(
    folder: &Path,
    tracks: &[Track],
    format: FileFormat,
) -> Result<PathBuf, ExportError> {
    let path = folder.join(PLAYLIST_NAME);
    let text = m3u(tracks, format);
    write_atomically(&path, |file| {
        use std::io::Write;
        file.write_all(text.as_bytes())?;
        Ok(())
    })?;
    Ok(path)
}

/// How far a set of tracks has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchProgress {
    /// The track being written (0-based) and how many there are.
    pub track: usize,
    pub tracks: usize,
    /// Frames of that track rendered, and its length.
    pub done: u64,
    pub total: u64,
}

impl BatchProgress {
    /// 0 to 1 over the whole set, counting tracks as equal parts.
    pub fn fraction(&self) -> f32 {
        let within = if self.total == 0 {
            0.0
        } else {
            self.done as f64 / self.total as f64
        };
        ((self.track as f64 + within) / self.tracks.max(1) as f64) as f32
    }
}

/// How the tracks sound and are stored.
#[derive(Clone, Debug)]
pub struct TrackSettings {
    pub format: FileFormat,
    pub sound: ClickSound,
    pub voicing: Voicing,
    pub spec: FileSpec,
}

/// Writes each track into `folder` (created if missing), then, with `playlist`, the
/// `.m3u` naming them. Every file is written whole or not at all; on an error the files
/// finished before it stay, and no playlist is written. Returns the paths written.
pub fn export_tracks(
    folder: &Path,
    tracks: &[Track],
    settings: &TrackSettings,
    playlist: bool,
    mut progress: impl FnMut(BatchProgress),
) -> Result<Vec<PathBuf>, ExportError> {
    check_folder(folder)?;
    let mut written = Vec::with_capacity(tracks.len() + 1);
    for (index, track) in tracks.iter().enumerate() {
        let path = folder.join(track.file_name(settings.format));
        export(
            &path,
            &track.profile.compile(),
            settings.sound.clone(),
            settings.voicing,
            settings.spec,
            &track.tags,
            |done, total| {
                progress(BatchProgress {
                    track: index,
                    tracks: tracks.len(),
                    done,
                    total,
                })
            },
        )?;
        written.push(path);
    }
    if playlist {
        written.push(write_m3u(folder, tracks, settings.format)?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::{Baseline, Increase};
    use time::macros::date;

    fn plan() -> Plan {
        Plan::new(
            Baseline::typed(160.0).unwrap(),
            Increase::new(10.0).unwrap(),
            6,
            3,
            date!(2026 - 11 - 23),
        )
        .unwrap()
    }

    #[test]
    fn week_tracks_sort_and_say_what_they_are() {
        let plan = plan();
        let tracks = plan_tracks(&plan);
        assert_eq!(tracks.len(), 6);
        let names: Vec<String> = tracks
            .iter()
            .map(|t| t.file_name(FileFormat::Mp3))
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert_eq!(names[0], "01 Week 1 - 164 spm.mp3");
        assert_eq!(
            tracks[0].tags.title,
            "Week 1 - 164 spm - warm-up 5 min, glide 2 min, hold 20 min"
        );
        assert_eq!(tracks[5].tags.track, Some((6, 6)));
        assert!(
            tracks[5].tags.title.contains("30 s of clicks every 5 min"),
            "{}",
            tracks[5].tags.title
        );
        let list = m3u(&tracks, FileFormat::Opus);
        assert!(list.starts_with("#EXTM3U\n#EXTINF:1800,Cadence Coach - Week 1"));
        assert_eq!(list.lines().filter(|l| l.ends_with(".opus")).count(), 6);
    }
}

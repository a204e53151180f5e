//! GPX tracks: one leg per `trk`, its sport from `type` (Garmin writes "running"; a
//! track without a type is read as a run, since runners import runs). Cadence is `cad`
//! in Garmin's `TrackPointExtension` (any prefix), heart rate `hr`, speed `speed`.
//!
//! GPX has no unit for `cad`: Garmin writes strides per minute, some apps steps. The
//! [`CadenceUnit`] rule decides per track unless the runner says.

use quick_xml::events::BytesStart;
use time::OffsetDateTime;

use super::xml::{self, Handler};
use super::{CadenceUnit, ImportError, Leg, Sport, seconds_since};
use crate::coach::measured::Sample;

const FORMAT: &str = "GPX";

/// Reads every track of a GPX file.
pub fn read(bytes: &[u8], unit: CadenceUnit) -> Result<Vec<Leg>, ImportError> {
    let mut reader = GpxReader {
        unit,
        ..GpxReader::default()
    };
    xml::walk(bytes, FORMAT, &mut reader)?;
    Ok(reader.legs)
}

#[derive(Default)]
struct Point {
    at: Option<OffsetDateTime>,
    cadence: Option<f64>,
    speed: Option<f64>,
    heart_rate: Option<f64>,
}

#[derive(Default)]
struct Track {
    sport: Option<Sport>,
    points: Vec<(OffsetDateTime, Point)>,
}

#[derive(Default)]
struct GpxReader {
    unit: CadenceUnit,
    legs: Vec<Leg>,
    track: Option<Track>,
    point: Option<Point>,
}

impl Handler for GpxReader {
    fn open(&mut self, name: &[u8], _tag: &BytesStart<'_>) -> Result<(), ImportError> {
        match name {
            b"trk" => self.track = Some(Track::default()),
            b"trkpt" => self.point = Some(Point::default()),
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, name: &[u8], text: &str) -> Result<(), ImportError> {
        if let Some(point) = &mut self.point {
            match name {
                b"time" => point.at = xml::timestamp(text),
                b"cad" => point.cadence = xml::number(text),
                b"hr" => point.heart_rate = xml::number(text),
                b"speed" => point.speed = xml::number(text),
                _ => {}
            }
        } else if let Some(track) = &mut self.track
            && name == b"type"
        {
            track.sport = Some(Sport::from_name(text));
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) -> Result<(), ImportError> {
        match name {
            b"trkpt" => {
                if let (Some(point), Some(track)) = (self.point.take(), &mut self.track)
                    && let Some(at) = point.at
                {
                    track.points.push((at, point));
                }
            }
            b"trk" => {
                if let Some(track) = self.track.take() {
                    self.legs.push(leg(track, self.unit));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn leg(track: Track, unit: CadenceUnit) -> Leg {
    let Track { sport, points } = track;
    let started_at = points
        .first()
        .map_or(OffsetDateTime::UNIX_EPOCH, |(at, _)| *at);
    let raw: Vec<f64> = points.iter().filter_map(|(_, p)| p.cadence).collect();
    let factor = unit.factor(&raw);
    let samples = points
        .into_iter()
        .map(|(at, point)| Sample {
            seconds: seconds_since(started_at, at),
            spm: point.cadence.map(|cad| cad * factor),
            speed_mps: point.speed,
            distance_m: None,
            heart_rate: point.heart_rate.map(|bpm| bpm.clamp(0.0, 255.0) as u8),
        })
        .collect();
    Leg {
        sport: sport.unwrap_or(Sport::Running),
        started_at,
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GPX track of `cads`, one point a second, with Garmin's prefixes.
    pub(crate) fn gpx(kind: Option<&str>, cads: &[u32]) -> String {
        let points: String = cads
            .iter()
            .enumerate()
            .map(|(second, cad)| {
                format!(
                    "<trkpt lat=\"0\" lon=\"0\"><time>2026-11-24T06:30:{second:02}Z</time>\
                     <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr>\
                     <gpxtpx:cad>{cad}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>"
                )
            })
            .collect();
        let kind = kind.map_or_else(String::new, |kind| format!("<type>{kind}</type>"));
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><gpx version=\"1.1\" \
             xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\
             <metadata><time>2026-11-24T06:29:00Z</time></metadata>\
             <trk><name>Morning</name>{kind}<trkseg>{points}</trkseg></trk></gpx>"
        )
    }

    #[test]
    fn garmin_strides_are_doubled_and_steps_kept() {
        let strides = gpx(Some("running"), &[84; 20]);
        let legs = read(strides.as_bytes(), CadenceUnit::Auto).unwrap();
        assert_eq!(legs[0].samples[5].spm, Some(168.0));
        assert_eq!(legs[0].samples[5].heart_rate, Some(150));
        assert_eq!(legs[0].started_at.second(), 0);

        let steps = gpx(None, &[168; 20]);
        let legs = read(steps.as_bytes(), CadenceUnit::Auto).unwrap();
        assert_eq!(legs[0].sport, Sport::Running);
        assert_eq!(legs[0].samples[5].spm, Some(168.0));
        // The runner's word wins.
        let legs = read(steps.as_bytes(), CadenceUnit::Strides).unwrap();
        assert_eq!(legs[0].samples[5].spm, Some(336.0));
    }

    #[test]
    fn the_median_decides_not_a_slow_start() {
        // Standing and walking at first (zeros and 60s), then 20 s of running strides.
        let mut cads = vec![0; 5];
        cads.extend([60; 5]);
        cads.extend([86; 20]);
        let legs = read(gpx(None, &cads).as_bytes(), CadenceUnit::Auto).unwrap();
        assert_eq!(legs[0].samples[29].spm, Some(172.0));
    }

    #[test]
    fn a_cycling_track_is_named_so() {
        let legs = read(gpx(Some("cycling"), &[90; 5]).as_bytes(), CadenceUnit::Auto).unwrap();
        assert_eq!(legs[0].sport, Sport::Cycling);
    }
}

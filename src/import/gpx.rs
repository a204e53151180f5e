//! GPX tracks: one leg per `trk`, its sport from `type` (Garmin writes "running"; a
//! track without a type is read as a run, since runners import runs). Cadence is `cad`
//! in Garmin's `TrackPointExtension` (any prefix), heart rate `hr`, speed `speed`.
//!
//! GPX has no unit for `cad`: Garmin writes strides per minute, some apps steps. The
//! [`CadenceUnit`] rule decides per track unless the runner says.
//!
//! Many GPX files have no `speed`, only positions and times. Standing at a crossing
//! with the watch still reading a cadence is then told from the positions: the speed
//! of a point is the great-circle distance between the points
//! [`SPEED_WINDOW_SECONDS`] apart around it, divided by the time between them.

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

/// The span of points a derived speed is taken over: wide enough that a fix wandering
/// a metre or two while standing reads as standing (under 0.3 m/s), short enough that
/// a stop of half a minute is seen.
pub const SPEED_WINDOW_SECONDS: f64 = 10.0;

/// Mean radius of the Earth (IUGG), in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Default)]
struct Point {
    /// Latitude and longitude in degrees, if the point has a readable position.
    position: Option<(f64, f64)>,
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
    fn open(&mut self, name: &[u8], tag: &BytesStart<'_>) -> Result<(), ImportError> {
        match name {
            b"trk" => self.track = Some(Track::default()),
            b"trkpt" => {
                self.point = Some(Point {
                    position: position(tag),
                    ..Point::default()
                });
            }
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
    let derived = derived_speeds(&points, started_at);
    let samples = points
        .into_iter()
        .zip(derived)
        .map(|((at, point), derived)| Sample {
            seconds: seconds_since(started_at, at),
            spm: point.cadence.map(|cad| cad * factor),
            speed_mps: point.speed.or(derived),
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

/// `lat` and `lon` of a track point, if both are numbers on the globe.
fn position(tag: &BytesStart<'_>) -> Option<(f64, f64)> {
    let degrees = |name: &[u8], limit: f64| {
        xml::attribute(tag, name)
            .and_then(|text| xml::number(&text))
            .filter(|value| value.abs() <= limit)
    };
    Some((degrees(b"lat", 90.0)?, degrees(b"lon", 180.0)?))
}

/// For each point with a position, the straight-line (great-circle) distance between
/// the first and the last placed points within half of [`SPEED_WINDOW_SECONDS`] either
/// side of it, over the time between them; `None` without two such points. Only used
/// where a point has no `speed` of its own.
fn derived_speeds(points: &[(OffsetDateTime, Point)], start: OffsetDateTime) -> Vec<Option<f64>> {
    let placed: Vec<(f64, (f64, f64))> = points
        .iter()
        .filter_map(|(at, point)| Some((seconds_since(start, *at), point.position?)))
        .collect();
    let half = SPEED_WINDOW_SECONDS / 2.0;
    points
        .iter()
        .map(|(at, point)| {
            point.position?;
            let seconds = seconds_since(start, *at);
            // The window's ends by time (points come in time order in any real file;
            // out of order, this finds some window and never fails).
            let first = placed.partition_point(|(t, _)| *t < seconds - half);
            let last = placed.partition_point(|(t, _)| *t <= seconds + half);
            let (from, to) = (placed.get(first)?, placed.get(last.checked_sub(1)?)?);
            let span = to.0 - from.0;
            (span > 0.0).then(|| haversine_m(from.1, to.1) / span)
        })
        .collect()
}

/// The great-circle distance between two (latitude, longitude) points in degrees.
fn haversine_m(from: (f64, f64), to: (f64, f64)) -> f64 {
    let (lat1, lat2) = (from.0.to_radians(), to.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (to.1 - from.1).to_radians();
    let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().clamp(0.0, 1.0).asin()
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
    fn distances_are_great_circle_metres() {
        // A degree of latitude anywhere, and of longitude on the equator: R * pi / 180.
        let degree = EARTH_RADIUS_M.to_radians();
        assert!((haversine_m((10.0, 20.0), (11.0, 20.0)) - degree).abs() < 1e-6);
        assert!((haversine_m((0.0, 20.0), (0.0, 21.0)) - degree).abs() < 1e-6);
        // At 60 degrees north a degree of longitude is about half as long.
        let north = haversine_m((60.0, 20.0), (60.0, 21.0));
        assert!((north / degree - 0.5).abs() < 0.001, "{north}");
        assert_eq!(haversine_m((1.0, 2.0), (1.0, 2.0)), 0.0);
    }

    #[test]
    fn a_speed_in_the_file_wins_over_the_positions() {
        let xml = "<gpx><trk><trkseg>\
            <trkpt lat=\"0\" lon=\"0\"><time>2026-11-24T06:30:00Z</time><speed>2.5</speed></trkpt>\
            <trkpt lat=\"0\" lon=\"0.0001\"><time>2026-11-24T06:30:02Z</time></trkpt>\
            <trkpt lon=\"0.0002\"><time>2026-11-24T06:30:04Z</time></trkpt>\
            </trkseg></trk></gpx>";
        let legs = read(xml.as_bytes(), CadenceUnit::Auto).unwrap();
        let speeds: Vec<Option<f64>> = legs[0].samples.iter().map(|s| s.speed_mps).collect();
        assert_eq!(speeds[0], Some(2.5));
        // 0.0001 degree of longitude on the equator in 2 s.
        let derived = speeds[1].unwrap();
        assert!((derived - EARTH_RADIUS_M.to_radians() * 0.0001 / 2.0).abs() < 1e-6);
        assert_eq!(speeds[2], None, "no latitude: no position");
    }

    #[test]
    fn a_cycling_track_is_named_so() {
        let legs = read(gpx(Some("cycling"), &[90; 5]).as_bytes(), CadenceUnit::Auto).unwrap();
        assert_eq!(legs[0].sport, Sport::Cycling);
    }
}

//! Garmin Training Center XML: `Activity` elements (several in a multi-sport session),
//! each with laps of `Trackpoint`s.
//!
//! A running track point's cadence is `RunCadence` in the `TPX` extension, in strides
//! per minute: doubled. The plain `Cadence` element is pedal rpm on a bike; a few
//! exporters put running cadence there instead, so for runs it gets the GPX unit rule.

use quick_xml::events::BytesStart;
use time::OffsetDateTime;

use super::xml::{self, Handler};
use super::{CadenceUnit, ImportError, Leg, Sport, seconds_since};
use crate::coach::measured::Sample;

const FORMAT: &str = "TCX";

/// Reads every activity of a TCX file.
pub fn read(bytes: &[u8]) -> Result<Vec<Leg>, ImportError> {
    let mut reader = TcxReader::default();
    xml::walk(bytes, FORMAT, &mut reader)?;
    Ok(reader.legs)
}

/// One track point as read.
#[derive(Default)]
struct Point {
    at: Option<OffsetDateTime>,
    run_cadence: Option<f64>,
    cadence: Option<f64>,
    speed: Option<f64>,
    distance: Option<f64>,
    heart_rate: Option<f64>,
}

/// An activity being read.
struct Activity {
    sport: Sport,
    points: Vec<(OffsetDateTime, Point)>,
}

#[derive(Default)]
struct TcxReader {
    legs: Vec<Leg>,
    activity: Option<Activity>,
    point: Option<Point>,
}

impl Handler for TcxReader {
    fn open(&mut self, name: &[u8], tag: &BytesStart<'_>) -> Result<(), ImportError> {
        match name {
            b"Activity" => {
                let sport = xml::attribute(tag, b"Sport").unwrap_or_default();
                self.activity = Some(Activity {
                    sport: Sport::from_name(&sport),
                    points: Vec::new(),
                });
            }
            b"Trackpoint" => self.point = Some(Point::default()),
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, name: &[u8], text: &str) -> Result<(), ImportError> {
        let Some(point) = &mut self.point else {
            return Ok(());
        };
        match name {
            b"Time" => point.at = xml::timestamp(text),
            b"RunCadence" => point.run_cadence = xml::number(text),
            b"Cadence" => point.cadence = xml::number(text),
            b"Speed" => point.speed = xml::number(text),
            b"DistanceMeters" => point.distance = xml::number(text),
            // Only the heart rate has a `Value` inside a track point.
            b"Value" => point.heart_rate = xml::number(text),
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) -> Result<(), ImportError> {
        match name {
            b"Trackpoint" => {
                if let (Some(point), Some(activity)) = (self.point.take(), &mut self.activity)
                    && let Some(at) = point.at
                {
                    activity.points.push((at, point));
                }
            }
            b"Activity" => {
                if let Some(activity) = self.activity.take() {
                    self.legs.push(leg(activity));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn leg(activity: Activity) -> Leg {
    let Activity { sport, points } = activity;
    let started_at = points
        .first()
        .map_or(OffsetDateTime::UNIX_EPOCH, |(at, _)| *at);
    // `RunCadence` is strides per minute. A run with plain `Cadence` only: decide by the
    // median, as for GPX.
    let plain: Vec<f64> = points.iter().filter_map(|(_, p)| p.cadence).collect();
    let plain_factor = CadenceUnit::Auto.factor(&plain);
    let samples = points
        .into_iter()
        .map(|(at, point)| Sample {
            seconds: seconds_since(started_at, at),
            spm: point
                .run_cadence
                .map(|strides| strides * 2.0)
                .or(point.cadence.map(|raw| raw * plain_factor)),
            speed_mps: point.speed,
            distance_m: point.distance,
            heart_rate: point.heart_rate.map(|bpm| bpm.clamp(0.0, 255.0) as u8),
        })
        .collect();
    Leg {
        sport,
        started_at,
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trackpoint(second: u32, extension: &str) -> String {
        format!(
            "<Trackpoint><Time>2026-11-24T06:30:{second:02}Z</Time>\
             <DistanceMeters>{}</DistanceMeters><HeartRateBpm><Value>140</Value></HeartRateBpm>\
             {extension}</Trackpoint>",
            second * 3
        )
    }

    #[test]
    fn run_cadence_is_doubled_under_any_prefix() {
        let points: String = (0..10)
            .map(|s| {
                trackpoint(
                    s,
                    "<Extensions><ns3:TPX><ns3:Speed>3.1</ns3:Speed>\
                     <ns3:RunCadence>84</ns3:RunCadence></ns3:TPX></Extensions>",
                )
            })
            .collect();
        let tcx = format!(
            "<?xml version=\"1.0\"?><TrainingCenterDatabase xmlns:ns3=\"x\"><Activities>\
             <Activity Sport=\"Running\"><Id>2026-11-24T06:30:00Z</Id>\
             <Lap StartTime=\"2026-11-24T06:30:00Z\"><DistanceMeters>27</DistanceMeters>\
             <Track>{points}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
        );
        let legs = read(tcx.as_bytes()).unwrap();
        assert_eq!(legs.len(), 1);
        let leg = &legs[0];
        assert_eq!(leg.sport, Sport::Running);
        assert_eq!(leg.samples.len(), 10);
        let last = leg.samples[9];
        assert_eq!(last.seconds, 9.0);
        assert_eq!(last.spm, Some(168.0));
        assert_eq!(last.speed_mps, Some(3.1));
        assert_eq!(last.distance_m, Some(27.0));
        assert_eq!(last.heart_rate, Some(140));
    }

    #[test]
    fn multi_sport_sessions_give_a_leg_per_activity() {
        let bike: String = (0..5)
            .map(|s| trackpoint(s, "<Cadence>90</Cadence>"))
            .collect();
        let run: String = (10..15)
            .map(|s| trackpoint(s, "<Cadence>172</Cadence>"))
            .collect();
        let tcx = format!(
            "<TrainingCenterDatabase><Activities><MultiSportSession>\
             <FirstSport><Activity Sport=\"Biking\"><Lap><Track>{bike}</Track></Lap></Activity></FirstSport>\
             <NextSport><Activity Sport=\"Running\"><Lap><Track>{run}</Track></Lap></Activity></NextSport>\
             </MultiSportSession></Activities></TrainingCenterDatabase>"
        );
        let legs = read(tcx.as_bytes()).unwrap();
        assert_eq!(legs.len(), 2);
        assert_eq!(legs[0].sport, Sport::Cycling);
        assert_eq!(legs[1].sport, Sport::Running);
        // Plain cadence of a run already in steps: kept as written.
        assert_eq!(legs[1].samples[0].spm, Some(172.0));
        assert_eq!(
            legs[1].started_at,
            time::macros::datetime!(2026-11-24 06:30:10 UTC)
        );
    }
}

//! Garmin's FIT activity files, decoded by `fitparser` (CRC checked, scales applied).
//!
//! Records (`record` messages: timestamp, cadence, fractional_cadence, speed, distance,
//! heart rate) are given to the session whose time span holds them; a multi-sport file
//! has one session per leg. Running cadence is strides per minute: steps per minute =
//! 2 x (cadence + fractional_cadence), as GoldenCheetah and FitTrackee read it (dropping
//! the fraction loses up to 2 spm; GoldenCheetah #2060).

mod framing;
mod quiet;

use std::collections::HashSet;

use fitparser::de::DecodeOption;
use fitparser::profile::MesgNum;
use fitparser::{ErrorKind, FitDataRecord, Value};
use time::OffsetDateTime;

use super::{ImportError, Leg, Sport, seconds_since};
use crate::coach::measured::Sample;
use framing::Fault;
pub use quiet::caught as parser_panics;

const FORMAT: &str = "FIT";

/// A FIT file says so in bytes 8-11 of its header.
pub fn looks_like_fit(bytes: &[u8]) -> bool {
    bytes.get(8..12) == Some(b".FIT")
}

/// A session (one leg) as the file summarises it.
struct Session {
    sport: Sport,
    start: i64,
    end: i64,
}

/// One record message.
struct Record {
    unix: i64,
    cadence: Option<f64>,
    fraction: Option<f64>,
    speed: Option<f64>,
    distance: Option<f64>,
    heart_rate: Option<f64>,
}

/// Reads the legs of a FIT file.
pub fn read(bytes: &[u8]) -> Result<Vec<Leg>, ImportError> {
    let (checked, stale_checksums) = framing::check(bytes).map_err(|fault| match fault {
        Fault::Truncated => ImportError::Truncated(FORMAT),
        Fault::Checksum => ImportError::Damaged {
            format: FORMAT,
            detail: "its checksum does not match: it changed after the watch wrote it".into(),
        },
        Fault::Damaged(detail) => ImportError::Damaged {
            format: FORMAT,
            detail,
        },
    })?;
    let mut options = HashSet::new();
    if stale_checksums {
        // Verified above on the bytes as written; the cleaned copy's no longer match.
        options.insert(DecodeOption::SkipHeaderCrcValidation);
        options.insert(DecodeOption::SkipDataCrcValidation);
    }
    // fitparser is a parser of untrusted input with no promise never to panic; after
    // the framing walk none is known, and one would be a damaged file here, never a
    // crash (nor a message on stderr beside the one line the caller prints).
    let decoded = quiet::catch(|| fitparser::de::from_bytes_with_options(&checked, &options))
        .ok_or_else(|| ImportError::Damaged {
            format: FORMAT,
            detail: "its messages do not make sense".into(),
        })?;
    let messages = decoded.map_err(|error| match *error {
        ErrorKind::UnexpectedEof(_) => ImportError::Truncated(FORMAT),
        ErrorKind::InvalidCrc(..) => ImportError::Damaged {
            format: FORMAT,
            detail: "its checksum does not match: it changed after the watch wrote it".into(),
        },
        other => ImportError::Damaged {
            format: FORMAT,
            detail: other.to_string(),
        },
    })?;
    Ok(legs(&messages))
}

fn legs(messages: &[FitDataRecord]) -> Vec<Leg> {
    let mut sessions = Vec::new();
    let mut records = Vec::new();
    let mut sport_message = None;
    for message in messages {
        match message.kind() {
            MesgNum::Record => {
                if let Some(record) = record(message) {
                    records.push(record);
                }
            }
            MesgNum::Session => sessions.extend(session(message)),
            MesgNum::Sport if sport_message.is_none() => {
                sport_message = text(message, "sport").map(|name| Sport::from_name(&name));
            }
            _ => {}
        }
    }
    records.sort_by_key(|record| record.unix);
    if sessions.is_empty() {
        // No summary: one leg of everything, the sport from a `sport` message, else
        // taken for a run (this is a runner's app).
        let (Some(first), Some(last)) = (records.first(), records.last()) else {
            return Vec::new();
        };
        sessions.push(Session {
            sport: sport_message.unwrap_or(Sport::Running),
            start: first.unix,
            end: last.unix,
        });
    }
    sessions.sort_by_key(|session| session.start);
    sessions
        .iter()
        .map(|session| {
            let inside: Vec<&Record> = records
                .iter()
                .filter(|record| (session.start..=session.end).contains(&record.unix))
                .collect();
            leg(session, &inside)
        })
        .collect()
}

fn leg(session: &Session, records: &[&Record]) -> Leg {
    let start = records.first().map_or(session.start, |record| record.unix);
    let started_at =
        OffsetDateTime::from_unix_timestamp(start).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let samples = records
        .iter()
        .map(|record| {
            let at = OffsetDateTime::from_unix_timestamp(record.unix).unwrap_or(started_at);
            Sample {
                seconds: seconds_since(started_at, at),
                spm: record
                    .cadence
                    .map(|strides| 2.0 * (strides + record.fraction.unwrap_or(0.0))),
                speed_mps: record.speed,
                distance_m: record.distance,
                heart_rate: record.heart_rate.map(|bpm| bpm.clamp(0.0, 255.0) as u8),
            }
        })
        .collect();
    Leg {
        sport: session.sport.clone(),
        started_at,
        samples,
    }
}

fn record(message: &FitDataRecord) -> Option<Record> {
    let mut record = Record {
        unix: time_of(message, "timestamp")?,
        cadence: None,
        fraction: None,
        speed: None,
        distance: None,
        heart_rate: None,
    };
    for field in message.fields() {
        let value = number(field.value());
        match field.name() {
            "cadence" => record.cadence = value,
            "fractional_cadence" => record.fraction = value,
            // Newer watches write only the enhanced (32-bit) speed.
            "enhanced_speed" => record.speed = value.or(record.speed),
            "speed" => record.speed = record.speed.or(value),
            "distance" => record.distance = value,
            "heart_rate" => record.heart_rate = value,
            _ => {}
        }
    }
    Some(record)
}

fn session(message: &FitDataRecord) -> Option<Session> {
    let start = time_of(message, "start_time")?;
    let elapsed = field(message, "total_elapsed_time").and_then(number);
    let end = match elapsed {
        Some(seconds) if seconds >= 0.0 => start + seconds.ceil() as i64,
        _ => time_of(message, "timestamp")?,
    };
    let sport = text(message, "sport").map_or(Sport::Running, |name| Sport::from_name(&name));
    Some(Session { sport, start, end })
}

fn field<'a>(message: &'a FitDataRecord, name: &str) -> Option<&'a Value> {
    message
        .fields()
        .iter()
        .find(|field| field.name() == name)
        .map(|field| field.value())
}

/// Unix seconds of a timestamp field.
fn time_of(message: &FitDataRecord, name: &str) -> Option<i64> {
    match field(message, name)? {
        Value::Timestamp(at) => Some(at.timestamp()),
        _ => None,
    }
}

fn text(message: &FitDataRecord, name: &str) -> Option<String> {
    match field(message, name)? {
        Value::String(text) => Some(text.clone()),
        // An enum value the profile has no name for.
        Value::Enum(number) => Some(format!("sport {number}")),
        _ => None,
    }
}

fn number(value: &Value) -> Option<f64> {
    let number = match *value {
        Value::Byte(v) | Value::Enum(v) | Value::UInt8(v) | Value::UInt8z(v) => f64::from(v),
        Value::SInt8(v) => f64::from(v),
        Value::SInt16(v) => f64::from(v),
        Value::UInt16(v) | Value::UInt16z(v) => f64::from(v),
        Value::SInt32(v) => f64::from(v),
        Value::UInt32(v) | Value::UInt32z(v) => f64::from(v),
        Value::SInt64(v) => v as f64,
        Value::UInt64(v) | Value::UInt64z(v) => v as f64,
        Value::Float32(v) => f64::from(v),
        Value::Float64(v) => v,
        _ => return None,
    };
    number.is_finite().then_some(number)
}

//! Watch files in: FIT, TCX and GPX exports turned into runs with the step rate the
//! runner really ran.
//!
//! An adapter like `store/` and `export/`: it reads bytes and hands the pure
//! [`coach::measured`](crate::coach::measured) module plain [`Sample`]s. The format is
//! told from the content, not the file name:
//!
//! * [`fit`]: Garmin's binary FIT, read with the `fitparser` crate. Running cadence is in
//!   strides per minute there: steps = 2 x (`cadence` + `fractional_cadence`).
//! * [`tcx`]: Garmin's Training Center XML. `RunCadence` is strides per minute too.
//! * [`gpx`]: GPX with Garmin's track point extension. `cad` comes in either unit
//!   depending on the exporter: see [`CadenceUnit`].
//!
//! TCX and GPX are read with quick-xml by local name, so `ns3:RunCadence` and
//! `gpxtpx:cad` are both found whatever the prefix. It never expands entities, and any
//! document that declares a DOCTYPE is refused outright, so no entity expansion (an
//! "XML bomb") can happen.
//!
//! Each file gives one or more legs (a triathlon gives swim, bike and run). Running legs
//! are measured; the others are listed with their sport and skipped. Cycling cadence is
//! pedal rpm, never a step rate, and walking is not running.

pub mod fit;
pub mod gpx;
pub mod tcx;
mod xml;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use time::OffsetDateTime;

use crate::coach::measured::{MeasureError, Measurement, Sample};

/// Files above this are refused before reading: a 12-hour FIT with every field at 1 Hz
/// is about 5 MB, a TCX of it about 40 MB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a leg of an activity was, as the watch wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sport {
    Running,
    Walking,
    Cycling,
    Swimming,
    /// Any other sport, by the name the file gives (lower case, at most 32 characters).
    Other(String),
}

impl Sport {
    /// From a sport name as FIT, TCX or GPX write it ("running", "Biking", "trail_run").
    pub fn from_name(name: &str) -> Self {
        let name: String = name
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ' ')
            .take(32)
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "running" | "run" | "trail_running" | "treadmill_running" | "street_running"
            | "track_running" | "virtual_running" | "indoor_running" => Sport::Running,
            "walking" | "walk" | "hiking" => Sport::Walking,
            "cycling" | "biking" | "bike" | "ride" | "road_biking" | "mountain_biking" => {
                Sport::Cycling
            }
            "swimming" | "swim" | "open_water_swimming" | "lap_swimming" => Sport::Swimming,
            _ => Sport::Other(name),
        }
    }

    pub fn is_run(&self) -> bool {
        *self == Sport::Running
    }

    pub fn name(&self) -> &str {
        match self {
            Sport::Running => "running",
            Sport::Walking => "walking",
            Sport::Cycling => "cycling",
            Sport::Swimming => "swimming",
            Sport::Other(name) => name,
        }
    }

    /// Why a leg of this sport is not measured.
    pub fn why_skipped(&self) -> &'static str {
        match self {
            Sport::Running => "",
            Sport::Walking => "walking is not running",
            Sport::Cycling => "cycling cadence is pedal turns, not steps",
            Sport::Swimming | Sport::Other(_) => "not a run",
        }
    }
}

impl fmt::Display for Sport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to read GPX `cad` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CadenceUnit {
    /// Decide per file: if the median of the non-zero values is below
    /// [`STRIDES_BELOW`], they are strides (one foot) per minute and are doubled.
    /// Nobody runs under 120 steps a minute, and nobody strides over it.
    #[default]
    Auto,
    /// Steps (both feet) per minute, as written.
    Steps,
    /// Strides (one foot) per minute: doubled.
    Strides,
}

/// See [`CadenceUnit::Auto`].
pub const STRIDES_BELOW: f64 = 120.0;

impl CadenceUnit {
    /// The factor from the file's values to steps per minute.
    pub(crate) fn factor(self, raw: &[f64]) -> f64 {
        match self {
            CadenceUnit::Steps => 1.0,
            CadenceUnit::Strides => 2.0,
            CadenceUnit::Auto => {
                let mut moving: Vec<f64> = raw.iter().copied().filter(|c| *c > 0.0).collect();
                moving.sort_by(f64::total_cmp);
                match moving.get(moving.len() / 2) {
                    Some(&median) if median < STRIDES_BELOW => 2.0,
                    _ => 1.0,
                }
            }
        }
    }
}

/// Choices the runner can make about reading a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub gpx_cadence: CadenceUnit,
}

/// One leg as read: what sport, when it started, and the readings.
#[derive(Clone, Debug, PartialEq)]
pub struct Leg {
    pub sport: Sport,
    /// The leg's start in UTC; sample times are seconds from it.
    pub started_at: OffsetDateTime,
    pub samples: Vec<Sample>,
}

impl Leg {
    /// From the first reading to the last.
    pub fn elapsed_seconds(&self) -> f64 {
        match (self.samples.first(), self.samples.last()) {
            (Some(first), Some(last)) => (last.seconds - first.seconds).max(0.0),
            _ => 0.0,
        }
    }
}

/// A leg of an imported file, measured if it was a run.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedLeg {
    pub sport: Sport,
    pub started_at: OffsetDateTime,
    pub elapsed_seconds: f64,
    /// For running legs.
    pub measurement: Option<Measurement>,
}

/// Why a file could not be imported. The caller puts the file's name in front.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("could not be read: {0}")]
    Read(#[source] io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("the file is {} MB; watch exports are far smaller, and at most 64 MB is read", .size / (1024 * 1024))]
    TooLarge { size: u64 },
    #[error("this is not a FIT, TCX or GPX file: it starts with neither a FIT header nor XML")]
    UnknownFormat,
    #[error("this XML is neither TCX (TrainingCenterDatabase) nor GPX")]
    UnknownXml,
    #[error(
        "the {0} file ends early: it was cut off while copying or while the watch saved it; \
         export it again"
    )]
    Truncated(&'static str),
    #[error("the {format} file is damaged: {detail}")]
    Damaged {
        format: &'static str,
        detail: String,
    },
    #[error(
        "the XML declares a DOCTYPE, which watch exports never do; it is not read (entity \
         definitions could expand without bound)"
    )]
    DocType,
    #[error("no track points in this file: the watch recorded nothing to measure")]
    NoRecords,
    #[error("{0}")]
    Measure(#[from] MeasureError),
    /// Readings no run can have (a start in the year 3026, say): a damaged file.
    #[error("the run in this file cannot be kept: {0}")]
    Implausible(String),
}

/// A file read into legs; `fingerprint` identifies its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub fingerprint: String,
    pub legs: Vec<ImportedLeg>,
}

/// Reads `path` (at most [`MAX_FILE_BYTES`]) and measures its running legs.
pub fn import_file(path: &Path, options: Options) -> Result<Imported, ImportError> {
    import_bytes(&read_limited(path)?, options)
}

/// [`import_file`] on bytes already read: the legs, each run measured. Fails, with
/// nothing to keep, if any running leg cannot be measured.
pub fn import_bytes(bytes: &[u8], options: Options) -> Result<Imported, ImportError> {
    let legs = read_legs(bytes, options)?;
    let fingerprint = fingerprint(bytes);
    let mut imported = Vec::with_capacity(legs.len());
    for (index, leg) in legs.into_iter().enumerate() {
        let elapsed_seconds = leg.elapsed_seconds();
        let measurement = if leg.sport.is_run() {
            let source = source_id(&fingerprint, index);
            let measured = Measurement::from_samples(source, leg.started_at, &leg.samples)?;
            // What could not be saved is refused here, with the file's name, not later.
            measured
                .validate()
                .map_err(|error| ImportError::Implausible(error.to_string()))?;
            Some(measured)
        } else {
            None
        };
        imported.push(ImportedLeg {
            sport: leg.sport,
            started_at: leg.started_at,
            elapsed_seconds,
            measurement,
        });
    }
    Ok(Imported {
        fingerprint,
        legs: imported,
    })
}

/// The legs of a FIT, TCX or GPX file, told apart by their first bytes.
pub fn read_legs(bytes: &[u8], options: Options) -> Result<Vec<Leg>, ImportError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    let legs = if fit::looks_like_fit(bytes) {
        fit::read(bytes)?
    } else {
        match xml::root_name(bytes)?.as_deref() {
            Some("TrainingCenterDatabase") => tcx::read(bytes)?,
            Some("gpx") => gpx::read(bytes, options.gpx_cadence)?,
            Some(_) => return Err(ImportError::UnknownXml),
            None => return Err(ImportError::UnknownFormat),
        }
    };
    let legs: Vec<Leg> = legs
        .into_iter()
        .filter(|leg| !leg.samples.is_empty())
        .collect();
    if legs.is_empty() {
        return Err(ImportError::NoRecords);
    }
    Ok(legs)
}

/// Names a leg of a file: the same bytes give the same id, so a second import of a
/// file finds the runs of the first.
pub fn source_id(fingerprint: &str, leg: usize) -> String {
    format!("{fingerprint}-{leg}")
}

/// FNV-1a over the bytes, as 16 hex digits: stable across builds and platforms (std's
/// hasher is not), and plenty to tell a runner's files apart.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`], checking the size before and
/// while reading.
fn read_limited(path: &Path) -> Result<Vec<u8>, ImportError> {
    let metadata = std::fs::metadata(path).map_err(ImportError::Read)?;
    if metadata.is_dir() {
        return Err(ImportError::Read(io::Error::other(
            "it is a folder, not a file",
        )));
    }
    if !metadata.is_file() {
        // A named pipe would wait for a writer forever.
        return Err(ImportError::Read(io::Error::other(
            "it is not a regular file",
        )));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            size: metadata.len(),
        });
    }
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(ImportError::Read)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(bytes)
}

/// Seconds from `start` to `at`.
pub(crate) fn seconds_since(start: OffsetDateTime, at: OffsetDateTime) -> f64 {
    (at - start).as_seconds_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sports_are_named_as_watches_write_them() {
        assert_eq!(Sport::from_name("Running"), Sport::Running);
        assert_eq!(Sport::from_name("trail_running"), Sport::Running);
        assert_eq!(Sport::from_name("Biking"), Sport::Cycling);
        assert_eq!(Sport::from_name("walking"), Sport::Walking);
        assert_eq!(
            Sport::from_name("Rowing<script>"),
            Sport::Other("rowingscript".into())
        );
        assert_eq!(Sport::from_name(&"x".repeat(100)).name().len(), 32);
    }

    #[test]
    fn the_gpx_unit_rule_doubles_strides_only() {
        let strides = [0.0, 82.0, 84.0, 85.0, 0.0];
        let steps = [0.0, 164.0, 168.0, 170.0];
        assert_eq!(CadenceUnit::Auto.factor(&strides), 2.0);
        assert_eq!(CadenceUnit::Auto.factor(&steps), 1.0);
        assert_eq!(CadenceUnit::Steps.factor(&strides), 1.0);
        assert_eq!(CadenceUnit::Strides.factor(&steps), 2.0);
        assert_eq!(CadenceUnit::Auto.factor(&[]), 1.0);
    }

    #[test]
    fn fingerprints_are_stable() {
        // FNV-1a's published test vectors.
        assert_eq!(fingerprint(b""), "cbf29ce484222325");
        assert_eq!(fingerprint(b"a"), "af63dc4c8601ec8c");
        assert_eq!(source_id("ab", 2), "ab-2");
    }

    #[test]
    fn bytes_that_are_no_watch_file_are_refused() {
        let options = Options::default();
        assert!(matches!(read_legs(b"", options), Err(ImportError::Empty)));
        assert!(matches!(
            read_legs(b" \n", options),
            Err(ImportError::Empty)
        ));
        assert!(matches!(
            read_legs(&[0x13, 0x37, 0xff, 0x00, 0x42], options),
            Err(ImportError::UnknownFormat)
        ));
        assert!(matches!(
            read_legs(b"<?xml version=\"1.0\"?><html></html>", options),
            Err(ImportError::UnknownXml)
        ));
    }
}

//! Writes FIT activity files byte by byte, as a watch does: a 14-byte header with its
//! CRC, definition and data messages for file_id, sport, session, lap and record, and
//! the file's CRC. Used by the import tests and the import benchmark to build the cases
//! no real export here covers (multi-sport, cycling, no cadence, stops, long runs).

/// Seconds from the Unix epoch to the FIT epoch, 1989-12-31 00:00:00 UTC.
pub const FIT_EPOCH_UNIX: i64 = 631_065_600;

/// FIT sport numbers.
pub const RUNNING: u8 = 1;
pub const CYCLING: u8 = 2;
pub const SWIMMING: u8 = 5;
pub const WALKING: u8 = 11;

/// One record message (1 Hz on most watches).
#[derive(Clone, Copy, Debug, Default)]
pub struct Record {
    /// Unix seconds.
    pub unix: i64,
    /// Strides per minute, integer part, as FIT writes it; `None` leaves it invalid.
    pub cadence: Option<u8>,
    /// Fraction of a stride per minute, in 1/128.
    pub fractional_cadence: Option<u8>,
    pub speed_mps: Option<f64>,
    pub distance_m: Option<f64>,
    pub heart_rate: Option<u8>,
}

/// A leg: its sport and records. Each becomes a session (and a lap).
#[derive(Clone, Debug)]
pub struct Leg {
    pub sport: u8,
    pub records: Vec<Record>,
}

/// `minutes` of records at 1 Hz from `unix`, at `strides(second)` strides per minute
/// (integer part) and 3 m/s.
pub fn steady_records(unix: i64, minutes: i64, strides: impl Fn(i64) -> u8) -> Vec<Record> {
    (0..minutes * 60)
        .map(|second| Record {
            unix: unix + second,
            cadence: Some(strides(second)),
            fractional_cadence: Some(0),
            speed_mps: Some(3.0),
            distance_m: Some(3.0 * second as f64),
            heart_rate: Some(150),
        })
        .collect()
}

/// The FIT CRC-16 (polynomial 0xA001, as in the FIT SDK), one nibble at a time.
pub fn crc(bytes: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    let mut crc: u16 = 0;
    for &byte in bytes {
        for nibble in [byte & 0x0F, byte >> 4] {
            let tmp = TABLE[usize::from(crc & 0x0F)];
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ TABLE[usize::from(nibble)];
        }
    }
    crc
}

fn fit_time(unix: i64) -> u32 {
    (unix - FIT_EPOCH_UNIX) as u32
}

// Base types.
const ENUM: u8 = 0x00;
const UINT8: u8 = 0x02;
const UINT16: u8 = 0x84;
const UINT32: u8 = 0x86;

// Global message numbers.
const FILE_ID: u16 = 0;
const SPORT: u16 = 12;
const SESSION: u16 = 18;
const LAP: u16 = 19;
const RECORD: u16 = 20;

struct Writer {
    body: Vec<u8>,
}

impl Writer {
    /// A definition message: local type, global number, (field number, size, base type).
    fn define(&mut self, local: u8, global: u16, fields: &[(u8, u8, u8)]) {
        self.body.push(0x40 | local);
        self.body.push(0); // reserved
        self.body.push(0); // little-endian
        self.body.extend_from_slice(&global.to_le_bytes());
        self.body.push(fields.len() as u8);
        for &(number, size, base) in fields {
            self.body.extend_from_slice(&[number, size, base]);
        }
    }

    fn data(&mut self, local: u8, values: &[u8]) {
        self.body.push(local);
        self.body.extend_from_slice(values);
    }
}

fn u16_or_invalid(value: Option<f64>, scale: f64) -> [u8; 2] {
    value
        .map_or(u16::MAX, |v| (v * scale).round() as u16)
        .to_le_bytes()
}

fn u32_or_invalid(value: Option<f64>, scale: f64) -> [u8; 4] {
    value
        .map_or(u32::MAX, |v| (v * scale).round() as u32)
        .to_le_bytes()
}

/// A complete FIT activity file with one session per leg.
pub fn activity(legs: &[Leg]) -> Vec<u8> {
    let mut w = Writer { body: Vec::new() };
    let first = legs
        .iter()
        .find_map(|leg| leg.records.first())
        .map_or(FIT_EPOCH_UNIX + 1_000_000_000, |r| r.unix);

    // file_id: type (activity = 4), manufacturer, time_created.
    w.define(0, FILE_ID, &[(0, 1, ENUM), (1, 2, UINT16), (4, 4, UINT32)]);
    let mut values = vec![4];
    values.extend_from_slice(&1u16.to_le_bytes());
    values.extend_from_slice(&fit_time(first).to_le_bytes());
    w.data(0, &values);

    // record: timestamp, heart_rate, cadence, distance (cm), speed (mm/s),
    // fractional_cadence (1/128).
    w.define(
        1,
        RECORD,
        &[
            (253, 4, UINT32),
            (3, 1, UINT8),
            (4, 1, UINT8),
            (5, 4, UINT32),
            (6, 2, UINT16),
            (53, 1, UINT8),
        ],
    );
    // session and lap: timestamp, start_time, sport, total_elapsed_time (ms),
    // total_timer_time (ms).
    let summary = [
        (253, 4, UINT32),
        (2, 4, UINT32),
        (5, 1, ENUM),
        (7, 4, UINT32),
        (8, 4, UINT32),
    ];
    w.define(2, SESSION, &summary);
    w.define(3, LAP, &summary);
    w.define(4, SPORT, &[(0, 1, ENUM)]);

    for leg in legs {
        w.data(4, &[leg.sport]);
        for record in &leg.records {
            let mut values = Vec::with_capacity(13);
            values.extend_from_slice(&fit_time(record.unix).to_le_bytes());
            values.push(record.heart_rate.unwrap_or(u8::MAX));
            values.push(record.cadence.unwrap_or(u8::MAX));
            values.extend_from_slice(&u32_or_invalid(record.distance_m, 100.0));
            values.extend_from_slice(&u16_or_invalid(record.speed_mps, 1000.0));
            values.push(record.fractional_cadence.unwrap_or(u8::MAX));
            w.data(1, &values);
        }
        let (Some(start), Some(end)) = (leg.records.first(), leg.records.last()) else {
            continue;
        };
        let elapsed_ms = ((end.unix - start.unix + 1) * 1000) as u32;
        let mut values = Vec::new();
        values.extend_from_slice(&fit_time(end.unix).to_le_bytes());
        values.extend_from_slice(&fit_time(start.unix).to_le_bytes());
        values.push(leg.sport);
        values.extend_from_slice(&elapsed_ms.to_le_bytes());
        values.extend_from_slice(&elapsed_ms.to_le_bytes());
        w.data(3, &values);
        w.data(2, &values);
    }
    finish(&w.body)
}

/// Header (with its CRC) + body + file CRC.
pub fn finish(body: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(body.len() + 16);
    file.push(14);
    file.push(0x20); // protocol 2.0
    file.extend_from_slice(&2132u16.to_le_bytes()); // profile 21.32
    file.extend_from_slice(&(body.len() as u32).to_le_bytes());
    file.extend_from_slice(b".FIT");
    let header_crc = crc(&file);
    file.extend_from_slice(&header_crc.to_le_bytes());
    file.extend_from_slice(body);
    let file_crc = crc(&file);
    file.extend_from_slice(&file_crc.to_le_bytes());
    file
}

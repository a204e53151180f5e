//! A walk over a FIT file's framing (file headers, message headers, definitions, the
//! data size and the checksum) before fitparser decodes a byte of it.
//!
//! fitparser 0.11 trusts the framing it is given. Bytes after the end of the data that
//! are too few for a header make it subtract past zero (`de/parser.rs:280`, a panic in
//! a debug build), a header size other than 12 or 14 puts its reading out of step, a
//! developer field whose size is not a whole number of values can overflow its counter,
//! and a field whose size is not a multiple of its type's size makes it print an
//! `ERROR:` line to stderr. Here every length is checked against the bytes there are,
//! the checksums are verified, and what goes to fitparser is a copy in which:
//!
//! * developer fields (data from Connect IQ apps, which this app never reads) are left
//!   out of every definition and data message, and
//! * a field whose size does not fit its type is declared as plain bytes, which is what
//!   fitparser itself would decode it as, after its print.
//!
//! The copy's checksums no longer match, so fitparser is told to skip them; they were
//! verified here on the bytes as the watch wrote them.

use std::borrow::Cow;

/// A FIT header is 12 bytes (old files) or 14 (with its own checksum).
const HEADER_SIZES: [u8; 2] = [12, 14];
/// FIT's `byte` base type: values read as plain bytes.
const BASE_TYPE_BYTE: u8 = 0x0D;

/// Why the framing does not hold together.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Fault {
    /// The file stops inside a header, a message or a checksum.
    Truncated,
    /// A checksum does not match the bytes.
    Checksum,
    /// The framing makes no sense: what is wrong, in words for the runner.
    Damaged(String),
}

/// Bytes fitparser can decode without tripping over the framing: the file itself when
/// nothing needed changing, else a cleaned copy (see the module's notes). `true` with
/// it means the copy's checksums are stale and must not be checked again.
pub(super) fn check(bytes: &[u8]) -> Result<(Cow<'_, [u8]>, bool), Fault> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut changed = false;
    let mut at = 0;
    while at < bytes.len() {
        let used = file(&bytes[at..], &mut out, &mut changed, at == 0)?;
        at += used;
    }
    if changed {
        Ok((Cow::Owned(out), true))
    } else {
        Ok((Cow::Borrowed(bytes), false))
    }
}

/// A local message type's definition: which of its fields' bytes are kept.
#[derive(Clone, Default)]
struct Definition {
    /// Bytes of the standard fields of each data message.
    field_bytes: usize,
    /// Bytes of developer fields after them, dropped from the copy.
    developer_bytes: usize,
}

/// Checks one FIT file of a chain (a file may hold several, back to back) starting at
/// `bytes[0]`, appends its cleaned copy to `out`, and returns the bytes it took.
fn file(bytes: &[u8], out: &mut Vec<u8>, changed: &mut bool, first: bool) -> Result<usize, Fault> {
    let stray = || {
        Fault::Damaged(format!(
            "{} stray bytes follow the end of its data",
            bytes.len()
        ))
    };
    let header_size = usize::from(*bytes.first().ok_or(Fault::Truncated)?);
    if bytes.len() < 12 {
        return Err(if first { Fault::Truncated } else { stray() });
    }
    if &bytes[8..12] != b".FIT" {
        return Err(stray());
    }
    if !HEADER_SIZES.contains(&bytes[0]) {
        return Err(Fault::Damaged(format!(
            "its header says it is {header_size} bytes long; FIT headers are 12 or 14"
        )));
    }
    let data_size = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let data_end = header_size + data_size;
    if bytes.len() < data_end + 2 {
        return Err(Fault::Truncated);
    }
    let header = &bytes[..header_size];
    let header_crc = (header_size == 14).then(|| u16::from_le_bytes([header[12], header[13]]));
    // A header checksum of 0 means none; the header then counts in the data's checksum.
    let data_crc_from = match header_crc {
        Some(crc) if crc != 0 => {
            if crc16(&header[..12]) != crc {
                return Err(Fault::Checksum);
            }
            header_size
        }
        _ => 0,
    };
    let header_at = out.len();
    out.extend_from_slice(header);
    let copied_from = out.len();
    // The messages first: a file cut inside its last message (its checksum then garbage)
    // is a cut file, not a changed one.
    messages(&bytes[header_size..], data_size, out, changed)?;
    let stored = u16::from_le_bytes([bytes[data_end], bytes[data_end + 1]]);
    if crc16(&bytes[data_crc_from..data_end]) != stored {
        return Err(Fault::Checksum);
    }
    let copied = out.len() - copied_from;
    if copied != data_size {
        // The copy is shorter: say so in its header, whose own checksum no longer holds.
        let size = u32::try_from(copied).map_err(|_| Fault::Damaged("too large".into()))?;
        out[header_at + 4..header_at + 8].copy_from_slice(&size.to_le_bytes());
        if header_size == 14 {
            out[header_at + 12..header_at + 14].fill(0);
        }
    }
    out.extend_from_slice(&bytes[data_end..data_end + 2]);
    Ok(data_end + 2)
}

/// Walks the messages of the first `data_size` bytes of `rest` (one file's data and
/// whatever follows it), copying them (cleaned) into `out`.
fn messages(
    rest: &[u8],
    data_size: usize,
    out: &mut Vec<u8>,
    changed: &mut bool,
) -> Result<(), Fault> {
    // A message past the end of the data: cut off if it runs past the end of the file
    // too, else the sizes disagree.
    let past = |end: usize| {
        if end > rest.len() {
            Fault::Truncated
        } else {
            Fault::Damaged("a message runs past the end of the data its header announces".into())
        }
    };
    let mut definitions: [Option<Definition>; 16] = Default::default();
    let mut at = 0;
    while at < data_size {
        let header = rest[at];
        if header & 0x80 == 0 && header & 0x40 != 0 {
            let developer = header & 0x20 != 0;
            let (definition, length) =
                definition(&rest[at..], developer, out, changed).ok_or(Fault::Truncated)?;
            if at + length > data_size {
                return Err(past(at + length));
            }
            definitions[usize::from(header & 0x0F)] = Some(definition);
            at += length;
            continue;
        }
        // A data message: a normal header names its local type in the low 4 bits, a
        // compressed-timestamp header in bits 5-6.
        let local = if header & 0x80 != 0 {
            (header >> 5) & 0x03
        } else {
            header & 0x0F
        };
        let definition = definitions[usize::from(local)].as_ref().ok_or_else(|| {
            Fault::Damaged(format!(
                "a data message of local type {local} comes before its definition"
            ))
        })?;
        let kept = 1 + definition.field_bytes;
        let length = kept + definition.developer_bytes;
        if at + length > data_size {
            return Err(past(at + length));
        }
        out.extend_from_slice(&rest[at..at + kept]);
        at += length;
    }
    Ok(())
}

/// Reads a definition message at `bytes[0]`; copies it to `out` without developer
/// fields, sizes that do not fit their type declared as bytes. `None` if it is cut off.
fn definition(
    bytes: &[u8],
    developer: bool,
    out: &mut Vec<u8>,
    changed: &mut bool,
) -> Option<(Definition, usize)> {
    // Header, reserved, architecture, global number (2), number of fields.
    let fields = usize::from(*bytes.get(5)?);
    let fields_end = 6 + 3 * fields;
    let standard = bytes.get(..fields_end)?;
    let mut length = fields_end;
    let mut developer_bytes = 0;
    if developer {
        let count = usize::from(*bytes.get(fields_end)?);
        let developer_fields = bytes.get(fields_end + 1..fields_end + 1 + 3 * count)?;
        developer_bytes = developer_fields
            .chunks_exact(3)
            .map(|field| usize::from(field[1]))
            .sum();
        length += 1 + 3 * count;
        *changed = true;
    }
    let start = out.len();
    out.extend_from_slice(standard);
    // The copy declares no developer fields.
    out[start] &= !0x20;
    let mut field_bytes = 0;
    for field in out[start + 6..].chunks_exact_mut(3) {
        let size = field[1];
        field_bytes += usize::from(size);
        if size % base_size(field[2]) != 0 {
            field[2] = BASE_TYPE_BYTE;
            *changed = true;
        }
    }
    let definition = Definition {
        field_bytes,
        developer_bytes,
    };
    Some((definition, length))
}

/// The size of one value of a FIT base type, as fitparser reckons it (bits 5 and 6 are
/// ignored; unknown types are single bytes).
fn base_size(base_type: u8) -> u8 {
    match base_type & 0x9F {
        0x83 | 0x84 | 0x8B => 2,
        0x85 | 0x86 | 0x88 | 0x8C => 4,
        0x89 | 0x8E | 0x8F | 0x90 => 8,
        _ => 1,
    }
}

/// FIT's CRC-16, a nibble at a time, as the FIT SDK computes it.
pub(crate) fn crc16(bytes: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    bytes.iter().fold(0u16, |crc, &byte| {
        let crc = (crc >> 4) ^ TABLE[usize::from(crc & 0xF)] ^ TABLE[usize::from(byte & 0xF)];
        (crc >> 4) ^ TABLE[usize::from(crc & 0xF)] ^ TABLE[usize::from(byte >> 4)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIT file around `data`: a 14-byte header with its checksum, and the data's.
    fn fit(data: &[u8]) -> Vec<u8> {
        let mut file = vec![14, 0x20, 0x08, 0x08];
        file.extend_from_slice(&(data.len() as u32).to_le_bytes());
        file.extend_from_slice(b".FIT");
        let crc = crc16(&file);
        file.extend_from_slice(&crc.to_le_bytes());
        file.extend_from_slice(data);
        let crc = crc16(&file[14..]);
        file.extend_from_slice(&crc.to_le_bytes());
        file
    }

    /// Local type 0 defined as global message 20 (record) with `fields` (number, size,
    /// base type) and `developer` fields (number, size, index).
    fn definition(fields: &[[u8; 3]], developer: &[[u8; 3]]) -> Vec<u8> {
        let header = if developer.is_empty() { 0x40 } else { 0x60 };
        let mut message = vec![header, 0, 0, 20, 0, fields.len() as u8];
        message.extend(fields.iter().flatten());
        if !developer.is_empty() {
            message.push(developer.len() as u8);
            message.extend(developer.iter().flatten());
        }
        message
    }

    #[test]
    fn the_crc_is_the_fit_sdks() {
        // The FIT SDK's check value for "123456789" with this CRC (CRC-16/ARC).
        assert_eq!(crc16(b"123456789"), 0xBB3D);
    }

    #[test]
    fn a_sound_file_is_passed_on_untouched() {
        let mut data = definition(&[[3, 1, 0x02], [253, 4, 0x86]], &[]);
        data.extend([0x00, 85, 1, 2, 3, 4]);
        data.extend([0x00, 86, 1, 2, 3, 5]);
        let file = fit(&data);
        let (checked, stale) = check(&file).unwrap();
        assert!(matches!(checked, Cow::Borrowed(_)));
        assert!(!stale);
        // Two files back to back are a chain, also sound.
        let chain = [file.clone(), file].concat();
        assert!(matches!(check(&chain).unwrap().0, Cow::Borrowed(_)));
    }

    #[test]
    fn developer_fields_and_misfit_sizes_are_cleaned_out() {
        // A 3-byte field declared as uint16, and a 2-byte developer field.
        let mut data = definition(&[[3, 1, 0x02], [7, 3, 0x84]], &[[0, 2, 0]]);
        data.extend([0x00, 85, 9, 9, 9, 0xAA, 0xBB]);
        let file = fit(&data);
        let (checked, stale) = check(&file).unwrap();
        assert!(stale);
        let mut expected = definition(&[[3, 1, 0x02], [7, 3, BASE_TYPE_BYTE]], &[]);
        expected.extend([0x00, 85, 9, 9, 9]);
        assert_eq!(&checked[14..checked.len() - 2], &expected[..]);
        assert_eq!(checked[4..8], (expected.len() as u32).to_le_bytes());
        assert_eq!(
            checked[12..14],
            [0, 0],
            "the stale header checksum is cleared"
        );
    }

    #[test]
    fn broken_framing_is_named() {
        let mut data = definition(&[[3, 1, 0x02]], &[]);
        data.extend([0x00, 85]);
        let file = fit(&data);

        // Bytes after the end too few for a header: fitparser's subtraction overflow.
        let mut tail = file.clone();
        tail.extend([3, 0, 0, 0, 0]);
        assert_eq!(
            check(&tail),
            Err(Fault::Damaged(
                "5 stray bytes follow the end of its data".into()
            ))
        );
        // A message crossing the end of the data.
        let mut long = definition(&[[3, 1, 0x02]], &[]);
        long.extend([0x00]);
        assert!(matches!(check(&fit(&long)), Err(Fault::Damaged(_))));
        // Data before any definition.
        assert_eq!(
            check(&fit(&[0x01, 85])),
            Err(Fault::Damaged(
                "a data message of local type 1 comes before its definition".into()
            ))
        );
        // A 13-byte header.
        let mut odd = file.clone();
        odd[0] = 13;
        assert!(matches!(check(&odd), Err(Fault::Damaged(_))));
        // Cut short, or changed after writing.
        assert_eq!(check(&file[..file.len() - 1]), Err(Fault::Truncated));
        assert_eq!(check(&file[..9]), Err(Fault::Truncated));
        let mut changed = file.clone();
        changed[20] ^= 1;
        assert_eq!(check(&changed), Err(Fault::Checksum));
    }
}

//! Ogg Opus (RFC 7845) through libopus: the smallest files. The header carries the
//! encoder's look-ahead as `pre_skip`, and the last page's granule position marks where
//! the audio ends, so decoders trim both and every click stays on its sample.
//!
//! Most of a click track is digital silence. Frames that hold a click (or the tail the
//! encoder's look-ahead carries into the next frame) get [`BITRATE`]; silent ones a low
//! rate, and after 200 ms of silence discontinuous transmission sends almost
//! nothing. So the size follows the clicks, and the clicks keep their bits.

use std::fs::File;
use std::io::{BufWriter, Write};

use ogg::writing::{PacketWriteEndInfo, PacketWriter};

use super::{ExportError, FileSpec, Tags, TrackRenderer};

/// Granule positions and the pre-skip count 48 kHz samples at whatever rate the input
/// came in.
const GRANULE_RATE: u32 = 48_000;
/// The input rate unless one is asked for. libopus codes a 24 kHz input natively (its
/// transform runs at half size), so the clicks are rendered at the rate they are coded
/// at, with no resampling: clicks at 172 spm encode in half the time of a 48 kHz input
/// (10 minutes took 5.4 s against 10.1 s on a loaded machine) and the file is the same
/// size, since the built-in sounds stay under 3.2 kHz, far below the 12 kHz
/// that 24 kHz holds.
pub(super) const DEFAULT_SAMPLE_RATE: u32 = 24_000;
pub(super) const SAMPLE_RATES: [u32; 5] = [8_000, 12_000, 16_000, 24_000, 48_000];
pub(super) const SAMPLE_RATES_TEXT: &str = "8000, 12000, 16000, 24000 or 48000 Hz";
/// Bits per second while a click sounds (VBR): enough for a crisp attack.
const BITRATE: i32 = 32_000;
/// Bits per second for silent frames. Lower rates (500) made the next click's attack
/// start up to 3 ms early when decoded; 4000 keeps every click within 1 ms.
const SILENCE_BITRATE: i32 = 4_000;
/// 10 ms frames: a click's bits go to the few frames it sounds in (an hour of clicks
/// came out a third smaller than with 20 ms frames, at the same bitrate).
const FRAMES_PER_SECOND: u32 = 100;
/// A page a second: a player can seek to the second.
const PACKETS_PER_PAGE: u64 = 100;
/// The Ogg stream's serial number. Fixed, so the same command writes the same file.
const SERIAL: u32 = 0x00CA_DE0C;

fn opus_error(error: impl std::fmt::Display) -> ExportError {
    ExportError::Opus(error.to_string())
}

/// The identification header: version 1, channels, pre-skip, input rate, no gain,
/// mapping family 0 (mono or stereo).
fn opus_head(channels: u8, pre_skip: u16, input_rate: u32) -> Vec<u8> {
    let mut head = Vec::with_capacity(19);
    head.extend_from_slice(b"OpusHead");
    head.push(1);
    head.push(channels);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&input_rate.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    head
}

fn opus_tags(tags: &Tags) -> Vec<u8> {
    let mut packet = b"OpusTags".to_vec();
    packet.extend_from_slice(&tags.vorbis_comment());
    packet
}

pub(super) fn write(
    file: &mut File,
    renderer: &mut TrackRenderer,
    spec: FileSpec,
    tags: &Tags,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(), ExportError> {
    let channels = usize::from(spec.channels.max(1));
    let mut encoder = opus::Encoder::new(
        spec.sample_rate,
        if channels == 1 {
            opus::Channels::Mono
        } else {
            opus::Channels::Stereo
        },
        // CELT only: at the silent frames' low rate libopus would otherwise switch to
        // its speech codec, and each switch back smears the next click's attack.
        opus::Application::LowDelay,
    )
    .map_err(opus_error)?;
    encoder
        .set_bitrate(opus::Bitrate::Bits(BITRATE))
        .map_err(opus_error)?;
    encoder.set_vbr(true).map_err(opus_error)?;
    encoder.set_dtx(true).map_err(opus_error)?;
    encoder
        .set_signal(opus::Signal::Music)
        .map_err(opus_error)?;
    // Whole numbers for every accepted rate: 48 kHz samples per input sample.
    let to_48k = u64::from(GRANULE_RATE / spec.sample_rate);
    let lookahead = u64::try_from(encoder.get_lookahead().map_err(opus_error)?).unwrap_or(0);
    let pre_skip = lookahead * to_48k;
    let frame = usize::try_from(spec.sample_rate / FRAMES_PER_SECOND).unwrap_or(960);

    let total = renderer.total_frames();
    // The encoder holds back `lookahead` samples: feed that much silence after the end
    // so the last click comes out, then let the final granule position cut the rest.
    let packets = (total + lookahead).div_ceil(frame as u64);
    let end_granule = pre_skip + total * to_48k;

    let mut ogg = PacketWriter::new(BufWriter::with_capacity(1 << 20, file));
    let head = opus_head(
        spec.channels as u8,
        u16::try_from(pre_skip).map_err(opus_error)?,
        spec.sample_rate,
    );
    ogg.write_packet(head, SERIAL, PacketWriteEndInfo::EndPage, 0)?;
    ogg.write_packet(opus_tags(tags), SERIAL, PacketWriteEndInfo::EndPage, 0)?;

    let mut stream = Packets {
        encoder,
        buffer: vec![0u8; 4_000],
        written: 0,
        packets,
        granule_step: frame as u64 * to_48k,
        end_granule,
        previous_silent: false,
        coding_silence: false,
    };
    let mut pending: Vec<f32> = Vec::with_capacity(frame * channels);
    while let Some(block) = renderer.next_block() {
        for chunk in block.chunks(frame * channels) {
            let take = chunk.len().min(frame * channels - pending.len());
            pending.extend_from_slice(&chunk[..take]);
            if pending.len() == frame * channels {
                stream.push(&pending, &mut ogg)?;
                pending.clear();
            }
            pending.extend_from_slice(&chunk[take..]);
        }
        progress(renderer.rendered_frames(), total);
    }
    while stream.written < stream.packets {
        pending.resize(frame * channels, 0.0);
        stream.push(&pending, &mut ogg)?;
        pending.clear();
    }
    ogg.into_inner().flush()?;
    Ok(())
}

/// Encodes frames into packets and pages, ending the stream at the last one.
struct Packets {
    encoder: opus::Encoder,
    buffer: Vec<u8>,
    written: u64,
    packets: u64,
    /// 48 kHz samples per packet.
    granule_step: u64,
    end_granule: u64,
    previous_silent: bool,
    /// True while the encoder is set to [`SILENCE_BITRATE`].
    coding_silence: bool,
}

impl Packets {
    fn push<W: Write>(
        &mut self,
        samples: &[f32],
        ogg: &mut PacketWriter<'_, W>,
    ) -> Result<(), ExportError> {
        // A frame's packet also carries the end of the frame before it (the look-ahead,
        // 6.5 ms), so the cheap rate waits for two silent frames in a row.
        let silent = samples.iter().all(|&sample| sample == 0.0);
        let quiet = silent && self.previous_silent;
        self.previous_silent = silent;
        if quiet != self.coding_silence {
            let rate = if quiet { SILENCE_BITRATE } else { BITRATE };
            self.encoder
                .set_bitrate(opus::Bitrate::Bits(rate))
                .map_err(opus_error)?;
            self.coding_silence = quiet;
        }
        let size = self
            .encoder
            .encode_float(samples, &mut self.buffer)
            .map_err(opus_error)?;
        self.written += 1;
        let granule = self.written * self.granule_step;
        let (end, granule) = if self.written == self.packets {
            (PacketWriteEndInfo::EndStream, self.end_granule)
        } else if self.written.is_multiple_of(PACKETS_PER_PAGE) {
            (PacketWriteEndInfo::EndPage, granule)
        } else {
            (PacketWriteEndInfo::NormalPacket, granule)
        };
        ogg.write_packet(self.buffer[..size].to_vec(), SERIAL, end, granule)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identification_header_follows_rfc_7845() {
        let head = opus_head(1, 312, 48_000);
        assert_eq!(head.len(), 19);
        assert_eq!(&head[..8], b"OpusHead");
        assert_eq!(head[8], 1, "version");
        assert_eq!(head[9], 1, "channels");
        assert_eq!(u16::from_le_bytes([head[10], head[11]]), 312);
        assert_eq!(u32::from_le_bytes(head[12..16].try_into().unwrap()), 48_000);
        assert_eq!(&head[16..], &[0, 0, 0]);
    }
}

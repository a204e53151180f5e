//! MP3 through LAME (the system's libmp3lame, linked dynamically through the `lame-sys`
//! declarations), with an ID3v2 tag in front and LAME's own header frame, which tells
//! decoders the encoder delay and padding so they trim them and every click stays on
//! its sample (gapless playback).
//!
//! Clicks are sparse: most of a click track is silence, which VBR codes at the format's
//! smallest frames. At 24 kHz (MPEG-2) that is 8 kbit/s against MPEG-1's 32, and the
//! clicks' partials (all under 4 kHz) come through whole.

use std::ffi::c_int;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::ptr::NonNull;

use lame_sys as lame;

use super::{ExportError, FileSpec, Tags, TrackRenderer};

pub(super) const DEFAULT_SAMPLE_RATE: u32 = 24_000;
pub(super) const SAMPLE_RATES: [u32; 9] = [
    8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000,
];
pub(super) const SAMPLE_RATES_TEXT: &str =
    "8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100 or 48000 Hz (24000 suits clicks)";
/// LAME's VBR quality, 0 (best) to 9: 4 keeps each click's attack crisp, and silence
/// costs the same at any setting.
const VBR_QUALITY: f32 = 4.0;

fn mp3_error(what: &str, code: c_int) -> ExportError {
    ExportError::Mp3(format!("{what} failed (LAME error {code})"))
}

/// One LAME encoder, closed when dropped.
struct Encoder {
    flags: NonNull<lame::lame_global_flags>,
}

impl Encoder {
    fn new(spec: FileSpec) -> Result<Self, ExportError> {
        // SAFETY: lame_init has no preconditions; a null return is handled.
        let flags = NonNull::new(unsafe { lame::lame_init() })
            .ok_or_else(|| ExportError::Mp3("LAME could not start (out of memory?)".into()))?;
        let encoder = Self { flags };
        let gfp = encoder.flags.as_ptr();
        let rate = c_int::try_from(spec.sample_rate).unwrap_or(c_int::MAX);
        let mono = spec.channels == 1;
        // SAFETY: `gfp` came from lame_init and is closed only in Drop; each setter takes
        // plain values.
        let code = unsafe {
            lame::lame_set_in_samplerate(gfp, rate);
            lame::lame_set_out_samplerate(gfp, rate);
            lame::lame_set_num_channels(gfp, c_int::from(spec.channels));
            lame::lame_set_mode(
                gfp,
                if mono {
                    lame::MPEG_mode::MONO
                } else {
                    lame::MPEG_mode::JOINT_STEREO
                },
            );
            lame::lame_set_VBR(gfp, lame::vbr_mode::vbr_mtrh);
            lame::lame_set_VBR_quality(gfp, VBR_QUALITY);
            // The header frame with delay and padding; no ID3 from LAME (we write ours).
            lame::lame_set_bWriteVbrTag(gfp, 1);
            lame::lame_set_write_id3tag_automatic(gfp, 0);
            lame::lame_init_params(gfp)
        };
        if code < 0 {
            return Err(mp3_error("setting up the encoder", code));
        }
        Ok(encoder)
    }

    /// Encodes planar samples, appending MP3 bytes to `out`.
    fn encode(
        &mut self,
        left: &[f32],
        right: &[f32],
        out: &mut Vec<u8>,
    ) -> Result<(), ExportError> {
        let frames = left.len().min(right.len());
        // LAME's documented worst case: 1.25 x samples + 7200 bytes.
        out.resize(frames + frames / 4 + 7_200, 0);
        // SAFETY: both inputs hold `frames` samples (LAME only reads them, despite the
        // `*mut` in its declaration), and `out` holds the size passed.
        let written = unsafe {
            lame::lame_encode_buffer_ieee_float(
                self.flags.as_ptr(),
                left.as_ptr().cast_mut(),
                right.as_ptr().cast_mut(),
                c_int::try_from(frames).unwrap_or(c_int::MAX),
                out.as_mut_ptr(),
                c_int::try_from(out.len()).unwrap_or(c_int::MAX),
            )
        };
        self.take(written, out, "encoding")
    }

    /// The last frames, padded.
    fn flush(&mut self, out: &mut Vec<u8>) -> Result<(), ExportError> {
        out.resize(7_200, 0);
        // SAFETY: `out` holds the size passed.
        let written = unsafe {
            lame::lame_encode_flush(
                self.flags.as_ptr(),
                out.as_mut_ptr(),
                c_int::try_from(out.len()).unwrap_or(c_int::MAX),
            )
        };
        self.take(written, out, "finishing")
    }

    fn take(&self, written: c_int, out: &mut Vec<u8>, what: &str) -> Result<(), ExportError> {
        let Ok(written) = usize::try_from(written) else {
            return Err(mp3_error(what, written));
        };
        out.truncate(written);
        Ok(())
    }

    /// The header frame that replaces the placeholder LAME put first: frame count, seek
    /// table, encoder delay and padding. Call after [`Encoder::flush`].
    fn lame_tag(&self) -> Vec<u8> {
        let mut frame = vec![0u8; 2_880];
        // SAFETY: `frame` holds the size passed; LAME returns the size it needs, writing
        // nothing when that is more.
        let needed = unsafe {
            lame::lame_get_lametag_frame(self.flags.as_ptr(), frame.as_mut_ptr(), frame.len())
        };
        frame.truncate(if needed <= frame.len() { needed } else { 0 });
        frame
    }
}

impl Drop for Encoder {
    fn drop(&mut self) {
        // SAFETY: the pointer came from lame_init and is not used after this.
        unsafe {
            lame::lame_close(self.flags.as_ptr());
        }
    }
}

pub(super) fn write(
    file: &mut File,
    renderer: &mut TrackRenderer,
    spec: FileSpec,
    tags: &Tags,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(), ExportError> {
    let mut encoder = Encoder::new(spec)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    tags.id3()
        .write_to(&mut out, id3::Version::Id3v23)
        .map_err(|error| ExportError::Mp3(format!("cannot write the ID3 tag: {error}")))?;
    // The LAME header is the first frame after the tag.
    let first_frame = out.stream_position()?;
    let channels = usize::from(spec.channels.max(1));
    let (mut left, mut right, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
    let total = renderer.total_frames();
    while let Some(block) = renderer.next_block() {
        left.clear();
        right.clear();
        for frame in block.chunks_exact(channels) {
            left.push(frame[0]);
            right.push(frame[channels - 1]);
        }
        encoder.encode(&left, &right, &mut bytes)?;
        out.write_all(&bytes)?;
        progress(renderer.rendered_frames(), total);
    }
    encoder.flush(&mut bytes)?;
    out.write_all(&bytes)?;
    let tag = encoder.lame_tag();
    if tag.is_empty() {
        return Err(ExportError::Mp3("LAME wrote no header frame".into()));
    }
    out.seek(SeekFrom::Start(first_frame))?;
    out.write_all(&tag)?;
    out.flush()?;
    Ok(())
}

//! FLAC through flacenc, one frame at a time: encoded frames go straight to the file,
//! and the header (length, checksum) is patched in place at the end, so an hour-long
//! track never sits in memory.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};

use flacenc::bitsink::ByteSink;
use flacenc::component::{BitRepr, MetadataBlockData, Stream};
use flacenc::error::Verify;
use flacenc::source::{Context, Fill, FrameBuf};

use super::{ExportError, FileSpec, Tags, TrackRenderer, to_int};

/// FLAC's metadata block type for Vorbis comments.
const VORBIS_COMMENT: u8 = 4;
/// Samples per block: see [`write`].
const BLOCK_SIZE: usize = 1152;
/// Taper of the window the LPC coefficients are fitted through: see [`write`].
const TUKEY_ALPHA: f32 = 0.8;
/// The rate FLAC files are written at unless asked: as MP3, ample for clicks (the
/// built-in sounds stay under 3.2 kHz, far below the 12 kHz it holds), and an hour is
/// 30% smaller than at 48 kHz.
pub(super) const DEFAULT_SAMPLE_RATE: u32 = 24_000;

fn flac_error(error: impl std::fmt::Display) -> ExportError {
    ExportError::Flac(error.to_string())
}

pub(super) fn write(
    file: &mut File,
    renderer: &mut TrackRenderer,
    spec: FileSpec,
    tags: &Tags,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(), ExportError> {
    let channels = usize::from(spec.channels);
    let bits = usize::from(spec.bits);
    let mut config = flacenc::config::Encoder::default();
    config.multithread = false;
    // Measured on 10 minutes at 172 spm (woodblock, mono, 16-bit): a click is ~830
    // non-zero samples at 24 kHz among silence. Short blocks keep each click's block
    // small, and the silence between clicks costs a constant subframe per block: 1152
    // gave 1.46 MB, against 1.52 MB with 960, 1.58 MB with 2048 and 2.01 MB with the
    // default 4096 (block size is not monotonic: it sets where clicks fall in blocks).
    config.block_size = BLOCK_SIZE;
    // The LPC window: a wider Tukey taper fits the click inside the block better (1.44
    // MB at 0.8, against 1.46 MB at the default 0.4 and 1.61 MB rectangular). LPC
    // orders above the default 10 gave nothing (8: 1.50, 12: 1.50, 24: 1.46 MB).
    config.subframe_coding.qlpc.window = flacenc::config::Window::Tukey { alpha: TUKEY_ALPHA };
    let config = config.into_verified().map_err(|(_, e)| flac_error(e))?;
    let block_size = config.block_size;

    let mut stream = Stream::new(spec.sample_rate as usize, channels, bits).map_err(flac_error)?;
    stream
        .stream_info_mut()
        .set_block_sizes(block_size, block_size)
        .map_err(flac_error)?;
    stream.add_metadata_block(
        MetadataBlockData::new_unknown(VORBIS_COMMENT, &tags.vorbis_comment())
            .map_err(flac_error)?,
    );
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut sink = ByteSink::new();
    stream.write(&mut sink).map_err(flac_error)?;
    let header_len = sink.as_slice().len();
    out.write_all(sink.as_slice())?;

    let mut frame_buffer = FrameBuf::with_size(channels, block_size).map_err(flac_error)?;
    let mut context = Context::new(bits, channels);
    let mut pending: Vec<i32> = Vec::with_capacity(block_size * channels);
    let total = renderer.total_frames();
    let mut encode = |samples: &[i32],
                      stream: &mut Stream,
                      out: &mut BufWriter<&mut File>|
     -> Result<(), ExportError> {
        frame_buffer.fill_interleaved(samples).map_err(flac_error)?;
        context.fill_interleaved(samples).map_err(flac_error)?;
        let number = context.current_frame_number().unwrap_or(0);
        let frame =
            flacenc::encode_fixed_size_frame(&config, &frame_buffer, number, stream.stream_info())
                .map_err(flac_error)?;
        stream.stream_info_mut().update_frame_info(&frame);
        sink.clear();
        frame.write(&mut sink).map_err(flac_error)?;
        Ok(out.write_all(sink.as_slice())?)
    };
    while let Some(block) = renderer.next_block() {
        for &sample in block {
            pending.push(to_int(sample, spec.bits));
            if pending.len() == block_size * channels {
                encode(&pending, &mut stream, &mut out)?;
                pending.clear();
            }
        }
        progress(renderer.rendered_frames(), total);
    }
    if !pending.is_empty() {
        encode(&pending, &mut stream, &mut out)?;
    }

    let info = stream.stream_info_mut();
    info.set_md5_digest(&context.md5_digest());
    info.set_total_samples(context.total_samples());
    // The last, shorter frame lowered the minimum; a fixed-block-size stream declares
    // min == max, or some decoders (Symphonia, so rodio) refuse the file.
    info.set_block_sizes(block_size, block_size)
        .map_err(flac_error)?;
    let mut header = ByteSink::new();
    stream.write(&mut header).map_err(flac_error)?;
    if header.as_slice().len() != header_len {
        return Err(flac_error("the FLAC header changed size"));
    }
    out.seek(SeekFrom::Start(0))?;
    out.write_all(header.as_slice())?;
    out.flush()?;
    Ok(())
}

//! WAV through hound.

use std::fs::File;
use std::io::BufWriter;

use super::{ExportError, FileSpec, TrackRenderer, to_int};

pub(super) fn write(
    file: &mut File,
    renderer: &mut TrackRenderer,
    spec: FileSpec,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(), ExportError> {
    let float = spec.bits == 32;
    let wav_spec = hound::WavSpec {
        channels: spec.channels,
        sample_rate: spec.sample_rate,
        bits_per_sample: spec.bits,
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    };
    let mut writer = hound::WavWriter::new(BufWriter::with_capacity(1 << 20, file), wav_spec)?;
    let total = renderer.total_frames();
    while let Some(block) = renderer.next_block() {
        if spec.bits == 16 {
            // The specialised 16-bit writer skips per-sample checks: the common case fast.
            let mut samples = writer.get_i16_writer(block.len() as u32);
            for &sample in block {
                samples.write_sample(to_int(sample, 16) as i16);
            }
            samples.flush()?;
        } else {
            for &sample in block {
                if float {
                    writer.write_sample(sample)?;
                } else {
                    writer.write_sample(to_int(sample, spec.bits))?;
                }
            }
        }
        progress(renderer.rendered_frames(), total);
    }
    writer.finalize()?;
    Ok(())
}

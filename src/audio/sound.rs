//! Preparing the click: built-ins are synthesized, files are decoded with rodio,
//! resampled to the output rate and mixed down to mono. Runs on the control side.

use std::fs::File;
use std::num::NonZero;
use std::path::{Path, PathBuf};

use rodio::Source;
use rodio::source::UniformSourceIterator;

use crate::engine::{ClickSound, MAX_SOUND_SECONDS, SoundChoice};

/// Larger files are refused before decoding: a click is a fraction of a second.
pub const MAX_SOUND_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Decoding stops after this much audio; the click keeps its first second.
const DECODE_SECONDS: f32 = 2.0 * MAX_SOUND_SECONDS;

#[derive(Debug, thiserror::Error)]
pub enum SoundError {
    #[error(
        "no built-in sound '{0}' and no file '{0}'; built-in sounds are woodblock, beep and tock"
    )]
    NotFound(String),
    #[error("cannot read the sound file '{path}' ({error}); check the name and permissions")]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "the sound file '{path}' is {megabytes:.0} MB; use a short clip under 20 MB (a click lasts well under a second)"
    )]
    TooLarge { path: PathBuf, megabytes: f64 },
    #[error("cannot decode '{path}' ({reason}); use a WAV, OGG, FLAC or MP3 file")]
    Undecodable { path: PathBuf, reason: String },
    #[error(
        "the sound file '{path}' is silent at the start; pick a file whose sound begins within a second"
    )]
    Silent { path: PathBuf },
}

/// The click for `choice`, prepared at `sample_rate`. Allocates and reads files: call it
/// off the audio thread.
pub fn load_sound(choice: &SoundChoice, sample_rate: u32) -> Result<ClickSound, SoundError> {
    match choice {
        SoundChoice::Builtin(sound) => Ok(sound.synthesize(sample_rate)),
        SoundChoice::File(path) => load_file(path, sample_rate.max(1)),
    }
}

fn load_file(path: &Path, sample_rate: u32) -> Result<ClickSound, SoundError> {
    let unreadable = |error| SoundError::Unreadable {
        path: path.to_owned(),
        error,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(SoundError::NotFound(path.display().to_string()));
        }
        Err(error) => return Err(unreadable(error)),
    };
    let metadata = file.metadata().map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder",
        )));
    }
    if metadata.len() > MAX_SOUND_FILE_BYTES {
        return Err(SoundError::TooLarge {
            path: path.to_owned(),
            megabytes: metadata.len() as f64 / (1024.0 * 1024.0),
        });
    }
    let undecodable = |reason: String| SoundError::Undecodable {
        path: path.to_owned(),
        reason,
    };
    // A malformed file must not take the program down with it.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decode_mono(file, sample_rate)
    }))
    .map_err(|_| undecodable("the decoder failed on it".to_owned()))?
    .map_err(|error| undecodable(describe(&error)))?;
    let name = path.file_stem().map_or_else(
        || path.display().to_string(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    let click = ClickSound::from_mono(&name, decoded, sample_rate);
    if click.is_silent() {
        return Err(SoundError::Silent {
            path: path.to_owned(),
        });
    }
    Ok(click)
}

/// Decodes up to [`DECODE_SECONDS`], resampled to `sample_rate` with the file's own
/// channels, then averaged to mono (rodio's own down-mix keeps only the first channel).
fn decode_mono(file: File, sample_rate: u32) -> Result<Vec<f32>, rodio::decoder::DecoderError> {
    let decoder = rodio::Decoder::try_from(file)?;
    let channels = decoder.channels();
    let rate = NonZero::new(sample_rate).unwrap_or(NonZero::<u32>::MIN);
    let frames = (DECODE_SECONDS * sample_rate as f32) as usize;
    let width = usize::from(channels.get());
    let interleaved: Vec<f32> = UniformSourceIterator::new(decoder, channels, rate)
        .take(frames * width)
        .collect();
    Ok(interleaved
        .chunks_exact(width)
        .map(|frame| frame.iter().sum::<f32>() / width as f32)
        .collect())
}

fn describe(error: &rodio::decoder::DecoderError) -> String {
    match error {
        rodio::decoder::DecoderError::UnrecognizedFormat => "not a format we know".to_owned(),
        other => other
            .to_string()
            .trim_end_matches('.')
            .to_lowercase()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BuiltinSound, NORMAL_PEAK, Program, Voicing};
    use crate::export::{FileSpec, Tags, export};

    fn peak(samples: &[f32]) -> f32 {
        samples.iter().fold(0.0f32, |m, s| m.max(s.abs()))
    }

    /// `seconds` of `level` in each channel, then as long again of silence.
    fn write_wav(path: &Path, rate: u32, levels: &[f32], seconds: f32, float: bool) {
        let spec = hound::WavSpec {
            channels: levels.len() as u16,
            sample_rate: rate,
            bits_per_sample: if float { 32 } else { 16 },
            sample_format: if float {
                hound::SampleFormat::Float
            } else {
                hound::SampleFormat::Int
            },
        };
        let mut writer = hound::WavWriter::create(path, spec).unwrap();
        let frames = (seconds * rate as f32) as usize;
        for i in 0..2 * frames {
            for &level in levels {
                // A 1 kHz tone in the first half.
                let t = i as f32 / rate as f32;
                let x = if i < frames {
                    level * (std::f32::consts::TAU * 1_000.0 * t).sin()
                } else {
                    0.0
                };
                if float {
                    writer.write_sample(x).unwrap();
                } else {
                    writer.write_sample((x * 32_767.0).round() as i16).unwrap();
                }
            }
        }
        writer.finalize().unwrap();
    }

    #[test]
    fn wav_files_of_any_rate_and_width_become_mono_clicks_at_the_output_rate() {
        let dir = tempfile::tempdir().unwrap();
        for (rate, levels, float) in [
            (44_100, vec![0.5], false),
            (48_000, vec![0.5, 0.5], true),
            (96_000, vec![0.3, 0.3, 0.3, 0.3], false),
            (22_050, vec![0.9, 0.9], false),
        ] {
            let path = dir
                .path()
                .join(format!("click-{rate}-{}.wav", levels.len()));
            write_wav(&path, rate, &levels, 0.05, float);
            for output_rate in [44_100, 48_000] {
                let click = load_sound(&SoundChoice::File(path.clone()), output_rate).unwrap();
                assert_eq!(click.sample_rate(), output_rate);
                // 50 ms of tone; the silence after it is trimmed.
                let expected = 0.05 * output_rate as f32;
                let length = click.normal().len() as f32;
                assert!(
                    (length - expected).abs() <= 0.002 * output_rate as f32,
                    "{rate} Hz x{} -> {output_rate} Hz: {length} samples, expected {expected}",
                    levels.len()
                );
                assert!((peak(click.normal()) - NORMAL_PEAK).abs() < 1e-4);
                assert_eq!(click.name(), path.file_stem().unwrap().to_str().unwrap());
            }
        }
    }

    /// Stereo with the sound in the right channel only: rodio's channel converter would
    /// keep the silent left channel.
    #[test]
    fn stereo_files_are_averaged_not_cut_to_the_first_channel() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("right.wav");
        write_wav(&path, 48_000, &[0.0, 0.8], 0.05, false);
        let click = load_sound(&SoundChoice::File(path), 48_000).unwrap();
        assert!(!click.is_silent());
        assert!((peak(click.normal()) - NORMAL_PEAK).abs() < 1e-4);
    }

    #[test]
    fn flac_from_our_own_exporter_decodes_to_the_same_click() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("track.flac");
        // One step in a 0.5 s track: the first click alone, at sample 0.
        let sound = BuiltinSound::Woodblock.synthesize(44_100);
        let original_len = sound.normal().len();
        export(
            &path,
            &Program::steady(60.0, Some(0.5)),
            sound,
            Voicing {
                volume: 0.8,
                ..Voicing::default()
            },
            FileSpec {
                sample_rate: 44_100,
                channels: 2,
                bits: 24,
            },
            &Tags::default(),
            |_, _| {},
        )
        .unwrap();
        for rate in [44_100, 48_000] {
            let click = load_sound(&SoundChoice::File(path.clone()), rate).unwrap();
            let expected = original_len as f32 * rate as f32 / 44_100.0;
            let length = click.normal().len() as f32;
            // The tail is trimmed where it falls below 1e-4; played at a lower volume it
            // gets there a few samples sooner than the original did.
            assert!(
                (length - expected).abs() <= 0.03 * expected,
                "at {rate} Hz: {length} samples, expected {expected}"
            );
            assert!((peak(click.normal()) - NORMAL_PEAK).abs() < 1e-4);
            // The onset is still on the first sample: nothing was lost or delayed.
            assert!(
                click.normal()[0].abs() > 0.05,
                "onset {}",
                click.normal()[0]
            );
        }
    }

    #[test]
    fn bad_files_give_sentences_that_say_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("cowbell");
        let error = load_sound(&SoundChoice::File(missing), 48_000).unwrap_err();
        assert!(matches!(error, SoundError::NotFound(_)));
        assert!(
            error
                .to_string()
                .contains("built-in sounds are woodblock, beep and tock"),
            "{error}"
        );

        let text = dir.path().join("notes.wav");
        std::fs::write(&text, "not audio at all, just some words").unwrap();
        let error = load_sound(&SoundChoice::File(text), 48_000).unwrap_err();
        assert!(matches!(error, SoundError::Undecodable { .. }), "{error}");
        assert!(error.to_string().contains("WAV, OGG, FLAC or MP3"));

        let silent = dir.path().join("silent.wav");
        write_wav(&silent, 48_000, &[0.0], 0.1, false);
        let error = load_sound(&SoundChoice::File(silent), 48_000).unwrap_err();
        assert!(matches!(error, SoundError::Silent { .. }), "{error}");

        let huge = dir.path().join("huge.wav");
        File::create(&huge)
            .unwrap()
            .set_len(MAX_SOUND_FILE_BYTES + 1)
            .unwrap();
        let error = load_sound(&SoundChoice::File(huge), 48_000).unwrap_err();
        assert!(matches!(error, SoundError::TooLarge { .. }), "{error}");

        let error = load_sound(&SoundChoice::File(dir.path().to_owned()), 48_000).unwrap_err();
        assert!(matches!(error, SoundError::Unreadable { .. }), "{error}");
    }

    #[test]
    fn long_files_are_decoded_only_as_far_as_needed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.wav");
        // 30 s of tone: decoding all of it would be wasted work.
        write_wav(&path, 8_000, &[0.5, 0.5], 30.0, false);
        let decoded = decode_mono(File::open(&path).unwrap(), 8_000).unwrap();
        assert_eq!(decoded.len(), (DECODE_SECONDS * 8_000.0) as usize);
        let click = load_sound(&SoundChoice::File(path), 8_000).unwrap();
        assert!(click.normal().len() <= (MAX_SOUND_SECONDS * 8_000.0) as usize);
    }
}

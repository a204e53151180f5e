//! Planned runs as phone files: every format decoded back (by a different program where
//! there is one) and every click found where the engine's tempo track puts it, every
//! cue in its gap, and nothing in the silent stretches.

use std::path::Path;
use std::process::{Command, Output};

use cadence_coach::coach::{FeedbackDuty, SessionProfile, SessionTimes};
use cadence_coach::engine::{BuiltinSound, CueKind, Program, Voicing, cue_start, nearest_frame};
use cadence_coach::export::{FileFormat, FileSpec, Tags, export};

/// What the file should hold: audible click frames, cue start frames and the length.
struct Expected {
    clicks: Vec<u64>,
    silent_steps: usize,
    cues: Vec<(u64, u64, CueKind)>,
    click_len: u64,
    frames: u64,
}

/// From the engine's tempo track and feedback schedule, not from any rendered audio.
fn expected(program: &Program, rate: u32) -> Expected {
    let compiled = program.compile(rate);
    let end = compiled.end_frame().unwrap();
    let click_len = BuiltinSound::Woodblock.synthesize(rate).normal().len() as u64;
    let mut muted_from: Vec<(u64, bool)> = program
        .feedback
        .iter()
        .map(|c| (nearest_frame(c.at_seconds * f64::from(rate)), c.audible))
        .collect();
    muted_from.sort_by_key(|c| c.0);
    let audible_at = |frame: u64| {
        muted_from
            .iter()
            .rev()
            .find(|c| c.0 <= frame)
            .is_none_or(|c| c.1)
    };
    let mut cursor = 0;
    let mut steps = Vec::new();
    loop {
        let frame = nearest_frame(
            compiled
                .tempo()
                .frame_of_step(steps.len() as f64, &mut cursor),
        );
        if frame >= end {
            break;
        }
        steps.push(frame);
    }
    let clicks: Vec<u64> = steps.iter().copied().filter(|&f| audible_at(f)).collect();
    let cues = compiled
        .cues()
        .iter()
        .map(|cue| {
            let step = cue.after_step as usize;
            let click = steps[step];
            let len = if audible_at(click) { click_len } else { 0 };
            let cue_len = cue.kind.samples(rate).len() as u64;
            let start = cue_start(click, len, steps[step + 1], cue_len);
            (start, start + cue_len, cue.kind)
        })
        .collect();
    Expected {
        silent_steps: steps.len() - clicks.len(),
        clicks,
        cues,
        click_len,
        frames: end,
    }
}

/// Starts of sounds: a sample above `threshold` after 10 ms below it.
fn onsets(samples: &[f32], rate: u32, threshold: f32) -> Vec<u64> {
    let quiet = rate as usize / 100;
    let mut found = Vec::new();
    let mut below = quiet;
    for (i, s) in samples.iter().enumerate() {
        if s.abs() > threshold {
            if below >= quiet {
                found.push(i as u64);
            }
            below = 0;
        } else {
            below += 1;
        }
    }
    found
}

/// Every onset is a planned click (within `click_tolerance` frames) or a planned cue
/// (within 6 ms: cues swell in), and every planned click and cue is found.
fn check_decoded(
    samples: &[f32],
    rate: u32,
    expected: &Expected,
    click_tolerance: u64,
    what: &str,
) {
    // A quarter of a click's peak: above the codecs' pre-echo, below a click's first
    // sample (a third of its peak).
    let found = onsets(samples, rate, 0.1);
    let cue_tolerance = u64::from(rate) * 6 / 1_000;
    let mut clicks = expected.clicks.iter().peekable();
    let mut cues = expected.cues.iter().peekable();
    let mut worst = 0;
    let mut cue_end = 0;
    for &onset in &found {
        let near = |target: u64, tolerance: u64| onset.abs_diff(target) <= tolerance;
        if let Some(&&click) = clicks.peek()
            && click + click_tolerance < onset
        {
            panic!("{what}: the click at frame {click} is missing");
        }
        if let Some(&&click) = clicks.peek()
            && near(click, click_tolerance)
        {
            worst = worst.max(onset.abs_diff(click));
            clicks.next();
            continue;
        }
        if let Some(&&(start, _, _)) = cues.peek()
            && onset >= start
            && onset <= start + cue_tolerance
        {
            cue_end = cues.next().map_or(0, |cue| cue.1);
            continue;
        }
        // A cue's second note, after a short breath.
        if onset < cue_end {
            continue;
        }
        panic!(
            "{what}: a sound at frame {onset} ({:.3} s) where the plan has neither click nor \
             cue (next click at {:?}, next cue at {:?})",
            onset as f64 / f64::from(rate),
            clicks.peek(),
            cues.peek()
        );
    }
    assert!(clicks.next().is_none(), "{what}: clicks missing at the end");
    assert!(cues.next().is_none(), "{what}: cues missing at the end");
    eprintln!(
        "{what}: {} clicks and {} cues found, worst click {} frames off ({:.3} ms)",
        expected.clicks.len(),
        expected.cues.len(),
        worst,
        worst as f64 * 1_000.0 / f64::from(rate)
    );
}

/// A run with everything: warm-up, glide up, a hold with clicks on and off, a glide
/// down. Shorter than a real run so the test stays quick.
fn full_profile() -> SessionProfile {
    SessionProfile {
        start_spm: 164,
        target_spm: 172,
        times: SessionTimes {
            warm_up_seconds: 60,
            glide_seconds: 60,
            hold_seconds: 240,
            cool_down_seconds: Some(60),
        },
        feedback: FeedbackDuty::Cycle {
            on_seconds: 40,
            off_seconds: 30,
        },
    }
}

fn render(path: &Path, program: &Program, rate: u32) {
    export(
        path,
        program,
        BuiltinSound::Woodblock.synthesize(rate),
        Voicing::default(),
        FileSpec {
            sample_rate: rate,
            channels: 1,
            bits: 16,
        },
        &Tags {
            title: "Test run".into(),
            album: "Cadence Coach plan".into(),
            artist: "Cadence Coach".into(),
            track: Some((3, 6)),
        },
        |_, _| {},
    )
    .unwrap();
}

#[test]
fn the_expected_schedule_has_glides_silences_and_every_cue() {
    let program = full_profile().compile();
    let expected = expected(&program, 48_000);
    assert!(expected.silent_steps > 100, "{}", expected.silent_steps);
    let kinds: Vec<CueKind> = expected.cues.iter().map(|c| c.2).collect();
    assert_eq!(
        kinds,
        [
            CueKind::RateUp,
            CueKind::AtTarget,
            CueKind::ClicksOff,
            CueKind::ClicksBack,
            CueKind::ClicksOff,
            CueKind::ClicksBack,
            CueKind::ClicksOff,
            CueKind::ClicksBack,
            CueKind::RateDown,
            CueKind::Finish,
        ]
    );
    // No cue overlaps a click, audible or not.
    for &(start, end, kind) in &expected.cues {
        for &click in &expected.clicks {
            assert!(
                end <= click || start >= click + expected.click_len,
                "{kind:?} {start}..{end} overlaps the click at {click}"
            );
        }
    }
}

#[test]
fn wav_holds_every_click_on_its_frame_and_every_cue_in_its_gap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.wav");
    let program = full_profile().compile();
    render(&path, &program, 48_000);
    let samples: Vec<f32> = hound::WavReader::open(&path)
        .unwrap()
        .samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32_768.0)
        .collect();
    let expected = expected(&program, 48_000);
    assert_eq!(samples.len() as u64, expected.frames);
    check_decoded(&samples, 48_000, &expected, 0, "WAV");
}

#[test]
fn flac_decodes_to_every_click_on_its_frame_with_its_tags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.flac");
    let program = full_profile().compile();
    // The rate `render` writes FLAC at unless told: 24 kHz, as MP3.
    let rate = FileFormat::Flac.default_sample_rate();
    assert_eq!(rate, 24_000);
    render(&path, &program, rate);
    let samples: Vec<f32> = rodio::Decoder::try_from(std::fs::File::open(&path).unwrap())
        .unwrap()
        .collect();
    let expected = expected(&program, rate);
    assert_eq!(samples.len() as u64, expected.frames);
    check_decoded(&samples, rate, &expected, 0, "FLAC");
    let bytes = std::fs::read(&path).unwrap();
    for tag in [
        "TITLE=Test run",
        "ALBUM=Cadence Coach plan",
        "TRACKNUMBER=3",
    ] {
        assert!(contains(&bytes, tag.as_bytes()), "FLAC lacks {tag}");
    }
}

#[test]
fn mp3_decodes_gaplessly_with_every_click_within_a_millisecond() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.mp3");
    let program = full_profile().compile();
    let rate = 24_000;
    render(&path, &program, rate);
    // Symphonia (through rodio) reads LAME's header and trims the encoder's delay and
    // padding; without the header every click would come ~50 ms late.
    let samples: Vec<f32> = rodio::Decoder::try_from(std::fs::File::open(&path).unwrap())
        .unwrap()
        .collect();
    let expected = expected(&program, rate);
    assert_eq!(samples.len() as u64, expected.frames, "gapless length");
    check_decoded(&samples, rate, &expected, u64::from(rate) / 1_000, "MP3");
    let tag = id3::Tag::read_from_path(&path).unwrap();
    use id3::TagLike;
    assert_eq!(tag.title(), Some("Test run"));
    assert_eq!(tag.album(), Some("Cadence Coach plan"));
    assert_eq!((tag.track(), tag.total_tracks()), (Some(3), Some(6)));
}

/// `opusdec` (opus-tools) decodes: another program than the one that encoded, and one
/// that applies the pre-skip and the end trimming as players do.
fn opusdec(path: &Path, wav: &Path, rate: u32) -> Option<Output> {
    let output = Command::new("opusdec")
        .args(["--quiet", "--rate", &rate.to_string(), "--float"])
        .arg(path)
        .arg(wav)
        .output();
    match output {
        Ok(output) => Some(output),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("skipping the Opus decode: opusdec (opus-tools) is not installed");
            None
        }
        Err(error) => panic!("opusdec (opus-tools) is needed under CI: {error}"),
    }
}

#[test]
fn opus_decodes_with_its_pre_skip_and_every_click_within_a_millisecond() {
    // At the rate `render` writes Opus at unless told (24 kHz, coded natively), and at
    // 48 kHz; decoded at the same rate, so opusdec resamples nothing.
    for rate in [FileFormat::Opus.default_sample_rate(), 48_000] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.opus");
        let program = full_profile().compile();
        render(&path, &program, rate);
        let wav = dir.path().join("decoded.wav");
        let Some(output) = opusdec(&path, &wav, rate) else {
            return;
        };
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let samples: Vec<f32> = hound::WavReader::open(&wav)
            .unwrap()
            .samples::<f32>()
            .map(Result::unwrap)
            .collect();
        let expected = expected(&program, rate);
        assert_eq!(samples.len() as u64, expected.frames, "trimmed length");
        let what = format!("Opus at {rate} Hz");
        check_decoded(&samples, rate, &expected, u64::from(rate) / 1_000, &what);
        let bytes = std::fs::read(&path).unwrap();
        for tag in ["OpusHead", "OpusTags", "TITLE=Test run", "TRACKNUMBER=3"] {
            assert!(contains(&bytes, tag.as_bytes()), "Opus lacks {tag}");
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

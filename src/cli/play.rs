//! `cadence-coach play`: click live through the sound card until the time is up or
//! Ctrl-C, with one status line on a terminal. With `--plan` it plays today's planned
//! session and records it: saved when it starts, every minute, and when it ends, then
//! completed with the pain the runner reports.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use super::args::{
    OutputArgs, SoundArgs, TempoArgs, UsageError, parse_minutes, parse_pain, program,
};
use super::data;
use crate::audio::{self, AudioOutput};
use crate::coach::{
    Pain, Plan, Profile, RunLog, SessionProfile, SessionRecord, TodayKind, Treadmill,
    activity::decline_warning, workload,
};
use crate::engine::{EngineEvent, EngineHandle, Program};
use crate::music::live::MusicWorker;
use crate::music::session::PreparedMusic;
use crate::store::{SAVE_RUNNING_EVERY, Store, random_id_bits};

/// Play clicks on every step through the sound card.
#[derive(Args, Debug)]
pub struct PlayArgs {
    #[command(flatten)]
    pub tempo: TempoArgs,

    /// Play today's session from your plan (warm-up, glide, hold, fading clicks) and
    /// record it in your history.
    #[arg(long, conflicts_with_all = ["spm", "baseline", "increase", "warmup_minutes", "minutes"])]
    pub plan: bool,

    /// Record this run in your history (always on with --plan).
    #[arg(long)]
    pub record: bool,

    /// Stop after this many minutes (at most 600); without it, play until Ctrl-C.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_minutes)]
    pub minutes: Option<f64>,

    #[command(flatten)]
    pub sound: SoundArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub music: super::render::MusicArgs,

    #[command(flatten)]
    pub report: RunReportArgs,
}

/// How the knee felt, for a recorded run. On a terminal, what is left out is asked
/// after the run.
#[derive(Args, Debug, Default)]
pub struct RunReportArgs {
    /// Worst knee pain during the run, 0 (none) to 10.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_pain)]
    pub pain_during: Option<u8>,

    /// Worst knee pain after the run, 0 to 10.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_pain)]
    pub pain_after: Option<u8>,

    /// You limped during or after the run.
    #[arg(long)]
    pub limp: bool,

    /// A note on the run (up to 1000 characters).
    #[arg(long)]
    pub note: Option<String>,

    /// Treadmill belt speed in km/h (1-30), so the step length can be worked out.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_speed)]
    pub treadmill_kmh: Option<f64>,

    /// The run was mostly downhill (outdoors).
    #[arg(long)]
    pub downhill: bool,

    /// Treadmill incline in percent (-10 to 40; needs --treadmill-kmh).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_incline, requires = "treadmill_kmh")]
    pub incline: Option<f64>,
}

impl RunReportArgs {
    fn given(&self) -> bool {
        self.pain_during.is_some()
            || self.pain_after.is_some()
            || self.limp
            || self.note.is_some()
            || self.treadmill_kmh.is_some()
            || self.downhill
    }
}

/// "pulseaudio, fixed 1920-frame buffer (40.0 ms), real-time priority (SCHED_FIFO), no
/// underruns": what the output ran with, for the run's summary.
fn output_summary(output: &AudioOutput) -> String {
    let info = output.info();
    let counted = output.diagnostics();
    let underruns = match counted.underruns {
        0 => "no underruns".to_owned(),
        n => format!(
            "{n} underrun(s), {:.0} ms of sound lost and skipped to keep the rhythm",
            counted.lost_frames as f64 * 1e3 / f64::from(info.sample_rate.max(1))
        ),
    };
    format!(
        "{}, {}, {}, {underruns}",
        info.host,
        info.buffer_description(),
        output.priority()
    )
}

fn parse_speed(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(kmh) if (1.0..=30.0).contains(&kmh) => Ok(kmh),
        _ => Err(format!(
            "'{text}' is not a treadmill speed; give 1 to 30 km/h"
        )),
    }
}

fn parse_incline(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(percent) if (-10.0..=40.0).contains(&percent) => Ok(percent),
        _ => Err(format!(
            "'{text}' is not a treadmill incline; give -10 to 40 percent"
        )),
    }
}

/// The songs of `dir` that suit the program's target, analysed and decoded before
/// any output opens (the slow part), so the run starts with its music at once.
fn prepare_music(
    dir: &Path,
    program: &Program,
    data_dir: Option<&Path>,
) -> anyhow::Result<Option<PreparedMusic>> {
    let target = program
        .tempo
        .segments
        .last()
        .map_or(170.0, crate::engine::Segment::end_spm);
    super::music::session_music(dir, target, program.seconds, data_dir)
}

/// Lays the prepared songs on the program's steps at the output's rate and starts the
/// worker that feeds them to the engine. `None` (clicks only) when no song fits.
fn start_music(
    music: &PreparedMusic,
    program: &Program,
    handle: &EngineHandle,
    volume: f32,
) -> anyhow::Result<Option<MusicWorker>> {
    let config = handle.config();
    let Some(player) = music.player(program, config.sample_rate, config.channels) else {
        eprintln!("no song is long enough to be laid on the steps; clicks only");
        return Ok(None);
    };
    Ok(Some(MusicWorker::start(player, handle, 0, volume)?))
}

/// A stream the sound system never asks to fill plays nothing: rather than wait forever,
/// `play` says so after this long (a Bluetooth headset can take a few seconds to start).
const NO_SOUND_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the control loop wakes: it only reads status and events, so the clicks'
/// timing does not depend on it.
const POLL: Duration = Duration::from_millis(50);
/// Longest wait for the last click to ring out after stopping.
const RING_OUT: Duration = Duration::from_secs(2);
/// The rate a sound file is test-decoded at before any device is opened.
const CHECK_RATE: u32 = 48_000;

/// What is played and, for a recorded run, where it is kept.
struct Session {
    program: Program,
    description: String,
    recording: Option<Recording>,
}

struct Recording {
    store: Store,
    record: SessionRecord,
    plan: Option<Plan>,
    log: RunLog,
}

pub fn run(args: PlayArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let recording = args.plan || args.record;
    if args.report.given() && !recording {
        return Err(UsageError(
            "--pain-during, --pain-after, --limp, --note and --treadmill-kmh describe a \
             recorded run; add --plan or --record"
                .into(),
        )
        .into());
    }
    if let Some(note) = &args.report.note {
        check_note(note)?;
    }
    let asks = std::io::stdin().is_terminal();
    if recording && !asks && (args.report.pain_during.is_none() || args.report.pain_after.is_none())
    {
        return Err(UsageError(
            "a recorded run needs the knee's pain: give --pain-during and --pain-after \
             (on a terminal they are asked after the run)"
                .into(),
        )
        .into());
    }

    // A free run's numbers are checked before anything is read from disk.
    let free = if args.plan {
        None
    } else {
        let tempo = with_saved_baseline(&args.tempo, data_dir)?;
        let target = tempo.target()?;
        let warmup = tempo.warmup_minutes.unwrap_or(0.0);
        let program = program(target, target.baseline, warmup, args.minutes)?;
        Some((target, warmup, program))
    };

    // The profile's sound settings apply when the flags leave them out. Without a data
    // folder (no home directory, say) a free run still plays with the defaults.
    let store = match data::open_store(data_dir) {
        Ok(store) => Some(store),
        Err(error) if !recording => {
            eprintln!("note: {error:#}; using the default sound");
            None
        }
        Err(error) => return Err(error),
    };
    let profile = match &store {
        Some(store) => data::load_profile(store)?,
        None => Profile::default(),
    };
    let (sound, voicing) = args.sound.resolve(&profile.sound);
    // Every argument, the sound file included, is checked before the output opens, so
    // a typo is reported as such even where there is no sound card.
    audio::load_sound(&sound, CHECK_RATE).map_err(|error| UsageError(error.to_string()))?;

    let mut session = match (free, store) {
        (None, store) => planned_session(store.context("no data folder")?, &profile)?,
        (Some((target, warmup, program)), store) => {
            let recording = match (args.record, store) {
                (true, Some(store)) => {
                    let log = data::load_log(&store, &profile)?;
                    let plan = store.load::<Plan>().context("reading the plan")?;
                    data::report(&plan.notices);
                    let plan = plan.value;
                    let record =
                        SessionRecord::starting(data::now(), random_id_bits(), target.spm, None);
                    Some(Recording {
                        store,
                        record,
                        plan,
                        log,
                    })
                }
                _ => None,
            };
            let mut description = target.describe();
            if warmup > 0.0 {
                description.push_str(&format!(
                    "; warm-up: gliding from {} to {} spm over {warmup} min",
                    target.baseline.unwrap_or(target.spm),
                    target.spm
                ));
            }
            Session {
                program,
                description,
                recording,
            }
        }
    };

    args.music.apply_to(&mut session.program);
    let prepared = match &args.music.music {
        Some(dir) => prepare_music(dir, &session.program, data_dir)?,
        None => None,
    };

    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("cannot catch Ctrl-C")?;

    let (mut output, handle) = AudioOutput::open(&args.output.options(), &sound, voicing)?;
    let info = output.info();
    eprintln!(
        "playing {} on '{}' through {} ({} Hz, {} channel(s), {}, {}); Ctrl-C stops",
        session.description,
        info.device_name,
        info.host,
        info.sample_rate,
        info.channels,
        info.buffer_description(),
        output.priority(),
    );
    let where_played = format!("'{}' through {}", info.device_name, info.host);
    let music = match &prepared {
        Some(prepared) => start_music(
            prepared,
            &session.program,
            &handle,
            args.music
                .music_volume
                .unwrap_or(super::render::MusicArgs::DEFAULT_VOLUME),
        )?,
        None => None,
    };
    if let Some(recording) = &session.recording {
        recording
            .store
            .begin_session(&recording.record)
            .context("saving the run as it starts")?;
    }
    handle.start(&session.program)?;
    let started = Instant::now();

    let terminal = std::io::stdout().is_terminal();
    let mut finished = false;
    let mut reported_latency = false;
    let mut last_save = Instant::now();
    while !finished {
        std::thread::sleep(POLL);
        // The music worker's splices come back here to be freed.
        handle.collect_garbage();
        for event in handle.events() {
            if matches!(event, EngineEvent::Finished { .. }) {
                finished = true;
            }
        }
        for fault in output.faults() {
            if fault.is_fatal() {
                // What was played is kept before giving up.
                if let Some(recording) = &mut session.recording {
                    save_progress(recording, &handle)?;
                }
                return Err(fault.into());
            }
            eprintln!("\raudio: {fault}");
        }
        if !reported_latency && let Some(observed) = output.observed() {
            reported_latency = true;
            if terminal {
                eprintln!("\r{observed}");
            }
        }
        if interrupted.load(Ordering::SeqCst) {
            handle.stop()?;
            break;
        }
        if handle.status().buffers == 0 && started.elapsed() > NO_SOUND_TIMEOUT {
            anyhow::bail!(
                "{where_played} has not asked for any sound in {} s; try another --device \
                 or --host",
                NO_SOUND_TIMEOUT.as_secs()
            );
        }
        if let Some(recording) = &mut session.recording
            && last_save.elapsed() >= SAVE_RUNNING_EVERY
        {
            last_save = Instant::now();
            save_progress(recording, &handle)?;
        }
        if terminal {
            let status = handle.status();
            let seconds = handle.frames_to_seconds(status.elapsed_frames) as u64;
            print!(
                "\r{:02}:{:02}:{:02}  {:>6} steps  {:>5.1} spm{} ",
                seconds / 3_600,
                seconds / 60 % 60,
                seconds % 60,
                status.steps,
                status.spm,
                if status.muted { " (clicks off)" } else { "" }
            );
            let _ = std::io::stdout().flush();
        }
    }

    // Let the last click ring out before the stream closes.
    let deadline = Instant::now() + RING_OUT;
    while handle.status().active_voices > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = handle.status();
    let played = handle.frames_to_seconds(status.elapsed_frames);
    if terminal {
        println!();
    }
    println!(
        "played {} steps in {}:{:02} ({})",
        status.steps,
        played as u64 / 60,
        played as u64 % 60,
        if finished { "finished" } else { "stopped" }
    );
    if let Some(observed) = output.observed() {
        println!("{observed}");
    }
    println!("{}", output_summary(&output));
    if let Some(recording) = &mut session.recording {
        save_progress(recording, &handle)?;
    }
    drop(output);
    drop(music);

    if let Some(mut recording) = session.recording {
        // Ctrl-C now belongs to the questions: the run is already saved as played.
        interrupted.store(false, Ordering::SeqCst);
        complete_record(&mut recording.record, &args.report, asks)?;
        recording
            .store
            .save_session(&recording.record)
            .context("saving how the run felt")?;
        println!(
            "saved to {}",
            recording
                .store
                .session_path::<SessionRecord>(&recording.record.id)?
                .display()
        );
        recording.log.records.push(recording.record.clone());
        if let Some(plan) = &recording.plan {
            println!(
                "{}",
                plan.after_run(&recording.log, &recording.record).message
            );
        }
        if let Some(warning) = decline_warning(&recording.record) {
            println!("{warning}");
        }
        let training = data::load_training(&recording.store)?;
        if let Some(warning) =
            workload::this_week_with(&recording.log.records, &training.activities, data::today())
        {
            println!("{warning}");
        }
    }
    Ok(())
}

/// The flags, or without --spm and --baseline the baseline and increase saved in the
/// profile (said on stderr), or a usage error naming the command that saves them.
fn with_saved_baseline(tempo: &TempoArgs, data_dir: Option<&Path>) -> anyhow::Result<TempoArgs> {
    if tempo.spm.is_some() || tempo.baseline.is_some() {
        return Ok(tempo.clone());
    }
    let saved = data::open_store(data_dir)
        .and_then(|store| data::load_profile(&store))
        .ok()
        .and_then(|profile| Some((profile.baseline.clone()?, profile.increase)));
    let Some((baseline, increase)) = saved else {
        return Err(UsageError(
            "say how fast to step: give --spm, or --baseline (with --increase), or save \
             your baseline first with `cadence-coach baseline --count N --save`"
                .into(),
        )
        .into());
    };
    eprintln!(
        "Using your saved baseline of {} spm and increase of {increase}.",
        baseline.spm
    );
    Ok(TempoArgs {
        baseline: Some(f64::from(baseline.spm)),
        increase: Some(increase.percent()),
        ..tempo.clone()
    })
}

/// Today's planned session, or a usage error saying why there is none.
fn planned_session(store: Store, profile: &Profile) -> anyhow::Result<Session> {
    let plan = data::load_plan(&store)?;
    let log = data::load_log(&store, profile)?;
    let today = plan.today(data::today(), &log);
    let profile: SessionProfile = match (today.kind, today.profile.clone()) {
        (TodayKind::Run | TodayKind::Maintenance, Some(profile)) => profile,
        _ => {
            return Err(UsageError(format!(
                "no run is planned today: {} (`--spm` plays any rate)",
                today.message
            ))
            .into());
        }
    };
    let record = SessionRecord::starting(
        data::now(),
        random_id_bits(),
        f64::from(profile.target_spm),
        Some((profile.clone(), today.level)),
    );
    Ok(Session {
        program: profile.compile(),
        description: today.message,
        recording: Some(Recording {
            store,
            record,
            plan: Some(plan),
            log,
        }),
    })
}

/// The engine's own time and step count go into the record, which is saved.
fn save_progress(recording: &mut Recording, handle: &EngineHandle) -> anyhow::Result<()> {
    let status = handle.status();
    recording.record.set_played(
        handle.frames_to_seconds(status.elapsed_frames),
        u32::try_from(status.steps).unwrap_or(u32::MAX),
        status.spm,
    );
    recording
        .store
        .save_session(&recording.record)
        .context("saving the run")
}

/// Pain, limp, note and treadmill from the flags, asking on a terminal for what is
/// missing.
fn complete_record(
    record: &mut SessionRecord,
    report: &RunReportArgs,
    asks: bool,
) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut ask = |question: &str| -> anyhow::Result<String> {
        print!("{question}");
        std::io::stdout().flush()?;
        match lines.next() {
            Some(line) => Ok(line?),
            None => {
                anyhow::bail!("no answer: the run is saved as played, without how the knee felt")
            }
        }
    };
    let mut ask_pain = |question: &str| -> anyhow::Result<u8> {
        loop {
            match parse_pain(&ask(question)?) {
                Ok(pain) => return Ok(pain),
                Err(message) => println!("{message}"),
            }
        }
    };
    let during = match report.pain_during {
        Some(pain) => pain,
        None => ask_pain("Worst knee pain during the run (0 none - 10 worst): ")?,
    };
    let after = match report.pain_after {
        Some(pain) => pain,
        None => ask_pain("Knee pain now, after the run (0-10): ")?,
    };
    let mut limp = report.limp;
    let mut note = report.note.clone();
    if asks && !report.given() {
        limp = loop {
            match ask("Did you limp during or after the run? [y/N] ")?
                .trim()
                .to_ascii_lowercase()
                .as_str()
            {
                "y" | "yes" => break true,
                "" | "n" | "no" => break false,
                _ => println!("answer y or n"),
            }
        };
        note = loop {
            let text = ask("A note on the run (Enter to skip): ")?;
            match check_note(&text) {
                Ok(()) => break Some(text.trim().to_string()),
                Err(error) => println!("{error}"),
            }
        };
    }
    apply_report(record, report, during, after, limp, note);
    Ok(())
}

/// Puts what the runner reported into the record.
pub(super) fn apply_report(
    record: &mut SessionRecord,
    report: &RunReportArgs,
    during: u8,
    after: u8,
    limp: bool,
    note: Option<String>,
) {
    record.log_pain(Pain { during, after }, limp);
    record.note = note.unwrap_or_default();
    record.treadmill = report.treadmill_kmh.map(|speed_kmh| Treadmill {
        speed_kmh,
        incline_percent: report.incline.unwrap_or(0.0),
    });
    record.downhill = report.downhill;
}

pub(super) fn check_note(note: &str) -> Result<(), UsageError> {
    let chars = note.chars().count();
    if chars > SessionRecord::MAX_NOTE_CHARS {
        return Err(UsageError(format!(
            "the note is {chars} characters long; keep it to {}",
            SessionRecord::MAX_NOTE_CHARS
        )));
    }
    Ok(())
}

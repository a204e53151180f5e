//! `cadence-coach music`: the runner's music folder. `scan` finds each song's tempo and
//! says whether it suits the target step rate; results are kept in the data folder so
//! a second scan only analyses new or changed files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::args::{UsageError, parse_spm};
use super::data;
use crate::music::library::{self, Library, Outcome, Scanned};
use crate::music::session::PreparedMusic;
use crate::music::{Fit, MIN_CONFIDENCE, fold};

/// Your own music at your step rate.
#[derive(Args, Debug)]
pub struct MusicArgs {
    #[command(subcommand)]
    pub command: MusicCommand,
}

#[derive(Subcommand, Debug)]
pub enum MusicCommand {
    Scan(ScanArgs),
    Tempo(TempoArgs),
}

/// Set a song's tempo by hand (as you tapped it), when the one found is wrong; the
/// song must have been scanned. `--clear` goes back to the tempo found.
#[derive(Args, Debug)]
pub struct TempoArgs {
    /// The song file.
    pub file: PathBuf,

    /// Its tempo in beats per minute (20-400).
    #[arg(allow_negative_numbers = true, value_parser = parse_bpm, required_unless_present = "clear")]
    pub bpm: Option<f64>,

    /// Forget the tempo set by hand.
    #[arg(long, conflicts_with = "bpm")]
    pub clear: bool,
}

fn parse_bpm(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(bpm) if (20.0..=400.0).contains(&bpm) => Ok(bpm),
        _ => Err(format!(
            "'{text}' is not a tempo; give 20 to 400 beats per minute"
        )),
    }
}

/// Find the tempo of every song in a folder (and its subfolders).
#[derive(Args, Debug)]
pub struct ScanArgs {
    /// The folder of songs (MP3, OGG, FLAC, WAV).
    pub dir: PathBuf,

    /// Print a JSON array (file, bpm, spm, confidence, fits) instead of a table.
    #[arg(long)]
    pub json: bool,

    /// The step rate to fit the songs to [default: your profile's target].
    #[arg(long, allow_negative_numbers = true, value_parser = parse_spm)]
    pub spm: Option<f64>,
}

pub fn run(args: MusicArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    match args.command {
        MusicCommand::Scan(args) => scan(args, data_dir),
        MusicCommand::Tempo(args) => set_tempo(args, data_dir),
    }
}

fn set_tempo(args: TempoArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let path = std::fs::canonicalize(&args.file).map_err(|error| {
        UsageError(format!(
            "{}: cannot open the song: {error}",
            args.file.display()
        ))
    })?;
    let store = data::open_store(data_dir)?;
    let tapped = if args.clear { None } else { args.bpm };
    let updated = store
        .update(|library: &mut Library| {
            library.songs.get_mut(&path).map(|entry| {
                entry.tapped_bpm = tapped;
                entry.bpm()
            })
        })
        .context("saving the music library")?;
    data::report(&updated.notices);
    match updated.value {
        Some(Some(bpm)) => {
            println!("{}: {bpm:.1} BPM", args.file.display());
            Ok(())
        }
        Some(None) => Err(UsageError(format!(
            "{}: it was skipped when scanned, so it has no beats to set a tempo for",
            args.file.display()
        ))
        .into()),
        None => Err(UsageError(format!(
            "{}: not in the music library; scan its folder first with `cadence-coach music scan`",
            args.file.display()
        ))
        .into()),
    }
}

fn scan(args: ScanArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = std::fs::canonicalize(&args.dir).map_err(|error| {
        UsageError(format!(
            "{}: cannot open the music folder: {error}",
            args.dir.display()
        ))
    })?;
    if !dir.is_dir() {
        return Err(UsageError(format!("{}: not a folder", args.dir.display())).into());
    }
    let store = data::open_store(data_dir)?;
    let target = match args.spm {
        Some(spm) => Some(spm),
        None => data::load_profile(&store)?
            .target()
            .map(|target| f64::from(target.spm)),
    };
    let files = library::list_files(&dir)
        .with_context(|| format!("reading the music folder {}", dir.display()))?;
    if files.is_empty() {
        eprintln!("{}: no files in this folder", args.dir.display());
    }
    let scanned = scan_cached(&store, &dir, &files, "")?;
    if args.json {
        println!("{}", json(&dir, &scanned, target));
    } else {
        print_table(&dir, &scanned, target);
    }
    Ok(())
}

fn progress_bar(files: u64) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(files);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// The path inside the scanned folder.
fn shown(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

fn print_table(dir: &Path, scanned: &[Scanned], target: Option<f64>) {
    let mut usable = 0;
    for song in scanned {
        let name = shown(dir, &song.path);
        match (&song.entry.outcome, song.entry.bpm()) {
            (Outcome::Analysed { confidence, .. }, Some(bpm)) => {
                let spm = fold(bpm, target.unwrap_or(170.0)).spm;
                let fit = match target {
                    _ if *confidence < MIN_CONFIDENCE => "beat unclear".to_owned(),
                    Some(target) => Fit::of(spm, target).describe(),
                    None => String::new(),
                };
                if *confidence >= MIN_CONFIDENCE
                    && target.is_none_or(|target| Fit::of(spm, target).fits())
                {
                    usable += 1;
                }
                println!(
                    "{bpm:6.1} BPM  {spm:6.1} spm  confidence {confidence:.2}  {fit:<24} {name}"
                );
            }
            (Outcome::Skipped { .. }, _) | (_, None) => {
                let reason = match &song.entry.outcome {
                    Outcome::Skipped { reason } => reason.as_str(),
                    Outcome::Analysed { .. } => "no tempo",
                };
                println!("skipped: {name}: {reason}");
            }
        }
    }
    let target = target.map_or_else(
        || " (no target: give --spm or measure a baseline)".to_owned(),
        |spm| format!(" at {spm} spm"),
    );
    println!("{usable} of {} files can be played{target}", scanned.len());
}

fn json(dir: &Path, scanned: &[Scanned], target: Option<f64>) -> String {
    let items: Vec<serde_json::Value> = scanned
        .iter()
        .map(|song| {
            let file = shown(dir, &song.path);
            match (&song.entry.outcome, song.entry.bpm()) {
                (Outcome::Analysed { confidence, .. }, Some(bpm)) => {
                    let spm = fold(bpm, target.unwrap_or(170.0)).spm;
                    let fits = target
                        .map(|target| *confidence >= MIN_CONFIDENCE && Fit::of(spm, target).fits());
                    serde_json::json!({
                        "file": file,
                        "bpm": (bpm * 1000.0).round() / 1000.0,
                        "spm": (spm * 1000.0).round() / 1000.0,
                        "confidence": confidence,
                        "fits": fits,
                    })
                }
                (Outcome::Skipped { reason }, _) => {
                    serde_json::json!({ "file": file, "skipped": reason })
                }
                (Outcome::Analysed { .. }, None) => {
                    serde_json::json!({ "file": file, "skipped": "no tempo" })
                }
            }
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// The songs in `dir` that suit `target_spm`, scanned (from the cache where it can)
/// and decoded for a session of `seconds` (or an endless one). Songs left out are
/// listed on stderr with the reason; with none left the session goes on with clicks
/// only (`None`).
pub fn session_music(
    dir: &Path,
    target_spm: f64,
    seconds: Option<f64>,
    data_dir: Option<&Path>,
) -> anyhow::Result<Option<PreparedMusic>> {
    let dir_shown = dir.display().to_string();
    let dir = std::fs::canonicalize(dir).map_err(|error| {
        UsageError(format!(
            "{dir_shown}: cannot open the music folder: {error}"
        ))
    })?;
    let files = library::list_files(&dir)
        .with_context(|| format!("reading the music folder {}", dir.display()))?;
    let store = data::open_store(data_dir)?;
    let scanned = scan_cached(&store, &dir, &files, "analysing ")?;
    let (choices, left_out) = crate::music::session::choose(
        scanned
            .iter()
            .map(|song| (song.path.as_path(), &song.entry)),
        target_spm,
    );
    for (path, reason) in &left_out {
        eprintln!("not played: {}: {reason}", shown(&dir, path));
    }
    let prepared = crate::music::session::prepare(&choices, seconds);
    for (_, reason) in &prepared.failed {
        eprintln!("not played: {reason}");
    }
    if prepared.is_empty() {
        eprintln!(
            "{dir_shown}: no song suits {target_spm} spm (within 8%, with a clear beat); clicks only"
        );
        return Ok(None);
    }
    Ok(Some(prepared))
}

/// Scans `files` with a progress bar, taking what it can from the library and saving
/// what it analysed.
fn scan_cached(
    store: &crate::store::Store,
    dir: &Path,
    files: &[PathBuf],
    doing: &str,
) -> anyhow::Result<Vec<Scanned>> {
    let cache = store
        .load_or_default::<Library>()
        .context("reading the music library")?;
    data::report(&cache.notices);
    let bar = progress_bar(files.len() as u64);
    let scanned = library::scan(files, &cache.value, |index, path| {
        if let Some(bar) = &bar {
            bar.set_position(index as u64);
            bar.set_message(format!("{doing}{}", shown(dir, path)));
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if scanned.iter().any(|song| !song.cached) {
        let saved = store
            .update(|library: &mut Library| {
                for song in &scanned {
                    library.songs.insert(song.path.clone(), song.entry.clone());
                }
            })
            .context("saving the music library")?;
        data::report(&saved.notices);
    }
    Ok(scanned)
}

//! `render --plan`: today's planned run, one week's, or every week's with a playlist, as
//! the app would play them (cues included), tagged for a phone's music player.

use std::path::Path;

use super::{RenderArgs, describe_spec, export_error, progress_bar, render_settings, with_music};
use crate::cli::args::UsageError;
use crate::cli::data;
use crate::coach::Plan;
use crate::export::{self, FileFormat, Track, playlist};
use crate::store::Store;

pub fn parse_week(text: &str) -> Result<u8, String> {
    match text.trim().parse::<u8>() {
        Ok(week) if week >= 1 => Ok(week),
        _ => Err(format!(
            "'{text}' is not a week of the plan; give a whole number from 1 (see `cadence-coach plan show`)"
        )),
    }
}

pub fn parse_run(text: &str) -> Result<u8, String> {
    match text.trim().parse::<u8>() {
        Ok(run) if (1..=Plan::MAX_RUNS_PER_WEEK).contains(&run) => Ok(run),
        _ => Err(format!(
            "'{text}' is not a run of a week; give a whole number from 1 to the plan's runs per week"
        )),
    }
}

pub fn parse_format(text: &str) -> Result<FileFormat, String> {
    FileFormat::ALL
        .into_iter()
        .find(|format| format.extension().eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| format!("unknown format '{text}'; give mp3, opus, flac or wav"))
}

pub fn run(args: &RenderArgs, data_dir: Option<&Path>) -> anyhow::Result<()> {
    let store = data::open_store(data_dir)?;
    let plan = data::load_plan(&store)?;
    if args.all_weeks {
        if args.music.music.is_some() {
            return Err(UsageError(
                "--music goes with one run (today's, or --week N), not --all-weeks: \
                 each week's songs would have to be chosen for its own rate"
                    .into(),
            )
            .into());
        }
        return all_weeks(args, &plan);
    }
    let format = FileFormat::from_path(&args.out).map_err(|e| UsageError(e.to_string()))?;
    let track = match args.week {
        Some(week) => {
            check_week(&plan, week, args.run)?;
            export::week_track(&plan, week, args.run)
        }
        None => today(&plan, &store)?,
    };
    let (sound, voicing, spec) = render_settings(args, format)?;
    export::check_folder(export::folder_of(&args.out))
        .map_err(|error| export_error(error, &args.out))?;
    let mut program = track.profile.compile();
    args.music.apply_to(&mut program);
    let renderer = export::TrackRenderer::new(&program, sound, voicing, spec)
        .map_err(|error| export_error(error, &args.out))?;
    let (renderer, with_music) = with_music(
        renderer,
        &args.music,
        f64::from(track.profile.target_spm),
        &program,
        spec,
        data_dir,
    )?;
    let bar = progress_bar(&args.out);
    let summary = export::export_renderer(&args.out, renderer, spec, &track.tags, |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    })
    .map_err(|error| export_error(error, &args.out))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    println!(
        "wrote {}: \"{}\"{with_music}, {} steps, {}",
        args.out.display(),
        track.tags.title,
        summary.steps,
        describe_spec(spec, format)
    );
    Ok(())
}

/// Today's run from the plan and the log, or a usage error saying why there is none.
fn today(plan: &Plan, store: &Store) -> anyhow::Result<Track> {
    let profile = data::load_profile(store)?;
    let log = data::load_log(store, &profile)?;
    let today = plan.today(data::today(), &log);
    export::today_track(plan, &today).ok_or_else(|| {
        UsageError(format!(
            "no run is planned today: {} (`--week N` renders any week's run)",
            today.message
        ))
        .into()
    })
}

fn check_week(plan: &Plan, week: u8, run: Option<u8>) -> Result<(), UsageError> {
    if week > plan.weeks() {
        return Err(UsageError(format!(
            "week {week} is outside the plan, which has {} weeks; give --week 1 to {}",
            plan.weeks(),
            plan.weeks()
        )));
    }
    if let Some(run) = run
        && run > plan.runs_per_week
    {
        return Err(UsageError(format!(
            "run {run} is outside the plan's {} runs a week; give --run 1 to {}",
            plan.runs_per_week, plan.runs_per_week
        )));
    }
    Ok(())
}

/// One file per week and a playlist, into the folder `--out`.
fn all_weeks(args: &RenderArgs, plan: &Plan) -> anyhow::Result<()> {
    let folder = &args.out;
    if FileFormat::from_path(folder).is_ok() {
        return Err(UsageError(format!(
            "--all-weeks writes a folder of files, and '{}' looks like a file name; give \
             --out a folder, and --format for the files' format",
            folder.display()
        ))
        .into());
    }
    let format = args.format;
    let (sound, voicing, spec) = render_settings(args, format)?;
    let tracks = export::plan_tracks(plan);
    let settings = playlist::TrackSettings {
        format,
        sound,
        voicing,
        spec,
    };
    let bar = progress_bar(folder);
    let written = playlist::export_tracks(folder, &tracks, &settings, true, |progress| {
        if let Some(bar) = &bar {
            bar.set_length(1_000);
            bar.set_position((progress.fraction() * 1_000.0) as u64);
            bar.set_message(format!(
                "week {} of {}",
                progress.track + 1,
                progress.tracks
            ));
        }
    })
    .map_err(|error| export_error(error, folder))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    println!(
        "wrote {} weeks of your plan into {} ({}):",
        tracks.len(),
        folder.display(),
        describe_spec(spec, format)
    );
    for path in &written {
        let name = path.file_name().unwrap_or(path.as_os_str());
        println!("  {}", name.to_string_lossy());
    }
    Ok(())
}

//! "Save for phone" on the Plan screen: today's run or every week of the plan, rendered
//! to MP3 or Opus files in a folder the runner types, on a worker thread so the window
//! keeps answering, with progress and then the list of files written.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};

use eframe::egui;

use crate::audio;
use crate::coach::{Plan, SoundSettings, TodaySession};
use crate::engine::Voicing;
use crate::export::playlist::{self, TrackSettings};
use crate::export::{self, FileFormat, FileSpec, Track};

/// What to save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Today,
    EveryWeek,
}

/// The form and the job in flight.
pub struct PhoneExport {
    pub folder: String,
    pub which: Which,
    pub format: FileFormat,
    job: Option<Job>,
    /// The files written, or why nothing was.
    pub outcome: Option<Result<Vec<String>, String>>,
}

struct Job {
    /// Thousandths of the whole job done.
    progress: Arc<AtomicU32>,
    /// The worker's result; it hangs up without one only if it panicked.
    result: Receiver<Result<Vec<PathBuf>, String>>,
}

impl PhoneExport {
    pub fn new() -> Self {
        Self {
            folder: default_folder().display().to_string(),
            which: Which::EveryWeek,
            format: FileFormat::Mp3,
            job: None,
            outcome: None,
        }
    }

    pub fn is_saving(&self) -> bool {
        self.job.is_some()
    }

    /// Fraction done while saving.
    pub fn progress(&self) -> Option<f32> {
        self.job
            .as_ref()
            .map(|job| job.progress.load(Ordering::Relaxed) as f32 / 1_000.0)
    }

    /// Starts writing the tracks on a worker thread; `repaint` is called when there is
    /// something new to show.
    fn start(
        &mut self,
        tracks: Vec<Track>,
        sound: SoundSettings,
        repaint: impl Fn() + Send + 'static,
    ) {
        let folder = expand_home(self.folder.trim());
        let (format, playlist) = (self.format, self.which == Which::EveryWeek);
        let progress = Arc::new(AtomicU32::new(0));
        let shown = Arc::clone(&progress);
        let (sender, result) = mpsc::channel();
        std::thread::spawn(move || {
            let outcome = save(&folder, &tracks, format, &sound, playlist, |fraction| {
                let thousandths = (fraction * 1_000.0) as u32;
                // A repaint per visible step of the bar, not per block rendered.
                if shown.swap(thousandths, Ordering::Relaxed) / 10 != thousandths / 10 {
                    repaint();
                }
            });
            // The window may be gone; then nobody needs the answer.
            let _ = sender.send(outcome);
            repaint();
        });
        self.outcome = None;
        self.job = Some(Job { progress, result });
    }

    /// Collects a finished job's outcome.
    fn poll(&mut self) {
        let Some(job) = &self.job else {
            return;
        };
        let outcome = match job.result.try_recv() {
            Err(TryRecvError::Empty) => return,
            Ok(Ok(paths)) => Ok(paths
                .iter()
                .map(|path| {
                    path.file_name()
                        .unwrap_or(path.as_os_str())
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()),
            Ok(Err(message)) => Err(message),
            Err(TryRecvError::Disconnected) => {
                Err("Saving stopped unexpectedly; nothing half-written was kept.".into())
            }
        };
        self.outcome = Some(outcome);
        self.job = None;
    }
}

impl Default for PhoneExport {
    fn default() -> Self {
        Self::new()
    }
}

/// The tracks, in the folder, with the runner's click sound.
fn save(
    folder: &Path,
    tracks: &[Track],
    format: FileFormat,
    sound: &SoundSettings,
    playlist: bool,
    mut progress: impl FnMut(f32),
) -> Result<Vec<PathBuf>, String> {
    let spec = FileSpec {
        sample_rate: format.default_sample_rate(),
        channels: 1,
        bits: 16,
    };
    let click = audio::load_sound(&sound.sound, spec.sample_rate).map_err(|e| e.to_string())?;
    let settings = TrackSettings {
        format,
        sound: click,
        voicing: Voicing {
            volume: sound.volume,
            accent: sound.accent,
        },
        spec,
    };
    playlist::export_tracks(folder, tracks, &settings, playlist, |done| {
        progress(done.fraction())
    })
    .map_err(|error| error.to_string())
}

/// The music folder, or one in the home folder.
fn default_folder() -> PathBuf {
    let music = directories::UserDirs::new().and_then(|dirs| {
        dirs.audio_dir()
            .map(Path::to_path_buf)
            .or_else(|| Some(dirs.home_dir().join("Music")))
    });
    music
        .unwrap_or_else(|| PathBuf::from("Music"))
        .join("Cadence Coach")
}

/// "~/x" as the home folder's "x", as a shell would.
fn expand_home(text: &str) -> PathBuf {
    match (text.strip_prefix("~/"), directories::UserDirs::new()) {
        (Some(rest), Some(dirs)) => dirs.home_dir().join(rest),
        _ => PathBuf::from(text),
    }
}

/// The section on the Plan screen.
pub fn phone_export_ui(
    ui: &mut egui::Ui,
    state: &mut PhoneExport,
    plan: &Plan,
    today: Option<&TodaySession>,
    sound: &SoundSettings,
) {
    state.poll();
    ui.heading("Save for phone");
    ui.label(
        "Your runs as music files, with the clicks, the fading and a short sound at each \
         change, for a phone and earbuds.",
    );
    let today_track = today.and_then(|today| export::today_track(plan, today));
    let saving = state.is_saving();
    ui.add_enabled_ui(!saving, |ui| {
        ui.horizontal(|ui| {
            ui.add_enabled_ui(today_track.is_some(), |ui| {
                ui.radio_value(&mut state.which, Which::Today, "Today's run");
            });
            ui.radio_value(
                &mut state.which,
                Which::EveryWeek,
                format!("Every week ({} files and a playlist)", plan.weeks()),
            );
        });
        ui.horizontal(|ui| {
            ui.label("Format");
            ui.radio_value(&mut state.format, FileFormat::Mp3, "MP3 (plays everywhere)");
            ui.radio_value(&mut state.format, FileFormat::Opus, "Opus (smallest)");
        });
        ui.horizontal(|ui| {
            let label = ui.label("Folder");
            ui.add(egui::TextEdit::singleline(&mut state.folder).desired_width(360.0))
                .labelled_by(label.id);
        });
    });
    if state.which == Which::Today && today_track.is_none() {
        state.which = Which::EveryWeek;
    }
    if saving {
        let fraction = state.progress().unwrap_or(0.0);
        ui.add(
            egui::ProgressBar::new(fraction)
                .show_percentage()
                .text(format!("Saving… {:.0}%", fraction * 100.0)),
        );
    } else if ui.button("Save the files").clicked() {
        let tracks = match (state.which, today_track) {
            (Which::Today, Some(track)) => vec![track],
            _ => export::plan_tracks(plan),
        };
        if state.folder.trim().is_empty() {
            state.outcome = Some(Err("Type the folder to save into.".into()));
        } else {
            let ctx = ui.ctx().clone();
            state.start(tracks, sound.clone(), move || ctx.request_repaint());
        }
    }
    match &state.outcome {
        Some(Ok(files)) => {
            ui.label(format!(
                "Saved {} files into {}:",
                files.len(),
                state.folder.trim()
            ));
            for file in files {
                ui.label(format!("  {file}"));
            }
        }
        Some(Err(message)) => {
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
        None => {}
    }
}

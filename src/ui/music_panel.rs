//! The Music screen: the runner's folder of songs scanned on a worker thread (with its
//! progress), each song with its tempo, step rate, confidence and fit for today's
//! target, runs played with the music (clicks on, muted or accented on the beat, and
//! the music's level against them), a song skipped, and a song's tempo set by tapping.
//!
//! Scanning and decoding run on threads that report through channels and ask for a
//! repaint; the window never waits for them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use eframe::egui;

use super::metronome::{Metronome, MusicClicks};
use crate::engine::Program;
use crate::music::library::{self, Library, Outcome, Scanned};
use crate::music::session::{self, PreparedMusic};
use crate::music::{Fit, MIN_CONFIDENCE, fold};
use crate::store::Store;

/// The music's level when nothing was chosen: the CLI's `--music-volume` default.
pub const DEFAULT_MUSIC_VOLUME: f32 = 0.7;
/// Taps further apart than this start a new count (no song is slower than 30 BPM).
const TAP_RESET: Duration = Duration::from_secs(2);
/// The tempo shown once this many taps are in.
const MIN_TAPS: usize = 4;

/// What the Music screen asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum MusicAction {
    Scan,
    /// A run with the music: today's planned run, or a free run at the Run screen's rate.
    Play {
        planned: bool,
    },
    SetClicks(MusicClicks),
    SetVolume(f32),
    Skip,
    /// Start tapping the tempo of this song.
    TapTempo(PathBuf),
    Tap,
    SaveTapped,
    CancelTap,
}

/// A run the app must start and record, once the songs are ready.
pub struct Start {
    pub planned: Option<Program>,
    pub music: Arc<PreparedMusic>,
    pub volume: f32,
}

enum ScanMessage {
    Progress {
        index: usize,
        total: usize,
        file: String,
    },
    Done(Result<(Vec<Scanned>, Vec<String>), String>),
}

enum PrepareMessage {
    Progress { index: usize, total: usize },
    Done(PreparedMusic, Vec<String>),
}

struct Preparing {
    messages: Receiver<PrepareMessage>,
    planned: Option<Program>,
    progress: (usize, usize),
}

/// Tapping a song's tempo.
pub struct Tapping {
    pub path: PathBuf,
    taps: Vec<Instant>,
}

impl Tapping {
    /// The tempo of the taps so far: 60 s over the median gap, so one missed or doubled
    /// tap does not matter.
    pub fn bpm(&self) -> Option<f64> {
        if self.taps.len() < MIN_TAPS {
            return None;
        }
        let mut gaps: Vec<f64> = self
            .taps
            .windows(2)
            .map(|pair| pair[1].duration_since(pair[0]).as_secs_f64())
            .collect();
        gaps.sort_by(f64::total_cmp);
        let median = gaps[gaps.len() / 2];
        (median > 0.0).then(|| 60.0 / median)
    }
}

/// The screen's state; the folder is also kept in the window's preferences.
pub struct MusicPanel {
    pub folder: String,
    pub volume: f32,
    scanning: Option<(Receiver<ScanMessage>, (usize, usize, String))>,
    preparing: Option<Preparing>,
    /// The last scan's songs, for the folder shown.
    songs: Vec<Scanned>,
    scanned_folder: Option<PathBuf>,
    pub tapping: Option<Tapping>,
    /// The outcome of the last action, for the runner.
    pub message: Option<Result<String, String>>,
}

impl MusicPanel {
    /// The screen for `folder`, showing what the library already knows of its songs
    /// (nothing is analysed until the runner scans).
    pub fn new(folder: String, store: &Store) -> Self {
        let mut panel = Self {
            folder,
            volume: DEFAULT_MUSIC_VOLUME,
            scanning: None,
            preparing: None,
            songs: Vec::new(),
            scanned_folder: None,
            tapping: None,
            message: None,
        };
        if let (Ok(dir), Ok(library)) = (panel.folder_path(), store.load::<Library>())
            && let Some(library) = library.value
        {
            panel.songs = library
                .songs
                .into_iter()
                .filter(|(path, _)| path.starts_with(&dir))
                .map(|(path, entry)| Scanned {
                    path,
                    entry,
                    cached: true,
                })
                .collect();
            panel.scanned_folder = Some(dir);
        }
        panel
    }

    pub fn is_busy(&self) -> bool {
        self.scanning.is_some() || self.preparing.is_some()
    }

    /// Carries out an action; a run to start is handed back to the app, which records it.
    pub fn execute(
        &mut self,
        action: MusicAction,
        metronome: &mut Metronome,
        (store, target, planned): (&Store, f64, Option<Program>),
        (ctx, now): (&egui::Context, Instant),
    ) {
        match action {
            MusicAction::Scan => self.scan(store, ctx),
            MusicAction::Play { planned: wanted } => {
                if !metronome.is_stopped() || self.is_busy() {
                    return;
                }
                let program = if wanted { planned } else { None };
                if wanted && program.is_none() {
                    self.message = Some(Err("No run is planned today.".into()));
                    return;
                }
                let rate = metronome.output_sample_rate();
                self.prepare(target, program, rate, ctx);
            }
            MusicAction::SetClicks(clicks) => metronome.set_music_clicks(clicks),
            MusicAction::SetVolume(volume) => {
                self.volume = volume.clamp(0.0, 1.0);
                metronome.set_music_volume(self.volume);
            }
            MusicAction::Skip => metronome.skip_song(),
            MusicAction::TapTempo(path) => {
                self.tapping = Some(Tapping {
                    path,
                    taps: Vec::new(),
                });
            }
            MusicAction::Tap => {
                if let Some(tapping) = &mut self.tapping {
                    if tapping
                        .taps
                        .last()
                        .is_some_and(|last| now.saturating_duration_since(*last) > TAP_RESET)
                    {
                        tapping.taps.clear();
                    }
                    tapping.taps.push(now);
                }
            }
            MusicAction::SaveTapped => self.save_tapped(store),
            MusicAction::CancelTap => self.tapping = None,
        }
    }

    /// Takes in what the threads reported; a run to start once its songs are ready.
    pub fn poll(&mut self) -> Option<Start> {
        let arrived: Vec<ScanMessage> = self
            .scanning
            .as_ref()
            .map(|(messages, _)| messages.try_iter().collect())
            .unwrap_or_default();
        for message in arrived {
            match message {
                ScanMessage::Progress { index, total, file } => {
                    if let Some((_, progress)) = &mut self.scanning {
                        *progress = (index, total, file);
                    }
                }
                ScanMessage::Done(result) => {
                    self.scanning = None;
                    match result {
                        Ok((songs, notices)) => {
                            let usable = songs
                                .iter()
                                .filter(|song| {
                                    matches!(song.entry.outcome, Outcome::Analysed { .. })
                                })
                                .count();
                            self.message = Some(Ok(format!(
                                "{} files scanned, {usable} songs with a tempo.{}",
                                songs.len(),
                                notices
                                    .iter()
                                    .map(|notice| format!(" {notice}"))
                                    .collect::<String>()
                            )));
                            self.songs = songs;
                        }
                        Err(error) => self.message = Some(Err(error)),
                    }
                }
            }
        }
        let preparing = self.preparing.as_mut()?;
        let mut done = None;
        for message in preparing.messages.try_iter() {
            match message {
                PrepareMessage::Progress { index, total } => preparing.progress = (index, total),
                PrepareMessage::Done(prepared, left_out) => done = Some((prepared, left_out)),
            }
        }
        let (prepared, left_out) = done?;
        let preparing = self.preparing.take()?;
        self.message = Some(if prepared.is_empty() {
            Err(format!(
                "No song suits this run's rate (within 8%, with a clear beat): clicks only.{}",
                list(&left_out)
            ))
        } else {
            Ok(format!(
                "Playing {}.{}",
                prepared.names().join(", "),
                list(&left_out)
            ))
        });
        Some(Start {
            planned: preparing.planned,
            music: Arc::new(prepared),
            volume: self.volume,
        })
    }

    fn folder_path(&self) -> Result<PathBuf, String> {
        let typed = self.folder.trim();
        if typed.is_empty() {
            return Err("Type the path of your music folder first.".into());
        }
        let path = std::fs::canonicalize(typed)
            .map_err(|error| format!("{typed}: cannot open the music folder: {error}"))?;
        if !path.is_dir() {
            return Err(format!("{typed}: not a folder"));
        }
        Ok(path)
    }

    fn scan(&mut self, store: &Store, ctx: &egui::Context) {
        if self.is_busy() {
            return;
        }
        let dir = match self.folder_path() {
            Ok(dir) => dir,
            Err(error) => {
                self.message = Some(Err(error));
                return;
            }
        };
        let (tx, rx) = channel();
        let (store, ctx) = (store.clone(), ctx.clone());
        self.scanned_folder = Some(dir.clone());
        self.message = None;
        let spawned = std::thread::Builder::new()
            .name("music scan".into())
            .spawn(move || {
                let result = scan_folder(&store, &dir, |index, total, file| {
                    let _ = tx.send(ScanMessage::Progress { index, total, file });
                    ctx.request_repaint();
                });
                let _ = tx.send(ScanMessage::Done(result));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.scanning = Some((rx, (0, 0, String::new()))),
            Err(error) => self.message = Some(Err(format!("Cannot start the scan: {error}"))),
        }
    }

    /// Chooses and decodes the songs for a run at `target` on a thread.
    fn prepare(&mut self, target: f64, planned: Option<Program>, rate: u32, ctx: &egui::Context) {
        if self.scanned_folder.is_none() || self.songs.is_empty() {
            self.message = Some(Err("Scan your music folder first.".into()));
            return;
        }
        let (choices, left_out) = session::choose(
            self.songs
                .iter()
                .map(|song| (song.path.as_path(), &song.entry)),
            target,
        );
        let dir = self.scanned_folder.clone().unwrap_or_default();
        let left_out: Vec<String> = left_out
            .iter()
            .map(|(path, reason)| format!("{}: {reason}", shown(&dir, path)))
            .collect();
        let seconds = planned.as_ref().and_then(|program| program.seconds);
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("music prepare".into())
            .spawn(move || {
                let total = choices.len();
                let mut prepared = PreparedMusic::default();
                // One song at a time, so the screen can say how far it got.
                for (index, choice) in choices.iter().enumerate() {
                    let _ = tx.send(PrepareMessage::Progress { index, total });
                    ctx.request_repaint();
                    let one =
                        session::prepare_at(std::slice::from_ref(choice), seconds, Some(rate));
                    prepared.extend(one);
                    if prepared.covers(seconds) {
                        break;
                    }
                }
                let mut left_out = left_out;
                left_out.extend(prepared.failed.iter().map(|(_, reason)| reason.clone()));
                let _ = tx.send(PrepareMessage::Done(prepared, left_out));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.preparing = Some(Preparing {
                    messages: rx,
                    planned,
                    progress: (0, 0),
                });
            }
            Err(error) => self.message = Some(Err(format!("Cannot prepare the songs: {error}"))),
        }
    }

    /// Stores the tapped tempo in the library, as `cadence-coach music tempo` does.
    fn save_tapped(&mut self, store: &Store) {
        let Some(tapping) = &self.tapping else {
            return;
        };
        let Some(bpm) = tapping.bpm() else {
            self.message = Some(Err(format!(
                "Tap at least {MIN_TAPS} times to the beat first."
            )));
            return;
        };
        let bpm = (bpm * 10.0).round() / 10.0;
        if !(20.0..=400.0).contains(&bpm) {
            self.message = Some(Err(format!("{bpm} BPM is not a tempo; tap to the beat.")));
            return;
        }
        let path = tapping.path.clone();
        let saved = store.update(|library: &mut Library| {
            library.songs.get_mut(&path).map(|entry| {
                entry.tapped_bpm = Some(bpm);
                entry.clone()
            })
        });
        self.message = Some(match saved {
            Ok(updated) => match updated.value {
                Some(entry) => {
                    if let Some(song) = self.songs.iter_mut().find(|song| song.path == path) {
                        song.entry = entry;
                    }
                    self.tapping = None;
                    Ok(format!("{}: {bpm:.1} BPM, as tapped.", file_name(&path)))
                }
                None => Err("This song is no longer in the library; scan again.".into()),
            },
            Err(error) => Err(format!("The tempo could not be saved: {error}")),
        });
    }
}

/// Lists what was left out, for a message.
fn list(left_out: &[String]) -> String {
    if left_out.is_empty() {
        String::new()
    } else {
        format!(" Not played: {}.", left_out.join("; "))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

fn shown(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

/// Scans `dir` with the library as cache, saving what was analysed; with the store's
/// notices (a library file that could not be read is kept aside, and said so).
fn scan_folder(
    store: &Store,
    dir: &Path,
    mut progress: impl FnMut(usize, usize, String),
) -> Result<(Vec<Scanned>, Vec<String>), String> {
    let files = library::list_files(dir)
        .map_err(|error| format!("{}: cannot read the folder: {error}", dir.display()))?;
    if files.is_empty() {
        return Err(format!("{}: no files in this folder.", dir.display()));
    }
    let cache = store
        .load_or_default::<Library>()
        .map_err(|error| format!("The music library cannot be read: {error}"))?;
    let mut notices: Vec<String> = cache.notices.iter().map(ToString::to_string).collect();
    let total = files.len();
    let scanned = library::scan(&files, &cache.value, |index, path| {
        progress(index, total, shown(dir, path));
    });
    if scanned.iter().any(|song| !song.cached) {
        let saved = store
            .update(|library: &mut Library| {
                for song in &scanned {
                    library.songs.insert(song.path.clone(), song.entry.clone());
                }
            })
            .map_err(|error| format!("The music library cannot be saved: {error}"))?;
        notices.extend(saved.notices.iter().map(ToString::to_string));
    }
    Ok((scanned, notices))
}

/// The Music screen. `target` is today's planned target if there is one, else the free
/// run's rate; `planned` says whether a run is planned today.
pub fn music_panel_ui(
    ui: &mut egui::Ui,
    panel: &mut MusicPanel,
    metronome: &Metronome,
    (target, planned): (f64, bool),
    actions: &mut Vec<MusicAction>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Run to your own music");
        ui.label(
            "Songs within 8% of your step rate are stretched, without changing their pitch, \
             so that their beats land on your steps.",
        );
        ui.horizontal(|ui| {
            let label = ui.label("Music folder:");
            ui.add(
                egui::TextEdit::singleline(&mut panel.folder)
                    .hint_text("/home/you/Music/running")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
            let scan = ui.add_enabled(!panel.is_busy(), egui::Button::new("Scan the folder"));
            if scan.clicked() {
                actions.push(MusicAction::Scan);
            }
        });
        if let Some((_, (index, total, file))) = &panel.scanning {
            let fraction = if *total == 0 {
                0.0
            } else {
                *index as f32 / *total as f32
            };
            if *total == 0 {
                ui.label("Scanning: listing the folder...");
            } else {
                ui.label(format!("Scanning {} of {total}: {file}", index + 1));
            }
            ui.add(egui::ProgressBar::new(fraction));
        }
        if let Some(preparing) = &panel.preparing {
            let (index, total) = preparing.progress;
            let fraction = if total == 0 {
                0.0
            } else {
                index as f32 / total as f32
            };
            ui.label(format!("Preparing song {} of {total}", index + 1));
            ui.add(egui::ProgressBar::new(fraction));
        }
        if let Some(message) = &panel.message {
            match message {
                Ok(text) => ui.label(text.as_str()),
                Err(text) => ui.colored_label(ui.visuals().error_fg_color, text.as_str()),
            };
        }
        ui.separator();
        play_ui(ui, panel, metronome, planned, actions);
        ui.separator();
        tap_ui(ui, panel, actions);
        songs_ui(ui, panel, target, actions);
    });
}

fn play_ui(
    ui: &mut egui::Ui,
    panel: &mut MusicPanel,
    metronome: &Metronome,
    planned: bool,
    actions: &mut Vec<MusicAction>,
) {
    let idle = metronome.is_stopped() && !panel.is_busy() && !panel.songs.is_empty();
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(
                idle && planned,
                egui::Button::new("Play today's run with music"),
            )
            .clicked()
        {
            actions.push(MusicAction::Play { planned: true });
        }
        let free = format!("Play a free run at {} spm with music", metronome.spm());
        if ui.add_enabled(idle, egui::Button::new(free)).clicked() {
            actions.push(MusicAction::Play { planned: false });
        }
        if ui
            .add_enabled(metronome.has_music(), egui::Button::new("Skip this song"))
            .clicked()
        {
            actions.push(MusicAction::Skip);
        }
    });
    if let Some(song) = metronome.now_playing().filter(|_| metronome.has_music()) {
        ui.label(format!("Now playing: {song}"));
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Clicks:");
        for (clicks, text) in [
            (MusicClicks::On, "on"),
            (MusicClicks::Muted, "muted (music alone)"),
            (MusicClicks::Accented, "accented on the beat"),
        ] {
            if ui.radio(metronome.music_clicks() == clicks, text).clicked() {
                actions.push(MusicAction::SetClicks(clicks));
            }
        }
    });
    let mut volume = panel.volume;
    let slider = ui.add(
        egui::Slider::new(&mut volume, 0.0..=1.0).text("Music level (the clicks keep theirs)"),
    );
    if slider.changed() {
        actions.push(MusicAction::SetVolume(volume));
    }
}

fn tap_ui(ui: &mut egui::Ui, panel: &MusicPanel, actions: &mut Vec<MusicAction>) {
    let Some(tapping) = &panel.tapping else {
        return;
    };
    ui.label(format!(
        "Play {} in any player and tap to its beat (the button, or the T key).",
        file_name(&tapping.path)
    ));
    ui.horizontal(|ui| {
        let tap = ui.add(egui::Button::new("Tap the beat").min_size(egui::vec2(160.0, 48.0)));
        if tap.clicked() || ui.input(|input| input.key_pressed(egui::Key::T)) {
            actions.push(MusicAction::Tap);
        }
        let shown = tapping.bpm().map_or_else(
            || format!("{} taps", tapping.taps.len()),
            |bpm| format!("{bpm:.1} BPM tapped"),
        );
        ui.label(shown);
        if ui.button("Save the tapped tempo").clicked() {
            actions.push(MusicAction::SaveTapped);
        }
        if ui.button("Cancel tapping").clicked() {
            actions.push(MusicAction::CancelTap);
        }
    });
}

fn songs_ui(ui: &mut egui::Ui, panel: &MusicPanel, target: f64, actions: &mut Vec<MusicAction>) {
    if panel.songs.is_empty() {
        return;
    }
    let dir = panel.scanned_folder.clone().unwrap_or_default();
    ui.label(format!("Fit for today's target of {target:.0} spm:"));
    egui::Grid::new("songs").striped(true).show(ui, |ui| {
        for heading in ["Song", "Tempo", "Step rate", "Confidence", "Fit", ""] {
            ui.strong(heading);
        }
        ui.end_row();
        for song in &panel.songs {
            let name = shown(&dir, &song.path);
            match (&song.entry.outcome, song.entry.bpm()) {
                (Outcome::Analysed { confidence, .. }, Some(bpm)) => {
                    let spm = fold(bpm, target).spm;
                    let fit = if *confidence < MIN_CONFIDENCE {
                        "beat unclear".to_owned()
                    } else {
                        Fit::of(spm, target).describe()
                    };
                    let tapped = if song.entry.tapped_bpm.is_some() {
                        " (tapped)"
                    } else {
                        ""
                    };
                    ui.label(name.as_str());
                    ui.label(format!("{bpm:.1} BPM{tapped}"));
                    ui.label(format!("{spm:.1} spm"));
                    ui.label(format!("{confidence:.2}"));
                    ui.label(fit);
                    let tap = ui
                        .small_button("Tap tempo")
                        .on_hover_text(format!("Tap the tempo of {name}"));
                    if tap.clicked() {
                        actions.push(MusicAction::TapTempo(song.path.clone()));
                    }
                }
                (Outcome::Skipped { reason }, _) => {
                    ui.label(name.as_str());
                    ui.label("skipped");
                    ui.label("");
                    ui.label("");
                    ui.label(reason.as_str());
                    ui.label("");
                }
                (Outcome::Analysed { .. }, None) => {}
            }
            ui.end_row();
        }
    });
}

//! The eframe app: preferences that are saved, runtime state that is not, and the
//! actions the screens ask for, carried out after each frame is drawn.

use std::time::Instant;

use eframe::egui;
use serde::{Deserialize, Serialize};

use super::OutputFactory;
use super::later_screens::later_screen_ui;
use super::metronome::{
    DEFAULT_SPM, MAX_SPM, MAX_VISUAL_OFFSET_MS, MIN_SPM, Metronome, OutputKind, Setup,
};
use super::run_screen::{run_screen_ui, shortcuts};
use super::settings_screen::{SettingsForm, settings_screen_ui};
use crate::engine::{Accent, SoundChoice, Voicing};

/// Key of the preferences in eframe's storage.
const STORAGE_KEY: &str = "cadence-coach-preferences";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Screen {
    #[default]
    Run,
    Baseline,
    Plan,
    History,
    Settings,
}

impl Screen {
    pub const ALL: [Screen; 5] = [
        Screen::Run,
        Screen::Baseline,
        Screen::Plan,
        Screen::History,
        Screen::Settings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Run => "Run",
            Screen::Baseline => "Baseline",
            Screen::Plan => "Plan",
            Screen::History => "History",
            Screen::Settings => "Settings",
        }
    }
}

/// What is saved between sessions (the window size is eframe's). Plans and history
/// will live in the project's own store, not here: eframe falls back to defaults
/// silently when this cannot be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub screen: Screen,
    pub spm: u32,
    pub sound: SoundChoice,
    pub accent: Accent,
    /// The N offered as "every N steps" (the Run screen's accent menu lists it).
    pub accent_every: u32,
    pub volume: f32,
    pub visual_offset_ms: i32,
    pub device: Option<String>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            screen: Screen::Run,
            spm: DEFAULT_SPM,
            sound: SoundChoice::default(),
            accent: Accent::None,
            accent_every: 4,
            volume: Voicing::default().volume,
            visual_offset_ms: 0,
            device: None,
        }
    }
}

impl Preferences {
    /// A hand-edited file must not carry an invalid value to the engine.
    fn sanitized(mut self) -> Self {
        let default = Self::default();
        if !(MIN_SPM..=MAX_SPM).contains(&self.spm) {
            self.spm = default.spm;
        }
        if !(0.0..=1.0).contains(&self.volume) {
            self.volume = default.volume;
        }
        if !(-MAX_VISUAL_OFFSET_MS..=MAX_VISUAL_OFFSET_MS).contains(&self.visual_offset_ms) {
            self.visual_offset_ms = 0;
        }
        if !(2..=Accent::MAX_EVERY).contains(&self.accent_every) {
            self.accent_every = default.accent_every;
        }
        if let Accent::Every(n) = self.accent
            && !(2..=Accent::MAX_EVERY).contains(&n)
        {
            self.accent = Accent::None;
        }
        self
    }

    fn setup(&self) -> Setup {
        Setup {
            device: self.device.clone(),
            spm: self.spm,
            sound: self.sound.clone(),
            voicing: Voicing {
                volume: self.volume,
                accent: self.accent,
            },
            visual_offset_ms: self.visual_offset_ms,
        }
    }

    /// The live values become the saved ones.
    fn capture(&mut self, metronome: &Metronome) {
        self.spm = metronome.spm();
        self.sound = metronome.sound().clone();
        self.accent = metronome.voicing().accent;
        self.volume = metronome.voicing().volume;
        self.visual_offset_ms = metronome.visual_offset_ms();
        self.device = metronome.device().map(str::to_owned);
    }
}

/// What the screens ask for while drawing; carried out once the frame is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Show(Screen),
    ToggleRun,
    ChangeRate(i32),
    SetVolume(f32),
    SetAccent(Accent),
    /// The N for "every N steps" changed (already validated).
    SetAccentEvery(u32),
    SetSound(SoundChoice),
    /// The path typed in Settings, to be loaded and, if it loads, chosen.
    UseSoundFile(String),
    Preview(SoundChoice),
    SetVisualOffset(i32),
    ChooseDevice(Option<String>),
    RefreshDevices,
    Retry,
    DismissNotice,
}

pub struct CadenceApp {
    prefs: Preferences,
    metronome: Metronome,
    settings: SettingsForm,
    actions: Vec<Action>,
}

impl CadenceApp {
    /// Builds the app and opens the sound card, so a missing one shows before the run.
    pub fn new(cc: &eframe::CreationContext<'_>, outputs: Box<dyn OutputFactory>) -> Self {
        let prefs = cc
            .storage
            .and_then(|storage| eframe::get_value::<Preferences>(storage, STORAGE_KEY))
            .unwrap_or_default()
            .sanitized();
        cc.egui_ctx.set_theme(egui::ThemePreference::System);
        cc.egui_ctx.all_styles_mut(|style| {
            // A blinking cursor would repaint twice a second for nothing.
            style.visuals.text_cursor.blink = false;
            style.spacing.button_padding = egui::vec2(10.0, 6.0);
            for (text_style, size) in [
                (egui::TextStyle::Body, 17.0),
                (egui::TextStyle::Button, 17.0),
                (egui::TextStyle::Heading, 24.0),
                (egui::TextStyle::Small, 13.0),
            ] {
                if let Some(font) = style.text_styles.get_mut(&text_style) {
                    font.size = size;
                }
            }
        });
        let mut metronome = Metronome::new(outputs, prefs.setup());
        metronome.open_device();
        let settings = SettingsForm::new(&prefs);
        Self {
            prefs,
            metronome,
            settings,
            actions: Vec::new(),
        }
    }

    pub fn metronome(&self) -> &Metronome {
        &self.metronome
    }

    pub fn screen(&self) -> Screen {
        self.prefs.screen
    }

    fn execute(&mut self, action: Action) {
        let metronome = &mut self.metronome;
        match action {
            Action::Show(screen) => {
                self.prefs.screen = screen;
                if screen == Screen::Settings && self.settings.devices.is_none() {
                    self.settings.devices = Some(metronome.devices());
                }
            }
            Action::ToggleRun => metronome.toggle(),
            Action::ChangeRate(delta) => metronome.nudge(delta),
            Action::SetVolume(volume) => metronome.set_volume(volume),
            Action::SetAccent(accent) => metronome.set_accent(accent),
            Action::SetAccentEvery(n) => {
                self.prefs.accent_every = n;
                if matches!(metronome.voicing().accent, Accent::Every(m) if m != 2) {
                    metronome.set_accent(Accent::Every(n));
                }
            }
            Action::SetSound(choice) => {
                self.settings.sound_error = metronome.set_sound(choice).err();
            }
            Action::UseSoundFile(path) => {
                let path = path.trim();
                self.settings.file_error = if path.is_empty() {
                    Some("Type the path of a WAV, FLAC, OGG or MP3 file first.".into())
                } else {
                    metronome
                        .set_sound(SoundChoice::File(path.into()))
                        .err()
                        .map(|error| format!("Cannot use this file: {error}"))
                };
            }
            Action::Preview(choice) => {
                self.settings.sound_error = metronome.preview(&choice).err();
            }
            Action::SetVisualOffset(ms) => metronome.set_visual_offset_ms(ms),
            Action::ChooseDevice(device) => metronome.set_device(device),
            Action::RefreshDevices => self.settings.devices = Some(metronome.devices()),
            Action::Retry => metronome.retry(),
            Action::DismissNotice => metronome.dismiss_notice(),
        }
    }
}

impl eframe::App for CadenceApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let now = Instant::now();
        self.metronome.poll(now);
        if let Some(after) = self.metronome.next_wake(now) {
            ctx.request_repaint_after(after);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // Keys first, so a focused button does not also take the Space bar.
        if self.prefs.screen == Screen::Run {
            shortcuts(ui, &mut self.actions);
        }
        egui::Panel::top("navigation").show(ui, |ui| {
            navigation_ui(ui, self.prefs.screen, &mut self.actions);
        });
        if self.metronome.problem().is_some() || self.metronome.notice().is_some() {
            egui::Panel::top("messages").show(ui, |ui| {
                messages_ui(ui, &self.metronome, &mut self.actions);
            });
        }
        egui::CentralPanel::default().show(ui, |ui| match self.prefs.screen {
            Screen::Run => run_screen_ui(ui, &self.metronome, &self.prefs, &mut self.actions),
            Screen::Settings => {
                settings_screen_ui(ui, &mut self.settings, &self.metronome, &mut self.actions)
            }
            screen => later_screen_ui(ui, screen),
        });

        if self.actions.is_empty() {
            return;
        }
        for action in std::mem::take(&mut self.actions) {
            self.execute(action);
        }
        // Show the outcome now rather than at the next input.
        ui.ctx().request_repaint();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.prefs.capture(&self.metronome);
        eframe::set_value(storage, STORAGE_KEY, &self.prefs);
    }
}

fn navigation_ui(ui: &mut egui::Ui, current: Screen, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        for screen in Screen::ALL {
            if ui
                .selectable_label(screen == current, screen.title())
                .clicked()
                && screen != current
            {
                actions.push(Action::Show(screen));
            }
        }
    });
}

/// On every screen, so Retry is at hand wherever the user is.
fn messages_ui(ui: &mut egui::Ui, metronome: &Metronome, actions: &mut Vec<Action>) {
    if let Some(problem) = metronome.problem() {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(ui.visuals().error_fg_color, problem);
            if ui.button("Retry").clicked() {
                actions.push(Action::Retry);
            }
        });
        if metronome.is_playing() && metronome.output_kind() == Some(OutputKind::Silent) {
            ui.label("Playing silently: the flash keeps the beat.");
        }
    }
    if let Some(notice) = metronome.notice() {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(ui.visuals().warn_fg_color, notice);
            if ui.button("Dismiss").clicked() {
                actions.push(Action::DismissNotice);
            }
        });
    }
    ui.add_space(4.0);
}

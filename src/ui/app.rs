//! The eframe app: preferences that are saved with the window, the runner's data in
//! the store, runtime state that is not saved, and the actions the screens ask for,
//! carried out after each frame is drawn. Saving what the forms hold and the run being
//! recorded is in `app/saving.rs`.

use std::sync::Arc;
use std::time::Instant;

use eframe::egui;
use serde::{Deserialize, Serialize};

use super::OutputFactory;
use super::advice_screen::advice_screen_ui;
use super::baseline_screen::{BaselineForm, CountedMinute, baseline_screen_ui, tap_keys};
use super::clock::{Clock, SystemClock};
use super::fields::sentence;
use super::history_screen::{HistoryForm, export_csv, history_screen_ui};
use super::import_panel::import_runs;
use super::metronome::{
    Cue, DEFAULT_SPM, MAX_SPM, MAX_VISUAL_OFFSET_MS, MIN_SPM, Metronome, OutputKind, Setup,
};
use super::music_panel::{MusicAction, MusicPanel, music_panel_ui};
use super::phone_export::PhoneExport;
use super::plan_screen::{
    ClearanceForm, MorningForm, PlanForm, PlanScreen, morning_ui, plan_screen_ui,
};
use super::records::{Data, Recording};
use super::run_screen::{AfterRunForm, RunPanel, RunView, run_screen_ui, shortcuts};
use super::settings_screen::{SettingsForm, settings_screen_ui};
use super::start_screen::{
    GuideForm, GuideStep, StartScreen, missing, start_screen_ui, training_week_ui, warmup_offer_ui,
};
use super::training_screen::{
    TrainingForm, TrainingView, add_shoe, log_activity, training_screen_ui,
};
use crate::audio::HostChoice;
use crate::coach::{Profile, SessionRecord, SoundSettings};
use crate::engine::{Accent, SoundChoice, Voicing};
use crate::store::Store;

mod saving;

/// Key of the preferences in eframe's storage.
const STORAGE_KEY: &str = "cadence-coach-preferences";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Screen {
    #[default]
    Run,
    Baseline,
    Plan,
    History,
    /// The runner's songs at the step rate.
    Music,
    Settings,
    /// The guided start, on first launch.
    Start,
    /// Every rule with its number and source.
    Advice,
    /// Other training, hip and knee exercise, shoes.
    Training,
}

impl Screen {
    pub const ALL: [Screen; 9] = [
        Screen::Start,
        Screen::Run,
        Screen::Baseline,
        Screen::Plan,
        Screen::Training,
        Screen::History,
        Screen::Music,
        Screen::Settings,
        Screen::Advice,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Run => "Run",
            Screen::Baseline => "Baseline",
            Screen::Plan => "Plan",
            Screen::History => "History",
            Screen::Music => "Music",
            Screen::Settings => "Settings",
            Screen::Start => "Guide",
            Screen::Advice => "About the advice",
            Screen::Training => "Training",
        }
    }
}

/// What this window keeps between sessions (its size is eframe's): the screen, the
/// free run's rate, the output device and the visual offset. Sound, accent and volume
/// are the runner's and live in the profile; plans and runs in the store. eframe
/// falls back to defaults silently when this cannot be read, so nothing here matters
/// much.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub screen: Screen,
    pub spm: u32,
    /// The N offered as "every N steps" (the Run screen's accent menu lists it).
    pub accent_every: u32,
    pub visual_offset_ms: i32,
    pub device: Option<String>,
    /// The sound system: "auto", "pipewire", "pulseaudio", "alsa" or "jack".
    pub host: String,
    /// A 5 ms buffer instead of 40 ms.
    pub low_latency: bool,
    /// The folder typed on the Music screen.
    pub music_folder: String,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            screen: Screen::Run,
            spm: DEFAULT_SPM,
            accent_every: 4,
            visual_offset_ms: 0,
            device: None,
            host: "auto".to_owned(),
            low_latency: false,
            music_folder: String::new(),
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
        if !(-MAX_VISUAL_OFFSET_MS..=MAX_VISUAL_OFFSET_MS).contains(&self.visual_offset_ms) {
            self.visual_offset_ms = 0;
        }
        if !(2..=Accent::MAX_EVERY).contains(&self.accent_every) {
            self.accent_every = default.accent_every;
        }
        self
    }

    fn setup(&self, sound: &SoundSettings) -> Setup {
        Setup {
            device: self.device.clone(),
            // A hand-edited name this build does not know falls back to auto.
            host: self.host.parse().unwrap_or_default(),
            low_latency: self.low_latency,
            spm: self.spm,
            sound: sound.sound.clone(),
            voicing: Voicing {
                volume: sound.volume,
                accent: sound.accent,
            },
            visual_offset_ms: self.visual_offset_ms,
        }
    }

    /// The live values become the saved ones.
    fn capture(&mut self, metronome: &Metronome) {
        self.spm = metronome.spm();
        self.visual_offset_ms = metronome.visual_offset_ms();
        self.device = metronome.device().map(str::to_owned);
        self.host = metronome.host().to_string();
        self.low_latency = metronome.low_latency();
    }
}

/// What the screens ask for while drawing; carried out once the frame is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Show(Screen),
    ToggleRun,
    /// Start today's planned run.
    StartPlanned,
    ChangeRate(i32),
    /// Volume while it moves; [`Action::SaveSound`] once it settles.
    SetVolume(f32),
    /// Sound, accent and volume go to the profile.
    SaveSound,
    SetAccent(Accent),
    /// The N for "every N steps" changed (already validated).
    SetAccentEvery(u32),
    SetSound(SoundChoice),
    /// The path typed in Settings, to be loaded and, if it loads, chosen.
    UseSoundFile(String),
    Preview(SoundChoice),
    SetVisualOffset(i32),
    ChooseDevice(Option<String>),
    ChooseHost(HostChoice),
    SetLowLatency(bool),
    RefreshDevices,
    Retry,
    DismissNotice,
    /// Dismiss the app message at this index.
    DismissMessage(usize),
    /// The pain log after a run.
    SaveRunLog,
    SkipRunLog,
    StartCount,
    Tap,
    CancelCount,
    SaveBaseline,
    EditPlan,
    CancelPlanEdit,
    SavePlan,
    SaveMorning,
    AddClearance,
    ExportCsv,
    /// Go to a step of the guided start.
    Guide(GuideStep),
    /// The guide's profile answers go to the profile.
    SaveRisk,
    /// Play the pre-run routine's cues.
    Warmup,
    /// Watch files to import (dropped on the window or typed on History).
    ImportRuns(Vec<std::path::PathBuf>),
    /// Anything on the Music screen.
    Music(MusicAction),
    /// The Training screen's activity form is to be saved.
    LogActivity,
    /// The Training screen's pair of shoes is to be added.
    AddShoe,
}

pub struct CadenceApp {
    prefs: Preferences,
    metronome: Metronome,
    clock: Arc<dyn Clock>,
    data: Data,
    /// The run being recorded, from Start until its final save.
    recording: Option<Recording>,
    run: RunPanel,
    baseline: BaselineForm,
    plan: PlanForm,
    morning: MorningForm,
    clearance: ClearanceForm,
    phone: PhoneExport,
    history: HistoryForm,
    settings: SettingsForm,
    guide: GuideForm,
    music: MusicPanel,
    training: TrainingForm,
    /// Things the runner must hear about: files set aside, saves that failed.
    messages: Vec<String>,
    actions: Vec<Action>,
}

impl CadenceApp {
    /// Builds the app on the data in `store`, and opens the sound card so a missing one
    /// shows before the run.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        outputs: Box<dyn OutputFactory>,
        store: Store,
    ) -> Self {
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
        let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
        let (data, messages) = Data::open(store);
        let mut metronome = Metronome::new(outputs, prefs.setup(&data.profile.sound));
        metronome.open_device();
        let settings = SettingsForm::new(&prefs, metronome.sound());
        let today = clock.today();
        // First launch: nothing saved yet, so the guide leads.
        let first_launch = !data.store().document_path::<Profile>().exists()
            && data.plan.is_none()
            && data.sessions.is_empty();
        let mut prefs = prefs;
        if first_launch {
            prefs.screen = Screen::Start;
        }
        let mut app = Self {
            guide: GuideForm::new(&data.profile),
            baseline: BaselineForm::new(&data.profile),
            plan: PlanForm::new(&data.profile, data.plan.as_ref(), today),
            history: HistoryForm::new(data.store().data_dir()),
            morning: MorningForm::default(),
            clearance: ClearanceForm::default(),
            phone: PhoneExport::new(),
            music: MusicPanel::new(prefs.music_folder.clone(), data.store()),
            training: TrainingForm::default(),
            run: RunPanel::default(),
            prefs,
            metronome,
            clock,
            data,
            recording: None,
            settings,
            messages,
            actions: Vec::new(),
        };
        app.ask_for_unlogged_pain();
        app
    }

    /// A recent run whose pain was never logged (the form was left for later, or the
    /// app closed mid-run) gets its form back: until it is filled in, the plan cannot
    /// move up on that run.
    fn ask_for_unlogged_pain(&mut self) {
        if self.recording.is_some() || self.run.form.is_some() {
            return;
        }
        let since = self.clock.today().previous_day().unwrap_or(time::Date::MIN);
        if let Some(run) = self
            .data
            .sessions
            .iter()
            .rev()
            .find(|run| !run.pain_logged && run.date() >= since)
        {
            self.run.form = Some(AfterRunForm::new(run.id.clone()));
        }
    }

    /// The same app on another clock (tests move a [`super::ManualClock`] by hand).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        let today = clock.today();
        self.clock = clock;
        // "Recent" is by the new clock's calendar.
        self.run.form = None;
        self.ask_for_unlogged_pain();
        if !self.plan.editing {
            self.plan
                .fill(&self.data.profile, self.data.plan.as_ref(), today);
        }
        self
    }

    pub fn metronome(&self) -> &Metronome {
        &self.metronome
    }

    pub fn screen(&self) -> Screen {
        self.prefs.screen
    }

    pub fn store(&self) -> &Store {
        self.data.store()
    }

    /// The messages shown at the top of the window.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    /// The run being recorded, if one plays.
    pub fn recording(&self) -> Option<&SessionRecord> {
        self.recording.as_ref().map(|recording| &recording.record)
    }

    /// The runs as last read or saved, oldest first.
    pub fn sessions(&self) -> &[SessionRecord] {
        &self.data.sessions
    }

    fn tell(&mut self, messages: impl IntoIterator<Item = String>) {
        for message in messages {
            // The same failure a minute later is not news.
            if !self.messages.contains(&message) {
                self.messages.push(message);
            }
        }
    }

    fn execute(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Show(screen) => {
                if screen != self.prefs.screen {
                    self.stop_count_on_leaving();
                }
                self.prefs.screen = screen;
                if screen == Screen::Settings && self.settings.devices.is_none() {
                    self.settings.devices = Some(self.metronome.devices());
                }
                if matches!(
                    screen,
                    Screen::Run | Screen::Plan | Screen::History | Screen::Training
                ) {
                    // The command line or another copy may have changed the files.
                    let messages = self.data.reload();
                    self.tell(messages);
                    if screen == Screen::Run {
                        self.ask_for_unlogged_pain();
                    }
                    if !self.plan.editing {
                        self.plan.fill(
                            &self.data.profile,
                            self.data.plan.as_ref(),
                            self.clock.today(),
                        );
                    }
                }
            }
            Action::ToggleRun => {
                if self.metronome.is_playing() {
                    self.metronome.stop();
                } else if self.metronome.is_stopped() {
                    self.metronome.start();
                    if self.metronome.is_playing() {
                        self.begin_recording(None);
                    }
                }
            }
            Action::StartPlanned => {
                let today = self.clock.today();
                let session = self.data.today(today).session.clone();
                let Some((profile, level)) =
                    session.and_then(|session| session.profile.map(|p| (p, session.level)))
                else {
                    return;
                };
                if let Err(error) = profile.validate() {
                    self.tell([format!("Today's run cannot be played: {}", sentence(error))]);
                    return;
                }
                if !self.metronome.is_stopped() {
                    return;
                }
                self.metronome.start_program(profile.compile());
                if self.metronome.is_playing() {
                    self.begin_recording(Some((profile, level)));
                }
            }
            Action::ChangeRate(delta) => self.metronome.nudge(delta),
            Action::SetVolume(volume) => self.metronome.set_volume(volume),
            Action::SaveSound => self.save_sound(),
            Action::SetAccent(accent) => {
                self.metronome.set_accent(accent);
                self.save_sound();
            }
            Action::SetAccentEvery(n) => {
                self.prefs.accent_every = n;
                if matches!(self.metronome.voicing().accent, Accent::Every(m) if m != 2) {
                    self.metronome.set_accent(Accent::Every(n));
                    self.save_sound();
                }
            }
            Action::SetSound(choice) => {
                self.settings.sound_error = self.metronome.set_sound(choice).err();
                self.save_sound();
            }
            Action::UseSoundFile(path) => {
                let path = path.trim();
                self.settings.file_error = if path.is_empty() {
                    Some("Type the path of a WAV, FLAC, OGG or MP3 file first.".into())
                } else {
                    self.metronome
                        .set_sound(SoundChoice::File(path.into()))
                        .err()
                        .map(|error| format!("Cannot use this file: {error}"))
                };
                self.save_sound();
            }
            Action::Preview(choice) => {
                self.settings.sound_error = self.metronome.preview(&choice).err();
            }
            Action::SetVisualOffset(ms) => self.metronome.set_visual_offset_ms(ms),
            Action::ChooseDevice(device) => self.metronome.set_device(device),
            Action::ChooseHost(host) => {
                self.metronome.set_host(host);
                self.settings.devices = Some(self.metronome.devices());
            }
            Action::SetLowLatency(low) => self.metronome.set_low_latency(low),
            Action::RefreshDevices => self.settings.devices = Some(self.metronome.devices()),
            Action::Retry => self.metronome.retry(),
            Action::DismissNotice => self.metronome.dismiss_notice(),
            Action::DismissMessage(index) => {
                if index < self.messages.len() {
                    self.messages.remove(index);
                }
            }
            Action::SaveRunLog => self.save_run_log(),
            Action::SkipRunLog => self.run.form = None,
            Action::StartCount => {
                if !self.metronome.is_stopped() || self.baseline.counting.is_some() {
                    return;
                }
                self.baseline.cue_error =
                    self.metronome.cue(Cue::Start).err().map(|error| {
                        format!("No start signal ({error}) Watch the countdown instead.")
                    });
                self.baseline.counting = Some(CountedMinute::start(self.clock.now()));
                self.baseline.saved = None;
                // Keys are taps from now on, not text.
                ctx.memory_mut(|memory| memory.stop_text_input());
            }
            Action::Tap => {
                let now = self.clock.now();
                if let Some(count) = &mut self.baseline.counting {
                    count.tap(now);
                }
            }
            Action::CancelCount => self.baseline.counting = None,
            Action::SaveBaseline => self.save_baseline(),
            Action::EditPlan => {
                self.plan.fill(
                    &self.data.profile,
                    self.data.plan.as_ref(),
                    self.clock.today(),
                );
                self.plan.editing = true;
                self.plan.outcome = None;
            }
            Action::CancelPlanEdit => {
                self.plan.editing = false;
                self.plan.outcome = None;
            }
            Action::SavePlan => self.save_plan(),
            Action::SaveMorning => self.save_morning(),
            Action::AddClearance => self.add_clearance(),
            Action::ExportCsv => export_csv(&mut self.history, &self.data.sessions),
            Action::Guide(step) => {
                if step != self.guide.step {
                    self.stop_count_on_leaving();
                }
                self.guide.step = step;
            }
            Action::SaveRisk => self.save_risk(),
            Action::Warmup => {
                let program = crate::coach::warmup::Warmup::default().program();
                if let Err(error) = self.metronome.play_warmup(&program) {
                    self.tell([format!("The warm-up cues cannot play: {error}")]);
                }
            }
            Action::ImportRuns(paths) => {
                let offset = self.clock.local_now().offset();
                import_runs(&mut self.history.import, &mut self.data, &paths, offset);
                // A new run from the watch asks for its pain like one recorded here.
                self.ask_for_unlogged_pain();
            }
            Action::LogActivity => {
                let notices = log_activity(&mut self.training, &mut self.data, self.clock.today());
                self.tell(notices);
            }
            Action::AddShoe => {
                let notices = add_shoe(&mut self.training.shoe, &mut self.data, self.clock.today());
                self.tell(notices);
            }
            Action::Music(action) => {
                let planned = self.todays_run();
                let target = planned
                    .as_ref()
                    .map_or(f64::from(self.metronome.spm()), |run| {
                        f64::from(run.0.target_spm)
                    });
                let target = match action {
                    MusicAction::Play { planned: false } => f64::from(self.metronome.spm()),
                    _ => target,
                };
                let program = planned.map(|(profile, _)| profile.compile());
                let store = self.data.store().clone();
                self.music.execute(
                    action,
                    &mut self.metronome,
                    (&store, target, program),
                    (ctx, self.clock.now()),
                );
            }
        }
    }

    /// Today's planned run, if there is one that can be played.
    fn todays_run(&mut self) -> Option<(crate::coach::SessionProfile, u8)> {
        let session = self.data.today(self.clock.today()).session.clone()?;
        let profile = session.profile?;
        profile.validate().ok()?;
        Some((profile, session.level))
    }

    /// A run with the runner's songs, once the Music screen has them ready.
    fn start_music_run(&mut self, start: super::music_panel::Start) {
        if !self.metronome.is_stopped() {
            return;
        }
        let planned = start.planned.is_some().then(|| self.todays_run()).flatten();
        self.metronome
            .start_with_music(start.planned, start.music, start.volume);
        if self.metronome.is_playing() {
            self.begin_recording(planned);
        }
    }

    /// The minute is up: the stop signal, and the count becomes the natural rate.
    fn follow_count(&mut self, ctx: &egui::Context) {
        let Some(count) = &self.baseline.counting else {
            return;
        };
        let now = self.clock.now();
        if count.is_over(now) {
            if let Err(error) = self.metronome.cue(Cue::Stop) {
                self.baseline.cue_error = Some(format!("No stop signal ({error})"));
            }
            self.baseline.finish_count();
        } else {
            ctx.request_repaint_after(count.next_tick(now));
        }
    }
}

impl eframe::App for CadenceApp {
    /// The panels' colour: the window's background comes from clearing it, so the
    /// panels need not cover it again (see [`unfilled`]).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let now = Instant::now();
        self.metronome.poll(now);
        if let Some(start) = self.music.poll() {
            self.start_music_run(start);
        }
        self.follow_recording();
        self.follow_count(ctx);
        // Worked out again when the day changed: a window left open overnight shows
        // the new day's run at the first input (no repaints are spent waiting for it).
        self.data.today(self.clock.today());
        if let Some(after) = self.metronome.next_wake(now) {
            ctx.request_repaint_after(after);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // Keys first, so a focused button does not also take them.
        match self.prefs.screen {
            Screen::Run => shortcuts(ui, &mut self.actions),
            Screen::Baseline | Screen::Start if self.baseline.counting.is_some() => {
                tap_keys(ui, &mut self.actions);
            }
            _ => {}
        }
        egui::Panel::top("navigation")
            .frame(unfilled(egui::Frame::side_top_panel(ui.style())))
            .show(ui, |ui| {
                navigation_ui(ui, self.prefs.screen, &mut self.actions);
            });
        if self.metronome.problem().is_some()
            || self.metronome.notice().is_some()
            || !self.messages.is_empty()
        {
            egui::Panel::top("messages")
                .frame(unfilled(egui::Frame::side_top_panel(ui.style())))
                .show(ui, |ui| {
                    messages_ui(ui, &self.metronome, &self.messages, &mut self.actions);
                });
        }
        let playing = self
            .recording
            .as_ref()
            .filter(|_| self.metronome.is_programmed())
            .and_then(|recording| recording.record.profile.as_ref());
        let today = self.data.cached_today();
        egui::CentralPanel::default()
            .frame(unfilled(egui::Frame::central_panel(ui.style())))
            .show(ui, |ui| match self.prefs.screen {
                Screen::Run => {
                    if let Some(text) = missing(&self.data.profile, self.data.plan.as_ref()) {
                        ui.label(text);
                    }
                    if let Some(today) = today
                        && let Some(run) = today.morning_due.and_then(|i| self.data.sessions.get(i))
                    {
                        morning_ui(ui, &mut self.morning, run, today.date, &mut self.actions);
                    }
                    if self.metronome.is_stopped()
                        && today
                            .and_then(|today| today.session.as_ref())
                            .is_some_and(|session| session.profile.is_some())
                    {
                        warmup_offer_ui(ui, &mut self.actions);
                    }
                    run_screen_ui(
                        ui,
                        &self.metronome,
                        &mut self.run,
                        RunView {
                            prefs: &self.prefs,
                            today: today.and_then(|today| today.session.as_ref()),
                            playing,
                        },
                        &mut self.actions,
                    );
                }
                Screen::Start => start_screen_ui(
                    ui,
                    StartScreen {
                        guide: &mut self.guide,
                        baseline: &mut self.baseline,
                        plan_form: &mut self.plan,
                        profile: &self.data.profile,
                        plan: self.data.plan.as_ref(),
                        now: self.clock.now(),
                        stopped: self.metronome.is_stopped(),
                    },
                    &mut self.actions,
                ),
                Screen::Advice => advice_screen_ui(ui),
                Screen::Baseline => baseline_screen_ui(
                    ui,
                    &mut self.baseline,
                    &self.data.profile,
                    self.clock.now(),
                    self.metronome.is_stopped(),
                    &mut self.actions,
                ),
                Screen::Plan => {
                    if let Some(today) = today {
                        training_week_ui(ui, &self.data.training, today.date);
                        plan_screen_ui(
                            ui,
                            PlanScreen {
                                form: &mut self.plan,
                                morning: &mut self.morning,
                                clearance: &mut self.clearance,
                                plan: self.data.plan.as_ref(),
                                today,
                                sessions: &self.data.sessions,
                                phone: &mut self.phone,
                                sound: &self.data.profile.sound,
                            },
                            &mut self.actions,
                        );
                    }
                }
                Screen::History => {
                    if let Some(today) = today {
                        history_screen_ui(
                            ui,
                            &mut self.history,
                            &self.data.sessions,
                            today,
                            &mut self.actions,
                        );
                    }
                }
                Screen::Settings => {
                    settings_screen_ui(ui, &mut self.settings, &self.metronome, &mut self.actions)
                }
                Screen::Music => {
                    let planned = today
                        .and_then(|today| today.session.as_ref())
                        .and_then(|session| session.profile.as_ref());
                    let target = planned.map_or(f64::from(self.metronome.spm()), |profile| {
                        f64::from(profile.target_spm)
                    });
                    let mut music_actions = Vec::new();
                    music_panel_ui(
                        ui,
                        &mut self.music,
                        &self.metronome,
                        (target, planned.is_some()),
                        &mut music_actions,
                    );
                    self.actions
                        .extend(music_actions.into_iter().map(Action::Music));
                }
                Screen::Training => {
                    if let Some(today) = today {
                        training_screen_ui(
                            ui,
                            &mut self.training,
                            TrainingView {
                                training: &self.data.training,
                                sessions: &self.data.sessions,
                                today,
                            },
                            &mut self.actions,
                        );
                    }
                }
            });

        if self.actions.is_empty() {
            return;
        }
        let ctx = ui.ctx().clone();
        for action in std::mem::take(&mut self.actions) {
            self.execute(action, &ctx);
        }
        // Show the outcome now rather than at the next input.
        ctx.request_repaint();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.prefs.capture(&self.metronome);
        self.prefs.music_folder = self.music.folder.clone();
        eframe::set_value(storage, STORAGE_KEY, &self.prefs);
    }

    /// Closing the window mid-run asks nothing and loses nothing: the run is saved as
    /// far as the engine got.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_recording();
    }
}

/// A panel's frame without its fill, which is the colour the window is cleared to.
/// Every frame is drawn in full, and under software rendering (a laptop without GPU
/// drivers, or Xvfb) each pixel covered costs CPU: a fill over the whole window was
/// about a third of the renderer's time while playing.
fn unfilled(frame: egui::Frame) -> egui::Frame {
    frame.fill(egui::Color32::TRANSPARENT)
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
fn messages_ui(
    ui: &mut egui::Ui,
    metronome: &Metronome,
    messages: &[String],
    actions: &mut Vec<Action>,
) {
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
    for (index, message) in messages.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(ui.visuals().warn_fg_color, message);
            if ui
                .button("OK")
                .on_hover_text("Dismiss this message")
                .clicked()
            {
                actions.push(Action::DismissMessage(index));
            }
        });
    }
    ui.add_space(4.0);
}

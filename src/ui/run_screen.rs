//! The Run screen: today's planned run one click away (with its timeline and a "now"
//! marker), the step rate, big enough to read from a treadmill, a flash on every step,
//! Start/Stop and the rate buttons (also Space and the Up/Down keys), the run's time and
//! steps, the short pain log after each run, and sound, accent and volume at hand.

use std::time::{Duration, Instant};

use eframe::egui::{self, Key, Modifiers, RichText};

use super::app::{Action, Preferences};
use super::cleared_fill::cleared_fill;
use super::fields::{accent_description, check_note, error_line_ui, format_elapsed, parse_pain};
use super::metronome::{Metronome, OutputKind};
use crate::coach::{
    FeedbackDuty, SessionProfile, SessionRecord, TodayKind, TodaySession, Treadmill,
};
use crate::engine::{Accent, BuiltinSound, SoundChoice};

const TIMELINE_HEIGHT: f32 = 26.0;
/// The rate panel's corners, in points.
const PANEL_RADIUS: f32 = 16.0;

/// The pain log after a run, as typed.
pub struct AfterRunForm {
    /// The run it is about.
    pub id: String,
    pub during: String,
    pub after: String,
    pub limp: bool,
    pub swelling: bool,
    pub note: String,
    /// Where it was run: the belt's speed and incline (empty outdoors), or downhill.
    pub treadmill_kmh: String,
    pub incline: String,
    pub downhill: bool,
    pub treadmill_error: Option<String>,
    pub during_error: Option<String>,
    pub after_error: Option<String>,
    pub note_error: Option<String>,
    /// Why saving failed.
    pub error: Option<String>,
}

impl AfterRunForm {
    pub fn new(id: String) -> Self {
        Self {
            id,
            during: String::new(),
            after: String::new(),
            limp: false,
            swelling: false,
            note: String::new(),
            treadmill_kmh: String::new(),
            incline: String::new(),
            downhill: false,
            treadmill_error: None,
            during_error: None,
            after_error: None,
            note_error: None,
            error: None,
        }
    }

    /// Checks every field, showing each message; the pain during and after, and the
    /// treadmill if one was given, when all hold.
    pub fn check(&mut self) -> Option<(u8, u8, Option<Treadmill>)> {
        let during = parse_pain(&self.during, "during the run");
        let after = parse_pain(&self.after, "after the run");
        let treadmill = parse_treadmill(&self.treadmill_kmh, &self.incline);
        self.during_error = during.as_ref().err().cloned();
        self.after_error = after.as_ref().err().cloned();
        self.treadmill_error = treadmill.as_ref().err().cloned();
        self.note_error = check_note(&self.note).err();
        match (during, after, treadmill, &self.note_error) {
            (Ok(during), Ok(after), Ok(treadmill), None) => Some((during, after, treadmill)),
            _ => None,
        }
    }
}

/// The belt's speed (1-30 km/h) and incline (-10 to 40 %, empty for flat); both empty
/// for a run outdoors.
fn parse_treadmill(speed: &str, incline: &str) -> Result<Option<Treadmill>, String> {
    let number = |text: &str| text.trim().replace(',', ".").parse::<f64>().ok();
    let (speed, incline) = (speed.trim(), incline.trim());
    if speed.is_empty() {
        return if incline.is_empty() {
            Ok(None)
        } else {
            Err("Give the treadmill's speed too, or leave the incline empty outdoors.".into())
        };
    }
    let speed_kmh = number(speed)
        .filter(|kmh| (1.0..=30.0).contains(kmh))
        .ok_or_else(|| format!("'{speed}' is not a treadmill speed; give 1 to 30 km/h."))?;
    let incline_percent = if incline.is_empty() {
        0.0
    } else {
        number(incline)
            .filter(|percent| (-10.0..=40.0).contains(percent))
            .ok_or_else(|| {
                format!(
                    "'{incline}' is not a treadmill incline; give -10 to 40 percent (negative \
                     for a decline)."
                )
            })?
    };
    Ok(Some(Treadmill {
        speed_kmh,
        incline_percent,
    }))
}

impl AfterRunForm {
    /// Puts what was typed on the record.
    pub fn fill(&self, record: &mut SessionRecord, treadmill: Option<Treadmill>) {
        record.swelling = self.swelling;
        record.note = self.note.trim().to_owned();
        record.treadmill = treadmill;
        record.downhill = self.downhill;
    }
}

/// The run side of the screen that is not the metronome.
#[derive(Default)]
pub struct RunPanel {
    pub form: Option<AfterRunForm>,
    /// What the plan made of the last run logged (or "saved").
    pub verdict: Option<String>,
}

/// What the Run screen shows besides the metronome.
pub struct RunView<'a> {
    pub prefs: &'a Preferences,
    /// Today's session from the plan, if there is a plan.
    pub today: Option<&'a TodaySession>,
    /// The planned run playing now, if one is.
    pub playing: Option<&'a SessionProfile>,
}

const BUTTON_HEIGHT: f32 = 56.0;
const RATE_BUTTON_WIDTH: f32 = 120.0;
const START_BUTTON_WIDTH: f32 = 200.0;

/// Space starts and stops, Enter starts today's planned run, Up and Down change the
/// rate. Called before any widget is drawn; a text field or a focused control keeps its
/// keys (Esc releases the focus).
pub fn shortcuts(ui: &egui::Ui, actions: &mut Vec<Action>) {
    let ctx = ui.ctx();
    if ctx.egui_wants_keyboard_input() || ctx.memory(|memory| memory.focused().is_some()) {
        return;
    }
    ui.input_mut(|input| {
        if input.consume_key(Modifiers::NONE, Key::Space) {
            actions.push(Action::ToggleRun);
        }
        if input.consume_key(Modifiers::NONE, Key::Enter) {
            actions.push(Action::StartPlanned);
        }
        let up = input.count_and_consume_key(Modifiers::NONE, Key::ArrowUp);
        let down = input.count_and_consume_key(Modifiers::NONE, Key::ArrowDown);
        let delta = i32::try_from(up).unwrap_or(i32::MAX) - i32::try_from(down).unwrap_or(0);
        if delta != 0 {
            actions.push(Action::ChangeRate(delta));
        }
    });
}

pub fn run_screen_ui(
    ui: &mut egui::Ui,
    metronome: &Metronome,
    panel: &mut RunPanel,
    view: RunView<'_>,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let planned = view.today.is_some() || view.playing.is_some();
            if planned {
                today_ui(ui, metronome, view.today, view.playing, actions);
                ui.add_space(6.0);
            }
            rate_ui(ui, metronome, if planned { 0.24 } else { 0.36 });
            ui.add_space(10.0);
            transport_ui(ui, metronome, actions);
            ui.add_space(6.0);
            figures_ui(ui, metronome);
            if let Some(form) = &mut panel.form {
                ui.separator();
                after_run_ui(ui, form, actions);
            } else if let Some(verdict) = &panel.verdict {
                ui.separator();
                ui.label(RichText::new(verdict).strong());
            }
            ui.add_space(6.0);
            ui.separator();
            sound_controls_ui(ui, metronome, view.prefs, actions);
            ui.add_space(6.0);
            ui.weak(if planned {
                "Keys: Enter starts today's planned run; Space starts a free run and stops \
                 any run; Up and Down change a free run's rate by 1 step per minute."
            } else {
                "Keys: Space starts and stops; Up and Down change the rate by 1 step per minute."
            });
        });
}

/// Today's planned run: what the plan says, the button, and the run's timeline.
fn today_ui(
    ui: &mut egui::Ui,
    metronome: &Metronome,
    today: Option<&TodaySession>,
    playing: Option<&SessionProfile>,
    actions: &mut Vec<Action>,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if let Some(profile) = playing {
            ui.label(RichText::new(format!("Planned run: {profile}.")).strong());
            let elapsed = metronome.figures().elapsed.as_secs_f64();
            timeline_ui(ui, profile, Some(elapsed));
            let total = f64::from(profile.times.total_seconds());
            let phase = phase_at(profile, elapsed);
            let clicks = if metronome.is_muted() {
                "clicks off: keep the rate"
            } else {
                "clicks on"
            };
            ui.label(format!(
                "Now: {phase}, {clicks}. {} of {}.",
                format_elapsed(Duration::from_secs_f64(elapsed.min(total))),
                format_elapsed(Duration::from_secs_f64(total))
            ));
            return;
        }
        let Some(today) = today else {
            return;
        };
        let color = match today.kind {
            TodayKind::Stopped => Some(ui.visuals().warn_fg_color),
            _ => None,
        };
        let text = RichText::new(format!("Today: {}", today.message));
        match color {
            Some(color) => ui.colored_label(color, text),
            None => ui.label(text),
        };
        let Some(profile) = &today.profile else {
            return;
        };
        let start = egui::Button::new(
            RichText::new(format!("Start today's run: {} spm", today.target.spm)).size(20.0),
        )
        .min_size(egui::vec2(260.0, 40.0));
        if ui
            .add_enabled(metronome.is_stopped(), start)
            .on_hover_text(profile.to_string())
            .on_disabled_hover_text("Stop the current run first")
            .clicked()
        {
            actions.push(Action::StartPlanned);
        }
        timeline_ui(ui, profile, None);
    });
}

/// A part of a planned run on the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Part {
    pub kind: PartKind,
    pub from: f64,
    pub to: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    WarmUp,
    Glide,
    /// Holding the target with clicks.
    Hold,
    /// Holding the target without clicks.
    Quiet,
    CoolDown,
}

/// The parts of a run in time order, the hold split where the clicks go quiet (as
/// the profile compiles them: clicks on first, then off, and back on).
pub fn parts(profile: &SessionProfile) -> Vec<Part> {
    let times = profile.times;
    let mut parts = Vec::new();
    let mut at = 0.0;
    let push = |parts: &mut Vec<Part>, kind, to: f64, at: &mut f64| {
        if to > *at {
            parts.push(Part {
                kind,
                from: *at,
                to,
            });
            *at = to;
        }
    };
    push(
        &mut parts,
        PartKind::WarmUp,
        f64::from(times.warm_up_seconds),
        &mut at,
    );
    push(
        &mut parts,
        PartKind::Glide,
        at + f64::from(times.glide_seconds),
        &mut at,
    );
    let hold_end = at + f64::from(times.hold_seconds);
    match profile.feedback {
        FeedbackDuty::Always => push(&mut parts, PartKind::Hold, hold_end, &mut at),
        FeedbackDuty::Cycle {
            on_seconds,
            off_seconds,
        } => {
            let (on, off) = (f64::from(on_seconds.max(1)), f64::from(off_seconds.max(1)));
            let mut audible = true;
            while at < hold_end {
                let (kind, length) = if audible {
                    (PartKind::Hold, on)
                } else {
                    (PartKind::Quiet, off)
                };
                push(&mut parts, kind, (at + length).min(hold_end), &mut at);
                audible = !audible;
            }
        }
    }
    let end = at + f64::from(times.cool_down_seconds.unwrap_or(0));
    push(&mut parts, PartKind::CoolDown, end, &mut at);
    parts
}

/// Where in the run `seconds` falls, in words.
pub fn phase_at(profile: &SessionProfile, seconds: f64) -> String {
    let parts = parts(profile);
    let Some(part) = parts.iter().find(|part| seconds < part.to).or(parts.last()) else {
        return "finished".into();
    };
    if seconds >= part.to {
        return "finished".into();
    }
    match part.kind {
        PartKind::WarmUp => format!("warm-up at {} spm", profile.start_spm),
        PartKind::Glide => format!("gliding to {} spm", profile.target_spm),
        PartKind::Hold | PartKind::Quiet => format!("holding {} spm", profile.target_spm),
        PartKind::CoolDown => format!("cool-down to {} spm", profile.start_spm),
    }
}

/// The run as a bar: warm-up, glide, hold (clicks on solid, off faint), cool-down,
/// and a "now" marker while it plays.
fn timeline_ui(ui: &mut egui::Ui, profile: &SessionProfile, now: Option<f64>) {
    let total = f64::from(profile.times.total_seconds()).max(1.0);
    let width = ui.available_width();
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(width, TIMELINE_HEIGHT), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let strong = visuals.selection.bg_fill;
    let x_at = |seconds: f64| rect.left() + rect.width() * (seconds / total) as f32;
    for part in parts(profile) {
        let fill = match part.kind {
            PartKind::WarmUp | PartKind::CoolDown => visuals.widgets.inactive.bg_fill,
            PartKind::Glide => strong.gamma_multiply(0.55),
            PartKind::Hold => strong,
            PartKind::Quiet => strong.gamma_multiply(0.25),
        };
        let part_rect =
            egui::Rect::from_x_y_ranges(x_at(part.from)..=x_at(part.to), rect.y_range());
        painter.rect_filled(part_rect.shrink2(egui::vec2(0.5, 0.0)), 3.0, fill);
    }
    if let Some(seconds) = now {
        let x = x_at(seconds.clamp(0.0, total));
        let stroke = egui::Stroke::new(3.0, visuals.strong_text_color());
        painter.line_segment(
            [
                egui::pos2(x, rect.top() - 2.0),
                egui::pos2(x, rect.bottom() + 2.0),
            ],
            stroke,
        );
    }
    // The legend, in words: what a screen reader reads too.
    let times = profile.times;
    let mut legend: Vec<String> = [
        ("warm-up", times.warm_up_seconds),
        ("glide", times.glide_seconds),
        ("hold", times.hold_seconds),
        ("cool-down", times.cool_down_seconds.unwrap_or(0)),
    ]
    .into_iter()
    .filter(|&(_, seconds)| seconds > 0)
    .map(|(name, seconds)| format!("{name} {}", minutes_text(f64::from(seconds) / 60.0)))
    .collect();
    if let FeedbackDuty::Cycle { .. } = profile.feedback {
        legend.push(format!(
            "faint: no clicks ({} while holding)",
            profile.feedback
        ));
    }
    ui.weak(format!("Timeline: {}", legend.join(", ")));
}

fn minutes_text(minutes: f64) -> String {
    if (minutes - minutes.round()).abs() < 0.01 {
        format!("{:.0} min", minutes)
    } else {
        format!("{:.1} min", minutes)
    }
}

/// After a run: pain during and after (0-10), limp, swelling and a note.
fn after_run_ui(ui: &mut egui::Ui, form: &mut AfterRunForm, actions: &mut Vec<Action>) {
    ui.label(RichText::new("How was the knee? Pain from 0 (none) to 10 (the worst)").strong());
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Worst pain during the run");
        changed |= ui
            .add(egui::TextEdit::singleline(&mut form.during).desired_width(40.0))
            .labelled_by(label.id)
            .changed();
        ui.add_space(12.0);
        let label = ui.label("Worst pain after");
        changed |= ui
            .add(egui::TextEdit::singleline(&mut form.after).desired_width(40.0))
            .labelled_by(label.id)
            .changed();
    });
    error_line_ui(ui, form.during_error.as_deref());
    error_line_ui(ui, form.after_error.as_deref());
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut form.limp, "I limped");
        ui.checkbox(&mut form.swelling, "Visible swelling");
        ui.checkbox(&mut form.downhill, "Mostly downhill");
    });
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Treadmill speed (km/h)");
        changed |= ui
            .add(
                egui::TextEdit::singleline(&mut form.treadmill_kmh)
                    .hint_text("outdoors: empty")
                    .desired_width(110.0),
            )
            .labelled_by(label.id)
            .changed();
        let label = ui.label("Incline (%)");
        changed |= ui
            .add(
                egui::TextEdit::singleline(&mut form.incline)
                    .hint_text("0")
                    .desired_width(50.0),
            )
            .labelled_by(label.id)
            .changed();
    });
    error_line_ui(ui, form.treadmill_error.as_deref());
    ui.horizontal(|ui| {
        let label = ui.label("Note");
        changed |= ui
            .add(
                egui::TextEdit::singleline(&mut form.note)
                    .hint_text("optional")
                    .desired_width(ui.available_width().min(420.0)),
            )
            .labelled_by(label.id)
            .changed();
    });
    error_line_ui(ui, form.note_error.as_deref());
    if changed {
        // Messages follow the text as it is typed, once a field has been filled in.
        if !form.during.trim().is_empty() {
            form.during_error = parse_pain(&form.during, "during the run").err();
        }
        if !form.after.trim().is_empty() {
            form.after_error = parse_pain(&form.after, "after the run").err();
        }
        form.note_error = check_note(&form.note).err();
    }
    ui.horizontal(|ui| {
        if ui.button("Save pain log").clicked() {
            actions.push(Action::SaveRunLog);
        }
        if ui
            .button("Later")
            .on_hover_text(
                "The run is saved already. This form comes back on the Run screen; until it is \
                 filled in, the plan will not move up on this run",
            )
            .clicked()
        {
            actions.push(Action::SkipRunLog);
        }
    });
    error_line_ui(ui, form.error.as_deref());
}

/// The rate, a quarter of the window high or more, on a panel that lights up with every
/// step (in the accent colour on accented steps). The light is drawn by clearing the
/// panel's pixels ([`cleared_fill`]): the panel is the biggest area the app paints, and
/// under software rendering a shaded fill of it cost a quarter of each lit frame.
fn rate_ui(ui: &mut egui::Ui, metronome: &Metronome, share: f32) {
    let window_height = ui.ctx().content_rect().height();
    // Digits are about 0.7 of the font size: 0.36 makes them a quarter of the window.
    let size = (window_height * share)
        .min(ui.available_width() / 1.9)
        .max(48.0);
    let visuals = ui.visuals();
    let (fill, text) = match metronome.flash(Instant::now()) {
        Some(flash) if flash.accented => (Some(visuals.warn_fg_color), visuals.extreme_bg_color),
        Some(_) => (
            Some(visuals.selection.bg_fill),
            visuals.selection.stroke.color,
        ),
        // Unlit between steps: the window's own background, so the frames between
        // flashes do not shade the panel's pixels (see `app::unfilled`).
        None => (None, visuals.strong_text_color()),
    };
    // The panel's size is known once its contents are laid out; its fill goes under them.
    let background = ui.painter().add(egui::Shape::Noop);
    let panel = egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(12, 4))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical_centered(|ui| {
                ui.label(
                    // The monospace face is the heaviest built-in one: thin strokes
                    // blur when read from a treadmill.
                    RichText::new(metronome.shown_spm().to_string())
                        .font(egui::FontId::monospace(size))
                        .color(text),
                );
                ui.label(RichText::new("steps per minute").size(20.0).color(text));
                ui.add_space(4.0);
            });
        });
    if let Some(fill) = fill {
        ui.painter().set(
            background,
            cleared_fill(panel.response.rect, PANEL_RADIUS, fill),
        );
    }
}

/// -1, Start/Stop, +1, centred.
fn transport_ui(ui: &mut egui::Ui, metronome: &Metronome, actions: &mut Vec<Action>) {
    let spacing = ui.spacing().item_spacing.x;
    let total = 2.0 * RATE_BUTTON_WIDTH + START_BUTTON_WIDTH + 2.0 * spacing;
    ui.horizontal(|ui| {
        ui.add_space(((ui.available_width() - total) / 2.0).max(0.0));
        let big = |text: &str, width: f32| {
            egui::Button::new(RichText::new(text).size(24.0))
                .min_size(egui::vec2(width, BUTTON_HEIGHT))
        };
        let free = !metronome.is_programmed();
        if ui
            .add_enabled(free, big("-1 spm", RATE_BUTTON_WIDTH))
            .on_hover_text("One step per minute slower (Down arrow)")
            .on_disabled_hover_text("The plan sets the rate of this run")
            .clicked()
        {
            actions.push(Action::ChangeRate(-1));
        }
        let (label, hint) = if metronome.is_playing() {
            ("Stop", "Stop the run (Space)")
        } else {
            ("Start", "Start the run (Space)")
        };
        if ui
            .add(big(label, START_BUTTON_WIDTH))
            .on_hover_text(hint)
            .clicked()
        {
            actions.push(Action::ToggleRun);
        }
        if ui
            .add_enabled(free, big("+1 spm", RATE_BUTTON_WIDTH))
            .on_hover_text("One step per minute faster (Up arrow)")
            .on_disabled_hover_text("The plan sets the rate of this run")
            .clicked()
        {
            actions.push(Action::ChangeRate(1));
        }
    });
}

fn figures_ui(ui: &mut egui::Ui, metronome: &Metronome) {
    let figures = metronome.figures();
    ui.columns(2, |columns| {
        columns[0].vertical_centered(|ui| {
            ui.label(
                RichText::new(format!("Elapsed {}", format_elapsed(figures.elapsed))).size(26.0),
            );
        });
        columns[1].vertical_centered(|ui| {
            ui.label(RichText::new(format!("Steps {}", figures.steps)).size(26.0));
        });
    });
    let output = match (metronome.output_kind(), metronome.output_info()) {
        (Some(OutputKind::Device), Some(info)) => format!("Sound: {}", info.device_name),
        (Some(OutputKind::Silent), _) => "Silent: no sound card, the flash keeps the beat".into(),
        _ => "No output open".into(),
    };
    ui.vertical_centered(|ui| {
        ui.weak(output);
    });
}

fn sound_controls_ui(
    ui: &mut egui::Ui,
    metronome: &Metronome,
    prefs: &Preferences,
    actions: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        let current = metronome.sound();
        egui::ComboBox::from_label("Sound")
            .selected_text(sound_name(current))
            .show_ui(ui, |ui| {
                for sound in BuiltinSound::ALL {
                    let choice = SoundChoice::Builtin(sound);
                    if ui
                        .selectable_label(*current == choice, sound_name(&choice))
                        .clicked()
                    {
                        actions.push(Action::SetSound(choice));
                    }
                }
                if let SoundChoice::File(_) = current {
                    let _ = ui.selectable_label(true, sound_name(current));
                }
            });
        ui.add_space(16.0);

        let accent = metronome.voicing().accent;
        egui::ComboBox::from_label("Accent")
            .selected_text(accent_description(accent))
            .show_ui(ui, |ui| {
                let mut options = vec![Accent::None, Accent::Every(2)];
                if prefs.accent_every != 2 {
                    options.push(Accent::Every(prefs.accent_every));
                }
                if !options.contains(&accent) {
                    options.push(accent);
                }
                for option in options {
                    if ui
                        .selectable_label(accent == option, accent_description(option))
                        .clicked()
                    {
                        actions.push(Action::SetAccent(option));
                    }
                }
            });
    });
    // On a row of its own, so a long accent name cannot push it off a narrow window.
    volume_ui(ui, metronome, actions);
}

/// The volume in percent; the slider's own number field cannot go outside 0-100.
pub fn volume_ui(ui: &mut egui::Ui, metronome: &Metronome, actions: &mut Vec<Action>) {
    let mut percent = (metronome.voicing().volume * 100.0).round() as u32;
    let slider = ui.add(
        egui::Slider::new(&mut percent, 0..=100)
            .suffix(" %")
            .text("Volume"),
    );
    if slider.changed() {
        actions.push(Action::SetVolume(percent as f32 / 100.0));
    }
    // Saved once the value settles: at the end of a drag, or at once when typed or
    // set by keys.
    if slider.drag_stopped() || (slider.changed() && !slider.dragged()) {
        actions.push(Action::SaveSound);
    }
}

pub fn sound_name(choice: &SoundChoice) -> String {
    match choice {
        SoundChoice::Builtin(sound) => {
            let name = sound.name();
            let mut letters = name.chars();
            letters
                .next()
                .map(|first| first.to_uppercase().chain(letters).collect())
                .unwrap_or_default()
        }
        SoundChoice::File(path) => path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::SessionTimes;

    fn profile(feedback: FeedbackDuty) -> SessionProfile {
        SessionProfile {
            start_spm: 164,
            target_spm: 168,
            times: SessionTimes::default(),
            feedback,
        }
    }

    #[test]
    fn the_timeline_splits_the_hold_where_the_clicks_go_quiet() {
        let always = parts(&profile(FeedbackDuty::Always));
        let kinds: Vec<PartKind> = always.iter().map(|part| part.kind).collect();
        use PartKind::*;
        assert_eq!(kinds, [WarmUp, Glide, Hold, CoolDown]);
        assert_eq!(always[2].from, 420.0);
        assert_eq!(always[3].to, 1_800.0);

        // 20 min of hold, 2 min on and 1 min off: six cycles, then 2 min on.
        let cycled = parts(&profile(FeedbackDuty::Cycle {
            on_seconds: 120,
            off_seconds: 60,
        }));
        let holds: Vec<(PartKind, f64)> = cycled
            .iter()
            .filter(|part| matches!(part.kind, Hold | Quiet))
            .map(|part| (part.kind, part.to - part.from))
            .collect();
        assert_eq!(holds[0], (Hold, 120.0));
        assert_eq!(holds[1], (Quiet, 60.0));
        assert_eq!(holds.len(), 13, "{holds:?}");
        assert_eq!(holds.last(), Some(&(Hold, 120.0)));
        let total: f64 = holds.iter().map(|(_, seconds)| seconds).sum();
        assert_eq!(total, 1_200.0);
    }

    #[test]
    fn the_phase_follows_the_engines_time() {
        let profile = profile(FeedbackDuty::Always);
        assert_eq!(phase_at(&profile, 0.0), "warm-up at 164 spm");
        assert_eq!(phase_at(&profile, 301.0), "gliding to 168 spm");
        assert_eq!(phase_at(&profile, 900.0), "holding 168 spm");
        assert_eq!(phase_at(&profile, 1_700.0), "cool-down to 164 spm");
        assert_eq!(phase_at(&profile, 1_800.0), "finished");
    }

    #[test]
    fn the_pain_log_checks_each_field() {
        let mut form = AfterRunForm::new("run".into());
        assert_eq!(form.check(), None);
        assert!(form.during_error.is_some() && form.after_error.is_some());
        form.during = "2".into();
        form.after = "11".into();
        assert_eq!(form.check(), None);
        assert!(form.during_error.is_none());
        assert!(
            form.after_error
                .as_deref()
                .unwrap_or_default()
                .contains("'11'")
        );
        form.after = "3".into();
        form.note = "x".repeat(1_001);
        assert_eq!(form.check(), None);
        form.note = "windy".into();
        assert_eq!(form.check(), Some((2, 3, None)));
        // The belt: a speed alone is flat, an incline needs a speed, both in range.
        form.incline = "-3".into();
        assert_eq!(form.check(), None);
        assert!(
            form.treadmill_error
                .as_deref()
                .unwrap()
                .contains("speed too")
        );
        form.treadmill_kmh = "0.5".into();
        assert_eq!(form.check(), None);
        assert!(
            form.treadmill_error
                .as_deref()
                .unwrap()
                .contains("1 to 30 km/h")
        );
        form.treadmill_kmh = "9,5".into();
        form.incline = "-12".into();
        assert_eq!(form.check(), None);
        assert!(
            form.treadmill_error
                .as_deref()
                .unwrap()
                .contains("-10 to 40")
        );
        form.incline = String::new();
        let belt = Treadmill {
            speed_kmh: 9.5,
            incline_percent: 0.0,
        };
        assert_eq!(form.check(), Some((2, 3, Some(belt))));
        assert_eq!(form.treadmill_error, None);
    }
}

//! The Run screen: the step rate, big enough to read from a treadmill, a flash on
//! every step, Start/Stop and the rate buttons (also Space and the Up/Down keys), the
//! run's time and steps, and sound, accent and volume at hand.

use std::time::Instant;

use eframe::egui::{self, Key, Modifiers, RichText};

use super::app::{Action, Preferences};
use super::fields::{accent_description, format_elapsed};
use super::metronome::{Metronome, OutputKind};
use crate::engine::{Accent, BuiltinSound, SoundChoice};

const BUTTON_HEIGHT: f32 = 56.0;
const RATE_BUTTON_WIDTH: f32 = 120.0;
const START_BUTTON_WIDTH: f32 = 200.0;

/// Space starts and stops, Up and Down change the rate. Called before any widget is
/// drawn; a text field or a focused control keeps its keys (Esc releases the focus).
pub fn shortcuts(ui: &egui::Ui, actions: &mut Vec<Action>) {
    let ctx = ui.ctx();
    if ctx.egui_wants_keyboard_input() || ctx.memory(|memory| memory.focused().is_some()) {
        return;
    }
    ui.input_mut(|input| {
        if input.consume_key(Modifiers::NONE, Key::Space) {
            actions.push(Action::ToggleRun);
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
    prefs: &Preferences,
    actions: &mut Vec<Action>,
) {
    rate_ui(ui, metronome);
    ui.add_space(12.0);
    transport_ui(ui, metronome, actions);
    ui.add_space(8.0);
    figures_ui(ui, metronome);
    ui.add_space(8.0);
    ui.separator();
    sound_controls_ui(ui, metronome, prefs, actions);
    ui.add_space(8.0);
    ui.weak("Keys: Space starts and stops; Up and Down change the rate by 1 step per minute.");
}

/// The rate, a quarter of the window high or more, on a panel that flashes with every
/// step (in the accent colour on accented steps).
fn rate_ui(ui: &mut egui::Ui, metronome: &Metronome) {
    let window_height = ui.ctx().content_rect().height();
    // Digits are about 0.7 of the font size: this makes them a quarter of the window.
    let size = (window_height * 0.36)
        .min(ui.available_width() / 1.9)
        .max(48.0);
    let visuals = ui.visuals();
    let (fill, text) = match metronome.flash(Instant::now()) {
        Some(flash) if flash.accented => (visuals.warn_fg_color, visuals.extreme_bg_color),
        Some(_) => (visuals.selection.bg_fill, visuals.selection.stroke.color),
        None => (visuals.faint_bg_color, visuals.strong_text_color()),
    };
    egui::Frame::new()
        .fill(fill)
        .corner_radius(16)
        .inner_margin(egui::Margin::symmetric(12, 4))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical_centered(|ui| {
                ui.label(
                    // The monospace face is the heaviest built-in one: thin strokes
                    // blur when read from a treadmill.
                    RichText::new(metronome.spm().to_string())
                        .font(egui::FontId::monospace(size))
                        .color(text),
                );
                ui.label(RichText::new("steps per minute").size(20.0).color(text));
                ui.add_space(4.0);
            });
        });
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
        if ui
            .add(big("-1 spm", RATE_BUTTON_WIDTH))
            .on_hover_text("One step per minute slower (Down arrow)")
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
            .add(big("+1 spm", RATE_BUTTON_WIDTH))
            .on_hover_text("One step per minute faster (Up arrow)")
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
    if ui
        .add(
            egui::Slider::new(&mut percent, 0..=100)
                .suffix(" %")
                .text("Volume"),
        )
        .changed()
    {
        actions.push(Action::SetVolume(percent as f32 / 100.0));
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

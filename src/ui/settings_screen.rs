//! The Settings screen: output device and what it gave us, click sounds (with a
//! preview), accent, volume, and the visual offset for Bluetooth headphones. Every
//! typed value is checked as it is typed; only valid values become actions.
//!
//! Sound, accent and volume are kept in the profile (shared with the command line);
//! the device and the visual offset belong to this window's preferences.

use eframe::egui::{self, RichText};

use super::app::{Action, Preferences};
use super::fields::{error_line_ui, parse_accent_every, parse_visual_offset};
use super::metronome::{MAX_VISUAL_OFFSET_MS, Metronome, OutputKind};
use super::run_screen::{sound_name, volume_ui};
use crate::audio::{self, DeviceInfo, HostChoice};
use crate::engine::{Accent, BuiltinSound, SoundChoice};

/// What the user is typing on this screen, with the message for each field.
pub struct SettingsForm {
    /// Listed when the screen is first shown and on Refresh (listing can be slow).
    pub devices: Option<Result<Vec<DeviceInfo>, String>>,
    pub file_text: String,
    pub file_error: Option<String>,
    pub sound_error: Option<String>,
    pub every_text: String,
    pub every_error: Option<String>,
    pub offset_text: String,
    pub offset_error: Option<String>,
}

impl SettingsForm {
    pub fn new(prefs: &Preferences, sound: &SoundChoice) -> Self {
        Self {
            devices: None,
            file_text: match sound {
                SoundChoice::File(path) => path.display().to_string(),
                SoundChoice::Builtin(_) => String::new(),
            },
            file_error: None,
            sound_error: None,
            every_text: prefs.accent_every.to_string(),
            every_error: None,
            offset_text: prefs.visual_offset_ms.to_string(),
            offset_error: None,
        }
    }
}

pub fn settings_screen_ui(
    ui: &mut egui::Ui,
    form: &mut SettingsForm,
    metronome: &Metronome,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            output_section_ui(ui, form, metronome, actions);
            ui.separator();
            sound_section_ui(ui, form, metronome, actions);
            ui.separator();
            accent_section_ui(ui, form, metronome, actions);
            ui.separator();
            offset_section_ui(ui, form, actions);
        });
}

fn output_section_ui(
    ui: &mut egui::Ui,
    form: &SettingsForm,
    metronome: &Metronome,
    actions: &mut Vec<Action>,
) {
    ui.heading("Output");
    ui.horizontal_wrapped(|ui| {
        let host = metronome.host();
        egui::ComboBox::from_label("Sound system")
            .selected_text(host_label(host))
            .show_ui(ui, |ui| {
                let choices = std::iter::once(HostChoice::Auto).chain(
                    audio::available_host_ids()
                        .into_iter()
                        .map(HostChoice::Named),
                );
                for choice in choices {
                    if ui
                        .selectable_label(host == choice, host_label(choice))
                        .clicked()
                    {
                        actions.push(Action::ChooseHost(choice));
                    }
                }
            });
        let mut low = metronome.low_latency();
        if ui
            .checkbox(&mut low, "Low latency (5 ms buffer)")
            .on_hover_text(
                "Rate changes are heard sooner, but a busy computer is more likely to run \
                 dry. The 40 ms default holds with every core busy.",
            )
            .changed()
        {
            actions.push(Action::SetLowLatency(low));
        }
    });
    ui.horizontal_wrapped(|ui| {
        let current = metronome.device();
        egui::ComboBox::from_label("Output device")
            .selected_text(current.unwrap_or("System default"))
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(current.is_none(), "System default")
                    .clicked()
                {
                    actions.push(Action::ChooseDevice(None));
                }
                if let Some(Ok(devices)) = &form.devices {
                    for device in devices {
                        let label = if device.is_default {
                            format!("{} (default)", device.name)
                        } else {
                            device.name.clone()
                        };
                        if ui
                            .selectable_label(current == Some(device.name.as_str()), label)
                            .clicked()
                        {
                            actions.push(Action::ChooseDevice(Some(device.name.clone())));
                        }
                    }
                }
            });
        if ui.button("Refresh devices").clicked() {
            actions.push(Action::RefreshDevices);
        }
        if ui.button("Reopen output").clicked() {
            actions.push(Action::Retry);
        }
    });
    match &form.devices {
        Some(Err(error)) => {
            error_line_ui(ui, Some(format!("Cannot list devices: {error}").as_str()));
        }
        Some(Ok(devices)) if devices.is_empty() => {
            error_line_ui(
                ui,
                Some("No output devices found; check that your sound server is running."),
            );
        }
        _ => {}
    }

    let Some(info) = metronome.output_info() else {
        ui.label("No output is open.");
        return;
    };
    if metronome.output_kind() == Some(OutputKind::Silent) {
        ui.label("No sound card in use: a silent clock drives the flash.");
        return;
    }
    egui::Grid::new("output_info")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label("Device");
            ui.label(info.device_name.as_str());
            ui.end_row();
            ui.label("Sound system");
            ui.label(info.host.as_str());
            ui.end_row();
            ui.label("Audio thread");
            ui.label(metronome.priority().unwrap_or_else(|| "not known".into()));
            ui.end_row();
            ui.label("Format");
            ui.label(format!(
                "{} Hz, {} channel(s), {}",
                info.sample_rate, info.channels, info.sample_format
            ));
            ui.end_row();
            ui.label("Buffer asked for");
            ui.label(info.buffer_description());
            ui.end_row();
            ui.label("Buffer obtained");
            match metronome.observed() {
                Some(observed) => {
                    ui.label(format!(
                        "{} frames ({:.1} ms)",
                        observed.callback_frames,
                        f64::from(observed.callback_frames) * 1_000.0
                            / f64::from(info.sample_rate.max(1))
                    ));
                    ui.end_row();
                    ui.label("Latency");
                    ui.label(observed.latency.map_or_else(
                        || "not reported by the device".into(),
                        |latency| format!("{:.1} ms", latency.as_secs_f64() * 1_000.0),
                    ));
                }
                None => {
                    ui.label("known once the sound has played");
                }
            }
            ui.end_row();
        });
}

/// "Automatic (PipeWire, then PulseAudio, then ALSA)", "pulseaudio", ...
fn host_label(choice: HostChoice) -> String {
    match choice {
        HostChoice::Auto => "Automatic (PipeWire, then PulseAudio, then ALSA)".to_owned(),
        named => named.to_string(),
    }
}

fn sound_section_ui(
    ui: &mut egui::Ui,
    form: &mut SettingsForm,
    metronome: &Metronome,
    actions: &mut Vec<Action>,
) {
    ui.heading("Click sound and volume");
    let current = metronome.sound();
    let can_preview = !metronome.is_playing();
    let preview_hint = if can_preview {
        "Play two clicks of this sound"
    } else {
        "Stop the run to preview; the clicks you hear are the chosen sound"
    };
    egui::Grid::new("builtin_sounds")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for sound in BuiltinSound::ALL {
                let choice = SoundChoice::Builtin(sound);
                if ui.radio(*current == choice, sound_name(&choice)).clicked() {
                    actions.push(Action::SetSound(choice.clone()));
                }
                if ui
                    .add_enabled(can_preview, egui::Button::new("Preview"))
                    .on_hover_text(preview_hint)
                    .on_disabled_hover_text(preview_hint)
                    .accessible_name(format!("Preview {}", sound.name()))
                    .clicked()
                {
                    actions.push(Action::Preview(choice));
                }
                ui.end_row();
            }
        });
    error_line_ui(ui, form.sound_error.as_deref());

    ui.add_space(6.0);
    let label = ui.label("Custom sound file");
    ui.horizontal_wrapped(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut form.file_text)
                .hint_text("path to a WAV, FLAC, OGG or MP3 file")
                .desired_width(320.0),
        )
        .labelled_by(label.id);
        if ui.button("Use this file").clicked() {
            actions.push(Action::UseSoundFile(form.file_text.clone()));
        }
        if let SoundChoice::File(path) = current
            && ui
                .add_enabled(can_preview, egui::Button::new("Preview"))
                .on_disabled_hover_text(preview_hint)
                .accessible_name("Preview custom sound")
                .clicked()
        {
            actions.push(Action::Preview(SoundChoice::File(path.clone())));
        }
    });
    error_line_ui(ui, form.file_error.as_deref());
    if let SoundChoice::File(path) = current {
        ui.weak(format!("Playing your file: {}", path.display()));
    }
    ui.add_space(6.0);
    volume_ui(ui, metronome, actions);
}

fn accent_section_ui(
    ui: &mut egui::Ui,
    form: &mut SettingsForm,
    metronome: &Metronome,
    actions: &mut Vec<Action>,
) {
    ui.heading("Accent");
    let accent = metronome.voicing().accent;
    if ui.radio(accent == Accent::None, "No accent").clicked() {
        actions.push(Action::SetAccent(Accent::None));
    }
    if ui
        .radio(accent == Accent::Every(2), "One foot (every 2nd step)")
        .clicked()
    {
        actions.push(Action::SetAccent(Accent::Every(2)));
    }
    ui.horizontal(|ui| {
        let every_n = matches!(accent, Accent::Every(n) if n != 2);
        let parsed = parse_accent_every(&form.every_text);
        if ui.radio(every_n, "Every").clicked() {
            match &parsed {
                Ok(n) => actions.push(Action::SetAccent(Accent::Every(*n))),
                Err(error) => form.every_error = Some(error.clone()),
            }
        }
        let field = ui
            .add(egui::TextEdit::singleline(&mut form.every_text).desired_width(40.0))
            .accessible_name("Accent every how many steps");
        ui.label("steps");
        if field.changed() {
            match parse_accent_every(&form.every_text) {
                Ok(n) => {
                    form.every_error = None;
                    actions.push(Action::SetAccentEvery(n));
                }
                Err(error) => form.every_error = Some(error),
            }
        }
    });
    error_line_ui(ui, form.every_error.as_deref());
}

fn offset_section_ui(ui: &mut egui::Ui, form: &mut SettingsForm, actions: &mut Vec<Action>) {
    ui.heading("Flash timing");
    let label = ui.label("Visual offset (ms)");
    let field = ui
        .add(egui::TextEdit::singleline(&mut form.offset_text).desired_width(80.0))
        .labelled_by(label.id);
    if field.changed() {
        match parse_visual_offset(&form.offset_text) {
            Ok(ms) => {
                form.offset_error = None;
                actions.push(Action::SetVisualOffset(ms));
            }
            Err(error) => form.offset_error = Some(error),
        }
    }
    error_line_ui(ui, form.offset_error.as_deref());
    ui.label(
        RichText::new(format!(
            "Moves the flash against the click, from -{MAX_VISUAL_OFFSET_MS} to \
             {MAX_VISUAL_OFFSET_MS} ms. Bluetooth headphones play late: if the flash comes \
             before the click you hear, try a negative value such as -200. A positive value \
             shows the flash earlier."
        ))
        .weak(),
    );
}

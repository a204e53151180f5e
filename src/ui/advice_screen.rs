//! "About the advice": every rule the app applies, its number from the thresholds and
//! the sentence of the guidance it comes from, with the red flags first.

use eframe::egui::{self, RichText};

use crate::coach::advice;

pub fn advice_screen_ui(ui: &mut egui::Ui) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading("About the advice");
            ui.label(
                "Every rule Cadence Coach applies, its number, and the guidance it comes \
                 from. The app gives no risk scores and no diagnosis.",
            );
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                for flag in advice::red_flag_lines() {
                    ui.colored_label(ui.visuals().warn_fg_color, RichText::new(flag).strong());
                }
            });
            ui.add_space(6.0);
            for line in advice::lines() {
                let (rule, sentence) = line
                    .source
                    .map_or(("(no rule written)", "(no source)"), |s| {
                        (s.rule, s.sentence)
                    });
                ui.label(RichText::new(format!("{} = {}", line.field, line.value)).strong());
                ui.label(rule);
                ui.weak(format!("\u{201c}{sentence}\u{201d}"));
                ui.add_space(4.0);
            }
        });
}

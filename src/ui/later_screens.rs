//! Baseline, Plan and History: reachable already, built once the coach model and the
//! store exist.

use eframe::egui;

use super::app::Screen;

pub fn later_screen_ui(ui: &mut egui::Ui, screen: Screen) {
    ui.heading(screen.title());
    ui.add_space(8.0);
    let what = match screen {
        Screen::Baseline => "measuring your natural step rate",
        Screen::Plan => "planning the weeks from your baseline to your target",
        Screen::History => "your past sessions",
        Screen::Run | Screen::Settings => return,
    };
    ui.label(format!(
        "This screen is not built yet. It will be for {what}."
    ));
}

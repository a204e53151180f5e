//! The History screen: charts of the step rate, the pain and the weekly minutes (spikes
//! marked and explained), a measured run minute by minute, the runs newest first, watch
//! files in and a CSV export to a chosen file.

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};
use egui_plot::{
    Bar, BarChart, Corner, Legend, Line, MarkerShape, Plot, PlotPoints, Points, uniform_grid_spacer,
};
use time::Date;

use super::app::Action;
use super::fields::{error_line_ui, parse_export_path, short_date};
use super::import_panel::{ImportForm, dropped_files_ui, import_ui, minutes_chart_ui};
use super::records::Today;
use crate::coach::SessionRecord;
use crate::coach::history::{measured_text, morning_text};
use crate::store::atomic::write_atomically;

const CHART_HEIGHT: f32 = 180.0;
const CSV_NAME: &str = "cadence-coach-history.csv";

pub struct HistoryForm {
    pub path: String,
    pub path_error: Option<String>,
    pub outcome: Option<Result<String, String>>,
    /// Watch files in, and the chart of a measured run.
    pub import: ImportForm,
}

impl HistoryForm {
    /// The export goes to the documents folder by default (else home, else the data
    /// folder).
    pub fn new(data_dir: &Path) -> Self {
        let folder = directories::UserDirs::new()
            .and_then(|dirs| {
                dirs.document_dir()
                    .filter(|dir| dir.is_dir())
                    .map(Path::to_path_buf)
                    .or_else(|| Some(dirs.home_dir().to_path_buf()))
            })
            .unwrap_or_else(|| data_dir.to_path_buf());
        Self {
            path: folder.join(CSV_NAME).display().to_string(),
            path_error: None,
            outcome: None,
            import: ImportForm::default(),
        }
    }
}

/// Writes the CSV of `records` to the path typed; the sentence says what happened.
pub fn export_csv(form: &mut HistoryForm, records: &[SessionRecord]) {
    let path: PathBuf = match parse_export_path(&form.path) {
        Ok(path) => path,
        Err(error) => {
            form.path_error = Some(error);
            form.outcome = None;
            return;
        }
    };
    form.path_error = None;
    let csv = crate::coach::history::to_csv(records);
    form.outcome = Some(match write_atomically(&path, csv.as_bytes()) {
        Ok(()) => Ok(format!(
            "Saved {} run{} to {}.",
            records.len(),
            if records.len() == 1 { "" } else { "s" },
            path.display()
        )),
        Err(error) => Err(format!("Could not write {}: {error}.", path.display())),
    });
}

pub fn history_screen_ui(
    ui: &mut egui::Ui,
    form: &mut HistoryForm,
    sessions: &[SessionRecord],
    today: &Today,
    actions: &mut Vec<Action>,
) {
    dropped_files_ui(ui, actions);
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading("Your runs");
            if sessions.is_empty() {
                ui.label("No runs yet: every run you start on the Run screen is kept here.");
            } else {
                rate_chart_ui(ui, sessions);
                minutes_chart_ui(ui, &mut form.import, sessions);
                pain_chart_ui(ui, sessions);
                weekly_chart_ui(ui, today);
                ui.separator();
                runs_ui(ui, sessions);
            }
            ui.separator();
            import_ui(ui, &mut form.import, actions);
            ui.separator();
            export_ui(ui, form, sessions.len(), actions);
        });
}

/// A run's place on the time axis: days (Julian day number), with the time of day.
fn day_x(run: &SessionRecord) -> f64 {
    let at = run.started_at;
    f64::from(at.date().to_julian_day()) + f64::from(at.time().hour()) / 24.0
}

fn date_axis(x: f64) -> String {
    let day = x.round();
    if (x - day).abs() > 0.01 {
        return String::new();
    }
    Date::from_julian_day(day as i32).map_or_else(|_| String::new(), short_date)
}

/// A chart over days; `y_steps` are the (fine, middle, labelled) steps of its y grid.
fn plot(id: &str, legend: Corner, y_steps: [f64; 3]) -> Plot<'static> {
    Plot::new(id)
        .height(CHART_HEIGHT)
        .legend(Legend::default().position(legend))
        // Days, weeks (Julian day numbers divisible by 7 are Mondays) and four weeks.
        .x_grid_spacer(uniform_grid_spacer(|_| [1.0, 7.0, 28.0]))
        .y_grid_spacer(uniform_grid_spacer(move |_| y_steps))
        // The page scrolls; the charts stay put.
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .x_axis_formatter(|mark, _range| date_axis(mark.value))
        .set_margin_fraction(egui::vec2(0.05, 0.1))
}

fn rate_chart_ui(ui: &mut egui::Ui, sessions: &[SessionRecord]) {
    ui.label(RichText::new("Step rate: target, played and measured (spm)").strong());
    let target: Vec<[f64; 2]> = sessions
        .iter()
        .map(|run| [day_x(run), run.played.target_spm])
        .collect();
    let played: Vec<[f64; 2]> = sessions
        .iter()
        .filter_map(|run| run.average_spm().map(|spm| [day_x(run), spm]))
        .collect();
    let measured: Vec<[f64; 2]> = sessions
        .iter()
        .filter_map(|run| run.measured.as_ref().map(|m| [day_x(run), m.median_spm]))
        .collect();
    let colours = chart_colours(ui);
    plot("rate_chart", Corner::LeftTop, [1.0, 5.0, 10.0]).show(ui, |plot| {
        if !measured.is_empty() {
            plot.line(
                Line::new("Measured (median)", PlotPoints::new(measured.clone())).color(colours[3]),
            );
            plot.points(
                Points::new("Measured (median)", PlotPoints::new(measured))
                    .color(colours[3])
                    .shape(MarkerShape::Diamond)
                    .radius(3.5),
            );
        }
        plot.line(Line::new("Target", PlotPoints::new(target.clone())).color(colours[0]));
        plot.points(
            Points::new("Target", PlotPoints::new(target))
                .color(colours[0])
                .radius(3.0),
        );
        plot.line(Line::new("Played (average)", PlotPoints::new(played.clone())).color(colours[1]));
        plot.points(
            Points::new("Played (average)", PlotPoints::new(played))
                .color(colours[1])
                .shape(MarkerShape::Square)
                .radius(3.0),
        );
    });
}

fn pain_chart_ui(ui: &mut egui::Ui, sessions: &[SessionRecord]) {
    ui.label(RichText::new("Knee pain during and after (0-10)").strong());
    let during: Vec<[f64; 2]> = sessions
        .iter()
        .map(|run| [day_x(run), f64::from(run.pain.during)])
        .collect();
    let after: Vec<[f64; 2]> = sessions
        .iter()
        .map(|run| [day_x(run), f64::from(run.pain.after)])
        .collect();
    let colours = chart_colours(ui);
    plot("pain_chart", Corner::RightTop, [1.0, 5.0, 10.0])
        .include_y(0.0)
        .include_y(10.0)
        .show(ui, |plot| {
            plot.line(Line::new("During", PlotPoints::new(during.clone())).color(colours[2]));
            plot.points(
                Points::new("During", PlotPoints::new(during))
                    .color(colours[2])
                    .radius(3.0),
            );
            plot.line(Line::new("After", PlotPoints::new(after.clone())).color(colours[3]));
            plot.points(
                Points::new("After", PlotPoints::new(after))
                    .color(colours[3])
                    .shape(MarkerShape::Diamond)
                    .radius(3.5),
            );
        });
}

fn weekly_chart_ui(ui: &mut egui::Ui, today: &Today) {
    ui.label(RichText::new("Minutes run each week (Monday to Sunday)").strong());
    let workload = &today.history;
    let colours = chart_colours(ui);
    let mut normal = Vec::new();
    let mut spiked = Vec::new();
    for load in &workload.weeks {
        // Centred on the week's Thursday.
        let x = f64::from(load.monday.to_julian_day()) + 3.0;
        let bar = Bar::new(x, load.minutes).width(5.0).name(format!(
            "{} ({})",
            load.week,
            short_date(load.monday)
        ));
        if workload.warning_for(load).is_some() {
            spiked.push(bar);
        } else {
            normal.push(bar);
        }
    }
    let most = workload
        .weeks
        .iter()
        .map(|load| load.minutes)
        .fold(0.0, f64::max);
    plot("weekly_chart", Corner::RightTop, [10.0, 30.0, 60.0])
        .include_y(0.0)
        // Room above the bars for the legend.
        .include_y(most * 1.5)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("Minutes", normal).color(colours[0]));
            if !spiked.is_empty() {
                plot.bar_chart(
                    BarChart::new("More than 10% above the week before", spiked)
                        .color(ui_warn(colours)),
                );
            }
        });
    for warning in &workload.warnings {
        ui.colored_label(ui.visuals().warn_fg_color, warning.to_string());
    }
    if let Some(warning) = &today.workload {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("This week so far: {warning}"),
        );
    }
}

/// Target/played, during/after, and a warning colour, readable on both themes.
fn chart_colours(ui: &egui::Ui) -> [egui::Color32; 5] {
    let dark = ui.visuals().dark_mode;
    let pick = |light: (u8, u8, u8), dark_rgb: (u8, u8, u8)| {
        let (r, g, b) = if dark { dark_rgb } else { light };
        egui::Color32::from_rgb(r, g, b)
    };
    [
        pick((40, 90, 200), (110, 160, 255)),
        pick((20, 140, 80), (90, 210, 140)),
        pick((200, 80, 30), (255, 150, 90)),
        pick((140, 40, 160), (210, 130, 230)),
        pick((210, 40, 40), (255, 90, 90)),
    ]
}

fn ui_warn(colours: [egui::Color32; 5]) -> egui::Color32 {
    colours[4]
}

fn runs_ui(ui: &mut egui::Ui, sessions: &[SessionRecord]) {
    ui.heading(format!("Every run ({})", sessions.len()));
    egui::ScrollArea::horizontal()
        .id_salt("runs_scroll")
        .show(ui, |ui| {
            egui::Grid::new("runs")
                .num_columns(8)
                .striped(true)
                .spacing([14.0, 4.0])
                .show(ui, |ui| {
                    for title in [
                        "Date", "Minutes", "Target", "Average", "Measured", "Pain", "Morning",
                        "Note",
                    ] {
                        ui.label(RichText::new(title).strong());
                    }
                    ui.end_row();
                    for run in sessions.iter().rev() {
                        let at = run.started_at;
                        ui.label(format!(
                            "{} {} {:02}:{:02}",
                            at.weekday().to_string().get(..3).unwrap_or_default(),
                            short_date(at.date()),
                            at.hour(),
                            at.minute()
                        ));
                        ui.label(format!("{:.1}", run.played_minutes()));
                        ui.label(format!("{:.0}", run.played.target_spm));
                        ui.label(
                            run.average_spm()
                                .map_or_else(|| "-".into(), |spm| format!("{spm:.0}")),
                        );
                        ui.label(measured_text(run));
                        let mut pain = format!("{}/{}", run.pain.during, run.pain.after);
                        if run.limp {
                            pain.push_str(" limp");
                        }
                        if run.swelling {
                            pain.push_str(" swollen");
                        }
                        ui.label(pain);
                        ui.label(run.morning.map_or_else(
                            || "-".to_string(),
                            |check| {
                                let mut text = morning_text(check.symptoms).to_string();
                                if check.swelling {
                                    text.push_str(", swollen");
                                }
                                text
                            },
                        ));
                        ui.label(run.note.replace(['\n', '\r'], " "));
                        ui.end_row();
                    }
                });
        });
}

fn export_ui(ui: &mut egui::Ui, form: &mut HistoryForm, runs: usize, actions: &mut Vec<Action>) {
    ui.heading("Export");
    ui.label(format!(
        "All {runs} runs as a CSV file, oldest first, for a spreadsheet or your physiotherapist."
    ));
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Save the CSV as");
        let field = ui
            .add(egui::TextEdit::singleline(&mut form.path).desired_width(380.0))
            .labelled_by(label.id);
        if field.changed() {
            form.outcome = None;
            form.path_error = parse_export_path(&form.path).err();
        }
        if ui.button("Export CSV").clicked() {
            actions.push(Action::ExportCsv);
        }
    });
    error_line_ui(ui, form.path_error.as_deref());
    match &form.outcome {
        Some(Ok(message)) => {
            ui.label(message);
        }
        Some(Err(error)) => error_line_ui(ui, Some(error)),
        None => {}
    }
}

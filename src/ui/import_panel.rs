//! On the History screen: importing watch files (dropped on the window, or a path typed)
//! and the chart of one measured run, minute by minute, against its target.

use std::path::PathBuf;

use eframe::egui::{self, RichText};
use egui_plot::{Legend, Line, Plot, PlotPoints, Polygon};
use time::UtcOffset;

use super::app::Action;
use super::fields::{error_line_ui, short_date};
use super::records::Data;
use crate::coach::imported::{Placement, logged_run, place};
use crate::coach::{SessionRecord, Thresholds};
use crate::import::{self, Options};

const CHART_HEIGHT: f32 = 180.0;

#[derive(Default)]
pub struct ImportForm {
    /// The path field.
    pub path: String,
    /// One line per file or run: what was done, or what was wrong.
    pub outcome: Vec<Result<String, String>>,
    /// The run whose minutes are charted (an id); the newest measured run if `None`.
    pub selected: Option<String>,
}

/// Files dropped on the window this frame, as import actions.
pub fn dropped_files_ui(ui: &egui::Ui, actions: &mut Vec<Action>) {
    let paths: Vec<PathBuf> = ui.input(|input| {
        input
            .raw
            .dropped_files
            .iter()
            .map(|file| file.path().to_path_buf())
            .collect()
    });
    if !paths.is_empty() {
        actions.push(Action::ImportRuns(paths));
    }
}

/// Imports `paths` into the runner's data: attached to the run recorded at the same
/// time, or logged as new runs whose pain is still to be given. `offset` is the
/// runner's time zone.
pub fn import_runs(form: &mut ImportForm, data: &mut Data, paths: &[PathBuf], offset: UtcOffset) {
    form.outcome.clear();
    for path in paths {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let imported = match import::import_file(path, Options::default()) {
            Ok(imported) => imported,
            Err(error) => {
                form.outcome.push(Err(format!("{name}: {error}.")));
                continue;
            }
        };
        for leg in imported.legs {
            let Some(measured) = leg.measurement else {
                form.outcome.push(Ok(format!(
                    "{name}: {} skipped ({}).",
                    leg.sport,
                    leg.sport.why_skipped()
                )));
                continue;
            };
            let summary = format!(
                "{name}: {} run, {:.0} min moving, median {:.0} spm",
                short_date(measured.started_at.to_offset(offset).date()),
                measured.moving_minutes(),
                measured.median_spm
            );
            let id = match place(&data.sessions, &measured) {
                Placement::Already { id } => {
                    form.outcome
                        .push(Ok(format!("{summary}: already in your history.")));
                    form.selected = Some(id);
                    continue;
                }
                Placement::Attach { id } => {
                    let Some(mut run) = data.sessions.iter().find(|r| r.id == id).cloned() else {
                        continue;
                    };
                    run.measured = Some(measured);
                    data.save_session(&run)
                        .map(|()| format!("{summary}: added to the run you recorded."))
                        .map(|text| (text, id))
                }
                Placement::New => {
                    let run = logged_run(measured, offset);
                    data.begin_session(&run)
                        .map(|()| {
                            (
                                format!(
                                    "{summary}: added as a new run. Its knee pain is still \
                                     to be given: the plan holds until it is."
                                ),
                                run.id.clone(),
                            )
                        })
                        .map_err(|error| format!("The run was not saved: {error}."))
                }
            };
            match id {
                Ok((text, id)) => {
                    form.outcome.push(Ok(text));
                    form.selected = Some(id);
                }
                Err(error) => form.outcome.push(Err(format!("{name}: {error}"))),
            }
        }
    }
}

pub fn import_ui(ui: &mut egui::Ui, form: &mut ImportForm, actions: &mut Vec<Action>) {
    ui.heading("Import from your watch");
    ui.label(
        "Drop .fit, .tcx or .gpx files on the window, or type a file's path, to see the \
         step rate you really ran.",
    );
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Watch file");
        ui.add(egui::TextEdit::singleline(&mut form.path).desired_width(380.0))
            .labelled_by(label.id);
        let path = form.path.trim();
        if ui
            .add_enabled(!path.is_empty(), egui::Button::new("Import"))
            .clicked()
        {
            actions.push(Action::ImportRuns(vec![PathBuf::from(path)]));
        }
    });
    for line in &form.outcome {
        match line {
            Ok(text) => {
                ui.label(text);
            }
            Err(error) => error_line_ui(ui, Some(error)),
        }
    }
}

/// The selected (or newest) measured run, minute by minute, with its target band.
pub fn minutes_chart_ui(ui: &mut egui::Ui, form: &mut ImportForm, sessions: &[SessionRecord]) {
    let measured: Vec<&SessionRecord> = sessions
        .iter()
        .rev()
        .filter(|run| run.measured.is_some())
        .collect();
    let Some(first) = measured.first() else {
        return;
    };
    let selected = form
        .selected
        .as_ref()
        .and_then(|id| measured.iter().find(|run| &run.id == id))
        .unwrap_or(first);
    let title = |run: &SessionRecord| {
        let at = run.started_at;
        format!(
            "{} {:02}:{:02}",
            short_date(at.date()),
            at.hour(),
            at.minute()
        )
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new("Measured step rate, minute by minute").strong());
        egui::ComboBox::from_label("Run shown")
            .selected_text(title(selected))
            .show_ui(ui, |ui| {
                for run in &measured {
                    if ui
                        .selectable_label(run.id == selected.id, title(run))
                        .clicked()
                    {
                        form.selected = Some(run.id.clone());
                    }
                }
            });
    });
    let Some(m) = &selected.measured else {
        return;
    };
    let target = selected.played.target_spm;
    let floor = target - Thresholds::GUIDANCE.at_target_margin_spm;
    let points: Vec<[f64; 2]> = m
        .minutes
        .iter()
        .enumerate()
        .filter(|(_, minute)| minute.moving_seconds > 0.0)
        .map(|(index, minute)| [index as f64 + 0.5, f64::from(minute.spm)])
        .collect();
    let end = m.minutes.len() as f64;
    let band = vec![[0.0, floor], [end, floor], [end, target], [0.0, target]];
    ui.label(format!(
        "At the target for {:.0} of {:.0} minutes (at least {floor:.0} spm while moving; \
         {:.0} min stopped left out).",
        m.minutes_at_or_above(floor).floor(),
        m.moving_minutes().round(),
        (m.elapsed_minutes() - m.moving_minutes()).max(0.0)
    ));
    let fill = ui.visuals().selection.bg_fill.gamma_multiply(0.35);
    Plot::new("minutes_chart")
        .height(CHART_HEIGHT)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_y(floor - 10.0)
        .include_y(target + 10.0)
        .x_axis_label("minute")
        .show(ui, |plot| {
            plot.polygon(
                Polygon::new(format!("Target ({target:.0} spm)"), PlotPoints::new(band))
                    .fill_color(fill),
            );
            plot.line(Line::new("Measured", PlotPoints::new(points)));
        });
}

//! The Plan screen: create or edit the plan (every field checked as it is typed), the
//! weeks as a table with this week highlighted, the decisions the pain log led to and
//! why, the morning check-in when one is due, and the clinician's clearance after
//! swelling stopped progression.

use eframe::egui::{self, RichText};
use time::Date;

use super::app::Action;
use super::fields::{
    error_line_ui, iso, long_date, parse_baseline, parse_date, parse_increase, parse_runs_per_week,
    parse_weeks, sentence, short_date,
};
use super::phone_export::{PhoneExport, phone_export_ui};
use super::records::Today;
use crate::coach::progression::Action as Decided;
use crate::coach::{
    Baseline, Increase, Morning, Plan, Profile, SessionRecord, SoundSettings, TodayKind, WeekRow,
    WeekStatus,
};

/// Plans most runners are given: six weeks, three runs a week.
const DEFAULT_WEEKS: u8 = 6;
const DEFAULT_RUNS: u8 = 3;

/// The plan's fields as typed, each with its message.
pub struct PlanForm {
    /// Shown instead of the summary (always when there is no plan).
    pub editing: bool,
    pub baseline: String,
    pub increase: String,
    pub weeks: String,
    pub runs: String,
    pub start: String,
    pub errors: PlanErrors,
    /// The outcome of Save.
    pub outcome: Option<Result<String, String>>,
}

#[derive(Default)]
pub struct PlanErrors {
    pub baseline: Option<String>,
    pub increase: Option<String>,
    pub weeks: Option<String>,
    pub runs: Option<String>,
    pub start: Option<String>,
}

impl PlanForm {
    pub fn new(profile: &Profile, plan: Option<&Plan>, today: Date) -> Self {
        let mut form = Self {
            editing: false,
            baseline: String::new(),
            increase: String::new(),
            weeks: String::new(),
            runs: String::new(),
            start: String::new(),
            errors: PlanErrors::default(),
            outcome: None,
        };
        form.fill(profile, plan, today);
        form
    }

    /// From the plan if there is one, else from the profile with the usual lengths.
    pub fn fill(&mut self, profile: &Profile, plan: Option<&Plan>, today: Date) {
        match plan {
            Some(plan) => {
                self.baseline = plan.baseline.spm.to_string();
                self.increase = plan.increase.percent().to_string();
                self.weeks = plan.weeks().to_string();
                self.runs = plan.runs_per_week.to_string();
                self.start = iso(plan.start);
            }
            None => {
                self.baseline = profile
                    .baseline
                    .as_ref()
                    .map_or_else(String::new, |baseline| baseline.spm.to_string());
                self.increase = profile.increase.percent().to_string();
                self.weeks = DEFAULT_WEEKS.to_string();
                self.runs = DEFAULT_RUNS.to_string();
                self.start = iso(today);
            }
        }
        self.errors = PlanErrors::default();
    }

    /// Checks every field (showing each message) and builds the plan. The profile's
    /// baseline is kept as measured when its rate was not changed.
    pub fn build(&mut self, profile: &Profile) -> Option<Plan> {
        let baseline = parse_baseline(&self.baseline).map(|typed| match &profile.baseline {
            Some(saved) if saved.spm == typed.spm => saved.clone(),
            _ => typed,
        });
        let increase = parse_increase(&self.increase);
        let weeks = parse_weeks(&self.weeks);
        let runs = parse_runs_per_week(&self.runs);
        let start = parse_date(&self.start);
        self.errors = PlanErrors {
            baseline: baseline.as_ref().err().cloned(),
            increase: increase.as_ref().err().cloned(),
            weeks: weeks.as_ref().err().cloned(),
            runs: runs.as_ref().err().cloned(),
            start: start.as_ref().err().cloned(),
        };
        let (Ok(baseline), Ok(increase), Ok(weeks), Ok(runs), Ok(start)) =
            (baseline, increase, weeks, runs, start)
        else {
            self.outcome = Some(Err("Correct the fields marked above first.".into()));
            return None;
        };
        match Plan::new(baseline, increase, weeks, runs, start) {
            Ok(plan) => Some(plan),
            Err(error) => {
                self.outcome = Some(Err(sentence(error)));
                None
            }
        }
    }
}

/// The morning after a run: how the knee feels.
#[derive(Default)]
pub struct MorningForm {
    pub symptoms: Option<Morning>,
    pub swelling: bool,
    pub outcome: Option<Result<String, String>>,
}

/// After swelling: a clinician cleared the knee.
#[derive(Default)]
pub struct ClearanceForm {
    pub note: String,
    pub error: Option<String>,
}

pub struct PlanScreen<'a> {
    pub form: &'a mut PlanForm,
    pub morning: &'a mut MorningForm,
    pub clearance: &'a mut ClearanceForm,
    pub plan: Option<&'a Plan>,
    pub today: &'a Today,
    pub sessions: &'a [SessionRecord],
    pub phone: &'a mut PhoneExport,
    /// The click the runner chose, for the phone files.
    pub sound: &'a SoundSettings,
}

pub fn plan_screen_ui(ui: &mut egui::Ui, screen: PlanScreen<'_>, actions: &mut Vec<Action>) {
    let PlanScreen {
        form,
        morning,
        clearance,
        plan,
        today,
        sessions,
        phone,
        sound,
    } = screen;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading("Your plan");
            if let Some(index) = today.morning_due
                && let Some(run) = sessions.get(index)
            {
                morning_ui(ui, morning, run, today.date, actions);
                ui.separator();
            } else if let Some(Ok(message)) = &morning.outcome {
                ui.label(message);
            }
            match plan {
                Some(plan) if !form.editing => {
                    summary_ui(ui, plan, today, form, actions);
                    if today
                        .progress
                        .as_ref()
                        .is_some_and(|progress| progress.stopped.is_some())
                    {
                        clearance_ui(ui, clearance, actions);
                    }
                    ui.separator();
                    weeks_ui(ui, today);
                    ui.separator();
                    decisions_ui(ui, today);
                    ui.separator();
                    phone_export_ui(ui, phone, plan, today.session.as_ref(), sound);
                }
                _ => form_ui(ui, form, plan.is_some(), actions),
            }
        });
}

fn summary_ui(
    ui: &mut egui::Ui,
    plan: &Plan,
    today: &Today,
    form: &PlanForm,
    actions: &mut Vec<Action>,
) {
    let final_target = plan.final_target();
    ui.label(format!(
        "From your natural {} spm to {} over {} weeks, {} run{} a week, from {}.",
        plan.baseline.spm,
        final_target,
        plan.weeks(),
        plan.runs_per_week,
        if plan.runs_per_week == 1 { "" } else { "s" },
        long_date(plan.start)
    ));
    if let Some(session) = &today.session {
        let text = RichText::new(format!("Today: {}", session.message)).strong();
        match session.kind {
            TodayKind::Stopped => ui.colored_label(ui.visuals().warn_fg_color, text),
            _ => ui.label(text),
        };
        if !session.adjustments.is_empty() {
            let list: Vec<String> = session
                .adjustments
                .iter()
                .map(ToString::to_string)
                .collect();
            ui.label(format!(
                "After the step back, until you move up again: {}.",
                list.join(", ")
            ));
        }
        if let Some(trend) = &session.trend {
            ui.label(trend.to_string());
        }
    }
    ui.horizontal(|ui| {
        if ui.button("Edit plan").clicked() {
            actions.push(Action::EditPlan);
        }
        if let Some(Ok(message)) = &form.outcome {
            ui.label(message);
        }
    });
}

/// One row per plan week; this week's row is highlighted. The last column holds the
/// status and the reason, wrapped in the width that is left.
fn weeks_ui(ui: &mut egui::Ui, today: &Today) {
    ui.heading("Week by week");
    let Some(progress) = &today.progress else {
        return;
    };
    let rows = &progress.weeks;
    let current = rows
        .iter()
        .position(|row| row.first_day <= today.date && today.date <= row.last_day);
    let highlight = ui.visuals().selection.bg_fill.gamma_multiply(0.45);
    egui::Grid::new("weeks")
        .num_columns(4)
        .striped(true)
        .spacing([14.0, 8.0])
        // The header is row 0.
        .with_row_color(move |row, _style| {
            (Some(row) == current.map(|index| index + 1)).then_some(highlight)
        })
        .show(ui, |ui| {
            for title in ["Week", "Dates", "Target and clicks", "Status and why"] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for (index, row) in rows.iter().enumerate() {
                week_row_ui(ui, row, Some(index) == current);
                ui.end_row();
            }
        });
}

fn week_row_ui(ui: &mut egui::Ui, row: &WeekRow, is_current: bool) {
    let week = if is_current {
        RichText::new(format!("{} (now)", row.week)).strong()
    } else {
        RichText::new(row.week.to_string())
    };
    ui.label(week);
    ui.label(format!(
        "{}-{}",
        short_date(row.first_day),
        short_date(row.last_day)
    ));
    ui.vertical(|ui| {
        ui.label(row.target.to_string());
        ui.label(RichText::new(row.feedback.to_string()).small().weak());
    });
    let status = if row.runs > 0 {
        format!(
            "{} ({} run{})",
            row.status,
            row.runs,
            if row.runs == 1 { "" } else { "s" }
        )
    } else {
        row.status.to_string()
    };
    let colour = match row.status {
        WeekStatus::SteppedBack | WeekStatus::Stopped | WeekStatus::Held => {
            ui.visuals().warn_fg_color
        }
        _ => ui.visuals().strong_text_color(),
    };
    let mut reason = sentence(&row.reason);
    if let Some(trend) = row.trend {
        reason.push_str(&format!(" Pain trend: {trend}."));
    }
    ui.vertical(|ui| {
        ui.label(RichText::new(status).color(colour));
        ui.add(egui::Label::new(RichText::new(reason).small()).wrap());
    });
}

fn decisions_ui(ui: &mut egui::Ui, today: &Today) {
    ui.heading("Decisions");
    let Some(progress) = &today.progress else {
        return;
    };
    if progress.decisions.is_empty() {
        ui.weak(
            "None yet: a step is judged the day after its last run, from the pain you log \
             after each run and the next morning.",
        );
        return;
    }
    for decision in progress.decisions.iter().rev() {
        let (word, colour) = match decision.action {
            Decided::Progress => ("Moved up", None),
            Decided::Hold => ("Held", Some(ui.visuals().warn_fg_color)),
            Decided::StepBack => ("Stepped back", Some(ui.visuals().warn_fg_color)),
            Decided::Stop => ("Stopped", Some(ui.visuals().error_fg_color)),
            Decided::Resume => ("Resumed", None),
            Decided::Complete => ("Completed", None),
        };
        ui.horizontal_wrapped(|ui| {
            let head = RichText::new(format!("{}, {word}:", long_date(decision.date))).strong();
            match colour {
                Some(colour) => ui.label(head.color(colour)),
                None => ui.label(head),
            };
            ui.label(decision.message());
        });
    }
}

pub(super) fn morning_ui(
    ui: &mut egui::Ui,
    form: &mut MorningForm,
    run: &SessionRecord,
    today: Date,
    actions: &mut Vec<Action>,
) {
    let day = if today.previous_day() == Some(run.date()) {
        "yesterday".to_string()
    } else {
        long_date(run.date())
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.heading("Morning check");
        ui.label(format!(
            "How does the knee feel this morning, after {day}'s run, compared with your usual?"
        ));
        ui.horizontal_wrapped(|ui| {
            for (symptoms, text) in [
                (Morning::Worse, "Worse"),
                (Morning::Same, "Same"),
                (Morning::Better, "Better"),
            ] {
                if ui.radio(form.symptoms == Some(symptoms), text).clicked() {
                    form.symptoms = Some(symptoms);
                }
            }
        });
        ui.checkbox(&mut form.swelling, "Visible swelling around the knee");
        let ready = form.symptoms.is_some();
        if ui
            .add_enabled(ready, egui::Button::new("Save morning check"))
            .on_disabled_hover_text("Choose worse, same or better first")
            .clicked()
        {
            actions.push(Action::SaveMorning);
        }
        if let Some(Err(error)) = &form.outcome {
            error_line_ui(ui, Some(error));
        }
    });
}

fn clearance_ui(ui: &mut egui::Ui, form: &mut ClearanceForm, actions: &mut Vec<Action>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(
            "Progression waits until a physiotherapist or sports physician has seen the knee. \
             Once they have cleared it, note it here and the plan resumes from today.",
        );
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Who cleared it, and their advice (optional)");
            ui.add(egui::TextEdit::singleline(&mut form.note).desired_width(260.0))
                .labelled_by(label.id);
        });
        if ui.button("A clinician cleared my knee").clicked() {
            actions.push(Action::AddClearance);
        }
        error_line_ui(ui, form.error.as_deref());
    });
}

pub(super) fn form_ui(
    ui: &mut egui::Ui,
    form: &mut PlanForm,
    has_plan: bool,
    actions: &mut Vec<Action>,
) {
    ui.label(if has_plan {
        "Change the plan: its weeks are built again; your runs and their pain log stay."
    } else {
        "Build a plan that raises your step rate a little each week. The baseline and the \
         increase come from the Baseline screen."
    });
    ui.add_space(6.0);
    type Check = fn(&str) -> Result<(), String>;
    let fields: [(&str, &str, &mut String, &mut Option<String>, Check); 5] = [
        (
            "Natural step rate (spm)",
            "such as 164",
            &mut form.baseline,
            &mut form.errors.baseline,
            |text| parse_baseline(text).map(drop),
        ),
        (
            "Increase (%)",
            "5 to 10",
            &mut form.increase,
            &mut form.errors.increase,
            |text| parse_increase(text).map(drop),
        ),
        (
            "Weeks",
            "2 to 16",
            &mut form.weeks,
            &mut form.errors.weeks,
            |text| parse_weeks(text).map(drop),
        ),
        (
            "Runs per week",
            "1 to 7",
            &mut form.runs,
            &mut form.errors.runs,
            |text| parse_runs_per_week(text).map(drop),
        ),
        (
            "Start date (YYYY-MM-DD)",
            "2026-11-23",
            &mut form.start,
            &mut form.errors.start,
            |text| parse_date(text).map(drop),
        ),
    ];
    let mut changed = false;
    for (label, hint, text, error, check) in fields {
        ui.horizontal(|ui| {
            let label = ui.add_sized([200.0, 20.0], egui::Label::new(label));
            let field = ui
                .add(
                    egui::TextEdit::singleline(text)
                        .hint_text(hint)
                        .desired_width(120.0),
                )
                .labelled_by(label.id);
            if field.changed() {
                *error = check(text).err();
                changed = true;
            }
        });
        error_line_ui(ui, error.as_deref());
    }
    if changed {
        form.outcome = None;
    }
    if let (Ok(baseline), Ok(increase)) = (
        parse_baseline(&form.baseline),
        parse_increase(&form.increase),
    ) {
        ui.label(format!(
            "Final target: {}",
            final_target(&baseline, increase)
        ));
    }
    ui.horizontal(|ui| {
        let save = if has_plan { "Save plan" } else { "Create plan" };
        if ui.button(save).clicked() {
            actions.push(Action::SavePlan);
        }
        if has_plan && ui.button("Cancel").clicked() {
            actions.push(Action::CancelPlanEdit);
        }
    });
    match &form.outcome {
        Some(Err(error)) => error_line_ui(ui, Some(error)),
        Some(Ok(message)) => {
            ui.label(message);
        }
        None => {}
    }
}

fn final_target(baseline: &Baseline, increase: Increase) -> String {
    crate::coach::Target::new(baseline, increase).to_string()
}

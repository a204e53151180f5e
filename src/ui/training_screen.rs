//! The Training screen: all of the week's load besides the runs. Other training
//! (strength, cycling, hiking, other sport) is logged with its minutes so the weekly
//! workload counts it; a strength session takes its hip and knee exercises with sets,
//! repetitions and load; the week's sessions are shown against the guidance, with a
//! nudge when the same level has been logged for weeks. Below, the shoes: each pair with
//! its distance and the note near 640 km (400 miles), and a form to add a pair.
//!
//! Every field is checked as it is saved, with a sentence under it saying what is
//! allowed; the files are written through [`Data`] (the store's lock, atomic writes),
//! the same `training.ron` that `cadence-coach activity` and `shoes` write.

use eframe::egui::{self, RichText};
use time::Date;

use super::app::Action;
use super::fields::{check_note, error_line_ui, long_date, parse_date};
use super::records::{Data, Today};
use crate::coach::{
    Activity, ActivityKind, Exercise, ExerciseSets, SessionRecord, Shoe, Training, workload,
};

/// Newest activities listed under the form.
const RECENT: usize = 8;

/// One exercise of the strength session being logged, as typed.
pub struct SetsRow {
    pub exercise: Exercise,
    pub sets: String,
    pub reps: String,
    pub load_kg: String,
    pub error: Option<String>,
}

impl SetsRow {
    fn new(exercise: Exercise) -> Self {
        Self {
            exercise,
            sets: "3".into(),
            reps: "10".into(),
            load_kg: String::new(),
            error: None,
        }
    }

    fn check(&self) -> Result<ExerciseSets, String> {
        let name = self.exercise;
        let sets = self
            .sets
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|s| (1..=20).contains(s));
        let reps = self
            .reps
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|r| (1..=500).contains(r));
        let load = self.load_kg.trim().replace(',', ".");
        let load = if load.is_empty() {
            Some(0.0)
        } else {
            load.parse::<f64>()
                .ok()
                .filter(|kg| (0.0..=300.0).contains(kg))
        };
        match (sets, reps, load) {
            (None, _, _) => Err(format!(
                "Give the sets of {name} as a whole number from 1 to 20."
            )),
            (_, None, _) => Err(format!(
                "Give the repetitions of {name} per set (seconds for a hold) as a whole \
                 number from 1 to 500."
            )),
            (_, _, None) => Err(format!(
                "Give the added load of {name} in kg, from 0 to 300 (empty for none)."
            )),
            (Some(sets), Some(reps), Some(load_kg)) => Ok(ExerciseSets {
                exercise: name,
                sets,
                reps,
                load_kg,
            }),
        }
    }
}

/// A pair of shoes being added, as typed.
#[derive(Default)]
pub struct ShoeForm {
    pub name: String,
    pub km: String,
    /// Empty: today.
    pub since: String,
    pub name_error: Option<String>,
    pub km_error: Option<String>,
    pub since_error: Option<String>,
    pub outcome: Option<Result<String, String>>,
}

/// The Training screen's forms.
pub struct TrainingForm {
    pub kind: ActivityKind,
    pub minutes: String,
    /// Empty: today.
    pub day: String,
    pub exercises: Vec<SetsRow>,
    pub note: String,
    pub minutes_error: Option<String>,
    pub day_error: Option<String>,
    pub note_error: Option<String>,
    pub outcome: Option<Result<String, String>>,
    pub shoe: ShoeForm,
}

impl Default for TrainingForm {
    fn default() -> Self {
        Self {
            kind: ActivityKind::Strength,
            minutes: String::new(),
            day: String::new(),
            exercises: Vec::new(),
            note: String::new(),
            minutes_error: None,
            day_error: None,
            note_error: None,
            outcome: None,
            shoe: ShoeForm::default(),
        }
    }
}

/// A day typed in a form: empty is today, and a day to come is refused.
fn parse_past_day(text: &str, today: Date) -> Result<Date, String> {
    if text.trim().is_empty() {
        return Ok(today);
    }
    let day = parse_date(text)?;
    if day > today {
        return Err(format!(
            "{day} is still to come; give a day up to today, or leave it empty for today."
        ));
    }
    Ok(day)
}

fn parse_minutes(text: &str) -> Result<f64, String> {
    let text = text.trim();
    match text.replace(',', ".").parse::<f64>() {
        Ok(minutes) if (1.0..=1_440.0).contains(&minutes) => Ok(minutes),
        _ if text.is_empty() => {
            Err("Give how long it lasted, in minutes from 1 to 1440, such as 30.".into())
        }
        _ => Err(format!(
            "'{text}' is not a length of training; give the minutes as a number from 1 to \
             1440, such as 30."
        )),
    }
}

impl TrainingForm {
    /// Checks every field, showing each message; the activity if all hold.
    fn check(&mut self, today: Date) -> Option<Activity> {
        let minutes = parse_minutes(&self.minutes);
        let day = parse_past_day(&self.day, today);
        self.minutes_error = minutes.as_ref().err().cloned();
        self.day_error = day.as_ref().err().cloned();
        self.note_error = check_note(&self.note).err();
        let strength = self.kind == ActivityKind::Strength;
        let mut exercises = Vec::new();
        let mut rows_hold = true;
        // Rows left from choosing Strength first go with no other kind of training.
        for row in self.exercises.iter_mut().filter(|_| strength) {
            let checked = row.check();
            row.error = checked.as_ref().err().cloned();
            match checked {
                Ok(sets) => exercises.push(sets),
                Err(_) => rows_hold = false,
            }
        }
        let (Ok(minutes), Ok(date), None, true) = (minutes, day, &self.note_error, rows_hold)
        else {
            return None;
        };
        Some(Activity {
            date,
            kind: self.kind,
            minutes,
            exercises,
            note: self.note.trim().to_owned(),
        })
    }
}

impl ShoeForm {
    fn check(&mut self, today: Date) -> Option<Shoe> {
        let name = self.name.trim();
        let chars = name.chars().count();
        self.name_error = if name.is_empty() {
            Some("Give the pair a name, such as Blue trainers.".into())
        } else if chars > Training::MAX_NAME_CHARS {
            Some(format!(
                "The name is {chars} characters long; keep it to {}.",
                Training::MAX_NAME_CHARS
            ))
        } else {
            None
        };
        let km_text = self.km.trim().replace(',', ".");
        let km = if km_text.is_empty() {
            Ok(0.0)
        } else {
            km_text
                .parse::<f64>()
                .ok()
                .filter(|km| (0.0..=5_000.0).contains(km))
                .ok_or_else(|| {
                    format!(
                        "'{}' is not a distance; give the km already run in the pair, from \
                         0 to 5000 (empty for a new pair).",
                        self.km.trim()
                    )
                })
        };
        let since = parse_past_day(&self.since, today);
        self.km_error = km.as_ref().err().cloned();
        self.since_error = since.as_ref().err().cloned();
        let (None, Ok(start_km), Ok(since)) = (&self.name_error, km, since) else {
            return None;
        };
        Some(Shoe {
            name: name.to_owned(),
            since,
            start_km,
        })
    }
}

/// Saves the activity in the form, if every field holds.
pub fn log_activity(form: &mut TrainingForm, data: &mut Data, today: Date) -> Vec<String> {
    form.outcome = None;
    let Some(activity) = form.check(today) else {
        return Vec::new();
    };
    if let Err(error) = activity.validate() {
        form.outcome = Some(Err(super::fields::sentence(error)));
        return Vec::new();
    }
    let logged = activity.to_string();
    match data.update_training(|training| training.activities.push(activity)) {
        Ok(notices) => {
            let kind = form.kind;
            *form = TrainingForm {
                kind,
                shoe: std::mem::take(&mut form.shoe),
                outcome: Some(Ok(format!(
                    "Logged {logged}; the weekly workload counts it."
                ))),
                ..TrainingForm::default()
            };
            notices
        }
        Err(error) => {
            form.outcome = Some(Err(error));
            Vec::new()
        }
    }
}

/// Adds the pair in the form, if every field holds.
pub fn add_shoe(form: &mut ShoeForm, data: &mut Data, today: Date) -> Vec<String> {
    form.outcome = None;
    let Some(shoe) = form.check(today) else {
        return Vec::new();
    };
    let name = shoe.name.clone();
    let since = shoe.since;
    match data.update_training(|training| training.shoes.push(shoe)) {
        Ok(notices) => {
            *form = ShoeForm {
                outcome: Some(Ok(format!(
                    "Added {name}: the runs from {} on count toward it.",
                    long_date(since)
                ))),
                ..ShoeForm::default()
            };
            notices
        }
        Err(error) => {
            form.outcome = Some(Err(error));
            Vec::new()
        }
    }
}

/// What the screen shows of the data.
pub struct TrainingView<'a> {
    pub training: &'a Training,
    pub sessions: &'a [SessionRecord],
    pub today: &'a Today,
}

pub fn training_screen_ui(
    ui: &mut egui::Ui,
    form: &mut TrainingForm,
    view: TrainingView<'_>,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading("This week");
            week_ui(ui, view.training, view.today);
            ui.separator();
            ui.heading("Log other training");
            ui.label(
                "A workload spike \"could be a new strength routine, too much downhill \
                 running, or even starting to bike to work every day\": what you log here \
                 counts in the weekly workload, minute for minute.",
            );
            activity_form_ui(ui, form, actions);
            recent_ui(ui, view.training);
            ui.separator();
            ui.heading("Shoes");
            shoes_ui(ui, &mut form.shoe, view.training, view.sessions, actions);
        });
}

fn week_ui(ui: &mut egui::Ui, training: &Training, today: &Today) {
    ui.label(training.strength_summary(today.date));
    for nudge in training.progress_nudges(today.date) {
        ui.label(RichText::new(nudge).strong());
    }
    let week = workload::IsoWeek::of(today.date);
    ui.label(format!(
        "Other training this week: {:.0} min.",
        training.minutes_in(week)
    ));
    if let Some(warning) = &today.workload {
        ui.colored_label(ui.visuals().warn_fg_color, warning.to_string());
    }
}

fn kind_title(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Strength => "Strength (hip and knee exercise)",
        ActivityKind::Cycling => "Cycling",
        ActivityKind::Hiking => "Hiking",
        ActivityKind::OtherSport => "Other sport",
    }
}

/// A text field named by the label before it.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str, width: f32) {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(width),
        )
        .labelled_by(label.id);
    });
}

fn activity_form_ui(ui: &mut egui::Ui, form: &mut TrainingForm, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        for kind in ActivityKind::ALL {
            ui.selectable_value(&mut form.kind, kind, kind_title(kind));
        }
    });
    field(ui, "Minutes", &mut form.minutes, "1 to 1440", 110.0);
    error_line_ui(ui, form.minutes_error.as_deref());
    field(ui, "Day", &mut form.day, "today, or YYYY-MM-DD", 210.0);
    error_line_ui(ui, form.day_error.as_deref());
    if form.kind == ActivityKind::Strength {
        exercises_ui(ui, &mut form.exercises);
    }
    field(
        ui,
        "Note on the training",
        &mut form.note,
        "optional",
        320.0,
    );
    error_line_ui(ui, form.note_error.as_deref());
    if ui.button("Save training").clicked() {
        actions.push(Action::LogActivity);
    }
    match &form.outcome {
        Some(Ok(message)) => {
            ui.label(RichText::new(message).strong());
        }
        Some(Err(error)) => error_line_ui(ui, Some(error)),
        None => {}
    }
}

/// The session's exercises: one row each with sets, repetitions and load, and a button
/// for each exercise not in it yet.
fn exercises_ui(ui: &mut egui::Ui, rows: &mut Vec<SetsRow>) {
    ui.label(
        "The exercises, each with its sets, repetitions (seconds for a hold) and added \
         load: they must get progressively harder to keep working.",
    );
    let mut remove = None;
    for (index, row) in rows.iter_mut().enumerate() {
        let name = row.exercise.to_string();
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&name).strong());
            for (text, value, what, width) in [
                ("sets", &mut row.sets, "Sets", 40.0),
                ("x reps", &mut row.reps, "Repetitions", 50.0),
                ("at kg", &mut row.load_kg, "Added load in kg", 50.0),
            ] {
                ui.add(egui::TextEdit::singleline(value).desired_width(width))
                    .accessible_name(format!("{what} of {name}"));
                ui.label(text);
            }
            if ui
                .small_button("Remove")
                .accessible_name(format!("Remove {name}"))
                .clicked()
            {
                remove = Some(index);
            }
        });
        error_line_ui(ui, row.error.as_deref());
    }
    if let Some(index) = remove {
        rows.remove(index);
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Add:");
        for exercise in Exercise::ALL {
            if rows.iter().any(|row| row.exercise == exercise) {
                continue;
            }
            if ui.small_button(exercise.to_string()).clicked() {
                rows.push(SetsRow::new(exercise));
            }
        }
    });
}

fn recent_ui(ui: &mut egui::Ui, training: &Training) {
    if training.activities.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Logged lately").strong());
    let mut recent: Vec<&Activity> = training.activities.iter().collect();
    recent.sort_by_key(|activity| std::cmp::Reverse(activity.date));
    for activity in recent.into_iter().take(RECENT) {
        ui.label(activity.to_string());
    }
}

fn shoes_ui(
    ui: &mut egui::Ui,
    form: &mut ShoeForm,
    training: &Training,
    sessions: &[SessionRecord],
    actions: &mut Vec<Action>,
) {
    ui.label(
        "Worn-out shoes (around 400 miles, 640 km) shift load to the knee. Each pair counts \
         the runs from its first day until the next pair, those with a distance: treadmill \
         speed x time, or the distance a watch file recorded.",
    );
    if training.shoes.is_empty() {
        ui.label("No shoes yet: add the pair you run in.");
    }
    for line in training.shoe_lines(sessions) {
        ui.label(line);
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Add a pair").strong());
    field(
        ui,
        "Name of the pair",
        &mut form.name,
        "Blue trainers",
        220.0,
    );
    error_line_ui(ui, form.name_error.as_deref());
    field(
        ui,
        "Already run in them (km)",
        &mut form.km,
        "0 for a new pair",
        100.0,
    );
    error_line_ui(ui, form.km_error.as_deref());
    field(
        ui,
        "First day in them",
        &mut form.since,
        "today, or YYYY-MM-DD",
        160.0,
    );
    error_line_ui(ui, form.since_error.as_deref());
    if ui.button("Add this pair").clicked() {
        actions.push(Action::AddShoe);
    }
    match &form.outcome {
        Some(Ok(message)) => {
            ui.label(RichText::new(message).strong());
        }
        Some(Err(error)) => error_line_ui(ui, Some(error)),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 11 - 23);

    #[test]
    fn each_field_says_what_is_allowed() {
        let mut form = TrainingForm {
            minutes: "0".into(),
            day: "2026-11-24".into(),
            exercises: vec![SetsRow {
                reps: "0".into(),
                ..SetsRow::new(Exercise::Clamshells)
            }],
            ..TrainingForm::default()
        };
        assert_eq!(form.check(TODAY), None);
        assert!(form.minutes_error.as_deref().unwrap().contains("1 to 1440"));
        assert!(form.day_error.as_deref().unwrap().contains("still to come"));
        let row = form.exercises[0].error.as_deref().unwrap();
        assert!(row.contains("repetitions of clamshells"), "{row}");

        form.minutes = "12,5".into();
        form.day = String::new();
        form.exercises[0].reps = "12".into();
        form.exercises[0].load_kg = "2".into();
        let activity = form.check(TODAY).expect("every field holds");
        assert_eq!(activity.date, TODAY);
        assert_eq!(activity.minutes, 12.5);
        assert_eq!(activity.exercises[0].to_string(), "clamshells 3x12 at 2 kg");
    }

    #[test]
    fn exercises_go_only_with_a_strength_session() {
        let mut form = TrainingForm {
            kind: ActivityKind::Cycling,
            minutes: "40".into(),
            exercises: vec![SetsRow {
                sets: "x".into(),
                ..SetsRow::new(Exercise::CalfRaises)
            }],
            ..TrainingForm::default()
        };
        // Rows left from choosing Strength first neither block a ride nor go with it.
        let ride = form.check(TODAY).expect("a ride needs no sets");
        assert!(ride.exercises.is_empty());
        assert!(ride.validate().is_ok());
    }

    #[test]
    fn a_pair_needs_a_name_and_a_distance_in_range() {
        let mut form = ShoeForm {
            km: "-3".into(),
            since: "yesterday".into(),
            ..ShoeForm::default()
        };
        assert_eq!(form.check(TODAY), None);
        assert!(form.name_error.as_deref().unwrap().contains("name"));
        assert!(form.km_error.as_deref().unwrap().contains("0 to 5000"));
        assert!(form.since_error.as_deref().unwrap().contains("YYYY-MM-DD"));
        form.name = " Blue trainers ".into();
        form.km = "120".into();
        form.since = "2026-11-01".into();
        let shoe = form.check(TODAY).expect("every field holds");
        assert_eq!(shoe.name, "Blue trainers");
        assert_eq!(shoe.start_km, 120.0);
        assert_eq!(shoe.since, date!(2026 - 11 - 01));
    }
}

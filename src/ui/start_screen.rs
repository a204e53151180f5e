//! The guided start, shown on first launch (no profile yet): what the app does and why,
//! the runner's profile, the natural rate, the increase and the plan, then the first
//! run. Every step can be skipped and come back to from the list at the top; the Run
//! screen says what is still missing until a plan exists ([`missing`]).

use std::time::Instant;

use eframe::egui::{self, RichText};

use super::app::Action;
use super::baseline_screen::{BaselineForm, baseline_screen_ui};
use super::plan_screen::{PlanForm, form_ui};
use crate::coach::warmup::Warmup;
use crate::coach::{Plan, Profile, RiskProfile, Sex, Training};

/// The steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideStep {
    Welcome,
    Profile,
    Baseline,
    Plan,
    FirstRun,
}

impl GuideStep {
    pub const ALL: [GuideStep; 5] = [
        GuideStep::Welcome,
        GuideStep::Profile,
        GuideStep::Baseline,
        GuideStep::Plan,
        GuideStep::FirstRun,
    ];

    pub fn title(self) -> &'static str {
        match self {
            GuideStep::Welcome => "1. What and why",
            GuideStep::Profile => "2. About you",
            GuideStep::Baseline => "3. Your step rate",
            GuideStep::Plan => "4. Your plan",
            GuideStep::FirstRun => "5. First run",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }

    pub fn next(self) -> GuideStep {
        Self::ALL.get(self.index() + 1).copied().unwrap_or(self)
    }

    pub fn previous(self) -> GuideStep {
        self.index()
            .checked_sub(1)
            .and_then(|i| Self::ALL.get(i))
            .copied()
            .unwrap_or(self)
    }
}

/// The guide's state: where the runner is, and the profile answers as chosen.
pub struct GuideForm {
    pub step: GuideStep,
    pub risk: RiskProfile,
    pub outcome: Option<Result<String, String>>,
}

impl GuideForm {
    pub fn new(profile: &Profile) -> Self {
        Self {
            step: GuideStep::Welcome,
            risk: profile.risk,
            outcome: None,
        }
    }
}

/// What the guide draws on.
pub struct StartScreen<'a> {
    pub guide: &'a mut GuideForm,
    pub baseline: &'a mut BaselineForm,
    pub plan_form: &'a mut PlanForm,
    pub profile: &'a Profile,
    pub plan: Option<&'a Plan>,
    pub now: Instant,
    pub stopped: bool,
}

pub fn start_screen_ui(ui: &mut egui::Ui, screen: StartScreen<'_>, actions: &mut Vec<Action>) {
    let StartScreen {
        guide,
        baseline,
        plan_form,
        profile,
        plan,
        now,
        stopped,
    } = screen;
    ui.heading("Getting started");
    ui.horizontal_wrapped(|ui| {
        for step in GuideStep::ALL {
            if ui
                .selectable_label(step == guide.step, step.title())
                .clicked()
            {
                actions.push(Action::Guide(step));
            }
        }
    });
    ui.horizontal(|ui| {
        if guide.step != GuideStep::Welcome && ui.button("Back").clicked() {
            actions.push(Action::Guide(guide.step.previous()));
        }
        if guide.step != GuideStep::FirstRun && ui.button("Skip this step").clicked() {
            actions.push(Action::Guide(guide.step.next()));
        }
        if ui.button("Close the guide").clicked() {
            actions.push(Action::Show(super::Screen::Run));
        }
    });
    ui.separator();
    match guide.step {
        GuideStep::Welcome => welcome_ui(ui, actions),
        GuideStep::Profile => profile_ui(ui, guide, actions),
        GuideStep::Baseline => {
            if profile.baseline.is_some() && ui.button("Next: the plan").clicked() {
                actions.push(Action::Guide(GuideStep::Plan));
            }
            baseline_screen_ui(ui, baseline, profile, now, stopped, actions);
        }
        GuideStep::Plan => {
            if plan.is_some() {
                ui.label(RichText::new("Your plan is saved.").strong());
                if ui.button("Next: your first run").clicked() {
                    actions.push(Action::Guide(GuideStep::FirstRun));
                }
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                form_ui(ui, plan_form, plan.is_some(), actions);
            });
        }
        GuideStep::FirstRun => first_run_ui(ui, profile, plan, actions),
    }
}

fn welcome_ui(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    ui.label(
        "Cadence Coach helps you run with less knee pain by taking slightly shorter, quicker \
         steps: 5-10% more steps per minute than your natural rate, at the same speed.",
    );
    ui.label(
        "Shorter steps load the front of the knee less, but a new rhythm is hard to keep by \
         feel, so the app clicks on every step.",
    );
    ui.label(
        "It raises the rate a little each week while the knee stays in a safe range of pain, \
         and holds or steps back when it does not.",
    );
    ui.add_space(8.0);
    if ui.button("Next: about you").clicked() {
        actions.push(Action::Guide(GuideStep::Profile));
    }
}

fn yes_no_ui(ui: &mut egui::Ui, question: &str, answer: &mut Option<bool>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(question);
        if ui.radio(*answer == Some(true), "Yes").clicked() {
            *answer = Some(true);
        }
        if ui.radio(*answer == Some(false), "No").clicked() {
            *answer = Some(false);
        }
    });
}

fn profile_ui(ui: &mut egui::Ui, guide: &mut GuideForm, actions: &mut Vec<Action>) {
    ui.label(
        "Two runners with the same plan on paper can have very different outcomes. With any \
         of these, each step of your plan lasts two weeks instead of one. No score, no \
         diagnosis.",
    );
    let risk = &mut guide.risk;
    yes_no_ui(
        ui,
        "Knee pain at the front of the knee before this time?",
        &mut risk.prior_knee_pain,
    );
    ui.horizontal_wrapped(|ui| {
        ui.label("Sex:");
        for (sex, text) in [
            (Sex::Female, "Female"),
            (Sex::Male, "Male"),
            (Sex::Other, "Other"),
        ] {
            if ui.radio(risk.sex == Some(sex), text).clicked() {
                risk.sex = Some(sex);
            }
        }
    });
    yes_no_ui(
        ui,
        "Specialized early in a single sport?",
        &mut risk.early_specialization,
    );
    yes_no_ui(
        ui,
        "Other training changed recently (new strength routine, more downhill, cycling to \
         work)?",
        &mut risk.other_training_change,
    );
    if let Some(reason) = risk.longer_step_reason() {
        ui.label(format!("Each step will last two weeks: {reason}."));
    }
    if ui.button("Save and continue").clicked() {
        actions.push(Action::SaveRisk);
    }
    match &guide.outcome {
        Some(Ok(message)) => {
            ui.label(message);
        }
        Some(Err(error)) => super::fields::error_line_ui(ui, Some(error)),
        None => {}
    }
}

fn first_run_ui(
    ui: &mut egui::Ui,
    profile: &Profile,
    plan: Option<&Plan>,
    actions: &mut Vec<Action>,
) {
    if let Some(text) = missing(profile, plan) {
        ui.label(text);
        return;
    }
    ui.label(
        "Before the run: the warm-up on the Run screen (leg swings, lunges, butt kicks and a \
         few wall sits) eases the knee. Then run today's planned session; afterwards the app \
         asks how the knee felt.",
    );
    if ui
        .button(RichText::new("Start your first run").size(20.0))
        .clicked()
    {
        actions.push(Action::Show(super::Screen::Run));
        actions.push(Action::StartPlanned);
    }
}

/// What is still missing before a planned run, and where to get it; `None` once there
/// is a plan.
pub fn missing(profile: &Profile, plan: Option<&Plan>) -> Option<String> {
    if plan.is_some() {
        return None;
    }
    Some(match &profile.baseline {
        None => "No plan yet: first count your natural step rate (Baseline, or the guide's \
                 step 3), then build the plan (Plan). Until then Start plays a free run."
            .to_string(),
        Some(baseline) => format!(
            "No plan yet: your natural rate is {} spm; build the plan on the Plan screen (or \
             the guide's step 4). Until then Start plays a free run.",
            baseline.spm
        ),
    })
}

/// Before a planned run: the warm-up, offered and skippable, timed by beeps.
pub fn warmup_offer_ui(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let warmup = Warmup::default();
    let total = warmup.total_seconds();
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "Before the run ({} min {} s, optional): leg swings, lunges, butt kicks, then {} \
             wall sits of {} s. Beeps: two = next, three = hold, one = rest, four = done.",
            total / 60,
            total % 60,
            warmup.holds,
            warmup.hold_seconds
        ));
        if ui.button("Play the warm-up cues").clicked() {
            actions.push(Action::Warmup);
        }
    });
}

/// The week's other load on the Plan screen: hip and knee exercise against the guidance,
/// nudges to make it harder, and other training.
pub fn training_week_ui(ui: &mut egui::Ui, training: &Training, today: time::Date) {
    ui.label(training.strength_summary(today));
    for nudge in training.progress_nudges(today) {
        ui.label(nudge);
    }
    let week = crate::coach::IsoWeek::of(today);
    let other = training.minutes_in(week);
    if other > 0.0 {
        ui.label(format!(
            "Other training this week: {other:.0} min, counted in the weekly workload."
        ));
    }
}

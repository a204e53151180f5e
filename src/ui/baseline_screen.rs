//! The Baseline screen: count a minute (a start signal, one tap per right-foot strike on
//! a big button or any key, a stop signal after 60 s), or type the rate; then choose
//! the increase and see the target; Save writes both to the profile.

use std::time::{Duration, Instant};

use eframe::egui::{self, RichText};

use super::app::Action;
use super::fields::{error_line_ui, parse_baseline, parse_increase, sentence, short_date};
use crate::coach::{Baseline, CountedFeet, Increase, Profile, Target};

/// How long the count lasts.
pub const COUNT_LENGTH: Duration = Duration::from_secs(60);

/// A minute being counted, on the app's clock.
#[derive(Clone, Debug)]
pub struct CountedMinute {
    started: Instant,
    taps: u32,
}

impl CountedMinute {
    pub fn start(now: Instant) -> Self {
        Self {
            started: now,
            taps: 0,
        }
    }

    /// Counts a strike; none once the minute is over.
    pub fn tap(&mut self, now: Instant) -> bool {
        if self.is_over(now) {
            return false;
        }
        self.taps += 1;
        true
    }

    pub fn taps(&self) -> u32 {
        self.taps
    }

    pub fn is_over(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.started) >= COUNT_LENGTH
    }

    /// Time left, rounded up to whole seconds as a countdown shows it.
    pub fn seconds_left(&self, now: Instant) -> u64 {
        let left = COUNT_LENGTH.saturating_sub(now.saturating_duration_since(self.started));
        left.as_secs() + u64::from(left.subsec_nanos() > 0)
    }

    /// When the shown number of seconds changes next (or the minute ends).
    pub fn next_tick(&self, now: Instant) -> Duration {
        let left = COUNT_LENGTH.saturating_sub(now.saturating_duration_since(self.started));
        let into_second = Duration::new(0, left.subsec_nanos());
        if into_second.is_zero() {
            left.min(Duration::from_secs(1))
        } else {
            into_second
        }
    }
}

/// Which increase the runner picked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IncreaseChoice {
    Preset(Increase),
    Other,
}

/// What the runner is doing on this screen.
pub struct BaselineForm {
    pub feet: CountedFeet,
    pub counting: Option<CountedMinute>,
    /// The last count's result.
    pub counted: Option<Result<Baseline, String>>,
    pub typed_text: String,
    pub typed_error: Option<String>,
    /// The count, not the typed number, is the one to save.
    pub use_counted: bool,
    pub choice: IncreaseChoice,
    pub other_text: String,
    pub other_error: Option<String>,
    /// A problem with the start or stop signal.
    pub cue_error: Option<String>,
    /// The outcome of Save.
    pub saved: Option<Result<String, String>>,
    /// A watch file of an easy run to take the natural rate from.
    pub run_path: String,
    /// What the run gave, or why it could not.
    pub from_run: Option<Result<String, String>>,
}

impl BaselineForm {
    pub fn new(profile: &Profile) -> Self {
        let presets = [Increase::FIVE, Increase::SEVEN_AND_A_HALF, Increase::TEN];
        let (choice, other_text) = if presets.contains(&profile.increase) {
            (IncreaseChoice::Preset(profile.increase), String::new())
        } else {
            (
                IncreaseChoice::Other,
                profile.increase.percent().to_string(),
            )
        };
        Self {
            feet: CountedFeet::RightFoot,
            counting: None,
            counted: None,
            typed_text: profile
                .baseline
                .as_ref()
                .map_or_else(String::new, |baseline| baseline.spm.to_string()),
            typed_error: None,
            use_counted: false,
            choice,
            other_text,
            other_error: None,
            cue_error: None,
            saved: None,
            run_path: String::new(),
            from_run: None,
        }
    }

    /// The natural rate from an easy run's watch file: its median moving step rate,
    /// the warm-up left out, put in the typed field (to check, then save).
    fn take_from_run(&mut self) {
        let path = std::path::PathBuf::from(self.run_path.trim());
        let imported = match crate::import::import_file(&path, crate::import::Options::default()) {
            Ok(imported) => imported,
            Err(error) => {
                self.from_run = Some(Err(format!("{}: {error}.", path.display())));
                return;
            }
        };
        let Some(measured) = imported.legs.into_iter().find_map(|leg| leg.measurement) else {
            self.from_run = Some(Err("No run in this file (only other sports).".into()));
            return;
        };
        let Some((spm, first, last)) = measured.natural_rate() else {
            self.from_run = Some(Err("The run never moves.".into()));
            return;
        };
        self.typed_text = format!("{spm:.0}");
        self.typed_error = parse_baseline(&self.typed_text).err();
        self.use_counted = false;
        self.saved = None;
        self.from_run = Some(Ok(format!(
            "From the run of {}: the median step rate of minutes {}-{} while moving{}: {spm:.0} \
             spm.",
            short_date(measured.started_at.date()),
            first + 1,
            last + 1,
            if first > 0 {
                ", the warm-up left out"
            } else {
                ""
            }
        )));
    }

    /// The natural rate to save: the count's, or the typed one.
    pub fn baseline(&self) -> Option<Baseline> {
        if self.use_counted {
            return self
                .counted
                .as_ref()
                .and_then(|counted| counted.clone().ok());
        }
        parse_baseline(&self.typed_text).ok()
    }

    pub fn increase(&self) -> Option<Increase> {
        match self.choice {
            IncreaseChoice::Preset(increase) => Some(increase),
            IncreaseChoice::Other => parse_increase(&self.other_text).ok(),
        }
    }

    /// The minute is over: the count becomes the natural rate (if plausible).
    pub fn finish_count(&mut self) {
        let Some(count) = self.counting.take() else {
            return;
        };
        let result = Baseline::from_counted_minute(count.taps(), self.feet).map_err(sentence);
        if let Ok(baseline) = &result {
            self.typed_text = baseline.spm.to_string();
            self.typed_error = None;
        }
        self.use_counted = result.is_ok();
        self.counted = Some(result);
        self.saved = None;
    }
}

/// Every key pressed while counting is a tap (Escape cancels). Called before any
/// widget is drawn, so a focused button or field never sees these keys.
pub fn tap_keys(ui: &egui::Ui, actions: &mut Vec<Action>) {
    ui.input_mut(|input| {
        input.events.retain(|event| match event {
            egui::Event::Key {
                key,
                pressed,
                repeat,
                ..
            } => {
                if *pressed && !*repeat {
                    match key {
                        egui::Key::Escape => actions.push(Action::CancelCount),
                        // Tab still moves the focus.
                        egui::Key::Tab => return true,
                        _ => actions.push(Action::Tap),
                    }
                }
                false
            }
            // Typed characters must not reach a field while counting.
            egui::Event::Text(_) => false,
            _ => true,
        });
    });
}

pub fn baseline_screen_ui(
    ui: &mut egui::Ui,
    form: &mut BaselineForm,
    profile: &Profile,
    now: Instant,
    can_cue: bool,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading("Your natural step rate");
            match (&profile.baseline, profile.target()) {
                (Some(baseline), Some(target)) => {
                    ui.label(format!("Saved: {baseline}. Target: {target}."));
                }
                _ => {
                    ui.label(
                        "Measure it at an easy pace, before any coaching: count a minute of \
                         running, or type a rate you know from a watch.",
                    );
                }
            }
            ui.add_space(8.0);
            count_ui(ui, form, now, can_cue, actions);
            ui.separator();
            typed_ui(ui, form);
            ui.separator();
            increase_ui(ui, form);
            ui.add_space(8.0);
            save_ui(ui, form, actions);
        });
}

fn count_ui(
    ui: &mut egui::Ui,
    form: &mut BaselineForm,
    now: Instant,
    can_cue: bool,
    actions: &mut Vec<Action>,
) {
    ui.heading("Count a minute");
    let counting = form.counting.clone();
    let Some(count) = counting else {
        ui.label(
            "Run at an easy pace. Press Start counting: a high triple beep starts the minute, \
             two low tocks end it. Tap the big button, or press any key, on every strike.",
        );
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(
                &mut form.feet,
                CountedFeet::RightFoot,
                "Right foot only (the count is doubled)",
            );
            ui.radio_value(&mut form.feet, CountedFeet::BothFeet, "Both feet");
        });
        let start = ui
            .add_enabled(
                can_cue,
                egui::Button::new(RichText::new("Start counting").size(22.0))
                    .min_size(egui::vec2(220.0, 48.0)),
            )
            .on_disabled_hover_text("Stop the run first: the clicks would set your pace.");
        if start.clicked() {
            actions.push(Action::StartCount);
        }
        if !can_cue {
            ui.weak("Stop the run first: the clicks would set your pace.");
        }
        error_line_ui(ui, form.cue_error.as_deref());
        match &form.counted {
            Some(Ok(baseline)) => {
                ui.label(RichText::new(format!("Counted: {baseline}.")).strong());
            }
            Some(Err(error)) => error_line_ui(ui, Some(error)),
            None => {}
        }
        return;
    };

    let left = count.seconds_left(now);
    let taps = count.taps();
    ui.label(
        RichText::new(format!("{}:{:02} left", left / 60, left % 60))
            .font(egui::FontId::monospace(40.0)),
    );
    let live = match form.feet {
        CountedFeet::RightFoot => format!(
            "Right-foot strikes: {taps}  x2 = {} steps per minute",
            taps * 2
        ),
        CountedFeet::BothFeet => format!("Steps: {taps}"),
    };
    ui.label(RichText::new(live).size(22.0));
    let tap = egui::Button::new(RichText::new("Tap").size(40.0))
        .min_size(egui::vec2(ui.available_width().min(480.0), 160.0));
    if ui
        .add(tap)
        .on_hover_text("One tap per strike (any key works too)")
        .clicked()
    {
        actions.push(Action::Tap);
    }
    ui.horizontal(|ui| {
        if ui.button("Cancel count").clicked() {
            actions.push(Action::CancelCount);
        }
        ui.weak("Any key taps; Escape cancels.");
    });
}

fn typed_ui(ui: &mut egui::Ui, form: &mut BaselineForm) {
    ui.heading("Or type it");
    let enabled = form.counting.is_none();
    ui.horizontal(|ui| {
        let label = ui.label("Natural step rate (spm)");
        let field = ui
            .add_enabled(
                enabled,
                egui::TextEdit::singleline(&mut form.typed_text).desired_width(80.0),
            )
            .labelled_by(label.id);
        if field.changed() {
            form.use_counted = false;
            form.saved = None;
            form.typed_error = if form.typed_text.trim().is_empty() {
                None
            } else {
                parse_baseline(&form.typed_text).err()
            };
        }
    });
    error_line_ui(ui, form.typed_error.as_deref());
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Or from a watch file of an easy run");
        ui.add_enabled(
            enabled,
            egui::TextEdit::singleline(&mut form.run_path).desired_width(300.0),
        )
        .labelled_by(label.id);
        let ready = enabled && !form.run_path.trim().is_empty();
        if ui
            .add_enabled(ready, egui::Button::new("Use this run"))
            .clicked()
        {
            form.take_from_run();
        }
    });
    match &form.from_run {
        Some(Ok(text)) => {
            ui.label(text);
        }
        Some(Err(error)) => error_line_ui(ui, Some(error)),
        None => {}
    }
}

fn increase_ui(ui: &mut egui::Ui, form: &mut BaselineForm) {
    ui.heading("How much faster");
    ui.label("Raise the rate 5-10% above your natural one; 5% is the gentle start.");
    let before = form.choice;
    ui.horizontal_wrapped(|ui| {
        for increase in [Increase::FIVE, Increase::SEVEN_AND_A_HALF, Increase::TEN] {
            ui.radio_value(
                &mut form.choice,
                IncreaseChoice::Preset(increase),
                increase.to_string(),
            );
        }
        ui.radio_value(&mut form.choice, IncreaseChoice::Other, "Other");
        let field = ui
            .add(egui::TextEdit::singleline(&mut form.other_text).desired_width(60.0))
            .accessible_name("Other increase (%)");
        ui.label("%");
        if field.changed() {
            form.choice = IncreaseChoice::Other;
        }
        if field.changed() || form.choice != before {
            form.saved = None;
            form.other_error = match form.choice {
                IncreaseChoice::Other => parse_increase(&form.other_text).err(),
                IncreaseChoice::Preset(_) => None,
            };
        }
    });
    error_line_ui(ui, form.other_error.as_deref());

    match (form.baseline(), form.increase()) {
        (Some(baseline), Some(increase)) => {
            let target = Target::new(&baseline, increase);
            ui.label(
                RichText::new(format!(
                    "Target: {} spm ({increase} above {} spm)",
                    target.spm, baseline.spm
                ))
                .size(24.0)
                .strong(),
            );
            if let Some(advisory) = baseline.advisory() {
                ui.colored_label(ui.visuals().warn_fg_color, advisory.to_string());
            }
        }
        (None, _) => {
            ui.weak("Count a minute or type your rate to see the target.");
        }
        (Some(_), None) => {}
    }
}

fn save_ui(ui: &mut egui::Ui, form: &BaselineForm, actions: &mut Vec<Action>) {
    let ready = form.counting.is_none() && form.baseline().is_some() && form.increase().is_some();
    if ui
        .add_enabled(ready, egui::Button::new("Save baseline and target"))
        .on_disabled_hover_text("Count a minute or type a valid rate, and choose the increase")
        .clicked()
    {
        actions.push(Action::SaveBaseline);
    }
    match &form.saved {
        Some(Ok(message)) => {
            ui.label(message);
        }
        Some(Err(error)) => error_line_ui(ui, Some(error)),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_minute_counts_down_in_whole_seconds_and_ends() {
        let start = Instant::now();
        let mut count = CountedMinute::start(start);
        assert_eq!(count.seconds_left(start), 60);
        assert_eq!(count.next_tick(start), Duration::from_secs(1));
        let later = start + Duration::from_millis(2_300);
        assert_eq!(count.seconds_left(later), 58);
        assert_eq!(count.next_tick(later), Duration::from_millis(700));
        assert!(count.tap(later));
        let end = start + COUNT_LENGTH;
        assert!(count.is_over(end));
        assert!(!count.tap(end), "taps after the minute do not count");
        assert_eq!(count.taps(), 1);
        assert_eq!(count.seconds_left(end), 0);
    }

    #[test]
    fn the_count_becomes_the_baseline_and_the_typed_rate() {
        let mut form = BaselineForm::new(&Profile::default());
        let start = Instant::now();
        let mut count = CountedMinute::start(start);
        for _ in 0..81 {
            count.tap(start + Duration::from_secs(1));
        }
        form.counting = Some(count);
        form.finish_count();
        assert_eq!(form.baseline().map(|b| b.spm), Some(162));
        assert_eq!(form.typed_text, "162");
        assert_eq!(form.increase(), Some(Increase::FIVE));

        // Both feet counted but reported as the right foot: refused with the reason.
        let mut count = CountedMinute::start(start);
        for _ in 0..160 {
            count.tap(start);
        }
        form.counting = Some(count);
        form.finish_count();
        let Some(Err(error)) = &form.counted else {
            panic!("320 spm was accepted");
        };
        assert!(error.contains("320 steps per minute"), "{error}");
        assert!(!form.use_counted);
    }
}

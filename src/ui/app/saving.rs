//! Keeping the runner's data as the app goes: the run being recorded, and each form's
//! save (sound, run log, baseline, plan, morning check, risk profile, clearance).

use super::CadenceApp;
use crate::coach::{Clearance, MorningCheck, Pain, SoundSettings, Target};
use crate::ui::fields::{check_note, long_date};
use crate::ui::plan_screen::ClearanceForm;
use crate::ui::records::Recording;
use crate::ui::run_screen::AfterRunForm;
use crate::ui::start_screen::GuideStep;

impl CadenceApp {
    pub(super) fn begin_recording(&mut self, planned: Option<(crate::coach::SessionProfile, u8)>) {
        let mut recording = Recording::starting(
            self.clock.local_now(),
            self.metronome.spm(),
            planned.clone(),
            self.clock.now(),
        );
        let mut result = self.data.begin_session(&recording.record);
        if matches!(result, Err(crate::store::StoreError::SessionExists { .. })) {
            // Two runs in the same second with the same random bits: draw again.
            recording = Recording::starting(
                self.clock.local_now(),
                self.metronome.spm(),
                planned,
                self.clock.now(),
            );
            result = self.data.begin_session(&recording.record);
        }
        if let Err(error) = result {
            self.tell([format!(
                "This run is playing but could not be saved yet: {error}. It will be tried \
                 again every minute."
            )]);
        }
        self.run.form = None;
        self.run.verdict = None;
        self.recording = Some(recording);
    }

    /// Brings the record up to the engine's figures.
    pub(super) fn update_recording(&mut self) {
        let Some(recording) = &mut self.recording else {
            return;
        };
        if let Some(status) = self.metronome.status().filter(|status| status.playing) {
            recording.see_rate(status.spm);
        }
        let figures = self.metronome.figures();
        recording.update(figures.elapsed.as_secs_f64(), figures.steps);
    }

    pub(super) fn save_recording(&mut self) {
        self.update_recording();
        let Some(recording) = &mut self.recording else {
            return;
        };
        recording.saved_at = self.clock.now();
        let record = recording.record.clone();
        if let Err(error) = self.data.save_session(&record) {
            self.tell([error]);
        }
    }

    /// Saves the run about once a minute, and at its end opens the pain log.
    pub(super) fn follow_recording(&mut self) {
        let Some(recording) = &mut self.recording else {
            return;
        };
        if self.metronome.is_playing()
            && let Some(status) = self.metronome.status().filter(|status| status.playing)
        {
            recording.see_rate(status.spm);
        }
        if self.metronome.is_stopped() {
            self.save_recording();
            if let Some(recording) = self.recording.take() {
                self.run.form = Some(AfterRunForm::new(recording.record.id));
            }
        } else if recording.save_due(self.clock.now()) {
            self.save_recording();
        }
    }

    pub(super) fn save_sound(&mut self) {
        let sound = SoundSettings {
            sound: self.metronome.sound().clone(),
            accent: self.metronome.voicing().accent,
            volume: self.metronome.voicing().volume,
        };
        if self.data.profile.sound == sound {
            return;
        }
        match self.data.update_profile(|profile| profile.sound = sound) {
            Ok(notices) => self.tell(notices),
            Err(error) => self.tell([error]),
        }
    }

    pub(super) fn save_run_log(&mut self) {
        let Some(form) = &mut self.run.form else {
            return;
        };
        let Some((during, after, treadmill)) = form.check() else {
            return;
        };
        let Some(mut record) = self
            .data
            .sessions
            .iter()
            .find(|run| run.id == form.id)
            .cloned()
        else {
            form.error = Some("This run is no longer in the history; it was not saved.".into());
            return;
        };
        record.log_pain(Pain { during, after }, form.limp);
        form.fill(&mut record, treadmill);
        if let Err(error) = self.data.save_session(&record) {
            form.error = Some(error);
            return;
        }
        self.run.form = None;
        let mut verdict = self
            .data
            .after_run(&record)
            .map_or_else(|| "Saved.".into(), |after| after.message);
        if let Some(warning) = crate::coach::activity::decline_warning(&record) {
            verdict = format!("{verdict} {warning}");
        }
        self.run.verdict = Some(verdict);
    }

    pub(super) fn save_baseline(&mut self) {
        let (Some(baseline), Some(increase)) = (self.baseline.baseline(), self.baseline.increase())
        else {
            return;
        };
        // The saved rate, unchanged in the typed field, keeps how and when it was
        // measured; anything new is measured today.
        let baseline = match &self.data.profile.baseline {
            Some(saved) if !self.baseline.use_counted && saved.spm == baseline.spm => saved.clone(),
            _ => baseline.measured_on(self.clock.today()),
        };
        let target = Target::new(&baseline, increase);
        let text = format!(
            "Baseline saved: {baseline}, target {target}. The Plan screen builds the weeks \
             from it."
        );
        let result = self.data.update_profile(|profile| {
            profile.baseline = Some(baseline);
            profile.increase = increase;
        });
        match result {
            Ok(notices) => {
                self.tell(notices);
                self.baseline.saved = Some(Ok(text));
                if self.data.plan.is_none() {
                    self.plan.fill(&self.data.profile, None, self.clock.today());
                }
            }
            Err(error) => self.baseline.saved = Some(Err(error)),
        }
    }

    pub(super) fn save_plan(&mut self) {
        let Some(plan) = self.plan.build(&self.data.profile) else {
            return;
        };
        let weeks = plan.weeks();
        match self.data.save_plan(plan) {
            Ok(notices) => {
                self.tell(notices);
                self.plan.editing = false;
                self.plan.outcome = Some(Ok(format!("Plan of {weeks} weeks saved.")));
            }
            Err(error) => self.plan.outcome = Some(Err(error)),
        }
    }

    pub(super) fn save_morning(&mut self) {
        let today = self.clock.today();
        let Some(symptoms) = self.morning.symptoms else {
            return;
        };
        let due = self.data.today(today).morning_due;
        let Some(mut record) = due.and_then(|index| self.data.sessions.get(index).cloned()) else {
            return;
        };
        record.morning = Some(MorningCheck {
            symptoms,
            swelling: self.morning.swelling,
        });
        self.morning.outcome = Some(match self.data.save_session(&record) {
            Ok(()) => {
                self.morning.symptoms = None;
                self.morning.swelling = false;
                Ok(format!(
                    "Morning check saved for the run of {}.",
                    long_date(record.date())
                ))
            }
            Err(error) => Err(error),
        });
    }

    /// Taps only count where the minute is shown: leaving it stops the count, and says so.
    pub(super) fn stop_count_on_leaving(&mut self) {
        if self.baseline.counting.take().is_some() {
            self.tell([
                "The counted minute was stopped when you left its screen; count \
                        again from the start."
                    .to_string(),
            ]);
        }
    }

    pub(super) fn save_risk(&mut self) {
        let risk = self.guide.risk;
        match self.data.update_profile(|profile| profile.risk = risk) {
            Ok(notices) => {
                self.tell(notices);
                self.guide.outcome = Some(Ok("Saved.".into()));
                self.guide.step = GuideStep::Baseline;
            }
            Err(error) => self.guide.outcome = Some(Err(error)),
        }
    }

    pub(super) fn add_clearance(&mut self) {
        if let Err(error) = check_note(&self.clearance.note) {
            self.clearance.error = Some(error);
            return;
        }
        let clearance = Clearance {
            date: self.clock.today(),
            note: self.clearance.note.trim().to_owned(),
        };
        match self
            .data
            .update_profile(|profile| profile.clearances.push(clearance))
        {
            Ok(notices) => {
                self.tell(notices);
                self.clearance = ClearanceForm::default();
            }
            Err(error) => self.clearance.error = Some(error),
        }
    }
}

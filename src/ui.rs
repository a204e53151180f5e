//! The desktop app (eframe, glow renderer).
//!
//! * [`app`] holds the eframe `App`: persisted preferences apart from runtime fields;
//!   `logic` drains engine events and audio faults every frame, saves the run being
//!   recorded and ends the counted minute; each screen's `*_ui` function only draws and
//!   pushes [`app::Action`]s, which run after drawing.
//! * [`metronome`] is the live side of the Run screen (output, engine handle, rate,
//!   flash timing, planned programs, cues), free of egui so that it can be tested
//!   without a window. `records` holds the runner's data from the [`Store`] and the run
//!   being recorded, also free of egui.
//! * One file per screen: Run, Baseline, Plan, Training (other training, exercise sets
//!   and shoes), History, Music (the runner's songs, scanned and decoded on worker
//!   threads), Settings, the guided start (first launch) and About the advice.
//! * The sound card is reached through an [`OutputFactory`], so tests and tools can put
//!   a real engine behind a simulated device (see `tests/support/clock.rs`); time is
//!   read through a [`Clock`], so tests can move a [`ManualClock`] instead of waiting.
//!
//! Audio never depends on the GUI: the engine renders on the audio thread, and the GUI
//! only sends commands and reads events. Repaints happen on input, or at the next flash
//! edge while playing (`request_repaint_after`); a stopped app does not repaint at all.

mod advice_screen;
pub mod app;
mod baseline_screen;
mod cleared_fill;
pub mod clock;
mod fields;
mod history_screen;
mod import_panel;
pub mod metronome;
mod music_panel;
mod phone_export;
mod plan_screen;
mod records;
mod run_screen;
mod settings_screen;
mod start_screen;
mod training_screen;

use std::path::Path;

pub use app::{CadenceApp, Preferences, Screen};
pub use clock::{Clock, ManualClock, SystemClock};
pub use metronome::{Cue, Metronome, MusicClicks, OutputKind};
pub use records::SAVE_EVERY;

use crate::store::{DataDir, Store};

use crate::audio::{
    AudioError, AudioOutput, DeviceInfo, HostChoice, Observed, OutputInfo, OutputOptions,
};
use crate::engine::{EngineHandle, SoundChoice, Voicing};

/// What the app needs from an open output, real or simulated.
pub trait Output {
    fn info(&self) -> &OutputInfo;
    /// Buffer size and latency as measured once the stream runs.
    fn observed(&self) -> Option<Observed>;
    /// Stream problems a runner should know of, since the last call (at most one line
    /// per kind per minute). Called a few times a second while the output is open: it
    /// also keeps the output going (see [`AudioOutput::faults`]).
    fn take_faults(&mut self) -> Vec<String>;
    /// Pauses the stream while nothing plays (no CPU while idle), resumes it to play.
    fn set_paused(&mut self, _paused: bool) {}
    /// Whether the audio thread runs with real-time priority, for Settings.
    fn priority(&self) -> Option<String> {
        None
    }
}

impl Output for AudioOutput {
    fn info(&self) -> &OutputInfo {
        AudioOutput::info(self)
    }

    fn observed(&self) -> Option<Observed> {
        AudioOutput::observed(self)
    }

    fn take_faults(&mut self) -> Vec<String> {
        AudioOutput::faults(self)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn set_paused(&mut self, paused: bool) {
        AudioOutput::set_paused(self, paused);
    }

    fn priority(&self) -> Option<String> {
        Some(AudioOutput::priority(self).to_string())
    }
}

/// An open output and the handle of the engine it drives.
pub type Opened = (Box<dyn Output>, EngineHandle);

/// Opens outputs. The app uses [`DeviceOutputs`]; tests inject one that renders a real
/// engine from a thread, so everything but the sound card is exercised.
pub trait OutputFactory {
    /// Opens the sound card.
    fn open(
        &self,
        options: &OutputOptions,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<Opened, AudioError>;

    /// A device-less real-time clock driving the same engine, so the flash keeps the
    /// beat when there is no sound card.
    fn silent(
        &self,
        sample_rate: u32,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<Opened, AudioError>;

    /// The outputs of `host`.
    fn devices(&self, host: HostChoice) -> Result<Vec<DeviceInfo>, AudioError>;
}

/// The real sound card, through [`crate::audio`].
pub struct DeviceOutputs;

impl OutputFactory for DeviceOutputs {
    fn open(
        &self,
        options: &OutputOptions,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<Opened, AudioError> {
        let (output, handle) = AudioOutput::open(options, sound, voicing)?;
        Ok((Box::new(output), handle))
    }

    fn silent(
        &self,
        sample_rate: u32,
        sound: &SoundChoice,
        voicing: Voicing,
    ) -> Result<Opened, AudioError> {
        let (output, handle) = AudioOutput::silent(sample_rate, sound, voicing)?;
        Ok((Box::new(output), handle))
    }

    fn devices(&self, host: HostChoice) -> Result<Vec<DeviceInfo>, AudioError> {
        crate::audio::output_devices_on(host)
    }
}

/// The window's icon (also in `assets/`, beside the `.desktop` file).
const ICON_PNG: &[u8] = include_bytes!("../assets/cadence-coach.png");

/// Opens the window with the real sound card. `data_dir` (from `--data-dir` or
/// `CADENCE_COACH_DATA_DIR`) holds the runner's data and the window state; without it
/// the data goes to the platform folder.
pub fn run_app(data_dir: Option<&Path>) -> anyhow::Result<()> {
    run_app_with(data_dir, Box::new(DeviceOutputs))
}

/// Mesa's variable for its software renderer's thread count (llvmpipe; see below).
const SOFTWARE_RENDERER_THREADS: &str = "LP_NUM_THREADS";

/// Where no GPU driver is installed, Mesa's software renderer splits every frame over
/// one thread per core. The window draws two small frames a step while playing, and
/// handing each to other threads and waiting for them costs more CPU than drawing it
/// on the window's own thread (measured with `scripts/measure.sh --play`; see the
/// README). A value the user set is kept, and GPU drivers do not read it.
fn draw_software_frames_on_one_thread() {
    if std::env::var_os(SOFTWARE_RENDERER_THREADS).is_none() {
        // SAFETY: called before the window opens and before this program starts any
        // thread, so no other thread can be reading the environment.
        unsafe { std::env::set_var(SOFTWARE_RENDERER_THREADS, "0") };
    }
}

/// Opens the window with the given outputs.
pub fn run_app_with(
    data_dir: Option<&Path>,
    outputs: Box<dyn OutputFactory>,
) -> anyhow::Result<()> {
    // Before any thread starts: the time zone cannot be read safely afterwards, nor the
    // environment changed.
    let clock = SystemClock::new();
    draw_software_frames_on_one_thread();
    let store = Store::open(DataDir::resolve(data_dir.map(Path::to_path_buf))?);
    let mut viewport = eframe::egui::ViewportBuilder::default()
        .with_title("Cadence Coach")
        .with_app_id("cadence-coach")
        .with_inner_size([760.0, 720.0])
        .with_min_inner_size([380.0, 520.0]);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        // Built in and checked by a test; a window without an icon still works.
        Err(error) => eprintln!("the window icon could not be read: {error}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        persistence_path: data_dir.map(|dir| dir.join("window.ron")),
        // The screens are flat colours with no gradients to band, and dithering makes
        // every pixel's shading dearer under software rendering (about 15% of it).
        dithering: false,
        ..Default::default()
    };
    eframe::run_native(
        "cadence-coach",
        options,
        Box::new(move |cc| {
            Ok(Box::new(
                CadenceApp::new(cc, outputs, store).with_clock(std::sync::Arc::new(clock)),
            ))
        }),
    )
    // eframe's error is not Sync, so it is carried as text.
    .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_icon_is_a_square_png() {
        let icon = eframe::icon_data::from_png_bytes(ICON_PNG).expect("the icon decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        // Not blank: the tile is opaque in the middle, transparent in the corner.
        let alpha = |x: u32, y: u32| icon.rgba[((y * icon.width + x) * 4 + 3) as usize];
        assert_eq!(alpha(128, 128), 255);
        assert_eq!(alpha(0, 0), 0);
    }
}

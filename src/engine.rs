//! The pure audio engine: tempo model, step scheduling, click voices and mixing.
//!
//! Nothing here touches a device, a file or the clock. [`Engine::render`] is called by
//! the live output on the audio thread, by the exporter in a loop, and by tests; all
//! three get the same samples. See the crate documentation for the threading rules.

mod control;
mod cue;
mod mixer;
mod music;
mod program;
mod renderer;
mod sound;
mod tempo;

pub use control::{Command, EngineEvent, EngineStatus, Retired, StatusSnapshot};
pub use cue::{CUE_PEAK, CompiledCue, CueKind, CueMark, MAX_CUE_SECONDS, cue_start};
pub use mixer::{CEILING, MAX_VOICES};
pub use music::{
    MusicFeeder, MusicInput, MusicSource, RETIME_LEAD_SECONDS, TempoChange, music_ring,
    music_stream,
};
pub use program::{Accent, CompiledProgram, FeedbackChange, Program};
pub use renderer::{
    Commander, Engine, EngineConfig, EngineHandle, MAX_BLOCK, SendError, Voicing, engine,
};
pub use sound::{
    ACCENT_PEAK, BuiltinSound, ClickSound, MAX_SOUND_SECONDS, NORMAL_PEAK, SoundChoice,
};
pub use tempo::{Piece, Segment, TempoMap, TempoTrack, nearest_frame};

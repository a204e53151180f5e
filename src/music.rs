//! Music at the step rate: the runner's own songs, their beats found, stretched without
//! changing pitch to the step rate and laid on the steps.
//!
//! ```text
//!   decode     file -> samples (rodio / symphonia)
//!   onset      samples -> onset-strength envelope (log-mel spectral flux)
//!   tempo      envelope -> period (autocorrelation, prior, half/double check)
//!   beats      envelope + period -> beat times (Ellis's dynamic programming), confidence
//!   analysis   all of the above for one song
//!   fold       song tempo -> step rate (half-time 84 BPM = 168 spm), fit to a target
//!   library    a folder scanned, results cached per file (store document `music`)
//!   timemap    output frame <-> song frame, pinned at every beat
//!   stretch    WSOLA time-stretch along a time map (pitch unchanged)
//!   playlist   songs laid on the steps, crossfades on beats
//!   player     the placed songs rendered frame by frame, for the engine's music ring;
//!              retimed after a live rate change, or with a song skipped
//!   session    the songs that suit a target, decoded before the output opens
//!   live       the worker thread that feeds the engine's ring during a run
//! ```
//!
//! `decode` and `library` read files and `live` runs a thread; the rest is pure. The audio thread never runs
//! any of it: the player fills a lock-free ring (`engine::music_ring`) from a worker.

pub mod analysis;
mod beats;
pub mod decode;
pub mod fold;
pub mod library;
pub mod live;
mod onset;
pub mod player;
pub mod playlist;
pub mod session;
pub mod stretch;
pub mod synth;
mod tempo;
pub mod timemap;

pub use analysis::{Analysis, AnalysisError, MIN_CONFIDENCE, analyse};
pub use decode::{Audio, DecodeError, decode_file, decode_file_at};
pub use fold::{Fit, Folded, fold};

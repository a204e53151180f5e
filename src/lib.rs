//! # Cadence Coach
//!
//! A metronome and coach for runners raising their step rate 5-10% above their natural
//! one to ease knee pain.
//!
//! ## Layers (arrows point down only)
//!
//! ```text
//!   ui/ (eframe app)        cli/ (clap subcommands)
//!          \                 /
//!   audio/ (cpal output)   export/ (files)   store/ (RON files)   import/ (FIT, TCX, GPX)
//!                                                                 music/ (songs)
//!          \                 |                    /                    /
//!   engine/ (pure audio: tempo, steps, voices)   coach/ (pure domain)
//! ```
//!
//! `engine` and `coach` know nothing of devices, files, clocks or windows.
//!
//! ## Threads and what they may do
//!
//! * **Audio thread** (owned by cpal): calls [`engine::Engine::render_timed`] and converts
//!   samples. It never allocates, frees, locks, blocks, logs or panics. Commands come in
//!   through a bounded crossbeam channel read with `try_recv`; events and anything the
//!   engine no longer needs go out with `try_send`; live figures go out through atomics
//!   ([`engine::EngineStatus`]). Stream errors are counted into a queue, never printed.
//!   The engine sits in a slot the callback takes with one compare-and-swap, so a
//!   reopened stream carries on the same engine; frames the device lost (found from the
//!   playback times) are skipped so the clicks keep their grid.
//! * **Control thread** (GUI or CLI): builds programs and sounds (allocation is fine
//!   here), sends commands through [`engine::EngineHandle`], polls events and status
//!   without blocking, and frees what the engine hands back. It also calls
//!   [`audio::AudioOutput::faults`] now and then, which reopens the output with a larger
//!   buffer after repeated underruns and follows the default device.
//! * **Music worker** (with `--music`): stretches the songs ([`music::player`]) into a
//!   wait-free single-producer ring ([`engine::music_ring`]); the audio thread only reads
//!   and mixes it ([`engine::MusicInput`]), skipping what arrived late.
//! * Tests render under `assert_no_alloc` to prove the first rule.
//!
//! ## Timing
//!
//! Step `k` sounds on the frame nearest the time where the integral of the step rate
//! reaches `k`, solved from absolute frame counts ([`engine::TempoTrack`]). Nothing is
//! timed by sleeping and no interval is ever added to another, so clicks do not drift
//! and the output does not depend on the buffer size.

pub mod audio;
pub mod cli;
pub mod coach;
pub mod engine;
pub mod export;
pub mod import;
pub mod music;
pub mod store;
pub mod ui;

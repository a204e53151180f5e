//! Music beside a live run: a worker thread keeps the engine's music ring full from
//! the stretched songs, retimes them when the engine changes the rate, and skips a
//! song when asked. The audio thread only mixes what the ring holds.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Select, Sender, bounded};

use super::player::MusicPlayer;
use crate::engine::{Command, EngineHandle, RETIME_LEAD_SECONDS, SendError, music_stream};

/// The ring holds this much music ahead of the audio thread (seconds).
const AHEAD_SECONDS: f64 = 2.0;
/// The worker tops the ring up at least this often (a twentieth of what it holds);
/// a rate change or a request wakes it at once.
const REFILL: Duration = Duration::from_millis(100);

enum Request {
    Skip,
    Stop,
}

/// The running worker; dropping it stops it.
pub struct MusicWorker {
    requests: Sender<Request>,
    thread: Option<JoinHandle<()>>,
    /// The song being rendered, for a display (the worker writes it; never the audio
    /// thread).
    now_playing: Arc<Mutex<Option<String>>>,
}

impl MusicWorker {
    /// Fills a ring from `player` (which renders from session frame `start_frame`)
    /// and hands it to the engine, full, before returning: the music is there from
    /// the first step.
    pub fn start(
        player: MusicPlayer,
        handle: &EngineHandle,
        start_frame: u64,
        volume: f32,
    ) -> Result<Self, SendError> {
        let config = handle.config();
        let (mut feeder, input) = music_stream(
            Box::new(player),
            (config.sample_rate, config.channels),
            AHEAD_SECONDS,
            start_frame,
            volume,
        );
        feeder.fill(u64::MAX);
        handle.send(Command::SetMusic(Some(Box::new(input))))?;
        let commander = handle.commander();
        let lead = (RETIME_LEAD_SECONDS * f64::from(config.sample_rate)) as u64;
        let (requests, incoming) = bounded(8);
        let now_playing = Arc::new(Mutex::new(feeder.now_playing()));
        let shown = Arc::clone(&now_playing);
        let thread = std::thread::Builder::new()
            .name("music".into())
            .spawn(move || {
                let mut unsent: Option<Command> = None;
                while !feeder.is_abandoned() {
                    let now = commander.status().elapsed_frames;
                    match incoming.try_recv() {
                        Ok(Request::Stop) => return,
                        Ok(Request::Skip) => {
                            if let Some(input) = feeder.skip(now + lead) {
                                unsent = Some(Command::SpliceMusic(input));
                            }
                        }
                        Err(_) => {}
                    }
                    if let Some(input) = feeder.follow(now) {
                        unsent = Some(Command::SpliceMusic(input));
                    }
                    if let Some(command) = unsent.take() {
                        // A full queue: try again on the next round.
                        unsent = commander.try_send(command).err();
                    }
                    feeder.fill(u64::MAX);
                    if let Ok(mut shown) = shown.lock() {
                        *shown = feeder.now_playing();
                    }
                    let mut select = Select::new();
                    select.recv(feeder.changes());
                    select.recv(&incoming);
                    let _ = select.ready_timeout(REFILL);
                }
            })
            .map_err(|_| SendError::Gone)?;
        Ok(Self {
            requests,
            thread: Some(thread),
            now_playing,
        })
    }

    /// The song playing (give or take the two seconds the ring holds).
    pub fn now_playing(&self) -> Option<String> {
        self.now_playing.lock().ok().and_then(|shown| shown.clone())
    }

    /// The next song comes in on a beat, shortly.
    pub fn skip(&self) {
        let _ = self.requests.try_send(Request::Skip);
    }
}

impl Drop for MusicWorker {
    fn drop(&mut self) {
        let _ = self.requests.try_send(Request::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

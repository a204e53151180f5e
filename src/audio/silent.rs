//! Output without a device: a plain thread renders the engine by the wall clock and
//! throws the samples away, so steps, events and status keep flowing (a GUI's visual
//! metronome keeps going) when no sound card is available.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::monitor::Monitor;
use super::output::frames_to_duration;
use crate::engine::{Engine, MAX_BLOCK};

/// How often the thread wakes to render what the clock says is due.
pub(crate) const TICK: Duration = Duration::from_millis(10);
/// After a longer stall (a suspended laptop) the session pauses instead of racing
/// through the missed time.
const MAX_CATCH_UP: Duration = Duration::from_millis(500);

pub(crate) struct SilentDriver {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SilentDriver {
    pub(crate) fn start(engine: Engine, monitor: Arc<Monitor>) -> io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("cadence-silent-output".into())
            .spawn(move || run(engine, &monitor, &flag))?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    pub(crate) fn is_running(&self) -> bool {
        self.thread
            .as_ref()
            .is_some_and(|thread| !thread.is_finished())
    }
}

impl Drop for SilentDriver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            // The thread only renders and sleeps; a panic in it has been reported by
            // the panic hook already.
            let _ = thread.join();
        }
    }
}

fn frames_in(elapsed: Duration, sample_rate: u32) -> u64 {
    let frames = elapsed.as_nanos() * u128::from(sample_rate) / 1_000_000_000;
    u64::try_from(frames).unwrap_or(u64::MAX)
}

fn run(mut engine: Engine, monitor: &Monitor, stop: &AtomicBool) {
    let rate = engine.sample_rate();
    let channels = engine.channels();
    let mut buffer = vec![0.0f32; MAX_BLOCK * channels];
    let mut origin = Instant::now();
    let mut rendered = 0u64;
    while !stop.load(Ordering::Acquire) {
        let now = Instant::now();
        let mut due = frames_in(now.duration_since(origin), rate);
        if due.saturating_sub(rendered) > frames_in(MAX_CATCH_UP, rate)
            && let Some(shifted) = now.checked_sub(frames_to_duration(rendered, rate))
        {
            origin = shifted;
            due = rendered;
        }
        let tick_start = rendered;
        while rendered < due {
            let frames = usize::try_from(due - rendered).map_or(MAX_BLOCK, |f| f.min(MAX_BLOCK));
            let Some(out) = buffer.get_mut(..frames * channels) else {
                break;
            };
            // The frame is "heard" when the clock says it is due.
            let audible_at = origin.checked_add(frames_to_duration(rendered, rate));
            assert_no_alloc::assert_no_alloc(|| engine.render_timed(out, audible_at));
            rendered += frames as u64;
        }
        if rendered > tick_start {
            let frames = usize::try_from(rendered - tick_start).unwrap_or(usize::MAX);
            monitor.record(frames, None);
        }
        std::thread::park_timeout(TICK);
    }
}

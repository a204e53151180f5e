//! Real-time scheduling for the audio thread, so a busy machine cannot starve it.
//!
//! The callback only notes which thread it runs on (one system call, no allocation);
//! the control thread then asks the kernel for `SCHED_FIFO` on that thread, which works
//! for root and for users with an `rtprio` limit (the `audio` group on most desktops),
//! and otherwise asks RealtimeKit over D-Bus, as PipeWire and PulseAudio clients do.
//! cpal's own `realtime` feature needs libdbus on Linux, so it is not used.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

/// The priority asked for: low among real-time threads, like PipeWire's clients, so the
/// sound server itself (higher) still comes first.
const PRIORITY: i32 = 10;
/// For the sound system client's own threads that the callback waits on: above every
/// normal thread, below the callback.
const HELPER_PRIORITY: i32 = PRIORITY - 1;
/// RealtimeKit refuses a thread without a CPU time limit; this is its usual ceiling.
const RTTIME_LIMIT_MICROS: u64 = 200_000;
/// How long to wait for the first callback to say which thread it is.
const CAPTURE_WAIT: Duration = Duration::from_secs(2);

/// What the audio thread got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Priority {
    /// Real-time scheduling, how it was obtained, and for how many of the sound
    /// system client's own threads besides the callback's.
    RealTime { via: &'static str, helpers: usize },
    /// Normal scheduling, and why.
    Normal { reason: String },
    /// No audio thread of ours (no device).
    NotApplicable,
}

impl Priority {
    pub fn is_real_time(&self) -> bool {
        matches!(self, Priority::RealTime { .. })
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Priority::RealTime { via, helpers: 0 } => write!(f, "real-time priority ({via})"),
            Priority::RealTime { via, helpers: 1 } => {
                write!(f, "real-time priority ({via}, and for 1 helper thread)")
            }
            Priority::RealTime { via, helpers } => {
                write!(
                    f,
                    "real-time priority ({via}, and for {helpers} helper threads)"
                )
            }
            Priority::Normal { reason } => write!(f, "normal priority ({reason})"),
            Priority::NotApplicable => f.write_str("no audio thread"),
        }
    }
}

/// The audio thread's id, written once by the callback.
#[derive(Debug)]
pub(crate) struct ThreadCapture {
    tid: AtomicI64,
    /// The thread promoted last and how: a rebuilt stream may call back on the same
    /// thread (PulseAudio's), already real-time because of us. Control side only.
    promoted: std::sync::Mutex<Option<(i64, &'static str)>>,
}

const UNKNOWN: i64 = -1;

impl Default for ThreadCapture {
    fn default() -> Self {
        Self {
            tid: AtomicI64::new(UNKNOWN),
            promoted: std::sync::Mutex::new(None),
        }
    }
}

impl ThreadCapture {
    /// Called by every callback: after the first, a single atomic load.
    pub(crate) fn capture(&self) {
        if self.tid.load(Ordering::Relaxed) == UNKNOWN {
            self.tid.store(current_tid(), Ordering::Release);
        }
    }

    /// Forgets the thread, for a stream that is rebuilt on a new one.
    pub(crate) fn reset(&self) {
        self.tid.store(UNKNOWN, Ordering::Release);
    }

    /// Waits (on the control thread) for the first callback, then raises its thread,
    /// and with it the threads the sound system's client started for the stream.
    ///
    /// Why the helpers too: cpal's PulseAudio client asks for timing on a second thread
    /// after every callback, and that request takes a lock the callback's thread also
    /// takes. At normal priority that thread can be preempted by any load while it
    /// holds the lock, and the real-time callback then waits behind it.
    pub(crate) fn promote(&self, deadline_from: Instant, helpers: &[i64]) -> Priority {
        let tid = loop {
            let tid = self.tid.load(Ordering::Acquire);
            if tid != UNKNOWN {
                break tid;
            }
            if deadline_from.elapsed() > CAPTURE_WAIT {
                return Priority::Normal {
                    reason: "the audio thread did not start".into(),
                };
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let mut promoted = self.promoted.lock().unwrap_or_else(|e| e.into_inner());
        let priority = match (promote_thread(tid, PRIORITY), *promoted) {
            (Priority::RealTime { helpers, .. }, Some((before, via))) if before == tid => {
                Priority::RealTime { via, helpers }
            }
            (priority, _) => priority,
        };
        let Priority::RealTime { via, .. } = priority else {
            *promoted = None;
            return priority;
        };
        *promoted = Some((tid, via));
        let raised = helpers
            .iter()
            .filter(|&&helper| helper != tid)
            .filter(|&&helper| promote_thread(helper, HELPER_PRIORITY).is_real_time())
            .count();
        Priority::RealTime {
            via,
            helpers: raised,
        }
    }
}

/// The threads of this process at one moment, to tell which ones opening a stream
/// started.
#[derive(Debug)]
pub(crate) struct ThreadSnapshot {
    before: Vec<i64>,
    name: Option<String>,
}

impl ThreadSnapshot {
    /// Taken on the thread that is about to open the stream.
    pub(crate) fn take() -> Self {
        Self {
            before: thread_ids(),
            name: thread_name(current_tid()),
        }
    }

    /// Threads started since, that carry the opening thread's name: threads started
    /// without a name inherit it, as the sound system clients' threads are, while the
    /// app names its own (the music worker, a scan), which keeps them out.
    pub(crate) fn started_since(&self) -> Vec<i64> {
        let Some(name) = &self.name else {
            return Vec::new();
        };
        thread_ids()
            .into_iter()
            .filter(|tid| !self.before.contains(tid))
            .filter(|&tid| thread_name(tid).as_ref() == Some(name))
            .collect()
    }
}

#[cfg(target_os = "linux")]
fn thread_ids() -> Vec<i64> {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(|task| task.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(not(target_os = "linux"))]
fn thread_ids() -> Vec<i64> {
    Vec::new()
}

#[cfg(target_os = "linux")]
fn thread_name(tid: i64) -> Option<String> {
    std::fs::read_to_string(format!("/proc/self/task/{tid}/comm"))
        .ok()
        .map(|name| name.trim_end().to_string())
}

#[cfg(not(target_os = "linux"))]
fn thread_name(_tid: i64) -> Option<String> {
    None
}

#[cfg(target_os = "linux")]
fn current_tid() -> i64 {
    // SAFETY: gettid has no arguments and cannot fail.
    i64::from(unsafe { libc::syscall(libc::SYS_gettid) } as i32)
}

#[cfg(not(target_os = "linux"))]
fn current_tid() -> i64 {
    0
}

#[cfg(target_os = "linux")]
fn promote_thread(tid: i64, priority: i32) -> Priority {
    if is_real_time(tid) {
        return Priority::RealTime {
            via: "set by the audio system",
            helpers: 0,
        };
    }
    let Ok(tid32) = libc::pid_t::try_from(tid) else {
        return Priority::Normal {
            reason: "unknown thread".into(),
        };
    };
    let param = libc::sched_param {
        sched_priority: priority,
    };
    // SAFETY: plain system call on a thread of this process with a valid parameter.
    if unsafe {
        libc::sched_setscheduler(tid32, libc::SCHED_FIFO | libc::SCHED_RESET_ON_FORK, &param)
    } == 0
    {
        return Priority::RealTime {
            via: "SCHED_FIFO",
            helpers: 0,
        };
    }
    let denied = std::io::Error::last_os_error();
    match rtkit::make_realtime(tid, priority) {
        Ok(()) if is_real_time(tid) => Priority::RealTime {
            via: "RealtimeKit",
            helpers: 0,
        },
        Ok(()) => Priority::Normal {
            reason: "RealtimeKit agreed but the thread is unchanged".into(),
        },
        Err(rtkit) => Priority::Normal {
            reason: format!("not permitted: {denied}; RealtimeKit: {rtkit}"),
        },
    }
}

#[cfg(not(target_os = "linux"))]
fn promote_thread(_tid: i64, _priority: i32) -> Priority {
    Priority::Normal {
        reason: "the audio system decides on this platform".into(),
    }
}

#[cfg(target_os = "linux")]
fn is_real_time(tid: i64) -> bool {
    let Ok(tid) = libc::pid_t::try_from(tid) else {
        return false;
    };
    // SAFETY: reads the policy of a thread of this process.
    let policy = unsafe { libc::sched_getscheduler(tid) };
    policy >= 0
        && matches!(
            policy & !libc::SCHED_RESET_ON_FORK,
            libc::SCHED_FIFO | libc::SCHED_RR
        )
}

#[cfg(target_os = "linux")]
mod rtkit {
    use super::RTTIME_LIMIT_MICROS;

    /// Asks RealtimeKit on the system bus to make thread `tid` of this process real-time.
    pub(super) fn make_realtime(tid: i64, priority: i32) -> Result<(), String> {
        // RealtimeKit insists on a CPU time limit, so a runaway thread cannot hang the
        // machine; the kernel then stops a thread that never sleeps.
        let limit = libc::rlimit {
            rlim_cur: RTTIME_LIMIT_MICROS,
            rlim_max: RTTIME_LIMIT_MICROS,
        };
        // SAFETY: sets a resource limit of this process from a valid struct.
        unsafe { libc::setrlimit(libc::RLIMIT_RTTIME, &limit) };
        let connection = zbus::blocking::Connection::system().map_err(|e| e.to_string())?;
        let pid = u64::from(std::process::id());
        let tid = u64::try_from(tid).map_err(|e| e.to_string())?;
        let priority = u32::try_from(priority).map_err(|e| e.to_string())?;
        connection
            .call_method(
                Some("org.freedesktop.RealtimeKit1"),
                "/org/freedesktop/RealtimeKit1",
                Some("org.freedesktop.RealtimeKit1"),
                "MakeThreadRealtimeWithPID",
                &(pid, tid, priority),
            )
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_is_captured_once_and_promotion_reports_what_it_got() {
        let capture = std::sync::Arc::new(ThreadCapture::default());
        let inner = std::sync::Arc::clone(&capture);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            inner.capture();
            inner.capture();
            // Stay alive until promoted.
            let _ = done_rx.recv();
        });
        let priority = capture.promote(Instant::now(), &[]);
        // Either way the answer is a sentence: root gets SCHED_FIFO, others a reason.
        let text = priority.to_string();
        assert!(
            text.starts_with("real-time priority") || text.starts_with("normal priority ("),
            "{text}"
        );
        #[cfg(target_os = "linux")]
        if priority.is_real_time() {
            assert!(is_real_time(capture.tid.load(Ordering::Relaxed)));
        }
        done_tx.send(()).unwrap();
        thread.join().unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_threads_an_opening_starts_are_told_from_the_apps_named_ones() {
        let snapshot = ThreadSnapshot::take();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let (tid_tx, tid_rx) = std::sync::mpsc::channel::<i64>();
        let done_rx = std::sync::Arc::new(std::sync::Mutex::new(done_rx));
        let mut threads = Vec::new();
        for name in [None, Some("music-worker")] {
            let (tid_tx, done_rx) = (tid_tx.clone(), std::sync::Arc::clone(&done_rx));
            let body = move || {
                tid_tx.send(current_tid()).unwrap();
                let _ = done_rx.lock().unwrap().recv();
            };
            threads.push(match name {
                // As a sound system client starts its threads: no name of its own.
                None => std::thread::spawn(body),
                Some(name) => std::thread::Builder::new()
                    .name(name.into())
                    .spawn(body)
                    .unwrap(),
            });
        }
        let unnamed = tid_rx.recv().unwrap();
        let named = tid_rx.recv().unwrap();
        let started = snapshot.started_since();
        // The harness runs other tests on other threads meanwhile; they carry other names.
        let (unnamed, named) = if thread_name(unnamed).as_deref() == Some("music-worker") {
            (named, unnamed)
        } else {
            (unnamed, named)
        };
        assert!(started.contains(&unnamed), "{started:?}");
        assert!(!started.contains(&named), "{started:?}");
        drop(done_tx);
        for thread in threads {
            thread.join().unwrap();
        }
    }

    #[test]
    fn no_callback_means_no_promotion() {
        let capture = ThreadCapture::default();
        let started = Instant::now() - CAPTURE_WAIT - Duration::from_millis(1);
        assert_eq!(
            capture.promote(started, &[]),
            Priority::Normal {
                reason: "the audio thread did not start".into()
            }
        );
    }
}

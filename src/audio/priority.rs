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
/// RealtimeKit refuses a thread without a CPU time limit; this is its usual ceiling.
const RTTIME_LIMIT_MICROS: u64 = 200_000;
/// How long to wait for the first callback to say which thread it is.
const CAPTURE_WAIT: Duration = Duration::from_secs(2);

/// What the audio thread got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Priority {
    /// Real-time scheduling, and how it was obtained.
    RealTime { via: &'static str },
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
            Priority::RealTime { via } => write!(f, "real-time priority ({via})"),
            Priority::Normal { reason } => write!(f, "normal priority ({reason})"),
            Priority::NotApplicable => f.write_str("no audio thread"),
        }
    }
}

/// The audio thread's id, written once by the callback.
#[derive(Debug)]
pub(crate) struct ThreadCapture {
    tid: AtomicI64,
}

const UNKNOWN: i64 = -1;

impl Default for ThreadCapture {
    fn default() -> Self {
        Self {
            tid: AtomicI64::new(UNKNOWN),
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

    /// Waits (on the control thread) for the first callback, then raises its thread.
    pub(crate) fn promote(&self, deadline_from: Instant) -> Priority {
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
        promote_thread(tid)
    }
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
fn promote_thread(tid: i64) -> Priority {
    if is_real_time(tid) {
        return Priority::RealTime {
            via: "set by the audio system",
        };
    }
    let Ok(tid32) = libc::pid_t::try_from(tid) else {
        return Priority::Normal {
            reason: "unknown thread".into(),
        };
    };
    let param = libc::sched_param {
        sched_priority: PRIORITY,
    };
    // SAFETY: plain system call on a thread of this process with a valid parameter.
    if unsafe {
        libc::sched_setscheduler(tid32, libc::SCHED_FIFO | libc::SCHED_RESET_ON_FORK, &param)
    } == 0
    {
        return Priority::RealTime { via: "SCHED_FIFO" };
    }
    let denied = std::io::Error::last_os_error();
    match rtkit::make_realtime(tid, PRIORITY) {
        Ok(()) if is_real_time(tid) => Priority::RealTime { via: "RealtimeKit" },
        Ok(()) => Priority::Normal {
            reason: "RealtimeKit agreed but the thread is unchanged".into(),
        },
        Err(rtkit) => Priority::Normal {
            reason: format!("not permitted: {denied}; RealtimeKit: {rtkit}"),
        },
    }
}

#[cfg(not(target_os = "linux"))]
fn promote_thread(_tid: i64) -> Priority {
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
        let priority = capture.promote(Instant::now());
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

    #[test]
    fn no_callback_means_no_promotion() {
        let capture = ThreadCapture::default();
        let started = Instant::now() - CAPTURE_WAIT - Duration::from_millis(1);
        assert_eq!(
            capture.promote(started),
            Priority::Normal {
                reason: "the audio thread did not start".into()
            }
        );
    }
}

//! Stream faults: reported by cpal on its audio thread, queued without blocking or
//! printing, and read on the control side.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use cpal::ErrorKind;
use crossbeam_channel::{Receiver, Sender, bounded};

/// Faults kept until the control side reads them; more are counted, not queued.
const FAULT_CAPACITY: usize = 32;

/// Something that went wrong with the output after it started.
#[derive(Clone, Debug)]
pub enum Fault {
    /// An error reported by the audio backend, `times` times in a row. (After an
    /// underrun, ALSA's PulseAudio plugin can fail the same call hundreds of times.)
    Stream { error: cpal::Error, times: u64 },
    /// This many faults arrived while the queue was full and were dropped.
    Dropped(u64),
}

impl Fault {
    /// True when the stream will not recover by itself: the device is gone or the stream
    /// was invalidated, so the output must be reopened.
    pub fn is_fatal(&self) -> bool {
        match self {
            Self::Stream { error, .. } => is_fatal_kind(error.kind()),
            Self::Dropped(_) => false,
        }
    }

    /// True for an underrun: the device ran out of samples and played silence.
    pub fn is_underrun(&self) -> bool {
        matches!(self, Self::Stream { error, .. } if error.kind() == ErrorKind::Xrun)
    }
}

fn is_fatal_kind(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::DeviceNotAvailable | ErrorKind::StreamInvalidated
    )
}

impl std::error::Error for Fault {}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (error, times) = match self {
            Self::Stream { error, times } => (error, *times),
            Self::Dropped(count) => {
                return write!(f, "{count} more audio problem(s) were not recorded");
            }
        };
        match error.kind() {
            ErrorKind::Xrun => f.write_str(
                "the audio buffer ran dry, so a click may have come late; \
                 close busy programs if this repeats",
            ),
            ErrorKind::DeviceNotAvailable => write!(
                f,
                "the audio device went away ({error}); reconnect it or pick another device"
            ),
            ErrorKind::StreamInvalidated => write!(
                f,
                "the audio stream stopped working ({error}); start playing again"
            ),
            ErrorKind::DeviceChanged => f.write_str("the audio device changed its settings"),
            _ => write!(f, "audio stream error: {error}"),
        }?;
        if times > 1 {
            write!(f, " ({times} times)")?;
        }
        Ok(())
    }
}

/// The audio thread's end: never blocks, never allocates.
pub(crate) struct FaultSender {
    queue: Sender<cpal::Error>,
    shared: Arc<FaultShared>,
}

/// The control side's end.
pub(crate) struct FaultReceiver {
    queue: Receiver<cpal::Error>,
    shared: Arc<FaultShared>,
}

#[derive(Default)]
struct FaultShared {
    dropped: AtomicU64,
    dead: AtomicBool,
}

pub(crate) fn fault_queue() -> (FaultSender, FaultReceiver) {
    let (tx, rx) = bounded(FAULT_CAPACITY);
    let shared = Arc::new(FaultShared::default());
    (
        FaultSender {
            queue: tx,
            shared: Arc::clone(&shared),
        },
        FaultReceiver { queue: rx, shared },
    )
}

impl FaultSender {
    pub(crate) fn report(&self, error: cpal::Error) {
        if is_fatal_kind(error.kind()) {
            self.shared.dead.store(true, Ordering::Release);
        }
        // When full, the error is dropped here: rare, and only its message is freed.
        if self.queue.try_send(error).is_err() {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl FaultReceiver {
    /// Faults so far, without waiting, repeats merged, followed by a count of any that
    /// were dropped.
    pub(crate) fn drain(&self) -> impl Iterator<Item = Fault> + use<> {
        let mut faults: Vec<Fault> = Vec::new();
        for error in self.queue.try_iter() {
            if let Some(Fault::Stream { error: last, times }) = faults.last_mut()
                && last.kind() == error.kind()
                && last.message() == error.message()
            {
                *times += 1;
                continue;
            }
            faults.push(Fault::Stream { error, times: 1 });
        }
        let dropped = self.shared.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            faults.push(Fault::Dropped(dropped));
        }
        faults.into_iter()
    }

    /// False once a fatal fault was reported.
    pub(crate) fn stream_alive(&self) -> bool {
        !self.shared.dead.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_queue_without_blocking_and_count_overflow() {
        let (tx, rx) = fault_queue();
        tx.report(cpal::Error::new(ErrorKind::Xrun));
        for _ in 1..FAULT_CAPACITY + 5 {
            tx.report(cpal::Error::with_message(ErrorKind::Other, "I/O error"));
        }
        assert!(rx.stream_alive());
        let faults: Vec<Fault> = rx.drain().collect();
        assert_eq!(faults.len(), 3, "{faults:?}");
        assert!(faults[0].is_underrun());
        assert!(
            faults[1].to_string().ends_with("I/O error (31 times)"),
            "{}",
            faults[1]
        );
        assert!(matches!(faults[2], Fault::Dropped(5)));
        assert!(faults.iter().all(|fault| !fault.is_fatal()));
        assert_eq!(rx.drain().count(), 0);

        tx.report(cpal::Error::new(ErrorKind::DeviceNotAvailable));
        assert!(!rx.stream_alive());
        let fault = rx.drain().next().unwrap();
        assert!(fault.is_fatal());
        assert!(fault.to_string().contains("pick another device"), "{fault}");
    }
}

//! Keeps a live output going, on the control thread: a larger buffer after repeated
//! underruns, and the default device followed when it changes or the stream dies. Every
//! reopen keeps the same engine (see [`super::output::PlayerSlot`]), so the program,
//! live rate changes and the grid carry on.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait};

use super::BufferSetting;
use super::device::name_of;
use super::fault::{Fault, FaultReceiver};
use super::output::LiveStream;
use super::priority::Priority;

/// This many underruns while playing within [`GROW_WINDOW`] make the buffer grow.
const GROW_AFTER: usize = 3;
const GROW_WINDOW: Duration = Duration::from_secs(30);
/// The largest buffer grown to: 85 ms at 48 kHz. A click this late after a rate change
/// is still unnoticeable to a runner, and no machine that can run the app needs more.
pub(crate) const MAX_BUFFER_FRAMES: u32 = 4_096;
/// What a device-chosen buffer grows to (its size is not known): 40 ms at 48 kHz.
const GROWN_FROM_DEVICE_DEFAULT: u32 = 1_920;
/// A reopen itself loses a little sound; underruns just after one are not held against
/// the new buffer.
const GRACE: Duration = Duration::from_secs(2);
/// How often the default device is looked up while playing.
const DEVICE_CHECK_EVERY: Duration = Duration::from_secs(2);

pub(crate) struct Supervisor {
    live: LiveStream,
    buffer: BufferSetting,
    underruns_seen: u64,
    recent: VecDeque<Instant>,
    grace_until: Option<Instant>,
    next_device_check: Instant,
    /// Only an output opened on the default device follows the default.
    follows_default: bool,
    default_id: Option<String>,
    device: Option<(String, Option<String>)>,
    failed: bool,
}

impl Supervisor {
    pub(crate) fn new(live: LiveStream, buffer: BufferSetting, follows_default: bool) -> Self {
        let default_id = live
            .host()
            .default_output_device()
            .and_then(|device| device.id().ok())
            .map(|id| id.to_string());
        Self {
            live,
            buffer,
            underruns_seen: 0,
            recent: VecDeque::new(),
            grace_until: None,
            next_device_check: Instant::now() + DEVICE_CHECK_EVERY,
            follows_default,
            default_id,
            device: None,
            failed: false,
        }
    }

    /// The buffer now in use.
    pub(crate) fn buffer(&self) -> BufferSetting {
        self.buffer
    }

    /// What the threads of the stream now in use got.
    pub(crate) fn priority(&self) -> &Priority {
        self.live.priority()
    }

    /// The device now in use, once it changed: (name, id).
    pub(crate) fn device(&self) -> Option<(String, Option<String>)> {
        self.device.clone()
    }

    pub(crate) fn is_alive(&self) -> bool {
        !self.failed && self.live.has_stream()
    }

    pub(crate) fn set_paused(&mut self, paused: bool) {
        // A stream that will not pause keeps playing silence: costs CPU, loses nothing.
        let _ = self.live.set_paused(paused);
    }

    /// Acts on what `faults` holds and on the diagnostics, adding what the runner should
    /// be told about what was done.
    pub(crate) fn maintain(
        &mut self,
        now: Instant,
        faults: &mut Vec<Fault>,
        receiver: &mut FaultReceiver,
    ) {
        let diagnostics = receiver.diagnostics();
        let new_underruns = diagnostics.underruns.saturating_sub(self.underruns_seen);
        self.underruns_seen = diagnostics.underruns;
        let in_grace = self.grace_until.is_some_and(|until| now < until);
        if !in_grace {
            for _ in 0..new_underruns.min(GROW_AFTER as u64) {
                self.recent.push_back(now);
            }
        }
        while self
            .recent
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) > GROW_WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= GROW_AFTER
            && let Some(bigger) = grown(self.buffer)
        {
            self.recent.clear();
            match self.live.rebuild(None, bigger) {
                Ok(()) => {
                    self.buffer = bigger;
                    self.grace_until = Some(now + GRACE);
                    let BufferSetting::Fixed(frames) = bigger else {
                        unreachable!("grown() gives fixed buffers")
                    };
                    faults.push(Fault::BufferGrown {
                        frames,
                        sample_rate: self.live.config().sample_rate,
                    });
                }
                Err(error) => self.fail(faults, error),
            }
        }

        let fatal = faults.iter().any(Fault::is_fatal);
        let due = now >= self.next_device_check;
        if fatal || (due && self.follows_default) {
            self.next_device_check = now + DEVICE_CHECK_EVERY;
            self.follow_default(now, faults, receiver, fatal);
        }
    }

    /// Moves to the default device when it changed, or when the stream died.
    fn follow_default(
        &mut self,
        now: Instant,
        faults: &mut Vec<Fault>,
        receiver: &mut FaultReceiver,
        fatal: bool,
    ) {
        let Some(device) = self.live.host().default_output_device() else {
            return;
        };
        let id = device.id().ok().map(|id| id.to_string());
        let changed = id != self.default_id;
        if !changed && !fatal {
            return;
        }
        if !fatal && self.live.device_id() == id {
            self.default_id = id;
            return;
        }
        if !(self.follows_default || fatal) {
            return;
        }
        let name = name_of(&device);
        match self.live.rebuild(Some(device), self.buffer) {
            Ok(()) => {
                faults.retain(|fault| !fault.is_fatal());
                receiver.revive();
                self.failed = false;
                self.default_id = id.clone();
                self.device = Some((name.clone(), id));
                self.grace_until = Some(now + GRACE);
                faults.push(Fault::Followed { device: name });
            }
            // The fatal fault already in `faults` says what happened.
            Err(_) if fatal => self.failed = true,
            Err(error) => self.fail(faults, error),
        }
    }

    fn fail(&mut self, faults: &mut Vec<Fault>, error: cpal::Error) {
        self.failed = true;
        faults.push(Fault::Stream { error, times: 1 });
    }
}

/// The next buffer size, or `None` at the largest.
pub(crate) fn grown(buffer: BufferSetting) -> Option<BufferSetting> {
    match buffer {
        BufferSetting::Fixed(frames) if frames >= MAX_BUFFER_FRAMES => None,
        BufferSetting::Fixed(frames) => Some(BufferSetting::Fixed(
            frames.saturating_mul(2).min(MAX_BUFFER_FRAMES),
        )),
        BufferSetting::DeviceDefault => Some(BufferSetting::Fixed(GROWN_FROM_DEVICE_DEFAULT)),
        BufferSetting::NoDevice => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_double_up_to_a_ceiling() {
        assert_eq!(
            grown(BufferSetting::Fixed(480)),
            Some(BufferSetting::Fixed(960))
        );
        assert_eq!(
            grown(BufferSetting::Fixed(3_000)),
            Some(BufferSetting::Fixed(MAX_BUFFER_FRAMES))
        );
        assert_eq!(grown(BufferSetting::Fixed(MAX_BUFFER_FRAMES)), None);
        assert_eq!(
            grown(BufferSetting::DeviceDefault),
            Some(BufferSetting::Fixed(1_920))
        );
        assert_eq!(grown(BufferSetting::NoDevice), None);
    }
}

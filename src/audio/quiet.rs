//! Keeps ALSA from printing to stderr while we probe devices.
//!
//! alsa-lib prints every failed lookup ("ALSA lib confmisc.c: cannot find card '0'")
//! straight to stderr, which buries our own one-line messages. Failures still come back
//! to us as errors through cpal, so the text adds nothing. alsa-lib lets a thread install
//! its own error handler; unlike the global one it takes a `va_list`, so it can be
//! written in stable Rust. libasound is already linked through cpal.
//!
//! Some plugins print through their own libraries (JACK's does, when no JACK server
//! runs), which no ALSA handler catches. Listing every device opens each of them, so
//! [`MutedStderr`] silences the whole process's stderr for that moment.

/// Silences ALSA on this thread until dropped.
pub(crate) struct QuietAlsa {
    #[cfg(target_os = "linux")]
    previous: sys::LocalHandler,
}

impl QuietAlsa {
    pub(crate) fn new() -> Self {
        Self {
            // SAFETY: sets a thread-local pointer in alsa-lib to a function that ignores
            // its arguments; it is restored on drop.
            #[cfg(target_os = "linux")]
            previous: unsafe { sys::snd_lib_error_set_local(Some(sys::ignore)) },
        }
    }
}

impl Drop for QuietAlsa {
    fn drop(&mut self) {
        // SAFETY: puts back the handler that was there before, on the same thread.
        #[cfg(target_os = "linux")]
        unsafe {
            sys::snd_lib_error_set_local(self.previous);
        }
    }
}

/// Points file descriptor 2 at /dev/null until dropped. It is process-wide, so only
/// for short, user-requested probing; the audio threads never print anyway.
pub(crate) struct MutedStderr {
    #[cfg(target_os = "linux")]
    saved: Option<std::ffi::c_int>,
    // Two overlapping mutes would restore in the wrong order.
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static MUTE: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl MutedStderr {
    pub(crate) fn new() -> Self {
        let guard = MUTE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Self {
            #[cfg(target_os = "linux")]
            saved: sys::mute_stderr(),
            _one_at_a_time: guard,
        }
    }
}

impl Drop for MutedStderr {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(saved) = self.saved.take() {
            sys::restore_stderr(saved);
        }
    }
}

/// Runs `f` with ALSA's messages silenced on this thread.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let _quiet = QuietAlsa::new();
    f()
}

#[cfg(target_os = "linux")]
mod sys {
    use std::ffi::{c_char, c_int, c_void};
    use std::os::fd::AsRawFd;

    const STDERR: c_int = 2;

    // From the C library, which std links anyway.
    unsafe extern "C" {
        fn dup(fd: c_int) -> c_int;
        fn dup2(from: c_int, to: c_int) -> c_int;
        fn close(fd: c_int) -> c_int;
    }

    /// Returns a copy of the old stderr to restore, or `None` if nothing changed.
    pub(super) fn mute_stderr() -> Option<c_int> {
        let null = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .ok()?;
        // SAFETY: plain descriptor calls on descriptors we own or on 2, which stays
        // valid throughout: dup2 replaces it atomically.
        unsafe {
            let saved = dup(STDERR);
            if saved < 0 {
                return None;
            }
            if dup2(null.as_raw_fd(), STDERR) < 0 {
                close(saved);
                return None;
            }
            Some(saved)
        }
    }

    pub(super) fn restore_stderr(saved: c_int) {
        // SAFETY: `saved` came from dup() in mute_stderr and is closed only here.
        unsafe {
            dup2(saved, STDERR);
            close(saved);
        }
    }

    /// `snd_local_error_handler_t`: the last argument is a `va_list`, which is passed as
    /// a pointer on the Linux ABIs; it is never read.
    pub(super) type LocalHandler = Option<
        unsafe extern "C" fn(
            *const c_char,
            c_int,
            *const c_char,
            c_int,
            *const c_char,
            *mut c_void,
        ),
    >;

    #[link(name = "asound")]
    unsafe extern "C" {
        pub(super) fn snd_lib_error_set_local(handler: LocalHandler) -> LocalHandler;
    }

    pub(super) unsafe extern "C" fn ignore(
        _file: *const c_char,
        _line: c_int,
        _function: *const c_char,
        _err: c_int,
        _fmt: *const c_char,
        _args: *mut c_void,
    ) {
    }
}

//! Catching a panic of a third-party parser without its message on stderr.
//!
//! A panic inside fitparser on a damaged file is reported by the caller as one line
//! naming the file; the default panic hook would print the panic's message (and, with
//! `RUST_BACKTRACE`, a backtrace) before that. The panic hook is global to the process,
//! so it is not swapped around each parse (another thread's panic at that moment would
//! go unreported, or a hook set meanwhile would be lost). Instead a hook is installed
//! once that forwards to the hook it replaced, except for panics on a thread that is
//! inside [`catch`] at the time.

use std::cell::Cell;
use std::panic::{self, UnwindSafe};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    /// True while this thread runs a parse whose panics are caught and reported.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();
static CAUGHT: AtomicUsize = AtomicUsize::new(0);

/// Runs `parse`, returning `None` if it panicked; the panic prints nothing.
pub(super) fn catch<T>(parse: impl FnOnce() -> T + UnwindSafe) -> Option<T> {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // `try_with`: a panic while a thread is being torn down still gets reported.
            if !QUIET.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.with(|quiet| quiet.replace(true));
    let result = panic::catch_unwind(parse);
    QUIET.with(|quiet| quiet.set(was_quiet));
    if result.is_err() {
        CAUGHT.fetch_add(1, Ordering::Relaxed);
    }
    result.ok()
}

/// How many panics [`catch`] has caught in this process: the fuzz target checks that
/// the framing walk leaves fitparser none to make.
pub fn caught() -> usize {
    CAUGHT.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_gives_none_is_counted_and_unmutes_the_thread_after() {
        let before = caught();
        assert_eq!(catch(|| 7), Some(7));
        assert!(!QUIET.with(Cell::get));
        assert_eq!(catch(|| -> u8 { panic!("inside the parser") }), None);
        assert!(caught() > before);
        assert!(!QUIET.with(Cell::get), "panics after it print as usual");
    }
}

//! An advisory lock per single-file document, so that two running copies of Cadence
//! Coach (say the window and a command in a terminal) take turns at read-modify-write
//! instead of losing each other's changes.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Holds `<name>.lock` in the data folder locked until dropped. The operating system
/// releases the lock if the process dies, so a crash never leaves it stuck.
///
/// Not re-entrant: taking the same document's lock twice on one thread waits forever.
#[derive(Debug)]
pub(crate) struct DocumentLock {
    // Closing the file releases the lock.
    _file: File,
}

impl DocumentLock {
    /// Waits until no other process (or thread) holds the lock for `file_name`.
    pub(crate) fn acquire(folder: &Path, file_name: &str) -> Result<Self, StoreError> {
        let path = lock_path(folder, file_name);
        let lock_error = |source| StoreError::Lock {
            path: path.clone(),
            source,
        };
        // The lock file stays: deleting it would let a waiting process lock a file
        // that no longer has a name while a newcomer locks a fresh one.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(lock_error)?;
        file.lock().map_err(lock_error)?;
        Ok(Self { _file: file })
    }
}

pub(crate) fn lock_path(folder: &Path, file_name: &str) -> PathBuf {
    folder.join(format!("{file_name}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = DocumentLock::acquire(dir.path(), "plan.ron").unwrap();
        let released = Arc::new(AtomicBool::new(false));
        let waiter = {
            let folder = dir.path().to_owned();
            let released = Arc::clone(&released);
            std::thread::spawn(move || {
                let _second = DocumentLock::acquire(&folder, "plan.ron").unwrap();
                released.load(Ordering::SeqCst)
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        released.store(true, Ordering::SeqCst);
        drop(first);
        assert!(
            waiter.join().unwrap(),
            "the second lock was taken while the first was held"
        );
    }
}

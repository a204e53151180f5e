//! Keeping unreadable files, after Veloren's settings: a file that cannot be read is
//! renamed to `<name>.unreadable-<UTC time>` instead of being overwritten, so a bad
//! hand edit or a bug of ours never destroys a runner's data.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::macros::format_description;

use super::atomic::sync_parent;

/// Renames `path` to an unused `<name>.unreadable-<time>[-n]` beside it and returns the
/// new path. Never replaces an existing file.
pub(crate) fn keep_aside(path: &Path, now: OffsetDateTime) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?
        .to_string_lossy()
        .into_owned();
    let stamp = now
        .format(format_description!(
            "[year]-[month]-[day]T[hour]-[minute]-[second]Z"
        ))
        .map_err(io::Error::other)?;
    // Twice in one second (or a clock set back) gets "-2", "-3", ...
    for attempt in 1..=1000u32 {
        let suffix = if attempt == 1 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let candidate = path.with_file_name(format!("{name}.unreadable-{stamp}{suffix}"));
        if move_without_replacing(path, &candidate)? {
            sync_parent(path)?;
            return Ok(candidate);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "a thousand files were already set aside in the same second",
    ))
}

/// Moves `from` to `to` unless `to` exists (returns false then).
fn move_without_replacing(from: &Path, to: &Path) -> io::Result<bool> {
    // A hard link cannot replace an existing name, which a plain rename would.
    match fs::hard_link(from, to) {
        Ok(()) => {
            match fs::remove_file(from) {
                // Someone else set it aside at the same moment: both names hold it.
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
            Ok(true)
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(error),
        // File systems without hard links (FAT, some network shares). Document files
        // are set aside under their lock, so checking first is enough there.
        Err(_) => {
            if fs::symlink_metadata(to).is_ok() {
                return Ok(false);
            }
            fs::rename(from, to)?;
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn names_are_unique_within_one_second() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.ron");
        let now = datetime!(2026-11-20 23:36:00 UTC);
        let mut kept = Vec::new();
        for content in ["first", "second", "third"] {
            fs::write(&path, content).unwrap();
            kept.push(keep_aside(&path, now).unwrap());
            assert!(!path.exists());
        }
        let names: Vec<_> = kept
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "history.ron.unreadable-2026-11-20T23-36-00Z",
                "history.ron.unreadable-2026-11-20T23-36-00Z-2",
                "history.ron.unreadable-2026-11-20T23-36-00Z-3",
            ]
        );
        for (path, content) in kept.iter().zip(["first", "second", "third"]) {
            assert_eq!(fs::read_to_string(path).unwrap(), content);
        }
    }
}

//! Crash-safe writes, after jj's `file_util`: write a temporary file in the destination
//! folder, flush it to the disk, rename it over the target, then flush the folder. A
//! crash at any moment leaves the old file or the new one, never a torn or empty one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temporary files are named `.<target name>.<random>.tmp`: hidden, never ending in
/// `.ron`, so no loader mistakes one for a document.
const TEMP_SUFFIX: &str = ".tmp";

/// Replaces `path` with `contents`, atomically and durably.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temp = write_temp_beside(path, contents)?;
    temp.persist(path).map_err(|error| error.error)?;
    sync_parent(path)
}

/// Like [`write_atomically`], but fails with [`io::ErrorKind::AlreadyExists`] instead of
/// replacing a file that is already there (even one created a moment ago by another
/// process).
pub fn write_new_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temp = write_temp_beside(path, contents)?;
    temp.persist_noclobber(path).map_err(|error| error.error)?;
    sync_parent(path)
}

fn write_temp_beside(path: &Path, contents: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let (folder, name) = split(path)?;
    let prefix = temp_prefix(name);
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(folder)?;
    temp.write_all(contents)?;
    // Without this the rename can reach the disk before the data, and a power cut
    // leaves an empty file under the real name.
    temp.as_file().sync_all()?;
    Ok(temp)
}

/// Makes a rename or a new file in `path`'s folder survive a power cut.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    let (folder, _) = split(path)?;
    sync_dir(folder)
}

/// Flushes a folder's entries to the disk.
pub fn sync_dir(folder: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(folder)?.sync_all()
    }
    // Windows cannot open a folder as a file; NTFS journals the rename itself.
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

/// Creates `folder` (and its parents) if missing, durably.
pub fn create_dir_durably(folder: &Path) -> io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    let missing: Vec<&Path> = folder
        .ancestors()
        .take_while(|ancestor| !ancestor.as_os_str().is_empty() && !ancestor.is_dir())
        .collect();
    fs::create_dir_all(folder)?;
    // Each new folder is an entry in its parent, which must reach the disk too.
    for created in missing {
        if let Some(parent) = created.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
    }
    Ok(())
}

/// Removes temporary files that writers of `name` in `folder` left behind when they
/// were killed, if they are older than `min_age` (so a write in progress in another
/// process is not disturbed). Returns how many were removed; failures are ignored,
/// since a leftover temporary file harms nothing but disk space.
pub fn remove_stale_temp_files(folder: &Path, name: Option<&str>, min_age: Duration) -> usize {
    let Ok(entries) = fs::read_dir(folder) else {
        return 0;
    };
    let prefix = name.map_or_else(|| ".".to_owned(), temp_prefix);
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if !(file_name.starts_with(&prefix) && file_name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let old_enough = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age >= min_age);
        if old_enough && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether `file_name` is one of our temporary files.
pub fn is_temp_file_name(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.ends_with(TEMP_SUFFIX)
}

fn temp_prefix(name: &str) -> String {
    format!(".{name}.")
}

fn split(path: &Path) -> io::Result<(&Path, &str)> {
    let invalid = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        )
    };
    let folder = path.parent().ok_or_else(invalid)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(invalid)?;
    // `Path::new("a.ron").parent()` is "", which means the current folder.
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    Ok((folder, name))
}

/// The temporary files currently beside `path` (for tests and diagnostics).
pub fn temp_files_beside(path: &Path) -> io::Result<Vec<PathBuf>> {
    let (folder, name) = split(path)?;
    let prefix = temp_prefix(name);
    let mut found = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        if let Some(file_name) = entry.file_name().to_str()
            && file_name.starts_with(&prefix)
            && file_name.ends_with(TEMP_SUFFIX)
        {
            found.push(entry.path());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.ron");
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_new_refuses_to_replace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.ron");
        write_new_atomically(&path, b"first").unwrap();
        let error = write_new_atomically(&path, b"second").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert!(temp_files_beside(&path).unwrap().is_empty());
    }

    #[test]
    fn stale_temporary_files_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.ron");
        let stale = dir.path().join(".plan.ron.abc123.tmp");
        let other = dir.path().join(".profile.ron.abc123.tmp");
        fs::write(&stale, b"half").unwrap();
        fs::write(&other, b"half").unwrap();
        assert_eq!(
            remove_stale_temp_files(dir.path(), Some("plan.ron"), Duration::from_secs(3600)),
            0
        );
        assert_eq!(
            remove_stale_temp_files(dir.path(), Some("plan.ron"), Duration::ZERO),
            1
        );
        assert!(!stale.exists() && other.exists());
        assert!(temp_files_beside(&path).unwrap().is_empty());
        assert!(is_temp_file_name(".profile.ron.abc123.tmp"));
    }

    #[test]
    fn creates_missing_folders() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c");
        create_dir_durably(&nested).unwrap();
        create_dir_durably(&nested).unwrap();
        assert!(nested.is_dir());
    }
}

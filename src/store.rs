//! Persistence: versioned RON files in the data folder, written so that neither a crash
//! nor a second running copy of the app loses a runner's data.
//!
//! The store is generic: any type that implements [`Document`] (and [`SessionDoc`] for
//! session records) can be kept. The domain types live in `coach`; this layer knows
//! nothing of them.
//!
//! ## On disk
//!
//! ```text
//! <data folder>/                      see DataDir: --data-dir > CADENCE_COACH_DATA_DIR > platform
//!   profile.ron                       one file per single-file document (Document::NAME)
//!   profile.ron.lock                  its advisory lock (empty; kept)
//!   profile.ron.unreadable-2026-11-20T23-36-00Z   a file that could not be read, kept
//!   sessions/                         one folder per session type (SessionDoc's NAME)
//!     2026-11-20T07-02-13Z-3f2a-0.ron one file per session, named by its id
//! ```
//!
//! Every file is an envelope with the version first:
//!
//! ```text
//! (
//!     version: 2,
//!     data: ( ... the document ... ),
//! )
//! ```
//!
//! ## Rules
//!
//! * **Atomic writes** ([`atomic`]): temporary file in the same folder, fsync, rename,
//!   fsync the folder. A crash leaves the old file or the new one.
//! * **Nothing unreadable is overwritten**: a file that does not parse, fails
//!   [`Document::validate`], is too large or cannot be upgraded is renamed to
//!   `<name>.unreadable-<UTC time>` and reported as a [`Notice`]; loading goes on with
//!   the default (documents) or without it (sessions). A file from a newer version is
//!   refused with [`StoreError::NewerVersion`] and not touched.
//! * **Single-file documents** are read and written under an advisory lock on
//!   `<name>.ron.lock`; [`Store::update`] locks, re-reads, applies the change and writes,
//!   so two copies of the app take turns instead of losing each other's changes.
//! * **Sessions** are one file each, named by a unique id, so two copies recording at
//!   once never write the same file and need no lock. A session is saved when it starts
//!   ([`Store::begin_session`]) and replaced as it goes and when it ends
//!   ([`Store::save_session`]), so a crash loses at most the time since the last save.
//! * Loading is bounded: file sizes ([`Document::MAX_BYTES`]), nesting depth, the
//!   number and total size of session files ([`Limits`]).

mod aside;
pub mod atomic;
mod document;
mod error;
mod files;
mod lock;
mod notice;
mod paths;
mod sessions;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use time::OffsetDateTime;

pub use document::{
    DOCUMENT_MAX_BYTES, DecodeError, Decoded, Document, EncodeError, MigrationError, OldDocument,
    SESSION_MAX_BYTES, decode, encode, encode_checked,
};
pub use error::StoreError;
pub use notice::{Instead, Notice};
pub use paths::{DATA_DIR_ENV, DataDir, DataDirSource, platform_data_dir};
pub use sessions::{
    LoadedSessions, MAX_SESSION_ID_LEN, SAVE_RUNNING_EVERY, SessionDoc, new_session_id,
    random_id_bits,
};

use lock::DocumentLock;

/// Temporary files older than this are leftovers of a killed writer; younger ones may
/// belong to a save in progress in another process.
const STALE_TEMP_AGE: Duration = Duration::from_secs(600);

/// How much of the session history is loaded at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// At most this many session files are read (the newest, by file name).
    pub max_sessions: usize,
    /// Reading stops once session files add up to this many bytes.
    pub max_session_bytes_total: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // Daily runs for 270 years; far more means something is wrong.
            max_sessions: 100_000,
            max_session_bytes_total: 512 * 1024 * 1024,
        }
    }
}

/// A value read from the store, with what the runner should be told about it.
#[derive(Debug)]
#[must_use = "notices tell the runner that a file was set aside"]
pub struct Loaded<T> {
    pub value: T,
    /// The file's version if it was older and upgraded in memory. The file itself is
    /// rewritten in the new version by the next save.
    pub migrated_from: Option<u32>,
    pub notices: Vec<Notice>,
}

/// The data folder and the files in it.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
    limits: Limits,
}

/// The outcome of reading a file with a size limit.
enum Bounded {
    Missing,
    TooLarge(u64),
    Bytes(Vec<u8>),
}

/// Reads `path` unless it is larger than `limit` (checked before reading, and while
/// reading in case it grows).
fn read_bounded(path: &Path, limit: u64) -> io::Result<Bounded> {
    // Checked before opening too: opening a named pipe would wait for a writer forever.
    match std::fs::metadata(path) {
        Ok(metadata) => ensure_regular_file(&metadata)?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Bounded::Missing),
        Err(error) => return Err(error),
    }
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Bounded::Missing),
        Err(error) => return Err(error),
    };
    let metadata = file.metadata()?;
    ensure_regular_file(&metadata)?;
    let size = metadata.len();
    if size > limit {
        return Ok(Bounded::TooLarge(size));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Ok(Bounded::TooLarge(read));
    }
    Ok(Bounded::Bytes(bytes))
}

/// Folders and devices are not data files, and are not set aside like broken ones.
fn ensure_regular_file(metadata: &std::fs::Metadata) -> io::Result<()> {
    if metadata.is_file() {
        Ok(())
    } else if metadata.is_dir() {
        Err(io::Error::other("it is a folder, not a file"))
    } else {
        Err(io::Error::other("it is not a regular file"))
    }
}

/// What reading one file came to.
enum FileState<D> {
    Missing,
    Read(Decoded<D>),
    /// Could not be read for a reason that is the file's fault.
    Unreadable(DecodeError),
}

fn read_document<D: Document>(path: &Path) -> Result<FileState<D>, StoreError> {
    let read_error = |source| StoreError::Read {
        path: path.to_owned(),
        source,
    };
    Ok(
        match read_bounded(path, D::MAX_BYTES).map_err(read_error)? {
            Bounded::Missing => FileState::Missing,
            Bounded::TooLarge(size) => FileState::Unreadable(DecodeError::TooLarge {
                size,
                limit: D::MAX_BYTES,
            }),
            Bounded::Bytes(bytes) => match decode::<D>(&bytes) {
                Ok(decoded) => FileState::Read(decoded),
                Err(error) => FileState::Unreadable(error),
            },
        },
    )
}

/// Renames an unreadable file aside and describes it for the runner.
fn set_aside(path: &Path, reason: &DecodeError, instead: Instead) -> Result<Notice, StoreError> {
    let reason = reason.to_string();
    match aside::keep_aside(path, OffsetDateTime::now_utc()) {
        Ok(kept_as) => Ok(Notice::KeptAside {
            file: path.to_owned(),
            kept_as,
            reason,
            instead,
        }),
        Err(source) => Err(StoreError::KeepAside {
            path: path.to_owned(),
            reason,
            source,
        }),
    }
}

/// Reads a file from outside the data folder (an imported plan, say) with the same
/// bounds and checks as the store's own files. The file is only read, never moved.
pub fn read_foreign<D: Document>(path: &Path) -> Result<D, StoreError> {
    match read_document::<D>(path)? {
        FileState::Read(decoded) => Ok(decoded.value),
        FileState::Missing => Err(StoreError::Read {
            path: path.to_owned(),
            source: io::Error::from(io::ErrorKind::NotFound),
        }),
        FileState::Unreadable(reason) => Err(StoreError::Foreign {
            path: path.to_owned(),
            reason: reason.to_string(),
        }),
    }
}

impl Store {
    /// A store in `data_dir`. Nothing is read or created until it is used.
    pub fn open(data_dir: DataDir) -> Self {
        Self {
            root: data_dir.path().to_owned(),
            limits: Limits::default(),
        }
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn data_dir(&self) -> &Path {
        &self.root
    }

    /// Where `D` is kept: `<data folder>/<NAME>.ron`.
    pub fn document_path<D: Document>(&self) -> PathBuf {
        self.root.join(file_name::<D>())
    }

    /// Reads `D`: `None` if there is no file yet, or if it could not be read (then it was
    /// set aside and a notice says where).
    pub fn load<D: Document>(&self) -> Result<Loaded<Option<D>>, StoreError> {
        if !self.root.is_dir() {
            // Nothing saved yet; do not create the folder just to look.
            return Ok(Loaded {
                value: None,
                migrated_from: None,
                notices: Vec::new(),
            });
        }
        let _lock = DocumentLock::acquire(&self.root, &file_name::<D>())?;
        self.read_locked::<D>()
    }

    /// [`Store::load`], with `D::default()` when there is no readable file.
    pub fn load_or_default<D: Document + Default>(&self) -> Result<Loaded<D>, StoreError> {
        let loaded = self.load::<D>()?;
        Ok(Loaded {
            value: loaded.value.unwrap_or_default(),
            migrated_from: loaded.migrated_from,
            notices: loaded.notices,
        })
    }

    /// Replaces `D`'s file with `document`. The current file is checked first: one from
    /// a newer version stops the save, an unreadable one is set aside (and reported).
    #[must_use = "notices tell the runner that a file was set aside"]
    pub fn save<D: Document>(&self, document: &D) -> Result<Vec<Notice>, StoreError> {
        let path = self.document_path::<D>();
        let text = encode_checked(document).map_err(|source| StoreError::Encode {
            path: path.clone(),
            source: Box::new(source),
        })?;
        self.create_root()?;
        let _lock = DocumentLock::acquire(&self.root, &file_name::<D>())?;
        let current = self.read_locked::<D>()?;
        self.write_locked::<D>(&text)?;
        Ok(current.notices)
    }

    /// Read-modify-write under the document's lock: reads the current `D` (or its
    /// default), applies `change`, checks the result and writes it. Two copies of the app
    /// updating at once both see each other's changes.
    ///
    /// Keep `change` short (others wait for it) and do not touch the same document's
    /// store from inside it (that would wait forever).
    pub fn update<D: Document + Default, R>(
        &self,
        change: impl FnOnce(&mut D) -> R,
    ) -> Result<Loaded<R>, StoreError> {
        self.update_or_insert_with(D::default, change)
    }

    /// [`Store::update`] for types without a default: `initial` builds the value when
    /// there is no readable file.
    pub fn update_or_insert_with<D: Document, R>(
        &self,
        initial: impl FnOnce() -> D,
        change: impl FnOnce(&mut D) -> R,
    ) -> Result<Loaded<R>, StoreError> {
        let path = self.document_path::<D>();
        self.create_root()?;
        let _lock = DocumentLock::acquire(&self.root, &file_name::<D>())?;
        let current = self.read_locked::<D>()?;
        let mut document = current.value.unwrap_or_else(initial);
        let result = change(&mut document);
        let text = encode_checked(&document).map_err(|source| StoreError::Encode {
            path: path.clone(),
            source: Box::new(source),
        })?;
        self.write_locked::<D>(&text)?;
        Ok(Loaded {
            value: result,
            migrated_from: current.migrated_from,
            notices: current.notices,
        })
    }

    /// Reads `D`'s file; the caller holds its lock, so setting it aside cannot race
    /// with another copy's save.
    fn read_locked<D: Document>(&self) -> Result<Loaded<Option<D>>, StoreError> {
        let path = self.document_path::<D>();
        let mut notices = Vec::new();
        let (value, migrated_from) = match read_document::<D>(&path)? {
            FileState::Missing => (None, None),
            FileState::Read(decoded) => (Some(decoded.value), decoded.migrated_from),
            FileState::Unreadable(DecodeError::Newer { found, supported }) => {
                return Err(StoreError::NewerVersion {
                    path,
                    found,
                    supported,
                });
            }
            FileState::Unreadable(reason) => {
                notices.push(set_aside(&path, &reason, Instead::FreshStart)?);
                (None, None)
            }
        };
        Ok(Loaded {
            value,
            migrated_from,
            notices,
        })
    }

    /// Writes `D`'s file; the caller holds its lock, so any temporary file of `D` still
    /// here was left by a writer that died.
    fn write_locked<D: Document>(&self, text: &str) -> Result<(), StoreError> {
        let path = self.document_path::<D>();
        atomic::remove_stale_temp_files(&self.root, Some(&file_name::<D>()), Duration::ZERO);
        atomic::write_atomically(&path, text.as_bytes())
            .map_err(|source| StoreError::Write { path, source })
    }

    fn create_root(&self) -> Result<(), StoreError> {
        create_dir(&self.root)
    }
}

fn create_dir(path: &Path) -> Result<(), StoreError> {
    atomic::create_dir_durably(path).map_err(|source| StoreError::CreateDir {
        path: path.to_owned(),
        source,
    })
}

fn file_name<D: Document>() -> String {
    format!("{}.ron", D::NAME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default, Clone)]
    struct Plan {
        weeks: u32,
    }

    impl Document for Plan {
        const NAME: &'static str = "plan";
        const VERSION: u32 = 1;
        const MAX_BYTES: u64 = 1024;

        fn validate(&self) -> Result<(), String> {
            if self.weeks > 52 {
                return Err(format!(
                    "a plan of {} weeks is longer than a year",
                    self.weeks
                ));
            }
            Ok(())
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(DataDir::at(dir.path().join("data")));
        (dir, store)
    }

    #[test]
    fn loading_from_a_missing_folder_creates_nothing() {
        let (_dir, store) = store();
        let loaded = store.load::<Plan>().unwrap();
        assert_eq!(loaded.value, None);
        assert!(!store.data_dir().exists());
    }

    #[test]
    fn save_creates_the_folder_and_load_reads_it_back() {
        let (_dir, store) = store();
        let notices = store.save(&Plan { weeks: 6 }).unwrap();
        assert!(notices.is_empty());
        assert_eq!(store.load::<Plan>().unwrap().value, Some(Plan { weeks: 6 }));
    }

    #[test]
    fn invalid_values_are_not_saved() {
        let (_dir, store) = store();
        assert!(store.save(&Plan { weeks: 6 }).unwrap().is_empty());
        let error = store.save(&Plan { weeks: 60 }).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("plan.ron") && message.contains("longer than a year"));
        let error = store.update(|plan: &mut Plan| plan.weeks = 99).unwrap_err();
        assert!(matches!(error, StoreError::Encode { .. }));
        assert_eq!(store.load::<Plan>().unwrap().value, Some(Plan { weeks: 6 }));
    }

    #[test]
    fn an_oversized_file_is_set_aside_without_being_read() {
        let (_dir, store) = store();
        std::fs::create_dir_all(store.data_dir()).unwrap();
        let path = store.document_path::<Plan>();
        // Sparse: a terabyte on paper, nothing on disk. Reading it would exhaust memory.
        File::create(&path).unwrap().set_len(1 << 40).unwrap();
        let loaded = store.load_or_default::<Plan>().unwrap();
        assert_eq!(loaded.value, Plan::default());
        let [
            Notice::KeptAside {
                reason, kept_as, ..
            },
        ] = loaded.notices.as_slice()
        else {
            panic!("expected one notice, got {:?}", loaded.notices);
        };
        assert!(reason.contains("more than the 1024 bytes"), "{reason}");
        assert_eq!(std::fs::metadata(kept_as).unwrap().len(), 1 << 40);
        assert!(!path.exists());
    }

    #[test]
    fn save_sets_an_unreadable_file_aside_instead_of_overwriting_it() {
        let (_dir, store) = store();
        std::fs::create_dir_all(store.data_dir()).unwrap();
        let path = store.document_path::<Plan>();
        std::fs::write(&path, "(version: 1, data: (weeks: \"six\"))").unwrap();
        let notices = store.save(&Plan { weeks: 6 }).unwrap();
        let [Notice::KeptAside { kept_as, .. }] = notices.as_slice() else {
            panic!("expected one notice, got {notices:?}");
        };
        assert_eq!(
            std::fs::read_to_string(kept_as).unwrap(),
            "(version: 1, data: (weeks: \"six\"))"
        );
        assert_eq!(store.load::<Plan>().unwrap().value, Some(Plan { weeks: 6 }));
    }

    #[test]
    fn a_folder_in_place_of_the_file_is_an_error_not_a_loss() {
        let (_dir, store) = store();
        std::fs::create_dir_all(store.document_path::<Plan>()).unwrap();
        let error = store.load::<Plan>().unwrap_err();
        assert!(matches!(error, StoreError::Read { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.contains("plan.ron: it is a folder, not a file"),
            "{message}"
        );
    }
}

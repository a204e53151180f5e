//! What can go wrong, and what the runner is told. Every message names the file.

use std::io;
use std::path::PathBuf;

use super::document::EncodeError;
use super::paths::DATA_DIR_ENV;

/// A failure that stops a load or a save. Files that merely cannot be read are not
/// errors: they are set aside and reported as a [`Notice`](super::Notice).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "could not find a folder to keep your data in (no home folder was found); pass --data-dir or set {DATA_DIR_ENV}"
    )]
    NoDataDir,

    #[error("could not create the folder {}: {source}", path.display())]
    CreateDir { path: PathBuf, source: io::Error },

    #[error("could not read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },

    #[error("could not save {}: {source}; the file was left as it was", path.display())]
    Write { path: PathBuf, source: io::Error },

    #[error(
        "could not lock {} (it keeps two copies of Cadence Coach from changing the same file at once): {source}",
        path.display()
    )]
    Lock { path: PathBuf, source: io::Error },

    #[error(
        "{} could not be read ({reason}), and it could not be moved aside to start afresh ({source}); move or delete it yourself",
        path.display()
    )]
    KeepAside {
        path: PathBuf,
        reason: String,
        source: io::Error,
    },

    #[error(
        "{} was written by a newer Cadence Coach (file version {found}; this one reads up to version {supported}); it was left untouched: update Cadence Coach to use it, or move it away to start afresh",
        path.display()
    )]
    NewerVersion {
        path: PathBuf,
        found: u64,
        supported: u32,
    },

    #[error("did not save {}: {source}", path.display())]
    Encode {
        path: PathBuf,
        // Boxed: parse errors are large, and every store call returns this type.
        source: Box<EncodeError>,
    },

    #[error(
        "{id:?} cannot name a session file; use 1 to {max} ASCII letters, digits, '-' or '_'",
        max = super::sessions::MAX_SESSION_ID_LEN
    )]
    InvalidSessionId { id: String },

    #[error("{} cannot be used: {reason}; nothing was changed", path.display())]
    Foreign { path: PathBuf, reason: String },

    #[error(
        "{} already exists, so a new session cannot start under the same id; start it with a new id",
        path.display()
    )]
    SessionExists { path: PathBuf },
}

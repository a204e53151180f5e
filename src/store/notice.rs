//! Things the runner should hear about that did not stop the app: files set aside,
//! sessions left out. They are returned, never logged here, so the caller reports each
//! one once, in the window or on the terminal.

use std::fmt;
use std::path::{Path, PathBuf};

/// What happened instead of reading a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instead {
    /// A single-file document starts again from its default.
    FreshStart,
    /// A session record is missing from the history.
    LeftOutOfHistory,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// `file` could not be read and was renamed to `kept_as`; nothing was lost.
    KeptAside {
        file: PathBuf,
        kept_as: PathBuf,
        reason: String,
        instead: Instead,
    },
    /// A session file was left where it is (written by a newer version, or not
    /// readable by this user) and out of the history.
    LeftOut { file: PathBuf, reason: String },
    /// The oldest sessions beyond the loading limits were not loaded.
    OlderSessionsNotLoaded { count: usize },
}

fn name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn folder(path: &Path) -> String {
    path.parent()
        .map_or_else(String::new, |p| p.display().to_string())
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeptAside {
                file,
                kept_as,
                reason,
                instead,
            } => {
                let instead = match instead {
                    Instead::FreshStart => "a fresh one started",
                    Instead::LeftOutOfHistory => "it is left out of your history",
                };
                write!(
                    f,
                    "{} could not be read ({reason}); it was kept as {} and {instead} (in {})",
                    name(file),
                    name(kept_as),
                    folder(file),
                )
            }
            Self::LeftOut { file, reason } => write!(
                f,
                "{} is left out of your history because {reason} (in {})",
                name(file),
                folder(file),
            ),
            Self::OlderSessionsNotLoaded { count } => write!(
                f,
                "{count} of your oldest sessions were not loaded, to keep the history within what fits in memory"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_aside_reads_as_a_sentence() {
        let notice = Notice::KeptAside {
            file: "/data/history.ron".into(),
            kept_as: "/data/history.ron.unreadable-2026-11-20T23-36-00Z".into(),
            reason: "it is not UTF-8 text".into(),
            instead: Instead::FreshStart,
        };
        assert_eq!(
            notice.to_string(),
            "history.ron could not be read (it is not UTF-8 text); it was kept as \
             history.ron.unreadable-2026-11-20T23-36-00Z and a fresh one started (in /data)"
        );
    }
}

//! The session history: one file per session, `<data folder>/<NAME>/<id>.ron`.
//!
//! Why one file each: two copies of the app recording at once write different files, so
//! neither can lose the other's sessions and no lock is needed; a crash or a bad byte
//! costs one session, not the history; and saving a session rewrites a few kilobytes,
//! not years of runs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::{
    Bounded, DecodeError, Document, Instead, Notice, STALE_TEMP_AGE, Store, StoreError, atomic,
    create_dir, decode, encode_checked, read_bounded, set_aside,
};

/// Session ids are file names, so they are kept short and plain.
pub const MAX_SESSION_ID_LEN: usize = 100;

/// A session record: a [`Document`] kept one file per session in the folder
/// [`Document::NAME`]. Set [`Document::MAX_BYTES`] to about
/// [`SESSION_MAX_BYTES`](super::SESSION_MAX_BYTES).
pub trait SessionDoc: Document {
    /// Names the session's file: unique, 1 to [`MAX_SESSION_ID_LEN`] ASCII letters,
    /// digits, `-` or `_`. [`new_session_id`] makes one that also sorts by start time.
    fn session_id(&self) -> &str;
}

/// Sessions read from the history, oldest first (by file name), and what the runner
/// should be told about the files that were not read.
#[derive(Debug)]
#[must_use = "notices tell the runner that sessions were set aside or left out"]
pub struct LoadedSessions<S> {
    pub sessions: Vec<S>,
    pub notices: Vec<Notice>,
}

/// How often a session that is still going is saved again: a crash or power cut
/// loses at most this much of it.
pub const SAVE_RUNNING_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// A few random bits for a session id, so two sessions started in the same second (two
/// copies of the app, or the app and the command line) still differ.
pub fn random_id_bits() -> u32 {
    use std::hash::BuildHasher;
    let seed = (std::process::id(), std::time::SystemTime::now());
    std::collections::hash_map::RandomState::new().hash_one(seed) as u32
}

/// A new session id such as `2026-11-20T07-02-13Z-3f2a-0`: the start time in UTC (so
/// file names sort by time), then the process id and a counter, so two copies of the
/// app starting a session in the same second still differ.
pub fn new_session_id(started_at: OffsetDateTime) -> String {
    static STARTED: AtomicU64 = AtomicU64::new(0);
    let count = STARTED.fetch_add(1, Ordering::Relaxed);
    let stamp = started_at
        .to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]-[minute]-[second]Z"
        ))
        // Only years beyond 9999 fail to format; the rest of the id stays unique.
        .unwrap_or_else(|_| "session".to_owned());
    format!("{stamp}-{:x}-{count:x}", std::process::id())
}

fn is_valid_session_id(id: &str) -> bool {
    (1..=MAX_SESSION_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Store {
    /// The folder of the session files of type `S`.
    pub fn sessions_dir<S: SessionDoc>(&self) -> PathBuf {
        self.root.join(S::NAME)
    }

    /// Where the session `id` is kept.
    pub fn session_path<S: SessionDoc>(&self, id: &str) -> Result<PathBuf, StoreError> {
        if !is_valid_session_id(id) {
            return Err(StoreError::InvalidSessionId { id: id.to_owned() });
        }
        Ok(self.sessions_dir::<S>().join(format!("{id}.ron")))
    }

    /// Saves a session as it starts. Fails with [`StoreError::SessionExists`] rather than
    /// replace another session that has the same id.
    pub fn begin_session<S: SessionDoc>(&self, session: &S) -> Result<(), StoreError> {
        self.write_session(session, atomic::write_new_atomically)
    }

    /// Saves a session again, replacing its earlier save (as it goes, and at the end).
    /// The session's file belongs to the copy of the app that records it.
    pub fn save_session<S: SessionDoc>(&self, session: &S) -> Result<(), StoreError> {
        self.write_session(session, atomic::write_atomically)
    }

    fn write_session<S: SessionDoc>(
        &self,
        session: &S,
        write: fn(&std::path::Path, &[u8]) -> io::Result<()>,
    ) -> Result<(), StoreError> {
        let path = self.session_path::<S>(session.session_id())?;
        let text = encode_checked(session).map_err(|source| StoreError::Encode {
            path: path.clone(),
            source: Box::new(source),
        })?;
        create_dir(&self.sessions_dir::<S>())?;
        write(&path, text.as_bytes()).map_err(|source| {
            if source.kind() == io::ErrorKind::AlreadyExists {
                StoreError::SessionExists { path }
            } else {
                StoreError::Write { path, source }
            }
        })
    }

    /// Reads the history: every session file, newest first up to the
    /// [`Limits`](super::Limits), returned oldest first. Unreadable files are set aside,
    /// files from a newer version are left alone, and both are reported.
    pub fn load_sessions<S: SessionDoc>(&self) -> Result<LoadedSessions<S>, StoreError> {
        let folder = self.sessions_dir::<S>();
        let read_error = |source| StoreError::Read {
            path: folder.clone(),
            source,
        };
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(LoadedSessions {
                    sessions: Vec::new(),
                    notices: Vec::new(),
                });
            }
            Err(error) => return Err(read_error(error)),
        };

        // Only the names of the newest `max_sessions` files are held, whatever the
        // folder holds.
        let limit = self.limits.max_sessions;
        let mut newest = BinaryHeap::with_capacity(limit.min(4096) + 1);
        let mut found = 0usize;
        for entry in entries {
            let entry = entry.map_err(read_error)?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // Temporary files, set-aside files and strangers do not end in a valid id.
            if !name.strip_suffix(".ron").is_some_and(is_valid_session_id) {
                continue;
            }
            found += 1;
            newest.push(Reverse(name));
            if newest.len() > limit {
                newest.pop();
            }
        }
        atomic::remove_stale_temp_files(&folder, None, STALE_TEMP_AGE);

        let names = newest.into_sorted_vec(); // Newest first.
        let mut not_loaded = found - names.len();
        let mut bytes_left = self.limits.max_session_bytes_total;
        let mut sessions = Vec::with_capacity(names.len().min(4096));
        let mut notices = Vec::new();
        for (index, Reverse(name)) in names.iter().enumerate() {
            let path = folder.join(name);
            let unreadable = match read_bounded(&path, S::MAX_BYTES) {
                // Removed since the folder was listed.
                Ok(Bounded::Missing) => continue,
                Ok(Bounded::TooLarge(size)) => DecodeError::TooLarge {
                    size,
                    limit: S::MAX_BYTES,
                },
                Ok(Bounded::Bytes(bytes)) => {
                    let Some(left) = bytes_left.checked_sub(bytes.len() as u64) else {
                        not_loaded += names.len() - index;
                        break;
                    };
                    bytes_left = left;
                    match decode::<S>(&bytes) {
                        Ok(decoded) => {
                            sessions.push(decoded.value);
                            continue;
                        }
                        Err(error) => error,
                    }
                }
                Err(error) => {
                    notices.push(Notice::LeftOut {
                        file: path,
                        reason: format!("it could not be opened ({error})"),
                    });
                    continue;
                }
            };
            notices.push(match unreadable {
                // It may be perfectly good; leave it for the newer version.
                DecodeError::Newer { .. } => Notice::LeftOut {
                    file: path,
                    reason: unreadable.to_string(),
                },
                _ => match set_aside(&path, &unreadable, Instead::LeftOutOfHistory) {
                    Ok(notice) => notice,
                    Err(error) => Notice::LeftOut {
                        file: path,
                        reason: error.to_string(),
                    },
                },
            });
        }
        if not_loaded > 0 {
            notices.push(Notice::OlderSessionsNotLoaded { count: not_loaded });
        }
        sessions.reverse();
        Ok(LoadedSessions { sessions, notices })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DataDir, Limits};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
    struct Run {
        id: String,
        minutes: u32,
    }

    impl Document for Run {
        const NAME: &'static str = "runs";
        const VERSION: u32 = 1;
        const MAX_BYTES: u64 = 1024;
    }

    impl SessionDoc for Run {
        fn session_id(&self) -> &str {
            &self.id
        }
    }

    fn run(id: &str, minutes: u32) -> Run {
        Run {
            id: id.into(),
            minutes,
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(DataDir::at(dir.path()));
        (dir, store)
    }

    #[test]
    fn ids_sort_by_time_and_are_unique() {
        let early = time::macros::datetime!(2026-11-20 07:02:13 +01:00);
        let late = time::macros::datetime!(2026-11-20 07:02:14 +01:00);
        let (a, b, c) = (
            new_session_id(early),
            new_session_id(early),
            new_session_id(late),
        );
        assert!(a.starts_with("2026-11-20T06-02-13Z-"), "{a}");
        assert_ne!(a, b);
        assert!(b < c);
        assert!([a, b, c].iter().all(|id| is_valid_session_id(id)));
    }

    #[test]
    fn ids_that_are_not_plain_file_names_are_refused() {
        let (_dir, store) = store();
        for id in ["", "../escape", "a/b", ".hidden", "x.ron", &"a".repeat(101)] {
            let error = store.save_session(&run(id, 1)).unwrap_err();
            assert!(matches!(error, StoreError::InvalidSessionId { .. }), "{id}");
        }
    }

    #[test]
    fn begin_then_save_replaces_the_same_file() {
        let (_dir, store) = store();
        store.begin_session(&run("a", 0)).unwrap();
        store.save_session(&run("a", 30)).unwrap();
        let loaded = store.load_sessions::<Run>().unwrap();
        assert_eq!(loaded.sessions, [run("a", 30)]);
        let error = store.begin_session(&run("a", 0)).unwrap_err();
        assert!(matches!(error, StoreError::SessionExists { .. }));
        assert_eq!(
            store.load_sessions::<Run>().unwrap().sessions,
            [run("a", 30)]
        );
    }

    #[test]
    fn only_the_newest_sessions_within_the_limits_are_loaded() {
        let (_dir, store) = store();
        for (index, id) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            store.save_session(&run(id, index as u32)).unwrap();
        }
        let by_count = store.clone().with_limits(Limits {
            max_sessions: 3,
            ..Limits::default()
        });
        let loaded = by_count.load_sessions::<Run>().unwrap();
        let ids: Vec<_> = loaded.sessions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c", "d", "e"]);
        assert_eq!(
            loaded.notices,
            [Notice::OlderSessionsNotLoaded { count: 2 }]
        );

        let one_file = std::fs::metadata(store.session_path::<Run>("a").unwrap())
            .unwrap()
            .len();
        let by_bytes = store.with_limits(Limits {
            max_session_bytes_total: one_file * 2,
            ..Limits::default()
        });
        let loaded = by_bytes.load_sessions::<Run>().unwrap();
        let ids: Vec<_> = loaded.sessions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["d", "e"]);
        assert_eq!(
            loaded.notices,
            [Notice::OlderSessionsNotLoaded { count: 3 }]
        );
    }

    #[test]
    fn strangers_in_the_folder_are_ignored() {
        let (_dir, store) = store();
        store.save_session(&run("a", 1)).unwrap();
        let folder = store.sessions_dir::<Run>();
        std::fs::write(folder.join(".a.ron.x1y2.tmp"), "(version: 1, da").unwrap();
        std::fs::write(folder.join("notes.txt"), "hello").unwrap();
        std::fs::create_dir(folder.join("subfolder")).unwrap();
        let loaded = store.load_sessions::<Run>().unwrap();
        assert_eq!(loaded.sessions, [run("a", 1)]);
        assert!(loaded.notices.is_empty());
    }
}

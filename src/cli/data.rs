//! The runner's saved data as the subcommands need it: the store, the profile, the plan
//! and the log. Every notice (a file kept aside, say) is printed on stderr, so nothing
//! is lost silently.

use std::path::Path;
use std::sync::OnceLock;

use anyhow::Context;
use time::{Date, OffsetDateTime, UtcOffset};

use super::args::UsageError;
use crate::coach::{Plan, Profile, RunLog, SessionRecord, Training};
use crate::store::{DataDir, Notice, Store};

pub fn open_store(data_dir: Option<&Path>) -> anyhow::Result<Store> {
    Ok(Store::open(DataDir::resolve(
        data_dir.map(Path::to_path_buf),
    )?))
}

pub fn report(notices: &[Notice]) {
    for notice in notices {
        eprintln!("{notice}");
    }
}

/// The profile, or the defaults before one is saved.
pub fn load_profile(store: &Store) -> anyhow::Result<Profile> {
    let loaded = store
        .load_or_default::<Profile>()
        .context("reading your profile")?;
    report(&loaded.notices);
    Ok(loaded.value)
}

/// Other training and shoes, or none before any is logged.
pub fn load_training(store: &Store) -> anyhow::Result<Training> {
    let loaded = store
        .load_or_default::<Training>()
        .context("reading your training")?;
    report(&loaded.notices);
    Ok(loaded.value)
}

/// The plan; a usage error when there is none.
pub fn load_plan(store: &Store) -> anyhow::Result<Plan> {
    let loaded = store.load::<Plan>().context("reading the plan")?;
    report(&loaded.notices);
    loaded.value.ok_or_else(|| {
        UsageError("there is no plan yet; create one with `cadence-coach plan new`".into()).into()
    })
}

/// Every run, with the clearances kept in the profile.
pub fn load_log(store: &Store, profile: &Profile) -> anyhow::Result<RunLog> {
    let sessions = store
        .load_sessions::<SessionRecord>()
        .context("reading the run history")?;
    report(&sessions.notices);
    Ok(profile.run_log(sessions.sessions))
}

/// The runner's UTC offset, read once at start-up: the `time` crate can only read it
/// while the process has a single thread, and later threads (Ctrl-C, audio, input)
/// would make "today" flip to UTC halfway through a command.
static LOCAL_OFFSET: OnceLock<UtcOffset> = OnceLock::new();

/// Reads the time zone; call before starting any thread.
pub fn init_clock() {
    LOCAL_OFFSET.get_or_init(|| UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC));
}

/// Now, in the runner's time zone (UTC where it cannot be read).
pub fn now() -> OffsetDateTime {
    let offset =
        *LOCAL_OFFSET.get_or_init(|| UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC));
    OffsetDateTime::now_utc().to_offset(offset)
}

pub fn today() -> Date {
    now().date()
}

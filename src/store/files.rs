//! The app's own documents: which coaching types are kept in which file.

use crate::coach::{Plan, Profile, SessionRecord, Training};

use super::{Document, MigrationError, OldDocument, SESSION_MAX_BYTES, SessionDoc};

/// `plan.ron`: the runner's multi-week plan.
impl Document for Plan {
    const NAME: &'static str = "plan";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        Plan::validate(self).map_err(|error| error.to_string())
    }
}

/// `profile.ron`: baseline, chosen increase, sound settings and clearances.
impl Document for Profile {
    const NAME: &'static str = "profile";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        Profile::validate(self).map_err(|error| error.to_string())
    }
}

/// `training.ron`: other activities, hip and knee exercise sets, shoes.
impl Document for Training {
    const NAME: &'static str = "training";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        Training::validate(self).map_err(|error| error.to_string())
    }
}

/// `sessions/<id>.ron`: one run each.
///
/// Version 2 added `measured` (the watch's measurement of the run). Version 1 files are
/// version 2 files without it, so they read as they are; the version was raised anyway
/// so that an older app refuses a newer file instead of saving over it and dropping the
/// measurement.
impl Document for SessionRecord {
    const NAME: &'static str = "sessions";
    const VERSION: u32 = 2;
    const MAX_BYTES: u64 = SESSION_MAX_BYTES;

    fn migrate(old: OldDocument<'_>) -> Result<Self, MigrationError> {
        match old.version() {
            1 => old.parse::<SessionRecord>(),
            other => Err(MigrationError::unsupported(other)),
        }
    }

    fn validate(&self) -> Result<(), String> {
        SessionRecord::validate(self).map_err(|error| error.to_string())
    }
}

impl SessionDoc for SessionRecord {
    fn session_id(&self) -> &str {
        &self.id
    }
}

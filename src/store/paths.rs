//! Where the data lives: a `--data-dir` flag, else `CADENCE_COACH_DATA_DIR`, else the
//! platform data folder (`~/.local/share/cadence-coach` on Linux).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::StoreError;

/// The environment variable that moves the data folder (tests point it at a temporary
/// folder so they never touch a runner's real data).
pub const DATA_DIR_ENV: &str = "CADENCE_COACH_DATA_DIR";

/// Which setting chose the data folder, for messages such as "using ... (from --data-dir)".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataDirSource {
    Flag,
    Environment,
    Platform,
}

/// The folder that holds the profile, plan and session history. Nothing is created
/// until the first save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDir {
    path: PathBuf,
    source: DataDirSource,
}

impl DataDir {
    /// Resolves the folder from a `--data-dir` flag, the environment and the platform.
    pub fn resolve(flag: Option<PathBuf>) -> Result<Self, StoreError> {
        Self::resolve_from(flag, std::env::var_os(DATA_DIR_ENV), platform_data_dir)
    }

    /// [`DataDir::resolve`] with the environment and the platform folder passed in, so
    /// the order can be tested without touching either.
    pub fn resolve_from(
        flag: Option<PathBuf>,
        environment: Option<OsString>,
        platform: impl FnOnce() -> Option<PathBuf>,
    ) -> Result<Self, StoreError> {
        // An empty value is treated as unset: `CADENCE_COACH_DATA_DIR= cadence-coach`
        // should not put files in the current folder.
        if let Some(path) = flag.filter(|path| !path.as_os_str().is_empty()) {
            return Ok(Self::new(path, DataDirSource::Flag));
        }
        if let Some(path) = environment.filter(|value| !value.is_empty()) {
            return Ok(Self::new(PathBuf::from(path), DataDirSource::Environment));
        }
        match platform() {
            Some(path) => Ok(Self::new(path, DataDirSource::Platform)),
            None => Err(StoreError::NoDataDir),
        }
    }

    /// A folder given directly, as by the `--data-dir` flag.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self::new(path.into(), DataDirSource::Flag)
    }

    fn new(path: PathBuf, source: DataDirSource) -> Self {
        // Absolute, so messages name a folder the user can find from anywhere.
        let path = std::path::absolute(&path).unwrap_or(path);
        Self { path, source }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn source(&self) -> DataDirSource {
        self.source
    }
}

/// The platform's data folder for Cadence Coach, if there is a home folder.
pub fn platform_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "cadence-coach").map(|dirs| dirs.data_dir().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> Option<PathBuf> {
        panic!("the platform folder must not be consulted")
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        let dir = DataDir::resolve_from(Some("/flag".into()), Some("/environment".into()), never)
            .unwrap();
        assert_eq!(dir.path(), Path::new("/flag"));
        assert_eq!(dir.source(), DataDirSource::Flag);
    }

    #[test]
    fn the_environment_wins_over_the_platform() {
        let dir = DataDir::resolve_from(None, Some("/environment".into()), never).unwrap();
        assert_eq!(dir.path(), Path::new("/environment"));
        assert_eq!(dir.source(), DataDirSource::Environment);
    }

    #[test]
    fn empty_settings_fall_through_to_the_platform() {
        let dir = DataDir::resolve_from(Some(PathBuf::new()), Some(OsString::new()), || {
            Some("/platform".into())
        })
        .unwrap();
        assert_eq!(dir.path(), Path::new("/platform"));
        assert_eq!(dir.source(), DataDirSource::Platform);
    }

    #[test]
    fn no_folder_at_all_is_an_error_that_says_what_to_do() {
        let error = DataDir::resolve_from(None, None, || None).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("--data-dir") && message.contains(DATA_DIR_ENV));
    }

    #[test]
    fn relative_paths_become_absolute() {
        let dir = DataDir::at("relative/data");
        assert!(dir.path().is_absolute());
        assert!(dir.path().ends_with("relative/data"));
    }

    #[test]
    fn the_platform_folder_is_named_after_the_app() {
        // Only computes the path; nothing is created.
        if let Some(path) = platform_data_dir() {
            assert!(path.to_string_lossy().contains("cadence-coach"));
        }
    }
}

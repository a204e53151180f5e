//! The file format: every file is a RON envelope `(version: N, data: ...)` around one
//! document, and [`Document`] says how a type is versioned, upgraded and checked.
//!
//! [`decode`] and [`encode`] are pure (bytes in, value out), so they are what the unit
//! tests, the property tests and the fuzz target drive.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The most a single-file document (profile, plan) may weigh on disk.
pub const DOCUMENT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// A suggested limit for one session record; session types set it as their
/// [`Document::MAX_BYTES`]. Hours of per-second figures fit many times over.
pub const SESSION_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// How deeply values may nest, counted as ron counts (every struct, list, option and
/// field value is a step, so a plan nested eight levels uses about thirty). ron's own
/// default; the tests show it fits in a quarter of a test thread's stack.
const RECURSION_LIMIT: usize = 128;

/// A type kept in its own versioned RON file.
///
/// Upgrades are explicit and go one version at a time: keep the old shapes as private
/// types, convert each to the next, and chain the conversions in [`Document::migrate`]:
///
/// ```
/// use cadence_coach::store::{Document, MigrationError, OldDocument};
/// use serde::{Deserialize, Serialize};
///
/// /// Version 1 called the field `spm`.
/// #[derive(Deserialize)]
/// struct ProfileV1 {
///     spm: u32,
/// }
///
/// #[derive(Serialize, Deserialize)]
/// struct Profile {
///     baseline_spm: u32,
/// }
///
/// impl From<ProfileV1> for Profile {
///     fn from(old: ProfileV1) -> Self {
///         Profile { baseline_spm: old.spm }
///     }
/// }
///
/// impl Document for Profile {
///     const NAME: &'static str = "profile";
///     const VERSION: u32 = 2;
///
///     fn migrate(old: OldDocument<'_>) -> Result<Self, MigrationError> {
///         match old.version() {
///             // A version 3 would add: 1 => Ok(Self::from(ProfileV2::from(old.parse::<ProfileV1>()?))),
///             1 => Ok(Self::from(old.parse::<ProfileV1>()?)),
///             other => Err(MigrationError::unsupported(other)),
///         }
///     }
///
///     fn validate(&self) -> Result<(), String> {
///         match self.baseline_spm {
///             60..=250 => Ok(()),
///             spm => Err(format!("a baseline of {spm} steps per minute is impossible")),
///         }
///     }
/// }
/// ```
pub trait Document: Serialize + DeserializeOwned {
    /// The file name without `.ron` (`"profile"` for `profile.ron`); for session
    /// records, the folder that holds one file per session. Letters, digits, `-`, `_`.
    const NAME: &'static str;

    /// The version this build writes. Start at 1; raise it whenever the shape changes,
    /// and teach [`Document::migrate`] the version before.
    const VERSION: u32;

    /// Files larger than this are not read (and so set aside as unreadable).
    const MAX_BYTES: u64 = DOCUMENT_MAX_BYTES;

    /// Builds the current shape from a file of an older version (1 to `VERSION - 1`).
    fn migrate(old: OldDocument<'_>) -> Result<Self, MigrationError> {
        Err(MigrationError::unsupported(old.version()))
    }

    /// Checks what types cannot: ranges, ordering, consistency. A file that parses but
    /// fails this is treated as unreadable, and nothing that fails it is ever saved.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// A file of an older version, handed to [`Document::migrate`].
#[derive(Clone, Copy, Debug)]
pub struct OldDocument<'a> {
    version: u32,
    text: &'a str,
}

impl<'a> OldDocument<'a> {
    /// The version written in the file (at least 1, less than the current one).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Parses the file's `data` as the old shape `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, MigrationError> {
        let envelope: Envelope<T> = ron_options().from_str(self.text).map_err(|error| {
            MigrationError::new(format!(
                "it does not match the version {} layout: {error}",
                self.version
            ))
        })?;
        Ok(envelope.data)
    }

    /// The whole file, for upgrades that are easier on text than on types.
    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// Why an old file could not be upgraded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MigrationError(String);

impl MigrationError {
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }

    /// For a version this build has no upgrade from.
    pub fn unsupported(version: u32) -> Self {
        Self(format!(
            "this Cadence Coach cannot upgrade version {version} files"
        ))
    }
}

/// Why bytes are not a readable document. The texts finish the sentence
/// "`<file>` could not be read (...)".
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("it is {size} bytes, more than the {limit} bytes allowed")]
    TooLarge { size: u64, limit: u64 },
    #[error("it is not UTF-8 text")]
    NotUtf8,
    #[error("it is empty")]
    Empty,
    #[error("it is not a valid file at {0}")]
    Syntax(ron::error::SpannedError),
    #[error("its values are nested more than {RECURSION_LIMIT} levels deep")]
    TooDeep,
    #[error("its version is 0, which no Cadence Coach writes")]
    VersionZero,
    /// The one failure that leaves the file alone: it may be perfectly good.
    #[error(
        "it was written by a newer Cadence Coach (file version {found}; this one reads up to version {supported})"
    )]
    Newer { found: u64, supported: u32 },
    #[error("it could not be upgraded from version {from}: {reason}")]
    Migration { from: u32, reason: MigrationError },
    #[error("it holds values that cannot be right: {0}")]
    Invalid(String),
}

/// Why a value will not be written.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("it holds values that cannot be right: {0}")]
    Invalid(String),
    #[error("it cannot be written as RON: {0}")]
    Serialize(ron::Error),
    #[error("it would be {size} bytes, more than the {limit} bytes that are read back")]
    TooLarge { size: u64, limit: u64 },
    #[error("it would not read back ({0})")]
    WouldNotReadBack(DecodeError),
}

/// A decoded document, and the version it was upgraded from if it was older.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<D> {
    pub value: D,
    pub migrated_from: Option<u32>,
}

// Both envelopes are named "Document" in ron's messages ("expected opening `(` for
// struct `Document`"), which reads better than a Rust type name.

/// The envelope as written.
#[derive(Serialize)]
#[serde(rename = "Document")]
struct EnvelopeRef<'a, D> {
    version: u32,
    data: &'a D,
}

/// The envelope as read.
#[derive(Deserialize)]
#[serde(rename = "Document")]
struct Envelope<D> {
    // `version` was read by `VersionProbe`; serde skips it here.
    data: D,
}

/// Reads only the version, so a newer file is recognised before its data is
/// misunderstood. `u64` so that any number above ours counts as newer, not as garbage.
#[derive(Deserialize)]
#[serde(rename = "Document")]
struct VersionProbe {
    version: u64,
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_recursion_limit(RECURSION_LIMIT)
}

/// Parse errors, with the one that a user cannot act on worded for them.
fn syntax_error(error: ron::error::SpannedError) -> DecodeError {
    match error.code {
        ron::Error::ExceededRecursionLimit => DecodeError::TooDeep,
        _ => DecodeError::Syntax(error),
    }
}

fn pretty_config() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::default()
}

/// Reads a document from the bytes of its file: size, text, version, upgrade, checks.
pub fn decode<D: Document>(bytes: &[u8]) -> Result<Decoded<D>, DecodeError> {
    let size = bytes.len() as u64;
    if size > D::MAX_BYTES {
        return Err(DecodeError::TooLarge {
            size,
            limit: D::MAX_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| DecodeError::NotUtf8)?;
    // Editors on Windows may add a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }

    let probe: VersionProbe = ron_options().from_str(text).map_err(syntax_error)?;
    let version = match u32::try_from(probe.version) {
        Ok(version) if version <= D::VERSION => version,
        _ => {
            return Err(DecodeError::Newer {
                found: probe.version,
                supported: D::VERSION,
            });
        }
    };
    let (value, migrated_from) = if version == D::VERSION {
        let envelope: Envelope<D> = ron_options().from_str(text).map_err(syntax_error)?;
        (envelope.data, None)
    } else if version == 0 {
        return Err(DecodeError::VersionZero);
    } else {
        let value =
            D::migrate(OldDocument { version, text }).map_err(|reason| DecodeError::Migration {
                from: version,
                reason,
            })?;
        (value, Some(version))
    };
    value.validate().map_err(DecodeError::Invalid)?;
    Ok(Decoded {
        value,
        migrated_from,
    })
}

/// Writes a document as the pretty-printed text of its file, after checking it.
pub fn encode<D: Document>(document: &D) -> Result<String, EncodeError> {
    document.validate().map_err(EncodeError::Invalid)?;
    let envelope = EnvelopeRef {
        version: D::VERSION,
        data: document,
    };
    let mut text = ron_options()
        .to_string_pretty(&envelope, pretty_config())
        .map_err(EncodeError::Serialize)?;
    text.push('\n');
    let size = text.len() as u64;
    if size > D::MAX_BYTES {
        return Err(EncodeError::TooLarge {
            size,
            limit: D::MAX_BYTES,
        });
    }
    Ok(text)
}

/// [`encode`], then [`decode`] the result: a file is only written if this build can
/// read it back, so a serde quirk in a type shows up as a failed save, not as a file
/// set aside at the next start.
pub fn encode_checked<D: Document>(document: &D) -> Result<String, EncodeError> {
    let text = encode(document)?;
    decode::<D>(text.as_bytes()).map_err(EncodeError::WouldNotReadBack)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
    struct Note {
        text: String,
        stars: u8,
    }

    #[derive(Deserialize)]
    struct NoteV1 {
        words: String,
    }

    impl Document for Note {
        const NAME: &'static str = "note";
        const VERSION: u32 = 2;
        const MAX_BYTES: u64 = 4096;

        fn migrate(old: OldDocument<'_>) -> Result<Self, MigrationError> {
            match old.version() {
                1 => {
                    let v1: NoteV1 = old.parse()?;
                    Ok(Note {
                        text: v1.words,
                        stars: 0,
                    })
                }
                other => Err(MigrationError::unsupported(other)),
            }
        }

        fn validate(&self) -> Result<(), String> {
            if self.stars > 5 {
                return Err(format!("{} stars is more than 5", self.stars));
            }
            Ok(())
        }
    }

    fn note(text: &str) -> Note {
        Note {
            text: text.into(),
            stars: 3,
        }
    }

    #[test]
    fn round_trips_and_writes_the_version_first() {
        let text = encode(&note("easy run")).unwrap();
        assert!(
            text.starts_with("(\n    version: 2,\n    data: ("),
            "{text}"
        );
        let decoded = decode::<Note>(text.as_bytes()).unwrap();
        assert_eq!(decoded.value, note("easy run"));
        assert_eq!(decoded.migrated_from, None);
    }

    #[test]
    fn upgrades_an_older_version() {
        let decoded = decode::<Note>(b"(version: 1, data: (words: \"hills\"))").unwrap();
        assert_eq!(decoded.value.text, "hills");
        assert_eq!(decoded.migrated_from, Some(1));
    }

    #[test]
    fn refuses_newer_versions_even_absurd_ones() {
        for text in [
            "(version: 3, data: (text: \"\", stars: 0))",
            "(version: 99999999999999, data: ())",
        ] {
            let error = decode::<Note>(text.as_bytes()).unwrap_err();
            assert!(matches!(error, DecodeError::Newer { .. }), "{error}");
            assert!(error.to_string().contains("newer Cadence Coach"));
        }
    }

    #[test]
    fn rejects_what_cannot_be_read() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "it is empty"),
            (b"   \n", "it is empty"),
            (b"[1, 2]", "for struct `Document`"),
            (b"\xff\xfe(version: 2)", "not UTF-8"),
            (b"(data: (text: \"a\", stars: 1))", "version"),
            (b"(version: -1, data: ())", "not a valid file"),
            (b"(version: \"2\", data: ())", "not a valid file"),
            (b"(version: 0, data: ())", "version is 0"),
            (b"(version: 2)", "data"),
            (
                b"(version: 2, data: (text: 5, stars: 1))",
                "not a valid file",
            ),
            (
                b"(version: 2, data: (text: \"a\", stars: 300))",
                "not a valid file",
            ),
            (b"(version: 2, data: (text: \"a\", stars: 6))", "6 stars"),
            (
                b"(version: 1, data: (text: \"a\"))",
                "upgraded from version 1",
            ),
            (
                b"(version: 2, data: (text: \"a\", stars: 1)) trailing",
                "not a valid",
            ),
        ];
        for (bytes, expected) in cases {
            let error = decode::<Note>(bytes).unwrap_err();
            assert!(
                error.to_string().contains(expected),
                "{:?}: {error}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        // Half the stack of a test thread and an eighth of a main thread, for margin
        // (a quarter of a test thread was seen to be enough).
        std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(deep_nesting_is_refused)
            .unwrap()
            .join()
            .unwrap();
    }

    fn deep_nesting_is_refused() {
        for (open, close) in [("[", "]"), ("(", ")"), ("{", "}"), ("Some(", ")")] {
            let depth = 3500 / (open.len() + close.len());
            let nested = format!("{}{}", open.repeat(depth), close.repeat(depth));
            // Both where the data is read and in a field that is skipped.
            for text in [
                format!("(version: 2, data: {nested})"),
                format!("(version: 2, extra: {nested}, data: (text: \"\", stars: 0))"),
            ] {
                let error = decode::<Note>(text.as_bytes()).unwrap_err();
                assert!(
                    error.to_string().contains("nested more than 128"),
                    "{error}"
                );
            }
        }
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    enum Nest {
        Leaf,
        Inner(Box<Nest>),
        Named { inner: Vec<Option<Box<Nest>>> },
    }

    impl Document for Nest {
        const NAME: &'static str = "nest";
        const VERSION: u32 = 1;
    }

    #[test]
    fn whatever_nests_as_deep_as_loading_allows_can_be_saved() {
        for (open, close) in [("Inner(", ")"), ("Named(inner: [Some(", ")])")] {
            let text = |depth: usize| {
                format!(
                    "(version: 1, data: {}Leaf{})",
                    open.repeat(depth),
                    close.repeat(depth)
                )
            };
            let deepest = (0..=RECURSION_LIMIT)
                .take_while(|&depth| decode::<Nest>(text(depth).as_bytes()).is_ok())
                .last()
                .unwrap();
            // Each level costs ron several steps of its limit (variant, struct, list,
            // option), so the nesting a runner's files can use is a fraction of 64.
            assert!(deepest >= 8, "only {deepest} levels of {open} load");
            let value = decode::<Nest>(text(deepest).as_bytes()).unwrap().value;
            let saved = encode_checked(&value).unwrap_or_else(|error| {
                panic!("{deepest} levels of {open} load but do not save: {error}")
            });
            assert_eq!(decode::<Nest>(saved.as_bytes()).unwrap().value, value);
        }
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let text = format!(
            "(version: 2, data: (text: \"{}\", stars: 1))",
            "x".repeat(5000)
        );
        let error = decode::<Note>(text.as_bytes()).unwrap_err();
        assert!(matches!(error, DecodeError::TooLarge { limit: 4096, .. }));
    }

    #[test]
    fn will_not_encode_invalid_or_oversized_values() {
        let invalid = Note {
            text: String::new(),
            stars: 9,
        };
        assert!(matches!(encode(&invalid), Err(EncodeError::Invalid(_))));
        assert!(matches!(
            encode(&note(&"x".repeat(5000))),
            Err(EncodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let text = format!("\u{feff}{}", encode(&note("bom")).unwrap());
        assert_eq!(decode::<Note>(text.as_bytes()).unwrap().value, note("bom"));
    }
}

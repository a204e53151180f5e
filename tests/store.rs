//! The store keeps a runner's data through upgrades, bad files, crashes and two copies of
//! the app running at once.
//!
//! The crash and concurrency tests run this test binary again as child processes: the
//! test `child_process` does nothing unless `CHILD_ROLE` is set, and then plays the part
//! of a second copy of the app.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cadence_coach::store::{
    DataDir, Document, Instead, MigrationError, Notice, OldDocument, SESSION_MAX_BYTES, SessionDoc,
    Store, StoreError, atomic, decode, new_session_id,
};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------
// Test documents

/// A profile-like document. Version 1 (see `tests/fixtures/settings-v1.ron`) called the
/// runner `name` and the rate `steps_per_minute`, and had no counter.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
struct Settings {
    runner: String,
    baseline_spm: u32,
    updates: u64,
}

#[derive(Deserialize)]
struct SettingsV1 {
    name: String,
    steps_per_minute: u32,
}

impl From<SettingsV1> for Settings {
    fn from(old: SettingsV1) -> Self {
        Settings {
            runner: old.name,
            baseline_spm: old.steps_per_minute,
            updates: 0,
        }
    }
}

impl Document for Settings {
    const NAME: &'static str = "settings";
    const VERSION: u32 = 2;

    fn migrate(old: OldDocument<'_>) -> Result<Self, MigrationError> {
        match old.version() {
            1 => Ok(Self::from(old.parse::<SettingsV1>()?)),
            other => Err(MigrationError::unsupported(other)),
        }
    }

    fn validate(&self) -> Result<(), String> {
        match self.baseline_spm {
            0 | 60..=250 => Ok(()),
            spm => Err(format!(
                "a baseline of {spm} steps per minute is impossible"
            )),
        }
    }
}

/// A large document whose every entry depends on its generation, so a torn or mixed
/// file cannot pass `validate`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Bulk {
    generation: u64,
    entries: Vec<u64>,
}

const BULK_ENTRIES: u64 = 10_000;

impl Bulk {
    fn new(generation: u64) -> Self {
        Self {
            generation,
            entries: (0..BULK_ENTRIES)
                .map(|i| generation.wrapping_mul(1_000_003).wrapping_add(i))
                .collect(),
        }
    }
}

impl Document for Bulk {
    const NAME: &'static str = "bulk";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if *self != Bulk::new(self.generation) {
            return Err(format!("generation {} is inconsistent", self.generation));
        }
        Ok(())
    }
}

/// A session record.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Run {
    id: String,
    minutes: u32,
    finished: bool,
}

impl Document for Run {
    const NAME: &'static str = "sessions";
    const VERSION: u32 = 1;
    const MAX_BYTES: u64 = SESSION_MAX_BYTES;
}

impl SessionDoc for Run {
    fn session_id(&self) -> &str {
        &self.id
    }
}

// ---------------------------------------------------------------------------------------
// Helpers

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = Store::open(DataDir::at(dir.path()));
    (dir, store)
}

fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("a readable folder")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const CHILD_ROLE: &str = "CADENCE_COACH_TEST_CHILD_ROLE";
const CHILD_DIR: &str = "CADENCE_COACH_TEST_CHILD_DIR";
const CHILD_INDEX: &str = "CADENCE_COACH_TEST_CHILD_INDEX";

/// What the bulk writer prints after each save.
const SAVED: &str = "saved generation";

/// Runs this test binary again as a child playing `role` in `dir`.
fn spawn_child(role: &str, dir: &Path, index: usize) -> Child {
    Command::new(std::env::current_exe().expect("the test binary's path"))
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ROLE, role)
        .env(CHILD_DIR, dir)
        .env(CHILD_INDEX, index.to_string())
        // Only the bulk writer's output is read; the others' would fill the pipe.
        .stdout(if role == "bulk-writer" {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the test binary runs again as a child")
}

/// Waits until the bulk writer has finished its first save. Returns its output, which
/// must stay open until the child is killed: a closed pipe would end the child early.
fn wait_for_first_save(child: &mut Child) -> BufReader<ChildStdout> {
    let stdout = child.stdout.take().expect("the child's piped output");
    let mut output = BufReader::new(stdout);
    let mut line = String::new();
    while !line.starts_with(SAVED) {
        line.clear();
        let read = output.read_line(&mut line).expect("the child's output");
        assert!(read > 0, "the writer died before its first save");
    }
    output
}

fn wait_for_success(mut child: Child) {
    let status = child.wait().expect("the child ends");
    assert!(status.success(), "a child process failed: {status}");
}

/// A small random source for the kill delays (no dependency needed for this).
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

// ---------------------------------------------------------------------------------------
// The child processes

const SESSIONS_PER_CHILD: usize = 200;
const UPDATES_PER_CHILD: u64 = 200;

#[test]
fn child_process() {
    let Ok(role) = std::env::var(CHILD_ROLE) else {
        return; // An ordinary test run: nothing to do.
    };
    let dir = std::env::var_os(CHILD_DIR).expect("the child's folder");
    let index = std::env::var(CHILD_INDEX).expect("the child's index");
    let store = Store::open(DataDir::at(dir));
    match role.as_str() {
        // Saves ever newer large documents until it is killed.
        "bulk-writer" => {
            let loaded = store.load::<Bulk>().expect("the bulk file loads");
            assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
            let mut generation = loaded.value.map_or(0, |bulk| bulk.generation);
            loop {
                generation += 1;
                let notices = store.save(&Bulk::new(generation)).expect("a save");
                assert!(notices.is_empty(), "{notices:?}");
                // Tells the parent that saves are under way.
                println!("{SAVED} {generation}");
            }
        }
        // Records sessions the way the app does: saved at the start, then at the end.
        "sessions" => {
            for minutes in 0..SESSIONS_PER_CHILD as u32 {
                let mut run = Run {
                    id: new_session_id(time::OffsetDateTime::now_utc()),
                    minutes: 0,
                    finished: false,
                };
                store.begin_session(&run).expect("a session starts");
                run.minutes = minutes;
                run.finished = true;
                store.save_session(&run).expect("a session ends");
            }
        }
        "counter" => {
            for _ in 0..UPDATES_PER_CHILD {
                let updated = store
                    .update(|settings: &mut Settings| settings.updates += 1)
                    .expect("an update");
                assert!(updated.notices.is_empty(), "{:?}", updated.notices);
            }
        }
        other => panic!("unknown child role {other} (index {index})"),
    }
}

// ---------------------------------------------------------------------------------------
// Round trips, versions, migration

#[test]
fn documents_and_sessions_round_trip() {
    let (_dir, store) = temp_store();
    let settings = Settings {
        runner: "Alex \"the knee\" Ó'Brien\n".into(),
        baseline_spm: 162,
        updates: 3,
    };
    let notices = store.save(&settings).unwrap();
    assert!(notices.is_empty());
    let loaded = store.load::<Settings>().unwrap();
    assert_eq!(loaded.value, Some(settings));
    assert_eq!(loaded.migrated_from, None);
    assert!(loaded.notices.is_empty());

    let run = Run {
        id: "2026-11-20T07-02-13Z-1-0".into(),
        minutes: 31,
        finished: true,
    };
    store.save_session(&run).unwrap();
    let history = store.load_sessions::<Run>().unwrap();
    assert_eq!(history.sessions, [run]);
    assert!(history.notices.is_empty());

    assert_eq!(
        names_in(store.data_dir()),
        ["sessions", "settings.ron", "settings.ron.lock"]
    );
}

#[test]
fn the_file_is_readable_ron_with_the_version_first() {
    let (_dir, store) = temp_store();
    let _ = store
        .save(&Settings {
            runner: "Sam".into(),
            baseline_spm: 170,
            updates: 0,
        })
        .unwrap();
    let text = fs::read_to_string(store.document_path::<Settings>()).unwrap();
    assert_eq!(
        text,
        "(\n    version: 2,\n    data: (\n        runner: \"Sam\",\n        baseline_spm: 170,\n        updates: 0,\n    ),\n)\n"
    );
}

#[test]
fn a_version_1_file_is_upgraded_and_rewritten_by_the_next_save() {
    let (_dir, store) = temp_store();
    let path = store.document_path::<Settings>();
    fs::copy(fixture("settings-v1.ron"), &path).unwrap();
    let original = fs::read(&path).unwrap();

    let loaded = store.load::<Settings>().unwrap();
    assert_eq!(loaded.migrated_from, Some(1));
    assert_eq!(
        loaded.value,
        Some(Settings {
            runner: "Alex".into(),
            baseline_spm: 162,
            updates: 0,
        })
    );
    // Loading alone does not rewrite the file.
    assert_eq!(fs::read(&path).unwrap(), original);

    let updated = store.update(|s: &mut Settings| s.updates += 1).unwrap();
    assert_eq!(updated.migrated_from, Some(1));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("version: 2") && text.contains("runner: \"Alex\""));
    assert_eq!(store.load::<Settings>().unwrap().migrated_from, None);
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_untouched() {
    let (_dir, store) = temp_store();
    let path = store.document_path::<Settings>();
    let newer = "(version: 3, data: (runner: \"Alex\", shoes: [\"trail\"]))\n";
    fs::write(&path, newer).unwrap();
    let before = fs::metadata(&path).unwrap().modified().unwrap();

    let error = store.load::<Settings>().unwrap_err();
    assert!(matches!(error, StoreError::NewerVersion { found: 3, .. }));
    let message = error.to_string();
    assert!(
        message.contains("written by a newer Cadence Coach"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");

    // Neither a save nor an update replaces it.
    assert!(matches!(
        store.save(&Settings::default()),
        Err(StoreError::NewerVersion { .. })
    ));
    assert!(matches!(
        store.update(|s: &mut Settings| s.updates += 1),
        Err(StoreError::NewerVersion { .. })
    ));
    assert_eq!(fs::read_to_string(&path).unwrap(), newer);
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
    assert_eq!(
        names_in(store.data_dir()),
        ["settings.ron", "settings.ron.lock"]
    );
}

#[test]
fn a_session_from_a_newer_version_is_left_alone_and_reported() {
    let (_dir, store) = temp_store();
    let good = Run {
        id: "a".into(),
        minutes: 20,
        finished: true,
    };
    store.save_session(&good).unwrap();
    let newer = store.session_path::<Run>("b").unwrap();
    fs::write(&newer, "(version: 9, data: ())").unwrap();

    let history = store.load_sessions::<Run>().unwrap();
    assert_eq!(history.sessions, [good]);
    let [Notice::LeftOut { file, reason }] = history.notices.as_slice() else {
        panic!("expected one notice, got {:?}", history.notices);
    };
    assert_eq!(file, &newer);
    assert!(reason.contains("newer Cadence Coach"), "{reason}");
    assert_eq!(
        fs::read_to_string(&newer).unwrap(),
        "(version: 9, data: ())"
    );
}

// ---------------------------------------------------------------------------------------
// Unreadable files

#[test]
fn an_unreadable_document_is_kept_aside_and_reported_once() {
    let (_dir, store) = temp_store();
    let path = store.document_path::<Settings>();
    let broken = "(version: 2, data: (runner: \"Alex\", baseline_spm: 162, updates: 4";
    fs::write(&path, broken).unwrap();

    let loaded = store.load_or_default::<Settings>().unwrap();
    assert_eq!(loaded.value, Settings::default());
    let [notice] = loaded.notices.as_slice() else {
        panic!("expected one notice, got {:?}", loaded.notices);
    };
    let Notice::KeptAside {
        file,
        kept_as,
        instead,
        ..
    } = notice
    else {
        panic!("expected the file to be kept aside: {notice}");
    };
    assert_eq!(file, &path);
    assert_eq!(*instead, Instead::FreshStart);
    assert_eq!(fs::read_to_string(kept_as).unwrap(), broken);
    let sentence = notice.to_string();
    assert!(
        sentence.starts_with("settings.ron could not be read (")
            && sentence.contains("; it was kept as settings.ron.unreadable-")
            && sentence.contains(" and a fresh one started"),
        "{sentence}"
    );

    // Reported once: the next load finds nothing to report.
    let again = store.load::<Settings>().unwrap();
    assert_eq!(again.value, None);
    assert!(again.notices.is_empty());

    // A second bad file in the same second gets its own name.
    fs::write(&path, "nonsense").unwrap();
    let third = store.load::<Settings>().unwrap();
    assert_eq!(third.notices.len(), 1);
    let kept: Vec<_> = names_in(store.data_dir())
        .into_iter()
        .filter(|name| name.starts_with("settings.ron.unreadable-"))
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
}

#[test]
fn an_invalid_document_is_kept_aside_like_a_broken_one() {
    let (_dir, store) = temp_store();
    let path = store.document_path::<Settings>();
    fs::write(
        &path,
        "(version: 2, data: (runner: \"A\", baseline_spm: 999, updates: 0))",
    )
    .unwrap();
    let loaded = store.load::<Settings>().unwrap();
    assert_eq!(loaded.value, None);
    assert!(
        loaded.notices[0]
            .to_string()
            .contains("999 steps per minute is impossible")
    );
    assert!(!path.exists());
}

#[test]
fn unreadable_sessions_are_kept_aside_and_the_rest_of_the_history_is_loaded() {
    let (_dir, store) = temp_store();
    let runs: Vec<Run> = (0..5)
        .map(|i| Run {
            id: format!("run-{i}"),
            minutes: 10 * i,
            finished: true,
        })
        .collect();
    for run in &runs {
        store.save_session(run).unwrap();
    }
    let broken = store.session_path::<Run>("run-2").unwrap();
    fs::write(&broken, [0xff, 0x00, 0x13]).unwrap();
    let empty = store.session_path::<Run>("run-4").unwrap();
    fs::write(&empty, "").unwrap();

    let history = store.load_sessions::<Run>().unwrap();
    assert_eq!(
        history.sessions,
        [runs[0].clone(), runs[1].clone(), runs[3].clone()]
    );
    assert_eq!(history.notices.len(), 2, "{:?}", history.notices);
    for notice in &history.notices {
        let Notice::KeptAside {
            instead, kept_as, ..
        } = notice
        else {
            panic!("expected kept aside: {notice}");
        };
        assert_eq!(*instead, Instead::LeftOutOfHistory);
        assert!(kept_as.exists());
        assert!(notice.to_string().contains("left out of your history"));
    }
    assert!(!broken.exists() && !empty.exists());

    let again = store.load_sessions::<Run>().unwrap();
    assert_eq!(again.sessions.len(), 3);
    assert!(again.notices.is_empty());
}

// ---------------------------------------------------------------------------------------
// Hostile input

#[test]
fn hostile_files_give_errors_not_panics() {
    let deep_seq = format!(
        "(version: 2, data: {}{})",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_struct = format!(
        "(version: 2, data: (runner: \"\", baseline_spm: 0, updates: 0, extra: {}))",
        "Some(".repeat(50_000)
    );
    let huge_string = format!(
        "(version: 2, data: (runner: \"{}\", baseline_spm: 0, updates: 0))",
        "a".repeat(15 * 1024 * 1024)
    );
    let oversized = format!(
        "(version: 2, data: (runner: \"{}\", baseline_spm: 0, updates: 0))",
        "a".repeat(17 * 1024 * 1024)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("deep sequence", deep_seq.into_bytes()),
        ("deep options in an unknown field", deep_struct.into_bytes()),
        ("wrong types", b"(version: 2, data: [1, 2, 3])".to_vec()),
        (
            "wrong field type",
            b"(version: 2, data: (runner: 5, baseline_spm: 0, updates: 0))".to_vec(),
        ),
        (
            "number overflow",
            b"(version: 2, data: (runner: \"\", baseline_spm: 99999999999, updates: 0))".to_vec(),
        ),
        (
            "negative",
            b"(version: 2, data: (runner: \"\", baseline_spm: -1, updates: 0))".to_vec(),
        ),
        (
            "unterminated string",
            b"(version: 2, data: (runner: \"abc".to_vec(),
        ),
        ("binary", (0..=255u8).collect()),
        ("oversized", oversized.into_bytes()),
    ];
    let (_dir, store) = temp_store();
    let path = store.document_path::<Settings>();
    for (what, bytes) in cases {
        assert!(decode::<Settings>(&bytes).is_err(), "{what} decoded");
        fs::write(&path, &bytes).unwrap();
        let loaded = store.load::<Settings>().unwrap();
        assert_eq!(loaded.value, None, "{what}");
        assert_eq!(loaded.notices.len(), 1, "{what}");
        assert!(!path.exists(), "{what} was not set aside");
    }
    // A large but allowed string is fine.
    let decoded = decode::<Settings>(huge_string.as_bytes()).unwrap();
    assert_eq!(decoded.value.runner.len(), 15 * 1024 * 1024);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode::<Settings>(&bytes);
        let _ = decode::<Run>(&bytes);
    }

    #[test]
    fn decoding_ron_like_text_never_panics(
        text in r#"\(version: [0-9]{1,3}, data: [\[\]\(\)\{\}a-z0-9:,"' \.\-]{0,200}\)"#
    ) {
        let _ = decode::<Settings>(text.as_bytes());
        let _ = decode::<Run>(text.as_bytes());
    }

    #[test]
    fn whatever_is_saved_loads_back(
        runner in ".{0,40}",
        baseline_spm in prop_oneof![Just(0u32), 60u32..=250],
        updates in any::<u64>(),
    ) {
        let settings = Settings { runner, baseline_spm, updates };
        let text = cadence_coach::store::encode(&settings).unwrap();
        prop_assert_eq!(decode::<Settings>(text.as_bytes()).unwrap().value, settings);
    }
}

// ---------------------------------------------------------------------------------------
// Crashes and concurrency

/// A writer is killed (SIGKILL on Unix) at random moments while it saves large
/// documents in a loop. After every kill the file must hold a complete document, the
/// one seen before or a newer one.
#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    const KILLS: usize = 100;
    let (dir, store) = temp_store();
    let path = store.document_path::<Bulk>();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut random = XorShift(seed);

    let started = Instant::now();
    let mut last_generation = 0;
    let mut kills_mid_write = 0;
    for kill in 0..KILLS {
        let mut child = spawn_child("bulk-writer", dir.path(), kill);
        // Most kills land after a save, somewhere in the next ones; a few land while
        // the child starts up and reads the file.
        let output = (random.below(8) != 0).then(|| wait_for_first_save(&mut child));
        std::thread::sleep(Duration::from_micros(random.below(100_000)));
        child.kill().expect("the writer can be killed");
        let status = child.wait().expect("the killed writer is reaped");
        drop(output);
        assert!(!status.success(), "the writer stopped by itself: {status}");

        if !atomic::temp_files_beside(&path).unwrap().is_empty() {
            kills_mid_write += 1;
        }
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                assert_eq!(last_generation, 0, "the file vanished after kill {kill}");
                continue;
            }
            Err(error) => panic!("reading after kill {kill}: {error}"),
        };
        let bulk = decode::<Bulk>(&bytes)
            .unwrap_or_else(|error| panic!("torn file after kill {kill}: {error}"))
            .value;
        assert!(
            bulk.generation >= last_generation,
            "the file went back from generation {last_generation} to {}",
            bulk.generation
        );
        last_generation = bulk.generation;
    }
    eprintln!(
        "{KILLS} kills in {:.1?}: {kills_mid_write} left a temporary file, {last_generation} saves completed",
        started.elapsed()
    );
    assert!(last_generation > 0, "no save ever completed");

    // Nothing was ever set aside, and the next save clears the killed writers' leftovers.
    let notices = store.save(&Bulk::new(last_generation + 1)).unwrap();
    assert!(notices.is_empty());
    assert_eq!(names_in(dir.path()), ["bulk.ron", "bulk.ron.lock"]);
}

#[test]
fn two_copies_recording_sessions_at_once_lose_none() {
    let (dir, store) = temp_store();
    let children: Vec<Child> = (0..2)
        .map(|index| spawn_child("sessions", dir.path(), index))
        .collect();
    children.into_iter().for_each(wait_for_success);

    let history = store.load_sessions::<Run>().unwrap();
    assert!(history.notices.is_empty(), "{:?}", history.notices);
    assert_eq!(history.sessions.len(), 2 * SESSIONS_PER_CHILD);
    assert!(history.sessions.iter().all(|run| run.finished));
    let mut ids: Vec<_> = history.sessions.iter().map(|run| &run.id).collect();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2 * SESSIONS_PER_CHILD,
        "ids are sorted and unique"
    );
}

#[test]
fn two_copies_updating_one_document_lose_no_update() {
    let (dir, store) = temp_store();
    let children: Vec<Child> = (0..2)
        .map(|index| spawn_child("counter", dir.path(), index))
        .collect();
    children.into_iter().for_each(wait_for_success);

    let loaded = store.load::<Settings>().unwrap();
    assert_eq!(loaded.value.map(|s| s.updates), Some(2 * UPDATES_PER_CHILD));
}

/// The app's own files in their first format, as committed fixtures: a change to the
/// coaching types that would stop a runner's saved files from loading fails here (and
/// needs a version bump with a migration instead).
#[test]
fn the_first_format_of_every_app_file_still_loads() {
    use cadence_coach::coach::{BaselineMethod, Morning, Plan, Profile, SessionRecord};

    let (_dir, store) = temp_store();
    fs::create_dir_all(store.sessions_dir::<SessionRecord>()).unwrap();
    fs::copy(fixture("plan-v1.ron"), store.document_path::<Plan>()).unwrap();
    fs::copy(fixture("profile-v1.ron"), store.document_path::<Profile>()).unwrap();
    fs::copy(
        fixture("session-v1.ron"),
        store
            .session_path::<SessionRecord>("20261121T063000Z-00c0ffee")
            .unwrap(),
    )
    .unwrap();

    let plan = store.load::<Plan>().unwrap();
    assert!(plan.notices.is_empty(), "{:?}", plan.notices);
    let plan = plan.value.unwrap();
    assert_eq!((plan.baseline.spm, plan.weeks()), (160, 6));
    assert_eq!(plan.final_target().spm, 176);

    let profile = store.load::<Profile>().unwrap().value.unwrap();
    let baseline = profile.baseline.as_ref().unwrap();
    assert_eq!(baseline.spm, 160);
    assert!(matches!(
        baseline.method,
        BaselineMethod::CountedMinute { count: 80, .. }
    ));
    assert_eq!(profile.target().unwrap().spm, 172);
    assert_eq!(profile.clearances.len(), 1);

    let sessions = store.load_sessions::<SessionRecord>().unwrap();
    assert!(sessions.notices.is_empty(), "{:?}", sessions.notices);
    let [run] = sessions.sessions.as_slice() else {
        panic!("one run expected");
    };
    assert_eq!(run.steps, 4_886);
    assert!(
        run.pain_logged,
        "files from before the field were always logged"
    );
    assert_eq!(run.morning.unwrap().symptoms, Morning::Same);
    assert!((run.step_length_m().unwrap() - 9.5 / 0.06 / 164.0).abs() < 1e-12);
}

/// The music library's first format (`music.ron`) still loads.
#[test]
fn the_first_music_library_format_still_loads() {
    use cadence_coach::music::library::{Library, Outcome};

    let (_dir, store) = temp_store();
    fs::copy(fixture("music-v1.ron"), store.document_path::<Library>()).unwrap();
    let loaded = store.load::<Library>().unwrap();
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    let library = loaded.value.unwrap();
    assert_eq!(library.songs.len(), 2);
    let song = &library.songs[std::path::Path::new("/music/album/half-time.mp3")];
    assert_eq!(song.bpm(), Some(84.317));
    assert!(matches!(&song.outcome, Outcome::Analysed { beats, .. } if beats.len() == 4));
    let cover = &library.songs[std::path::Path::new("/music/cover.jpg")];
    assert_eq!(cover.tapped_bpm, None);
    assert!(matches!(&cover.outcome, Outcome::Skipped { reason } if reason.contains(".jpg")));
}

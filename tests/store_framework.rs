//! The files this round added or extended still load in their first format: the
//! training file (other activities, exercise sets, shoes) from its committed fixture,
//! and the profile and run files from before the risk profile and the downhill mark.

use std::fs;
use std::path::PathBuf;

use cadence_coach::coach::{ActivityKind, Exercise, Profile, RiskProfile, SessionRecord, Training};
use cadence_coach::store::{DataDir, Store};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn the_first_training_file_and_older_profiles_and_runs_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(DataDir::at(dir.path()));
    fs::create_dir_all(store.sessions_dir::<SessionRecord>()).unwrap();
    fs::copy(
        fixture("training-v1.ron"),
        store.document_path::<Training>(),
    )
    .unwrap();
    fs::copy(fixture("profile-v1.ron"), store.document_path::<Profile>()).unwrap();
    fs::copy(
        fixture("session-v1.ron"),
        store
            .session_path::<SessionRecord>("20261121T063000Z-00c0ffee")
            .unwrap(),
    )
    .unwrap();

    let training = store.load::<Training>().unwrap();
    assert!(training.notices.is_empty(), "{:?}", training.notices);
    let training = training.value.unwrap();
    assert_eq!(training.activities.len(), 2);
    assert_eq!(training.activities[0].kind, ActivityKind::Strength);
    assert_eq!(
        training.activities[0].exercises[1].exercise,
        Exercise::SplitSquats
    );
    assert_eq!(training.activities[0].exercises[1].load_kg, 10.0);
    assert_eq!(training.activities[1].minutes, 40.0);
    assert_eq!(training.shoes[0].start_km, 120.0);

    let profile = store.load::<Profile>().unwrap();
    assert!(profile.notices.is_empty(), "{:?}", profile.notices);
    assert_eq!(
        profile.value.unwrap().risk,
        RiskProfile::default(),
        "nothing answered before the questions existed"
    );
    let sessions = store.load_sessions::<SessionRecord>().unwrap();
    assert!(sessions.notices.is_empty(), "{:?}", sessions.notices);
    assert!(!sessions.sessions[0].downhill);
}

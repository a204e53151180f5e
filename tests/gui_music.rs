//! The Music screen as a runner uses it, with songs generated here and the real engine
//! behind the simulated sound card: type the folder, scan it (the window keeps drawing
//! while a thread analyses), read each song's tempo, step rate, confidence and fit,
//! play a free run and today's planned run with the music (clicks muted: what plays is
//! the music), skip a song, and set a song's tempo by tapping, which is saved in the
//! library as `music tempo` saves it.

#[allow(dead_code)]
#[path = "support/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "support/gui.rs"]
mod gui;

#[path = "support/songs.rs"]
mod song_files;

use std::path::Path;
use std::time::Duration;

use cadence_coach::coach::Baseline;
use cadence_coach::music::library::Library;
use cadence_coach::music::synth::{Groove, Song};
use cadence_coach::music::{Fit, fold};
use cadence_coach::store::Store;
use cadence_coach::ui::MusicClicks;
use eframe::egui::Key;
use egui_kittest::kittest::Queryable;
use gui::App;

/// A folder with a half-time song, a straight one (both near 170 and 164 spm) and a
/// file that is not a song.
fn music_folder(dir: &Path) -> std::path::PathBuf {
    let music = dir.join("music");
    std::fs::create_dir_all(&music).unwrap();
    song_files::write_song(
        &music.join("a-half-time.wav"),
        &Song::new(84.5, Groove::HalfTime, 45.0),
    );
    song_files::write_song(
        &music.join("b-straight.wav"),
        &Song {
            seed: 9,
            ..Song::new(167.0, Groove::Straight, 30.0)
        },
    );
    std::fs::write(music.join("notes.txt"), "a setlist").unwrap();
    music
}

fn plan_from_last_monday(store: &Store) {
    gui::save_profile(store, Baseline::typed(160.0).expect("a plausible rate"));
    gui::save_plan_from_last_monday(store);
}

fn scan(app: &mut App, folder: &Path) {
    app.click("Music");
    app.type_into("Music folder:", folder.to_str().unwrap());
    app.harness.get_by_label("Scan the folder").click();
    // The frame that takes the click starts the scan on a thread; the next one is
    // drawn at once, showing it under way.
    app.harness.step();
    app.harness.step();
    assert!(app.shows("Scanning"), "no progress shown");
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !app.shows("files scanned") {
        assert!(
            std::time::Instant::now() < deadline,
            "the scan did not finish"
        );
        std::thread::sleep(Duration::from_millis(50));
        app.harness.step();
    }
    app.harness.run();
}

#[test]
fn a_folder_is_scanned_and_each_song_shows_its_tempo_and_fit() {
    let mut app = App::start(plan_from_last_monday);
    let folder = music_folder(app.dir.path());
    scan(&mut app, &folder);
    assert!(app.shows("3 files scanned, 2 songs with a tempo."));
    // Today's planned target (160 + 10% in the plan's first steps: 164).
    assert!(app.shows("Fit for today's target of 164 spm"));
    assert!(app.shows("not an audio file (.txt)"));
    // Kept in the library for the command line and the next scan; each song's row
    // shows what was found, folded to the step rate.
    let library = app.store().load::<Library>().unwrap().value.unwrap();
    assert_eq!(library.songs.len(), 3);
    for (name, true_spm) in [("a-half-time.wav", 169.0), ("b-straight.wav", 167.0)] {
        let (_, entry) = library
            .songs
            .iter()
            .find(|(path, _)| path.ends_with(name))
            .unwrap();
        let bpm = entry.bpm().expect("a tempo");
        let spm = fold(bpm, 164.0).spm;
        assert!((spm / true_spm - 1.0).abs() < 0.01, "{name}: {bpm} BPM");
        assert!(app.shows(name));
        assert!(app.shows(&format!("{bpm:.1} BPM")), "{name}: {bpm:.1} BPM");
        assert!(app.shows(&format!("{spm:.1} spm")), "{name}: {spm:.1} spm");
        assert!(app.shows(&Fit::of(spm, 164.0).describe()), "{name}");
    }
}

#[test]
fn a_free_run_plays_the_music_and_a_song_can_be_skipped() {
    let mut app = App::start(plan_from_last_monday);
    let folder = music_folder(app.dir.path());
    scan(&mut app, &folder);

    app.click("muted (music alone)");
    assert_eq!(app.state().metronome().music_clicks(), MusicClicks::Muted);
    app.click("Play a free run at 170 spm with music");
    app.wait_for("the music to start", |app| app.metronome().has_music());
    assert!(app.state().metronome().is_playing());
    assert!(app.state().recording().is_some(), "the run is recorded");
    app.wait_for("steps", |app| {
        app.metronome().status().is_some_and(|s| s.steps >= 6)
    });
    // The clicks are muted, so what the device played is the music.
    let _ = app.outputs.take_loudest();
    std::thread::sleep(Duration::from_millis(300));
    let loudest = app.outputs.take_loudest();
    assert!(loudest > 0.05, "no music on the device: {loudest}");

    let first = app.state().metronome().now_playing().expect("a song plays");
    app.harness.run();
    assert!(app.shows(&format!("Now playing: {first}")));
    app.click("Skip this song");
    app.wait_for("the next song", |app| {
        app.metronome()
            .now_playing()
            .is_some_and(|song| song != first)
    });

    // The runner raises the rate: the music goes on (retimed on the new steps).
    app.click("Run");
    app.harness.key_press(Key::ArrowUp);
    app.harness.key_press(Key::ArrowUp);
    app.harness.run();
    app.wait_for("the new rate", |app| {
        app.metronome().status().is_some_and(|s| s.spm == 172.0)
    });
    let _ = app.outputs.take_loudest();
    std::thread::sleep(Duration::from_millis(300));
    assert!(app.outputs.take_loudest() > 0.05, "the music stopped");
}

#[test]
fn todays_planned_run_plays_with_the_music() {
    let mut app = App::start(plan_from_last_monday);
    let folder = music_folder(app.dir.path());
    scan(&mut app, &folder);
    app.click("accented on the beat");
    app.click("Play today's run with music");
    app.wait_for("the music to start", |app| app.metronome().has_music());
    assert!(app.state().metronome().is_programmed());
    app.wait_for("steps of the warm-up", |app| {
        app.metronome().status().is_some_and(|s| s.steps >= 3)
    });
    assert_eq!(app.state().metronome().status().map(|s| s.spm), Some(160.0));
    let run = app.state().recording().expect("recorded").clone();
    assert!(run.profile.is_some(), "recorded as today's planned run");
}

#[test]
fn a_songs_tempo_is_set_by_tapping_and_saved_in_the_library() {
    let mut app = App::start(plan_from_last_monday);
    let folder = music_folder(app.dir.path());
    scan(&mut app, &folder);
    let first_tap = app
        .harness
        .get_all_by_label("Tap tempo")
        .next()
        .expect("a Tap tempo button");
    first_tap.click();
    app.harness.run();
    assert!(app.shows("tap to its beat"));
    // Six taps 0.7 s apart, one of them late: the median gap says 85.7 BPM.
    for gap in [0.7, 0.7, 0.75, 0.7, 0.7] {
        app.click("Tap the beat");
        app.clock.advance(Duration::from_secs_f64(gap));
    }
    app.click("Tap the beat");
    assert!(app.shows("85.7 BPM tapped"));
    app.click("Save the tapped tempo");
    assert!(app.shows("a-half-time.wav: 85.7 BPM, as tapped."));
    assert!(app.shows("85.7 BPM (tapped)"));

    let library = app.store().load::<Library>().unwrap().value.unwrap();
    let (_, entry) = library
        .songs
        .iter()
        .find(|(path, _)| path.ends_with("a-half-time.wav"))
        .unwrap();
    assert_eq!(entry.tapped_bpm, Some(85.7));
}

#[test]
fn a_folder_that_cannot_be_read_is_named_in_the_message() {
    let mut app = App::start(plan_from_last_monday);
    app.click("Music");
    app.type_into("Music folder:", "/no/such/folder");
    app.click("Scan the folder");
    assert!(app.shows("/no/such/folder: cannot open the music folder"));
}

//! `music scan` and `render --music` as a user meets them: a folder with a song, a
//! text file and a broken MP3; results cached in the data folder; a folder with nothing
//! usable still renders, with clicks only.

#[path = "support/songs.rs"]
mod song_files;

#[path = "support/cli.rs"]
mod cli;

use cli::{run, text};

use cadence_coach::music::synth::{Groove, Song};

#[test]
fn scan_lists_songs_and_skipped_files_and_caches_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let music = dir.path().join("music");
    std::fs::create_dir_all(music.join("album")).unwrap();
    song_files::write_song(
        &music.join("album/half-time.wav"),
        &Song::new(86.0, Groove::HalfTime, 20.0),
    );
    std::fs::write(music.join("notes.txt"), "not a song").unwrap();
    std::fs::write(music.join("broken.mp3"), b"ID3 and then nothing useful").unwrap();

    let music_arg = music.to_str().unwrap();
    let output = run(&data, &["music", "scan", music_arg, "--spm", "170"]);
    let out = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let song = out.lines().find(|l| l.contains("half-time.wav")).unwrap();
    assert!(song.contains(" spm") && song.contains("fits ("), "{song}");
    assert!(
        out.contains("skipped: notes.txt: not an audio file (.txt)"),
        "{out}"
    );
    assert!(out.contains("skipped: broken.mp3: "), "{out}");
    assert!(
        out.contains("1 of 3 files can be played at 170 spm"),
        "{out}"
    );
    assert!(data.join("music.ron").is_file());

    let output = run(
        &data,
        &["music", "scan", music_arg, "--json", "--spm", "170"],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let song = items
        .iter()
        .find(|item| item["file"] == "album/half-time.wav")
        .unwrap();
    assert!(
        (song["spm"].as_f64().unwrap() - 172.0).abs() < 1.0,
        "{song}"
    );
    assert!((song["bpm"].as_f64().unwrap() - 86.0).abs() < 0.5, "{song}");
    assert!(song["confidence"].as_f64().unwrap() > 0.3);
    assert_eq!(song["fits"], true);

    // The runner taps it at double speed: the step rate stays, the tempo shown changes.
    let file = music.join("album/half-time.wav");
    let output = run(&data, &["music", "tempo", file.to_str().unwrap(), "172"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let output = run(
        &data,
        &["music", "scan", music_arg, "--json", "--spm", "170"],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let song = json
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["file"] == "album/half-time.wav")
        .unwrap();
    assert_eq!(song["bpm"], 172.0);
    let output = run(&data, &["music", "tempo", "missing.wav", "90"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_missing_folder_is_a_usage_error_and_an_empty_one_renders_clicks_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let missing = dir.path().join("no-such-folder");
    let output = run(&data, &["music", "scan", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot open the music folder"));

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = dir.path().join("run.wav");
    let output = run(
        &data,
        &[
            "render",
            "--spm",
            "170",
            "--minutes",
            "0.2",
            "--music",
            empty.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("no song suits 170 spm"));
    assert!(out.is_file());
}

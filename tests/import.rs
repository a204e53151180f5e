//! Watch-file import: real exports nobody here wrote (FIT, TCX, GPX from other
//! projects' test data), FIT files written byte by byte for the cases they do not
//! cover, and every kind of bad input.

#[allow(dead_code)]
#[path = "support/fit.rs"]
mod fit;

use std::path::PathBuf;

use cadence_coach::coach::Measurement;
use cadence_coach::import::{
    self, CadenceUnit, ImportError, MAX_FILE_BYTES, Options, Sport, import_bytes, import_file,
    read_legs,
};
use fit::{Leg, Record, steady_records};

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/samples/watch")
        .join(name)
}

fn read_sample(name: &str) -> Vec<u8> {
    std::fs::read(sample(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn only_run(bytes: &[u8], options: Options) -> Measurement {
    let imported = import_bytes(bytes, options).unwrap();
    let runs: Vec<&Measurement> = imported
        .legs
        .iter()
        .filter_map(|leg| leg.measurement.as_ref())
        .collect();
    assert_eq!(runs.len(), 1, "{:?}", imported.legs);
    runs[0].clone()
}

/// 2017-06-11 14:34:09 UTC, as Unix seconds: the start of the Fenix 5 run.
const FENIX_START_UNIX: i64 = 1_497_191_649;

/// The CSV that python-fitparse keeps beside the FIT run: per record, the time, heart
/// rate, cadence (strides per minute, integer part), speed and distance.
#[test]
fn the_fenix_run_matches_the_expected_records() {
    let csv = std::fs::read_to_string(sample("garmin-fenix-5-run-records.csv")).unwrap();
    let expected: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    let legs = read_legs(&read_sample("garmin-fenix-5-run.fit"), Options::default()).unwrap();
    let [leg] = legs.as_slice() else {
        panic!("one leg expected: {legs:?}");
    };
    assert_eq!(leg.sport, Sport::Running);
    assert_eq!(leg.started_at.unix_timestamp(), FENIX_START_UNIX);
    assert_eq!(leg.samples.len(), expected.len());
    for (got, row) in leg.samples.iter().zip(&expected) {
        // "Sun Jun 11 07:34:13 PDT 2017": seconds past 07:34:09.
        let clock: Vec<i64> = row[0][11..19]
            .split(':')
            .map(|part| part.parse().unwrap())
            .collect();
        let seconds = (clock[0] - 7) * 3600 + (clock[1] - 34) * 60 + clock[2] - 9;
        assert_eq!(got.seconds, seconds as f64, "{row:?}");
        assert_eq!(got.heart_rate, Some(row[1].parse().unwrap()), "{row:?}");
        let strides: f64 = row[2].parse().unwrap();
        let spm = got.spm.unwrap();
        // Steps = 2 x (cadence + fraction), the fraction below one stride.
        assert!(
            spm >= 2.0 * strides && spm < 2.0 * (strides + 1.0),
            "{spm} {row:?}"
        );
        let speed: f64 = row[3].parse().unwrap();
        assert!((got.speed_mps.unwrap() - speed).abs() < 0.002, "{row:?}");
        let distance: f64 = row[4].parse().unwrap();
        assert!((got.distance_m.unwrap() - distance).abs() < 0.01, "{row:?}");
    }
    // The fraction is read: some cadence is not a whole number of strides.
    assert!(leg.samples.iter().any(|s| s.spm.unwrap() % 2.0 != 0.0));
}

#[test]
fn the_fenix_run_is_measured_without_its_standing_start() {
    let run = only_run(&read_sample("garmin-fenix-5-run.fit"), Options::default());
    // The first three records stand still (cadence 0, speed 0).
    assert_eq!(run.started_at.unix_timestamp(), FENIX_START_UNIX);
    assert!(run.moving_seconds < run.elapsed_seconds);
    assert!((170.0..=192.0).contains(&run.median_spm), "{run:?}");
    assert!(run.validate().is_ok());
}

#[test]
fn a_walk_is_listed_and_not_measured() {
    let imported = import_file(&sample("garmin-fenix-5-walk.fit"), Options::default()).unwrap();
    assert!(!imported.legs.is_empty());
    for leg in &imported.legs {
        assert_eq!(leg.sport, Sport::Walking);
        assert_eq!(leg.measurement, None);
    }
}

#[test]
fn the_garmin_tcx_run_reads_ns3_run_cadence() {
    let run = only_run(
        &read_sample("20210119_run_garmin_fenix6.tcx"),
        Options::default(),
    );
    // The lap says 1230.5 s, average run cadence 91 strides per minute.
    assert!(
        (1_229.0..=1_232.0).contains(&run.elapsed_seconds),
        "{run:?}"
    );
    assert!((178.0..=186.0).contains(&run.mean_spm), "{}", run.mean_spm);
    assert_eq!(run.minutes.len(), 21);
}

#[test]
fn the_garmin_gpx_run_doubles_its_strides_unless_told() {
    let bytes = read_sample("garmin-activity.gpx");
    // ns3:cad is mostly 78-81: strides, so 156-162 steps.
    let run = only_run(&bytes, Options::default());
    assert!(
        (156.0..=162.0).contains(&run.median_spm),
        "{}",
        run.median_spm
    );
    // 14:46:35 to 16:18:13.
    assert!(
        (5_490.0..=5_505.0).contains(&run.elapsed_seconds),
        "{run:?}"
    );
    let as_steps = only_run(
        &bytes,
        Options {
            gpx_cadence: CadenceUnit::Steps,
        },
    );
    assert!((78.0..=81.0).contains(&as_steps.median_spm));
}

#[test]
fn a_truncated_fit_says_it_was_cut_off() {
    let error = import_file(&sample("nick.fit"), Options::default()).unwrap_err();
    assert!(matches!(error, ImportError::Truncated("FIT")), "{error}");
    assert!(error.to_string().contains("ends early"), "{error}");
}

#[test]
fn every_cut_of_a_real_fit_is_refused_cleanly() {
    let bytes = read_sample("garmin-fenix-5-run.fit");
    for cut in [1, 12, 14, 15, 100, 1_000, bytes.len() / 2, bytes.len() - 1] {
        let result = read_legs(&bytes[..cut], Options::default());
        assert!(result.is_err(), "cut at {cut} was accepted");
    }
    let mut flipped = bytes.clone();
    flipped[2_000] ^= 0x55;
    assert!(read_legs(&flipped, Options::default()).is_err());
}

#[test]
fn a_hand_written_fit_is_read_as_written() {
    let start = 1_795_000_000; // 2026-11-18
    let records = steady_records(start, 10, |_| 84);
    let bytes = fit::activity(&[Leg {
        sport: fit::RUNNING,
        records,
    }]);
    let run = only_run(&bytes, Options::default());
    assert_eq!(run.started_at.unix_timestamp(), start);
    assert_eq!(run.elapsed_seconds, 600.0);
    assert_eq!(run.median_spm, 168.0);
    assert_eq!(run.steps, 1_680);
    assert_eq!(run.minutes_at_or_above(165.0), 10.0);
}

#[test]
fn fractional_cadence_adds_half_steps() {
    let mut records = steady_records(1_795_000_000, 2, |_| 84);
    for record in &mut records {
        record.fractional_cadence = Some(64); // half a stride
    }
    let bytes = fit::activity(&[Leg {
        sport: fit::RUNNING,
        records,
    }]);
    assert_eq!(only_run(&bytes, Options::default()).mean_spm, 169.0);
}

#[test]
fn a_triathlon_gives_its_run_and_lists_the_rest() {
    let t0 = 1_795_000_000;
    let swim = steady_records(t0, 15, |_| 30);
    let bike = steady_records(t0 + 16 * 60, 40, |_| 90);
    let run = steady_records(t0 + 57 * 60, 20, |_| 86);
    let bytes = fit::activity(&[
        Leg {
            sport: fit::SWIMMING,
            records: swim,
        },
        Leg {
            sport: fit::CYCLING,
            records: bike,
        },
        Leg {
            sport: fit::RUNNING,
            records: run,
        },
    ]);
    let imported = import_bytes(&bytes, Options::default()).unwrap();
    let sports: Vec<&Sport> = imported.legs.iter().map(|leg| &leg.sport).collect();
    assert_eq!(sports, [&Sport::Swimming, &Sport::Cycling, &Sport::Running]);
    assert!(
        imported.legs[..2]
            .iter()
            .all(|leg| leg.measurement.is_none())
    );
    let measured = imported.legs[2].measurement.as_ref().unwrap();
    assert_eq!(measured.started_at.unix_timestamp(), t0 + 57 * 60);
    assert_eq!(measured.median_spm, 172.0);
    assert_eq!(measured.elapsed_seconds, 1_200.0);
    assert_eq!(imported.legs[1].elapsed_seconds, 40.0 * 60.0 - 1.0);
    // Each leg has its own source, so a second import finds each.
    assert_eq!(measured.source, import::source_id(&imported.fingerprint, 2));
}

#[test]
fn a_ride_alone_measures_nothing() {
    let bytes = fit::activity(&[Leg {
        sport: fit::CYCLING,
        records: steady_records(1_795_000_000, 30, |_| 90),
    }]);
    let imported = import_bytes(&bytes, Options::default()).unwrap();
    assert_eq!(imported.legs.len(), 1);
    assert_eq!(imported.legs[0].sport, Sport::Cycling);
    assert_eq!(imported.legs[0].measurement, None);
}

#[test]
fn a_run_without_cadence_says_how_to_get_it() {
    let mut records = steady_records(1_795_000_000, 5, |_| 84);
    for record in &mut records {
        record.cadence = None;
        record.fractional_cadence = None;
    }
    let bytes = fit::activity(&[Leg {
        sport: fit::RUNNING,
        records,
    }]);
    let error = import_bytes(&bytes, Options::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "no cadence in this run: turn on wrist or footpod cadence on the watch"
    );
}

#[test]
fn stops_at_lights_and_pauses_are_left_out() {
    let t0 = 1_795_000_000;
    let mut records = steady_records(t0, 10, |_| 85);
    // Two minutes standing at a light: cadence and speed 0.
    records.extend((600..720).map(|s| Record {
        unix: t0 + s,
        cadence: Some(0),
        fractional_cadence: Some(0),
        speed_mps: Some(0.0),
        distance_m: Some(1_800.0),
        heart_rate: Some(120),
    }));
    // Ten more minutes after a 5-minute pause of the watch's timer.
    records.extend(steady_records(t0 + 1_020, 10, |_| 85));
    let bytes = fit::activity(&[Leg {
        sport: fit::RUNNING,
        records,
    }]);
    let run = only_run(&bytes, Options::default());
    assert_eq!(run.elapsed_seconds, 1_620.0);
    assert_eq!(run.moving_seconds, 1_200.0);
    assert_eq!(run.mean_spm, 170.0);
}

/// A GPX run written as text, with positions and times but no speed, as many apps
/// export: `(seconds, metres east of the start, strides per minute)` per point. The
/// positions are made up, on the equator at 0 degrees east.
fn gpx_without_speed(points: &[(u32, f64, u32)]) -> String {
    // Metres per degree of longitude on the equator, for the mean Earth radius.
    let metres_per_degree = 6_371_008.8 * std::f64::consts::PI / 180.0;
    let points: String = points
        .iter()
        .map(|&(second, east, cad)| {
            let (minute, second) = (second / 60, second % 60);
            format!(
                "<trkpt lat=\"0.0\" lon=\"{:.9}\"><time>2026-11-24T06:{minute:02}:{second:02}Z</time>\
                 <extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>{cad}</gpxtpx:cad>\
                 </gpxtpx:TrackPointExtension></extensions></trkpt>\n",
                east / metres_per_degree
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><gpx version=\"1.1\" \
         xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\
         <trk><type>running</type><trkseg>\n{points}</trkseg></trk></gpx>"
    )
}

#[test]
fn a_gpx_without_speed_finds_its_stops_from_the_positions() {
    // 10 minutes at 3 m/s, 2 minutes standing at a light with the watch still reading
    // 80 strides (arm swing) and the fix wandering a metre, 10 more minutes.
    let mut points = Vec::new();
    let mut east = 0.0;
    for second in 0..1_320u32 {
        let standing = (600..720).contains(&second);
        let jitter = if standing {
            [0.0, 1.0, -0.5, 0.5, -1.0, 0.5][second as usize % 6]
        } else {
            east += 3.0;
            0.0
        };
        points.push((second, east + jitter, if standing { 80 } else { 85 }));
    }
    let gpx = gpx_without_speed(&points);
    let run = only_run(gpx.as_bytes(), Options::default());
    assert_eq!(run.elapsed_seconds, 1_320.0);
    // The stop, less up to the half window the speed is taken over at each end.
    let stopped = run.elapsed_seconds - run.moving_seconds;
    assert!((105.0..=120.0).contains(&stopped), "{stopped} s stopped");
    assert!((run.mean_spm - 170.0).abs() < 0.5, "{}", run.mean_spm);

    // Without positions nothing tells the stop: the 160 spm of arm swing counts.
    let no_positions = gpx.replace(" lat=\"0.0\"", "");
    let run = only_run(no_positions.as_bytes(), Options::default());
    assert!(run.moving_seconds > 1_300.0, "{}", run.moving_seconds);
}

#[test]
fn a_fit_without_records_says_nothing_was_recorded() {
    let bytes = fit::activity(&[]);
    let error = read_legs(&bytes, Options::default()).unwrap_err();
    assert!(matches!(error, ImportError::NoRecords), "{error}");
}

#[test]
fn random_bytes_empty_files_and_huge_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.fit");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        import_file(&empty, Options::default()),
        Err(ImportError::Empty)
    ));
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let random = dir.path().join("random.gpx");
    std::fs::write(&random, &noise).unwrap();
    let error = import_file(&random, Options::default()).unwrap_err();
    assert!(matches!(error, ImportError::UnknownFormat), "{error}");
    // Random bytes behind a FIT header: damaged, not a panic.
    let mut fake = fit::finish(&noise);
    fake.truncate(fake.len() - 2);
    assert!(read_legs(&fake, Options::default()).is_err());

    // A sparse file: 65 MB on paper, nothing written.
    let huge = dir.path().join("huge.tcx");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(MAX_FILE_BYTES + 1024 * 1024)
        .unwrap();
    let error = import_file(&huge, Options::default()).unwrap_err();
    assert!(matches!(error, ImportError::TooLarge { .. }), "{error}");
    assert!(error.to_string().contains("64 MB"), "{error}");
    let missing = import_file(&dir.path().join("nope.fit"), Options::default()).unwrap_err();
    assert!(matches!(missing, ImportError::Read(_)), "{missing}");
}

#[test]
fn an_xml_bomb_is_refused_without_expanding() {
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE gpx [\n <!ENTITY a \"aaaaaaaaaa\">\n");
    for level in 1..10 {
        let previous = if level == 1 {
            "a".to_string()
        } else {
            format!("a{}", level - 1)
        };
        bomb.push_str(&format!(
            " <!ENTITY a{level} \"{}\">\n",
            format!("&{previous};").repeat(10)
        ));
    }
    bomb.push_str("]>\n<gpx><trk><trkseg><trkpt><time>&a9;</time></trkpt></trkseg></trk></gpx>");
    let error = read_legs(bomb.as_bytes(), Options::default()).unwrap_err();
    assert!(matches!(error, ImportError::DocType), "{error}");
}

#[test]
fn a_gpx_without_cadence_and_a_cut_tcx_are_clear() {
    let gpx = "<gpx><trk><type>running</type><trkseg>\
               <trkpt lat=\"0\" lon=\"0\"><time>2026-11-24T06:30:00Z</time></trkpt>\
               <trkpt lat=\"0\" lon=\"0\"><time>2026-11-24T06:30:01Z</time></trkpt>\
               </trkseg></trk></gpx>";
    let error = import_bytes(gpx.as_bytes(), Options::default()).unwrap_err();
    assert!(
        error.to_string().starts_with("no cadence in this run"),
        "{error}"
    );

    let tcx = read_sample("20210119_run_garmin_fenix6.tcx");
    let error = import_bytes(&tcx[..tcx.len() / 2], Options::default()).unwrap_err();
    assert!(matches!(error, ImportError::Truncated("TCX")), "{error}");
}

mod damaged_files {
    //! Random damage to real and hand-written files, and random bytes: every reader
    //! must refuse or accept cleanly (no panic), and whatever it accepts must validate.
    //! (The cargo-fuzz target in fuzz/ does the same at length.)

    use proptest::prelude::*;

    use super::*;

    fn seeds() -> Vec<Vec<u8>> {
        let fit_run = fit::activity(&[Leg {
            sport: fit::RUNNING,
            records: steady_records(1_795_000_000, 3, |s| 80 + (s % 5) as u8),
        }]);
        let tcx = br#"<TrainingCenterDatabase><Activities><Activity Sport="Running"><Lap><Track>
<Trackpoint><Time>2026-11-24T06:30:00Z</Time><Extensions><ns3:TPX><ns3:RunCadence>84</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>
<Trackpoint><Time>2026-11-24T06:30:01Z</Time><Extensions><ns3:TPX><ns3:RunCadence>85</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>"#
            .to_vec();
        let gpx = br#"<gpx><trk><trkseg>
<trkpt lat="0" lon="0"><time>2026-11-24T06:30:00Z</time><extensions><gpxtpx:cad>84</gpxtpx:cad></extensions></trkpt>
<trkpt lat="0" lon="0"><time>2026-11-24T06:30:01Z</time><extensions><gpxtpx:cad>85</gpxtpx:cad></extensions></trkpt>
</trkseg></trk></gpx>"#
            .to_vec();
        vec![read_sample("garmin-fenix-5-run.fit"), fit_run, tcx, gpx]
    }

    fn check(bytes: &[u8]) {
        if let Ok(imported) = import_bytes(bytes, Options::default()) {
            for leg in imported.legs {
                if let Some(measured) = leg.measurement {
                    assert!(measured.validate().is_ok(), "{measured:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn damaged_files_never_panic(
            seed in 0usize..4,
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let mut bytes = seeds().swap_remove(seed);
            for (at, byte) in edits {
                let len = bytes.len();
                bytes[at % len] = byte;
            }
            check(&bytes);
            let len = bytes.len();
            check(&bytes[..cut % len]);
            if seed < 2 {
                // The damage with fresh CRCs, so the FIT parser reads past its checks.
                check(&fit::finish(&bytes[14..len - 2]));
            }
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            check(&bytes);
            let mut fit = fit::finish(&bytes);
            check(&fit);
            fit.truncate(fit.len() / 2);
            check(&fit);
        }
    }
}

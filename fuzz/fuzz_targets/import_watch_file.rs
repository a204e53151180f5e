//! Feeds arbitrary bytes to the watch-file readers (FIT through fitparser, TCX and GPX
//! through quick-xml) and the run summary after them. Nothing may panic, hang or run out
//! of memory, and every run that is accepted must pass its own validation (the same
//! check a saved run gets when it is loaded). fitparser's panics are caught by the app
//! and reported as a damaged file; the framing walk before it should leave none, so a
//! caught panic fails here too, keeping the input that caused it.

#![no_main]

use cadence_coach::import::fit::parser_panics;
use cadence_coach::import::{CadenceUnit, Options, import_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for gpx_cadence in [CadenceUnit::Auto, CadenceUnit::Strides] {
        let panics = parser_panics();
        let imported = import_bytes(bytes, Options { gpx_cadence });
        assert_eq!(parser_panics(), panics, "fitparser panicked on this input");
        let Ok(imported) = imported else {
            continue;
        };
        for leg in &imported.legs {
            if let Some(measured) = &leg.measurement {
                assert!(
                    measured.validate().is_ok(),
                    "an accepted run fails validation: {measured:?}"
                );
            }
        }
    }
});

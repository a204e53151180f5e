//! Feeds arbitrary bytes to the loader: size check, UTF-8, version probe, parse,
//! migration from version 1 and validation. Nothing may panic, overflow the stack or
//! run out of memory, and whatever is accepted must survive a save and a load unchanged.

#![no_main]

use std::collections::BTreeMap;

use cadence_coach::store::{Document, MigrationError, OldDocument, decode, encode_checked};
use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};

/// Shaped like a training plan: nested structs, enums of every kind, options, maps,
/// strings and floats.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Plan {
    name: String,
    baseline_spm: f64,
    weeks: Vec<Week>,
    notes: Option<String>,
    tags: BTreeMap<String, u8>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Week {
    number: u16,
    runs: Vec<Step>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Step {
    Rest,
    Hold { spm: f64, seconds: u32 },
    Glide(f64, f64, u32),
    Repeat(Box<Step>, u8),
}

/// Version 1: one flat list of steps, and the rate was called `spm`.
#[derive(Deserialize)]
struct PlanV1 {
    name: String,
    spm: f64,
    steps: Vec<Step>,
}

impl Document for Plan {
    const NAME: &'static str = "plan";
    const VERSION: u32 = 2;
    const MAX_BYTES: u64 = 1 << 20;

    fn migrate(old: OldDocument<'_>) -> Result<Self, MigrationError> {
        match old.version() {
            1 => {
                let v1: PlanV1 = old.parse()?;
                Ok(Plan {
                    name: v1.name,
                    baseline_spm: v1.spm,
                    weeks: vec![Week {
                        number: 1,
                        runs: v1.steps,
                    }],
                    notes: None,
                    tags: BTreeMap::new(),
                })
            }
            other => Err(MigrationError::unsupported(other)),
        }
    }

    fn validate(&self) -> Result<(), String> {
        fn finite(step: &Step) -> bool {
            match step {
                Step::Rest => true,
                Step::Hold { spm, .. } => spm.is_finite(),
                Step::Glide(from, to, _) => from.is_finite() && to.is_finite(),
                Step::Repeat(step, _) => finite(step),
            }
        }
        if !self.baseline_spm.is_finite() {
            return Err("the baseline is not a number".into());
        }
        if !self.weeks.iter().flat_map(|w| &w.runs).all(finite) {
            return Err("a step rate is not a number".into());
        }
        Ok(())
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(decoded) = decode::<Plan>(bytes) else {
        return;
    };
    let text = encode_checked(&decoded.value)
        .unwrap_or_else(|error| panic!("an accepted document does not save: {error}"));
    let again = decode::<Plan>(text.as_bytes())
        .unwrap_or_else(|error| panic!("a saved document does not load: {error}\n{text}"));
    assert_eq!(again.value, decoded.value, "the document changed on a save and load");
});

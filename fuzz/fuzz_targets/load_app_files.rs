//! Feeds arbitrary bytes to the loaders of the app's own files, `plan.ron`,
//! `profile.ron` and `sessions/<id>.ron`, as the store reads them (size limit, version,
//! parse, every field validated). Nothing may panic, overflow the stack or run out of
//! memory, and whatever is accepted must save and load back unchanged.

#![no_main]

use cadence_coach::coach::{Plan, Profile, SessionRecord};
use cadence_coach::store::{Document, decode, encode_checked};
use libfuzzer_sys::fuzz_target;

fn round_trip<D: Document + PartialEq + std::fmt::Debug>(bytes: &[u8]) {
    let Ok(decoded) = decode::<D>(bytes) else {
        return;
    };
    let text = encode_checked(&decoded.value)
        .unwrap_or_else(|error| panic!("an accepted {} does not save: {error}", D::NAME));
    let again = decode::<D>(text.as_bytes())
        .unwrap_or_else(|error| panic!("a saved {} does not load: {error}\n{text}", D::NAME));
    assert_eq!(again.value, decoded.value, "{} changed on a save and load", D::NAME);
}

fuzz_target!(|bytes: &[u8]| {
    round_trip::<Plan>(bytes);
    round_trip::<Profile>(bytes);
    round_trip::<SessionRecord>(bytes);
});

#![no_main]
//! `study` fuzz target: see `ampflux_fuzz::study` and `src/invariants.rs`.

libfuzzer_sys::fuzz_target!(init: ampflux_fuzz::init(), |data: &[u8]| {
    ampflux_fuzz::run("study", data);
});

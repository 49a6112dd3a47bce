#![no_main]
//! `versions` fuzz target: see `ampflux_fuzz::versions` and `src/invariants.rs`.

libfuzzer_sys::fuzz_target!(init: ampflux_fuzz::init(), |data: &[u8]| {
    ampflux_fuzz::run("versions", data);
});

#![no_main]
//! `upgrade` fuzz target: see `ampflux_fuzz::upgrade` and `src/invariants.rs`.

libfuzzer_sys::fuzz_target!(init: ampflux_fuzz::init(), |data: &[u8]| {
    ampflux_fuzz::run("upgrade", data);
});

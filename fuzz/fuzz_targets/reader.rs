#![no_main]
//! `reader` fuzz target: see `ampflux_fuzz::reader` and `src/invariants.rs`.

libfuzzer_sys::fuzz_target!(init: ampflux_fuzz::init(), |data: &[u8]| {
    ampflux_fuzz::run("reader", data);
});

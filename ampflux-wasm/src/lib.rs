//! AmpFlux in the browser (wasm-bindgen bindings over `ampflux-core`); filled by the
//! WebAssembly issue.

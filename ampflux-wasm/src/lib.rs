//! # AmpFlux in JavaScript
//!
//! WebAssembly bindings over `ampflux-core` for node and the browser: conversions only, no
//! physics. The JS API:
//!
//! ```text
//! import { Network, version } from "ampflux-wasm";
//! const net = Network.fromJson(text);            // AmpFluxError on a bad document
//! net.validate();                                // Issue[]
//! const report = net.shortCircuit({ fault: "1ph", case: "min" });
//! report.buses[0].ikss_ka;                       // same fields as `ampflux sc --format json`
//! const columns = net.shortCircuitColumns();      // the same study, rows as columns:
//! columns.buses.ikss_ka[0];                       // Float64Array per field (large grids)
//! const duty = net.duty({ all_scenarios: true }); // same fields as `ampflux duty --format json`
//! duty.checks.filter((c) => c.verdict === "fail");
//! net.digest();                                  // SHA-256 of the canonical form
//! const changes = Network.diff(net, other);      // { changes: [...] }
//! net.apply(changes).digest() === other.digest();
//! ```
//!
//! Data crosses the boundary as JSON (`serde_json` on the Rust side, `JSON.parse` and
//! `JSON.stringify` on the JS side), so every number arrives bit for bit as the native
//! report has it. The numbers of the report's rows cross as typed arrays instead (`columns`),
//! which is faster on large grids: `shortCircuitColumns` returns them as they are, and
//! `shortCircuit` builds its bus rows from them in JS (`js/rows.js`), the same objects
//! `JSON.parse` of the report would give. Every failure is an `Error` with `name = "AmpFluxError"`, a `code` and
//! `issues` (see `errors`). The TypeScript declarations of the data types live in
//! `ts/types.d.ts` and are appended to the generated `.d.ts`.

mod arcflash;
pub mod columns;
mod duty;
mod errors;
mod json;
mod network;
mod study;
mod version;

use wasm_bindgen::prelude::*;

pub use network::WasmNetwork;

/// The data types of the API (options, reports, issues, change sets), in TypeScript.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("../ts/types.d.ts");

/// Runs once when the module is instantiated (and again after a re-instantiation). Not part
/// of the API: wasm-bindgen exports start functions, so it has a reserved name.
#[wasm_bindgen(start, js_name = "__ampfluxStart", skip_typescript)]
fn start() {
    errors::install_panic_hook();
}

/// Panics with `message`: only in builds with the `panic-probe` feature, which the tests
/// use to check that a panic reaches JS as an `AmpFluxError` and never traps the module.
#[cfg(feature = "panic-probe")]
#[wasm_bindgen(js_name = "__panicProbe", skip_typescript)]
pub fn panic_probe(message: &str) -> Result<(), JsValue> {
    errors::guard()?;
    panic!("{message}");
}

/// The version of the AmpFlux engine in this package (`0.1.0`).
#[wasm_bindgen]
pub fn version() -> Result<String, JsValue> {
    errors::guard()?;
    Ok(env!("CARGO_PKG_VERSION").to_string())
}

//! The `Network` class: a network document read, validated and written by the core.

use std::cell::OnceCell;

use ampflux_core::{FrozenNetwork, Network};
use wasm_bindgen::prelude::*;

use crate::errors::{core_error, guard, input_error};
use crate::json::{to_js, type_name};
use crate::study;

/// A power network (the AmpFlux network document, format v1). Immutable from JS: studies
/// and `apply` return new values. Call `free()` to release its memory early; otherwise the
/// garbage collector does.
#[wasm_bindgen(js_name = Network)]
pub struct WasmNetwork {
    /// Frozen: the digest is taken once, by the first study or `digest()` call.
    pub(crate) inner: FrozenNetwork,
    /// The bus ids as a frozen JS array of strings, made by the first `shortCircuitColumns`
    /// of all buses and handed out again by the next ones (the network never changes).
    pub(crate) bus_ids: OnceCell<JsValue>,
}

impl WasmNetwork {
    /// A JS `Network` over `inner`.
    pub(crate) fn new(inner: FrozenNetwork) -> WasmNetwork {
        WasmNetwork {
            inner,
            bus_ids: OnceCell::new(),
        }
    }
}

#[wasm_bindgen(js_class = Network)]
impl WasmNetwork {
    /// Reads a network document from JSON text. Older format versions are upgraded; unknown
    /// fields and wrong types throw an `AmpFluxError` with code `format_error` and the JSON
    /// `path`; a text that is not a string throws code `invalid_input`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<WasmNetwork, JsValue> {
        guard()?;
        let text = text.as_string().ok_or_else(|| {
            input_error(format!(
                "Network.fromJson expects the document as JSON text (a string), got {}",
                type_name(&text)
            ))
        })?;
        let inner = Network::from_json(&text).map_err(core_error)?;
        Ok(WasmNetwork::new(inner.into()))
    }

    /// Every problem of the document (errors and warnings, naming table, element and
    /// field); with study options also the problems of that study (missing zero-sequence
    /// data for an earth fault, unknown fault buses). An empty array means the study runs.
    #[wasm_bindgen(unchecked_return_type = "Issue[]")]
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "StudyOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let issues = if options.is_null_or_undefined() {
            self.inner.validate()
        } else {
            self.inner.validate_for(&study::options_from_js(&options)?)
        };
        to_js(&issues)
    }

    /// SHA-256 of the canonical form (64 hex digits); the same on every platform and in the
    /// native engine, so that results can be matched to the exact circuit.
    pub fn digest(&self) -> Result<String, JsValue> {
        guard()?;
        Ok(self.inner.digest().to_owned())
    }

    /// The document as JSON text (format v1, pretty-printed unless `pretty` is `false`).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self, pretty: Option<bool>) -> Result<String, JsValue> {
        guard()?;
        Ok(if pretty.unwrap_or(true) {
            self.inner.to_json()
        } else {
            self.inner.to_json_compact()
        })
    }

    /// The canonical JSON text whose SHA-256 is `digest()` (tables sorted by id, keys
    /// sorted, no whitespace).
    #[wasm_bindgen(js_name = canonicalJson)]
    pub fn canonical_json(&self) -> Result<String, JsValue> {
        guard()?;
        Ok(self.inner.canonical_json())
    }

    /// The network's name (`undefined` when the document has none).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> Result<Option<String>, JsValue> {
        guard()?;
        Ok(self.inner.name.clone())
    }

    /// System frequency in Hz.
    #[wasm_bindgen(getter, js_name = frequencyHz)]
    pub fn frequency_hz(&self) -> Result<f64, JsValue> {
        guard()?;
        Ok(self.inner.frequency_hz)
    }

    /// Number of buses.
    #[wasm_bindgen(getter, js_name = busCount)]
    pub fn bus_count(&self) -> Result<usize, JsValue> {
        guard()?;
        Ok(self.inner.buses.len())
    }
}

//! Short-circuit studies: options in with the format's names, the report out with the
//! CLI's JSON field names.

use ampflux_core::{StudyOptions, short_circuit};
use wasm_bindgen::prelude::*;

use crate::errors::{core_error, guard, input_error};
use crate::json::{from_js, to_js, type_name};
use crate::network::WasmNetwork;

/// Study options from a JS object (or JSON text) with the format's option names; absent
/// options take their documented defaults, `undefined` or `null` means all defaults.
pub(crate) fn options_from_js(options: &JsValue) -> Result<StudyOptions, JsValue> {
    if options.is_null_or_undefined() {
        return Ok(StudyOptions::default());
    }
    if !options.is_object() && options.as_string().is_none() {
        return Err(input_error(format!(
            "study options must be an object such as {{fault: \"1ph\", case: \"min\"}}, got {}",
            type_name(options)
        )));
    }
    let value = from_js(options, "study options")?;
    let options = StudyOptions::from_value(value).map_err(core_error)?;
    options.check().map_err(core_error)?;
    Ok(options)
}

#[wasm_bindgen(js_class = Network)]
impl WasmNetwork {
    /// Runs a short-circuit study (IEC 60909-0) at every bus or at `options.buses`, with the
    /// format's option names (`fault`, `case`, `ip_method`, `tk_s`, ...). Returns
    /// `{study, network_digest, buses, branches, voltages, warnings}` with the fields of
    /// `ampflux sc --format json`. Throws an `AmpFluxError` (`invalid_option`,
    /// `validation_error` with every issue, `topology_error`, ...) instead.
    #[wasm_bindgen(js_name = shortCircuit, unchecked_return_type = "StudyReport")]
    pub fn short_circuit(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "StudyOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let options = options_from_js(&options)?;
        let report = short_circuit(&self.inner, &options).map_err(core_error)?;
        to_js(&report)
    }
}

/// The default study options, every field present (what `shortCircuit()` uses for the
/// options it is not given).
#[wasm_bindgen(js_name = defaultOptions, unchecked_return_type = "StudyOptions")]
pub fn default_options() -> Result<JsValue, JsValue> {
    guard()?;
    to_js(&StudyOptions::default())
}

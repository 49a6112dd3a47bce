//! Equipment duty: options in with the format's names, the report out with the fields of
//! `ampflux duty --format json`.

use ampflux_core::duty::{DutyOptions, equipment_duty};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::errors::{core_error, guard, input_error};
use crate::json::{from_js, to_js, type_name};
use crate::network::WasmNetwork;

/// Duty options from a JS object (or JSON text): the study options and `faults`,
/// `duty_basis`, `marginal_percent`, `scenarios`, `all_scenarios`; `undefined` or `null`
/// means all defaults. A single fault type or scenario id stands for a list of one.
fn duty_options_from_js(options: &JsValue) -> Result<DutyOptions, JsValue> {
    if options.is_null_or_undefined() {
        return Ok(DutyOptions::default());
    }
    if !options.is_object() && options.as_string().is_none() {
        return Err(input_error(format!(
            "duty options must be an object such as {{duty_basis: \"through\", scenarios: [\"tie-closed\"]}}, got {}",
            type_name(options)
        )));
    }
    let mut value = from_js(options, "duty options")?;
    if let Value::Object(map) = &mut value {
        for key in ["faults", "scenarios"] {
            if let Some(Value::String(s)) = map.get(key) {
                let one = Value::Array(vec![Value::String(s.clone())]);
                map.insert(key.to_string(), one);
            }
        }
    }
    let options = DutyOptions::from_value(value).map_err(core_error)?;
    options.check().map_err(core_error)?;
    Ok(options)
}

#[wasm_bindgen(js_class = Network)]
impl WasmNetwork {
    /// Equipment duty: every breaker, fuse, switch, busbar and cable against its ratings,
    /// over the fault types the network allows (maximum case) and the chosen scenarios.
    /// Returns `{study, network_digest, checks, summary, cases, warnings}` with the fields of
    /// `ampflux duty --format json` (each check: `element`, `table`, `check`, `duty`,
    /// `rating`, `unit`, `utilization_percent`, `verdict`, `fault`, `location`, `scenario`,
    /// `note`). Throws an `AmpFluxError` (`invalid_option`, `validation_error`, ...) instead.
    #[wasm_bindgen(js_name = duty, unchecked_return_type = "DutyReport")]
    pub fn duty(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "DutyOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let options = duty_options_from_js(&options)?;
        let report = equipment_duty(&self.inner, &options).map_err(core_error)?;
        to_js(&report)
    }
}

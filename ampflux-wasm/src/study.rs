//! Short-circuit studies: options in with the format's names, the report out with the
//! CLI's JSON field names.

use std::cell::Cell;

use ampflux_core::{StudyOptions, short_circuit_frozen};
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

/// Calls to the JS progress callback per study, at most: every half percent of the work.
const PROGRESS_STEPS: usize = 200;

thread_local! {
    /// The JS progress callback of the study that is running (wasm32 has one thread; the
    /// core's callback must be `Sync`, a JS function is not, so it is reached from here).
    static ON_PROGRESS: std::cell::RefCell<Option<js_sys::Function>> = const { std::cell::RefCell::new(None) };
    /// The last step reported, so that the callback runs at most `PROGRESS_STEPS` times.
    static LAST_STEP: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// Forwards the core's (done, total) to the JS callback when a new step is reached; errors
/// thrown by the callback are ignored (progress is advisory, the study goes on).
fn report_progress(done: usize, total: usize) {
    let step = (done.min(total) * PROGRESS_STEPS)
        .checked_div(total)
        .unwrap_or(0);
    if LAST_STEP.with(|last| last.replace(step)) == step {
        return;
    }
    ON_PROGRESS.with(|f| {
        if let Some(f) = f.borrow().as_ref() {
            let _ = f.call2(
                &JsValue::NULL,
                &(done as f64).into(),
                &(total as f64).into(),
            );
        }
    });
}

#[wasm_bindgen(js_class = Network)]
impl WasmNetwork {
    /// Runs a short-circuit study (IEC 60909-0) at every bus or at `options.buses`, with the
    /// format's option names (`fault`, `case`, `ip_method`, `tk_s`, ...). Returns
    /// `{study, network_digest, buses, branches, voltages, warnings}` with the fields of
    /// `ampflux sc --format json`. Throws an `AmpFluxError` (`invalid_option`,
    /// `validation_error` with every issue, `topology_error`, ...) instead.
    /// `onProgress(done, total)`, when given, is called as work units (columns solved, fault
    /// locations evaluated) complete, at most a few hundred times per study (for progress
    /// bars, e.g. from a Web Worker).
    #[wasm_bindgen(js_name = shortCircuit, unchecked_return_type = "StudyReport")]
    pub fn short_circuit(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "StudyOptionsInput")] options: JsValue,
        #[wasm_bindgen(js_name = onProgress, unchecked_optional_param_type = "(done: number, total: number) => void")]
        on_progress: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let options = options_from_js(&options)?;
        let callback = if on_progress.is_null_or_undefined() {
            None
        } else {
            Some(on_progress.dyn_into::<js_sys::Function>().map_err(|v| {
                input_error(format!(
                    "onProgress must be a function, got {}",
                    type_name(&v)
                ))
            })?)
        };
        ON_PROGRESS.with(|f| *f.borrow_mut() = callback);
        LAST_STEP.with(|last| last.set(usize::MAX));
        let result = short_circuit_frozen(&self.inner, &options, &report_progress);
        ON_PROGRESS.with(|f| *f.borrow_mut() = None);
        to_js(&result.map_err(core_error)?)
    }
}

/// The default study options, every field present (what `shortCircuit()` uses for the
/// options it is not given).
#[wasm_bindgen(js_name = defaultOptions, unchecked_return_type = "StudyOptions")]
pub fn default_options() -> Result<JsValue, JsValue> {
    guard()?;
    to_js(&StudyOptions::default())
}

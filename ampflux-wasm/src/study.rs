//! Short-circuit studies: options in with the format's names, the report out with the
//! CLI's JSON field names.

use std::cell::Cell;

use ampflux_core::{
    BranchResult, Issue, PartialCurrent, StudyOptions, StudyReport, VoltageResult,
    short_circuit_frozen,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::columns::{BusColumns, STATUSES};
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
        to_js(&self.study(&options, on_progress)?)
    }

    /// The same study as `shortCircuit` (same options, same errors), with the bus rows laid
    /// out as columns for programs that sweep large grids: `buses.id` (the ids, a frozen
    /// array shared by the studies of all buses of this network), one `Float64Array` per
    /// numeric field of a bus row under the field's name (NaN where `shortCircuit` has
    /// `null`; the fields of unbalanced and earth faults only when some row has them),
    /// `buses.meshed` (`Uint8Array`, 1 or 0), `buses.status` (`Uint8Array` of codes, the
    /// names in `buses.status_names`). `study`, `network_digest`, `branches`, `voltages`,
    /// `partial_currents` and `warnings` are as in `shortCircuit`. Every number equals the
    /// object API's: `columns.buses[field][i] === report.buses[i][field]`. No JSON text is
    /// written or read for the bus rows, which makes it the faster call on large grids.
    #[wasm_bindgen(js_name = shortCircuitColumns, unchecked_return_type = "StudyColumns")]
    pub fn short_circuit_columns(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "StudyOptionsInput")] options: JsValue,
        #[wasm_bindgen(js_name = onProgress, unchecked_optional_param_type = "(done: number, total: number) => void")]
        on_progress: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let report = self.study(&options, on_progress)?;
        self.columns_to_js(&report)
    }
}

impl WasmNetwork {
    /// The study of `shortCircuit` and `shortCircuitColumns`, reporting progress to
    /// `on_progress` when it is a function.
    fn study(&self, options: &JsValue, on_progress: JsValue) -> Result<StudyReport, JsValue> {
        let options = options_from_js(options)?;
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
        result.map_err(core_error)
    }

    /// The report as `shortCircuitColumns` returns it: everything but the bus rows through
    /// JSON (one `JSON.parse`), the bus rows as typed arrays (one copy per column).
    fn columns_to_js(&self, report: &StudyReport) -> Result<JsValue, JsValue> {
        /// The report without its bus rows.
        #[derive(Serialize)]
        struct Rest<'a> {
            study: &'a StudyOptions,
            network_digest: &'a str,
            branches: &'a [BranchResult],
            voltages: &'a [VoltageResult],
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            partial_currents: &'a [PartialCurrent],
            warnings: &'a [Issue],
        }
        let out = to_js(&Rest {
            study: &report.study,
            network_digest: &report.network_digest,
            branches: &report.branches,
            voltages: &report.voltages,
            partial_currents: &report.partial_currents,
            warnings: &report.warnings,
        })?;
        let columns = BusColumns::from_report(report);
        let buses = js_sys::Object::new();
        set(&buses, "id", &self.bus_ids_of(report)?)?;
        for (name, values) in &columns.numbers {
            set(&buses, name, &js_sys::Float64Array::from(values.as_slice()))?;
        }
        set(
            &buses,
            "meshed",
            &js_sys::Uint8Array::from(columns.meshed.as_slice()),
        )?;
        set(
            &buses,
            "status",
            &js_sys::Uint8Array::from(columns.status.as_slice()),
        )?;
        set(&buses, "status_names", &to_js(&STATUSES)?)?;
        set(&out, "buses", &buses)?;
        Ok(out)
    }

    /// The ids of the report's bus rows as a JS array of strings: the cached, frozen array of
    /// the network's bus ids when the rows are the network's buses in order (a study of all
    /// buses), a new array otherwise (`buses` or `line_faults` options).
    fn bus_ids_of(&self, report: &StudyReport) -> Result<JsValue, JsValue> {
        let all = &self.inner.buses;
        let every_bus = report.buses.len() == all.len()
            && report
                .buses
                .iter()
                .zip(all)
                .all(|(row, bus)| row.id == bus.id);
        if !every_bus {
            let ids: Vec<&str> = report.buses.iter().map(|b| b.id.as_str()).collect();
            return to_js(&ids);
        }
        if let Some(ids) = self.bus_ids.get() {
            return Ok(ids.clone());
        }
        let ids: Vec<&str> = all.iter().map(|b| b.id.as_str()).collect();
        let ids = js_sys::Object::freeze(&to_js(&ids)?.into());
        Ok(self.bus_ids.get_or_init(|| ids.into()).clone())
    }
}

/// Sets `target[key] = value`.
fn set(target: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(target, &JsValue::from_str(key), value).map(drop)
}

/// The default study options, every field present (what `shortCircuit()` uses for the
/// options it is not given).
#[wasm_bindgen(js_name = defaultOptions, unchecked_return_type = "StudyOptions")]
pub fn default_options() -> Result<JsValue, JsValue> {
    guard()?;
    to_js(&StudyOptions::default())
}

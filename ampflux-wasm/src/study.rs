//! Short-circuit studies: options in with the format's names, the report out with the
//! CLI's JSON field names.

use std::cell::Cell;

use ampflux_core::{
    BranchResult, Issue, PartialCurrent, StudyOptions, StudyReport, VoltageResult,
    short_circuit_frozen,
};
use js_sys::Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::columns::{Columns, bus_row_fields};
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
        let report = self.study(&options, on_progress)?;
        self.report_to_js(&report)
    }

    /// The same study as `shortCircuit` (same options, same errors, same `onProgress`),
    /// with every table of rows laid out as columns, for programs that sweep large grids:
    /// `buses`, `branches`, `voltages` and `partial_currents` each become one object with a
    /// column per field of their rows, under the field's name. Numbers are `Float64Array`s
    /// (NaN where `shortCircuit` has `null`), ids arrays of strings, `meshed` a `Uint8Array`
    /// of 1 or 0, `status` and `kind` `Uint8Array`s of codes whose names are in
    /// `status_names` and `kind_names`; the phase currents of a branch end are an object of
    /// columns. A field only some rows have is a column when some row has it (NaN, or `null`
    /// for text, in the others). `buses.id` is frozen, and for a study of all buses the same
    /// array on every call. `study`, `network_digest` and `warnings` are as in
    /// `shortCircuit`; every value equals the object API's: `columns.buses[field][i] ===
    /// report.buses[i][field]`. No JSON text is written or read for the numbers, which makes
    /// it the faster call on large grids.
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

    /// The report as `shortCircuit` returns it, the object `JSON.parse` would make of the
    /// report's JSON text: everything but the bus rows through JSON, the bus rows built in JS
    /// (`js/rows.js`) from their columns, which skips writing and parsing the largest part
    /// of the text on large grids (`benches/README.md`, issue 16, fourth round).
    fn report_to_js(&self, report: &StudyReport) -> Result<JsValue, JsValue> {
        /// The report without its bus rows, keys in the report's order.
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
        let rest = to_js(&Rest {
            study: &report.study,
            network_digest: &report.network_digest,
            branches: &report.branches,
            voltages: &report.voltages,
            partial_currents: &report.partial_currents,
            warnings: &report.warnings,
        })?;
        let columns = Columns::buses(report);
        let (names, values, present) = (Array::new(), Array::new(), Array::new());
        for (name, column, has) in bus_row_fields(report, &columns) {
            names.push(&JsValue::from_str(name));
            values.push(&js_sys::Float64Array::from(column));
            present.push(&has.map_or(JsValue::NULL, |has| {
                js_sys::Uint8Array::from(has.as_slice()).into()
            }));
        }
        let (meshed, status) = (&columns.flags[0].1, &columns.codes[0]);
        let buses = bus_rows(
            &self.bus_ids_of(report)?,
            &names,
            &values,
            &present,
            &js_sys::Uint8Array::from(meshed.as_slice()),
            &js_sys::Uint8Array::from(status.codes.as_slice()),
            &to_js(status.names)?,
        );
        Ok(with_bus_rows(&rest, &buses))
    }

    /// The report as `shortCircuitColumns` returns it, keys in the report's order: the
    /// header and the warnings through JSON, every table of rows as columns (numbers as typed
    /// arrays, one copy per column; the text columns of a table through one JSON text).
    fn columns_to_js(&self, report: &StudyReport) -> Result<JsValue, JsValue> {
        /// The report's header.
        #[derive(Serialize)]
        struct Header<'a> {
            study: &'a StudyOptions,
            network_digest: &'a str,
        }
        let out = to_js(&Header {
            study: &report.study,
            network_digest: &report.network_digest,
        })?;
        let buses = table_to_js(&Columns::buses(report))?;
        set(&buses, "id", &self.bus_ids_of(report)?)?;
        set(&out, "buses", &buses)?;
        set(&out, "branches", &table_to_js(&Columns::branches(report))?)?;
        set(&out, "voltages", &table_to_js(&Columns::voltages(report))?)?;
        if !report.partial_currents.is_empty() {
            let partials = table_to_js(&Columns::partial_currents(report))?;
            set(&out, "partial_currents", &partials)?;
        }
        set(&out, "warnings", &to_js(&report.warnings)?)?;
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

#[wasm_bindgen(module = "/js/rows.js")]
extern "C" {
    /// The bus rows of the object API from their columns (see `js/rows.js`).
    #[wasm_bindgen(js_name = busRows)]
    fn bus_rows(
        ids: &JsValue,
        names: &Array,
        columns: &Array,
        present: &Array,
        meshed: &js_sys::Uint8Array,
        status: &js_sys::Uint8Array,
        status_names: &JsValue,
    ) -> JsValue;

    /// `rest` with `buses` after its `network_digest`, as the JSON report has them.
    #[wasm_bindgen(js_name = withBusRows)]
    fn with_bus_rows(rest: &JsValue, buses: &JsValue) -> JsValue;
}

/// One table's columns as a JS object: text columns as arrays of strings (`null` where a
/// row has no such field), numbers as `Float64Array`, flags and codes as `Uint8Array` (with
/// `<name>_names`, the value of each code), nested objects as objects of columns.
fn table_to_js(columns: &Columns<'_>) -> Result<JsValue, JsValue> {
    /// The text columns, by name.
    struct Text<'c, 'a>(&'c [(&'static str, Vec<Option<&'a str>>)]);
    impl Serialize for Text<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(name, column)| (name, column)))
        }
    }
    let out = to_js(&Text(&columns.text))?;
    for (name, values) in &columns.numbers {
        set(&out, name, &js_sys::Float64Array::from(values.as_slice()))?;
    }
    for (name, values) in &columns.flags {
        set(&out, name, &js_sys::Uint8Array::from(values.as_slice()))?;
    }
    for coded in &columns.codes {
        set(
            &out,
            coded.name,
            &js_sys::Uint8Array::from(coded.codes.as_slice()),
        )?;
        set(&out, &format!("{}_names", coded.name), &to_js(coded.names)?)?;
    }
    for (name, nested) in &columns.nested {
        set(&out, name, &table_to_js(nested)?)?;
    }
    Ok(out)
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

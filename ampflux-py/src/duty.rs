//! `Network.duty`: the core's equipment duty study as a pandas DataFrame with one row per
//! device and check and the columns of `ampflux duty --format json`'s `checks`.

use std::sync::Arc;

use ampflux_core::Network;
use ampflux_core::duty::{DutyOptions, DutyReport, equipment_duty};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::{Map, Value};

use crate::conv;
use crate::errors::{PyAmpErr, guard, issues_to_py, option_error};

/// Duty options from the keywords of `Network.duty` (study and duty options by name).
pub(crate) fn options(
    fixed: Vec<(&str, Value)>,
    others: Option<&Bound<'_, PyDict>>,
) -> PyResult<DutyOptions> {
    let mut map: Map<String, Value> = fixed.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    if let Some(others) = others {
        for (k, v) in others.iter() {
            let key: String = k.extract()?;
            let value = conv::to_json(&v, &key)
                .map_err(|_| option_error(&key, "value cannot be converted to JSON"))?;
            map.insert(key, value);
        }
    }
    map.retain(|_, v| !v.is_null());
    // a single fault type or scenario stands for a list of one
    for key in ["faults", "scenarios"] {
        if let Some(Value::String(s)) = map.get(key) {
            let one = Value::Array(vec![Value::String(s.clone())]);
            map.insert(key.to_string(), one);
        }
    }
    let o = DutyOptions::from_value(Value::Object(map)).map_err(PyAmpErr)?;
    o.check().map_err(PyAmpErr)?;
    Ok(o)
}

/// Runs the study with the GIL released and returns the DataFrame of its rows; the summary,
/// the options, the network digest, the cases and the warnings go into `DataFrame.attrs`.
pub(crate) fn run(py: Python<'_>, net: Arc<Network>, options: DutyOptions) -> PyResult<Py<PyAny>> {
    let report = py
        .detach(move || crate::threads::run(|| guard(|| equipment_duty(&net, &options))))
        .map_err(PyErr::from)?;
    frame(py, &report)
}

fn strings<'py>(py: Python<'py>, values: impl Iterator<Item = Option<String>>) -> Bound<'py, PyAny> {
    let objs: Vec<Py<PyAny>> = values
        .map(|s| match s {
            Some(s) => PyString::new(py, &s).into_any().unbind(),
            None => py.None(),
        })
        .collect();
    PyArray1::from_vec(py, objs).into_any()
}

fn numbers<'py>(py: Python<'py>, values: impl Iterator<Item = Option<f64>>) -> Bound<'py, PyAny> {
    PyArray1::from_vec(py, values.map(|v| v.unwrap_or(f64::NAN)).collect()).into_any()
}

fn frame(py: Python<'_>, report: &DutyReport) -> PyResult<Py<PyAny>> {
    let c = &report.checks;
    let arrays = PyDict::new(py);
    let s = |f: fn(&ampflux_core::duty::DutyCheck) -> Option<String>| strings(py, c.iter().map(f));
    arrays.set_item("element", s(|x| Some(x.element.clone())))?;
    arrays.set_item("table", s(|x| Some(x.table.key().to_string())))?;
    arrays.set_item("check", s(|x| Some(x.check.as_str().to_string())))?;
    arrays.set_item("duty", numbers(py, c.iter().map(|x| Some(x.duty))))?;
    arrays.set_item("rating", numbers(py, c.iter().map(|x| x.rating)))?;
    arrays.set_item("unit", s(|x| Some(x.unit.clone())))?;
    arrays.set_item(
        "utilization_percent",
        numbers(py, c.iter().map(|x| x.utilization_percent)),
    )?;
    arrays.set_item("verdict", s(|x| Some(x.verdict.as_str().to_string())))?;
    arrays.set_item("fault", s(|x| x.fault.map(|f| f.as_str().to_string())))?;
    arrays.set_item("location", s(|x| x.location.clone()))?;
    arrays.set_item("scenario", s(|x| x.scenario.clone()))?;
    arrays.set_item("note", s(|x| Some(x.note.clone())))?;
    let attrs = PyDict::new(py);
    let to_py = |v: Value| conv::to_py(py, &v);
    let json = |v: serde_json::Result<Value>| {
        v.map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
    };
    attrs.set_item("summary", to_py(json(serde_json::to_value(report.summary))?)?)?;
    attrs.set_item("study", to_py(report.study.to_value())?)?;
    attrs.set_item("network_digest", &report.network_digest)?;
    attrs.set_item("cases", to_py(json(serde_json::to_value(&report.cases))?)?)?;
    attrs.set_item("warnings", issues_to_py(&report.warnings))?;
    let helper = py.import("ampflux._frames")?.getattr("table")?;
    Ok(helper.call1((arrays, attrs))?.unbind())
}

//! `ampflux.StudyResult`: a study report with its tables as numpy arrays and pandas
//! DataFrames indexed by element id.

use std::sync::Arc;

use ampflux_core::{BusStatus, StudyReport};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

use crate::conv;
use crate::errors::{PyAmpErr, PyIssue, issues_to_py};

/// The result of `Network.short_circuit`.
#[pyclass(name = "StudyResult", module = "ampflux", frozen)]
pub struct PyStudyResult {
    report: Arc<StudyReport>,
    frames: [PyOnceLock<Py<PyAny>>; 4],
}

/// One column: floats, optional floats (NaN when absent), booleans or strings.
enum Column {
    F(Vec<f64>),
    B(Vec<bool>),
    S(Vec<String>),
    OptS(Vec<Option<String>>),
}

type Columns = Vec<(&'static str, Column)>;

fn opt(values: Vec<Option<f64>>) -> Option<Column> {
    values
        .iter()
        .any(Option::is_some)
        .then(|| Column::F(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect()))
}

fn status(s: BusStatus) -> String {
    s.as_str().to_string()
}

fn bus_columns(r: &StudyReport) -> Columns {
    let b = &r.buses;
    let f = |g: fn(&ampflux_core::BusResult) -> f64| Column::F(b.iter().map(g).collect());
    let mut cols: Columns = vec![
        ("id", Column::S(b.iter().map(|x| x.id.clone()).collect())),
        ("vn_kv", f(|x| x.vn_kv)),
        ("ikss_ka", f(|x| x.ikss_ka)),
        ("skss_mva", f(|x| x.skss_mva)),
        ("ip_ka", f(|x| x.ip_ka)),
        ("ib_ka", f(|x| x.ib_ka)),
        ("ith_ka", f(|x| x.ith_ka)),
        ("ik_ka", f(|x| x.ik_ka)),
        ("idc_ka", f(|x| x.idc_ka)),
        ("ib_asym_ka", f(|x| x.ib_asym_ka)),
        ("rk_ohm", f(|x| x.rk_ohm)),
        ("xk_ohm", f(|x| x.xk_ohm)),
    ];
    type G = fn(&ampflux_core::BusResult) -> Option<f64>;
    let optional: [(&'static str, G); 7] = [
        ("rk2_ohm", |x| x.rk2_ohm),
        ("xk2_ohm", |x| x.xk2_ohm),
        ("rk0_ohm", |x| x.rk0_ohm),
        ("xk0_ohm", |x| x.xk0_ohm),
        ("ikss_earth_ka", |x| x.ikss_earth_ka),
        ("ice_ka", |x| x.ice_ka),
        ("ires_ka", |x| x.ires_ka),
    ];
    for (name, g) in optional {
        if let Some(c) = opt(b.iter().map(g).collect()) {
            cols.push((name, c));
        }
    }
    cols.push(("kappa", f(|x| x.kappa)));
    cols.push(("c", f(|x| x.c)));
    cols.push(("meshed", Column::B(b.iter().map(|x| x.meshed).collect())));
    cols.push((
        "status",
        Column::S(b.iter().map(|x| status(x.status)).collect()),
    ));
    cols
}

fn branch_columns(r: &StudyReport) -> Columns {
    let b = &r.branches;
    let f = |g: fn(&ampflux_core::BranchResult) -> f64| Column::F(b.iter().map(g).collect());
    let s = |g: fn(&ampflux_core::BranchResult) -> &String| {
        Column::S(b.iter().map(|x| g(x).clone()).collect())
    };
    let mut cols: Columns = vec![
        ("id", s(|x| &x.id)),
        ("fault_bus", s(|x| &x.fault_bus)),
        ("from_bus", s(|x| &x.from_bus)),
        ("to_bus", s(|x| &x.to_bus)),
        ("ikss_from_ka", f(|x| x.ikss_from_ka)),
        ("ikss_to_ka", f(|x| x.ikss_to_ka)),
        ("angle_from_deg", f(|x| x.angle_from_deg)),
        ("angle_to_deg", f(|x| x.angle_to_deg)),
        ("ip_ka", f(|x| x.ip_ka)),
        ("ith_ka", f(|x| x.ith_ka)),
    ];
    if b.iter().any(|x| x.mv_bus.is_some()) {
        cols.push((
            "mv_bus",
            Column::OptS(b.iter().map(|x| x.mv_bus.clone()).collect()),
        ));
    }
    type G = fn(&ampflux_core::BranchResult) -> Option<f64>;
    let optional: [(&'static str, G); 2] = [
        ("ikss_mv_ka", |x| x.ikss_mv_ka),
        ("angle_mv_deg", |x| x.angle_mv_deg),
    ];
    for (name, g) in optional {
        if let Some(c) = opt(b.iter().map(g).collect()) {
            cols.push((name, c));
        }
    }
    type P = fn(&ampflux_core::PhaseCurrents) -> f64;
    let phase: [(&'static str, &'static str, P); 6] = [
        ("ia_from_ka", "ia_to_ka", |p| p.ia_ka),
        ("ib_from_ka", "ib_to_ka", |p| p.ib_ka),
        ("ic_from_ka", "ic_to_ka", |p| p.ic_ka),
        ("ia_from_deg", "ia_to_deg", |p| p.ia_deg),
        ("ib_from_deg", "ib_to_deg", |p| p.ib_deg),
        ("ic_from_deg", "ic_to_deg", |p| p.ic_deg),
    ];
    for (from_name, to_name, g) in phase {
        if let Some(c) = opt(b.iter().map(|x| x.phases_from.as_ref().map(g)).collect()) {
            cols.push((from_name, c));
        }
        if let Some(c) = opt(b.iter().map(|x| x.phases_to.as_ref().map(g)).collect()) {
            cols.push((to_name, c));
        }
    }
    cols
}

fn voltage_columns(r: &StudyReport) -> Columns {
    let v = &r.voltages;
    let f = |g: fn(&ampflux_core::VoltageResult) -> f64| Column::F(v.iter().map(g).collect());
    vec![
        ("bus", Column::S(v.iter().map(|x| x.bus.clone()).collect())),
        (
            "fault_bus",
            Column::S(v.iter().map(|x| x.fault_bus.clone()).collect()),
        ),
        ("v1_pu", f(|x| x.v1_pu)),
        ("v2_pu", f(|x| x.v2_pu)),
        ("v0_pu", f(|x| x.v0_pu)),
        ("va_pu", f(|x| x.va_pu)),
        ("vb_pu", f(|x| x.vb_pu)),
        ("vc_pu", f(|x| x.vc_pu)),
        ("va_deg", f(|x| x.va_deg)),
        ("vb_deg", f(|x| x.vb_deg)),
        ("vc_deg", f(|x| x.vc_deg)),
    ]
}

fn partial_columns(r: &StudyReport) -> Columns {
    let p = &r.partial_currents;
    let f = |g: fn(&ampflux_core::PartialCurrent) -> f64| Column::F(p.iter().map(g).collect());
    let s = |g: fn(&ampflux_core::PartialCurrent) -> &String| {
        Column::S(p.iter().map(|x| g(x).clone()).collect())
    };
    let kind = |k: ampflux_core::SourceKind| {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    vec![
        ("source", s(|x| &x.source)),
        ("fault_bus", s(|x| &x.fault_bus)),
        ("kind", Column::S(p.iter().map(|x| kind(x.kind)).collect())),
        ("bus", s(|x| &x.bus)),
        ("ikss_ka", f(|x| x.ikss_ka)),
        ("angle_deg", f(|x| x.angle_deg)),
        ("ip_ka", f(|x| x.ip_ka)),
        ("ib_ka", f(|x| x.ib_ka)),
        ("ik_ka", f(|x| x.ik_ka)),
        ("mu", f(|x| x.mu)),
        ("q", f(|x| x.q)),
    ]
}

const TABLES: [&str; 4] = ["buses", "branches", "voltages", "partial_currents"];

/// Index columns of each table (element id first).
const INDEX: [&[&str]; 4] = [
    &["id"],
    &["id", "fault_bus"],
    &["bus", "fault_bus"],
    &["source", "fault_bus"],
];

impl PyStudyResult {
    pub(crate) fn new(report: StudyReport) -> PyStudyResult {
        PyStudyResult {
            report: Arc::new(report),
            frames: [
                PyOnceLock::new(),
                PyOnceLock::new(),
                PyOnceLock::new(),
                PyOnceLock::new(),
            ],
        }
    }

    fn which(table: &str) -> PyResult<usize> {
        TABLES.iter().position(|t| *t == table).ok_or_else(|| {
            pyo3::exceptions::PyKeyError::new_err(format!(
                "unknown result table {table:?}; tables: buses, branches, voltages, partial_currents"
            ))
        })
    }

    fn columns(&self, which: usize) -> Columns {
        match which {
            0 => bus_columns(&self.report),
            1 => branch_columns(&self.report),
            2 => voltage_columns(&self.report),
            _ => partial_columns(&self.report),
        }
    }

    fn frame(&self, py: Python<'_>, which: usize) -> PyResult<Py<PyAny>> {
        self.frames[which]
            .get_or_try_init(py, || {
                let arrays = self.arrays_of(py, which)?;
                let helper = py.import("ampflux._frames")?.getattr("frame")?;
                Ok::<_, PyErr>(helper.call1((arrays, INDEX[which].to_vec()))?.unbind())
            })
            .map(|f| f.clone_ref(py))
    }

    fn arrays_of<'py>(&self, py: Python<'py>, which: usize) -> PyResult<Bound<'py, PyDict>> {
        let cols = self.columns(which);
        let dict = PyDict::new(py);
        for (name, col) in cols {
            match col {
                Column::F(v) => dict.set_item(name, PyArray1::from_vec(py, v))?,
                Column::B(v) => dict.set_item(name, PyArray1::from_vec(py, v))?,
                Column::S(v) => {
                    let objs: Vec<Py<PyAny>> = v
                        .into_iter()
                        .map(|s| pyo3::types::PyString::new(py, &s).into_any().unbind())
                        .collect();
                    dict.set_item(name, PyArray1::from_vec(py, objs))?
                }
                Column::OptS(v) => {
                    let objs: Vec<Py<PyAny>> = v
                        .into_iter()
                        .map(|s| match s {
                            Some(s) => pyo3::types::PyString::new(py, &s).into_any().unbind(),
                            None => py.None(),
                        })
                        .collect();
                    dict.set_item(name, PyArray1::from_vec(py, objs))?
                }
            }
        }
        Ok(dict)
    }
}

#[pymethods]
impl PyStudyResult {
    /// One row per fault location, indexed by bus id: `vn_kv`, `ikss_ka`, `skss_mva`,
    /// `ip_ka`, `ib_ka`, `ith_ka`, `ik_ka`, `idc_ka`, `ib_asym_ka`, `rk_ohm`, `xk_ohm` (and
    /// `rk2_ohm`, `xk2_ohm`, `rk0_ohm`, `xk0_ohm`, `ikss_earth_ka` for unbalanced faults,
    /// `ice_ka` / `ires_ka` for earth faults in isolated / resonance-earthed systems), `kappa`,
    /// `c`, `meshed`, `status`. Quantities IEC 60909 does not define at a location are NaN.
    #[getter]
    fn buses(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.frame(py, 0)
    }

    /// Branch currents (with `branches=True`), indexed by (branch id, fault bus).
    #[getter]
    fn branches(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.frame(py, 1)
    }

    /// Bus voltages during each fault (with `branches=True`), indexed by (bus id, fault bus).
    #[getter]
    fn voltages(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.frame(py, 2)
    }

    /// The partial current of every source at every fault location (with
    /// `partial_currents=True`), indexed by (source id, fault bus): `kind`, `bus`, `ikss_ka`,
    /// `angle_deg`, `ip_ka`, `ib_ka`, `ik_ka`, `mu`, `q`.
    #[getter]
    fn partial_currents(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.frame(py, 3)
    }

    /// The raw columns of `table` ("buses", "branches", "voltages", "partial_currents") as numpy arrays
    /// (float64, bool, or object arrays of str for ids).
    #[pyo3(signature = (table="buses"))]
    fn arrays<'py>(&self, py: Python<'py>, table: &str) -> PyResult<Bound<'py, PyDict>> {
        let which = PyStudyResult::which(table)?;
        self.arrays_of(py, which)
    }

    /// The study options the study ran with, as a dict of the format's option names.
    #[getter]
    fn study<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.report.study)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        conv::to_py(py, &value)
    }

    /// SHA-256 digest of the network the study ran on (equals `Network.digest()`).
    #[getter]
    fn digest(&self) -> String {
        self.report.network_digest.clone()
    }

    /// Validation warnings and notes about the calculation.
    #[getter]
    fn warnings(&self) -> Vec<PyIssue> {
        issues_to_py(&self.report.warnings)
    }

    /// The report as JSON text, as the command line's `--format json` writes it.
    #[pyo3(signature = (indent=true))]
    fn to_json(&self, indent: bool) -> String {
        let text = if indent {
            serde_json::to_string_pretty(&*self.report)
        } else {
            serde_json::to_string(&*self.report)
        };
        text.expect("a report always serializes")
    }

    /// Reads a report written by `to_json`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyStudyResult> {
        let report: StudyReport = serde_json::from_str(text).map_err(|e| {
            PyAmpErr(ampflux_core::Error::Format {
                path: format!("line {} column {}", e.line(), e.column()),
                message: e.to_string(),
            })
        })?;
        Ok(PyStudyResult::new(report))
    }

    fn __len__(&self) -> usize {
        self.report.buses.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "StudyResult(fault={:?}, case={:?}, buses={}, branches={}, warnings={})",
            self.report.study.fault.as_str(),
            match self.report.study.case {
                ampflux_core::Case::Max => "max",
                ampflux_core::Case::Min => "min",
            },
            self.report.buses.len(),
            self.report.branches.len(),
            self.report.warnings.len()
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let text = slf.get().to_json(false);
        let ctor = slf.get_type().getattr("from_json")?;
        Ok((ctor, PyTuple::new(py, [text])?))
    }
}

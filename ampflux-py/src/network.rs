//! `ampflux.Network`: the network document (format v1) with its builder, validation and
//! studies. The core `Network` sits behind an `Arc`, so a study can run on a snapshot with
//! the GIL released while Python goes on (a later edit copies on write).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ampflux_core::{Network, StudyOptions, Table, short_circuit};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use serde_json::{Map, Value};

use crate::conv;
use crate::errors::{PyAmpErr, PyIssue, guard, issues_to_py, option_error};
use crate::study::PyStudyResult;
use crate::version::PyChangeSet;

/// A power network: the AmpFlux network document (format v1).
///
/// The document sits behind a lock as an `Arc` snapshot: a study clones the `Arc` and runs
/// with the GIL released, while edits from other threads copy on write. The class is
/// `frozen` (no PyO3 borrow flags), so editing a network while another thread studies it
/// never raises "already borrowed".
#[pyclass(name = "Network", module = "ampflux", frozen)]
pub struct PyNetwork {
    inner: Mutex<Arc<Network>>,
}

impl PyNetwork {
    pub(crate) fn wrap(net: Network) -> PyNetwork {
        PyNetwork {
            inner: Mutex::new(Arc::new(net)),
        }
    }

    /// The current snapshot.
    pub(crate) fn net(&self) -> Arc<Network> {
        Arc::clone(&self.inner.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Edits the document (copy on write when a study holds the old snapshot).
    fn edit<R>(&self, f: impl FnOnce(&mut Network) -> R) -> R {
        let mut slot = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(Arc::make_mut(&mut slot))
    }

    fn table(name: &str) -> PyResult<Table> {
        Table::from_key(name).ok_or_else(|| {
            let known: Vec<&str> = Table::ALL.iter().map(|t| t.key()).collect();
            pyo3::exceptions::PyKeyError::new_err(format!(
                "unknown table {name:?}; tables: {}",
                known.join(", ")
            ))
        })
    }

    fn add_to(
        &self,
        table: Table,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        let index = self.net().len(table);
        let path = format!("{}[{index}]", table.key());
        let id: String = id.extract().map_err(|_| {
            crate::errors::format_error(&format!("{path}.id"), "id must be a string")
        })?;
        let mut element = match fields {
            Some(f) => match conv::to_json(f.as_any(), &path)? {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            None => Map::new(),
        };
        if element.contains_key("id") {
            return Err(crate::errors::format_error(
                &format!("{path}.id"),
                "give the id once (first argument)",
            ));
        }
        // absent and None read the same: drop the nulls so that required fields report
        // "missing field" and optional ones stay absent
        element.retain(|_, v| !v.is_null());
        element.insert("id".into(), Value::String(id.clone()));
        self.edit(|net| net.add_element(table, Value::Object(element)))
            .map_err(PyAmpErr)?;
        Ok(id)
    }

    /// Study options from the keyword arguments of `short_circuit` / `validate`.
    pub(crate) fn options(
        fixed: Vec<(&str, Value)>,
        others: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<StudyOptions> {
        let mut map: Map<String, Value> =
            fixed.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        if let Some(others) = others {
            for (k, v) in others.iter() {
                let key: String = k.extract()?;
                let value = conv::to_json(&v, &key)
                    .map_err(|_| option_error(&key, "value cannot be converted to JSON"))?;
                map.insert(key, value);
            }
        }
        map.retain(|_, v| !v.is_null());
        let options = StudyOptions::from_value(Value::Object(map)).map_err(PyAmpErr)?;
        options.check().map_err(PyAmpErr)?;
        Ok(options)
    }
}

fn text_of(source: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = source.cast::<PyString>() {
        let s: String = s.extract()?;
        if s.trim_start().starts_with('{') {
            return Ok(s);
        }
        return std::fs::read_to_string(&s).map_err(|e| io_error(&s, e));
    }
    if let Ok(b) = source.cast::<PyBytes>() {
        return String::from_utf8(b.as_bytes().to_vec()).map_err(|e| {
            crate::errors::format_error("line 1 column 1", format!("not UTF-8: {e}"))
        });
    }
    let path: PathBuf = source.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "from_json expects JSON text, bytes, or a path (str or os.PathLike)",
        )
    })?;
    std::fs::read_to_string(&path).map_err(|e| io_error(&path.display().to_string(), e))
}

fn finite(option: &str, v: f64) -> PyResult<Value> {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .ok_or_else(|| option_error(option, format!("must be a finite number, got {v}")))
}

fn io_error(path: &str, e: std::io::Error) -> PyErr {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            pyo3::exceptions::PyFileNotFoundError::new_err(format!("{path}: {e}"))
        }
        _ => pyo3::exceptions::PyOSError::new_err(format!("{path}: {e}")),
    }
}

#[pymethods]
impl PyNetwork {
    /// An empty network at `frequency_hz` (50 or 60), optionally named.
    #[new]
    #[pyo3(signature = (frequency_hz=50.0, name=None))]
    fn new(frequency_hz: f64, name: Option<String>) -> PyNetwork {
        let mut net = Network::new(frequency_hz);
        net.name = name;
        PyNetwork::wrap(net)
    }

    /// Reads a network document: JSON text, bytes, or a path (str or os.PathLike). A str
    /// that starts with `{` is JSON text, any other str a path.
    #[staticmethod]
    fn from_json(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<PyNetwork> {
        let text = text_of(source)?;
        let net = py
            .detach(|| guard(|| Network::from_json(&text)))
            .map_err(PyErr::from)?;
        Ok(PyNetwork::wrap(net))
    }

    /// Reads a network document from a dict with the format's structure.
    #[staticmethod]
    fn from_dict(document: &Bound<'_, PyAny>) -> PyResult<PyNetwork> {
        let value = conv::to_json(document, "")?;
        let net = guard(|| Network::from_value(value)).map_err(PyErr::from)?;
        Ok(PyNetwork::wrap(net))
    }

    /// The document as JSON text (format v1; pretty-printed unless `indent=False`).
    #[pyo3(signature = (indent=true))]
    fn to_json(&self, indent: bool) -> String {
        if indent {
            self.net().to_json()
        } else {
            self.net().to_json_compact()
        }
    }

    /// The document as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        conv::to_py(py, &self.net().document_value())
    }

    /// Writes the document as JSON to `path`.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        std::fs::write(&path, self.net().to_json())
            .map_err(|e| io_error(&path.display().to_string(), e))
    }

    /// The network's name, or None.
    #[getter]
    fn name(&self) -> Option<String> {
        self.net().name.clone()
    }

    #[setter]
    fn set_name(&self, name: Option<String>) {
        self.edit(|net| net.name = name);
    }

    /// System frequency in Hz.
    #[getter]
    fn frequency_hz(&self) -> f64 {
        self.net().frequency_hz
    }

    /// Every problem of the document, each naming table, element and field. With study
    /// options (the keywords of `short_circuit`, e.g. `fault="1ph"`), also what that study
    /// needs (zero-sequence data, minimum-case feeder data).
    #[pyo3(signature = (**options))]
    fn validate(
        &self,
        py: Python<'_>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<PyIssue>> {
        let net = self.net();
        let issues = match options {
            Some(o) if !o.is_empty() => {
                let mut fixed = Vec::new();
                for (alias, name) in [
                    ("tk", "tk_s"),
                    ("tmin", "tmin_s"),
                    ("branches", "branch_results"),
                ] {
                    if let Some(v) = o.get_item(alias)? {
                        fixed.push((name, conv::to_json(&v, name)?));
                        o.del_item(alias)?;
                    }
                }
                let options = PyNetwork::options(fixed, Some(o))?;
                py.detach(|| crate::threads::run(|| guard(|| Ok(net.validate_for(&options)))))
            }
            _ => py.detach(|| guard(|| Ok(net.validate()))),
        }
        .map_err(PyErr::from)?;
        Ok(issues_to_py(&issues))
    }

    /// Runs an IEC 60909 short-circuit study and returns a `StudyResult`.
    ///
    /// `fault`: "3ph", "2ph", "1ph" or "2phe"; `case`: "max" or "min"; `ip_method`: "b" or "c";
    /// `tk`: T_k in s for I_th; `tmin`: t_min in s for I_b; `buses`: fault buses (default all);
    /// `branches`: also branch currents and bus voltages. Any other study option of the format
    /// by its name (`topology`, `c_max_lv`, `kt_in_min_case`, `r_fault_ohm`, `line_faults`, ...).
    /// The GIL is released while the core computes.
    #[pyo3(signature = (fault="3ph", case="max", ip_method="c", tk=1.0, tmin=0.1, buses=None, branches=false, **options))]
    #[allow(clippy::too_many_arguments)]
    fn short_circuit(
        &self,
        py: Python<'_>,
        fault: &str,
        case: &str,
        ip_method: &str,
        tk: f64,
        tmin: f64,
        buses: Option<&Bound<'_, PyAny>>,
        branches: bool,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyStudyResult> {
        let buses = match buses {
            None => Value::Null,
            Some(b) if b.is_instance_of::<PyString>() => {
                Value::Array(vec![conv::to_json(b, "buses")?])
            }
            Some(b) => {
                let list: Vec<Bound<'_, PyAny>> = b
                    .try_iter()
                    .map_err(|_| option_error("buses", "expected a bus id or a list of bus ids"))?
                    .collect::<PyResult<_>>()?;
                Value::Array(
                    list.iter()
                        .map(|v| conv::to_json(v, "buses"))
                        .collect::<PyResult<_>>()?,
                )
            }
        };
        let fixed = vec![
            ("fault", Value::String(fault.to_string())),
            ("case", Value::String(case.to_string())),
            ("ip_method", Value::String(ip_method.to_string())),
            ("tk_s", finite("tk_s", tk)?),
            ("tmin_s", finite("tmin_s", tmin)?),
            ("buses", buses),
            ("branch_results", Value::Bool(branches)),
        ];
        let options = PyNetwork::options(fixed, options)?;
        let net = self.net();
        let report = py
            .detach(move || crate::threads::run(|| guard(|| short_circuit(&net, &options))))
            .map_err(PyErr::from)?;
        Ok(PyStudyResult::new(report))
    }

    /// Equipment duty: every breaker, fuse, switch, busbar and cable against its ratings, over
    /// the fault types the network allows (maximum case) and the chosen scenarios. Returns a
    /// pandas DataFrame with one row per device and check and the columns of `ampflux duty
    /// --format json`: `element`, `table`, `check`, `duty`, `rating`, `unit`,
    /// `utilization_percent`, `verdict` (`pass`, `marginal`, `fail`, `unrated`), `fault`,
    /// `location`, `scenario`, `note`. `DataFrame.attrs` holds `summary`, `study`,
    /// `network_digest`, `cases` and `warnings`.
    ///
    /// `scenarios`: a scenario id or a list (`"base"` is the network as drawn; default the
    /// base only); `all_scenarios`: the base and every scenario; `tk`, `tmin`: T_k and t_min
    /// in s. Any other option by name: `duty_basis` (`"bus_total"` or `"through"`),
    /// `marginal_percent`, `faults`, and the study options (`c_max_lv`, `ip_method`, ...).
    /// The GIL is released while the core computes.
    #[pyo3(signature = (scenarios=None, all_scenarios=false, tk=1.0, tmin=0.1, **options))]
    fn duty(
        &self,
        py: Python<'_>,
        scenarios: Option<&Bound<'_, PyAny>>,
        all_scenarios: bool,
        tk: f64,
        tmin: f64,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let scenarios = match scenarios {
            None => Value::Null,
            Some(s) => conv::to_json(s, "scenarios")?,
        };
        let fixed = vec![
            ("scenarios", scenarios),
            ("all_scenarios", Value::Bool(all_scenarios)),
            ("tk_s", finite("tk_s", tk)?),
            ("tmin_s", finite("tmin_s", tmin)?),
        ];
        let options = crate::duty::options(fixed, options)?;
        crate::duty::run(py, self.net(), options)
    }

    /// SHA-256 of the canonical document (64 hex digits): equal for equal networks,
    /// whatever the element order or number formatting.
    fn digest(&self, py: Python<'_>) -> String {
        let net = self.net();
        py.detach(move || net.digest())
    }

    /// The changes that turn this network into `other` (`self.apply(self.diff(other)) ==
    /// other`).
    fn diff(&self, py: Python<'_>, other: PyRef<'_, PyNetwork>) -> PyChangeSet {
        let (a, b) = (self.net(), other.net());
        let inner = py.detach(move || ampflux_core::version::diff(&a, &b));
        PyChangeSet { inner }
    }

    /// A new network: this one with `changes` applied (a `ChangeSet`, its JSON text, or a
    /// list of change dicts). Raises `ConflictError` when they do not apply.
    fn apply(&self, py: Python<'_>, changes: &Bound<'_, PyAny>) -> PyResult<PyNetwork> {
        let changes = PyChangeSet::extract_any(changes)?;
        let net = self.net();
        let out = py
            .detach(move || guard(|| ampflux_core::version::apply(&net, &changes)))
            .map_err(PyErr::from)?;
        Ok(PyNetwork::wrap(out))
    }

    /// The canonical JSON text the digest is computed from.
    fn canonical_json(&self) -> String {
        self.net().canonical_json()
    }

    /// Adds an element to `table` ("buses", "lines", ...) from keyword arguments named as
    /// the format's fields; returns its id.
    #[pyo3(signature = (table, id, **fields))]
    fn add(
        &self,
        table: &str,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        let table = PyNetwork::table(table)?;
        self.add_to(table, id, fields)
    }

    /// Adds a bus: `vn_kv`, optional `lv_tolerance_percent`, `c_max`, `c_min`, `name`,
    /// `in_service`, `meta`. Returns the id.
    #[pyo3(signature = (id, **fields))]
    fn add_bus(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Buses, id, fields)
    }

    /// Adds a network feeder (`bus`, `s_sc_max_mva`, `rx_max`, ...). Returns the id.
    #[pyo3(signature = (id, **fields))]
    fn add_external_grid(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::ExternalGrids, id, fields)
    }

    /// Adds a line (`from_bus`, `to_bus`, `length_km`, `r_ohm_per_km`, `x_ohm_per_km`, ...).
    #[pyo3(signature = (id, **fields))]
    fn add_line(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Lines, id, fields)
    }

    /// Adds a two-winding transformer (`hv_bus`, `lv_bus`, `sn_mva`, `vn_hv_kv`, `vn_lv_kv`,
    /// `vk_percent`, `vkr_percent`, `vector_group`, ...).
    #[pyo3(signature = (id, **fields))]
    fn add_transformer(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Transformers, id, fields)
    }

    /// Adds a three-winding transformer (`hv_bus`, `mv_bus`, `lv_bus`, ratings, pair values).
    #[pyo3(signature = (id, **fields))]
    fn add_transformer3w(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Transformers3w, id, fields)
    }

    /// Adds a synchronous generator (`bus`, `sn_mva`, `vn_kv`, `cos_phi`, `xdss_pu`, ...).
    #[pyo3(signature = (id, **fields))]
    fn add_generator(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Generators, id, fields)
    }

    /// Adds an asynchronous motor (`bus`, `pn_mw`, `vn_kv`, `cos_phi`, `efficiency_percent`,
    /// `lrc_pu`, ...).
    #[pyo3(signature = (id, **fields))]
    fn add_motor(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Motors, id, fields)
    }

    /// Adds a converter-connected unit (`bus`, `sn_mva`, `vn_kv`, `kind`, ...).
    #[pyo3(signature = (id, **fields))]
    fn add_converter(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Converters, id, fields)
    }

    /// Adds a series impedance (`from_bus`, `to_bus`, ohm or p.u. values).
    #[pyo3(signature = (id, **fields))]
    fn add_impedance(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Impedances, id, fields)
    }

    /// Adds a switch (`bus`, `element`, `closed`, ...).
    #[pyo3(signature = (id, **fields))]
    fn add_switch(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Switches, id, fields)
    }

    /// Adds a load (`bus`, `p_mw`, `q_mvar`).
    #[pyo3(signature = (id, **fields))]
    fn add_load(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Loads, id, fields)
    }

    /// Adds a shunt admittance (`bus`, `kind`, `p_mw`, `q_mvar`, `vn_kv`).
    #[pyo3(signature = (id, **fields))]
    fn add_shunt(
        &self,
        id: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        self.add_to(Table::Shunts, id, fields)
    }

    /// The element ids of `table`, in document order.
    fn ids(&self, table: &str) -> PyResult<Vec<String>> {
        let table = PyNetwork::table(table)?;
        Ok(self
            .net()
            .ids(table)
            .into_iter()
            .map(str::to_string)
            .collect())
    }

    /// The elements of `table` as dicts with the format's field names.
    fn elements<'py>(&self, py: Python<'py>, table: &str) -> PyResult<Bound<'py, PyAny>> {
        let table = PyNetwork::table(table)?;
        let doc = self.net().document_value();
        conv::to_py(
            py,
            doc.get(table.key()).unwrap_or(&Value::Array(Vec::new())),
        )
    }

    /// The table holding element `id`, or None.
    fn table_of(&self, id: &str) -> Option<&'static str> {
        self.net().table_of(id).map(Table::key)
    }

    /// Number of elements per table, for the tables that have any.
    fn counts(&self) -> Vec<(&'static str, usize)> {
        Table::ALL
            .iter()
            .map(|t| (t.key(), self.net().len(*t)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// A copy (networks are values: editing the copy leaves this one unchanged).
    fn copy(&self) -> PyNetwork {
        PyNetwork {
            inner: Mutex::new(self.net()),
        }
    }

    fn __copy__(&self) -> PyNetwork {
        self.copy()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> PyNetwork {
        self.copy()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyNetwork>() {
            Ok(o) => *o.get().net() == *self.net(),
            Err(_) => false,
        }
    }

    fn __contains__(&self, id: &str) -> bool {
        self.net().table_of(id).is_some()
    }

    fn __repr__(&self) -> String {
        let counts: Vec<String> = self
            .counts()
            .into_iter()
            .map(|(t, n)| format!("{t}={n}"))
            .collect();
        match &self.net().name {
            Some(name) => format!("Network({name:?}, {})", counts.join(", ")),
            None => format!("Network({})", counts.join(", ")),
        }
    }

    /// Pickle support: the compact JSON document.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let text = slf.get().net().to_json_compact();
        let ctor = slf.get_type().getattr("from_json")?;
        Ok((ctor, PyTuple::new(py, [text])?))
    }
}

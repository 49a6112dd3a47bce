//! Circuit versions: `ChangeSet` (diff/apply), three-way `merge` and `History`, thin over
//! `ampflux_core::version`.

use ampflux_core::version::{self, ChangeSet, History, MergeOutcome, Revision};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::conv;
use crate::errors::guard;
use crate::network::PyNetwork;

/// The changes that turn one network into another (`Network.diff`), applied with
/// `Network.apply`.
#[pyclass(name = "ChangeSet", module = "ampflux", frozen)]
pub struct PyChangeSet {
    pub(crate) inner: ChangeSet,
}

impl PyChangeSet {
    /// A change set from a `ChangeSet`, its JSON text, or a list of change dicts.
    pub(crate) fn extract_any(obj: &Bound<'_, PyAny>) -> PyResult<ChangeSet> {
        if let Ok(cs) = obj.cast::<PyChangeSet>() {
            return Ok(cs.get().inner.clone());
        }
        if let Ok(s) = obj.cast::<PyString>() {
            let text: String = s.extract()?;
            return guard(|| ChangeSet::from_json(&text)).map_err(PyErr::from);
        }
        let value = conv::to_json(obj, "changes")?;
        let value = if value.is_array() {
            serde_json::json!({ "changes": value })
        } else {
            value
        };
        let text = value.to_string();
        guard(|| ChangeSet::from_json(&text)).map_err(PyErr::from)
    }
}

#[pymethods]
impl PyChangeSet {
    /// Reads a change set from JSON text (as written by `to_json`).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyChangeSet> {
        let inner = guard(|| ChangeSet::from_json(text)).map_err(PyErr::from)?;
        Ok(PyChangeSet { inner })
    }

    /// The change set as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The changes as dicts: `{"op": "changed", "table": "lines", "id": "L1", "field":
    /// "length_km", "old": 1.0, "new": 1.2}`, `{"op": "added", ...}`, `{"op": "removed", ...}`.
    #[getter]
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.inner.changes)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        conv::to_py(py, &value)
    }

    /// Whether the two networks were equal.
    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// A human-readable summary: `T1: vk_percent 6.0 -> 6.5; L7 removed`.
    fn summary(&self) -> String {
        self.inner.summary()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __bool__(&self) -> bool {
        !self.inner.is_empty()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyChangeSet>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!("ChangeSet({})", self.inner.summary())
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let text = slf.get().inner.to_json();
        Ok((
            slf.get_type().getattr("from_json")?,
            PyTuple::new(py, [text])?,
        ))
    }
}

/// The result of a three-way merge.
#[pyclass(name = "MergeResult", module = "ampflux", frozen)]
pub struct PyMergeResult {
    outcome: MergeOutcome,
    revision: Option<String>,
}

#[pymethods]
impl PyMergeResult {
    /// Our network with every non-conflicting change of theirs applied (conflicting fields
    /// keep our value).
    #[getter]
    fn network(&self) -> PyNetwork {
        PyNetwork::wrap(self.outcome.network.clone())
    }

    /// Fields changed differently on both branches, as dicts with `table`, `id`, `field`,
    /// `base`, `ours`, `theirs`.
    #[getter]
    fn conflicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.outcome.conflicts)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        conv::to_py(py, &value)
    }

    /// Their changes that were applied on top of ours.
    #[getter]
    fn applied(&self) -> PyChangeSet {
        PyChangeSet {
            inner: self.outcome.applied.clone(),
        }
    }

    /// Whether the merge had no conflicts.
    #[getter]
    fn ok(&self) -> bool {
        self.outcome.conflicts.is_empty()
    }

    /// Id of the merge revision (`History.merge` without conflicts), else None.
    #[getter]
    fn revision(&self) -> Option<String> {
        self.revision.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "MergeResult(conflicts={}, applied={}, revision={:?})",
            self.outcome.conflicts.len(),
            self.outcome.applied.len(),
            self.revision
        )
    }
}

/// Three-way merge of `ours` and `theirs` from their common ancestor `base`, field by field.
#[pyfunction]
pub(crate) fn merge(
    py: Python<'_>,
    base: PyRef<'_, PyNetwork>,
    ours: PyRef<'_, PyNetwork>,
    theirs: PyRef<'_, PyNetwork>,
) -> PyResult<PyMergeResult> {
    let (b, o, t) = (base.net(), ours.net(), theirs.net());
    let outcome = py
        .detach(move || guard(|| version::merge(&b, &o, &t)))
        .map_err(PyErr::from)?;
    Ok(PyMergeResult {
        outcome,
        revision: None,
    })
}

fn revision_dict<'py>(py: Python<'py>, r: &Revision) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &r.id)?;
    d.set_item("digest", &r.digest)?;
    d.set_item("parents", &r.parents)?;
    d.set_item("author", &r.author)?;
    d.set_item("message", &r.message)?;
    d.set_item("timestamp", &r.timestamp)?;
    Ok(d)
}

fn now(py: Python<'_>, timestamp: Option<String>) -> PyResult<String> {
    match timestamp {
        Some(t) => Ok(t),
        None => {
            let dt = py.import("datetime")?;
            let utc = dt.getattr("timezone")?.getattr("utc")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("timespec", "seconds")?;
            dt.getattr("datetime")?
                .call_method1("now", (utc,))?
                .call_method("isoformat", (), Some(&kwargs))?
                .extract()
        }
    }
}

/// An append-only history of network revisions (each a digest-addressed snapshot), with
/// checkout, restore and merge. Revision ids may be abbreviated to a unique prefix.
#[pyclass(name = "History", module = "ampflux")]
pub struct PyHistory {
    inner: History,
}

#[pymethods]
impl PyHistory {
    /// An empty history.
    #[new]
    fn new() -> PyHistory {
        PyHistory {
            inner: History::new(),
        }
    }

    /// Records `network` as a new revision and returns its id. The parent is the head,
    /// unless `parents` names other revisions (to branch off an earlier one, or none for a
    /// new root). `timestamp` defaults to the current UTC time (ISO 8601).
    #[pyo3(signature = (network, author="", message="", timestamp=None, parents=None))]
    fn commit(
        &mut self,
        py: Python<'_>,
        network: PyRef<'_, PyNetwork>,
        author: &str,
        message: &str,
        timestamp: Option<String>,
        parents: Option<Vec<String>>,
    ) -> PyResult<String> {
        let timestamp = now(py, timestamp)?;
        let net = network.net();
        guard(|| match &parents {
            None => self.inner.commit(&net, author, message, &timestamp),
            Some(p) => {
                // resolve abbreviated ids to full ones, as the head's id is
                let full = p
                    .iter()
                    .map(|id| self.inner.revision(id).map(|r| r.id.clone()))
                    .collect::<Result<Vec<_>, _>>()?;
                self.inner
                    .commit_with_parents(&net, &full, author, message, &timestamp)
            }
        })
        .map_err(PyErr::from)
    }

    /// Every revision, oldest first, as dicts (`id`, `digest`, `parents`, `author`,
    /// `message`, `timestamp`).
    fn revisions<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .revisions()
            .iter()
            .map(|r| revision_dict(py, r))
            .collect()
    }

    /// The newest revision as a dict, or None for an empty history.
    fn head<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner.head().map(|r| revision_dict(py, r)).transpose()
    }

    /// The network of revision `revision` (id or unique prefix).
    fn checkout(&self, revision: &str) -> PyResult<PyNetwork> {
        let net = guard(|| self.inner.checkout(revision)).map_err(PyErr::from)?;
        Ok(PyNetwork::wrap(net))
    }

    /// Commits the network of an earlier revision again as the new head; returns its id.
    #[pyo3(signature = (revision, author="", message="", timestamp=None))]
    fn restore(
        &mut self,
        py: Python<'_>,
        revision: &str,
        author: &str,
        message: &str,
        timestamp: Option<String>,
    ) -> PyResult<String> {
        let timestamp = now(py, timestamp)?;
        guard(|| self.inner.restore(revision, author, message, &timestamp)).map_err(PyErr::from)
    }

    /// The nearest common ancestor of two revisions, or None.
    fn common_ancestor(&self, a: &str, b: &str) -> PyResult<Option<String>> {
        guard(|| self.inner.common_ancestor(a, b)).map_err(PyErr::from)
    }

    /// Three-way merge of revisions `ours` and `theirs`; without conflicts the merged network
    /// is committed with both as parents (`MergeResult.revision`).
    #[pyo3(signature = (ours, theirs, author="", message="", timestamp=None))]
    fn merge(
        &mut self,
        py: Python<'_>,
        ours: &str,
        theirs: &str,
        author: &str,
        message: &str,
        timestamp: Option<String>,
    ) -> PyResult<PyMergeResult> {
        let timestamp = now(py, timestamp)?;
        let (outcome, revision) =
            guard(|| self.inner.merge(ours, theirs, author, message, &timestamp))
                .map_err(PyErr::from)?;
        Ok(PyMergeResult { outcome, revision })
    }

    /// The history as JSON text (revisions and snapshots).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Reads a history written by `to_json` (snapshots are checked against their digests).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyHistory> {
        let inner = guard(|| History::from_json(text)).map_err(PyErr::from)?;
        Ok(PyHistory { inner })
    }

    fn __len__(&self) -> usize {
        self.inner.revisions().len()
    }

    fn __repr__(&self) -> String {
        match self.inner.head() {
            Some(h) => format!(
                "History({} revisions, head {})",
                self.inner.revisions().len(),
                &h.id[..12]
            ),
            None => "History(empty)".to_string(),
        }
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let text = slf.borrow().inner.to_json();
        Ok((
            slf.get_type().getattr("from_json")?,
            PyTuple::new(py, [text])?,
        ))
    }
}

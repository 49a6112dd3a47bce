//! Errors cross into Python once, here: every `ampflux_core::Error` becomes an instance of the
//! exception tree of `ampflux.errors` (rooted at `AmpFluxError`) with the core's stable
//! `.code`, its `.issues`, and, where the core names them, `.path` or `.option`. Panics are
//! caught at the boundary and raised as `InternalError`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ampflux_core::{Error, Issue, Severity};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

/// A validation finding: `severity`, `code`, `table`, `element`, `field`, `message`.
#[pyclass(name = "Issue", module = "ampflux", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyIssue {
    /// `"error"` or `"warning"`.
    #[pyo3(get)]
    severity: String,
    /// Stable machine-readable code (`dangling_reference`, `non_positive`, ...).
    #[pyo3(get)]
    code: String,
    /// Table of the element (`"lines"`), or None for document-level findings.
    #[pyo3(get)]
    table: Option<String>,
    /// Id of the element, or None.
    #[pyo3(get)]
    element: Option<String>,
    /// Field of the element, or None.
    #[pyo3(get)]
    field: Option<String>,
    /// Human-readable explanation.
    #[pyo3(get)]
    message: String,
}

impl From<&Issue> for PyIssue {
    fn from(issue: &Issue) -> PyIssue {
        PyIssue {
            severity: match issue.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
            .to_string(),
            code: issue.code.clone(),
            table: issue.table.map(|t| t.key().to_string()),
            element: issue.element.clone(),
            field: issue.field.clone(),
            message: issue.message.clone(),
        }
    }
}

impl PyIssue {
    fn to_core(&self) -> Issue {
        Issue {
            severity: if self.severity == "warning" {
                Severity::Warning
            } else {
                Severity::Error
            },
            code: self.code.clone(),
            table: self
                .table
                .as_deref()
                .and_then(ampflux_core::Table::from_key),
            element: self.element.clone(),
            field: self.field.clone(),
            message: self.message.clone(),
        }
    }
}

#[pymethods]
impl PyIssue {
    #[new]
    #[pyo3(signature = (severity, code, message, table=None, element=None, field=None))]
    fn new(
        severity: String,
        code: String,
        message: String,
        table: Option<String>,
        element: Option<String>,
        field: Option<String>,
    ) -> PyResult<PyIssue> {
        if severity != "error" && severity != "warning" {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "severity must be 'error' or 'warning', got {severity:?}"
            )));
        }
        Ok(PyIssue {
            severity,
            code,
            table,
            element,
            field,
            message,
        })
    }

    /// Whether this finding stops a study.
    fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// The finding as a dict with the keys of the JSON form.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("severity", &self.severity)?;
        d.set_item("code", &self.code)?;
        d.set_item("table", &self.table)?;
        d.set_item("element", &self.element)?;
        d.set_item("field", &self.field)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }

    fn __str__(&self) -> String {
        self.to_core().to_string()
    }

    fn __repr__(&self) -> String {
        let opt = |o: &Option<String>| match o {
            Some(s) => format!("{s:?}"),
            None => "None".to_string(),
        };
        format!(
            "Issue(severity={:?}, code={:?}, table={}, element={}, field={}, message={:?})",
            self.severity,
            self.code,
            opt(&self.table),
            opt(&self.element),
            opt(&self.field),
            self.message
        )
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            &self.severity,
            &self.code,
            &self.table,
            &self.element,
            &self.field,
            &self.message,
        )
            .hash(&mut h);
        h.finish()
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let me = slf.get();
        let args = PyTuple::new(
            py,
            [
                me.severity.clone().into_pyobject(py)?.into_any(),
                me.code.clone().into_pyobject(py)?.into_any(),
                me.message.clone().into_pyobject(py)?.into_any(),
                me.table.clone().into_pyobject(py)?,
                me.element.clone().into_pyobject(py)?,
                me.field.clone().into_pyobject(py)?,
            ],
        )?;
        Ok((slf.get_type().into_any(), args))
    }
}

/// Python list of `Issue` objects.
pub(crate) fn issues_to_py(issues: &[Issue]) -> Vec<PyIssue> {
    issues.iter().map(PyIssue::from).collect()
}

/// `ampflux.errors._from_core`, looked up once.
fn factory(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    FACTORY
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("ampflux.errors")?.getattr("_from_core")?.unbind())
        })
        .map(|f| f.bind(py))
}

/// Builds the `ampflux.errors` exception for `code` with `message`, `issues` and extra
/// attributes.
pub(crate) fn make_error(
    code: &str,
    message: String,
    issues: Vec<PyIssue>,
    extra: &[(&str, String)],
) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let kwargs = PyDict::new(py);
            for (k, v) in extra {
                kwargs.set_item(*k, v)?;
            }
            let exc = factory(py)?.call((code, message.clone(), issues), Some(&kwargs))?;
            Ok(PyErr::from_value(exc))
        };
        // the helper module is part of the package; if it cannot be imported (a broken
        // install), fall back to a plain RuntimeError rather than losing the message
        build().unwrap_or_else(|err| {
            pyo3::exceptions::PyRuntimeError::new_err(format!("{code}: {message} ({err})"))
        })
    })
}

/// The core error as a Python exception (orphan-rule newtype).
pub(crate) struct PyAmpErr(pub Error);

impl From<PyAmpErr> for PyErr {
    fn from(PyAmpErr(err): PyAmpErr) -> PyErr {
        let extra: Vec<(&str, String)> = match &err {
            Error::Format { path, .. } => vec![("path", path.clone())],
            Error::InvalidOption { option, .. } => vec![("option", option.clone())],
            _ => Vec::new(),
        };
        let mut issues = issues_to_py(err.issues());
        if let Error::InvalidOption { option, message } = &err {
            issues.push(PyIssue {
                severity: "error".into(),
                code: "invalid_option".into(),
                table: None,
                element: None,
                field: Some(option.clone()),
                message: message.clone(),
            });
        }
        make_error(err.code(), err.to_string(), issues, &extra)
    }
}

/// A `format_error` about the value at `path` (input conversion in the binding).
pub(crate) fn format_error(path: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    make_error(
        "format_error",
        format!("invalid network document at `{path}`: {message}"),
        Vec::new(),
        &[("path", path.to_string())],
    )
}

/// An `invalid_option` error about study option `option` (input conversion in the binding).
pub(crate) fn option_error(option: &str, message: impl Into<String>) -> PyErr {
    PyAmpErr(Error::InvalidOption {
        option: option.to_string(),
        message: message.into(),
    })
    .into()
}

/// What a guarded core call can end in besides success: a core error or a caught panic.
/// Plain Rust data (Send), so it can leave a `py.detach` closure and become a Python
/// exception once the GIL is held again.
pub(crate) enum Failure {
    /// The core's own error.
    Core(Error),
    /// A panic in the core (a bug), with its message.
    Panic(String),
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> PyErr {
        match failure {
            Failure::Core(err) => PyAmpErr(err).into(),
            Failure::Panic(what) => make_error(
                "internal_error",
                format!("internal error in the AmpFlux core (please report): {what}"),
                Vec::new(),
                &[],
            ),
        }
    }
}

/// Runs core code, catching a panic so that it never unwinds into Python.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::Core(e)),
        Err(payload) => Err(Failure::Panic(
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string()),
        )),
    }
}

//! `ampflux._ampflux`: the Python extension module of AmpFlux.
//!
//! A thin layer over `ampflux-core`: newtypes around the core's `Network`, `StudyReport` and
//! version types, conversions between Python objects and the format's JSON, the exception
//! tree, and the GIL hand-off around solves. No physics lives here.

#![deny(unsafe_code)]

mod conv;
mod duty;
mod errors;
mod network;
mod study;
mod threads;
mod version;

use pyo3::prelude::*;

/// The extension module. The pure-Python package `ampflux` re-exports its classes.
#[pymodule]
fn _ampflux(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("FORMAT_VERSION", ampflux_core::model::FORMAT_VERSION)?;
    m.add(
        "TABLES",
        ampflux_core::Table::ALL
            .iter()
            .map(|t| t.key())
            .collect::<Vec<_>>(),
    )?;
    m.add_class::<errors::PyIssue>()?;
    m.add_class::<network::PyNetwork>()?;
    m.add_class::<study::PyStudyResult>()?;
    m.add_class::<version::PyChangeSet>()?;
    m.add_class::<version::PyMergeResult>()?;
    m.add_class::<version::PyHistory>()?;
    m.add_function(wrap_pyfunction!(version::merge, m)?)?;
    Ok(())
}

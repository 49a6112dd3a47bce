//! Input and output adapters: Python objects to the format's JSON values and back.
//!
//! Accepted input: None, bool, int, float, str, mappings with str keys, lists, tuples and
//! numpy arrays and scalars. A float NaN means "absent" (pandas' missing value) and becomes
//! JSON null; infinities are refused. Errors name the path of the offending value.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::format_error;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn float_value(f: f64, path: &str) -> PyResult<Value> {
    if f.is_nan() {
        return Ok(Value::Null);
    }
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| format_error(path, format!("{f} is not a finite number")))
}

/// Deepest nesting accepted (serde_json's own recursion limit when it parses text).
const MAX_DEPTH: usize = 128;

/// Converts a Python object to a JSON value; `path` names it in errors (`buses[0].vn_kv`).
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    to_json_at(obj, path, 0)
}

fn to_json_at(obj: &Bound<'_, PyAny>, path: &str, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        // a bound on the recursion: a deeply nested object must not overflow the stack
        return Err(format_error(
            path,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::from(v));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(Value::from(v));
        }
        // beyond 64 bits: a float, as the same number written in JSON text reads
        return match i.extract::<f64>() {
            Ok(v) => float_value(v, path),
            Err(_) => Err(format_error(path, "integer too large for a number")),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return float_value(f.value(), path);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.extract()?));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = key_of(&k, path)?;
            let value = to_json_at(&v, &join(path, &key), depth + 1)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return seq(l.iter(), path, depth);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return seq(t.iter(), path, depth);
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        let mut map = Map::new();
        for item in m.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let key = key_of(&k, path)?;
            let value = to_json_at(&v, &join(path, &key), depth + 1)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    // numpy: arrays and scalars know how to become plain Python values
    let type_name = obj.get_type().name()?.to_string();
    if obj.hasattr("tolist")? && obj.hasattr("dtype")? {
        if type_name == "bool_" || type_name == "bool" {
            return Ok(Value::Bool(obj.is_truthy()?));
        }
        let plain = obj.call_method0("tolist")?;
        return to_json_at(&plain, path, depth + 1);
    }
    Err(format_error(
        path,
        format!("cannot convert a Python `{type_name}` to a JSON value"),
    ))
}

fn key_of(k: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    k.cast::<PyString>()
        .map_err(|_| format_error(path, "mapping keys must be strings"))?
        .extract()
}

fn seq<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    path: &str,
    depth: usize,
) -> PyResult<Value> {
    items
        .enumerate()
        .map(|(i, v)| to_json_at(&v, &format!("{path}[{i}]"), depth + 1))
        .collect::<PyResult<Vec<_>>>()
        .map(Value::Array)
}

/// Converts a JSON value to plain Python objects (dict, list, str, int, float, bool, None).
pub(crate) fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

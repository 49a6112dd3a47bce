//! The canonical form of a network document and its content digest.
//!
//! Canonical JSON: every table sorted by element id, object keys sorted, no insignificant
//! whitespace, absent optional fields omitted, numbers written one way (model numbers come
//! from typed fields; numbers inside `meta` are written as shortest round-trip `f64` when
//! they are not integers). The writer does not depend on `serde_json`'s map ordering, so the
//! same circuit gives the same bytes, and the same SHA-256 digest, on every platform.

use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::{Network, Table};

impl Network {
    /// The canonical JSON text of the network (see the module docs).
    pub fn canonical_json(&self) -> String {
        let mut value = self.document_value();
        sort_tables(&mut value);
        let mut out = String::new();
        write_canonical(&value, &mut out);
        out
    }

    /// SHA-256 of [`Network::canonical_json`], as 64 lowercase hex digits.
    ///
    /// ```
    /// let a = ampflux_core::Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 20},
    ///     {"id": "B", "vn_kv": 0.4}]}"#).unwrap();
    /// let b = ampflux_core::Network::from_json(r#"{"buses": [{"vn_kv": 0.40, "id": "B"},
    ///     {"id": "A", "vn_kv": 20.0}]}"#).unwrap();
    /// assert_eq!(a.digest(), b.digest());
    /// ```
    pub fn digest(&self) -> String {
        let hash = Sha256::digest(self.canonical_json().as_bytes());
        let mut hex = String::with_capacity(64);
        for byte in hash {
            let _ = write!(hex, "{byte:02x}");
        }
        hex
    }
}

fn sort_tables(doc: &mut Value) {
    let Value::Object(map) = doc else { return };
    for table in Table::ALL {
        if let Some(Value::Array(rows)) = map.get_mut(table.key()) {
            rows.sort_by(|a, b| id_of(a).cmp(id_of(b)));
        }
    }
}

fn id_of(row: &Value) -> &str {
    row.get("id").and_then(Value::as_str).unwrap_or("")
}

/// Writes `value` canonically: sorted keys, no whitespace, numbers one way.
pub(crate) fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => {
            out.push_str(&serde_json::to_string(s).expect("strings always serialize"))
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).expect("strings always serialize"));
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
    }
}

fn write_number(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else {
        let f = n.as_f64().unwrap_or(0.0);
        // Integral floats are written as integers so that `1.0` and `1` in `meta` agree;
        // -0.0 is written as 0.
        if f == f.trunc() && f.abs() < 9.007_199_254_740_992e15 {
            let _ = write!(out, "{}", f as i64);
        } else {
            out.push_str(&serde_json::to_string(&f).expect("finite floats serialize"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_one_way() {
        let mut a = String::new();
        write_canonical(&serde_json::json!({"b": 1.0, "a": [1, -0.0, 0.1]}), &mut a);
        assert_eq!(a, r#"{"a":[1,0,0.1],"b":1}"#);
    }

    #[test]
    fn digest_ignores_order_and_formatting() {
        let a = Network::from_json(
            r#"{"buses": [{"id": "A", "vn_kv": 20}, {"id": "B", "vn_kv": 0.4}],
                "meta": {"x": 1, "y": {"b": 2, "a": 1}}}"#,
        )
        .unwrap();
        let b = Network::from_json(
            r#"{"meta": {"y": {"a": 1.0, "b": 2}, "x": 1.0},
                "buses": [{"id": "B", "vn_kv": 4e-1}, {"vn_kv": 20.0, "id": "A"}]}"#,
        )
        .unwrap();
        assert_eq!(a.digest(), b.digest());
        let mut c = a.clone();
        c.buses[0].vn_kv = 20.000001;
        assert_ne!(a.digest(), c.digest());
    }
}

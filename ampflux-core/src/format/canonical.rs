//! The canonical form of a network document and its content digest.
//!
//! Canonical JSON: compact, `format`/`version` of the current format, every table sorted by
//! element id, the fields of every element in the format's fixed order with absent optional
//! fields (and an empty `scenarios` table, a default switch `kind`) omitted, numbers of typed fields written by one shortest-round-trip algorithm, and
//! free-form `meta` objects with sorted keys and numbers normalised (`1.0` and `1` are the same
//! number). The same circuit gives the same bytes, and the same SHA-256 digest, on every
//! platform (native and WebAssembly), whatever the element order or formatting of the input.

use std::cell::Cell;
use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::{
    Bus, Converter, ExternalGrid, FORMAT_TAG, FORMAT_VERSION, Generator, Impedance, Line, Load,
    Meta, Motor, Network, Scenario, Shunt, Switch, Transformer, Transformer3w,
};

thread_local! {
    /// Set while the canonical form is written: `meta` numbers are normalised then.
    static CANONICAL: Cell<bool> = const { Cell::new(false) };
}

/// Serializes a `meta` object with sorted keys (and, inside [`Network::canonical_json`],
/// normalised numbers). Used by every `meta` field of the model.
pub(crate) fn serialize_meta<S: serde::Serializer>(
    meta: &Option<Meta>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match meta {
        Some(m) => s.serialize_some(&SortedMap(m)),
        None => s.serialize_none(),
    }
}

struct SortedMap<'a>(&'a serde_json::Map<String, Value>);

impl Serialize for SortedMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut keys: Vec<&String> = self.0.keys().collect();
        keys.sort();
        let mut map = s.serialize_map(Some(keys.len()))?;
        for k in keys {
            map.serialize_entry(k, &SortedValue(&self.0[k]))?;
        }
        map.end()
    }
}

struct SortedValue<'a>(&'a Value);

impl Serialize for SortedValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(m) => SortedMap(m).serialize(s),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&SortedValue(item))?;
                }
                seq.end()
            }
            Value::Number(n) if CANONICAL.with(Cell::get) => {
                if let Some(i) = n.as_i64() {
                    s.serialize_i64(i)
                } else if let Some(u) = n.as_u64() {
                    s.serialize_u64(u)
                } else {
                    let f = n.as_f64().unwrap_or(0.0);
                    if f == f.trunc() && f.abs() < 9.007_199_254_740_992e15 {
                        s.serialize_i64(f as i64)
                    } else {
                        s.serialize_f64(f)
                    }
                }
            }
            other => other.serialize(s),
        }
    }
}

/// The document with every table sorted by id, borrowing the network.
#[derive(Serialize)]
struct CanonicalView<'a> {
    format: &'static str,
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a String>,
    frequency_hz: f64,
    buses: Vec<&'a Bus>,
    external_grids: Vec<&'a ExternalGrid>,
    lines: Vec<&'a Line>,
    transformers: Vec<&'a Transformer>,
    transformers3w: Vec<&'a Transformer3w>,
    generators: Vec<&'a Generator>,
    motors: Vec<&'a Motor>,
    converters: Vec<&'a Converter>,
    impedances: Vec<&'a Impedance>,
    switches: Vec<&'a Switch>,
    loads: Vec<&'a Load>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    shunts: Vec<&'a Shunt>,
    /// Absent when empty, so that documents without scenarios keep their digest.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scenarios: Vec<&'a Scenario>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_meta"
    )]
    meta: &'a Option<Meta>,
}

macro_rules! sorted {
    ($rows:expr) => {{
        let mut v: Vec<_> = $rows.iter().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }};
}

/// Restores the canonical flag when dropped (also on panic).
struct CanonicalGuard(bool);

impl Drop for CanonicalGuard {
    fn drop(&mut self) {
        CANONICAL.with(|c| c.set(self.0));
    }
}

impl Network {
    /// The canonical JSON text of the network (see the module docs).
    pub fn canonical_json(&self) -> String {
        let mut text = Vec::new();
        self.write_canonical(&mut text)
            .expect("writing to memory cannot fail");
        String::from_utf8(text).expect("serde_json writes UTF-8")
    }

    /// Writes [`Network::canonical_json`] to `out`.
    fn write_canonical(&self, out: impl std::io::Write) -> std::io::Result<()> {
        let view = CanonicalView {
            format: FORMAT_TAG,
            version: FORMAT_VERSION,
            name: self.name.as_ref(),
            frequency_hz: self.frequency_hz,
            buses: sorted!(self.buses),
            external_grids: sorted!(self.external_grids),
            lines: sorted!(self.lines),
            transformers: sorted!(self.transformers),
            transformers3w: sorted!(self.transformers3w),
            generators: sorted!(self.generators),
            motors: sorted!(self.motors),
            converters: sorted!(self.converters),
            impedances: sorted!(self.impedances),
            switches: sorted!(self.switches),
            loads: sorted!(self.loads),
            shunts: sorted!(self.shunts),
            scenarios: sorted!(self.scenarios),
            meta: &self.meta,
        };
        let _guard = CanonicalGuard(CANONICAL.with(|c| c.replace(true)));
        serde_json::to_writer(out, &view).map_err(std::io::Error::from)
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
        // the canonical text streams into the hash through a small buffer (never held whole)
        let mut hasher = std::io::BufWriter::with_capacity(1 << 14, HashWriter(Sha256::new()));
        self.write_canonical(&mut hasher)
            .expect("hashing cannot fail");
        let hash = hasher
            .into_inner()
            .map_err(|_| ())
            .expect("hashing cannot fail")
            .0
            .finalize();
        let mut hex = String::with_capacity(64);
        for byte in hash {
            let _ = write!(hex, "{byte:02x}");
        }
        hex
    }
}

/// SHA-256 as an [`std::io::Write`] sink.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_is_sorted_and_normalised_only_in_the_canonical_form() {
        let net =
            Network::from_json(r#"{"meta": {"b": 1.0, "a": [1, -0.0, 0.5, {"y": 2, "x": 1}]}}"#)
                .unwrap();
        let canonical = net.canonical_json();
        assert!(
            canonical.ends_with(r#""meta":{"a":[1,0,0.5,{"x":1,"y":2}],"b":1}}"#),
            "{canonical}"
        );
        // the ordinary writer keeps the numbers as read, so documents round-trip exactly
        let back = Network::from_json(&net.to_json()).unwrap();
        assert_eq!(back, net);
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

    #[test]
    fn digest_is_the_hash_of_the_canonical_text() {
        let net = Network::from_json(
            r#"{"buses": [{"id": "B", "vn_kv": 0.4}, {"id": "A", "vn_kv": 20}], "meta": {"k": 1.0}}"#,
        )
        .unwrap();
        let hex: String = Sha256::digest(net.canonical_json().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(net.digest(), hex);
    }
}

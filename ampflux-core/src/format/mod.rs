//! Reading and writing the network document: JSON in, JSON out, with the path of every
//! offending value, step-by-step upgrades of older documents, and the canonical form.

pub mod canonical;
mod upgrade;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{FORMAT_TAG, FORMAT_VERSION, Network, Table};

pub use upgrade::{SUPPORTED_VERSIONS, upgrade_document};

/// Deserializes `value` into `T`, reporting the JSON path of the first offending value.
pub(crate) fn from_value_with_path<T: DeserializeOwned>(value: Value, prefix: &str) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let inner = err.path().to_string();
        let path = match (prefix.is_empty(), inner.as_str()) {
            (true, _) => inner.clone(),
            (false, ".") => prefix.to_string(),
            (false, _) => format!("{prefix}.{inner}"),
        };
        Error::Format {
            path: if path.is_empty() { ".".into() } else { path },
            message: err.into_inner().to_string(),
        }
    })
}

impl Network {
    /// Reads a network document from JSON text. Older format versions are upgraded; a newer
    /// version or a foreign `format` tag is refused; unknown fields are rejected with their path.
    ///
    /// ```
    /// let net = ampflux_core::Network::from_json(r#"{"format": "ampflux-network", "version": 1,
    ///     "buses": [{"id": "B1", "vn_kv": 20.0}]}"#).unwrap();
    /// assert_eq!(net.buses[0].vn_kv, 20.0);
    /// let err = ampflux_core::Network::from_json(r#"{"buses": [{"id": "B1", "vn_kv": 20, "vn_kvv": 1}]}"#)
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("buses[0]"));
    /// ```
    pub fn from_json(text: &str) -> Result<Network> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Format {
            path: format!("line {} column {}", e.line(), e.column()),
            message: e.to_string(),
        })?;
        Network::from_value(value)
    }

    /// Reads a network document from a parsed JSON value (see [`Network::from_json`]).
    pub fn from_value(value: Value) -> Result<Network> {
        let value = upgrade_document(value)?;
        from_value_with_path(value, "")
    }

    /// Writes the document as pretty-printed JSON (format v1; absent optional fields are
    /// omitted, so `null` and absent read back the same).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.document_value()).expect("a network always serializes")
    }

    /// Writes the document as compact JSON.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(&self.document_value()).expect("a network always serializes")
    }

    /// The document as a JSON value, tagged with the current format and version.
    pub fn document_value(&self) -> Value {
        let mut value = serde_json::to_value(self).expect("a network always serializes");
        if let Value::Object(map) = &mut value {
            map.insert("format".into(), Value::String(FORMAT_TAG.into()));
            map.insert("version".into(), Value::from(FORMAT_VERSION));
        }
        value
    }

    /// Adds one element to `table` from its JSON form (the format's field names), reporting
    /// unknown or mistyped fields with their path. Used by the builder APIs of the bindings.
    pub fn add_element(&mut self, table: Table, element: Value) -> Result<()> {
        let index = self.len(table);
        let prefix = format!("{}[{index}]", table.key());
        macro_rules! push {
            ($field:ident) => {
                self.$field.push(from_value_with_path(element, &prefix)?)
            };
        }
        match table {
            Table::Buses => push!(buses),
            Table::ExternalGrids => push!(external_grids),
            Table::Lines => push!(lines),
            Table::Transformers => push!(transformers),
            Table::Transformers3w => push!(transformers3w),
            Table::Generators => push!(generators),
            Table::Motors => push!(motors),
            Table::Converters => push!(converters),
            Table::Impedances => push!(impedances),
            Table::Switches => push!(switches),
            Table::Loads => push!(loads),
            Table::ProtectiveDevices => push!(protective_devices),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_its_path() {
        let err = Network::from_json(
            r#"{"buses": [{"id": "A", "vn_kv": 1.0}], "lines": [{"id": "L", "from_bus": "A",
            "to_bus": "A", "length_km": 1, "r_ohm_per_km": 1, "x_ohm_per_km": 1, "colour": 3}]}"#,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("lines[0]"), "{text}");
        assert!(text.contains("colour"), "{text}");
        assert_eq!(err.code(), "format_error");
    }

    #[test]
    fn wrong_type_names_its_path() {
        let err = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": "high"}]}"#).unwrap_err();
        assert!(err.to_string().contains("buses[0].vn_kv"), "{err}");
    }

    #[test]
    fn syntax_error_is_a_format_error() {
        let err = Network::from_json("{\"buses\": [").unwrap_err();
        assert_eq!(err.code(), "format_error");
    }

    #[test]
    fn round_trip() {
        let mut net = Network::new(60.0);
        net.add_bus("A", 20.0);
        net.add_bus("B", 0.4).lv_tolerance_percent = Some(6.0);
        net.add_external_grid("Q", "A", 500.0, 0.1);
        net.add_transformer("T", "A", "B", 0.63, 20.0, 0.41, 4.0, 1.0, "Dyn5");
        let back = Network::from_json(&net.to_json()).unwrap();
        assert_eq!(back, net);
        assert_eq!(back.to_json(), net.to_json());
    }

    #[test]
    fn add_element_reports_path() {
        let mut net = Network::default();
        net.add_element(Table::Buses, serde_json::json!({"id": "A", "vn_kv": 10.0}))
            .unwrap();
        let err = net
            .add_element(Table::Buses, serde_json::json!({"id": "B", "vnkv": 10.0}))
            .unwrap_err();
        assert!(err.to_string().contains("buses[1]"), "{err}");
        assert_eq!(net.buses.len(), 1);
    }
}

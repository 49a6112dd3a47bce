//! Reading and writing the network document: JSON in, JSON out, with the path of every
//! offending value, step-by-step upgrades of older documents, and the canonical form.

pub mod canonical;
mod meta_ratings;
mod upgrade;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Issue, Result, Severity};
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
    /// A document of the current version is read straight into the model's types, in one
    /// pass over the text; only older versions (and documents with a problem, to name its
    /// path) go through a JSON tree. [`Network::check_json`] lists every problem at once.
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
        // the common case: a current document, typed directly (the `format` and `version`
        // fields are read on the way and checked after)
        if let Ok(mut net) = serde_json::from_str::<Network>(text)
            && net.format == FORMAT_TAG
            && net.version == FORMAT_VERSION
        {
            net.shrink_to_fit();
            finish_read(&mut net);
            return Ok(net);
        }
        // an older version (upgraded on the tree), a foreign or newer document (refused), or
        // a problem whose JSON path is wanted
        Network::from_value(parse_tree(text)?)
    }

    /// Every problem of a network document at once, each naming its element and field:
    /// the values that cannot be read (code `format_error`: unknown fields, missing fields,
    /// wrong types; one per element or top-level field, for every element) and the
    /// validation findings of the readable rest ([`Network::validate`]). A document that
    /// reads gives exactly [`Network::validate`]'s findings; text that is not JSON, or a
    /// refused version, gives that one problem.
    ///
    /// ```
    /// let issues = ampflux_core::Network::check_json(r#"{"buses": [{"id": "A", "vn_kv": -1},
    ///     {"id": "B"}, {"id": "C", "vn_kv": 20, "colour": 1}]}"#);
    /// let fields: Vec<_> = issues.iter().map(|i| i.field.as_deref().unwrap()).collect();
    /// assert_eq!(fields, ["vn_kv", "colour", "vn_kv"]); // B, C unreadable; A invalid
    /// ```
    pub fn check_json(text: &str) -> Vec<Issue> {
        let error = match Network::from_json(text) {
            Ok(net) => return net.validate(),
            Err(e) => e,
        };
        let document = match parse_tree(text).and_then(upgrade_document) {
            Ok(Value::Object(document)) => document,
            Ok(_) => unreachable!("upgrade_document accepts only objects"),
            Err(e) => return vec![document_issue(&e)],
        };
        let mut problems = Vec::new();
        let mut unreadable = Vec::new();
        let mut readable = Map::new();
        for (key, value) in document {
            match (read_part(&key, value.clone()), value) {
                (Ok(()), value) => {
                    readable.insert(key, value);
                }
                (Err(_), Value::Array(items)) => {
                    let kept = read_items(&key, items, &mut problems, &mut unreadable);
                    readable.insert(key, Value::Array(kept));
                }
                (Err(e), _) => problems.push(document_issue(&e)),
            }
        }
        match from_value_with_path::<Network>(Value::Object(readable), "") {
            Ok(mut net) => {
                finish_read(&mut net);
                problems.extend(net.validate().into_iter().filter(|issue| {
                    // a reference to an element that could not be read only repeats its problem
                    !(issue.code == "dangling_reference"
                        && unreadable
                            .iter()
                            .any(|id| issue.message.contains(&format!("`{id}`"))))
                }));
            }
            // each part reads on its own, so together they do; should they not, the first
            // problem is still named
            Err(e) => problems.push(document_issue(&e)),
        }
        if problems.is_empty() {
            problems.push(document_issue(&error));
        }
        problems
    }

    /// Gives back the spare capacity of the tables (reading grows them by doubling: up to
    /// half of a large table's memory is spare; shrinking a large table is a remap, not a copy).
    fn shrink_to_fit(&mut self) {
        macro_rules! shrink {
            ($($table:ident),*) => {$(self.$table.shrink_to_fit();)*};
        }
        shrink!(
            buses,
            external_grids,
            lines,
            transformers,
            transformers3w,
            generators,
            motors,
            converters,
            impedances,
            switches,
            loads,
            scenarios
        );
    }

    /// Reads a network document from a parsed JSON value (see [`Network::from_json`]).
    pub fn from_value(value: Value) -> Result<Network> {
        let value = upgrade_document(value)?;
        let mut net: Network = from_value_with_path(value, "")?;
        finish_read(&mut net);
        Ok(net)
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
            Table::Shunts => push!(shunts),
            Table::Scenarios => push!(scenarios),
        }
        match table {
            Table::Buses => meta_ratings::adopt_bus(self.buses.last_mut().expect("just pushed")),
            Table::Switches => {
                meta_ratings::adopt_switch(self.switches.last_mut().expect("just pushed"))
            }
            _ => {}
        }
        Ok(())
    }
}

/// The JSON tree of a network document, with the position of a syntax error named once and
/// an empty document called empty.
fn parse_tree(text: &str) -> Result<Value> {
    json_tree(
        text,
        "the document is empty: expected a JSON object with the network's tables \
         (see docs/network-format.md)",
    )
}

/// The JSON tree of `text`: a syntax error names its position once (as the path), an empty
/// text fails with `empty`.
pub(crate) fn json_tree(text: &str, empty: &str) -> Result<Value> {
    if text.trim().is_empty() {
        return Err(Error::Format {
            path: ".".into(),
            message: empty.into(),
        });
    }
    serde_json::from_str(text).map_err(|e| {
        let position = format!(" at line {} column {}", e.line(), e.column());
        let text = e.to_string();
        Error::Format {
            path: position.trim_start_matches(" at ").to_string(),
            message: text.strip_suffix(&position).unwrap_or(&text).to_string(),
        }
    })
}

/// Whether the top-level field `key` reads on its own.
fn read_part(key: &str, value: Value) -> Result<()> {
    let mut part = Map::new();
    part.insert(key.to_string(), value);
    from_value_with_path::<Network>(Value::Object(part), "").map(drop)
}

/// The items of the array `key` that read on its own; a problem for each one that does not.
fn read_items(
    key: &str,
    items: Vec<Value>,
    problems: &mut Vec<Issue>,
    unreadable: &mut Vec<String>,
) -> Vec<Value> {
    let mut kept = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        match read_part(key, Value::Array(vec![item.clone()])) {
            Ok(()) => kept.push(item),
            Err(e) => {
                let id = item.get("id").and_then(Value::as_str).map(str::to_string);
                problems.push(item_issue(key, index, id.as_deref(), &e));
                unreadable.extend(id);
            }
        }
    }
    kept
}

/// A problem of item `index` of the array `key`, named by the item's table, id and field.
fn item_issue(key: &str, index: usize, id: Option<&str>, error: &Error) -> Issue {
    let Error::Format { path, message } = error else {
        return document_issue(error);
    };
    // the path is `key[0]...` (the item was read as the only one of its array)
    let inner = path
        .strip_prefix(&format!("{key}[0]"))
        .unwrap_or(path)
        .trim_start_matches('.');
    let field = match message.strip_prefix("missing field `") {
        Some(rest) if inner.is_empty() => rest.split('`').next().unwrap_or_default(),
        _ => inner,
    };
    let table = Table::from_key(key);
    let (element, field) = match (table, id) {
        (Some(_), Some(id)) => (Some(id.to_string()), field.to_string()),
        _ => (
            None,
            format!(
                "{key}[{index}]{}{field}",
                if field.is_empty() { "" } else { "." }
            ),
        ),
    };
    Issue {
        severity: Severity::Error,
        code: error.code().to_string(),
        table,
        element,
        field: (!field.is_empty()).then_some(field),
        message: message.clone(),
    }
}

/// A problem of the whole document (or of a top-level field) as an [`Issue`].
fn document_issue(error: &Error) -> Issue {
    let (field, message) = match error {
        Error::Format { path, message } => (Some(path.clone()), message.clone()),
        other => (None, other.to_string()),
    };
    Issue {
        severity: Severity::Error,
        code: error.code().to_string(),
        table: None,
        element: None,
        field: field.filter(|f| f != "."),
        message,
    }
}

/// What every reader does to the typed network after parsing (whatever the parser): moves
/// ratings written in `meta` by older tools into the rating fields (see `meta_ratings`).
pub(crate) fn finish_read(net: &mut Network) {
    meta_ratings::adopt(net);
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
    fn syntax_error_names_its_position_once() {
        let err =
            Network::from_json("{\"buses\": [\n  {\"id\": \"A\", \"vn_kv\": 1,}]}").unwrap_err();
        let text = err.to_string();
        assert_eq!(text.matches("line 2").count(), 1, "{text}");
        let Error::Format { path, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(path, "line 2 column 26");
    }

    #[test]
    fn an_empty_document_is_called_empty() {
        for text in ["", "  \n"] {
            let err = Network::from_json(text).unwrap_err();
            assert_eq!(err.code(), "format_error");
            assert!(err.to_string().contains("empty"), "{err}");
            assert!(!err.to_string().contains("EOF"), "{err}");
            let issues = Network::check_json(text);
            assert_eq!(issues.len(), 1);
            assert!(issues[0].message.contains("empty"), "{issues:?}");
        }
    }

    #[test]
    fn check_json_lists_every_problem_with_element_and_field() {
        // a missing field, an unknown field, a wrong type, and a validation error of a
        // readable element: all four, each named; the line referring to the unreadable bus
        // `B` is not reported as dangling
        let issues = Network::check_json(
            r#"{"buses": [{"id": "A", "vn_kv": 20}, {"id": "B"}, {"id": "C", "vn_kv": -1}],
                "lines": [{"id": "L1", "from_bus": "A", "to_bus": "B", "length_km": 1,
                           "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1, "colour": 2},
                          {"id": "L2", "from_bus": "A", "to_bus": "B", "length_km": "far",
                           "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1},
                          {"id": "L3", "from_bus": "A", "to_bus": "B", "length_km": 1,
                           "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}],
                "frequency_hz": "fifty"}"#,
        );
        type Named<'a> = (Option<Table>, Option<&'a str>, Option<&'a str>, &'a str);
        let named: Vec<Named<'_>> = issues
            .iter()
            .map(|i| {
                (
                    i.table,
                    i.element.as_deref(),
                    i.field.as_deref(),
                    i.code.as_str(),
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                (Some(Table::Buses), Some("B"), Some("vn_kv"), "format_error"),
                (None, None, Some("frequency_hz"), "format_error"),
                (
                    Some(Table::Lines),
                    Some("L1"),
                    Some("colour"),
                    "format_error"
                ),
                (
                    Some(Table::Lines),
                    Some("L2"),
                    Some("length_km"),
                    "format_error"
                ),
                (Some(Table::Buses), Some("C"), Some("vn_kv"), "non_positive"),
            ],
            "{issues:#?}"
        );
        // an element without a readable id is named by its path
        let issues = Network::check_json(r#"{"buses": [{"vn_kv": 20}]}"#);
        assert_eq!(
            issues[0].field.as_deref(),
            Some("buses[0].id"),
            "{issues:?}"
        );
        // a readable document gives the validation findings
        let text = r#"{"buses": [{"id": "A", "vn_kv": -1}]}"#;
        assert_eq!(
            Network::check_json(text),
            Network::from_json(text).unwrap().validate()
        );
    }

    #[test]
    fn typed_and_tree_readers_agree() {
        // the direct typed reading of a current document gives what the JSON-tree path gives
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/networks/industrial_plant.json"
        ))
        .unwrap();
        let typed = Network::from_json(&text).unwrap();
        let tree = Network::from_value(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(typed, tree);
        assert_eq!(typed.digest(), tree.digest());
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

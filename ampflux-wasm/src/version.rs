//! Circuit versions: change sets between two networks and their application, owned by the
//! core (`ampflux_core::version`).

use ampflux_core::version::{self, Change, ChangeSet};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::errors::{core_error, guard, input_error};
use crate::json::{from_js, to_js, type_name};
use crate::network::WasmNetwork;

fn change_set_from_js(changes: &JsValue) -> Result<ChangeSet, JsValue> {
    if !changes.is_object() && changes.as_string().is_none() {
        return Err(input_error(format!(
            "a change set must be an object {{changes: [...]}} (as Network.diff returns) or its JSON text, got {}",
            type_name(changes)
        )));
    }
    let value = from_js(changes, "change set")?;
    let text = value.to_string();
    ChangeSet::from_json(&text).map_err(core_error)
}

/// JS has one number type, so a change set that went through JS carries `20` where the
/// document holds `20.0`, and the core (which checks every old value against the network)
/// would refuse it. Each value the core checks (removed elements, old field values, replaced
/// tables) is therefore replaced by the network's own value when the two are equal as
/// numbers. Values that differ are left alone for the core to refuse.
fn align_numbers(changes: &mut ChangeSet, base: &Map<String, Value>) {
    let row = |table: &ampflux_core::Table, id: &str| -> Option<&Value> {
        base.get(table.key())?
            .as_array()?
            .iter()
            .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
    };
    for change in &mut changes.changes {
        match change {
            Change::Document {
                field,
                old: Some(old),
                ..
            } => align(old, base.get(field.as_str())),
            Change::Removed { table, id, element } => align(element, row(table, id)),
            Change::Changed {
                table,
                id,
                field,
                old: Some(old),
                ..
            } => align(old, row(table, id).and_then(|r| r.get(field.as_str()))),
            Change::TableReplaced { table, old, .. } => {
                if let Some(Value::Array(rows)) = base.get(table.key())
                    && old.len() == rows.len()
                    && old.iter().zip(rows).all(|(a, b)| same_numbers(a, b))
                {
                    old.clone_from(rows);
                }
            }
            _ => {}
        }
    }
}

fn align(value: &mut Value, exact: Option<&Value>) {
    if let Some(exact) = exact
        && same_numbers(value, exact)
    {
        value.clone_from(exact);
    }
}

/// Equal as JSON values, with numbers compared by their value (`20` equals `20.0`).
fn same_numbers(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_numbers(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, a)| y.get(k).is_some_and(|b| same_numbers(a, b)))
        }
        _ => a == b,
    }
}

#[wasm_bindgen(js_class = Network)]
impl WasmNetwork {
    /// The changes that turn network `a` into network `b`, keyed by table, element id and
    /// field: `{changes: [{op: "changed", table, id, field, old, new}, ...]}`.
    /// `a.apply(Network.diff(a, b))` equals `b`.
    #[wasm_bindgen(unchecked_return_type = "ChangeSet")]
    pub fn diff(a: &WasmNetwork, b: &WasmNetwork) -> Result<JsValue, JsValue> {
        guard()?;
        to_js(&version::diff(&a.inner, &b.inner))
    }

    /// A new network: this one with `changes` applied (a change set from `Network.diff`,
    /// as an object or JSON text). Throws an `AmpFluxError` with code `conflict` when the
    /// changes do not fit this network, `format_error` when they are malformed.
    pub fn apply(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChangeSet | string")] changes: JsValue,
    ) -> Result<WasmNetwork, JsValue> {
        guard()?;
        let mut changes = change_set_from_js(&changes)?;
        if let Value::Object(base) = self.inner.document_value() {
            align_numbers(&mut changes, &base);
        }
        let inner = version::apply(&self.inner, &changes).map_err(core_error)?;
        Ok(WasmNetwork::new(inner.into()))
    }
}

/// A one-line human-readable summary of a change set (`T1: vk_percent 6.0 -> 6.5; L7
/// removed`; `no changes` when empty).
#[wasm_bindgen(js_name = summarizeChanges)]
pub fn summarize_changes(
    #[wasm_bindgen(unchecked_param_type = "ChangeSet | string")] changes: JsValue,
) -> Result<String, JsValue> {
    guard()?;
    Ok(change_set_from_js(&changes)?.summary())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ampflux_core::Network;

    /// What JS makes of a change set: every integral float written as an integer.
    fn through_js(changes: &ChangeSet) -> ChangeSet {
        fn strip(v: &mut Value) {
            match v {
                Value::Number(n) => {
                    if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15) {
                        *v = Value::from(f as i64);
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(strip),
                Value::Object(map) => map.values_mut().for_each(strip),
                _ => {}
            }
        }
        let mut value = serde_json::to_value(changes).unwrap();
        strip(&mut value);
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn change_sets_with_integral_floats_apply_after_a_trip_through_js() {
        let a = Network::from_json(
            r#"{"name": "a", "meta": {"k": 2.0}, "buses": [{"id": "A", "vn_kv": 20.0},
                {"id": "B", "vn_kv": 20.0}, {"id": "C", "vn_kv": 0.4}]}"#,
        )
        .unwrap();
        let b = Network::from_json(
            r#"{"name": "b", "meta": {"k": 3}, "buses": [{"id": "A", "vn_kv": 21.0},
                {"id": "C", "vn_kv": 0.4}]}"#,
        )
        .unwrap();
        let mut changes = through_js(&version::diff(&a, &b));
        assert!(
            version::apply(&a, &changes).is_err(),
            "the core alone refuses it"
        );
        let Value::Object(base) = a.document_value() else {
            unreachable!()
        };
        align_numbers(&mut changes, &base);
        assert_eq!(version::apply(&a, &changes).unwrap(), b);
    }

    #[test]
    fn different_values_still_conflict() {
        let a = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 20.0}]}"#).unwrap();
        let b = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 21.0}]}"#).unwrap();
        let c = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 22.0}]}"#).unwrap();
        let mut changes = through_js(&version::diff(&b, &c));
        let Value::Object(base) = a.document_value() else {
            unreachable!()
        };
        align_numbers(&mut changes, &base);
        assert_eq!(version::apply(&a, &changes).unwrap_err().code(), "conflict");
    }
}

//! Change sets between two networks, keyed by element id and field: `diff` and `apply`, with
//! `apply(a, &diff(a, b)) == b` for every pair of networks.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::{Network, Table};

/// The document-level fields a change set tracks (`format` and `version` are not content).
pub(crate) const DOCUMENT_FIELDS: [&str; 3] = ["name", "frequency_hz", "meta"];

/// One change between two networks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// A document-level field (`name`, `frequency_hz`, `meta`) changed (`None`: absent).
    Document {
        /// Field name.
        field: String,
        /// Value before.
        old: Option<Value>,
        /// Value after.
        new: Option<Value>,
    },
    /// An element was added (appended to its table).
    Added {
        /// Table.
        table: Table,
        /// Element id.
        id: String,
        /// The element as in the document.
        element: Value,
    },
    /// An element was removed.
    Removed {
        /// Table.
        table: Table,
        /// Element id.
        id: String,
        /// The element as it was.
        element: Value,
    },
    /// A field of an element changed (`None`: absent).
    Changed {
        /// Table.
        table: Table,
        /// Element id.
        id: String,
        /// Field name.
        field: String,
        /// Value before.
        old: Option<Value>,
        /// Value after.
        new: Option<Value>,
    },
    /// The elements of a table were reordered (ids in the new order).
    Reordered {
        /// Table.
        table: Table,
        /// Ids in their new order.
        ids: Vec<String>,
    },
    /// A table whose ids are not unique, replaced as a whole.
    TableReplaced {
        /// Table.
        table: Table,
        /// Rows before.
        old: Vec<Value>,
        /// Rows after.
        new: Vec<Value>,
    },
}

/// The changes that turn one network into another.
///
/// ```
/// use ampflux_core::{Network, version};
/// let a = Network::from_json(r#"{"buses": [{"id": "B1", "vn_kv": 20}, {"id": "B2", "vn_kv": 20}]}"#).unwrap();
/// let mut b = a.clone();
/// b.buses[0].vn_kv = 21.0;
/// b.buses.remove(1);
/// let changes = version::diff(&a, &b);
/// assert_eq!(changes.summary(), "B2 removed; B1: vn_kv 20.0 -> 21.0");
/// assert_eq!(version::apply(&a, &changes).unwrap(), b);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The changes, in a deterministic order (document fields, then tables in document order,
    /// removals, additions and field changes by id).
    pub changes: Vec<Change>,
}

impl ChangeSet {
    /// Whether the two networks were equal.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Number of changes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Reads a change set from JSON.
    pub fn from_json(text: &str) -> Result<ChangeSet> {
        let value = crate::format::json_tree(text, "the change set is empty")?;
        crate::format::from_value_with_path(value, "")
    }

    /// The change set as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("change sets serialize")
    }

    /// A human-readable summary: `T1: vk_percent 6.0 -> 6.5; L7 removed`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no changes".into();
        }
        let show = |v: &Option<Value>| match v {
            None => "(absent)".to_string(),
            Some(Value::String(s)) => format!("'{s}'"),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if n.is_f64() && f == f.trunc() && f.abs() < 1e15 => format!("{f:.1}"),
                _ => n.to_string(),
            },
            Some(other) => other.to_string(),
        };
        // group field changes of one element: "T1: a x -> y, b u -> v"
        let mut parts: Vec<String> = Vec::new();
        let mut last_id: Option<(Table, String)> = None;
        for c in &self.changes {
            match c {
                Change::Changed {
                    table,
                    id,
                    field,
                    old,
                    new,
                } => {
                    let item = format!("{field} {} -> {}", show(old), show(new));
                    if last_id.as_ref() == Some(&(*table, id.clone())) {
                        let tail = parts.last_mut().expect("a part for this element");
                        tail.push_str(", ");
                        tail.push_str(&item);
                    } else {
                        parts.push(format!("{id}: {item}"));
                        last_id = Some((*table, id.clone()));
                    }
                    continue;
                }
                Change::Document { field, old, new } => {
                    parts.push(format!("{field}: {} -> {}", show(old), show(new)))
                }
                Change::Added { id, .. } => parts.push(format!("{id} added")),
                Change::Removed { id, .. } => parts.push(format!("{id} removed")),
                Change::Reordered { table, .. } => parts.push(format!("{table} reordered")),
                Change::TableReplaced { table, new, .. } => {
                    parts.push(format!("{table} replaced ({} rows)", new.len()))
                }
            }
            last_id = None;
        }
        parts.join("; ")
    }
}

/// The document of a network as a JSON object.
pub(crate) fn doc_of(net: &Network) -> Map<String, Value> {
    match net.document_value() {
        Value::Object(m) => m,
        _ => unreachable!("a network serializes to an object"),
    }
}

fn id_of(row: &Value) -> String {
    row.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// An element of a table, keyed by its id.
trait Element: Serialize + PartialEq {
    fn element_id(&self) -> &str;
}

macro_rules! elements {
    ($($t:ty),*) => {$(
        impl Element for $t {
            fn element_id(&self) -> &str {
                &self.id
            }
        }
    )*};
}

elements!(
    crate::model::Bus,
    crate::model::ExternalGrid,
    crate::model::Line,
    crate::model::Transformer,
    crate::model::Transformer3w,
    crate::model::Generator,
    crate::model::Motor,
    crate::model::Converter,
    crate::model::Impedance,
    crate::model::Switch,
    crate::model::Load,
    crate::model::Shunt,
    crate::model::Scenario
);

fn value_of<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("model values serialize")
}

/// The changes that turn `base` into `new`.
pub fn diff(base: &Network, new: &Network) -> ChangeSet {
    let mut changes = Vec::new();
    let doc = |old: Value, now: Value, field: &str, changes: &mut Vec<Change>| {
        let none = |v: Value| (!v.is_null()).then_some(v);
        let (old, now) = (none(old), none(now));
        if old != now {
            changes.push(Change::Document {
                field: field.into(),
                old,
                new: now,
            });
        }
    };
    if base.name != new.name {
        doc(
            value_of(&base.name),
            value_of(&new.name),
            "name",
            &mut changes,
        );
    }
    if base.frequency_hz != new.frequency_hz {
        doc(
            value_of(&base.frequency_hz),
            value_of(&new.frequency_hz),
            "frequency_hz",
            &mut changes,
        );
    }
    if base.meta != new.meta {
        doc(
            value_of(&base.meta),
            value_of(&new.meta),
            "meta",
            &mut changes,
        );
    }
    table_diff(Table::Buses, &base.buses, &new.buses, &mut changes);
    table_diff(
        Table::ExternalGrids,
        &base.external_grids,
        &new.external_grids,
        &mut changes,
    );
    table_diff(Table::Lines, &base.lines, &new.lines, &mut changes);
    table_diff(
        Table::Transformers,
        &base.transformers,
        &new.transformers,
        &mut changes,
    );
    table_diff(
        Table::Transformers3w,
        &base.transformers3w,
        &new.transformers3w,
        &mut changes,
    );
    table_diff(
        Table::Generators,
        &base.generators,
        &new.generators,
        &mut changes,
    );
    table_diff(Table::Motors, &base.motors, &new.motors, &mut changes);
    table_diff(
        Table::Converters,
        &base.converters,
        &new.converters,
        &mut changes,
    );
    table_diff(
        Table::Impedances,
        &base.impedances,
        &new.impedances,
        &mut changes,
    );
    table_diff(Table::Switches, &base.switches, &new.switches, &mut changes);
    table_diff(Table::Loads, &base.loads, &new.loads, &mut changes);
    table_diff(Table::Shunts, &base.shunts, &new.shunts, &mut changes);
    table_diff(
        Table::Scenarios,
        &base.scenarios,
        &new.scenarios,
        &mut changes,
    );
    ChangeSet { changes }
}

fn table_diff<T: Element>(table: Table, old: &[T], new: &[T], changes: &mut Vec<Change>) {
    if old == new {
        return;
    }
    let unique = |rows: &[T]| {
        let mut seen = std::collections::HashSet::with_capacity(rows.len());
        rows.iter().all(|r| seen.insert(r.element_id()))
    };
    if !unique(old) || !unique(new) {
        changes.push(Change::TableReplaced {
            table,
            old: old.iter().map(value_of).collect(),
            new: new.iter().map(value_of).collect(),
        });
        return;
    }
    let old_by_id: BTreeMap<&str, &T> = old.iter().map(|r| (r.element_id(), r)).collect();
    let new_by_id: BTreeMap<&str, &T> = new.iter().map(|r| (r.element_id(), r)).collect();
    for (id, row) in &old_by_id {
        if !new_by_id.contains_key(id) {
            changes.push(Change::Removed {
                table,
                id: id.to_string(),
                element: value_of(*row),
            });
        }
    }
    // additions in the new document's order, so that appending reproduces it
    for row in new {
        if !old_by_id.contains_key(row.element_id()) {
            changes.push(Change::Added {
                table,
                id: row.element_id().to_string(),
                element: value_of(row),
            });
        }
    }
    for (id, new_row) in &new_by_id {
        let Some(old_row) = old_by_id.get(id) else {
            continue;
        };
        if old_row == new_row {
            continue;
        }
        let (Value::Object(o), Value::Object(n)) = (value_of(*old_row), value_of(*new_row)) else {
            continue;
        };
        let fields: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for field in fields {
            let (before, after) = (o.get(field), n.get(field));
            if before != after {
                changes.push(Change::Changed {
                    table,
                    id: id.to_string(),
                    field: field.clone(),
                    old: before.cloned(),
                    new: after.cloned(),
                });
            }
        }
    }
    // order: what removing in place and appending additions gives, against the new order
    let natural: Vec<&str> = old
        .iter()
        .map(Element::element_id)
        .filter(|id| new_by_id.contains_key(id))
        .chain(
            new.iter()
                .map(Element::element_id)
                .filter(|id| !old_by_id.contains_key(id)),
        )
        .collect();
    let wanted: Vec<&str> = new.iter().map(Element::element_id).collect();
    if natural != wanted {
        changes.push(Change::Reordered {
            table,
            ids: wanted.into_iter().map(str::to_string).collect(),
        });
    }
}

fn conflict(message: String) -> Error {
    Error::Conflict(message)
}

/// Applies `changes` to `base`. Every change is checked against the base (the old value must
/// match), so a change set made for another network is refused with [`Error::Conflict`].
pub fn apply(base: &Network, changes: &ChangeSet) -> Result<Network> {
    let mut doc = doc_of(base);
    for change in &changes.changes {
        apply_one(&mut doc, change)?;
    }
    Network::from_value(Value::Object(doc))
}

/// Applies one change to a document, checking its precondition.
pub(crate) fn apply_one(doc: &mut Map<String, Value>, change: &Change) -> Result<()> {
    match change {
        Change::Document { field, old, new } => {
            if !DOCUMENT_FIELDS.contains(&field.as_str()) {
                return Err(conflict(format!("`{field}` is not a document field")));
            }
            if doc.get(field) != old.as_ref() {
                return Err(conflict(format!(
                    "document field `{field}` is {:?}, the change expects {:?}",
                    doc.get(field),
                    old
                )));
            }
            set_field(doc, field, new.clone());
        }
        Change::Added { table, id, element } => {
            let rows = table_rows(doc, *table);
            if rows.iter().any(|r| &id_of(r) == id) {
                return Err(conflict(format!("{table} `{id}` already exists")));
            }
            if id_of(element) != *id {
                return Err(conflict(format!("added element's id is not `{id}`")));
            }
            rows.push(element.clone());
        }
        Change::Removed { table, id, element } => {
            let rows = table_rows(doc, *table);
            let pos = rows
                .iter()
                .position(|r| &id_of(r) == id)
                .ok_or_else(|| conflict(format!("{table} `{id}` to remove does not exist")))?;
            if &rows[pos] != element {
                return Err(conflict(format!(
                    "{table} `{id}` differs from the removed element"
                )));
            }
            rows.remove(pos);
        }
        Change::Changed {
            table,
            id,
            field,
            old,
            new,
        } => {
            let rows = table_rows(doc, *table);
            let row = rows
                .iter_mut()
                .find(|r| &id_of(r) == id)
                .ok_or_else(|| conflict(format!("{table} `{id}` does not exist")))?;
            let obj = row
                .as_object_mut()
                .ok_or_else(|| conflict(format!("{table} `{id}` is not an object")))?;
            if field == "id" {
                return Err(conflict("element ids are keys and cannot change".into()));
            }
            if obj.get(field) != old.as_ref() {
                return Err(conflict(format!(
                    "{table} `{id}`.{field} is {}, the change expects {}",
                    obj.get(field).map_or("absent".into(), Value::to_string),
                    old.as_ref().map_or("absent".into(), Value::to_string)
                )));
            }
            set_field(obj, field, new.clone());
        }
        Change::Reordered { table, ids } => {
            let rows = table_rows(doc, *table);
            let current: BTreeSet<String> = rows.iter().map(id_of).collect();
            let wanted: BTreeSet<String> = ids.iter().cloned().collect();
            if current != wanted || ids.len() != rows.len() {
                return Err(conflict(format!(
                    "{table}: the new order does not name the same elements"
                )));
            }
            let mut by_id: BTreeMap<String, Value> =
                rows.drain(..).map(|r| (id_of(&r), r)).collect();
            for id in ids {
                rows.push(by_id.remove(id).expect("checked above"));
            }
        }
        Change::TableReplaced { table, old, new } => {
            let rows = table_rows(doc, *table);
            if rows != old {
                return Err(conflict(format!("{table} differs from the replaced table")));
            }
            *rows = new.clone();
        }
    }
    Ok(())
}

fn set_field(obj: &mut Map<String, Value>, field: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            obj.insert(field.to_string(), v);
        }
        None => {
            obj.remove(field);
        }
    }
}

fn table_rows(doc: &mut Map<String, Value>, table: Table) -> &mut Vec<Value> {
    let entry = doc
        .entry(table.key().to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    entry.as_array_mut().expect("just made an array")
}

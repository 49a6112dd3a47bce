//! Three-way merge of two branches from a common ancestor, field by field.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::changes::{Change, ChangeSet, apply_one, diff, doc_of};
use crate::error::Result;
use crate::model::{Network, Table};

/// A field changed differently on both branches (or an element removed on one branch and
/// changed on the other).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// Table (absent for document fields).
    pub table: Option<Table>,
    /// Element id (absent for document fields).
    pub id: Option<String>,
    /// Field (`*` for the element as a whole).
    pub field: String,
    /// Value in the common ancestor.
    pub base: Option<Value>,
    /// Value on our branch.
    pub ours: Option<Value>,
    /// Value on their branch.
    pub theirs: Option<Value>,
}

/// The result of a three-way merge.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeOutcome {
    /// Our network with every non-conflicting change of theirs applied (conflicting fields
    /// keep our value).
    pub network: Network,
    /// Fields changed differently on both branches.
    pub conflicts: Vec<Conflict>,
    /// Their changes that were applied on top of ours.
    pub applied: ChangeSet,
}

/// What a change touches: the document field, the element as a whole, or one field.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Document(String),
    Element(Table, String),
    Field(Table, String, String),
    Order(Table),
    Table(Table),
}

fn keys(c: &Change) -> Vec<Key> {
    match c {
        Change::Document { field, .. } => vec![Key::Document(field.clone())],
        Change::Added { table, id, .. } | Change::Removed { table, id, .. } => {
            vec![Key::Element(*table, id.clone())]
        }
        Change::Changed {
            table, id, field, ..
        } => vec![
            Key::Field(*table, id.clone(), field.clone()),
            Key::Element(*table, id.clone()),
        ],
        Change::Reordered { table, .. } => vec![Key::Order(*table)],
        Change::TableReplaced { table, .. } => vec![Key::Table(*table)],
    }
}

fn table_of(c: &Change) -> Option<Table> {
    match c {
        Change::Document { .. } => None,
        Change::Added { table, .. }
        | Change::Removed { table, .. }
        | Change::Changed { table, .. }
        | Change::Reordered { table, .. }
        | Change::TableReplaced { table, .. } => Some(*table),
    }
}

/// Merges `theirs` into `ours`, both derived from `base`: changes on disjoint fields combine;
/// a field changed to different values on both sides is a [`Conflict`] (ours is kept); equal
/// changes on both sides are taken once.
///
/// ```
/// use ampflux_core::{Network, version};
/// let base = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 20}, {"id": "B", "vn_kv": 20}]}"#).unwrap();
/// let mut ours = base.clone();
/// ours.buses[0].vn_kv = 21.0;
/// let mut theirs = base.clone();
/// theirs.buses[1].name = Some("spare".into());
/// let m = version::merge(&base, &ours, &theirs).unwrap();
/// assert!(m.conflicts.is_empty());
/// assert_eq!(m.network.buses[0].vn_kv, 21.0);
/// assert_eq!(m.network.buses[1].name.as_deref(), Some("spare"));
/// ```
pub fn merge(base: &Network, ours: &Network, theirs: &Network) -> Result<MergeOutcome> {
    let mine = diff(base, ours);
    let other = diff(base, theirs);
    let mut my_keys: BTreeMap<Key, &Change> = BTreeMap::new();
    for c in &mine.changes {
        for k in keys(c) {
            my_keys.insert(k, c);
        }
    }
    let replaced: BTreeSet<Table> = mine
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::TableReplaced { table, .. } => Some(*table),
            _ => None,
        })
        .collect();
    let mut doc = doc_of(ours);
    let mut conflicts = Vec::new();
    let mut applied = Vec::new();
    for c in &other.changes {
        if mine.changes.contains(c) {
            continue; // the same change on both branches
        }
        if let Some(conflict) = conflict_with(c, &my_keys, &replaced) {
            conflicts.push(conflict);
            continue;
        }
        match c {
            // their new order only applies if it still names our elements
            Change::Reordered { .. } => {
                if apply_one(&mut doc, c).is_ok() {
                    applied.push(c.clone());
                }
            }
            _ => match apply_one(&mut doc, c) {
                Ok(()) => applied.push(c.clone()),
                Err(e) => conflicts.push(Conflict {
                    table: table_of(c),
                    id: None,
                    field: "*".into(),
                    base: None,
                    ours: None,
                    theirs: Some(Value::String(e.to_string())),
                }),
            },
        }
    }
    let network = Network::from_value(Value::Object(doc))?;
    Ok(MergeOutcome {
        network,
        conflicts,
        applied: ChangeSet { changes: applied },
    })
}

fn conflict_with(
    c: &Change,
    mine: &BTreeMap<Key, &Change>,
    replaced: &BTreeSet<Table>,
) -> Option<Conflict> {
    if let Some(t) = table_of(c)
        && replaced.contains(&t)
    {
        return Some(Conflict {
            table: Some(t),
            id: None,
            field: "*".into(),
            base: None,
            ours: None,
            theirs: None,
        });
    }
    match c {
        Change::Document { field, old, new } => match mine.get(&Key::Document(field.clone())) {
            Some(Change::Document { new: ours, .. }) if ours != new => Some(Conflict {
                table: None,
                id: None,
                field: field.clone(),
                base: old.clone(),
                ours: ours.clone(),
                theirs: new.clone(),
            }),
            _ => None,
        },
        Change::Changed {
            table,
            id,
            field,
            old,
            new,
        } => {
            if let Some(Change::Changed { new: ours, .. }) =
                mine.get(&Key::Field(*table, id.clone(), field.clone()))
            {
                return (ours != new).then(|| Conflict {
                    table: Some(*table),
                    id: Some(id.clone()),
                    field: field.clone(),
                    base: old.clone(),
                    ours: ours.clone(),
                    theirs: new.clone(),
                });
            }
            match mine.get(&Key::Element(*table, id.clone())) {
                Some(Change::Removed { .. }) => Some(Conflict {
                    table: Some(*table),
                    id: Some(id.clone()),
                    field: field.clone(),
                    base: old.clone(),
                    ours: None,
                    theirs: new.clone(),
                }),
                _ => None,
            }
        }
        Change::Removed { table, id, element } => {
            // removed by them but changed (or re-added differently) by us
            match mine.get(&Key::Element(*table, id.clone())) {
                Some(Change::Changed { .. }) | Some(Change::Added { .. }) => Some(Conflict {
                    table: Some(*table),
                    id: Some(id.clone()),
                    field: "*".into(),
                    base: Some(element.clone()),
                    ours: Some(Value::String("changed".into())),
                    theirs: None,
                }),
                _ => None,
            }
        }
        Change::Added { table, id, element } => match mine.get(&Key::Element(*table, id.clone())) {
            Some(Change::Added { element: ours, .. }) if ours != element => Some(Conflict {
                table: Some(*table),
                id: Some(id.clone()),
                field: "*".into(),
                base: None,
                ours: Some(ours.clone()),
                theirs: Some(element.clone()),
            }),
            _ => None,
        },
        Change::Reordered { .. } | Change::TableReplaced { .. } => None,
    }
}

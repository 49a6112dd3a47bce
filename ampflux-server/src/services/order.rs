//! The document's element order. A circuit is stored canonical (every table sorted by id, so
//! equal content has one digest and one stored document), but an engineer reads results in
//! the order they wrote the network: the core reports every row table (bus, branch and
//! voltage rows, partial currents, duty checks, arc-flash rows) in the order of the network's
//! tables. So a version keeps the order of its document's tables, and a study runs on the
//! canonical network put back into that order: its rows come exactly as a local study of
//! the same document gives them, whatever the study kind.

use std::collections::{BTreeMap, HashMap};

use ampflux_core::Network;
use sha2::{Digest, Sha256};

use crate::auth::tokens;

/// Calls `$m!(table)` for every table of [`Network`] whose elements have an `id`: the
/// tables whose order an [`ElementOrder`] keeps (a table added to the core and missing here
/// keeps the canonical order in results).
macro_rules! tables {
    ($m:ident) => {
        $m!(buses);
        $m!(external_grids);
        $m!(lines);
        $m!(transformers);
        $m!(transformers3w);
        $m!(generators);
        $m!(motors);
        $m!(converters);
        $m!(impedances);
        $m!(switches);
        $m!(loads);
        $m!(shunts);
        $m!(protective_devices);
        $m!(scenarios);
    };
}

/// The element ids of the tables of a document whose order is not the canonical (sorted)
/// one, by table name, in the document's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElementOrder(BTreeMap<String, Vec<String>>);

impl ElementOrder {
    /// The order of `net`'s tables, or `None` when every table is sorted by id (the order of
    /// the stored document).
    pub fn of(net: &Network) -> Option<ElementOrder> {
        let mut tables = BTreeMap::new();
        macro_rules! keep {
            ($table:ident) => {
                if !net.$table.is_sorted_by(|a, b| a.id <= b.id) {
                    let ids = net.$table.iter().map(|e| e.id.clone()).collect();
                    tables.insert(stringify!($table).to_string(), ids);
                }
            };
        }
        tables!(keep);
        (!tables.is_empty()).then_some(ElementOrder(tables))
    }

    /// The order as stored: a JSON object `{table: [ids]}` (tables in name order, so one
    /// order has one text and one digest).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).expect("maps of strings serialize")
    }

    /// Reads an order stored by [`ElementOrder::to_json`].
    pub fn from_json(text: &str) -> Result<ElementOrder, serde_json::Error> {
        serde_json::from_str(text).map(ElementOrder)
    }

    /// The bus ids in the document's order, when they are not in canonical order.
    pub fn buses(&self) -> Option<&[String]> {
        self.0.get("buses").map(Vec::as_slice)
    }

    /// Puts the tables of `net` (read from the canonical document) into this order.
    /// Elements the order does not name keep their relative order, after those it names.
    pub fn apply(&self, net: &mut Network) {
        macro_rules! reorder {
            ($table:ident) => {
                if let Some(ids) = self.0.get(stringify!($table)) {
                    let position: HashMap<&str, usize> = ids
                        .iter()
                        .enumerate()
                        .map(|(i, id)| (id.as_str(), i))
                        .collect();
                    net.$table.sort_by_cached_key(|e| {
                        position.get(e.id.as_str()).copied().unwrap_or(usize::MAX)
                    });
                }
            };
        }
        tables!(reorder);
    }
}

/// SHA-256 of an order's JSON text, as 64 lowercase hex digits: its key in storage and in
/// the cache key of a study.
pub fn digest(order_json: &str) -> String {
    tokens::hex(&Sha256::digest(order_json.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> Network {
        Network::from_value(serde_json::json!({
            "buses": [{"id": "Q", "vn_kv": 20}, {"id": "B10", "vn_kv": 0.4}, {"id": "B9", "vn_kv": 0.4}],
            "external_grids": [{"id": "Grid", "bus": "Q", "s_sc_max_mva": 500, "rx_max": 0.1}],
            "transformers": [
                {"id": "T2", "hv_bus": "Q", "lv_bus": "B9", "sn_mva": 0.63, "vn_hv_kv": 20,
                 "vn_lv_kv": 0.4, "vk_percent": 6, "vkr_percent": 1},
                {"id": "T1", "hv_bus": "Q", "lv_bus": "B10", "sn_mva": 0.63, "vn_hv_kv": 20,
                 "vn_lv_kv": 0.4, "vk_percent": 6, "vkr_percent": 1}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn the_canonical_network_put_back_in_the_document_order() {
        let written = network();
        let order = ElementOrder::of(&written).unwrap();
        // only the tables out of canonical order are kept
        assert_eq!(
            order.to_json(),
            r#"{"buses":["Q","B10","B9"],"transformers":["T2","T1"]}"#
        );
        assert_eq!(ElementOrder::from_json(&order.to_json()).unwrap(), order);
        let mut stored = Network::from_json(&written.canonical_json()).unwrap();
        assert_eq!(stored.buses[0].id, "B10");
        order.apply(&mut stored);
        assert_eq!(stored, written);
        assert_eq!(digest(&order.to_json()).len(), 64);
    }

    #[test]
    fn a_sorted_document_has_no_order() {
        let sorted = Network::from_json(&network().canonical_json()).unwrap();
        assert_eq!(ElementOrder::of(&sorted), None);
    }
}

//! Ratings written in `meta` before the format had rating fields, moved into the fields.
//!
//! Before the equipment duty study, the server's rule-based review read ratings from the
//! free-form `meta` object of buses and switches (in kA). Reading a document moves every such
//! key whose value is a positive finite number into the typed field, when that field is still
//! empty:
//!
//! | element | `meta` key | field |
//! |---|---|---|
//! | bus | `icw_ka` | `ratings.icw_ka`, with `ratings.icw_duration_s` = 1 s when absent (the review compared it with I_th for T_k = 1 s; 1 s is the preferred rated duration of IEC 62271-1:2017 §5.8) |
//! | bus | `ipk_ka` | `ratings.ipk_ka` |
//! | switch | `isc_ka`, else `icu_ka` | `ratings.breaking_ka`; the switch becomes a `breaker` when its `kind` is the default |
//! | switch | `ima_ka`, else `icm_ka` | `ratings.making_ka` |
//!
//! A key whose field is already set, or whose value is not a positive number, stays in `meta`
//! untouched, so nothing stored is lost. A `meta` left empty is removed. The move happens on
//! the typed network after parsing, so it applies however the document was read; the
//! canonical form, and so the digest, of a document with such keys is that of the moved form.

use serde_json::Value;

use crate::model::{Bus, Meta, Network, Switch, SwitchKind, SwitchRatings};

/// The rated duration given to a bus `icw_ka` moved from `meta` (IEC 62271-1:2017 §5.8).
const LEGACY_ICW_DURATION_S: f64 = 1.0;

/// Moves the `meta` ratings of every bus and switch of `net` into their fields.
pub(crate) fn adopt(net: &mut Network) {
    for bus in &mut net.buses {
        adopt_bus(bus);
    }
    for switch in &mut net.switches {
        adopt_switch(switch);
    }
}

/// Takes `key` out of `meta` when it holds a positive finite number.
fn take(meta: &mut Option<Meta>, key: &str) -> Option<f64> {
    let map = meta.as_mut()?;
    let v = map.get(key).and_then(Value::as_f64)?;
    if !(v.is_finite() && v > 0.0) {
        return None;
    }
    map.remove(key);
    Some(v)
}

/// Takes the first of `keys` that holds a positive number (the others stay).
fn take_first(meta: &mut Option<Meta>, keys: &[&str]) -> Option<f64> {
    keys.iter().find_map(|k| take(meta, k))
}

fn drop_empty(meta: &mut Option<Meta>) {
    if meta.as_ref().is_some_and(|m| m.is_empty()) {
        *meta = None;
    }
}

/// Moves `icw_ka` and `ipk_ka` of a bus's `meta` into `ratings`.
pub(crate) fn adopt_bus(bus: &mut Bus) {
    if bus.meta.is_none() {
        return;
    }
    let mut r = bus.ratings.clone().unwrap_or_default();
    let before = bus.meta.clone();
    if r.icw_ka.is_none()
        && let Some(v) = take(&mut bus.meta, "icw_ka")
    {
        r.icw_ka = Some(v);
        r.icw_duration_s.get_or_insert(LEGACY_ICW_DURATION_S);
    }
    if r.ipk_ka.is_none()
        && let Some(v) = take(&mut bus.meta, "ipk_ka")
    {
        r.ipk_ka = Some(v);
    }
    if bus.meta != before {
        bus.ratings = Some(r);
        drop_empty(&mut bus.meta);
    }
}

/// Moves `isc_ka`/`icu_ka` and `ima_ka`/`icm_ka` of a switch's `meta` into `ratings`.
pub(crate) fn adopt_switch(switch: &mut Switch) {
    if switch.meta.is_none() {
        return;
    }
    let mut r: SwitchRatings = switch.ratings.clone().unwrap_or_default();
    let before = switch.meta.clone();
    if r.breaking_ka.is_none()
        && let Some(v) = take_first(&mut switch.meta, &["isc_ka", "icu_ka"])
    {
        r.breaking_ka = Some(v);
        if switch.kind == SwitchKind::default() {
            switch.kind = SwitchKind::Breaker;
        }
    }
    if r.making_ka.is_none()
        && let Some(v) = take_first(&mut switch.meta, &["ima_ka", "icm_ka"])
    {
        r.making_ka = Some(v);
    }
    if switch.meta != before {
        switch.ratings = Some(r);
        drop_empty(&mut switch.meta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_ratings_move_into_the_fields() {
        let net = Network::from_json(
            r#"{"buses": [{"id": "A", "vn_kv": 0.4, "meta": {"icw_ka": 50, "ipk_ka": 105}},
                          {"id": "B", "vn_kv": 0.4, "meta": {"icw_ka": -1, "note": "x"}},
                          {"id": "C", "vn_kv": 0.4, "ratings": {"icw_ka": 40, "icw_duration_s": 3},
                           "meta": {"icw_ka": 50}}],
                "switches": [{"id": "S", "bus": "A", "element": "B", "closed": true,
                              "meta": {"icu_ka": 36, "isc_ka": 40, "icm_ka": 75.6}},
                             {"id": "F", "bus": "A", "element": "C", "closed": true,
                              "kind": "fuse", "meta": {"isc_ka": 50}}]}"#,
        )
        .unwrap();
        let a = &net.buses[0];
        let r = a.ratings.as_ref().unwrap();
        assert_eq!(
            (r.icw_ka, r.icw_duration_s, r.ipk_ka),
            (Some(50.0), Some(1.0), Some(105.0))
        );
        assert_eq!(a.meta, None);
        // a value that is not a positive number stays in meta, untouched
        let b = &net.buses[1];
        assert_eq!(b.ratings, None);
        assert_eq!(b.meta.as_ref().unwrap()["icw_ka"], -1);
        // a field that is set wins; the meta key stays
        let c = &net.buses[2];
        assert_eq!(c.ratings.as_ref().unwrap().icw_ka, Some(40.0));
        assert_eq!(c.meta.as_ref().unwrap()["icw_ka"], 50);
        // isc_ka before icu_ka; the switch becomes a breaker; icu_ka stays
        let s = &net.switches[0];
        assert_eq!(s.kind, SwitchKind::Breaker);
        let r = s.ratings.as_ref().unwrap();
        assert_eq!((r.breaking_ka, r.making_ka), (Some(40.0), Some(75.6)));
        assert_eq!(
            s.meta.as_ref().unwrap().keys().collect::<Vec<_>>(),
            ["icu_ka"]
        );
        // an explicit kind is kept
        assert_eq!(net.switches[1].kind, SwitchKind::Fuse);
        // the moved form is what is written, and reads back unchanged
        let back = Network::from_json(&net.to_json()).unwrap();
        assert_eq!(back, net);
    }
}

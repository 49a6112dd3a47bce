// The invariants the fuzz targets check, shared word for word with the regression test
// `ampflux-core/tests/fuzz_regressions.rs`, which includes this file with `include!`. It
// depends on nothing but `ampflux_core`, `serde_json` and `std`, and every check returns
// `Err(description)` on a violation (a panic inside ampflux-core propagates as a panic).
//
// The JSON forms read here (`*_text`) are also the forms of the minimized inputs saved under
// `ampflux-core/tests/data/fuzz/<target>-<description>.json`:
// - reader:   any text, read by `Network::from_json`;
// - study:    `{"network": {...}, "options": {...}}`, or a bare network document (then every
//             fault type in the maximum and the minimum case is run);
// - versions: `[a, b]` or `[a, b, c]` network documents (`c` defaults to `a`), or one document
//             `a` (then `b` is the empty network);
// - upgrade:  a JSON document, read with `"version": 0` forced.

use ampflux_core::version::{self, ChangeSet, History};
use ampflux_core::{BusStatus, Case, FaultKind, Network, StudyOptions, StudyReport, short_circuit};
use serde_json::{Map, Value};

/// `Ok(())` or the description of the violated invariant.
pub type Check = Result<(), String>;

/// Every fault type, in option order.
pub const FAULTS: [FaultKind; 4] = [
    FaultKind::ThreePhase,
    FaultKind::LineToLine,
    FaultKind::LineToEarth,
    FaultKind::DoubleLineToEarth,
];

// ---------------------------------------------------------------------------------------
// reader
// ---------------------------------------------------------------------------------------

/// reader: whatever `Network::from_json` accepts validates without panicking, writes JSON
/// that reads back equal, keeps its digest, and has a canonical form that reads back to the
/// same network (tables sorted by id, `meta` numbers normalised) and is a fixed point.
pub fn reader(text: &str) -> Check {
    match Network::from_json(text) {
        Ok(net) => network_round_trips(&net),
        Err(_) => Ok(()),
    }
}

/// The round-trip invariants of one network (see [`reader`]).
pub fn network_round_trips(net: &Network) -> Check {
    let _ = net.validate();
    let digest = net.digest();
    for (writer, json) in [
        ("to_json", net.to_json()),
        ("to_json_compact", net.to_json_compact()),
    ] {
        let back = Network::from_json(&json)
            .map_err(|e| format!("{writer}() output does not read back: {e}\n{json}"))?;
        if &back != net {
            return Err(format!(
                "{writer}() round trip changes the network: {}",
                first_difference(&net.document_value(), &back.document_value())
            ));
        }
        if back.digest() != digest {
            return Err(format!(
                "digest changes over the {writer}() round trip: {digest} vs {}\n{}\n{}",
                back.digest(),
                net.canonical_json(),
                back.canonical_json()
            ));
        }
    }
    let canonical = net.canonical_json();
    let read = Network::from_json(&canonical)
        .map_err(|e| format!("canonical_json() does not read back: {e}\n{canonical}"))?;
    let expected = canonical_model(net);
    if read != expected {
        return Err(format!(
            "canonical_json() reads back to another network: {}",
            first_difference(&expected.document_value(), &read.document_value())
        ));
    }
    let again = read.canonical_json();
    if again != canonical {
        return Err(format!(
            "canonical_json() is not a fixed point:\n{canonical}\n{again}"
        ));
    }
    Ok(())
}

/// What the canonical form of `net` reads back as: every table sorted by id (stably), `meta`
/// numbers normalised (integral values below 2^53 as integers), current format and version.
pub fn canonical_model(net: &Network) -> Network {
    fn norm(meta: &mut Option<Map<String, Value>>) {
        if let Some(m) = meta {
            for v in m.values_mut() {
                normalise_number(v);
            }
        }
    }
    macro_rules! sort_norm {
        ($rows:expr) => {{
            $rows.sort_by(|a, b| a.id.cmp(&b.id));
            for row in $rows.iter_mut() {
                norm(&mut row.meta);
            }
        }};
    }
    let mut n = net.clone();
    n.format = "ampflux-network".into();
    n.version = 1;
    norm(&mut n.meta);
    sort_norm!(n.buses);
    sort_norm!(n.external_grids);
    sort_norm!(n.lines);
    sort_norm!(n.transformers);
    sort_norm!(n.transformers3w);
    sort_norm!(n.generators);
    sort_norm!(n.motors);
    sort_norm!(n.converters);
    sort_norm!(n.impedances);
    sort_norm!(n.switches);
    sort_norm!(n.loads);
    n
}

/// The documented normalisation of `meta` numbers in the canonical form (`1.0` and `1` are
/// the same number).
fn normalise_number(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            if f == f.trunc() && f.abs() < 9.007_199_254_740_992e15 {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_number),
        Value::Object(m) => m.values_mut().for_each(normalise_number),
        _ => {}
    }
}

/// The path and the two values of the first difference between two JSON values.
pub fn first_difference(a: &Value, b: &Value) -> String {
    fn walk(a: &Value, b: &Value, path: &mut String) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    match (x.get(k), y.get(k)) {
                        (Some(u), Some(v)) => {
                            if let Some(d) = walk(u, v, path) {
                                return Some(d);
                            }
                        }
                        (u, v) => return Some(format!("at {path}: {u:?} vs {v:?}")),
                    }
                    path.truncate(len);
                }
                None
            }
            (Value::Array(x), Value::Array(y)) => {
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    if let Some(d) = walk(u, v, path) {
                        return Some(d);
                    }
                    path.truncate(len);
                }
                (x.len() != y.len()).then(|| format!("at {path}: {} vs {} rows", x.len(), y.len()))
            }
            (u, v) => (u != v).then(|| format!("at {path}: {u} vs {v}")),
        }
    }
    walk(a, b, &mut String::new()).unwrap_or_else(|| {
        "no difference in the JSON documents (a difference JSON does not show, e.g. the \
         representation of a meta number)"
            .into()
    })
}

// ---------------------------------------------------------------------------------------
// study
// ---------------------------------------------------------------------------------------

/// study (JSON form): a `{"network", "options"}` case or a bare network document.
pub fn study_text(text: &str) -> Check {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Ok(());
    };
    match value {
        Value::Object(mut m) if m.contains_key("network") => {
            let Ok(net) = Network::from_value(m.remove("network").unwrap_or(Value::Null)) else {
                return Ok(());
            };
            let options = match m.remove("options") {
                None | Some(Value::Null) => StudyOptions::default(),
                Some(o) => match StudyOptions::from_value(o) {
                    Ok(o) => o,
                    Err(_) => return Ok(()),
                },
            };
            study(&net, &options)
        }
        other => {
            let Ok(net) = Network::from_value(other) else {
                return Ok(());
            };
            for case in [Case::Max, Case::Min] {
                for fault in FAULTS {
                    let options = StudyOptions {
                        fault,
                        case,
                        ..StudyOptions::default()
                    };
                    study(&net, &options)?;
                }
            }
            Ok(())
        }
    }
}

/// study: a study either fails with an error or returns results that are finite where the
/// location's status is `ok`, with κ in [1.02, 2].
pub fn study(net: &Network, options: &StudyOptions) -> Check {
    match short_circuit(net, options) {
        Ok(report) => check_report(&report).map_err(|e| {
            format!(
                "{e}\noptions: {}",
                serde_json::to_string(options).unwrap_or_default()
            )
        }),
        Err(_) => Ok(()),
    }
}

/// The result invariants of one report (see [`study`]).
pub fn check_report(report: &StudyReport) -> Check {
    for b in &report.buses {
        if b.status != BusStatus::Ok {
            continue;
        }
        for (name, v) in [
            ("ikss_ka", b.ikss_ka),
            ("ip_ka", b.ip_ka),
            ("ib_ka", b.ib_ka),
            ("ith_ka", b.ith_ka),
        ] {
            if !v.is_finite() {
                return Err(format!(
                    "location `{}` (status ok): {name} = {v} (ikss_ka {}, ip_ka {}, ib_ka {}, ith_ka {}, kappa {}, rk_ohm {}, xk_ohm {})",
                    b.id, b.ikss_ka, b.ip_ka, b.ib_ka, b.ith_ka, b.kappa, b.rk_ohm, b.xk_ohm
                ));
            }
        }
        if !(1.02..=2.0).contains(&b.kappa) {
            return Err(format!(
                "location `{}` (status ok): kappa = {} outside [1.02, 2] (rk_ohm {}, xk_ohm {}, meshed {})",
                b.id, b.kappa, b.rk_ohm, b.xk_ohm, b.meshed
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// versions
// ---------------------------------------------------------------------------------------

/// versions (JSON form): `[a, b]`, `[a, b, c]` or one document `a`.
pub fn versions_text(text: &str) -> Check {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Ok(());
    };
    let docs = match value {
        Value::Array(items) => items,
        other => vec![other, Value::Object(Map::new())],
    };
    if docs.len() < 2 || docs.len() > 3 {
        return Ok(());
    }
    let mut nets = Vec::new();
    for d in docs {
        match Network::from_value(d) {
            Ok(n) => nets.push(n),
            Err(_) => return Ok(()),
        }
    }
    let c = nets.get(2).cloned().unwrap_or_else(|| nets[0].clone());
    versions(&nets[0], &nets[1], &c)
}

/// versions: `apply(a, diff(a, b)) == b`, change sets round-trip through JSON, `merge`
/// never panics and is exact when one side is unchanged, and a `History` of the three
/// networks checks out, restores and round-trips through JSON.
pub fn versions(a: &Network, b: &Network, c: &Network) -> Check {
    let changes = version::diff(a, b);
    let applied =
        version::apply(a, &changes).map_err(|e| format!("apply(a, diff(a, b)) fails: {e}"))?;
    if &applied != b {
        return Err(format!(
            "apply(a, diff(a, b)) != b: {}\nchanges: {}",
            first_difference(&b.document_value(), &applied.document_value()),
            changes.to_json()
        ));
    }
    let json = changes.to_json();
    let back = ChangeSet::from_json(&json)
        .map_err(|e| format!("ChangeSet JSON does not read back: {e}\n{json}"))?;
    if back != changes {
        return Err(format!("ChangeSet JSON round trip changes it:\n{json}"));
    }
    let _ = changes.summary();
    let same = version::diff(a, a);
    if !same.is_empty() {
        return Err(format!("diff(a, a) is not empty: {}", same.to_json()));
    }
    // merge never panics (it may refuse with an error)
    let _ = version::merge(a, b, c);
    // merging an unchanged side gives the other side
    for (ours, theirs, want, what) in [(b, a, b, "merge(a, b, a)"), (a, c, c, "merge(a, a, c)")] {
        match version::merge(a, ours, theirs) {
            Ok(m) if m.conflicts.is_empty() && &m.network == want => {}
            Ok(m) if !m.conflicts.is_empty() => {
                return Err(format!("{what} reports conflicts: {:?}", m.conflicts));
            }
            Ok(m) => {
                return Err(format!(
                    "{what} is not the changed side: {}",
                    first_difference(&want.document_value(), &m.network.document_value())
                ));
            }
            Err(e) => return Err(format!("{what} fails: {e}")),
        }
    }
    history(a, b, c)
}

fn history(a: &Network, b: &Network, c: &Network) -> Check {
    let fail = |what: &str, e: ampflux_core::Error| format!("History: {what} fails: {e}");
    let mut h = History::new();
    let ra = h
        .commit(a, "fuzz", "a", "2026-01-01T00:00:01Z")
        .map_err(|e| fail("commit(a)", e))?;
    let rb = h
        .commit(b, "fuzz", "b", "2026-01-01T00:00:02Z")
        .map_err(|e| fail("commit(b)", e))?;
    let rc = h
        .commit_with_parents(
            c,
            std::slice::from_ref(&ra),
            "fuzz",
            "c",
            "2026-01-01T00:00:03Z",
        )
        .map_err(|e| fail("commit_with_parents(c, [a])", e))?;
    for (rev, net, name) in [(&ra, a, "a"), (&rb, b, "b"), (&rc, c, "c")] {
        let out = h
            .checkout(rev)
            .map_err(|e| fail(&format!("checkout({name})"), e))?;
        if out != canonical_model(net) {
            return Err(format!(
                "History: checkout({name}) is not the committed network: {}",
                first_difference(
                    &canonical_model(net).document_value(),
                    &out.document_value()
                )
            ));
        }
    }
    let rr = h
        .restore(&ra, "fuzz", "restore a", "2026-01-01T00:00:04Z")
        .map_err(|e| fail("restore(a)", e))?;
    let restored = h.checkout(&rr).map_err(|e| fail("checkout(restored)", e))?;
    if restored.digest() != a.digest() {
        return Err("History: the restored revision has another digest than a".into());
    }
    // merge of two branches from a never panics
    let _ = h.merge(&rb, &rc, "fuzz", "merge", "2026-01-01T00:00:05Z");
    let json = h.to_json();
    let back = History::from_json(&json).map_err(|e| fail("from_json(to_json())", e))?;
    if back != h {
        return Err("History: JSON round trip changes the history".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// upgrade
// ---------------------------------------------------------------------------------------

/// upgrade (JSON form): any JSON document, read as version 0 (`"version": 0` is forced).
pub fn upgrade_text(text: &str) -> Check {
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        let _ = Network::from_json(text);
        return Ok(());
    };
    match &mut value {
        Value::Object(m) => {
            m.insert("version".into(), Value::from(0));
        }
        _ => {
            let _ = Network::from_value(value);
            return Ok(());
        }
    }
    upgrade_v0(&value)
}

/// upgrade: a version-0 document reads (or is refused) exactly as the same content written
/// as version 1 (`trafos` -> `transformers`, `trafos3w` -> `transformers3w`, `f_hz` ->
/// `frequency_hz`, lines' `end_temp_degc` -> `endtemp_degree`), and what reads round-trips.
pub fn upgrade_v0(v0: &Value) -> Check {
    let text = serde_json::to_string(v0).map_err(|e| e.to_string())?;
    let old = Network::from_json(&text);
    let Some(v1) = v0_as_v1(v0) else {
        return Ok(()); // old and new names both present: refused or not, nothing to compare
    };
    let new = Network::from_value(v1);
    match (old, new) {
        (Ok(x), Ok(y)) => {
            if x != y {
                return Err(format!(
                    "the v0 document reads differently from the same content as v1: {}",
                    first_difference(&y.document_value(), &x.document_value())
                ));
            }
            network_round_trips(&x)
        }
        (Err(_), Err(_)) => Ok(()),
        (Ok(_), Err(e)) => Err(format!(
            "the v0 document reads, the same content as v1 is refused: {e}"
        )),
        (Err(e), Ok(_)) => Err(format!(
            "the v0 document is refused ({e}), the same content as v1 reads"
        )),
    }
}

/// The version-1 spelling of a version-0 document (`None` when a v0 name and its v1 name are
/// both present).
pub fn v0_as_v1(v0: &Value) -> Option<Value> {
    let mut doc = v0.as_object()?.clone();
    fn rename(m: &mut Map<String, Value>, old: &str, new: &str) -> Option<()> {
        if let Some(v) = m.remove(old) {
            if m.contains_key(new) {
                return None;
            }
            m.insert(new.into(), v);
        }
        Some(())
    }
    rename(&mut doc, "trafos", "transformers")?;
    rename(&mut doc, "trafos3w", "transformers3w")?;
    rename(&mut doc, "f_hz", "frequency_hz")?;
    if let Some(Value::Array(lines)) = doc.get_mut("lines") {
        for line in lines.iter_mut() {
            if let Value::Object(line) = line {
                rename(line, "end_temp_degc", "endtemp_degree")?;
            }
        }
    }
    doc.insert("version".into(), Value::from(1));
    Some(Value::Object(doc))
}

/// The version-0 spelling of a version-1 document (the inverse of [`v0_as_v1`]).
pub fn v1_as_v0(v1: &Value) -> Value {
    let mut doc = v1.as_object().cloned().unwrap_or_default();
    for (new, old) in [
        ("transformers", "trafos"),
        ("transformers3w", "trafos3w"),
        ("frequency_hz", "f_hz"),
    ] {
        if let Some(v) = doc.remove(new) {
            doc.insert(old.into(), v);
        }
    }
    if let Some(Value::Array(lines)) = doc.get_mut("lines") {
        for line in lines.iter_mut() {
            if let Some(v) = line
                .as_object_mut()
                .and_then(|l| l.remove("endtemp_degree"))
            {
                line.as_object_mut()
                    .expect("checked above")
                    .insert("end_temp_degc".into(), v);
            }
        }
    }
    doc.insert("version".into(), Value::from(0));
    Value::Object(doc)
}

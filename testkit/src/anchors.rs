//! The anchor networks of `shared/anchors/networks` (schema `iec60909-anchor-net/1`: public
//! grids exported from pandapower with pandapower's own short-circuit results), converted into
//! AmpFlux networks that reproduce pandapower's model.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

use ampflux_core::Network;
use serde_json::{Map, Value, json};

/// One anchor network with pandapower's results.
pub struct Anchor {
    pub name: String,
    pub network: Network,
    /// `results[key][quantity]` aligned with `bus_ids` (`None` = not computed).
    pub results: HashMap<String, HashMap<String, Vec<Option<f64>>>>,
    /// Bus ids as AmpFlux ids, aligned with the result arrays.
    pub bus_ids: Vec<String>,
    /// pandapower's run times of the export (single run), seconds per calculation key.
    pub pandapower_seconds: HashMap<String, f64>,
}

/// Directory of the anchor networks.
pub fn dir() -> PathBuf {
    crate::shared_dir().join("anchors/networks")
}

/// Names of all anchor networks (file stems), smallest file first.
pub fn names() -> Vec<String> {
    let mut files: Vec<(u64, String)> = std::fs::read_dir(dir())
        .expect("anchor directory")
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().to_string_lossy().to_string();
            let stem = name.strip_suffix(".json.gz")?.to_string();
            Some((e.metadata().ok()?.len(), stem))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, n)| n).collect()
}

/// Loads anchor `name` (e.g. `case118`).
pub fn load(name: &str) -> Anchor {
    let path = dir().join(format!("{name}.json.gz"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("gzip JSON");
    let raw: Value = serde_json::from_str(&text).expect("anchor JSON");
    convert(&raw)
}

fn col<'a>(table: &'a Value, key: &str) -> &'a [Value] {
    table[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn id_str(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Converts a parsed anchor file.
pub fn convert(raw: &Value) -> Anchor {
    let mut doc = Map::new();
    doc.insert("name".into(), raw["name"].clone());
    doc.insert("frequency_hz".into(), raw["f_hz"].clone());
    let n_of = |t: &Value| col(t, "id").len();

    let bus = &raw["bus"];
    let mut bus_vn: HashMap<String, f64> = HashMap::new();
    let mut buses = Vec::new();
    for i in 0..n_of(bus) {
        let id = id_str(&col(bus, "id")[i]);
        let vn = f(&col(bus, "vn_kv")[i]).expect("bus vn_kv");
        bus_vn.insert(id.clone(), vn);
        buses.push(json!({"id": id, "vn_kv": vn, "in_service": col(bus, "in_service")[i]}));
    }

    let line = &raw["line"];
    let mut lines = Vec::new();
    for i in 0..n_of(line) {
        let g = |k: &str| col(line, k)[i].clone();
        lines.push(json!({
            "id": format!("L{}", id_str(&g("id"))),
            "from_bus": id_str(&g("from_bus")), "to_bus": id_str(&g("to_bus")),
            "length_km": g("length_km"), "parallel": g("parallel"),
            "r_ohm_per_km": g("r_ohm_per_km"), "x_ohm_per_km": g("x_ohm_per_km"),
            "c_nf_per_km": g("c_nf_per_km"),
            "r0_ohm_per_km": g("r0_ohm_per_km"), "x0_ohm_per_km": g("x0_ohm_per_km"),
            "c0_nf_per_km": g("c0_nf_per_km"), "endtemp_degree": g("endtemp_degree"),
            "in_service": g("in_service"),
        }));
    }

    let trafo = &raw["trafo"];
    let mut transformers = Vec::new();
    for i in 0..n_of(trafo) {
        let g = |k: &str| col(trafo, k)[i].clone();
        transformers.push(json!({
            "id": format!("T{}", id_str(&g("id"))),
            "hv_bus": id_str(&g("hv_bus")), "lv_bus": id_str(&g("lv_bus")),
            "sn_mva": g("sn_mva"), "vn_hv_kv": g("vn_hv_kv"), "vn_lv_kv": g("vn_lv_kv"),
            "vk_percent": g("vk_percent"), "vkr_percent": g("vkr_percent"),
            "vk0_percent": g("vk0_percent"), "vkr0_percent": g("vkr0_percent"),
            "zm0_over_zk0": f(&g("mag0_percent")).map(|m| m / 100.0),
            "rm0_over_xm0": g("mag0_rx"), "zm0_hv_share": g("si0_hv_partial"),
            "vector_group": g("vector_group"), "parallel": g("parallel"),
            "in_service": g("in_service"),
        }));
    }

    let imp = &raw["impedance"];
    let mut impedances = Vec::new();
    for i in 0..n_of(imp) {
        let g = |k: &str| col(imp, k)[i].clone();
        impedances.push(json!({
            "id": format!("Z{}", id_str(&g("id"))),
            "from_bus": id_str(&g("from_bus")), "to_bus": id_str(&g("to_bus")),
            "sn_mva": g("sn_mva"), "r_pu": g("rft_pu"), "x_pu": g("xft_pu"),
            "r0_pu": g("rft0_pu"), "x0_pu": g("xft0_pu"), "in_service": g("in_service"),
        }));
    }

    let eg = &raw["ext_grid"];
    let mut grids = Vec::new();
    for i in 0..n_of(eg) {
        let g = |k: &str| col(eg, k)[i].clone();
        grids.push(json!({
            "id": format!("Q{}", id_str(&g("id"))), "bus": id_str(&g("bus")),
            "s_sc_max_mva": g("s_sc_max_mva"), "s_sc_min_mva": g("s_sc_min_mva"),
            "rx_max": g("rx_max"), "rx_min": g("rx_min"),
            "x0x_max": g("x0x_max"), "r0x0_max": g("r0x0_max"),
            "x0x_min": g("x0x_min"), "r0x0_min": g("r0x0_min"), "in_service": g("in_service"),
        }));
    }

    // pandapower adds a practically open zero-sequence admittance 1/(1e3 + 1e3j) (MVA units on
    // the system base) once per in-service generator bus: reproduced here as the star-point
    // earthing of the first generator at each bus, Z = (1e3 + 1e3j)·U_n² Ω.
    let gens = &raw["gen"];
    let mut generators = Vec::new();
    let mut earthed_bus: std::collections::HashSet<String> = Default::default();
    for i in 0..n_of(gens) {
        let g = |k: &str| col(gens, k)[i].clone();
        let bus_id = id_str(&g("bus"));
        let (sn, vn) = (
            f(&g("sn_mva")).expect("gen sn"),
            f(&g("vn_kv")).expect("gen vn"),
        );
        let in_service = g("in_service").as_bool().unwrap_or(true);
        let mut m = json!({
            "id": format!("G{}", id_str(&g("id"))), "bus": bus_id,
            "sn_mva": sn, "vn_kv": vn, "cos_phi": g("cos_phi"), "xdss_pu": g("xdss_pu"),
            "rdss_pu": f(&g("rdss_ohm")).map(|r| r / (vn * vn / sn)),
            "pg_percent": g("pg_percent"), "in_service": in_service,
        });
        if in_service && earthed_bus.insert(bus_id.clone()) {
            let un = bus_vn[&bus_id];
            let z = 1e3 * un * un / 3.0;
            m["x0_pu"] = json!(1e-12);
            m["grounding_r_ohm"] = json!(z);
            m["grounding_x_ohm"] = json!(z);
        }
        generators.push(m);
    }

    doc.insert("buses".into(), Value::Array(buses));
    doc.insert("external_grids".into(), Value::Array(grids));
    doc.insert("lines".into(), Value::Array(lines));
    doc.insert("transformers".into(), Value::Array(transformers));
    doc.insert("generators".into(), Value::Array(generators));
    doc.insert("impedances".into(), Value::Array(impedances));
    let network = Network::from_value(Value::Object(doc)).expect("anchor converts to format v1");

    let bus_ids: Vec<String> = raw["results"]["bus_id"]
        .as_array()
        .expect("results.bus_id")
        .iter()
        .map(id_str)
        .collect();
    let mut results = HashMap::new();
    if let Some(obj) = raw["results"].as_object() {
        for (key, table) in obj {
            let Some(table) = table.as_object() else {
                continue;
            };
            let mut q = HashMap::new();
            for (quantity, values) in table {
                if let Some(values) = values.as_array() {
                    q.insert(quantity.clone(), values.iter().map(Value::as_f64).collect());
                }
            }
            results.insert(key.clone(), q);
        }
    }
    let pandapower_seconds = raw["results_meta"]["seconds"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    Anchor {
        name: raw["name"].as_str().unwrap_or_default().to_string(),
        network,
        results,
        bus_ids,
        pandapower_seconds,
    }
}

//! The neutral reference-case format of `shared/validation/iec60909` (schema_version 1),
//! converted into AmpFlux networks and study options, and the evaluation of every expected
//! value against a study report.

use std::path::{Path, PathBuf};

use ampflux_core::{
    FaultKind, Method, Network, PeakMethod, StudyOptions, StudyReport, Topology, short_circuit,
};
use serde_json::{Map, Value, json};

/// One reference file.
#[derive(Clone, Debug)]
pub struct ReferenceFile {
    pub id: String,
    pub path: PathBuf,
    pub raw: Value,
}

/// One calculation of a reference file with its expected values.
#[derive(Clone, Debug)]
pub struct ReferenceCase {
    pub file: String,
    pub id: String,
    pub network: Network,
    pub options: StudyOptions,
    pub expected: Vec<Expected>,
}

/// Where an expected value is read.
#[derive(Clone, Debug, PartialEq)]
pub enum Location {
    /// A fault at a bus.
    Bus(String),
    /// A voltage at `bus` during a fault at `fault_bus`.
    BusDuringFault { bus: String, fault_bus: String },
    /// The current through a branch for a fault at `fault_bus` (`None`: the extreme over all
    /// fault locations).
    Branch {
        branch: String,
        fault_bus: Option<String>,
    },
}

/// One expected value with its tolerance.
#[derive(Clone, Debug)]
pub struct Expected {
    pub location: Location,
    pub quantity: String,
    pub value: f64,
    /// A text value (`status`) instead of a number.
    pub text: Option<String>,
    pub origin: String,
    pub tol_abs: Option<f64>,
    pub tol_rel: Option<f64>,
}

impl Expected {
    /// Whether `got` is within the stated tolerance.
    pub fn accepts(&self, got: f64) -> bool {
        let diff = (got - self.value).abs();
        match (self.tol_abs, self.tol_rel) {
            (Some(t), _) => diff <= t,
            (None, Some(r)) => diff <= r * self.value.abs(),
            (None, None) => diff <= 1e-9 * self.value.abs().max(1.0),
        }
    }

    /// Human-readable description.
    pub fn describe(&self) -> String {
        format!(
            "{:?} {} = {} ({})",
            self.location, self.quantity, self.value, self.origin
        )
    }
}

/// Directory of the shared reference cases.
pub fn cases_dir() -> PathBuf {
    crate::shared_dir().join("validation/iec60909/cases")
}

/// Reference cases kept in the repository itself (`ampflux-core/tests/data/cases`), in the same
/// schema; a file may give its network as an AmpFlux document in `ampflux_network` instead of
/// the neutral `network`.
pub fn repository_cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives inside the workspace")
        .join("ampflux-core/tests/data/cases")
}

/// Directory of the IEC 60909 reference cases kept in this repository (same format; published
/// values the shared set lacks, each with its source).
pub fn repo_cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/iec60909/cases")
}

/// Every reference file (shared and repository cases), sorted by id.
pub fn load_files() -> Vec<ReferenceFile> {
    let mut files = Vec::new();
    for dir in [cases_dir(), repository_cases_dir(), repo_cases_dir()] {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reference cases not found at {}: {e}", dir.display()));
        files.extend(
            entries
                .filter_map(|entry| {
                    let path = entry.ok()?.path();
                    (path.extension()? == "json").then_some(path)
                })
                .map(|path| load_file(&path)),
        );
    }
    files.sort_by(|a, b| a.id.cmp(&b.id));
    files
}

/// One reference file.
pub fn load_file(path: &Path) -> ReferenceFile {
    let text = std::fs::read_to_string(path).expect("readable reference file");
    let raw: Value = serde_json::from_str(&text).expect("reference file is JSON");
    ReferenceFile {
        id: raw["id"].as_str().unwrap_or_default().to_string(),
        path: path.to_path_buf(),
        raw,
    }
}

impl ReferenceFile {
    /// The file's network converted to format v1 (without any case patch).
    pub fn network(&self) -> Network {
        self.network_of(&self.base_network())
            .unwrap_or_else(|e| panic!("{}: {e}", self.id))
    }

    /// The network as stored: an AmpFlux document (`ampflux_network`) or the neutral one.
    fn base_network(&self) -> Value {
        match self.raw.get("ampflux_network") {
            Some(doc) => doc.clone(),
            None => self.raw["network"].clone(),
        }
    }

    fn network_of(&self, net: &Value) -> Result<Network, String> {
        if self.raw.get("ampflux_network").is_some() {
            Network::from_value(net.clone()).map_err(|e| e.to_string())
        } else {
            convert_network(net)
        }
    }

    /// Every calculation of the file.
    pub fn cases(&self) -> Vec<ReferenceCase> {
        let mut out = Vec::new();
        for case in self.raw["cases"].as_array().into_iter().flatten() {
            let mut net = self.base_network();
            for patch in case["patch"].as_array().into_iter().flatten() {
                apply_patch(&mut net, patch);
            }
            let network = self
                .network_of(&net)
                .unwrap_or_else(|e| panic!("{} / {}: {e}", self.id, case["id"]));
            let options = convert_options(case);
            let expected = case["expected"]
                .as_array()
                .into_iter()
                .flatten()
                .map(convert_expected)
                .collect();
            out.push(ReferenceCase {
                file: self.id.clone(),
                id: case["id"].as_str().unwrap_or_default().to_string(),
                network,
                options,
                expected,
            });
        }
        out
    }
}

fn apply_patch(net: &mut Value, patch: &Value) {
    let path = patch["path"].as_str().expect("patch path");
    let mut parts = path.splitn(3, '.');
    let (table, id, field) = (
        parts.next().expect("table"),
        parts.next().expect("id"),
        parts.next().expect("field"),
    );
    for row in net[table].as_array_mut().expect("patched table exists") {
        if id == "*" || row["id"] == id {
            row[field] = patch["value"].clone();
        }
    }
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn put(map: &mut Map<String, Value>, key: &str, v: Option<f64>) {
    if let Some(v) = v {
        map.insert(key.to_string(), json!(v));
    }
}

fn copy(map: &mut Map<String, Value>, src: &Value, from: &str, to: &str) {
    if let Some(v) = src.get(from)
        && !v.is_null()
    {
        map.insert(to.to_string(), v.clone());
    }
}

/// Converts the neutral network into an AmpFlux network document.
pub fn convert_network(src: &Value) -> Result<Network, String> {
    let mut doc = Map::new();
    doc.insert("format".into(), json!("ampflux-network"));
    doc.insert("version".into(), json!(1));
    doc.insert("frequency_hz".into(), src["frequency_hz"].clone());
    let rows = |key: &str| src[key].as_array().cloned().unwrap_or_default();
    let un_of = |bus: &str| {
        rows("buses")
            .iter()
            .find(|b| b["id"] == bus)
            .and_then(|b| num(b, "un_kv"))
    };

    let buses: Vec<Value> = rows("buses")
        .iter()
        .map(|b| json!({"id": b["id"], "vn_kv": b["un_kv"]}))
        .collect();

    let mut grids = Vec::new();
    for g in rows("external_grids") {
        let un = un_of(g["bus"].as_str().unwrap_or_default()).ok_or("grid bus")?;
        let s =
            |sk: &str, ik: &str| num(&g, sk).or_else(|| num(&g, ik).map(|i| 3f64.sqrt() * un * i));
        let mut m = Map::new();
        copy(&mut m, &g, "id", "id");
        copy(&mut m, &g, "bus", "bus");
        put(&mut m, "s_sc_max_mva", s("sk_max_mva", "ikss_max_ka"));
        put(&mut m, "s_sc_min_mva", s("sk_min_mva", "ikss_min_ka"));
        for f in [
            "rx_max",
            "rx_min",
            "x0x_max",
            "r0x0_max",
            "x0x_min",
            "r0x0_min",
            "in_service",
        ] {
            copy(&mut m, &g, f, f);
        }
        grids.push(Value::Object(m));
    }

    let mut transformers = Vec::new();
    for t in rows("transformers_2w") {
        let mut m = Map::new();
        for (a, b) in [
            ("id", "id"),
            ("hv_bus", "hv_bus"),
            ("lv_bus", "lv_bus"),
            ("sr_mva", "sn_mva"),
            ("ur_hv_kv", "vn_hv_kv"),
            ("ur_lv_kv", "vn_lv_kv"),
            ("ukr_percent", "vk_percent"),
            ("vector_group", "vector_group"),
            ("parallel", "parallel"),
            ("oltc", "oltc"),
            ("power_station_unit", "power_station_unit"),
            ("pt_percent", "pt_percent"),
            ("in_service", "in_service"),
        ] {
            copy(&mut m, &t, a, b);
        }
        let sr = num(&t, "sr_mva").ok_or("sr_mva")?;
        let vk = num(&t, "ukr_percent").ok_or("ukr_percent")?;
        let vkr = num(&t, "urr_percent")
            .or_else(|| num(&t, "pkr_kw").map(|p| p / (sr * 1000.0) * 100.0))
            .ok_or("urr_percent or pkr_kw")?;
        put(&mut m, "vkr_percent", Some(vkr));
        if let Some(n) = t.get("neutral_hv")
            && n["earthed"] == true
        {
            put(&mut m, "hv_grounding_r_ohm", Some(0.0));
            put(&mut m, "hv_grounding_x_ohm", num(n, "xn_ohm").or(Some(0.0)));
        }
        if let Some(z) = t.get("zero_sequence") {
            if let (Some(x0x), Some(r0r)) = (num(z, "x0_over_x"), num(z, "r0_over_r")) {
                let x = (vk * vk - vkr * vkr).sqrt();
                let (r0, x0) = (r0r * vkr, x0x * x);
                put(&mut m, "vkr0_percent", Some(r0));
                put(&mut m, "vk0_percent", Some((r0 * r0 + x0 * x0).sqrt()));
            } else {
                put(&mut m, "vk0_percent", num(z, "uk0_percent"));
                put(&mut m, "vkr0_percent", num(z, "ur0_percent"));
            }
            if let Some(mag) = z.get("magnetizing") {
                put(&mut m, "zm0_over_zk0", num(mag, "zm0_over_zk0"));
                put(&mut m, "rm0_over_xm0", num(mag, "rm0_over_xm0"));
                put(&mut m, "zm0_hv_share", num(mag, "hv_share"));
            }
        }
        if let Some(tap) = t.get("tap") {
            copy(&mut m, tap, "side", "tap_side");
            copy(&mut m, tap, "step_percent", "tap_step_percent");
            copy(&mut m, tap, "min", "tap_min");
            copy(&mut m, tap, "max", "tap_max");
            copy(&mut m, tap, "neutral", "tap_neutral");
            copy(&mut m, tap, "pos", "tap_pos");
        }
        transformers.push(Value::Object(m));
    }

    let mut transformers3w = Vec::new();
    for t in rows("transformers_3w") {
        let mut m = Map::new();
        for (a, b) in [
            ("id", "id"),
            ("hv_bus", "hv_bus"),
            ("mv_bus", "mv_bus"),
            ("lv_bus", "lv_bus"),
            ("sr_hv_mva", "sn_hv_mva"),
            ("sr_mv_mva", "sn_mv_mva"),
            ("sr_lv_mva", "sn_lv_mva"),
            ("ur_hv_kv", "vn_hv_kv"),
            ("ur_mv_kv", "vn_mv_kv"),
            ("ur_lv_kv", "vn_lv_kv"),
            ("in_service", "in_service"),
        ] {
            copy(&mut m, &t, a, b);
        }
        let vg = t["vector_group"].as_str().unwrap_or("YNyn0d5").to_string();
        m.insert(
            "vector_group".into(),
            json!(earthing_override(&vg, t.get("earthed_star_points"))),
        );
        // star points earthed through an arc-suppression coil (impedance not given)
        for side in t["resonant_star_points"].as_array().into_iter().flatten() {
            if let Some(side) = side.as_str() {
                m.insert(format!("{side}_grounding_resonant"), json!(true));
            }
        }
        let pairs = &t["pairs"];
        for (pair, side) in [("hv_mv", "hv"), ("mv_lv", "mv"), ("hv_lv", "lv")] {
            let p = &pairs[pair];
            put(&mut m, &format!("vk_{side}_percent"), num(p, "ukr_percent"));
            put(
                &mut m,
                &format!("vkr_{side}_percent"),
                num(p, "urr_percent"),
            );
            put(
                &mut m,
                &format!("vk0_{side}_percent"),
                num(p, "uk0r_percent"),
            );
            put(
                &mut m,
                &format!("vkr0_{side}_percent"),
                num(p, "ur0r_percent"),
            );
        }
        transformers3w.push(Value::Object(m));
    }

    let mut lines = Vec::new();
    for l in rows("lines") {
        let mut m = Map::new();
        for (a, b) in [
            ("id", "id"),
            ("from_bus", "from_bus"),
            ("to_bus", "to_bus"),
            ("length_km", "length_km"),
            ("r_ohm_per_km", "r_ohm_per_km"),
            ("x_ohm_per_km", "x_ohm_per_km"),
            ("c_nf_per_km", "c_nf_per_km"),
            ("r0_ohm_per_km", "r0_ohm_per_km"),
            ("x0_ohm_per_km", "x0_ohm_per_km"),
            ("c0_nf_per_km", "c0_nf_per_km"),
            ("parallel", "parallel"),
            ("end_temp_degC", "endtemp_degree"),
            ("type_name", "name"),
            ("in_service", "in_service"),
        ] {
            copy(&mut m, &l, a, b);
        }
        lines.push(Value::Object(m));
    }

    let mut generators = Vec::new();
    for g in rows("synchronous_generators") {
        let mut m = Map::new();
        for (a, b) in [
            ("id", "id"),
            ("bus", "bus"),
            ("sr_mva", "sn_mva"),
            ("ur_kv", "vn_kv"),
            ("cos_phi", "cos_phi"),
            ("xdss_pu", "xdss_pu"),
            ("x2_pu", "x2_pu"),
            ("x0_pu", "x0_pu"),
            ("pg_percent", "pg_percent"),
            ("xdsat_pu", "xdsat_pu"),
            ("unit_transformer", "unit_transformer"),
            ("in_service", "in_service"),
        ] {
            copy(&mut m, &g, a, b);
        }
        let (sr, ur) = (
            num(&g, "sr_mva").ok_or("sr_mva")?,
            num(&g, "ur_kv").ok_or("ur_kv")?,
        );
        put(
            &mut m,
            "rdss_pu",
            num(&g, "rg_ohm").map(|r| r / (ur * ur / sr)),
        );
        if let Some(n) = g.get("neutral")
            && n["earthed"] == true
        {
            put(&mut m, "grounding_r_ohm", Some(0.0));
            put(&mut m, "grounding_x_ohm", num(n, "xn_ohm").or(Some(0.0)));
        }
        generators.push(Value::Object(m));
    }

    let mut motors = Vec::new();
    for mo in rows("asynchronous_motors") {
        let mut m = Map::new();
        for (a, b) in [
            ("id", "id"),
            ("bus", "bus"),
            ("pr_mw", "pn_mw"),
            ("ur_kv", "vn_kv"),
            ("cos_phi", "cos_phi"),
            ("efficiency_percent", "efficiency_percent"),
            ("ilr_ir", "lrc_pu"),
            ("rx", "rx"),
            ("pole_pairs", "pole_pairs"),
            ("count", "count"),
            ("in_service", "in_service"),
        ] {
            copy(&mut m, &mo, a, b);
        }
        motors.push(Value::Object(m));
    }

    let mut converters = Vec::new();
    for c in rows("converter_sources") {
        let mut m = Map::new();
        for (a, b) in [
            ("id", "id"),
            ("bus", "bus"),
            ("sr_mva", "sn_mva"),
            ("ur_kv", "vn_kv"),
            ("k", "k"),
            ("current_angle_deg", "current_angle_deg"),
            ("i_wd_max_ka", "i_wd_max_ka"),
            ("kappa_wd", "kappa_wd"),
            ("rx", "rx"),
            ("ilr_ir", "lrc_pu"),
            ("in_service", "in_service"),
        ] {
            copy(&mut m, &c, a, b);
        }
        let kind = match c["type"].as_str().unwrap_or_default() {
            "full_size_converter" => "full_converter",
            "doubly_fed_induction_generator" => "doubly_fed",
            "asynchronous_generator" => "asynchronous",
            other => return Err(format!("unknown converter type {other}")),
        };
        m.insert("kind".into(), json!(kind));
        converters.push(Value::Object(m));
    }

    let switches: Vec<Value> = rows("switches")
        .iter()
        .map(|s| json!({"id": s["id"], "bus": s["bus_a"], "element": s["bus_b"], "closed": s["closed"]}))
        .collect();
    let loads: Vec<Value> = rows("loads")
        .iter()
        .map(|l| json!({"id": l["id"], "bus": l["bus"], "p_mw": l["p_mw"], "q_mvar": l["q_mvar"]}))
        .collect();

    // ids are unique across all tables in format v1: rename a source, switch or load whose id
    // repeats an earlier one (`Q` for both a bus and its feeder) to `ID@table`
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut unique = |rows: Vec<Value>, table: &str| -> Vec<Value> {
        rows.into_iter()
            .map(|mut r| {
                let id = r["id"].as_str().unwrap_or_default().to_string();
                if !seen.insert(id.clone()) {
                    let renamed = format!("{id}@{table}");
                    seen.insert(renamed.clone());
                    r["id"] = json!(renamed);
                }
                r
            })
            .collect()
    };
    let buses = unique(buses, "buses");
    let lines = unique(lines, "lines");
    let transformers = unique(transformers, "transformers");
    let transformers3w = unique(transformers3w, "transformers3w");
    let grids = unique(grids, "external_grids");
    let generators = unique(generators, "generators");
    let motors = unique(motors, "motors");
    let converters = unique(converters, "converters");
    let switches = unique(switches, "switches");
    let loads = unique(loads, "loads");
    for (key, value) in [
        ("buses", buses),
        ("external_grids", grids),
        ("lines", lines),
        ("transformers", transformers),
        ("transformers3w", transformers3w),
        ("generators", generators),
        ("motors", motors),
        ("converters", converters),
        ("switches", switches),
        ("loads", loads),
    ] {
        doc.insert(key.into(), Value::Array(value));
    }
    Network::from_value(Value::Object(doc)).map_err(|e| e.to_string())
}

/// Rewrites a vector group so that exactly the star points in `earthed` carry `N`/`n`.
fn earthing_override(vg: &str, earthed: Option<&Value>) -> String {
    let Some(list) = earthed.and_then(Value::as_array) else {
        return vg.to_string();
    };
    let sides: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
    let mut out = String::new();
    let mut winding = 0;
    let chars: Vec<char> = vg.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch.is_ascii_alphabetic() && !ch.eq_ignore_ascii_case(&'n') {
            let side = ["hv", "mv", "lv"][winding.min(2)];
            winding += 1;
            out.push(ch);
            let has_n = chars
                .get(i + 1)
                .is_some_and(|c| c.eq_ignore_ascii_case(&'n'));
            if has_n {
                i += 1;
            }
            if matches!(ch.to_ascii_lowercase(), 'y' | 'z') && sides.contains(&side) {
                out.push(if ch.is_ascii_uppercase() { 'N' } else { 'n' });
            }
        } else {
            out.push(ch);
        }
        i += 1;
    }
    out
}

/// Converts a case's options into study options.
pub fn convert_options(case: &Value) -> StudyOptions {
    let o = &case["options"];
    let mut s = StudyOptions {
        fault: match case["fault"].as_str().unwrap_or("3ph") {
            "2ph" => FaultKind::LineToLine,
            "1ph" => FaultKind::LineToEarth,
            "2ph_earth" => FaultKind::DoubleLineToEarth,
            _ => FaultKind::ThreePhase,
        },
        ..StudyOptions::default()
    };
    match case["case"].as_str().unwrap_or("max") {
        "min" => s.case = ampflux_core::Case::Min,
        "classical" => s.method = Method::Classical,
        _ => {}
    }
    if let Some(k) = o["kappa_method"].as_str() {
        s.ip_method = if k.eq_ignore_ascii_case("b") {
            PeakMethod::B
        } else {
            PeakMethod::C
        };
    }
    if let Some(t) = o["topology"].as_str() {
        s.topology = match t {
            "meshed" => Topology::Meshed,
            "radial" => Topology::Radial,
            _ => Topology::Auto,
        };
    }
    if let Some(v) = num(o, "tk_s") {
        s.tk_s = v;
    }
    if let Some(v) = num(o, "tmin_s") {
        s.tmin_s = v;
    }
    if let Some(v) = num(o, "lv_tol_percent") {
        s.lv_tolerance_percent = v;
    }
    s.c_max_lv = num(o, "c_max_lv");
    s.c_min_lv = num(o, "c_min_lv");
    s.kt_in_min_case = o["kt_in_min_case"].as_bool().unwrap_or(false);
    if let Some(v) = o["kts_at_generator_terminals"].as_bool() {
        s.kts_at_generator_terminals = v;
    }
    s.r_fault_ohm = num(o, "r_fault_ohm").unwrap_or(0.0);
    s.x_fault_ohm = num(o, "x_fault_ohm").unwrap_or(0.0);
    if let Some(v) = num(o, "prefault_pu") {
        s.prefault_pu = v;
    }
    if s.method == Method::Classical {
        match s.fault {
            // one Z_f between the two phases = Z_f/2 in each faulted phase
            FaultKind::LineToLine => {
                s.r_fault_ohm /= 2.0;
                s.x_fault_ohm /= 2.0;
            }
            // Z_f in the common earth path
            FaultKind::DoubleLineToEarth
                if o["fault_impedance_location"]
                    .as_str()
                    .is_some_and(|t| t.contains("earth")) =>
            {
                s.r_earth_ohm = s.r_fault_ohm;
                s.x_earth_ohm = s.x_fault_ohm;
                s.r_fault_ohm = 0.0;
                s.x_fault_ohm = 0.0;
            }
            _ => {}
        }
    }
    s
}

fn convert_expected(e: &Value) -> Expected {
    let loc = &e["location"];
    let location = if let Some(branch) = loc.get("branch").or_else(|| loc.get("transformer")) {
        Location::Branch {
            branch: branch.as_str().unwrap_or_default().to_string(),
            fault_bus: loc["fault_bus"].as_str().map(str::to_string),
        }
    } else if let Some(fault_bus) = loc.get("fault_bus").and_then(Value::as_str) {
        Location::BusDuringFault {
            bus: loc["bus"].as_str().unwrap_or_default().to_string(),
            fault_bus: fault_bus.to_string(),
        }
    } else {
        Location::Bus(loc["bus"].as_str().unwrap_or_default().to_string())
    };
    Expected {
        location,
        quantity: e["quantity"].as_str().unwrap_or_default().to_string(),
        value: e["value"].as_f64().unwrap_or(f64::NAN),
        text: e["value_text"].as_str().map(str::to_string),
        origin: e["origin"].as_str().unwrap_or_default().to_string(),
        tol_abs: num(e, "tol_abs"),
        tol_rel: num(e, "tol_rel"),
    }
}

impl ReferenceCase {
    /// Runs the study (with branch results when an expected value needs them).
    pub fn run(&self) -> Result<StudyReport, ampflux_core::Error> {
        let mut options = self.options.clone();
        options.branch_results = self.expected.iter().any(|e| {
            matches!(
                e.location,
                Location::Branch { .. } | Location::BusDuringFault { .. }
            )
        });
        short_circuit(&self.network, &options)
    }
}

/// The text value (`status`) of an expected quantity in a report.
pub fn observed_text(report: &StudyReport, e: &Expected) -> Option<String> {
    match (&e.location, e.quantity.as_str()) {
        (Location::Bus(bus), "status") => Some(report.bus(bus)?.status.as_str().to_string()),
        _ => None,
    }
}

/// The value of an expected quantity in a report (`None` when the report lacks it).
pub fn observed(report: &StudyReport, e: &Expected, case: &ampflux_core::Case) -> Option<f64> {
    match &e.location {
        Location::Bus(bus) => {
            let b = report.bus(bus)?;
            match e.quantity.as_str() {
                // an earth fault outside IEC 60909 (isolated or resonance-earthed system):
                // the current through the fault that other tools report as I''k1 is AmpFlux's
                // capacitive earth-fault current or residual current
                "ikss_ka" if b.status.outside_iec60909() => b.ice_ka.or(b.ires_ka),
                "ikss_ka" => Some(b.ikss_ka),
                "ip_ka" => Some(b.ip_ka),
                "ib_ka" => Some(b.ib_ka),
                "ith_ka" => Some(b.ith_ka),
                "skss_mva" => Some(b.skss_mva),
                "rk_ohm" => Some(b.rk_ohm),
                "xk_ohm" => Some(b.xk_ohm),
                "rk0_ohm" => b.rk0_ohm,
                "xk0_ohm" => b.xk0_ohm,
                "ikss_earth_ka" => b.ikss_earth_ka,
                "ikss_phase_b_ka" => Some(b.ikss_ka),
                "ik_ka" => Some(b.ik_ka),
                "idc_ka" => Some(b.idc_ka),
                "ib_asym_ka" => Some(b.ib_asym_ka),
                _ => None,
            }
        }
        Location::BusDuringFault { bus, fault_bus } => {
            let v = report.voltage(bus, fault_bus)?;
            match e.quantity.as_str() {
                "v0_pu" => Some(v.v0_pu),
                "v1_pu" => Some(v.v1_pu),
                "v2_pu" => Some(v.v2_pu),
                _ => None,
            }
        }
        Location::Branch { branch, fault_bus } => {
            let rows = report.branches.iter().filter(|r| {
                &r.id == branch && fault_bus.as_ref().is_none_or(|f| &r.fault_bus == f)
            });
            let pick = |r: &ampflux_core::BranchResult| match e.quantity.as_str() {
                "ikss_hv_ka" => r.ikss_from_ka,
                "ikss_lv_ka" => r.ikss_to_ka,
                "ip_ka" => r.ip_ka,
                "ith_ka" => r.ith_ka,
                _ => r.ikss_from_ka.max(r.ikss_to_ka),
            };
            if fault_bus.is_some() {
                // one fault location: its value, zero included
                return rows.map(pick).next();
            }
            let values: Vec<f64> = rows.map(pick).filter(|v| *v > 1e-9).collect();
            if values.is_empty() {
                return None;
            }
            // pandapower's convention for "over all fault locations": the largest current in
            // the maximum case, the smallest non-zero one in the minimum case
            Some(match case {
                ampflux_core::Case::Max => values.iter().copied().fold(f64::MIN, f64::max),
                ampflux_core::Case::Min => values.iter().copied().fold(f64::MAX, f64::min),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earthing_override_rewrites_star_points() {
        assert_eq!(earthing_override("YNyn0d5", Some(&json!(["hv"]))), "YNy0d5");
        assert_eq!(
            earthing_override("Yy0d5", Some(&json!(["hv", "mv"]))),
            "YNyn0d5"
        );
        assert_eq!(earthing_override("YNyn0d5", None), "YNyn0d5");
    }
}

/// One expected element impedance or correction factor (`element_checks` of a file).
#[derive(Clone, Debug)]
pub struct ElementCheck {
    pub element: String,
    pub quantity: String,
    /// `[re, im]` for impedances, `[value, 0]` for factors.
    pub value: [f64; 2],
    pub tol_abs: f64,
    /// The kV the value is referred to (`None`: the element's own reference).
    pub referred_to_kv: Option<f64>,
    /// c_max the value was computed with (for K_T).
    pub cmax: Option<f64>,
}

impl ReferenceFile {
    /// The file's element checks.
    pub fn element_checks(&self) -> Vec<ElementCheck> {
        self.raw["element_checks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let value = match &c["value"] {
                    Value::Array(a) => [
                        a[0].as_f64().unwrap_or(f64::NAN),
                        a[1].as_f64().unwrap_or(f64::NAN),
                    ],
                    v => [v.as_f64().unwrap_or(f64::NAN), 0.0],
                };
                // "0.41 kV (via t = 20/0.41)" -> 0.41; "lv"/"hv" -> the element's own side
                let referred_to_kv = c["referred_to"].as_str().and_then(|t| {
                    t.split_whitespace()
                        .next()
                        .and_then(|w| w.parse::<f64>().ok())
                });
                ElementCheck {
                    element: c["element"].as_str().unwrap_or_default().to_string(),
                    quantity: c["quantity"].as_str().unwrap_or_default().to_string(),
                    value,
                    tol_abs: num(c, "tol_abs").unwrap_or(1e-9),
                    referred_to_kv,
                    cmax: num(c, "cmax"),
                }
            })
            .collect()
    }
}

//! Arc flash and protection for Python: `ampflux.ieee1584` (one IEEE 1584-2018 calculation),
//! and the bodies of `Network.arc_flash`, `arc_flash_labels`, `selectivity` and `tcc`. Options
//! arrive as keywords with the format's names and are read by the core's options types; the
//! GIL is released while the core computes; results become DataFrames indexed by id.

use ampflux_core::Network;
use ampflux_core::arcflash::{
    ArcFlashOptions, ArcFlashReport, ElectrodeConfiguration, Ieee1584Params, LabelMethod,
    LabelOptions, arc_flash, ieee1584 as core_ieee1584, label_svg,
};
use ampflux_core::protection::{
    SelectivityOptions, SelectivityReport, TccOptions, selectivity as core_selectivity,
    tcc as core_tcc, tcc_svg,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::{Map, Value};

use crate::conv;
use crate::errors::{PyAmpErr, guard, issues_to_py, option_error};

/// The keyword arguments as a JSON object of option names (None values dropped).
pub(crate) fn kwargs(
    fixed: Vec<(&str, Value)>,
    others: Option<&Bound<'_, PyDict>>,
) -> PyResult<Map<String, Value>> {
    let mut map: Map<String, Value> = fixed.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    if let Some(others) = others {
        for (k, v) in others.iter() {
            let key: String = k.extract()?;
            let value = conv::to_json(&v, &key)
                .map_err(|_| option_error(&key, "value cannot be converted to JSON"))?;
            map.insert(key, value);
        }
    }
    map.retain(|_, v| !v.is_null());
    Ok(map)
}

/// Splits keywords into the study's own options and those of the short-circuit study
/// (`case`, `c_max_lv`, ...), which go under `short_circuit`.
fn nest(mut map: Map<String, Value>, own: &[&str]) -> Value {
    let mut sc = match map.remove("short_circuit") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let keys: Vec<String> = map.keys().cloned().collect();
    for k in keys {
        if !own.contains(&k.as_str()) {
            let v = map.remove(&k).expect("listed");
            sc.insert(k, v);
        }
    }
    map.insert("short_circuit".into(), Value::Object(sc));
    Value::Object(map)
}

/// Arc-flash options from keywords.
pub(crate) fn arc_flash_options(map: Map<String, Value>) -> PyResult<ArcFlashOptions> {
    let value = nest(
        map,
        &[
            "buses",
            "max_arc_duration_s",
            "motor_decay_s",
            "converter_trip_s",
            "energy_method",
        ],
    );
    let o = ArcFlashOptions::from_value(value).map_err(PyAmpErr)?;
    o.check().map_err(PyAmpErr)?;
    Ok(o)
}

fn run<T: Send>(py: Python<'_>, f: impl FnOnce() -> ampflux_core::Result<T> + Send) -> PyResult<T> {
    py.detach(move || crate::threads::run(|| guard(f)))
        .map_err(PyErr::from)
}

/// Runs the arc-flash study with the GIL released.
pub(crate) fn study(
    py: Python<'_>,
    net: std::sync::Arc<Network>,
    options: ArcFlashOptions,
) -> PyResult<ArcFlashReport> {
    run(py, move || arc_flash(&net, &options))
}

/// A report as Python objects (through its JSON form).
macro_rules! json_py {
    ($py:expr, $value:expr) => {
        conv::to_py(
            $py,
            &serde_json::to_value($value).expect("reports serialize"),
        )
    };
}

/// The arc-flash DataFrame: one row per bus, indexed by id, with the report's study, digest,
/// warnings and full JSON in `attrs`.
pub(crate) fn arc_flash_frame<'py>(
    py: Python<'py>,
    report: &ArcFlashReport,
) -> PyResult<Bound<'py, PyAny>> {
    let b = &report.buses;
    let cols = PyDict::new(py);
    let floats =
        |g: fn(&ampflux_core::arcflash::ArcFlashBus) -> f64| b.iter().map(g).collect::<Vec<f64>>();
    cols.set_item("id", b.iter().map(|x| x.id.clone()).collect::<Vec<_>>())?;
    cols.set_item("ibf_ka", floats(|x| x.ibf_ka))?;
    cols.set_item("iarc_ka", floats(|x| x.iarc_ka))?;
    cols.set_item("iarc_min_ka", floats(|x| x.iarc_min_ka))?;
    cols.set_item("clearing_time_ms", floats(|x| x.clearing_time_ms))?;
    cols.set_item("clearing_time_min_ms", floats(|x| x.clearing_time_min_ms))?;
    cols.set_item(
        "device",
        b.iter().map(|x| x.device.clone()).collect::<Vec<_>>(),
    )?;
    cols.set_item(
        "incident_energy_j_per_cm2",
        floats(|x| x.incident_energy_j_per_cm2),
    )?;
    cols.set_item(
        "incident_energy_cal_per_cm2",
        floats(|x| x.incident_energy_cal_per_cm2),
    )?;
    cols.set_item("afb_mm", floats(|x| x.afb_mm))?;
    cols.set_item(
        "ppe_category",
        b.iter().map(|x| x.ppe_category).collect::<Vec<_>>(),
    )?;
    let warnings = PyList::empty(py);
    for x in b {
        warnings.append(
            x.warnings
                .iter()
                .map(|w| w.message.clone())
                .collect::<Vec<_>>(),
        )?;
    }
    cols.set_item("warnings", warnings)?;
    cols.set_item("vn_kv", floats(|x| x.vn_kv))?;
    cols.set_item(
        "governing",
        b.iter()
            .map(|x| match x.governing {
                ampflux_core::arcflash::ArcScenario::Full => "full",
                ampflux_core::arcflash::ArcScenario::Reduced => "reduced",
            })
            .collect::<Vec<_>>(),
    )?;
    cols.set_item(
        "electrode_configuration",
        b.iter()
            .map(|x| x.equipment.electrode_configuration.as_str())
            .collect::<Vec<_>>(),
    )?;
    cols.set_item("gap_mm", floats(|x| x.equipment.gap_mm))?;
    cols.set_item(
        "working_distance_mm",
        floats(|x| x.equipment.working_distance_mm),
    )?;
    cols.set_item("height_mm", floats(|x| x.equipment.enclosure.height_mm))?;
    cols.set_item("width_mm", floats(|x| x.equipment.enclosure.width_mm))?;
    cols.set_item("depth_mm", floats(|x| x.equipment.enclosure.depth_mm))?;
    cols.set_item("cf", floats(|x| x.cf))?;
    cols.set_item("var_cf", floats(|x| x.var_cf))?;
    cols.set_item(
        "typical_values",
        b.iter()
            .map(|x| x.typical_values.clone())
            .collect::<Vec<_>>(),
    )?;
    let helper = py.import("ampflux._frames")?.getattr("frame")?;
    let df = helper.call1((cols, vec!["id"]))?;
    let attrs = df.getattr("attrs")?;
    attrs.set_item("study", json_py!(py, &report.study)?)?;
    attrs.set_item("network_digest", &report.network_digest)?;
    attrs.set_item("warnings", issues_to_py(&report.warnings))?;
    attrs.set_item("report", json_py!(py, report)?)?;
    Ok(df)
}

/// One SVG label per bus (`{bus id: svg text}`).
pub(crate) fn labels<'py>(
    py: Python<'py>,
    report: &ArcFlashReport,
    date: Option<String>,
    study: Option<String>,
    ppe_category: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let options = LabelOptions {
        date,
        study,
        method: if ppe_category {
            LabelMethod::PpeCategory
        } else {
            LabelMethod::IncidentEnergy
        },
    };
    let out = PyDict::new(py);
    for b in &report.buses {
        out.set_item(&b.id, label_svg(b, &options))?;
    }
    Ok(out)
}

/// Selectivity options from keywords.
pub(crate) fn selectivity_options(map: Map<String, Value>) -> PyResult<SelectivityOptions> {
    SelectivityOptions::from_value(nest(map, &["cti_s", "buses"])).map_err(|e| PyAmpErr(e).into())
}

/// Runs the selectivity study and returns its DataFrame indexed by (upstream, downstream).
pub(crate) fn selectivity_frame<'py>(
    py: Python<'py>,
    net: std::sync::Arc<Network>,
    options: SelectivityOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let report: SelectivityReport = run(py, move || core_selectivity(&net, &options))?;
    let rows = serde_json::to_value(&report.pairs).expect("rows serialize");
    let pd = py.import("pandas")?;
    let records = conv::to_py(py, &rows)?;
    let columns = vec![
        "upstream",
        "downstream",
        "fault_bus",
        "current_upstream_ka",
        "current_downstream_ka",
        "time_upstream_s",
        "time_downstream_s",
        "margin_s",
        "required_s",
        "pass",
        "reason",
    ];
    let kw = PyDict::new(py);
    kw.set_item("columns", columns)?;
    let df = pd.getattr("DataFrame")?.call((records,), Some(&kw))?;
    let df = df.call_method1("set_index", (vec!["upstream", "downstream"],))?;
    let attrs = df.getattr("attrs")?;
    attrs.set_item("study", json_py!(py, &report.study)?)?;
    attrs.set_item("network_digest", &report.network_digest)?;
    attrs.set_item("warnings", issues_to_py(&report.warnings))?;
    Ok(df)
}

/// The TCC of `devices` as a dict (curves, marks), with the SVG drawing under `"svg"` when
/// asked.
pub(crate) fn tcc<'py>(
    py: Python<'py>,
    net: std::sync::Arc<Network>,
    options: TccOptions,
    svg: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let title = net.name.clone().unwrap_or_else(|| "TCC".into());
    let report = run(py, move || core_tcc(&net, &options))?;
    let mut value = serde_json::to_value(&report).expect("reports serialize");
    if svg && let Value::Object(m) = &mut value {
        m.insert("svg".into(), Value::String(tcc_svg(&report, &title)));
    }
    conv::to_py(py, &value)
}

/// `ampflux.ieee1584(voc_kv, config, gap_mm, distance_mm, ibf_ka, time_ms, time_min_ms=None,
/// height_mm=None, width_mm=None, depth_mm=None)`: one IEEE 1584-2018 calculation.
///
/// Returns a dict with `iarc_ka`, `iarc_min_ka`, `energy_j_per_cm2`, `energy_min_j_per_cm2`,
/// `afb_mm`, `afb_min_mm`, `cf`, `var_cf`, `incident_energy_j_per_cm2`,
/// `incident_energy_cal_per_cm2`, `ppe_category` (the last three for the governing scenario),
/// and the intermediate values (`currents`, `energies`, `enclosure_correction`, `warnings`).
/// Raises `OptionError` for parameters outside the model's range (voltage, current).
#[pyfunction]
#[pyo3(signature = (voc_kv, config, gap_mm, distance_mm, ibf_ka, time_ms, time_min_ms=None, height_mm=None, width_mm=None, depth_mm=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn ieee1584<'py>(
    py: Python<'py>,
    voc_kv: f64,
    config: &str,
    gap_mm: f64,
    distance_mm: f64,
    ibf_ka: f64,
    time_ms: f64,
    time_min_ms: Option<f64>,
    height_mm: Option<f64>,
    width_mm: Option<f64>,
    depth_mm: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let config = ElectrodeConfiguration::parse(config).ok_or_else(|| {
        option_error(
            "config",
            format!("unknown electrode configuration {config:?}: VCB, VCBB, HCB, VOA or HOA"),
        )
    })?;
    let params = Ieee1584Params {
        voc_kv,
        config,
        gap_mm,
        distance_mm,
        height_mm,
        width_mm,
        depth_mm,
        ibf_ka,
        time_ms,
        time_min_ms,
    };
    let result = run(py, move || core_ieee1584(&params))?;
    json_py!(py, &result)
}

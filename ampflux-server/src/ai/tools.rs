//! The tools the model may call on the project of the request:
//!
//! - `get_circuit_summary`: voltage levels, element counts, buses, key ratings of a version;
//! - `run_short_circuit`: a study of the core on the latest version, requested through
//!   [`Simulations::run_and_wait`] like any simulation (same access rules, plan limits,
//!   audit, and the cache by circuit digest and options), then awaited;
//! - `check_equipment_duty` and `explain_arc_flash`: the core's equipment duty and arc-flash
//!   studies through the same job path (in [`super::equipment`]);
//! - `compare_versions`: the core's `version::diff` of two versions, through
//!   [`Circuits::diff_versions`] like `GET .../diff`.
//!
//! A tool's failure (no write access, a study the circuit lacks data for) is told to the
//! model as `{"error": {code, message}}`; it does not fail the request.

use std::time::Duration;

use ampflux_core::{Network, StudyReport};
use serde_json::{Map, Value, json};

use super::ToolRun;
use super::context;
use super::equipment;
use super::provider::ToolCall;
use crate::db::{circuits::Version, projects::Project};
use crate::error::{Error, Result};
use crate::services::Actor;
use crate::services::circuits::{Circuits, VersionRef};
use crate::services::simulations::Simulations;

/// Study options the model may set in `run_short_circuit`.
const STUDY_KEYS: &[&str] = &[
    "fault",
    "case",
    "buses",
    "ip_method",
    "tk_s",
    "tmin_s",
    "r_fault_ohm",
    "x_fault_ohm",
];

/// Buses listed by highest current in a tool's answer.
const TOP_BUSES: usize = 10;

/// The tools that request a simulation (counted against `AI_MAX_SIMULATIONS`).
pub fn runs_simulation(name: &str) -> bool {
    matches!(
        name,
        "run_short_circuit" | "check_equipment_duty" | "explain_arc_flash"
    )
}

/// The tool definitions sent to the model (OpenAI function-calling format).
pub fn definitions() -> Vec<Value> {
    vec![
        json!({"type": "function", "function": {
            "name": "get_circuit_summary",
            "description": "Summary of the project's circuit: voltage levels, element counts, buses with nominal voltages, sources and transformers with their key data, ratings given in the circuit.",
            "parameters": {"type": "object", "properties": {
                "version": {"type": "integer", "description": "Circuit version number; default the latest."}
            }, "additionalProperties": false}
        }}),
        json!({"type": "function", "function": {
            "name": "run_short_circuit",
            "description": "Computes short-circuit currents per IEC 60909-0 on the latest circuit version with the AmpFlux engine (results are cached: the same study is never computed twice). Returns the simulation id and, per bus, I''k, i_p, I_b, I_th in kA (the buses with the highest I''k, and the buses asked for).",
            "parameters": {"type": "object", "properties": {
                "fault": {"type": "string", "enum": ["3ph", "2ph", "1ph", "2phe"], "description": "Fault type: three-phase, line-to-line, line-to-earth, double line-to-earth. Default 3ph."},
                "case": {"type": "string", "enum": ["max", "min"], "description": "Maximum or minimum short-circuit currents. Default max."},
                "buses": {"type": "array", "items": {"type": "string"}, "description": "Fault buses (ids); default all."},
                "tk_s": {"type": "number", "description": "Fault duration T_k in s for I_th (default 1)."},
                "ip_method": {"type": "string", "enum": ["b", "c"], "description": "Method of the peak factor kappa in meshed networks (default c)."},
                "tmin_s": {"type": "number", "description": "Minimum time delay t_min in s for I_b (default 0.1)."},
                "r_fault_ohm": {"type": "number", "description": "Fault resistance in ohm (default 0)."},
                "x_fault_ohm": {"type": "number", "description": "Fault reactance in ohm (default 0)."}
            }, "additionalProperties": false}
        }}),
        json!({"type": "function", "function": {
            "name": "check_equipment_duty",
            "description": "Runs the AmpFlux equipment duty study on the latest circuit version (cached like any simulation): every breaker, fuse, switch, busbar and cable against its ratings (breaking, breaking_asym, service_breaking, dc_component, making, short_time, peak, cable_thermal), worst case over the fault types and scenarios. Returns the summary per verdict (pass, marginal, fail, unrated), the failing and marginal checks with duty, rating, utilization and the governing fault type, location and scenario, and every check of the elements asked for.",
            "parameters": {"type": "object", "properties": {
                "elements": {"type": "array", "items": {"type": "string"}, "description": "Element ids (buses, switches, lines) whose checks to list in full."},
                "scenarios": {"type": "array", "items": {"type": "string"}, "description": "Scenario ids of the envelope (`base`: the circuit as drawn). Default base only."},
                "all_scenarios": {"type": "boolean", "description": "Every scenario of the circuit and the base (default false)."},
                "duty_basis": {"type": "string", "enum": ["bus_total", "through"], "description": "Current a device carries: its bus's total fault current (default, conservative) or the current through it."},
                "faults": {"type": "array", "items": {"type": "string", "enum": ["3ph", "2ph", "1ph", "2phe"]}, "description": "Fault types of the envelope; default every type the circuit allows."},
                "tk_s": {"type": "number", "description": "Fault duration T_k in s (default 1)."},
                "tmin_s": {"type": "number", "description": "Minimum time delay t_min in s for I_b (default 0.1)."},
                "marginal_percent": {"type": "number", "description": "Utilization in percent from which a passing check is marginal (default 90)."}
            }, "additionalProperties": false}
        }}),
        json!({"type": "function", "function": {
            "name": "explain_arc_flash",
            "description": "The AmpFlux arc-flash result (IEEE 1584-2018) of one bus on the latest circuit version (the study of every bus is computed once and cached): bolted current Ibf, arcing currents of both scenarios (full and reduced), their clearing times and the device that clears each, the governing scenario, incident energy in J/cm2 and cal/cm2, arc-flash boundary, NFPA 70E PPE category, the sources' contributions and the warnings (typical equipment values used, contributions no device interrupts).",
            "parameters": {"type": "object", "properties": {
                "bus": {"type": "string", "description": "Bus id."},
                "energy_method": {"type": "string", "enum": ["single_step", "step_wise"], "description": "Single-step energy (default, conservative) or step-wise as sources clear."},
                "max_arc_duration_s": {"type": "number", "description": "Longest arc duration in s (default 2)."}
            }, "required": ["bus"], "additionalProperties": false}
        }}),
        json!({"type": "function", "function": {
            "name": "compare_versions",
            "description": "Differences between two versions of the project's circuit: elements added, removed and changed, with the changed fields.",
            "parameters": {"type": "object", "properties": {
                "from": {"type": "integer", "description": "Older version number; default the one before the latest."},
                "to": {"type": "integer", "description": "Newer version number; default the latest."}
            }, "additionalProperties": false}
        }}),
    ]
}

/// Who runs the tools, on which project.
pub struct ToolEnv<'a> {
    /// The circuit versions.
    pub circuits: &'a Circuits,
    /// The simulations.
    pub simulations: &'a Simulations,
    /// The caller (the tools act with the caller's rights) and the request's origin.
    pub actor: &'a Actor,
    /// The project.
    pub project: &'a Project,
    /// How long a tool waits for its simulation.
    pub wait: Duration,
}

/// What a tool call gave: the text for the model and the record for the response.
pub struct ToolOutcome {
    /// JSON text answered to the model.
    pub content: String,
    /// The record of the call.
    pub run: ToolRun,
}

/// Runs one tool call of the model.
pub async fn run(env: &ToolEnv<'_>, call: &ToolCall) -> ToolOutcome {
    let name = call.function.name.as_str();
    let arguments: Value = if call.function.arguments.trim().is_empty() {
        json!({})
    } else {
        match serde_json::from_str(&call.function.arguments) {
            Ok(v) => v,
            Err(e) => {
                return failed(
                    name,
                    Value::String(call.function.arguments.clone()),
                    "invalid_arguments",
                    &format!("the arguments are not JSON: {e}"),
                );
            }
        }
    };
    let Some(args) = arguments.as_object().cloned() else {
        return failed(
            name,
            arguments,
            "invalid_arguments",
            "the arguments must be an object",
        );
    };
    let result = match name {
        "get_circuit_summary" => circuit_summary(env, &args).await.map(|v| (v, None)),
        "run_short_circuit" => run_short_circuit(env, &args).await,
        "check_equipment_duty" => equipment::check_equipment_duty(env, &args).await,
        "explain_arc_flash" => equipment::explain_arc_flash(env, &args).await,
        "compare_versions" => compare_versions(env, &args).await.map(|v| (v, None)),
        other => Err(Error::invalid_field(
            "name",
            "unknown_tool",
            format!(
                "there is no tool `{other}`; use get_circuit_summary, run_short_circuit, \
                 check_equipment_duty, explain_arc_flash or compare_versions"
            ),
        )),
    };
    match result {
        Ok((value, simulation_id)) => ToolOutcome {
            content: value.to_string(),
            run: ToolRun {
                name: name.to_string(),
                arguments,
                ok: true,
                simulation_id,
            },
        },
        Err(e) => {
            let body = e.body();
            failed(name, arguments, &body.code, &body.message)
        }
    }
}

/// A tool call that is not run (a bound of the tool loop), told to the model as an error.
pub fn refused(call: &ToolCall, code: &str, message: &str) -> ToolOutcome {
    let arguments = serde_json::from_str(&call.function.arguments)
        .unwrap_or_else(|_| Value::String(call.function.arguments.clone()));
    failed(&call.function.name, arguments, code, message)
}

fn failed(name: &str, arguments: Value, code: &str, message: &str) -> ToolOutcome {
    ToolOutcome {
        content: json!({"error": {"code": code, "message": message}}).to_string(),
        run: ToolRun {
            name: name.to_string(),
            arguments,
            ok: false,
            simulation_id: None,
        },
    }
}

fn version_arg(args: &Map<String, Value>, key: &str) -> Result<Option<i64>> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().filter(|n| *n >= 1).map(Some).ok_or_else(|| {
            Error::invalid_field(key, "invalid_version", "must be a version number from 1")
        }),
    }
}

pub(super) async fn network_of(
    env: &ToolEnv<'_>,
    version: Option<i64>,
) -> Result<(Version, Network)> {
    let which = version.map_or(VersionRef::Latest, VersionRef::Number);
    env.circuits
        .load(&env.project.company_id, &env.project.id, which)
        .await?
        .ok_or(Error::NotFound("circuit version"))
}

async fn circuit_summary(env: &ToolEnv<'_>, args: &Map<String, Value>) -> Result<Value> {
    if let Some(k) = args.keys().find(|k| k.as_str() != "version") {
        return Err(Error::invalid_field(
            k,
            "unknown_argument",
            "not an argument of this tool",
        ));
    }
    let (v, net) = network_of(env, version_arg(args, "version")?).await?;
    let buses: Vec<Value> = net
        .buses
        .iter()
        .take(200)
        .map(|b| json!({"id": b.id, "vn_kv": b.vn_kv, "name": b.name}))
        .collect();
    let ratings = context::rating_fields(&net);
    Ok(json!({
        "version": v.version,
        "digest": v.digest,
        "name": net.name,
        "frequency_hz": net.frequency_hz,
        "voltage_levels": context::voltage_levels(&net).iter()
            .map(|(kv, n)| json!({"vn_kv": kv, "buses": n})).collect::<Vec<_>>(),
        "counts": context::counts(&net).into_iter()
            .map(|(t, n)| (t.to_string(), json!(n))).collect::<Map<String, Value>>(),
        "buses": buses,
        "buses_not_listed": net.buses.len().saturating_sub(200),
        "sources_and_transformers": context::key_ratings(&net).into_iter()
            .filter(|l| !l.starts_with("- rating")).take(60).map(|l| l.trim_start_matches("- ").to_string())
            .collect::<Vec<_>>(),
        "ratings": ratings,
    }))
}

async fn run_short_circuit(
    env: &ToolEnv<'_>,
    args: &Map<String, Value>,
) -> Result<(Value, Option<String>)> {
    if let Some(k) = args.keys().find(|k| !STUDY_KEYS.contains(&k.as_str())) {
        return Err(Error::invalid_field(
            k,
            "unknown_argument",
            "not an argument of this tool",
        ));
    }
    let study = Value::Object(args.clone());
    let (sim, report) = env
        .simulations
        .run_and_wait::<StudyReport>(env.actor, &env.project.id, study, env.wait)
        .await?;
    let bus_json = |b: &ampflux_core::BusResult| {
        let mut v = json!({"bus": b.id, "vn_kv": b.vn_kv, "ikss_ka": round(b.ikss_ka),
            "ip_ka": round(b.ip_ka), "ib_ka": round(b.ib_ka), "ith_ka": round(b.ith_ka),
            "skss_mva": round(b.skss_mva), "kappa": round(b.kappa)});
        if let Some(e) = b.ikss_earth_ka {
            v["ikss_earth_ka"] = json!(round(e));
        }
        if b.status != ampflux_core::BusStatus::Ok {
            v["status"] = json!(b.status);
        }
        v
    };
    // locations outside IEC 60909 (earth faults in isolated or resonance-earthed systems) and
    // unsupplied ones have no I''k (NaN, which total_cmp would rank first)
    let mut sorted: Vec<_> = report
        .buses
        .iter()
        .filter(|b| b.ikss_ka.is_finite())
        .collect();
    sorted.sort_by(|a, b| b.ikss_ka.total_cmp(&a.ikss_ka).then(a.id.cmp(&b.id)));
    let asked: Vec<String> = args
        .get("buses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|b| b.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let requested: Vec<Value> = asked
        .iter()
        .filter_map(|id| report.bus(id))
        .map(bus_json)
        .collect();
    Ok((
        json!({
            "simulation_id": sim.id,
            "circuit_version": sim.circuit_version,
            "study": {"fault": report.study.fault, "case": report.study.case, "tk_s": report.study.tk_s},
            "computed_before": sim.cached,
            "buses_computed": report.buses.len(),
            "highest_ikss": sorted.into_iter().take(TOP_BUSES).map(bus_json).collect::<Vec<_>>(),
            "requested_buses": requested,
            "warnings": report.warnings.iter().take(5).map(|w| w.message.clone()).collect::<Vec<_>>(),
        }),
        Some(sim.id.to_string()),
    ))
}

/// Only `allowed` arguments (and `extra`), else an error naming the first other one.
pub(super) fn only(args: &Map<String, Value>, allowed: &[&str], extra: &str) -> Result<()> {
    match args
        .keys()
        .find(|k| k.as_str() != extra && !allowed.contains(&k.as_str()))
    {
        Some(k) => Err(Error::invalid_field(
            k,
            "unknown_argument",
            "not an argument of this tool",
        )),
        None => Ok(()),
    }
}

/// The string items of the array argument `key` (absent: none).
pub(super) fn strings(args: &Map<String, Value>, key: &str) -> Result<Vec<String>> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    Error::invalid_field(key, "invalid_argument", "must be a list of ids")
                })
            })
            .collect(),
        Some(_) => Err(Error::invalid_field(
            key,
            "invalid_argument",
            "must be a list of ids",
        )),
    }
}

fn round(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e4).round() / 1e4
    } else {
        x
    }
}

async fn compare_versions(env: &ToolEnv<'_>, args: &Map<String, Value>) -> Result<Value> {
    if let Some(k) = args.keys().find(|k| !["from", "to"].contains(&k.as_str())) {
        return Err(Error::invalid_field(
            k,
            "unknown_argument",
            "not an argument of this tool",
        ));
    }
    let which = |v: Option<i64>| v.map_or(VersionRef::Latest, VersionRef::Number);
    let (company, project) = (&env.project.company_id, &env.project.id);
    let to_v = env
        .circuits
        .version_of(company, project, which(version_arg(args, "to")?))
        .await?
        .ok_or(Error::NotFound("circuit version"))?;
    let from = match version_arg(args, "from")? {
        Some(n) => n,
        None if to_v.version > 1 => to_v.version - 1,
        None => {
            return Err(Error::invalid_field(
                "from",
                "no_earlier_version",
                "the circuit has only one version",
            ));
        }
    };
    let from_v = env
        .circuits
        .version_of(company, project, VersionRef::Number(from))
        .await?
        .ok_or(Error::NotFound("circuit version"))?;
    let diff = env.circuits.diff_versions(company, from_v, to_v).await?;
    let (count, summary, changes) = (diff.count, diff.summary, diff.changes);
    let mut changes = changes;
    let mut left_out = 0;
    if let Some(list) = changes.as_array_mut()
        && list.len() > 40
    {
        left_out = list.len() - 40;
        list.truncate(40);
    }
    Ok(json!({
        "from": diff.from.version,
        "to": diff.to.version,
        "count": count,
        "summary": summary,
        "changes": changes,
        "changes_not_listed": left_out,
    }))
}

//! The assistant's tools over the core's equipment studies, each requested through
//! [`crate::services::simulations::Simulations::run_and_wait`] like any simulation (same
//! access rules, plan limits, audit, and the cache by circuit digest and options):
//!
//! - `check_equipment_duty`: the equipment duty study (`"kind": "duty"`): its summary, the
//!   failing and marginal checks and every check of the elements asked for, as the core's rows;
//! - `explain_arc_flash`: the IEEE 1584-2018 arc-flash study of every bus (`"kind":
//!   "arc_flash"`, one cached study whichever bus is asked about) and the core's row of the bus
//!   asked for.

use ampflux_core::arcflash::{ArcFlashBus, ArcFlashReport};
use ampflux_core::duty::{DutyCheck, DutyReport, Verdict};
use serde_json::{Map, Value, json};

use super::tools::{ToolEnv, network_of, only, strings};
use crate::error::{Error, Result};

/// Options the model may set in `check_equipment_duty` (besides `elements`).
const DUTY_KEYS: &[&str] = &[
    "scenarios",
    "all_scenarios",
    "duty_basis",
    "faults",
    "tk_s",
    "tmin_s",
    "marginal_percent",
];

/// Options the model may set in `explain_arc_flash` (besides `bus`).
const ARC_FLASH_KEYS: &[&str] = &["energy_method", "max_arc_duration_s"];

/// Failing or marginal duty checks listed in a tool's answer (each list).
const TOP_CHECKS: usize = 20;

/// Contributions of one arc-flash scenario listed in a tool's answer.
const TOP_CONTRIBUTIONS: usize = 20;

/// The core's equipment duty study through the job path: its summary, the failing and
/// marginal checks (highest utilization first) and every check of the elements asked for.
pub(super) async fn check_equipment_duty(
    env: &ToolEnv<'_>,
    args: &Map<String, Value>,
) -> Result<(Value, Option<String>)> {
    only(args, DUTY_KEYS, "elements")?;
    let elements = strings(args, "elements")?;
    let mut study = args.clone();
    study.remove("elements");
    let (sim, report) = env
        .simulations
        .run_and_wait::<DutyReport>(env.actor, &env.project.id, Value::Object(study), env.wait)
        .await?;
    let unknown: Vec<&str> = elements
        .iter()
        .filter(|id| report.checks_of(id).next().is_none())
        .map(String::as_str)
        .collect();
    let by_verdict = |verdict: Verdict| {
        let mut rows: Vec<&DutyCheck> = report
            .checks
            .iter()
            .filter(|c| c.verdict == verdict)
            .collect();
        rows.sort_by(|a, b| {
            let u = |c: &DutyCheck| c.utilization_percent.unwrap_or(0.0);
            u(b).total_cmp(&u(a))
        });
        json!({
            "count": rows.len(),
            "checks": rows.iter().take(TOP_CHECKS).collect::<Vec<_>>(),
        })
    };
    let asked: Vec<&DutyCheck> = report
        .checks
        .iter()
        .filter(|c| elements.contains(&c.element))
        .collect();
    let mut scenarios: Vec<&str> = Vec::new();
    for case in &report.cases {
        if !scenarios.contains(&case.scenario.as_str()) {
            scenarios.push(&case.scenario);
        }
    }
    Ok((
        json!({
            "simulation_id": sim.id,
            "circuit_version": sim.circuit_version,
            "computed_before": sim.cached,
            "study": report.study,
            "scenarios": scenarios,
            "summary": report.summary,
            "failing": by_verdict(Verdict::Fail),
            "marginal": by_verdict(Verdict::Marginal),
            "unrated": by_verdict(Verdict::Unrated)["count"],
            "requested_checks": asked,
            "elements_without_checks": unknown,
            "warnings": report.warnings.iter().take(5).map(|w| w.message.clone()).collect::<Vec<_>>(),
        }),
        Some(sim.id.to_string()),
    ))
}

/// The core's arc-flash study of every bus through the job path (one cached study whichever
/// bus is asked about), and its result for the bus asked for.
pub(super) async fn explain_arc_flash(
    env: &ToolEnv<'_>,
    args: &Map<String, Value>,
) -> Result<(Value, Option<String>)> {
    only(args, ARC_FLASH_KEYS, "bus")?;
    let bus = match args.get("bus") {
        Some(Value::String(b)) if !b.is_empty() => b.clone(),
        _ => {
            return Err(Error::invalid_field(
                "bus",
                "required",
                "give the id of the bus to explain",
            ));
        }
    };
    let mut study = args.clone();
    study.remove("bus");
    let (sim, report) = env
        .simulations
        .run_and_wait::<ArcFlashReport>(env.actor, &env.project.id, Value::Object(study), env.wait)
        .await?;
    let Some(row) = report.bus(&bus) else {
        return Err(no_arc_flash_result(env, &report, &bus, sim.circuit_version).await);
    };
    let mut facts = arc_flash_facts(row);
    if let Value::Object(map) = &mut facts {
        map.insert("simulation_id".into(), json!(sim.id));
        map.insert("circuit_version".into(), json!(sim.circuit_version));
        map.insert("computed_before".into(), json!(sim.cached));
        map.insert("study".into(), json!(report.study));
    }
    Ok((facts, Some(sim.id.to_string())))
}

/// The core's result of one bus as the model gets it: every field of the core's row, each
/// scenario with its contributions (at most 20, `TOP_CONTRIBUTIONS`), without the per-device
/// and per-step detail.
pub fn arc_flash_facts(row: &ArcFlashBus) -> Value {
    let mut facts = serde_json::to_value(row).unwrap_or(Value::Null);
    if let Some(scenarios) = facts.get_mut("scenarios").and_then(Value::as_array_mut) {
        for s in scenarios.iter_mut().filter_map(Value::as_object_mut) {
            s.remove("devices");
            s.remove("steps");
            if let Some(Value::Array(list)) = s.get_mut("contributions")
                && list.len() > TOP_CONTRIBUTIONS
            {
                let left = list.len() - TOP_CONTRIBUTIONS;
                list.truncate(TOP_CONTRIBUTIONS);
                s.insert("contributions_not_listed".into(), json!(left));
            }
        }
    }
    facts
}

/// Why `bus` has no row in the arc-flash report: the core's note about it (outside the
/// standard's range, unsupplied), out of service, or not a bus of the circuit.
async fn no_arc_flash_result(
    env: &ToolEnv<'_>,
    report: &ArcFlashReport,
    bus: &str,
    version: i64,
) -> Error {
    if let Some(note) = report
        .warnings
        .iter()
        .find(|w| w.element.as_deref() == Some(bus))
    {
        return Error::invalid_field(
            "bus",
            "no_arc_flash_result",
            format!("bus `{bus}` has no arc-flash result: {}", note.message),
        );
    }
    let found = match network_of(env, Some(version)).await {
        Ok((_, net)) => net.buses.iter().find(|b| b.id == bus).map(|b| b.in_service),
        Err(e) => return e,
    };
    match found {
        Some(Some(false)) => Error::invalid_field(
            "bus",
            "no_arc_flash_result",
            format!("bus `{bus}` is out of service in circuit version {version}"),
        ),
        Some(_) => Error::invalid_field(
            "bus",
            "no_arc_flash_result",
            format!("bus `{bus}` has no arc-flash result in circuit version {version}"),
        ),
        None => Error::invalid_field(
            "bus",
            "unknown_bus",
            format!("there is no bus `{bus}` in circuit version {version}"),
        ),
    }
}

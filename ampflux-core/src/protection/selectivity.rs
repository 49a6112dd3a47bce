//! Selectivity between devices in series: for each pair of neighbouring devices on the path
//! from a fault to a source, the downstream device (nearer the fault) must clear before the
//! upstream one starts to operate, with a coordination time interval (CTI) between them, at
//! the largest fault current through both.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::topology::{Grid, device_currents_ka};
use super::{Band, Characteristic, characteristic};
use crate::error::{Error, Issue, Result};
use crate::model::{Network, Table, in_service};
use crate::study::{FaultKind, StudyOptions};

/// What a selectivity study checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelectivityOptions {
    /// Coordination time interval in s required between a relay and the device below it
    /// (default 0.2 s); other upstream devices (fuses, trip units, whose bands include their
    /// tolerances) need only band separation.
    pub cti_s: f64,
    /// Fault buses (default: every in-service bus).
    pub buses: Option<Vec<String>>,
    /// Options of the IEC 60909 study giving the currents (the fault is always three-phase).
    pub short_circuit: StudyOptions,
}

impl Default for SelectivityOptions {
    fn default() -> Self {
        SelectivityOptions {
            cti_s: 0.2,
            buses: None,
            short_circuit: StudyOptions::default(),
        }
    }
}

impl SelectivityOptions {
    /// Reads options from a JSON object; unknown names and wrong types name the option.
    pub fn from_value(value: Value) -> Result<SelectivityOptions> {
        serde_path_to_error::deserialize(value).map_err(|err| {
            let path = err.path().to_string();
            Error::option(&path, err.into_inner().to_string())
        })
    }
}

/// The check of one pair of devices in series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectivityPair {
    /// Device farther from the fault (should operate last).
    pub upstream: String,
    /// Device nearer the fault (should clear first).
    pub downstream: String,
    /// The fault with the largest current through the downstream device among those where
    /// both are in series.
    pub fault_bus: String,
    /// Current through the upstream device in kA.
    pub current_upstream_ka: f64,
    /// Current through the downstream device in kA.
    pub current_downstream_ka: f64,
    /// Earliest operation of the upstream device in s (lower band edge; `null`: it does not
    /// operate).
    pub time_upstream_s: Option<f64>,
    /// Total clearing time of the downstream device in s (`null`: it does not operate).
    pub time_downstream_s: Option<f64>,
    /// Upstream time minus downstream time in s (`null` when either does not operate).
    pub margin_s: Option<f64>,
    /// The margin required: `cti_s` when the upstream device is a relay, 0 otherwise.
    pub required_s: f64,
    /// Whether the pair is selective at that current.
    pub pass: bool,
    /// Why, in words.
    pub reason: String,
}

/// The result of a selectivity study.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectivityReport {
    /// The options it ran with.
    pub study: SelectivityOptions,
    /// SHA-256 digest of the network.
    pub network_digest: String,
    /// One row per pair of neighbouring devices in series.
    pub pairs: Vec<SelectivityPair>,
    /// Notes of the short-circuit study.
    pub warnings: Vec<Issue>,
}

/// Checks selectivity between every pair of neighbouring devices in series on the paths from
/// each fault bus to the sources (motors excepted: their decaying contributions are not
/// coordinated), at the fault with the largest current through the downstream device.
pub fn selectivity(net: &Network, options: &SelectivityOptions) -> Result<SelectivityReport> {
    if !(options.cti_s.is_finite() && options.cti_s >= 0.0) {
        return Err(Error::option(
            "cti_s",
            format!("must be >= 0 s, got {}", options.cti_s),
        ));
    }
    let mut sc = options.short_circuit.clone();
    sc.fault = FaultKind::ThreePhase;
    sc.branch_results = true;
    sc.line_faults.clear();
    sc.buses = options.buses.clone().or_else(|| {
        Some(
            net.buses
                .iter()
                .filter(|b| in_service(b.in_service))
                .map(|b| b.id.clone())
                .collect(),
        )
    });
    let report = crate::short_circuit(net, &sc)?;
    let grid = Grid::new(net);
    let chars: Vec<Option<Characteristic>> = net
        .protective_devices
        .iter()
        .map(|d| characteristic(d, net.frequency_hz).ok())
        .collect();
    let mut rows: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for r in &report.branches {
        rows.entry(r.fault_bus.as_str()).or_default().push(r);
    }
    // (downstream, upstream) -> (current downstream kA, current upstream kA, fault bus)
    let mut best: BTreeMap<(usize, usize), (f64, f64, String)> = BTreeMap::new();
    for bus in &report.buses {
        let Some(fault) = grid.node(&bus.id) else {
            continue;
        };
        let currents = device_currents_ka(
            net,
            rows.get(bus.id.as_str()).map_or(&[][..], Vec::as_slice),
        );
        for path in grid.paths(fault) {
            if path.source.table == Table::Motors {
                continue;
            }
            for w in path.devices.windows(2) {
                let (d, u) = (w[0], w[1]);
                if chars[d].is_none() || chars[u].is_none() || currents[d] <= 0.0 {
                    continue;
                }
                let e = best.entry((d, u)).or_insert((0.0, 0.0, String::new()));
                if currents[d] > e.0 {
                    *e = (currents[d], currents[u], bus.id.clone());
                }
            }
        }
    }
    let pairs = best
        .into_iter()
        .map(|((d, u), (i_d, i_u, fault_bus))| {
            pair(net, &chars, options.cti_s, (d, i_d), (u, i_u), fault_bus)
        })
        .collect();
    Ok(SelectivityReport {
        study: options.clone(),
        network_digest: net.digest(),
        pairs,
        warnings: report.warnings,
    })
}

fn pair(
    net: &Network,
    chars: &[Option<Characteristic>],
    cti_s: f64,
    (d, i_d): (usize, f64),
    (u, i_u): (usize, f64),
    fault_bus: String,
) -> SelectivityPair {
    let (cd, cu) = (
        chars[d].as_ref().expect("checked"),
        chars[u].as_ref().expect("checked"),
    );
    let t_d = cd.time_s(i_d * 1000.0, Band::Max);
    let t_u = cu.time_s(i_u * 1000.0, Band::Min);
    let required_s = if matches!(cu, Characteristic::Relay(_)) {
        cti_s
    } else {
        0.0
    };
    let margin_s = match (t_u, t_d) {
        (Some(u), Some(d)) => Some(u - d),
        _ => None,
    };
    let (pass, reason) = match (t_u, t_d, margin_s) {
        (None, _, _) => (
            true,
            "the upstream device does not operate at this current".to_string(),
        ),
        (Some(_), None, _) => (
            false,
            "the downstream device does not operate at this current; the upstream one does"
                .to_string(),
        ),
        (_, _, Some(m)) if m >= required_s - 1e-12 => (
            true,
            format!("margin {m:.3} s >= required {required_s:.3} s"),
        ),
        (_, _, Some(m)) => (
            false,
            format!("margin {m:.3} s < required {required_s:.3} s"),
        ),
        _ => unreachable!("all cases covered"),
    };
    SelectivityPair {
        upstream: net.protective_devices[u].id.clone(),
        downstream: net.protective_devices[d].id.clone(),
        fault_bus,
        current_upstream_ka: i_u,
        current_downstream_ka: i_d,
        time_upstream_s: t_u,
        time_downstream_s: t_d,
        margin_s,
        required_s,
        pass,
        reason,
    }
}

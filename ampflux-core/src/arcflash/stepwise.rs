//! Step-wise incident energy: the arc is cut into steps at each device opening (and at the
//! motors' decay and the converters' trip). Each step has the bolted current of the sources
//! still connected (a new three-phase solve of the network with the opened switches open and the motors or
//! converters that stopped out of service), its arcing current and its
//! devices' currents; each device accumulates its operation as Δt/t(I) of its total clearing
//! time at the step's current and opens when the sum reaches 1 (the integral form of IEEE
//! C37.112 applied to every device). Incident energy is proportional to the duration in
//! equations (3) to (6), so the intermediate energies of the steps add up, and the arc-flash
//! boundary follows from their sum. The sources feeding each step are those with a partial
//! current in that step's solve (IEC 60909 partial short-circuit currents).

use super::clearing::{Clearing, Limits, SELF_ENDING, SourceEnd, cap_ends, note_ends};
use super::{ArcScenario, EnergySum, Equipment};
use crate::error::Result;
use crate::model::{Network, Table};
use crate::protection::Characteristic;
use crate::protection::topology::{Grid, device_currents_ka};
use crate::study::{BusStatus, PartialCurrent, StudyOptions};

/// One step of an arc.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArcStep {
    /// Start of the step in ms.
    pub start_ms: f64,
    /// Duration in ms.
    pub duration_ms: f64,
    /// Bolted current of the sources still connected in kA.
    pub ibf_ka: f64,
    /// Arcing current of the step in kA.
    pub iarc_ka: f64,
}

/// The result of the step-wise analysis of one scenario.
pub(crate) struct Steps {
    pub clearing: Clearing,
    /// When each device opened, in s.
    pub opened_at_s: Vec<Option<f64>>,
    pub energy: EnergySum,
    pub steps: Vec<ArcStep>,
    /// Steps whose bolted current left the model's range.
    pub out_of_range: bool,
    /// The partial currents of the sources in the bolted fault (the first step).
    pub partials: Vec<PartialCurrent>,
}

/// Relative tolerance for devices reaching their operation in the same instant.
const SAME_TIME: f64 = 1e-9;

/// Parameters of one step-wise analysis.
pub(crate) struct Setup<'a> {
    pub net: &'a Network,
    pub grid: &'a Grid,
    pub chars: &'a [Option<Characteristic>],
    pub bus: &'a str,
    pub fault: usize,
    pub eq: &'a Equipment,
    pub cf: f64,
    pub limits: Limits,
    pub short_circuit: &'a StudyOptions,
}

/// Runs the steps of `scenario` at the bus.
pub(crate) fn steps(s: &Setup<'_>, scenario: ArcScenario) -> Result<Steps> {
    let n = s.chars.len();
    let mut opened = vec![false; n];
    let mut opened_at_s = vec![None; n];
    let mut progress = vec![0.0; n];
    let mut ended: Vec<Table> = Vec::new();
    let mut t = 0.0;
    let mut energy: Option<EnergySum> = None;
    let mut steps = Vec::new();
    let mut out_of_range = false;
    let mut first_ops: Option<Vec<(usize, f64, Option<f64>)>> = None;
    let mut partials: Option<Vec<PartialCurrent>> = None;
    let mut result = Clearing {
        time_s: s.limits.max_arc_duration_s,
        device: None,
        ended_by_sources: None,
        uninterrupted: Vec::new(),
        limited: false,
        operations: Vec::new(),
        ends: Vec::new(),
    };
    // the sources feeding the previous step, and what changed since
    let mut feeding: Vec<usize> = Vec::new();
    let mut cause = SourceEnd::ByItself;
    loop {
        let connected: Vec<usize> = s
            .grid
            .connected_sources(s.fault, &opened)
            .into_iter()
            .filter(|&src| !ended.contains(&s.grid.sources[src].1.table))
            .collect();
        if connected.is_empty() {
            note_ends(&mut result.ends, &feeding, &[], t, cause);
            result.time_s = t;
            break;
        }
        if t >= s.limits.max_arc_duration_s {
            let still: Vec<usize> = feeding
                .iter()
                .copied()
                .filter(|src| connected.contains(src))
                .collect();
            note_ends(&mut result.ends, &feeding, &still, t, cause);
            note_ends(&mut result.ends, &still, &[], t, SourceEnd::Limit);
            result.time_s = s.limits.max_arc_duration_s;
            result.limited = true;
            result.device = None;
            result.ended_by_sources = None;
            result.uninterrupted = still;
            break;
        }
        let (ibf, bolted, rows) = solve(s, &opened, &ended)?;
        let active: Vec<usize> = connected
            .into_iter()
            .filter(|&src| rows.iter().any(|r| r.source == s.grid.sources[src].1.id))
            .collect();
        note_ends(&mut result.ends, &feeding, &active, t, cause);
        if active.is_empty() || ibf <= 0.0 {
            result.time_s = t;
            break;
        }
        feeding.clone_from(&active);
        partials.get_or_insert(rows);
        out_of_range |= s.eq.check(ibf).iter().any(|f| f.is_error());
        let arc = s.eq.arcing_current(ibf, scenario);
        let scale = arc.iarc_ka / ibf;
        let rate = s.eq.energy_rate(ibf, &arc, s.cf);
        // each device's time at this step's current and the time left to its operation
        let times: Vec<Option<f64>> = (0..n)
            .map(|k| {
                let i = bolted[k] * scale * 1000.0;
                match &s.chars[k] {
                    Some(ch) if !opened[k] && i > 0.0 && s.grid.is_placed(k) => {
                        ch.clearing_time_s(i)
                    }
                    _ => None,
                }
            })
            .collect();
        if first_ops.is_none() {
            first_ops = Some(
                (0..n)
                    .filter(|&k| s.chars[k].is_some() && bolted[k] > 0.0 && s.grid.is_placed(k))
                    .map(|k| (k, bolted[k] * scale * 1000.0, times[k]))
                    .collect(),
            );
        }
        let mut next = s.limits.max_arc_duration_s;
        // the sources that stop by themselves, when they still feed the arc
        let mut self_end: Option<Table> = None;
        for table in SELF_ENDING {
            if let Some(d) = s.limits.source_end_s(table)
                && !ended.contains(&table)
                && active
                    .iter()
                    .any(|&src| s.grid.sources[src].1.table == table)
                && d.max(t) < next
            {
                next = d.max(t);
                self_end = Some(table);
            }
        }
        for k in 0..n {
            if let Some(tk) = times[k] {
                let at = t + (1.0 - progress[k]) * tk;
                if at < next {
                    next = at;
                    self_end = None;
                }
            }
        }
        let dt = next - t;
        let sum = energy.get_or_insert_with(|| EnergySum::zero_like(&rate));
        sum.add_step(&rate, dt * 1000.0);
        steps.push(ArcStep {
            start_ms: t * 1000.0,
            duration_ms: dt * 1000.0,
            ibf_ka: ibf,
            iarc_ka: arc.iarc_ka,
        });
        t = next;
        let mut last = None;
        for k in 0..n {
            if let Some(tk) = times[k] {
                progress[k] += dt / tk;
                if progress[k] >= 1.0 - SAME_TIME {
                    opened[k] = true;
                    opened_at_s[k] = Some(t);
                    last = Some(k);
                }
            }
        }
        if let Some(table) = self_end {
            ended.push(table);
        }
        result.device = last;
        result.ended_by_sources = if last.is_none() { self_end } else { None };
        cause = last.map_or(SourceEnd::ByItself, SourceEnd::Device);
    }
    cap_ends(&mut result.ends, s.limits.max_arc_duration_s);
    result.operations = first_ops.unwrap_or_default();
    let energy = energy.unwrap_or(match s.eq.is_low_voltage() {
        true => EnergySum::Low(0.0),
        false => EnergySum::High([0.0; 3]),
    });
    Ok(Steps {
        clearing: result,
        opened_at_s,
        energy,
        steps,
        out_of_range,
        partials: partials.unwrap_or_default(),
    })
}

/// The bolted current at the bus, the bolted currents through the devices and the partial
/// currents of the sources, with the devices in `opened` open and the sources of the `ended`
/// tables out of service.
fn solve(
    s: &Setup<'_>,
    opened: &[bool],
    ended: &[Table],
) -> Result<(f64, Vec<f64>, Vec<PartialCurrent>)> {
    let mut net = s.net.clone();
    for (k, d) in s.net.protective_devices.iter().enumerate() {
        if opened[k]
            && let Some(sw) = net.switches.iter_mut().find(|sw| sw.id == d.switch)
        {
            sw.closed = false;
        }
    }
    if ended.contains(&Table::Motors) {
        for m in &mut net.motors {
            m.in_service = Some(false);
        }
    }
    if ended.contains(&Table::Converters) {
        for c in &mut net.converters {
            c.in_service = Some(false);
        }
    }
    let mut o = s.short_circuit.clone();
    o.buses = Some(vec![s.bus.to_string()]);
    o.branch_results = true;
    o.partial_currents = true;
    let report = crate::short_circuit(&net, &o)?;
    let Some(b) = report
        .bus(s.bus)
        .filter(|b| b.status != BusStatus::Unsupplied)
    else {
        return Ok((0.0, vec![0.0; opened.len()], Vec::new()));
    };
    let rows: Vec<_> = report.branches.iter().collect();
    let ibf = b.ikss_ka;
    let bolted = device_currents_ka(&net, &rows);
    Ok((ibf, bolted, report.partial_currents))
}

//! Arc duration at a bus: which devices interrupt the contributions of the sources to an arc
//! there, and when the last contribution stops.
//!
//! Each device carries its branch current of the bolted fault scaled to the arcing current
//! (IEEE 1584-2018: the devices see the arcing current's share, not the bolted current) and
//! operates after its total clearing time at that current. Devices open in time order; after
//! each opening the sources still connected to the faulted bus are found again over the graph
//! of closed branches, so a meshed network is cleared only when every path is cut. The arc
//! lasts until no source feeds it; the device that removed the last source governs. The
//! sources that feed the arc are those with a partial current at the bus (the IEC 60909
//! partial short-circuit currents of the study): a source connected to the bus by the graph
//! but without a contribution does not hold the arc. Each contribution's own end (when, and by
//! which device or by itself) is kept for the report. Asynchronous motors may be taken to stop contributing after a decay time and converters
//! after their undervoltage trip; a source no device interrupts lasts the longest arc duration
//! and is flagged.

use serde::{Deserialize, Serialize};

use crate::model::Table;
use crate::protection::{Characteristic, topology::Grid};

/// One device's operation in an arc-flash scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceOperation {
    /// Device id.
    pub device: String,
    /// Current through the device during the arc in kA.
    pub current_ka: f64,
    /// Its total clearing time at that current in ms (`null`: it does not operate).
    pub time_ms: Option<f64>,
    /// Whether it opened before the arc ended.
    pub opened: bool,
    /// When it opened in ms (`null`: it did not open during the arc). With the single-step
    /// method this is `time_ms`; step-wise, the currents of later steps count too.
    pub opened_at_ms: Option<f64>,
}

/// How the arc at a bus ends in one scenario.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Clearing {
    /// Arc duration in s.
    pub time_s: f64,
    /// Device (index) whose opening removed the last source.
    pub device: Option<usize>,
    /// The arc ended when the sources of this table stopped by themselves (motors'
    /// decay, converters' undervoltage trip).
    pub ended_by_sources: Option<Table>,
    /// Sources (indices into the grid's sources) no device interrupted.
    pub uninterrupted: Vec<usize>,
    /// The arc was cut at the longest arc duration.
    pub limited: bool,
    /// Devices that carried current, with their times.
    pub operations: Vec<(usize, f64, Option<f64>)>,
    /// For each source that fed the arc (index into the grid's sources): when, in s, and how
    /// its contribution ended.
    pub ends: Vec<(usize, f64, SourceEnd)>,
}

/// What ended one source's contribution to an arc.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum SourceEnd {
    /// The opening of this device (index) cut its last path to the arc.
    Device(usize),
    /// It stopped by itself (motors' decay, converters' undervoltage trip).
    ByItself,
    /// Nothing stopped it within the longest arc duration.
    Limit,
}

/// Records the end of every source of `before` that is not in `after`.
pub(crate) fn note_ends(
    ends: &mut Vec<(usize, f64, SourceEnd)>,
    before: &[usize],
    after: &[usize],
    t: f64,
    cause: SourceEnd,
) {
    for &s in before.iter().filter(|s| !after.contains(s)) {
        ends.push((s, t, cause));
    }
}

/// Ends past the longest arc duration are cut there (and are then the limit's).
pub(crate) fn cap_ends(ends: &mut [(usize, f64, SourceEnd)], max_s: f64) {
    for e in ends.iter_mut().filter(|e| e.1 > max_s) {
        *e = (e.0, max_s, SourceEnd::Limit);
    }
}

/// Parameters of the clearing analysis.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Longest arc duration in s.
    pub max_arc_duration_s: f64,
    /// Decay time of asynchronous motors' contributions in s (`None`: motors are sources like
    /// any other).
    pub motor_decay_s: Option<f64>,
    /// Time after which converter-connected units stop feeding the arc in s (`None`: they are
    /// sources like any other).
    pub converter_trip_s: Option<f64>,
}

impl Limits {
    /// When the sources of `table` stop feeding an arc by themselves.
    pub fn source_end_s(&self, table: Table) -> Option<f64> {
        match table {
            Table::Motors => self.motor_decay_s,
            Table::Converters => self.converter_trip_s,
            _ => None,
        }
    }
}

/// Tables whose sources may stop by themselves.
pub(crate) const SELF_ENDING: [Table; 2] = [Table::Motors, Table::Converters];

/// The arc duration at `fault` with device `currents_a` (A through each device, index as in
/// `chars`; 0 where none flows); `feeds[s]`: whether source `s` of the grid has a partial
/// current at the fault.
pub(crate) fn clear(
    grid: &Grid,
    fault: usize,
    chars: &[Option<Characteristic>],
    currents_a: &[f64],
    feeds: &[bool],
    limits: Limits,
) -> Clearing {
    let mut operations = Vec::new();
    // device openings (Ok) and sources stopping by themselves (Err)
    let mut events: Vec<(f64, std::result::Result<usize, Table>)> = Vec::new();
    for (k, ch) in chars.iter().enumerate() {
        let (Some(ch), i) = (ch, currents_a[k]) else {
            continue;
        };
        // NaN or no current: the device does not see the fault
        if i.is_nan() || i <= 0.0 || !grid.is_placed(k) {
            continue;
        }
        let t = ch.clearing_time_s(i);
        operations.push((k, i, t));
        if let Some(t) = t {
            events.push((t, Ok(k)));
        }
    }
    for table in SELF_ENDING {
        if let Some(t) = limits.source_end_s(table) {
            events.push((t, Err(table)));
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut opened = vec![false; chars.len()];
    let mut ended: Vec<Table> = Vec::new();
    let active = |opened: &[bool], ended: &[Table]| -> Vec<usize> {
        grid.connected_sources(fault, opened)
            .into_iter()
            .filter(|&s| feeds[s] && !ended.contains(&grid.sources[s].1.table))
            .collect()
    };
    let mut result = Clearing {
        time_s: limits.max_arc_duration_s,
        device: None,
        ended_by_sources: None,
        uninterrupted: Vec::new(),
        limited: false,
        operations,
        ends: Vec::new(),
    };
    let mut remaining = active(&opened, &ended);
    if remaining.is_empty() {
        result.time_s = 0.0;
        return result;
    }
    for (t, what) in events {
        match what {
            Ok(k) => opened[k] = true,
            Err(table) => ended.push(table),
        }
        let before = std::mem::replace(&mut remaining, active(&opened, &ended));
        let cause = what.map_or(SourceEnd::ByItself, SourceEnd::Device);
        note_ends(&mut result.ends, &before, &remaining, t, cause);
        if remaining.is_empty() {
            result.time_s = t;
            result.device = what.ok();
            result.ended_by_sources = what.err();
            break;
        }
    }
    let max = limits.max_arc_duration_s;
    note_ends(&mut result.ends, &remaining, &[], max, SourceEnd::Limit);
    cap_ends(&mut result.ends, max);
    if !remaining.is_empty() {
        result.uninterrupted = remaining;
        result.limited = true;
        result.time_s = max;
    } else if result.time_s > limits.max_arc_duration_s {
        result.limited = true;
        result.device = None;
        result.ended_by_sources = None;
        result.time_s = limits.max_arc_duration_s;
    }
    result
}

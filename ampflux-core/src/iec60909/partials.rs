//! The table of partial currents (study option `partial_currents`): every source's current at
//! its terminals for every fault location, with its peak, breaking and steady-state share
//! (IEC 60909-0:2016 §8.1, 9.1, clause 10), for equipment duty and protection studies.
//!
//! With the equivalent voltage source at the fault, source j at node g delivers the sequence
//! currents I_s,j = Z_s,gk·I_s/Z_s,j of the fault's sequence currents I_s (s = 1, 2, 0); the
//! full converters deliver their own current. Phase currents follow with the phase shifts of
//! the transformer vector groups between the source and the fault.

use num_complex::Complex64 as C64;

use super::contributions::{SourceTerm, transfer_matrix};
use super::fault_types::{SequenceCurrents, phases, sequence_currents};
use super::location::{LocationData, fault_impedances};
use super::sequence_set::{SequenceSet, Which};
use super::study::{Context, Location};
use crate::model::Table;
use crate::par;
use crate::study::{BusResult, FaultKind, PartialCurrent, SourceKind};
use crate::system::topology::phase_shifts;
use crate::system::{Sequence, System, UnitVariant};

const SQRT2: f64 = std::f64::consts::SQRT_2;

/// Largest number of rows the table may have (locations × sources).
pub(crate) const MAX_ROWS: usize = 20_000_000;

/// One fault location of the table: its result row, data and unit variant.
pub(crate) struct Entry<'a> {
    pub loc: &'a Location,
    pub bus: &'a BusResult,
    pub data: Option<&'a LocationData>,
    pub unit: Option<&'a UnitVariant>,
}

/// The transfer impedances Z_gk of one location to every source node, per sequence.
struct Transfers {
    pos: Vec<C64>,
    neg: Option<Vec<C64>>,
    zero: Option<Vec<C64>>,
}

/// Every source's row for every location of `entries`.
pub(crate) fn table(
    ctx: &Context<'_>,
    set: &SequenceSet,
    entries: &[Entry<'_>],
) -> Vec<PartialCurrent> {
    let sys = ctx.sys;
    let sym = &ctx.adm.sym;
    let kind = ctx.options.fault;
    let mut src_nodes: Vec<usize> = sys
        .shunts
        .iter()
        .filter(|s| s.is_source())
        .map(|s| s.node)
        .collect();
    src_nodes.sort_unstable();
    src_nodes.dedup();
    let slot = |node: usize| src_nodes.binary_search(&node).expect("a source node");
    let shifts: Vec<(usize, usize, f64, bool)> = sys
        .branches
        .iter()
        .filter(|b| b.pos.couples() && b.a != b.b)
        .map(|b| (b.a, b.b, b.shift_deg, b.zero_inverted))
        .collect();
    let (angle, inverted) = phase_shifts(sys.n(), &shifts);
    let wanted = |e: &Entry<'_>| e.data.is_some() && !e.bus.status.outside_iec60909();
    // base locations in bulk; a power station unit's variant through its own columns
    let base: Vec<usize> = (0..entries.len())
        .filter(|&i| wanted(&entries[i]) && entries[i].unit.is_none())
        .collect();
    let base_nodes: Vec<usize> = base.iter().map(|&i| entries[i].loc.node).collect();
    let bulk = |which: Which| {
        set.factor(which)
            .map(|f| transfer_matrix(sym, f, &base_nodes, &src_nodes))
    };
    let pos = bulk(Which::Seq(Sequence::Positive)).expect("positive sequence exists");
    let neg = (kind != FaultKind::ThreePhase && set.neg.is_some())
        .then(|| bulk(Which::Seq(Sequence::Negative)))
        .flatten();
    let zero = kind
        .involves_earth()
        .then(|| bulk(Which::Seq(Sequence::Zero)))
        .flatten();
    let w = src_nodes.len();
    let base_terms = &ctx.terms;
    let rows = par::map(&(0..entries.len()).collect::<Vec<_>>(), |&i| {
        let e = &entries[i];
        if !wanted(e) {
            return Vec::new();
        }
        let (tr, unit_terms);
        let terms = match e.unit {
            None => {
                let b = base.binary_search(&i).expect("a base location");
                let row = |m: &Vec<C64>| m[b * w..(b + 1) * w].to_vec();
                tr = Transfers {
                    pos: row(&pos),
                    neg: neg.as_ref().map(row),
                    zero: zero.as_ref().map(row),
                };
                base_terms
            }
            Some(u) => {
                let column = |which| {
                    set.column(ctx, which, e.loc.node, Some(u))
                        .map(|c| src_nodes.iter().map(|&g| c[g]).collect::<Vec<C64>>())
                };
                tr = Transfers {
                    pos: column(Which::Seq(Sequence::Positive)).expect("exists"),
                    neg: (kind != FaultKind::ThreePhase && set.neg.is_some())
                        .then(|| column(Which::Seq(Sequence::Negative)))
                        .flatten(),
                    zero: kind
                        .involves_earth()
                        .then(|| column(Which::Seq(Sequence::Zero)))
                        .flatten(),
                };
                unit_terms = SourceTerm::all(sys, Some(u), &ctx.ratios);
                &unit_terms
            }
        };
        location_rows(ctx, set, e, terms, &tr, &slot, (&angle, &inverted))
    });
    rows.into_iter().flatten().collect()
}

/// The rows of one location.
fn location_rows(
    ctx: &Context<'_>,
    set: &SequenceSet,
    e: &Entry<'_>,
    terms: &[SourceTerm],
    tr: &Transfers,
    slot: &dyn Fn(usize) -> usize,
    (angle, inverted): (&[f64], &[bool]),
) -> Vec<PartialCurrent> {
    let (sys, options) = (ctx.sys, ctx.options);
    let d = e.data.expect("supplied");
    let k = e.loc.node;
    let (zf, ze) = fault_impedances(ctx, k);
    let seq = sequence_currents(
        options.fault,
        C64::new(d.e0 + d.src, 0.0),
        d.z1,
        d.z2,
        d.z0,
        zf,
        ze,
    );
    let three_phase = options.fault == FaultKind::ThreePhase;
    let mut rows = Vec::new();
    for t in terms.iter().filter(|t| !set.m1.dead[t.node]) {
        let sh = &sys.shunts[t.shunt];
        let j = slot(t.node);
        let scale = (t.z / sh.pos.z(1.0)).norm();
        let i1 = tr.pos[j] * seq.i1 / t.z;
        let i2 = match &tr.neg {
            Some(z) => z[j] * seq.i2 / (sh.neg.z(1.0) * scale),
            None => tr.pos[j] * seq.i2 / (sh.neg.z(1.0) * scale),
        };
        let i0 = match (&tr.zero, sh.zero) {
            (Some(z), Some(port)) => z[j] * seq.i0 / (port.z(1.0) * scale),
            _ => C64::new(0.0, 0.0),
        };
        let currents = SequenceCurrents { i1, i2, i0 };
        let (ikss, angle_deg) = at_terminals(&currents, t.node, k, angle, inverted);
        let ikss_ka = ikss * sys.i_base(t.node);
        if ikss_ka == 0.0 {
            continue;
        }
        let x = if t.ir_pu > 0.0 {
            i1.norm() / t.ir_pu
        } else {
            0.0
        };
        let (mu, q) = if three_phase {
            t.mu_q(x, options.tmin_s)
        } else {
            (1.0, 1.0)
        };
        let steady = if three_phase {
            t.steady_factor(x, d.e0, options.case)
        } else {
            1.0
        };
        let kappa = t.peak_factor.unwrap_or(e.bus.kappa);
        let (source, bus) = source_id(ctx, t.shunt);
        rows.push(PartialCurrent {
            fault_bus: e.loc.id.clone(),
            source,
            kind: source_kind(ctx, t.shunt),
            bus,
            ikss_ka,
            angle_deg,
            ip_ka: kappa * SQRT2 * ikss_ka,
            ib_ka: mu * q * ikss_ka,
            ik_ka: steady * ikss_ka,
            mu,
            q,
        });
    }
    // full converters deliver their own current (positive sequence only)
    for src in &sys.sources {
        if set.m1.dead[src.node] {
            continue;
        }
        let cv = &ctx.network().converters[src.converter];
        let ikss_ka = src.i_pu.norm() * sys.i_base(src.node);
        let (_, angle_deg) = at_terminals(
            &SequenceCurrents {
                i1: src.i_pu,
                i2: C64::new(0.0, 0.0),
                i0: C64::new(0.0, 0.0),
            },
            src.node,
            k,
            angle,
            inverted,
        );
        rows.push(PartialCurrent {
            fault_bus: e.loc.id.clone(),
            source: cv.id.clone(),
            kind: SourceKind::Converter,
            bus: cv.bus.clone(),
            ikss_ka,
            angle_deg,
            ip_ka: SQRT2 * ikss_ka,
            ib_ka: ikss_ka,
            ik_ka: ikss_ka,
            mu: 1.0,
            q: 1.0,
        });
    }
    rows
}

/// Largest phase magnitude (per unit) and the angle of phase a in degrees, of sequence
/// currents at `node`, in the phase frame of the fault location `k`.
fn at_terminals(
    c: &SequenceCurrents,
    node: usize,
    k: usize,
    angle: &[f64],
    inverted: &[bool],
) -> (f64, f64) {
    let theta = (angle[node] - angle[k]).to_radians();
    let s0 = if inverted[node] ^ inverted[k] {
        -1.0
    } else {
        1.0
    };
    let p = phases(
        c.i0 * s0,
        c.i1 * C64::from_polar(1.0, theta),
        c.i2 * C64::from_polar(1.0, -theta),
    );
    let largest = p.iter().map(|x| x.norm()).fold(0.0, f64::max);
    let a = if p[0].norm() > 0.0 {
        p[0].arg().to_degrees()
    } else {
        0.0
    };
    (largest, a)
}

fn source_kind(ctx: &Context<'_>, shunt: usize) -> SourceKind {
    let sh = &ctx.sys.shunts[shunt];
    match sh.table {
        Table::ExternalGrids => SourceKind::Feeder,
        Table::Generators if ctx.sys.units.iter().any(|u| u.shunt == shunt) => SourceKind::Unit,
        Table::Generators => SourceKind::Generator,
        Table::Motors => SourceKind::Motor,
        _ => SourceKind::Converter,
    }
}

/// Id and bus of the element behind shunt `shunt`.
fn source_id(ctx: &Context<'_>, shunt: usize) -> (String, String) {
    let sh = &ctx.sys.shunts[shunt];
    let net = ctx.network();
    let pair = |id: &str, bus: &str| (id.to_string(), bus.to_string());
    match sh.table {
        Table::ExternalGrids => {
            let g = &net.external_grids[sh.index];
            pair(&g.id, &g.bus)
        }
        Table::Generators => {
            let g = &net.generators[sh.index];
            pair(&g.id, &g.bus)
        }
        Table::Motors => {
            let m = &net.motors[sh.index];
            pair(&m.id, &m.bus)
        }
        _ => {
            let c = &net.converters[sh.index];
            pair(&c.id, &c.bus)
        }
    }
}

/// Rows the table would have, for the bound.
pub(crate) fn row_count(sys: &System, locations: usize) -> usize {
    locations
        .saturating_mul(sys.shunts.iter().filter(|s| s.is_source()).count() + sys.sources.len())
}

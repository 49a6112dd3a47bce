//! Branch contributions and bus voltages during a fault: one solve per sequence and fault
//! location, sequence voltages at every node, sequence currents at every branch end, then
//! phase quantities with the phase shifts of the transformer vector groups.
//!
//! Full-size converters (IEC 60909-0:2016, power station units with full size converter) act
//! as current sources I_kPFj in the positive sequence, superposed on the equivalent voltage
//! source: I''k = |c·U_n/√3 + Σ_j Z_kj·I_kPFj|/|Z_k|. The bus results take the sum with
//! magnitudes, I''k = (c·U_n/√3 + Σ_j |Z_kj|·I_kPFj)/|Z_k|: the superposition when every
//! converter current has the angle that puts Z_kj·I_kPFj in phase with c·U_n/√3,
//! arg I_kPFj = −arg Z_kj, the largest current any angles give at that location. The branch
//! currents and voltages of a location are those of this one physical state: the converters
//! inject at these angles, the fault draws I''k, every node obeys Kirchhoff's current law, the
//! voltage at a bolted fault is zero, and a converter at the faulted bus feeds the fault
//! directly and changes no other branch's current.

use num_complex::Complex64 as C64;

use super::fault_types::{phases, sequence_currents};
use super::location::{fault_impedances, source_voltage};
use super::peak::thermal_m;
use super::sequence_set::{SequenceSet, Which};
use super::study::{Context, Location, Progress};
use crate::error::{Error, Result};
use crate::model::Table;
use crate::par;
use crate::study::{BranchResult, BusResult, BusStatus, PhaseCurrents, VoltageResult};
use crate::system::topology::phase_shifts;
use crate::system::{NodeLabel, Sequence, TwoPortY, UnitVariant};

const SQRT2: f64 = std::f64::consts::SQRT_2;

/// Largest number of branch rows a study may produce (locations × branches).
const MAX_ROWS: usize = 20_000_000;

/// Branch and voltage rows for every location of `locs`.
pub(crate) fn compute<'u>(
    ctx: &Context<'_>,
    set: &SequenceSet,
    locs: &[Location],
    buses: &[BusResult],
    unit_of: &(dyn Fn(&Location) -> Option<&'u UnitVariant> + Sync),
    progress: &Progress<'_>,
) -> Result<(Vec<BranchResult>, Vec<VoltageResult>)> {
    let sys = ctx.sys;
    let rows = locs
        .len()
        .saturating_mul(sys.branches.len() + ctx.network().buses.len());
    if rows > MAX_ROWS {
        return Err(Error::option(
            "branch_results",
            format!(
                "{} fault locations × {} branches and buses would give {rows} rows; choose fault buses with `buses`",
                locs.len(),
                sys.branches.len()
            ),
        ));
    }
    let shift_edges: Vec<(usize, usize, f64, bool)> = sys
        .branches
        .iter()
        .filter(|b| b.pos.couples() && b.a != b.b)
        .map(|b| (b.a, b.b, b.shift_deg, b.zero_inverted))
        .collect();
    let (angle, inverted) = phase_shifts(sys.n(), &shift_edges);
    let frames = Frames { angle, inverted };
    let per_loc = par::map(locs, |loc| {
        let result = buses.iter().find(|b| b.id == loc.id);
        let out = match result {
            Some(r) if r.status != BusStatus::Unsupplied => {
                location_flows(ctx, set, loc, r, unit_of(loc), &frames)
            }
            _ => (Vec::new(), Vec::new()),
        };
        progress.tick(1);
        out
    });
    let mut branches = Vec::new();
    let mut voltages = Vec::new();
    for (b, v) in per_loc {
        branches.extend(b);
        voltages.extend(v);
    }
    Ok((branches, voltages))
}

/// Phase frames of the nodes, shared by every location.
struct Frames {
    angle: Vec<f64>,
    inverted: Vec<bool>,
}

/// The full-size converters' part of a fault at one location.
struct ConverterState {
    /// Σ_j |Z_kj|·I_kPFj: the converters' share of the open-circuit voltage at the fault.
    src: f64,
    /// Node voltages (positive sequence) caused by the converter currents alone, each at the
    /// angle −arg Z_kj (empty without converters).
    v: Vec<C64>,
}

/// The converter currents for a fault at `k` with the positive-sequence column `col1` of the
/// location's matrix: I_j = I_kPFj·e^(−j·arg Z_kj), so that Σ_j Z_kj·I_j = Σ_j |Z_kj|·I_kPFj is
/// real and adds to c·U_n/√3 (the standard's superposition with magnitudes); the node voltages
/// they cause alone.
fn converter_state(
    ctx: &Context<'_>,
    set: &SequenceSet,
    col1: &[C64],
    unit: Option<&UnitVariant>,
) -> ConverterState {
    let sys = ctx.sys;
    let mut rhs = vec![C64::new(0.0, 0.0); sys.n()];
    let mut src = 0.0;
    for s in sys.sources.iter().filter(|s| !set.m1.dead[s.node]) {
        let z = col1[s.node];
        if z.norm() == 0.0 {
            continue; // another island: no part in this fault
        }
        rhs[s.node] += C64::from_polar(s.i_pu.norm(), -z.arg());
        src += z.norm() * s.i_pu.norm();
    }
    if src == 0.0 {
        return ConverterState { src, v: Vec::new() };
    }
    set.solve(ctx, Which::Seq(Sequence::Positive), &mut rhs, unit);
    ConverterState { src, v: rhs }
}

/// One end of a branch: sequence currents entering the branch (per unit of `node`).
struct End {
    node: usize,
    i: [C64; 3], // zero, positive, negative
    /// The converters' part of the positive-sequence current (three-phase faults).
    i1_conv: C64,
}

fn location_flows(
    ctx: &Context<'_>,
    set: &SequenceSet,
    loc: &Location,
    bus: &BusResult,
    unit: Option<&UnitVariant>,
    frames: &Frames,
) -> (Vec<BranchResult>, Vec<VoltageResult>) {
    let (sys, options) = (ctx.sys, ctx.options);
    let (angle, inverted) = (&frames.angle, &frames.inverted);
    let n = sys.n();
    let k = loc.node;
    let zero = C64::new(0.0, 0.0);
    let column = |seq| set.column(ctx, Which::Seq(seq), k, unit);
    let col1 = column(Sequence::Positive).expect("positive sequence exists");
    let col2 = set.neg.as_ref().and_then(|_| column(Sequence::Negative));
    let col0 = match &set.zero {
        Some((m, _)) if !m.dead[k] => column(Sequence::Zero),
        _ => None,
    };
    let z1 = col1[k];
    let z2 = col2.as_ref().map_or(z1, |c| c[k]);
    let z0 = col0.as_ref().map(|c| c[k]);
    let (zf, ze) = fault_impedances(ctx, k);
    let e0 = source_voltage(ctx, k, unit);
    let conv = converter_state(ctx, set, &col1, unit);
    let v_conv = |i: usize| conv.v.get(i).copied().unwrap_or(zero);
    // the fault currents are those of the bus results: open-circuit voltage c + Σ|Z_kj|·I_kPFj
    let currents = |e: f64| sequence_currents(options.fault, C64::new(e, 0.0), z1, z2, z0, zf, ze);
    let seq = currents(e0 + conv.src);
    // sequence voltages: changes caused by the fault and by the converter currents
    let v1: Vec<C64> = (0..n).map(|i| v_conv(i) - col1[i] * seq.i1).collect();
    let v2: Vec<C64> = match &col2 {
        Some(c) => c.iter().map(|z| -z * seq.i2).collect(),
        None => col1.iter().map(|z| -z * seq.i2).collect(),
    };
    let v0: Vec<C64> = match &col0 {
        Some(c) => c.iter().map(|z| -z * seq.i0).collect(),
        None => vec![zero; n],
    };
    let three_phase = options.fault == crate::study::FaultKind::ThreePhase;
    // the converters' part alone (their currents and their share of the fault current), for
    // the peak current: i_p = √2·|κ·I_source + I_conv| at each branch end, as at the bus
    let v1_conv: Option<Vec<C64>> = (three_phase && conv.src > 0.0).then(|| {
        let i1 = currents(conv.src).i1;
        (0..n).map(|i| v_conv(i) - col1[i] * i1).collect()
    });
    // rotation of each node's sequence quantities into the fault location's phase frame
    let rot = |node: usize| -> (C64, C64, f64) {
        let theta = (angle[node] - angle[k]).to_radians();
        let sign = if inverted[node] ^ inverted[k] {
            -1.0
        } else {
            1.0
        };
        (
            C64::from_polar(1.0, theta),
            C64::from_polar(1.0, -theta),
            sign,
        )
    };
    let end_phases = |end: &End| -> [C64; 3] {
        let (r1, r2, s0) = rot(end.node);
        let ib = sys.i_base(end.node);
        phases(end.i[0] * s0, end.i[1] * r1, end.i[2] * r2).map(|p| p * ib)
    };
    let m = thermal_m(bus.kappa, sys.frequency_hz, options.tk_s);
    let zero_model_needed = col0.is_some();
    // i_p of one end (IEC 60909-0:2016 §8.1 with the converters' part undamped, as at the bus)
    let end_peak = |end: &End| -> f64 {
        let i_source = end.i[1] - end.i1_conv;
        SQRT2 * (i_source * bus.kappa + end.i1_conv).norm() * sys.i_base(end.node)
    };
    let peak = |ends: &[&End], imax: f64| -> f64 {
        if v1_conv.is_some() {
            ends.iter().map(|e| end_peak(e)).fold(0.0, f64::max)
        } else {
            bus.kappa * SQRT2 * imax
        }
    };

    // currents at both ends of every compiled branch
    let ends: Vec<(End, End)> = sys
        .branches
        .iter()
        .enumerate()
        .map(|(bi, br)| {
            let y1 = sys.branch_y(bi, Sequence::Positive, 1.0);
            let y0 = if zero_model_needed {
                sys.branch_y(bi, Sequence::Zero, 1.0)
            } else {
                None
            };
            let flow = |y: Option<TwoPortY>, v: &[C64]| -> (C64, C64) {
                match y {
                    Some(y) => (
                        y.aa * v[br.a] + y.ab * v[br.b],
                        y.ab * v[br.a] + y.bb * v[br.b],
                    ),
                    None => (zero, zero),
                }
            };
            let (a1, b1) = flow(y1, &v1);
            let (a2, b2) = flow(y1, &v2);
            let (a0, b0) = flow(y0, &v0);
            let (ac, bc) = v1_conv.as_ref().map_or((zero, zero), |v| flow(y1, v));
            (
                End {
                    node: br.a,
                    i: [a0, a1, a2],
                    i1_conv: ac,
                },
                End {
                    node: br.b,
                    i: [b0, b1, b2],
                    i1_conv: bc,
                },
            )
        })
        .collect();

    let row = |id: &str, from_bus: String, to_bus: String, from: &End, to: &End| -> BranchResult {
        let pf = end_phases(from);
        let pt = end_phases(to);
        let (mf, af) = largest(&pf);
        let (mt, at) = largest(&pt);
        let imax = mf.max(mt);
        BranchResult {
            id: id.to_string(),
            fault_bus: loc.id.clone(),
            from_bus,
            to_bus,
            ikss_from_ka: mf,
            ikss_to_ka: mt,
            angle_from_deg: af,
            angle_to_deg: at,
            ip_ka: peak(&[from, to], imax),
            ith_ka: imax * (m + 1.0).sqrt(),
            mv_bus: None,
            ikss_mv_ka: None,
            angle_mv_deg: None,
            phases_from: (!three_phase).then(|| phase_currents(&pf)),
            phases_to: (!three_phase).then(|| phase_currents(&pt)),
        }
    };

    let net = ctx.network();
    let node_name = |node: usize| -> String {
        match &sys.nodes[node].label {
            NodeLabel::Bus(b) => net.buses[*b].id.clone(),
            NodeLabel::LineFault(f) => options.line_faults[*f].location_id(),
            NodeLabel::Star(t) => format!("{}.star", net.transformers3w[*t].id),
            NodeLabel::OpenEnd => "(open)".to_string(),
        }
    };
    let mut rows = Vec::new();
    let mut three_w: std::collections::BTreeMap<usize, [Option<usize>; 3]> = Default::default();
    for (bi, br) in sys.branches.iter().enumerate() {
        let (ea, eb) = &ends[bi];
        let o = &br.origin;
        match o.table {
            Table::Lines => {
                let l = &net.lines[o.index];
                let from = if o.part == 0 {
                    l.from_bus.clone()
                } else {
                    node_name(br.a)
                };
                let to = if matches!(sys.nodes[br.b].label, NodeLabel::LineFault(_)) {
                    node_name(br.b)
                } else {
                    l.to_bus.clone()
                };
                rows.push(row(&l.id, from, to, ea, eb));
            }
            Table::Transformers => {
                let t = &net.transformers[o.index];
                rows.push(row(&t.id, t.hv_bus.clone(), t.lv_bus.clone(), ea, eb));
            }
            Table::Impedances => {
                let z = &net.impedances[o.index];
                rows.push(row(&z.id, z.from_bus.clone(), z.to_bus.clone(), ea, eb));
            }
            Table::Switches => {
                let s = &net.switches[o.index];
                rows.push(row(&s.id, s.bus.clone(), s.element.clone(), ea, eb));
            }
            Table::Transformers3w => {
                three_w.entry(o.index).or_insert([None; 3])[o.part as usize] = Some(bi);
            }
            _ => {}
        }
    }
    for (index, legs) in three_w {
        let t = &net.transformers3w[index];
        let [Some(h), Some(mv), Some(l)] = legs else {
            continue;
        };
        // the bus end of each leg is its `a` end
        let mut r = row(
            &t.id,
            t.hv_bus.clone(),
            t.lv_bus.clone(),
            &ends[h].0,
            &ends[l].0,
        );
        let pm = end_phases(&ends[mv].0);
        let (mm, am) = largest(&pm);
        r.mv_bus = Some(t.mv_bus.clone());
        r.ikss_mv_ka = Some(mm);
        r.angle_mv_deg = Some(am);
        let imax = r.ikss_from_ka.max(r.ikss_to_ka).max(mm);
        r.ip_ka = peak(&[&ends[h].0, &ends[mv].0, &ends[l].0], imax);
        r.ith_ka = imax * (m + 1.0).sqrt();
        rows.push(r);
    }

    // bus voltages: prefault E at every node plus the changes
    let mut voltages = Vec::new();
    for (bi, b) in net.buses.iter().enumerate() {
        let Some(node) = sys.bus_node[bi] else {
            continue;
        };
        if set.m1.dead[node] {
            continue;
        }
        let (r1, r2, s0) = rot(node);
        let s1 = (C64::new(e0, 0.0) + v1[node]) * r1;
        let s2 = v2[node] * r2;
        let s0v = v0[node] * s0;
        let p = phases(s0v, s1, s2);
        voltages.push(VoltageResult {
            fault_bus: loc.id.clone(),
            bus: b.id.clone(),
            v1_pu: s1.norm(),
            v2_pu: s2.norm(),
            v0_pu: s0v.norm(),
            va_pu: p[0].norm(),
            vb_pu: p[1].norm(),
            vc_pu: p[2].norm(),
            va_deg: p[0].arg().to_degrees(),
            vb_deg: p[1].arg().to_degrees(),
            vc_deg: p[2].arg().to_degrees(),
        });
    }
    (rows, voltages)
}

/// Largest phase current magnitude and its angle in degrees.
fn largest(p: &[C64; 3]) -> (f64, f64) {
    let mut best: (f64, f64) = (0.0, 0.0);
    for c in p {
        if c.norm() > best.0 + 1e-12 * best.0.max(1.0) {
            best = (c.norm(), c.arg().to_degrees());
        }
    }
    if best.0 < 1e-12 { (0.0, 0.0) } else { best }
}

fn phase_currents(p: &[C64; 3]) -> PhaseCurrents {
    let ang = |c: C64| {
        if c.norm() < 1e-12 {
            0.0
        } else {
            c.arg().to_degrees()
        }
    };
    PhaseCurrents {
        ia_ka: p[0].norm(),
        ib_ka: p[1].norm(),
        ic_ka: p[2].norm(),
        ia_deg: ang(p[0]),
        ib_deg: ang(p[1]),
        ic_deg: ang(p[2]),
    }
}

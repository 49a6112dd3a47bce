//! Per fault location: the Thévenin impedances of each sequence, the converters'
//! contribution, the decay of near machines, and from them I''k, i_p, I_b, I_th.

use num_complex::Complex64 as C64;

use super::breaking::{mu, q};
use super::fault_types::sequence_currents;
use super::peak::{kappa, kappa_method_b, thermal_m};
use super::sequence_set::{FC_RATIO, SequenceSet, Which};
use super::study::{Context, Location, Progress};
use crate::iec60909::factors::LV_LIMIT_KV;
use crate::par;
use crate::sparse::Factor;
use crate::study::{BreakingCurrent, BusResult, BusStatus, FaultKind, PeakMethod, Topology};
use crate::system::topology::meshed;
use crate::system::{Decay, Sequence, System, TwoPort, UnitVariant};

const SQRT2: f64 = std::f64::consts::SQRT_2;
const SQRT3: f64 = 1.732_050_807_568_877_2;

/// Number of columns solved together when many columns of Z are needed.
const COLUMN_BLOCK: usize = 16;

/// What the results at one supplied location are computed from (per unit).
#[derive(Clone, Debug)]
pub(crate) struct LocationData {
    pub z1: C64,
    pub z2: C64,
    /// `None`: no zero-sequence path at the location.
    pub z0: Option<C64>,
    /// Thévenin impedance of the peak-current matrix.
    pub z_peak: C64,
    /// Σ_j |Z_kj|·I_kPFj of the full-converter sources.
    pub src: f64,
    /// I''k − I_b from the decay of near machines.
    pub ib_reduction: f64,
    /// Source voltage c (times U_rG/U_n at power station unit terminals).
    pub e0: f64,
}

/// Per-unit fault impedances at node `k`: (Z_f, Z_e).
pub(crate) fn fault_impedances(ctx: &Context<'_>, k: usize) -> (C64, C64) {
    let zb = ctx.sys.z_base(k);
    let o = ctx.options;
    (
        C64::new(o.r_fault_ohm, o.x_fault_ohm) / zb,
        C64::new(o.r_earth_ohm, o.x_earth_ohm) / zb,
    )
}

/// Source voltage at a location (per unit), with c·U_rG for power-station-unit faults.
pub(crate) fn source_voltage(ctx: &Context<'_>, node: usize, unit: Option<&UnitVariant>) -> f64 {
    ctx.sys.source_voltage(node) * unit.map_or(1.0, |u| u.voltage_scale)
}

/// Meshed flags per node and, per positive-sequence island, whether every branch has
/// R/X < 0.3 (method B drops the factor 1.15 then).
pub(crate) struct Meshing {
    pub meshed: Vec<bool>,
    pub low_rx: Vec<bool>,
}

pub(crate) fn meshing(ctx: &Context<'_>, set: &SequenceSet) -> Meshing {
    let sys = ctx.sys;
    let n = sys.n();
    let mut edges = Vec::new();
    let mut low_rx = vec![true; n];
    for br in &sys.branches {
        if let TwoPort::Pi { z, .. } = &br.pos {
            if br.a != br.b {
                edges.push((br.a, br.b));
            }
            if z.im == 0.0 || (z.re / z.im).abs() >= 0.3 {
                low_rx[set.m1.component[br.a]] = false;
            }
        }
    }
    let sources: Vec<usize> = sys
        .shunts
        .iter()
        .filter(|s| s.is_source())
        .map(|s| s.node)
        .collect();
    let meshed = match ctx.options.topology {
        Topology::Auto => meshed(n, &edges, &sources),
        Topology::Meshed => vec![true; n],
        Topology::Radial => vec![false; n],
    };
    Meshing { meshed, low_rx }
}

/// The result row of a location (`data` is `None` for an unsupplied location).
pub(crate) fn bus_result(
    ctx: &Context<'_>,
    set: &SequenceSet,
    mesh: &Meshing,
    loc: &Location,
    data: Option<&LocationData>,
    unit: Option<&UnitVariant>,
) -> BusResult {
    let (sys, options) = (ctx.sys, ctx.options);
    let kind = options.fault;
    let k = loc.node;
    let vn = sys.nodes[k].vn_kv;
    let mut r = BusResult {
        id: loc.id.clone(),
        vn_kv: vn,
        ikss_ka: 0.0,
        skss_mva: 0.0,
        ip_ka: 0.0,
        ib_ka: 0.0,
        ith_ka: 0.0,
        rk_ohm: 0.0,
        xk_ohm: 0.0,
        rk2_ohm: None,
        xk2_ohm: None,
        rk0_ohm: None,
        xk0_ohm: None,
        ikss_earth_ka: None,
        kappa: 0.0,
        c: source_voltage(ctx, k, unit),
        meshed: mesh.meshed[k],
        status: BusStatus::Ok,
    };
    let Some(d) = data else {
        r.status = BusStatus::Unsupplied;
        return r;
    };
    let zb = sys.z_base(k);
    let ib = sys.i_base(k);
    let (zf, ze) = fault_impedances(ctx, k);
    let e = C64::new(d.e0 + d.src, 0.0);
    let seq = sequence_currents(kind, e, d.z1, d.z2, d.z0, zf, ze);
    let ik_pu = seq.phases().iter().map(|p| p.norm()).fold(0.0, f64::max);
    r.rk_ohm = d.z1.re * zb;
    r.xk_ohm = d.z1.im * zb;
    if kind != FaultKind::ThreePhase {
        r.rk2_ohm = Some(d.z2.re * zb);
        r.xk2_ohm = Some(d.z2.im * zb);
    }
    if kind.involves_earth() {
        match d.z0 {
            Some(z0) => {
                r.rk0_ohm = Some(z0.re * zb);
                r.xk0_ohm = Some(z0.im * zb);
            }
            None => {
                r.status = BusStatus::NoZeroSequencePath;
                r.rk0_ohm = Some(f64::INFINITY);
                r.xk0_ohm = Some(f64::INFINITY);
            }
        }
        r.ikss_earth_ka = Some((seq.i0 * 3.0).norm() * ib);
    }
    let zp = d.z_peak;
    let kap = match (options.topology, options.ip_method) {
        (Topology::Radial, _) => kappa(rx(zp + zf)),
        (_, PeakMethod::B) => kappa_method_b(
            rx(zp + zf),
            mesh.meshed[k],
            mesh.low_rx[set.m1.component[k]],
            vn <= LV_LIMIT_KV,
        ),
        (_, PeakMethod::C) => kappa(rx(zp + C64::new(zf.re, zf.im * FC_RATIO)) * FC_RATIO),
    };
    r.kappa = kap;
    r.ikss_ka = ik_pu * ib;
    r.skss_mva = SQRT3 * vn * r.ikss_ka;
    // i_p: κ on the part driven by the equivalent voltage source; the converters'
    // contribution is added without decay (IEC 60909-0:2016 §8.1)
    let ip_pu = if kind == FaultKind::ThreePhase && d.src > 0.0 {
        SQRT2 * (kap * d.e0 + d.src) / (d.z1 + zf).norm()
    } else {
        SQRT2 * kap * ik_pu
    };
    r.ip_ka = ip_pu * ib;
    r.ib_ka = (ik_pu - d.ib_reduction).max(0.0) * ib;
    let m = thermal_m(kap, sys.frequency_hz, options.tk_s);
    r.ith_ka = r.ikss_ka * (m + 1.0).sqrt();
    r
}

fn rx(z: C64) -> f64 {
    if z.im == 0.0 {
        f64::INFINITY
    } else {
        z.re / z.im
    }
}

/// Entries of the inverse of every matrix of a study at requested node pairs.
pub(crate) struct Entries {
    pub pos: Vec<C64>,
    pub peak: Vec<C64>,
    pub neg: Option<Vec<C64>>,
    pub zero: Option<Vec<C64>>,
}

impl Entries {
    /// One selected inversion (or a few solves) per matrix for all `pairs`.
    pub fn compute(ctx: &Context<'_>, set: &SequenceSet, pairs: &[(usize, usize)]) -> Entries {
        let sym = &ctx.adm.sym;
        let get = |f: &Factor| f.entries(sym, pairs);
        let (pos, peak) = par::join(|| get(&set.f1), || set.peak.as_ref().map(get));
        let peak = peak.unwrap_or_else(|| pos.clone());
        Entries {
            neg: set.neg.as_ref().map(|(_, f)| get(f)),
            zero: set.zero.as_ref().map(|(_, f)| get(f)),
            pos,
            peak,
        }
    }
}

/// Location data of every location of `locs` in the base network, in bulk: driving-point
/// impedances from the selected inversion (`entries`, the diagonal entries of `locs` first),
/// converter and machine terms by block solves.
pub(crate) fn base_data(
    ctx: &Context<'_>,
    set: &SequenceSet,
    locs: &[Location],
    entries: &Entries,
    progress: &Progress<'_>,
) -> Vec<Option<LocationData>> {
    let sym = &ctx.adm.sym;
    let nodes: Vec<usize> = locs.iter().map(|l| l.node).collect();
    let n = nodes.len();
    let (z1, z_peak) = (&entries.pos[..n], &entries.peak[..n]);
    let z2 = entries.neg.as_ref().map(|z| &z[..n]);
    let z0 = set
        .zero
        .as_ref()
        .zip(entries.zero.as_ref())
        .map(|((m, _), z)| (m, &z[..n]));
    let src = source_magnitudes(ctx.sys, sym, &set.f1, &set.m1.dead, &nodes);
    let e0: Vec<f64> = locs
        .iter()
        .map(|l| source_voltage(ctx, l.node, None))
        .collect();
    let i3: Vec<C64> = (0..locs.len())
        .map(|i| {
            let (zf, _) = fault_impedances(ctx, nodes[i]);
            C64::new(e0[i] + src.get(i).copied().unwrap_or(0.0), 0.0) / (z1[i] + zf)
        })
        .collect();
    let ib = if ctx.options.fault == FaultKind::ThreePhase
        && ctx.options.breaking_current == BreakingCurrent::Exact
    {
        breaking_reduction(ctx, set, &nodes, &i3, &e0, None, progress)
    } else {
        vec![0.0; locs.len()]
    };
    (0..locs.len())
        .map(|i| {
            let k = nodes[i];
            (!set.m1.dead[k]).then(|| LocationData {
                z1: z1[i],
                z2: z2.map_or(z1[i], |z| z[i]),
                z0: z0.and_then(|(m, z)| (!m.dead[k]).then_some(z[i])),
                z_peak: z_peak[i],
                src: src.get(i).copied().unwrap_or(0.0),
                ib_reduction: ib[i],
                e0: e0[i],
            })
        })
        .collect()
}

/// Location data of a fault at the generator terminals of a power station unit (IEC 60909-0
/// §6.7.2): the unit variant's driving-point impedances from the base entries Z_SS on the
/// unit's two nodes (`zss(which)`), and its full column only where the converters or the exact
/// breaking current need it.
pub(crate) fn unit_data(
    ctx: &Context<'_>,
    set: &SequenceSet,
    loc: &Location,
    unit: &UnitVariant,
    zss: &dyn Fn(Which) -> Option<[[C64; 2]; 2]>,
    progress: &Progress<'_>,
) -> Option<LocationData> {
    let k = loc.node;
    if set.m1.dead[k] {
        return None;
    }
    let point = |which| zss(which).map(|z| set.unit_driving_point(ctx, which, unit, z));
    let z1 = point(Which::Seq(Sequence::Positive)).expect("positive sequence exists");
    let z_peak = point(Which::Peak).expect("peak matrix exists");
    let z2 = point(Which::Seq(Sequence::Negative)).unwrap_or(z1);
    let z0 = match &set.zero {
        Some((m, _)) if !m.dead[k] => point(Which::Seq(Sequence::Zero)),
        _ => None,
    };
    let e0 = source_voltage(ctx, k, Some(unit));
    let exact_ib = ctx.options.fault == FaultKind::ThreePhase
        && ctx.options.breaking_current == BreakingCurrent::Exact;
    let c1 = (exact_ib || !ctx.sys.sources.is_empty()).then(|| {
        set.column(ctx, Which::Seq(Sequence::Positive), k, Some(unit))
            .expect("exists")
    });
    let src: f64 = match &c1 {
        Some(c1) => ctx
            .sys
            .sources
            .iter()
            .filter(|s| !set.m1.dead[s.node])
            .map(|s| c1[s.node].norm() * s.i_pu.norm())
            .sum(),
        None => 0.0,
    };
    let (zf, _) = fault_impedances(ctx, k);
    let i3 = C64::new(e0 + src, 0.0) / (z1 + zf);
    let ib_reduction = match (&c1, exact_ib) {
        (Some(c1), true) => machine_terms(ctx, c1, i3, e0, Some(unit)),
        _ => 0.0,
    };
    progress.tick(1);
    Some(LocationData {
        z1,
        z2,
        z0,
        z_peak,
        src,
        ib_reduction,
        e0,
    })
}

/// Σ_j |Z_kj|·|I_j| for every location k (IEC 60909-0:2016 superposition of full-converter
/// sources), with one block solve per source node or one solve per location, whichever is fewer.
fn source_magnitudes(
    sys: &System,
    sym: &crate::sparse::SymbolicLdl,
    f1: &Factor,
    dead: &[bool],
    nodes: &[usize],
) -> Vec<f64> {
    if sys.sources.is_empty() {
        return Vec::new();
    }
    let mut per_node: Vec<(usize, f64)> = Vec::new();
    for src in sys.sources.iter().filter(|s| !dead[s.node]) {
        match per_node.iter_mut().find(|(n, _)| *n == src.node) {
            Some((_, i)) => *i += src.i_pu.norm(),
            None => per_node.push((src.node, src.i_pu.norm())),
        }
    }
    if per_node.len() <= nodes.len() {
        let blocks: Vec<&[(usize, f64)]> = per_node.chunks(COLUMN_BLOCK).collect();
        par::fold_sum(&blocks, nodes.len(), |block, acc| {
            let cols: Vec<usize> = block.iter().map(|(j, _)| *j).collect();
            let z = f1.columns(sym, &cols);
            let width = cols.len();
            for (a, &k) in acc.iter_mut().zip(nodes) {
                let row = &z[k * width..(k + 1) * width];
                *a += row
                    .iter()
                    .zip(block.iter())
                    .map(|(z, (_, i_j))| z.norm() * i_j)
                    .sum::<f64>();
            }
        })
    } else {
        par::map(nodes, |&k| {
            let col = f1.column(sym, k);
            per_node.iter().map(|&(j, i_j)| col[j].norm() * i_j).sum()
        })
    }
}

/// A rotating machine as the breaking current sees it.
struct MachineTerm {
    node: usize,
    z: C64,
    /// (2·I_r)² in per unit of the node: below it a synchronous machine has μ = 1.
    limit2: f64,
    /// I_r in per unit of the node.
    ir_pu: f64,
    decay: Decay,
}

fn machine_terms_of(ctx: &Context<'_>, unit: Option<&UnitVariant>) -> Vec<MachineTerm> {
    let sys = ctx.sys;
    sys.shunts
        .iter()
        .enumerate()
        .filter_map(|(k, sh)| {
            let m = sh.machine?;
            let mut z = sh.pos.z(1.0);
            if let Some(u) = unit
                && u.shunt == k
            {
                z *= u.gen_scale;
            }
            let ir_pu = m.ir_ka / sys.i_base(sh.node);
            Some(MachineTerm {
                node: sh.node,
                z,
                limit2: 4.0 * ir_pu * ir_pu,
                ir_pu,
                decay: m.decay,
            })
        })
        .collect()
}

/// ΔU''/c·(1 − μ·q)·|I_m| of one machine with transfer impedance `z_gk` for a fault current
/// `i_k`: I_m = Z_gk·I_k/Z_m, ΔU'' = X_m·|I_m| (IEC 60909-0 eq. 75). A synchronous machine
/// below twice its rated current (μ = 1) contributes nothing and is skipped cheaply.
fn contribution(m: &MachineTerm, z_gk: C64, i_k: C64, e_k: f64, tmin_s: f64) -> f64 {
    let i_m2 = (z_gk * i_k).norm_sqr() / m.z.norm_sqr();
    let factor = match m.decay {
        Decay::Synchronous | Decay::Asynchronous(None) if i_m2 <= m.limit2 => return 0.0,
        Decay::Synchronous | Decay::Asynchronous(None) => mu(i_m2.sqrt() / m.ir_pu, tmin_s),
        Decay::Asynchronous(Some(p)) => mu(i_m2.sqrt() / m.ir_pu, tmin_s) * q(p, tmin_s),
    };
    m.z.im.abs() * i_m2 / e_k * (1.0 - factor)
}

/// The I_b reduction at one location from the column of Z at that location.
fn machine_terms(
    ctx: &Context<'_>,
    col: &[C64],
    i_k: C64,
    e_k: f64,
    unit: Option<&UnitVariant>,
) -> f64 {
    machine_terms_of(ctx, unit)
        .iter()
        .map(|m| contribution(m, col[m.node], i_k, e_k, ctx.options.tmin_s))
        .sum()
}

/// The I_b reduction of every location (IEC 60909-0 eq. 75), with one solve per location or
/// one block solve per group of machine nodes, whichever is fewer.
fn breaking_reduction(
    ctx: &Context<'_>,
    set: &SequenceSet,
    nodes: &[usize],
    i3: &[C64],
    e: &[f64],
    unit: Option<&UnitVariant>,
    progress: &Progress<'_>,
) -> Vec<f64> {
    let machines = machine_terms_of(ctx, unit);
    if machines.is_empty() || nodes.is_empty() {
        return vec![0.0; nodes.len()];
    }
    let sym = &ctx.adm.sym;
    let tmin = ctx.options.tmin_s;
    let mut mnodes: Vec<usize> = machines.iter().map(|m| m.node).collect();
    mnodes.sort_unstable();
    mnodes.dedup();
    if nodes.len() <= mnodes.len() {
        let idx: Vec<usize> = (0..nodes.len()).collect();
        par::map(&idx, |&i| {
            if set.m1.dead[nodes[i]] {
                return 0.0;
            }
            let col = set.f1.column(sym, nodes[i]);
            machines
                .iter()
                .map(|m| contribution(m, col[m.node], i3[i], e[i], tmin))
                .sum()
        })
    } else {
        let blocks: Vec<&[usize]> = mnodes.chunks(COLUMN_BLOCK).collect();
        par::fold_sum(&blocks, nodes.len(), |block, acc| {
            let cols = set.f1.columns(sym, block);
            let width = block.len();
            let here: Vec<(usize, &MachineTerm)> = machines
                .iter()
                .filter_map(|m| block.iter().position(|&g| g == m.node).map(|c| (c, m)))
                .collect();
            for (i, &k) in nodes.iter().enumerate() {
                if set.m1.dead[k] {
                    continue;
                }
                let row = &cols[k * width..(k + 1) * width];
                let ik2 = i3[i].norm_sqr();
                for &(c, m) in &here {
                    // cheap screen: |Z_gk·I_k|² ≤ (2·I_r)²·|Z_m|² means μ = 1
                    if matches!(m.decay, Decay::Synchronous | Decay::Asynchronous(None))
                        && row[c].norm_sqr() * ik2 <= m.limit2 * m.z.norm_sqr()
                    {
                        continue;
                    }
                    acc[i] += contribution(m, row[c], i3[i], e[i], tmin);
                }
            }
            progress.tick(block.len());
        })
    }
}

/// Number of machine nodes (for the progress total).
pub(crate) fn machine_node_count(sys: &System) -> usize {
    let mut nodes: Vec<usize> = sys
        .shunts
        .iter()
        .filter(|s| s.machine.is_some())
        .map(|s| s.node)
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    nodes.len()
}

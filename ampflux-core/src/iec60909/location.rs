//! Per fault location: the Thévenin impedances of each sequence, the converters'
//! contribution, the sources' partial currents, and from them I''k, i_p, i_DC, I_b, I_b,asym,
//! I_k and I_th (IEC 60909-0:2016 clauses 4 to 12).

use num_complex::Complex64 as C64;

use super::contributions::{
    COLUMN_BLOCK, LocationInput, Shares, SourceTerm, shares, shares_from_column,
};
use super::fault_types::sequence_currents;
use super::peak::{dc_component, kappa, kappa_method_b, thermal_m, thermal_n};
use super::sequence_set::{FC_RATIO, SequenceSet, Which};
use super::study::{Context, Location, Progress};
use crate::iec60909::factors::LV_LIMIT_KV;
use crate::par;
use crate::sparse::Factor;
use crate::study::{BreakingCurrent, BusResult, BusStatus, FaultKind, PeakMethod, Topology};
use crate::system::earthing::Earthing;
use crate::system::topology::{fed_through_meshes, meshed};
use crate::system::{Sequence, System, TwoPort, UnitVariant};

const SQRT2: f64 = std::f64::consts::SQRT_2;
const SQRT3: f64 = 1.732_050_807_568_877_2;

/// Method B keeps the safety factor 1.15 from this R/X of the location's short-circuit
/// impedance on (IEC 60909-0:2016 §8.1.3.2: not needed while R/X < 0.3).
const RX_LIMIT_B: f64 = 0.3;

/// What the results at one supplied location are computed from (per unit).
#[derive(Clone, Debug)]
pub(crate) struct LocationData {
    pub z1: C64,
    pub z2: C64,
    /// `None`: no zero-sequence path at the location.
    pub z0: Option<C64>,
    /// Thévenin impedance of the peak-current matrix.
    pub z_peak: C64,
    /// Thévenin impedance at the equivalent frequency of the DC component (method C).
    pub z_dc: Option<C64>,
    /// Its frequency factor f_c/f.
    pub s_dc: f64,
    /// Thévenin impedance without motors and the converters' term there (I''kM); an
    /// infinite impedance where no other source feeds the location.
    pub no_motors: Option<(C64, f64)>,
    /// Σ_j |Z_kj|·I_kPFj of the full-converter sources.
    pub src: f64,
    /// The sources' partial currents summed as the breaking and steady-state currents need
    /// them (`None`: feeders and converters only).
    pub shares: Option<Shares>,
    /// Source voltage c (times U_rG/U_n at power station unit terminals).
    pub e0: f64,
    /// Earthing of the zero-sequence system at the location (earth faults).
    pub earthing: Earthing,
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

/// Per node: whether it is fed through more than one path to the sources (κ: method B/C and
/// the factor 1.15 of method B; paths closed through earth count), and whether its fault
/// current flows through a mesh of branches (I_b by eq. 75 and I_k = I''kM of meshed networks,
/// IEC 60909-0:2016 §9.1.3, §10.2.3; paths closed only through earth do not count).
pub(crate) struct Meshing {
    pub meshed: Vec<bool>,
    pub meshes: Vec<bool>,
}

pub(crate) fn meshing(ctx: &Context<'_>) -> Meshing {
    let sys = ctx.sys;
    let n = sys.n();
    let edges: Vec<(usize, usize)> = sys
        .branches
        .iter()
        .filter(|br| matches!(br.pos, TwoPort::Pi { .. }) && br.a != br.b)
        .map(|br| (br.a, br.b))
        .collect();
    // sources: feeders, machines, converters; not the passive shunts of network equivalents
    let mut sources: Vec<usize> = sys
        .shunts
        .iter()
        .filter(|s| s.is_source())
        .map(|s| s.node)
        .collect();
    sources.extend(sys.sources.iter().map(|s| s.node));
    let (meshed, meshes) = match ctx.options.topology {
        Topology::Auto => (
            meshed(n, &edges, &sources),
            fed_through_meshes(n, &edges, &sources),
        ),
        Topology::Meshed => (vec![true; n], vec![true; n]),
        Topology::Radial => (vec![false; n], vec![false; n]),
    };
    Meshing { meshed, meshes }
}

/// The result row of a location (`data` is `None` for an unsupplied location).
pub(crate) fn bus_result(
    ctx: &Context<'_>,
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
        ik_ka: 0.0,
        idc_ka: 0.0,
        ib_asym_ka: 0.0,
        rk_ohm: 0.0,
        xk_ohm: 0.0,
        rk2_ohm: None,
        xk2_ohm: None,
        rk0_ohm: None,
        xk0_ohm: None,
        ikss_earth_ka: None,
        ice_ka: None,
        ires_ka: None,
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
        let (rk0, xk0) = d.z0.map_or((f64::INFINITY, f64::INFINITY), |z0| {
            (z0.re * zb, z0.im * zb)
        });
        r.rk0_ohm = Some(rk0);
        r.xk0_ohm = Some(xk0);
        r.ikss_earth_ka = Some((seq.i0 * 3.0).norm() * ib);
        if kind == FaultKind::LineToEarth && d.earthing != Earthing::Effective {
            outside_the_standard(&mut r, d, ik_pu * ib);
            return r;
        }
        if d.z0.is_none() {
            r.status = BusStatus::NoZeroSequencePath;
        }
    }
    r.ikss_ka = ik_pu * ib;
    r.skss_mva = SQRT3 * vn * r.ikss_ka;
    let shares = d.shares.unwrap_or_default();
    let kap = peak_factor(ctx, mesh, d, &shares, k, zf);
    r.kappa = kap;
    // the part of I''k driven by the equivalent voltage source (the converters' current
    // sources are added without decay, IEC 60909-0:2016 §8.1, 9.1)
    let voltage_part = ik_pu * d.e0 / (d.e0 + d.src);
    let converter_part = ik_pu - voltage_part;
    r.ip_ka = SQRT2 * (kap * voltage_part + converter_part) * ib;
    r.idc_ka = dc_component(
        voltage_part * ib,
        dc_r_over_x(d, zf),
        sys.frequency_hz,
        options.tmin_s,
    );
    let three_phase = kind == FaultKind::ThreePhase;
    // I_b (IEC 60909-0:2016 §9.1): where the current flows through meshes, eq. 75; else the
    // sum of the sources' partial breaking currents μ·q·I''k,i (eq. 74 generalised to any
    // radial structure, at most I''k); I''k for unbalanced faults (§9.3)
    // NaN (a missing datum) must stay NaN through the bounds below
    let at_most = |v: f64, bound: f64| if v.is_nan() { v } else { v.min(bound) };
    let ib_pu = match (three_phase, options.breaking_current, d.shares) {
        (true, BreakingCurrent::Exact, Some(s)) if mesh.meshes[k] => s.breaking_current(ik_pu),
        (true, BreakingCurrent::Exact, Some(s)) => {
            at_most(s.decayed * d.e0 / (d.e0 + d.src) + converter_part, ik_pu)
        }
        _ => ik_pu,
    };
    r.ib_ka = ib_pu * ib;
    r.ib_asym_ka = r.ib_ka.hypot(r.idc_ka);
    r.ik_ka = steady_state(ctx, mesh, d, k, zf, ik_pu, converter_part) * ib;
    let m = thermal_m(kap, sys.frequency_hz, options.tk_s);
    let n = thermal_n(r.ikss_ka / r.ik_ka, options.tk_s);
    r.ith_ka = r.ikss_ka * (m + n).sqrt();
    r
}

/// A line-to-earth fault in an isolated or resonance-earthed system: IEC 60909-0:2016
/// (clause 1) gives no short-circuit current; the current through the fault is the
/// capacitive earth-fault current (isolated neutral) or the residual current (resonance
/// earthing), reported as such where the network data determine it.
fn outside_the_standard(r: &mut BusResult, d: &LocationData, fault_current_ka: f64) {
    for v in [
        &mut r.ikss_ka,
        &mut r.skss_mva,
        &mut r.ip_ka,
        &mut r.ib_ka,
        &mut r.ith_ka,
        &mut r.ik_ka,
        &mut r.idc_ka,
        &mut r.ib_asym_ka,
        &mut r.kappa,
    ] {
        *v = f64::NAN;
    }
    r.ikss_earth_ka = None;
    let known = d.z0.is_some().then_some(fault_current_ka);
    match d.earthing {
        Earthing::Resonant(coil_known) => {
            r.status = BusStatus::ResonanceEarthed;
            r.ires_ka = known.filter(|_| coil_known);
        }
        _ => {
            r.status = BusStatus::NoZeroSequencePath;
            r.ice_ka = known;
        }
    }
}

/// κ of a location: from R/X at the fault (radial topology), method B with the factor 1.15
/// decided from the paths that carry this location's current, or method C (IEC 60909-0:2016
/// §8.1.3.2); the share of units with a given κ_WD takes theirs.
fn peak_factor(
    ctx: &Context<'_>,
    mesh: &Meshing,
    d: &LocationData,
    shares: &Shares,
    k: usize,
    zf: C64,
) -> f64 {
    let options = ctx.options;
    let zp = d.z_peak;
    let kap = match (options.topology, options.ip_method) {
        (Topology::Radial, _) => kappa(rx(zp + zf)),
        (_, PeakMethod::B) => {
            // R/X of the short-circuit impedance Z_k at the location, the impedance the
            // branches that carry its current form together (as for I''k)
            let rk_xk = rx(d.z1 + zf);
            kappa_method_b(
                rk_xk,
                mesh.meshed[k],
                rk_xk >= RX_LIMIT_B,
                ctx.sys.nodes[k].vn_kv <= LV_LIMIT_KV,
            )
        }
        (_, PeakMethod::C) => kappa(rx(zp + C64::new(zf.re, zf.im * FC_RATIO)) * FC_RATIO),
    };
    let (share, kappa_wd) = shares.peak_factor_share();
    (1.0 - share) * kap + share * kappa_wd
}

/// R/X for the DC component (IEC 60909-0:2016 eq. 64): at the fault with the generators'
/// own resistance for radial topologies and method B; (R_c/X_c)·(f_c/f) at the equivalent
/// frequency for method C.
fn dc_r_over_x(d: &LocationData, zf: C64) -> f64 {
    match d.z_dc {
        Some(zc) => {
            let s = d.s_dc;
            rx(zc + C64::new(zf.re, zf.im * s)) * s
        }
        None => rx(d.z1 + zf),
    }
}

/// I_k in per unit (IEC 60909-0:2016 clause 10): I''k for unbalanced faults (§10.3);
/// three-phase: in a meshed network I''kM, the initial current without motors (§10.2.3),
/// I''k itself in the minimum case; otherwise the sum of the sources' steady-state partial
/// currents, λ·I_rG for generators near the fault, nothing for motors (§10.2.1, 10.2.2), at
/// most I''k.
fn steady_state(
    ctx: &Context<'_>,
    mesh: &Meshing,
    d: &LocationData,
    k: usize,
    zf: C64,
    ik_pu: f64,
    converter_part: f64,
) -> f64 {
    if ctx.options.fault != FaultKind::ThreePhase {
        return ik_pu;
    }
    if mesh.meshes[k] {
        // at most I''k: without motors the converters' superposed magnitudes can grow
        return match d.no_motors {
            Some((z, src)) => ((d.e0 + src) / (z + zf).norm()).min(ik_pu),
            None => ik_pu,
        };
    }
    match d.shares {
        // NaN where λ_min lacks x_dsat stays NaN
        Some(s) => {
            let ik = s.steady * d.e0 / (d.e0 + d.src) + converter_part;
            if ik.is_nan() { ik } else { ik.min(ik_pu) }
        }
        None => ik_pu,
    }
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
    pub dc: Option<Vec<C64>>,
    pub no_motors: Option<Vec<C64>>,
}

impl Entries {
    /// One selected inversion (or a few solves) per matrix for all `pairs`. With `release`
    /// (the study solves nothing more), each factor is released as its entries are taken,
    /// its selected inverse computed in its own memory (issue 16: memory).
    pub fn compute(
        ctx: &Context<'_>,
        set: &mut SequenceSet,
        pairs: &[(usize, usize)],
        release: bool,
    ) -> Entries {
        let sym = &ctx.adm.sym;
        let get = |f: &mut Factor| {
            if release {
                f.take_entries(sym, pairs)
            } else {
                f.entries(sym, pairs)
            }
        };
        let SequenceSet {
            f1,
            peak,
            neg,
            zero,
            dc,
            no_motors,
            ..
        } = set;
        let ((pos, peak), (dc, no_motors)) = par::join(
            || par::join(|| get(f1), || peak.as_mut().map(get)),
            || {
                par::join(
                    || dc.as_mut().map(get),
                    || no_motors.as_mut().map(|(_, f)| get(f)),
                )
            },
        );
        let peak = peak.unwrap_or_else(|| pos.clone());
        Entries {
            neg: neg.as_mut().map(|(_, f)| get(f)),
            zero: zero.as_mut().map(|(_, f)| get(f)),
            pos,
            peak,
            dc,
            no_motors,
        }
    }
}

/// Location data of every location of `locs` in the base network, in bulk: driving-point
/// impedances from the selected inversion (`entries`, the diagonal entries of `locs` first),
/// converter terms and the sources' partial currents by block solves.
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
    let src_nm = set.no_motors.as_ref().map(|(m, f)| {
        let v = source_magnitudes(ctx.sys, sym, f, &m.dead, &nodes);
        (m, v)
    });
    let e0: Vec<f64> = locs
        .iter()
        .map(|l| source_voltage(ctx, l.node, None))
        .collect();
    let shares = ctx.sweep.then(|| {
        let inputs: Vec<LocationInput> = (0..n)
            .map(|i| {
                let (zf, _) = fault_impedances(ctx, nodes[i]);
                let e = e0[i] + src.get(i).copied().unwrap_or(0.0);
                LocationInput {
                    node: nodes[i],
                    i_k: C64::new(e, 0.0) / (z1[i] + zf),
                    e_k: e0[i],
                    ratio: ctx.ratios[nodes[i]],
                }
            })
            .collect();
        shares(
            sym,
            &set.f1,
            &set.m1.dead,
            &inputs,
            &ctx.terms,
            ctx.options.tmin_s,
            ctx.options.case,
            &|w| progress.tick(w),
        )
    });
    (0..n)
        .map(|i| {
            let k = nodes[i];
            (!set.m1.dead[k]).then(|| LocationData {
                z1: z1[i],
                z2: z2.map_or(z1[i], |z| z[i]),
                z0: z0.and_then(|(m, z)| (!m.dead[k]).then_some(z[i])),
                z_peak: z_peak[i],
                z_dc: entries.dc.as_ref().map(|z| z[i]),
                s_dc: set.s_dc,
                no_motors: entries
                    .no_motors
                    .as_ref()
                    .zip(src_nm.as_ref())
                    .map(|(z, (m, v))| without_motors(m.dead[k], z[i], v.get(i).copied())),
                src: src.get(i).copied().unwrap_or(0.0),
                shares: shares.as_ref().map(|s| s[i]),
                e0: e0[i],
                earthing: ctx.earthing[k],
            })
        })
        .collect()
}

/// (Z_kk, converters' term) without motors; infinite where motors alone feed the location.
fn without_motors(dead: bool, z: C64, src: Option<f64>) -> (C64, f64) {
    if dead {
        (C64::new(f64::INFINITY, 0.0), 0.0)
    } else {
        (z, src.unwrap_or(0.0))
    }
}

/// Location data of a fault at the generator terminals of a power station unit (IEC 60909-0
/// §6.7.2): the unit variant's driving-point impedances from the base entries Z_SS on the
/// unit's two nodes (`zss(which)`), and its full columns where the converters or the sources'
/// partial currents need them.
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
    let has_converters = !ctx.sys.sources.is_empty();
    let column = |which| set.column(ctx, which, k, Some(unit)).expect("exists");
    let c1 = (ctx.sweep || has_converters).then(|| column(Which::Seq(Sequence::Positive)));
    let converters = |col: &[C64], dead: &[bool]| -> f64 {
        ctx.sys
            .sources
            .iter()
            .filter(|s| !dead[s.node])
            .map(|s| col[s.node].norm() * s.i_pu.norm())
            .sum()
    };
    let src = c1.as_ref().map_or(0.0, |c| converters(c, &set.m1.dead));
    let (zf, _) = fault_impedances(ctx, k);
    let shares = match (&c1, ctx.sweep) {
        (Some(c1), true) => {
            let terms = SourceTerm::all(ctx.sys, Some(unit), &ctx.ratios);
            let input = LocationInput {
                node: k,
                i_k: C64::new(e0 + src, 0.0) / (z1 + zf),
                e_k: e0,
                ratio: ctx.ratios[k],
            };
            Some(shares_from_column(
                &input,
                c1,
                &terms,
                &set.m1.dead,
                ctx.options.tmin_s,
                ctx.options.case,
            ))
        }
        _ => None,
    };
    let no_motors = set.no_motors.as_ref().map(|(m, _)| {
        let z = point(Which::NoMotors).expect("factor exists");
        let src_nm = has_converters.then(|| converters(&column(Which::NoMotors), &m.dead));
        without_motors(m.dead[k], z, src_nm)
    });
    progress.tick(1);
    Some(LocationData {
        z1,
        z2,
        z0,
        z_peak,
        z_dc: set
            .dc
            .as_ref()
            .map(|_| point(Which::Dc).expect("factor exists")),
        s_dc: set.s_dc,
        no_motors,
        src,
        shares,
        e0,
        earthing: ctx.earthing[k],
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

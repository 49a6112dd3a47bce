//! The short-circuit study: compile the network, factor each sequence network once, get the
//! driving-point impedances of every fault location by selected inversion, and evaluate
//! I''k, i_p, I_b and I_th per location in parallel.

use std::sync::atomic::{AtomicUsize, Ordering};

use num_complex::Complex64 as C64;

use super::branch_flows;
use super::breaking::{mu, q};
use super::fault_types::sequence_currents;
use super::peak::{kappa, kappa_method_b, thermal_m};
use crate::error::{Error, Issue, Result};
use crate::iec60909::factors::LV_LIMIT_KV;
use crate::model::{Network, Table};
use crate::par;
use crate::sparse::Factor;
use crate::study::{
    BusResult, BusStatus, FaultKind, PeakMethod, StudyOptions, StudyReport, Topology,
};
use crate::system::admittance::{Admittance, SequenceMatrix, Stamp};
use crate::system::topology::meshed;
use crate::system::{Decay, Sequence, System, TwoPort, UnitVariant};

const SQRT2: f64 = std::f64::consts::SQRT_2;
const SQRT3: f64 = 1.732_050_807_568_877_2;

/// Ratio f_c/f of the equivalent frequency of method C (20 Hz at 50 Hz, 24 Hz at 60 Hz).
const FC_RATIO: f64 = 0.4;

/// Runs a short-circuit study on `net` and returns a report keyed by element ids.
///
/// ```
/// use ampflux_core::{FaultKind, Network, StudyOptions, short_circuit};
/// let net = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 110.0}],
///     "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 2000, "rx_max": 0.1,
///                          "x0x_max": 1.0, "r0x0_max": 0.1}]}"#).unwrap();
/// let three = short_circuit(&net, &StudyOptions::default()).unwrap();
/// // S''k = √3·U_n·I''k reproduces the feeder's 2000 MVA
/// assert!((three.bus("A").unwrap().skss_mva - 2000.0).abs() < 1e-6);
/// let earth = short_circuit(&net, &StudyOptions { fault: FaultKind::LineToEarth, ..Default::default() }).unwrap();
/// assert!((earth.bus("A").unwrap().ikss_ka - three.bus("A").unwrap().ikss_ka).abs() < 1e-9);
/// ```
pub fn short_circuit(net: &Network, options: &StudyOptions) -> Result<StudyReport> {
    short_circuit_with_progress(net, options, &|_, _| {})
}

/// [`short_circuit`] reporting progress as (done, total) work units (columns solved, fault
/// locations evaluated), for progress bars in front ends. Called from worker threads.
pub fn short_circuit_with_progress(
    net: &Network,
    options: &StudyOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<StudyReport> {
    options.check()?;
    let issues = net.validate_for(options);
    if issues.iter().any(Issue::is_error) {
        return Err(Error::Invalid(issues));
    }
    let mut warnings = issues;
    let sys = System::compile(net, options)?;
    let adm = Admittance::new(&sys)?;
    let locations = locations(net, options, &sys, &mut warnings);
    let ctx = Context {
        net,
        options,
        sys: &sys,
        adm: &adm,
    };
    // fault locations at the terminals of a power station unit's generator use the unit
    // variant (IEC 60909-0 §6.7.2); all others the base matrices
    let unit_at = |node: usize| sys.units.iter().find(|u| u.node == node);
    let (unit_locs, plain_locs): (Vec<Location>, Vec<Location>) =
        locations.iter().cloned().partition(|l| {
            unit_at(l.node).is_some() && options.method == crate::study::Method::Iec60909
        });
    let base = SequenceSet::new(&ctx, None, &plain_locs)?;
    if base.fallback {
        warnings.push(note(
            "lu_fallback",
            "a sequence matrix needed pivoting: driving-point impedances were found by one LU solve per fault location",
        ));
    }
    check_zero_sequence_data(&ctx, &base, &locations)?;

    let counter = Progress::new(progress, &ctx, &plain_locs, &base);
    let mut buses = evaluate(&ctx, &base, &plain_locs, None, &counter);
    for loc in &unit_locs {
        let unit = unit_at(loc.node).expect("partitioned on it");
        let set = SequenceSet::new(&ctx, Some(unit), std::slice::from_ref(loc))?;
        buses.extend(evaluate(
            &ctx,
            &set,
            std::slice::from_ref(loc),
            Some(unit),
            &counter,
        ));
    }
    // restore the requested order
    let order: std::collections::HashMap<&str, usize> = locations
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    buses.sort_by_key(|b| order[b.id.as_str()]);

    let (branches, voltages) = if options.branch_results {
        branch_flows::compute(&ctx, &base, &plain_locs, &buses, &counter)?
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(StudyReport {
        study: options.clone(),
        network_digest: net.digest(),
        buses,
        branches,
        voltages,
        warnings,
    })
}

fn note(code: &str, message: &str) -> Issue {
    Issue {
        severity: crate::error::Severity::Warning,
        code: code.into(),
        table: None,
        element: None,
        field: None,
        message: message.into(),
    }
}

/// What the evaluation needs from the study.
pub(crate) struct Context<'a> {
    pub net: &'a Network,
    pub options: &'a StudyOptions,
    pub sys: &'a System,
    pub adm: &'a Admittance,
}

/// A fault location.
#[derive(Clone, Debug)]
pub(crate) struct Location {
    pub id: String,
    pub node: usize,
}

fn locations(
    net: &Network,
    options: &StudyOptions,
    sys: &System,
    warnings: &mut Vec<Issue>,
) -> Vec<Location> {
    let mut out = Vec::new();
    let wanted: Option<std::collections::HashSet<&str>> = options
        .buses
        .as_ref()
        .map(|b| b.iter().map(String::as_str).collect());
    for (i, bus) in net.buses.iter().enumerate() {
        if let Some(w) = &wanted
            && !w.contains(bus.id.as_str())
        {
            continue;
        }
        match sys.bus_node[i] {
            Some(node) => out.push(Location {
                id: bus.id.clone(),
                node,
            }),
            None if wanted.is_some() => warnings.push(Issue::warning(
                Table::Buses,
                &bus.id,
                "in_service",
                "out_of_service",
                "the bus is out of service; no result",
            )),
            None => {}
        }
    }
    for (k, lf) in options.line_faults.iter().enumerate() {
        let node = sys.line_fault_nodes[k];
        if node != usize::MAX {
            out.push(Location {
                id: lf.location_id(),
                node,
            });
        }
    }
    out
}

/// Factorized sequence networks for one variant of the system.
pub(crate) struct SequenceSet {
    pub m1: SequenceMatrix,
    pub f1: Factor,
    /// Z_kk of the positive sequence at each location.
    pub z1: Vec<C64>,
    /// Z_kk used for κ at each location (R/X already scaled for method C).
    pub z_peak: Vec<C64>,
    /// Negative sequence (`None`: equal to the positive sequence).
    pub neg: Option<(SequenceMatrix, Factor, Vec<C64>)>,
    /// Zero sequence (only for earth faults).
    pub zero: Option<(SequenceMatrix, Factor, Vec<C64>)>,
    /// Σ_j |Z_kj|·I_kPFj of the full-converter current sources at each location (per unit,
    /// empty without sources): the IEC 60909-0:2016 superposition adds it to c at the fault.
    pub src_mag: Vec<f64>,
    /// Voltage phasor caused by the current sources at every node (for branch flows; empty
    /// unless branch results are asked and sources exist).
    pub v_src: Vec<C64>,
    pub fallback: bool,
}

impl SequenceSet {
    pub fn new(
        ctx: &Context<'_>,
        unit: Option<&UnitVariant>,
        locs: &[Location],
    ) -> Result<SequenceSet> {
        let (sys, adm, options) = (ctx.sys, ctx.adm, ctx.options);
        let nodes: Vec<usize> = locs.iter().map(|l| l.node).collect();
        let stamp = |seq, s, peak| Stamp { seq, s, peak, unit };
        let kind = options.fault;
        let (first, peak_factor) = par::join(
            || adm.factor(sys, stamp(Sequence::Positive, 1.0, false)),
            || -> Result<Option<Factor>> {
                let (s, peak) = match (options.topology, options.ip_method) {
                    (Topology::Radial, _) | (_, PeakMethod::B) => (1.0, true),
                    (_, PeakMethod::C) => (FC_RATIO, true),
                };
                if s == 1.0 && !sys.shunts.iter().any(|sh| sh.pos_peak != sh.pos) {
                    return Ok(None);
                }
                Ok(Some(adm.factor(sys, stamp(Sequence::Positive, s, peak))?.1))
            },
        );
        let (m1, f1) = first?;
        let peak_factor = peak_factor?;
        let mut fallback = f1.is_fallback();
        let (z1, z_peak) = par::join(
            || f1.diagonal(&adm.sym, &nodes),
            || peak_factor.as_ref().map(|f| f.diagonal(&adm.sym, &nodes)),
        );
        let z_peak = z_peak.unwrap_or_else(|| z1.clone());
        let neg = if kind != FaultKind::ThreePhase && sys.negative_differs() {
            let (m, f) = adm.factor(sys, stamp(Sequence::Negative, 1.0, false))?;
            fallback |= f.is_fallback();
            let z = f.diagonal(&adm.sym, &nodes);
            Some((m, f, z))
        } else {
            None
        };
        let zero = if kind.involves_earth() {
            let (m, f) = adm.factor(sys, stamp(Sequence::Zero, 1.0, false))?;
            fallback |= f.is_fallback();
            let z = f.diagonal(&adm.sym, &nodes);
            Some((m, f, z))
        } else {
            None
        };
        let src_mag = source_magnitudes(sys, &adm.sym, &f1, &m1, &nodes);
        let v_src = if sys.sources.is_empty() || !options.branch_results {
            Vec::new()
        } else {
            let mut rhs = vec![C64::new(0.0, 0.0); sys.n()];
            for src in &sys.sources {
                if !m1.dead[src.node] {
                    rhs[src.node] += src.i_pu;
                }
            }
            f1.solve(&adm.sym, &mut rhs);
            rhs
        };
        fallback |= peak_factor.as_ref().is_some_and(Factor::is_fallback);
        Ok(SequenceSet {
            m1,
            f1,
            z1,
            z_peak,
            neg,
            zero,
            src_mag,
            v_src,
            fallback,
        })
    }
}

/// Σ_j |Z_kj|·|I_j| for every location k (IEC 60909-0:2016 superposition of full-converter
/// sources), with one solve per source node or per location, whichever is fewer.
fn source_magnitudes(
    sys: &System,
    sym: &crate::sparse::SymbolicLdl,
    f1: &Factor,
    m1: &SequenceMatrix,
    nodes: &[usize],
) -> Vec<f64> {
    if sys.sources.is_empty() {
        return Vec::new();
    }
    let mut per_node: Vec<(usize, f64)> = Vec::new();
    for src in sys.sources.iter().filter(|s| !m1.dead[s.node]) {
        match per_node.iter_mut().find(|(n, _)| *n == src.node) {
            Some((_, i)) => *i += src.i_pu.norm(),
            None => per_node.push((src.node, src.i_pu.norm())),
        }
    }
    if per_node.len() <= nodes.len() {
        par::fold_sum(&per_node, nodes.len(), |&(j, i_j), acc| {
            let col = f1.column(sym, j);
            for (a, &k) in acc.iter_mut().zip(nodes) {
                *a += col[k].norm() * i_j;
            }
        })
    } else {
        par::map(nodes, |&k| {
            let col = f1.column(sym, k);
            per_node.iter().map(|&(j, i_j)| col[j].norm() * i_j).sum()
        })
    }
}

/// Earth faults in a zero-sequence island that contains a network feeder without
/// zero-sequence data cannot be computed: error naming the feeder and field.
fn check_zero_sequence_data(ctx: &Context<'_>, set: &SequenceSet, locs: &[Location]) -> Result<()> {
    let Some((m0, _, _)) = &set.zero else {
        return Ok(());
    };
    let mut issues = Vec::new();
    for (node, grid) in &ctx.sys.zero_unknown {
        let comp = m0.component[*node];
        if let Some(loc) = locs.iter().find(|l| m0.component[l.node] == comp) {
            issues.push(Issue::error(
                Table::ExternalGrids,
                grid,
                "x0x_max",
                "missing_data",
                format!(
                    "an earth fault at `{}` is fed through this feeder's zero-sequence network, which needs x0x_max and r0x0_max",
                    loc.id
                ),
            ));
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(issues))
    }
}

/// Progress over the heavy parts (machine columns and location evaluations).
pub(crate) struct Progress<'a> {
    callback: &'a (dyn Fn(usize, usize) + Sync),
    done: AtomicUsize,
    total: usize,
}

impl<'a> Progress<'a> {
    fn new(
        callback: &'a (dyn Fn(usize, usize) + Sync),
        ctx: &Context<'_>,
        locs: &[Location],
        _set: &SequenceSet,
    ) -> Progress<'a> {
        let branch = if ctx.options.branch_results {
            locs.len()
        } else {
            0
        };
        Progress {
            callback,
            done: AtomicUsize::new(0),
            total: machine_nodes(ctx.sys).len() + locs.len() + branch,
        }
    }

    pub fn tick(&self, n: usize) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        (self.callback)(done.min(self.total), self.total);
    }
}

/// Nodes with rotating machines (each solved once for the breaking current).
fn machine_nodes(sys: &System) -> Vec<usize> {
    let mut nodes: Vec<usize> = sys
        .shunts
        .iter()
        .filter(|s| s.machine.is_some())
        .map(|s| s.node)
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    nodes
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

/// Evaluates every location of `locs` against `set`.
fn evaluate(
    ctx: &Context<'_>,
    set: &SequenceSet,
    locs: &[Location],
    unit: Option<&UnitVariant>,
    progress: &Progress<'_>,
) -> Vec<BusResult> {
    let sys = ctx.sys;
    let options = ctx.options;
    let kind = options.fault;
    // three-phase fault currents (needed for the machine contributions of Ib)
    let i3: Vec<C64> = locs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if set.m1.dead[l.node] {
                return C64::new(0.0, 0.0);
            }
            let (zf, _) = fault_impedances(ctx, l.node);
            let e = source_voltage(ctx, l.node, unit) + set.src_mag.get(i).copied().unwrap_or(0.0);
            e / (set.z1[i] + zf)
        })
        .collect();
    let ib_reduction = if kind == FaultKind::ThreePhase {
        breaking_reduction(ctx, set, locs, &i3, unit, progress)
    } else {
        vec![0.0; locs.len()]
    };
    let mesh = meshing(ctx, set);
    let idx: Vec<usize> = (0..locs.len()).collect();
    let out = par::map(&idx, |&i| {
        let loc = &locs[i];
        let k = loc.node;
        let vn = sys.nodes[k].vn_kv;
        let e0 = source_voltage(ctx, k, unit);
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
            c: e0,
            meshed: mesh.meshed[k],
            status: BusStatus::Ok,
        };
        if set.m1.dead[k] {
            r.status = BusStatus::Unsupplied;
            return r;
        }
        let zb = sys.z_base(k);
        let ib = sys.i_base(k);
        let (zf, ze) = fault_impedances(ctx, k);
        let z1 = set.z1[i];
        let z2 = set.neg.as_ref().map_or(z1, |n| n.2[i]);
        let z0 = set
            .zero
            .as_ref()
            .and_then(|(m, _, z)| (!m.dead[k]).then_some(z[i]));
        let src = set.src_mag.get(i).copied().unwrap_or(0.0);
        let e = C64::new(e0 + src, 0.0);
        let seq = sequence_currents(kind, e, z1, z2, z0, zf, ze);
        let phases = seq.phases();
        let ik_pu = phases.iter().map(|p| p.norm()).fold(0.0, f64::max);
        r.rk_ohm = z1.re * zb;
        r.xk_ohm = z1.im * zb;
        if kind != FaultKind::ThreePhase {
            r.rk2_ohm = Some(z2.re * zb);
            r.xk2_ohm = Some(z2.im * zb);
        }
        if kind.involves_earth() {
            match z0 {
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
        // peak factor
        let zp = set.z_peak[i];
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
        // i_p: κ on the part driven by the equivalent voltage source, the converters'
        // contribution added without decay (IEC 60909-0:2016 §8.1)
        let ip_pu = if kind == FaultKind::ThreePhase && src > 0.0 {
            SQRT2 * (kap * e0 + src) / (z1 + zf).norm()
        } else {
            SQRT2 * kap * ik_pu
        };
        r.ip_ka = ip_pu * ib;
        r.ib_ka = (ik_pu - ib_reduction[i]).max(0.0) * ib;
        let m = thermal_m(kap, sys.frequency_hz, options.tk_s);
        r.ith_ka = r.ikss_ka * (m + 1.0).sqrt();
        r
    });
    progress.tick(locs.len());
    out
}

/// R/X of an impedance.
fn rx(z: C64) -> f64 {
    if z.im == 0.0 {
        f64::INFINITY
    } else {
        z.re / z.im
    }
}

/// Meshed flags per node and, per positive-sequence island, whether every branch has
/// R/X < 0.3 (method B drops the factor 1.15 then).
pub(crate) struct Meshing {
    pub meshed: Vec<bool>,
    pub low_rx: Vec<bool>,
}

fn meshing(ctx: &Context<'_>, set: &SequenceSet) -> Meshing {
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
    let sources: Vec<usize> = sys.shunts.iter().map(|s| s.node).collect();
    let meshed = match ctx.options.topology {
        Topology::Auto => meshed(n, &edges, &sources),
        Topology::Meshed => vec![true; n],
        Topology::Radial => vec![false; n],
    };
    Meshing { meshed, low_rx }
}

/// The reduction I''k − I_b of every location caused by the decay of near machines
/// (IEC 60909-0 eq. 75): Σ_i ΔU''_i/(c·U_n/√3)·(1 − μ_i·q_i)·I''k_i, in per unit.
fn breaking_reduction(
    ctx: &Context<'_>,
    set: &SequenceSet,
    locs: &[Location],
    i3: &[C64],
    unit: Option<&UnitVariant>,
    progress: &Progress<'_>,
) -> Vec<f64> {
    let sys = ctx.sys;
    let options = ctx.options;
    let machines: Vec<(usize, C64, f64, Decay, f64)> = sys
        .shunts
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
            Some((sh.node, z, m.ir_ka, m.decay, sys.i_base(sh.node)))
        })
        .collect();
    if machines.is_empty() || locs.is_empty() {
        return vec![0.0; locs.len()];
    }
    let sym = &ctx.adm.sym;
    let contribution =
        |z_gk: C64,
         i_k: C64,
         e_k: f64,
         (_, z_m, ir_ka, decay, ib_g): &(usize, C64, f64, Decay, f64)| {
            // machine current I_m = Z_gk·I_k/Z_m; voltage drop ΔU'' = X_m·|I_m|
            let i_m = (z_gk * i_k / z_m).norm();
            let x = i_m * ib_g / ir_ka;
            let factor = match decay {
                Decay::Synchronous => mu(x, options.tmin_s),
                Decay::Asynchronous(Some(m)) => mu(x, options.tmin_s) * q(*m, options.tmin_s),
                Decay::Asynchronous(None) => mu(x, options.tmin_s),
            };
            z_m.im.abs() * i_m / e_k * (1.0 - factor) * i_m
        };
    let mnodes = machine_nodes(sys);
    let e: Vec<f64> = locs
        .iter()
        .map(|l| source_voltage(ctx, l.node, unit))
        .collect();
    if locs.len() <= mnodes.len() {
        // one column per location: Z_gk = Z_kg for every machine node g
        let idx: Vec<usize> = (0..locs.len()).collect();
        par::map(&idx, |&i| {
            let k = locs[i].node;
            if set.m1.dead[k] {
                return 0.0;
            }
            let col = set.f1.column(sym, k);
            machines
                .iter()
                .map(|mach| contribution(col[mach.0], i3[i], e[i], mach))
                .sum()
        })
    } else {
        // one column per machine node: Z_gk for every location k
        let node_of_loc: Vec<usize> = locs.iter().map(|l| l.node).collect();
        par::fold_sum(&mnodes, locs.len(), |&g, acc| {
            let col = set.f1.column(sym, g);
            for mach in machines.iter().filter(|m| m.0 == g) {
                for (i, &k) in node_of_loc.iter().enumerate() {
                    if !set.m1.dead[k] {
                        acc[i] += contribution(col[k], i3[i], e[i], mach);
                    }
                }
            }
            progress.tick(1);
        })
    }
}

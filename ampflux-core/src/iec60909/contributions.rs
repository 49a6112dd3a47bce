//! The partial currents of the sources at every fault location, and what the standard
//! derives from them: the breaking current (IEC 60909-0:2016 §9.1), the steady-state current
//! (clause 10) and the share of units with a given peak factor (§6.9).
//!
//! With the equivalent voltage source at location k, source j at node g delivers
//! I_j = Z_gk·I_k / Z_j: a column of Z per location, or one block solve per group of source
//! nodes, whichever is fewer.

use num_complex::Complex64 as C64;

use super::breaking::{mu, q};
use super::steady::lambda;
use crate::par;
use crate::sparse::{Factor, SymbolicLdl};
use crate::study::{Case, FaultKind};
use crate::system::topology::current_ratios;
use crate::system::{Decay, SteadyData, System, TwoPort, UnitVariant};

/// Number of columns solved together when many columns of Z are needed.
pub(crate) const COLUMN_BLOCK: usize = 16;

/// A source (shunt with an impedance) as the location evaluation sees it.
#[derive(Clone, Debug)]
pub(crate) struct SourceTerm {
    /// Index in `System::shunts`.
    pub shunt: usize,
    pub node: usize,
    /// Positive-sequence impedance in p.u. of the node (unit variant applied).
    pub z: C64,
    /// Rated current in p.u. of the node (machines; 0 for feeders and wind units).
    pub ir_pu: f64,
    pub decay: Option<Decay>,
    pub steady: Option<SteadyData>,
    /// κ_WD of a doubly fed unit.
    pub peak_factor: Option<f64>,
    /// Refers a current in per unit of the node to its island's reference
    /// ([`current_ratios`]).
    pub ratio: f64,
}

impl SourceTerm {
    /// Every source of the system (`unit`: with the generator of that unit scaled for a fault
    /// at its terminals). `ratios`: [`node_ratios`] of `sys`, which a unit variant does not
    /// change (computed once per study: found in the wasm profile of issue 16, where one
    /// computation per unit location took 15 % of a 10k-bus sweep).
    pub fn all(sys: &System, unit: Option<&UnitVariant>, ratios: &[f64]) -> Vec<SourceTerm> {
        sys.shunts
            .iter()
            .enumerate()
            // the passive admittances of network equivalents (`shunts`) are no sources
            .filter(|(_, sh)| sh.is_source())
            .map(|(k, sh)| {
                let scale = match unit {
                    Some(u) if u.shunt == k => u.gen_scale,
                    _ => 1.0,
                };
                let machine = sh.machine;
                SourceTerm {
                    shunt: k,
                    node: sh.node,
                    z: sh.pos.z(1.0) * scale,
                    ir_pu: machine.map_or(0.0, |m| m.ir_ka / sys.i_base(sh.node)),
                    decay: machine.map(|m| m.decay),
                    steady: machine.and_then(|m| m.steady).map(|mut s| {
                        s.xdss_pu *= scale;
                        s
                    }),
                    peak_factor: sh.peak_factor,
                    ratio: ratios[sh.node],
                }
            })
            .collect()
    }

    /// Whether the locations of a study of `kind` need the partial currents of these sources:
    /// machines decay in three-phase faults (I_b, I_k), wind units with a given κ_WD take
    /// their share of i_p in every fault; with feeders alone every share is 1.
    pub fn matter(terms: &[SourceTerm], kind: FaultKind) -> bool {
        terms.iter().any(|t| {
            t.peak_factor.is_some() || (kind == FaultKind::ThreePhase && t.decay.is_some())
        })
    }

    /// (μ, q) of this source's share for a partial current of `x` times its rated current
    /// (IEC 60909-0:2016 eq. 70, 73); 1 for feeders and wind units. A machine contributing
    /// no more than twice its rated current is far from the fault: no decay (§3.16, 9.1).
    pub fn mu_q(&self, x: f64, tmin_s: f64) -> (f64, f64) {
        match self.decay {
            None => (1.0, 1.0),
            Some(_) if x <= 2.0 => (1.0, 1.0),
            Some(Decay::Synchronous | Decay::Asynchronous(None)) => (mu(x, tmin_s), 1.0),
            Some(Decay::Asynchronous(Some(p))) => (mu(x, tmin_s), q(p, tmin_s)),
        }
    }

    /// μ·q (see [`SourceTerm::mu_q`]).
    pub fn decay_factor(&self, x: f64, tmin_s: f64) -> f64 {
        let (m, q) = self.mu_q(x, tmin_s);
        m * q
    }

    /// I_k/I''k of this source's share (IEC 60909-0:2016 clause 10): feeders and wind units
    /// keep their current, a synchronous machine near the fault delivers λ·I_rG, an
    /// asynchronous one nothing. NaN where λ_min is needed but x_dsat is not given.
    pub fn steady_factor(&self, x: f64, e_k: f64, case: Case) -> f64 {
        match (self.decay, self.steady) {
            (None, _) => 1.0,
            (Some(Decay::Asynchronous(_)), _) => 0.0,
            (Some(Decay::Synchronous), _) if x <= 2.0 => 1.0,
            (Some(Decay::Synchronous), Some(s)) => match (s.xdsat_pu, case) {
                (Some(xdsat), _) => lambda(x, xdsat, &s, e_k, case) / x,
                (None, Case::Max) => 1.0,
                (None, Case::Min) => f64::NAN,
            },
            (Some(Decay::Synchronous), None) => 1.0,
        }
    }
}

/// [`current_ratios`] of the positive-sequence branches.
pub(crate) fn node_ratios(sys: &System) -> Vec<f64> {
    let edges: Vec<(usize, usize, f64)> = sys
        .branches
        .iter()
        .filter(|b| b.a != b.b)
        .filter_map(|b| match b.pos {
            TwoPort::Pi { t, .. } | TwoPort::Tee { t, .. } => Some((b.a, b.b, t)),
            _ => None,
        })
        .collect();
    current_ratios(sys.n(), &edges)
}

/// Sums over the sources' partial currents at one location (magnitudes referred to the
/// location; the eq. 75 terms in per unit of each machine's node, as the equation reads).
/// [`SHARE_LEN`] numbers, additive over sources.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Shares {
    /// Σ of the eq. 75 terms ΔU''_j/c·(1 − μ_j·q_j)·I''_kj (IEC 60909-0:2016 §9.1.3) as a
    /// phasor relative to I''k: the component along I''k.
    pub reduction: f64,
    /// The component of that sum in quadrature with I''k.
    pub reduction_quadrature: f64,
    /// Σ|I_j| over every source.
    pub abs: f64,
    /// Σ μ·q·|I_j|.
    pub decayed: f64,
    /// Σ (I_k/I''k)_j·|I_j|.
    pub steady: f64,
    /// Σ|I_j| over the units with a given peak factor.
    pub wd: f64,
    /// Σ κ_WD·|I_j| over those units.
    pub wd_kappa: f64,
}

/// Number of numbers in [`Shares`].
pub(crate) const SHARE_LEN: usize = 7;

impl Shares {
    fn from_slice(v: &[f64]) -> Shares {
        Shares {
            reduction: v[0],
            abs: v[1],
            decayed: v[2],
            steady: v[3],
            wd: v[4],
            wd_kappa: v[5],
            reduction_quadrature: v[6],
        }
    }

    /// The breaking current of eq. 75 in a meshed network, |I''k − Σ terms|, for a location
    /// with initial current `ik` (same unit as the terms). The terms' phasors can lie far
    /// enough from I''k that the magnitude would exceed I''k; the decay never raises the
    /// current, so I''k bounds it (I_b = I''k is the standard's own upper estimate, §9.1.3).
    pub fn breaking_current(&self, ik: f64) -> f64 {
        (ik - self.reduction)
            .hypot(self.reduction_quadrature)
            .min(ik)
    }

    /// Share of units with a given peak factor, and their mean κ_WD.
    pub fn peak_factor_share(&self) -> (f64, f64) {
        if self.abs > 0.0 && self.wd > 0.0 {
            (self.wd / self.abs, self.wd_kappa / self.wd)
        } else {
            (0.0, 1.0)
        }
    }
}

/// What one location contributes to the terms of each source.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LocationInput {
    pub node: usize,
    /// Fault current I_k in p.u. of the location.
    pub i_k: C64,
    /// Source voltage c (p.u.).
    pub e_k: f64,
    /// [`current_ratios`] factor of the location's node.
    pub ratio: f64,
}

/// Adds source `t`'s terms for the location `loc` to `acc` ([`SHARE_LEN`] numbers), with the
/// transfer impedance Z_gk of the positive sequence.
pub(crate) fn accumulate(
    t: &SourceTerm,
    loc: &LocationInput,
    z_gk: C64,
    tmin_s: f64,
    case: Case,
    acc: &mut [f64],
) {
    let i_j = z_gk * loc.i_k / t.z;
    // |I_j| by the square root of the squared magnitude: per-unit currents of a study are far
    // from overflow, and hypot (what `norm` calls) is a software routine in WebAssembly, 8 % of
    // the browser's all-bus sweep (benches/README.md)
    let a = i_j.norm_sqr().sqrt();
    if a == 0.0 || !a.is_finite() {
        return;
    }
    let x = if t.ir_pu > 0.0 { a / t.ir_pu } else { 0.0 };
    let f = t.decay_factor(x, tmin_s);
    if f < 1.0 {
        // eq. 75-77 with phasors: ΔU''_j = jX''_j·I''_kj (eq. 76, 77) relative to the
        // equivalent source c (real), times (1 − μ·q)·I''_kj, in per unit of the source's
        // node, turned into the frame of I''k. Summing magnitudes instead overstates the
        // reduction by up to 1.7 % on the IEC TR 60909-4 test network (buses 6, 7), whose
        // published I_b the phasor sum reproduces.
        let du = C64::new(0.0, t.z.im.abs()) * i_j / loc.e_k;
        let term = du * (1.0 - f) * i_j * loc.i_k.conj() / loc.i_k.norm_sqr().sqrt();
        acc[0] += term.re;
        acc[6] += term.im;
    }
    // the partial current as it arrives at the location (through the transformers' ratios)
    let at_k = a * t.ratio / loc.ratio;
    acc[1] += at_k;
    acc[2] += f * at_k;
    acc[3] += t.steady_factor(x, loc.e_k, case) * at_k;
    if let Some(kappa) = t.peak_factor {
        acc[4] += at_k;
        acc[5] += kappa * at_k;
    }
}

/// [`Shares`] of every location: one solve per location or one block solve per group of
/// source nodes, whichever is fewer.
#[allow(clippy::too_many_arguments)]
pub(crate) fn shares(
    sym: &SymbolicLdl,
    f1: &Factor,
    dead: &[bool],
    locs: &[LocationInput],
    terms: &[SourceTerm],
    tmin_s: f64,
    case: Case,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Shares> {
    let terms: Vec<&SourceTerm> = terms.iter().filter(|t| !dead[t.node]).collect();
    if terms.is_empty() || locs.is_empty() {
        return vec![Shares::default(); locs.len()];
    }
    let mut nodes: Vec<usize> = terms.iter().map(|t| t.node).collect();
    nodes.sort_unstable();
    nodes.dedup();
    if locs.len() <= nodes.len() {
        return par::map(locs, |loc| {
            let mut acc = [0.0; SHARE_LEN];
            if !dead[loc.node] {
                let col = f1.column(sym, loc.node);
                for t in &terms {
                    accumulate(t, loc, col[t.node], tmin_s, case, &mut acc);
                }
            }
            progress(1);
            Shares::from_slice(&acc)
        });
    }
    let blocks: Vec<&[usize]> = nodes.chunks(COLUMN_BLOCK).collect();
    let flat = par::fold_sum(&blocks, locs.len() * SHARE_LEN, |block, acc| {
        let cols = f1.columns(sym, block);
        let width = block.len();
        let here: Vec<(usize, &SourceTerm)> = terms
            .iter()
            .filter_map(|t| block.iter().position(|&g| g == t.node).map(|c| (c, *t)))
            .collect();
        for (i, loc) in locs.iter().enumerate() {
            if dead[loc.node] {
                continue;
            }
            let k = loc.node;
            let row = &cols[k * width..(k + 1) * width];
            for &(c, t) in &here {
                accumulate(
                    t,
                    loc,
                    row[c],
                    tmin_s,
                    case,
                    &mut acc[i * SHARE_LEN..(i + 1) * SHARE_LEN],
                );
            }
        }
        progress(block.len());
    });
    flat.chunks(SHARE_LEN).map(Shares::from_slice).collect()
}

/// Z between every location of `locs` and every node of `srcs` (`out[i * srcs.len() + j]` =
/// Z_(locs[i], srcs[j])): one solve per location or one block solve per group of source
/// nodes, whichever is fewer.
pub(crate) fn transfer_matrix(
    sym: &SymbolicLdl,
    f: &Factor,
    locs: &[usize],
    srcs: &[usize],
) -> Vec<C64> {
    let w = srcs.len();
    let mut out = vec![C64::new(0.0, 0.0); locs.len() * w];
    if w == 0 {
        return out;
    }
    if locs.len() <= w.div_ceil(COLUMN_BLOCK) * COLUMN_BLOCK {
        let rows = par::map(locs, |&k| {
            let col = f.column(sym, k);
            srcs.iter().map(|&g| col[g]).collect::<Vec<C64>>()
        });
        for (i, row) in rows.into_iter().enumerate() {
            out[i * w..(i + 1) * w].copy_from_slice(&row);
        }
    } else {
        let blocks: Vec<(usize, &[usize])> = srcs
            .chunks(COLUMN_BLOCK)
            .enumerate()
            .map(|(b, c)| (b * COLUMN_BLOCK, c))
            .collect();
        let solved = par::map(&blocks, |&(start, block)| (start, f.columns(sym, block)));
        for (start, cols) in solved {
            let width = cols.len() / sym.n;
            for (i, &k) in locs.iter().enumerate() {
                for c in 0..width {
                    out[i * w + start + c] = cols[k * width + c];
                }
            }
        }
    }
    out
}

/// [`Shares`] of one location from a full column of Z (a power station unit's variant).
pub(crate) fn shares_from_column(
    loc: &LocationInput,
    col: &[C64],
    terms: &[SourceTerm],
    dead: &[bool],
    tmin_s: f64,
    case: Case,
) -> Shares {
    let mut acc = [0.0; SHARE_LEN];
    for t in terms.iter().filter(|t| !dead[t.node]) {
        accumulate(t, loc, col[t.node], tmin_s, case, &mut acc);
    }
    Shares::from_slice(&acc)
}

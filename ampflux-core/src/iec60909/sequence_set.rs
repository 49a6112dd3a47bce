//! The factorized sequence networks of a study, and columns of their inverses, for the base
//! network or for a power station unit evaluated for a fault at its generator terminals
//! (a rank-2 change of the base matrices, applied with the Woodbury identity instead of a
//! new factorization).

use num_complex::Complex64 as C64;

use super::peak::dc_frequency_ratio;
use super::study::Context;
use crate::error::Result;
use crate::par;
use crate::sparse::Factor;
use crate::study::{PeakMethod, Topology};
use crate::system::admittance::{SequenceMatrix, Stamp};
use crate::system::{Decay, Sequence, System, UnitVariant};

/// Ratio f_c/f of the equivalent frequency of method C (20 Hz at 50 Hz, 24 Hz at 60 Hz).
pub(crate) const FC_RATIO: f64 = 0.4;

/// Which matrix: a sequence at the nominal frequency, the peak-current matrix, the matrix at
/// the equivalent frequency of the DC component, or the positive sequence without motors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Which {
    Seq(Sequence),
    Peak,
    Dc,
    NoMotors,
}

/// Factorized sequence networks of the base system.
pub(crate) struct SequenceSet {
    pub m1: SequenceMatrix,
    pub f1: Factor,
    /// The peak-current matrix (`None`: the positive sequence itself).
    pub peak: Option<Factor>,
    /// Frequency factor of the peak-current matrix.
    pub s_peak: f64,
    /// Negative sequence (`None`: equal to the positive sequence).
    pub neg: Option<(SequenceMatrix, Factor)>,
    /// Zero sequence (earth faults only).
    pub zero: Option<(SequenceMatrix, Factor)>,
    /// Positive sequence at f_c/f of the DC component (method C, IEC 60909-0:2016 eq. 64).
    pub dc: Option<Factor>,
    /// Frequency factor of `dc`.
    pub s_dc: f64,
    /// Positive sequence without asynchronous machines (I''kM for I_k in meshed networks,
    /// IEC 60909-0:2016 §10.2.3); three-phase maximum-case studies with motors only.
    pub no_motors: Option<(SequenceMatrix, Factor)>,
}

impl SequenceSet {
    pub fn new(ctx: &Context<'_>) -> Result<SequenceSet> {
        let (sys, adm, options) = (ctx.sys, ctx.adm, ctx.options);
        let stamp = |seq, s, peak| Stamp {
            seq,
            s,
            peak,
            unit: None,
            without_motors: false,
        };
        let kind = options.fault;
        let s_peak = match (options.topology, options.ip_method) {
            (Topology::Radial, _) | (_, PeakMethod::B) => 1.0,
            (_, PeakMethod::C) => FC_RATIO,
        };
        let peak_needed = s_peak != 1.0 || sys.shunts.iter().any(|sh| sh.pos_peak != sh.pos);
        let (first, peak) = par::join(
            || adm.factor(sys, stamp(Sequence::Positive, 1.0, false)),
            || -> Result<Option<Factor>> {
                if !peak_needed {
                    return Ok(None);
                }
                Ok(Some(
                    adm.factor(sys, stamp(Sequence::Positive, s_peak, true))?.1,
                ))
            },
        );
        let (m1, f1) = first?;
        let peak = peak?;
        let neg = if kind != crate::study::FaultKind::ThreePhase && sys.negative_differs() {
            Some(adm.factor(sys, stamp(Sequence::Negative, 1.0, false))?)
        } else {
            None
        };
        let zero = if kind.involves_earth() {
            Some(adm.factor(sys, stamp(Sequence::Zero, 1.0, false))?)
        } else {
            None
        };
        let s_dc = dc_frequency_ratio(sys.frequency_hz, options.tmin_s);
        let dc_needed = options.topology != Topology::Radial && options.ip_method == PeakMethod::C;
        let motors = sys.shunts.iter().any(|sh| {
            sh.machine
                .is_some_and(|m| matches!(m.decay, Decay::Asynchronous(_)))
        });
        let no_motors_needed = kind == crate::study::FaultKind::ThreePhase && motors;
        let (dc, no_motors) = par::join(
            || -> Result<Option<Factor>> {
                dc_needed
                    .then(|| Ok(adm.factor(sys, stamp(Sequence::Positive, s_dc, false))?.1))
                    .transpose()
            },
            || -> Result<Option<(SequenceMatrix, Factor)>> {
                no_motors_needed
                    .then(|| {
                        adm.factor(
                            sys,
                            Stamp {
                                without_motors: true,
                                ..stamp(Sequence::Positive, 1.0, false)
                            },
                        )
                    })
                    .transpose()
            },
        );
        Ok(SequenceSet {
            m1,
            f1,
            peak,
            s_peak,
            neg,
            zero,
            dc: dc?,
            s_dc,
            no_motors: no_motors?,
        })
    }

    /// Whether any factorization needed the pivoting fallback.
    pub fn fallback(&self) -> bool {
        self.f1.is_fallback()
            || self.peak.as_ref().is_some_and(Factor::is_fallback)
            || self.dc.as_ref().is_some_and(Factor::is_fallback)
            || self.no_motors.as_ref().is_some_and(|n| n.1.is_fallback())
            || self.neg.as_ref().is_some_and(|n| n.1.is_fallback())
            || self.zero.as_ref().is_some_and(|z| z.1.is_fallback())
    }

    /// The factor of a matrix.
    pub fn factor(&self, which: Which) -> Option<&Factor> {
        match which {
            Which::Seq(Sequence::Positive) => Some(&self.f1),
            Which::Seq(Sequence::Negative) => Some(self.neg.as_ref().map_or(&self.f1, |n| &n.1)),
            Which::Seq(Sequence::Zero) => self.zero.as_ref().map(|z| &z.1),
            Which::Peak => Some(self.peak.as_ref().unwrap_or(&self.f1)),
            Which::Dc => self.dc.as_ref(),
            Which::NoMotors => self.no_motors.as_ref().map(|n| &n.1),
        }
    }

    /// The sequence and frequency factor a matrix was assembled for.
    fn stamp_of(&self, which: Which) -> (Sequence, f64, bool) {
        match which {
            Which::Seq(seq) => (seq, 1.0, false),
            Which::Peak if self.peak.is_some() => (Sequence::Positive, self.s_peak, true),
            Which::Peak => (Sequence::Positive, 1.0, false),
            Which::Dc => (Sequence::Positive, self.s_dc, false),
            Which::NoMotors => (Sequence::Positive, 1.0, false),
        }
    }

    /// Column `k` of the inverse of matrix `which`, for the base network or, with `unit`, for
    /// the power station unit variant.
    pub fn column(
        &self,
        ctx: &Context<'_>,
        which: Which,
        k: usize,
        unit: Option<&UnitVariant>,
    ) -> Option<Vec<C64>> {
        let f = self.factor(which)?;
        let sym = &ctx.adm.sym;
        let Some(u) = unit else {
            return Some(f.column(sym, k));
        };
        let (seq, s, peak) = self.stamp_of(which);
        let (nodes, delta) = unit_delta(ctx.sys, u, seq, s, peak);
        Some(woodbury_column(f, sym, &nodes, &delta, k))
    }

    /// The nodes [generator, HV side] of a unit.
    pub fn unit_nodes(sys: &System, u: &UnitVariant) -> [usize; 2] {
        unit_delta(sys, u, Sequence::Positive, 1.0, false).0
    }

    /// Z'_gg of the unit variant of matrix `which` from the base entries Z_SS on the unit's
    /// nodes [g, h] (no solve).
    pub fn unit_driving_point(
        &self,
        ctx: &Context<'_>,
        which: Which,
        u: &UnitVariant,
        zss: [[C64; 2]; 2],
    ) -> C64 {
        let (seq, s, peak) = self.stamp_of(which);
        let (_, delta) = unit_delta(ctx.sys, u, seq, s, peak);
        let w = woodbury_weights(&zss, &delta, [zss[0][0], zss[1][0]]);
        zss[0][0] - zss[0][0] * w[0] - zss[0][1] * w[1]
    }

    /// Replaces `rhs` by (matrix `which`)⁻¹·`rhs`, for the base network or, with `unit`, for the
    /// power station unit variant (Woodbury on the unit's two nodes); `false` when the matrix
    /// does not exist.
    pub fn solve(
        &self,
        ctx: &Context<'_>,
        which: Which,
        rhs: &mut [C64],
        unit: Option<&UnitVariant>,
    ) -> bool {
        let Some(f) = self.factor(which) else {
            return false;
        };
        let sym = &ctx.adm.sym;
        f.solve(sym, rhs);
        if let Some(u) = unit {
            let (seq, s, peak) = self.stamp_of(which);
            let (nodes, delta) = unit_delta(ctx.sys, u, seq, s, peak);
            let cols = f.columns(sym, &nodes);
            let z = |i: usize, a: usize| cols[i * 2 + a];
            let zss = [
                [z(nodes[0], 0), z(nodes[0], 1)],
                [z(nodes[1], 0), z(nodes[1], 1)],
            ];
            let w = woodbury_weights(&zss, &delta, [rhs[nodes[0]], rhs[nodes[1]]]);
            for (i, x) in rhs.iter_mut().enumerate() {
                *x -= z(i, 0) * w[0] + z(i, 1) * w[1];
            }
        }
        true
    }
}

/// Column `k` of the inverse of the unit variant of sequence `seq` (nominal frequency) from the
/// base factor `f` (for the tests against a refactorization).
pub(crate) fn unit_column(
    sys: &System,
    sym: &crate::sparse::SymbolicLdl,
    f: &Factor,
    u: &UnitVariant,
    seq: Sequence,
    k: usize,
) -> Vec<C64> {
    let (nodes, delta) = unit_delta(sys, u, seq, 1.0, false);
    woodbury_column(f, sym, &nodes, &delta, k)
}

/// The change of the admittance matrix when a power station unit is evaluated for a fault
/// at its generator terminals: nodes [generator, HV side] and the 2×2 change on them.
fn unit_delta(
    sys: &System,
    u: &UnitVariant,
    seq: Sequence,
    s: f64,
    peak: bool,
) -> ([usize; 2], [[C64; 2]; 2]) {
    let zero = C64::new(0.0, 0.0);
    let g = u.node;
    let br = &sys.branches[u.branch];
    let h = if br.a == g { br.b } else { br.a };
    let mut d = [[zero; 2]; 2];
    // generator: Z·k_g -> Y/k_g
    if let Some(port) = System::shunt_port(&sys.shunts[u.shunt], seq, peak) {
        d[0][0] += port.y(s) * (1.0 / u.gen_scale - 1.0);
    }
    // unit transformer: Z·k_t -> Y/k_t
    if let Some(y) = sys.branch_y(u.branch, seq, s) {
        let f = 1.0 / u.transformer_scale - 1.0;
        let (yg, yh) = if br.a == g {
            (y.aa, y.bb)
        } else {
            (y.bb, y.aa)
        };
        d[0][0] += yg * f;
        d[1][1] += yh * f;
        d[0][1] += y.ab * f;
        d[1][0] += y.ab * f;
    }
    ([g, h], d)
}

/// Weights w = Δ·(I + Z_SS·Δ)⁻¹·Pᵀ·Z·b of the Woodbury identity Z'·b = Z·b − Z·P·w, from
/// `zb` = Pᵀ·Z·b (for b = e_k with k in S: the column Z_S,k).
fn woodbury_weights(zss: &[[C64; 2]; 2], delta: &[[C64; 2]; 2], zb: [C64; 2]) -> [C64; 2] {
    let one = C64::new(1.0, 0.0);
    let zero = C64::new(0.0, 0.0);
    let mut m = [[zero; 2]; 2];
    for (r, row) in m.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v =
                zss[r][0] * delta[0][c] + zss[r][1] * delta[1][c] + if r == c { one } else { zero };
        }
    }
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    let rhs = zb;
    let v = [
        (m[1][1] * rhs[0] - m[0][1] * rhs[1]) / det,
        (m[0][0] * rhs[1] - m[1][0] * rhs[0]) / det,
    ];
    [
        delta[0][0] * v[0] + delta[0][1] * v[1],
        delta[1][0] * v[0] + delta[1][1] * v[1],
    ]
}

/// Column `k` (a node of `nodes`) of (Y + P·Δ·Pᵀ)⁻¹ from the base factor of Y:
/// Z' e_k = Z e_k − Z P·Δ·(I + Z_SS·Δ)⁻¹·Z_Sk (Woodbury, without inverting Δ).
fn woodbury_column(
    f: &Factor,
    sym: &crate::sparse::SymbolicLdl,
    nodes: &[usize; 2],
    delta: &[[C64; 2]; 2],
    k: usize,
) -> Vec<C64> {
    let cols = f.columns(sym, nodes);
    let ik = nodes
        .iter()
        .position(|&n| n == k)
        .expect("k is a unit node");
    let z = |i: usize, a: usize| cols[i * 2 + a];
    let zss = [
        [z(nodes[0], 0), z(nodes[0], 1)],
        [z(nodes[1], 0), z(nodes[1], 1)],
    ];
    let w = woodbury_weights(&zss, delta, [zss[0][ik], zss[1][ik]]);
    (0..sym.n)
        .map(|i| z(i, ik) - z(i, 0) * w[0] - z(i, 1) * w[1])
        .collect()
}

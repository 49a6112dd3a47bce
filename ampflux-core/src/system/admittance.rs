//! Assembly of the sequence admittance matrices on one shared sparsity pattern: the symbolic
//! analysis is done once per topology, and each sequence, case, frequency and power-station
//! variant only restamps values through precomputed slots.

use num_complex::Complex64 as C64;

use super::topology::{UnionFind, unsupplied};
use super::{OnePort, Sequence, System, TwoPort, UnitVariant};
use crate::error::Result;
use crate::sparse::{Factor, SymbolicLdl, Values};

/// The analysed pattern and the slots of every element.
pub(crate) struct Admittance {
    pub sym: SymbolicLdl,
    /// Slots (aa, ab, bb) of each branch; `ab` is `u32::MAX` when both ends share a node.
    /// Slots and nodes are held as `u32` (half the memory of `usize` on the largest grids;
    /// [`Admittance::new`] refuses patterns they cannot index).
    branch_slots: Vec<[u32; 3]>,
    diag_slots: Vec<u32>,
    /// Off-diagonal slots with their (row, col) nodes, for clearing islands.
    off_slots: Vec<[u32; 3]>,
}

/// One assembled sequence matrix.
pub(crate) struct SequenceMatrix {
    pub values: Values,
    /// Nodes without a path to earth in this sequence (replaced by identity rows).
    pub dead: Vec<bool>,
    /// Connected component of each node in this sequence.
    pub component: Vec<usize>,
}

/// What to assemble.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stamp<'a> {
    pub seq: Sequence,
    /// Frequency factor f/f_n.
    pub s: f64,
    /// Generators with R_Gf (peak current).
    pub peak: bool,
    /// Power station unit evaluated for a fault at its generator terminals.
    pub unit: Option<&'a UnitVariant>,
    /// Leave out the asynchronous machines (I''kM of IEC 60909-0:2016 §10.2.3).
    pub without_motors: bool,
}

impl Admittance {
    pub fn new(sys: &System) -> Result<Admittance> {
        let n = sys.n();
        let edges: Vec<(usize, usize)> = sys
            .branches
            .iter()
            .filter(|b| b.a != b.b)
            .map(|b| (b.a, b.b))
            .collect();
        let sym = SymbolicLdl::new(n, &edges)?;
        if u32::try_from(sym.nnz_a()).is_err() {
            return Err(crate::error::Error::Solver(format!(
                "{} matrix entries are more than the assembly indexes (2^32 - 1)",
                sym.nnz_a()
            )));
        }
        // every slot < nnz_a and every node < n ≤ nnz_a fit in u32 (checked above)
        let small = |v: usize| v as u32;
        let diag_slots: Vec<u32> = (0..n).map(|i| small(sym.slot(i, i))).collect();
        let branch_slots = sys
            .branches
            .iter()
            .map(|b| {
                let ab = if b.a == b.b {
                    u32::MAX
                } else {
                    small(sym.slot(b.a, b.b))
                };
                [diag_slots[b.a], ab, diag_slots[b.b]]
            })
            .collect();
        let mut off_slots: Vec<[u32; 3]> = edges
            .iter()
            .map(|&(a, b)| [small(sym.slot(a, b)), small(a), small(b)])
            .collect();
        off_slots.sort_unstable();
        off_slots.dedup_by_key(|e| e[0]);
        Ok(Admittance {
            sym,
            branch_slots,
            diag_slots,
            off_slots,
        })
    }

    /// Assembles one sequence matrix.
    pub fn assemble(&self, sys: &System, stamp: Stamp<'_>) -> SequenceMatrix {
        let n = sys.n();
        let mut values = Values::zeros(&self.sym);
        let ax = &mut values.ax;
        let mut grounded = vec![false; n];
        let mut uf = UnionFind::new(n);
        let mut couplings = Vec::new();
        for (k, br) in sys.branches.iter().enumerate() {
            let model = match stamp.seq {
                Sequence::Positive | Sequence::Negative => &br.pos,
                Sequence::Zero => &br.zero,
            };
            let scaled;
            let model = match stamp.unit {
                Some(u) if u.branch == k => {
                    scaled = scale_two_port(model, u.transformer_scale);
                    &scaled
                }
                _ => model,
            };
            let Some(y) = model.y(stamp.s) else { continue };
            let [saa, sab, sbb] = self.branch_slots[k].map(|s| s as usize);
            if br.a == br.b {
                ax[saa] += y.aa + y.bb + y.ab * 2.0;
                grounded[br.a] |= model.grounds() != (false, false);
                continue;
            }
            ax[saa] += y.aa;
            ax[sbb] += y.bb;
            ax[sab] += y.ab;
            let (ga, gb) = model.grounds();
            grounded[br.a] |= ga;
            grounded[br.b] |= gb;
            if model.couples() {
                couplings.push((br.a, br.b));
                uf.union(br.a, br.b);
            }
        }
        for (k, sh) in sys.shunts.iter().enumerate() {
            let Some(port) = System::shunt_port(sh, stamp.seq, stamp.peak) else {
                continue;
            };
            if stamp.without_motors
                && sh
                    .machine
                    .is_some_and(|m| matches!(m.decay, super::Decay::Asynchronous(_)))
            {
                continue;
            }
            let port = match stamp.unit {
                Some(u) if u.shunt == k => scale_one_port(port, u.gen_scale),
                _ => port,
            };
            ax[self.diag_slots[sh.node] as usize] += port.y(stamp.s);
            // a source supplies its node; a passive shunt is a path to earth only in the
            // zero sequence
            grounded[sh.node] |= sh.is_source() || stamp.seq == Sequence::Zero;
        }
        let dead = unsupplied(n, couplings.into_iter(), &grounded);
        if dead.iter().any(|d| *d) {
            for (i, d) in dead.iter().enumerate() {
                if *d {
                    ax[self.diag_slots[i] as usize] = C64::new(1.0, 0.0);
                }
            }
            for &[slot, a, b] in &self.off_slots {
                let (slot, a, b) = (slot as usize, a as usize, b as usize);
                if dead[a] || dead[b] {
                    ax[slot] = C64::new(0.0, 0.0);
                }
            }
        }
        let component = (0..n).map(|i| uf.find(i)).collect();
        SequenceMatrix {
            values,
            dead,
            component,
        }
    }

    /// Assembles and factorizes. The matrix's values are not kept (the factor replaces them;
    /// [`Admittance::assemble`] gives them): only which nodes are dead and the components.
    pub fn factor(&self, sys: &System, stamp: Stamp<'_>) -> Result<(SequenceMatrix, Factor)> {
        let mut m = self.assemble(sys, stamp);
        let f = Factor::new(&self.sym, &m.values.ax)?;
        m.values.ax = Vec::new();
        Ok((m, f))
    }
}

fn scale_one_port(port: OnePort, k: f64) -> OnePort {
    match port {
        OnePort::Z(z) => OnePort::Z(z * k),
        OnePort::B(b) => OnePort::B(b / k),
        OnePort::Y(y) => OnePort::Y(y / k),
    }
}

fn scale_two_port(model: &TwoPort, k: f64) -> TwoPort {
    match model {
        TwoPort::Open => TwoPort::Open,
        TwoPort::Pi { z, t, sh_a, sh_b } => TwoPort::Pi {
            z: z * k,
            t: *t,
            sh_a: sh_a.map(|p| scale_one_port(p, k)),
            sh_b: sh_b.map(|p| scale_one_port(p, k)),
        },
        TwoPort::Shunts { a, b } => TwoPort::Shunts {
            a: a.map(|p| scale_one_port(p, k)),
            b: b.map(|p| scale_one_port(p, k)),
        },
        TwoPort::Tee { za, zb, zm, t } => TwoPort::Tee {
            za: za * k,
            zb: zb * k,
            zm: zm * k,
            t: *t,
        },
    }
}

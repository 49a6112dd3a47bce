//! Checks of the numerics against naive references, for the crate's own tests and the
//! property tests of downstream crates. Not part of the stable API.

use num_complex::Complex64 as C64;

use crate::error::Result;
use crate::model::Network;
use crate::sparse::Factor;
use crate::study::StudyOptions;
use crate::system::admittance::{Admittance, Stamp};
use crate::system::{Sequence, System};

/// Largest relative difference between the driving-point impedances Z_kk of every node from
/// the sparse path (LDLᵀ + selected inversion, and one solve per node) and from a dense
/// Gauss-Jordan inverse of the same assembled matrix, over the three sequences.
pub fn sparse_vs_dense_driving_point(net: &Network, options: &StudyOptions) -> Result<f64> {
    let sys = System::compile(net, options)?;
    let adm = Admittance::new(&sys)?;
    let n = sys.n();
    let nodes: Vec<usize> = (0..n).collect();
    let mut worst: f64 = 0.0;
    for seq in [Sequence::Positive, Sequence::Negative, Sequence::Zero] {
        let stamp = Stamp {
            seq,
            s: 1.0,
            peak: false,
            unit: None,
            without_motors: false,
        };
        let m = adm.assemble(&sys, stamp);
        // dense copy of the symmetric matrix
        let sym = &adm.sym;
        let mut a = vec![vec![C64::new(0.0, 0.0); n]; n];
        for j in 0..n {
            for p in sym.ap[j]..sym.ap[j + 1] {
                let (i, jj) = (sym.perm[sym.ai[p]], sym.perm[j]);
                a[i][jj] = m.values.ax[p];
                a[jj][i] = m.values.ax[p];
            }
        }
        let inv = dense_inverse(a);
        let f = Factor::new(sym, &m.values.ax)?;
        let sparse = f.diagonal(sym, &nodes);
        for k in 0..n {
            if m.dead[k] {
                continue;
            }
            let col = f.column(sym, k)[k];
            let d = inv[k][k];
            worst = worst
                .max((sparse[k] - d).norm() / d.norm().max(1e-300))
                .max((col - d).norm() / d.norm().max(1e-300));
        }
    }
    Ok(worst)
}

#[allow(clippy::needless_range_loop)] // dense matrix algebra reads best with indices
fn dense_inverse(mut m: Vec<Vec<C64>>) -> Vec<Vec<C64>> {
    let n = m.len();
    let mut inv: Vec<Vec<C64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| C64::new((i == j) as u8 as f64, 0.0))
                .collect()
        })
        .collect();
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&x, &y| m[x][col].norm().total_cmp(&m[y][col].norm()))
            .expect("non-empty range");
        m.swap(col, piv);
        inv.swap(col, piv);
        let p = m[col][col];
        for j in 0..n {
            m[col][j] /= p;
            inv[col][j] /= p;
        }
        for r in 0..n {
            if r != col {
                let f = m[r][col];
                if f != C64::new(0.0, 0.0) {
                    for j in 0..n {
                        let (mc, ic) = (m[col][j], inv[col][j]);
                        m[r][j] -= f * mc;
                        inv[r][j] -= f * ic;
                    }
                }
            }
        }
    }
    inv
}

/// Compiles the network and factorizes the positive-sequence matrix once (symbolic analysis
/// and numeric LDLᵀ, no selected inversion): the reference cost the benchmarks compare a whole
/// all-bus study against.
pub fn factorize_positive_sequence(net: &Network, options: &StudyOptions) -> Result<usize> {
    let sys = System::compile(net, options)?;
    let adm = Admittance::new(&sys)?;
    let stamp = Stamp {
        seq: Sequence::Positive,
        s: 1.0,
        peak: false,
        unit: None,
        without_motors: false,
    };
    let m = adm.assemble(&sys, stamp);
    let f = Factor::new(&adm.sym, &m.values.ax)?;
    Ok(usize::from(f.is_fallback()) + adm.sym.nnz_l())
}

/// Largest relative difference, over every power station unit and sequence, between the
/// driving-point impedance at the unit's generator terminals with K_G,S and K_T,S obtained
/// from the base factor by the Woodbury identity, and from a refactorization of the modified
/// matrix.
pub fn unit_variant_woodbury_vs_refactor(net: &Network, options: &StudyOptions) -> Result<f64> {
    use crate::iec60909::sequence_check;
    let sys = System::compile(net, options)?;
    let adm = Admittance::new(&sys)?;
    let mut worst: f64 = 0.0;
    for u in &sys.units {
        for seq in [Sequence::Positive, Sequence::Negative, Sequence::Zero] {
            let base = adm.assemble(
                &sys,
                Stamp {
                    seq,
                    s: 1.0,
                    peak: false,
                    unit: None,
                    without_motors: false,
                },
            );
            let f = Factor::new(&adm.sym, &base.values.ax)?;
            let woodbury = sequence_check::unit_column(&sys, &adm.sym, &f, u, seq, u.node)[u.node];
            let variant = adm.assemble(
                &sys,
                Stamp {
                    seq,
                    s: 1.0,
                    peak: false,
                    unit: Some(u),
                    without_motors: false,
                },
            );
            if variant.dead[u.node] {
                continue;
            }
            let direct =
                Factor::new(&adm.sym, &variant.values.ax)?.column(&adm.sym, u.node)[u.node];
            worst = worst.max((woodbury - direct).norm() / direct.norm().max(1e-300));
        }
    }
    Ok(worst)
}

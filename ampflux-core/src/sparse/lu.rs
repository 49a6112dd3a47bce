//! Fallback: faer's sparse LU with partial pivoting, for the rare admittance matrix that an
//! unpivoted LDLᵀ cannot factor (negative-reactance branches can make a leading minor vanish).

use faer::Mat;
use faer::linalg::solvers::Solve;
use faer::sparse::{SparseColMat, Triplet};
use num_complex::Complex64 as C64;

use super::ldl::SymbolicLdl;
use crate::error::{Error, Result};

pub(crate) struct LuFactor {
    lu: faer::sparse::linalg::solvers::Lu<usize, C64>,
    n: usize,
}

impl LuFactor {
    /// Factorizes the symmetric matrix with permuted-upper values `ax` on `sym`'s pattern.
    pub fn new(sym: &SymbolicLdl, ax: &[C64]) -> Result<LuFactor> {
        let n = sym.n;
        let mut triplets = Vec::with_capacity(2 * ax.len());
        for j in 0..n {
            let (start, end) = (sym.ap[j], sym.ap[j + 1]);
            for (&i, &v) in sym.ai[start..end].iter().zip(&ax[start..end]) {
                let (oi, oj) = (sym.perm[i], sym.perm[j]);
                triplets.push(Triplet::new(oi, oj, v));
                if oi != oj {
                    triplets.push(Triplet::new(oj, oi, v));
                }
            }
        }
        let a = SparseColMat::<usize, C64>::try_new_from_triplets(n, n, &triplets)
            .map_err(|e| Error::Solver(format!("cannot build the sparse matrix: {e:?}")))?;
        let lu = a
            .sp_lu()
            .map_err(|e| Error::Solver(format!("the network matrix is singular: {e:?}")))?;
        // a zero pivot passes unnoticed in some LU implementations: check a solve
        let mut probe = Mat::<C64>::from_fn(n, 1, |_, _| C64::new(1.0, 0.0));
        lu.solve_in_place(probe.as_mut());
        if (0..n).any(|i| !probe[(i, 0)].re.is_finite() || !probe[(i, 0)].im.is_finite()) {
            return Err(Error::Solver("the network matrix is singular".into()));
        }
        Ok(LuFactor { lu, n })
    }

    pub fn solve_in_place(&self, b: &mut [C64]) {
        let mut rhs = Mat::<C64>::from_fn(self.n, 1, |i, _| b[i]);
        self.lu.solve_in_place(rhs.as_mut());
        for (i, v) in b.iter_mut().enumerate() {
            *v = rhs[(i, 0)];
        }
    }
}

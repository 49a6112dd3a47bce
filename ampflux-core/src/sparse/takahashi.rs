//! Sparse selected inversion (Takahashi, Fagan and Chen, 1973): the entries of Z = A⁻¹ on the
//! pattern of L + Lᵀ (including the whole diagonal) from an LDLᵀ factor, without forming the
//! dense inverse. Z = L⁻ᵀ·D⁻¹·L⁻¹ gives, column by column from the last,
//!
//! Z_ij = −Σ_{k ∈ S_j} Z_ik·L_kj (i ∈ S_j),   Z_jj = 1/d_j − Σ_{k ∈ S_j} L_kj·Z_kj,
//!
//! where S_j is the row pattern of column j of L; every Z_ik needed lies on the pattern of L
//! by the closure property of the elimination tree. The cost is about that of the
//! factorization itself.

use num_complex::Complex64 as C64;

use super::ldl::{NumericLdl, SymbolicLdl};

/// The selected inverse: the diagonal and the entries on the pattern of L (permuted
/// ordering).
#[derive(Clone, Debug)]
pub(crate) struct SelectedInverse {
    /// Z_jj in permuted ordering.
    pub diag: Vec<C64>,
    /// Z_ij for (i, j) on the pattern of L, stored like L (the transfer impedances of every
    /// branch).
    pub zx: Vec<C64>,
}

impl SelectedInverse {
    pub fn compute(sym: &SymbolicLdl, num: &NumericLdl) -> SelectedInverse {
        let n = sym.n;
        let zero = C64::new(0.0, 0.0);
        let mut diag = vec![zero; n];
        let mut zx = vec![zero; sym.nnz_l()];
        let mut zcol: Vec<C64> = Vec::new();
        for j in (0..n).rev() {
            let (start, end) = (sym.lp[j], sym.lp[j + 1]);
            let rows = &sym.li[start..end];
            let lvals = &num.lx[start..end];
            zcol.clear();
            zcol.resize(rows.len(), zero);
            for (q, &k) in rows.iter().enumerate() {
                let k = k as usize;
                let l_kj = lvals[q];
                zcol[q] -= diag[k] * l_kj;
                // rows of S_j after k are a subset of column k's rows: merge-walk them
                let (ks, ke) = (sym.lp[k], sym.lp[k + 1]);
                let mut p = ks;
                for r in q + 1..rows.len() {
                    let i = rows[r];
                    while p < ke && sym.li[p] < i {
                        p += 1;
                    }
                    debug_assert!(p < ke && sym.li[p] == i, "closure property of L's pattern");
                    let z_ik = zx[p];
                    zcol[r] -= z_ik * l_kj; // Z_ik L_kj, k < i
                    zcol[q] -= z_ik * lvals[r]; // Z_ki L_ij, i > k
                }
            }
            let mut zjj = num.d[j].inv();
            for (q, z) in zcol.iter().enumerate() {
                zjj -= lvals[q] * z;
            }
            diag[j] = zjj;
            zx[start..end].copy_from_slice(&zcol);
        }
        SelectedInverse { diag, zx }
    }

    /// Z_ij in original ordering if (i, j) lies on the pattern of L + Lᵀ.
    pub fn get(&self, sym: &SymbolicLdl, i: usize, j: usize) -> Option<C64> {
        let (a, b) = (sym.iperm[i], sym.iperm[j]);
        if a == b {
            return Some(self.diag[a]);
        }
        let (row, col) = if a > b { (a, b) } else { (b, a) };
        let range = sym.lp[col]..sym.lp[col + 1];
        let row = u32::try_from(row).ok()?;
        sym.li[range.clone()]
            .binary_search(&row)
            .ok()
            .map(|off| self.zx[range.start + off])
    }

    /// Cost of the recurrence in complex multiply-adds (for choosing it over solves).
    pub fn cost(sym: &SymbolicLdl) -> f64 {
        (0..sym.n)
            .map(|j| {
                let len = (sym.lp[j + 1] - sym.lp[j]) as f64;
                len * len + len
            })
            .sum()
    }
}

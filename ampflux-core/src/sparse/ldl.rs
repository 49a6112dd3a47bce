//! Sparse LDLᵀ factorization of complex *symmetric* (not Hermitian) matrices: the bus
//! admittance matrices of IEC 60909 (reciprocal elements, no phase shifters) are
//! Y = Yᵀ. Up-looking algorithm after T. A. Davis' LDL (ACM TOMS 2005), without conjugation,
//! on a fill-reducing AMD ordering. The symbolic analysis (ordering, elimination tree, pattern
//! of L) depends only on the network's topology and is reused for every sequence, case and
//! frequency; the numeric factorization only restamps values.

use num_complex::Complex64 as C64;

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::sparse::SymbolicSparseColMatRef;
use faer::sparse::linalg::amd;

use super::block::BlockPool;
use crate::error::{Error, Result};

/// Symbolic analysis of a symmetric sparsity pattern.
#[derive(Clone, Debug)]
pub(crate) struct SymbolicLdl {
    pub n: usize,
    /// `perm[new] = old`.
    pub perm: Vec<usize>,
    /// `iperm[old] = new`.
    pub iperm: Vec<usize>,
    /// Upper triangle (with diagonal) of the permuted matrix, by columns.
    pub ap: Vec<usize>,
    pub ai: Vec<usize>,
    /// Elimination tree (`usize::MAX` = root).
    pub parent: Vec<usize>,
    /// Column pointers and row indices (strictly below the diagonal, ascending) of L. The row
    /// indices, the largest array of the analysis, are held as `u32` (half the memory and
    /// memory traffic of the solves); [`SymbolicLdl::new`] refuses larger matrices.
    pub lp: Vec<usize>,
    pub li: Vec<u32>,
}

/// Numeric factor P·A·Pᵀ = L·D·Lᵀ with unit lower-triangular L.
#[derive(Clone, Debug)]
pub(crate) struct NumericLdl {
    pub lx: Vec<C64>,
    pub d: Vec<C64>,
    /// Working blocks of [`NumericLdl::unit_columns`].
    pub(super) pool: BlockPool,
}

/// Why a numeric factorization failed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PivotBreakdown {
    /// Permuted column of the tiny pivot.
    pub column: usize,
}

const NONE: usize = usize::MAX;

impl SymbolicLdl {
    /// Analyses the pattern given as the strictly-lower entries `(i, j)` (or either order) of an
    /// `n × n` symmetric matrix (the diagonal is always part of the pattern).
    pub fn new(n: usize, entries: &[(usize, usize)]) -> Result<SymbolicLdl> {
        if u32::try_from(n).is_err() {
            return Err(Error::Solver(format!(
                "{n} nodes are more than the sparse solver indexes (2^32 - 1)"
            )));
        }
        // full symmetric pattern for AMD (compressed columns, sorted, deduplicated)
        let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(2 * entries.len() + n);
        pairs.extend((0..n).map(|j| (j, j)));
        for &(i, j) in entries {
            if i != j {
                pairs.extend([(i, j), (j, i)]);
            }
        }
        let (col_ptr, row_idx) = compressed_columns(n, &pairs);
        let mut perm = vec![0usize; n];
        let mut iperm = vec![0usize; n];
        if n > 0 {
            let pattern = SymbolicSparseColMatRef::new_checked(n, n, &col_ptr, None, &row_idx);
            let nnz_upper = (row_idx.len() + n) / 2;
            let mut mem = MemBuffer::try_new(amd::order_scratch::<usize>(n, nnz_upper))
                .map_err(|_| Error::Solver("out of memory in the AMD ordering".into()))?;
            amd::order(
                &mut perm,
                &mut iperm,
                pattern,
                amd::Control::default(),
                MemStack::new(&mut mem),
            )
            .map_err(|e| Error::Solver(format!("AMD ordering failed: {e:?}")))?;
        }
        // permuted upper triangle by columns
        pairs.clear();
        for j_old in 0..n {
            let j = iperm[j_old];
            for &i_old in &row_idx[col_ptr[j_old]..col_ptr[j_old + 1]] {
                let i = iperm[i_old];
                if i <= j {
                    pairs.push((i, j));
                }
            }
        }
        let (ap, ai) = compressed_columns(n, &pairs);
        // elimination tree and column counts (Davis' ldl_symbolic)
        let mut parent = vec![NONE; n];
        let mut flag = vec![NONE; n];
        let mut lnz = vec![0usize; n];
        for k in 0..n {
            flag[k] = k;
            for &i0 in &ai[ap[k]..ap[k + 1]] {
                let mut i = i0;
                if i >= k {
                    continue;
                }
                while flag[i] != k {
                    if parent[i] == NONE {
                        parent[i] = k;
                    }
                    lnz[i] += 1;
                    flag[i] = k;
                    i = parent[i];
                }
            }
        }
        let mut lp = vec![0usize; n + 1];
        for k in 0..n {
            lp[k + 1] = lp[k] + lnz[k];
        }
        // row indices of L: a dry run of the numeric pattern (rows appended in order k)
        let mut li = vec![0u32; lp[n]];
        let mut fill = lp.clone();
        flag.iter_mut().for_each(|f| *f = NONE);
        for k in 0..n {
            flag[k] = k;
            for &i0 in &ai[ap[k]..ap[k + 1]] {
                let mut i = i0;
                if i >= k {
                    continue;
                }
                while flag[i] != k {
                    li[fill[i]] = k as u32; // k < n ≤ u32::MAX, checked above
                    fill[i] += 1;
                    flag[i] = k;
                    i = parent[i];
                }
            }
        }
        Ok(SymbolicLdl {
            n,
            perm,
            iperm,
            ap,
            ai,
            parent,
            lp,
            li,
        })
    }

    /// Number of off-diagonal nonzeros of L.
    pub fn nnz_l(&self) -> usize {
        self.lp[self.n]
    }

    /// Position of entry (row, col) (original indices) in the value array of the permuted
    /// upper triangle.
    pub fn slot(&self, row: usize, col: usize) -> usize {
        let (a, b) = (self.iperm[row], self.iperm[col]);
        let (i, j) = if a <= b { (a, b) } else { (b, a) };
        let range = self.ap[j]..self.ap[j + 1];
        let offset = self.ai[range.clone()]
            .binary_search(&i)
            .expect("entry is part of the analysed pattern");
        range.start + offset
    }

    /// Number of values of the permuted upper triangle.
    pub fn nnz_a(&self) -> usize {
        self.ap[self.n]
    }

    /// Numeric factorization of the matrix whose permuted-upper values are `ax`.
    pub fn factorize(&self, ax: &[C64]) -> std::result::Result<NumericLdl, PivotBreakdown> {
        let n = self.n;
        let zero = C64::new(0.0, 0.0);
        let mut lx = vec![zero; self.nnz_l()];
        let mut d = vec![zero; n];
        let mut y = vec![zero; n];
        let mut flag = vec![NONE; n];
        let mut pattern = vec![0usize; n];
        let mut lnz = vec![0usize; n];
        for k in 0..n {
            let mut top = n;
            flag[k] = k;
            let mut diag_scale = 0.0f64;
            let (start, end) = (self.ap[k], self.ap[k + 1]);
            for (&row, &value) in self.ai[start..end].iter().zip(&ax[start..end]) {
                let mut i = row;
                y[i] += value;
                if i == k {
                    diag_scale = value.norm();
                }
                let mut len = 0;
                while flag[i] != k {
                    pattern[len] = i;
                    len += 1;
                    flag[i] = k;
                    i = self.parent[i];
                }
                while len > 0 {
                    top -= 1;
                    len -= 1;
                    pattern[top] = pattern[len];
                }
            }
            let mut dk = y[k];
            y[k] = zero;
            for &i in &pattern[top..n] {
                let yi = y[i];
                y[i] = zero;
                let start = self.lp[i];
                let end = start + lnz[i];
                for p in start..end {
                    y[self.li[p] as usize] -= lx[p] * yi;
                }
                let l_ki = yi / d[i];
                dk -= l_ki * yi;
                lx[end] = l_ki;
                lnz[i] += 1;
            }
            let tiny = 1e-13 * diag_scale.max(f64::MIN_POSITIVE);
            let usable = dk.norm() > tiny && dk.re.is_finite() && dk.im.is_finite();
            if !usable {
                return Err(PivotBreakdown { column: k });
            }
            d[k] = dk;
        }
        Ok(NumericLdl {
            lx,
            d,
            pool: BlockPool::default(),
        })
    }
}

impl NumericLdl {
    /// Solves A·x = b in place (`b` in original ordering) using `work` (length n).
    pub fn solve_in_place(&self, sym: &SymbolicLdl, b: &mut [C64], work: &mut [C64]) {
        let n = sym.n;
        for (new, &old) in sym.perm.iter().enumerate() {
            work[new] = b[old];
        }
        // L y = b
        for j in 0..n {
            let yj = work[j];
            if yj != C64::new(0.0, 0.0) {
                for p in sym.lp[j]..sym.lp[j + 1] {
                    work[sym.li[p] as usize] -= self.lx[p] * yj;
                }
            }
        }
        // D z = y
        for (w, d) in work.iter_mut().zip(&self.d) {
            *w /= d;
        }
        // Lᵀ x = z
        for j in (0..n).rev() {
            let mut acc = work[j];
            for p in sym.lp[j]..sym.lp[j + 1] {
                acc -= self.lx[p] * work[sym.li[p] as usize];
            }
            work[j] = acc;
        }
        for (new, &old) in sym.perm.iter().enumerate() {
            b[old] = work[new];
        }
    }
}

/// The compressed-column form (column pointers, row indices sorted and without duplicates
/// within each column) of the `(row, col)` entries of an `n × n` pattern, by counting sort:
/// no allocation per column.
fn compressed_columns(n: usize, entries: &[(usize, usize)]) -> (Vec<usize>, Vec<usize>) {
    let mut ptr = vec![0usize; n + 1];
    for &(_, j) in entries {
        ptr[j + 1] += 1;
    }
    for j in 0..n {
        ptr[j + 1] += ptr[j];
    }
    let mut next = ptr.clone();
    let mut rows = vec![0usize; entries.len()];
    for &(i, j) in entries {
        rows[next[j]] = i;
        next[j] += 1;
    }
    // sort and deduplicate each column, compacting in place
    let mut write = 0;
    let mut start = 0;
    for j in 0..n {
        let end = ptr[j + 1];
        rows[start..end].sort_unstable();
        let col_start = write;
        for r in start..end {
            if write == col_start || rows[write - 1] != rows[r] {
                rows[write] = rows[r];
                write += 1;
            }
        }
        start = end;
        ptr[j + 1] = write;
    }
    rows.truncate(write);
    (ptr, rows)
}

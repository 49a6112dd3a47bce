//! Block solves for many columns of A⁻¹ at once (L, D and Lᵀ traversed once per block).
//!
//! The block is held split into real and imaginary parts, row by row (`re[i·k + c]`), so
//! the inner loops over the k columns are plain multiply-adds that the compiler vectorizes.
//! Only the rows the forward solve reaches are set up (`touched`): a unit column reaches
//! the rows on its elimination-tree path, far fewer than n, and the rest of the forward
//! block is zero. The working block is kept in a pool owned by the factor and reused by
//! the next block (no zero-filling of n·k values per block); it is freed with the factor.

use std::sync::Mutex;

use num_complex::Complex64 as C64;

use super::ldl::{NumericLdl, SymbolicLdl};

/// Reusable working blocks, one per thread solving at a time.
#[derive(Default)]
pub(crate) struct BlockPool(Mutex<Vec<Block>>);

impl Clone for BlockPool {
    /// A copy of a factor starts with an empty pool.
    fn clone(&self) -> BlockPool {
        BlockPool::default()
    }
}

impl std::fmt::Debug for BlockPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlockPool")
    }
}

impl BlockPool {
    fn take(&self) -> Block {
        self.0
            .lock()
            .map(|mut blocks| blocks.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn give(&self, block: Block) {
        if let Ok(mut blocks) = self.0.lock() {
            blocks.push(block);
        }
    }
}

/// The working block of one solve.
#[derive(Default)]
struct Block {
    re: Vec<f64>,
    im: Vec<f64>,
    /// Rows set up by the forward solve (the others are zero there).
    touched: Vec<bool>,
}

impl Block {
    fn prepare(&mut self, n: usize, k: usize) {
        if self.re.len() < n * k {
            self.re.resize(n * k, 0.0);
            self.im.resize(n * k, 0.0);
        }
        self.touched.clear();
        self.touched.resize(n, false);
    }

    /// Marks row `i` reached, clearing what an earlier block left in it.
    fn touch(&mut self, i: usize, k: usize) {
        if !self.touched[i] {
            self.touched[i] = true;
            self.re[i * k..(i + 1) * k].fill(0.0);
            self.im[i * k..(i + 1) * k].fill(0.0);
        }
    }
}

/// `row -= l · y` over the k columns of a block (split complex).
#[inline]
fn sub_scaled(row: (&mut [f64], &mut [f64]), l: C64, y: (&[f64], &[f64])) {
    let (row_re, row_im) = row;
    let (y_re, y_im) = y;
    for (((rr, ri), yr), yi) in row_re.iter_mut().zip(row_im.iter_mut()).zip(y_re).zip(y_im) {
        *rr -= l.re * yr - l.im * yi;
        *ri -= l.re * yi + l.im * yr;
    }
}

impl NumericLdl {
    /// Columns `cols` of A⁻¹ at once (a block solve of unit vectors), as an
    /// `n × cols.len()` row-major array in original ordering.
    pub fn unit_columns(&self, sym: &SymbolicLdl, cols: &[usize]) -> Vec<C64> {
        let (n, k) = (sym.n, cols.len());
        let mut w = self.pool.take();
        w.prepare(n, k);
        let mut first = n;
        for (c, &j) in cols.iter().enumerate() {
            let pj = sym.iperm[j];
            w.touch(pj, k);
            w.re[pj * k + c] = 1.0;
            first = first.min(pj);
        }
        // L y = e: only the rows reached from the unit entries
        for j in first..n {
            if !w.touched[j] {
                continue;
            }
            for p in sym.lp[j]..sym.lp[j + 1] {
                w.touch(sym.li[p] as usize, k);
            }
            let (re_head, re_tail) = w.re.split_at_mut((j + 1) * k);
            let (im_head, im_tail) = w.im.split_at_mut((j + 1) * k);
            let y = (&re_head[j * k..], &im_head[j * k..]);
            for p in sym.lp[j]..sym.lp[j + 1] {
                let at = (sym.li[p] as usize - j - 1) * k;
                let row = (&mut re_tail[at..at + k], &mut im_tail[at..at + k]);
                sub_scaled(row, self.lx[p], y);
            }
        }
        // D z = y, then Lᵀ x = z, from the last row up; every row is written
        for j in (0..n).rev() {
            let (re_head, re_tail) = w.re.split_at_mut((j + 1) * k);
            let (im_head, im_tail) = w.im.split_at_mut((j + 1) * k);
            let (xr, xi) = (&mut re_head[j * k..], &mut im_head[j * k..]);
            if w.touched[j] {
                let inv = self.d[j].inv();
                for (r, i) in xr.iter_mut().zip(xi.iter_mut()) {
                    let z = C64::new(*r, *i) * inv;
                    (*r, *i) = (z.re, z.im);
                }
            } else {
                xr.fill(0.0);
                xi.fill(0.0);
            }
            for p in sym.lp[j]..sym.lp[j + 1] {
                let at = (sym.li[p] as usize - j - 1) * k;
                let x = (&re_tail[at..at + k], &im_tail[at..at + k]);
                sub_scaled((&mut *xr, &mut *xi), self.lx[p], x);
            }
        }
        let mut out = Vec::with_capacity(n * k);
        for &new in &sym.iperm {
            let (re, im) = (&w.re[new * k..(new + 1) * k], &w.im[new * k..(new + 1) * k]);
            out.extend(re.iter().zip(im).map(|(r, i)| C64::new(*r, *i)));
        }
        self.pool.give(w);
        out
    }
}

//! Sparse linear algebra: assembly slots, LDLᵀ factorization with reusable symbolic analysis,
//! selected inversion for all driving-point impedances, solves, and a pivoting LU fallback
//! (faer) for the rare matrix an unpivoted LDLᵀ cannot factor. The only module that sees the
//! linear-algebra crate; nothing here is public outside the crate.

mod block;
mod ldl;
mod lu;
mod takahashi;

use num_complex::Complex64 as C64;

use crate::error::Result;

use ldl::NumericLdl;
pub(crate) use ldl::SymbolicLdl;
use lu::LuFactor;
use takahashi::SelectedInverse;

/// A factorized matrix.
pub(crate) enum Factor {
    Ldl(NumericLdl),
    Lu(Box<LuFactor>),
    /// Values freed by [`Factor::release`]: nothing solves with it any more.
    Released,
}

const RELEASED: &str =
    "a released factor is not solved with (the study releases only the factors it needs no more)";

impl Factor {
    /// Factorizes the symmetric matrix with permuted-upper values `ax` on `sym`'s pattern,
    /// falling back to a pivoting LU when LDLᵀ meets a tiny pivot.
    pub fn new(sym: &SymbolicLdl, ax: &[C64]) -> Result<Factor> {
        match sym.factorize(ax) {
            Ok(num) => Ok(Factor::Ldl(num)),
            Err(_) => LuFactor::new(sym, ax).map(|lu| Factor::Lu(Box::new(lu))),
        }
    }

    /// Frees the factor's values once the caller needs no more solves with it (a factor of
    /// the 100 000-bus synthetic grid holds about 10 MB); a later solve panics.
    pub fn release(&mut self) {
        *self = Factor::Released;
    }

    /// Whether the fallback LU was needed.
    pub fn is_fallback(&self) -> bool {
        matches!(self, Factor::Lu(_))
    }

    /// Solves A·x = b in place (original ordering).
    pub fn solve(&self, sym: &SymbolicLdl, b: &mut [C64]) {
        match self {
            Factor::Ldl(num) => {
                let mut work = vec![C64::new(0.0, 0.0); sym.n];
                num.solve_in_place(sym, b, &mut work);
            }
            Factor::Lu(lu) => lu.solve_in_place(b),
            Factor::Released => panic!("{RELEASED}"),
        }
    }

    /// Column j of A⁻¹.
    pub fn column(&self, sym: &SymbolicLdl, j: usize) -> Vec<C64> {
        let mut x = vec![C64::new(0.0, 0.0); sym.n];
        x[j] = C64::new(1.0, 0.0);
        self.solve(sym, &mut x);
        x
    }

    /// Columns `cols` of A⁻¹ as an `n × cols.len()` row-major array (`out[i * k + c]` =
    /// Z_(i, cols[c])), in one block solve.
    pub fn columns(&self, sym: &SymbolicLdl, cols: &[usize]) -> Vec<C64> {
        match self {
            Factor::Ldl(num) => num.unit_columns(sym, cols),
            Factor::Released => panic!("{RELEASED}"),
            Factor::Lu(_) => {
                let k = cols.len();
                let mut out = vec![C64::new(0.0, 0.0); sym.n * k];
                for (c, &j) in cols.iter().enumerate() {
                    for (i, v) in self.column(sym, j).into_iter().enumerate() {
                        out[i * k + c] = v;
                    }
                }
                out
            }
        }
    }

    /// Driving-point impedances Z_kk of the nodes in `nodes` (see [`Factor::entries`]).
    pub fn diagonal(&self, sym: &SymbolicLdl, nodes: &[usize]) -> Vec<C64> {
        let pairs: Vec<(usize, usize)> = nodes.iter().map(|&k| (k, k)).collect();
        self.entries(sym, &pairs)
    }

    /// Entries Z_ij of A⁻¹ for `pairs`: by one selected inversion when that is cheaper than
    /// one solve per distinct column (every diagonal entry, and every (i, j) joined by a
    /// branch, lies on the selected pattern), else by solves.
    pub fn entries(&self, sym: &SymbolicLdl, pairs: &[(usize, usize)]) -> Vec<C64> {
        match self {
            Factor::Ldl(num) if selected_inversion_pays(sym, pairs) => {
                let z = SelectedInverse::compute(sym, num);
                pairs
                    .iter()
                    .map(|&(i, j)| z.get(sym, i, j).unwrap_or_else(|| self.column(sym, j)[i]))
                    .collect()
            }
            _ => self.entries_by_solves(sym, pairs),
        }
    }

    /// [`Factor::entries`] for a caller that needs no more solves with this factor, which is
    /// released: the selected inverse is computed in the factor's own memory instead of a
    /// second array of its size (when every pair lies on its pattern, as the diagonal and
    /// the pairs joined by a branch do). The entries equal [`Factor::entries`]'s bit for bit.
    pub fn take_entries(&mut self, sym: &SymbolicLdl, pairs: &[(usize, usize)]) -> Vec<C64> {
        let in_place = matches!(self, Factor::Ldl(_))
            && selected_inversion_pays(sym, pairs)
            && pairs
                .iter()
                .all(|&(i, j)| SelectedInverse::covers(sym, i, j));
        if !in_place {
            let entries = self.entries(sym, pairs);
            self.release();
            return entries;
        }
        let Factor::Ldl(num) = std::mem::replace(self, Factor::Released) else {
            unreachable!("checked to be an LDLᵀ factor")
        };
        let z = SelectedInverse::in_place(sym, num);
        pairs
            .iter()
            .map(|&(i, j)| z.get(sym, i, j).expect("checked to lie on the pattern"))
            .collect()
    }

    /// Entries by one solve per distinct column of `pairs`.
    fn entries_by_solves(&self, sym: &SymbolicLdl, pairs: &[(usize, usize)]) -> Vec<C64> {
        let solved: std::collections::HashMap<usize, Vec<C64>> =
            crate::par::map(&distinct_columns(pairs), |&j| (j, self.column(sym, j)))
                .into_iter()
                .collect();
        pairs.iter().map(|&(i, j)| solved[&j][i]).collect()
    }
}

/// The distinct columns j of `pairs` (i, j), ascending.
fn distinct_columns(pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut cols: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// Whether one selected inversion costs less than one solve per distinct column of `pairs`.
fn selected_inversion_pays(sym: &SymbolicLdl, pairs: &[(usize, usize)]) -> bool {
    let solve_cost = 4.0 * (sym.nnz_l() + sym.n) as f64;
    distinct_columns(pairs).len() as f64 * solve_cost > SelectedInverse::cost(sym)
}

/// Values of a symmetric matrix on an analysed pattern, filled through precomputed slots.
pub(crate) struct Values {
    pub ax: Vec<C64>,
}

impl Values {
    pub fn zeros(sym: &SymbolicLdl) -> Values {
        Values {
            ax: vec![C64::new(0.0, 0.0); sym.nnz_a()],
        }
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // dense matrix algebra reads best with indices
mod tests {
    use super::*;

    /// Dense inverse by Gauss-Jordan with partial pivoting, for checking.
    fn dense_inverse(a: &[Vec<C64>]) -> Vec<Vec<C64>> {
        let n = a.len();
        let mut m: Vec<Vec<C64>> = a.to_vec();
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
                .unwrap();
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
                    for j in 0..n {
                        let (mc, ic) = (m[col][j], inv[col][j]);
                        m[r][j] -= f * mc;
                        inv[r][j] -= f * ic;
                    }
                }
            }
        }
        inv
    }

    /// A random connected complex-symmetric admittance-like matrix.
    fn random_network(n: usize, seed: u64) -> (Vec<(usize, usize)>, Vec<Vec<C64>>) {
        let mut state = seed;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 10_000) as f64 / 10_000.0
        };
        let mut a = vec![vec![C64::new(0.0, 0.0); n]; n];
        let mut edges = Vec::new();
        for i in 1..n {
            let j = (rnd() * i as f64) as usize;
            edges.push((i, j));
        }
        for _ in 0..n / 2 {
            let (i, j) = ((rnd() * n as f64) as usize, (rnd() * n as f64) as usize);
            if i != j {
                edges.push((i, j));
            }
        }
        for &(i, j) in &edges {
            let y = C64::new(0.1 + rnd(), 1.0 + 5.0 * rnd()).inv();
            a[i][i] += y;
            a[j][j] += y;
            a[i][j] -= y;
            a[j][i] -= y;
        }
        a[0][0] += C64::new(0.01, 0.1).inv();
        a[n / 2][n / 2] += C64::new(0.02, 0.3).inv();
        (edges, a)
    }

    #[test]
    fn selected_inverse_matches_dense_inverse() {
        for (n, seed) in [(1, 1), (2, 3), (7, 5), (30, 11), (80, 17)] {
            let (edges, a) = random_network(n, seed);
            let sym = SymbolicLdl::new(n, &edges).unwrap();
            let mut v = Values::zeros(&sym);
            for i in 0..n {
                for j in 0..n {
                    if i <= j && a[i][j] != C64::new(0.0, 0.0) {
                        v.ax[sym.slot(i, j)] = a[i][j];
                    }
                }
            }
            let f = Factor::new(&sym, &v.ax).unwrap();
            assert!(!f.is_fallback());
            let inv = dense_inverse(&a);
            let all: Vec<usize> = (0..n).collect();
            let diag = f.diagonal(&sym, &all);
            let Factor::Ldl(num) = &f else { unreachable!() };
            let z = SelectedInverse::compute(&sym, num);
            for i in 0..n {
                assert!(
                    (diag[i] - inv[i][i]).norm() < 1e-9 * inv[i][i].norm(),
                    "n={n} i={i}"
                );
                for j in 0..n {
                    if let Some(zij) = z.get(&sym, i, j) {
                        assert!((zij - inv[i][j]).norm() < 1e-9 * (1.0 + inv[i][j].norm()));
                    }
                }
                let col = f.column(&sym, i);
                for j in 0..n {
                    assert!((col[j] - inv[j][i]).norm() < 1e-9 * (1.0 + inv[j][i].norm()));
                }
                // block solve of three columns
                let cols = [i, (i + 1) % n, (i + n / 2) % n];
                let block = f.columns(&sym, &cols);
                for (c, &cj) in cols.iter().enumerate() {
                    for r in 0..n {
                        let want = inv[r][cj];
                        assert!((block[r * 3 + c] - want).norm() < 1e-9 * (1.0 + want.norm()));
                    }
                }
            }
            // every edge of the matrix is on the selected pattern
            for &(i, j) in &edges {
                assert!(z.get(&sym, i, j).is_some());
            }
            // the selected inverse in the factor's memory is the same, bit for bit
            let in_place = SelectedInverse::in_place(&sym, num.clone());
            assert_eq!(in_place.diag, z.diag, "n={n}");
            assert_eq!(in_place.zx, z.zx, "n={n}");
            // and so are the entries taken from a released factor (the diagonal and the
            // edges, as a study asks for them; with n > 1 the selected inversion pays)
            let mut pairs: Vec<(usize, usize)> = all.iter().map(|&k| (k, k)).collect();
            pairs.extend(edges.iter().flat_map(|&(i, j)| [(i, j), (j, i)]));
            let kept = f.entries(&sym, &pairs);
            let mut taken = Factor::new(&sym, &v.ax).unwrap();
            assert_eq!(taken.take_entries(&sym, &pairs), kept, "n={n}");
            assert!(matches!(taken, Factor::Released));
        }
    }

    #[test]
    fn taking_entries_off_the_pattern_solves_before_releasing() {
        // (0, n-1) of a path is off the selected pattern: solved, equal to entries()
        let n = 6;
        let edges: Vec<(usize, usize)> = (1..n).map(|i| (i, i - 1)).collect();
        let sym = SymbolicLdl::new(n, &edges).unwrap();
        let mut v = Values::zeros(&sym);
        for &(i, j) in &edges {
            let y = C64::new(0.1, 1.0).inv();
            v.ax[sym.slot(i, i)] += y;
            v.ax[sym.slot(j, j)] += y;
            v.ax[sym.slot(j.min(i), j.max(i))] -= y;
        }
        v.ax[sym.slot(0, 0)] += C64::new(0.01, 0.1).inv();
        let pairs: Vec<(usize, usize)> = (0..n).map(|k| (k, k)).chain([(0, n - 1)]).collect();
        let mut f = Factor::new(&sym, &v.ax).unwrap();
        let want = f.entries(&sym, &pairs);
        assert!(!SelectedInverse::covers(&sym, 0, n - 1));
        assert_eq!(f.take_entries(&sym, &pairs), want);
        assert!(matches!(f, Factor::Released));
    }

    #[test]
    fn block_solves_of_any_width_reuse_their_working_block() {
        // blocks of changing width on one factor: each reuses the working block the previous
        // one left (with its values in it) and must still give exact columns
        let n = 60;
        let (_, a) = random_network(n, 23);
        let edges: Vec<(usize, usize)> = (0..n)
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .filter(|&(i, j)| a[i][j] != C64::new(0.0, 0.0))
            .collect();
        let sym = SymbolicLdl::new(n, &edges).unwrap();
        let mut v = Values::zeros(&sym);
        for i in 0..n {
            for j in i..n {
                if a[i][j] != C64::new(0.0, 0.0) {
                    v.ax[sym.slot(i, j)] = a[i][j];
                }
            }
        }
        let f = Factor::new(&sym, &v.ax).unwrap();
        let inv = dense_inverse(&a);
        for cols in [
            vec![5],
            (0..n).collect(),
            vec![59, 0, 30],
            vec![7, 8],
            vec![41],
        ] {
            let k = cols.len();
            let block = f.columns(&sym, &cols);
            for (c, &j) in cols.iter().enumerate() {
                for r in 0..n {
                    let want = inv[r][j];
                    assert!((block[r * k + c] - want).norm() < 1e-9 * (1.0 + want.norm()));
                }
            }
        }
    }

    #[test]
    fn breakdown_falls_back_to_lu() {
        // [[0, 1], [1, 0]] has a zero first pivot in any ordering of an unpivoted LDLᵀ
        let sym = SymbolicLdl::new(2, &[(0, 1)]).unwrap();
        let mut v = Values::zeros(&sym);
        v.ax[sym.slot(0, 1)] = C64::new(1.0, 0.0);
        let f = Factor::new(&sym, &v.ax).unwrap();
        assert!(f.is_fallback());
        let d = f.diagonal(&sym, &[0, 1]);
        assert!(d[0].norm() < 1e-12 && d[1].norm() < 1e-12);
        let col = f.column(&sym, 0);
        assert!((col[1] - C64::new(1.0, 0.0)).norm() < 1e-12);
    }

    #[test]
    fn singular_matrix_is_an_error() {
        let sym = SymbolicLdl::new(2, &[(0, 1)]).unwrap();
        let v = Values::zeros(&sym);
        assert!(Factor::new(&sym, &v.ax).is_err());
    }
}

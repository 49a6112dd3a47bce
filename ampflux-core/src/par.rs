//! Data parallelism over independent work items (fault locations, columns), with rayon when
//! the `parallel` feature is on (the default) and sequentially otherwise (WebAssembly).

/// `items.map(f)` in parallel when possible, preserving order.
#[cfg(feature = "parallel")]
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// `items.map(f)` in parallel when possible, preserving order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.iter().map(f).collect()
}

/// Runs `a` and `b`, in parallel when possible.
#[cfg(feature = "parallel")]
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(a, b)
}

/// Runs `a` and `b`, in parallel when possible.
#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    (a(), b())
}

/// Sums the vectors (length `len`) that `f` accumulates for each item, in parallel when
/// possible. The items are grouped into chunks fixed by their count alone and the chunk sums
/// are added in order, so the result is bitwise the same for every number of threads and in
/// builds without the `parallel` feature.
pub(crate) fn fold_sum<T: Sync>(
    items: &[T],
    len: usize,
    f: impl Fn(&T, &mut [f64]) + Sync + Send,
) -> Vec<f64> {
    let chunk = items.len().div_ceil(FOLD_CHUNKS).max(1);
    let groups: Vec<&[T]> = items.chunks(chunk).collect();
    let parts = map(&groups, |group| {
        let mut acc = vec![0.0; len];
        for item in *group {
            f(item, &mut acc);
        }
        acc
    });
    sum_in_order(parts, len)
}

/// Number of partial sums of [`fold_sum`] (enough parallelism, bounded memory).
const FOLD_CHUNKS: usize = 16;

fn sum_in_order(parts: Vec<Vec<f64>>, len: usize) -> Vec<f64> {
    let mut total = vec![0.0; len];
    for part in parts {
        for (t, p) in total.iter_mut().zip(part) {
            *t += p;
        }
    }
    total
}

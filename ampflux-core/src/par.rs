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
/// possible, without keeping one vector per item.
#[cfg(feature = "parallel")]
pub(crate) fn fold_sum<T: Sync>(
    items: &[T],
    len: usize,
    f: impl Fn(&T, &mut [f64]) + Sync + Send,
) -> Vec<f64> {
    use rayon::prelude::*;
    items
        .par_iter()
        .fold(
            || vec![0.0; len],
            |mut acc, item| {
                f(item, &mut acc);
                acc
            },
        )
        .reduce(
            || vec![0.0; len],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        )
}

/// Sums the vectors (length `len`) that `f` accumulates for each item.
#[cfg(not(feature = "parallel"))]
pub(crate) fn fold_sum<T: Sync>(
    items: &[T],
    len: usize,
    f: impl Fn(&T, &mut [f64]) + Sync + Send,
) -> Vec<f64> {
    let mut acc = vec![0.0; len];
    for item in items {
        f(item, &mut acc);
    }
    acc
}

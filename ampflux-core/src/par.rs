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

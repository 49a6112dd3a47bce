//! Digest and diff of a 10k-bus network (target: well under 100 ms).
//!
//! `cargo bench -p ampflux-benches --bench versions`

use ampflux_core::version;
use ampflux_testkit::synthetic::meshed_grid;
use criterion::{Criterion, criterion_group, criterion_main};

fn versions(c: &mut Criterion) {
    let a = meshed_grid(10_000, 7);
    let mut b = a.clone();
    for (i, line) in b.lines.iter_mut().enumerate().filter(|(i, _)| i % 97 == 0) {
        line.length_km *= 1.0 + i as f64 * 1e-6;
    }
    b.buses.pop();
    b.add_bus("NEW", 20.0);
    let mut g = c.benchmark_group("versions_10k_buses");
    g.sample_size(20);
    g.bench_function("digest", |bench| bench.iter(|| a.digest()));
    g.bench_function("diff", |bench| bench.iter(|| version::diff(&a, &b)));
    let d = version::diff(&a, &b);
    g.bench_function("apply", |bench| {
        bench.iter(|| version::apply(&a, &d).expect("applies"))
    });
    g.finish();
}

criterion_group!(benches, versions);
criterion_main!(benches);

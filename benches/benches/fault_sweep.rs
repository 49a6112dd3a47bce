//! All-bus short-circuit sweeps (3ph max with ip, Ib and Ith; 1ph max) on the shared anchor
//! grids and synthetic meshed grids of 1k, 10k and 100k buses, and the cost of one sparse
//! factorization of the same networks for reference.
//!
//! `cargo bench -p ampflux-benches --bench fault_sweep` (set `AMPFLUX_BENCH_QUICK=1` to skip
//! the 100k-bus grid).

use std::time::Duration;

use ampflux_benches::{BenchNetwork, anchor_networks, synthetic_networks};
use ampflux_core::{FaultKind, StudyOptions, short_circuit, testing};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn networks() -> Vec<BenchNetwork> {
    let mut nets: Vec<BenchNetwork> = anchor_networks()
        .into_iter()
        .filter(|n| n.network.buses.len() >= 1000)
        .collect();
    let sizes: &[usize] = if std::env::var_os("AMPFLUX_BENCH_QUICK").is_some() {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 100_000]
    };
    nets.extend(synthetic_networks(sizes));
    nets
}

fn sweep(c: &mut Criterion) {
    let nets = networks();
    for (group_name, fault) in [
        ("sweep_3ph_max", FaultKind::ThreePhase),
        ("sweep_1ph_max", FaultKind::LineToEarth),
    ] {
        let mut g = c.benchmark_group(group_name);
        g.sample_size(10).warm_up_time(Duration::from_millis(500));
        let options = StudyOptions {
            fault,
            ..StudyOptions::default()
        };
        for n in &nets {
            g.throughput(Throughput::Elements(n.network.buses.len() as u64));
            g.bench_with_input(
                BenchmarkId::from_parameter(&n.name),
                &n.network,
                |b, net| b.iter(|| short_circuit(net, &options).expect("study runs")),
            );
        }
        g.finish();
    }
    let mut g = c.benchmark_group("factorize_positive_sequence");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    for n in &nets {
        g.throughput(Throughput::Elements(n.network.buses.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(&n.name),
            &n.network,
            |b, net| {
                b.iter(|| {
                    testing::factorize_positive_sequence(net, &StudyOptions::default())
                        .expect("factorizes")
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);

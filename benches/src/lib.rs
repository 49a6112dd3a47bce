//! Benchmark support: the networks the benches and the comparison scripts share.

use ampflux_core::Network;
use ampflux_testkit::{anchors, synthetic};

/// A named benchmark network.
pub struct BenchNetwork {
    /// Name (anchor case name or `synthetic_<n>`).
    pub name: String,
    /// The network.
    pub network: Network,
}

/// The anchor grids (`case9` … `case9241pegase`) in the order of their size.
pub fn anchor_networks() -> Vec<BenchNetwork> {
    anchors::names()
        .into_iter()
        .map(|name| BenchNetwork {
            network: anchors::load(&name).network,
            name,
        })
        .collect()
}

/// Synthetic meshed grids of 1k, 10k and 100k buses.
pub fn synthetic_networks(sizes: &[usize]) -> Vec<BenchNetwork> {
    sizes
        .iter()
        .map(|&n| BenchNetwork {
            name: format!("synthetic_{n}"),
            network: synthetic::meshed_grid(n, 7),
        })
        .collect()
}

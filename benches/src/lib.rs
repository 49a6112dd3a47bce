//! Benchmark support: the networks the benches and the comparison scripts share.

use ampflux_core::Network;
use ampflux_core::model::{
    BusRatings, Conductor, ConductorMaterial, Insulation, SwitchKind, SwitchRatings,
};
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

/// `net` with equipment ratings on every bus (peak and short-time withstand), conductor data
/// on every line, and a rated circuit-breaker at the LV end of every transformer: what the
/// equipment duty benchmark evaluates.
pub fn with_ratings(mut net: Network) -> Network {
    for b in &mut net.buses {
        b.ratings = Some(BusRatings {
            ipk_ka: Some(100.0),
            icw_ka: Some(40.0),
            icw_duration_s: Some(1.0),
        });
    }
    for l in &mut net.lines {
        l.conductor = Some(Conductor {
            material: ConductorMaterial::Al,
            insulation: Insulation::Xlpe,
            cross_section_mm2: 240.0,
            k: None,
        });
    }
    let breakers: Vec<ampflux_core::Switch> = net
        .transformers
        .iter()
        .map(|t| ampflux_core::Switch {
            id: format!("Q-{}", t.id),
            bus: t.lv_bus.clone(),
            element: t.id.clone(),
            closed: true,
            kind: SwitchKind::Breaker,
            ratings: Some(SwitchRatings {
                breaking_ka: Some(31.5),
                opening_time_s: Some(0.05),
                icw_ka: Some(31.5),
                icw_duration_s: Some(1.0),
                ..SwitchRatings::default()
            }),
            ..ampflux_core::Switch::default()
        })
        .collect();
    net.switches.extend(breakers);
    net
}

//! Deterministic synthetic grids of any size for benchmarks and property tests: a meshed
//! 110 kV transmission layer (a lattice spanning tree plus random local ties, average degree
//! about 2.6 like real grids), radial 20 kV feeders behind Dyn transformers, generators and one
//! network feeder, with zero-sequence data so that every fault type runs.

use ampflux_core::{ExternalGrid, Generator, Line, Network, Transformer};

/// A small xorshift generator (deterministic across platforms).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A meshed grid with about `n` buses (at least 4), reproducible from `seed`.
pub fn meshed_grid(n: usize, seed: u64) -> Network {
    let n = n.max(4);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut net = Network::new(50.0);
    net.name = Some(format!("synthetic meshed grid, {n} buses, seed {seed}"));
    let n_hv = (n * 7 / 10).max(2);
    let side = (n_hv as f64).sqrt().ceil() as usize;
    for i in 0..n_hv {
        net.add_bus(format!("H{i}"), 110.0);
    }
    let line = |id: String, a: String, b: String, km: f64| Line {
        id,
        from_bus: a,
        to_bus: b,
        length_km: km,
        r_ohm_per_km: 0.12,
        x_ohm_per_km: 0.39,
        r0_ohm_per_km: Some(0.32),
        x0_ohm_per_km: Some(1.26),
        c0_nf_per_km: Some(4.5),
        endtemp_degree: Some(80.0),
        ..Line::default()
    };
    // spanning tree: a snake through the lattice, then random ties to the lattice neighbours
    let mut k = 0;
    for i in 1..n_hv {
        let km = 5.0 + 20.0 * rng.next();
        net.lines.push(line(
            format!("LH{k}"),
            format!("H{}", i - 1),
            format!("H{i}"),
            km,
        ));
        k += 1;
    }
    for i in 0..n_hv {
        let (r, c) = (i / side, i % side);
        // tie to the lattice neighbour below (the snake already joins i and i + 1)
        let down = (r + 1) * side + c;
        if down < n_hv && rng.next() < 0.32 {
            let km = 5.0 + 20.0 * rng.next();
            net.lines.push(line(
                format!("LH{k}"),
                format!("H{i}"),
                format!("H{down}"),
                km,
            ));
            k += 1;
        }
    }
    net.external_grids.push(ExternalGrid {
        id: "Q".into(),
        bus: "H0".into(),
        s_sc_max_mva: 5000.0,
        s_sc_min_mva: Some(4000.0),
        rx_max: Some(0.1),
        rx_min: Some(0.1),
        x0x_max: Some(1.0),
        r0x0_max: Some(0.1),
        ..ExternalGrid::default()
    });
    for (g, i) in (0..n_hv).step_by(50).skip(1).enumerate() {
        net.add_bus(format!("G{g}T"), 10.5);
        net.generators.push(Generator {
            id: format!("G{g}"),
            bus: format!("G{g}T"),
            sn_mva: 120.0,
            vn_kv: 10.5,
            cos_phi: 0.85,
            xdss_pu: 0.18,
            rdss_pu: Some(0.002),
            unit_transformer: Some(format!("GT{g}")),
            ..Generator::default()
        });
        net.transformers.push(Transformer {
            id: format!("GT{g}"),
            hv_bus: format!("H{i}"),
            lv_bus: format!("G{g}T"),
            sn_mva: 120.0,
            vn_hv_kv: 115.0,
            vn_lv_kv: 10.5,
            vk_percent: 12.0,
            vkr_percent: 0.4,
            vector_group: "YNd5".into(),
            vk0_percent: Some(11.0),
            vkr0_percent: Some(0.4),
            oltc: Some(true),
            power_station_unit: Some(true),
            ..Transformer::default()
        });
    }
    // radial 20 kV feeders behind Dyn5 transformers
    let n_mv = n.saturating_sub(net.buses.len());
    let feeders = (n_mv / 12).max(1);
    let mut made = 0;
    for f in 0..feeders {
        let hv = (rng.next() * n_hv as f64) as usize % n_hv;
        let len = if f + 1 == feeders {
            n_mv - made
        } else {
            n_mv / feeders
        };
        if len == 0 {
            continue;
        }
        net.transformers.push(Transformer {
            id: format!("T{f}"),
            hv_bus: format!("H{hv}"),
            lv_bus: format!("M{f}_0"),
            sn_mva: 40.0,
            vn_hv_kv: 110.0,
            vn_lv_kv: 21.0,
            vk_percent: 12.0,
            vkr_percent: 0.5,
            vector_group: "Dyn5".into(),
            vk0_percent: Some(11.5),
            vkr0_percent: Some(0.5),
            ..Transformer::default()
        });
        for j in 0..len {
            net.add_bus(format!("M{f}_{j}"), 20.0);
            if j > 0 {
                net.lines.push(Line {
                    id: format!("LM{f}_{j}"),
                    from_bus: format!("M{f}_{}", j - 1),
                    to_bus: format!("M{f}_{j}"),
                    length_km: 0.5 + 2.0 * rng.next(),
                    r_ohm_per_km: 0.206,
                    x_ohm_per_km: 0.117,
                    r0_ohm_per_km: Some(0.8),
                    x0_ohm_per_km: Some(0.4),
                    c0_nf_per_km: Some(300.0),
                    endtemp_degree: Some(160.0),
                    ..Line::default()
                });
            }
        }
        made += len;
    }
    net
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_valid_and_sized() {
        let net = meshed_grid(1000, 7);
        let errors: Vec<_> = net
            .validate()
            .into_iter()
            .filter(|i| i.is_error())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(
            (990..=1010).contains(&net.buses.len()),
            "{}",
            net.buses.len()
        );
        assert_eq!(meshed_grid(1000, 7), net);
    }
}

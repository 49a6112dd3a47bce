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
            vector_group: Some("YNd5".into()),
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
            vector_group: Some("Dyn5".into()),
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

/// Which element kinds a random network may contain.
#[derive(Clone, Copy, Debug)]
pub struct RandomKinds {
    /// Synchronous generators (with x(2) ≠ x''d, so Z2 ≠ Z1).
    pub generators: bool,
    /// Asynchronous motors.
    pub motors: bool,
    /// Full-converter current sources (not linear in c).
    pub converters: bool,
    /// Switches (bus ties and open branch ends).
    pub switches: bool,
}

impl RandomKinds {
    /// Every kind.
    pub const ALL: RandomKinds = RandomKinds {
        generators: true,
        motors: true,
        converters: true,
        switches: true,
    };
    /// Only passive branches and network feeders (Z2 = Z1, linear in c).
    pub const PASSIVE: RandomKinds = RandomKinds {
        generators: false,
        motors: false,
        converters: false,
        switches: true,
    };
}

/// A random valid network of about `n` buses on three voltage levels (110, 20, 0.4 kV), with
/// meshes, transformers of several vector groups (with zero-sequence data), and the element
/// kinds allowed by `kinds`. Deterministic in `seed`.
pub fn random_network(seed: u64, n: usize, kinds: RandomKinds) -> Network {
    use ampflux_core::{Converter, ConverterKind, Impedance, Motor, Switch};
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let n = n.max(3);
    let mut net = Network::new(if rng.next() < 0.8 { 50.0 } else { 60.0 });
    let levels = [110.0, 20.0, 0.4];
    let mut level_of = Vec::new();
    for i in 0..n {
        let level = if i == 0 {
            0
        } else {
            (rng.next() * 3.0) as usize % 3
        };
        net.add_bus(format!("B{i}"), levels[level]);
        level_of.push(level);
    }
    let grid = net.add_external_grid(
        "Q",
        "B0",
        500.0 + 4000.0 * rng.next(),
        0.05 + 0.2 * rng.next(),
    );
    grid.s_sc_min_mva = Some(grid.s_sc_max_mva * 0.7);
    grid.x0x_max = Some(0.8 + rng.next());
    grid.r0x0_max = Some(0.1 + 0.2 * rng.next());
    let groups = ["Dyn5", "YNd5", "YNyn0", "Yyn0", "Dd0", "YNd11", "Dyn11"];
    let mut branch_ids: Vec<(String, String, String)> = Vec::new();
    let connect = |net: &mut Network,
                   rng: &mut Rng,
                   k: usize,
                   a: usize,
                   b: usize,
                   la: usize,
                   lb: usize|
     -> (String, String, String) {
        let (fa, fb) = (format!("B{a}"), format!("B{b}"));
        if la == lb {
            let id = format!("L{k}");
            let lvl = levels[la];
            let (r, x) = if lvl > 1.0 {
                (0.05 + 0.2 * rng.next(), 0.1 + 0.3 * rng.next())
            } else {
                (0.1 + 0.3 * rng.next(), 0.07 + 0.03 * rng.next())
            };
            let len = if lvl > 50.0 {
                2.0 + 30.0 * rng.next()
            } else if lvl > 1.0 {
                0.3 + 5.0 * rng.next()
            } else {
                0.01 + 0.2 * rng.next()
            };
            let line = net.add_line(&id, &fa, &fb, len, r, x);
            line.r0_ohm_per_km = Some(r * (2.0 + rng.next()));
            line.x0_ohm_per_km = Some(x * (2.5 + rng.next()));
            line.c0_nf_per_km = Some(if lvl > 1.0 {
                5.0 + 300.0 * rng.next()
            } else {
                0.0
            });
            line.endtemp_degree = Some(80.0 + 80.0 * rng.next());
            if rng.next() < 0.2 {
                line.parallel = Some(2);
            }
            (id, fa, fb)
        } else if rng.next() < 0.1 && la.abs_diff(lb) == 1 {
            let id = format!("Z{k}");
            net.impedances.push(Impedance {
                id: id.clone(),
                from_bus: fa.clone(),
                to_bus: fb.clone(),
                sn_mva: Some(100.0),
                r_pu: Some(0.002 + 0.01 * rng.next()),
                x_pu: Some(0.05 + 0.2 * rng.next()),
                r0_pu: Some(0.004 + 0.02 * rng.next()),
                x0_pu: Some(0.1 + 0.3 * rng.next()),
                ..Impedance::default()
            });
            (id, fa, fb)
        } else {
            let (hv, lv, lh, ll) = if la < lb {
                (a, b, la, lb)
            } else {
                (b, a, lb, la)
            };
            let id = format!("T{k}");
            let sn = if levels[ll] < 1.0 {
                0.25 + 1.5 * rng.next()
            } else {
                10.0 + 50.0 * rng.next()
            };
            let vk = 4.0 + 10.0 * rng.next();
            let vkr = vk * (0.03 + 0.15 * rng.next());
            let vg = groups[(rng.next() * groups.len() as f64) as usize % groups.len()];
            let hv_kv = levels[lh] * (0.95 + 0.1 * rng.next());
            let lv_kv = levels[ll] * (1.0 + 0.06 * rng.next());
            let t = net.add_transformer(
                &id,
                format!("B{hv}"),
                format!("B{lv}"),
                sn,
                hv_kv,
                lv_kv,
                vk,
                vkr,
                vg,
            );
            t.vk0_percent = Some(vk * (0.85 + 0.15 * rng.next()));
            t.vkr0_percent = Some(vkr);
            if vg.starts_with("Yyn") || vg.starts_with("YNyn") {
                t.zm0_over_zk0 = Some(5.0 + 20.0 * rng.next());
                t.rm0_over_xm0 = Some(0.2 * rng.next());
                t.zm0_hv_share = Some(0.5 + 0.4 * rng.next());
            }
            if rng.next() < 0.3 && vg.contains('n') {
                t.lv_grounding_r_ohm = Some(if levels[ll] < 1.0 {
                    0.0
                } else {
                    5.0 + 20.0 * rng.next()
                });
            }
            if rng.next() < 0.2 {
                t.parallel = Some(2);
            }
            (id, format!("B{hv}"), format!("B{lv}"))
        }
    };
    // spanning tree + extra ties
    for i in 1..n {
        let j = (rng.next() * i as f64) as usize % i;
        let b = connect(&mut net, &mut rng, i, j, i, level_of[j], level_of[i]);
        branch_ids.push(b);
    }
    for k in 0..n / 4 {
        let (a, b) = (
            (rng.next() * n as f64) as usize % n,
            (rng.next() * n as f64) as usize % n,
        );
        if a != b {
            let br = connect(&mut net, &mut rng, n + k, a, b, level_of[a], level_of[b]);
            branch_ids.push(br);
        }
    }
    if kinds.generators {
        for i in (0..n).filter(|i| level_of[*i] < 2) {
            if rng.next() < 0.15 {
                let vn = levels[level_of[i]];
                net.generators.push(Generator {
                    id: format!("G{i}"),
                    bus: format!("B{i}"),
                    sn_mva: 5.0 + 100.0 * rng.next(),
                    vn_kv: vn * (1.0 + 0.05 * rng.next()),
                    cos_phi: 0.8 + 0.15 * rng.next(),
                    xdss_pu: 0.1 + 0.15 * rng.next(),
                    rdss_pu: if rng.next() < 0.5 {
                        Some(0.005 * rng.next())
                    } else {
                        None
                    },
                    x2_pu: Some(0.12 + 0.1 * rng.next()),
                    x0_pu: Some(0.05 + 0.05 * rng.next()),
                    grounding_r_ohm: if rng.next() < 0.3 {
                        Some(10.0 * rng.next())
                    } else {
                        None
                    },
                    ..Generator::default()
                });
            }
        }
    }
    if kinds.motors {
        for i in 0..n {
            if rng.next() < 0.15 {
                let vn = levels[level_of[i]];
                net.motors.push(Motor {
                    id: format!("M{i}"),
                    bus: format!("B{i}"),
                    pn_mw: if vn < 1.0 {
                        0.01 + 0.2 * rng.next()
                    } else {
                        0.2 + 3.0 * rng.next()
                    },
                    vn_kv: vn,
                    cos_phi: 0.8 + 0.1 * rng.next(),
                    efficiency_percent: 90.0 + 8.0 * rng.next(),
                    lrc_pu: 5.0 + 3.0 * rng.next(),
                    pole_pairs: Some(1 + (rng.next() * 3.0) as u32),
                    count: Some(1 + (rng.next() * 3.0) as u32),
                    ..Motor::default()
                });
            }
        }
    }
    if kinds.converters {
        for i in 0..n {
            if rng.next() < 0.1 {
                let vn = levels[level_of[i]];
                net.converters.push(Converter {
                    id: format!("PV{i}"),
                    bus: format!("B{i}"),
                    sn_mva: if vn < 1.0 {
                        0.05 + 0.5 * rng.next()
                    } else {
                        1.0 + 10.0 * rng.next()
                    },
                    vn_kv: vn,
                    kind: ConverterKind::FullConverter,
                    k: Some(1.0 + 0.5 * rng.next()),
                    current_angle_deg: Some(-90.0 + 20.0 * rng.next()),
                    ..Converter::default()
                });
            }
        }
    }
    if kinds.switches && n > 3 {
        // an open branch end and a bus tie between two buses of one level
        let (id, _, to) =
            branch_ids[(rng.next() * branch_ids.len() as f64) as usize % branch_ids.len()].clone();
        if rng.next() < 0.5 {
            net.switches.push(Switch {
                id: "S-open".into(),
                bus: to,
                element: id,
                closed: false,
                ..Switch::default()
            });
        }
        let same: Vec<(usize, usize)> = (1..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .filter(|(a, b)| level_of[*a] == level_of[*b])
            .take(50)
            .collect();
        if !same.is_empty() {
            let (a, b) = same[(rng.next() * same.len() as f64) as usize % same.len()];
            net.switches.push(Switch {
                id: "S-tie".into(),
                bus: format!("B{a}"),
                element: format!("B{b}"),
                closed: rng.next() < 0.7,
                ..Switch::default()
            });
        }
    }
    net
}

#[cfg(test)]
mod random_tests {
    use super::*;

    #[test]
    fn random_networks_validate() {
        for seed in 0..200 {
            let net = random_network(seed, 3 + (seed as usize % 25), RandomKinds::ALL);
            let errors: Vec<_> = net
                .validate()
                .into_iter()
                .filter(|i| i.is_error())
                .collect();
            assert!(errors.is_empty(), "seed {seed}: {errors:?}");
        }
    }
}

//! The structured mode of the fuzz targets: a small network and study options decoded from
//! the fuzzer's bytes. Every byte maps to a choice or to a value in a physically sensible
//! range, with now and then an edge value (zero, negative, tiny, huge, a foreign vector group,
//! a dangling reference, a duplicate id) so that both the validation and the deep study code
//! are reached. Missing bytes read as zero, so every input decodes.

use ampflux_core::model::{
    BusRatings, Conductor, ConductorMaterial, Insulation, SwitchKind, SwitchRatings,
};
use ampflux_core::{
    BreakingCurrent, Bus, Case, Converter, ConverterKind, ExternalGrid, FaultKind, Generator,
    Impedance, Line, LineFault, Load, Method, Motor, Network, PeakMethod, StudyOptions, Switch,
    TapSide, Topology, Transformer, Transformer3w,
};
use serde_json::{Map, Value};

/// A cursor over the fuzzer's bytes; reads past the end give zeros.
pub struct Src<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Src<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Src<'a> {
        Src { data, pos: 0 }
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// The next two bytes as a fraction in [0, 1].
    pub fn unit(&mut self) -> f64 {
        let v = u16::from_le_bytes([self.u8(), self.u8()]);
        f64::from(v) / f64::from(u16::MAX)
    }

    /// A number below `n` (n ≥ 1).
    pub fn below(&mut self, n: usize) -> usize {
        self.u8() as usize % n.max(1)
    }

    /// True with probability about `num`/256.
    /// Past the end of the input always false, so that short inputs give simple networks.
    pub fn chance(&mut self, num: u8) -> bool {
        !self.is_empty() && self.u8() < num
    }

    /// One of `items`.
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// A value in [lo, hi] (log-uniform when both are positive and far apart), or with
    /// probability 1/128 an edge value.
    pub fn value(&mut self, lo: f64, hi: f64) -> f64 {
        if self.u8() >= 254 {
            return match 240 + self.u8() % 16 {
                240 => 0.0,
                241 => -lo.abs().max(hi.abs()) * self.unit(),
                242 => 1e-12,
                243 => 1e12,
                244 => hi * 10.0,
                245 => lo / 10.0,
                246 => -0.0,
                247 => f64::MIN_POSITIVE,
                248 => 1e300,
                249 => lo,
                250 => hi,
                251 => -1.0,
                252 => 1.0,
                253 => 2.0,
                254 => 0.5,
                _ => 1e-300,
            };
        }
        let u = self.unit();
        if lo > 0.0 && hi / lo > 50.0 {
            (lo.ln() + u * (hi.ln() - lo.ln())).exp()
        } else {
            lo + u * (hi - lo)
        }
    }

    /// `Some(value(lo, hi))` with probability `num`/256.
    pub fn opt(&mut self, num: u8, lo: f64, hi: f64) -> Option<f64> {
        if self.chance(num) {
            Some(self.value(lo, hi))
        } else {
            None
        }
    }

    /// `Some(1 + below(n))` with probability `num`/256, rarely 0.
    pub fn opt_count(&mut self, num: u8, n: usize) -> Option<u32> {
        if self.chance(num) {
            Some(if self.chance(8) {
                0
            } else {
                1 + self.below(n) as u32
            })
        } else {
            None
        }
    }
}

const VOLTAGES: [f64; 12] = [
    0.4, 0.4, 0.69, 0.23, 6.0, 10.0, 10.5, 20.0, 20.0, 30.0, 110.0, 220.0,
];
const VG2: [&str; 18] = [
    "Dyn5", "Dyn11", "YNd5", "YNd11", "Yyn0", "YNyn0", "Dd0", "Yy0", "Yd5", "Yzn5", "YNzn11",
    "Dzn0", "ZNy5", "YNy0", "Dy5", "Dyn", "YNyn", "ynd1",
];
const VG3: [&str; 8] = [
    "YNyn0d5", "YNd5d5", "Dyn5yn5", "YNynyn", "Ddd", "YNyn0yn0", "Yd5d11", "YNzn5d5",
];
/// Vector groups a transformer with `windings` windings does not accept.
const VG_BAD: [&str; 7] = ["Dyn13", "X", "", "DNy", "YNd5", "YNyn0d5", "Yy0y0y0"];

fn vector_group(src: &mut Src<'_>, table: &[&str]) -> String {
    if src.chance(3) {
        src.pick(&VG_BAD).to_string()
    } else {
        src.pick(table).to_string()
    }
}

/// Ratings of a bus now and then, with an occasional missing pair or bad value.
fn bus_ratings(src: &mut Src<'_>) -> Option<BusRatings> {
    src.chance(40).then(|| BusRatings {
        ipk_ka: src.opt(200, 5.0, 200.0),
        icw_ka: src.opt(200, 2.0, 100.0),
        icw_duration_s: src.opt(200, 0.2, 3.0),
    })
}

/// Ratings of a switch now and then.
fn switch_ratings(src: &mut Src<'_>) -> Option<SwitchRatings> {
    src.chance(60).then(|| SwitchRatings {
        breaking_ka: src.opt(200, 2.0, 100.0),
        service_breaking_ka: src.opt(60, 2.0, 100.0),
        making_ka: src.opt(100, 5.0, 250.0),
        dc_percent: src.opt(40, 0.0, 100.0),
        opening_time_s: src.opt(60, 0.01, 0.1),
        icw_ka: src.opt(120, 2.0, 100.0),
        icw_duration_s: src.opt(120, 0.2, 3.0),
        ipk_ka: src.opt(40, 5.0, 250.0),
    })
}

/// Conductor data of a line now and then.
fn conductor(src: &mut Src<'_>) -> Option<Conductor> {
    src.chance(40).then(|| Conductor {
        material: src.pick(&[ConductorMaterial::Cu, ConductorMaterial::Al]),
        insulation: src.pick(&[
            Insulation::Pvc,
            Insulation::Xlpe,
            Insulation::Epr,
            Insulation::Paper,
            Insulation::Bare,
        ]),
        cross_section_mm2: src.value(1.5, 1000.0),
        k: src.opt(20, 50.0, 250.0),
    })
}

/// Edge ids: empty, blank, non-ASCII, or an id already used elsewhere.
fn id(src: &mut Src<'_>, prefix: &str, i: usize) -> String {
    if src.chance(2) {
        src.pick(&["", " ", "B0", "L0", "T0", "é\u{1F50C}", "\"q\"", "a\\b"])
            .to_string()
    } else {
        format!("{prefix}{i}")
    }
}

fn in_service(src: &mut Src<'_>) -> Option<bool> {
    if src.chance(16) {
        Some(src.chance(64))
    } else if src.chance(8) {
        Some(true)
    } else {
        None
    }
}

fn meta(src: &mut Src<'_>) -> Option<Map<String, Value>> {
    if !src.chance(10) {
        return None;
    }
    let mut m = Map::new();
    for k in 0..1 + src.below(3) {
        let v = match src.below(7) {
            0 => Value::from(1.0),
            1 => Value::from(-0.0),
            2 => Value::from(src.value(-1e3, 1e3)),
            3 => Value::from(u64::MAX),
            4 => serde_json::json!([1, 2.5, {"z": 1.0, "a": null}]),
            5 => Value::from("text"),
            _ => Value::from(9.007_199_254_740_993e15),
        };
        m.insert(
            src.pick(&["b", "a", "key", "é", ""]).to_string() + &k.to_string(),
            v,
        );
    }
    Some(m)
}

/// A bus index, and (when possible) another bus of the same nominal voltage.
/// `None` (now and then a self-loop or a voltage mismatch instead) when there is no such bus.
fn same_level(src: &mut Src<'_>, buses: &[Bus]) -> Option<(usize, usize)> {
    let a = src.below(buses.len());
    let peers: Vec<usize> = (0..buses.len())
        .filter(|&j| j != a && buses[j].vn_kv == buses[a].vn_kv)
        .collect();
    if !peers.is_empty() && !src.chance(16) {
        Some((a, peers[src.below(peers.len())]))
    } else if src.chance(32) {
        Some((a, src.below(buses.len())))
    } else {
        None
    }
}

/// A rated voltage near `vn` (within the 20 % the validation allows, or rarely far off).
fn rated(src: &mut Src<'_>, vn: f64) -> f64 {
    if src.chance(8) {
        src.value(0.1, 500.0)
    } else {
        vn * src.pick(&[1.0, 1.0, 1.05, 0.95, 1.1, 1.025])
    }
}

fn bus_ref(src: &mut Src<'_>, buses: &[Bus], i: usize) -> String {
    if src.chance(1) {
        "nowhere".into()
    } else {
        buses[i].id.clone()
    }
}

/// A small network decoded from `src`.
pub fn network(src: &mut Src<'_>) -> Network {
    let mut net = Network::new(if src.chance(16) {
        src.value(1.0, 400.0)
    } else {
        src.pick(&[50.0, 60.0])
    });
    if src.chance(8) {
        net.name = Some("fuzz".into());
    }
    net.meta = meta(src);
    let nb = 1 + src.below(8);
    // one to three voltage levels, so that lines find buses of their level
    let levels: Vec<f64> = (0..1 + src.below(3)).map(|_| src.pick(&VOLTAGES)).collect();
    for i in 0..nb {
        let vn_kv = if src.chance(4) {
            src.value(0.1, 800.0)
        } else {
            src.pick(&levels)
        };
        net.buses.push(Bus {
            id: id(src, "B", i),
            vn_kv,
            lv_tolerance_percent: if src.chance(16) {
                Some(if src.chance(4) {
                    7.0
                } else {
                    src.pick(&[6.0, 10.0])
                })
            } else {
                None
            },
            c_max: src.opt(8, 0.9, 1.15),
            c_min: src.opt(8, 0.9, 1.1),
            ratings: bus_ratings(src),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }
    let buses = net.buses.clone();
    let vn = |i: usize| buses[i].vn_kv;

    for i in 0..src.below(4) {
        let b = src.below(nb);
        let s_max = src.value(5.0, 20_000.0);
        net.external_grids.push(ExternalGrid {
            id: id(src, "Q", i),
            bus: bus_ref(src, &buses, b),
            s_sc_max_mva: s_max,
            s_sc_min_mva: if src.chance(200) {
                Some(s_max * src.value(0.2, 1.0))
            } else {
                None
            },
            rx_max: src.opt(200, 0.0, 1.0),
            rx_min: src.opt(40, 0.0, 1.0),
            x0x_max: src.opt(210, 0.3, 4.0),
            r0x0_max: src.opt(210, 0.0, 1.0),
            x0x_min: src.opt(30, 0.3, 4.0),
            r0x0_min: src.opt(30, 0.0, 1.0),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    for i in 0..src.below(7) {
        let Some((a, b)) = same_level(src, &buses) else {
            continue;
        };
        net.lines.push(Line {
            id: id(src, "L", i),
            from_bus: bus_ref(src, &buses, a),
            to_bus: bus_ref(src, &buses, b),
            length_km: src.value(0.005, 50.0),
            r_ohm_per_km: src.value(0.005, 1.5),
            x_ohm_per_km: src.value(0.02, 0.5),
            c_nf_per_km: src.opt(40, 5.0, 500.0),
            r0_ohm_per_km: src.opt(220, 0.01, 4.0),
            x0_ohm_per_km: src.opt(220, 0.05, 2.0),
            c0_nf_per_km: src.opt(30, 1.0, 300.0),
            parallel: src.opt_count(30, 3),
            endtemp_degree: src.opt(60, 20.0, 250.0),
            conductor: conductor(src),
            clearing_time_s: src.opt(30, 0.01, 5.0),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    for i in 0..src.below(4) {
        let (mut h, mut l) = (src.below(nb), src.below(nb));
        let lower: Vec<usize> = (0..nb).filter(|&j| vn(j) < vn(h)).collect();
        if !lower.is_empty() && !src.chance(16) {
            l = lower[src.below(lower.len())];
        }
        if vn(h) < vn(l) && !src.chance(16) {
            std::mem::swap(&mut h, &mut l);
        }
        if h == l && !src.chance(16) {
            continue;
        }
        let vk = src.value(2.0, 20.0);
        let vk0 = src.opt(200, 1.0, 20.0);
        net.transformers.push(Transformer {
            id: id(src, "T", i),
            hv_bus: bus_ref(src, &buses, h),
            lv_bus: bus_ref(src, &buses, l),
            sn_mva: src.value(0.05, 800.0),
            vn_hv_kv: rated(src, vn(h)),
            vn_lv_kv: rated(src, vn(l)),
            vk_percent: vk,
            vkr_percent: vk * src.value(0.0, 0.5),
            vector_group: Some(vector_group(src, &VG2)),
            vk0_percent: vk0,
            vkr0_percent: vk0.and_then(|v| src.opt(128, 0.0, v)),
            tap_pos: src.opt(30, -10.0, 10.0),
            tap_neutral: src.opt(30, -2.0, 2.0),
            tap_min: src.opt(30, -10.0, 0.0),
            tap_max: src.opt(30, 0.0, 10.0),
            tap_step_percent: src.opt(30, 0.5, 2.5),
            tap_side: if src.chance(30) {
                Some(src.pick(&[TapSide::Hv, TapSide::Lv]))
            } else {
                None
            },
            hv_grounding_r_ohm: src.opt(20, 0.0, 50.0),
            hv_grounding_x_ohm: src.opt(20, -10.0, 50.0),
            lv_grounding_r_ohm: src.opt(20, 0.0, 50.0),
            lv_grounding_x_ohm: src.opt(20, -10.0, 50.0),
            oltc: if src.chance(40) {
                Some(src.chance(128))
            } else {
                None
            },
            power_station_unit: if src.chance(40) {
                Some(src.chance(160))
            } else {
                None
            },
            pt_percent: src.opt(30, -15.0, 15.0),
            parallel: src.opt_count(30, 3),
            zm0_over_zk0: src.opt(30, 0.5, 100.0),
            rm0_over_xm0: src.opt(30, 0.0, 1.0),
            zm0_hv_share: src.opt(30, 0.0, 1.0),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    if src.chance(70) && nb >= 3 {
        let mut idx = [src.below(nb), src.below(nb), src.below(nb)];
        if !src.chance(16) {
            // three different buses
            let first = src.below(nb);
            idx = [first, (first + 1) % nb, (first + 2) % nb];
        }
        if !src.chance(16) {
            idx.sort_by(|x, y| vn(*y).total_cmp(&vn(*x)));
        }
        let [h, m, l] = idx;
        let vk = [
            src.value(5.0, 20.0),
            src.value(5.0, 20.0),
            src.value(5.0, 20.0),
        ];
        let vk0 = src.chance(190);
        let mut vk0v = || {
            if vk0 {
                Some(src.value(2.0, 20.0))
            } else {
                None
            }
        };
        let (vk0h, vk0m, vk0l) = (vk0v(), vk0v(), vk0v());
        net.transformers3w.push(Transformer3w {
            id: id(src, "W", 0),
            hv_bus: bus_ref(src, &buses, h),
            mv_bus: bus_ref(src, &buses, m),
            lv_bus: bus_ref(src, &buses, l),
            sn_hv_mva: src.value(1.0, 500.0),
            sn_mv_mva: src.value(1.0, 500.0),
            sn_lv_mva: src.value(1.0, 500.0),
            vn_hv_kv: rated(src, vn(h)),
            vn_mv_kv: rated(src, vn(m)),
            vn_lv_kv: rated(src, vn(l)),
            vk_hv_percent: vk[0],
            vk_mv_percent: vk[1],
            vk_lv_percent: vk[2],
            vkr_hv_percent: vk[0] * src.value(0.0, 0.2),
            vkr_mv_percent: vk[1] * src.value(0.0, 0.2),
            vkr_lv_percent: vk[2] * src.value(0.0, 0.2),
            vk0_hv_percent: vk0h,
            vk0_mv_percent: vk0m,
            vk0_lv_percent: vk0l,
            vkr0_hv_percent: src.opt(60, 0.0, 1.0),
            vkr0_mv_percent: src.opt(60, 0.0, 1.0),
            vkr0_lv_percent: src.opt(60, 0.0, 1.0),
            vector_group: Some(vector_group(src, &VG3)),
            hv_grounding_r_ohm: src.opt(20, 0.0, 50.0),
            hv_grounding_x_ohm: src.opt(20, 0.0, 50.0),
            mv_grounding_r_ohm: src.opt(20, 0.0, 50.0),
            mv_grounding_x_ohm: src.opt(20, 0.0, 50.0),
            lv_grounding_r_ohm: src.opt(20, 0.0, 50.0),
            lv_grounding_x_ohm: src.opt(20, 0.0, 50.0),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    for i in 0..src.below(3) {
        let mut b = src.below(nb);
        let mut unit = None;
        if !net.transformers.is_empty() && src.chance(90) {
            let t = src.below(net.transformers.len());
            unit = Some(net.transformers[t].id.clone());
            if let Some(j) = buses
                .iter()
                .position(|x| x.id == net.transformers[t].lv_bus)
            {
                b = j;
            }
            if src.chance(128) {
                net.transformers[t].power_station_unit = Some(true);
            }
        }
        let earthed = src.chance(50);
        net.generators.push(Generator {
            id: id(src, "G", i),
            bus: bus_ref(src, &buses, b),
            sn_mva: src.value(0.5, 1000.0),
            vn_kv: rated(src, vn(b)),
            cos_phi: src.value(0.6, 1.0),
            xdss_pu: src.value(0.05, 0.4),
            rdss_pu: src.opt(60, 0.0, 0.05),
            x2_pu: src.opt(60, 0.05, 0.4),
            x0_pu: src.opt(if earthed { 220 } else { 60 }, 0.02, 0.2),
            grounding_r_ohm: if earthed {
                src.opt(200, 0.0, 100.0)
            } else {
                None
            },
            grounding_x_ohm: if earthed {
                src.opt(100, 0.0, 100.0)
            } else {
                None
            },
            unit_transformer: unit,
            pg_percent: src.opt(40, -10.0, 10.0),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    for i in 0..src.below(3) {
        let b = src.below(nb);
        net.motors.push(Motor {
            id: id(src, "M", i),
            bus: bus_ref(src, &buses, b),
            pn_mw: src.value(0.001, 20.0),
            vn_kv: rated(src, vn(b)),
            cos_phi: src.value(0.6, 1.0),
            efficiency_percent: src.value(70.0, 99.0),
            lrc_pu: src.value(3.0, 9.0),
            rx: src.opt(60, 0.0, 0.5),
            pole_pairs: src.opt_count(60, 4),
            count: src.opt_count(60, 20),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    for i in 0..src.below(3) {
        let b = src.below(nb);
        let kind = src.pick(&[
            ConverterKind::FullConverter,
            ConverterKind::DoublyFed,
            ConverterKind::Asynchronous,
        ]);
        let full = kind == ConverterKind::FullConverter;
        let dfig = kind == ConverterKind::DoublyFed;
        let asy = kind == ConverterKind::Asynchronous;
        net.converters.push(Converter {
            id: id(src, "C", i),
            bus: bus_ref(src, &buses, b),
            sn_mva: src.value(0.1, 50.0),
            vn_kv: rated(src, vn(b)),
            kind,
            k: src.opt(if full { 240 } else { 10 }, 1.0, 1.5),
            current_angle_deg: src.opt(60, -180.0, 180.0),
            i_wd_max_ka: src.opt(if dfig { 240 } else { 10 }, 0.01, 5.0),
            kappa_wd: src.opt(if dfig { 240 } else { 10 }, 1.0, 2.0),
            rx: src.opt(100, 0.0, 0.5),
            lrc_pu: src.opt(if asy { 240 } else { 10 }, 2.0, 8.0),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    for i in 0..src.below(3) {
        let pu = src.chance(100);
        let (a, b) = if pu {
            let a = src.below(nb);
            (
                a,
                if nb > 1 && !src.chance(16) {
                    (a + 1 + src.below(nb - 1)) % nb
                } else {
                    a
                },
            )
        } else {
            match same_level(src, &buses) {
                Some(ab) => ab,
                None => continue,
            }
        };
        let mut z = Impedance {
            id: id(src, "Z", i),
            from_bus: bus_ref(src, &buses, a),
            to_bus: bus_ref(src, &buses, b),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
            ..Impedance::default()
        };
        if pu {
            z.sn_mva = src.opt(240, 1.0, 100.0);
            z.r_pu = src.opt(230, 0.0, 0.1);
            z.x_pu = src.opt(240, -0.05, 0.5);
            z.r0_pu = src.opt(200, 0.0, 0.3);
            z.x0_pu = src.opt(200, 0.0, 1.5);
        } else {
            z.r_ohm = src.opt(230, 0.0, 5.0);
            z.x_ohm = src.opt(240, -1.0, 10.0);
            z.r0_ohm = src.opt(200, 0.0, 15.0);
            z.x0_ohm = src.opt(200, 0.0, 30.0);
        }
        net.impedances.push(z);
    }

    for i in 0..src.below(4) {
        let (mut bus, mut element) = match same_level(src, &buses) {
            Some((a, b)) => (buses[a].id.clone(), buses[b].id.clone()),
            None => {
                let b = src.below(nb);
                (buses[b].id.clone(), buses[src.below(nb)].id.clone())
            }
        };
        // a bus-element switch at one end of a branch
        let branches: Vec<(String, String, String)> = net
            .lines
            .iter()
            .map(|l| (l.id.clone(), l.from_bus.clone(), l.to_bus.clone()))
            .chain(
                net.transformers
                    .iter()
                    .map(|t| (t.id.clone(), t.hv_bus.clone(), t.lv_bus.clone())),
            )
            .chain(
                net.impedances
                    .iter()
                    .map(|z| (z.id.clone(), z.from_bus.clone(), z.to_bus.clone())),
            )
            .chain(
                net.transformers3w
                    .iter()
                    .map(|t| (t.id.clone(), t.hv_bus.clone(), t.lv_bus.clone())),
            )
            .collect();
        if !branches.is_empty() && src.chance(128) {
            let (br, f, t) = src.pick(&branches);
            element = br;
            bus = if src.chance(128) { f } else { t };
        }
        if src.chance(4) {
            element = "nothing".into();
        }
        net.switches.push(Switch {
            id: id(src, "S", i),
            bus,
            element,
            closed: src.chance(170),
            r_ohm: src.opt(60, 0.0, 0.1),
            x_ohm: src.opt(40, 0.0, 0.1),
            kind: src.pick(&[
                SwitchKind::Breaker,
                SwitchKind::Fuse,
                SwitchKind::LoadBreak,
                SwitchKind::Disconnector,
            ]),
            ratings: switch_ratings(src),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }

    for i in 0..src.below(2) {
        let b = src.below(nb);
        net.loads.push(Load {
            id: id(src, "P", i),
            bus: bus_ref(src, &buses, b),
            p_mw: src.value(0.0, 10.0),
            q_mvar: src.opt(128, -5.0, 5.0),
            name: None,
            in_service: in_service(src),
            meta: meta(src),
        });
    }
    net
}

/// Study options decoded from `src` for `net` (every fault type, case, κ method, topology,
/// branch results, faults along lines, fault impedances, ...).
pub fn options(src: &mut Src<'_>, net: &Network) -> StudyOptions {
    let mut o = StudyOptions {
        fault: src.pick(&[
            FaultKind::ThreePhase,
            FaultKind::LineToLine,
            FaultKind::LineToEarth,
            FaultKind::DoubleLineToEarth,
        ]),
        case: src.pick(&[Case::Max, Case::Min]),
        ip_method: src.pick(&[PeakMethod::B, PeakMethod::C]),
        topology: src.pick(&[Topology::Auto, Topology::Meshed, Topology::Radial]),
        branch_results: src.chance(90),
        breaking_current: if src.chance(40) {
            BreakingCurrent::Conservative
        } else {
            BreakingCurrent::Exact
        },
        ..StudyOptions::default()
    };
    if src.chance(40) {
        o.tk_s = src.value(0.01, 5.0);
    }
    if src.chance(60) {
        o.tmin_s = src.pick(&[0.02, 0.05, 0.1, 0.25, 0.5, 0.0]);
    }
    if src.chance(40) {
        o.lv_tolerance_percent = 6.0;
    }
    if src.chance(20) {
        o.c_max_lv = src.opt(128, 1.0, 1.1);
        o.c_min_lv = src.opt(128, 0.9, 1.0);
        o.c_max_hv = src.opt(128, 1.0, 1.1);
        o.c_min_hv = src.opt(128, 0.9, 1.0);
    }
    o.kt_in_min_case = src.chance(40);
    if src.chance(70) {
        o.r_fault_ohm = src.value(0.0, 20.0);
        o.x_fault_ohm = src.value(-5.0, 20.0);
    }
    if src.chance(50) {
        o.r_earth_ohm = src.value(0.0, 50.0);
        o.x_earth_ohm = src.value(-5.0, 50.0);
    }
    if src.chance(30) {
        o.method = Method::Classical;
        o.prefault_pu = src.value(0.8, 1.2);
    }
    if src.chance(30) {
        o.base_mva = src.value(1.0, 1000.0);
    }
    if src.chance(40) && !net.buses.is_empty() {
        let mut ids: Vec<String> = Vec::new();
        for _ in 0..1 + src.below(3) {
            ids.push(src.pick(&net.buses).id);
        }
        o.buses = Some(ids);
    }
    if !net.lines.is_empty() && src.chance(60) {
        for _ in 0..1 + src.below(2) {
            let line = src.pick(&net.lines).id;
            let position = src.value(0.01, 0.99);
            o.line_faults.push(LineFault { line, position });
        }
    }
    o
}

/// A network derived from `base` by a few edits (field changes, additions, removals,
/// reorders, duplicate ids, document fields), each kept only when the result still reads.
pub fn mutate(src: &mut Src<'_>, base: &Network) -> Network {
    let mut doc = base.document_value();
    for _ in 0..src.below(6) {
        let mut next = doc.clone();
        edit(src, &mut next);
        if Network::from_value(next.clone()).is_ok() {
            doc = next;
        }
    }
    Network::from_value(doc).unwrap_or_else(|_| base.clone())
}

const TABLES: [&str; 11] = [
    "buses",
    "external_grids",
    "lines",
    "transformers",
    "transformers3w",
    "generators",
    "motors",
    "converters",
    "impedances",
    "switches",
    "loads",
];

fn new_value(src: &mut Src<'_>, old: Option<&Value>) -> Option<Value> {
    match src.below(8) {
        0 => None,
        1 => Some(Value::Null),
        2 => Some(Value::from(src.value(-10.0, 1000.0))),
        3 => Some(Value::from(src.below(5) as u64)),
        4 => Some(Value::from(src.chance(128))),
        5 => Some(Value::from(src.pick(&["B0", "B1", "x", "Dyn5", "YNd11"]))),
        _ => match old {
            Some(Value::Number(n)) => {
                Some(Value::from(n.as_f64().unwrap_or(0.0) * src.value(0.5, 2.0)))
            }
            other => other.cloned(),
        },
    }
}

fn edit(src: &mut Src<'_>, doc: &mut Value) {
    let Some(doc) = doc.as_object_mut() else {
        return;
    };
    let table = src.pick(&TABLES);
    let op = src.below(8);
    if op == 7 {
        // document fields
        match src.below(3) {
            0 => {
                doc.insert("name".into(), Value::from(src.pick(&["x", "y", ""])));
            }
            1 => {
                doc.insert(
                    "frequency_hz".into(),
                    src.pick(&[Value::from(50.0), Value::from(60.0), Value::from(50)]),
                );
            }
            _ => {
                let mut m = Map::new();
                m.insert("k".into(), Value::from(src.value(0.0, 3.0)));
                doc.insert("meta".into(), Value::Object(m));
            }
        }
        return;
    }
    let rows = doc
        .entry(table.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    let Some(rows) = rows.as_array_mut() else {
        return;
    };
    if rows.is_empty() {
        return;
    }
    let i = src.below(rows.len());
    match op {
        0 | 1 => {
            // change, add or remove one field
            if let Some(row) = rows[i].as_object_mut() {
                let keys: Vec<String> = row.keys().cloned().collect();
                let field = if src.chance(200) && !keys.is_empty() {
                    src.pick(&keys)
                } else {
                    src.pick(&[
                        "name",
                        "in_service",
                        "meta",
                        "parallel",
                        "rx_max",
                        "vk0_percent",
                    ])
                    .to_string()
                };
                if field == "id" {
                    return;
                }
                match new_value(src, row.get(&field)) {
                    Some(v) => {
                        row.insert(field, v);
                    }
                    None => {
                        row.remove(&field);
                    }
                }
            }
        }
        2 => {
            rows.remove(i);
        }
        3 => {
            // a copy under a new id
            let mut row = rows[i].clone();
            if let Some(r) = row.as_object_mut() {
                r.insert("id".into(), Value::from(format!("new{}", src.below(4))));
            }
            let at = src.below(rows.len() + 1);
            rows.insert(at, row);
        }
        4 => {
            let j = src.below(rows.len());
            rows.swap(i, j);
        }
        5 => {
            // a duplicate id
            let row = rows[i].clone();
            rows.push(row);
        }
        _ => {
            rows.reverse();
        }
    }
}

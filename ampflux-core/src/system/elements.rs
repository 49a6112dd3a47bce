//! Compilation of every element into per-unit sequence models with the IEC 60909-0
//! correction factors of the study's case.

use std::collections::{BTreeMap, HashMap};
use std::f64::consts::PI;

use num_complex::Complex64 as C64;

use super::topology::UnionFind;
use super::{
    Branch, BranchOrigin, CurrentSource, Decay, Machine, Node, NodeLabel, OnePort, Shunt, System,
    TwoPort, UnitVariant, active, bus_voltage_factors,
};
use crate::error::{Error, Result};
use crate::iec60909::factors;
use crate::model::{
    ConverterKind, Generator, Network, Table, Transformer, Transformer3w, VectorGroup, Winding,
};
use crate::study::{Case, Method, StudyOptions};

const SQRT3: f64 = 1.732_050_807_568_877_2;

fn c(re: f64, im: f64) -> C64 {
    C64::new(re, im)
}

/// Impedance from a short-circuit voltage pair in percent on `sn_mva` at `ur_kv`, in Ω:
/// R = u_R/100·U²/S, X = sign(u_k)·√(u_k² − u_R²)/100·U²/S.
fn z_from_percent(vk: f64, vkr: f64, ur_kv: f64, sn_mva: f64) -> C64 {
    let zb = ur_kv * ur_kv / sn_mva;
    let x = vk.signum() * (vk * vk - vkr * vkr).max(0.0).sqrt();
    c(vkr, x) * (zb / 100.0)
}

/// R + jX with |Z| = `z` and R/X = `rx`.
fn z_from_rx(z: f64, rx: f64) -> C64 {
    let x = z / (1.0 + rx * rx).sqrt();
    c(rx * x, x)
}

struct Builder<'a> {
    net: &'a Network,
    options: &'a StudyOptions,
    sys: System,
    c_bus: HashMap<usize, (f64, f64)>,
    bus_index: HashMap<&'a str, usize>,
    /// Open (bus, branch id) ends.
    open_ends: Vec<(usize, &'a str)>,
    /// The in-service generator naming each unit transformer.
    unit_of_transformer: HashMap<&'a str, usize>,
    /// Correction factors apply (not for the classical method).
    iec: bool,
}

pub(super) fn compile(net: &Network, options: &StudyOptions) -> Result<System> {
    let iec = options.method == Method::Iec60909;
    let mut b = Builder {
        net,
        options,
        sys: System {
            base_mva: options.base_mva,
            frequency_hz: net.frequency_hz,
            nodes: Vec::new(),
            bus_node: vec![None; net.buses.len()],
            branches: Vec::new(),
            shunts: Vec::new(),
            sources: Vec::new(),
            units: Vec::new(),
            zero_unknown: Vec::new(),
            corrections: Vec::new(),
            line_fault_nodes: Vec::new(),
            case: options.case,
            method: options.method,
            prefault_pu: options.prefault_pu,
        },
        c_bus: bus_voltage_factors(net, options),
        bus_index: net
            .buses
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.as_str(), i))
            .collect(),
        open_ends: Vec::new(),
        unit_of_transformer: net
            .generators
            .iter()
            .enumerate()
            .filter(|(_, g)| active(g.in_service))
            .filter_map(|(i, g)| g.unit_transformer.as_deref().map(|t| (t, i)))
            .collect(),
        iec,
    };
    b.nodes();
    b.lines()?;
    b.transformers();
    b.transformers3w();
    b.impedances();
    b.switch_impedances();
    b.external_grids();
    b.generators();
    b.motors();
    b.converters();
    Ok(b.sys)
}

impl<'a> Builder<'a> {
    fn max_case(&self) -> bool {
        !self.iec || self.options.case == Case::Max
    }

    fn kt_applies(&self) -> bool {
        self.iec && (self.options.case == Case::Max || self.options.kt_in_min_case)
    }

    fn bus(&self, id: &str) -> Option<usize> {
        self.bus_index.get(id).copied()
    }

    fn c_max_of_bus(&self, bus: usize) -> f64 {
        self.c_bus[&bus].0
    }

    /// Buses and their merging by closed zero-impedance bus-bus switches.
    fn nodes(&mut self) {
        let net = self.net;
        let mut uf = UnionFind::new(net.buses.len());
        for s in net.switches.iter().filter(|s| active(s.in_service)) {
            let (Some(a), Some(e)) = (self.bus(&s.bus), self.bus(&s.element)) else {
                continue;
            };
            let zero = s.r_ohm.unwrap_or(0.0) == 0.0 && s.x_ohm.unwrap_or(0.0) == 0.0;
            if s.closed
                && zero
                && active(net.buses[a].in_service)
                && active(net.buses[e].in_service)
            {
                uf.union(a, e);
            }
        }
        for s in &net.switches {
            if self.bus(&s.element).is_none()
                && (!s.closed || !active(s.in_service))
                && let Some(bus) = self.bus(&s.bus)
            {
                self.open_ends.push((bus, s.element.as_str()));
            }
        }
        let mut root_node: HashMap<usize, usize> = HashMap::new();
        for (i, bus) in net.buses.iter().enumerate() {
            if !active(bus.in_service) {
                continue;
            }
            let root = uf.find(i);
            let node = *root_node.entry(root).or_insert_with(|| {
                let (c_max, c_min) = self.c_bus[&i];
                self.sys.nodes.push(Node {
                    vn_kv: bus.vn_kv,
                    c_max,
                    c_min,
                    label: NodeLabel::Bus(i),
                });
                self.sys.nodes.len() - 1
            });
            self.sys.bus_node[i] = Some(node);
        }
    }

    fn new_node(&mut self, like: usize, label: NodeLabel) -> usize {
        let proto = self.sys.nodes[like].clone();
        self.sys.nodes.push(Node { label, ..proto });
        self.sys.nodes.len() - 1
    }

    /// Node of a branch end: `None` when the bus is out of service; a fresh open-end node when a
    /// switch opens that end.
    fn end_node(&mut self, bus_id: &str, branch_id: &str) -> Option<usize> {
        let bus = self.bus(bus_id)?;
        let node = self.sys.bus_node[bus]?;
        if self
            .open_ends
            .iter()
            .any(|(b, e)| *b == bus && *e == branch_id)
        {
            Some(self.new_node(node, NodeLabel::OpenEnd))
        } else {
            Some(node)
        }
    }

    fn push_branch(
        &mut self,
        origin: BranchOrigin,
        a: usize,
        b: usize,
        pos: TwoPort,
        zero: TwoPort,
    ) {
        self.sys.branches.push(Branch {
            origin,
            a,
            b,
            pos,
            zero,
            shift_deg: 0.0,
            zero_inverted: false,
        });
    }

    fn lines(&mut self) -> Result<()> {
        let net = self.net;
        let omega = 2.0 * PI * net.frequency_hz;
        // fault points along lines: line index -> sorted (position, fault index)
        let mut cuts: BTreeMap<usize, Vec<(f64, usize)>> = BTreeMap::new();
        for (k, lf) in self.options.line_faults.iter().enumerate() {
            let idx = net
                .lines
                .iter()
                .position(|l| l.id == lf.line)
                .ok_or_else(|| {
                    Error::option("line_faults", format!("line `{}` does not exist", lf.line))
                })?;
            cuts.entry(idx).or_default().push((lf.position, k));
        }
        self.sys.line_fault_nodes = vec![usize::MAX; self.options.line_faults.len()];
        let min_case = self.iec && self.options.case == Case::Min;
        for (index, line) in net.lines.iter().enumerate() {
            if !active(line.in_service) {
                continue;
            }
            let (Some(a), Some(b)) = (
                self.end_node(&line.from_bus, &line.id),
                self.end_node(&line.to_bus, &line.id),
            ) else {
                continue;
            };
            let zb = self.sys.z_base(a);
            let par = line.parallel.unwrap_or(1).max(1) as f64;
            let temp = if min_case {
                factors::end_temperature_factor(line.endtemp_degree.unwrap_or(20.0))
            } else {
                1.0
            };
            let z1_per_km = c(line.r_ohm_per_km * temp, line.x_ohm_per_km) / par / zb;
            let z0_per_km = match (line.r0_ohm_per_km, line.x0_ohm_per_km) {
                (None, None) => None,
                (r0, x0) => Some(c(r0.unwrap_or(0.0) * temp, x0.unwrap_or(0.0)) / par / zb),
            };
            let b0_per_km = line.c0_nf_per_km.unwrap_or(0.0) * 1e-9 * omega * par * zb;
            // split at fault points
            let mut points: Vec<(f64, Option<usize>)> = cuts
                .get(&index)
                .map(|v| v.iter().map(|(p, k)| (*p, Some(*k))).collect())
                .unwrap_or_default();
            points.sort_by(|x, y| x.0.total_cmp(&y.0));
            points.push((1.0, None));
            let mut start = a;
            let mut start_pos = 0.0;
            for (part, (pos, fault)) in points.iter().enumerate() {
                let end = match fault {
                    Some(k) => {
                        let node = self.new_node(a, NodeLabel::LineFault(*k));
                        self.sys.line_fault_nodes[*k] = node;
                        node
                    }
                    None => b,
                };
                let len = (pos - start_pos) * line.length_km;
                let pos_model = TwoPort::Pi {
                    z: z1_per_km * len,
                    t: 1.0,
                    sh_a: None,
                    sh_b: None,
                };
                let zero_model = match z0_per_km {
                    None => TwoPort::Open,
                    Some(z0) => {
                        let half = b0_per_km * len / 2.0;
                        let sh = (half > 0.0).then_some(OnePort::B(half));
                        TwoPort::Pi {
                            z: z0 * len,
                            t: 1.0,
                            sh_a: sh,
                            sh_b: sh,
                        }
                    }
                };
                self.push_branch(
                    BranchOrigin {
                        table: Table::Lines,
                        index,
                        part: part as u8,
                    },
                    start,
                    end,
                    pos_model,
                    zero_model,
                );
                start = end;
                start_pos = *pos;
            }
        }
        Ok(())
    }

    /// The generator that names transformer `id` as its unit transformer.
    fn unit_generator(&self, id: &str) -> Option<(usize, &'a Generator)> {
        let net = self.net;
        self.unit_of_transformer
            .get(id)
            .map(|&i| (i, &net.generators[i]))
    }

    /// K_S or K_SO of the unit formed by generator `g` and transformer `t`.
    fn unit_factor(&self, g: &Generator, t: &Transformer) -> f64 {
        if !self.iec {
            return 1.0;
        }
        let hv = self.bus(&t.hv_bus).expect("validated");
        let unq = self.net.buses[hv].vn_kv;
        let c_max = self.c_max_of_bus(hv);
        let x_t = factors::relative_reactance(t.vk_percent, t.vkr_percent);
        let pg = g.pg_percent.unwrap_or(0.0) / 100.0;
        if t.oltc.unwrap_or(false) {
            factors::k_s(
                unq, g.vn_kv, t.vn_lv_kv, t.vn_hv_kv, c_max, g.xdss_pu, x_t, g.cos_phi,
            )
        } else {
            let pt = t.pt_percent.unwrap_or(0.0) / 100.0;
            factors::k_so(
                unq, g.vn_kv, pg, t.vn_lv_kv, t.vn_hv_kv, pt, c_max, g.xdss_pu, g.cos_phi,
            )
        }
    }

    fn transformers(&mut self) {
        let net = self.net;
        for (index, t) in net.transformers.iter().enumerate() {
            if !active(t.in_service) {
                continue;
            }
            let (Some(a), Some(b)) = (
                self.end_node(&t.hv_bus, &t.id),
                self.end_node(&t.lv_bus, &t.id),
            ) else {
                continue;
            };
            let Ok(vg) = VectorGroup::parse(&t.vector_group) else {
                continue;
            };
            let par = t.parallel.unwrap_or(1).max(1) as f64;
            let lv = self.bus(&t.lv_bus).expect("validated");
            let unit = self.unit_generator(&t.id);
            let k = match unit {
                Some((_, g)) => self.unit_factor(g, t),
                None if self.kt_applies() => factors::k_t(
                    self.c_max_of_bus(lv),
                    factors::relative_reactance(t.vk_percent, t.vkr_percent),
                ),
                None => 1.0,
            };
            let kind = match unit {
                Some(_) if t.oltc.unwrap_or(false) => "ks",
                Some(_) => "kso",
                None => "kt",
            };
            self.sys
                .corrections
                .push((Table::Transformers, index, kind, k));
            let (vn_a, vn_b) = (self.sys.nodes[a].vn_kv, self.sys.nodes[b].vn_kv);
            let ratio = (t.vn_hv_kv / t.vn_lv_kv) / (vn_a / vn_b);
            let z1 = z_from_percent(t.vk_percent, t.vkr_percent, t.vn_lv_kv, t.sn_mva) * k
                / par
                / self.sys.z_base(b);
            let pos = TwoPort::Pi {
                z: z1,
                t: ratio,
                sh_a: None,
                sh_b: None,
            };
            let zero = self.transformer_zero(t, &vg, k, par, a, b, ratio);
            let clock = vg.clock(1) as f64;
            self.sys.branches.push(Branch {
                origin: BranchOrigin {
                    table: Table::Transformers,
                    index,
                    part: 0,
                },
                a,
                b,
                pos: pos.clone(),
                zero,
                shift_deg: -30.0 * clock,
                zero_inverted: matches!(vg.clock(1), 2 | 6 | 10),
            });
            if let Some((gi, g)) = unit
                && self.iec
            {
                // fault at the generator terminals: K_G,S and K_T,S instead of K_S
                let x_t = factors::relative_reactance(t.vk_percent, t.vkr_percent);
                let (kgs, kts) = factors::k_gs_kts(
                    self.c_max_of_bus(self.bus(&g.bus).expect("validated")),
                    g.xdss_pu,
                    x_t,
                    g.cos_phi,
                    g.pg_percent.unwrap_or(0.0) / 100.0,
                    t.oltc.unwrap_or(false),
                );
                self.sys.units.push(UnitVariant {
                    node: b,
                    generator: gi,
                    shunt: usize::MAX,
                    branch: self.sys.branches.len() - 1,
                    gen_scale: kgs / k,
                    transformer_scale: kts / k,
                    voltage_scale: g.vn_kv / self.sys.nodes[b].vn_kv,
                });
            }
        }
    }

    /// Zero-sequence model of a two-winding transformer from its vector group.
    #[allow(clippy::too_many_arguments)]
    fn transformer_zero(
        &self,
        t: &Transformer,
        vg: &VectorGroup,
        k: f64,
        par: f64,
        a: usize,
        b: usize,
        ratio: f64,
    ) -> TwoPort {
        let (w_hv, w_lv) = (vg.windings[0], vg.windings[1]);
        if !w_hv.is_earthed() && !w_lv.is_earthed() {
            return TwoPort::Open;
        }
        let Some(vk0) = t.vk0_percent else {
            return TwoPort::Open;
        };
        let vkr0 = t.vkr0_percent.unwrap_or(0.0);
        let zb_a = self.sys.z_base(a);
        let zb_b = self.sys.z_base(b);
        // Z(0)k in Ω at the rated voltage of each side, corrected and divided by `parallel`
        let z0k_hv = z_from_percent(vk0, vkr0, t.vn_hv_kv, t.sn_mva) * k / par;
        let z0k_lv = z_from_percent(vk0, vkr0, t.vn_lv_kv, t.sn_mva) * k / par;
        // magnetising impedance (not corrected), in Ω at each side
        let zm = t.zm0_over_zk0.map(|ratio_m| {
            let rx = t.rm0_over_xm0.unwrap_or(0.0);
            let mag =
                |ur: f64| z_from_rx(ratio_m * vk0.abs() / 100.0 * ur * ur / t.sn_mva, rx) / par;
            (mag(t.vn_hv_kv), mag(t.vn_lv_kv))
        });
        let zn_hv = c(
            t.hv_grounding_r_ohm.unwrap_or(0.0),
            t.hv_grounding_x_ohm.unwrap_or(0.0),
        ) * 3.0;
        let zn_lv = c(
            t.lv_grounding_r_ohm.unwrap_or(0.0),
            t.lv_grounding_x_ohm.unwrap_or(0.0),
        ) * 3.0;
        let star = |w: Winding| matches!(w, Winding::Star { earthed: true });
        if star(w_hv) && star(w_lv) {
            // YNyn: series path, T-model referred to the LV side
            let share = t.zm0_hv_share.unwrap_or(0.5);
            let z0k = z0k_lv / zb_b;
            let za = z0k * share + zn_hv / zb_a * (ratio * ratio);
            let zb = z0k * (1.0 - share) + zn_lv / zb_b;
            return match zm {
                Some((_, zm_lv)) => TwoPort::Tee {
                    za,
                    zb,
                    zm: zm_lv / zb_b,
                    t: ratio,
                },
                None => TwoPort::Pi {
                    z: za + zb,
                    t: ratio,
                    sh_a: None,
                    sh_b: None,
                },
            };
        }
        let side = |this: Winding, other: Winding, z0k: C64, zm: Option<C64>, zn: C64, zb: f64| {
            let z = match this {
                Winding::Zigzag { earthed: true } => Some(z0k + zn),
                Winding::Star { earthed: true } => match other {
                    Winding::Delta => Some(z0k + zn),
                    _ => zm.map(|zm| z0k + zm + zn),
                },
                _ => None,
            };
            z.map(|z| OnePort::Z(z / zb))
        };
        let sh_a = side(w_hv, w_lv, z0k_hv, zm.map(|m| m.0), zn_hv, zb_a);
        let sh_b = side(w_lv, w_hv, z0k_lv, zm.map(|m| m.1), zn_lv, zb_b);
        if sh_a.is_none() && sh_b.is_none() {
            TwoPort::Open
        } else {
            TwoPort::Shunts { a: sh_a, b: sh_b }
        }
    }

    fn transformers3w(&mut self) {
        let net = self.net;
        for (index, t) in net.transformers3w.iter().enumerate() {
            if !active(t.in_service) {
                continue;
            }
            let ends = [
                self.end_node(&t.hv_bus, &t.id),
                self.end_node(&t.mv_bus, &t.id),
                self.end_node(&t.lv_bus, &t.id),
            ];
            let [Some(nh), Some(nm), Some(nl)] = ends else {
                continue;
            };
            let Ok(vg) = VectorGroup::parse(&t.vector_group) else {
                continue;
            };
            let star = self.new_node(nh, NodeLabel::Star(index));
            self.sys.nodes[star].vn_kv = t.vn_hv_kv;
            let legs =
                three_winding_legs(self, t, false).expect("positive-sequence data are mandatory");
            let legs0 = three_winding_legs(self, t, true);
            let ur = [t.vn_hv_kv, t.vn_mv_kv, t.vn_lv_kv];
            let nodes = [nh, nm, nl];
            let zn = [
                c(
                    t.hv_grounding_r_ohm.unwrap_or(0.0),
                    t.hv_grounding_x_ohm.unwrap_or(0.0),
                ),
                c(
                    t.mv_grounding_r_ohm.unwrap_or(0.0),
                    t.mv_grounding_x_ohm.unwrap_or(0.0),
                ),
                c(
                    t.lv_grounding_r_ohm.unwrap_or(0.0),
                    t.lv_grounding_x_ohm.unwrap_or(0.0),
                ),
            ];
            let zb_star = self.sys.z_base(star);
            for leg in 0..3 {
                let a = nodes[leg];
                let ratio = ur[leg] / self.sys.nodes[a].vn_kv;
                let z = legs[leg] / zb_star;
                let pos = TwoPort::Pi {
                    z,
                    t: ratio,
                    sh_a: None,
                    sh_b: None,
                };
                let zero = match legs0 {
                    None => TwoPort::Open,
                    Some(l0) => {
                        let z0 = l0[leg] / zb_star;
                        let zn_pu = zn[leg] * 3.0 / self.sys.z_base(a);
                        match vg.windings[leg] {
                            Winding::Star { earthed: true } => TwoPort::Pi {
                                z: z0 + zn_pu / (ratio * ratio),
                                t: ratio,
                                sh_a: None,
                                sh_b: None,
                            },
                            Winding::Delta => TwoPort::Shunts {
                                a: None,
                                b: Some(OnePort::Z(z0)),
                            },
                            Winding::Zigzag { earthed: true } => TwoPort::Shunts {
                                a: Some(OnePort::Z(z0 * (ratio * ratio) + zn_pu)),
                                b: None,
                            },
                            _ => TwoPort::Open,
                        }
                    }
                };
                let clock = if leg == 0 { 0.0 } else { vg.clock(leg) as f64 };
                self.sys.branches.push(Branch {
                    origin: BranchOrigin {
                        table: Table::Transformers3w,
                        index,
                        part: leg as u8,
                    },
                    a,
                    b: star,
                    pos,
                    zero,
                    // the star point is at the HV winding's phase position
                    shift_deg: 30.0 * clock,
                    zero_inverted: leg > 0 && matches!(vg.clock(leg), 2 | 6 | 10),
                });
            }
        }
    }

    fn impedances(&mut self) {
        let net = self.net;
        for (index, z) in net.impedances.iter().enumerate() {
            if !active(z.in_service) {
                continue;
            }
            let (Some(a), Some(b)) = (
                self.end_node(&z.from_bus, &z.id),
                self.end_node(&z.to_bus, &z.id),
            ) else {
                continue;
            };
            let ohm = z.r_ohm.is_some() || z.x_ohm.is_some();
            let (z1, z0) = if ohm {
                let zb = self.sys.z_base(a);
                let z1 = c(z.r_ohm.unwrap_or(0.0), z.x_ohm.unwrap_or(0.0)) / zb;
                let z0 = (z.r0_ohm.is_some() || z.x0_ohm.is_some())
                    .then(|| c(z.r0_ohm.unwrap_or(0.0), z.x0_ohm.unwrap_or(0.0)) / zb);
                (z1, z0)
            } else {
                let scale = self.sys.base_mva / z.sn_mva.unwrap_or(1.0);
                let z1 = c(z.r_pu.unwrap_or(0.0), z.x_pu.unwrap_or(0.0)) * scale;
                let z0 = (z.r0_pu.is_some() || z.x0_pu.is_some())
                    .then(|| c(z.r0_pu.unwrap_or(0.0), z.x0_pu.unwrap_or(0.0)) * scale);
                (z1, z0)
            };
            let pi = |z: C64| TwoPort::Pi {
                z,
                t: 1.0,
                sh_a: None,
                sh_b: None,
            };
            self.push_branch(
                BranchOrigin {
                    table: Table::Impedances,
                    index,
                    part: 0,
                },
                a,
                b,
                pi(z1),
                z0.map_or(TwoPort::Open, pi),
            );
        }
    }

    /// Closed bus-bus switches with a contact impedance become series branches.
    fn switch_impedances(&mut self) {
        let net = self.net;
        for (index, s) in net.switches.iter().enumerate() {
            let (Some(bus), Some(other)) = (self.bus(&s.bus), self.bus(&s.element)) else {
                continue;
            };
            let z = c(s.r_ohm.unwrap_or(0.0), s.x_ohm.unwrap_or(0.0));
            if !s.closed || !active(s.in_service) || z == c(0.0, 0.0) {
                continue;
            }
            let (Some(a), Some(b)) = (self.sys.bus_node[bus], self.sys.bus_node[other]) else {
                continue;
            };
            if a == b {
                continue;
            }
            let model = TwoPort::Pi {
                z: z / self.sys.z_base(a),
                t: 1.0,
                sh_a: None,
                sh_b: None,
            };
            self.push_branch(
                BranchOrigin {
                    table: Table::Switches,
                    index,
                    part: 0,
                },
                a,
                b,
                model.clone(),
                model,
            );
        }
    }

    fn bus_node(&self, id: &str) -> Option<(usize, usize)> {
        let bus = self.bus(id)?;
        Some((bus, self.sys.bus_node[bus]?))
    }

    fn push_shunt(&mut self, shunt: Shunt) -> usize {
        self.sys.shunts.push(shunt);
        self.sys.shunts.len() - 1
    }

    fn external_grids(&mut self) {
        let net = self.net;
        let max = self.max_case();
        for (index, g) in net.external_grids.iter().enumerate() {
            if !active(g.in_service) {
                continue;
            }
            let Some((bus, node)) = self.bus_node(&g.bus) else {
                continue;
            };
            let (cmax, cmin) = self.c_bus[&bus];
            let (cf, s, rx, x0x, r0x0) = if max {
                (cmax, g.s_sc_max_mva, g.rx_max, g.x0x_max, g.r0x0_max)
            } else {
                (
                    cmin,
                    g.s_sc_min_mva.unwrap_or(g.s_sc_max_mva),
                    g.rx_min.or(g.rx_max),
                    g.x0x_min.or(g.x0x_max),
                    g.r0x0_min.or(g.r0x0_max),
                )
            };
            let cf = if self.iec { cf } else { 1.0 };
            let z = z_from_rx(cf * self.sys.base_mva / s, rx.unwrap_or(0.1));
            let zero = match x0x {
                Some(x0x) => {
                    let x0 = x0x * z.im;
                    Some(OnePort::Z(c(r0x0.unwrap_or(0.0) * x0, x0)))
                }
                None => {
                    self.sys.zero_unknown.push((node, g.id.clone()));
                    None
                }
            };
            self.push_shunt(Shunt {
                table: Table::ExternalGrids,
                index,
                node,
                pos: OnePort::Z(z),
                pos_peak: OnePort::Z(z),
                neg: OnePort::Z(z),
                zero,
                machine: None,
            });
        }
    }

    fn generators(&mut self) {
        let net = self.net;
        for (index, g) in net.generators.iter().enumerate() {
            if !active(g.in_service) {
                continue;
            }
            let Some((bus, node)) = self.bus_node(&g.bus) else {
                continue;
            };
            let zr = g.vn_kv * g.vn_kv / g.sn_mva;
            let x = g.xdss_pu * zr;
            let rf = factors::generator_rf_over_x(g.vn_kv, g.sn_mva) * x;
            let r = g.rdss_pu.map_or(rf, |r| r * zr);
            let unit = g.unit_transformer.as_deref().and_then(|t| {
                net.transformers
                    .iter()
                    .find(|tr| tr.id == t && active(tr.in_service))
            });
            let k = match unit {
                _ if !self.iec => 1.0,
                Some(t) => self.unit_factor(g, t),
                None => factors::k_g(
                    net.buses[bus].vn_kv,
                    g.vn_kv,
                    g.pg_percent.unwrap_or(0.0) / 100.0,
                    self.c_max_of_bus(bus),
                    g.xdss_pu,
                    g.cos_phi,
                ),
            };
            let kind = match unit {
                Some(t) if t.oltc.unwrap_or(false) => "ks",
                Some(_) => "kso",
                None => "kg",
            };
            self.sys
                .corrections
                .push((Table::Generators, index, kind, k));
            let zb = self.sys.z_base(node);
            let port = |re: f64, im: f64| OnePort::Z(c(re, im) * k / zb);
            let earthed = g.grounding_r_ohm.is_some() || g.grounding_x_ohm.is_some();
            let zero = (earthed && g.x0_pu.is_some()).then(|| {
                let zn = c(
                    g.grounding_r_ohm.unwrap_or(0.0),
                    g.grounding_x_ohm.unwrap_or(0.0),
                ) * 3.0;
                OnePort::Z((c(r, g.x0_pu.unwrap_or(0.0) * zr) * k + zn) / zb)
            });
            let shunt = self.push_shunt(Shunt {
                table: Table::Generators,
                index,
                node,
                pos: port(r, x),
                pos_peak: port(rf, x),
                neg: port(r, g.x2_pu.unwrap_or(g.xdss_pu) * zr),
                zero,
                machine: Some(Machine {
                    decay: Decay::Synchronous,
                    ir_ka: g.sn_mva / (SQRT3 * g.vn_kv),
                }),
            });
            if unit.is_some()
                && let Some(variant) = self.sys.units.iter_mut().find(|u| u.generator == index)
            {
                variant.shunt = shunt;
            }
        }
        // drop unit variants whose generator was not compiled
        let shunts = &self.sys.shunts;
        self.sys.units.retain(|u| {
            shunts
                .get(u.shunt)
                .is_some_and(|s| s.table == Table::Generators && s.node == u.node)
        });
    }

    fn motors(&mut self) {
        if !self.max_case() {
            return; // IEC 60909-0 §4.3.2: motors are neglected for minimum currents
        }
        let net = self.net;
        for (index, m) in net.motors.iter().enumerate() {
            if !active(m.in_service) {
                continue;
            }
            let Some((_, node)) = self.bus_node(&m.bus) else {
                continue;
            };
            let count = m.count.unwrap_or(1).max(1) as f64;
            let sr = m.pn_mw / (m.efficiency_percent / 100.0 * m.cos_phi);
            let z_abs = m.vn_kv * m.vn_kv / (m.lrc_pu * sr) / count;
            let pole_pairs = m.pole_pairs.unwrap_or(1).max(1) as f64;
            let per_pp = m.pn_mw / pole_pairs;
            let rx = m.rx.unwrap_or_else(|| factors::motor_rx(m.vn_kv, per_pp));
            let z = OnePort::Z(z_from_rx(z_abs, rx) / self.sys.z_base(node));
            self.push_shunt(Shunt {
                table: Table::Motors,
                index,
                node,
                pos: z,
                pos_peak: z,
                neg: z,
                zero: None,
                machine: Some(Machine {
                    decay: Decay::Asynchronous(Some(per_pp)),
                    ir_ka: count * sr / (SQRT3 * m.vn_kv),
                }),
            });
        }
    }

    fn converters(&mut self) {
        if !self.max_case() {
            return; // minimum currents: converter-connected and asynchronous units neglected
        }
        let net = self.net;
        for (index, cv) in net.converters.iter().enumerate() {
            if !active(cv.in_service) {
                continue;
            }
            let Some((_, node)) = self.bus_node(&cv.bus) else {
                continue;
            };
            let ir_ka = cv.sn_mva / (SQRT3 * cv.vn_kv);
            match cv.kind {
                ConverterKind::FullConverter => {
                    let i_ka = cv.k.unwrap_or(0.0) * ir_ka;
                    let angle = cv.current_angle_deg.unwrap_or(-90.0).to_radians();
                    let i_pu = C64::from_polar(i_ka / self.sys.i_base(node), angle);
                    self.sys.sources.push(CurrentSource { node, i_pu });
                }
                ConverterKind::DoublyFed => {
                    let z_abs = 2f64.sqrt() * cv.kappa_wd.unwrap_or(1.0) * cv.vn_kv
                        / (SQRT3 * cv.i_wd_max_ka.unwrap_or(f64::INFINITY));
                    let z =
                        OnePort::Z(z_from_rx(z_abs, cv.rx.unwrap_or(0.1)) / self.sys.z_base(node));
                    self.push_shunt(Shunt {
                        table: Table::Converters,
                        index,
                        node,
                        pos: z,
                        pos_peak: z,
                        neg: z,
                        zero: None,
                        machine: None,
                    });
                }
                ConverterKind::Asynchronous => {
                    let z_abs = cv.vn_kv * cv.vn_kv / (cv.lrc_pu.unwrap_or(1.0) * cv.sn_mva);
                    let z =
                        OnePort::Z(z_from_rx(z_abs, cv.rx.unwrap_or(0.1)) / self.sys.z_base(node));
                    self.push_shunt(Shunt {
                        table: Table::Converters,
                        index,
                        node,
                        pos: z,
                        pos_peak: z,
                        neg: z,
                        zero: None,
                        machine: Some(Machine {
                            decay: Decay::Asynchronous(None),
                            ir_ka,
                        }),
                    });
                }
            }
        }
    }
}

/// Star-equivalent legs of a three-winding transformer in Ω at the HV rated voltage, with the
/// pairwise K_T of the case (`zero`: from the zero-sequence pair values; `None` if missing).
fn three_winding_legs(b: &Builder<'_>, t: &Transformer3w, zero: bool) -> Option<[C64; 3]> {
    let ur_hv = t.vn_hv_kv;
    let pair = |vk: f64, vkr: f64, sa: f64, sb: f64| z_from_percent(vk, vkr, ur_hv, sa.min(sb));
    let (vk, vkr) = if zero {
        (
            [t.vk0_hv_percent?, t.vk0_mv_percent?, t.vk0_lv_percent?],
            [
                t.vkr0_hv_percent.unwrap_or(0.0),
                t.vkr0_mv_percent.unwrap_or(0.0),
                t.vkr0_lv_percent.unwrap_or(0.0),
            ],
        )
    } else {
        (
            [t.vk_hv_percent, t.vk_mv_percent, t.vk_lv_percent],
            [t.vkr_hv_percent, t.vkr_mv_percent, t.vkr_lv_percent],
        )
    };
    // pairs: HV-MV, MV-LV, LV-HV
    let z_hm = pair(vk[0], vkr[0], t.sn_hv_mva, t.sn_mv_mva);
    let z_ml = pair(vk[1], vkr[1], t.sn_mv_mva, t.sn_lv_mva);
    let z_lh = pair(vk[2], vkr[2], t.sn_lv_mva, t.sn_hv_mva);
    let [k_hm, k_ml, k_lh] = three_winding_factors(b, t);
    let (hm, ml, lh) = (z_hm * k_hm, z_ml * k_ml, z_lh * k_lh);
    Some([
        (hm + lh - ml) * 0.5,
        (hm + ml - lh) * 0.5,
        (lh + ml - hm) * 0.5,
    ])
}

/// K_T of the pairs HV-MV, MV-LV, LV-HV of a three-winding transformer (IEC 60909-0 eq. 13),
/// each with c_max of the pair's lower-voltage bus and x_T from the pair's values; 1 where
/// K_T does not apply.
fn three_winding_factors(b: &Builder<'_>, t: &Transformer3w) -> [f64; 3] {
    if !b.kt_applies() {
        return [1.0; 3];
    }
    let cm = |bus: &str| b.c_max_of_bus(b.bus(bus).expect("validated"));
    let x = |vk: f64, vkr: f64| factors::relative_reactance(vk, vkr);
    [
        factors::k_t(cm(&t.mv_bus), x(t.vk_hv_percent, t.vkr_hv_percent)),
        factors::k_t(cm(&t.lv_bus), x(t.vk_mv_percent, t.vkr_mv_percent)),
        factors::k_t(cm(&t.lv_bus), x(t.vk_lv_percent, t.vkr_lv_percent)),
    ]
}

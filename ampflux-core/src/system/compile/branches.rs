//! Branches: lines (with fault points along them), two- and three-winding transformers,
//! series impedances and bus-bus switches with a contact impedance.

use std::collections::BTreeMap;
use std::f64::consts::PI;

use num_complex::Complex64 as C64;

use super::{Builder, c, z_from_percent, z_from_rx};
use crate::error::{Error, Result};
use crate::iec60909::factors;
use crate::model::{Generator, Table, Transformer, Transformer3w, VectorGroup, Winding};
use crate::study::Case;
use crate::system::{Branch, BranchOrigin, NodeLabel, OnePort, TwoPort, UnitVariant, active};

/// The vector group to compile: the given one, or for an unknown group (absent) isolated
/// stars, `unknown`: positive and negative sequence as given, no zero-sequence path and no
/// phase shift. Earth faults refuse transformers without a vector group before compiling.
fn vector_group_or_unknown<'t>(given: &'t Option<String>, unknown: &'static str) -> &'t str {
    given.as_deref().unwrap_or(unknown)
}

/// A winding's star point: (marked as an arc-suppression coil, earthing R, earthing X, node).
type StarPoint = (Option<bool>, Option<f64>, Option<f64>, usize);

impl<'a> Builder<'a> {
    pub(super) fn lines(&mut self) -> Result<()> {
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
        // the cut points of one line (one buffer for all lines)
        let mut points: Vec<(f64, Option<usize>)> = Vec::new();
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
            points.clear();
            if let Some(v) = cuts.get(&index) {
                points.extend(v.iter().map(|(p, k)| (*p, Some(*k))));
            }
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
    pub(super) fn unit_generator(&self, id: &str) -> Option<(usize, &'a Generator)> {
        let net = self.net;
        self.unit_of_transformer
            .get(id)
            .map(|&i| (i, &net.generators[i]))
    }

    /// K_S or K_SO of the unit formed by generator `g` and transformer `t`.
    pub(super) fn unit_factor(&self, g: &Generator, t: &Transformer) -> f64 {
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

    /// The vector group for the zero sequence with the arc-suppression coils of `sides` (one
    /// [`StarPoint`] per winding, HV first): a coil of unknown impedance leaves its star point
    /// open and marks its node resonance-earthed. Also whether a coil of known impedance
    /// remains in the model.
    fn resonant_windings(&mut self, vg: &VectorGroup, sides: &[StarPoint]) -> (VectorGroup, bool) {
        let mut out = vg.clone();
        let mut known = false;
        for (w, &(flag, r, x, node)) in out.windings.iter_mut().zip(sides) {
            if flag != Some(true) || !w.is_earthed() {
                continue;
            }
            if r.unwrap_or(0.0) == 0.0 && x.unwrap_or(0.0) == 0.0 {
                *w = match w {
                    Winding::Zigzag { .. } => Winding::Zigzag { earthed: false },
                    _ => Winding::Star { earthed: false },
                };
                self.sys.resonant_nodes.push(node);
            } else {
                known = true;
            }
        }
        (out, known)
    }

    pub(super) fn transformers(&mut self) {
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
            let Ok(vg) = VectorGroup::parse(vector_group_or_unknown(&t.vector_group, "Yy")) else {
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
            let (vg0, zero_resonant) = self.resonant_windings(
                &vg,
                &[
                    (
                        t.hv_grounding_resonant,
                        t.hv_grounding_r_ohm,
                        t.hv_grounding_x_ohm,
                        a,
                    ),
                    (
                        t.lv_grounding_resonant,
                        t.lv_grounding_r_ohm,
                        t.lv_grounding_x_ohm,
                        b,
                    ),
                ],
            );
            let zero = self.transformer_zero(t, &vg0, k, par, a, b, ratio);
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
                zero_resonant,
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
                    // PowerFactory's convention leaves the unit transformer uncorrected
                    transformer_scale: if self.options.kts_at_generator_terminals {
                        kts / k
                    } else {
                        1.0 / k
                    },
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

    pub(super) fn transformers3w(&mut self) {
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
            let Ok(vg) = VectorGroup::parse(vector_group_or_unknown(&t.vector_group, "Yyy")) else {
                continue;
            };
            let (vg0, resonant) = self.resonant_windings(
                &vg,
                &[
                    (
                        t.hv_grounding_resonant,
                        t.hv_grounding_r_ohm,
                        t.hv_grounding_x_ohm,
                        nh,
                    ),
                    (
                        t.mv_grounding_resonant,
                        t.mv_grounding_r_ohm,
                        t.mv_grounding_x_ohm,
                        nm,
                    ),
                    (
                        t.lv_grounding_resonant,
                        t.lv_grounding_r_ohm,
                        t.lv_grounding_x_ohm,
                        nl,
                    ),
                ],
            );
            let coil = |leg: usize| {
                resonant
                    && [
                        t.hv_grounding_resonant,
                        t.mv_grounding_resonant,
                        t.lv_grounding_resonant,
                    ][leg]
                        == Some(true)
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
                        match vg0.windings[leg] {
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
                    zero_resonant: coil(leg) && vg0.windings[leg].is_earthed(),
                });
            }
        }
    }

    pub(super) fn impedances(&mut self) {
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
    pub(super) fn switch_impedances(&mut self) {
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

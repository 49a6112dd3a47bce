//! Sources: network feeders, synchronous generators (direct and in power station units),
//! asynchronous motors, converter-connected units, and the shunt admittances of network
//! equivalents.

use num_complex::Complex64 as C64;

use super::{Builder, SQRT3, c, z_from_rx};
use crate::iec60909::factors;
use crate::model::{ConverterKind, RotorType, ShuntKind, Table};
use crate::system::{CurrentSource, Decay, Machine, OnePort, Shunt, SteadyData, active};

impl Builder<'_> {
    pub(super) fn external_grids(&mut self) {
        let net = self.net;
        let max = self.max_case();
        for (index, g) in net.external_grids.iter().enumerate() {
            if !active(g.in_service) {
                continue;
            }
            let Some((bus, node)) = self.bus_node(&g.bus) else {
                continue;
            };
            let (cmax, cmin) = self.c_bus[bus];
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
                peak_factor: None,
                zero_resonant: false,
            });
        }
    }

    pub(super) fn generators(&mut self) {
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
            let zn = c(
                g.grounding_r_ohm.unwrap_or(0.0),
                g.grounding_x_ohm.unwrap_or(0.0),
            ) * 3.0;
            let resonant = g.grounding_resonant == Some(true);
            // a coil of unknown impedance: the star point is left open, the system marked
            let coil_unknown = resonant && zn.norm() == 0.0;
            if coil_unknown {
                self.sys.resonant_nodes.push(node);
            }
            let zero = (earthed && !coil_unknown && g.x0_pu.is_some())
                .then(|| OnePort::Z((c(r, g.x0_pu.unwrap_or(0.0) * zr) * k + zn) / zb));
            let rotor = g.rotor.unwrap_or_default();
            let steady = SteadyData {
                xdsat_pu: g.xdsat_pu,
                xdss_pu: g.xdss_pu * k,
                cos_phi: g.cos_phi,
                ufmax_ufr: g.ufmax_ufr.unwrap_or(match rotor {
                    RotorType::Cylindrical => 1.6,
                    RotorType::SalientPole => 2.0,
                }),
            };
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
                    steady: Some(steady),
                }),
                peak_factor: None,
                zero_resonant: resonant && !coil_unknown,
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

    pub(super) fn motors(&mut self) {
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
                    steady: None,
                }),
                peak_factor: None,
                zero_resonant: false,
            });
        }
    }

    pub(super) fn converters(&mut self) {
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
                    self.sys.sources.push(CurrentSource {
                        converter: index,
                        node,
                        i_pu,
                    });
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
                        peak_factor: cv.kappa_wd,
                        zero_resonant: false,
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
                            steady: None,
                        }),
                        peak_factor: None,
                        zero_resonant: false,
                    });
                }
            }
        }
    }
}

impl Builder<'_> {
    /// Shunt admittances of network equivalents, Y = (P − jQ)/U², in the positive- and
    /// negative-sequence networks (no zero-sequence path). Compensation shunts (capacitor banks,
    /// reactors) are left out: IEC 60909-0's equivalent voltage source neglects the shunt
    /// admittances of non-rotating equipment, as it does line capacitances and loads.
    pub(super) fn shunts(&mut self) {
        let net = self.net;
        for (index, s) in net.shunts.iter().enumerate() {
            if !active(s.in_service) || s.kind != ShuntKind::NetworkEquivalent {
                continue;
            }
            let Some((bus, node)) = self.bus_node(&s.bus) else {
                continue;
            };
            let u_kv = s.vn_kv.unwrap_or(net.buses[bus].vn_kv);
            let y_siemens = c(s.p_mw.unwrap_or(0.0), -s.q_mvar.unwrap_or(0.0)) / (u_kv * u_kv);
            if y_siemens == c(0.0, 0.0) {
                continue;
            }
            let y = OnePort::Y(y_siemens * self.sys.z_base(node));
            self.push_shunt(Shunt {
                table: Table::Shunts,
                index,
                node,
                pos: y,
                pos_peak: y,
                neg: y,
                zero: None,
                machine: None,
                peak_factor: None,
                zero_resonant: false,
            });
        }
    }
}

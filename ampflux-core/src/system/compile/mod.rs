//! Compilation of every element into per-unit sequence models with the IEC 60909-0
//! correction factors of the study's case: the builder and the node bookkeeping here, the
//! branches in `branches.rs`, the sources in `sources.rs`.

mod branches;
mod sources;

use std::collections::{HashMap, HashSet};

use num_complex::Complex64 as C64;

use super::topology::UnionFind;
use super::{
    Branch, BranchOrigin, Node, NodeLabel, Shunt, System, TwoPort, active, bus_voltage_factors,
};
use crate::error::Result;
use crate::model::Network;
use crate::study::{Case, Method, StudyOptions};

pub(super) const SQRT3: f64 = 1.732_050_807_568_877_2;

pub(super) fn c(re: f64, im: f64) -> C64 {
    C64::new(re, im)
}

/// Impedance from a short-circuit voltage pair in percent on `sn_mva` at `ur_kv`, in Ω:
/// R = u_R/100·U²/S, X = sign(u_k)·√(u_k² − u_R²)/100·U²/S.
pub(super) fn z_from_percent(vk: f64, vkr: f64, ur_kv: f64, sn_mva: f64) -> C64 {
    let zb = ur_kv * ur_kv / sn_mva;
    let x = vk.signum() * (vk * vk - vkr * vkr).max(0.0).sqrt();
    c(vkr, x) * (zb / 100.0)
}

/// R + jX with |Z| = `z` and R/X = `rx`.
pub(super) fn z_from_rx(z: f64, rx: f64) -> C64 {
    let x = z / (1.0 + rx * rx).sqrt();
    c(rx * x, x)
}

pub(super) struct Builder<'a> {
    net: &'a Network,
    options: &'a StudyOptions,
    sys: System,
    /// (c_max, c_min) of each bus, by bus index.
    c_bus: Vec<(f64, f64)>,
    bus_index: HashMap<&'a str, usize>,
    /// Open (bus, branch id) ends.
    open_ends: HashSet<(usize, &'a str)>,
    /// The in-service generator naming each unit transformer.
    unit_of_transformer: HashMap<&'a str, usize>,
    /// Correction factors apply (not for the classical method).
    iec: bool,
}

pub(in crate::system) fn compile(net: &Network, options: &StudyOptions) -> Result<System> {
    let iec = options.method == Method::Iec60909;
    let mut b = Builder {
        net,
        options,
        sys: System {
            base_mva: options.base_mva,
            frequency_hz: net.frequency_hz,
            // one node per bus, plus open ends and fault points along lines; one branch per
            // line part, transformer (three for a three-winding one), impedance and switch
            nodes: Vec::with_capacity(net.buses.len() + options.line_faults.len()),
            bus_node: vec![None; net.buses.len()],
            branches: Vec::with_capacity(
                net.lines.len()
                    + options.line_faults.len()
                    + net.transformers.len()
                    + 3 * net.transformers3w.len()
                    + net.impedances.len()
                    + net.switches.len(),
            ),
            shunts: Vec::new(),
            sources: Vec::new(),
            units: Vec::new(),
            zero_unknown: Vec::new(),
            resonant_nodes: Vec::new(),
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
        open_ends: HashSet::new(),
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
    b.shunts();
    Ok(b.sys)
}

impl<'a> Builder<'a> {
    pub(super) fn max_case(&self) -> bool {
        !self.iec || self.options.case == Case::Max
    }

    pub(super) fn kt_applies(&self) -> bool {
        self.iec && (self.options.case == Case::Max || self.options.kt_in_min_case)
    }

    pub(super) fn bus(&self, id: &str) -> Option<usize> {
        self.bus_index.get(id).copied()
    }

    pub(super) fn c_max_of_bus(&self, bus: usize) -> f64 {
        self.c_bus[bus].0
    }

    /// Buses and their merging by closed zero-impedance bus-bus switches.
    pub(super) fn nodes(&mut self) {
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
                self.open_ends.insert((bus, s.element.as_str()));
            }
        }
        let mut root_node: HashMap<usize, usize> = HashMap::new();
        for (i, bus) in net.buses.iter().enumerate() {
            if !active(bus.in_service) {
                continue;
            }
            let root = uf.find(i);
            let node = *root_node.entry(root).or_insert_with(|| {
                let (c_max, c_min) = self.c_bus[i];
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

    pub(super) fn new_node(&mut self, like: usize, label: NodeLabel) -> usize {
        let proto = self.sys.nodes[like].clone();
        self.sys.nodes.push(Node { label, ..proto });
        self.sys.nodes.len() - 1
    }

    /// Node of a branch end: `None` when the bus is out of service; a fresh open-end node when a
    /// switch opens that end.
    pub(super) fn end_node(&mut self, bus_id: &str, branch_id: &str) -> Option<usize> {
        let bus = self.bus(bus_id)?;
        let node = self.sys.bus_node[bus]?;
        if !self.open_ends.is_empty() && self.open_ends.contains(&(bus, branch_id)) {
            Some(self.new_node(node, NodeLabel::OpenEnd))
        } else {
            Some(node)
        }
    }

    pub(super) fn push_branch(
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
            zero_resonant: false,
        });
    }

    pub(super) fn bus_node(&self, id: &str) -> Option<(usize, usize)> {
        let bus = self.bus(id)?;
        Some((bus, self.sys.bus_node[bus]?))
    }

    pub(super) fn push_shunt(&mut self, shunt: Shunt) -> usize {
        self.sys.shunts.push(shunt);
        self.sys.shunts.len() - 1
    }
}

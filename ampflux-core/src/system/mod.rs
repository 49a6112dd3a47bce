//! The network compiled for one study: dense node indices, per-unit sequence models of every
//! element with the IEC 60909 correction factors of the study's case applied.
//!
//! Nodes are the in-service buses (buses tied by closed zero-impedance switches share one
//! node), the star points of three-winding transformers, open branch ends and fault points
//! along lines.

pub(crate) mod admittance;
mod compile;
pub(crate) mod earthing;
pub(crate) mod stamps;
pub(crate) mod topology;

use num_complex::Complex64 as C64;

use crate::error::Result;
use crate::iec60909::factors;
use crate::model::{Network, Table, in_service};
use crate::study::{Case, Method, StudyOptions};

pub(crate) use stamps::{OnePort, TwoPort, TwoPortY};

/// A symmetrical-component sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Sequence {
    Positive,
    Negative,
    Zero,
}

/// What a node stands for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NodeLabel {
    /// An in-service bus (index of the first bus of its merged group).
    Bus(usize),
    /// Star point of a three-winding transformer.
    Star(usize),
    /// Open end of a branch (switch open at that end).
    OpenEnd,
    /// Fault point along a line (index into the study's `line_faults`).
    LineFault(usize),
}

/// A node of the compiled system.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// Base (nominal) voltage in kV.
    pub vn_kv: f64,
    /// c_max at this node.
    pub c_max: f64,
    /// c_min at this node.
    pub c_min: f64,
    pub label: NodeLabel,
}

/// Which network element a branch comes from, for reporting.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BranchOrigin {
    pub table: Table,
    pub index: usize,
    /// For three-winding transformers: 0 = HV leg, 1 = MV leg, 2 = LV leg. For lines split
    /// by fault points: the section number.
    pub part: u8,
}

/// A branch between nodes `a` and `b` (a = from / HV side).
#[derive(Clone, Debug)]
pub(crate) struct Branch {
    pub origin: BranchOrigin,
    pub a: usize,
    pub b: usize,
    /// Positive-sequence model (the negative sequence is the same for passive branches).
    pub pos: TwoPort,
    /// Zero-sequence model.
    pub zero: TwoPort,
    /// Phase shift of the positive sequence at b relative to a, degrees (vector group).
    pub shift_deg: f64,
    /// Whether the zero sequence is inverted from a to b (clock numbers 2, 6, 10).
    pub zero_inverted: bool,
    /// The zero-sequence model holds an arc-suppression (Petersen) coil in series with its
    /// path to earth.
    pub zero_resonant: bool,
}

/// How a machine's contribution decays until t_min (IEC 60909-0 §9.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Decay {
    /// Synchronous machine: μ.
    Synchronous,
    /// Asynchronous machine: μ·q with the active power per pole pair (MW), `None` = q = 1.
    Asynchronous(Option<f64>),
}

/// Data of a rotating machine for the breaking and the steady-state current.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Machine {
    pub decay: Decay,
    /// Rated current in kA at the machine's node voltage level.
    pub ir_ka: f64,
    /// Synchronous machine data for λ (IEC 60909-0:2016 §10.2.1); `None` for asynchronous
    /// machines, whose steady-state current is zero.
    pub steady: Option<SteadyData>,
}

/// What λ_max and λ_min of a synchronous machine depend on (per unit of its rating).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SteadyData {
    /// Saturated synchronous reactance x_dsat (`None`: not given).
    pub xdsat_pu: Option<f64>,
    /// Subtransient reactance x''d with the machine's correction factor (K_G, K_S, K_SO).
    pub xdss_pu: f64,
    pub cos_phi: f64,
    /// U_fmax/U_fr.
    pub ufmax_ufr: f64,
}

/// A source impedance (or other path) between a node and earth.
#[derive(Clone, Debug)]
pub(crate) struct Shunt {
    pub table: Table,
    /// Index of the element in its table.
    pub index: usize,
    pub node: usize,
    /// Positive sequence for I''k.
    pub pos: OnePort,
    /// Positive sequence for the peak current (generators with R_Gf).
    pub pos_peak: OnePort,
    /// Negative sequence.
    pub neg: OnePort,
    /// Zero sequence (`None`: no path).
    pub zero: Option<OnePort>,
    /// Set for rotating machines (Ib).
    pub machine: Option<Machine>,
    /// Peak factor given for the unit (κ_WD of a doubly fed wind unit): its share of i_p is
    /// κ_WD·√2·I''k instead of κ from R/X.
    pub peak_factor: Option<f64>,
    /// The zero-sequence earthing is an arc-suppression (Petersen) coil.
    pub zero_resonant: bool,
}

impl Shunt {
    /// Whether the shunt is a source (network feeder, machine, converter) rather than a
    /// passive admittance of the `shunts` table.
    pub fn is_source(&self) -> bool {
        self.table != Table::Shunts
    }
}

/// A converter acting as a current source in the positive sequence.
#[derive(Clone, Debug)]
pub(crate) struct CurrentSource {
    /// Index of the converter in the network.
    pub converter: usize,
    pub node: usize,
    /// Injected current in per unit of the node's base current, angle relative to the
    /// equivalent voltage source.
    pub i_pu: C64,
}

/// A power station unit: for faults at the generator terminals the unit is evaluated with
/// K_G,S and K_T,S instead of K_S (K_SO) and the source voltage c·U_rG (IEC 60909-0 §6.7.2).
#[derive(Clone, Debug)]
pub(crate) struct UnitVariant {
    /// Generator terminal node.
    pub node: usize,
    /// Index of the generator in the network.
    pub generator: usize,
    /// The generator's shunt (resolved when generators are compiled).
    pub shunt: usize,
    /// The unit transformer's branch.
    pub branch: usize,
    /// K_G,S / K_S: factor on the generator's impedances.
    pub gen_scale: f64,
    /// K_T,S / K_S: factor on the unit transformer's impedances.
    pub transformer_scale: f64,
    /// U_rG / U_n of the generator node: the source voltage at the fault is c·U_rG/√3.
    pub voltage_scale: f64,
}

/// The compiled network.
#[derive(Clone, Debug)]
pub(crate) struct System {
    pub base_mva: f64,
    pub frequency_hz: f64,
    pub nodes: Vec<Node>,
    /// Node of each bus of the network (`None`: out of service).
    pub bus_node: Vec<Option<usize>>,
    pub branches: Vec<Branch>,
    pub shunts: Vec<Shunt>,
    pub sources: Vec<CurrentSource>,
    pub units: Vec<UnitVariant>,
    /// Network feeders without zero-sequence data: (node, feeder id).
    pub zero_unknown: Vec<(usize, String)>,
    /// Nodes whose star point is earthed through an arc-suppression coil of unknown impedance
    /// (left open in the zero sequence; they make their system resonance-earthed).
    pub resonant_nodes: Vec<usize>,
    /// Correction factors applied to elements: (table, index, factor name, value).
    pub corrections: Vec<(Table, usize, &'static str, f64)>,
    /// Node of each requested fault along a line.
    pub line_fault_nodes: Vec<usize>,
    /// Case of the study (selects c).
    pub case: Case,
    pub method: Method,
    pub prefault_pu: f64,
}

impl System {
    /// Compiles `net` for a study with `options` (the network must have validated).
    pub fn compile(net: &Network, options: &StudyOptions) -> Result<System> {
        compile::compile(net, options)
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.nodes.len()
    }

    /// Base impedance of node `i` in Ω.
    pub fn z_base(&self, i: usize) -> f64 {
        self.nodes[i].vn_kv * self.nodes[i].vn_kv / self.base_mva
    }

    /// Base current of node `i` in kA.
    pub fn i_base(&self, i: usize) -> f64 {
        self.base_mva / (3f64.sqrt() * self.nodes[i].vn_kv)
    }

    /// The voltage of the equivalent source at node `i` in per unit (c of the case, or the
    /// prefault voltage of the classical method).
    pub fn source_voltage(&self, i: usize) -> f64 {
        match (self.method, self.case) {
            (Method::Classical, _) => self.prefault_pu,
            (Method::Iec60909, Case::Max) => self.nodes[i].c_max,
            (Method::Iec60909, Case::Min) => self.nodes[i].c_min,
        }
    }

    /// Admittances of branch `k` in `seq` at frequency factor `s`.
    pub fn branch_y(&self, k: usize, seq: Sequence, s: f64) -> Option<TwoPortY> {
        let br = &self.branches[k];
        match seq {
            Sequence::Positive | Sequence::Negative => br.pos.y(s),
            Sequence::Zero => br.zero.y(s),
        }
    }

    /// The shunt one-port of `sh` in `seq` (`peak`: the model for the peak current).
    pub fn shunt_port(sh: &Shunt, seq: Sequence, peak: bool) -> Option<OnePort> {
        match seq {
            Sequence::Positive if peak => Some(sh.pos_peak),
            Sequence::Positive => Some(sh.pos),
            Sequence::Negative => Some(sh.neg),
            Sequence::Zero => sh.zero,
        }
    }

    /// Whether any generator's negative-sequence model differs from its positive one.
    pub fn negative_differs(&self) -> bool {
        self.shunts.iter().any(|s| s.neg != s.pos)
    }
}

/// Voltage factors (c_max, c_min) of every bus for a study, by bus index.
pub(crate) fn bus_voltage_factors(net: &Network, options: &StudyOptions) -> Vec<(f64, f64)> {
    net.buses
        .iter()
        .map(|b| {
            let tol = b
                .lv_tolerance_percent
                .unwrap_or(options.lv_tolerance_percent);
            let (mut cmax, mut cmin) = factors::voltage_factors(b.vn_kv, tol);
            let lv = b.vn_kv <= factors::LV_LIMIT_KV;
            if let Some(c) = if lv {
                options.c_max_lv
            } else {
                options.c_max_hv
            } {
                cmax = c;
            }
            if let Some(c) = if lv {
                options.c_min_lv
            } else {
                options.c_min_hv
            } {
                cmin = c;
            }
            if let Some(c) = b.c_max {
                cmax = c;
            }
            if let Some(c) = b.c_min {
                cmin = c;
            }
            (cmax, cmin)
        })
        .collect()
}

/// Whether the element with this `in_service` flag takes part.
pub(crate) fn active(flag: Option<bool>) -> bool {
    in_service(flag)
}

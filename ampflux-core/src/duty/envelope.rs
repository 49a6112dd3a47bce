//! The cases of the envelope (one IEC 60909 study per scenario and fault type, maximum case)
//! and the currents each device sees in each case: the fault current of its bus
//! (`bus_total`), or the current through it (`through`).
//!
//! Through currents come from the branch results of faults at the branches' own ends. The
//! current a switch on branch X at bus B carries is the largest of: the current from X into B
//! for a fault at B; the rest of the fault current, I_f − I_X→B, for a fault on the branch
//! side of the switch (electrically at B), phase by phase with the phasors of the study; and
//! the current in X's end at B for a fault at X's other end(s). A line carries its own current
//! for a fault at either end.
//!
//! The peak, thermal and d.c. factors of a through current are those of its location's fault
//! current (i_p, I_th and i_DC scale with the bus's i_p/I''k, I_th/I''k and i_DC/I''k, as the
//! branch results do; one R/X per location, IEC 60909-0:2016 §4.4, eq. 64). Its breaking
//! current decays as the sources that drive it: where the device's branch is the only path
//! between them and the fault (see `feeding`), I_b = I·Σ I_b,j / Σ I''k,j over those sources'
//! partial currents (μ·q·I''k of IEC 60909-0:2016 §9.1.2); in a mesh, where the sources of a
//! share cannot be told apart, I_b = min(I, I_b of the bus), no more decay than the bus's.
//! I_b,asym = √(I_b² + i_DC²) of the share (IEC 60909-0:2016 §9.1, eq. 64).

use std::collections::HashMap;

use num_complex::Complex64 as C64;

use super::feeding::{Feeding, Side};
use crate::iec60909::fault_types::sequence_currents;
use crate::study::{
    BranchResult, BusResult, BusStatus, FaultKind, PartialCurrent, StudyOptions, StudyReport,
};

/// The network-side currents at a location for one case, in kA.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Currents {
    /// Initial symmetrical short-circuit current I''k.
    pub ikss: f64,
    /// Symmetrical breaking current I_b at `tmin_s`.
    pub ib: f64,
    /// Asymmetrical breaking current I_b,asym at `tmin_s` (`None` where the study leaves it
    /// empty).
    pub ib_asym: Option<f64>,
    /// D.c. component i_DC at `tmin_s` (`None` where the study leaves it empty).
    pub idc: Option<f64>,
    /// Peak current i_p.
    pub ip: f64,
    /// Thermal equivalent current I_th for the study's T_k.
    pub ith: f64,
    /// Peak factor κ of the location.
    pub kappa: f64,
}

/// A quantity the study reports, `None` where it leaves it empty (NaN).
fn reported(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl Currents {
    /// The currents of a fault at a bus: the study's own I_b, i_DC and I_b,asym
    /// (IEC 60909-0:2016 §9.1, eq. 64).
    fn of(bus: &BusResult) -> Currents {
        Currents {
            ikss: bus.ikss_ka,
            ib: bus.ib_ka,
            ib_asym: reported(bus.ib_asym_ka),
            idc: reported(bus.idc_ka),
            ip: bus.ip_ka,
            ith: bus.ith_ka,
            kappa: bus.kappa,
        }
    }

    /// A share `i_ka` (an I''k) of the fault current at `bus`, with the bus's peak, thermal
    /// and d.c. factors; `decay` is Σ I_b,j / Σ I''k,j of the sources driving the share when
    /// they are known, else the share decays no more than the bus's current (module docs).
    fn share(bus: &BusResult, i_ka: f64, decay: Option<f64>) -> Currents {
        let ratio = |q: f64| {
            if bus.ikss_ka > 0.0 {
                i_ka * q / bus.ikss_ka
            } else {
                0.0
            }
        };
        let ib = match decay {
            Some(d) => i_ka * d,
            None => i_ka.min(bus.ib_ka),
        };
        let idc = reported(bus.idc_ka).map(ratio);
        Currents {
            ikss: i_ka,
            ib,
            ib_asym: idc.map(|dc| ib.hypot(dc)),
            idc,
            ip: ratio(bus.ip_ka),
            ith: ratio(bus.ith_ka),
            kappa: bus.kappa,
        }
    }
}

/// One study of the envelope, with lookups by bus and branch.
pub(crate) struct Case {
    pub scenario: String,
    pub fault: FaultKind,
    pub report: StudyReport,
    bus_row: HashMap<String, usize>,
    branch_rows: HashMap<String, Vec<usize>>,
    /// Partial currents per fault location: (node of the source, I''k, I_b) in kA.
    partials: HashMap<String, Vec<(usize, f64, f64)>>,
}

impl Case {
    pub fn new(scenario: String, fault: FaultKind, report: StudyReport) -> Case {
        let bus_row = report
            .buses
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i))
            .collect();
        let mut branch_rows: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in report.branches.iter().enumerate() {
            branch_rows.entry(r.id.clone()).or_default().push(i);
        }
        Case {
            scenario,
            fault,
            report,
            bus_row,
            branch_rows,
            partials: HashMap::new(),
        }
    }

    /// Adds the partial currents of another study of the same case, by the node of each
    /// source (sources of buses out of the compiled network are left out: they feed nothing).
    pub fn extend_partials(&mut self, rows: Vec<PartialCurrent>, feeding: &Feeding) {
        for p in rows {
            if let Some(node) = feeding.node(&p.bus) {
                self.partials
                    .entry(p.fault_bus)
                    .or_default()
                    .push((node, p.ikss_ka, p.ib_ka));
            }
        }
    }

    /// Σ I_b,j / Σ I''k,j of the sources on `side` (`on`) or off it (`!on`) for the fault at
    /// `fault_bus`, the decay of the current they drive through the bridge (module docs);
    /// `None` without partial currents or sources there.
    fn decay(&self, feeding: &Feeding, fault_bus: &str, side: Side, on: bool) -> Option<f64> {
        let (mut ik, mut ib) = (0.0, 0.0);
        for &(node, k, b) in self.partials.get(fault_bus)? {
            if feeding.node_on(side, node) == on && k.is_finite() && b.is_finite() {
                ik += k;
                ib += b;
            }
        }
        (ik > 0.0).then(|| (ib / ik).min(1.0))
    }

    /// Adds the branch rows of another study of the same case (a chunk of fault locations),
    /// keeping only the rows of faults at one of the branch's own ends: the through currents
    /// are those of faults at a device's terminals (and this bounds the memory to a few rows
    /// per branch).
    pub fn extend_branches(&mut self, rows: Vec<BranchResult>) {
        for r in rows.into_iter().filter(at_an_end) {
            let i = self.report.branches.len();
            self.branch_rows.entry(r.id.clone()).or_default().push(i);
            self.report.branches.push(r);
        }
    }

    /// The result at bus `id` when it was computed, is supplied and has a short-circuit
    /// current of IEC 60909 (an earth fault in an isolated or resonance-earthed system has
    /// none: its capacitive or residual current is no equipment duty of this study).
    pub fn bus(&self, id: &str) -> Option<&BusResult> {
        let b = &self.report.buses[*self.bus_row.get(id)?];
        (b.status != BusStatus::Unsupplied && !b.status.outside_iec60909()).then_some(b)
    }

    /// The currents of a fault at bus `id`.
    pub fn at_bus(&self, id: &str) -> Option<Currents> {
        self.bus(id).map(Currents::of)
    }

    fn branch_rows(&self, id: &str) -> impl Iterator<Item = &BranchResult> {
        self.branch_rows
            .get(id)
            .into_iter()
            .flatten()
            .map(|i| &self.report.branches[*i])
    }

    /// Through currents of branch `id` (a line, or a bus-bus switch with a contact
    /// impedance): its current for a fault at each of its end buses, driven by the sources
    /// beyond it.
    pub fn through_branch(&self, id: &str, feeding: &Feeding) -> Vec<(String, Currents)> {
        let mut out = Vec::new();
        for r in self.branch_rows(id) {
            let Some(bus) = self.bus(&r.fault_bus) else {
                continue;
            };
            let i = r
                .ikss_from_ka
                .max(r.ikss_to_ka)
                .max(r.ikss_mv_ka.unwrap_or(0.0));
            let decay = feeding
                .beyond(id, &r.fault_bus)
                .and_then(|side| self.decay(feeding, &r.fault_bus, side, true));
            out.push((r.fault_bus.clone(), Currents::share(bus, i, decay)));
        }
        out
    }

    /// Through currents of a switch at bus `at` on branch `branch` (see the module docs).
    pub fn through_switch(
        &self,
        at: &str,
        branch: &str,
        study: &StudyOptions,
        feeding: &Feeding,
    ) -> Vec<(String, Currents)> {
        let mut out = Vec::new();
        let beyond = feeding.beyond(branch, at);
        for r in self.branch_rows(branch) {
            let Some(bus) = self.bus(&r.fault_bus) else {
                continue;
            };
            let Some(end) = End::of(r, at) else { continue };
            let at_fault = r.fault_bus == at;
            // sources beyond the switch drive the branch's current for a fault at `at`, those
            // on its side for a fault at the branch's other end(s) and for the rest current
            let decay = |on: bool| beyond.and_then(|s| self.decay(feeding, &r.fault_bus, s, on));
            // the branch's current at the switch, whatever the fault location
            out.push((
                r.fault_bus.clone(),
                Currents::share(bus, end.magnitude, decay(at_fault)),
            ));
            if at_fault {
                let rest = match (fault_phases(bus, self.fault, study), end.phases(self.fault)) {
                    (Some(f), Some(x)) => (0..3)
                        .map(|p| (f[p] + x[p]).norm()) // I_f − I_X→B = I_f + I_into_X
                        .fold(0.0, f64::max),
                    // no phasors (the MV end of a three-winding transformer in an unbalanced
                    // fault): the whole fault current, on the safe side
                    _ => bus.ikss_ka,
                };
                out.push((
                    r.fault_bus.clone(),
                    Currents::share(bus, rest, decay(false)),
                ));
            }
        }
        out
    }
}

/// Whether the fault of a branch row is at one of the branch's ends.
fn at_an_end(r: &BranchResult) -> bool {
    r.fault_bus == r.from_bus || r.fault_bus == r.to_bus || r.mv_bus.as_ref() == Some(&r.fault_bus)
}

/// One end of a branch row: the current flowing into the branch there.
struct End<'a> {
    magnitude: f64,
    angle_deg: f64,
    phases: Option<&'a crate::study::PhaseCurrents>,
}

impl<'a> End<'a> {
    fn of(r: &'a BranchResult, bus: &str) -> Option<End<'a>> {
        if r.from_bus == bus {
            Some(End {
                magnitude: r.ikss_from_ka,
                angle_deg: r.angle_from_deg,
                phases: r.phases_from.as_ref(),
            })
        } else if r.to_bus == bus {
            Some(End {
                magnitude: r.ikss_to_ka,
                angle_deg: r.angle_to_deg,
                phases: r.phases_to.as_ref(),
            })
        } else if r.mv_bus.as_deref() == Some(bus) {
            Some(End {
                magnitude: r.ikss_mv_ka.unwrap_or(0.0),
                angle_deg: r.angle_mv_deg.unwrap_or(0.0),
                phases: None,
            })
        } else {
            None
        }
    }

    /// Phase currents into the branch (a balanced set for a three-phase fault).
    fn phases(&self, fault: FaultKind) -> Option<[C64; 3]> {
        let p = |m: f64, deg: f64| C64::from_polar(m, deg.to_radians());
        if fault == FaultKind::ThreePhase {
            let ia = p(self.magnitude, self.angle_deg);
            let a = crate::iec60909::fault_types::a();
            return Some([ia, ia * a * a, ia * a]);
        }
        let ph = self.phases?;
        Some([
            p(ph.ia_ka, ph.ia_deg),
            p(ph.ib_ka, ph.ib_deg),
            p(ph.ic_ka, ph.ic_deg),
        ])
    }
}

/// Phasors of the fault current (phases a, b, c, in kA, in the fault location's frame) of a
/// bus result: the fault conditions of IEC 60909 (`fault_types`) on the reported sequence
/// impedances, scaled to the reported I''k.
fn fault_phases(bus: &BusResult, fault: FaultKind, study: &StudyOptions) -> Option<[C64; 3]> {
    let z1 = C64::new(bus.rk_ohm, bus.xk_ohm);
    let z2 = match (bus.rk2_ohm, bus.xk2_ohm) {
        (Some(r), Some(x)) => C64::new(r, x),
        _ => z1,
    };
    let z0 = match (bus.rk0_ohm, bus.xk0_ohm) {
        (Some(r), Some(x)) if r.is_finite() && x.is_finite() => Some(C64::new(r, x)),
        _ => None,
    };
    let zf = C64::new(study.r_fault_ohm, study.x_fault_ohm);
    let ze = C64::new(study.r_earth_ohm, study.x_earth_ohm);
    let g = sequence_currents(fault, C64::new(1.0, 0.0), z1, z2, z0, zf, ze).phases();
    let largest = g.iter().map(|c| c.norm()).fold(0.0, f64::max);
    if !(largest.is_finite() && largest > 0.0) {
        return None;
    }
    let scale = bus.ikss_ka / largest;
    Some(g.map(|c| c * scale))
}

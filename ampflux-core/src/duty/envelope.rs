//! The cases of the envelope (one IEC 60909 study per scenario and fault type, maximum case)
//! and the currents each device sees in each case: the fault current of its bus
//! (`bus_total`), or the current through it (`through`).
//!
//! Through currents come from the branch results of faults at the branches' own ends. The
//! current a switch on branch X at bus B carries is the largest of: the current from X into B
//! for a fault at B; the rest of the fault current, I_f − I_X→B, for a fault on the branch
//! side of the switch (electrically at B), phase by phase with the phasors of the study; and
//! the current in X's end at B for a fault at X's other end(s). A line carries its own current for a fault at either end. The
//! decay, peak and thermal factors of a through current are those of its location's fault
//! current (i_p and I_th scale with the bus's i_p/I''k and I_th/I''k, as the branch results
//! do); its breaking current is taken without decay, I_b = min(I, I_b of the bus), an upper
//! bound of the device's share.

use std::collections::HashMap;

use num_complex::Complex64 as C64;

use crate::iec60909::fault_types::sequence_currents;
use crate::study::{BranchResult, BusResult, BusStatus, FaultKind, StudyOptions, StudyReport};

/// The network-side currents at a location for one case, in kA.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Currents {
    /// Initial symmetrical short-circuit current I''k.
    pub ikss: f64,
    /// Symmetrical breaking current I_b at `tmin_s`.
    pub ib: f64,
    /// Asymmetrical breaking current I_b,asym at `tmin_s`, when the study reports it.
    pub ib_asym: Option<f64>,
    /// Peak current i_p.
    pub ip: f64,
    /// Thermal equivalent current I_th for the study's T_k.
    pub ith: f64,
    /// Peak factor κ of the location.
    pub kappa: f64,
}

/// The asymmetrical breaking current of a bus result.
///
/// ENGINE WIRING: the engine issue adds `ib_asym_ka` (and `idc_ka`) to [`BusResult`]
/// (IEC 60909-0 §4.4 / eq. 64: i_DC at t_min, I_b,asym = √(I_b² + i_DC²)). Until those fields
/// are in this branch, the asymmetrical breaking duty is not available and the
/// `breaking_asym` checks are left out with a warning; this is the one place to wire them.
pub(crate) fn ib_asym_of(_bus: &BusResult) -> Option<f64> {
    None
}

impl Currents {
    fn of(bus: &BusResult) -> Currents {
        Currents {
            ikss: bus.ikss_ka,
            ib: bus.ib_ka,
            ib_asym: ib_asym_of(bus),
            ip: bus.ip_ka,
            ith: bus.ith_ka,
            kappa: bus.kappa,
        }
    }

    /// A share `i_ka` (an I''k) of the fault current at `bus`, with the bus's factors.
    fn share(bus: &BusResult, i_ka: f64) -> Currents {
        let ratio = |q: f64| {
            if bus.ikss_ka > 0.0 {
                i_ka * q / bus.ikss_ka
            } else {
                0.0
            }
        };
        let ib = i_ka.min(bus.ib_ka);
        let ib_asym = ib_asym_of(bus).map(|a| {
            let dc_ratio = if bus.ib_ka > 0.0 { a / bus.ib_ka } else { 1.0 };
            (ib * dc_ratio).min(a)
        });
        Currents {
            ikss: i_ka,
            ib,
            ib_asym,
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
        }
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

    /// The result at bus `id` when it was computed and is supplied.
    pub fn bus(&self, id: &str) -> Option<&BusResult> {
        let b = &self.report.buses[*self.bus_row.get(id)?];
        (b.status != BusStatus::Unsupplied).then_some(b)
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
    /// impedance): its current for a fault at each of its end buses.
    pub fn through_branch(&self, id: &str) -> Vec<(String, Currents)> {
        let mut out = Vec::new();
        for r in self.branch_rows(id) {
            let Some(bus) = self.bus(&r.fault_bus) else {
                continue;
            };
            let i = r
                .ikss_from_ka
                .max(r.ikss_to_ka)
                .max(r.ikss_mv_ka.unwrap_or(0.0));
            out.push((r.fault_bus.clone(), Currents::share(bus, i)));
        }
        out
    }

    /// Through currents of a switch at bus `at` on branch `branch` (see the module docs).
    pub fn through_switch(
        &self,
        at: &str,
        branch: &str,
        study: &StudyOptions,
    ) -> Vec<(String, Currents)> {
        let mut out = Vec::new();
        for r in self.branch_rows(branch) {
            let Some(bus) = self.bus(&r.fault_bus) else {
                continue;
            };
            let Some(end) = End::of(r, at) else { continue };
            // the branch's current at the switch, whatever the fault location
            out.push((r.fault_bus.clone(), Currents::share(bus, end.magnitude)));
            if r.fault_bus == at {
                let rest = match (fault_phases(bus, self.fault, study), end.phases(self.fault)) {
                    (Some(f), Some(x)) => (0..3)
                        .map(|p| (f[p] + x[p]).norm()) // I_f − I_X→B = I_f + I_into_X
                        .fold(0.0, f64::max),
                    // no phasors (the MV end of a three-winding transformer in an unbalanced
                    // fault): the whole fault current, on the safe side
                    _ => bus.ikss_ka,
                };
                out.push((r.fault_bus.clone(), Currents::share(bus, rest)));
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

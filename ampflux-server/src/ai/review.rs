//! The rule-based engineering review: what the assistant answers when no language model is
//! configured. Every finding is the core's, computed through the simulations' job path on the
//! project's latest circuit version; the server only selects, sorts and formats:
//!
//! - the buses with the highest three-phase I''k (maximum case), from the short-circuit study;
//! - the equipment duty checks that fail or are marginal, from the core's duty study
//!   (`ampflux_core::duty::equipment_duty`, all scenarios of the circuit): element, check,
//!   duty, rating, utilization, verdict and the governing fault type, location and scenario,
//!   with the count of unrated devices;
//! - the buses whose line-to-earth I''k1 exceeds the three-phase I''k (a comparison of two
//!   reported currents), and the buses without any source.

use std::fmt::Write as _;

use ampflux_core::duty::{DutyCheck, DutyReport, DutySummary, Verdict};
use ampflux_core::{BusResult, BusStatus, StudyReport, Table};
use serde::Serialize;

/// One short-circuit study of the review.
#[derive(Clone, Copy)]
pub struct ReviewStudy<'a> {
    /// `three-phase` or `line-to-earth`.
    pub label: &'static str,
    /// The simulation that holds it.
    pub simulation_id: &'a str,
    /// The core's report.
    pub report: &'a StudyReport,
}

/// The equipment duty study of the review.
#[derive(Clone, Copy)]
pub struct DutyStudy<'a> {
    /// The simulation that holds it.
    pub simulation_id: &'a str,
    /// The core's report.
    pub report: &'a DutyReport,
}

/// What the core's duty study found, as the review lists it.
#[derive(Clone, Debug, Serialize)]
pub struct DutyFindings {
    /// The simulation of the duty study.
    pub simulation_id: String,
    /// Number of checks per verdict (the core's summary).
    pub summary: DutySummary,
    /// Scenarios of the envelope (`base`: the circuit as drawn).
    pub scenarios: Vec<String>,
    /// Checks that fail, highest utilization first (the core's rows).
    pub failing: Vec<DutyCheck>,
    /// Checks that pass at or above the marginal utilization, highest first.
    pub marginal: Vec<DutyCheck>,
    /// Devices with at least one unrated check, in the report's order.
    pub unrated_elements: Vec<String>,
}

impl DutyFindings {
    /// The rows of `report` by verdict.
    pub fn new(study: &DutyStudy<'_>) -> DutyFindings {
        let report = study.report;
        let by_verdict = |verdict: Verdict| {
            let mut rows: Vec<DutyCheck> = report
                .checks
                .iter()
                .filter(|c| c.verdict == verdict)
                .cloned()
                .collect();
            rows.sort_by(|a, b| {
                let u = |c: &DutyCheck| c.utilization_percent.unwrap_or(0.0);
                u(b).total_cmp(&u(a))
            });
            rows
        };
        let mut unrated_elements: Vec<String> = Vec::new();
        for c in report
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Unrated)
        {
            if !unrated_elements.contains(&c.element) {
                unrated_elements.push(c.element.clone());
            }
        }
        let mut scenarios: Vec<String> = Vec::new();
        for case in &report.cases {
            if !scenarios.contains(&case.scenario) {
                scenarios.push(case.scenario.clone());
            }
        }
        DutyFindings {
            simulation_id: study.simulation_id.to_string(),
            summary: report.summary,
            scenarios,
            failing: by_verdict(Verdict::Fail),
            marginal: by_verdict(Verdict::Marginal),
            unrated_elements,
        }
    }
}

/// The findings of the review (also rendered as text by [`Review::text`]).
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// Circuit version reviewed.
    pub version: i64,
    /// Buses with the highest three-phase I''k (max case), highest first.
    pub highest: Vec<BusResult>,
    /// The equipment duty study's findings (`null` when it could not run).
    pub duty: Option<DutyFindings>,
    /// Why the equipment duty study could not run, when it could not.
    pub duty_missing: Option<String>,
    /// Buses whose line-to-earth I''k1 is above the three-phase I''k: (bus, I''k1, I''k3).
    pub earth_above_three_phase: Vec<(String, f64, f64)>,
    /// Buses without any source.
    pub unsupplied: Vec<String>,
    /// Why the line-to-earth study could not run, when it could not.
    pub earth_fault_missing: Option<String>,
    /// Warnings of the core, counted.
    pub warnings: usize,
}

/// How many buses the review lists by highest current.
const TOP: usize = 5;

/// How many failing or marginal checks the text lists (all are in the data).
const LISTED: usize = 15;

impl Review {
    /// The findings of the three-phase report, the line-to-earth one and the duty study
    /// when they could be computed.
    pub fn new(
        version: i64,
        three_phase: &ReviewStudy<'_>,
        earth: Result<&ReviewStudy<'_>, String>,
        duty: Result<&DutyStudy<'_>, String>,
    ) -> Review {
        let mut highest: Vec<BusResult> = three_phase
            .report
            .buses
            .iter()
            .filter(|b| b.status == BusStatus::Ok && b.ikss_ka.is_finite())
            .cloned()
            .collect();
        highest.sort_by(|a, b| b.ikss_ka.total_cmp(&a.ikss_ka).then(a.id.cmp(&b.id)));
        highest.truncate(TOP);

        let mut earth_above = Vec::new();
        if let Ok(e) = &earth {
            for b1 in &e.report.buses {
                if let Some(b3) = three_phase.report.bus(&b1.id)
                    && b1.status == BusStatus::Ok
                    && b1.ikss_ka > b3.ikss_ka
                {
                    earth_above.push((b1.id.clone(), b1.ikss_ka, b3.ikss_ka));
                }
            }
            earth_above.sort_by(|a, b| (b.1 / b.2).total_cmp(&(a.1 / a.2)));
        }
        let unsupplied = three_phase
            .report
            .buses
            .iter()
            .filter(|b| b.status == BusStatus::Unsupplied)
            .map(|b| b.id.clone())
            .collect();
        let warnings = three_phase.report.warnings.len()
            + earth.as_ref().map_or(0, |e| e.report.warnings.len())
            + duty.as_ref().map_or(0, |d| d.report.warnings.len());
        Review {
            version,
            highest,
            duty: duty.as_ref().ok().map(|d| DutyFindings::new(d)),
            duty_missing: duty.err(),
            earth_above_three_phase: earth_above,
            unsupplied,
            earth_fault_missing: earth.err(),
            warnings,
        }
    }

    /// The review as Markdown, opening with the label that it does not come from a
    /// language model.
    pub fn text(&self, studies: &[ReviewStudy<'_>]) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "**Rule-based engineering review, not from a language model.** No language model is \
             configured on this server (AI_BASE_URL / AI_API_KEY), so your question was not \
             interpreted. These findings are fixed rules applied to results that the AmpFlux \
             engine computed on circuit version {}: short-circuit currents per IEC 60909-0 and \
             its equipment duty study.",
            self.version
        );
        let _ = writeln!(t);
        let mut listed: Vec<String> = studies
            .iter()
            .map(|s| format!("{} max (simulation {})", s.label, s.simulation_id))
            .collect();
        if let Some(d) = &self.duty {
            listed.push(format!("equipment duty (simulation {})", d.simulation_id));
        }
        let _ = writeln!(t, "Studies: {}.", listed.join(", "));
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "Highest three-phase initial short-circuit currents (max case):"
        );
        for (i, b) in self.highest.iter().enumerate() {
            let _ = writeln!(
                t,
                "{}. {} ({} kV): I''k = {:.2} kA, i_p = {:.2} kA, I_b = {:.2} kA, I_th = {:.2} kA, S''k = {:.1} MVA",
                i + 1,
                b.id,
                fmt_kv(b.vn_kv),
                b.ikss_ka,
                b.ip_ka,
                b.ib_ka,
                b.ith_ka,
                b.skss_mva
            );
        }
        let _ = writeln!(t);
        self.duty_text(&mut t);
        let _ = writeln!(t);
        self.earth_text(&mut t);
        if !self.unsupplied.is_empty() {
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "Buses without any source (no short-circuit current): {}.",
                self.unsupplied.join(", ")
            );
        }
        if self.warnings > 0 {
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "The engine reported {} warning(s); see the simulations' `warnings`.",
                self.warnings
            );
        }
        t
    }

    fn duty_text(&self, t: &mut String) {
        let Some(d) = &self.duty else {
            let why = self.duty_missing.as_deref().unwrap_or("no result");
            let _ = writeln!(t, "Equipment duty: the duty study could not run: {why}");
            return;
        };
        let s = &d.summary;
        let _ = writeln!(
            t,
            "Equipment duty (worst case over the fault types and the scenarios {}): {} check(s) \
             fail, {} marginal, {} pass, {} unrated.",
            d.scenarios.join(", "),
            s.fail,
            s.marginal,
            s.pass,
            s.unrated
        );
        for (label, rows) in [("FAIL", &d.failing), ("marginal", &d.marginal)] {
            for c in rows.iter().take(LISTED) {
                let _ = writeln!(t, "- {label}: {}", describe(c));
            }
            if rows.len() > LISTED {
                let _ = writeln!(
                    t,
                    "- ... {} more {label} check(s) in `review.duty`",
                    rows.len() - LISTED
                );
            }
        }
        if !d.unrated_elements.is_empty() {
            let shown: Vec<&str> = d
                .unrated_elements
                .iter()
                .take(LISTED)
                .map(String::as_str)
                .collect();
            let _ = writeln!(
                t,
                "Without ratings (listed as unrated with the duty they must withstand): {}{}. \
                 Give bus `ratings`, switch `kind` and `ratings`, line `conductor` to have them \
                 checked.",
                shown.join(", "),
                if d.unrated_elements.len() > LISTED {
                    ", ..."
                } else {
                    ""
                }
            );
        }
    }

    fn earth_text(&self, t: &mut String) {
        match &self.earth_fault_missing {
            Some(why) => {
                let _ = writeln!(
                    t,
                    "Earth faults: the line-to-earth study could not run: {why}"
                );
            }
            None if self.earth_above_three_phase.is_empty() => {
                let _ = writeln!(
                    t,
                    "Earth faults: no bus has a line-to-earth I''k1 above its three-phase I''k."
                );
            }
            None => {
                let _ = writeln!(
                    t,
                    "Earth faults above the three-phase current (I''k1 > I''k, typical near solidly \
                     earthed star points; check switchgear rated for I''k only):"
                );
                for (bus, k1, k3) in &self.earth_above_three_phase {
                    let _ = writeln!(
                        t,
                        "- {bus}: I''k1 = {k1:.2} kA > I''k = {k3:.2} kA ({:.0} % of it)",
                        k1 / k3 * 100.0
                    );
                }
            }
        }
    }
}

/// One check of the core in words: element, check, duty against rating, utilization and the
/// governing case.
fn describe(c: &DutyCheck) -> String {
    let table = match c.table {
        Table::Buses => "bus",
        Table::Switches => "switch",
        Table::Lines => "line",
        other => other.key(),
    };
    let rating = c
        .rating
        .map_or_else(|| "no rating".to_string(), |r| format!("{r:.2} {}", c.unit));
    let utilization = c
        .utilization_percent
        .map(|u| format!(" ({u:.0} %)"))
        .unwrap_or_default();
    let mut case = Vec::new();
    if let Some(f) = c.fault {
        case.push(format!("{} fault", f.as_str()));
    }
    if let Some(l) = &c.location {
        case.push(format!("at {l}"));
    }
    if let Some(s) = &c.scenario {
        case.push(format!("scenario {s}"));
    }
    format!(
        "{table} {}, {}: {:.2} {} against {rating}{utilization}, {}; {}",
        c.element,
        c.check.as_str(),
        c.duty,
        c.unit,
        case.join(" "),
        c.note
    )
}

fn fmt_kv(kv: f64) -> String {
    let s = format!("{kv:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ampflux_core::duty::{Check, DutyOptions, equipment_duty};
    use ampflux_core::{FaultKind, Network, StudyOptions, short_circuit};

    /// A 20/0.4 kV substation whose LV breaker passes its breaking check and whose cable
    /// fails its adiabatic withstand: a check only the core's duty study knows.
    fn net() -> Network {
        Network::from_json(
            r#"{"buses": [{"id": "Q", "vn_kv": 20.0}, {"id": "F", "vn_kv": 0.4, "ratings": {"icw_ka": 10, "icw_duration_s": 1, "ipk_ka": 100}},
                          {"id": "G", "vn_kv": 0.4}],
                "external_grids": [{"id": "Grid", "bus": "Q", "s_sc_max_mva": 346.41, "rx_max": 0.1,
                                    "x0x_max": 1.0, "r0x0_max": 0.1}],
                "transformers": [{"id": "T1", "hv_bus": "Q", "lv_bus": "F", "sn_mva": 0.63, "vn_hv_kv": 20.0,
                                  "vn_lv_kv": 0.41, "vk_percent": 4.0, "vkr_percent": 1.0317, "vector_group": "Dyn5",
                                  "vk0_percent": 4.0, "vkr0_percent": 1.0317}],
                "lines": [{"id": "C1", "from_bus": "F", "to_bus": "G", "length_km": 0.05, "r_ohm_per_km": 0.124,
                           "x_ohm_per_km": 0.08, "r0_ohm_per_km": 0.5, "x0_ohm_per_km": 0.3,
                           "conductor": {"material": "cu", "insulation": "pvc", "cross_section_mm2": 10}}],
                "switches": [{"id": "QF", "bus": "F", "element": "T1", "closed": true, "kind": "breaker",
                              "ratings": {"breaking_ka": 50}}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_findings_are_the_core_checks() {
        let net = net();
        let r3 = short_circuit(&net, &StudyOptions::default()).unwrap();
        let o1 = StudyOptions {
            fault: FaultKind::LineToEarth,
            ..StudyOptions::default()
        };
        let r1 = short_circuit(&net, &o1).unwrap();
        let duty = equipment_duty(&net, &DutyOptions::default()).unwrap();
        let s3 = ReviewStudy {
            label: "three-phase",
            simulation_id: "s3",
            report: &r3,
        };
        let s1 = ReviewStudy {
            label: "line-to-earth",
            simulation_id: "s1",
            report: &r1,
        };
        let d = DutyStudy {
            simulation_id: "d",
            report: &duty,
        };
        let review = Review::new(1, &s3, Ok(&s1), Ok(&d));
        let found = review.duty.as_ref().unwrap();
        let want: Vec<&DutyCheck> = duty
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(found.failing.len(), want.len());
        for c in want {
            assert!(found.failing.contains(c), "{c:?} missing");
        }
        let cable = duty.check("C1", Check::CableThermal).unwrap();
        assert_eq!(cable.verdict, Verdict::Fail);
        assert_eq!(found.summary, duty.summary);
        assert!(found.unrated_elements.contains(&"G".to_string()));
        let text = review.text(&[s3, s1]);
        assert!(text.starts_with("**Rule-based engineering review, not from a language model.**"));
        assert!(text.contains("- FAIL: line C1, cable_thermal:"), "{text}");
        assert!(text.contains("equipment duty (simulation d)"), "{text}");
        assert_eq!(review.highest[0].id, "F");

        // without the duty study the review says why
        let review = Review::new(1, &s3, Err("no".into()), Err("switched off".into()));
        let text = review.text(&[]);
        assert!(text.contains("the duty study could not run: switched off"));
        assert!(text.contains("the line-to-earth study could not run: no"));
    }
}

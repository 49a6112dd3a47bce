//! The rule-based engineering review: what the assistant answers when no language model is
//! configured. Fixed rules over the reports the core computed (through the simulations' job
//! path) on the project's latest circuit version; the server only compares and formats.
//!
//! Ratings: the typed rating fields of the format (the core moves the older `meta` keys of
//! the same meaning into them when it reads a document, see its `format::meta_ratings`):
//!
//! | element | field | rating | compared with |
//! |---|---|---|---|
//! | bus | `ratings.icw_ka` | rated short-time withstand current I_cw (for T_k of the study) | I_th |
//! | bus | `ratings.ipk_ka` | rated peak withstand current I_pk | i_p |
//! | switch | `ratings.breaking_ka` | rated short-circuit breaking current | I_b at the switch's bus |
//! | switch | `ratings.making_ka` | rated short-circuit making current (peak) | i_p at the switch's bus |
//!
//! Each duty is the largest over the fault types computed (three-phase and line-to-earth,
//! maximum case). For a switch the duty is the whole fault current of its bus, which is on
//! the safe side (the switch's own branch contribution is not subtracted).

use std::fmt::Write as _;

use ampflux_core::{BusResult, BusStatus, Network, StudyReport};
use serde::Serialize;

/// The quantity of a bus result a rating is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// Thermal equivalent short-time current I_th.
    Ith,
    /// Peak short-circuit current i_p.
    Ip,
    /// Symmetrical short-circuit breaking current I_b.
    Ib,
}

impl Duty {
    fn of(self, r: &BusResult) -> f64 {
        match self {
            Duty::Ith => r.ith_ka,
            Duty::Ip => r.ip_ka,
            Duty::Ib => r.ib_ka,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Duty::Ith => "I_th",
            Duty::Ip => "i_p",
            Duty::Ib => "I_b",
        }
    }
}

/// A rating found in the circuit.
#[derive(Clone, Debug, Serialize)]
pub struct Rating {
    /// Element id (bus or switch).
    pub element: String,
    /// `bus` or `switch`.
    pub table: &'static str,
    /// The bus whose fault currents it is compared with.
    pub bus: String,
    /// The rating field it was read from (`icw_ka`, `ipk_ka`, `breaking_ka`, `making_ka`).
    pub key: &'static str,
    /// The rated current in kA.
    pub rated_ka: f64,
    /// The computed quantity compared with it.
    pub duty: Duty,
}

/// Every rating given in the rating fields of buses and switches (see the module docs).
pub fn ratings(net: &Network) -> Vec<Rating> {
    let mut out = Vec::new();
    let mut add = |element: &str, table: &'static str, bus: &str, key, rated: Option<f64>, duty| {
        if let Some(v) = rated.filter(|v| v.is_finite() && *v > 0.0) {
            out.push(Rating {
                element: element.to_string(),
                table,
                bus: bus.to_string(),
                key,
                rated_ka: v,
                duty,
            });
        }
    };
    for b in &net.buses {
        let r = b.ratings.as_ref();
        add(
            &b.id,
            "bus",
            &b.id,
            "icw_ka",
            r.and_then(|r| r.icw_ka),
            Duty::Ith,
        );
        add(
            &b.id,
            "bus",
            &b.id,
            "ipk_ka",
            r.and_then(|r| r.ipk_ka),
            Duty::Ip,
        );
    }
    for s in &net.switches {
        let r = s.ratings.as_ref();
        add(
            &s.id,
            "switch",
            &s.bus,
            "breaking_ka",
            r.and_then(|r| r.breaking_ka),
            Duty::Ib,
        );
        add(
            &s.id,
            "switch",
            &s.bus,
            "making_ka",
            r.and_then(|r| r.making_ka),
            Duty::Ip,
        );
    }
    out
}

/// One study of the review.
pub struct ReviewStudy<'a> {
    /// `three-phase` or `line-to-earth`.
    pub label: &'static str,
    /// The simulation that holds it.
    pub simulation_id: &'a str,
    /// The core's report.
    pub report: &'a StudyReport,
}

/// A rating compared with its computed duty.
#[derive(Clone, Debug, Serialize)]
pub struct RatingCheck {
    /// The rating.
    pub rating: Rating,
    /// The largest computed duty in kA.
    pub duty_ka: f64,
    /// The study it comes from.
    pub study: &'static str,
    /// duty / rating.
    pub utilisation: f64,
}

/// The findings of the review (also rendered as text by [`Review::text`]).
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// Circuit version reviewed.
    pub version: i64,
    /// Buses with the highest three-phase I''k (max case), highest first.
    pub highest: Vec<BusResult>,
    /// Ratings exceeded by a computed duty, worst first.
    pub exceeded: Vec<RatingCheck>,
    /// Ratings loaded above 90 % but not exceeded.
    pub close: Vec<RatingCheck>,
    /// Ratings checked in all.
    pub ratings_checked: usize,
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

impl Review {
    /// Applies the rules to the three-phase report and, when it could be computed, the
    /// line-to-earth one.
    pub fn new(
        net: &Network,
        version: i64,
        three_phase: &ReviewStudy<'_>,
        earth: Result<&ReviewStudy<'_>, String>,
    ) -> Review {
        let mut highest: Vec<BusResult> = three_phase
            .report
            .buses
            .iter()
            .filter(|b| b.status == BusStatus::Ok)
            .cloned()
            .collect();
        highest.sort_by(|a, b| b.ikss_ka.total_cmp(&a.ikss_ka).then(a.id.cmp(&b.id)));
        highest.truncate(TOP);

        let mut studies = vec![three_phase];
        if let Ok(e) = &earth {
            studies.push(e);
        }
        let rated = ratings(net);
        let mut exceeded = Vec::new();
        let mut close = Vec::new();
        for rating in &rated {
            let worst = studies
                .iter()
                .filter_map(|s| {
                    s.report
                        .bus(&rating.bus)
                        .map(|r| (rating.duty.of(r), s.label))
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let Some((duty_ka, study)) = worst else {
                continue;
            };
            let check = RatingCheck {
                rating: rating.clone(),
                duty_ka,
                study,
                utilisation: duty_ka / rating.rated_ka,
            };
            if check.utilisation > 1.0 {
                exceeded.push(check);
            } else if check.utilisation >= 0.9 {
                close.push(check);
            }
        }
        exceeded.sort_by(|a, b| b.utilisation.total_cmp(&a.utilisation));
        close.sort_by(|a, b| b.utilisation.total_cmp(&a.utilisation));

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
        Review {
            version,
            highest,
            exceeded,
            close,
            ratings_checked: rated.len(),
            earth_above_three_phase: earth_above,
            unsupplied,
            earth_fault_missing: earth.err(),
            warnings: studies.iter().map(|s| s.report.warnings.len()).sum(),
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
             interpreted. These findings are fixed rules applied to short-circuit currents that \
             the AmpFlux engine computed per IEC 60909-0 on circuit version {}.",
            self.version
        );
        let _ = writeln!(t);
        let listed: Vec<String> = studies
            .iter()
            .map(|s| format!("{} max (simulation {})", s.label, s.simulation_id))
            .collect();
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
        if self.ratings_checked == 0 {
            let _ = writeln!(
                t,
                "Ratings: the circuit gives none. Add them (bus `ratings.icw_ka`, `ratings.ipk_ka`; \
                 switch `ratings.breaking_ka`, `ratings.making_ka`, in kA) to have them checked."
            );
        } else if self.exceeded.is_empty() {
            let _ = writeln!(
                t,
                "Ratings: none of the {} ratings in the circuit is exceeded.",
                self.ratings_checked
            );
        } else {
            let _ = writeln!(
                t,
                "Ratings exceeded ({} of {} checked):",
                self.exceeded.len(),
                self.ratings_checked
            );
        }
        for c in &self.exceeded {
            let _ = writeln!(t, "- EXCEEDED: {}", describe(c));
        }
        for c in &self.close {
            let _ = writeln!(t, "- above 90 %: {}", describe(c));
        }
        let _ = writeln!(t);
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
}

fn describe(c: &RatingCheck) -> String {
    let what = match c.rating.table {
        "bus" => format!("bus {}", c.rating.element),
        _ => format!("switch {} at bus {}", c.rating.element, c.rating.bus),
    };
    format!(
        "{what}: {} = {:.2} kA ({}) against {} = {:.2} kA ({:.0} %)",
        c.rating.duty.label(),
        c.duty_ka,
        c.study,
        c.rating.key,
        c.rating.rated_ka,
        c.utilisation * 100.0
    )
}

fn fmt_kv(kv: f64) -> String {
    let s = format!("{kv:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ampflux_core::{FaultKind, StudyOptions, short_circuit};

    fn net() -> Network {
        let mut net = Network::from_json(
            r#"{"buses": [{"id": "Q", "vn_kv": 20.0}, {"id": "F", "vn_kv": 0.4, "meta": {"icw_ka": 10, "ipk_ka": 100}}],
                "external_grids": [{"id": "Grid", "bus": "Q", "s_sc_max_mva": 346.41, "rx_max": 0.1,
                                    "x0x_max": 1.0, "r0x0_max": 0.1}],
                "transformers": [{"id": "T1", "hv_bus": "Q", "lv_bus": "F", "sn_mva": 0.63, "vn_hv_kv": 20.0,
                                  "vn_lv_kv": 0.41, "vk_percent": 4.0, "vkr_percent": 1.0317, "vector_group": "Dyn5",
                                  "vk0_percent": 4.0, "vkr0_percent": 1.0317}],
                "switches": [{"id": "QF", "bus": "F", "element": "T1", "closed": true, "meta": {"isc_ka": 50}}]}"#,
        )
        .unwrap();
        net.name = Some("t".into());
        net
    }

    #[test]
    fn ratings_are_compared_with_the_core_results() {
        let net = net();
        assert_eq!(ratings(&net).len(), 3);
        let r3 = short_circuit(&net, &StudyOptions::default()).unwrap();
        let o1 = StudyOptions {
            fault: FaultKind::LineToEarth,
            ..StudyOptions::default()
        };
        let r1 = short_circuit(&net, &o1).unwrap();
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
        let review = Review::new(&net, 1, &s3, Ok(&s1));
        // about 22 kA at F: I_cw 10 kA is exceeded, I_pk 100 kA and I_sc 50 kA are not
        let f3 = r3.bus("F").unwrap();
        let f1 = r1.bus("F").unwrap();
        assert_eq!(review.exceeded.len(), 1);
        let c = &review.exceeded[0];
        assert_eq!(c.rating.key, "icw_ka");
        assert!((c.duty_ka - f3.ith_ka.max(f1.ith_ka)).abs() < 1e-12);
        assert_eq!(review.highest[0].id, "F");
        // Dyn transformer with Z0 = Z1: I''k1 slightly above I''k3 at F
        assert_eq!(
            review
                .earth_above_three_phase
                .iter()
                .any(|(b, ..)| b == "F"),
            f1.ikss_ka > f3.ikss_ka
        );
        let text = review.text(&[s3, s1]);
        assert!(text.starts_with("**Rule-based engineering review, not from a language model.**"));
        assert!(text.contains("EXCEEDED: bus F"));
        assert!(text.contains(&format!("{:.2} kA", f3.ikss_ka)));
    }
}

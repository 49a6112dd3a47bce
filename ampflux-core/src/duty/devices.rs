//! Which checks apply to which device, with the quantity each compares and the rating it is
//! compared with, and the envelope of each check over the cases.
//!
//! | device | checks (unrated when the rating is missing) | duty |
//! |---|---|---|
//! | bus | `peak`, `short_time` | i_p; I_th referred to the rated duration |
//! | line | `cable_thermal` | cross-section needed, I_th(t)·√t / (k·parallel) |
//! | breaker above 1 kV | `breaking`, `breaking_asym`, `dc_component`, `making` (2.5/2.6·I_sc when not given), `short_time`; `service_breaking`, `peak` when given | I_b, I_b,asym, i_DC, i_p, I_th |
//! | breaker at most 1 kV | `breaking` (I_cu), `making` (n·I_cu when not given); `service_breaking`, `short_time`, `peak` when given | I''k, i_p, I_th |
//! | fuse | `breaking` | I''k |
//! | load-break switch | `making`, `short_time`; `peak` when given | i_p, I_th |
//! | disconnector | `short_time`, `peak`; `making` when given | I_th, i_p |

use std::collections::HashMap;

use super::envelope::{Case, Currents};
use super::feeding::Feeding;
use super::options::{DutyBasis, DutyOptions};
use super::report::{Check, DutyCheck, Verdict};
use super::rules;
use crate::iec60909::factors::LV_LIMIT_KV;
use crate::iec60909::peak::thermal_m;
use crate::model::{Bus, Line, Network, Switch, SwitchKind, Table, in_service};

/// What the evaluation needs: the network, the options and the cases of the envelope.
pub(crate) struct Evaluation<'a> {
    pub net: &'a Network,
    pub options: &'a DutyOptions,
    pub cases: &'a [Case],
    /// The network of each scenario, by id (for the in-service state of devices).
    pub scenario_nets: &'a HashMap<String, Network>,
    /// Nominal voltage of every bus by id.
    pub bus_vn: HashMap<&'a str, f64>,
    /// The bridges of each scenario's network, by id (`through` basis only).
    pub feeding: &'a HashMap<String, Feeding>,
}

/// The duty of a check from the currents of one case (`None`: not reported by the study).
type Quantity<'q> = Box<dyn Fn(&Currents) -> Option<f64> + 'q>;

/// One check of one device: the quantity it compares, and the rating.
struct Spec<'q> {
    check: Check,
    quantity: Quantity<'q>,
    rating: Option<f64>,
    unit: &'static str,
    note: String,
}

impl<'q> Spec<'q> {
    fn new(
        check: Check,
        rating: Option<f64>,
        note: impl Into<String>,
        quantity: impl Fn(&Currents) -> Option<f64> + 'q,
    ) -> Spec<'q> {
        Spec {
            check,
            quantity: Box::new(quantity),
            rating,
            unit: check.unit(),
            note: note.into(),
        }
    }
}

/// Where a device draws its currents from in one case: (location, currents) pairs.
type Candidates = Vec<(String, Currents)>;

fn kv(v: f64) -> String {
    format!("{}", (v * 1e6).round() / 1e6)
}

impl Evaluation<'_> {
    /// Every row, buses, lines and switches in document order; `skipped` collects the
    /// checks left out because the study does not report their quantity.
    pub fn rows(&self, skipped: &mut Vec<(Check, String)>) -> Vec<DutyCheck> {
        let mut rows = Vec::new();
        for (i, b) in self.net.buses.iter().enumerate() {
            let c = self.per_case(|case, snet| {
                if !in_service(snet.buses[i].in_service) {
                    return Vec::new();
                }
                case.at_bus(&b.id)
                    .map(|c| vec![(b.id.clone(), c)])
                    .unwrap_or_default()
            });
            self.push(
                &mut rows,
                Table::Buses,
                &b.id,
                &c,
                bus_specs(b, self),
                skipped,
            );
        }
        for (i, l) in self.net.lines.iter().enumerate() {
            let c = self.per_case(|case, snet| {
                if !in_service(snet.lines[i].in_service) {
                    return Vec::new();
                }
                match self.options.duty_basis {
                    DutyBasis::BusTotal => [&l.from_bus, &l.to_bus]
                        .into_iter()
                        .filter_map(|bus| case.at_bus(bus).map(|c| (bus.clone(), c)))
                        .collect(),
                    DutyBasis::Through => case.through_branch(&l.id, self.feeding_of(case)),
                }
            });
            self.push(
                &mut rows,
                Table::Lines,
                &l.id,
                &c,
                line_specs(l, self),
                skipped,
            );
        }
        for (i, s) in self.net.switches.iter().enumerate() {
            let tie = self.bus_vn.contains_key(s.element.as_str());
            let mut fallback = false;
            let c = self.per_case(|case, snet| {
                if !in_service(snet.switches[i].in_service) {
                    return Vec::new();
                }
                let at_buses = || -> Candidates {
                    let mut ends = vec![&s.bus];
                    if tie {
                        ends.push(&s.element);
                    }
                    ends.into_iter()
                        .filter_map(|bus| case.at_bus(bus).map(|c| (bus.clone(), c)))
                        .collect()
                };
                match self.options.duty_basis {
                    DutyBasis::BusTotal => at_buses(),
                    DutyBasis::Through if tie => {
                        let through = case.through_branch(&s.id, self.feeding_of(case));
                        if through.is_empty() && snet.switches[i].closed {
                            // a zero-impedance tie merges its buses: no current of its own
                            fallback = true;
                            at_buses()
                        } else {
                            through
                        }
                    }
                    DutyBasis::Through => case.through_switch(
                        &s.bus,
                        &s.element,
                        &self.options.study,
                        self.feeding_of(case),
                    ),
                }
            });
            let mut specs = switch_specs(s, self);
            if fallback {
                for spec in &mut specs {
                    spec.note.push_str(
                        "; a closed tie without contact impedance merges its buses, so its \
                         duty is the bus fault current",
                    );
                }
            }
            self.push(&mut rows, Table::Switches, &s.id, &c, specs, skipped);
        }
        rows
    }

    /// The bridges of a case's scenario network (built for every scenario with `through`).
    fn feeding_of(&self, case: &Case) -> &Feeding {
        let Some(f) = self.feeding.get(&case.scenario) else {
            unreachable!("the duty study builds the feeding of every scenario for `through`")
        };
        f
    }

    /// The candidates of every case: (case index, location, currents).
    fn per_case(
        &self,
        mut f: impl FnMut(&Case, &Network) -> Candidates,
    ) -> Vec<(usize, String, Currents)> {
        let mut out = Vec::new();
        for (k, case) in self.cases.iter().enumerate() {
            let snet = &self.scenario_nets[&case.scenario];
            for (loc, c) in f(case, snet) {
                out.push((k, loc, c));
            }
        }
        out
    }

    /// Evaluates `specs` over the candidates and appends the rows.
    fn push(
        &self,
        rows: &mut Vec<DutyCheck>,
        table: Table,
        id: &str,
        candidates: &[(usize, String, Currents)],
        specs: Vec<Spec<'_>>,
        skipped: &mut Vec<(Check, String)>,
    ) {
        for spec in specs {
            let mut best: Option<(f64, usize, &str)> = None;
            let mut reported = false;
            for (k, loc, c) in candidates {
                if let Some(v) = (spec.quantity)(c) {
                    reported = true;
                    // a case that only equals the best to rounding does not replace it, so
                    // that ties name the first case (base scenario, 3ph first)
                    if best.is_none_or(|(b, _, _)| v > b + 1e-9 * b.abs()) {
                        best = Some((v, *k, loc));
                    }
                }
            }
            if !reported && !candidates.is_empty() {
                skipped.push((spec.check, id.to_string()));
                continue;
            }
            let duty = best.map_or(0.0, |b| b.0);
            let (utilization, verdict) = match spec.rating {
                Some(r) => {
                    let u = rules::utilization_percent(duty, r);
                    (Some(u), rules::verdict(u, self.options.marginal_percent))
                }
                None => (None, Verdict::Unrated),
            };
            let case = best.map(|(_, k, loc)| (&self.cases[k], loc));
            rows.push(DutyCheck {
                element: id.to_string(),
                table,
                check: spec.check,
                duty,
                rating: spec.rating,
                unit: spec.unit.to_string(),
                utilization_percent: utilization,
                verdict,
                fault: case.map(|(c, _)| c.fault),
                location: case.map(|(_, loc)| loc.to_string()),
                scenario: case.map(|(c, _)| c.scenario.clone()),
                note: spec.note,
            });
        }
    }

    fn tk(&self) -> f64 {
        self.options.study.tk_s
    }
}

/// The short-time check of a device with rating (I_cw, t_r), or unrated.
fn short_time<'q>(icw: Option<f64>, duration: Option<f64>, tk: f64, standard: &str) -> Spec<'q> {
    match (icw, duration) {
        (Some(icw), Some(tr)) => Spec::new(
            Check::ShortTime,
            Some(icw),
            format!(
                "I_th over T_k = {tk} s referred to the rated {tr} s by equal I²t \
                 (IEC 60865-1 clause 7) vs I_cw ({standard})"
            ),
            move |c| Some(rules::short_time_equivalent_ka(c.ith, tk, tr)),
        ),
        _ => Spec::new(
            Check::ShortTime,
            None,
            format!("I_th over T_k = {tk} s; no rated short-time withstand current ({standard})"),
            |c| Some(c.ith),
        ),
    }
}

fn peak<'q>(ipk: Option<f64>, standard: &str) -> Spec<'q> {
    let note = match ipk {
        Some(_) => format!("i_p vs the rated peak withstand current ({standard})"),
        None => format!("i_p; no rated peak withstand current ({standard})"),
    };
    Spec::new(Check::Peak, ipk, note, |c| Some(c.ip))
}

fn bus_specs<'q>(b: &Bus, ev: &Evaluation<'_>) -> Vec<Spec<'q>> {
    let r = b.ratings.clone().unwrap_or_default();
    let standard = "IEC 61439-1 §5.3, IEC 62271-1";
    vec![
        peak(r.ipk_ka, standard),
        short_time(r.icw_ka, r.icw_duration_s, ev.tk(), standard),
    ]
}

fn line_specs<'q>(l: &Line, ev: &Evaluation<'_>) -> Vec<Spec<'q>> {
    let tk = ev.tk();
    let t = l.clearing_time_s.unwrap_or(tk);
    let f = ev.net.frequency_hz;
    // I_th over the clearing time: the study's I_th when it is T_k, else
    // I''k·√(m(κ, f, t) + n) with n = 1 (IEC 60909-0:2016 §12, eq. 100; n ≤ 1, so 1 is the
    // upper bound of the a.c. decay)
    let ith = move |c: &Currents| -> f64 {
        if (t - tk).abs() <= 1e-12 * tk {
            c.ith
        } else {
            c.ikss * (thermal_m(c.kappa, f, t) + 1.0).sqrt()
        }
    };
    let parallel = l.parallel.unwrap_or(1);
    let source = if l.clearing_time_s.is_some() {
        "the line's clearing time"
    } else {
        "the study's T_k"
    };
    match &l.conductor {
        Some(cond) => {
            let k = cond.k.unwrap_or_else(|| {
                rules::conductor_k(cond.material, cond.insulation, cond.cross_section_mm2)
            });
            let k_source = if cond.k.is_some() {
                "given"
            } else {
                "IEC 60949 for the insulation's temperatures"
            };
            let note = format!(
                "cross-section needed: I_th·√t/k with t = {t} s ({source}), k = {k:.1} \
                 ({k_source}){} (IEC 60364-4-43 §434.5.2)",
                if parallel > 1 {
                    format!(", {parallel} circuits sharing the current")
                } else {
                    String::new()
                }
            );
            vec![Spec::new(
                Check::CableThermal,
                Some(cond.cross_section_mm2),
                note,
                move |c| Some(rules::required_cross_section_mm2(ith(c), t, k, parallel)),
            )]
        }
        None => {
            let mut spec = Spec::new(
                Check::CableThermal,
                None,
                format!("I_th over t = {t} s ({source}); no conductor data"),
                move |c| Some(ith(c)),
            );
            spec.unit = "kA";
            vec![spec]
        }
    }
}

fn switch_specs<'q>(s: &Switch, ev: &Evaluation<'_>) -> Vec<Spec<'q>> {
    let r = s.ratings.clone().unwrap_or_default();
    let vn = ev
        .bus_vn
        .get(s.bus.as_str())
        .copied()
        .unwrap_or(f64::INFINITY);
    let lv = vn <= LV_LIMIT_KV;
    let tk = ev.tk();
    let tmin = ev.options.study.tmin_s;
    let f = ev.net.frequency_hz;
    let mut specs = Vec::new();
    match s.kind {
        SwitchKind::Breaker if lv => {
            specs.push(Spec::new(
                Check::Breaking,
                r.breaking_ka,
                "I''k vs the rated ultimate short-circuit breaking capacity I_cu (IEC 60947-2 §4.3.5.2.1)",
                |c| Some(c.ikss),
            ));
            if let Some(ics) = r.service_breaking_ka {
                specs.push(Spec::new(
                    Check::ServiceBreaking,
                    Some(ics),
                    "I''k vs the rated service short-circuit breaking capacity I_cs (IEC 60947-2 §4.3.5.2.2)",
                    |c| Some(c.ikss),
                ));
            }
            specs.push(making(r.making_ka, r.breaking_ka, |icu| {
                let n = rules::lv_making_factor(icu);
                (
                    n * icu,
                    format!("n·I_cu = {n} × {icu} kA (IEC 60947-2 Table 2)"),
                )
            }));
            if r.icw_ka.is_some() {
                specs.push(short_time(
                    r.icw_ka,
                    r.icw_duration_s,
                    tk,
                    "IEC 60947-2 §4.3.5.4",
                ));
            }
            if r.ipk_ka.is_some() {
                specs.push(peak(r.ipk_ka, "IEC 62271-1 §5.7"));
            }
        }
        SwitchKind::Breaker => {
            specs.push(Spec::new(
                Check::Breaking,
                r.breaking_ka,
                format!(
                    "I_b at t_min = {tmin} s vs the rated short-circuit breaking current I_sc \
                     (IEC 62271-100 §4.101)"
                ),
                |c| Some(c.ib),
            ));
            specs.extend(asymmetrical(&r, tmin, f));
            if let Some(ics) = r.service_breaking_ka {
                specs.push(Spec::new(
                    Check::ServiceBreaking,
                    Some(ics),
                    format!("I_b at t_min = {tmin} s vs the rated service breaking current"),
                    |c| Some(c.ib),
                ));
            }
            specs.push(making(r.making_ka, r.breaking_ka, |isc| {
                let n = rules::hv_making_factor(f);
                (
                    n * isc,
                    format!("{n} × I_sc = {n} × {isc} kA at {f} Hz (IEC 62271-100 §4.103)"),
                )
            }));
            specs.push(short_time(
                r.icw_ka,
                r.icw_duration_s,
                tk,
                "IEC 62271-1 §5.6",
            ));
            if r.ipk_ka.is_some() {
                specs.push(peak(r.ipk_ka, "IEC 62271-1 §5.7"));
            }
        }
        SwitchKind::Fuse => specs.push(Spec::new(
            Check::Breaking,
            r.breaking_ka,
            "prospective I''k vs the rated breaking capacity (IEC 60282-1, IEC 60269-1)",
            |c| Some(c.ikss),
        )),
        SwitchKind::LoadBreak => {
            specs.push(Spec::new(
                Check::Making,
                r.making_ka,
                "i_p vs the rated short-circuit making current (IEC 62271-103, IEC 60947-3)",
                |c| Some(c.ip),
            ));
            specs.push(short_time(
                r.icw_ka,
                r.icw_duration_s,
                tk,
                "IEC 62271-1 §5.6",
            ));
            if r.ipk_ka.is_some() {
                specs.push(peak(r.ipk_ka, "IEC 62271-1 §5.7"));
            }
        }
        SwitchKind::Disconnector => {
            specs.push(short_time(
                r.icw_ka,
                r.icw_duration_s,
                tk,
                "IEC 62271-102, IEC 62271-1 §5.6",
            ));
            specs.push(peak(r.ipk_ka, "IEC 62271-102, IEC 62271-1 §5.7"));
            if r.making_ka.is_some() {
                specs.push(Spec::new(
                    Check::Making,
                    r.making_ka,
                    "i_p vs the rated short-circuit making current",
                    |c| Some(c.ip),
                ));
            }
        }
    }
    specs
}

/// The making check of a breaker: the given rating, else the standard's ratio to the
/// breaking rating (`derive`), else unrated.
fn making<'q>(
    making_ka: Option<f64>,
    breaking_ka: Option<f64>,
    derive: impl Fn(f64) -> (f64, String),
) -> Spec<'q> {
    let (rating, note) = match (making_ka, breaking_ka) {
        (Some(m), _) => (
            Some(m),
            "i_p vs the rated short-circuit making current".to_string(),
        ),
        (None, Some(b)) => {
            let (m, how) = derive(b);
            (
                Some(m),
                format!("i_p vs the rated short-circuit making current, not given: {how}"),
            )
        }
        (None, None) => (
            None,
            "i_p; no rated making current (nor a breaking current to derive it from)".to_string(),
        ),
    };
    Spec::new(Check::Making, rating, note, |c| Some(c.ip))
}

/// The rated d.c. component in percent of a breaker with ratings `r`, and where it comes
/// from: given, else τ = 45 ms at contact separation T_op + T_r, else at the study's t_min
/// (IEC 62271-100:2008 §4.101.2).
fn rated_dc(r: &crate::model::SwitchRatings, tmin: f64, f: f64) -> (f64, String) {
    match (r.dc_percent, r.opening_time_s) {
        (Some(dc), _) => (dc, "given".to_string()),
        (None, Some(top)) => {
            let t = top + rules::relay_time_s(f);
            (
                rules::rated_dc_percent(t, rules::STANDARD_DC_TIME_CONSTANT_S),
                format!("τ = 45 ms at T_op + T_r = {} s", kv(t)),
            )
        }
        (None, None) => (
            rules::rated_dc_percent(tmin, rules::STANDARD_DC_TIME_CONSTANT_S),
            format!("τ = 45 ms at t_min = {tmin} s"),
        ),
    }
}

/// The asymmetrical breaking checks of a high-voltage breaker (IEC 62271-100:2008
/// §4.101.2): I_b,asym against the asymmetrical rating, and the network's d.c. component
/// i_DC at t_min (IEC 60909-0:2016 eq. 64) against the rated one, √2·I_sc·%dc/100, which
/// fails where the network's X/R gives more d.c. at contact separation than the breaker's
/// rated time constant covers.
fn asymmetrical<'q>(r: &crate::model::SwitchRatings, tmin: f64, f: f64) -> Vec<Spec<'q>> {
    let Some(isc) = r.breaking_ka else {
        return vec![
            Spec::new(
                Check::BreakingAsym,
                None,
                "I_b,asym; no rated breaking current",
                |c| c.ib_asym,
            ),
            Spec::new(
                Check::DcComponent,
                None,
                format!("i_DC at t_min = {tmin} s; no rated breaking current"),
                |c| c.idc,
            ),
        ];
    };
    let (dc, how) = rated_dc(r, tmin, f);
    vec![
        Spec::new(
            Check::BreakingAsym,
            Some(rules::asymmetrical_breaking_ka(isc, dc)),
            format!(
                "I_b,asym = √(I_b² + i_DC²) at t_min = {tmin} s vs I_sc·√(1 + 2·(%dc/100)²) with \
                 %dc = {dc:.1} % ({how}) (IEC 62271-100 §4.101.2)"
            ),
            |c| c.ib_asym,
        ),
        Spec::new(
            Check::DcComponent,
            Some(rules::rated_dc_ka(isc, dc)),
            format!(
                "i_DC at t_min = {tmin} s (IEC 60909-0 eq. 64) vs the rated d.c. component \
                 √2·I_sc·%dc/100 with %dc = {dc:.1} % ({how}) (IEC 62271-100 §4.101.2)"
            ),
            |c| c.idc,
        ),
    ]
}

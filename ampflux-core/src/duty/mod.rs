//! Equipment duty: does every breaker, fuse, switch, busbar and cable withstand and
//! interrupt the short-circuit currents it can see?
//!
//! [`equipment_duty`] runs one IEC 60909 study (maximum case) per fault type the network
//! allows and per chosen scenario, takes for every device and check the largest duty over
//! that envelope, compares it with the device's rating and names the governing fault type,
//! location and scenario. The checks and their standards are listed in the `devices` module
//! (see its table); the formulas are in [`rules`], each with its clause.
//!
//! A device without a rating is listed as `unrated` with the duty it must withstand, never
//! skipped. The duty of a switch or cable is the fault current of its bus (`duty_basis =
//! bus_total`, default) or the current through it (`through`, from branch results).
//!
//! ```
//! use ampflux_core::duty::{Check, DutyOptions, Verdict, equipment_duty};
//! let net = ampflux_core::Network::from_json(r#"{
//!   "buses": [{"id": "MV", "vn_kv": 20, "ratings": {"ipk_ka": 40, "icw_ka": 16, "icw_duration_s": 1}},
//!             {"id": "MV2", "vn_kv": 20}],
//!   "external_grids": [{"id": "Q", "bus": "MV", "s_sc_max_mva": 500, "rx_max": 0.1}],
//!   "switches": [{"id": "Q1", "bus": "MV", "element": "MV2", "closed": true, "kind": "breaker",
//!                 "ratings": {"breaking_ka": 12.5}}]}"#).unwrap();
//! let report = equipment_duty(&net, &DutyOptions::default()).unwrap();
//! // S''kQ = 500 MVA at 20 kV: I_b = I''k = 500/(√3·20) = 14.43 kA > 12.5 kA
//! let breaking = report.check("Q1", Check::Breaking).unwrap();
//! assert_eq!(breaking.verdict, Verdict::Fail);
//! assert!((breaking.duty - 14.434).abs() < 1e-3);
//! assert_eq!(breaking.location.as_deref(), Some("MV"));
//! ```

mod devices;
mod envelope;
mod feeding;
mod options;
mod report;
pub mod rules;

use std::collections::HashMap;

pub use options::{DutyBasis, DutyOptions};
pub use report::{Check, DutyCase, DutyCheck, DutyReport, DutySummary, Verdict};

use crate::error::{Error, Issue, Result};
use crate::iec60909::short_circuit;
use crate::model::{Network, SwitchKind, Table, in_service};
use crate::study::{FaultKind, StudyOptions};
use envelope::Case;
use feeding::Feeding;

/// Branch rows per study when the through currents are computed in chunks of fault
/// locations (bounds the memory of a `through` study on large networks).
const ROW_BUDGET: usize = 1_000_000;

/// Runs the equipment duty study on `net` (see the module docs).
pub fn equipment_duty(net: &Network, options: &DutyOptions) -> Result<DutyReport> {
    options.check()?;
    let issues = net.validate();
    if issues.iter().any(Issue::is_error) {
        return Err(Error::Invalid(issues));
    }
    let mut warnings = Warnings::new(issues);
    let mut scenario_nets: HashMap<String, Network> = HashMap::new();
    let mut feeding: HashMap<String, Feeding> = HashMap::new();
    let mut cases: Vec<Case> = Vec::new();
    for id in options.scenario_ids(net) {
        let snet = net.scenario_network(&id)?;
        let bridges = match options.duty_basis {
            DutyBasis::Through => Some(Feeding::new(&snet, &options.study)?),
            DutyBasis::BusTotal => None,
        };
        for fault in fault_kinds(options) {
            let Some(case) = run_case(&snet, &id, fault, options, bridges.as_ref(), &mut warnings)?
            else {
                continue;
            };
            cases.push(case);
        }
        if let Some(b) = bridges {
            feeding.insert(id.clone(), b);
        }
        scenario_nets.insert(id, snet);
    }
    warn_contact_separation(net, options, &mut warnings);
    let ev = devices::Evaluation {
        net,
        options,
        cases: &cases,
        scenario_nets: &scenario_nets,
        feeding: &feeding,
        bus_vn: net.buses.iter().map(|b| (b.id.as_str(), b.vn_kv)).collect(),
    };
    let mut skipped = Vec::new();
    let checks = ev.rows(&mut skipped);
    warn_skipped(&skipped, &mut warnings);
    // the base scenario's network is the network itself: its study already has the digest
    let network_digest = cases
        .iter()
        .find(|c| c.scenario == crate::model::BASE_SCENARIO)
        .map_or_else(|| net.digest(), |c| c.report.network_digest.clone());
    Ok(DutyReport {
        study: options.clone(),
        network_digest,
        summary: DutySummary::of(&checks),
        checks,
        cases: cases
            .iter()
            .map(|c| DutyCase {
                scenario: c.scenario.clone(),
                fault: c.fault,
                network_digest: c.report.network_digest.clone(),
            })
            .collect(),
        warnings: warnings.0,
    })
}

/// The fault types of the envelope: those asked for, else all four (earth faults are
/// skipped later when the network lacks their zero-sequence data).
fn fault_kinds(options: &DutyOptions) -> Vec<FaultKind> {
    options.faults.clone().unwrap_or_else(|| {
        vec![
            FaultKind::ThreePhase,
            FaultKind::LineToLine,
            FaultKind::LineToEarth,
            FaultKind::DoubleLineToEarth,
        ]
    })
}

/// One study of the envelope; `None` when an earth fault is skipped because the network
/// lacks zero-sequence data and the fault types were not chosen explicitly.
fn run_case(
    net: &Network,
    scenario: &str,
    fault: FaultKind,
    options: &DutyOptions,
    feeding: Option<&Feeding>,
    warnings: &mut Warnings,
) -> Result<Option<Case>> {
    let study = StudyOptions {
        fault,
        ..options.study.clone()
    };
    let report = match short_circuit(net, &study) {
        Ok(r) => r,
        Err(Error::Invalid(issues))
            if options.faults.is_none()
                && fault.involves_earth()
                && issues
                    .iter()
                    .filter(|i| i.is_error())
                    .all(|i| i.code == "missing_data") =>
        {
            let missing: Vec<String> = issues
                .iter()
                .filter(|i| i.is_error())
                .take(3)
                .map(|i| {
                    format!(
                        "{} `{}`.{}",
                        i.table.map_or("", |t| t.key()),
                        i.element.as_deref().unwrap_or(""),
                        i.field.as_deref().unwrap_or("")
                    )
                })
                .collect();
            warnings.push(Issue {
                severity: crate::error::Severity::Warning,
                code: "fault_type_skipped".into(),
                table: None,
                element: None,
                field: Some("faults".into()),
                message: format!(
                    "{} faults left out of the envelope of scenario `{scenario}`: the network \
                     lacks zero-sequence data ({}{})",
                    fault.as_str(),
                    missing.join(", "),
                    if issues.iter().filter(|i| i.is_error()).count() > 3 {
                        ", ..."
                    } else {
                        ""
                    }
                ),
            });
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    for w in &report.warnings {
        warnings.push(w.clone());
    }
    let mut case = Case::new(scenario.to_string(), fault, report);
    if let Some(feeding) = feeding {
        through_rows(net, &study, feeding, &mut case)?;
    }
    Ok(Some(case))
}

/// The branch results and the sources' partial currents of every bus, computed in chunks of
/// fault locations.
fn through_rows(
    net: &Network,
    study: &StudyOptions,
    feeding: &Feeding,
    case: &mut Case,
) -> Result<()> {
    let buses: Vec<String> = net
        .buses
        .iter()
        .filter(|b| in_service(b.in_service))
        .map(|b| b.id.clone())
        .collect();
    let width = net.lines.len()
        + net.transformers.len()
        + net.transformers3w.len()
        + net.impedances.len()
        + net.switches.len()
        + net.buses.len()
        + net.external_grids.len()
        + net.generators.len()
        + net.motors.len()
        + net.converters.len()
        + 1;
    let chunk = (ROW_BUDGET / width).max(1);
    for part in buses.chunks(chunk) {
        let opts = StudyOptions {
            buses: Some(part.to_vec()),
            branch_results: true,
            partial_currents: true,
            ..study.clone()
        };
        let report = short_circuit(net, &opts)?;
        case.extend_branches(report.branches);
        case.extend_partials(report.partial_currents, feeding);
    }
    Ok(())
}

/// Breakers whose contacts separate (T_op + T_r) before the study's t_min: I_b and i_DC at
/// t_min understate their breaking duty. One warning naming them and the earliest time.
fn warn_contact_separation(net: &Network, options: &DutyOptions, warnings: &mut Warnings) {
    let tmin = options.study.tmin_s;
    let early: Vec<(&str, f64)> = net
        .switches
        .iter()
        .filter(|s| s.kind == SwitchKind::Breaker)
        .filter_map(|s| {
            let top = s.ratings.as_ref()?.opening_time_s?;
            let t = top + rules::relay_time_s(net.frequency_hz);
            (t < tmin - 1e-12).then_some((s.id.as_str(), t))
        })
        .collect();
    let Some(&(first, earliest)) = early.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else {
        return;
    };
    warnings.push(Issue {
        severity: crate::error::Severity::Warning,
        code: "contact_separation_before_tmin".into(),
        table: Some(Table::Switches),
        element: (early.len() == 1).then(|| first.to_string()),
        field: Some("ratings.opening_time_s".into()),
        message: format!(
            "{} breaker(s) ({}) separate their contacts (T_op + T_r) before the study's t_min = \
             {tmin} s, the earliest `{first}` at {earliest:.3} s: I_b and i_DC at t_min understate \
             their breaking duty; run with tmin_s = {earliest:.3}",
            early.len(),
            early
                .iter()
                .take(5)
                .map(|(id, _)| *id)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    });
}

/// One warning per check left out because no location of the envelope reports its
/// quantity (I_b,asym and i_DC are empty where IEC 60909 gives no short-circuit current).
fn warn_skipped(skipped: &[(Check, String)], warnings: &mut Warnings) {
    for check in [Check::BreakingAsym, Check::DcComponent] {
        let ids: Vec<&str> = skipped
            .iter()
            .filter(|(c, _)| *c == check)
            .map(|(_, id)| id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        warnings.push(Issue {
            severity: crate::error::Severity::Warning,
            code: "check_not_evaluated".into(),
            table: Some(Table::Switches),
            element: (ids.len() == 1).then(|| ids[0].to_string()),
            field: None,
            message: format!(
                "{} not evaluated for {} breaker(s) ({}): the short-circuit study reports no \
                 I_b,asym and i_DC at their locations",
                check.as_str(),
                ids.len(),
                ids.iter().take(5).copied().collect::<Vec<_>>().join(", ")
            ),
        });
    }
}

/// Warnings without repeats (every study of the envelope repeats the validation warnings).
struct Warnings(Vec<Issue>, std::collections::HashSet<String>);

impl Warnings {
    fn new(issues: Vec<Issue>) -> Warnings {
        let mut w = Warnings(Vec::new(), std::collections::HashSet::new());
        for i in issues {
            w.push(i);
        }
        w
    }

    fn push(&mut self, issue: Issue) {
        let key = serde_json::to_string(&issue).expect("issues serialize");
        if self.1.insert(key) {
            self.0.push(issue);
        }
    }
}

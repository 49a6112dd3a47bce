//! The duty report: one row per device and check with the governing case, and a summary.
//! The JSON names are a contract of the CLI's `--format json`, the Python DataFrame, the JS
//! object and the HTTP API (`{"study", "checks": [{"element", "table", "check", "duty",
//! "rating", "unit", "utilization_percent", "verdict", "fault", "location", "scenario"}],
//! "summary": {"pass", "marginal", "fail", "unrated"}}`); fields are added, never renamed.

use serde::{Deserialize, Serialize};

use super::options::DutyOptions;
use crate::error::Issue;
use crate::model::Table;
use crate::study::FaultKind;

/// What a row checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Symmetrical breaking duty (I_b, or I''k for low-voltage breakers and fuses) against the
    /// rated short-circuit breaking current.
    Breaking,
    /// Asymmetrical breaking duty I_b,asym against the rated breaking current with its rated
    /// d.c. component (IEC 62271-100).
    BreakingAsym,
    /// I''k against the rated service short-circuit breaking capacity I_cs (IEC 60947-2).
    ServiceBreaking,
    /// D.c. component i_DC at t_min against the rated d.c. component of the breaking current
    /// (IEC 62271-100).
    DcComponent,
    /// Peak current i_p against the rated short-circuit making current.
    Making,
    /// Thermal equivalent current I_th, referred to the rated duration, against the rated
    /// short-time withstand current.
    ShortTime,
    /// Peak current i_p against the rated peak withstand current.
    Peak,
    /// Cross-section a cable needs for its adiabatic withstand against its cross-section.
    CableThermal,
}

impl Check {
    /// The JSON name (`breaking`, `breaking_asym`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Breaking => "breaking",
            Check::BreakingAsym => "breaking_asym",
            Check::ServiceBreaking => "service_breaking",
            Check::DcComponent => "dc_component",
            Check::Making => "making",
            Check::ShortTime => "short_time",
            Check::Peak => "peak",
            Check::CableThermal => "cable_thermal",
        }
    }

    /// Unit of `duty` and `rating`: `kA` (r.m.s.), `kA peak`, or `mm2`.
    pub fn unit(self) -> &'static str {
        match self {
            Check::Making | Check::Peak => "kA peak",
            Check::CableThermal => "mm2",
            _ => "kA",
        }
    }
}

/// Outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The duty is below `marginal_percent` of the rating.
    Pass,
    /// The duty is within the rating but at or above `marginal_percent` of it.
    Marginal,
    /// The duty exceeds the rating.
    Fail,
    /// The device has no rating for this check: `duty` is what it must withstand.
    Unrated,
}

impl Verdict {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Marginal => "marginal",
            Verdict::Fail => "fail",
            Verdict::Unrated => "unrated",
        }
    }
}

/// One device and check, with the governing case of the envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyCheck {
    /// Element id (bus, switch or line).
    pub element: String,
    /// Table of the element.
    pub table: Table,
    /// What is checked.
    pub check: Check,
    /// The largest duty over the envelope, in `unit` (0 when no case supplies the device).
    pub duty: f64,
    /// The rating it is compared with, in `unit` (`null` when unrated).
    pub rating: Option<f64>,
    /// `kA`, `kA peak` or `mm2`.
    pub unit: String,
    /// duty / rating × 100 (`null` when unrated).
    pub utilization_percent: Option<f64>,
    /// `pass`, `marginal`, `fail` or `unrated`.
    pub verdict: Verdict,
    /// Fault type of the governing case (`null` when no case supplies the device).
    pub fault: Option<FaultKind>,
    /// Fault location (bus id) of the governing case.
    pub location: Option<String>,
    /// Scenario of the governing case (`base` for the network as drawn).
    pub scenario: Option<String>,
    /// What was compared and where a rating came from, in words.
    pub note: String,
}

/// Number of checks per verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutySummary {
    /// Checks that pass.
    pub pass: usize,
    /// Checks that pass at or above `marginal_percent`.
    pub marginal: usize,
    /// Checks that fail.
    pub fail: usize,
    /// Checks without a rating.
    pub unrated: usize,
}

impl DutySummary {
    /// Counts the verdicts of `checks`.
    pub fn of(checks: &[DutyCheck]) -> DutySummary {
        let mut s = DutySummary::default();
        for c in checks {
            match c.verdict {
                Verdict::Pass => s.pass += 1,
                Verdict::Marginal => s.marginal += 1,
                Verdict::Fail => s.fail += 1,
                Verdict::Unrated => s.unrated += 1,
            }
        }
        s
    }
}

/// One short-circuit study of the envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyCase {
    /// Scenario (`base` for the network as drawn).
    pub scenario: String,
    /// Fault type.
    pub fault: FaultKind,
    /// SHA-256 digest of the scenario's network (see [`crate::Network::digest`]).
    pub network_digest: String,
}

/// Everything an equipment duty study found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyReport {
    /// The options the study ran with (flat: study and duty options).
    pub study: DutyOptions,
    /// SHA-256 digest of the network (base, scenarios included).
    pub network_digest: String,
    /// One row per device and check: buses, lines, then switches, in document order.
    pub checks: Vec<DutyCheck>,
    /// Number of checks per verdict.
    pub summary: DutySummary,
    /// The short-circuit studies of the envelope.
    pub cases: Vec<DutyCase>,
    /// Validation warnings, skipped fault types and notes about the evaluation.
    pub warnings: Vec<Issue>,
}

impl DutyReport {
    /// Whether any check fails.
    pub fn any_fail(&self) -> bool {
        self.summary.fail > 0
    }

    /// The rows of element `id`.
    pub fn checks_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a DutyCheck> + 'a {
        self.checks.iter().filter(move |c| c.element == id)
    }

    /// The row of element `id` and `check`.
    pub fn check(&self, id: &str, check: Check) -> Option<&DutyCheck> {
        self.checks
            .iter()
            .find(|c| c.element == id && c.check == check)
    }
}

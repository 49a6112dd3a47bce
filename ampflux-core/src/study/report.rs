//! Study results keyed by element ids. The field names are those of the CLI's `--format
//! json`, the Python DataFrames, the JS objects and the HTTP API.

use serde::{Deserialize, Serialize};

use super::StudyOptions;
use crate::error::Issue;

/// State of a fault location.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusStatus {
    /// Computed normally.
    #[default]
    Ok,
    /// The bus lies in an island without any source: all currents are zero.
    Unsupplied,
    /// Line-to-earth fault in a system with isolated neutral: no conductive zero-sequence
    /// path to earth, only line capacitances (if given). IEC 60909-0:2016 clause 1 does not
    /// cover it: I''k1, i_p, I_b, I_th are empty; the capacitive earth-fault current I_CE is
    /// reported in `ice_ka` where the capacitances are known.
    NoZeroSequencePath,
    /// Line-to-earth fault in a resonance-earthed (compensated) system: the only earth
    /// connection is an arc-suppression (Petersen) coil. Outside IEC 60909-0:2016 (clause 1):
    /// I''k1, i_p, I_b, I_th are empty; the residual current I_Res through the fault is reported
    /// in `ires_ka` where the coil impedance is given.
    ResonanceEarthed,
}

impl BusStatus {
    /// The status value as written in reports (`ok`, `unsupplied`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            BusStatus::Ok => "ok",
            BusStatus::Unsupplied => "unsupplied",
            BusStatus::NoZeroSequencePath => "no_zero_sequence_path",
            BusStatus::ResonanceEarthed => "resonance_earthed",
        }
    }

    /// Whether IEC 60909 gives no short-circuit current for this location (earth faults in
    /// isolated or resonance-earthed systems).
    pub fn outside_iec60909(self) -> bool {
        matches!(
            self,
            BusStatus::NoZeroSequencePath | BusStatus::ResonanceEarthed
        )
    }
}

/// Reads a number that a report wrote as `null` (a quantity the standard leaves empty for
/// that location, held as NaN) back as NaN.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Results at one fault location.
///
/// A quantity the standard does not define at a location (i_p, I_b, I_th of an earth fault in
/// an isolated or resonance-earthed system) is NaN here and `null` in JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BusResult {
    /// Bus id (or `LINE@POSITION` for a fault along a line).
    pub id: String,
    /// Nominal voltage U_n in kV.
    pub vn_kv: f64,
    /// Initial symmetrical short-circuit current I''k in kA (for unbalanced faults the
    /// largest faulted-phase current: I''k2, I''k1, or the line current of I''k2E).
    #[serde(deserialize_with = "nan_if_null")]
    pub ikss_ka: f64,
    /// Initial symmetrical short-circuit power S''k = √3·U_n·I''k in MVA.
    #[serde(deserialize_with = "nan_if_null")]
    pub skss_mva: f64,
    /// Peak short-circuit current i_p in kA.
    #[serde(deserialize_with = "nan_if_null")]
    pub ip_ka: f64,
    /// Symmetrical short-circuit breaking current I_b in kA (for `tmin_s`; IEC 60909-0:2016
    /// §9.1: eq. 75 in meshed networks, the sum of the sources' μ·q·I''k otherwise; I''k for
    /// unbalanced faults).
    #[serde(deserialize_with = "nan_if_null")]
    pub ib_ka: f64,
    /// Thermal equivalent short-circuit current I_th = I''k·√(m + n) in kA (for `tk_s`,
    /// IEC 60909-0:2016 §12.2).
    #[serde(deserialize_with = "nan_if_null")]
    pub ith_ka: f64,
    /// Steady-state short-circuit current I_k in kA, of the study's case (I_kmax or I_kmin;
    /// IEC 60909-0:2016 clause 10).
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub ik_ka: f64,
    /// Decaying DC component i_DC at `tmin_s` in kA (IEC 60909-0:2016 eq. 64, with R/X of the
    /// method used for κ).
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub idc_ka: f64,
    /// Asymmetrical breaking current I_b,asym = √(I_b² + i_DC²) in kA.
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub ib_asym_ka: f64,
    /// Resistance of the positive-sequence short-circuit impedance R_k in Ω.
    #[serde(deserialize_with = "nan_if_null")]
    pub rk_ohm: f64,
    /// Reactance of the positive-sequence short-circuit impedance X_k in Ω.
    #[serde(deserialize_with = "nan_if_null")]
    pub xk_ohm: f64,
    /// Negative-sequence short-circuit resistance in Ω (unbalanced faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rk2_ohm: Option<f64>,
    /// Negative-sequence short-circuit reactance in Ω (unbalanced faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xk2_ohm: Option<f64>,
    /// Zero-sequence short-circuit resistance in Ω (earth faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rk0_ohm: Option<f64>,
    /// Zero-sequence short-circuit reactance in Ω (earth faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xk0_ohm: Option<f64>,
    /// Current through earth 3·I(0) in kA (earth faults; I''kE2E for `2phe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikss_earth_ka: Option<f64>,
    /// Capacitive earth-fault current I_CE in kA of a line-to-earth fault in a system with
    /// isolated neutral, from the zero-sequence capacitances given (IEC 60909-3 terms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ice_ka: Option<f64>,
    /// Residual current I_Res in kA of a line-to-earth fault in a resonance-earthed system,
    /// from the arc-suppression coil and the zero-sequence capacitances given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ires_ka: Option<f64>,
    /// Peak factor κ used for i_p.
    #[serde(deserialize_with = "nan_if_null")]
    pub kappa: f64,
    /// Voltage factor c (or the prefault voltage of the classical method).
    pub c: f64,
    /// Whether the fault location is fed through a meshed network (decides the 1.15 of
    /// method B and the Ib formula).
    pub meshed: bool,
    /// Location state.
    pub status: BusStatus,
}

fn nan() -> f64 {
    f64::NAN
}

/// Current and angle in one phase.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseCurrents {
    /// |I_a| in kA.
    pub ia_ka: f64,
    /// |I_b| in kA.
    pub ib_ka: f64,
    /// |I_c| in kA.
    pub ic_ka: f64,
    /// Angle of I_a in degrees.
    pub ia_deg: f64,
    /// Angle of I_b in degrees.
    pub ib_deg: f64,
    /// Angle of I_c in degrees.
    pub ic_deg: f64,
}

/// Current through one branch for one fault location (flowing into the branch at each
/// end; `from` is the HV side of transformers). Angles are relative to the equivalent
/// voltage source at the fault and include the phase shifts of transformer vector groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BranchResult {
    /// Branch id.
    pub id: String,
    /// Fault location id.
    pub fault_bus: String,
    /// Bus at the from end (HV side for transformers).
    pub from_bus: String,
    /// Bus at the to end (LV side for transformers).
    pub to_bus: String,
    /// Largest phase current at the from end in kA.
    pub ikss_from_ka: f64,
    /// Largest phase current at the to end in kA.
    pub ikss_to_ka: f64,
    /// Angle of that current at the from end in degrees.
    pub angle_from_deg: f64,
    /// Angle of that current at the to end in degrees.
    pub angle_to_deg: f64,
    /// Peak current κ·√2·I (larger end) in kA.
    pub ip_ka: f64,
    /// Thermal equivalent current (larger end) in kA.
    pub ith_ka: f64,
    /// MV bus of a three-winding transformer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mv_bus: Option<String>,
    /// Largest phase current at the MV end of a three-winding transformer in kA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikss_mv_ka: Option<f64>,
    /// Angle at the MV end in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub angle_mv_deg: Option<f64>,
    /// Phase currents at the from end (unbalanced faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases_from: Option<PhaseCurrents>,
    /// Phase currents at the to end (unbalanced faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases_to: Option<PhaseCurrents>,
}

/// Voltage of one bus during one fault, in p.u. of U_n/√3.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VoltageResult {
    /// Fault location id.
    pub fault_bus: String,
    /// Bus id.
    pub bus: String,
    /// Positive-sequence voltage magnitude.
    pub v1_pu: f64,
    /// Negative-sequence voltage magnitude.
    pub v2_pu: f64,
    /// Zero-sequence voltage magnitude.
    pub v0_pu: f64,
    /// Phase a voltage magnitude.
    pub va_pu: f64,
    /// Phase b voltage magnitude.
    pub vb_pu: f64,
    /// Phase c voltage magnitude.
    pub vc_pu: f64,
    /// Angle of phase a in degrees.
    pub va_deg: f64,
    /// Angle of phase b in degrees.
    pub vb_deg: f64,
    /// Angle of phase c in degrees.
    pub vc_deg: f64,
}

/// Kind of a short-circuit source (IEC 60909-0:2016 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Network feeder Q (`external_grids`).
    Feeder,
    /// Directly connected synchronous generator.
    Generator,
    /// Generator of a power station unit (reported at its terminals).
    Unit,
    /// Asynchronous motor or motor group.
    Motor,
    /// Converter-connected unit (`converters`).
    Converter,
}

/// The share of one source in the short-circuit current at one fault location (with the
/// study option `partial_currents`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartialCurrent {
    /// Fault location id.
    pub fault_bus: String,
    /// Source id.
    pub source: String,
    /// Kind of source.
    pub kind: SourceKind,
    /// Bus of the source.
    pub bus: String,
    /// The source's initial symmetrical current at its terminals in kA (largest phase).
    pub ikss_ka: f64,
    /// Angle of the phase-a current in degrees, relative to the equivalent voltage source at
    /// the fault (with the phase shifts of transformer vector groups).
    pub angle_deg: f64,
    /// Its share of the peak current in kA: κ of the location (κ_WD of a doubly fed unit, 1 for
    /// a full converter) times √2·I''k.
    #[serde(deserialize_with = "nan_if_null")]
    pub ip_ka: f64,
    /// Its breaking current μ·q·I''k in kA (I''k for unbalanced faults; IEC 60909-0:2016
    /// §9.1.2).
    #[serde(deserialize_with = "nan_if_null")]
    pub ib_ka: f64,
    /// Its steady-state current in kA: λ·I_rG for a synchronous machine near the fault, 0 for
    /// an asynchronous machine, I''k otherwise (clause 10; empty where λ_min lacks `xdsat_pu`).
    #[serde(deserialize_with = "nan_if_null")]
    pub ik_ka: f64,
    /// Decay factor μ of a machine (1 otherwise).
    pub mu: f64,
    /// Factor q of an asynchronous machine (1 otherwise).
    pub q: f64,
}

/// Everything a study computed, keyed by element ids.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudyReport {
    /// The options the study ran with.
    pub study: StudyOptions,
    /// SHA-256 digest of the network the study ran on (see [`crate::Network::digest`]).
    pub network_digest: String,
    /// One row per fault location.
    pub buses: Vec<BusResult>,
    /// One row per branch and fault location (with `branch_results`).
    pub branches: Vec<BranchResult>,
    /// One row per bus and fault location (with `branch_results`).
    pub voltages: Vec<VoltageResult>,
    /// One row per source and fault location (with `partial_currents`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial_currents: Vec<PartialCurrent>,
    /// Validation warnings and notes about the calculation.
    pub warnings: Vec<Issue>,
}

impl StudyReport {
    /// The result at fault location `id`.
    pub fn bus(&self, id: &str) -> Option<&BusResult> {
        self.buses.iter().find(|b| b.id == id)
    }

    /// The branch rows of branch `id` for fault location `fault_bus`.
    pub fn branch(&self, id: &str, fault_bus: &str) -> Option<&BranchResult> {
        self.branches
            .iter()
            .find(|b| b.id == id && b.fault_bus == fault_bus)
    }

    /// The partial currents of every source for the fault at `fault_bus`.
    pub fn partials<'a>(&'a self, fault_bus: &'a str) -> impl Iterator<Item = &'a PartialCurrent> {
        self.partial_currents
            .iter()
            .filter(move |p| p.fault_bus == fault_bus)
    }

    /// The voltage of bus `bus` during the fault at `fault_bus`.
    pub fn voltage(&self, bus: &str, fault_bus: &str) -> Option<&VoltageResult> {
        self.voltages
            .iter()
            .find(|v| v.bus == bus && v.fault_bus == fault_bus)
    }
}

//! The IEEE 1584-2018 model: intermediate arcing currents at 600 V, 2700 V and 14 300 V
//! (equation (1)), their interpolation (equations (16) to (18)) or the final low-voltage
//! arcing current (equation (25)), the arcing current variation factor and the reduced
//! arcing current (equation (2)), intermediate incident energies and arc-flash boundaries
//! (equations (3) to (10)) and their interpolation (equations (19) to (24)).

use serde::{Deserialize, Serialize};

use super::enclosure::{self, EnclosureCorrection};
use super::{ElectrodeConfiguration, Enclosure, tables};
use crate::error::{Issue, Severity};

/// The open-circuit voltage up to which the low-voltage model applies, in kV.
pub const LV_LIMIT_KV: f64 = 0.6;
/// 12.552/50: the factor of equations (3) to (6) that turns the exponent into J/cm² for a
/// duration in ms.
const ENERGY_FACTOR: f64 = 12.552 / 50.0;
/// 1.2 cal/cm² = 5.0208 J/cm²: the incident energy at the arc-flash boundary (IEEE 1584-2018
/// 3.1 and equations (7) to (10)).
pub const AFB_ENERGY_J_PER_CM2: f64 = 1.2 * JOULES_PER_CALORIE;
/// Thermochemical calorie in joules (1 cal/cm² = 4.184 J/cm²).
pub const JOULES_PER_CALORIE: f64 = 4.184;

/// Which arcing current a calculation uses. IEEE 1584-2018 finds the incident energy for
/// the final average arcing current and for the reduced one of equation (2), each with the
/// arc duration the protective devices give at that current; the larger energy governs
/// (the procedure of Annex D, steps 1 to 14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArcScenario {
    /// The final average arcing current I_arc.
    Full,
    /// The reduced arcing current I_arc_min = I_arc·(1 − 0.5·VarCf) (equation (2)).
    Reduced,
}

/// The equipment an arc burns in: everything of the model that depends neither on the
/// current nor on the time (the "cubicle").
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Equipment {
    /// Open-circuit (nominal line-to-line) voltage Voc in kV.
    pub voc_kv: f64,
    /// Electrode configuration.
    pub electrode_configuration: ElectrodeConfiguration,
    /// Gap between conductors G in mm.
    pub gap_mm: f64,
    /// Working distance D in mm.
    pub working_distance_mm: f64,
    /// Enclosure dimensions (not used in open air).
    pub enclosure: Enclosure,
}

/// Arcing currents of one scenario, with the intermediate values of the model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArcingCurrent {
    /// Full or reduced.
    pub scenario: ArcScenario,
    /// Final arcing current I_arc (or I_arc_min) in kA.
    pub iarc_ka: f64,
    /// Intermediate arcing current at 600 V in kA (equation (1); reduced by equation (2) in
    /// the reduced scenario above 600 V; at or below 600 V the full value, which equations
    /// (6) and (10) use in both scenarios).
    pub iarc_600_ka: f64,
    /// Intermediate arcing current at 2700 V in kA (Voc > 600 V).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iarc_2700_ka: Option<f64>,
    /// Intermediate arcing current at 14 300 V in kA (Voc > 600 V).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iarc_14300_ka: Option<f64>,
}

/// Incident energy and arc-flash boundary of one scenario, with the intermediate values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArcEnergy {
    /// Full or reduced.
    pub scenario: ArcScenario,
    /// Arc duration T in ms.
    pub time_ms: f64,
    /// Incident energy E at the working distance in J/cm².
    pub energy_j_per_cm2: f64,
    /// Arc-flash boundary AFB in mm.
    pub afb_mm: f64,
    /// Intermediate incident energies at 600 V, 2700 V and 14 300 V in J/cm² (Voc > 600 V).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_energy_j_per_cm2: Option<[f64; 3]>,
    /// Intermediate arc-flash boundaries at 600 V, 2700 V and 14 300 V in mm (Voc > 600 V).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_afb_mm: Option<[f64; 3]>,
}

impl Equipment {
    /// Whether the low-voltage model (Voc ≤ 600 V, equations (6), (10) and (25)) applies.
    pub fn is_low_voltage(&self) -> bool {
        self.voc_kv <= LV_LIMIT_KV
    }

    /// Arcing current variation correction factor VarCf = k1·Voc⁶ + ... + k6·Voc + k7 (Voc in
    /// kV; the polynomial under equation (2), coefficients of Table 2).
    pub fn var_cf(&self) -> f64 {
        let k = tables::variation(self.electrode_configuration);
        k.iter().fold(0.0, |acc, c| acc * self.voc_kv + c)
    }

    /// The enclosure size correction (Table 6, equations (11) to (15)).
    pub fn enclosure_correction(&self) -> EnclosureCorrection {
        enclosure::correction(self.electrode_configuration, self.voc_kv, &self.enclosure)
    }

    /// Intermediate average arcing current at test voltage `level` (0, 1, 2 for 600 V,
    /// 2700 V, 14 300 V) for a bolted fault current `ibf_ka`, equation (1):
    /// `I_arc_Voc = 10^(k1 + k2·lg Ibf + k3·lg G)·(k4·Ibf⁶ + k5·Ibf⁵ + ... + k9·Ibf + k10)`.
    fn intermediate_current(&self, level: usize, ibf_ka: f64) -> f64 {
        let k = tables::arcing_current(self.electrode_configuration)[level];
        let exponent = k[0] + k[1] * ibf_ka.log10() + k[2] * self.gap_mm.log10();
        let poly = k[3..].iter().fold(0.0, |acc, c| acc * ibf_ka + c);
        10f64.powf(exponent) * poly
    }

    /// The arcing current of `scenario` for a bolted three-phase fault current `ibf_ka`.
    ///
    /// Above 600 V the three intermediate currents of equation (1) are interpolated by
    /// equations (16) to (18); at or below 600 V the final current is equation (25):
    /// `I_arc = 1/√((0.6/Voc)²·(1/I_arc_600² − (0.6² − Voc²)/(0.6²·Ibf²)))`. The reduced
    /// scenario multiplies by (1 − 0.5·VarCf) (equation (2)).
    pub fn arcing_current(&self, ibf_ka: f64, scenario: ArcScenario) -> ArcingCurrent {
        let reduce = match scenario {
            ArcScenario::Full => 1.0,
            ArcScenario::Reduced => 1.0 - 0.5 * self.var_cf(),
        };
        let i600 = self.intermediate_current(0, ibf_ka);
        if self.is_low_voltage() {
            let v = self.voc_kv;
            let inner = (0.6 / v).powi(2)
                * (1.0 / (i600 * i600) - (0.6 * 0.6 - v * v) / (0.6 * 0.6 * ibf_ka * ibf_ka));
            ArcingCurrent {
                scenario,
                iarc_ka: reduce / inner.sqrt(),
                iarc_600_ka: i600,
                iarc_2700_ka: None,
                iarc_14300_ka: None,
            }
        } else {
            let levels = [
                i600 * reduce,
                self.intermediate_current(1, ibf_ka) * reduce,
                self.intermediate_current(2, ibf_ka) * reduce,
            ];
            ArcingCurrent {
                scenario,
                iarc_ka: interpolate(self.voc_kv, levels),
                iarc_600_ka: levels[0],
                iarc_2700_ka: Some(levels[1]),
                iarc_14300_ka: Some(levels[2]),
            }
        }
    }

    /// The exponent shared by equations (3) to (10) at test voltage `level`, without the
    /// distance term: `k1 + k2·lg G + k3·I_arc_600/(k4·Ibf⁷ + ... + k10·Ibf) + k11·lg Ibf +
    /// k13·lg I_arc + lg(1/CF)`. `i_k3` is the arcing current of the k3 term (the
    /// intermediate current at that level, or I_arc_600 below 600 V) and `i_k13` that of the
    /// k13 term (the intermediate current, or the final I_arc below 600 V).
    fn energy_exponent(&self, level: usize, ibf_ka: f64, i_k3: f64, i_k13: f64, cf: f64) -> f64 {
        let k = tables::energy(self.electrode_configuration)[level];
        let denominator = k[3..10].iter().fold(0.0, |acc, c| acc * ibf_ka + c) * ibf_ka;
        k[0] + k[1] * self.gap_mm.log10()
            + k[2] * i_k3 / denominator
            + k[10] * ibf_ka.log10()
            + k[12] * i_k13.log10()
            + (1.0 / cf).log10()
    }

    /// Incident energy per ms of arc duration at each level, J/(cm²·ms): equations (3) to
    /// (6) with T = 1 ms. The energy is proportional to T, so the energies of steps of an
    /// arc whose current changes add up (see [`EnergySum`]).
    pub fn energy_rate(&self, ibf_ka: f64, arc: &ArcingCurrent, cf: f64) -> EnergySum {
        let d = self.working_distance_mm.log10();
        let rate = |level: usize, i_k3: f64, i_k13: f64| {
            let k12 = tables::energy(self.electrode_configuration)[level][11];
            ENERGY_FACTOR
                * 10f64.powf(self.energy_exponent(level, ibf_ka, i_k3, i_k13, cf) + k12 * d)
        };
        if self.is_low_voltage() {
            // equation (6): I_arc_600 in the k3 term, the final (or reduced) I_arc in k13
            EnergySum::Low(rate(0, arc.iarc_600_ka, arc.iarc_ka))
        } else {
            let i = [
                arc.iarc_600_ka,
                arc.iarc_2700_ka.unwrap_or(arc.iarc_ka),
                arc.iarc_14300_ka.unwrap_or(arc.iarc_ka),
            ];
            EnergySum::High([
                rate(0, i[0], i[0]),
                rate(1, i[1], i[1]),
                rate(2, i[2], i[2]),
            ])
        }
    }

    /// Incident energy and arc-flash boundary of one scenario for an arc of `time_ms`.
    pub fn energy(&self, ibf_ka: f64, arc: &ArcingCurrent, time_ms: f64, cf: f64) -> ArcEnergy {
        let mut sum = self.energy_rate(ibf_ka, arc, cf);
        sum.scale(time_ms);
        sum.finish(self, arc.scenario, time_ms)
    }

    /// The arc-flash boundary of an intermediate (or low-voltage) incident energy at test
    /// voltage `level`. Equations (7) to (10) solve equations (3) to (6) for the distance at
    /// which E = 1.2 cal/cm²; since E ∝ D^k12, that distance is `D·(5.0208/E)^(1/k12)`, which
    /// also holds for a sum of steps of different currents.
    fn afb_mm(&self, level: usize, energy_j_per_cm2: f64) -> f64 {
        let k12 = tables::energy(self.electrode_configuration)[level][11];
        self.working_distance_mm * (AFB_ENERGY_J_PER_CM2 / energy_j_per_cm2).powf(1.0 / k12)
    }
}

/// Interpolation between the three test voltages, equations (16) to (18) (arcing current),
/// (19) to (21) (incident energy) and (22) to (24) (arc-flash boundary):
/// `x1 = (x_2700 − x_600)/2.1·(Voc − 2.7) + x_2700`,
/// `x2 = (x_14300 − x_2700)/11.6·(Voc − 14.3) + x_14300`,
/// `x3 = x1·(2.7 − Voc)/2.1 + x2·(Voc − 0.6)/2.1`; x3 for 0.6 < Voc ≤ 2.7 kV, x2 above.
pub fn interpolate(voc_kv: f64, [x600, x2700, x14300]: [f64; 3]) -> f64 {
    let x1 = (x2700 - x600) / 2.1 * (voc_kv - 2.7) + x2700;
    let x2 = (x14300 - x2700) / 11.6 * (voc_kv - 14.3) + x14300;
    if voc_kv <= 2.7 {
        x1 * (2.7 - voc_kv) / 2.1 + x2 * (voc_kv - 0.6) / 2.1
    } else {
        x2
    }
}

/// Incident energies accumulated over the steps of an arc: one value below 600 V, the three
/// intermediate values above (J/cm², or J/(cm²·ms) for a rate).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EnergySum {
    /// Voc ≤ 600 V: equation (6).
    Low(f64),
    /// Voc > 600 V: equations (3), (4), (5).
    High([f64; 3]),
}

impl EnergySum {
    /// Multiplies by `factor` (a rate times a duration in ms).
    pub fn scale(&mut self, factor: f64) {
        match self {
            EnergySum::Low(e) => *e *= factor,
            EnergySum::High(e) => e.iter_mut().for_each(|x| *x *= factor),
        }
    }

    /// Adds `rate · time_ms` (a step of the arc).
    pub fn add_step(&mut self, rate: &EnergySum, time_ms: f64) {
        match (self, rate) {
            (EnergySum::Low(e), EnergySum::Low(r)) => *e += r * time_ms,
            (EnergySum::High(e), EnergySum::High(r)) => {
                for (x, y) in e.iter_mut().zip(r) {
                    *x += y * time_ms;
                }
            }
            _ => unreachable!("steps of one equipment share its voltage model"),
        }
    }

    /// A zero sum of the same model as `like`.
    pub fn zero_like(like: &EnergySum) -> EnergySum {
        match like {
            EnergySum::Low(_) => EnergySum::Low(0.0),
            EnergySum::High(_) => EnergySum::High([0.0; 3]),
        }
    }

    /// The final incident energy and arc-flash boundary: above 600 V the intermediate
    /// boundaries of each level (equations (7) to (9)) and the interpolations of
    /// equations (19) to (24).
    pub fn finish(&self, eq: &Equipment, scenario: ArcScenario, time_ms: f64) -> ArcEnergy {
        match *self {
            EnergySum::Low(e) => ArcEnergy {
                scenario,
                time_ms,
                energy_j_per_cm2: e,
                afb_mm: eq.afb_mm(0, e),
                intermediate_energy_j_per_cm2: None,
                intermediate_afb_mm: None,
            },
            EnergySum::High(e) => {
                let afb = [eq.afb_mm(0, e[0]), eq.afb_mm(1, e[1]), eq.afb_mm(2, e[2])];
                ArcEnergy {
                    scenario,
                    time_ms,
                    energy_j_per_cm2: interpolate(eq.voc_kv, e),
                    afb_mm: interpolate(eq.voc_kv, afb),
                    intermediate_energy_j_per_cm2: Some(e),
                    intermediate_afb_mm: Some(afb),
                }
            }
        }
    }
}

/// A finding of the range checks, in the names of the one-calculation parameters
/// (`voc_kv`, `ibf_ka`, `gap_mm`, `distance_mm`, `width_mm`, `height_mm`).
pub(crate) fn finding(severity: Severity, code: &str, field: &str, message: String) -> Issue {
    Issue {
        severity,
        code: code.to_string(),
        table: None,
        element: None,
        field: Some(field.to_string()),
        message,
    }
}

/// Largest enclosure height or width of the model in mm (IEEE 1584-2018 4.2).
const MAX_ENCLOSURE_MM: f64 = 1244.6;
/// Largest enclosure opening of the model in m² (IEEE 1584-2018 4.2).
const MAX_OPENING_M2: f64 = 1.549;

impl Equipment {
    /// The range checks of the model (IEEE 1584-2018 4.2) for a bolted fault current
    /// `ibf_ka`: errors where the model cannot be evaluated (Voc outside 208 V to 15 kV,
    /// Ibf outside 500 A to 106 kA up to 600 V or 200 A to 65 kA above, non-positive data),
    /// warnings where it is extrapolated (gap, working distance below 305 mm, enclosure
    /// width below four gaps or beyond 1244.6 mm, opening beyond 1.549 m²).
    pub fn check(&self, ibf_ka: f64) -> Vec<Issue> {
        use Severity::{Error, Warning};
        let mut out = Vec::new();
        let mut bad = |field: &str, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                out.push(finding(
                    Error,
                    "non_positive",
                    field,
                    format!("must be a positive finite number, got {v}"),
                ));
                true
            } else {
                false
            }
        };
        let mut broken = bad("voc_kv", self.voc_kv);
        broken |= bad("ibf_ka", ibf_ka);
        broken |= bad("gap_mm", self.gap_mm);
        broken |= bad("distance_mm", self.working_distance_mm);
        if !self.electrode_configuration.is_open_air() {
            broken |= bad("height_mm", self.enclosure.height_mm);
            broken |= bad("width_mm", self.enclosure.width_mm);
            broken |= bad("depth_mm", self.enclosure.depth_mm);
        }
        if broken {
            return out;
        }
        let v = self.voc_kv;
        if !(0.208..=15.0).contains(&v) {
            out.push(finding(
                Error,
                "ieee1584_voltage_range",
                "voc_kv",
                format!("{v} kV is outside the range of IEEE 1584-2018 (0.208 kV to 15 kV)"),
            ));
            return out;
        }
        let lv = self.is_low_voltage();
        let (i_lo, i_hi, g_lo, g_hi) = if lv {
            (0.5, 106.0, 6.35, 76.2)
        } else {
            (0.2, 65.0, 19.05, 254.0)
        };
        let level = if lv {
            "208 V to 600 V"
        } else {
            "601 V to 15 kV"
        };
        if !(i_lo..=i_hi).contains(&ibf_ka) {
            out.push(finding(
                Error,
                "ieee1584_current_range",
                "ibf_ka",
                format!(
                    "bolted fault current {ibf_ka:.3} kA is outside the range of IEEE 1584-2018 for {level} ({i_lo} kA to {i_hi} kA)"
                ),
            ));
        }
        if !(g_lo..=g_hi).contains(&self.gap_mm) {
            out.push(finding(
                Warning,
                "ieee1584_gap_range",
                "gap_mm",
                format!(
                    "gap {} mm is outside the range of IEEE 1584-2018 for {level} ({g_lo} mm to {g_hi} mm): the model is extrapolated",
                    self.gap_mm
                ),
            ));
        }
        if self.working_distance_mm < 305.0 {
            out.push(finding(
                Warning,
                "ieee1584_distance_range",
                "distance_mm",
                format!(
                    "working distance {} mm is below the 305 mm of IEEE 1584-2018: the model is extrapolated",
                    self.working_distance_mm
                ),
            ));
        }
        if !self.electrode_configuration.is_open_air() {
            self.check_enclosure(&mut out);
        }
        out
    }

    fn check_enclosure(&self, out: &mut Vec<Issue>) {
        let e = &self.enclosure;
        if e.width_mm < 4.0 * self.gap_mm {
            out.push(finding(
                Severity::Warning,
                "ieee1584_enclosure_width",
                "width_mm",
                format!(
                    "enclosure width {} mm is less than four times the gap ({} mm), the smallest IEEE 1584-2018 covers",
                    e.width_mm,
                    4.0 * self.gap_mm
                ),
            ));
        }
        for (field, dim) in [("height_mm", e.height_mm), ("width_mm", e.width_mm)] {
            if dim > MAX_ENCLOSURE_MM {
                out.push(finding(
                    Severity::Warning,
                    "ieee1584_enclosure_size",
                    field,
                    format!(
                        "{dim} mm is beyond the largest enclosure of IEEE 1584-2018 ({MAX_ENCLOSURE_MM} mm): the correction uses the Table 6 value for the limit"
                    ),
                ));
            }
        }
        let opening_m2 = e.height_mm * e.width_mm / 1e6;
        if opening_m2 > MAX_OPENING_M2 {
            out.push(finding(
                Severity::Warning,
                "ieee1584_enclosure_size",
                "width_mm",
                format!(
                    "enclosure opening {opening_m2:.3} m² is beyond the largest of IEEE 1584-2018 ({MAX_OPENING_M2} m²)"
                ),
            ));
        }
    }
}

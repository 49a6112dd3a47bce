//! Equipment ratings: what switching devices, switchgear assemblies and cables are rated to
//! withstand and interrupt, for the equipment duty study ([`crate::duty`]).
//!
//! Every field is optional; the duty study lists a device whose rating is missing as
//! `unrated`. Currents are r.m.s. values in kA unless the name says peak; times in s.

use serde::{Deserialize, Serialize};

/// What a switch is, deciding which duties apply to it (IEC 62271-100 circuit-breakers,
/// IEC 60947-2 low-voltage circuit-breakers, IEC 60282-1 / IEC 60269-1 fuses, IEC 62271-103 /
/// IEC 60947-3 switches, IEC 62271-102 disconnectors).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchKind {
    /// Circuit-breaker: breaks and makes short-circuit currents.
    Breaker,
    /// Fuse (or fuse-switch): interrupts the prospective short-circuit current.
    Fuse,
    /// Load-break switch (switch-disconnector): makes short-circuit currents and carries them
    /// for a short time, but does not break them.
    LoadBreak,
    /// Disconnector, or a plain topological switch (the default): carries short-circuit
    /// currents for a short time only.
    #[default]
    Disconnector,
}

impl SwitchKind {
    /// The format's name (`breaker`, `fuse`, `load_break`, `disconnector`).
    pub fn as_str(self) -> &'static str {
        match self {
            SwitchKind::Breaker => "breaker",
            SwitchKind::Fuse => "fuse",
            SwitchKind::LoadBreak => "load_break",
            SwitchKind::Disconnector => "disconnector",
        }
    }

    /// Whether this is the default kind (omitted when the document is written).
    pub fn is_default(&self) -> bool {
        *self == SwitchKind::Disconnector
    }
}

/// Ratings of a switching device.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchRatings {
    /// Rated short-circuit breaking current in kA r.m.s.: the a.c. component I_sc of
    /// IEC 62271-100:2008 §4.101 for a high-voltage breaker, the rated ultimate short-circuit
    /// breaking capacity I_cu of IEC 60947-2 §4.3.5.2.1 for a low-voltage breaker (bus at
    /// U_n ≤ 1 kV), the rated (maximum) breaking current of a fuse (IEC 60282-1, IEC 60269-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaking_ka: Option<f64>,
    /// Rated service short-circuit breaking capacity I_cs in kA r.m.s. (IEC 60947-2
    /// §4.3.5.2.2), at most `breaking_ka`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_breaking_ka: Option<f64>,
    /// Rated short-circuit making current in kA peak (IEC 62271-100:2008 §4.103; I_cm of
    /// IEC 60947-2 §4.3.5.1). Absent for a breaker: the standard's ratio times `breaking_ka`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub making_ka: Option<f64>,
    /// Rated percentage d.c. component at contact separation (IEC 62271-100:2008 §4.101.2).
    /// Absent: from the standard time constant τ = 45 ms at `opening_time_s` plus half a
    /// cycle of relay time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dc_percent: Option<f64>,
    /// Minimum opening time T_op in s: with the relay time T_r of half a cycle it gives the
    /// contact separation time of the rated d.c. component (IEC 62271-100:2008 §4.101.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_time_s: Option<f64>,
    /// Rated short-time withstand current I_k / I_cw in kA r.m.s. (IEC 62271-1:2017 §5.6,
    /// IEC 60947-2 §4.3.5.4), for `icw_duration_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icw_ka: Option<f64>,
    /// Rated duration of short circuit t_k in s that `icw_ka` is given for (IEC 62271-1:2017
    /// §5.8; 1 s is the preferred value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icw_duration_s: Option<f64>,
    /// Rated peak withstand current I_p in kA peak (IEC 62271-1:2017 §5.7; for a circuit-breaker
    /// it equals the rated making current). Addition to the field list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipk_ka: Option<f64>,
}

/// Ratings of a busbar or switchgear assembly (IEC 61439-1 §5.3, IEC 62271-200).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusRatings {
    /// Rated peak withstand current I_pk in kA peak (IEC 61439-1 §5.3.3, IEC 62271-1:2017 §5.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipk_ka: Option<f64>,
    /// Rated short-time withstand current I_cw in kA r.m.s. (IEC 61439-1 §5.3.4,
    /// IEC 62271-1:2017 §5.6), for `icw_duration_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icw_ka: Option<f64>,
    /// Duration in s that `icw_ka` is given for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icw_duration_s: Option<f64>,
}

/// Conductor material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConductorMaterial {
    /// Copper.
    Cu,
    /// Aluminium.
    Al,
}

/// Conductor insulation, deciding the temperatures of the adiabatic withstand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Insulation {
    /// Thermoplastic PVC, 70 °C.
    Pvc,
    /// Cross-linked polyethylene, 90 °C.
    Xlpe,
    /// Ethylene-propylene rubber, 90 °C.
    Epr,
    /// Mass-impregnated paper.
    Paper,
    /// Bare conductor (overhead line, busbar).
    Bare,
}

/// The conductor of a line or cable, for its adiabatic short-circuit withstand
/// S ≥ I·√t / k (IEC 60364-4-43 §434.5.2, IEC 60949 eq. 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conductor {
    /// Conductor material.
    pub material: ConductorMaterial,
    /// Insulation.
    pub insulation: Insulation,
    /// Nominal cross-section S of one phase conductor of one circuit in mm².
    pub cross_section_mm2: f64,
    /// Factor k in A·√s/mm² overriding the value from material and insulation (IEC 60364-4-43
    /// Table 43A, IEC 60949), e.g. from the cable maker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<f64>,
}

//! Sources of short-circuit current: network feeders, synchronous generators, asynchronous
//! motors and converter-connected units.

use serde::{Deserialize, Serialize};

use super::Meta;

/// Network feeder Q (IEC 60909-0 §6.2): the upstream grid seen from its connection bus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExternalGrid {
    /// Unique id.
    pub id: String,
    /// Connection bus.
    pub bus: String,
    /// Initial symmetrical short-circuit power S''kQ for the maximum case, in MVA
    /// (S''kQ = √3·U_nQ·I''kQ).
    pub s_sc_max_mva: f64,
    /// S''kQ for the minimum case, in MVA (required by minimum-case studies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s_sc_min_mva: Option<f64>,
    /// R_Q/X_Q for the maximum case (absent: R_Q = 0.1·X_Q, X_Q = 0.995·Z_Q).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx_max: Option<f64>,
    /// R_Q/X_Q for the minimum case (absent: as `rx_max`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx_min: Option<f64>,
    /// X(0)Q/X(1)Q for the maximum case (required by earth faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0x_max: Option<f64>,
    /// R(0)Q/X(0)Q for the maximum case (required by earth faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r0x0_max: Option<f64>,
    /// X(0)Q/X(1)Q for the minimum case (absent: as `x0x_max`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0x_min: Option<f64>,
    /// R(0)Q/X(0)Q for the minimum case (absent: as `r0x0_max`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r0x0_min: Option<f64>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` removes the element from the study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_service: Option<bool>,
    /// Free-form data carried along unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::format::canonical::serialize_meta"
    )]
    pub meta: Option<Meta>,
}

/// Synchronous generator (IEC 60909-0 §6.6), directly connected or, with
/// `unit_transformer`, part of a power station unit (§6.7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// Unique id.
    pub id: String,
    /// Terminal bus.
    pub bus: String,
    /// Rated apparent power S_rG in MVA.
    pub sn_mva: f64,
    /// Rated voltage U_rG in kV.
    pub vn_kv: f64,
    /// Rated power factor cos φ_rG.
    pub cos_phi: f64,
    /// Subtransient reactance x''d in p.u. of the machine rating.
    pub xdss_pu: f64,
    /// Stator resistance R_G in p.u. of the machine rating (absent: the fictitious R_Gf of
    /// IEC 60909-0 §6.6.1: 0.05, 0.07 or 0.15 x''d by voltage and rating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdss_pu: Option<f64>,
    /// Negative-sequence reactance x(2) in p.u. (absent: x(2) = x''d).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x2_pu: Option<f64>,
    /// Zero-sequence reactance x(0) in p.u. (needed by earth faults when the star point is earthed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0_pu: Option<f64>,
    /// Resistance of the star-point earthing in Ω (both absent: isolated star point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounding_r_ohm: Option<f64>,
    /// Reactance of the star-point earthing in Ω (both absent: isolated star point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounding_x_ohm: Option<f64>,
    /// Id of the unit transformer of a power station unit (absent: directly connected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_transformer: Option<String>,
    /// Range of generator voltage regulation p_G in percent (U_rG·(1 + p_G) in K_G, K_SO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pg_percent: Option<f64>,
    /// `true`: the star-point earthing is an arc-suppression (Petersen) coil (the system is
    /// resonance-earthed; `grounding_*_ohm` is the coil's impedance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounding_resonant: Option<bool>,
    /// Saturated synchronous reactance x_dsat in p.u. of the machine rating (the reciprocal of
    /// the short-circuit ratio), for the steady-state current I_k = λ·I_rG near the generator
    /// (IEC 60909-0:2016 §10.2.1). Absent: I_kmax near the generator is bounded by I''k and
    /// I_kmin is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xdsat_pu: Option<f64>,
    /// Highest excitation voltage over the rated-load excitation U_fmax/U_fr (IEC 60909-0:2016
    /// §10.2.1: series one 1.3 / series two 1.6 for cylindrical rotors, 1.6 / 2.0 for salient
    /// poles). Absent: the series-two value of the rotor type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ufmax_ufr: Option<f64>,
    /// Rotor type for λ (absent: cylindrical).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotor: Option<RotorType>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` removes the element from the study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_service: Option<bool>,
    /// Free-form data carried along unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::format::canonical::serialize_meta"
    )]
    pub meta: Option<Meta>,
}

/// Rotor construction of a synchronous machine (selects the excitation series of λ,
/// IEC 60909-0:2016 Figures 18 and 19).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RotorType {
    /// Turbine generator (cylindrical rotor).
    #[default]
    Cylindrical,
    /// Salient-pole generator.
    SalientPole,
}

/// Asynchronous motor or group of identical motors (IEC 60909-0 §6.8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Motor {
    /// Unique id.
    pub id: String,
    /// Terminal bus.
    pub bus: String,
    /// Rated mechanical power P_rM in MW (of one motor).
    pub pn_mw: f64,
    /// Rated voltage U_rM in kV.
    pub vn_kv: f64,
    /// Rated power factor cos φ_rM.
    pub cos_phi: f64,
    /// Rated efficiency η_rM in percent.
    pub efficiency_percent: f64,
    /// Locked-rotor current ratio I_LR/I_rM.
    pub lrc_pu: f64,
    /// R_M/X_M (absent: 0.10 / 0.15 / 0.42 by voltage and power per pole pair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx: Option<f64>,
    /// Number of pole pairs p (absent: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pole_pairs: Option<u32>,
    /// Number of identical motors in the group (absent: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` removes the element from the study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_service: Option<bool>,
    /// Free-form data carried along unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::format::canonical::serialize_meta"
    )]
    pub meta: Option<Meta>,
}

/// Which model a converter-connected unit uses (IEC 60909-0:2016 §6.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConverterKind {
    /// Full-size converter: a current source k·I_rG in the positive sequence.
    #[default]
    FullConverter,
    /// Doubly fed asynchronous generator: an impedance Z_WD from i_WDmax and κ_WD.
    DoublyFed,
    /// Asynchronous generator: like an asynchronous motor, from I_LR/I_r and R/X.
    Asynchronous,
}

/// Wind power station unit or static generator connected through a converter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Converter {
    /// Unique id.
    pub id: String,
    /// Connection bus.
    pub bus: String,
    /// Rated apparent power S_r in MVA.
    pub sn_mva: f64,
    /// Rated voltage U_r in kV (for `doubly_fed`: U_rTHV of the unit, the voltage at the bus).
    pub vn_kv: f64,
    /// Model of the unit.
    pub kind: ConverterKind,
    /// `full_converter`: ratio of the maximum short-circuit current to the rated current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<f64>,
    /// `full_converter`: angle of the injected current relative to the voltage, degrees
    /// (absent: -90, purely inductive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_angle_deg: Option<f64>,
    /// `doubly_fed`: highest instantaneous three-phase short-circuit current i_WDmax in kA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i_wd_max_ka: Option<f64>,
    /// `doubly_fed`: factor κ_WD for the peak current: the unit's share of i_p is
    /// κ_WD·√2·I''kWD (IEC 60909-0:2016 §6.9: i_WDmax = κ_WD·√2·I''kWD), not κ from R/X.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kappa_wd: Option<f64>,
    /// `doubly_fed`, `asynchronous`: R/X of the unit's impedance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx: Option<f64>,
    /// `asynchronous`: locked-rotor current ratio I_LR/I_r.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lrc_pu: Option<f64>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` removes the element from the study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_service: Option<bool>,
    /// Free-form data carried along unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::format::canonical::serialize_meta"
    )]
    pub meta: Option<Meta>,
}

/// A load: kept for power-flow and superposition studies, neglected by the IEC 60909
/// equivalent-voltage-source method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Load {
    /// Unique id.
    pub id: String,
    /// Connection bus.
    pub bus: String,
    /// Active power in MW.
    pub p_mw: f64,
    /// Reactive power in Mvar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_mvar: Option<f64>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` removes the element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_service: Option<bool>,
    /// Free-form data carried along unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::format::canonical::serialize_meta"
    )]
    pub meta: Option<Meta>,
}

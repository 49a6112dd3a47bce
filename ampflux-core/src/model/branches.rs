//! Branches: lines and cables, two- and three-winding transformers, series impedances and
//! switches.

use serde::{Deserialize, Serialize};

use super::{Conductor, Meta, SwitchKind, SwitchRatings};

/// Overhead line or cable (π-model; per-km data times length, divided by `parallel`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Unique id.
    pub id: String,
    /// From bus.
    pub from_bus: String,
    /// To bus.
    pub to_bus: String,
    /// Length in km.
    pub length_km: f64,
    /// Positive-sequence resistance R'_L at 20 °C in Ω/km (per circuit).
    pub r_ohm_per_km: f64,
    /// Positive-sequence reactance X'_L in Ω/km (per circuit).
    pub x_ohm_per_km: f64,
    /// Positive-sequence capacitance in nF/km (neglected by IEC 60909 in the positive and
    /// negative sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c_nf_per_km: Option<f64>,
    /// Zero-sequence resistance R'(0) in Ω/km (needed by earth faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r0_ohm_per_km: Option<f64>,
    /// Zero-sequence reactance X'(0) in Ω/km (needed by earth faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0_ohm_per_km: Option<f64>,
    /// Zero-sequence capacitance C'(0) in nF/km (kept in the zero-sequence network).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c0_nf_per_km: Option<f64>,
    /// Number of identical parallel circuits (absent: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<u32>,
    /// Conductor temperature at the end of the short circuit θ_e in °C, used for the minimum
    /// case: R = R20·[1 + 0.004/K·(θ_e − 20 °C)] (absent: 20 °C, no correction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endtemp_degree: Option<f64>,
    /// Conductor data for the adiabatic short-circuit withstand of the equipment duty study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conductor: Option<Conductor>,
    /// Fault clearing time t in s of the protection of this line, for its adiabatic withstand
    /// (absent: the study's T_k).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_time_s: Option<f64>,
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

/// Side of a transformer tap changer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TapSide {
    /// High-voltage winding.
    Hv,
    /// Low-voltage winding.
    Lv,
}

/// Two-winding transformer (IEC 60909-0 §6.3.1, K_T of §6.3.3; unit transformer of a power
/// station unit when `power_station_unit` is set, §6.7).
///
/// The short-circuit study uses the rated ratio `vn_hv_kv / vn_lv_kv` (tap changer in the
/// main position, as IEC 60909-0 prescribes); tap data are kept for other studies and for
/// p_T of units without on-load tap changer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Transformer {
    /// Unique id.
    pub id: String,
    /// High-voltage bus.
    pub hv_bus: String,
    /// Low-voltage bus.
    pub lv_bus: String,
    /// Rated apparent power S_rT in MVA (of one unit).
    pub sn_mva: f64,
    /// Rated voltage of the HV winding U_rTHV in kV.
    pub vn_hv_kv: f64,
    /// Rated voltage of the LV winding U_rTLV in kV.
    pub vn_lv_kv: f64,
    /// Rated short-circuit voltage u_kr in percent.
    pub vk_percent: f64,
    /// Rated resistive part of the short-circuit voltage u_Rr in percent.
    pub vkr_percent: f64,
    /// Vector group (`YNd5`, `Dyn`, `Yzn11`, ...); decides zero-sequence coupling, the
    /// earthing of each side and the phase shift. Absent: unknown, which three-phase and
    /// line-to-line faults do not need; earth faults refuse it, naming the transformer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector_group: Option<String>,
    /// Zero-sequence short-circuit voltage u_k0 in percent (needed by earth faults when a
    /// zero-sequence path exists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk0_percent: Option<f64>,
    /// Resistive part of the zero-sequence short-circuit voltage in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vkr0_percent: Option<f64>,
    /// Tap position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tap_pos: Option<f64>,
    /// Neutral tap position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tap_neutral: Option<f64>,
    /// Lowest tap position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tap_min: Option<f64>,
    /// Highest tap position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tap_max: Option<f64>,
    /// Voltage change per tap step in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tap_step_percent: Option<f64>,
    /// Winding that carries the tap changer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tap_side: Option<TapSide>,
    /// Resistance of the HV star-point earthing in Ω (added 3× in the zero sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hv_grounding_r_ohm: Option<f64>,
    /// Reactance of the HV star-point earthing in Ω (added 3× in the zero sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hv_grounding_x_ohm: Option<f64>,
    /// Resistance of the LV star-point earthing in Ω (added 3× in the zero sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_grounding_r_ohm: Option<f64>,
    /// Reactance of the LV star-point earthing in Ω (added 3× in the zero sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_grounding_x_ohm: Option<f64>,
    /// `true`: the HV star-point earthing is an arc-suppression (Petersen) coil, so the
    /// system it earths is resonance-earthed and IEC 60909 gives no line-to-earth current
    /// there (clause 1); `hv_grounding_*_ohm` is the coil's impedance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hv_grounding_resonant: Option<bool>,
    /// `true`: the LV star-point earthing is an arc-suppression (Petersen) coil (see
    /// `hv_grounding_resonant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_grounding_resonant: Option<bool>,
    /// On-load tap changer (K_S instead of K_SO for a power station unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oltc: Option<bool>,
    /// Unit transformer of the power station unit whose generator names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_station_unit: Option<bool>,
    /// Off-load tap range p_T in percent (K_SO of units without on-load tap changer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pt_percent: Option<f64>,
    /// Number of identical units in parallel (absent: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<u32>,
    /// Zero-sequence magnetising impedance as a multiple of |Z(0)k| (absent: neglected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zm0_over_zk0: Option<f64>,
    /// R/X of the zero-sequence magnetising impedance (absent: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rm0_over_xm0: Option<f64>,
    /// Share of Z(0)k on the HV side of the zero-sequence T-model (absent: 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zm0_hv_share: Option<f64>,
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

/// Three-winding transformer (IEC 60909-0 §6.3.2). Pair values: `vk_hv_percent` = HV-MV,
/// `vk_mv_percent` = MV-LV, `vk_lv_percent` = LV-HV, each referred to the smaller rating of
/// the pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Transformer3w {
    /// Unique id.
    pub id: String,
    /// High-voltage bus.
    pub hv_bus: String,
    /// Medium-voltage bus.
    pub mv_bus: String,
    /// Low-voltage bus.
    pub lv_bus: String,
    /// Rated power of the HV winding in MVA.
    pub sn_hv_mva: f64,
    /// Rated power of the MV winding in MVA.
    pub sn_mv_mva: f64,
    /// Rated power of the LV winding in MVA.
    pub sn_lv_mva: f64,
    /// Rated voltage of the HV winding in kV.
    pub vn_hv_kv: f64,
    /// Rated voltage of the MV winding in kV.
    pub vn_mv_kv: f64,
    /// Rated voltage of the LV winding in kV.
    pub vn_lv_kv: f64,
    /// Short-circuit voltage HV-MV in percent.
    pub vk_hv_percent: f64,
    /// Short-circuit voltage MV-LV in percent.
    pub vk_mv_percent: f64,
    /// Short-circuit voltage LV-HV in percent.
    pub vk_lv_percent: f64,
    /// Resistive part HV-MV in percent.
    pub vkr_hv_percent: f64,
    /// Resistive part MV-LV in percent.
    pub vkr_mv_percent: f64,
    /// Resistive part LV-HV in percent.
    pub vkr_lv_percent: f64,
    /// Zero-sequence short-circuit voltage HV-MV in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk0_hv_percent: Option<f64>,
    /// Zero-sequence short-circuit voltage MV-LV in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk0_mv_percent: Option<f64>,
    /// Zero-sequence short-circuit voltage LV-HV in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk0_lv_percent: Option<f64>,
    /// Resistive part of `vk0_hv_percent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vkr0_hv_percent: Option<f64>,
    /// Resistive part of `vk0_mv_percent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vkr0_mv_percent: Option<f64>,
    /// Resistive part of `vk0_lv_percent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vkr0_lv_percent: Option<f64>,
    /// Vector group, e.g. `YNyn0d5`. Absent: unknown, which three-phase and line-to-line
    /// faults do not need; earth faults refuse it, naming the transformer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector_group: Option<String>,
    /// Resistance of the HV star-point earthing in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hv_grounding_r_ohm: Option<f64>,
    /// Reactance of the HV star-point earthing in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hv_grounding_x_ohm: Option<f64>,
    /// Resistance of the MV star-point earthing in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mv_grounding_r_ohm: Option<f64>,
    /// Reactance of the MV star-point earthing in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mv_grounding_x_ohm: Option<f64>,
    /// Resistance of the LV star-point earthing in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_grounding_r_ohm: Option<f64>,
    /// Reactance of the LV star-point earthing in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_grounding_x_ohm: Option<f64>,
    /// `true`: the HV star-point earthing is an arc-suppression (Petersen) coil (the system is
    /// resonance-earthed; `hv_grounding_*_ohm` is the coil's impedance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hv_grounding_resonant: Option<bool>,
    /// `true`: the MV star-point earthing is an arc-suppression (Petersen) coil.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mv_grounding_resonant: Option<bool>,
    /// `true`: the LV star-point earthing is an arc-suppression (Petersen) coil.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_grounding_resonant: Option<bool>,
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

/// A series impedance, either in Ω (`r_ohm`, `x_ohm`: both buses at the same nominal voltage)
/// or in p.u. on its own `sn_mva` and the buses' nominal voltages (`r_pu`, `x_pu`: it may join
/// two voltage levels with the ratio of the nominal voltages).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Impedance {
    /// Unique id.
    pub id: String,
    /// From bus.
    pub from_bus: String,
    /// To bus.
    pub to_bus: String,
    /// Positive-sequence resistance in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_ohm: Option<f64>,
    /// Positive-sequence reactance in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_ohm: Option<f64>,
    /// Zero-sequence resistance in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r0_ohm: Option<f64>,
    /// Zero-sequence reactance in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0_ohm: Option<f64>,
    /// Base power of the p.u. values in MVA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sn_mva: Option<f64>,
    /// Positive-sequence resistance in p.u.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_pu: Option<f64>,
    /// Positive-sequence reactance in p.u.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_pu: Option<f64>,
    /// Zero-sequence resistance in p.u.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r0_pu: Option<f64>,
    /// Zero-sequence reactance in p.u.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0_pu: Option<f64>,
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

/// A switch. With `element` naming a branch, it opens that branch's end at `bus` when
/// open; with `element` naming a bus, it ties the two buses when closed (through `r_ohm` +
/// j`x_ohm`, or merging them when both are zero or absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// Unique id.
    pub id: String,
    /// Bus the switch sits at.
    pub bus: String,
    /// Id of a branch (bus-element switch) or of a bus (bus-bus switch).
    pub element: String,
    /// Switch state.
    pub closed: bool,
    /// Contact resistance of a closed bus-bus switch in Ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_ohm: Option<f64>,
    /// Reactance of a closed bus-bus switch in Ω (addition to the v1 minimum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_ohm: Option<f64>,
    /// What the switch is (`breaker`, `fuse`, `load_break`, `disconnector`; absent:
    /// `disconnector`, a plain switch). Decides the duties of the equipment duty study.
    #[serde(default, skip_serializing_if = "SwitchKind::is_default")]
    pub kind: SwitchKind,
    /// Ratings of the switching device for the equipment duty study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratings: Option<SwitchRatings>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` removes the switch (an out-of-service switch is treated as open).
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

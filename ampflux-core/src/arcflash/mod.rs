//! Arc-flash hazard per IEEE Std 1584-2018: the empirical model for one equipment
//! ([`ieee1584`]), and the study of a network (arcing currents from the IEC 60909 bolted
//! currents, arc durations from the protective devices, incident energy, arc-flash boundary,
//! PPE category and an NFPA 70E label per bus).
//!
//! ```
//! use ampflux_core::arcflash::{ElectrodeConfiguration, Ieee1584Params, ieee1584};
//! // IEEE 1584-2018 Annex D.1: 4.16 kV VCB switchgear, 15 kA bolted
//! let r = ieee1584(&Ieee1584Params {
//!     voc_kv: 4.16, config: ElectrodeConfiguration::Vcb, gap_mm: 104.0, distance_mm: 914.4,
//!     height_mm: Some(1143.0), width_mm: Some(762.0), depth_mm: Some(508.0),
//!     ibf_ka: 15.0, time_ms: 197.0, time_min_ms: Some(223.0),
//! }).unwrap();
//! assert_eq!(format!("{:.3}", r.iarc_ka), "12.979");
//! assert_eq!(format!("{:.3}", r.energy_j_per_cm2), "12.152");
//! ```

mod clearing;
mod enclosure;
mod label;
mod model;
mod options;
mod ppe;
mod report;
mod stepwise;
mod study;
pub mod tables;

pub use clearing::DeviceOperation;
pub use enclosure::{EnclosureCorrection, EnclosureType, correction as enclosure_correction};
pub use label::{LabelMethod, LabelOptions, label_svg};
pub use model::{
    AFB_ENERGY_J_PER_CM2, ArcEnergy, ArcScenario, ArcingCurrent, EnergySum, Equipment,
    JOULES_PER_CALORIE, LV_LIMIT_KV, interpolate,
};
pub use options::{ArcFlashOptions, EnergyMethod};
pub use ppe::{
    ApproachBoundaries, BOUNDARY_CAL_PER_CM2, CATEGORY_ARC_RATING_CAL_PER_CM2, approach_boundaries,
    ppe_category,
};
pub use report::{ArcContribution, ArcEnd, ArcFlashBus, ArcFlashReport, ArcFlashScenario};
pub use stepwise::ArcStep;
pub use study::{arc_flash, bus_equipment};
pub use tables::{EquipmentClass, Typical, typical};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Issue, Result};

/// Electrode configuration of the IEEE 1584-2018 tests (3.1 and Figure 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum ElectrodeConfiguration {
    /// Vertical conductors in a box.
    #[default]
    #[serde(rename = "VCB")]
    Vcb,
    /// Vertical conductors in a box, terminated in an insulating barrier.
    #[serde(rename = "VCBB")]
    Vcbb,
    /// Horizontal conductors in a box.
    #[serde(rename = "HCB")]
    Hcb,
    /// Vertical conductors in open air.
    #[serde(rename = "VOA")]
    Voa,
    /// Horizontal conductors in open air.
    #[serde(rename = "HOA")]
    Hoa,
}

impl ElectrodeConfiguration {
    /// Every configuration.
    pub const ALL: [ElectrodeConfiguration; 5] = [
        ElectrodeConfiguration::Vcb,
        ElectrodeConfiguration::Vcbb,
        ElectrodeConfiguration::Hcb,
        ElectrodeConfiguration::Voa,
        ElectrodeConfiguration::Hoa,
    ];

    /// The name in the format (`VCB`, `VCBB`, `HCB`, `VOA`, `HOA`).
    pub fn as_str(self) -> &'static str {
        match self {
            ElectrodeConfiguration::Vcb => "VCB",
            ElectrodeConfiguration::Vcbb => "VCBB",
            ElectrodeConfiguration::Hcb => "HCB",
            ElectrodeConfiguration::Voa => "VOA",
            ElectrodeConfiguration::Hoa => "HOA",
        }
    }

    /// Reads a configuration name (case-insensitive).
    pub fn parse(text: &str) -> Option<ElectrodeConfiguration> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Whether the electrodes are in open air (no enclosure correction).
    pub fn is_open_air(self) -> bool {
        matches!(
            self,
            ElectrodeConfiguration::Voa | ElectrodeConfiguration::Hoa
        )
    }
}

/// Inner dimensions of an enclosure, in mm.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enclosure {
    /// Height in mm.
    pub height_mm: f64,
    /// Width in mm.
    pub width_mm: f64,
    /// Depth in mm.
    pub depth_mm: f64,
}

/// The inputs of one IEEE 1584-2018 calculation, named as the CLI's `ampflux arcflash` flags,
/// the keywords of Python's `ampflux.ieee1584` and the fields of the JS `ieee1584` object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ieee1584Params {
    /// Open-circuit voltage Voc in kV (0.208 to 15).
    pub voc_kv: f64,
    /// Electrode configuration.
    #[serde(alias = "electrode_configuration")]
    pub config: ElectrodeConfiguration,
    /// Gap between conductors in mm.
    pub gap_mm: f64,
    /// Working distance in mm.
    #[serde(alias = "working_distance_mm")]
    pub distance_mm: f64,
    /// Enclosure height in mm (absent: the typical switchgear of Table 8 at that voltage).
    #[serde(default)]
    pub height_mm: Option<f64>,
    /// Enclosure width in mm (absent: typical).
    #[serde(default)]
    pub width_mm: Option<f64>,
    /// Enclosure depth in mm (absent: typical).
    #[serde(default)]
    pub depth_mm: Option<f64>,
    /// Bolted three-phase fault current in kA.
    pub ibf_ka: f64,
    /// Arc duration at the full arcing current in ms.
    pub time_ms: f64,
    /// Arc duration at the reduced arcing current in ms (absent: `time_ms`).
    #[serde(default)]
    pub time_min_ms: Option<f64>,
}

/// The result of one IEEE 1584-2018 calculation. The first eleven fields are the output of
/// `ampflux arcflash --format json`; the last three of them are those of the governing
/// scenario (the one with the larger incident energy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ieee1584Result {
    /// Final arcing current I_arc in kA.
    pub iarc_ka: f64,
    /// Reduced arcing current I_arc_min in kA (equation (2)).
    pub iarc_min_ka: f64,
    /// Incident energy at the full arcing current in J/cm².
    pub energy_j_per_cm2: f64,
    /// Incident energy at the reduced arcing current in J/cm².
    pub energy_min_j_per_cm2: f64,
    /// Arc-flash boundary at the full arcing current in mm.
    pub afb_mm: f64,
    /// Arc-flash boundary at the reduced arcing current in mm.
    pub afb_min_mm: f64,
    /// Enclosure size correction factor CF.
    pub cf: f64,
    /// Arcing current variation correction factor VarCf.
    pub var_cf: f64,
    /// Incident energy of the governing scenario in J/cm².
    pub incident_energy_j_per_cm2: f64,
    /// Incident energy of the governing scenario in cal/cm².
    pub incident_energy_cal_per_cm2: f64,
    /// NFPA 70E PPE category of the governing energy (0: at most 1.2 cal/cm²; `null` above
    /// 40 cal/cm²).
    pub ppe_category: Option<u8>,
    /// The scenario with the larger incident energy.
    pub governing: ArcScenario,
    /// Arc-flash boundary of the governing scenario in mm.
    pub arc_flash_boundary_mm: f64,
    /// Bolted three-phase fault current in kA (as given).
    pub ibf_ka: f64,
    /// The equipment as calculated (typical values filled in).
    pub equipment: Equipment,
    /// Enclosure type and the intermediate values of the correction.
    pub enclosure_correction: EnclosureCorrection,
    /// Arcing currents of both scenarios with the intermediate values.
    pub currents: [ArcingCurrent; 2],
    /// Energies of both scenarios with the intermediate values.
    pub energies: [ArcEnergy; 2],
    /// Range warnings of the model and the typical values used.
    pub warnings: Vec<Issue>,
}

/// Runs one IEEE 1584-2018 calculation: arcing currents of both scenarios, the enclosure
/// correction, incident energy and arc-flash boundary with the given durations, and the
/// governing result. Range errors of the model (Voc, Ibf) and bad numbers are
/// [`Error::InvalidOption`] naming the parameter; range warnings are listed in the result.
pub fn ieee1584(p: &Ieee1584Params) -> Result<Ieee1584Result> {
    let mut warnings = Vec::new();
    let typical = tables::typical(EquipmentClass::Switchgear, p.voc_kv.clamp(0.208, 15.0))
        .expect("switchgear is typical at every voltage");
    let mut dim = |name: &str, given: Option<f64>, typical: f64| match given {
        Some(v) => v,
        None if p.config.is_open_air() => typical,
        None => {
            warnings.push(model::finding(
                crate::error::Severity::Warning,
                "typical_value",
                name,
                format!(
                    "not given: the typical {typical} mm of switchgear (IEEE 1584-2018 Table 8)"
                ),
            ));
            typical
        }
    };
    let equipment = Equipment {
        voc_kv: p.voc_kv,
        electrode_configuration: p.config,
        gap_mm: p.gap_mm,
        working_distance_mm: p.distance_mm,
        enclosure: Enclosure {
            height_mm: dim("height_mm", p.height_mm, typical.enclosure.height_mm),
            width_mm: dim("width_mm", p.width_mm, typical.enclosure.width_mm),
            depth_mm: dim("depth_mm", p.depth_mm, typical.enclosure.depth_mm),
        },
    };
    let time_min_ms = p.time_min_ms.unwrap_or(p.time_ms);
    for (name, t) in [("time_ms", p.time_ms), ("time_min_ms", time_min_ms)] {
        if !(t.is_finite() && t >= 0.0) {
            return Err(Error::option(
                name,
                format!("must be a finite duration >= 0 ms, got {t}"),
            ));
        }
    }
    let findings = equipment.check(p.ibf_ka);
    if let Some(e) = findings.iter().find(|i| i.is_error()) {
        return Err(Error::option(
            e.field.as_deref().unwrap_or(""),
            e.message.clone(),
        ));
    }
    warnings.extend(findings);
    let correction = equipment.enclosure_correction();
    let full = equipment.arcing_current(p.ibf_ka, ArcScenario::Full);
    let reduced = equipment.arcing_current(p.ibf_ka, ArcScenario::Reduced);
    let e_full = equipment.energy(p.ibf_ka, &full, p.time_ms, correction.cf);
    let e_reduced = equipment.energy(p.ibf_ka, &reduced, time_min_ms, correction.cf);
    let governing = if e_reduced.energy_j_per_cm2 > e_full.energy_j_per_cm2 {
        &e_reduced
    } else {
        &e_full
    };
    let cal = governing.energy_j_per_cm2 / JOULES_PER_CALORIE;
    Ok(Ieee1584Result {
        iarc_ka: full.iarc_ka,
        iarc_min_ka: reduced.iarc_ka,
        energy_j_per_cm2: e_full.energy_j_per_cm2,
        energy_min_j_per_cm2: e_reduced.energy_j_per_cm2,
        afb_mm: e_full.afb_mm,
        afb_min_mm: e_reduced.afb_mm,
        cf: correction.cf,
        var_cf: equipment.var_cf(),
        incident_energy_j_per_cm2: governing.energy_j_per_cm2,
        incident_energy_cal_per_cm2: cal,
        ppe_category: ppe_category(cal),
        governing: governing.scenario,
        arc_flash_boundary_mm: governing.afb_mm,
        ibf_ka: p.ibf_ka,
        equipment,
        enclosure_correction: correction,
        currents: [full, reduced],
        energies: [e_full, e_reduced],
        warnings,
    })
}

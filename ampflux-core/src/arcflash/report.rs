//! What the arc-flash study returns, keyed by bus ids. The field names are those of the CLI's
//! `--format json`, the Python DataFrame, the JS objects and the HTTP API.

use serde::{Deserialize, Serialize};

use super::clearing::DeviceOperation;
use super::stepwise::ArcStep;
use super::{ArcFlashOptions, ArcScenario, Equipment, EquipmentClass};
use crate::error::Issue;
use crate::study::SourceKind;

/// How an arc ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArcEnd {
    /// A device removed the last source.
    Device,
    /// The last sources were asynchronous motors, whose contribution decayed.
    MotorDecay,
    /// The last sources were converter-connected units, which stopped on undervoltage.
    ConverterTrip,
    /// No device interrupted a source in time: the longest arc duration applies.
    MaxArcDuration,
}

/// One source's contribution to the arc at a bus.
///
/// The source's partial current of the bolted fault is the IEC 60909 partial short-circuit
/// current at its terminals (IEC 60909-0:2016 §8.1, the `partial_currents` of the study). An
/// arc at the bus behaves as an impedance at the fault, through which every current of the
/// network (from the equivalent voltage source of IEC 60909) scales by the same factor, so the
/// source's share of the arcing current is I''k,source·I_arc/I_bf (IEEE 1584-2018 reads the
/// arc duration from the devices at the arcing current, not at the bolted current). A full
/// converter is a current source whose current the arc does not reduce: its share is
/// scaled like the others, which understates it (devices in its path are then read at a
/// smaller current, which errs on the long, conservative side for inverse-time curves).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArcContribution {
    /// Source id.
    pub source: String,
    /// Kind of source.
    pub kind: SourceKind,
    /// Bus the source feeds.
    pub bus: String,
    /// Its partial current of the bolted three-phase fault at its terminals in kA.
    pub ibf_ka: f64,
    /// Its share of this scenario's arcing current at its terminals in kA.
    pub iarc_ka: f64,
    /// When it stopped feeding the arc in ms.
    pub end_ms: f64,
    /// What stopped it: a device, the motors' decay, the converters' trip, or nothing within
    /// the longest arc duration.
    pub ended_by: ArcEnd,
    /// The device whose opening cut its last path to the arc.
    pub device: Option<String>,
}

/// One scenario at one bus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArcFlashScenario {
    /// Full or reduced arcing current.
    pub scenario: ArcScenario,
    /// Arcing current in kA.
    pub iarc_ka: f64,
    /// Arc duration in ms.
    pub clearing_time_ms: f64,
    /// Device whose opening ended the arc.
    pub device: Option<String>,
    /// How the arc ended.
    pub ended_by: ArcEnd,
    /// Incident energy at the working distance in J/cm².
    pub energy_j_per_cm2: f64,
    /// Arc-flash boundary in mm.
    pub afb_mm: f64,
    /// Sources whose contribution no device interrupted.
    pub uninterrupted_sources: Vec<String>,
    /// The sources that fed the arc, with their currents and when each stopped.
    pub contributions: Vec<ArcContribution>,
    /// Every device that carried current, with its current and time (at the arc's first
    /// step).
    pub devices: Vec<DeviceOperation>,
    /// The steps of the arc: one for the single-step method, one per opening step-wise.
    pub steps: Vec<ArcStep>,
}

/// The arc-flash result of one bus. The first twelve fields are the row of `ampflux
/// arcflash NET.json --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArcFlashBus {
    /// Bus id.
    pub id: String,
    /// Bolted three-phase fault current Ibf in kA (IEC 60909 I''k).
    pub ibf_ka: f64,
    /// Arcing current in kA.
    pub iarc_ka: f64,
    /// Reduced arcing current in kA.
    pub iarc_min_ka: f64,
    /// Arc duration at the arcing current in ms.
    pub clearing_time_ms: f64,
    /// Arc duration at the reduced arcing current in ms.
    pub clearing_time_min_ms: f64,
    /// Device that ends the arc in the governing scenario (`null`: none, see `ended_by`).
    pub device: Option<String>,
    /// Incident energy of the governing scenario in J/cm².
    pub incident_energy_j_per_cm2: f64,
    /// Incident energy of the governing scenario in cal/cm².
    pub incident_energy_cal_per_cm2: f64,
    /// Arc-flash boundary of the governing scenario in mm.
    pub afb_mm: f64,
    /// NFPA 70E PPE category (0: at most 1.2 cal/cm²; `null`: above 40 cal/cm²).
    pub ppe_category: Option<u8>,
    /// Range warnings, typical values used, uninterrupted contributions.
    pub warnings: Vec<Issue>,
    /// Bus name.
    pub name: Option<String>,
    /// Equipment name for the label (the bus's `arc_flash.label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Nominal voltage (Voc) in kV.
    pub vn_kv: f64,
    /// The scenario with the larger energy.
    pub governing: ArcScenario,
    /// The equipment as calculated (typical values filled in).
    pub equipment: Equipment,
    /// Class of equipment whose typical values were used.
    pub equipment_class: EquipmentClass,
    /// Fields that took typical values (`electrode_configuration`, `gap_mm`, ...).
    pub typical_values: Vec<String>,
    /// Enclosure size correction factor.
    pub cf: f64,
    /// Arcing current variation factor.
    pub var_cf: f64,
    /// Both scenarios in detail (full, reduced).
    pub scenarios: [ArcFlashScenario; 2],
}

/// Everything an arc-flash study computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArcFlashReport {
    /// The options the study ran with.
    pub study: ArcFlashOptions,
    /// SHA-256 digest of the network.
    pub network_digest: String,
    /// One row per bus studied.
    pub buses: Vec<ArcFlashBus>,
    /// Buses left out (out of the model's range, unsupplied) and notes of the short-circuit
    /// study.
    pub warnings: Vec<Issue>,
}

impl ArcFlashReport {
    /// The result of bus `id`.
    pub fn bus(&self, id: &str) -> Option<&ArcFlashBus> {
        self.buses.iter().find(|b| b.id == id)
    }
}

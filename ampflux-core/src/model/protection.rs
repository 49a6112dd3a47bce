//! Protective devices (relays, trip units of low-voltage breakers, fuses) and the arc-flash
//! data of a bus: plain data as in the document, checked by validation and compiled into
//! time-current characteristics by [`crate::protection`].

use serde::{Deserialize, Serialize};

use super::Meta;
use crate::arcflash::{ElectrodeConfiguration, EquipmentClass};

/// What a protective device is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// Overcurrent relay tripping a breaker: inverse-time (IEC 60255-151 or IEEE C37.112),
    /// definite-time and instantaneous stages.
    #[default]
    Relay,
    /// Trip unit of a low-voltage breaker: long-time, short-time and instantaneous
    /// protection with tolerance bands.
    TripUnit,
    /// Fuse: melting and clearing time-current curves.
    Fuse,
}

impl DeviceKind {
    /// The name in the format.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Relay => "relay",
            DeviceKind::TripUnit => "trip_unit",
            DeviceKind::Fuse => "fuse",
        }
    }
}

/// A definite-time or instantaneous stage of a relay.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RelayStage {
    /// Pickup current in primary amperes.
    pub pickup_a: f64,
    /// Operating time of the stage in s, without the breaker (absent: 0 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_s: Option<f64>,
}

/// One point of a fuse's time-current curves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FusePoint {
    /// Prospective current in A (RMS symmetrical).
    pub current_a: f64,
    /// Minimum melting (pre-arcing) time in s.
    pub melting_time_s: f64,
    /// Total clearing time in s (≥ the melting time).
    pub clearing_time_s: f64,
}

/// A protective device. It sits at a switch of the network: the breaker (`kind` `breaker`)
/// a relay or trip unit opens, or the fuse switch of a fuse; the current through it is the
/// current of the switch's branch end in a short-circuit study.
///
/// Fields apply by `kind`. Relay: `curve` (`IEC_SI`, `IEC_VI`, `IEC_EI`, `IEC_LTI` with
/// `tms`; `IEEE_MI`, `IEEE_VI`, `IEEE_EI` with `time_dial`), `pickup_a`, `definite_time`,
/// `instantaneous`, `breaker_time_s`. Trip unit: `ir_a`, `tr_s`, `isd_a`, `tsd_s`, `i2t`,
/// `ii_a`, `clearing_time_s` and the tolerances. Fuse: `curve` (a generic curve shipped with
/// AmpFlux) or `points`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ProtectiveDevice {
    /// Unique id (unique across all tables of the document).
    pub id: String,
    /// Relay, trip unit or fuse.
    pub kind: DeviceKind,
    /// Id of the switch the device opens (a breaker) or is (a fuse switch).
    pub switch: String,
    /// Relay: inverse-time curve (`IEC_SI`, `IEC_VI`, `IEC_EI`, `IEC_LTI`, `IEEE_MI`,
    /// `IEEE_VI`, `IEEE_EI`). Fuse: name of a generic curve (`generic_gG_100A`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Relay: pickup current of the inverse-time stage in primary amperes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_a: Option<f64>,
    /// Relay: time multiplier setting TMS of an IEC 60255-151 curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tms: Option<f64>,
    /// Relay: time dial TD of an IEEE C37.112 curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_dial: Option<f64>,
    /// Relay: definite-time stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definite_time: Option<RelayStage>,
    /// Relay: instantaneous stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instantaneous: Option<RelayStage>,
    /// Relay: interrupting time of the breaker it trips in s (absent: 5 cycles of the
    /// network frequency, a typical medium-voltage breaker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker_time_s: Option<f64>,
    /// Trip unit: long-time pickup Ir in A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ir_a: Option<f64>,
    /// Trip unit: long-time delay tr in s, the tripping time at `tr_multiple`·Ir.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tr_s: Option<f64>,
    /// Trip unit: the multiple of Ir at which `tr_s` is defined (absent: 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tr_multiple: Option<f64>,
    /// Trip unit: short-time pickup Isd in A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isd_a: Option<f64>,
    /// Trip unit: short-time delay tsd in s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsd_s: Option<f64>,
    /// Trip unit: short-time I²t ramp on (constant I²t up to 10·Ir, then `tsd_s`); absent:
    /// off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i2t: Option<bool>,
    /// Trip unit: instantaneous pickup Ii in A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ii_a: Option<f64>,
    /// Trip unit: total clearing time of the breaker on an instantaneous trip in s (absent:
    /// 0.05 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_time_s: Option<f64>,
    /// Trip unit: tolerance of the pickup currents in percent (absent: 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_tolerance_percent: Option<f64>,
    /// Trip unit: tolerance of the delays in percent (absent: 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_tolerance_percent: Option<f64>,
    /// Fuse: rated current In in A (informative with `points`; checked against a generic
    /// curve's rating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rated_current_a: Option<f64>,
    /// Fuse: the time-current curves as points of increasing current, interpolated in log-log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Vec<FusePoint>>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` takes the device out of the studies (it never operates).
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

/// Enclosure dimensions of a bus's equipment in mm; absent fields take the typical values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnclosureData {
    /// Inner height in mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_mm: Option<f64>,
    /// Inner width in mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width_mm: Option<f64>,
    /// Inner depth in mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_mm: Option<f64>,
}

/// The equipment at a bus for the arc-flash study (IEEE 1584-2018). Every field is optional:
/// absent values are the typical ones of the standard's Tables 8 and 10 for `equipment`
/// (absent: switchgear) at the bus voltage, with `VCB`, and the result says which were used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BusArcFlash {
    /// Electrode configuration (`VCB`, `VCBB`, `HCB`, `VOA`, `HOA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electrode_configuration: Option<ElectrodeConfiguration>,
    /// Gap between conductors in mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_mm: Option<f64>,
    /// Working distance in mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_distance_mm: Option<f64>,
    /// Enclosure dimensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enclosure: Option<EnclosureData>,
    /// Class of equipment whose typical values fill absent fields (`switchgear`, `mcc`,
    /// `panelboard`, `cable_junction_box`; absent: `switchgear`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equipment: Option<EquipmentClass>,
    /// Text printed on the label as the equipment's name (absent: the bus name or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

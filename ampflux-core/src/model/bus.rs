//! Buses (nodes of the network).

use serde::{Deserialize, Serialize};

use super::{BusRatings, Meta};

/// A bus (busbar, node) of the network.
///
/// `vn_kv` is the nominal system voltage U_n used for the equivalent voltage source
/// c·U_n/√3 of IEC 60909-0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Bus {
    /// Unique id (unique across all tables of the document).
    pub id: String,
    /// Nominal line-to-line voltage U_n in kV.
    pub vn_kv: f64,
    /// Voltage tolerance of a low-voltage system in percent (6 or 10); overrides the study
    /// option `lv_tolerance_percent` for this bus (IEC 60909-0 Table 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_tolerance_percent: Option<f64>,
    /// Explicit voltage factor c_max for this bus (addition to the v1 minimum: overrides
    /// Table 1 and the study options).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c_max: Option<f64>,
    /// Explicit voltage factor c_min for this bus (addition to the v1 minimum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c_min: Option<f64>,
    /// Ratings of the busbar / switchgear assembly for the equipment duty study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratings: Option<BusRatings>,
    /// Equipment data for the arc-flash study (IEEE 1584-2018); absent: typical values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arc_flash: Option<super::BusArcFlash>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `false` removes the bus and everything connected to it from the study.
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

//! Shunt admittances at buses: the shunt branches of network equivalents, capacitor banks and
//! reactors.

use serde::{Deserialize, Serialize};

use super::Meta;

/// What a shunt stands for, which decides its part in an IEC 60909 study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ShuntKind {
    /// The shunt admittance of a network equivalent (Ward and extended Ward equivalents of an
    /// external network, pandapower's `ward`/`xward` `pz_mw`/`qz_mvar`): part of the positive-
    /// and negative-sequence networks, as the branches of the network it replaces would be.
    NetworkEquivalent,
    /// A capacitor bank, reactor or other shunt admittance of non-rotating equipment:
    /// neglected in the positive- and negative-sequence networks by the IEC 60909-0 equivalent
    /// voltage source method (like line capacitances and non-rotating loads), and kept in the
    /// document for other studies.
    #[default]
    Compensation,
}

/// A shunt admittance between a bus and earth, given by the power it draws at a voltage:
/// Y = (P − jQ)/U² (Q > 0 inductive, Q < 0 capacitive). No zero-sequence path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Shunt {
    /// Unique id.
    pub id: String,
    /// Connection bus.
    pub bus: String,
    /// What the shunt stands for (decides whether IEC 60909 keeps it).
    pub kind: ShuntKind,
    /// Active power drawn at `vn_kv` in MW (conductance G = P/U²; absent: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_mw: Option<f64>,
    /// Reactive power drawn at `vn_kv` in Mvar, positive for a reactor, negative for a
    /// capacitor (susceptance B = −Q/U²; absent: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_mvar: Option<f64>,
    /// Voltage the powers are given at in kV (absent: the bus's nominal voltage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vn_kv: Option<f64>,
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

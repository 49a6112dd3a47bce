//! Overcurrent relays: inverse-time curves of IEC 60255-151 and IEEE C37.112, definite-time
//! and instantaneous stages, and the interrupting time of the breaker they trip.

use serde::{Deserialize, Serialize};

/// An inverse-time curve with the constants of its standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RelayCurve {
    /// IEC standard inverse (curve A): k = 0.14, α = 0.02.
    #[serde(rename = "IEC_SI")]
    IecSi,
    /// IEC very inverse (curve B): k = 13.5, α = 1.
    #[serde(rename = "IEC_VI")]
    IecVi,
    /// IEC extremely inverse (curve C): k = 80, α = 2.
    #[serde(rename = "IEC_EI")]
    IecEi,
    /// IEC long-time inverse: k = 120, α = 1.
    #[serde(rename = "IEC_LTI")]
    IecLti,
    /// IEEE moderately inverse: A = 0.0515, B = 0.1140, p = 0.02.
    #[serde(rename = "IEEE_MI")]
    IeeeMi,
    /// IEEE very inverse: A = 19.61, B = 0.491, p = 2.
    #[serde(rename = "IEEE_VI")]
    IeeeVi,
    /// IEEE extremely inverse: A = 28.2, B = 0.1217, p = 2.
    #[serde(rename = "IEEE_EI")]
    IeeeEi,
}

/// Constants of one curve in the common form `t = m·(A/(M^p − 1) + B)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveConstants {
    /// A (IEC: k).
    pub a: f64,
    /// B (IEC: c = 0).
    pub b: f64,
    /// p (IEC: α).
    pub p: f64,
}

/// The multiple of pickup up to which an inverse-time characteristic is followed; above it
/// the time of this multiple holds (the end of the range over which IEC 60255-151 and IEEE
/// C37.112 specify the characteristics, and where relays switch to definite time).
pub const CURVE_END_MULTIPLE: f64 = 20.0;

impl RelayCurve {
    /// Every curve.
    pub const ALL: [RelayCurve; 7] = [
        RelayCurve::IecSi,
        RelayCurve::IecVi,
        RelayCurve::IecEi,
        RelayCurve::IecLti,
        RelayCurve::IeeeMi,
        RelayCurve::IeeeVi,
        RelayCurve::IeeeEi,
    ];

    /// The name in the format (`IEC_SI`, ..., `IEEE_EI`).
    pub fn as_str(self) -> &'static str {
        match self {
            RelayCurve::IecSi => "IEC_SI",
            RelayCurve::IecVi => "IEC_VI",
            RelayCurve::IecEi => "IEC_EI",
            RelayCurve::IecLti => "IEC_LTI",
            RelayCurve::IeeeMi => "IEEE_MI",
            RelayCurve::IeeeVi => "IEEE_VI",
            RelayCurve::IeeeEi => "IEEE_EI",
        }
    }

    /// Whether the curve is one of IEC 60255-151 (multiplier TMS) rather than IEEE C37.112
    /// (multiplier time dial).
    pub fn is_iec(self) -> bool {
        matches!(
            self,
            RelayCurve::IecSi | RelayCurve::IecVi | RelayCurve::IecEi | RelayCurve::IecLti
        )
    }

    /// Reads a curve name: `IEC_SI`, `IEC SI`, `iec-si`, ... (case-insensitive). The bare
    /// names `SI` and `LTI` are IEC's and `MI` is IEEE's; a bare `VI` or `EI` takes the
    /// standard of the multiplier given (`iec`: TMS given, else time dial).
    pub fn parse(text: &str, iec: bool) -> Option<RelayCurve> {
        let norm: String = text
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        let full = match norm.as_str() {
            "SI" | "LTI" => format!("IEC_{norm}"),
            "MI" => format!("IEEE_{norm}"),
            "VI" | "EI" if iec => format!("IEC_{norm}"),
            "VI" | "EI" => format!("IEEE_{norm}"),
            _ => norm,
        };
        Self::ALL.into_iter().find(|c| c.as_str() == full)
    }

    /// The curve's constants: IEC 60255-151 Table 1 (curves A, B, C; the long-time inverse
    /// k = 120, α = 1 of IEC 60255-3, which relays offer with the same equation) and IEEE
    /// C37.112-1996 Table 1 (moderately, very, extremely inverse).
    pub fn constants(self) -> CurveConstants {
        let c = |a, b, p| CurveConstants { a, b, p };
        match self {
            RelayCurve::IecSi => c(0.14, 0.0, 0.02),
            RelayCurve::IecVi => c(13.5, 0.0, 1.0),
            RelayCurve::IecEi => c(80.0, 0.0, 2.0),
            RelayCurve::IecLti => c(120.0, 0.0, 1.0),
            RelayCurve::IeeeMi => c(0.0515, 0.1140, 0.02),
            RelayCurve::IeeeVi => c(19.61, 0.491, 2.0),
            RelayCurve::IeeeEi => c(28.2, 0.1217, 2.0),
        }
    }

    /// Operating time in s at `multiple` = I/I_pickup with multiplier `m` (TMS or time dial):
    /// the dependent-time equation of IEC 60255-151 `t = TMS·(k/(M^α − 1) + c)` and that of
    /// IEEE C37.112
    /// `t = TD·(A/(M^p − 1) + B)`. `None` at or below pickup (M ≤ 1), where the relay does
    /// not operate. Above [`CURVE_END_MULTIPLE`] the time at that multiple holds.
    pub fn time_s(self, multiple: f64, m: f64) -> Option<f64> {
        if multiple.is_nan() || multiple <= 1.0 {
            return None;
        }
        let k = self.constants();
        let x = multiple.min(CURVE_END_MULTIPLE);
        Some(m * (k.a / (x.powf(k.p) - 1.0) + k.b))
    }
}

/// The inverse-time stage of a relay.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct InverseTime {
    /// Curve.
    pub curve: RelayCurve,
    /// Pickup current in primary A.
    pub pickup_a: f64,
    /// TMS (IEC) or time dial (IEEE).
    pub multiplier: f64,
}

/// A definite-time or instantaneous stage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// Pickup current in primary A.
    pub pickup_a: f64,
    /// Operating time in s.
    pub time_s: f64,
}

/// An overcurrent relay and its breaker.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relay {
    /// Inverse-time stage (ANSI 51).
    pub inverse_time: Option<InverseTime>,
    /// Definite-time stage (ANSI 50 with delay).
    pub definite_time: Option<Stage>,
    /// Instantaneous stage (ANSI 50).
    pub instantaneous: Option<Stage>,
    /// Interrupting time of the breaker in s.
    pub breaker_time_s: f64,
}

impl Relay {
    /// The relay's operating time at `current_a` (primary A): the fastest stage that picks
    /// up; `None` when none does.
    pub fn operating_time_s(&self, current_a: f64) -> Option<f64> {
        let inverse = self
            .inverse_time
            .and_then(|s| s.curve.time_s(current_a / s.pickup_a, s.multiplier));
        let stage = |s: Option<Stage>| s.filter(|s| current_a > s.pickup_a).map(|s| s.time_s);
        [
            inverse,
            stage(self.definite_time),
            stage(self.instantaneous),
        ]
        .into_iter()
        .flatten()
        .reduce(f64::min)
    }

    /// The lowest current at which the relay operates, in A.
    pub fn pickup_a(&self) -> f64 {
        [
            self.inverse_time.map(|s| s.pickup_a),
            self.definite_time.map(|s| s.pickup_a),
            self.instantaneous.map(|s| s.pickup_a),
        ]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min)
    }
}

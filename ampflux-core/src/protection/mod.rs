//! Protective devices: the time-current characteristics of relays (IEC 60255-151, IEEE
//! C37.112), low-voltage trip units and fuses; the operating time of any device at any
//! current; the devices in series between a fault and each source; selectivity between
//! devices in series; sampled curves and log-log plots (TCC).

mod compile;
mod fuse;
mod relay;
mod selectivity;
mod tcc;
pub(crate) mod topology;
mod trip_unit;

pub use compile::{characteristic, default_breaker_time_s};
pub use fuse::{
    FuseCurve, GENERIC_GG_MELT_MULTIPLE, GenericFuse, generic_fuse, generic_fuses, generic_gg_times,
};
pub use relay::{CURVE_END_MULTIPLE, CurveConstants, InverseTime, Relay, RelayCurve, Stage};
pub use selectivity::{SelectivityOptions, SelectivityPair, SelectivityReport, selectivity};
pub(crate) use tcc::xml;
pub use tcc::{TccCurve, TccMark, TccOptions, TccReport, tcc, tcc_svg};
pub use topology::{SeriesPath, Source, series_devices};
pub use trip_unit::{I2T_REFERENCE_MULTIPLE, TripUnit};

use serde::{Deserialize, Serialize};

/// Edge of a device's time-current band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// The earliest the device may operate: a fuse's melting time, a trip unit's lower band,
    /// a relay's operating time without its breaker.
    Min,
    /// The latest the current is interrupted: a fuse's total clearing time, a trip unit's
    /// upper band, a relay's operating time plus the breaker's interrupting time.
    Max,
}

/// A device's time-current characteristic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Characteristic {
    /// Overcurrent relay with its breaker.
    Relay(Relay),
    /// Low-voltage trip unit.
    TripUnit(TripUnit),
    /// Fuse.
    Fuse(FuseCurve),
}

impl Characteristic {
    /// Time in s at `current_a` (A through the device) on edge `band`; `None` when the device
    /// does not operate at that current.
    pub fn time_s(&self, current_a: f64, band: Band) -> Option<f64> {
        match self {
            Characteristic::Relay(r) => {
                let t = r.operating_time_s(current_a)?;
                Some(match band {
                    Band::Min => t,
                    Band::Max => t + r.breaker_time_s,
                })
            }
            Characteristic::TripUnit(u) => u.time_s(current_a, band),
            Characteristic::Fuse(f) => f.time_s(current_a, band),
        }
    }

    /// Total clearing time in s at `current_a` (the `Max` edge): the arc duration a device
    /// gives.
    pub fn clearing_time_s(&self, current_a: f64) -> Option<f64> {
        self.time_s(current_a, Band::Max)
    }

    /// The lowest current at which the device can operate (lower band edge), in A.
    pub fn pickup_a(&self) -> f64 {
        match self {
            Characteristic::Relay(r) => r.pickup_a(),
            Characteristic::TripUnit(u) => u.ir_a * (1.0 - u.pickup_tolerance),
            Characteristic::Fuse(f) => f.pickup_a(),
        }
    }

    /// The curve sampled at `n` currents spaced evenly in log between `from_a` and `to_a`
    /// (for plots), each with both band edges.
    pub fn sample(&self, from_a: f64, to_a: f64, n: usize) -> Vec<CurvePoint> {
        let n = n.max(2);
        let (lo, hi) = (from_a.ln(), to_a.ln());
        (0..n)
            .map(|k| {
                let current_a = (lo + (hi - lo) * k as f64 / (n - 1) as f64).exp();
                CurvePoint {
                    current_a,
                    min_time_s: self.time_s(current_a, Band::Min),
                    max_time_s: self.time_s(current_a, Band::Max),
                }
            })
            .collect()
    }
}

/// One sampled point of a time-current curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Current through the device in A.
    pub current_a: f64,
    /// Lower band edge (melting, earliest trip) in s; `null` where the device does not operate.
    pub min_time_s: Option<f64>,
    /// Upper band edge (total clearing) in s; `null` where the device does not operate.
    pub max_time_s: Option<f64>,
}

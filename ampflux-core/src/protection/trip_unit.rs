//! Electronic trip units of low-voltage breakers: long-time (Ir, tr), short-time (Isd, tsd,
//! I²t on or off) and instantaneous (Ii) protection, with tolerance bands.
//!
//! The characteristic is the generic one of electronic trip units (IEC 60947-2 sets only the
//! conventional tripping currents, not the curve): long time with constant I²t through
//! (tr_multiple·Ir, tr) up to the short-time pickup; short time at tsd, or with I²t on constant I²t through (10·Ir, tsd)
//! down to tsd; instantaneous at the breaker's clearing time. The band's lower edge takes
//! the pickups at (1 − pickup tolerance) and the delays at (1 − time tolerance), the upper
//! edge at (1 + ...); vendors' bands differ, so set the tolerances from their data.

use serde::{Deserialize, Serialize};

use super::Band;

/// The multiple of Ir at which the short-time I²t ramp meets tsd.
pub const I2T_REFERENCE_MULTIPLE: f64 = 10.0;

/// A trip unit's settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TripUnit {
    /// Long-time pickup Ir in A.
    pub ir_a: f64,
    /// Long-time delay tr in s at `tr_multiple`·Ir.
    pub tr_s: f64,
    /// Multiple of Ir at which tr is defined.
    pub tr_multiple: f64,
    /// Short-time pickup Isd in A and delay tsd in s.
    pub short_time: Option<(f64, f64)>,
    /// Short-time I²t ramp on.
    pub i2t: bool,
    /// Instantaneous pickup Ii in A.
    pub ii_a: Option<f64>,
    /// Total clearing time of an instantaneous trip in s.
    pub clearing_time_s: f64,
    /// Tolerance of the pickups as a fraction (0.1 = ±10 %).
    pub pickup_tolerance: f64,
    /// Tolerance of the delays as a fraction.
    pub time_tolerance: f64,
}

impl TripUnit {
    /// Tripping time at `current_a` on edge `band` of the tolerance band; `None` below the
    /// long-time pickup.
    pub fn time_s(&self, current_a: f64, band: Band) -> Option<f64> {
        let (kp, kt) = match band {
            Band::Min => (1.0 - self.pickup_tolerance, 1.0 - self.time_tolerance),
            Band::Max => (1.0 + self.pickup_tolerance, 1.0 + self.time_tolerance),
        };
        let i = current_a;
        let ir = self.ir_a * kp;
        // long time: I²t = (tr_multiple·Ir)²·tr, up to the short-time pickup (above it the
        // short-time stage governs, as trip units' curves are drawn)
        let below_short = self.short_time.is_none_or(|(isd, _)| i <= isd * kp);
        let long = (i > ir && below_short)
            .then(|| kt * self.tr_s * (self.tr_multiple * self.ir_a / i).powi(2));
        let short = self.short_time.and_then(|(isd, tsd)| {
            (i > isd * kp).then(|| {
                let ramp = if self.i2t {
                    tsd * (I2T_REFERENCE_MULTIPLE * self.ir_a / i).powi(2)
                } else {
                    0.0
                };
                kt * ramp.max(tsd)
            })
        });
        let inst = self
            .ii_a
            .and_then(|ii| (i > ii * kp).then_some(kt * self.clearing_time_s));
        [long, short, inst].into_iter().flatten().reduce(f64::min)
    }
}

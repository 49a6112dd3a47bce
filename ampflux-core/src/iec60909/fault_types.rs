//! Fault conditions of each fault type in symmetrical components: the sequence currents
//! flowing into the fault from the Thévenin equivalents at the fault location.
//!
//! The fault impedance model: `zf` in every faulted phase, `ze` between the fault point and
//! earth. With E the positive-sequence open-circuit voltage at the fault:
//! - 3ph: I1 = E/(Z1 + Zf);
//! - 2ph (b–c): I1 = −I2 = E/(Z1 + Z2 + 2·Zf);
//! - 1ph (a): I1 = I2 = I0 = E/(Z1 + Z2 + Z0 + 3·Zf + 3·Ze);
//! - 2phE (b, c): I1 = E/(Z1' + Z2'‖Z0'), I2 = −I1·Z0'/(Z2' + Z0'), I0 = −I1·Z2'/(Z2' + Z0'),
//!   with Z1' = Z1 + Zf, Z2' = Z2 + Zf, Z0' = Z0 + Zf + 3·Ze.

use num_complex::Complex64 as C64;

use crate::study::FaultKind;

/// Sequence currents into the fault (per unit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SequenceCurrents {
    pub i1: C64,
    pub i2: C64,
    pub i0: C64,
}

/// The operator a = e^(j120°).
pub(crate) fn a() -> C64 {
    C64::new(-0.5, 3f64.sqrt() / 2.0)
}

impl SequenceCurrents {
    /// Phase currents (a, b, c).
    pub fn phases(&self) -> [C64; 3] {
        phases(self.i0, self.i1, self.i2)
    }
}

/// Phase quantities from sequence quantities: X_a = X0 + X1 + X2, X_b = X0 + a²X1 + aX2,
/// X_c = X0 + aX1 + a²X2.
pub(crate) fn phases(x0: C64, x1: C64, x2: C64) -> [C64; 3] {
    let a = a();
    let a2 = a * a;
    [x0 + x1 + x2, x0 + a2 * x1 + a * x2, x0 + a * x1 + a2 * x2]
}

/// Sequence currents for `kind` with Thévenin impedances `z1`, `z2`, `z0` (`None` when the
/// zero-sequence network has no path to earth at the fault) and open-circuit voltage `e`.
pub(crate) fn sequence_currents(
    kind: FaultKind,
    e: C64,
    z1: C64,
    z2: C64,
    z0: Option<C64>,
    zf: C64,
    ze: C64,
) -> SequenceCurrents {
    let zero = C64::new(0.0, 0.0);
    match kind {
        FaultKind::ThreePhase => SequenceCurrents {
            i1: e / (z1 + zf),
            i2: zero,
            i0: zero,
        },
        FaultKind::LineToLine => {
            let i1 = e / (z1 + z2 + zf * 2.0);
            SequenceCurrents {
                i1,
                i2: -i1,
                i0: zero,
            }
        }
        FaultKind::LineToEarth => match z0 {
            None => SequenceCurrents {
                i1: zero,
                i2: zero,
                i0: zero,
            },
            Some(z0) => {
                let i = e / (z1 + z2 + z0 + (zf + ze) * 3.0);
                SequenceCurrents {
                    i1: i,
                    i2: i,
                    i0: i,
                }
            }
        },
        FaultKind::DoubleLineToEarth => match z0 {
            None => sequence_currents(FaultKind::LineToLine, e, z1, z2, None, zf, ze),
            Some(z0) => {
                let (z1p, z2p, z0p) = (z1 + zf, z2 + zf, z0 + zf + ze * 3.0);
                let i1 = e / (z1p + z2p * z0p / (z2p + z0p));
                SequenceCurrents {
                    i1,
                    i2: -i1 * z0p / (z2p + z0p),
                    i0: -i1 * z2p / (z2p + z0p),
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> C64 {
        C64::new(re, im)
    }

    #[test]
    fn line_to_line_is_sqrt3_over_2_of_three_phase() {
        let z = c(0.01, 0.1);
        let e = c(1.1, 0.0);
        let zero = c(0.0, 0.0);
        let i3 =
            sequence_currents(FaultKind::ThreePhase, e, z, z, None, zero, zero).phases()[0].norm();
        let i2 =
            sequence_currents(FaultKind::LineToLine, e, z, z, None, zero, zero).phases()[1].norm();
        assert!((i2 / i3 - 3f64.sqrt() / 2.0).abs() < 1e-12);
    }

    #[test]
    fn earth_current_of_double_line_to_earth() {
        // I''kE2E = √3·c·Un/|Z1 + 2·Z0| with Z2 = Z1: in p.u. |3·I0| = 3·E/|Z1 + 2·Z0|
        let (z1, z0) = (c(0.01, 0.1), c(0.03, 0.25));
        let zero = c(0.0, 0.0);
        let s = sequence_currents(
            FaultKind::DoubleLineToEarth,
            c(1.1, 0.0),
            z1,
            z1,
            Some(z0),
            zero,
            zero,
        );
        assert!(((s.i0 * 3.0).norm() - 3.0 * 1.1 / (z1 + z0 * 2.0).norm()).abs() < 1e-12);
        // the healthy phase carries no current
        assert!(s.phases()[0].norm() < 1e-12);
    }

    #[test]
    fn line_to_earth_phase_current() {
        let (z1, z0) = (c(0.01, 0.1), c(0.03, 0.25));
        let zero = c(0.0, 0.0);
        let s = sequence_currents(
            FaultKind::LineToEarth,
            c(1.0, 0.0),
            z1,
            z1,
            Some(z0),
            zero,
            zero,
        );
        let p = s.phases();
        assert!((p[0].norm() - 3.0 / (z1 * 2.0 + z0).norm()).abs() < 1e-12);
        assert!(p[1].norm() < 1e-12 && p[2].norm() < 1e-12);
    }
}

//! Sequence models of single elements in per unit: one-ports (to earth) and two-ports
//! (between two nodes), evaluated at a frequency factor s = f/f_n (1 for I''k, f_c/f_n for
//! κ with method C).

use num_complex::Complex64 as C64;

/// One-port element in per unit: an impedance R + jX (X inductive at the nominal frequency),
/// a capacitive susceptance ωC at the nominal frequency, or an admittance G + jB at the nominal
/// frequency (a conductance in parallel with a capacitor, B > 0, or a reactor, B < 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum OnePort {
    /// Impedance R + jX.
    Z(C64),
    /// Capacitive susceptance B = ωC.
    B(f64),
    /// Admittance G + jB.
    Y(C64),
}

impl OnePort {
    /// Admittance at frequency factor `s`.
    pub fn y(self, s: f64) -> C64 {
        match self {
            OnePort::Z(z) => C64::new(z.re, z.im * s).inv(),
            OnePort::B(b) => C64::new(0.0, b * s),
            // ωC grows with the frequency, 1/(ωL) falls
            OnePort::Y(y) if y.im >= 0.0 => C64::new(y.re, y.im * s),
            OnePort::Y(y) => C64::new(y.re, y.im / s),
        }
    }

    /// Impedance at frequency factor `s`.
    pub fn z(self, s: f64) -> C64 {
        match self {
            OnePort::Z(z) => C64::new(z.re, z.im * s),
            OnePort::B(b) => C64::new(0.0, b * s).inv(),
            OnePort::Y(_) => self.y(s).inv(),
        }
    }
}

/// Admittances of a two-port between nodes `a` and `b`: I_a = y_aa·V_a + y_ab·V_b,
/// I_b = y_ab·V_a + y_bb·V_b (reciprocal, so y_ba = y_ab).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TwoPortY {
    pub aa: C64,
    pub ab: C64,
    pub bb: C64,
}

/// Sequence model of a branch.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TwoPort {
    /// No path in this sequence.
    Open,
    /// Series impedance `z` (per unit of side b) behind an ideal transformer with
    /// off-nominal ratio `t` at side a, plus shunts at the ends (per unit of their node).
    Pi {
        z: C64,
        t: f64,
        sh_a: Option<OnePort>,
        sh_b: Option<OnePort>,
    },
    /// Paths to earth only (no coupling between the ends).
    Shunts {
        a: Option<OnePort>,
        b: Option<OnePort>,
    },
    /// T-model referred to side b (legs `za`, `zb`, magnetising branch `zm` from the star
    /// point to earth) behind an ideal transformer with ratio `t` at side a.
    Tee { za: C64, zb: C64, zm: C64, t: f64 },
}

impl TwoPort {
    /// Admittances at frequency factor `s` (`None` when open).
    pub fn y(&self, s: f64) -> Option<TwoPortY> {
        let scale = |z: C64| C64::new(z.re, z.im * s);
        match self {
            TwoPort::Open => None,
            TwoPort::Pi { z, t, sh_a, sh_b } => {
                let y = scale(*z).inv();
                let ya = sh_a.map_or(C64::new(0.0, 0.0), |sh| sh.y(s));
                let yb = sh_b.map_or(C64::new(0.0, 0.0), |sh| sh.y(s));
                Some(TwoPortY {
                    aa: y / (t * t) + ya,
                    ab: -y / *t,
                    bb: y + yb,
                })
            }
            TwoPort::Shunts { a, b } => Some(TwoPortY {
                aa: a.map_or(C64::new(0.0, 0.0), |sh| sh.y(s)),
                ab: C64::new(0.0, 0.0),
                bb: b.map_or(C64::new(0.0, 0.0), |sh| sh.y(s)),
            }),
            TwoPort::Tee { za, zb, zm, t } => {
                let (za, zb, zm) = (scale(*za), scale(*zb), scale(*zm));
                // star -> delta: series z_ab and shunts z_a0, z_b0
                let sum = za * zb + zb * zm + za * zm;
                let y_series = zm / sum;
                let y_a0 = zb / sum;
                let y_b0 = za / sum;
                Some(TwoPortY {
                    aa: (y_series + y_a0) / (t * t),
                    ab: -y_series / *t,
                    bb: y_series + y_b0,
                })
            }
        }
    }

    /// Whether the two ends are coupled (current can pass from a to b).
    pub fn couples(&self) -> bool {
        matches!(self, TwoPort::Pi { .. } | TwoPort::Tee { .. })
    }

    /// Whether the element provides a path to earth at end a / end b.
    pub fn grounds(&self) -> (bool, bool) {
        match self {
            TwoPort::Open => (false, false),
            TwoPort::Pi { sh_a, sh_b, .. } => (sh_a.is_some(), sh_b.is_some()),
            TwoPort::Shunts { a, b } => (a.is_some(), b.is_some()),
            TwoPort::Tee { .. } => (true, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: C64, b: C64) -> bool {
        (a - b).norm() < 1e-12 * (1.0 + a.norm())
    }

    #[test]
    fn tee_without_magnetising_equals_series() {
        let (za, zb) = (C64::new(0.01, 0.05), C64::new(0.02, 0.07));
        let tee = TwoPort::Tee {
            za,
            zb,
            zm: C64::new(0.0, 1e12),
            t: 1.05,
        };
        let pi = TwoPort::Pi {
            z: za + zb,
            t: 1.05,
            sh_a: None,
            sh_b: None,
        };
        let (a, b) = (tee.y(1.0).unwrap(), pi.y(1.0).unwrap());
        assert!(close(a.aa, b.aa) && close(a.ab, b.ab) && close(a.bb, b.bb));
    }

    #[test]
    fn frequency_scaling() {
        let z = OnePort::Z(C64::new(0.1, 1.0));
        assert!(close(z.y(0.4), C64::new(0.1, 0.4).inv()));
        assert!(close(OnePort::B(2.0).y(0.4), C64::new(0.0, 0.8)));
        // a reactor as an admittance scales like the same reactor as an impedance
        let reactor = OnePort::Y(C64::new(0.0, 1.0).inv());
        assert!(close(reactor.y(0.4), OnePort::Z(C64::new(0.0, 1.0)).y(0.4)));
        assert!(close(
            OnePort::Y(C64::new(0.1, 2.0)).y(0.4),
            C64::new(0.1, 0.8)
        ));
        assert!(close(
            OnePort::Y(C64::new(0.1, 2.0)).z(1.0),
            C64::new(0.1, 2.0).inv()
        ));
    }
}

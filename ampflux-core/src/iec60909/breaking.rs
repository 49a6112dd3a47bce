//! Decay of machine contributions until the minimum time delay t_min: factors μ and q of
//! IEC 60909-0 §9.1 (eq. 70, 73).

/// μ for a synchronous machine (or a motor) with I''kG/I_rG = `x` at minimum time delay
/// `tmin_s`; μ = 1 for x ≤ 2 and never above 1. Between the tabulated delays the next shorter
/// one is used (conservative: larger μ).
pub fn mu(x: f64, tmin_s: f64) -> f64 {
    if x <= 2.0 {
        return 1.0;
    }
    let m = if tmin_s < 0.05 {
        0.84 + 0.26 * (-0.26 * x).exp()
    } else if tmin_s < 0.10 {
        0.71 + 0.51 * (-0.30 * x).exp()
    } else if tmin_s < 0.25 {
        0.62 + 0.72 * (-0.32 * x).exp()
    } else {
        0.56 + 0.94 * (-0.38 * x).exp()
    };
    m.min(1.0)
}

/// q for an asynchronous motor with active power per pole pair `m_mw` (MW) at minimum time
/// delay `tmin_s`; never above 1.
pub fn q(m_mw: f64, tmin_s: f64) -> f64 {
    let ln_m = m_mw.max(1e-9).ln();
    let q = if tmin_s < 0.05 {
        1.03 + 0.12 * ln_m
    } else if tmin_s < 0.10 {
        0.79 + 0.12 * ln_m
    } else if tmin_s < 0.25 {
        0.57 + 0.12 * ln_m
    } else {
        0.26 + 0.10 * ln_m
    };
    q.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mu_values() {
        assert_eq!(mu(1.5, 0.1), 1.0);
        assert!((mu(5.0, 0.1) - (0.62 + 0.72 * (-1.6f64).exp())).abs() < 1e-12);
        assert!((mu(5.0, 0.02) - (0.84 + 0.26 * (-1.3f64).exp())).abs() < 1e-12);
        assert!(mu(2.0001, 0.02) <= 1.0);
    }

    #[test]
    fn q_values() {
        assert!((q(0.5, 0.1) - (0.57 + 0.12 * 0.5f64.ln())).abs() < 1e-12);
        assert_eq!(q(100.0, 0.02), 1.0);
    }
}

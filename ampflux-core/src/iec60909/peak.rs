//! Peak short-circuit current factor κ (IEC 60909-0 §8.1) and the thermal factor m (§12).

/// κ = 1.02 + 0.98·e^(−3·R/X), limited to [1.02, 2.0] (a negative R/X from equivalent-circuit
/// artefacts cannot raise the peak above twice the symmetrical amplitude).
pub fn kappa(r_over_x: f64) -> f64 {
    (1.02 + 0.98 * (-3.0 * r_over_x).exp()).clamp(1.02, 2.0)
}

/// κ for method B (IEC 60909-0 §8.1.3.2 b): 1.15·κ(R/X) in a meshed network (the factor 1.15
/// is dropped when every branch has R/X < 0.3), limited to 1.8 in low-voltage and 2.0 in
/// high-voltage networks.
pub fn kappa_method_b(
    r_over_x: f64,
    meshed: bool,
    all_branches_below_0_3: bool,
    low_voltage: bool,
) -> f64 {
    let factor = if meshed && !all_branches_below_0_3 {
        1.15
    } else {
        1.0
    };
    let limit = if low_voltage { 1.8 } else { 2.0 };
    (factor * kappa(r_over_x)).min(limit)
}

/// Factor m of the heat effect of the d.c. component (IEC 60909-0 eq. 102):
/// m = [e^(4·f·T_k·ln(κ−1)) − 1] / (2·f·T_k·ln(κ−1)), with its limit 2 at κ = 2.
pub fn thermal_m(kappa: f64, frequency_hz: f64, tk_s: f64) -> f64 {
    let ft = frequency_hz * tk_s;
    let u = (kappa - 1.0).ln();
    let x = 4.0 * ft * u;
    if x.abs() < 1e-8 {
        // (e^x − 1)/(x/2) → 2 as x → 0
        2.0 * (1.0 + x / 2.0)
    } else {
        x.exp_m1() / (2.0 * ft * u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_range() {
        assert!((kappa(0.0) - 2.0).abs() < 1e-12);
        assert!((kappa(0.1) - (1.02 + 0.98 * (-0.3f64).exp())).abs() < 1e-12);
        assert!(kappa(100.0) >= 1.02);
        assert_eq!(kappa(-1.0), 2.0);
    }

    #[test]
    fn method_b_limits() {
        assert_eq!(kappa_method_b(0.0, true, false, true), 1.8);
        assert!((kappa_method_b(0.5, true, false, false) - 1.15 * kappa(0.5)).abs() < 1e-12);
        assert_eq!(kappa_method_b(0.5, false, false, false), kappa(0.5));
        assert_eq!(kappa_method_b(0.5, true, true, false), kappa(0.5));
    }

    #[test]
    fn thermal_m_values() {
        // IEC 60909-0 Figure 21: κ = 1.8, f·T_k = 50 -> m ≈ 0.05
        let m = thermal_m(1.8, 50.0, 1.0);
        assert!((m - (((0.8f64).ln() * 200.0).exp() - 1.0) / (100.0 * 0.8f64.ln())).abs() < 1e-12);
        assert!(m > 0.0 && m < 0.1);
        assert!((thermal_m(2.0, 50.0, 1.0) - 2.0).abs() < 1e-6);
        assert!((thermal_m(1.9999999, 50.0, 0.01) - 2.0).abs() < 1e-3);
    }
}

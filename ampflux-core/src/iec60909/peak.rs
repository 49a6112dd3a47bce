//! Peak short-circuit current factor κ (IEC 60909-0 §8.1), the decaying DC component i_DC
//! i_DC (eq. 64) and the thermal factors m and n (§12).

/// κ = 1.02 + 0.98·e^(−3·R/X), limited to [1.02, 2.0] (a negative R/X from equivalent-circuit
/// artefacts cannot raise the peak above twice the symmetrical amplitude).
pub fn kappa(r_over_x: f64) -> f64 {
    (1.02 + 0.98 * (-3.0 * r_over_x).exp()).clamp(1.02, 2.0)
}

/// κ for method B (IEC 60909-0 §8.1.3.2 b): 1.15·κ(R/X) in a meshed network, limited to 1.8
/// in low-voltage and 2.0 in high-voltage networks. The standard drops the factor 1.15 while
/// R/X < 0.3 in the branches; `resistive_paths` says whether that fails for the branches that
/// carry this location's current (decided per location by the study).
pub fn kappa_method_b(
    r_over_x: f64,
    meshed: bool,
    resistive_paths: bool,
    low_voltage: bool,
) -> f64 {
    let factor = if meshed && resistive_paths { 1.15 } else { 1.0 };
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

/// Ratio f_c/f of the equivalent frequency for the DC component with method C
/// (IEC 60909-0:2016, for eq. 64: f·t < 1: 0.27; < 2.5: 0.15; < 5: 0.092;
/// < 12.5: 0.055; beyond, the DC component has decayed and 0.055 is kept).
pub fn dc_frequency_ratio(frequency_hz: f64, t_s: f64) -> f64 {
    let ft = frequency_hz * t_s;
    if ft < 1.0 {
        0.27
    } else if ft < 2.5 {
        0.15
    } else if ft < 5.0 {
        0.092
    } else {
        0.055
    }
}

/// Decaying DC component i_DC = √2·I''k·e^(−2π·f·t·R/X) at time `t_s` (IEC 60909-0:2016
/// eq. 64), `ikss` in any unit, R/X of the method used (at the fault for radial locations and
/// method B; (R_c/X_c)·(f_c/f) for method C).
pub fn dc_component(ikss: f64, r_over_x: f64, frequency_hz: f64, t_s: f64) -> f64 {
    let rx = r_over_x.max(0.0);
    std::f64::consts::SQRT_2 * ikss * (-2.0 * std::f64::consts::PI * frequency_hz * t_s * rx).exp()
}

/// Factor n of the heat effect of the AC component (IEC 60909-0:2016 §12.2, Figure 22):
/// 1 for I''k/I_k ≤ 1 (far from generators), else
/// n = [1 + T'd/(20·T_k)·(1 − e^(−20·T_k/T'd))·(r − 1)² + T'd/(5·T_k)·(1 − e^(−10·T_k/T'd))·(r − 1)]/r²
/// with r = I''k/I_k and T'd = 1.257 s: the mean square of an AC envelope that decays from
/// I''k to I_k with the time constant T'd/10.
pub fn thermal_n(ikss_over_ik: f64, tk_s: f64) -> f64 {
    const TD: f64 = 1.257;
    let r = ikss_over_ik;
    if r.is_nan() || r <= 1.0 || r.is_infinite() {
        return 1.0;
    }
    let a = TD / (20.0 * tk_s) * (1.0 - (-20.0 * tk_s / TD).exp()) * (r - 1.0) * (r - 1.0);
    let b = TD / (5.0 * tk_s) * (1.0 - (-10.0 * tk_s / TD).exp()) * (r - 1.0);
    ((1.0 + a + b) / (r * r)).min(1.0)
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
        assert_eq!(kappa_method_b(0.0, true, true, true), 1.8);
        assert!((kappa_method_b(0.5, true, true, false) - 1.15 * kappa(0.5)).abs() < 1e-12);
        assert_eq!(kappa_method_b(0.5, false, false, false), kappa(0.5));
        assert_eq!(kappa_method_b(0.5, true, false, false), kappa(0.5));
    }

    #[test]
    fn dc_component_and_n() {
        assert!((dc_component(10.0, 0.0, 50.0, 0.1) - 10.0 * SQRT_2_TEST).abs() < 1e-12);
        let rx = 0.1;
        let i = dc_component(1.0, rx, 50.0, 0.02);
        assert!((i - SQRT_2_TEST * (-2.0 * std::f64::consts::PI * rx).exp()).abs() < 1e-12);
        assert_eq!(dc_frequency_ratio(50.0, 0.01), 0.27);
        assert_eq!(dc_frequency_ratio(50.0, 0.1), 0.055);
        assert_eq!(dc_frequency_ratio(60.0, 0.05), 0.092);
        // far from generators n = 1; near, n falls with I''k/I_k and with T_k
        assert_eq!(thermal_n(1.0, 1.0), 1.0);
        let (a, b) = (thermal_n(2.0, 0.5), thermal_n(6.0, 0.5));
        assert!(0.0 < b && b < a && a < 1.0, "{a} {b}");
        assert!(thermal_n(6.0, 1.0) < thermal_n(6.0, 0.1));
        // the integral of the squared envelope, checked by quadrature
        let (r, tk) = (4.0, 0.3);
        let steps = 200_000;
        let dt = tk / steps as f64;
        let tau = 0.1257;
        let sum: f64 = (0..steps)
            .map(|i| {
                let t = (i as f64 + 0.5) * dt;
                let env = 1.0 + (r - 1.0) * (-t / tau).exp();
                env * env * dt
            })
            .sum();
        assert!((thermal_n(r, tk) - sum / tk / (r * r)).abs() < 1e-6);
    }

    const SQRT_2_TEST: f64 = std::f64::consts::SQRT_2;

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

//! Correction factors of IEC 60909-0:2016: voltage factor c (Table 1), K_T, K_G, K_S, K_SO,
//! the fictitious generator resistance R_Gf, motor R/X, conductor end temperature.

/// The nominal voltage up to which a system counts as low voltage (Table 1: 100 V to 1000 V).
pub const LV_LIMIT_KV: f64 = 1.0;

/// Voltage factors c_max and c_min of IEC 60909-0 Table 1 for a system of `un_kv` with the
/// given LV tolerance (6 or 10 percent).
///
/// U_n ≤ 1 kV: c_max = 1.05 (+6 %) or 1.10 (+10 %), c_min = 0.95 (+6 %) or 0.90 (+10 %);
/// U_n > 1 kV: c_max = 1.10, c_min = 1.00.
pub fn voltage_factors(un_kv: f64, lv_tolerance_percent: f64) -> (f64, f64) {
    if un_kv <= LV_LIMIT_KV {
        if lv_tolerance_percent <= 6.0 {
            (1.05, 0.95)
        } else {
            (1.10, 0.90)
        }
    } else {
        (1.10, 1.00)
    }
}

/// Network transformer correction factor K_T = 0.95·c_max/(1 + 0.6·x_T) (IEC 60909-0
/// eq. 12a), with x_T the relative reactance (|X_T| on the transformer rating) and c_max of
/// the low-voltage side.
pub fn k_t(c_max: f64, x_t_pu: f64) -> f64 {
    0.95 * c_max / (1.0 + 0.6 * x_t_pu.abs())
}

/// Relative reactance x = √(u_k² − u_R²)/100 from percentages (absolute value).
pub fn relative_reactance(vk_percent: f64, vkr_percent: f64) -> f64 {
    (vk_percent * vk_percent - vkr_percent * vkr_percent)
        .max(0.0)
        .sqrt()
        / 100.0
}

/// Generator correction factor K_G = (U_n/U_rG)·c_max/(1 + x''d·sin φ_rG) (eq. 18), with
/// U_rG·(1 + p_G) when the generator voltage is permanently above rated.
pub fn k_g(un_kv: f64, ur_kv: f64, pg: f64, c_max: f64, xdss_pu: f64, cos_phi: f64) -> f64 {
    let sin_phi = (1.0 - cos_phi * cos_phi).max(0.0).sqrt();
    un_kv / (ur_kv * (1.0 + pg)) * c_max / (1.0 + xdss_pu * sin_phi)
}

/// Power station unit with on-load tap changer (eq. 21):
/// K_S = (U_nQ²/U_rG²)·(U_rTLV²/U_rTHV²)·c_max/(1 + |x''d − x_T|·sin φ_rG).
#[allow(clippy::too_many_arguments)]
pub fn k_s(
    unq_kv: f64,
    urg_kv: f64,
    urt_lv_kv: f64,
    urt_hv_kv: f64,
    c_max: f64,
    xdss_pu: f64,
    x_t_pu: f64,
    cos_phi: f64,
) -> f64 {
    let sin_phi = (1.0 - cos_phi * cos_phi).max(0.0).sqrt();
    (unq_kv * unq_kv) / (urg_kv * urg_kv) * (urt_lv_kv * urt_lv_kv) / (urt_hv_kv * urt_hv_kv)
        * c_max
        / (1.0 + (xdss_pu - x_t_pu).abs() * sin_phi)
}

/// Power station unit without on-load tap changer (eq. 23):
/// K_SO = U_nQ/(U_rG·(1 + p_G))·(U_rTLV/U_rTHV)·(1 − p_T)·c_max/(1 + x''d·sin φ_rG).
#[allow(clippy::too_many_arguments)]
pub fn k_so(
    unq_kv: f64,
    urg_kv: f64,
    pg: f64,
    urt_lv_kv: f64,
    urt_hv_kv: f64,
    pt: f64,
    c_max: f64,
    xdss_pu: f64,
    cos_phi: f64,
) -> f64 {
    let sin_phi = (1.0 - cos_phi * cos_phi).max(0.0).sqrt();
    unq_kv / (urg_kv * (1.0 + pg)) * (urt_lv_kv / urt_hv_kv) * (1.0 - pt) * c_max
        / (1.0 + xdss_pu * sin_phi)
}

/// Factors for a fault between the generator and the unit transformer of a power station
/// unit (IEC 60909-0 §6.7.2): K_G,S = c_max/(1 + x''d·sin φ_rG) and
/// K_T,S = c_max/(1 − x_T·sin φ_rG); without on-load tap changer both are divided by (1 + p_G).
pub fn k_gs_kts(
    c_max: f64,
    xdss_pu: f64,
    x_t_pu: f64,
    cos_phi: f64,
    pg: f64,
    oltc: bool,
) -> (f64, f64) {
    let sin_phi = (1.0 - cos_phi * cos_phi).max(0.0).sqrt();
    let div = if oltc { 1.0 } else { 1.0 + pg };
    let kgs = c_max / (1.0 + xdss_pu * sin_phi) / div;
    let kts = c_max / (1.0 - x_t_pu.abs() * sin_phi).max(1e-6) / div;
    (kgs, kts)
}

/// Fictitious resistance R_Gf/X''d for the peak current (IEC 60909-0 §6.6.1): 0.05 for
/// U_rG > 1 kV and S_rG ≥ 100 MVA, 0.07 for U_rG > 1 kV and S_rG < 100 MVA, 0.15 for
/// U_rG ≤ 1 kV.
pub fn generator_rf_over_x(ur_kv: f64, sr_mva: f64) -> f64 {
    if ur_kv <= LV_LIMIT_KV {
        0.15
    } else if sr_mva >= 100.0 {
        0.05
    } else {
        0.07
    }
}

/// R_M/X_M of an asynchronous motor (IEC 60909-0 §6.8): 0.10 for U_rM > 1 kV and power per
/// pole pair ≥ 1 MW, 0.15 for U_rM > 1 kV and < 1 MW, 0.42 for low-voltage motor groups.
pub fn motor_rx(ur_kv: f64, p_per_pole_pair_mw: f64) -> f64 {
    if ur_kv <= LV_LIMIT_KV {
        0.42
    } else if p_per_pole_pair_mw >= 1.0 {
        0.10
    } else {
        0.15
    }
}

/// Resistance factor for the conductor temperature at the end of the short circuit (minimum
/// case): R = R20·[1 + 0.004/K·(θ_e − 20 °C)].
pub fn end_temperature_factor(endtemp_degree: f64) -> f64 {
    1.0 + 0.004 * (endtemp_degree - 20.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_1() {
        assert_eq!(voltage_factors(0.4, 6.0), (1.05, 0.95));
        assert_eq!(voltage_factors(0.4, 10.0), (1.10, 0.90));
        assert_eq!(voltage_factors(1.0, 10.0), (1.10, 0.90));
        assert_eq!(voltage_factors(20.0, 6.0), (1.10, 1.00));
    }

    #[test]
    fn kt_of_iec_tr_60909_4_lv_example() {
        // T1: 630 kVA, u_kr = 4 %, P_krT = 6.5 kW -> u_Rr = 1.0317 %, c_max = 1.05: K_T = 0.974894
        let urr = 6.5 / 630.0 * 100.0;
        let kt = k_t(1.05, relative_reactance(4.0, urr));
        assert!((kt - 0.974894).abs() < 1e-6, "{kt}");
    }

    #[test]
    fn ks_of_iec_60909_4_unit_s1() {
        // S1: U_nQ = 110 kV, U_rG = 21 kV, t_r = 115/21, x''d = 0.14, x_T = 0.1599, cos φ = 0.85
        let xt = relative_reactance(16.0, 0.5);
        let ks = k_s(110.0, 21.0, 21.0, 115.0, 1.1, 0.14, xt, 0.85);
        assert!((ks - 0.995975).abs() < 2e-6, "{ks}");
    }

    #[test]
    fn generator_and_motor_defaults() {
        assert_eq!(generator_rf_over_x(10.5, 150.0), 0.05);
        assert_eq!(generator_rf_over_x(10.5, 2.5), 0.07);
        assert_eq!(generator_rf_over_x(0.4, 2.5), 0.15);
        assert_eq!(motor_rx(6.0, 2.0), 0.10);
        assert_eq!(motor_rx(6.0, 0.5), 0.15);
        assert_eq!(motor_rx(0.4, 0.5), 0.42);
        assert!((end_temperature_factor(80.0) - 1.24).abs() < 1e-12);
    }
}

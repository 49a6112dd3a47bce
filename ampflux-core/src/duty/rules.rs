//! The standards' formulas of the duty checks, as pure functions: utilization and verdict,
//! the rated d.c. component and asymmetrical breaking rating of a circuit-breaker
//! (IEC 62271-100), the making-current ratios (IEC 62271-100, IEC 60947-2), the short-time
//! withstand for another duration (IEC 60865-1), and the adiabatic withstand of conductors
//! (IEC 60949, IEC 60364-4-43). The network-side quantities (I''k, I_b, i_DC, I_b,asym, i_p,
//! I_th) come from the IEC 60909 study; none is computed here.

use super::report::Verdict;
use crate::model::{ConductorMaterial, Insulation};

/// duty / rating in percent.
pub fn utilization_percent(duty: f64, rating: f64) -> f64 {
    100.0 * duty / rating
}

/// `fail` above 100 %, `marginal` from `marginal_percent` up to 100 %, `pass` below.
pub fn verdict(utilization_percent: f64, marginal_percent: f64) -> Verdict {
    if utilization_percent > 100.0 {
        Verdict::Fail
    } else if utilization_percent >= marginal_percent {
        Verdict::Marginal
    } else {
        Verdict::Pass
    }
}

/// The standard d.c. time constant τ = 45 ms of the rated short-circuit breaking current
/// (IEC 62271-100:2008 §4.101.2).
pub const STANDARD_DC_TIME_CONSTANT_S: f64 = 0.045;

/// Relay time T_r of IEC 62271-100:2008 §4.101.2: half a cycle of the rated frequency.
pub fn relay_time_s(frequency_hz: f64) -> f64 {
    0.5 / frequency_hz
}

/// Rated percentage d.c. component at contact separation time `t_s` for d.c. time constant
/// `tau_s` (IEC 62271-100:2008 §4.101.2, Figure 9): %dc = 100·e^(−t/τ), with t = T_op + T_r.
pub fn rated_dc_percent(t_s: f64, tau_s: f64) -> f64 {
    100.0 * (-t_s / tau_s).exp()
}

/// Asymmetrical breaking rating in kA r.m.s. of a breaker with a.c. component `breaking_ka`
/// and d.c. component `dc_percent` of the a.c. peak (IEC 62271-100:2008 §4.101.2; the r.m.s.
/// of the asymmetrical current, I_asym = I_sc·√(1 + 2·(%dc/100)²)).
pub fn asymmetrical_breaking_ka(breaking_ka: f64, dc_percent: f64) -> f64 {
    let p = dc_percent / 100.0;
    breaking_ka * (1.0 + 2.0 * p * p).sqrt()
}

/// Rated d.c. component in kA of a breaker with a.c. component `breaking_ka` and d.c.
/// component `dc_percent` of the a.c. peak: √2·I_sc·%dc/100 (IEC 62271-100:2008 §4.101.2).
pub fn rated_dc_ka(breaking_ka: f64, dc_percent: f64) -> f64 {
    std::f64::consts::SQRT_2 * breaking_ka * dc_percent / 100.0
}

/// Ratio of the rated short-circuit making current (peak) to the rated short-circuit
/// breaking current of a high-voltage breaker with the standard time constant:
/// 2.5 at 50 Hz, 2.6 at 60 Hz (IEC 62271-100:2008 §4.103).
pub fn hv_making_factor(frequency_hz: f64) -> f64 {
    if frequency_hz > 55.0 { 2.6 } else { 2.5 }
}

/// Minimum ratio n = I_cm / I_cu of a low-voltage breaker with rated ultimate breaking
/// capacity `icu_ka` (IEC 60947-2 Table 2; power factors 0.95 … 0.2).
pub fn lv_making_factor(icu_ka: f64) -> f64 {
    const TABLE_2: [(f64, f64); 8] = [
        (1.5, 1.41),
        (3.0, 1.42),
        (4.5, 1.47),
        (6.0, 1.53),
        (10.0, 1.7),
        (20.0, 2.0),
        (50.0, 2.1),
        (f64::INFINITY, 2.2),
    ];
    TABLE_2
        .iter()
        .find(|(upto, _)| icu_ka <= *upto)
        .map_or(2.2, |(_, n)| *n)
}

/// The thermal duty of equipment rated I_thr for T_kr, as the current to compare with I_thr
/// (IEC 60865-1:2011 clause 7, thermal short-circuit strength of electrical equipment:
/// I_th ≤ I_thr for T_k ≤ T_kr, I_th ≤ I_thr·√(T_kr/T_k) for T_k ≥ T_kr). That is I_th
/// itself for faults no longer than the rated duration, and I_th·√(T_k/T_kr), the current of
/// equal I²t over T_kr, for longer ones.
pub fn short_time_equivalent_ka(ith_ka: f64, tk_s: f64, rated_duration_s: f64) -> f64 {
    if tk_s > rated_duration_s {
        ith_ka * (tk_s / rated_duration_s).sqrt()
    } else {
        ith_ka
    }
}

/// Material constants K in A·√s/mm² and β in K of IEC 60949 Table 1.
pub fn material_constants(material: ConductorMaterial) -> (f64, f64) {
    match material {
        ConductorMaterial::Cu => (226.0, 234.5),
        ConductorMaterial::Al => (148.0, 228.0),
    }
}

/// Initial and final conductor temperatures in °C of the adiabatic withstand:
/// IEC 60364-4-43 Table 43A for PVC (70 → 160 °C, above 300 mm² 70 → 140 °C) and XLPE/EPR
/// (90 → 250 °C); paper 80 → 160 °C and bare 70 → 200 °C are conservative choices of AmpFlux
/// (see `docs/network-format.md`).
pub fn temperatures_c(insulation: Insulation, cross_section_mm2: f64) -> (f64, f64) {
    match insulation {
        Insulation::Pvc if cross_section_mm2 > 300.0 => (70.0, 140.0),
        Insulation::Pvc => (70.0, 160.0),
        Insulation::Xlpe | Insulation::Epr => (90.0, 250.0),
        Insulation::Paper => (80.0, 160.0),
        Insulation::Bare => (70.0, 200.0),
    }
}

/// Factor k of the adiabatic withstand in A·√s/mm² (IEC 60949 eq. 1):
/// k = K·√ln((θ_f + β)/(θ_i + β)), which gives the k of IEC 60364-4-43 Table 43A.
pub fn conductor_k(
    material: ConductorMaterial,
    insulation: Insulation,
    cross_section_mm2: f64,
) -> f64 {
    let (big_k, beta) = material_constants(material);
    let (ti, tf) = temperatures_c(insulation, cross_section_mm2);
    big_k * ((tf + beta) / (ti + beta)).ln().sqrt()
}

/// Cross-section in mm² one of `parallel` circuits needs to carry `current_ka` for `t_s`
/// adiabatically: S = I·√t / k (IEC 60364-5-54 §543.1.2, IEC 60364-4-43 §434.5.2), each
/// circuit carrying I/`parallel`.
pub fn required_cross_section_mm2(current_ka: f64, t_s: f64, k: f64, parallel: u32) -> f64 {
    current_ka * 1000.0 * t_s.sqrt() / (k * f64::from(parallel.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    // the tables of the standards (Table 43A, IEC 60947-2 Table 2, the making factors) are
    // checked against tests/data/duty/standard_values.json by tests/duty.rs

    /// By hand: Cu XLPE, k = 226·√ln(484.5/324.5) = 143.09; 20 kA for 0.5 s needs
    /// 20000·√0.5/143.09 = 98.83 mm², 49.42 mm² per circuit of two.
    #[test]
    fn required_cross_section_by_hand() {
        let k = conductor_k(ConductorMaterial::Cu, Insulation::Xlpe, 95.0);
        assert!((k - 143.09).abs() < 0.01, "{k}");
        let s = required_cross_section_mm2(20.0, 0.5, k, 1);
        assert!((s - 98.83).abs() < 0.01, "{s}");
        assert!((required_cross_section_mm2(20.0, 0.5, k, 2) - s / 2.0).abs() < 1e-12);
    }

    /// By hand: T_op = 40 ms, T_r = 10 ms at 50 Hz: %dc = 100·e^(−50/45) = 32.92 %;
    /// I_sc = 25 kA gives I_asym = 25·√(1 + 2·0.3292²) = 25·√1.21674 = 27.576 kA.
    #[test]
    fn dc_component_and_asymmetrical_rating_by_hand() {
        let t = 0.040 + relay_time_s(50.0);
        assert!((t - 0.050).abs() < 1e-15);
        let dc = rated_dc_percent(t, STANDARD_DC_TIME_CONSTANT_S);
        assert!((dc - 32.919).abs() < 1e-3, "{dc}");
        let asym = asymmetrical_breaking_ka(25.0, dc);
        assert!((asym - 27.576).abs() < 1e-3, "{asym}");
        assert_eq!(asymmetrical_breaking_ka(25.0, 0.0), 25.0);
    }

    /// By hand: 20 kA for 3 s against a 1 s rating is 20·√3 = 34.64 kA; for 0.5 s it stays
    /// 20 kA (no credit below the rated duration).
    #[test]
    fn short_time_by_hand() {
        assert!((short_time_equivalent_ka(20.0, 3.0, 1.0) - 34.641).abs() < 1e-3);
        assert_eq!(short_time_equivalent_ka(20.0, 0.5, 1.0), 20.0);
        assert_eq!(short_time_equivalent_ka(20.0, 1.0, 1.0), 20.0);
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(100.0, 90.0), Verdict::Marginal);
        assert_eq!(verdict(100.01, 90.0), Verdict::Fail);
        assert_eq!(verdict(90.0, 90.0), Verdict::Marginal);
        assert_eq!(verdict(89.99, 90.0), Verdict::Pass);
        assert_eq!(utilization_percent(45.0, 50.0), 90.0);
    }
}

//! Steady-state short-circuit current of synchronous machines: the factors λ_max and λ_min
//! of IEC 60909-0:2016 §10.2.1 (Figures 18 and 19).
//!
//! The figures draw λ against I''kG/I_rG for the saturated synchronous reactance x_dsat and
//! the excitation ceiling U_fmax/U_fr. AmpFlux evaluates the machine model they describe
//! instead of reading curves: in the steady state the machine is an EMF behind x_dsat, fed
//! into the external reactance x_e that I''kG/I_rG implies (I''kG/I_rG = c/(x''d + x_e)):
//!
//! - λ_min: constant no-load excitation, EMF 1: λ_min = 1/(x_dsat + x_e);
//! - λ_max: the highest excitation, U_fmax/U_fr times the rated-load EMF
//!   E_r = √(cos²φ_rG + (sin φ_rG + x_dsat)²): λ_max = (U_fmax/U_fr)·E_r/(x_dsat + x_e);
//!
//! both at most I''kG/I_rG (the steady-state current never exceeds the initial one). At the
//! terminals (x_e = 0) this gives the figures' limits λ_min = 1/x_dsat and
//! λ_max = (U_fmax/U_fr)·E_r/x_dsat.

use crate::study::Case;
use crate::system::SteadyData;

/// λ (I_k/I_rG) of a synchronous machine whose partial current is `x` times its rated current,
/// with saturated synchronous reactance `xdsat` (p.u.), for voltage factor `c` and `case`
/// (max: λ_max, min: λ_min).
pub(crate) fn lambda(x: f64, xdsat: f64, s: &SteadyData, c: f64, case: Case) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let x_e = (c / x - s.xdss_pu).max(0.0);
    let emf = match case {
        Case::Min => 1.0,
        Case::Max => {
            let cos = s.cos_phi.clamp(0.0, 1.0);
            let sin = (1.0 - cos * cos).sqrt();
            s.ufmax_ufr * (cos * cos + (sin + xdsat) * (sin + xdsat)).sqrt()
        }
    };
    (emf / (xdsat + x_e)).min(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(xdss: f64, ufmax: f64) -> SteadyData {
        SteadyData {
            xdsat_pu: Some(1.8),
            xdss_pu: xdss,
            cos_phi: 0.85,
            ufmax_ufr: ufmax,
        }
    }

    #[test]
    fn terminal_limits() {
        // a terminal fault: I''kG/I_rG = c/x''d, no external reactance
        let s = machine(0.14, 1.3);
        let x = 1.1 / 0.14;
        assert!((lambda(x, 1.8, &s, 1.1, Case::Min) - 1.0 / 1.8).abs() < 1e-12);
        let er = (0.85f64.powi(2) + (0.85f64.acos().sin() + 1.8).powi(2)).sqrt();
        assert!((lambda(x, 1.8, &s, 1.1, Case::Max) - 1.3 * er / 1.8).abs() < 1e-12);
    }

    #[test]
    fn ordered_and_bounded() {
        let s = machine(0.14, 1.6);
        for x in [0.5, 1.0, 2.5, 4.0, 7.8] {
            let (lo, hi) = (
                lambda(x, 1.8, &s, 1.1, Case::Min),
                lambda(x, 1.8, &s, 1.1, Case::Max),
            );
            assert!(0.0 < lo && lo <= hi && hi <= x, "{x}: {lo} {hi}");
        }
        // farther away (smaller I''kG/I_rG), less steady-state current
        assert!(lambda(3.0, 1.8, &s, 1.1, Case::Min) < lambda(6.0, 1.8, &s, 1.1, Case::Min));
    }
}

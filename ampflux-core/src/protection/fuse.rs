//! Fuses: melting and clearing time-current curves given as points and interpolated
//! linearly in log(current)-log(time), and the generic gG curves shipped with AmpFlux.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::Band;
use crate::model::FusePoint;

/// A fuse's time-current curves (points of strictly increasing current).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FuseCurve {
    /// The points.
    pub points: Vec<FusePoint>,
}

impl FuseCurve {
    /// Melting (`Band::Min`) or total clearing (`Band::Max`) time at `current_a`: `None`
    /// below the first point's current (the fuse does not melt), interpolated in log-log
    /// between points, and the last point's time above the last current (published curves
    /// end near half a cycle, where current limitation takes over).
    pub fn time_s(&self, current_a: f64, band: Band) -> Option<f64> {
        let t = |p: &FusePoint| match band {
            Band::Min => p.melting_time_s,
            Band::Max => p.clearing_time_s,
        };
        let first = self.points.first()?;
        if current_a.is_nan() || current_a < first.current_a {
            return None;
        }
        let last = self.points.last()?;
        if current_a >= last.current_a {
            return Some(t(last));
        }
        let k = self.points.partition_point(|p| p.current_a <= current_a);
        let (a, b) = (&self.points[k - 1], &self.points[k]);
        let x = (current_a.ln() - a.current_a.ln()) / (b.current_a.ln() - a.current_a.ln());
        Some((t(a).ln() + x * (t(b).ln() - t(a).ln())).exp())
    }

    /// The lowest current at which the fuse melts, in A.
    pub fn pickup_a(&self) -> f64 {
        self.points.first().map_or(f64::INFINITY, |p| p.current_a)
    }
}

/// One generic curve of the shipped data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenericFuse {
    /// Name used as a fuse's `curve` (`generic_gG_100A`).
    pub name: String,
    /// Rated current In in A.
    pub rated_current_a: f64,
    /// The points.
    pub points: Vec<FusePoint>,
}

#[derive(Deserialize)]
struct GenericFile {
    curves: Vec<GenericFuse>,
}

/// The generic gG curves shipped with AmpFlux (`data/generic_fuses.json`). They are the
/// team's own, from [`generic_gg_times`], not any manufacturer's curve: use a manufacturer's
/// points for a real study.
pub fn generic_fuses() -> &'static [GenericFuse] {
    static CURVES: OnceLock<Vec<GenericFuse>> = OnceLock::new();
    CURVES.get_or_init(|| {
        let file: GenericFile = serde_json::from_str(include_str!("../../data/generic_fuses.json"))
            .expect("the shipped generic fuse curves parse");
        file.curves
    })
}

/// The generic curve named `name` (case-insensitive).
pub fn generic_fuse(name: &str) -> Option<&'static GenericFuse> {
    generic_fuses()
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name.trim()))
}

/// Melting threshold of the generic gG curves as a multiple of In: between the conventional
/// non-fusing (1.25·In) and fusing (1.6·In) currents of gG fuses of IEC 60269-1 Table 2.
pub const GENERIC_GG_MELT_MULTIPLE: f64 = 1.45;

/// The AmpFlux team's generic gG formula (not a standard's and not a vendor's): melting time
/// `t_m = max(930 s/(M⁴ − 1.45⁴), 2 s/M²)` at M = I/In > 1.45 (an M⁻⁴ overload region that
/// passes between IEC 60269-1's conventional currents, and a constant pre-arcing I²t of
/// 2 s·In² at high currents), clearing time `t_c = t_m + min(t_m, 5 ms)` (arcing time). Returns
/// (melting, clearing) in s, `None` at or below 1.45·In.
pub fn generic_gg_times(multiple: f64) -> Option<(f64, f64)> {
    if multiple.is_nan() || multiple <= GENERIC_GG_MELT_MULTIPLE {
        return None;
    }
    let melt = (930.0 / (multiple.powi(4) - GENERIC_GG_MELT_MULTIPLE.powi(4)))
        .max(2.0 / (multiple * multiple));
    Some((melt, melt + melt.min(0.005)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_generic_curves_follow_their_formula() {
        let curves = generic_fuses();
        assert!(curves.len() >= 5);
        for c in curves {
            assert_eq!(c.name, format!("generic_gG_{}A", c.rated_current_a));
            for p in &c.points {
                let (melt, clear) = generic_gg_times(p.current_a / c.rated_current_a).unwrap();
                assert!(
                    (p.melting_time_s / melt - 1.0).abs() < 1e-3,
                    "{} {p:?}",
                    c.name
                );
                assert!(
                    (p.clearing_time_s / clear - 1.0).abs() < 1e-3,
                    "{} {p:?}",
                    c.name
                );
            }
        }
    }

    #[test]
    fn generic_gg_sits_inside_the_iec_60269_1_gates() {
        // no melting at the conventional non-fusing current 1.25·In
        assert!(generic_gg_times(1.25).is_none());
        // melting within the conventional time (1 h up to 63 A, 2 h up to 160 A ...) at 1.6·In
        let (melt, _) = generic_gg_times(1.6).unwrap();
        assert!(melt < 3600.0, "{melt}");
    }

    #[test]
    fn interpolation_is_log_log() {
        let f = FuseCurve {
            points: vec![
                FusePoint {
                    current_a: 100.0,
                    melting_time_s: 100.0,
                    clearing_time_s: 120.0,
                },
                FusePoint {
                    current_a: 1000.0,
                    melting_time_s: 0.01,
                    clearing_time_s: 0.02,
                },
            ],
        };
        // a straight line in log-log: halfway in log(I) is halfway in log(t)
        let mid = 100.0 * 10f64.sqrt();
        assert!((f.time_s(mid, Band::Min).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(f.time_s(99.0, Band::Min), None);
        assert_eq!(f.time_s(5000.0, Band::Max), Some(0.02));
    }
}

//! What a worker needs from an incident energy: the PPE category of NFPA 70E and the shock
//! approach boundaries of its label.

/// Incident energy in cal/cm² at which the arc-flash boundary lies (onset of a
/// second-degree burn; NFPA 70E 130.5, IEEE 1584-2018 3.1).
pub const BOUNDARY_CAL_PER_CM2: f64 = 1.2;

/// Minimum arc ratings of the PPE categories 1 to 4 in cal/cm² (NFPA 70E Table
/// 130.7(C)(15)(c)).
pub const CATEGORY_ARC_RATING_CAL_PER_CM2: [f64; 4] = [4.0, 8.0, 25.0, 40.0];

/// The lowest PPE category whose minimum arc rating covers `energy_cal_per_cm2` (NFPA 70E
/// Table 130.7(C)(15)(c): 4, 8, 25, 40 cal/cm² for categories 1 to 4): `Some(0)` at or below
/// 1.2 cal/cm² (no arc-rated clothing needed for the arc-flash hazard), `None` above
/// 40 cal/cm², where no category applies.
///
/// ```
/// use ampflux_core::arcflash::ppe_category;
/// assert_eq!(ppe_category(1.0), Some(0));
/// assert_eq!(ppe_category(2.904), Some(1));
/// assert_eq!(ppe_category(8.0), Some(2));
/// assert_eq!(ppe_category(41.0), None);
/// ```
pub fn ppe_category(energy_cal_per_cm2: f64) -> Option<u8> {
    if energy_cal_per_cm2 <= BOUNDARY_CAL_PER_CM2 {
        return Some(0);
    }
    CATEGORY_ARC_RATING_CAL_PER_CM2
        .iter()
        .position(|rating| energy_cal_per_cm2 <= *rating)
        .map(|i| i as u8 + 1)
}

/// Shock approach boundaries of an AC system (NFPA 70E Table 130.4(E)(a)).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ApproachBoundaries {
    /// Limited approach boundary to an exposed fixed circuit part, in mm.
    pub limited_mm: f64,
    /// Restricted approach boundary in mm (`None`: "avoid contact", 50 V to 150 V).
    pub restricted_mm: Option<f64>,
}

/// The shock approach boundaries of a system of nominal voltage `vn_kv` (phase to phase;
/// NFPA 70E Table 130.4(E)(a), up to 15 kV): 50 V to 150 V: limited 1.0 m, restricted "avoid
/// contact"; 151 V to 750 V: 1.0 m and 0.3 m; 751 V to 15 kV: 1.5 m and 0.7 m. `None` below
/// 50 V and above 15 kV.
pub fn approach_boundaries(vn_kv: f64) -> Option<ApproachBoundaries> {
    let v = vn_kv * 1000.0;
    let b = |limited_mm, restricted_mm| ApproachBoundaries {
        limited_mm,
        restricted_mm,
    };
    if v < 50.0 {
        None
    } else if v <= 150.0 {
        Some(b(1000.0, None))
    } else if v <= 750.0 {
        Some(b(1000.0, Some(300.0)))
    } else if v <= 15_000.0 {
        Some(b(1500.0, Some(700.0)))
    } else {
        None
    }
}

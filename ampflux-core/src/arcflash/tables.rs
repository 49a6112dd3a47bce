//! The coefficient tables of IEEE Std 1584-2018 (Tables 1 to 7) and its typical equipment
//! data (Tables 8 to 10), entered from the standard. These are published model data: the
//! equations that use them are in the private `model` and `enclosure` modules of `arcflash`.

use super::ElectrodeConfiguration;

/// Coefficients k1 ... k10 of the intermediate average arcing current, equation (1), for
/// one electrode configuration at 600 V, 2700 V and 14 300 V (IEEE 1584-2018 Table 1).
pub(crate) fn arcing_current(ec: ElectrodeConfiguration) -> [[f64; 10]; 3] {
    use ElectrodeConfiguration::*;
    match ec {
        Vcb => [
            [
                -0.04287, 1.035, -0.083, 0.0, 0.0, -4.783e-9, 1.962e-6, -0.000229, 0.003141, 1.092,
            ],
            [
                0.0065, 1.001, -0.024, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729,
            ],
            [
                0.005795, 1.015, -0.011, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729,
            ],
        ],
        Vcbb => [
            [
                -0.017432, 0.98, -0.05, 0.0, 0.0, -5.767e-9, 2.524e-6, -0.00034, 0.01187, 1.013,
            ],
            [
                0.002823, 0.995, -0.0125, 0.0, -9.204e-11, 2.901e-8, -3.262e-6, 0.0001569,
                -0.004003, 0.9825,
            ],
            [
                0.014827, 1.01, -0.01, 0.0, -9.204e-11, 2.901e-8, -3.262e-6, 0.0001569, -0.004003,
                0.9825,
            ],
        ],
        Hcb => [
            [
                0.054922, 0.988, -0.11, 0.0, 0.0, -5.382e-9, 2.316e-6, -0.000302, 0.0091, 0.9725,
            ],
            [
                0.001011, 1.003, -0.0249, 0.0, 0.0, 4.859e-10, -1.814e-7, -9.128e-6, -0.0007,
                0.9881,
            ],
            [
                0.008693, 0.999, -0.02, 0.0, -5.043e-11, 2.233e-8, -3.046e-6, 0.000116, -0.001145,
                0.9839,
            ],
        ],
        Voa => [
            [
                0.043785, 1.04, -0.18, 0.0, 0.0, -4.783e-9, 1.962e-6, -0.000229, 0.003141, 1.092,
            ],
            [
                -0.02395, 1.006, -0.0188, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729,
            ],
            [
                0.005371, 1.0102, -0.029, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729,
            ],
        ],
        Hoa => [
            [
                0.111147, 1.008, -0.24, 0.0, 0.0, -3.895e-9, 1.641e-6, -0.000197, 0.002615, 1.1,
            ],
            [
                0.000435, 1.006, -0.038, 0.0, 0.0, 7.859e-10, -1.914e-7, -9.128e-6, -0.0007, 0.9981,
            ],
            [
                0.000904, 0.999, -0.02, 0.0, 0.0, 7.859e-10, -1.914e-7, -9.128e-6, -0.0007, 0.9981,
            ],
        ],
    }
}

/// Coefficients k1 ... k7 of the arcing current variation correction factor VarCf (the
/// polynomial in Voc under equation (2); IEEE 1584-2018 Table 2).
pub(crate) fn variation(ec: ElectrodeConfiguration) -> [f64; 7] {
    use ElectrodeConfiguration::*;
    match ec {
        Vcb => [
            0.0,
            -0.0000014269,
            0.000083137,
            -0.0019382,
            0.022366,
            -0.12645,
            0.30226,
        ],
        Vcbb => [
            1.138e-6, -6.0287e-5, 0.0012758, -0.013778, 0.080217, -0.24066, 0.33524,
        ],
        Hcb => [
            0.0, -3.097e-6, 0.00016405, -0.0033609, 0.033308, -0.16182, 0.34627,
        ],
        Voa => [
            9.5606e-7, -5.1543e-5, 0.0011161, -0.01242, 0.075125, -0.23584, 0.33696,
        ],
        Hoa => [
            0.0, -3.1555e-6, 0.0001682, -0.0034607, 0.034124, -0.1599, 0.34629,
        ],
    }
}

/// Coefficients k1 ... k13 of the intermediate incident energy and arc-flash boundary,
/// equations (3) to (10), at 600 V (and for Voc ≤ 600 V), 2700 V and 14 300 V
/// (IEEE 1584-2018 Tables 3, 4 and 5).
pub(crate) fn energy(ec: ElectrodeConfiguration) -> [[f64; 13]; 3] {
    use ElectrodeConfiguration::*;
    match ec {
        Vcb => [
            [
                0.753364, 0.566, 1.752636, 0.0, 0.0, -4.783e-9, 1.962e-6, -0.000229, 0.003141,
                1.092, 0.0, -1.598, 0.957,
            ],
            [
                2.40021, 0.165, 0.354202, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729, 0.0, -1.569, 0.9778,
            ],
            [
                3.825917, 0.11, -0.999749, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729, 0.0, -1.568, 0.99,
            ],
        ],
        Vcbb => [
            [
                3.068459, 0.26, -0.098107, 0.0, 0.0, -5.767e-9, 2.524e-6, -0.00034, 0.01187, 1.013,
                -0.06, -1.809, 1.19,
            ],
            [
                3.870592, 0.185, -0.736618, 0.0, -9.204e-11, 2.901e-8, -3.262e-6, 0.0001569,
                -0.004003, 0.9825, 0.0, -1.742, 1.09,
            ],
            [
                3.644309, 0.215, -0.585522, 0.0, -9.204e-11, 2.901e-8, -3.262e-6, 0.0001569,
                -0.004003, 0.9825, 0.0, -1.677, 1.06,
            ],
        ],
        Hcb => [
            [
                4.073745, 0.344, -0.370259, 0.0, 0.0, -5.382e-9, 2.316e-6, -0.000302, 0.0091,
                0.9725, 0.0, -2.03, 1.036,
            ],
            [
                3.486391, 0.177, -0.193101, 0.0, 0.0, 4.859e-10, -1.814e-7, -9.128e-6, -0.0007,
                0.9881, 0.027, -1.723, 1.055,
            ],
            [
                3.044516, 0.125, 0.245106, 0.0, -5.043e-11, 2.233e-8, -3.046e-6, 0.000116,
                -0.001145, 0.9839, 0.0, -1.655, 1.084,
            ],
        ],
        Voa => [
            [
                0.679294, 0.746, 1.222636, 0.0, 0.0, -4.783e-9, 1.962e-6, -0.000229, 0.003141,
                1.092, 0.0, -1.598, 0.997,
            ],
            [
                3.880724, 0.105, -1.906033, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729, 0.0, -1.515, 1.115,
            ],
            [
                3.405454, 0.12, -0.93245, -1.557e-12, 4.556e-10, -4.186e-8, 8.346e-7, 5.482e-5,
                -0.003191, 0.9729, 0.0, -1.534, 0.979,
            ],
        ],
        Hoa => [
            [
                3.470417, 0.465, -0.261863, 0.0, 0.0, -3.895e-9, 1.641e-6, -0.000197, 0.002615,
                1.1, 0.0, -1.99, 1.04,
            ],
            [
                3.616266, 0.149, -0.761561, 0.0, 0.0, 7.859e-10, -1.914e-7, -9.128e-6, -0.0007,
                0.9981, 0.0, -1.639, 1.078,
            ],
            [
                2.04049, 0.177, 1.005092, 0.0, 0.0, 7.859e-10, -1.914e-7, -9.128e-6, -0.0007,
                0.9981, -0.05, -1.633, 1.151,
            ],
        ],
    }
}

/// Constants A and B of equations (11) and (12) for the equivalent enclosure width and
/// height (IEEE 1584-2018 Table 7, with the enclosure rules of Table 6); `None` for the
/// open-air configurations, which have no enclosure correction.
pub(crate) fn enclosure_ab(ec: ElectrodeConfiguration) -> Option<(f64, f64)> {
    use ElectrodeConfiguration::*;
    match ec {
        Vcb => Some((4.0, 20.0)),
        Vcbb => Some((10.0, 24.0)),
        Hcb => Some((10.0, 22.0)),
        Voa | Hoa => None,
    }
}

/// Coefficients b1, b2, b3 of the enclosure size correction factor, equations (14) and
/// (15), for typical and shallow enclosures (IEEE 1584-2018 Table 7).
pub(crate) fn enclosure_b(ec: ElectrodeConfiguration, shallow: bool) -> [f64; 3] {
    use ElectrodeConfiguration::*;
    match (ec, shallow) {
        (Vcb, false) => [-0.000302, 0.03441, 0.4325],
        (Vcbb, false) => [-0.0002976, 0.032, 0.479],
        (Hcb, false) => [-0.0001923, 0.01935, 0.6899],
        (Vcb, true) => [0.002222, -0.02556, 0.6222],
        (Vcbb, true) => [-0.002778, 0.1194, -0.2778],
        (Hcb, true) => [-0.0005556, 0.03722, 0.4778],
        (Voa | Hoa, _) => [0.0, 0.0, 1.0],
    }
}

/// Classes of equipment with typical gaps, enclosure sizes and working distances (IEEE
/// 1584-2018 Table 8, typical gaps and enclosure sizes, and Table 10, typical working
/// distances).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentClass {
    /// Switchgear (15 kV, 5 kV, low voltage).
    Switchgear,
    /// Motor control centre (15 kV, 5 kV, low voltage).
    Mcc,
    /// Low-voltage panelboard.
    Panelboard,
    /// Low-voltage cable junction box.
    CableJunctionBox,
}

impl EquipmentClass {
    /// The class's name in the format.
    pub fn as_str(self) -> &'static str {
        match self {
            EquipmentClass::Switchgear => "switchgear",
            EquipmentClass::Mcc => "mcc",
            EquipmentClass::Panelboard => "panelboard",
            EquipmentClass::CableJunctionBox => "cable_junction_box",
        }
    }
}

/// Typical data of a class of equipment at a voltage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Typical {
    /// Gap between conductors in mm.
    pub gap_mm: f64,
    /// Enclosure height, width, depth in mm.
    pub enclosure: super::Enclosure,
    /// Working distance in mm.
    pub working_distance_mm: f64,
}

/// The typical gap, enclosure and working distance of `class` at `voc_kv` (IEEE 1584-2018
/// Tables 8 and 10): 15 kV class above 5 kV, 5 kV class above 0.6 kV, low voltage below.
/// Low-voltage MCCs, panelboards and junction boxes are taken deep (depth 254 mm > 203.2 mm,
/// a typical enclosure), the more common build; `None` for a class the tables do not list at
/// that voltage (panelboards and junction boxes above 600 V).
pub fn typical(class: EquipmentClass, voc_kv: f64) -> Option<Typical> {
    let t = |gap_mm, h, w, d, wd| Typical {
        gap_mm,
        enclosure: super::Enclosure {
            height_mm: h,
            width_mm: w,
            depth_mm: d,
        },
        working_distance_mm: wd,
    };
    use EquipmentClass::*;
    Some(match class {
        Switchgear if voc_kv > 5.0 => t(152.0, 1143.0, 762.0, 762.0, 914.4),
        Mcc if voc_kv > 5.0 => t(152.0, 914.4, 914.4, 914.4, 914.4),
        Switchgear if voc_kv > 0.6 => t(104.0, 914.4, 914.4, 914.4, 914.4),
        Mcc if voc_kv > 0.6 => t(104.0, 660.4, 660.4, 660.4, 914.4),
        Panelboard | CableJunctionBox if voc_kv > 0.6 => return None,
        Switchgear => t(32.0, 508.0, 508.0, 508.0, 609.6),
        Mcc | Panelboard => t(25.0, 355.6, 304.8, 254.0, 457.2),
        CableJunctionBox => t(13.0, 355.6, 304.8, 254.0, 457.2),
    })
}

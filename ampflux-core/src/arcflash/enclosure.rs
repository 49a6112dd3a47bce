//! Enclosure size correction factor CF of IEEE 1584-2018: the enclosure type (typical or
//! shallow), the equivalent height and width of Table 6 and equations (11) and (12), the
//! equivalent enclosure size EES of equation (13), and CF of equations (14) and (15).

use serde::{Deserialize, Serialize};

use super::{ElectrodeConfiguration, Enclosure, tables};

/// The millimetre-to-inch factor printed in Table 6 (0.03937, not 1/25.4): Annex D's
/// equivalent sizes are computed with it, so the correction reproduces them digit for digit.
const MM_TO_IN_TABLE_6: f64 = 0.03937;
/// The exact conversion of equations (11) and (12), which divide by 25.4.
const MM_PER_IN: f64 = 25.4;
/// 20 in: the normalised enclosure size of the model and the smallest EES of a typical box.
const NORMAL_IN: f64 = 20.0;

/// How the enclosure enters the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnclosureType {
    /// A typical enclosure: CF from equation (14).
    Typical,
    /// A shallow enclosure (Voc < 600 V, height and width < 508 mm, depth ≤ 203.2 mm): CF from
    /// equation (15).
    Shallow,
    /// Open air (VOA, HOA): no enclosure, CF = 1.
    OpenAir,
}

/// The enclosure size correction and its intermediate values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnclosureCorrection {
    /// Typical, shallow or open air.
    pub enclosure_type: EnclosureType,
    /// Equivalent width Width_1 in inches (Table 6, equation (11)); absent in open air.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width_1_in: Option<f64>,
    /// Equivalent height Height_1 in inches (Table 6, equation (12)); absent in open air.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_1_in: Option<f64>,
    /// Equivalent enclosure size EES = (Height_1 + Width_1)/2 in inches (equation (13)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ees_in: Option<f64>,
    /// Enclosure size correction factor CF (equations (14) and (15); 1 in open air).
    pub cf: f64,
}

/// Whether an enclosure is shallow (the enclosure-type rule that precedes Table 6 of IEEE
/// 1584-2018: Voc below 600 V, height and width below 508 mm and depth at most 203.2 mm);
/// typical otherwise.
pub fn is_shallow(voc_kv: f64, e: &Enclosure) -> bool {
    voc_kv < 0.6 && e.height_mm < 508.0 && e.width_mm < 508.0 && e.depth_mm <= 203.2
}

/// Equations (11) and (12): the equivalent dimension of an enclosure dimension `dim_mm`
/// between 660.4 mm and 1244.6 mm, in inches:
/// `(660.4 + (dim − 660.4)·(Voc + A)/B) / 25.4`.
fn equation_11_12(dim_mm: f64, voc_kv: f64, (a, b): (f64, f64)) -> f64 {
    (660.4 + (dim_mm - 660.4) * ((voc_kv + a) / b)) / MM_PER_IN
}

/// The equivalent of one enclosure dimension by the ranges of Table 6: `use_equation` says
/// whether equations (11)/(12) apply between 660.4 mm and 1244.6 mm (else 0.03937·dim), and
/// `above_limit_in` gives a fixed value beyond 1244.6 mm (else the equation at 1244.6 mm).
fn equivalent(
    dim_mm: f64,
    voc_kv: f64,
    shallow: bool,
    ab: (f64, f64),
    use_equation: bool,
    above_limit_in: Option<f64>,
) -> f64 {
    if dim_mm < 508.0 {
        if shallow {
            MM_TO_IN_TABLE_6 * dim_mm
        } else {
            NORMAL_IN
        }
    } else if dim_mm <= 660.4 {
        MM_TO_IN_TABLE_6 * dim_mm
    } else if dim_mm <= 1244.6 {
        if use_equation {
            equation_11_12(dim_mm, voc_kv, ab)
        } else {
            MM_TO_IN_TABLE_6 * dim_mm
        }
    } else {
        match above_limit_in {
            Some(v) => v,
            None => equation_11_12(1244.6, voc_kv, ab),
        }
    }
}

/// The enclosure size correction of an arc in `enclosure` at `voc_kv` for configuration
/// `ec` (IEEE 1584-2018 Table 6 and equations (11) to (15)).
///
/// Width: 20 in below 508 mm (typical) or 0.03937·W (shallow); 0.03937·W up to 660.4 mm;
/// equation (11) up to 1244.6 mm; equation (11) at 1244.6 mm beyond. Height: the same for
/// VCBB and HCB (equation (12)); for VCB 0.03937·H up to 1244.6 mm and 49 in beyond.
pub fn correction(
    ec: ElectrodeConfiguration,
    voc_kv: f64,
    enclosure: &Enclosure,
) -> EnclosureCorrection {
    let Some(ab) = tables::enclosure_ab(ec) else {
        return EnclosureCorrection {
            enclosure_type: EnclosureType::OpenAir,
            width_1_in: None,
            height_1_in: None,
            ees_in: None,
            cf: 1.0,
        };
    };
    let shallow = is_shallow(voc_kv, enclosure);
    let width_1 = equivalent(enclosure.width_mm, voc_kv, shallow, ab, true, None);
    let height_1 = if ec == ElectrodeConfiguration::Vcb {
        equivalent(enclosure.height_mm, voc_kv, shallow, ab, false, Some(49.0))
    } else {
        equivalent(enclosure.height_mm, voc_kv, shallow, ab, true, None)
    };
    // equation (13)
    let ees = (height_1 + width_1) / 2.0;
    let [b1, b2, b3] = tables::enclosure_b(ec, shallow);
    let poly = b1 * ees * ees + b2 * ees + b3;
    // equation (14) for typical enclosures, (15) for shallow ones
    let cf = if shallow { 1.0 / poly } else { poly };
    EnclosureCorrection {
        enclosure_type: if shallow {
            EnclosureType::Shallow
        } else {
            EnclosureType::Typical
        },
        width_1_in: Some(width_1),
        height_1_in: Some(height_1),
        ees_in: Some(ees),
        cf,
    }
}

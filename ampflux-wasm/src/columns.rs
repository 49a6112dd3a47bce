//! The bus rows of a study report laid out as columns, for programs that sweep large grids:
//! one array of numbers per field instead of one object per bus, so that the results reach
//! JS as typed arrays (one copy each) instead of JSON text that `JSON.parse` has to read.
//!
//! Only a layout: every number is the core's [`BusResult`] field as the object API (JSON)
//! hands it to JS, with NaN where JSON has `null`: a quantity the standard leaves empty (NaN
//! in the core) and a value JSON cannot write (the infinite zero-sequence impedance seen
//! from a bus without a path to earth, which serde_json writes as `null`). The column names
//! are the serde names of the fields, so that `columns[name][i]` is `report.buses[i][name]`
//! (NaN for `null`). Compiled natively too: the benchmark
//! (`examples/native_sweep.rs`) times the same function on both sides.

use ampflux_core::{BusResult, BusStatus, StudyReport};

/// A numeric field of every bus row, by its JSON name.
type Field = (&'static str, fn(&BusResult) -> f64);
/// A numeric field that only some studies give (absent from the JSON row otherwise).
type OptionalField = (&'static str, fn(&BusResult) -> Option<f64>);

/// The numeric fields every bus row has (NaN where the standard gives no value).
const FIELDS: [Field; 13] = [
    ("vn_kv", |b| b.vn_kv),
    ("ikss_ka", |b| b.ikss_ka),
    ("skss_mva", |b| b.skss_mva),
    ("ip_ka", |b| b.ip_ka),
    ("ib_ka", |b| b.ib_ka),
    ("ith_ka", |b| b.ith_ka),
    ("ik_ka", |b| b.ik_ka),
    ("idc_ka", |b| b.idc_ka),
    ("ib_asym_ka", |b| b.ib_asym_ka),
    ("rk_ohm", |b| b.rk_ohm),
    ("xk_ohm", |b| b.xk_ohm),
    ("kappa", |b| b.kappa),
    ("c", |b| b.c),
];

/// The numeric fields of unbalanced and earth faults: a column when at least one row has the
/// field (NaN in the rows without it), no column otherwise.
const OPTIONAL_FIELDS: [OptionalField; 7] = [
    ("rk2_ohm", |b| b.rk2_ohm),
    ("xk2_ohm", |b| b.xk2_ohm),
    ("rk0_ohm", |b| b.rk0_ohm),
    ("xk0_ohm", |b| b.xk0_ohm),
    ("ikss_earth_ka", |b| b.ikss_earth_ka),
    ("ice_ka", |b| b.ice_ka),
    ("ires_ka", |b| b.ires_ka),
];

/// Every location state, in the order of their codes in [`BusColumns::status`].
pub const STATUSES: [BusStatus; 4] = [
    BusStatus::Ok,
    BusStatus::Unsupplied,
    BusStatus::NoZeroSequencePath,
    BusStatus::ResonanceEarthed,
];

/// The code of `status` in [`BusColumns::status`]: its index in [`STATUSES`] (the match is
/// exhaustive, so a new state in the core does not compile until it has a code here).
pub fn status_code(status: BusStatus) -> u8 {
    match status {
        BusStatus::Ok => 0,
        BusStatus::Unsupplied => 1,
        BusStatus::NoZeroSequencePath => 2,
        BusStatus::ResonanceEarthed => 3,
    }
}

/// The bus rows of a report as columns, rows in the report's order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BusColumns {
    /// `(field name, one value per row)`: the fields every row has, then the optional fields
    /// some row has.
    pub numbers: Vec<(&'static str, Vec<f64>)>,
    /// `meshed` of each row, 1 or 0.
    pub meshed: Vec<u8>,
    /// `status` of each row as its code ([`status_code`]).
    pub status: Vec<u8>,
}

impl BusColumns {
    /// The columns of the bus rows of `report`.
    pub fn from_report(report: &StudyReport) -> BusColumns {
        let rows = &report.buses;
        let mut numbers: Vec<(&'static str, Vec<f64>)> = FIELDS
            .iter()
            .map(|&(name, get)| (name, rows.iter().map(|b| as_json(get(b))).collect()))
            .collect();
        for &(name, get) in &OPTIONAL_FIELDS {
            if rows.iter().any(|b| get(b).is_some()) {
                let column = rows
                    .iter()
                    .map(|b| get(b).map_or(f64::NAN, as_json))
                    .collect();
                numbers.push((name, column));
            }
        }
        BusColumns {
            numbers,
            meshed: rows.iter().map(|b| u8::from(b.meshed)).collect(),
            status: rows.iter().map(|b| status_code(b.status)).collect(),
        }
    }
}

/// `value` as the object API has it: NaN where JSON writes `null` (every value that is not
/// finite).
fn as_json(value: f64) -> f64 {
    if value.is_finite() { value } else { f64::NAN }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> BusResult {
        BusResult {
            id: "B".into(),
            vn_kv: 20.0,
            ikss_ka: 1.0,
            skss_mva: 2.0,
            ip_ka: 3.0,
            ib_ka: 4.0,
            ith_ka: 5.0,
            ik_ka: 6.0,
            idc_ka: 7.0,
            ib_asym_ka: 8.0,
            rk_ohm: 9.0,
            xk_ohm: 10.0,
            rk2_ohm: Some(11.0),
            xk2_ohm: Some(12.0),
            rk0_ohm: Some(13.0),
            xk0_ohm: Some(14.0),
            ikss_earth_ka: Some(15.0),
            ice_ka: Some(16.0),
            ires_ka: Some(17.0),
            kappa: 18.0,
            c: 19.0,
            meshed: true,
            status: BusStatus::ResonanceEarthed,
        }
    }

    /// Every numeric field of the JSON bus row has a column with its value: a field added to
    /// the core's `BusResult` without a column here fails this test.
    #[test]
    fn every_numeric_field_of_the_json_row_is_a_column() {
        let b = row();
        let report = StudyReport {
            study: Default::default(),
            network_digest: String::new(),
            buses: vec![b.clone()],
            branches: vec![],
            voltages: vec![],
            partial_currents: vec![],
            warnings: vec![],
        };
        let columns = BusColumns::from_report(&report);
        let json = serde_json::to_value(&b).unwrap();
        let object = json.as_object().unwrap();
        let mut numeric = 0;
        for (key, value) in object {
            if let Some(number) = value.as_f64() {
                numeric += 1;
                let column = columns.numbers.iter().find(|(name, _)| name == key);
                let (_, values) = column.unwrap_or_else(|| panic!("no column for `{key}`"));
                assert_eq!(values, &vec![number], "{key}");
            }
        }
        assert_eq!(numeric, columns.numbers.len(), "a column for each number");
        assert_eq!(columns.meshed, vec![1]);
        assert_eq!(columns.status, vec![3]);
        let others: Vec<&str> = object
            .iter()
            .filter(|(_, v)| !v.is_number())
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(others, ["id", "meshed", "status"]);
    }

    #[test]
    fn optional_fields_are_columns_only_when_a_row_has_them() {
        let mut plain = row();
        (plain.rk2_ohm, plain.xk2_ohm, plain.rk0_ohm, plain.xk0_ohm) = (None, None, None, None);
        (plain.ikss_earth_ka, plain.ice_ka, plain.ires_ka) = (None, None, None);
        let mut earth = plain.clone();
        earth.ikss_earth_ka = Some(1.5);
        let mut report = StudyReport {
            study: Default::default(),
            network_digest: String::new(),
            buses: vec![plain.clone(), plain],
            branches: vec![],
            voltages: vec![],
            partial_currents: vec![],
            warnings: vec![],
        };
        assert_eq!(BusColumns::from_report(&report).numbers.len(), FIELDS.len());
        report.buses.push(earth);
        let columns = BusColumns::from_report(&report);
        let (name, values) = columns.numbers.last().unwrap();
        assert_eq!(*name, "ikss_earth_ka");
        assert!(values[0].is_nan() && values[1].is_nan());
        assert_eq!(values[2], 1.5);
    }

    #[test]
    fn values_json_writes_as_null_are_nan() {
        let mut b = row();
        (b.ip_ka, b.rk0_ohm, b.xk0_ohm) = (f64::NAN, Some(f64::INFINITY), Some(f64::NEG_INFINITY));
        let report = StudyReport {
            study: Default::default(),
            network_digest: String::new(),
            buses: vec![b.clone()],
            branches: vec![],
            voltages: vec![],
            partial_currents: vec![],
            warnings: vec![],
        };
        let json = serde_json::to_value(&b).unwrap();
        let columns = BusColumns::from_report(&report);
        for key in ["ip_ka", "rk0_ohm", "xk0_ohm"] {
            assert!(json[key].is_null(), "{key}");
            let (_, values) = columns.numbers.iter().find(|(n, _)| *n == key).unwrap();
            assert!(values[0].is_nan(), "{key}");
        }
    }

    #[test]
    fn status_codes_index_the_status_table() {
        for (i, status) in STATUSES.iter().enumerate() {
            assert_eq!(usize::from(status_code(*status)), i, "{}", status.as_str());
        }
    }
}

//! The rows of a study report laid out as columns, for programs that sweep large grids: one
//! array per field instead of one object per row, so that the results reach JS as typed
//! arrays (one copy each) instead of JSON text that `JSON.parse` has to read.
//!
//! Only a layout: every number is the core's field as the object API (JSON) hands it to JS,
//! with NaN where JSON has `null`: a quantity the standard leaves empty (NaN in the core) and
//! a value JSON cannot write (the infinite zero-sequence impedance seen from a bus without a
//! path to earth, which serde_json writes as `null`). The column names are the serde names of
//! the fields, so that `columns[name][i]` is `rows[i][name]` (NaN for `null`); a field only
//! some rows have is a column when at least one row has it (NaN, or `null` for text, in the
//! others). Compiled natively too: the benchmark (`examples/native_sweep.rs`) times the same
//! functions on both sides.

use ampflux_core::{
    BranchResult, BusResult, BusStatus, PartialCurrent, PhaseCurrents, SourceKind, StudyReport,
    VoltageResult,
};

/// A numeric field every row has, by its JSON name.
type Number<T> = (&'static str, fn(&T) -> f64);
/// A numeric field only some rows have (absent from the JSON row otherwise).
type OptionalNumber<T> = (&'static str, fn(&T) -> Option<f64>);
/// The phase currents of one end of a branch, when the study gives them.
type Phases = (&'static str, fn(&BranchResult) -> Option<&PhaseCurrents>);
/// A text field every row has, by its JSON name.
type Text<T> = (&'static str, for<'r> fn(&'r T) -> &'r str);

/// The columns of one table of a report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Columns<'a> {
    /// Text columns (ids); `None` where the row has no such field.
    pub text: Vec<(&'static str, Vec<Option<&'a str>>)>,
    /// Numeric columns: the fields every row has, then the optional fields some row has.
    pub numbers: Vec<(&'static str, Vec<f64>)>,
    /// Yes/no columns, 1 or 0.
    pub flags: Vec<(&'static str, Vec<u8>)>,
    /// Enumerations as codes, with the name of each code.
    pub codes: Vec<Coded>,
    /// Nested objects of the rows (the phase currents of a branch end), as columns of their
    /// own; NaN in the rows without them.
    pub nested: Vec<(&'static str, Columns<'a>)>,
}

/// An enumeration column: `names[codes[i]]` is the value of row `i`.
#[derive(Clone, Debug, PartialEq)]
pub struct Coded {
    /// Field name.
    pub name: &'static str,
    /// One code per row.
    pub codes: Vec<u8>,
    /// The value of each code, as JSON writes it.
    pub names: &'static [&'static str],
}

impl<'a> Columns<'a> {
    /// The columns of `rows` from their field tables.
    fn of<T>(
        rows: &'a [T],
        text: &[Text<T>],
        numbers: &[Number<T>],
        optional: &[OptionalNumber<T>],
    ) -> Columns<'a> {
        let mut columns = Columns {
            text: text
                .iter()
                .map(|&(name, get)| (name, rows.iter().map(|r| Some(get(r))).collect()))
                .collect(),
            numbers: numbers
                .iter()
                .map(|&(name, get)| (name, rows.iter().map(|r| as_json(get(r))).collect()))
                .collect(),
            ..Columns::default()
        };
        for &(name, get) in optional {
            if rows.iter().any(|r| get(r).is_some()) {
                let column = rows.iter().map(|r| get(r).map_or(f64::NAN, as_json));
                columns.numbers.push((name, column.collect()));
            }
        }
        columns
    }

    /// The bus rows of `report`, without their ids (the binding keeps those apart, to hand
    /// out one array of the network's bus ids for every study of all buses).
    pub fn buses(report: &'a StudyReport) -> Columns<'a> {
        let rows = &report.buses;
        let mut columns = Columns::of(rows, &[], &BUS_NUMBERS, &BUS_OPTIONAL);
        columns.flags = vec![("meshed", rows.iter().map(|b| u8::from(b.meshed)).collect())];
        columns.codes = vec![Coded {
            name: "status",
            codes: rows.iter().map(|b| status_code(b.status)).collect(),
            names: &STATUS_NAMES,
        }];
        columns
    }

    /// The branch rows of `report` (with the study option `branch_results`).
    pub fn branches(report: &'a StudyReport) -> Columns<'a> {
        let rows = &report.branches;
        let mut columns = Columns::of(rows, &BRANCH_TEXT, &BRANCH_NUMBERS, &BRANCH_OPTIONAL);
        // the MV bus of three-winding transformers
        if rows.iter().any(|b| b.mv_bus.is_some()) {
            let mv_bus = rows.iter().map(|b| b.mv_bus.as_deref()).collect();
            columns.text.push(("mv_bus", mv_bus));
        }
        for (name, get) in BRANCH_ENDS {
            if rows.iter().any(|b| get(b).is_some()) {
                let phases: Vec<PhaseCurrents> = rows
                    .iter()
                    .map(|b| get(b).copied().unwrap_or(NO_PHASES))
                    .collect();
                let numbers = Columns::of(&phases, &[], &PHASE_NUMBERS, &[]).numbers;
                let nested = Columns {
                    numbers,
                    ..Columns::default()
                };
                columns.nested.push((name, nested));
            }
        }
        columns
    }

    /// The voltage rows of `report` (with the study option `branch_results`).
    pub fn voltages(report: &'a StudyReport) -> Columns<'a> {
        Columns::of(&report.voltages, &VOLTAGE_TEXT, &VOLTAGE_NUMBERS, &[])
    }

    /// The partial-current rows of `report` (with the study option `partial_currents`).
    pub fn partial_currents(report: &'a StudyReport) -> Columns<'a> {
        let rows = &report.partial_currents;
        let mut columns = Columns::of(rows, &PARTIAL_TEXT, &PARTIAL_NUMBERS, &[]);
        columns.codes = vec![Coded {
            name: "kind",
            codes: rows.iter().map(|p| source_kind_code(p.kind)).collect(),
            names: &SOURCE_KIND_NAMES,
        }];
        columns
    }
}

/// The numeric fields of the bus rows in the order the JSON row has them.
const BUS_JSON_ORDER: [&str; 20] = [
    "vn_kv",
    "ikss_ka",
    "skss_mva",
    "ip_ka",
    "ib_ka",
    "ith_ka",
    "ik_ka",
    "idc_ka",
    "ib_asym_ka",
    "rk_ohm",
    "xk_ohm",
    "rk2_ohm",
    "xk2_ohm",
    "rk0_ohm",
    "xk0_ohm",
    "ikss_earth_ka",
    "ice_ka",
    "ires_ka",
    "kappa",
    "c",
];

/// A numeric field of the bus rows as the object API writes it: name, column, and for a field
/// only some rows have, which rows have it (1) and which do not (0).
pub type RowField<'c> = (&'static str, &'c [f64], Option<Vec<u8>>);

/// The numeric columns of [`Columns::buses`] in the order of the JSON row, with the rows
/// that have each optional field: what the binding needs to build the rows of the object
/// API from the columns, key for key as `JSON.parse` of the report would.
pub fn bus_row_fields<'c>(report: &StudyReport, columns: &'c Columns<'_>) -> Vec<RowField<'c>> {
    BUS_JSON_ORDER
        .iter()
        .filter_map(|&name| {
            let (_, values) = columns.numbers.iter().find(|(n, _)| *n == name)?;
            let present = BUS_OPTIONAL
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, get)| {
                    let has = |b: &BusResult| u8::from(get(b).is_some());
                    report.buses.iter().map(has).collect()
                });
            Some((name, values.as_slice(), present))
        })
        .collect()
}

/// `value` as the object API has it: NaN where JSON writes `null` (every value that is not
/// finite).
fn as_json(value: f64) -> f64 {
    if value.is_finite() { value } else { f64::NAN }
}

const BUS_NUMBERS: [Number<BusResult>; 13] = [
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

/// The fields of unbalanced and earth faults.
const BUS_OPTIONAL: [OptionalNumber<BusResult>; 7] = [
    ("rk2_ohm", |b| b.rk2_ohm),
    ("xk2_ohm", |b| b.xk2_ohm),
    ("rk0_ohm", |b| b.rk0_ohm),
    ("xk0_ohm", |b| b.xk0_ohm),
    ("ikss_earth_ka", |b| b.ikss_earth_ka),
    ("ice_ka", |b| b.ice_ka),
    ("ires_ka", |b| b.ires_ka),
];

/// The name of each status code, as JSON writes the status.
const STATUS_NAMES: [&str; 4] = [
    "ok",
    "unsupplied",
    "no_zero_sequence_path",
    "resonance_earthed",
];

/// The code of `status`: its index in `STATUS_NAMES` (the match is exhaustive, so a new
/// state in the core does not compile until it has a code here).
fn status_code(status: BusStatus) -> u8 {
    match status {
        BusStatus::Ok => 0,
        BusStatus::Unsupplied => 1,
        BusStatus::NoZeroSequencePath => 2,
        BusStatus::ResonanceEarthed => 3,
    }
}

const BRANCH_TEXT: [Text<BranchResult>; 4] = [
    ("id", |b| &b.id),
    ("fault_bus", |b| &b.fault_bus),
    ("from_bus", |b| &b.from_bus),
    ("to_bus", |b| &b.to_bus),
];

const BRANCH_NUMBERS: [Number<BranchResult>; 6] = [
    ("ikss_from_ka", |b| b.ikss_from_ka),
    ("ikss_to_ka", |b| b.ikss_to_ka),
    ("angle_from_deg", |b| b.angle_from_deg),
    ("angle_to_deg", |b| b.angle_to_deg),
    ("ip_ka", |b| b.ip_ka),
    ("ith_ka", |b| b.ith_ka),
];

/// The MV end of three-winding transformers.
const BRANCH_OPTIONAL: [OptionalNumber<BranchResult>; 2] = [
    ("ikss_mv_ka", |b| b.ikss_mv_ka),
    ("angle_mv_deg", |b| b.angle_mv_deg),
];

const PHASE_NUMBERS: [Number<PhaseCurrents>; 6] = [
    ("ia_ka", |p| p.ia_ka),
    ("ib_ka", |p| p.ib_ka),
    ("ic_ka", |p| p.ic_ka),
    ("ia_deg", |p| p.ia_deg),
    ("ib_deg", |p| p.ib_deg),
    ("ic_deg", |p| p.ic_deg),
];

/// The phase currents of each branch end (unbalanced faults).
const BRANCH_ENDS: [Phases; 2] = [
    ("phases_from", |b| b.phases_from.as_ref()),
    ("phases_to", |b| b.phases_to.as_ref()),
];

/// The phase currents of a branch end that has none (NaN in every column).
const NO_PHASES: PhaseCurrents = PhaseCurrents {
    ia_ka: f64::NAN,
    ib_ka: f64::NAN,
    ic_ka: f64::NAN,
    ia_deg: f64::NAN,
    ib_deg: f64::NAN,
    ic_deg: f64::NAN,
};

const VOLTAGE_TEXT: [Text<VoltageResult>; 2] =
    [("fault_bus", |v| &v.fault_bus), ("bus", |v| &v.bus)];

const VOLTAGE_NUMBERS: [Number<VoltageResult>; 9] = [
    ("v1_pu", |v| v.v1_pu),
    ("v2_pu", |v| v.v2_pu),
    ("v0_pu", |v| v.v0_pu),
    ("va_pu", |v| v.va_pu),
    ("vb_pu", |v| v.vb_pu),
    ("vc_pu", |v| v.vc_pu),
    ("va_deg", |v| v.va_deg),
    ("vb_deg", |v| v.vb_deg),
    ("vc_deg", |v| v.vc_deg),
];

const PARTIAL_TEXT: [Text<PartialCurrent>; 3] = [
    ("fault_bus", |p| &p.fault_bus),
    ("source", |p| &p.source),
    ("bus", |p| &p.bus),
];

const PARTIAL_NUMBERS: [Number<PartialCurrent>; 7] = [
    ("ikss_ka", |p| p.ikss_ka),
    ("angle_deg", |p| p.angle_deg),
    ("ip_ka", |p| p.ip_ka),
    ("ib_ka", |p| p.ib_ka),
    ("ik_ka", |p| p.ik_ka),
    ("mu", |p| p.mu),
    ("q", |p| p.q),
];

/// The name of each source-kind code, as JSON writes the kind.
const SOURCE_KIND_NAMES: [&str; 5] = ["feeder", "generator", "unit", "motor", "converter"];

/// The code of `kind`: its index in `SOURCE_KIND_NAMES` (exhaustive, as [`status_code`]).
fn source_kind_code(kind: SourceKind) -> u8 {
    match kind {
        SourceKind::Feeder => 0,
        SourceKind::Generator => 1,
        SourceKind::Unit => 2,
        SourceKind::Motor => 3,
        SourceKind::Converter => 4,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn bus() -> BusResult {
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

    fn phases(x: f64) -> PhaseCurrents {
        PhaseCurrents {
            ia_ka: x,
            ib_ka: x + 1.0,
            ic_ka: x + 2.0,
            ia_deg: x + 3.0,
            ib_deg: x + 4.0,
            ic_deg: x + 5.0,
        }
    }

    /// A report with one row of every table, every optional field given.
    fn report() -> StudyReport {
        StudyReport {
            study: Default::default(),
            network_digest: String::new(),
            buses: vec![bus()],
            branches: vec![BranchResult {
                id: "T".into(),
                fault_bus: "B".into(),
                from_bus: "H".into(),
                to_bus: "L".into(),
                ikss_from_ka: 1.0,
                ikss_to_ka: 2.0,
                angle_from_deg: 3.0,
                angle_to_deg: 4.0,
                ip_ka: 5.0,
                ith_ka: 6.0,
                mv_bus: Some("M".into()),
                ikss_mv_ka: Some(7.0),
                angle_mv_deg: Some(8.0),
                phases_from: Some(phases(10.0)),
                phases_to: Some(phases(20.0)),
            }],
            voltages: vec![VoltageResult {
                fault_bus: "B".into(),
                bus: "H".into(),
                v1_pu: 1.0,
                v2_pu: 2.0,
                v0_pu: 3.0,
                va_pu: 4.0,
                vb_pu: 5.0,
                vc_pu: 6.0,
                va_deg: 7.0,
                vb_deg: 8.0,
                vc_deg: 9.0,
            }],
            partial_currents: vec![PartialCurrent {
                fault_bus: "B".into(),
                source: "G".into(),
                kind: SourceKind::Unit,
                bus: "H".into(),
                ikss_ka: 1.0,
                angle_deg: 2.0,
                ip_ka: 3.0,
                ib_ka: 4.0,
                ik_ka: 5.0,
                mu: 0.9,
                q: 1.0,
            }],
            warnings: vec![],
        }
    }

    /// Every field of the JSON row `row` is a column of `columns` with its value: a field
    /// added to the core's rows without a column here fails.
    fn assert_every_field_is_a_column(columns: &Columns<'_>, row: &Value) {
        let object = row.as_object().expect("rows are objects");
        let mut seen = 0;
        for (key, value) in object {
            let key = key.as_str();
            seen += 1;
            if let Some((_, column)) = columns.numbers.iter().find(|(n, _)| *n == key) {
                assert_eq!(Some(column[0]), value.as_f64(), "{key}");
            } else if let Some((_, column)) = columns.text.iter().find(|(n, _)| *n == key) {
                assert_eq!(column[0], value.as_str(), "{key}");
            } else if let Some((_, column)) = columns.flags.iter().find(|(n, _)| *n == key) {
                assert_eq!(Some(column[0] == 1), value.as_bool(), "{key}");
            } else if let Some(coded) = columns.codes.iter().find(|c| c.name == key) {
                assert_eq!(
                    Some(coded.names[usize::from(coded.codes[0])]),
                    value.as_str()
                );
            } else if let Some((_, nested)) = columns.nested.iter().find(|(n, _)| *n == key) {
                assert_every_field_is_a_column(nested, value);
            } else {
                panic!("no column for `{key}` ({value})");
            }
        }
        let count = columns.numbers.len()
            + columns.text.len()
            + columns.flags.len()
            + columns.codes.len()
            + columns.nested.len();
        assert_eq!(seen, count, "a column for each field and no other");
    }

    #[test]
    fn every_field_of_every_json_row_is_a_column() {
        let report = report();
        let json = serde_json::to_value(&report).unwrap();
        let mut buses = Columns::buses(&report);
        // the binding adds the ids
        buses.text.push(("id", vec![Some("B")]));
        assert_every_field_is_a_column(&buses, &json["buses"][0]);
        assert_every_field_is_a_column(&Columns::branches(&report), &json["branches"][0]);
        assert_every_field_is_a_column(&Columns::voltages(&report), &json["voltages"][0]);
        let partials = Columns::partial_currents(&report);
        assert_every_field_is_a_column(&partials, &json["partial_currents"][0]);
    }

    #[test]
    fn optional_fields_are_columns_only_when_a_row_has_them() {
        let mut plain = bus();
        (plain.rk2_ohm, plain.xk2_ohm, plain.rk0_ohm, plain.xk0_ohm) = (None, None, None, None);
        (plain.ikss_earth_ka, plain.ice_ka, plain.ires_ka) = (None, None, None);
        let mut earth = plain.clone();
        earth.ikss_earth_ka = Some(1.5);
        let mut report = report();
        report.buses = vec![plain.clone(), plain];
        assert_eq!(Columns::buses(&report).numbers.len(), BUS_NUMBERS.len());
        report.buses.push(earth);
        let columns = Columns::buses(&report);
        let (name, values) = columns.numbers.last().unwrap();
        assert_eq!(*name, "ikss_earth_ka");
        assert!(values[0].is_nan() && values[1].is_nan());
        assert_eq!(values[2], 1.5);

        let mut two_winding = report.branches[0].clone();
        (
            two_winding.mv_bus,
            two_winding.ikss_mv_ka,
            two_winding.angle_mv_deg,
        ) = (None, None, None);
        (two_winding.phases_from, two_winding.phases_to) = (None, None);
        report.branches.push(two_winding.clone());
        let branches = Columns::branches(&report);
        assert_eq!(branches.text[4], ("mv_bus", vec![Some("M"), None]));
        let (_, phases_to) = &branches.nested[1];
        assert_eq!(phases_to.numbers[0].1[0], 20.0);
        assert!(phases_to.numbers[0].1[1].is_nan());
        report.branches = vec![two_winding];
        let branches = Columns::branches(&report);
        assert!(branches.nested.is_empty());
        assert_eq!(branches.text.len(), 4);
        assert_eq!(branches.numbers.len(), BRANCH_NUMBERS.len());
    }

    #[test]
    fn values_json_writes_as_null_are_nan() {
        let mut report = report();
        let b = &mut report.buses[0];
        (b.ip_ka, b.rk0_ohm, b.xk0_ohm) = (f64::NAN, Some(f64::INFINITY), Some(f64::NEG_INFINITY));
        let json = serde_json::to_value(&report.buses[0]).unwrap();
        let columns = Columns::buses(&report);
        for key in ["ip_ka", "rk0_ohm", "xk0_ohm"] {
            assert!(json[key].is_null(), "{key}");
            let (_, values) = columns.numbers.iter().find(|(n, _)| *n == key).unwrap();
            assert!(values[0].is_nan(), "{key}");
        }
    }

    #[test]
    fn bus_row_fields_follow_the_json_row() {
        let mut report = report();
        let mut plain = bus();
        (plain.rk0_ohm, plain.ip_ka) = (None, f64::NAN);
        report.buses.push(plain);
        // the numeric keys in the order of the JSON text (serde_json's `Value` sorts keys)
        let text = serde_json::to_string(&report.buses[0]).unwrap();
        let json = serde_json::to_value(&report.buses[0]).unwrap();
        let mut numeric: Vec<(usize, &str)> = json
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| v.is_number())
            .map(|(k, _)| (text.find(&format!("\"{k}\":")).unwrap(), k.as_str()))
            .collect();
        numeric.sort();
        let numeric: Vec<&str> = numeric.into_iter().map(|(_, k)| k).collect();
        assert_eq!(numeric, BUS_JSON_ORDER, "the order of the JSON row");
        let columns = Columns::buses(&report);
        let fields = bus_row_fields(&report, &columns);
        let names: Vec<&str> = fields.iter().map(|f| f.0).collect();
        assert_eq!(names, BUS_JSON_ORDER);
        let (_, values, present) = &fields[13];
        assert_eq!(fields[13].0, "rk0_ohm");
        assert_eq!(present.as_deref(), Some(&[1, 0][..]));
        assert_eq!(values[0], 13.0);
        assert!(
            fields[3].1[1].is_nan() && fields[3].2.is_none(),
            "ip_ka: null, not absent"
        );
    }

    #[test]
    fn codes_index_their_name_tables() {
        let statuses = [
            BusStatus::Ok,
            BusStatus::Unsupplied,
            BusStatus::NoZeroSequencePath,
            BusStatus::ResonanceEarthed,
        ];
        for (i, status) in statuses.iter().enumerate() {
            assert_eq!(usize::from(status_code(*status)), i, "{}", status.as_str());
            assert_eq!(STATUS_NAMES[i], status.as_str());
        }
        let kinds = [
            SourceKind::Feeder,
            SourceKind::Generator,
            SourceKind::Unit,
            SourceKind::Motor,
            SourceKind::Converter,
        ];
        for kind in kinds {
            let name = serde_json::to_value(kind).unwrap();
            let code = usize::from(source_kind_code(kind));
            assert_eq!(Some(SOURCE_KIND_NAMES[code]), name.as_str());
        }
    }
}

//! Time-current characteristics: the IEC 60255-151 and IEEE C37.112 constants and equations
//! at several multiples of pickup (values from a data file naming its source), trip-unit
//! bands, fuse interpolation, and validation of bad device data naming device and field.

use ampflux_core::model::{DeviceKind, FusePoint, ProtectiveDevice, RelayStage, Table};
use ampflux_core::protection::{Band, Characteristic, RelayCurve, characteristic};
use ampflux_core::{Issue, Network};
use serde_json::Value;

fn data() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/relay_curves.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn relay_curves_match_the_standards_at_multiples_of_pickup() {
    let doc = data();
    let tol = doc["tolerance_rel"].as_f64().unwrap();
    let mut checked = 0;
    for c in doc["curves"].as_array().unwrap() {
        let name = c["curve"].as_str().unwrap();
        let curve = RelayCurve::parse(name, true).unwrap();
        assert_eq!(curve.as_str(), name);
        let k = curve.constants();
        assert_eq!(
            (k.a, k.b, k.p),
            (
                c["a"].as_f64().unwrap(),
                c["b"].as_f64().unwrap(),
                c["p"].as_f64().unwrap()
            ),
            "{name}"
        );
        for (multiple, expected) in c["times_s"].as_object().unwrap() {
            let m: f64 = multiple.parse().unwrap();
            let expected = expected.as_f64().unwrap();
            // through a whole relay: pickup 400 A primary, multiplier 0.3, breaker 0.05 s
            let d = ProtectiveDevice {
                id: "R".into(),
                kind: DeviceKind::Relay,
                switch: "CB".into(),
                curve: Some(name.into()),
                pickup_a: Some(400.0),
                tms: curve.is_iec().then_some(0.3),
                time_dial: (!curve.is_iec()).then_some(0.3),
                breaker_time_s: Some(0.05),
                ..Default::default()
            };
            let ch = characteristic(&d, 50.0).unwrap();
            let relay = ch.time_s(400.0 * m, Band::Min).unwrap();
            assert!(
                (relay / (0.3 * expected) - 1.0).abs() < tol,
                "{name} at {m}x: {relay} vs {}",
                0.3 * expected
            );
            let clearing = ch.time_s(400.0 * m, Band::Max).unwrap();
            assert!((clearing - relay - 0.05).abs() < 1e-12);
            checked += 1;
        }
        // no operation at or below pickup; the time at 20x holds beyond
        assert_eq!(curve.time_s(1.0, 1.0), None);
        assert_eq!(curve.time_s(50.0, 1.0), curve.time_s(20.0, 1.0));
    }
    assert_eq!(checked, 35);
}

#[test]
fn bare_curve_names_follow_the_multiplier() {
    assert_eq!(RelayCurve::parse("VI", true), Some(RelayCurve::IecVi));
    assert_eq!(RelayCurve::parse("vi", false), Some(RelayCurve::IeeeVi));
    assert_eq!(RelayCurve::parse("SI", false), Some(RelayCurve::IecSi));
    assert_eq!(RelayCurve::parse("MI", true), Some(RelayCurve::IeeeMi));
    assert_eq!(RelayCurve::parse("IEEE very-inverse", true), None);
}

#[test]
fn relay_stages_take_the_fastest() {
    let d = ProtectiveDevice {
        id: "R".into(),
        kind: DeviceKind::Relay,
        switch: "CB".into(),
        curve: Some("IEC_VI".into()),
        pickup_a: Some(100.0),
        tms: Some(0.1),
        definite_time: Some(RelayStage {
            pickup_a: 500.0,
            time_s: Some(0.4),
        }),
        instantaneous: Some(RelayStage {
            pickup_a: 2000.0,
            time_s: Some(0.02),
        }),
        ..Default::default()
    };
    let ch = characteristic(&d, 60.0).unwrap();
    // 3x: inverse 0.1·13.5/2 = 0.675 s
    assert!((ch.time_s(300.0, Band::Min).unwrap() - 0.675).abs() < 1e-12);
    // 6x: inverse 0.27 s beats the definite 0.4 s
    assert!((ch.time_s(600.0, Band::Min).unwrap() - 0.27).abs() < 1e-12);
    // 4.5x: inverse 0.3857 s beats definite 0.4 s; 5.01x: definite (inverse 0.3363)
    assert!((ch.time_s(2500.0, Band::Min).unwrap() - 0.02).abs() < 1e-12);
    // breaker: 5 cycles at 60 Hz by default
    assert!((ch.time_s(2500.0, Band::Max).unwrap() - 0.02 - 5.0 / 60.0).abs() < 1e-12);
    assert_eq!(ch.time_s(100.0, Band::Max), None);
}

fn trip_unit() -> ProtectiveDevice {
    ProtectiveDevice {
        id: "TU".into(),
        kind: DeviceKind::TripUnit,
        switch: "ACB".into(),
        ir_a: Some(1000.0),
        tr_s: Some(10.0),
        isd_a: Some(5000.0),
        tsd_s: Some(0.2),
        ii_a: Some(20000.0),
        ..Default::default()
    }
}

#[test]
fn trip_unit_regions_and_bands() {
    let ch = characteristic(&trip_unit(), 50.0).unwrap();
    // long time: t = tr·(6·Ir/I)², band ±20 % in time, ±10 % in pickup
    let nominal = 10.0 * (6000.0f64 / 3000.0).powi(2);
    assert!((ch.time_s(3000.0, Band::Min).unwrap() - 0.8 * nominal).abs() < 1e-9);
    assert!((ch.time_s(3000.0, Band::Max).unwrap() - 1.2 * nominal).abs() < 1e-9);
    // below 0.9·Ir nothing; between 0.9 and 1.1 Ir only the lower edge trips
    assert_eq!(ch.time_s(850.0, Band::Min), None);
    assert!(ch.time_s(1050.0, Band::Min).is_some());
    assert_eq!(ch.time_s(1050.0, Band::Max), None);
    // short time: tsd (I²t off)
    assert!((ch.time_s(8000.0, Band::Max).unwrap() - 0.24).abs() < 1e-12);
    // short-time pickup band: 5000·1.1 = 5500 A for the upper edge
    assert!(ch.time_s(5400.0, Band::Max).unwrap() > 1.0);
    // instantaneous: the breaker's 0.05 s clearing time
    assert!((ch.time_s(30000.0, Band::Max).unwrap() - 0.06).abs() < 1e-12);
    // I²t on: constant I²t through (10·Ir, tsd) above Isd
    let mut d = trip_unit();
    d.i2t = Some(true);
    let ch = characteristic(&d, 50.0).unwrap();
    let t = 0.2 * (10_000.0f64 / 6000.0).powi(2);
    assert!((ch.time_s(6000.0, Band::Min).unwrap() - 0.8 * t).abs() < 1e-12);
    assert!((ch.time_s(12000.0, Band::Min).unwrap() - 0.8 * 0.2).abs() < 1e-12);
}

#[test]
fn fuse_generic_and_points() {
    let d = ProtectiveDevice {
        id: "F".into(),
        kind: DeviceKind::Fuse,
        switch: "FS".into(),
        curve: Some("generic_gG_100A".into()),
        ..Default::default()
    };
    let Characteristic::Fuse(f) = characteristic(&d, 50.0).unwrap() else {
        panic!()
    };
    // on a point: exactly the point; melting ≤ clearing everywhere
    assert_eq!(f.time_s(500.0, Band::Min), Some(1.499));
    for i in [160.0, 333.0, 777.0, 1999.0, 10_000.0] {
        assert!(f.time_s(i, Band::Min).unwrap() <= f.time_s(i, Band::Max).unwrap());
    }
    assert_eq!(f.time_s(140.0, Band::Min), None);
}

fn has(issues: &[Issue], id: &str, field: &str, code: &str) -> bool {
    issues.iter().any(|i| {
        i.is_error()
            && i.table == Some(Table::ProtectiveDevices)
            && i.element.as_deref() == Some(id)
            && i.field.as_deref() == Some(field)
            && i.code == code
    })
}

#[test]
fn bad_device_data_names_device_and_field() {
    let net = Network::from_json(
        r#"{"buses": [{"id": "A", "vn_kv": 11}, {"id": "B", "vn_kv": 11}],
        "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 250, "rx_max": 0.1}],
        "lines": [{"id": "L", "from_bus": "A", "to_bus": "B", "length_km": 1, "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}],
        "switches": [{"id": "CB", "bus": "A", "element": "L", "closed": true},
                     {"id": "FS", "bus": "B", "element": "L", "closed": true}],
        "protective_devices": [
          {"id": "R0", "kind": "relay", "switch": "CB", "curve": "IEC_SI", "pickup_a": 0, "tms": 0.1},
          {"id": "R1", "kind": "relay", "switch": "CB", "curve": "IEC_XX", "pickup_a": 100, "tms": 0.1},
          {"id": "R2", "kind": "relay", "switch": "CB", "curve": "IEEE_VI", "pickup_a": 100, "tms": 0.1},
          {"id": "R3", "kind": "relay", "switch": "NOPE", "instantaneous": {"pickup_a": -5}},
          {"id": "T1", "kind": "trip_unit", "switch": "CB", "ir_a": 100, "tr_s": 0, "curve": "IEC_SI"},
          {"id": "F1", "kind": "fuse", "switch": "FS", "points": [
             {"current_a": 100, "melting_time_s": 10, "clearing_time_s": 12},
             {"current_a": 200, "melting_time_s": 20, "clearing_time_s": 22}]},
          {"id": "F2", "kind": "fuse", "switch": "FS", "curve": "acme_63A"},
          {"id": "F3", "kind": "fuse", "switch": "FS", "points": [
             {"current_a": 100, "melting_time_s": 10, "clearing_time_s": 9}], "ir_a": 5}
        ]}"#,
    )
    .unwrap();
    let issues = net.validate();
    for (id, field, code) in [
        ("R0", "pickup_a", "non_positive"),
        ("R1", "curve", "unknown_curve"),
        ("R2", "tms", "field_not_applicable"),
        ("R2", "time_dial", "missing_field"),
        ("R3", "switch", "dangling_reference"),
        ("R3", "instantaneous.pickup_a", "non_positive"),
        ("T1", "tr_s", "non_positive"),
        ("T1", "curve", "field_not_applicable"),
        ("F1", "points[1].melting_time_s", "non_monotone"),
        ("F1", "points[1].clearing_time_s", "non_monotone"),
        ("F2", "curve", "unknown_curve"),
        ("F3", "points", "too_few_points"),
        ("F3", "points[0].clearing_time_s", "clearing_before_melting"),
        ("F3", "ir_a", "field_not_applicable"),
    ] {
        assert!(
            has(&issues, id, field, code),
            "{id}.{field} {code}: {issues:#?}"
        );
    }
    // the messages name the device and the field when printed
    let text = issues
        .iter()
        .find(|i| i.element.as_deref() == Some("R1") && i.code == "unknown_curve")
        .unwrap()
        .to_string();
    assert!(
        text.contains("protective_devices `R1`, field `curve`"),
        "{text}"
    );
    // a study refuses the network with every problem listed
    let err = ampflux_core::short_circuit(&net, &Default::default()).unwrap_err();
    assert_eq!(err.code(), "validation_error");
}

#[test]
fn protective_devices_round_trip_and_keep_old_digests() {
    let plain = r#"{"buses": [{"id": "A", "vn_kv": 11}]}"#;
    let net = Network::from_json(plain).unwrap();
    assert!(!net.to_json().contains("protective_devices"));
    assert!(!net.canonical_json().contains("protective_devices"));
    let mut with = net.clone();
    with.protective_devices.push(ProtectiveDevice {
        id: "F".into(),
        kind: DeviceKind::Fuse,
        switch: "S".into(),
        points: Some(vec![FusePoint {
            current_a: 1.0,
            melting_time_s: 2.0,
            clearing_time_s: 3.0,
        }]),
        ..Default::default()
    });
    assert_ne!(with.digest(), net.digest());
    let back = Network::from_json(&with.to_json()).unwrap();
    assert_eq!(back, with);
    // versions: diff/apply carry the table
    let changes = ampflux_core::version::diff(&net, &with);
    assert_eq!(changes.summary(), "F added");
    assert_eq!(ampflux_core::version::apply(&net, &changes).unwrap(), with);
}

//! Shunt admittances (`shunts` table) and transformers without a vector group (issue 13,
//! defect 6): network-equivalent shunts enter the positive- and negative-sequence networks,
//! compensation shunts are neglected as IEC 60909 neglects non-rotating shunt admittances,
//! bad data is named, and the table goes through the canonical form, diff and apply. The
//! reference values of pandapower's ward test are in `tests/data/cases/pp_ward_shunt.json`;
//! PowerFactory's values for the IEC TR 60909-4 network with an xward pass in
//! `ampflux-py/tests/test_pandapower_suite.py`.

use ampflux_core::{FaultKind, Network, StudyOptions, short_circuit};
use num_complex::Complex64 as C64;

const BASE: &str = r#"{"buses": [{"id": "A", "vn_kv": 110}, {"id": "B", "vn_kv": 110}],
    "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 100, "rx_max": 0.1,
                        "s_sc_min_mva": 80, "rx_min": 0.1, "x0x_max": 1, "r0x0_max": 0.1}],
    "lines": [{"id": "L", "from_bus": "A", "to_bus": "B", "length_km": 1,
               "r_ohm_per_km": 0.5, "x_ohm_per_km": 0.5, "r0_ohm_per_km": 1.5,
               "x0_ohm_per_km": 1.5}]"#;

fn with_shunts(shunts: &str) -> Network {
    Network::from_json(&format!("{BASE}, \"shunts\": [{shunts}]}}")).expect("valid network")
}

fn ikss(net: &Network, fault: FaultKind, bus: &str) -> f64 {
    let options = StudyOptions {
        fault,
        ..StudyOptions::default()
    };
    short_circuit(net, &options)
        .expect("study runs")
        .bus(bus)
        .expect("result")
        .ikss_ka
}

#[test]
fn a_network_equivalent_shunt_is_in_the_positive_sequence_as_its_admittance() {
    // Y = (P − jQ)/U² = (200 + j100) MVA/(110 kV)² in parallel with the feeder at B's side
    let net = with_shunts(
        r#"{"id": "EQ", "bus": "B", "kind": "network_equivalent", "p_mw": 200, "q_mvar": -100}"#,
    );
    let report = short_circuit(&net, &StudyOptions::default()).unwrap();
    let (zq, zl) = (
        {
            let z = 1.1 * 110.0 * 110.0 / 100.0;
            let x = z / (1.0f64 + 0.01).sqrt();
            C64::new(0.1 * x, x)
        },
        C64::new(0.5, 0.5),
    );
    let ysh = C64::new(200.0, 100.0) / (110.0 * 110.0);
    let zk = ((zq + zl).inv() + ysh).inv();
    let b = report.bus("B").unwrap();
    assert!(
        (b.rk_ohm - zk.re).abs() < 1e-9 * zk.norm(),
        "{} {}",
        b.rk_ohm,
        zk.re
    );
    assert!(
        (b.xk_ohm - zk.im).abs() < 1e-9 * zk.norm(),
        "{} {}",
        b.xk_ohm,
        zk.im
    );
    // the same admittance given at another voltage scales with U²
    let at_220 = with_shunts(
        r#"{"id": "EQ", "bus": "B", "kind": "network_equivalent", "p_mw": 800, "q_mvar": -400,
            "vn_kv": 220}"#,
    );
    assert!((ikss(&at_220, FaultKind::ThreePhase, "B") - b.ikss_ka).abs() < 1e-9 * b.ikss_ka);
}

#[test]
fn compensation_shunts_are_neglected_and_shunts_supply_nothing() {
    let plain = Network::from_json(&format!("{BASE}}}")).unwrap();
    let capacitor = with_shunts(
        r#"{"id": "C", "bus": "B", "kind": "compensation", "q_mvar": -50, "p_mw": 0.1}"#,
    );
    for fault in [FaultKind::ThreePhase, FaultKind::LineToEarth] {
        assert_eq!(ikss(&plain, fault, "B"), ikss(&capacitor, fault, "B"));
    }
    // a bus fed by nothing but a network-equivalent shunt is unsupplied
    let mut island = with_shunts(
        r#"{"id": "EQ", "bus": "C", "kind": "network_equivalent",
        "p_mw": 10, "q_mvar": 5}"#,
    );
    island.add_bus("C", 110.0);
    let report = short_circuit(&island, &StudyOptions::default()).unwrap();
    assert_eq!(
        report.bus("C").unwrap().status,
        ampflux_core::BusStatus::Unsupplied
    );
    // and an earth fault sees no zero-sequence path through a shunt
    let earth = with_shunts(
        r#"{"id": "EQ", "bus": "B", "kind": "network_equivalent",
        "p_mw": 200, "q_mvar": -100}"#,
    );
    let b = short_circuit(
        &earth,
        &StudyOptions {
            fault: FaultKind::LineToEarth,
            ..StudyOptions::default()
        },
    )
    .unwrap();
    let plain_b = short_circuit(
        &plain,
        &StudyOptions {
            fault: FaultKind::LineToEarth,
            ..StudyOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        b.bus("B").unwrap().rk0_ohm,
        plain_b.bus("B").unwrap().rk0_ohm
    );
}

#[test]
fn bad_shunt_data_is_named() {
    let net = Network::from_json(&format!(
        "{BASE}, \"shunts\": [{{\"id\": \"S1\", \"bus\": \"X\", \"kind\": \"compensation\",
            \"q_mvar\": 1}}, {{\"id\": \"S2\", \"bus\": \"B\", \"kind\": \"compensation\",
            \"vn_kv\": 0}}]}}"
    ))
    .unwrap();
    let issues = net.validate();
    let named = |id: &str, field: &str| {
        issues
            .iter()
            .any(|i| i.element.as_deref() == Some(id) && i.field.as_deref() == Some(field))
    };
    assert!(named("S1", "bus"), "{issues:?}");
    assert!(named("S2", "vn_kv"), "{issues:?}");
    assert!(named("S2", "q_mvar"), "zero admittance warned: {issues:?}");
    // an unknown kind is a format error naming the field
    let err = Network::from_json(&format!(
        "{BASE}, \"shunts\": [{{\"id\": \"S\", \"bus\": \"B\", \"kind\": \"capacitor\"}}]}}"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("shunts[0]") && err.contains("kind"), "{err}");
}

#[test]
fn shunts_go_through_the_canonical_form_diff_and_apply() {
    let plain = Network::from_json(&format!("{BASE}}}")).unwrap();
    let with = with_shunts(
        r#"{"id": "EQ", "bus": "B", "kind": "network_equivalent",
        "p_mw": 200, "q_mvar": -100}"#,
    );
    assert!(
        !plain.canonical_json().contains("shunts"),
        "no table, no key: old digests stay"
    );
    assert_ne!(plain.digest(), with.digest());
    let changes = ampflux_core::version::diff(&plain, &with);
    let applied = ampflux_core::version::apply(&plain, &changes).unwrap();
    assert_eq!(applied, with);
    assert_eq!(applied.digest(), with.digest());
    assert_eq!(Network::from_json(&with.to_json()).unwrap(), with);
}

#[test]
fn a_transformer_without_vector_group_serves_balanced_and_line_to_line_faults_only() {
    let json = r#"{"buses": [{"id": "H", "vn_kv": 110}, {"id": "M", "vn_kv": 20},
            {"id": "L", "vn_kv": 10}],
        "external_grids": [{"id": "Q", "bus": "H", "s_sc_max_mva": 2000, "rx_max": 0.1,
                            "x0x_max": 1, "r0x0_max": 0.1}],
        "transformers3w": [{"id": "T3", "hv_bus": "H", "mv_bus": "M", "lv_bus": "L",
            "sn_hv_mva": 40, "sn_mv_mva": 40, "sn_lv_mva": 10, "vn_hv_kv": 110,
            "vn_mv_kv": 20, "vn_lv_kv": 10, "vk_hv_percent": 12, "vk_mv_percent": 8,
            "vk_lv_percent": 10, "vkr_hv_percent": 0.3, "vkr_mv_percent": 0.3,
            "vkr_lv_percent": 0.3}]}"#;
    let net = Network::from_json(json).expect("the vector group is optional");
    assert!(net.validate().iter().all(|i| !i.is_error()));
    let mut known = net.clone();
    known.transformers3w[0].vector_group = Some("YNyn0d5".into());
    for fault in [FaultKind::ThreePhase, FaultKind::LineToLine] {
        assert_eq!(ikss(&net, fault, "M"), ikss(&known, fault, "M"));
    }
    let err = short_circuit(
        &net,
        &StudyOptions {
            fault: FaultKind::LineToEarth,
            ..StudyOptions::default()
        },
    )
    .unwrap_err();
    let ampflux_core::Error::Invalid(issues) = err else {
        panic!("a validation error, got {err}");
    };
    assert!(issues.iter().any(|i| i.element.as_deref() == Some("T3")
        && i.field.as_deref() == Some("vector_group")
        && i.code == "missing_data"));
}

//! Branch currents and bus voltages with full-size converters (issue 13, defect 3): the branch
//! results of a fault location describe the same physical state as its bus result, so
//! superposition holds. A converter at the faulted bus feeds the fault directly and changes no
//! other branch's current, the voltage at a bolted fault is zero, the currents of the branches
//! at the faulted bus add up to I''k, and a branch that alone feeds the fault carries the bus's
//! I''k and i_p. The published branch values are in `tests/data/cases/pp_converter_*.json`.

use ampflux_core::{FaultKind, Network, StudyOptions, StudyReport, short_circuit};
use num_complex::Complex64 as C64;

/// A meshed 110 kV network: feeder at A, a ring A-B-C, a radial line C-D, a 150 MVA full-size
/// converter at C (current at −30°) and a 40 MVA one at B (default angle); `with_c`: whether
/// the one at C is in service.
fn network(with_c: bool) -> Network {
    let json = format!(
        r#"{{"buses": [{{"id": "A", "vn_kv": 110}}, {{"id": "B", "vn_kv": 110}},
                      {{"id": "C", "vn_kv": 110}}, {{"id": "D", "vn_kv": 110}}],
            "external_grids": [{{"id": "Q", "bus": "A", "s_sc_max_mva": 3000, "rx_max": 0.1,
                                 "x0x_max": 1.0, "r0x0_max": 0.1}}],
            "lines": [
              {{"id": "AB", "from_bus": "A", "to_bus": "B", "length_km": 20, "r_ohm_per_km": 0.12,
                "x_ohm_per_km": 0.39, "r0_ohm_per_km": 0.32, "x0_ohm_per_km": 1.26}},
              {{"id": "BC", "from_bus": "B", "to_bus": "C", "length_km": 15, "r_ohm_per_km": 0.12,
                "x_ohm_per_km": 0.39, "r0_ohm_per_km": 0.32, "x0_ohm_per_km": 1.26}},
              {{"id": "AC", "from_bus": "A", "to_bus": "C", "length_km": 30, "r_ohm_per_km": 0.06,
                "x_ohm_per_km": 0.39, "r0_ohm_per_km": 0.2, "x0_ohm_per_km": 1.1}},
              {{"id": "CD", "from_bus": "C", "to_bus": "D", "length_km": 10, "r_ohm_per_km": 0.2,
                "x_ohm_per_km": 0.4, "r0_ohm_per_km": 0.5, "x0_ohm_per_km": 1.2}}],
            "converters": [
              {{"id": "PV", "bus": "C", "sn_mva": 150, "vn_kv": 110, "kind": "full_converter",
                "k": 1.2, "current_angle_deg": -30, "in_service": {with_c}}},
              {{"id": "WT", "bus": "B", "sn_mva": 40, "vn_kv": 110, "kind": "full_converter",
                "k": 1.1}}]}}"#
    );
    Network::from_json(&json).expect("valid network")
}

fn study(net: &Network, fault: FaultKind) -> StudyReport {
    let options = StudyOptions {
        fault,
        branch_results: true,
        ..StudyOptions::default()
    };
    short_circuit(net, &options).expect("study runs")
}

fn phasor(magnitude: f64, angle_deg: f64) -> C64 {
    C64::from_polar(magnitude, angle_deg.to_radians())
}

/// The current flowing from the branches into bus `k` (the sum over the branch ends at `k` of
/// the current leaving the branch), for a fault at `k`.
fn into_bus(report: &StudyReport, k: &str) -> C64 {
    let mut sum = C64::new(0.0, 0.0);
    for r in report.branches.iter().filter(|r| r.fault_bus == k) {
        if r.from_bus == k {
            sum -= phasor(r.ikss_from_ka, r.angle_from_deg);
        }
        if r.to_bus == k {
            sum -= phasor(r.ikss_to_ka, r.angle_to_deg);
        }
    }
    sum
}

#[test]
fn a_converter_at_the_faulted_bus_changes_no_other_branch_current() {
    let with = study(&network(true), FaultKind::ThreePhase);
    let without = study(&network(false), FaultKind::ThreePhase);
    // the converter at C feeds the fault at C directly: I''k grows by its k·I_r ...
    let i_r = 1.2 * 150.0 / (3f64.sqrt() * 110.0);
    let (ik_with, ik_without) = (
        with.bus("C").unwrap().ikss_ka,
        without.bus("C").unwrap().ikss_ka,
    );
    assert!((ik_with - ik_without - i_r).abs() < 1e-9 * ik_with);
    // ... and every branch carries the same current, at both ends
    for r in with.branches.iter().filter(|r| r.fault_bus == "C") {
        let o = without.branch(&r.id, "C").expect("same branches");
        for (a, b) in [
            (r.ikss_from_ka, o.ikss_from_ka),
            (r.ikss_to_ka, o.ikss_to_ka),
            (r.ip_ka, o.ip_ka),
            (r.ith_ka, o.ith_ka),
        ] {
            assert!((a - b).abs() < 1e-9 * (1.0 + b), "{}: {a} vs {b}", r.id);
        }
    }
}

#[test]
fn the_voltage_at_a_bolted_fault_is_zero_and_the_branches_feed_the_fault_current() {
    for with_c in [true, false] {
        let report = study(&network(with_c), FaultKind::ThreePhase);
        for k in ["A", "B", "C", "D"] {
            let v = report.voltage(k, k).expect("voltage at the fault");
            assert!(v.v1_pu < 1e-9, "{k}: U = {} p.u.", v.v1_pu);
            // Kirchhoff at the fault: branch currents plus the converter at the bus make I''k
            let at_bus = match (k, with_c) {
                ("C", true) => 1.2 * 150.0,
                ("B", _) => 1.1 * 40.0,
                _ => 0.0,
            } / (3f64.sqrt() * 110.0);
            let ik = report.bus(k).unwrap().ikss_ka;
            let branches = into_bus(&report, k).norm();
            if k == "A" {
                continue; // the feeder at A feeds the fault too, not through a branch
            }
            // the converter at the bus injects in phase with the branches' current (its angle
            // is −arg Z_kk, that of the fault current)
            assert!(
                (branches + at_bus - ik).abs() < 1e-9 * ik,
                "{k}: branches {branches} + converter {at_bus} vs I''k {ik}"
            );
        }
    }
}

#[test]
fn a_branch_that_alone_feeds_the_fault_carries_the_bus_values() {
    let report = study(&network(true), FaultKind::ThreePhase);
    let bus = report.bus("D").unwrap();
    let line = report.branch("CD", "D").unwrap();
    assert!((line.ikss_to_ka - bus.ikss_ka).abs() < 1e-9 * bus.ikss_ka);
    // i_p: κ on the part driven by the equivalent source, the converters' part undamped, as at
    // the bus (IEC 60909-0:2016 §8.1)
    assert!(
        (line.ip_ka - bus.ip_ka).abs() < 1e-9 * bus.ip_ka,
        "{} vs {}",
        line.ip_ka,
        bus.ip_ka
    );
    assert!((line.ith_ka - bus.ith_ka).abs() < 1e-9 * bus.ith_ka);
}

#[test]
fn line_to_earth_faults_with_converters_obey_the_fault_conditions() {
    let report = study(&network(true), FaultKind::LineToEarth);
    for k in ["B", "D"] {
        // phase a is bolted to earth
        let v = report.voltage(k, k).expect("voltage at the fault");
        assert!(v.va_pu < 1e-9, "{k}: U_a = {} p.u.", v.va_pu);
        // no converter at D: the branches at D carry the faulted phase's current into the fault
        if k == "D" {
            let line = report.branch("CD", "D").unwrap();
            let p = line.phases_to.as_ref().expect("phase currents");
            let ik = report.bus(k).unwrap().ikss_ka;
            assert!((p.ia_ka - ik).abs() < 1e-9 * ik, "{} vs {ik}", p.ia_ka);
            assert!(p.ib_ka < 1e-9 && p.ic_ka < 1e-9);
        }
    }
}

#[test]
fn a_fault_at_a_power_station_unit_with_converters_elsewhere_has_zero_voltage() {
    // the unit is evaluated with K_G,S and K_T,S (a variant of the matrix): the converters'
    // currents are solved in that variant too
    let mut doc = network(true).document_value();
    doc["buses"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "G", "vn_kv": 10.5}));
    doc["transformers"] = serde_json::json!([{"id": "TU", "hv_bus": "B", "lv_bus": "G",
        "sn_mva": 100, "vn_hv_kv": 120, "vn_lv_kv": 10.5, "vk_percent": 12,
        "vkr_percent": 0.5, "vector_group": "YNd5", "power_station_unit": true}]);
    doc["generators"] = serde_json::json!([{"id": "GEN", "bus": "G", "sn_mva": 100,
        "vn_kv": 10.5, "cos_phi": 0.9, "xdss_pu": 0.16, "unit_transformer": "TU"}]);
    let net = Network::from_value(doc).expect("valid network");
    let report = study(&net, FaultKind::ThreePhase);
    let v = report.voltage("G", "G").expect("voltage at the fault");
    assert!(v.v1_pu < 1e-9, "U = {} p.u.", v.v1_pu);
    let ik = report.bus("G").unwrap().ikss_ka;
    let branches = into_bus(&report, "G").norm();
    // the generator feeds the fault too; the transformer's share is below I''k
    assert!(branches > 0.0 && branches < ik);
}

//! Physical and structural invariants on random networks (proptest): element order, per-unit
//! base, out-of-service elements, linearity in the source voltage, κ range, Ik''(2ph) =
//! √3/2·Ik''(3ph), Kirchhoff's current law at the fault, zero-sequence behaviour of delta
//! windings, and the circuit-version invariants (diff/apply, merge, digest).

use ampflux_core::{
    Case, FaultKind, Method, Network, StudyOptions, StudyReport, short_circuit, version,
};
use ampflux_testkit::synthetic::{RandomKinds, random_network};
use num_complex::Complex64 as C64;
use proptest::prelude::*;

fn run(net: &Network, o: &StudyOptions) -> StudyReport {
    short_circuit(net, o).unwrap_or_else(|e| panic!("study failed: {e}"))
}

/// Equal within `rel`; two empty (NaN) quantities are equal.
fn close(a: f64, b: f64, rel: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-9)
}

fn same_bus_results(a: &StudyReport, b: &StudyReport, rel: f64) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.buses.len(), b.buses.len());
    for x in &a.buses {
        let y = b.bus(&x.id).expect("same buses");
        for (name, u, v) in [
            ("ikss", x.ikss_ka, y.ikss_ka),
            ("ip", x.ip_ka, y.ip_ka),
            ("ib", x.ib_ka, y.ib_ka),
            ("ith", x.ith_ka, y.ith_ka),
            ("ik", x.ik_ka, y.ik_ka),
            ("idc", x.idc_ka, y.idc_ka),
            ("ib_asym", x.ib_asym_ka, y.ib_asym_ka),
            ("rk", x.rk_ohm, y.rk_ohm),
            ("xk", x.xk_ohm, y.xk_ohm),
        ] {
            prop_assert!(close(u, v, rel), "{} at {}: {} vs {}", name, x.id, u, v);
        }
        prop_assert_eq!(x.status, y.status);
    }
    Ok(())
}

fn faults() -> impl Strategy<Value = FaultKind> {
    prop_oneof![
        Just(FaultKind::ThreePhase),
        Just(FaultKind::LineToLine),
        Just(FaultKind::LineToEarth),
        Just(FaultKind::DoubleLineToEarth),
    ]
}

/// A deterministic shuffle of every table.
fn shuffled(net: &Network, seed: u64) -> Network {
    fn shuffle<T>(v: &mut [T], mut s: u64) {
        for i in (1..v.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            v.swap(i, (s % (i as u64 + 1)) as usize);
        }
    }
    let mut n = net.clone();
    let s = seed | 1;
    shuffle(&mut n.buses, s);
    shuffle(&mut n.lines, s + 2);
    shuffle(&mut n.transformers, s + 4);
    shuffle(&mut n.generators, s + 6);
    shuffle(&mut n.motors, s + 8);
    shuffle(&mut n.converters, s + 10);
    shuffle(&mut n.impedances, s + 12);
    shuffle(&mut n.switches, s + 14);
    n
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn results_do_not_depend_on_element_order(seed in 0u64..10_000, n in 3usize..30, fault in faults()) {
        let net = random_network(seed, n, RandomKinds::ALL);
        let o = StudyOptions { fault, ..StudyOptions::default() };
        same_bus_results(&run(&net, &o), &run(&shuffled(&net, seed), &o), 1e-9)?;
        prop_assert_eq!(net.digest(), shuffled(&net, seed).digest());
    }

    #[test]
    fn results_do_not_depend_on_the_per_unit_base(seed in 0u64..10_000, n in 3usize..30, base in 0.5f64..5000.0, fault in faults()) {
        let net = random_network(seed, n, RandomKinds::ALL);
        let a = StudyOptions { fault, ..StudyOptions::default() };
        let b = StudyOptions { base_mva: base, ..a.clone() };
        same_bus_results(&run(&net, &a), &run(&net, &b), 1e-8)?;
    }

    #[test]
    fn out_of_service_equals_removed(seed in 0u64..10_000, n in 4usize..30, pick in 0usize..1000, fault in faults()) {
        let net = random_network(seed, n, RandomKinds::ALL);
        // take a line, transformer or source out of service
        let mut off = net.clone();
        let mut removed = net.clone();
        let total = net.lines.len() + net.transformers.len() + net.generators.len() + net.motors.len();
        prop_assume!(total > 0);
        let k = pick % total;
        let id = if k < net.lines.len() {
            off.lines[k].in_service = Some(false);
            removed.lines.remove(k).id
        } else if k < net.lines.len() + net.transformers.len() {
            let k = k - net.lines.len();
            off.transformers[k].in_service = Some(false);
            removed.transformers.remove(k).id
        } else if k < net.lines.len() + net.transformers.len() + net.generators.len() {
            let k = k - net.lines.len() - net.transformers.len();
            off.generators[k].in_service = Some(false);
            removed.generators.remove(k).id
        } else {
            let k = k - net.lines.len() - net.transformers.len() - net.generators.len();
            off.motors[k].in_service = Some(false);
            removed.motors.remove(k).id
        };
        removed.switches.retain(|s| s.element != id);
        off.switches.retain(|s| s.element != id);
        let o = StudyOptions { fault, ..StudyOptions::default() };
        same_bus_results(&run(&off, &o), &run(&removed, &o), 1e-9)?;
    }

    #[test]
    fn currents_are_linear_in_the_source_voltage(seed in 0u64..10_000, n in 3usize..30, scale in 0.5f64..1.5, fault in faults()) {
        let net = random_network(seed, n, RandomKinds { converters: false, ..RandomKinds::ALL });
        let a = StudyOptions { fault, method: Method::Classical, ..StudyOptions::default() };
        let b = StudyOptions { prefault_pu: scale, ..a.clone() };
        let (ra, rb) = (run(&net, &a), run(&net, &b));
        for x in &ra.buses {
            let y = rb.bus(&x.id).unwrap();
            prop_assert!(close(y.ikss_ka, scale * x.ikss_ka, 1e-9), "{}: {} vs {}", x.id, y.ikss_ka, scale * x.ikss_ka);
            prop_assert!(close(y.ip_ka, scale * x.ip_ka, 1e-9));
        }
    }

    #[test]
    fn kappa_stays_between_1_02_and_2(seed in 0u64..10_000, n in 3usize..30, method_b in any::<bool>(), min in any::<bool>()) {
        let net = random_network(seed, n, RandomKinds::ALL);
        let o = StudyOptions {
            ip_method: if method_b { ampflux_core::PeakMethod::B } else { ampflux_core::PeakMethod::C },
            case: if min { Case::Min } else { Case::Max },
            ..StudyOptions::default()
        };
        for b in run(&net, &o).buses.iter().filter(|b| b.status == ampflux_core::BusStatus::Ok) {
            prop_assert!((1.02..=2.0).contains(&b.kappa), "κ = {} at {}", b.kappa, b.id);
            // i_p >= 1.02·√2·I''k, except that converter currents enter i_p without κ
            let floor = if net.converters.is_empty() { 1.02 } else { 1.0 };
            prop_assert!(b.ip_ka >= floor * 2f64.sqrt() * b.ikss_ka * (1.0 - 1e-12));
            prop_assert!(b.ib_ka <= b.ikss_ka * (1.0 + 1e-12));
            // I_th = I''k·√(m + n): the AC part never heats less than the steady-state current
            // (n·I''k² ≥ I_k²), the DC part adds at most m ≤ 2
            if b.ik_ka.is_finite() {
                prop_assert!(b.ith_ka >= b.ik_ka * (1.0 - 1e-12), "I_th {} < I_k {} at {}", b.ith_ka, b.ik_ka, b.id);
            }
            prop_assert!(b.ith_ka <= b.ikss_ka * 3f64.sqrt() * (1.0 + 1e-12));
            // i_DC at t_min at most its initial value √2·I''k; I_b,asym = √(I_b² + i_DC²)
            prop_assert!(b.idc_ka >= 0.0 && b.idc_ka <= 2f64.sqrt() * b.ikss_ka * (1.0 + 1e-12));
            prop_assert!(close(b.ib_asym_ka, b.ib_ka.hypot(b.idc_ka), 1e-12));
        }
    }

    #[test]
    fn line_to_line_is_sqrt3_over_2_of_three_phase_when_z2_equals_z1(seed in 0u64..10_000, n in 3usize..30) {
        let net = random_network(seed, n, RandomKinds { generators: false, converters: false, ..RandomKinds::ALL });
        let three = run(&net, &StudyOptions::default());
        let two = run(&net, &StudyOptions { fault: FaultKind::LineToLine, ..StudyOptions::default() });
        for x in &three.buses {
            let y = two.bus(&x.id).unwrap();
            prop_assert!(close(y.ikss_ka, 3f64.sqrt() / 2.0 * x.ikss_ka, 1e-12), "{}: {} vs {}", x.id, y.ikss_ka, x.ikss_ka);
        }
    }

    #[test]
    fn branch_currents_satisfy_kcl_at_the_fault(seed in 0u64..10_000, n in 3usize..20, fault in faults()) {
        let net = random_network(seed, n, RandomKinds::PASSIVE);
        let o = StudyOptions { fault, branch_results: true, ..StudyOptions::default() };
        let report = run(&net, &o);
        // buses without any source and not tied by a closed bus-bus switch
        let tied: Vec<&str> = net.switches.iter().filter(|s| s.closed).flat_map(|s| [s.bus.as_str(), s.element.as_str()]).collect();
        let mut checked = 0;
        for bus in report.buses.iter().filter(|b| b.status == ampflux_core::BusStatus::Ok && b.id != "B0" && !tied.contains(&b.id.as_str())) {
            let mut sum = [C64::new(0.0, 0.0); 3];
            for r in report.branches.iter().filter(|r| r.fault_bus == bus.id) {
                let at_from = r.from_bus == bus.id;
                let at_to = r.to_bus == bus.id;
                if !(at_from || at_to) {
                    continue;
                }
                let add = |sum: &mut [C64; 3], p: Option<ampflux_core::PhaseCurrents>, m: f64, a: f64| match p {
                    Some(p) => {
                        sum[0] += C64::from_polar(p.ia_ka, p.ia_deg.to_radians());
                        sum[1] += C64::from_polar(p.ib_ka, p.ib_deg.to_radians());
                        sum[2] += C64::from_polar(p.ic_ka, p.ic_deg.to_radians());
                    }
                    None => sum[0] += C64::from_polar(m, a.to_radians()),
                };
                if at_from { add(&mut sum, r.phases_from, r.ikss_from_ka, r.angle_from_deg); }
                if at_to { add(&mut sum, r.phases_to, r.ikss_to_ka, r.angle_to_deg); }
            }
            // the branches carry the fault current away from the bus: |Σ| = I''k of the
            // faulted phase with the largest current
            let largest = sum.iter().map(|c| c.norm()).fold(0.0, f64::max);
            prop_assert!(close(largest, bus.ikss_ka, 1e-6), "KCL at {}: {} vs {}", bus.id, largest, bus.ikss_ka);
            checked += 1;
        }
        let candidates = report.buses.iter().filter(|b| b.status == ampflux_core::BusStatus::Ok && b.id != "B0" && !tied.contains(&b.id.as_str())).count();
        prop_assert_eq!(checked, candidates);
    }

    #[test]
    fn diff_apply_round_trip(seed in 0u64..10_000, other in 0u64..10_000, n in 2usize..25, m in 2usize..25) {
        let a = random_network(seed, n, RandomKinds::ALL);
        let mut b = random_network(other, m, RandomKinds::ALL);
        b.name = Some(format!("variant {other}"));
        let d = version::diff(&a, &b);
        prop_assert_eq!(version::apply(&a, &d).unwrap(), b.clone());
        prop_assert!(version::diff(&a, &a).is_empty());
        // JSON round trip of the change set
        let d2 = version::ChangeSet::from_json(&d.to_json()).unwrap();
        prop_assert_eq!(version::apply(&a, &d2).unwrap(), b);
    }

    #[test]
    fn merge_of_disjoint_changes_equals_sequential_apply(seed in 0u64..10_000, n in 4usize..25) {
        let base = random_network(seed, n, RandomKinds::ALL);
        let mut ours = base.clone();
        let mut theirs = base.clone();
        // ours edits buses and lines, theirs edits transformers and adds a bus
        for b in ours.buses.iter_mut().step_by(2) { b.name = Some(format!("ours {}", b.id)); }
        if let Some(l) = ours.lines.first_mut() { l.length_km *= 1.1; }
        for t in theirs.transformers.iter_mut() { t.vk_percent += 0.5; }
        theirs.add_bus("NEW", 20.0);
        let merged = version::merge(&base, &ours, &theirs).unwrap();
        prop_assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        let sequential = version::apply(&ours, &version::diff(&base, &theirs)).unwrap();
        prop_assert_eq!(merged.network, sequential);
    }

    #[test]
    fn digest_ignores_formatting_and_sees_every_field(seed in 0u64..10_000, n in 2usize..25) {
        let net = random_network(seed, n, RandomKinds::ALL);
        let compact = Network::from_json(&net.to_json_compact()).unwrap();
        let pretty = Network::from_json(&net.to_json()).unwrap();
        prop_assert_eq!(compact.digest(), net.digest());
        prop_assert_eq!(pretty.digest(), net.digest());
        prop_assert_eq!(&compact, &net);
        let mut changed = net.clone();
        changed.buses[0].vn_kv *= 1.0 + 1e-12;
        prop_assert_ne!(changed.digest(), net.digest());
        let mut renamed = net.clone();
        renamed.buses[0].name = Some("x".into());
        prop_assert_ne!(renamed.digest(), net.digest());
    }
}

#[test]
fn merge_reports_conflicts_field_by_field() {
    let base = random_network(1, 8, RandomKinds::ALL);
    let mut ours = base.clone();
    let mut theirs = base.clone();
    ours.lines[0].length_km = 1.0;
    theirs.lines[0].length_km = 2.0;
    theirs.lines[0].name = Some("theirs".into());
    let m = version::merge(&base, &ours, &theirs).unwrap();
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].field, "length_km");
    assert_eq!(m.network.lines[0].length_km, 1.0);
    assert_eq!(m.network.lines[0].name.as_deref(), Some("theirs"));
}

#[test]
fn earth_fault_behind_a_delta_winding_sees_only_its_own_side() {
    // grid -- YNd5 -- LV (delta): no zero-sequence path at LV, flagged, current zero
    let doc = |vg: &str, x0x: f64| {
        Network::from_json(&format!(
            r#"{{"buses": [{{"id": "HV", "vn_kv": 110}}, {{"id": "LV", "vn_kv": 20}}],
            "external_grids": [{{"id": "Q", "bus": "HV", "s_sc_max_mva": 3000, "rx_max": 0.1,
                                "x0x_max": {x0x}, "r0x0_max": 0.1}}],
            "transformers": [{{"id": "T", "hv_bus": "HV", "lv_bus": "LV", "sn_mva": 40,
                "vn_hv_kv": 110, "vn_lv_kv": 20, "vk_percent": 12, "vkr_percent": 0.5,
                "vector_group": "{vg}", "vk0_percent": 11, "vkr0_percent": 0.5}}]}}"#
        ))
        .unwrap()
    };
    let earth = StudyOptions {
        fault: FaultKind::LineToEarth,
        ..StudyOptions::default()
    };
    let r = run(&doc("YNd5", 1.0), &earth);
    let lv = r.bus("LV").unwrap();
    assert_eq!(lv.status, ampflux_core::BusStatus::NoZeroSequencePath);
    // isolated neutral: IEC 60909 gives no I''k1; without capacitances no I_CE either
    assert!(lv.ikss_ka.is_nan() && lv.ip_ka.is_nan() && lv.ice_ka.is_none());
    // Dyn5: the LV earth fault is fed by the transformer's zero sequence alone, whatever the
    // grid's zero-sequence impedance
    let a = run(&doc("Dyn5", 1.0), &earth).bus("LV").unwrap().ikss_ka;
    let b = run(&doc("Dyn5", 3.0), &earth).bus("LV").unwrap().ikss_ka;
    assert!(a > 1.0 && close(a, b, 1e-12), "{a} vs {b}");
    // ...and the HV earth fault does not see the transformer at all
    let hv_a = run(&doc("Dyn5", 1.0), &earth).bus("HV").unwrap().ikss_ka;
    let hv_yy = run(&doc("Dd0", 1.0), &earth).bus("HV").unwrap().ikss_ka;
    assert!(close(hv_a, hv_yy, 1e-12));
}

#[test]
fn islands_without_source_report_zero_and_are_flagged() {
    let net = Network::from_json(
        r#"{"buses": [{"id": "A", "vn_kv": 20}, {"id": "B", "vn_kv": 20}, {"id": "C", "vn_kv": 20}],
            "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 300, "rx_max": 0.1}],
            "lines": [{"id": "L1", "from_bus": "A", "to_bus": "B", "length_km": 1, "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1},
                      {"id": "L2", "from_bus": "B", "to_bus": "C", "length_km": 1, "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}],
            "switches": [{"id": "S", "bus": "B", "element": "L2", "closed": false}]}"#,
    )
    .unwrap();
    let r = run(&net, &StudyOptions::default());
    assert_eq!(
        r.bus("C").unwrap().status,
        ampflux_core::BusStatus::Unsupplied
    );
    assert_eq!(r.bus("C").unwrap().ikss_ka, 0.0);
    assert!(r.bus("B").unwrap().ikss_ka > 1.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn sparse_driving_point_impedances_equal_the_dense_inverse(seed in 0u64..10_000, n in 2usize..40) {
        let net = random_network(seed, n, RandomKinds::ALL);
        let worst = ampflux_core::testing::sparse_vs_dense_driving_point(&net, &StudyOptions::default()).unwrap();
        prop_assert!(worst < 1e-9, "worst relative deviation {worst}");
    }
}

#[test]
fn power_station_unit_faults_by_woodbury_equal_a_refactorization() {
    // the synthetic grid has a power station unit (YNd5, OLTC) every 50 HV buses
    let net = ampflux_testkit::synthetic::meshed_grid(400, 3);
    assert!(!net.generators.is_empty());
    for case in [Case::Max, Case::Min] {
        let o = StudyOptions {
            case,
            ..StudyOptions::default()
        };
        let worst = ampflux_core::testing::unit_variant_woodbury_vs_refactor(&net, &o).unwrap();
        assert!(worst < 1e-10, "worst relative deviation {worst}");
    }
    let plant = Network::from_json(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/networks/industrial_plant.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let worst =
        ampflux_core::testing::unit_variant_woodbury_vs_refactor(&plant, &StudyOptions::default())
            .unwrap();
    assert!(worst < 1e-10, "worst relative deviation {worst}");
}

#[test]
fn results_are_bitwise_identical_for_any_number_of_threads() {
    let net = ampflux_testkit::synthetic::meshed_grid(600, 7);
    let o = StudyOptions {
        branch_results: true,
        ..StudyOptions::default()
    };
    let json_with = |threads: usize, fault: FaultKind| {
        let mut o = o.clone();
        o.fault = fault;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let report = pool.install(|| run(&net, &o));
        serde_json::to_string(&report).expect("report serializes")
    };
    for fault in [FaultKind::ThreePhase, FaultKind::LineToEarth] {
        let one = json_with(1, fault);
        for threads in [2, 3] {
            assert!(
                one == json_with(threads, fault),
                "{fault:?}: 1 vs {threads} threads differ"
            );
        }
    }
}

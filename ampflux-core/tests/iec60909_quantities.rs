//! The quantities and conventions of issue 13, each against a value derived here from the
//! standard's formulas (not from the engine): steady-state current I_k (λ, I''kM), the DC
//! component i_DC and I_b,asym, I_th with n, the breaking current of single-fed locations,
//! κ_WD of doubly fed units, earth faults in isolated and resonance-earthed systems, the
//! partial currents of the sources, and unsupplied buses.

use std::f64::consts::{PI, SQRT_2};

use ampflux_core::iec60909::breaking::mu;
use ampflux_core::iec60909::peak::{kappa, thermal_m, thermal_n};
use ampflux_core::{
    BusStatus, Case, FaultKind, Network, PeakMethod, SourceKind, StudyOptions, StudyReport,
    short_circuit,
};
use num_complex::Complex64 as C64;

const SQRT3: f64 = 1.732_050_807_568_877_2;

fn run(net: &Network, o: &StudyOptions) -> StudyReport {
    short_circuit(net, o).unwrap_or_else(|e| panic!("study failed: {e}"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// A 10.5 kV generator alone on its bus (U_n = U_rG, R_G = 0): a terminal fault.
fn lone_generator(xdsat: Option<f64>) -> Network {
    let xdsat = xdsat.map_or(String::new(), |x| format!(r#", "xdsat_pu": {x}"#));
    Network::from_json(&format!(
        r#"{{"buses": [{{"id": "G", "vn_kv": 10.5}}],
            "generators": [{{"id": "G1", "bus": "G", "sn_mva": 10, "vn_kv": 10.5,
                "cos_phi": 0.8, "xdss_pu": 0.12, "rdss_pu": 0.0{xdsat}}}]}}"#
    ))
    .unwrap()
}

#[test]
fn steady_state_current_at_generator_terminals_uses_lambda() {
    let (xdss, xdsat, cos): (f64, f64, f64) = (0.12, 1.7, 0.8);
    let sin = (1.0 - cos * cos).sqrt();
    let ir = 10.0 / (SQRT3 * 10.5);
    // IEC 60909-0:2016 §10.2.1 at the terminals: λmax = (U_fmax/U_fr)·E_r/x_dsat with the
    // rated-load EMF E_r on x_dsat (series two, cylindrical: 1.6), λmin = 1/x_dsat
    let er = (cos * cos + (sin + xdsat).powi(2)).sqrt();
    let net = lone_generator(Some(xdsat));
    let max = run(&net, &StudyOptions::default());
    let g = max.bus("G").unwrap();
    let x = g.ikss_ka / ir;
    assert!(
        close(x, (1.0 + xdss * sin) / xdss, 1e-12),
        "I''kG/IrG = {x}"
    );
    assert!(
        close(g.ik_ka, (1.6 * er / xdsat).min(x) * ir, 1e-12),
        "{}",
        g.ik_ka
    );
    // far from generators I_k = I''k, near them less
    assert!(g.ik_ka < g.ikss_ka);
    let min_case = StudyOptions {
        case: Case::Min,
        ..StudyOptions::default()
    };
    let min = run(&net, &min_case);
    assert!(close(min.bus("G").unwrap().ik_ka, ir / xdsat, 1e-12));
    // without x_dsat: I_kmax bounded by I''k, I_kmin empty with a warning naming the field
    let without = lone_generator(None);
    let g = run(&without, &StudyOptions::default());
    assert!(close(
        g.bus("G").unwrap().ik_ka,
        g.bus("G").unwrap().ikss_ka,
        1e-12
    ));
    let g = run(&without, &min_case);
    assert!(g.bus("G").unwrap().ik_ka.is_nan());
    assert!(
        g.warnings
            .iter()
            .any(|w| w.code == "missing_data" && w.message.contains("xdsat_pu"))
    );
}

#[test]
fn thermal_current_near_a_generator_uses_n() {
    let net = lone_generator(Some(1.7));
    for tk in [0.1, 0.5, 1.0] {
        let o = StudyOptions {
            tk_s: tk,
            ..StudyOptions::default()
        };
        let b = run(&net, &o);
        let g = b.bus("G").unwrap();
        let m = thermal_m(g.kappa, 50.0, tk);
        let n = thermal_n(g.ikss_ka / g.ik_ka, tk);
        assert!(n < 1.0);
        assert!(close(g.ith_ka, g.ikss_ka * (m + n).sqrt(), 1e-12));
    }
}

/// Feeder Q at 110 kV and two parallel paths of different R/X to bus F (a mesh).
fn two_paths() -> Network {
    Network::from_json(
        r#"{"buses": [{"id": "Q", "vn_kv": 110}, {"id": "F", "vn_kv": 110}],
            "external_grids": [{"id": "Grid", "bus": "Q", "s_sc_max_mva": 5000, "rx_max": 0.1}],
            "lines": [
              {"id": "L1", "from_bus": "Q", "to_bus": "F", "length_km": 10,
               "r_ohm_per_km": 0.05, "x_ohm_per_km": 0.40},
              {"id": "L2", "from_bus": "Q", "to_bus": "F", "length_km": 10,
               "r_ohm_per_km": 0.40, "x_ohm_per_km": 0.30}]}"#,
    )
    .unwrap()
}

#[test]
fn dc_component_uses_the_equivalent_frequency_of_method_c() {
    let net = two_paths();
    let (c, un) = (1.1, 110.0);
    let zq_abs = c * un * un / 5000.0;
    let xq = zq_abs / (1.0 + 0.01f64).sqrt();
    let zq = C64::new(0.1 * xq, xq);
    let l1 = C64::new(0.5, 4.0);
    let l2 = C64::new(4.0, 3.0);
    // Z at frequency factor s: reactances times s
    let at = |s: f64| {
        let x = |z: C64| C64::new(z.re, z.im * s);
        x(zq) + (x(l1) * x(l2)) / (x(l1) + x(l2))
    };
    let tmin = 0.1;
    let o = StudyOptions {
        tmin_s: tmin,
        ..StudyOptions::default()
    };
    let b = run(&net, &o);
    let f = b.bus("F").unwrap();
    let ik = c * un / (SQRT3 * at(1.0).norm());
    assert!(close(f.ikss_ka, ik, 1e-12));
    // IEC 60909-0:2016 eq. 64 with method C: f·t = 5 -> f_c/f = 0.055
    let zc = at(0.055);
    let idc = SQRT_2 * ik * (-2.0 * PI * 50.0 * tmin * zc.re / zc.im * 0.055).exp();
    assert!(close(f.idc_ka, idc, 1e-10), "{} vs {idc}", f.idc_ka);
    assert!(close(f.ib_asym_ka, f.ib_ka.hypot(idc), 1e-10));
    // method B: R/X at the fault
    let b = run(
        &net,
        &StudyOptions {
            ip_method: PeakMethod::B,
            ..o.clone()
        },
    );
    let z = at(1.0);
    let idc_b = SQRT_2 * ik * (-2.0 * PI * 50.0 * tmin * z.re / z.im).exp();
    assert!(close(b.bus("F").unwrap().idc_ka, idc_b, 1e-10));
    // at t_min = 0 the DC component is its full initial value
    let b = run(&net, &StudyOptions { tmin_s: 0.0, ..o });
    assert!(close(b.bus("F").unwrap().idc_ka, SQRT_2 * ik, 1e-12));
}

/// Power station unit S: 110 kV bus H, unit transformer, generator terminals G.
fn unit_alone() -> Network {
    Network::from_json(
        r#"{"buses": [{"id": "H", "vn_kv": 110}, {"id": "G", "vn_kv": 10.5}],
            "transformers": [{"id": "T", "hv_bus": "H", "lv_bus": "G", "sn_mva": 100,
                "vn_hv_kv": 120, "vn_lv_kv": 10.5, "vk_percent": 12, "vkr_percent": 0.5,
                "vector_group": "YNd5", "power_station_unit": true}],
            "generators": [{"id": "S", "bus": "G", "sn_mva": 100, "vn_kv": 10.5,
                "cos_phi": 0.9, "xdss_pu": 0.16, "rdss_pu": 0.0045, "pg_percent": 7.5,
                "unit_transformer": "T"}]}"#,
    )
    .unwrap()
}

#[test]
fn single_fed_breaking_current_is_mu_times_initial_current() {
    // IEC 60909-0:2016 eq. 70: a location fed by one unit only: I_b = μ·I''k with μ from the
    // generator's I''kG/I_rG (defect 2: eq. 75 gave 8-10 % more on the HV side)
    let b = run(
        &unit_alone(),
        &StudyOptions {
            partial_currents: true,
            ..StudyOptions::default()
        },
    );
    let h = b.bus("H").unwrap();
    let g = b.partials("H").find(|p| p.source == "S").unwrap();
    assert_eq!(g.kind, SourceKind::Unit);
    let x = g.ikss_ka / (100.0 / (SQRT3 * 10.5));
    assert!(close(h.ib_ka, mu(x, 0.1) * h.ikss_ka, 1e-12));
    assert!(close(g.mu, mu(x, 0.1), 1e-12) && close(g.ib_ka, g.mu * g.ikss_ka, 1e-12));
    assert!(!h.meshed);
}

#[test]
fn steady_state_current_in_meshed_networks_is_the_initial_current_without_motors() {
    // ring Q - A - B - Q with a motor at B: I_k = I''kM (IEC 60909-0:2016 §10.2.3)
    let doc = |motor_in_service: bool| {
        Network::from_json(&format!(
            r#"{{"buses": [{{"id": "Q", "vn_kv": 10}}, {{"id": "A", "vn_kv": 10}}, {{"id": "B", "vn_kv": 10}}],
                "external_grids": [{{"id": "Grid", "bus": "Q", "s_sc_max_mva": 250, "rx_max": 0.1}}],
                "lines": [
                  {{"id": "L1", "from_bus": "Q", "to_bus": "A", "length_km": 2, "r_ohm_per_km": 0.2, "x_ohm_per_km": 0.1}},
                  {{"id": "L2", "from_bus": "A", "to_bus": "B", "length_km": 1, "r_ohm_per_km": 0.2, "x_ohm_per_km": 0.1}},
                  {{"id": "L3", "from_bus": "B", "to_bus": "Q", "length_km": 3, "r_ohm_per_km": 0.2, "x_ohm_per_km": 0.1}}],
                "motors": [{{"id": "M", "bus": "B", "pn_mw": 3, "vn_kv": 10, "cos_phi": 0.88,
                    "efficiency_percent": 96, "lrc_pu": 6, "pole_pairs": 2,
                    "in_service": {motor_in_service}}}]}}"#
        ))
        .unwrap()
    };
    let with = run(&doc(true), &StudyOptions::default());
    let without = run(&doc(false), &StudyOptions::default());
    for id in ["A", "B"] {
        let (w, wo) = (with.bus(id).unwrap(), without.bus(id).unwrap());
        assert!(w.ikss_ka > wo.ikss_ka);
        assert!(
            close(w.ik_ka, wo.ikss_ka, 1e-12),
            "{id}: {} vs {}",
            w.ik_ka,
            wo.ikss_ka
        );
    }
}

#[test]
fn doubly_fed_units_take_their_given_peak_factor() {
    // defect 4: i_p of a doubly fed unit is κ_WD·√2·I''k, not κ from R/X (1.746 for R/X 0.1)
    let net = Network::from_json(
        r#"{"buses": [{"id": "W", "vn_kv": 20}],
            "converters": [{"id": "WT", "bus": "W", "sn_mva": 2.5, "vn_kv": 20,
                "kind": "doubly_fed", "i_wd_max_ka": 0.388, "kappa_wd": 1.7, "rx": 0.1}]}"#,
    )
    .unwrap();
    for ip_method in [PeakMethod::B, PeakMethod::C] {
        let b = run(
            &net,
            &StudyOptions {
                ip_method,
                ..StudyOptions::default()
            },
        );
        let w = b.bus("W").unwrap();
        // Z_WD = √2·κ_WD·U_rTHV/(√3·i_WDmax): I''k = c·U_n/(√3·Z_WD)
        let z = SQRT_2 * 1.7 * 20.0 / (SQRT3 * 0.388);
        assert!(close(w.ikss_ka, 1.1 * 20.0 / (SQRT3 * z), 1e-12));
        assert!(
            close(w.ip_ka, 1.7 * SQRT_2 * w.ikss_ka, 1e-12),
            "{}",
            w.ip_ka
        );
        assert!(close(w.kappa, 1.7, 1e-12));
    }
    assert!(kappa(0.1) > 1.74);
}

#[test]
fn earth_faults_in_the_isolated_20_kv_system_of_the_example_are_outside_the_standard() {
    // defect 5: the bundled industrial example's 20 kV system is isolated (delta windings);
    // its cable C1 carries C0 = 310 nF/km
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/networks/industrial_plant.json"
    );
    let net = Network::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let o = StudyOptions {
        fault: FaultKind::LineToEarth,
        ..StudyOptions::default()
    };
    let r = run(&net, &o);
    let mv = r.bus("MV20").unwrap();
    assert_eq!(mv.status, BusStatus::NoZeroSequencePath);
    for v in [
        mv.ikss_ka, mv.ip_ka, mv.ib_ka, mv.ith_ka, mv.kappa, mv.ik_ka,
    ] {
        assert!(v.is_nan());
    }
    // the capacitive earth-fault current 3·ω·C0·U_n/√3 of the cable, about 9 A
    let ice = mv.ice_ka.expect("capacitances are known");
    assert!((0.005..0.015).contains(&ice), "{ice}");
    assert!(mv.xk0_ohm.unwrap() < 0.0);
    // one warning per bus: the study's (with I_CE) replaces the one `validate` gives
    let isolated = |issues: &[ampflux_core::Issue]| {
        issues
            .iter()
            .filter(|w| w.code == "isolated_neutral" && w.element.as_deref() == Some("MV20"))
            .map(|w| w.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(isolated(&net.validate_for(&o)).len(), 1);
    assert!(isolated(&net.validate_for(&StudyOptions::default())).is_empty());
    let in_report = isolated(&r.warnings);
    assert_eq!(in_report.len(), 1);
    assert!(in_report[0].contains("capacitive earth-fault current is"));
    // empty quantities travel as JSON null and read back as empty (stored reports)
    let text = serde_json::to_string(&r).unwrap();
    assert!(text.contains(r#""ip_ka":null"#));
    let back: StudyReport = serde_json::from_str(&text).unwrap();
    let mv_back = back.bus("MV20").unwrap();
    assert!(mv_back.ip_ka.is_nan() && mv_back.ice_ka == mv.ice_ka);
    // the solidly earthed LV systems stay in the standard
    assert_eq!(r.bus("LV1").unwrap().status, BusStatus::Ok);
    assert!(r.bus("LV1").unwrap().ikss_ka > 1.0);
}

/// 110 kV feeder, Dyn5 transformer whose 20 kV star point is earthed through an
/// arc-suppression coil of reactance `xn` Ω, and a 20 kV cable of 10 km with C0.
fn compensated(xn: Option<f64>) -> Network {
    let coil = match xn {
        Some(x) => format!(r#", "lv_grounding_x_ohm": {x}"#),
        None => String::new(),
    };
    Network::from_json(&format!(
        r#"{{"buses": [{{"id": "Q", "vn_kv": 110}}, {{"id": "A", "vn_kv": 20}}, {{"id": "B", "vn_kv": 20}}],
            "external_grids": [{{"id": "Grid", "bus": "Q", "s_sc_max_mva": 3000, "rx_max": 0.1,
                "x0x_max": 1.0, "r0x0_max": 0.1}}],
            "transformers": [{{"id": "T", "hv_bus": "Q", "lv_bus": "A", "sn_mva": 40,
                "vn_hv_kv": 110, "vn_lv_kv": 20, "vk_percent": 12, "vkr_percent": 0.5,
                "vector_group": "Dyn5", "vk0_percent": 12, "vkr0_percent": 0.5,
                "lv_grounding_resonant": true{coil}}}],
            "lines": [{{"id": "C", "from_bus": "A", "to_bus": "B", "length_km": 10,
                "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1, "c_nf_per_km": 300,
                "r0_ohm_per_km": 0.4, "x0_ohm_per_km": 0.3, "c0_nf_per_km": 300}}]}}"#
    ))
    .unwrap()
}

#[test]
fn resonance_earthed_systems_report_the_residual_current() {
    let o = StudyOptions {
        fault: FaultKind::LineToEarth,
        ..StudyOptions::default()
    };
    // the coil tuned to the cable: 3·X_N = 1/(ω·C0·l)
    let b0 = 2.0 * PI * 50.0 * 300e-9 * 10.0;
    let xn = 1.0 / (3.0 * b0);
    let r = run(&compensated(Some(xn)), &o);
    let a = r.bus("A").unwrap();
    assert_eq!(a.status, BusStatus::ResonanceEarthed);
    assert!(a.ikss_ka.is_nan() && a.ip_ka.is_nan() && a.ib_ka.is_nan());
    let ires = a.ires_ka.expect("the coil impedance is given");
    // compensated: far less than the capacitive current 3·ω·C0·l·U_n/√3 of the cable
    let ice = 3.0 * b0 * 20.0 / SQRT3;
    assert!(ires < 0.2 * ice, "{ires} vs {ice}");
    assert!(r.warnings.iter().any(|w| w.code == "resonance_earthed"));
    // a coil marked without its impedance: the status, but no residual current
    let r = run(&compensated(None), &o);
    let a = r.bus("A").unwrap();
    assert_eq!(a.status, BusStatus::ResonanceEarthed);
    assert!(a.ires_ka.is_none());
    // the 110 kV side stays in the standard
    assert_eq!(r.bus("Q").unwrap().status, BusStatus::Ok);
}

#[test]
fn partial_currents_of_sources_at_one_bus_add_up_to_the_fault_current() {
    let net = Network::from_json(
        r#"{"buses": [{"id": "B", "vn_kv": 10}],
            "external_grids": [{"id": "Q", "bus": "B", "s_sc_max_mva": 200, "rx_max": 0.1}],
            "generators": [{"id": "G", "bus": "B", "sn_mva": 5, "vn_kv": 10.5, "cos_phi": 0.8,
                "xdss_pu": 0.14, "xdsat_pu": 1.6}],
            "motors": [{"id": "M", "bus": "B", "pn_mw": 1.0, "vn_kv": 10, "cos_phi": 0.86,
                "efficiency_percent": 95, "lrc_pu": 5.5, "pole_pairs": 2}]}"#,
    )
    .unwrap();
    let plain = run(&net, &StudyOptions::default());
    assert!(plain.partial_currents.is_empty());
    let r = run(
        &net,
        &StudyOptions {
            partial_currents: true,
            ..StudyOptions::default()
        },
    );
    let b = r.bus("B").unwrap();
    let rows: Vec<_> = r.partials("B").collect();
    assert_eq!(rows.len(), 3);
    // at the fault bus each source delivers c·U_n/(√3·|Z_j|); their phasors add to I''k
    let sum: f64 = rows.iter().map(|p| p.ikss_ka).sum();
    assert!(sum >= b.ikss_ka * (1.0 - 1e-12) && sum < b.ikss_ka * 1.01);
    let q = rows.iter().find(|p| p.source == "Q").unwrap();
    assert!(close(q.ikss_ka, 1.1 * 200.0 / (1.1 * SQRT3 * 10.0), 1e-12));
    assert!(close(q.ib_ka, q.ikss_ka, 1e-12) && close(q.ik_ka, q.ikss_ka, 1e-12));
    let m = rows.iter().find(|p| p.source == "M").unwrap();
    assert_eq!(m.kind, SourceKind::Motor);
    assert!(m.q < 1.0 && m.ik_ka == 0.0);
    // the location's I_b and I_k are the sums of the sources' shares (non-meshed network)
    let ib: f64 = rows.iter().map(|p| p.ib_ka).sum();
    let ik: f64 = rows.iter().map(|p| p.ik_ka).sum();
    assert!(
        close(b.ib_ka, ib.min(b.ikss_ka), 1e-9),
        "{} vs {ib}",
        b.ib_ka
    );
    assert!(
        close(b.ik_ka, ik.min(b.ikss_ka), 1e-9),
        "{} vs {ik}",
        b.ik_ka
    );
}

#[test]
fn unsupplied_buses_are_warnings_in_validate_and_in_the_report() {
    let net = Network::from_json(
        r#"{"buses": [{"id": "A", "vn_kv": 20}, {"id": "B", "vn_kv": 20}, {"id": "C", "vn_kv": 20}],
            "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 300, "rx_max": 0.1}],
            "lines": [{"id": "L1", "from_bus": "A", "to_bus": "B", "length_km": 1, "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1},
                      {"id": "L2", "from_bus": "B", "to_bus": "C", "length_km": 1, "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}],
            "switches": [{"id": "S", "bus": "B", "element": "L2", "closed": false}]}"#,
    )
    .unwrap();
    let named = |issues: &[ampflux_core::Issue], id: &str| {
        issues
            .iter()
            .filter(|i| i.code == "unsupplied" && i.element.as_deref() == Some(id))
            .count()
    };
    let issues = net.validate();
    assert_eq!(named(&issues, "C"), 1, "{issues:?}");
    assert_eq!(named(&issues, "B"), 0);
    let r = run(&net, &StudyOptions::default());
    assert_eq!(r.bus("C").unwrap().status, BusStatus::Unsupplied);
    assert_eq!(named(&r.warnings, "C"), 1);
}

//! The equipment duty study: every check against its standard's formula computed by hand
//! from the study's currents (or from the network data where the current itself is simple),
//! the envelope over fault types and scenarios, the `through` basis, unrated devices, and the
//! properties of the verdicts (linear in the source voltage, monotone in the rating).

use ampflux_core::duty::{Check, DutyBasis, DutyOptions, DutyReport, Verdict, equipment_duty};
use ampflux_core::{FaultKind, Network, StudyOptions, Table, short_circuit};

const SQRT2: f64 = std::f64::consts::SQRT_2;
const SQRT3: f64 = 1.732_050_807_568_877_2;

/// A 20 kV feeder (S''kQ = 500 MVA, R/X = 0.1, Z0 = Z1), a 630 kVA Dyn5 transformer to a
/// 0.4 kV board LV, a 50 mm² PVC copper cable C to a second board LV2, and the devices.
const NET: &str = r#"{
  "frequency_hz": 50,
  "buses": [
    {"id": "MV", "vn_kv": 20, "ratings": {"ipk_ka": 37.5, "icw_ka": 16, "icw_duration_s": 1}},
    {"id": "LV", "vn_kv": 0.4, "ratings": {"ipk_ka": 50, "icw_ka": 20, "icw_duration_s": 1}},
    {"id": "LV2", "vn_kv": 0.4}
  ],
  "external_grids": [{"id": "Q", "bus": "MV", "s_sc_max_mva": 500, "rx_max": 0.1,
                      "x0x_max": 1.0, "r0x0_max": 0.1}],
  "transformers": [{"id": "T", "hv_bus": "MV", "lv_bus": "LV", "sn_mva": 0.63, "vn_hv_kv": 20,
    "vn_lv_kv": 0.42, "vk_percent": 4, "vkr_percent": 1, "vector_group": "Dyn5",
    "vk0_percent": 4, "vkr0_percent": 1}],
  "lines": [{"id": "C", "from_bus": "LV", "to_bus": "LV2", "length_km": 0.02,
    "r_ohm_per_km": 0.387, "x_ohm_per_km": 0.08, "r0_ohm_per_km": 1.5, "x0_ohm_per_km": 0.3,
    "conductor": {"material": "cu", "insulation": "pvc", "cross_section_mm2": 50},
    "clearing_time_s": 0.2}],
  "switches": [
    {"id": "Q1", "bus": "MV", "element": "T", "closed": true, "kind": "breaker",
     "ratings": {"breaking_ka": 12.5, "opening_time_s": 0.04}},
    {"id": "QL", "bus": "LV", "element": "T", "closed": true, "kind": "breaker",
     "ratings": {"breaking_ka": 25, "service_breaking_ka": 20}},
    {"id": "F1", "bus": "LV", "element": "C", "closed": true, "kind": "fuse",
     "ratings": {"breaking_ka": 20}},
    {"id": "DS", "bus": "LV2", "element": "C", "closed": true}
  ]
}"#;

fn net() -> Network {
    Network::from_json(NET).unwrap()
}

fn duty(net: &Network, o: &DutyOptions) -> DutyReport {
    equipment_duty(net, o).unwrap_or_else(|e| panic!("duty study failed: {e}"))
}

fn row<'a>(r: &'a DutyReport, id: &str, check: Check) -> &'a ampflux_core::duty::DutyCheck {
    r.check(id, check)
        .unwrap_or_else(|| panic!("no {} row for {id}", check.as_str()))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-12)
}

/// IEC 60909-0:2016 eq. 102: the heat effect of the d.c. component.
fn m_factor(kappa: f64, f: f64, t: f64) -> f64 {
    let u = (kappa - 1.0).ln();
    ((4.0 * f * t * u).exp() - 1.0) / (2.0 * f * t * u)
}

/// The study of one fault type at every bus.
fn study(net: &Network, fault: FaultKind, tk_s: f64) -> ampflux_core::StudyReport {
    short_circuit(
        net,
        &StudyOptions {
            fault,
            tk_s,
            ..StudyOptions::default()
        },
    )
    .unwrap()
}

/// The largest value of `q` at bus `id` over the four fault types, with the fault type.
fn envelope(
    net: &Network,
    id: &str,
    tk_s: f64,
    q: impl Fn(&ampflux_core::BusResult) -> f64,
) -> (f64, FaultKind) {
    let mut best = (f64::MIN, FaultKind::ThreePhase);
    for fault in [
        FaultKind::ThreePhase,
        FaultKind::LineToLine,
        FaultKind::LineToEarth,
        FaultKind::DoubleLineToEarth,
    ] {
        let v = q(study(net, fault, tk_s).bus(id).unwrap());
        if v > best.0 {
            best = (v, fault);
        }
    }
    best
}

/// Busbar: i_p ≤ I_pk (IEC 61439-1 §5.3.3); I_th over T_k against I_cw for t_r by equal I²t,
/// I_th·√(T_k/t_r) for T_k > t_r (IEC 60865-1 clause 7). At MV, fed only by the feeder:
/// I''k = S''kQ/(√3·U_n), κ = 1.02 + 0.98·e^(−3·R/X) (eq. 55), i_p = κ·√2·I''k (eq. 54),
/// I_th = I''k·√(m + n) with n = 1 (eq. 100, 102).
#[test]
fn busbar_peak_and_short_time_by_hand() {
    let net = net();
    let tk = 3.0;
    let o = DutyOptions {
        study: StudyOptions {
            tk_s: tk,
            ..StudyOptions::default()
        },
        ..DutyOptions::default()
    };
    let r = duty(&net, &o);
    let ik = 500.0 / (SQRT3 * 20.0);
    let kappa = 1.02 + 0.98 * (-3.0f64 * 0.1).exp();
    let ip = kappa * SQRT2 * ik;
    let peak = row(&r, "MV", Check::Peak);
    assert!(close(peak.duty, ip, 1e-6), "{} vs {ip}", peak.duty);
    assert!(close(
        peak.utilization_percent.unwrap(),
        100.0 * ip / 37.5,
        1e-6
    ));
    // 35.6 kA of 37.5 kA: marginal (90 % default)
    assert_eq!(peak.verdict, Verdict::Marginal);
    assert_eq!(peak.unit, "kA peak");
    let ith = ik * (m_factor(kappa, 50.0, tk) + 1.0).sqrt();
    let st = row(&r, "MV", Check::ShortTime);
    let want = ith * (tk / 1.0).sqrt();
    assert!(close(st.duty, want, 1e-6), "{} vs {want}", st.duty);
    assert_eq!(st.rating, Some(16.0));
    assert_eq!(st.verdict, Verdict::Fail); // 25.4 kA for 1 s vs 16 kA
    assert_eq!(st.location.as_deref(), Some("MV"));
    assert_eq!(st.scenario.as_deref(), Some("base"));
    // Z0 = Z1 at MV: 3ph, 1ph and 2phE give the same current (to rounding); the named
    // fault type is one that gives the duty
    let named = study(&net, st.fault.unwrap(), tk);
    assert!(close(
        named.bus("MV").unwrap().ith_ka * tk.sqrt(),
        st.duty,
        1e-12
    ));
    // no credit for a fault shorter than the rated duration
    let short = duty(
        &net,
        &DutyOptions {
            study: StudyOptions {
                tk_s: 0.5,
                ..StudyOptions::default()
            },
            ..DutyOptions::default()
        },
    );
    let ith_half = ik * (m_factor(kappa, 50.0, 0.5) + 1.0).sqrt();
    assert!(close(
        row(&short, "MV", Check::ShortTime).duty,
        ith_half,
        1e-6
    ));
}

/// High-voltage breaker (IEC 62271-100): I_b against I_sc (far from generators I_b = I''k,
/// IEC 60909-0 eq. 74 with μ = 1); i_p against the rated making current, 2.5·I_sc at 50 Hz
/// when not given (§4.103); no short-time rating: unrated with its duty.
#[test]
fn hv_breaker_by_hand() {
    let net = net();
    let r = duty(&net, &DutyOptions::default());
    let ik = 500.0 / (SQRT3 * 20.0);
    let b = row(&r, "Q1", Check::Breaking);
    assert!(close(b.duty, ik, 1e-6), "{}", b.duty);
    assert!(close(
        b.utilization_percent.unwrap(),
        100.0 * ik / 12.5,
        1e-9
    ));
    assert_eq!(b.verdict, Verdict::Fail);
    let m = row(&r, "Q1", Check::Making);
    assert_eq!(m.rating, Some(2.5 * 12.5));
    let kappa = 1.02 + 0.98 * (-0.3f64).exp();
    assert!(close(m.duty, kappa * SQRT2 * ik, 1e-6));
    assert_eq!(m.verdict, Verdict::Fail);
    assert!(m.note.contains("2.5"), "{}", m.note);
    let st = row(&r, "Q1", Check::ShortTime);
    assert_eq!(st.verdict, Verdict::Unrated);
    assert_eq!(st.rating, None);
    assert!(close(st.duty, row(&r, "MV", Check::ShortTime).duty, 1e-12));
}

/// The asymmetrical breaking checks of Q1 (T_op = 40 ms): the rated d.c. component
/// %dc = 100·e^(−(T_op + T_r)/45 ms) with T_r = 10 ms at 50 Hz, the asymmetrical rating
/// I_sc·√(1 + 2·(%dc/100)²) and the rated d.c. current √2·I_sc·%dc/100 (IEC 62271-100
/// §4.101.2). The duty at MV, fed only by the feeder (R/X = 0.1, far from generators):
/// i_DC = √2·I''k·e^(−2π·f·t_min·R/X) (IEC 60909-0:2016 eq. 64), I_b = I''k (eq. 74 with
/// μ = 1), I_b,asym = √(I_b² + i_DC²).
#[test]
fn hv_breaker_asymmetrical_breaking() {
    let r = duty(&net(), &DutyOptions::default());
    let ik = 500.0 / (SQRT3 * 20.0);
    let idc = SQRT2 * ik * (-2.0 * std::f64::consts::PI * 50.0 * 0.1 * 0.1).exp();
    let dc = 100.0 * (-0.050f64 / 0.045).exp();
    let a = row(&r, "Q1", Check::BreakingAsym);
    let rating = 12.5 * (1.0 + 2.0 * (dc / 100.0).powi(2)).sqrt();
    assert!(close(a.rating.unwrap(), rating, 1e-9));
    assert!(a.note.contains(&format!("{dc:.1} %")), "{}", a.note);
    assert!(
        close(a.duty, ik.hypot(idc), 1e-6),
        "{} vs {}",
        a.duty,
        ik.hypot(idc)
    );
    assert_eq!(a.verdict, Verdict::Fail);
    assert_eq!(a.location.as_deref(), Some("MV"));
    let d = row(&r, "Q1", Check::DcComponent);
    assert!(close(d.rating.unwrap(), SQRT2 * 12.5 * dc / 100.0, 1e-9));
    assert!(close(d.duty, idc, 1e-6), "{} vs {idc}", d.duty);
    assert_eq!(d.verdict, Verdict::Pass);
    assert_eq!(d.unit, "kA");
    // a breaker rated for no d.c. at all fails the d.c. check, whatever its I_sc
    let mut net = net();
    let q1 = net.switches.iter_mut().find(|s| s.id == "Q1").unwrap();
    let ratings = q1.ratings.as_mut().unwrap();
    ratings.breaking_ka = Some(40.0);
    ratings.dc_percent = Some(1.0);
    let r = duty(&net, &DutyOptions::default());
    let d = row(&r, "Q1", Check::DcComponent);
    assert!(close(d.rating.unwrap(), SQRT2 * 40.0 * 0.01, 1e-9));
    assert_eq!(d.verdict, Verdict::Fail);
    assert_eq!(row(&r, "Q1", Check::BreakingAsym).verdict, Verdict::Pass);
    assert!(!r.warnings.iter().any(|w| w.code == "check_not_evaluated"));
}

/// Low-voltage breaker (IEC 60947-2): I''k against I_cu and I_cs; i_p against I_cm = n·I_cu,
/// n = 2.1 for 20 kA < I_cu ≤ 50 kA (Table 2). Fuse (IEC 60269-1): I''k against its
/// breaking capacity. The duty is the largest I''k at LV over the fault types; behind the
/// Dyn5 transformer the earth fault governs.
#[test]
fn lv_breaker_and_fuse_by_hand() {
    let net = net();
    let r = duty(&net, &DutyOptions::default());
    let (ik, fault) = envelope(&net, "LV", 1.0, |b| b.ikss_ka);
    let (ip, _) = envelope(&net, "LV", 1.0, |b| b.ip_ka);
    assert_eq!(fault, FaultKind::LineToEarth);
    let b = row(&r, "QL", Check::Breaking);
    assert!(close(b.duty, ik, 1e-9));
    assert_eq!(b.fault, Some(FaultKind::LineToEarth));
    assert!(close(
        b.utilization_percent.unwrap(),
        100.0 * ik / 25.0,
        1e-9
    ));
    let s = row(&r, "QL", Check::ServiceBreaking);
    assert!(close(
        s.utilization_percent.unwrap(),
        100.0 * ik / 20.0,
        1e-9
    ));
    let m = row(&r, "QL", Check::Making);
    assert_eq!(m.rating, Some(2.1 * 25.0));
    assert!(close(m.duty, ip, 1e-9));
    // a low-voltage breaker has no asymmetrical check, nor a short-time one without I_cw
    assert!(r.check("QL", Check::BreakingAsym).is_none());
    assert!(r.check("QL", Check::ShortTime).is_none());
    let f = row(&r, "F1", Check::Breaking);
    assert!(close(f.duty, ik, 1e-9));
    assert!(close(
        f.utilization_percent.unwrap(),
        100.0 * ik / 20.0,
        1e-9
    ));
    assert_eq!(r.checks_of("F1").count(), 1);
}

/// Cable (IEC 60364-4-43 §434.5.2, IEC 60949): S ≥ I·√t/k with I = I_th over the clearing
/// time t = 0.2 s, I_th = I''k·√(m(κ, f, t) + 1), and k = 226·√ln((160 + 234.5)/(70 + 234.5))
/// for PVC-insulated copper (≈ 115, IEC 60364-4-43 Table 43A).
#[test]
fn cable_adiabatic_withstand_by_hand() {
    let net = net();
    let r = duty(&net, &DutyOptions::default());
    let t = 0.2;
    let k = 226.0 * ((160.0f64 + 234.5) / (70.0 + 234.5)).ln().sqrt();
    assert!((k - 115.0).abs() < 0.5);
    let mut want: f64 = 0.0;
    for bus in ["LV", "LV2"] {
        let (v, _) = envelope(&net, bus, 1.0, |b| {
            b.ikss_ka * (m_factor(b.kappa, 50.0, t) + 1.0).sqrt()
        });
        want = want.max(v);
    }
    let s_needed = want * 1000.0 * t.sqrt() / k;
    let c = row(&r, "C", Check::CableThermal);
    assert!(close(c.duty, s_needed, 1e-6), "{} vs {s_needed}", c.duty);
    assert_eq!(c.rating, Some(50.0));
    assert_eq!(c.unit, "mm2");
    assert!(close(
        c.utilization_percent.unwrap(),
        100.0 * s_needed / 50.0,
        1e-6
    ));
    // two parallel circuits each need half
    let mut two = net.clone();
    two.lines[0].parallel = Some(2);
    let r2 = duty(&two, &DutyOptions::default());
    let c2 = row(&r2, "C", Check::CableThermal);
    assert!(
        c2.duty < c.duty && c2.note.contains("2 circuits"),
        "{}",
        c2.note
    );
    // a k from the cable maker overrides the table
    let mut given = net.clone();
    given.lines[0].conductor.as_mut().unwrap().k = Some(100.0);
    let rk = duty(&given, &DutyOptions::default());
    let ck = row(&rk, "C", Check::CableThermal);
    assert!(
        close(ck.duty, c.duty * k / 100.0, 1e-3),
        "{} vs {}",
        ck.duty,
        c.duty * k / 100.0
    );
}

/// Devices without ratings are listed as unrated with the duty they must withstand.
#[test]
fn unrated_devices_are_listed_never_skipped() {
    let net = net();
    let r = duty(&net, &DutyOptions::default());
    let ds: Vec<_> = r.checks_of("DS").collect();
    assert_eq!(ds.len(), 2, "{ds:#?}");
    for c in &ds {
        assert_eq!(c.verdict, Verdict::Unrated);
        assert_eq!(c.rating, None);
        assert_eq!(c.utilization_percent, None);
        assert!(c.duty > 0.0);
        assert_eq!(c.location.as_deref(), Some("LV2"));
    }
    let lv2: Vec<_> = r.checks_of("LV2").collect();
    assert_eq!(lv2.len(), 2);
    assert!(lv2.iter().all(|c| c.verdict == Verdict::Unrated));
    // every row is counted once
    let s = r.summary;
    assert_eq!(s.pass + s.marginal + s.fail + s.unrated, r.checks.len());
    assert_eq!(
        s.unrated,
        r.checks
            .iter()
            .filter(|c| c.verdict == Verdict::Unrated)
            .count()
    );
    // rows: buses, then lines, then switches, in document order
    let tables: Vec<Table> = r.checks.iter().map(|c| c.table).collect();
    let mut sorted = tables.clone();
    sorted.sort_by_key(|t| match t {
        Table::Buses => 0,
        Table::Lines => 1,
        _ => 2,
    });
    assert_eq!(tables, sorted);
}

/// A board fed by a transformer and by a motor behind its own cable: with the `through`
/// basis the breaker on the transformer carries the larger of the transformer's
/// contribution and the rest (the motor cable's), phase by phase for every fault type.
#[test]
fn through_basis_splits_the_fault_current_at_the_breaker() {
    let mut net = net();
    net.buses.push(ampflux_core::Bus {
        id: "M".into(),
        vn_kv: 0.4,
        ..Default::default()
    });
    net.add_line("CM", "LV", "M", 0.01, 0.1, 0.08);
    {
        let l = net.lines.last_mut().unwrap();
        l.r0_ohm_per_km = Some(0.4);
        l.x0_ohm_per_km = Some(0.3);
    }
    net.motors.push(ampflux_core::Motor {
        id: "Mot".into(),
        bus: "M".into(),
        pn_mw: 0.25,
        vn_kv: 0.4,
        cos_phi: 0.86,
        efficiency_percent: 95.0,
        lrc_pu: 7.0,
        ..Default::default()
    });
    let through = DutyOptions {
        duty_basis: DutyBasis::Through,
        ..DutyOptions::default()
    };
    let r = duty(&net, &through);
    let total = duty(&net, &DutyOptions::default());
    // the branch results of every fault type at LV: the transformer's and the motor
    // cable's currents into LV (the LV board has nothing else)
    let mut want: f64 = 0.0;
    for fault in [
        FaultKind::ThreePhase,
        FaultKind::LineToLine,
        FaultKind::LineToEarth,
        FaultKind::DoubleLineToEarth,
    ] {
        let rep = short_circuit(
            &net,
            &StudyOptions {
                fault,
                branch_results: true,
                ..StudyOptions::default()
            },
        )
        .unwrap();
        let t = rep.branch("T", "LV").unwrap();
        let cm = rep.branch("CM", "LV").unwrap();
        want = want.max(t.ikss_to_ka).max(cm.ikss_from_ka);
        // a fault at MV: the transformer's LV end carries the motor's back-feed
        want = want.max(rep.branch("T", "MV").unwrap().ikss_to_ka);
    }
    let b = row(&r, "QL", Check::Breaking);
    assert!(close(b.duty, want, 1e-6), "{} vs {want}", b.duty);
    assert!(b.duty < row(&total, "QL", Check::Breaking).duty);
    // the cable to LV2 carries the whole fault current of LV2 (nothing else feeds LV2), and
    // nothing for a fault at LV
    let (ik2, _) = envelope(&net, "LV2", 1.0, |x| {
        x.ikss_ka * (m_factor(x.kappa, 50.0, 0.2) + 1.0).sqrt()
    });
    let k = 226.0 * ((160.0f64 + 234.5) / (70.0 + 234.5)).ln().sqrt();
    let c = row(&r, "C", Check::CableThermal);
    assert!(
        close(c.duty, ik2 * 1000.0 * 0.2f64.sqrt() / k, 1e-6),
        "{} vs {}",
        c.duty,
        ik2 * 1000.0 * 0.2f64.sqrt() / k
    );
    assert_eq!(c.location.as_deref(), Some("LV2"));
    // busbars always see the whole fault current
    assert_eq!(
        row(&r, "LV", Check::Peak).duty,
        row(&total, "LV", Check::Peak).duty
    );
}

/// Scenarios: the envelope covers the chosen ones and names the governing scenario.
#[test]
fn scenarios_widen_the_envelope_and_are_named() {
    let mut net = net();
    // a second transformer, normally off, brought in by a scenario
    let mut t2 = net.transformers[0].clone();
    t2.id = "T2".into();
    net.transformers.push(t2);
    net.switches.push(ampflux_core::Switch {
        id: "Q-T2".into(),
        bus: "LV".into(),
        element: "T2".into(),
        closed: false,
        ..Default::default()
    });
    net.scenarios.push(ampflux_core::model::Scenario {
        id: "parallel".into(),
        switches: [("Q-T2".to_string(), true)].into_iter().collect(),
        ..Default::default()
    });
    net.scenarios.push(ampflux_core::model::Scenario {
        id: "T-out".into(),
        out_of_service: vec!["T".into()],
        ..Default::default()
    });
    let base = duty(&net, &DutyOptions::default());
    let all = duty(
        &net,
        &DutyOptions {
            all_scenarios: true,
            ..DutyOptions::default()
        },
    );
    let b = row(&base, "QL", Check::Breaking);
    let a = row(&all, "QL", Check::Breaking);
    assert_eq!(b.scenario.as_deref(), Some("base"));
    assert_eq!(a.scenario.as_deref(), Some("parallel"));
    assert!(a.duty > 1.5 * b.duty, "{} vs {}", a.duty, b.duty);
    assert_eq!(all.cases.len(), 3 * 4);
    // the parallel case alone gives the same duty
    let only = duty(
        &net,
        &DutyOptions {
            scenarios: vec!["parallel".into()],
            ..DutyOptions::default()
        },
    );
    assert_eq!(row(&only, "QL", Check::Breaking).duty, a.duty);
    // a device out of service in a scenario has no duty there
    let out = duty(
        &net,
        &DutyOptions {
            scenarios: vec!["T-out".into()],
            ..DutyOptions::default()
        },
    );
    assert_eq!(row(&out, "QL", Check::Breaking).duty, 0.0);
    assert_eq!(row(&out, "QL", Check::Breaking).fault, None);
    // an unknown scenario is an option error
    let err = equipment_duty(
        &net,
        &DutyOptions {
            scenarios: vec!["nope".into()],
            ..DutyOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_option");
}

/// Earth faults need zero-sequence data: left out of the default envelope with a warning,
/// an error when asked for explicitly.
#[test]
fn earth_faults_need_zero_sequence_data() {
    let mut net = net();
    net.lines[0].r0_ohm_per_km = None;
    net.lines[0].x0_ohm_per_km = None;
    let r = duty(&net, &DutyOptions::default());
    assert_eq!(r.cases.len(), 2);
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == "fault_type_skipped")
        .expect("a warning");
    assert!(
        w.message.contains("x0_ohm_per_km") || w.message.contains("r0_ohm_per_km"),
        "{}",
        w.message
    );
    let err = equipment_duty(
        &net,
        &DutyOptions {
            faults: Some(vec![FaultKind::LineToEarth]),
            ..DutyOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "validation_error");
}

/// Bad ratings stop the duty study with the element and field named.
#[test]
fn bad_ratings_are_validation_errors() {
    let mut net = net();
    net.switches[0].ratings.as_mut().unwrap().icw_ka = Some(25.0);
    let err = equipment_duty(&net, &DutyOptions::default()).unwrap_err();
    assert_eq!(err.code(), "validation_error");
    assert!(
        err.issues()
            .iter()
            .any(|i| i.element.as_deref() == Some("Q1")
                && i.field.as_deref() == Some("ratings.icw_duration_s"))
    );
}

/// The report's JSON has the contract's names.
#[test]
fn report_json_has_the_contract_names() {
    let r = duty(&net(), &DutyOptions::default());
    let v = serde_json::to_value(&r).unwrap();
    for key in ["study", "checks", "summary"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    for key in ["pass", "marginal", "fail", "unrated"] {
        assert!(v["summary"][key].is_u64(), "{key}");
    }
    let c = &v["checks"][0];
    for key in [
        "element",
        "table",
        "check",
        "duty",
        "rating",
        "unit",
        "utilization_percent",
        "verdict",
        "fault",
        "location",
        "scenario",
    ] {
        assert!(c.get(key).is_some(), "{key} in {c}");
    }
    assert_eq!(v["study"]["duty_basis"], "bus_total");
    assert_eq!(v["study"]["marginal_percent"], 90.0);
    assert!(v["study"].get("fault").is_none());
    // and reads back
    let back: DutyReport = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

mod properties {
    use super::*;
    use ampflux_core::Method;
    use ampflux_core::model::{
        BusRatings, Conductor, ConductorMaterial, Insulation, SwitchKind, SwitchRatings,
    };
    use ampflux_testkit::synthetic::{RandomKinds, random_network};
    use proptest::prelude::*;

    /// IEC 60228 nominal cross-sections in mm².
    const SIZES: [f64; 14] = [
        16.0, 25.0, 35.0, 50.0, 70.0, 95.0, 120.0, 150.0, 185.0, 240.0, 300.0, 400.0, 500.0, 630.0,
    ];

    /// Ratings on every bus, line and switch of a random network, scaled by `scale` (the
    /// cables by `size_steps` standard sizes), plus a breaker, a fuse and a load-break switch
    /// on the first branches.
    fn rated(seed: u64, n: usize, scale: f64, size_steps: usize) -> Network {
        let mut net = random_network(seed, n, RandomKinds::PASSIVE);
        for (i, b) in net.buses.iter_mut().enumerate() {
            b.ratings = Some(BusRatings {
                ipk_ka: Some(scale * (20.0 + (i % 7) as f64 * 15.0)),
                icw_ka: Some(scale * (8.0 + (i % 5) as f64 * 6.0)),
                icw_duration_s: Some([0.5, 1.0, 3.0][i % 3]),
            });
        }
        for (i, l) in net.lines.iter_mut().enumerate() {
            let insulation = [
                Insulation::Pvc,
                Insulation::Xlpe,
                Insulation::Paper,
                Insulation::Bare,
            ][i % 4];
            l.conductor = Some(Conductor {
                material: if i % 2 == 0 {
                    ConductorMaterial::Cu
                } else {
                    ConductorMaterial::Al
                },
                insulation,
                cross_section_mm2: SIZES[(i % 6 + size_steps).min(SIZES.len() - 1)],
                k: None,
            });
            l.clearing_time_s = (i % 3 == 0).then_some(0.3);
        }
        let branches: Vec<(String, String)> = net
            .lines
            .iter()
            .map(|l| (l.id.clone(), l.from_bus.clone()))
            .chain(
                net.transformers
                    .iter()
                    .map(|t| (t.id.clone(), t.lv_bus.clone())),
            )
            .take(4)
            .collect();
        for (k, (element, bus)) in branches.into_iter().enumerate() {
            net.switches.push(ampflux_core::Switch {
                id: format!("SW{k}"),
                bus,
                element,
                closed: true,
                kind: [
                    SwitchKind::Breaker,
                    SwitchKind::Fuse,
                    SwitchKind::LoadBreak,
                    SwitchKind::Breaker,
                ][k],
                ratings: Some(SwitchRatings {
                    breaking_ka: (k != 2).then_some(scale * (6.0 + 9.0 * k as f64)),
                    service_breaking_ka: (k == 3).then_some(scale * 10.0),
                    making_ka: (k == 2).then_some(scale * 40.0),
                    icw_ka: (k != 1).then_some(scale * 12.0),
                    icw_duration_s: (k != 1).then_some(1.0),
                    opening_time_s: (k == 0).then_some(0.05),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        net
    }

    fn rank(v: Verdict) -> u8 {
        match v {
            Verdict::Pass => 0,
            Verdict::Marginal => 1,
            Verdict::Fail => 2,
            Verdict::Unrated => 3,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Every duty and utilization is proportional to the source voltage (the classical
        /// method's prefault voltage, the c of the equivalent source), check by check.
        #[test]
        fn utilization_scales_linearly_with_c(seed in 0u64..10_000, n in 4usize..25, c in 0.8f64..1.2) {
            let net = rated(seed, n, 1.0, 0);
            let base = StudyOptions { method: Method::Classical, ..StudyOptions::default() };
            let a = duty(&net, &DutyOptions { study: base.clone(), ..DutyOptions::default() });
            let b = duty(&net, &DutyOptions { study: StudyOptions { prefault_pu: c, ..base }, ..DutyOptions::default() });
            prop_assert_eq!(a.checks.len(), b.checks.len());
            for (x, y) in a.checks.iter().zip(&b.checks) {
                prop_assert_eq!((&x.element, x.check), (&y.element, y.check));
                prop_assert!(close(y.duty, c * x.duty, 1e-9), "{} {}: {} vs {}", x.element, x.check.as_str(), y.duty, c * x.duty);
                if let (Some(u), Some(v)) = (x.utilization_percent, y.utilization_percent) {
                    prop_assert!(close(v, c * u, 1e-9));
                }
            }
        }

        /// Raising every rating (and cables to larger standard sizes) never worsens a verdict.
        #[test]
        fn a_larger_rating_never_worsens_a_verdict(seed in 0u64..10_000, n in 4usize..25, scale in 1.0f64..3.0, steps in 0usize..4) {
            let a = duty(&rated(seed, n, 1.0, 0), &DutyOptions::default());
            let b = duty(&rated(seed, n, scale, steps), &DutyOptions::default());
            prop_assert_eq!(a.checks.len(), b.checks.len());
            for (x, y) in a.checks.iter().zip(&b.checks) {
                prop_assert_eq!((&x.element, x.check), (&y.element, y.check));
                prop_assert!(rank(y.verdict) <= rank(x.verdict), "{} {}: {:?} -> {:?}", x.element, x.check.as_str(), x.verdict, y.verdict);
                if let (Some(u), Some(v)) = (x.utilization_percent, y.utilization_percent) {
                    prop_assert!(v <= u * (1.0 + 1e-12), "{} {}: {} -> {}", x.element, x.check.as_str(), u, v);
                }
            }
        }
    }
}

/// The standards' tables behind the checks, from `tests/data/duty/standard_values.json` (each
/// table with its source and tolerance): k of IEC 60364-4-43 Table 43A from IEC 60949's formula,
/// n of IEC 60947-2 Table 2, the making factors of IEC 62271-100 §4.103.
#[test]
fn rules_reproduce_the_standards_tables() {
    use ampflux_core::duty::rules;
    use ampflux_core::model::{ConductorMaterial, Insulation};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/duty/standard_values.json");
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let table = |name: &str| -> (f64, Vec<serde_json::Value>) {
        let t = &data[name];
        assert!(
            t["source"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: no source"
        );
        (
            t["tolerance_abs"].as_f64().unwrap(),
            t["rows"].as_array().unwrap().clone(),
        )
    };
    let num = |row: &serde_json::Value, key: &str| row[key].as_f64().unwrap();
    let (tol, rows) = table("conductor_k");
    assert!(rows.len() >= 8);
    for row in rows {
        let material: ConductorMaterial = serde_json::from_value(row["material"].clone()).unwrap();
        let insulation: Insulation = serde_json::from_value(row["insulation"].clone()).unwrap();
        let k = rules::conductor_k(material, insulation, num(&row, "cross_section_mm2"));
        assert!((k - num(&row, "k")).abs() <= tol, "{row}: k = {k}");
    }
    let (tol, rows) = table("lv_making_factor");
    for row in rows {
        let n = rules::lv_making_factor(num(&row, "icu_ka"));
        assert!((n - num(&row, "n")).abs() <= tol, "{row}: n = {n}");
    }
    let (tol, rows) = table("hv_making_factor");
    for row in rows {
        let n = rules::hv_making_factor(num(&row, "frequency_hz"));
        assert!((n - num(&row, "factor")).abs() <= tol, "{row}: {n}");
    }
}

/// `through` with a generator behind its breaker: for a fault at the breaker's bus the current
/// through it is the generator's, which decays with the generator's μ (IEC 60909-0:2016
/// eq. 70 for t_min = 0.1 s, from I''kG/I_rG of the generator's partial current), while the
/// feeder's share (a fault on the line side of QG, or at G) does not decay and is smaller.
/// The bus's I_b (bus_total) holds the feeder's undecayed share besides.
#[test]
fn through_basis_breaking_current_decays_with_the_sources_behind_the_device() {
    let net = Network::from_json(
        r#"{
      "frequency_hz": 50,
      "buses": [{"id": "MV", "vn_kv": 10}, {"id": "G", "vn_kv": 10}],
      "external_grids": [{"id": "Q", "bus": "MV", "s_sc_max_mva": 30, "rx_max": 0.1}],
      "generators": [{"id": "G1", "bus": "G", "sn_mva": 40, "vn_kv": 10.5, "cos_phi": 0.8,
                      "xdss_pu": 0.12}],
      "lines": [{"id": "LG", "from_bus": "MV", "to_bus": "G", "length_km": 0.05,
                 "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}],
      "switches": [{"id": "QG", "bus": "MV", "element": "LG", "closed": true,
                    "kind": "breaker", "ratings": {"breaking_ka": 25}}]}"#,
    )
    .unwrap();
    let options = |basis| DutyOptions {
        duty_basis: basis,
        faults: Some(vec![FaultKind::ThreePhase]),
        ..DutyOptions::default()
    };
    let r = duty(&net, &options(DutyBasis::Through));
    let rep = short_circuit(
        &net,
        &StudyOptions {
            branch_results: true,
            partial_currents: true,
            ..StudyOptions::default()
        },
    )
    .unwrap();
    let g = rep.partials("MV").find(|p| p.source == "G1").unwrap();
    let x = g.ikss_ka / (40.0 / (SQRT3 * 10.5));
    assert!(x > 2.0, "near to the generator: {x}");
    let mu = 0.62 + 0.72 * (-0.32 * x).exp();
    let i_lg = rep.branch("LG", "MV").unwrap().ikss_from_ka;
    let b = row(&r, "QG", Check::Breaking);
    assert_eq!(b.location.as_deref(), Some("MV"));
    assert!(
        close(b.duty, mu * i_lg, 1e-6),
        "{} vs {}",
        b.duty,
        mu * i_lg
    );
    // the asymmetrical current of the share: its I_b and the location's d.c. factor
    let mv = rep.bus("MV").unwrap();
    let idc = i_lg * mv.idc_ka / mv.ikss_ka;
    let a = row(&r, "QG", Check::BreakingAsym);
    assert!(close(a.duty, (mu * i_lg).hypot(idc), 1e-6), "{}", a.duty);
    assert!(close(row(&r, "QG", Check::DcComponent).duty, idc, 1e-6));
    // the feeder's share is smaller: it does not govern
    let feeder = rep.partials("MV").find(|p| p.source == "Q").unwrap();
    assert!(feeder.ikss_ka < mu * i_lg);
    // bus_total: the bus's own I_b, the sum of the partial breaking currents (§9.1.2)
    let total = duty(&net, &options(DutyBasis::BusTotal));
    let bt = row(&total, "QG", Check::Breaking);
    assert!(close(bt.duty, mv.ib_ka, 1e-12));
    assert!(bt.duty > b.duty);
}

/// Earth faults in the isolated 20 kV system of the bundled example have no IEC 60909
/// short-circuit current (the study leaves i_p, I_b, I_th empty): they govern no duty, every
/// duty is a number, and no row is lost, even when only earth faults are studied.
#[test]
fn earth_faults_outside_iec60909_govern_no_duty() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/networks/industrial_plant.json");
    let net = Network::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let one = short_circuit(
        &net,
        &StudyOptions {
            fault: FaultKind::LineToEarth,
            ..StudyOptions::default()
        },
    )
    .unwrap();
    let outside: Vec<&str> = one
        .buses
        .iter()
        .filter(|b| b.status.outside_iec60909())
        .map(|b| b.id.as_str())
        .collect();
    assert!(!outside.is_empty(), "the example has an isolated system");
    let all = duty(&net, &DutyOptions::default());
    for (basis, faults) in [
        (DutyBasis::BusTotal, None),
        (DutyBasis::Through, None),
        (DutyBasis::BusTotal, Some(vec![FaultKind::LineToEarth])),
        (DutyBasis::Through, Some(vec![FaultKind::LineToEarth])),
    ] {
        let r = duty(
            &net,
            &DutyOptions {
                duty_basis: basis,
                faults,
                ..DutyOptions::default()
            },
        );
        // every device keeps its rows (none left out as "not evaluated")
        assert_eq!(r.checks.len(), all.checks.len());
        for c in &r.checks {
            assert!(c.duty.is_finite(), "{c:?}");
            assert!(
                !(c.fault == Some(FaultKind::LineToEarth)
                    && outside.contains(&c.location.as_deref().unwrap_or(""))),
                "{c:?}"
            );
        }
    }
}

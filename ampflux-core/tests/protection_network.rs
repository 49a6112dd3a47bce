//! Protective devices on a network: the devices in series between a fault and its source,
//! selectivity on a radial feeder with relay, breaker trip unit and fuse, and the arc-flash
//! study's arc durations from those devices at each scenario's arcing current.

use ampflux_core::arcflash::{
    ArcEnd, ArcFlashOptions, ArcScenario, Ieee1584Params, arc_flash, ieee1584,
};
use ampflux_core::protection::{
    Band, SelectivityOptions, characteristic, selectivity, series_devices,
};
use ampflux_core::{Network, StudyOptions, short_circuit};

fn feeder() -> Network {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/radial_feeder.json");
    Network::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Current in A through device `id` for a three-phase fault at `bus`, read from the branch
/// results of the short-circuit study directly.
fn through(net: &Network, id: &str, bus: &str) -> f64 {
    let d = net.protective_devices.iter().find(|d| d.id == id).unwrap();
    let s = net.switches.iter().find(|s| s.id == d.switch).unwrap();
    let r = short_circuit(
        net,
        &StudyOptions {
            buses: Some(vec![bus.into()]),
            branch_results: true,
            ..Default::default()
        },
    )
    .unwrap();
    let row = r.branch(&s.element, bus).unwrap();
    1000.0
        * if row.from_bus == s.bus {
            row.ikss_from_ka
        } else {
            row.ikss_to_ka
        }
}

fn time(net: &Network, id: &str, amps: f64, band: Band) -> Option<f64> {
    let d = net.protective_devices.iter().find(|d| d.id == id).unwrap();
    characteristic(d, net.frequency_hz)
        .unwrap()
        .time_s(amps, band)
}

#[test]
fn devices_in_series_from_the_fault_outward() {
    let net = feeder();
    let paths = series_devices(&net, "LV-SUB").unwrap();
    assert_eq!(paths.len(), 1);
    assert_eq!(paths[0].source.id, "Grid");
    assert_eq!(paths[0].devices, ["F-L1", "TU-T1", "R-T1"]);
    assert_eq!(paths[0].buses, ["LV-SUB", "LV-MAIN", "MV"]);
    // a fault at the MV bus has no device between it and the grid
    let mv = series_devices(&net, "MV").unwrap();
    assert!(mv[0].devices.is_empty());
}

#[test]
fn selectivity_of_relay_trip_unit_and_fuse() {
    let net = feeder();
    let report = selectivity(&net, &SelectivityOptions::default()).unwrap();
    assert_eq!(report.pairs.len(), 2, "{:#?}", report.pairs);
    let pair = |up: &str, down: &str| {
        report
            .pairs
            .iter()
            .find(|p| p.upstream == up && p.downstream == down)
            .unwrap()
            .clone()
    };
    // fuse below the trip unit: the largest current through both is a fault at LV-SUB
    let p = pair("TU-T1", "F-L1");
    assert_eq!(p.fault_bus, "LV-SUB");
    let i = through(&net, "F-L1", "LV-SUB");
    assert!((p.current_downstream_ka * 1000.0 - i).abs() < 1e-6);
    let t_fuse = time(&net, "F-L1", i, Band::Max).unwrap();
    let t_tu = time(&net, "TU-T1", through(&net, "TU-T1", "LV-SUB"), Band::Min).unwrap();
    assert!((p.margin_s.unwrap() - (t_tu - t_fuse)).abs() < 1e-12);
    assert_eq!(p.required_s, 0.0);
    assert!(p.pass);
    // trip unit below the relay: the largest current through both is a fault at LV-MAIN,
    // where the relay (TMS 0.3) is 0.2 s behind the trip unit's upper band
    let p = pair("R-T1", "TU-T1");
    assert_eq!(p.fault_bus, "LV-MAIN");
    let i_tu = through(&net, "TU-T1", "LV-MAIN");
    let i_r = through(&net, "R-T1", "LV-MAIN");
    let expected =
        time(&net, "R-T1", i_r, Band::Min).unwrap() - time(&net, "TU-T1", i_tu, Band::Max).unwrap();
    assert!((p.margin_s.unwrap() - expected).abs() < 1e-12);
    // the relay curve by the IEC 60255-151 equation itself
    let t_relay = 0.3 * 0.14 / ((i_r / 70.0).powf(0.02) - 1.0);
    assert!((p.time_upstream_s.unwrap() - t_relay).abs() < 1e-9);
    assert_eq!(p.required_s, 0.2);
    assert!(p.pass, "{p:?}");
    // a faster relay setting loses selectivity; a larger CTI fails too
    let mut fast = net.clone();
    fast.protective_devices[0].tms = Some(0.1);
    let r = selectivity(&fast, &SelectivityOptions::default()).unwrap();
    assert!(!r.pairs.iter().find(|p| p.upstream == "R-T1").unwrap().pass);
    let strict = SelectivityOptions {
        cti_s: 5.0,
        ..Default::default()
    };
    let r = selectivity(&net, &strict).unwrap();
    assert!(!r.pairs.iter().find(|p| p.upstream == "R-T1").unwrap().pass);
}

#[test]
fn arc_durations_come_from_the_devices_at_each_arcing_current() {
    let net = feeder();
    let report = arc_flash(&net, &ArcFlashOptions::default()).unwrap();
    let sc = short_circuit(&net, &StudyOptions::default()).unwrap();
    for (bus, device) in [("LV-MAIN", "TU-T1"), ("LV-SUB", "F-L1")] {
        let b = report.bus(bus).unwrap();
        let ibf = sc.bus(bus).unwrap().ikss_ka;
        assert!((b.ibf_ka - ibf).abs() < 1e-12);
        let i_dev = through(&net, device, bus);
        for (k, s) in b.scenarios.iter().enumerate() {
            let scaled = i_dev * s.iarc_ka / ibf;
            let t = time(&net, device, scaled, Band::Max).unwrap();
            assert_eq!(s.device.as_deref(), Some(device), "{bus} {k}");
            assert!((s.clearing_time_ms - 1000.0 * t).abs() < 1e-9, "{bus} {k}");
            assert_eq!(s.ended_by, ArcEnd::Device);
        }
        // the energies are those of the one-calculation model with these durations
        let e = &b.equipment;
        let one = ieee1584(&Ieee1584Params {
            voc_kv: e.voc_kv,
            config: e.electrode_configuration,
            gap_mm: e.gap_mm,
            distance_mm: e.working_distance_mm,
            height_mm: Some(e.enclosure.height_mm),
            width_mm: Some(e.enclosure.width_mm),
            depth_mm: Some(e.enclosure.depth_mm),
            ibf_ka: ibf,
            time_ms: b.clearing_time_ms,
            time_min_ms: Some(b.clearing_time_min_ms),
        })
        .unwrap();
        assert!((one.iarc_ka - b.iarc_ka).abs() < 1e-12);
        assert!((one.iarc_min_ka - b.iarc_min_ka).abs() < 1e-12);
        assert!((one.incident_energy_j_per_cm2 - b.incident_energy_j_per_cm2).abs() < 1e-9);
        assert_eq!(one.ppe_category, b.ppe_category);
        assert!((one.arc_flash_boundary_mm - b.afb_mm).abs() < 1e-9);
    }
    // LV-SUB takes the panelboard's typical gap, distance and enclosure, and says so
    let sub = report.bus("LV-SUB").unwrap();
    assert_eq!(sub.equipment.gap_mm, 25.0);
    assert_eq!(sub.equipment.working_distance_mm, 457.2);
    assert!(sub.warnings.iter().any(|w| w.code == "typical_values"));
    assert!(report.bus("LV-MAIN").unwrap().typical_values.is_empty());
    // nothing between the MV bus and the grid: the arc lasts max_arc_duration_s, flagged
    let mv = report.bus("MV").unwrap();
    assert_eq!(mv.clearing_time_ms, 2000.0);
    assert_eq!(mv.device, None);
    assert_eq!(mv.scenarios[0].ended_by, ArcEnd::MaxArcDuration);
    assert_eq!(mv.scenarios[0].uninterrupted_sources, ["Grid"]);
    assert!(
        mv.warnings
            .iter()
            .any(|w| w.code == "uninterrupted_contribution")
    );
    let shorter = arc_flash(
        &net,
        &ArcFlashOptions {
            max_arc_duration_s: 1.0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(shorter.bus("MV").unwrap().clearing_time_ms, 1000.0);
}

#[test]
fn motors_decay_and_parallel_paths_need_every_device() {
    let mut net = feeder();
    // a motor on the sub-board with no device of its own
    let motor: ampflux_core::Motor = serde_json::from_value(serde_json::json!({
        "id": "M1", "bus": "LV-SUB", "pn_mw": 0.17, "vn_kv": 0.4, "lrc_pu": 6.0,
        "rx": 0.42, "cos_phi": 0.85, "efficiency_percent": 95.0
    }))
    .unwrap();
    net.motors.push(motor);
    let r = arc_flash(&net, &ArcFlashOptions::default()).unwrap();
    // at LV-MAIN the trip unit clears the grid after 0.1 s or more; the motor behind the
    // fuse is cut by the fuse first, so the trip unit still governs
    let main = r.bus("LV-MAIN").unwrap();
    assert_eq!(main.device.as_deref(), Some("TU-T1"));
    // at LV-SUB the fuse clears the grid in milliseconds; the motor feeds on until it decays
    let sub = r.bus("LV-SUB").unwrap();
    assert_eq!(sub.scenarios[0].ended_by, ArcEnd::MotorDecay);
    assert_eq!(sub.clearing_time_ms, 100.0);
    // without the decay the motor needs a device: none, so the longest duration applies
    let strict = ArcFlashOptions {
        motor_decay_s: None,
        ..Default::default()
    };
    let r = arc_flash(&net, &strict).unwrap();
    let sub = r.bus("LV-SUB").unwrap();
    assert_eq!(sub.scenarios[1].uninterrupted_sources, ["M1"]);
    assert_eq!(sub.clearing_time_min_ms, 2000.0);

    // two cables in parallel, each with its fuse: the arc at LV-SUB ends when both opened
    let mut net = feeder();
    let mut l2 = net.lines[0].clone();
    l2.id = "L2".into();
    l2.length_km = 0.08;
    net.lines.push(l2);
    let mut fs2 = net.switches[2].clone();
    fs2.id = "FS-L2".into();
    fs2.element = "L2".into();
    net.switches.push(fs2);
    let mut f2 = net.protective_devices[2].clone();
    f2.id = "F-L2".into();
    f2.switch = "FS-L2".into();
    f2.curve = Some("generic_gG_100A".into());
    net.protective_devices.push(f2);
    let r = arc_flash(&net, &ArcFlashOptions::default()).unwrap();
    let sub = r.bus("LV-SUB").unwrap();
    let s = &sub.scenarios[1];
    let t = |id: &str| {
        s.devices
            .iter()
            .find(|d| d.device == id)
            .and_then(|d| d.time_ms)
            .unwrap()
    };
    assert!((s.clearing_time_ms - t("F-L1").max(t("F-L2"))).abs() < 1e-9);
    assert_eq!(s.scenario, ArcScenario::Reduced);
}

#[test]
fn step_wise_energy_follows_the_sources_as_they_clear() {
    use ampflux_core::arcflash::EnergyMethod;
    let step_wise = ArcFlashOptions {
        energy_method: EnergyMethod::StepWise,
        ..Default::default()
    };
    // one source, one device: the single step again, exactly
    let net = feeder();
    let single = arc_flash(&net, &ArcFlashOptions::default()).unwrap();
    let steps = arc_flash(&net, &step_wise).unwrap();
    for bus in ["LV-MAIN", "LV-SUB"] {
        let (a, b) = (single.bus(bus).unwrap(), steps.bus(bus).unwrap());
        assert_eq!(b.scenarios[0].steps.len(), 1, "{bus}");
        assert!(
            (a.clearing_time_ms - b.clearing_time_ms).abs() < 1e-9,
            "{bus}"
        );
        let rel = (a.incident_energy_j_per_cm2 / b.incident_energy_j_per_cm2 - 1.0).abs();
        assert!(rel < 1e-12, "{bus}: {rel}");
    }
    // a motor on the main board: it feeds the arc for 0.1 s, then only the grid does, until
    // the trip unit opens
    let mut net = feeder();
    let motor: ampflux_core::Motor = serde_json::from_value(serde_json::json!({
        "id": "M1", "bus": "LV-MAIN", "pn_mw": 0.3, "vn_kv": 0.4, "lrc_pu": 6.0,
        "cos_phi": 0.85, "efficiency_percent": 95.0
    }))
    .unwrap();
    net.motors.push(motor);
    let single = arc_flash(&net, &ArcFlashOptions::default()).unwrap();
    let steps = arc_flash(&net, &step_wise).unwrap();
    let (a, b) = (
        single.bus("LV-MAIN").unwrap(),
        steps.bus("LV-MAIN").unwrap(),
    );
    let s = &b.scenarios[0];
    assert_eq!(s.steps.len(), 2, "{:#?}", s.steps);
    assert!((s.steps[0].duration_ms - 100.0).abs() < 1e-9);
    assert!(s.steps[1].ibf_ka < s.steps[0].ibf_ka);
    assert!((s.steps[0].ibf_ka - a.ibf_ka).abs() < 1e-9);
    assert_eq!(s.device.as_deref(), Some("TU-T1"));
    // the trip unit's short-time delay is definite: it opens at the same time either way,
    // and the arc after the motor's decay is smaller, so the energy is lower
    assert!((s.clearing_time_ms - a.scenarios[0].clearing_time_ms).abs() < 1e-6);
    assert!(s.energy_j_per_cm2 < a.scenarios[0].energy_j_per_cm2);
    // the energy is the sum of the steps: doubling no step changes it
    let one = ampflux_core::arcflash::bus_equipment(
        net.buses.iter().find(|b| b.id == "LV-MAIN").unwrap(),
    )
    .0;
    let cf = one.enclosure_correction().cf;
    let mut sum = 0.0;
    for st in &s.steps {
        let arc = one.arcing_current(st.ibf_ka, ArcScenario::Full);
        sum += one
            .energy(st.ibf_ka, &arc, st.duration_ms, cf)
            .energy_j_per_cm2;
    }
    assert!((sum / s.energy_j_per_cm2 - 1.0).abs() < 1e-12);
}

#[test]
fn converters_stop_on_undervoltage() {
    let mut net = feeder();
    let pv: ampflux_core::Converter = serde_json::from_value(serde_json::json!({
        "id": "PV", "bus": "LV-SUB", "sn_mva": 0.1, "vn_kv": 0.4, "kind": "full_converter",
        "k": 1.1
    }))
    .unwrap();
    net.converters.push(pv);
    // the fuse clears the grid in milliseconds; the inverters feed on until their trip
    let r = arc_flash(&net, &ArcFlashOptions::default()).unwrap();
    let sub = r.bus("LV-SUB").unwrap();
    assert_eq!(sub.scenarios[0].ended_by, ArcEnd::ConverterTrip);
    assert_eq!(sub.clearing_time_ms, 160.0);
    assert_eq!(sub.device, None);
    // without the trip the inverters need a device: none, so the longest duration applies
    let strict = ArcFlashOptions {
        converter_trip_s: None,
        ..Default::default()
    };
    let sub = arc_flash(&net, &strict).unwrap();
    let sub = sub.bus("LV-SUB").unwrap();
    assert_eq!(sub.scenarios[0].uninterrupted_sources, ["PV"]);
    assert_eq!(sub.clearing_time_ms, 2000.0);
}

/// The sources' contributions to an arc are their IEC 60909 partial currents of the bolted
/// fault (as the short-circuit study reports them), scaled to each scenario's arcing
/// current, and each ends with the device that cuts its last path, its own decay, or the
/// longest arc duration.
#[test]
fn contributions_are_the_partial_currents_of_the_sources() {
    use ampflux_core::arcflash::EnergyMethod;
    let mut net = feeder();
    let motor: ampflux_core::Motor = serde_json::from_value(serde_json::json!({
        "id": "M1", "bus": "LV-SUB", "pn_mw": 0.17, "vn_kv": 0.4, "lrc_pu": 6.0,
        "rx": 0.42, "cos_phi": 0.85, "efficiency_percent": 95.0
    }))
    .unwrap();
    net.motors.push(motor);
    let sc = short_circuit(
        &net,
        &StudyOptions {
            buses: Some(vec!["LV-SUB".into()]),
            partial_currents: true,
            ..Default::default()
        },
    )
    .unwrap();
    let partial = |id: &str| {
        sc.partials("LV-SUB")
            .find(|p| p.source == id)
            .unwrap()
            .ikss_ka
    };
    for method in [EnergyMethod::SingleStep, EnergyMethod::StepWise] {
        let options = ArcFlashOptions {
            energy_method: method,
            ..Default::default()
        };
        let r = arc_flash(&net, &options).unwrap();
        let sub = r.bus("LV-SUB").unwrap();
        for s in &sub.scenarios {
            let ids: Vec<&str> = s.contributions.iter().map(|c| c.source.as_str()).collect();
            // the fuse cuts the grid within milliseconds, the motor decays at 0.1 s
            assert_eq!(ids, ["Grid", "M1"], "{method:?}");
            for c in &s.contributions {
                let ibf = partial(&c.source);
                assert!((c.ibf_ka - ibf).abs() < 1e-12, "{}", c.source);
                let share = ibf * s.iarc_ka / sub.ibf_ka;
                assert!((c.iarc_ka - share).abs() < 1e-12, "{}", c.source);
            }
            let (grid, m1) = (&s.contributions[0], &s.contributions[1]);
            let fuse = s.devices.iter().find(|d| d.device == "F-L1").unwrap();
            assert_eq!(grid.device.as_deref(), Some("F-L1"));
            assert_eq!(grid.ended_by, ArcEnd::Device);
            assert!((grid.end_ms - fuse.opened_at_ms.unwrap()).abs() < 1e-9);
            assert_eq!(m1.ended_by, ArcEnd::MotorDecay);
            assert_eq!((m1.end_ms, m1.device.as_deref()), (100.0, None));
            assert_eq!(s.clearing_time_ms, m1.end_ms);
        }
    }
    // without the decay no device interrupts the motor: its contribution lasts the longest
    // arc duration, and the warning gives its current
    let strict = ArcFlashOptions {
        motor_decay_s: None,
        ..Default::default()
    };
    let r = arc_flash(&net, &strict).unwrap();
    let sub = r.bus("LV-SUB").unwrap();
    let m1 = sub.scenarios[0]
        .contributions
        .iter()
        .find(|c| c.source == "M1")
        .unwrap();
    assert_eq!((m1.ended_by, m1.end_ms), (ArcEnd::MaxArcDuration, 2000.0));
    let text = format!("M1 ({:.3} kA of the bolted fault)", partial("M1"));
    assert!(
        sub.warnings
            .iter()
            .any(|w| w.code == "uninterrupted_contribution" && w.message.contains(&text)),
        "{:#?}",
        sub.warnings
    );
    // at the MV bus the fuse cuts the motor off first; the grid's contribution is never
    // interrupted
    let mv = r.bus("MV").unwrap();
    let c = &mv.scenarios[0].contributions;
    assert_eq!(
        (c[0].source.as_str(), c[0].ended_by),
        ("M1", ArcEnd::Device)
    );
    assert_eq!(c[0].device.as_deref(), Some("F-L1"));
    assert_eq!(
        (c[1].source.as_str(), c[1].ended_by),
        ("Grid", ArcEnd::MaxArcDuration)
    );
    assert_eq!(c[1].end_ms, 2000.0);
}

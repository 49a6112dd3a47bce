//! Invariants of the arc-flash model and study (proptest): incident energy never decreases
//! with a longer arc or a shorter working distance, and in the study the reduced-current
//! scenario never uses a shorter time for a device than the device's curve gives at its
//! (smaller) current.

use ampflux_core::Network;
use ampflux_core::arcflash::{
    ArcFlashOptions, ArcScenario, ElectrodeConfiguration, Enclosure, EnergyMethod, Equipment,
    arc_flash,
};
use ampflux_core::protection::characteristic;
use proptest::prelude::*;

/// Equipment and a bolted current inside the range of IEEE 1584-2018.
fn equipment() -> impl Strategy<Value = (Equipment, f64)> {
    (
        0usize..5,
        0.208f64..15.0,
        0.0f64..1.0,
        305.0f64..3000.0,
        (0.0f64..1.0, 0.0f64..1.0, 100.0f64..1000.0),
        0.0f64..1.0,
    )
        .prop_map(|(ec, voc, g, d, (h, w, depth), i)| {
            let lv = voc <= 0.6;
            let (g_lo, g_hi, i_lo, i_hi) = if lv {
                (6.35, 76.2, 0.5, 106.0)
            } else {
                (19.05, 254.0, 0.2, 65.0)
            };
            let gap_mm = g_lo + g * (g_hi - g_lo);
            let span = |x: f64| 4.0 * gap_mm + x * (1244.6 - 4.0 * gap_mm).max(0.0);
            (
                Equipment {
                    voc_kv: voc,
                    electrode_configuration: ElectrodeConfiguration::ALL[ec],
                    gap_mm,
                    working_distance_mm: d,
                    enclosure: Enclosure {
                        height_mm: span(h),
                        width_mm: span(w),
                        depth_mm: depth,
                    },
                },
                i_lo + i * (i_hi - i_lo),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn energy_grows_with_time_and_closeness(
        (eq, ibf) in equipment(),
        t in 1.0f64..2000.0,
        dt in 0.0f64..2000.0,
        closer in 0.3f64..1.0,
    ) {
        let cf = eq.enclosure_correction().cf;
        for s in [ArcScenario::Full, ArcScenario::Reduced] {
            let arc = eq.arcing_current(ibf, s);
            let e1 = eq.energy(ibf, &arc, t, cf);
            let e2 = eq.energy(ibf, &arc, t + dt, cf);
            prop_assert!(e1.energy_j_per_cm2 > 0.0, "{eq:?} {ibf} {e1:?}");
            prop_assert!(e2.energy_j_per_cm2 >= e1.energy_j_per_cm2, "{eq:?} {ibf}");
            prop_assert!(e2.afb_mm >= e1.afb_mm, "{eq:?} {ibf}");
            let near = Equipment {
                working_distance_mm: (eq.working_distance_mm * closer).max(305.0),
                ..eq
            };
            let e3 = near.energy(ibf, &arc, t, cf);
            prop_assert!(
                e3.energy_j_per_cm2 >= e1.energy_j_per_cm2 * (1.0 - 1e-12),
                "{eq:?} {ibf}: {} at {} mm < {} at {} mm",
                e3.energy_j_per_cm2, near.working_distance_mm,
                e1.energy_j_per_cm2, eq.working_distance_mm
            );
        }
    }
}

fn feeder() -> Network {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/radial_feeder.json");
    Network::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const CURVES: [&str; 7] = [
    "IEC_SI", "IEC_VI", "IEC_EI", "IEC_LTI", "IEEE_MI", "IEEE_VI", "IEEE_EI",
];
const FUSES: [&str; 5] = [
    "generic_gG_63A",
    "generic_gG_100A",
    "generic_gG_160A",
    "generic_gG_250A",
    "generic_gG_400A",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn reduced_scenario_never_beats_the_device_curve(
        curve in 0usize..7,
        multiplier in 0.05f64..1.0,
        pickup in 40.0f64..120.0,
        ir in 800.0f64..1600.0,
        tsd in 0.05f64..0.5,
        i2t in any::<bool>(),
        fuse in 0usize..5,
        s_sc in 50.0f64..500.0,
        length in 0.005f64..0.3,
        step_wise in any::<bool>(),
    ) {
        let mut net = feeder();
        net.external_grids[0].s_sc_max_mva = s_sc;
        net.lines[0].length_km = length;
        let relay = &mut net.protective_devices[0];
        relay.curve = Some(CURVES[curve].into());
        relay.pickup_a = Some(pickup);
        relay.instantaneous = None;
        if CURVES[curve].starts_with("IEC") {
            relay.tms = Some(multiplier);
        } else {
            relay.tms = None;
            relay.time_dial = Some(multiplier * 10.0);
        }
        let tu = &mut net.protective_devices[1];
        tu.ir_a = Some(ir);
        tu.isd_a = Some(ir * 4.0);
        tu.tsd_s = Some(tsd);
        tu.i2t = Some(i2t);
        net.protective_devices[2].curve = Some(FUSES[fuse].into());
        let options = ArcFlashOptions {
            energy_method: if step_wise { EnergyMethod::StepWise } else { EnergyMethod::SingleStep },
            ..Default::default()
        };
        let report = arc_flash(&net, &options).unwrap();
        for b in &report.buses {
            let [full, reduced] = &b.scenarios;
            prop_assert!(reduced.iarc_ka < full.iarc_ka);
            for op in &reduced.devices {
                let d = net.protective_devices.iter().find(|d| d.id == op.device).unwrap();
                let ch = characteristic(d, net.frequency_hz).unwrap();
                let curve_ms = ch.clearing_time_s(op.current_ka * 1000.0).map(|t| t * 1000.0);
                // the time used is the curve's at the reduced current, never shorter
                match (op.time_ms, curve_ms) {
                    (Some(used), Some(curve)) => prop_assert!(used >= curve * (1.0 - 1e-12)),
                    (None, None) => {}
                    other => prop_assert!(false, "{}: {:?}", op.device, other),
                }
                // a device opens no earlier than its curve gives at the current it carries
                if let (Some(at), Some(curve)) = (op.opened_at_ms, curve_ms) {
                    prop_assert!(at >= curve * (1.0 - 1e-9), "{}: opened at {at} < {curve}", op.device);
                }
                // and never shorter than the same device's time in the full scenario
                if let Some(f) = full.devices.iter().find(|f| f.device == op.device) {
                    prop_assert!(op.current_ka <= f.current_ka);
                    if let (Some(r), Some(fu)) = (op.time_ms, f.time_ms) {
                        prop_assert!(r >= fu * (1.0 - 1e-12), "{}: {r} < {fu}", op.device);
                    } else {
                        prop_assert!(op.time_ms.is_none() || f.time_ms.is_some());
                    }
                }
            }
            // the arc duration is at least the governing device's curve time
            if let Some(id) = &reduced.device {
                let op = reduced.devices.iter().find(|o| &o.device == id).unwrap();
                prop_assert!(reduced.clearing_time_ms >= op.time_ms.unwrap() * (1.0 - 1e-12));
            }
            prop_assert!(reduced.clearing_time_ms >= full.clearing_time_ms * (1.0 - 1e-12)
                || reduced.device != full.device);
        }
    }
}

//! Quickstart: build a small network in code, run a three-phase and a line-to-earth study and
//! print the results as a table.
//!
//! Run with `cargo run -p ampflux-examples --example quickstart`.

use ampflux_core::{FaultKind, Network, StudyOptions, short_circuit};

fn main() -> Result<(), ampflux_core::Error> {
    // 110 kV utility feeder -> 110/20 kV transformer -> 20 kV cable -> 20/0.4 kV transformer
    let mut net = Network::new(50.0);
    net.add_bus("HV", 110.0);
    net.add_bus("MV", 20.0);
    net.add_bus("MV-end", 20.0);
    net.add_bus("LV", 0.4);
    let grid = net.add_external_grid("Utility", "HV", 2500.0, 0.1);
    grid.x0x_max = Some(1.0);
    grid.r0x0_max = Some(0.1);
    let t1 = net.add_transformer("T1", "HV", "MV", 31.5, 115.0, 21.0, 12.0, 0.5, "YNd5");
    t1.vk0_percent = Some(11.0);
    t1.vkr0_percent = Some(0.5);
    let cable = net.add_line("Cable", "MV", "MV-end", 3.5, 0.125, 0.11);
    cable.r0_ohm_per_km = Some(0.5);
    cable.x0_ohm_per_km = Some(0.36);
    cable.c0_nf_per_km = Some(310.0);
    let t2 = net.add_transformer("T2", "MV-end", "LV", 0.63, 20.0, 0.41, 4.0, 1.03, "Dyn5");
    t2.vk0_percent = Some(3.8);
    t2.vkr0_percent = Some(1.03);

    for fault in [FaultKind::ThreePhase, FaultKind::LineToEarth] {
        let report = short_circuit(
            &net,
            &StudyOptions {
                fault,
                ..StudyOptions::default()
            },
        )?;
        println!("\n{} fault, maximum case", fault.as_str());
        println!(
            "{:<8} {:>7} {:>9} {:>9} {:>9} {:>9}",
            "bus", "Un kV", "Ik'' kA", "ip kA", "Ith kA", "Sk'' MVA"
        );
        for b in &report.buses {
            println!(
                "{:<8} {:>7} {:>9.3} {:>9.3} {:>9.3} {:>9.1}",
                b.id, b.vn_kv, b.ikss_ka, b.ip_ka, b.ith_ka, b.skss_mva
            );
        }
    }
    Ok(())
}

//! `short_circuit_owned` (the command line's path: the network given by value, dropped once
//! compiled; factors released once the driving-point impedances are taken, their selected
//! inverse computed in place) gives the report of `short_circuit` on the same network, to
//! the byte, for every fault type, with and without the results that keep the network and
//! the factors (branch results, partial currents). Networks with power station units,
//! motors and a full converter, so that every rule of what is kept is exercised.

use ampflux_core::{FaultKind, Network, StudyOptions, short_circuit, short_circuit_owned};
use ampflux_testkit::validation::load_file;

fn networks() -> Vec<(&'static str, Network)> {
    // a validation case's network, converted as the reference tests convert it
    let case = |name: &'static str, file: &str| {
        let dir = ampflux_testkit::validation::repository_cases_dir();
        (name, load_file(&dir.join(file)).network())
    };
    vec![
        case(
            "IEC TR 60909-4 §6 test network",
            "iec_tr_60909_4_sec6_test_network.json",
        ),
        case("two power station units", "pp_iec60909_4_two_units.json"),
        (
            "industrial plant (motors, converter)",
            Network::from_json(include_str!(
                "../../examples/networks/industrial_plant.json"
            ))
            .unwrap(),
        ),
    ]
}

/// The report (or the error) as text.
fn outcome(result: ampflux_core::Result<ampflux_core::StudyReport>) -> String {
    match result {
        Ok(report) => serde_json::to_string(&report).unwrap(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn the_owned_study_reports_what_the_borrowed_one_does() {
    let faults = [
        FaultKind::ThreePhase,
        FaultKind::LineToLine,
        FaultKind::LineToEarth,
        FaultKind::DoubleLineToEarth,
    ];
    let mut compared = 0;
    for (name, net) in networks() {
        for fault in faults {
            for (branch_results, partial_currents) in [(false, false), (true, false), (false, true)]
            {
                let options = StudyOptions {
                    fault,
                    branch_results,
                    partial_currents,
                    ..Default::default()
                };
                let borrowed = outcome(short_circuit(&net, &options));
                let owned = outcome(short_circuit_owned(net.clone(), &options, &|_, _| {}));
                assert_eq!(
                    owned, borrowed,
                    "{name}, {fault:?}, branch results {branch_results}, partial currents {partial_currents}"
                );
                compared += usize::from(!borrowed.starts_with("error"));
            }
        }
    }
    // most combinations are studies, not errors
    assert!(compared >= 30, "only {compared} reports compared");
}

//! Faults along a line: placed without editing the network, flagged as unsupplied when the line
//! is opened at its fed end, and refused with a topology error naming the line when an end bus
//! is out of service.

use ampflux_core::{BusStatus, Error, LineFault, Network, StudyOptions, Switch, short_circuit};

fn feeder() -> Network {
    let mut net = Network::new(50.0);
    net.add_bus("Q", 20.0);
    net.add_bus("A", 20.0);
    net.add_bus("B", 20.0);
    net.add_external_grid("Grid", "Q", 500.0, 0.1);
    net.add_line("L1", "Q", "A", 2.0, 0.16, 0.11);
    net.add_line("L2", "A", "B", 3.0, 0.16, 0.11);
    net
}

fn at(line: &str, position: f64) -> StudyOptions {
    StudyOptions {
        line_faults: vec![LineFault {
            line: line.into(),
            position,
        }],
        ..StudyOptions::default()
    }
}

#[test]
fn a_fault_along_a_line_lies_between_its_end_buses() {
    let report = short_circuit(&feeder(), &at("L2", 0.5)).expect("study runs");
    let ik = |id: &str| {
        report
            .bus(id)
            .unwrap_or_else(|| panic!("result at {id}"))
            .ikss_ka
    };
    let mid = ik(&LineFault {
        line: "L2".into(),
        position: 0.5,
    }
    .location_id());
    assert!(
        ik("A") > mid && mid > ik("B"),
        "A {} > L2@0.5 {mid} > B {}",
        ik("A"),
        ik("B")
    );
}

#[test]
fn a_fault_along_a_line_opened_at_its_fed_end_is_unsupplied_and_flagged() {
    let mut net = feeder();
    net.switches.push(Switch {
        id: "S1".into(),
        bus: "A".into(),
        element: "L2".into(),
        closed: false,
        ..Switch::default()
    });
    let report = short_circuit(&net, &at("L2", 0.5)).expect("study runs");
    let id = LineFault {
        line: "L2".into(),
        position: 0.5,
    }
    .location_id();
    let mid = report.bus(&id).expect("a result for the fault point");
    assert_eq!(mid.ikss_ka, 0.0);
    assert_eq!(mid.status, BusStatus::Unsupplied);
    assert!(report.bus("A").expect("A").ikss_ka > 0.0);
}

#[test]
fn a_fault_along_a_line_to_an_out_of_service_bus_is_a_topology_error_naming_the_line() {
    let mut net = feeder();
    net.buses[2].in_service = Some(false);
    match short_circuit(&net, &at("L2", 0.5)) {
        Err(e @ Error::Topology(_)) => {
            assert_eq!(e.code(), "topology_error");
            assert!(e.to_string().contains("`L2`"), "{e}");
        }
        other => panic!("expected a topology error, got {other:?}"),
    }
    // the buses alone still compute
    short_circuit(&net, &StudyOptions::default()).expect("bus faults run");
}

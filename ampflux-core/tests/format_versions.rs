//! One fixture per format version: each is read (older ones upgraded step by step), validates,
//! solves, and has the pinned golden digest; newer versions are refused.

use std::path::PathBuf;

use ampflux_core::{Network, StudyOptions, short_circuit};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The example network as it was when the canonical form was defined (the example in
/// `examples/networks/` has since gained equipment ratings and scenarios).
fn example_v1() -> String {
    std::fs::read_to_string(data("industrial_plant_v1.json")).unwrap()
}

/// The digest pinned when the canonical form was defined. It must never change for this
/// document: the WebAssembly tests check the same value.
fn golden() -> String {
    std::fs::read_to_string(data("industrial_plant.digest"))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn version_1_fixture_has_the_golden_digest_and_solves() {
    let net = Network::from_json(&example_v1()).unwrap();
    assert_eq!(net.digest(), golden());
    assert!(net.validate().iter().all(|i| !i.is_error()));
    let r = short_circuit(&net, &StudyOptions::default()).unwrap();
    assert_eq!(r.network_digest, golden());
    assert!(r.buses.iter().all(|b| b.ikss_ka > 0.0));
}

#[test]
fn version_0_fixture_is_upgraded_to_the_same_circuit() {
    let text = std::fs::read_to_string(data("industrial_plant_v0.json")).unwrap();
    let net = Network::from_json(&text).unwrap();
    assert_eq!(net.version, 1);
    assert_eq!(net, Network::from_json(&example_v1()).unwrap());
    assert_eq!(net.digest(), golden());
}

#[test]
fn a_newer_version_is_refused_with_a_clear_error() {
    let text = example_v1().replace("\"version\": 1", "\"version\": 2");
    let err = Network::from_json(&text).unwrap_err();
    assert_eq!(err.code(), "unsupported_version");
    assert!(err.to_string().contains("newer"), "{err}");
}

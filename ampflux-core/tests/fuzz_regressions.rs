//! Regression tests of the fuzz findings (`fuzz/`, cargo-fuzz). Every input saved under
//! `tests/data/fuzz/<target>-<name>.json` is run through the same invariant check as its fuzz
//! target (the checks are `fuzz/src/invariants.rs`, included here word for word), and the
//! findings with a specific expected outcome have a test of their own below.

use std::path::PathBuf;

use ampflux_core::{Network, StudyOptions, short_circuit};

#[allow(dead_code, missing_docs)]
mod invariants {
    include!("../../fuzz/src/invariants.rs");
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every saved input passes the invariants of its target.
#[test]
fn every_saved_input_passes_its_target_invariants() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("tests/data/fuzz exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(
        !names.is_empty(),
        "no saved fuzz inputs in {}",
        dir().display()
    );
    let mut failures = Vec::new();
    for name in &names {
        let text = read(name);
        let target = name.split('-').next().unwrap_or("");
        let outcome = match target {
            "reader" => invariants::reader(&text),
            "study" => invariants::study_text(&text),
            "versions" => invariants::versions_text(&text),
            "upgrade" => invariants::upgrade_text(&text),
            other => Err(format!("unknown target `{other}` in the file name")),
        };
        if let Err(e) = outcome {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn case(name: &str) -> (Network, StudyOptions) {
    let value: serde_json::Value = serde_json::from_str(&read(name)).unwrap();
    let net = Network::from_value(value["network"].clone()).unwrap();
    let options = match value.get("options") {
        Some(o) if !o.is_null() => StudyOptions::from_value(o.clone()).unwrap(),
        _ => StudyOptions::default(),
    };
    (net, options)
}

/// A power station unit whose generator has x''d = 1e-300 p.u. validates, but the unit
/// correction at the generator terminals overflowed and the study reported NaN for R_k, X_k,
/// κ, i_p and I_th at a location with status `ok`. Now a `solver_error` naming the location.
#[test]
fn unit_generator_with_tiny_reactance_is_refused_not_nan() {
    let (net, options) = case("study-unit-generator-tiny-reactance.json");
    assert!(
        net.validate().iter().all(|i| !i.is_error()),
        "the network validates"
    );
    let err = short_circuit(&net, &options).expect_err("the overflow is reported");
    assert_eq!(err.code(), "solver_error", "{err}");
    assert!(err.to_string().contains("`B3`"), "{err}");
    // the same unit with a physical reactance computes normally
    let mut sane = net.clone();
    sane.generators[0].xdss_pu = 0.15;
    let report = short_circuit(&sane, &options).unwrap();
    assert!(
        report
            .buses
            .iter()
            .all(|b| b.ikss_ka.is_finite() && b.kappa.is_finite())
    );
}

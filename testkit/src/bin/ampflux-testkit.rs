//! Exports the shared reference cases, anchor grids and synthetic grids as AmpFlux network
//! documents (format v1) with the native Rust results, for the Python and JavaScript tests
//! and the comparison scripts.
//!
//! ```text
//! ampflux-testkit export DIR
//! ```
//! writes `DIR/cases/<file>__<case>/{network,options,expected,report}.json`,
//! `DIR/anchors/<name>.json`, `DIR/synthetic/meshed_<n>.json`, and the native equipment duty
//! reports of the example network `DIR/duty/{network,<variant>.options,<variant>.report}.json`.

use std::path::{Path, PathBuf};

use ampflux_core::duty::{DutyOptions, equipment_duty};
use ampflux_core::short_circuit;
use ampflux_testkit::{anchors, synthetic, validation};
use serde_json::json;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("file in a directory")).expect("mkdir");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn export(dir: &Path) {
    let mut n_cases = 0;
    for file in validation::load_files() {
        for case in file.cases() {
            let case_dir = dir
                .join("cases")
                .join(format!("{}__{}", case.file, case.id));
            write(&case_dir.join("network.json"), &case.network.to_json());
            let mut options = case.options.clone();
            options.branch_results = case
                .expected
                .iter()
                .any(|e| !matches!(e.location, validation::Location::Bus(_)));
            write(
                &case_dir.join("options.json"),
                &serde_json::to_string_pretty(&options).expect("options serialize"),
            );
            // numbers only (a `status` expectation is checked by the Rust tests)
            let expected: Vec<_> = case
                .expected
                .iter()
                .filter(|e| e.text.is_none())
                .map(|e| {
                    json!({
                        "location": match &e.location {
                            validation::Location::Bus(b) => json!({"bus": b}),
                            validation::Location::BusDuringFault { bus, fault_bus } => json!({"bus": bus, "fault_bus": fault_bus}),
                            validation::Location::Branch { branch, fault_bus } => json!({"branch": branch, "fault_bus": fault_bus}),
                        },
                        "quantity": e.quantity, "value": e.value, "origin": e.origin,
                        "tol_abs": e.tol_abs, "tol_rel": e.tol_rel,
                    })
                })
                .collect();
            write(
                &case_dir.join("expected.json"),
                &serde_json::to_string_pretty(&expected).expect("serialize"),
            );
            let report = short_circuit(&case.network, &options).expect("reference case runs");
            write(
                &case_dir.join("report.json"),
                &serde_json::to_string_pretty(&report).expect("serialize"),
            );
            n_cases += 1;
        }
    }
    for name in anchors::names() {
        let anchor = anchors::load(&name);
        write(
            &dir.join("anchors").join(format!("{name}.json")),
            &anchor.network.to_json_compact(),
        );
    }
    for n in [1_000usize, 10_000, 100_000] {
        let net = synthetic::meshed_grid(n, 7);
        write(
            &dir.join("synthetic").join(format!("meshed_{n}.json")),
            &net.to_json_compact(),
        );
    }
    export_duty(&dir.join("duty"));
    eprintln!(
        "exported {n_cases} reference cases, the anchor and synthetic grids and the duty \
         reports to {}",
        dir.display()
    );
}

/// The example network with the native duty reports of two option sets (the defaults, and
/// every scenario with the `through` basis), for the bindings' tests.
fn export_duty(dir: &Path) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/networks/industrial_plant.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let net = ampflux_core::Network::from_json(&text).expect("the example reads");
    write(&dir.join("network.json"), &net.to_json());
    let variants = [
        ("default", json!({})),
        (
            "through_all",
            json!({"duty_basis": "through", "all_scenarios": true, "tk_s": 0.5}),
        ),
    ];
    for (name, options) in variants {
        let o = DutyOptions::from_value(options.clone()).expect("options read");
        let report = equipment_duty(&net, &o).expect("the example's duty study runs");
        write(
            &dir.join(format!("{name}.options.json")),
            &serde_json::to_string_pretty(&options).expect("serialize"),
        );
        write(
            &dir.join(format!("{name}.report.json")),
            &serde_json::to_string_pretty(&report).expect("serialize"),
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("export") if args.len() == 3 => export(&PathBuf::from(&args[2])),
        _ => {
            eprintln!("usage: ampflux-testkit export DIR");
            std::process::exit(2);
        }
    }
}

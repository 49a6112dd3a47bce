//! Exports the shared reference cases, anchor grids and synthetic grids as AmpFlux network
//! documents (format v1) with the native Rust results, for the Python and JavaScript tests
//! and the comparison scripts.
//!
//! ```text
//! ampflux-testkit export DIR
//! ```
//! writes `DIR/cases/<file>__<case>/{network,options,expected,report}.json`,
//! `DIR/anchors/<name>.json` and `DIR/synthetic/meshed_<n>.json`.

use std::path::{Path, PathBuf};

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
    eprintln!(
        "exported {n_cases} reference cases, the anchor and synthetic grids to {}",
        dir.display()
    );
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

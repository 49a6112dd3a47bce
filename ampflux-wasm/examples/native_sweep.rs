//! The native side of `bench/sweep.mjs`: times the all-bus three-phase sweep of one network
//! with the same core build the wasm package uses (no `parallel` feature: single-threaded),
//! split like the JS side: reading the document, the study, and writing the report as JSON
//! (what `Network.shortCircuit` hands to JS).
//!
//! ```text
//! cargo run --release -p ampflux-wasm --example native_sweep -- NETWORK.json [RUNS]
//! ```
//! prints `{"buses": n, "parse_ms": [...], "study_ms": [...], "json_ms": [...]}`.

use std::time::Instant;

use ampflux_core::{Network, StudyOptions, short_circuit};

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), runs) = (args.get(1), args.get(2).and_then(|r| r.parse().ok())) else {
        eprintln!("usage: native_sweep NETWORK.json [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = runs.unwrap_or(5);
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let options = StudyOptions::default();
    let (mut parse_ms, mut study_ms, mut json_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut buses = 0;
    // one warm-up round, as the JS side has
    for round in 0..=runs {
        let t = Instant::now();
        let net = match Network::from_json(&text) {
            Ok(net) => net,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let parse = ms(t);
        let t = Instant::now();
        let report = match short_circuit(&net, &options) {
            Ok(report) => report,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        let study = ms(t);
        let t = Instant::now();
        let json = serde_json::to_string(&report).expect("reports serialize");
        let write = ms(t);
        std::hint::black_box(json);
        buses = report.buses.len();
        if round > 0 {
            parse_ms.push(parse);
            study_ms.push(study);
            json_ms.push(write);
        }
    }
    println!(
        "{}",
        serde_json::json!({"buses": buses, "parse_ms": parse_ms, "study_ms": study_ms, "json_ms": json_ms})
    );
}

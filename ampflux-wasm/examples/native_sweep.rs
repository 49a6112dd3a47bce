//! The native side of `bench/sweep.mjs`: times the all-bus three-phase sweep of one network
//! with the same core build the wasm package uses (no `parallel` feature: single-threaded),
//! split like the JS side: reading the document, the study, writing the report as JSON
//! (what `Network.shortCircuit` hands to JS), and laying the bus rows out as columns with the
//! same function `Network.shortCircuitColumns` uses (`ampflux_wasm::columns`). Like the JS side it studies one network read
//! once, again and again, through the same core entry point (`short_circuit_frozen`: the
//! network's digest is taken once, by the warm-up study), so both sides time the same work.
//!
//! ```text
//! cargo run --release -p ampflux-wasm --example native_sweep -- NETWORK.json [RUNS]
//! ```
//! prints `{"buses": n, "parse_ms": [...], "study_ms": [...], "json_ms": [...], "columns_ms": [...]}`.
//!
//! With a third argument, `objects` or `columns`, it reads the document once and runs the
//! study plus only that output (JSON text, or the columns) RUNS + 1 times, untimed: for
//! instruction counts (`bench/instructions.sh`), where the difference between two RUNS is
//! the cost of one call.

use std::time::Instant;

use ampflux_core::{FrozenNetwork, Network, StudyOptions, short_circuit_frozen};
use ampflux_wasm::columns::Columns;

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), runs) = (args.get(1), args.get(2).and_then(|r| r.parse().ok())) else {
        eprintln!("usage: native_sweep NETWORK.json [RUNS] [objects|columns]");
        std::process::exit(2);
    };
    if let Some(api) = args.get(3) {
        count_mode(path, runs.unwrap_or(5), api);
        return;
    }
    let runs: usize = runs.unwrap_or(5);
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let options = StudyOptions::default();
    let (mut parse_ms, mut study_ms, mut json_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut columns_ms = Vec::new();
    // reading the document, timed apart; one warm-up read, as the JS side has
    let mut net = None;
    for round in 0..=runs {
        let t = Instant::now();
        let read = match Network::from_json(&text) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        if round > 0 {
            parse_ms.push(ms(t));
        }
        net = Some(read);
    }
    // the studies of one network read once, as the JS side studies its one `Network`: frozen
    // like the wasm `Network`, so that its digest is taken by the warm-up study, not timed
    let net = FrozenNetwork::new(net.expect("read at least once"));
    let mut buses = 0;
    for round in 0..=runs {
        let t = Instant::now();
        let report = match short_circuit_frozen(&net, &options, &|_, _| {}) {
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
        let t = Instant::now();
        let columns = Columns::buses(&report);
        let layout = ms(t);
        std::hint::black_box(columns);
        buses = report.buses.len();
        if round > 0 {
            study_ms.push(study);
            json_ms.push(write);
            columns_ms.push(layout);
        }
    }
    println!(
        "{}",
        serde_json::json!({"buses": buses, "parse_ms": parse_ms, "study_ms": study_ms,
            "json_ms": json_ms, "columns_ms": columns_ms})
    );
}

/// The instruction-count mode: one read, then RUNS + 1 studies with one kind of output.
fn count_mode(path: &str, runs: usize, api: &str) {
    let objects = match api {
        "objects" => true,
        "columns" => false,
        _ => {
            eprintln!("the output is `objects` or `columns`, not `{api}`");
            std::process::exit(2);
        }
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let net = Network::from_json(&text).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let net = FrozenNetwork::new(net);
    let options = StudyOptions::default();
    let mut buses = 0;
    for _ in 0..=runs {
        let report = short_circuit_frozen(&net, &options, &|_, _| {}).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        });
        if objects {
            std::hint::black_box(serde_json::to_string(&report).expect("reports serialize"));
        } else {
            std::hint::black_box(Columns::buses(&report));
        }
        buses = report.buses.len();
    }
    println!("{buses}");
}

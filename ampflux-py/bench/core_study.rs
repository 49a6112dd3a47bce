//! Pure-Rust baseline for `bench/compare.py`: times `ampflux_core::short_circuit` on one
//! network document (3ph max, all buses) and prints the median of the repeats as JSON.
//!
//! ```text
//! cargo run --release --example core_study -- NETWORK.json REPEATS
//! ```

use std::time::Instant;

use ampflux_core::{Network, StudyOptions, short_circuit};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: core_study NETWORK.json REPEATS");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&args[1]).expect("readable network file");
    let repeats: usize = args[2].parse().expect("REPEATS is a number");
    let net = Network::from_json(&text).expect("a valid network document");
    let options = StudyOptions::default();
    short_circuit(&net, &options).expect("the study runs"); // warm-up
    let mut times: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            let report = short_circuit(&net, &options).expect("the study runs");
            std::hint::black_box(report);
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{{\"median_s\": {}, \"min_s\": {}, \"repeats\": {}, \"buses\": {}}}",
        times[times.len() / 2],
        times[0],
        repeats,
        net.buses.len()
    );
}

//! Times AmpFlux studies on network documents and prints one JSON line per network:
//! `ampflux-time [--fault 3ph|1ph|...] [--set NAME=VALUE]... [--repeat N] FILE...`. Used by the comparison scripts
//! so that every tool is timed in the same session on the same networks.

use std::time::Instant;

use ampflux_core::{Network, StudyOptions, short_circuit};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut options = StudyOptions::default();
    let mut repeat = 5usize;
    let mut files = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--fault" => options
                .set("fault", &args.next().expect("--fault value"))
                .expect("fault"),
            "--case" => options
                .set("case", &args.next().expect("--case value"))
                .expect("case"),
            "--set" => {
                let kv = args.next().expect("--set NAME=VALUE");
                let (k, v) = kv.split_once('=').expect("NAME=VALUE");
                options.set(k, v).expect("study option");
            }
            "--repeat" => {
                repeat = args
                    .next()
                    .expect("--repeat value")
                    .parse()
                    .expect("number")
            }
            _ => files.push(a),
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let t0 = Instant::now();
        let net = Network::from_json(&text).expect("network");
        let parse_s = t0.elapsed().as_secs_f64();
        let mut times = Vec::new();
        let mut buses = 0;
        for _ in 0..repeat {
            let t = Instant::now();
            let r = short_circuit(&net, &options).expect("study");
            times.push(t.elapsed().as_secs_f64());
            buses = r.buses.len();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{}",
            serde_json::json!({
                "file": file, "buses": buses, "fault": options.fault.as_str(),
                "parse_s": parse_s, "median_s": times[times.len() / 2],
                "min_s": times[0], "max_s": times[times.len() - 1], "repeat": repeat,
            })
        );
    }
}

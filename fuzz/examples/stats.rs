//! How deep the study inputs reach: over the files of a corpus directory (or N pseudo-random
//! structured inputs), how many networks read, validate, and give a study report.
//!
//! `cargo run --release --example stats -- DIR` or `cargo run --release --example stats -- random N`

use std::collections::BTreeMap;

use ampflux_core::{Network, StudyOptions, short_circuit};
use ampflux_fuzz::r#gen;

fn outcome(data: &[u8], tally: &mut BTreeMap<String, usize>) {
    let cases: Vec<(Network, StudyOptions)> = if ampflux_fuzz::is_json(data) {
        let text = String::from_utf8_lossy(data);
        let Ok(serde_json::Value::Object(mut m)) = serde_json::from_str(&text) else {
            *tally.entry("json: not an object".into()).or_default() += 1;
            return;
        };
        let (net, opts) = match m.remove("network") {
            Some(n) => (n, m.remove("options")),
            None => (serde_json::Value::Object(m), None),
        };
        let Ok(net) = Network::from_value(net) else {
            *tally
                .entry("json: network does not read".into())
                .or_default() += 1;
            return;
        };
        let opts = opts
            .and_then(|o| StudyOptions::from_value(o).ok())
            .unwrap_or_default();
        vec![(net, opts)]
    } else {
        let mut src = r#gen::Src::new(data);
        let net = r#gen::network(&mut src);
        let opts = r#gen::options(&mut src, &net);
        vec![(net, opts)]
    };
    for (net, opts) in cases {
        let mode = if ampflux_fuzz::is_json(data) {
            "json"
        } else {
            "structured"
        };
        let key = match short_circuit(&net, &opts) {
            Ok(_) => format!("{mode}: report ({} {:?})", opts.fault.as_str(), opts.case),
            Err(e) => match e.issues().iter().find(|i| i.is_error()) {
                Some(i) => format!(
                    "{mode}: {} ({} {:?}.{:?})",
                    e.code(),
                    i.code,
                    i.table,
                    i.field
                ),
                None if e.code() == "invalid_option" => format!(
                    "{mode}: {}",
                    e.to_string().chars().take(90).collect::<String>()
                ),
                None => format!("{mode}: {}", e.code()),
            },
        };
        *tally.entry(key).or_default() += 1;
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut tally = BTreeMap::new();
    if args.get(1).map(String::as_str) == Some("random") {
        let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..n {
            let data: Vec<u8> = (0..400)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    (s >> 24) as u8
                })
                .collect();
            if !ampflux_fuzz::is_json(&data) {
                outcome(&data, &mut tally);
            }
        }
    } else {
        for entry in std::fs::read_dir(&args[1]).expect("a corpus directory") {
            let data = std::fs::read(entry.expect("an entry").path()).expect("a file");
            outcome(&data, &mut tally);
        }
    }
    let total: usize = tally.values().sum();
    for (k, v) in &tally {
        println!(
            "{v:8} {:5.1}%  {k}",
            100.0 * *v as f64 / total.max(1) as f64
        );
    }
}

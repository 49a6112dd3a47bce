//! The cost of the equipment duty study over the short-circuit studies it needs, measured in
//! interleaved rounds on one network (a loaded machine slows both alike):
//!
//! `duty-ratio [--buses N] [--rounds R]` (default 10 000 buses, 7 rounds) builds the synthetic
//! meshed grid of N buses with ratings on every bus, line and transformer breaker, then per
//! round times the four all-bus studies (3ph, 2ph, 1ph, 2phE) and the duty study, and prints
//! one JSON line: the medians, the per-round ratio duty / studies (median, min, max), and the
//! number of checks.

use std::time::Instant;

use ampflux_benches::with_ratings;
use ampflux_core::duty::{DutyOptions, equipment_duty};
use ampflux_core::{FaultKind, StudyOptions, short_circuit};
use ampflux_testkit::synthetic;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut n, mut rounds) = (10_000usize, 7usize);
    while let Some(a) = args.next() {
        let value = |args: &mut dyn Iterator<Item = String>| -> usize {
            args.next().and_then(|v| v.parse().ok()).expect("a number")
        };
        match a.as_str() {
            "--buses" => n = value(&mut args),
            "--rounds" => rounds = value(&mut args),
            other => panic!("unknown argument {other}; usage: duty-ratio [--buses N] [--rounds R]"),
        }
    }
    let net = with_ratings(synthetic::meshed_grid(n, 7));
    let (mut studies, mut duties, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut checks = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        for fault in [
            FaultKind::ThreePhase,
            FaultKind::LineToLine,
            FaultKind::LineToEarth,
            FaultKind::DoubleLineToEarth,
        ] {
            let o = StudyOptions {
                fault,
                ..StudyOptions::default()
            };
            short_circuit(&net, &o).expect("study runs");
        }
        let s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let report = equipment_duty(&net, &DutyOptions::default()).expect("duty runs");
        let d = t.elapsed().as_secs_f64();
        checks = report.checks.len();
        studies.push(s);
        duties.push(d);
        ratios.push(d / s);
    }
    let (lo, hi) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), r| (a.min(*r), b.max(*r)));
    println!(
        "{}",
        serde_json::json!({
            "buses": net.buses.len(), "rounds": rounds, "checks": checks,
            "studies_median_s": median(studies), "duty_median_s": median(duties),
            "ratio_median": median(ratios.clone()), "ratio_min": lo, "ratio_max": hi,
        })
    );
}

//! `ampflux selectivity NET.json`: selectivity of neighbouring protective devices in series.

use std::io::Write;
use std::path::PathBuf;

use ampflux_core::protection::{SelectivityOptions, selectivity};

use crate::input::{apply_sets, read_network};
use crate::out::warn;
use crate::output::{aligned, json};
use crate::{Failure, Format, Out, csv};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document.
    network: PathBuf,
    /// Coordination time interval in s required below a relay (default 0.2).
    #[arg(long = "cti")]
    cti_s: Option<f64>,
    /// Fault bus (repeat for several; default: every bus).
    #[arg(long = "bus")]
    buses: Vec<String>,
    /// Short-circuit option by name: NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    let mut options = SelectivityOptions::default();
    if let Some(c) = args.cti_s {
        options.cti_s = c;
    }
    if !args.buses.is_empty() {
        options.buses = Some(args.buses.clone());
    }
    apply_sets(&mut options.short_circuit, &args.set)?;
    let net = read_network(&args.network)?;
    let report = selectivity(&net, &options).map_err(|e| Failure::in_file(&args.network, e))?;
    warn(report.warnings.iter());
    let io = match args.format {
        Format::Json => json(out, &report),
        Format::Csv => csv::write_table(out, &report.pairs),
        Format::Table => {
            let mut rows = vec![
                [
                    "upstream",
                    "downstream",
                    "fault bus",
                    "I up kA",
                    "I down kA",
                    "t up s",
                    "t down s",
                    "margin s",
                    "needed s",
                    "result",
                ]
                .map(String::from)
                .to_vec(),
            ];
            let t = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.3}"));
            for p in &report.pairs {
                rows.push(vec![
                    p.upstream.clone(),
                    p.downstream.clone(),
                    p.fault_bus.clone(),
                    format!("{:.3}", p.current_upstream_ka),
                    format!("{:.3}", p.current_downstream_ka),
                    t(p.time_upstream_s),
                    t(p.time_downstream_s),
                    t(p.margin_s),
                    format!("{:.3}", p.required_s),
                    if p.pass { "pass" } else { "FAIL" }.into(),
                ]);
            }
            out.write_all(aligned(&rows).as_bytes())
        }
    };
    io.map_err(Failure::output)
}

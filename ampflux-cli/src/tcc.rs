//! `ampflux tcc NET.json --device ID ... --out FILE.svg`: the time-current curves of devices in
//! log-log with the fault currents through them marked.

use std::io::Write;
use std::path::PathBuf;

use ampflux_core::protection::{TccOptions, tcc, tcc_svg};

use crate::input::read_network;
use crate::out::warn;
use crate::output::aligned;
use crate::{Failure, Out};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document.
    network: PathBuf,
    /// Protective device to draw (repeat for several).
    #[arg(long = "device", required = true)]
    devices: Vec<String>,
    /// SVG file to write.
    #[arg(long)]
    out: PathBuf,
    /// Voltage the currents are referred to in kV (default: the first device's bus voltage).
    #[arg(long = "reference-kv")]
    reference_kv: Option<f64>,
    /// Also write the sampled curves and marks as JSON to FILE.
    #[arg(long = "data", value_name = "FILE")]
    data: Option<PathBuf>,
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    let net = read_network(&args.network)?;
    let options = TccOptions {
        devices: args.devices.clone(),
        reference_kv: args.reference_kv,
        ..Default::default()
    };
    let report = tcc(&net, &options).map_err(|e| Failure::in_file(&args.network, e))?;
    warn(report.warnings.iter());
    let title = format!(
        "{} — {}",
        net.name.as_deref().unwrap_or("TCC"),
        args.devices.join(", ")
    );
    let fail = |p: &std::path::Path, e: std::io::Error| {
        Failure::input(format!("{}: error: cannot write: {e}", p.display()))
    };
    std::fs::write(&args.out, tcc_svg(&report, &title)).map_err(|e| fail(&args.out, e))?;
    if let Some(path) = &args.data {
        let text = serde_json::to_string_pretty(&report).expect("reports serialize");
        std::fs::write(path, text).map_err(|e| fail(path, e))?;
    }
    let mut rows = vec![
        ["device", "fault bus", "current", "A", "clearing s"]
            .map(String::from)
            .to_vec(),
    ];
    for m in &report.marks {
        rows.push(vec![
            m.device.clone(),
            m.fault_bus.clone(),
            m.kind.clone(),
            format!("{:.0}", m.current_a),
            m.time_s.map_or("-".into(), |t| format!("{t:.3}")),
        ]);
    }
    writeln!(
        out,
        "{} (currents at {} kV)",
        args.out.display(),
        report.reference_kv
    )
    .and_then(|()| out.write_all(aligned(&rows).as_bytes()))
    .map_err(Failure::output)
}

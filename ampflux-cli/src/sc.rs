//! `ampflux sc`: a short-circuit study.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use ampflux_core::{
    BreakingCurrent, Case, FaultKind, LineFault, PeakMethod, StudyOptions, StudyReport,
    short_circuit_owned,
};

use crate::input::{apply_sets, option_name, read_network};
use crate::out::warn;
use crate::progress::Progress;
use crate::{Failure, Format, Out, output};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document (format v1 JSON).
    network: PathBuf,
    /// Fault type: 3ph, 2ph, 1ph or 2phe.
    #[arg(long, value_parser = option_name::<FaultKind>)]
    fault: Option<FaultKind>,
    /// max or min.
    #[arg(long, value_parser = option_name::<Case>)]
    case: Option<Case>,
    /// κ method for meshed networks: b or c.
    #[arg(long = "ip-method", value_parser = option_name::<PeakMethod>)]
    ip_method: Option<PeakMethod>,
    /// Breaking current I_b: exact (machine decay, IEC 60909-0 §4.5) or conservative (I_b = I''k).
    #[arg(long = "ib", value_parser = option_name::<BreakingCurrent>)]
    breaking_current: Option<BreakingCurrent>,
    /// Short-circuit duration T_k in s (for I_th).
    #[arg(long)]
    tk: Option<f64>,
    /// Minimum time delay t_min in s (for I_b).
    #[arg(long)]
    tmin: Option<f64>,
    /// Fault bus (repeat for several; default: every bus).
    #[arg(long = "bus")]
    buses: Vec<String>,
    /// Fault along a line: LINE:POSITION with 0 < POSITION < 1 (repeatable).
    #[arg(long = "at")]
    at: Vec<String>,
    /// Fault resistance per phase in Ω.
    #[arg(long)]
    rf: Option<f64>,
    /// Fault reactance per phase in Ω.
    #[arg(long)]
    xf: Option<f64>,
    /// Branch currents and bus voltages for the fault buses (in the table and JSON output;
    /// with --format csv, give --branches-out and/or --voltages-out).
    #[arg(long)]
    branches: bool,
    /// Write the branch currents (one row per branch and fault location) as CSV to FILE;
    /// implies --branches.
    #[arg(long = "branches-out", value_name = "FILE")]
    branches_out: Option<PathBuf>,
    /// Write the bus voltages during each fault (one row per bus and fault location) as CSV
    /// to FILE; implies --branches.
    #[arg(long = "voltages-out", value_name = "FILE")]
    voltages_out: Option<PathBuf>,
    /// Partial currents of every source (network feeder, generator, power station unit,
    /// motor, converter) at each fault location (in the table and JSON output; with --format
    /// csv, give --partials-out).
    #[arg(long)]
    partials: bool,
    /// Write the partial currents of the sources (one row per source and fault location) as
    /// CSV to FILE; implies --partials.
    #[arg(long = "partials-out", value_name = "FILE")]
    partials_out: Option<PathBuf>,
    /// Output format of the bus results on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Any study option of the format by name: NAME=VALUE (repeatable; applied after the
    /// flags above).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Study the network of this scenario of the document (switch states and elements out
    /// of service applied; `base`: the network as drawn).
    #[arg(long = "scenario", value_name = "ID")]
    scenario: Option<String>,
}

impl Args {
    /// The study options the flags ask for, each set on its field.
    fn options(&self) -> Result<StudyOptions, Failure> {
        let mut o = StudyOptions::default();
        if let Some(v) = self.fault {
            o.fault = v;
        }
        if let Some(v) = self.case {
            o.case = v;
        }
        if let Some(v) = self.ip_method {
            o.ip_method = v;
        }
        if let Some(v) = self.breaking_current {
            o.breaking_current = v;
        }
        if let Some(v) = self.tk {
            o.tk_s = v;
        }
        if let Some(v) = self.tmin {
            o.tmin_s = v;
        }
        if let Some(v) = self.rf {
            o.r_fault_ohm = v;
        }
        if let Some(v) = self.xf {
            o.x_fault_ohm = v;
        }
        if !self.buses.is_empty() {
            o.buses = Some(self.buses.clone());
        }
        for a in &self.at {
            o.line_faults.push(LineFault::parse(a)?);
        }
        o.branch_results |=
            self.branches || self.branches_out.is_some() || self.voltages_out.is_some();
        o.partial_currents |= self.partials || self.partials_out.is_some();
        apply_sets(&mut o, &self.set)?;
        o.check()?;
        Ok(o)
    }
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    let options = args.options()?;
    if args.format == Format::Csv
        && options.branch_results
        && args.branches_out.is_none()
        && args.voltages_out.is_none()
    {
        return Err(Failure::input(
            "error: CSV holds one table (the bus results): write the branch currents with \
             --branches-out FILE and the bus voltages with --voltages-out FILE"
                .into(),
        ));
    }
    if args.format == Format::Csv && options.partial_currents && args.partials_out.is_none() {
        return Err(Failure::input(
            "error: CSV holds one table (the bus results): write the partial currents of the \
             sources with --partials-out FILE"
                .into(),
        ));
    }
    let mut net = read_network(&args.network)?;
    if let Some(id) = &args.scenario {
        net = net
            .scenario_network(id)
            .map_err(|e| Failure::in_file(&args.network, e))?;
    }
    let progress = Progress::new();
    // the network goes by value: the study drops it once compiled (memory, issue 16)
    let result = short_circuit_owned(net, &options, &|done, total| progress.update(done, total));
    progress.finish();
    let report = result.map_err(|e| Failure::in_file(&args.network, e))?;
    warn(report.warnings.iter());
    let source = &args.network;
    if let Some(path) = &args.branches_out {
        to_file(path, |w| {
            output::csv_rows(w, &report.branches, &report, source)
        })?;
    }
    if let Some(path) = &args.voltages_out {
        to_file(path, |w| {
            output::csv_rows(w, &report.voltages, &report, source)
        })?;
    }
    if let Some(path) = &args.partials_out {
        to_file(path, |w| {
            output::csv_rows(w, &report.partial_currents, &report, source)
        })?;
    }
    write_report(out, &report, args.format, source)
}

fn write_report(
    out: &mut Out,
    report: &StudyReport,
    format: Format,
    source: &Path,
) -> Result<(), Failure> {
    output::report(out, report, format, source).map_err(Failure::output)
}

/// Writes one output file through a buffer.
fn to_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let fail =
        |e: std::io::Error| Failure::input(format!("{}: error: cannot write: {e}", path.display()));
    let mut w = BufWriter::new(File::create(path).map_err(fail)?);
    write(&mut w).map_err(fail)?;
    w.flush().map_err(fail)
}

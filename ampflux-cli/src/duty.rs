//! `ampflux duty`: the equipment duty study. Exit code 3 when a check fails (0 when none
//! does, 2 for bad input as everywhere).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ampflux_core::duty::{DutyOptions, DutyReport, equipment_duty};

use crate::input::read_network;
use crate::out::warn;
use crate::{Failure, Format, Out, csv, output};

/// Exit code of a study in which at least one check fails.
const EXIT_FAIL: u8 = 3;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document (format v1 JSON) with equipment ratings.
    network: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Any study or duty option by name: NAME=VALUE (repeatable), e.g. tk_s=0.5,
    /// tmin_s=0.05, duty_basis=through, marginal_percent=85, faults=["3ph","1ph"].
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Scenario of the network to include in the envelope (repeatable; `base` is the network
    /// as drawn; default: the base network only).
    #[arg(long = "scenario", value_name = "ID")]
    scenarios: Vec<String>,
    /// Every scenario of the network and the base network.
    #[arg(long = "all-scenarios")]
    all_scenarios: bool,
}

impl Args {
    fn options(&self) -> Result<DutyOptions, Failure> {
        let mut o = DutyOptions::default();
        for item in &self.set {
            let (name, value) = item.split_once('=').ok_or_else(|| {
                Failure::input(format!("error: --set expects NAME=VALUE, got `{item}`"))
            })?;
            o.set(name.trim(), value)?;
        }
        if !self.scenarios.is_empty() {
            o.scenarios = self.scenarios.clone();
        }
        o.all_scenarios |= self.all_scenarios;
        o.check()?;
        Ok(o)
    }
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    let options = args.options()?;
    let net = read_network(&args.network)?;
    let report = equipment_duty(&net, &options).map_err(|e| Failure::in_file(&args.network, e))?;
    drop(net);
    warn(report.warnings.iter());
    write(out, &report, args.format, &args.network).map_err(Failure::output)?;
    if report.any_fail() {
        let mut f = Failure::input(format!(
            "{}: {} of {} checks fail",
            args.network.display(),
            report.summary.fail,
            report.checks.len()
        ));
        f.code = EXIT_FAIL;
        return Err(f);
    }
    Ok(())
}

fn write(
    out: &mut dyn Write,
    report: &DutyReport,
    format: Format,
    source: &Path,
) -> io::Result<()> {
    match format {
        Format::Json => output::json(out, report),
        Format::Csv => {
            writeln!(
                out,
                "# ampflux {}: equipment duty (IEC 60909-0 maximum currents); numbers to {} significant digits",
                env!("CARGO_PKG_VERSION"),
                csv::DIGITS
            )?;
            writeln!(
                out,
                "# network: {} (sha256 {})",
                source.display(),
                report.network_digest
            )?;
            write!(out, "# study: ")?;
            serde_json::to_writer(&mut *out, &report.study)?;
            write!(out, "\n# summary: ")?;
            serde_json::to_writer(&mut *out, &report.summary)?;
            writeln!(out)?;
            csv::write_table(out, &report.checks)
        }
        Format::Table => out.write_all(table(report).as_bytes()),
    }
}

/// The text table: one line per check, then the summary.
fn table(report: &DutyReport) -> String {
    let o = &report.study;
    let mut faults: Vec<&str> = Vec::new();
    let mut scenarios: Vec<&str> = Vec::new();
    for c in &report.cases {
        if !faults.contains(&c.fault.as_str()) {
            faults.push(c.fault.as_str());
        }
        if !scenarios.contains(&c.scenario.as_str()) {
            scenarios.push(&c.scenario);
        }
    }
    let mut text = format!(
        "Equipment duty, IEC 60909 maximum currents: faults {}, scenarios {}, Tk = {} s, \
         tmin = {} s, duty basis {}, marginal from {} %\n\n",
        faults.join(" "),
        scenarios.join(" "),
        o.study.tk_s,
        o.study.tmin_s,
        serde_json::to_value(o.duty_basis)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        o.marginal_percent
    );
    let mut rows: Vec<Vec<String>> = vec![
        [
            "Element", "Table", "Check", "Duty", "Rating", "Unit", "Util %", "Verdict", "Fault",
            "Location", "Scenario",
        ]
        .map(str::to_string)
        .to_vec(),
    ];
    let f3 = |v: f64| format!("{v:.3}");
    for c in &report.checks {
        rows.push(vec![
            c.element.clone(),
            c.table.key().to_string(),
            c.check.as_str().to_string(),
            f3(c.duty),
            c.rating.map_or(String::new(), f3),
            c.unit.clone(),
            c.utilization_percent
                .map_or(String::new(), |u| format!("{u:.1}")),
            c.verdict.as_str().to_string(),
            c.fault.map_or("", |f| f.as_str()).to_string(),
            c.location.clone().unwrap_or_default(),
            c.scenario.clone().unwrap_or_default(),
        ]);
    }
    text.push_str(&output::aligned(&rows));
    let s = report.summary;
    text.push_str(&format!(
        "\n{} checks: {} pass, {} marginal, {} fail, {} unrated\n",
        report.checks.len(),
        s.pass,
        s.marginal,
        s.fail,
        s.unrated
    ));
    text
}

//! `ampflux`: run IEC 60909 short-circuit studies, validate networks and compare circuit
//! versions from the command line.
//!
//! Exit codes: 0 success, 2 bad input (unreadable file, invalid network or options; the
//! problems are listed on stderr), 1 any other failure.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use ampflux_core::{Error, LineFault, Network, StudyOptions, short_circuit_with_progress, version};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "ampflux",
    version,
    about = "IEC 60909 short-circuit studies on AmpFlux network documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned text tables.
    Table,
    /// Comma-separated values.
    Csv,
    /// The report as JSON.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run a short-circuit study.
    Sc {
        /// Network document (format v1 JSON).
        network: PathBuf,
        /// Fault type: 3ph, 2ph, 1ph or 2phe.
        #[arg(long)]
        fault: Option<String>,
        /// max or min.
        #[arg(long)]
        case: Option<String>,
        /// κ method for meshed networks: b or c.
        #[arg(long = "ip-method")]
        ip_method: Option<String>,
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
        /// Branch currents and bus voltages for the fault buses.
        #[arg(long)]
        branches: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Any study option of the format by name: NAME=VALUE (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
    },
    /// Print the corrected impedances (Z·K_T, Z·K_G, ...) and correction factors of every element.
    Impedances {
        /// Network document.
        network: PathBuf,
        /// Study options (case, c factors): NAME=VALUE (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Output format (table, csv or json).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Print the content digest (SHA-256 of the canonical form) of a network.
    Digest {
        /// Network document.
        network: PathBuf,
    },
    /// Print the change set that turns network A into network B.
    Diff {
        /// Network A (base).
        a: PathBuf,
        /// Network B (new).
        b: PathBuf,
        /// `table` for the summary, `json` for the machine-readable change set.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Apply a change set (from `ampflux diff --format json`) to a network and print the result.
    Apply {
        /// Network document.
        network: PathBuf,
        /// Change set (JSON).
        changes: PathBuf,
    },
    /// Check a network and list every problem (for the study options given with --set).
    Validate {
        /// Network document.
        network: PathBuf,
        /// Study options to check the network for: NAME=VALUE (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Output format (table or json).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// A failure with its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = match e {
            Error::Solver(_) => 1,
            _ => 2,
        };
        let mut message = format!("error [{}]: {e}", e.code());
        if !e.issues().is_empty() {
            message = format!("error [{}]: the network has problems:", e.code());
            for issue in e.issues() {
                message.push_str(&format!("\n  {issue}"));
            }
        }
        Failure { code, message }
    }
}

fn input(message: String) -> Failure {
    Failure { code: 2, message }
}

fn read_network(path: &PathBuf) -> Result<Network, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| input(format!("error: cannot read {}: {e}", path.display())))?;
    Network::from_json(&text).map_err(|e| {
        let mut f = Failure::from(e);
        f.message = format!("{}: {}", path.display(), f.message);
        f
    })
}

fn apply_sets(options: &mut StudyOptions, sets: &[String]) -> Result<(), Failure> {
    for item in sets {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| input(format!("error: --set expects NAME=VALUE, got `{item}`")))?;
        options.set(name.trim(), value.trim())?;
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Sc {
            network,
            fault,
            case,
            ip_method,
            tk,
            tmin,
            buses,
            at,
            rf,
            xf,
            branches,
            format,
            set,
        } => {
            let net = read_network(&network)?;
            let mut options = StudyOptions::default();
            for (name, value) in [
                ("fault", fault),
                ("case", case),
                ("ip_method", ip_method),
                ("tk_s", tk.map(|v| v.to_string())),
                ("tmin_s", tmin.map(|v| v.to_string())),
                ("r_fault_ohm", rf.map(|v| v.to_string())),
                ("x_fault_ohm", xf.map(|v| v.to_string())),
            ] {
                if let Some(value) = value {
                    options.set(name, &value)?;
                }
            }
            if !buses.is_empty() {
                options.buses = Some(buses);
            }
            for a in &at {
                options.line_faults.push(LineFault::parse(a)?);
            }
            options.branch_results |= branches;
            apply_sets(&mut options, &set)?;
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed}")
                    .expect("valid template"),
            );
            let report = short_circuit_with_progress(&net, &options, &|done, total| {
                if total >= 2000 {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                }
            })?;
            bar.finish_and_clear();
            for w in &report.warnings {
                eprintln!("{w}");
            }
            print!("{}", output::render(&report, format));
            Ok(())
        }
        Command::Impedances {
            network,
            set,
            format,
        } => {
            let net = read_network(&network)?;
            let mut options = StudyOptions::default();
            apply_sets(&mut options, &set)?;
            let rows = ampflux_core::element_impedances(&net, &options)?;
            print!("{}", output::impedances(&rows, format));
            Ok(())
        }
        Command::Digest { network } => {
            println!("{}", read_network(&network)?.digest());
            Ok(())
        }
        Command::Diff { a, b, format } => {
            let changes = version::diff(&read_network(&a)?, &read_network(&b)?);
            match format {
                Format::Json => println!("{}", changes.to_json()),
                _ => println!("{}", changes.summary()),
            }
            Ok(())
        }
        Command::Apply { network, changes } => {
            let net = read_network(&network)?;
            let text = std::fs::read_to_string(&changes)
                .map_err(|e| input(format!("error: cannot read {}: {e}", changes.display())))?;
            let changes = version::ChangeSet::from_json(&text)?;
            println!("{}", version::apply(&net, &changes)?.to_json());
            Ok(())
        }
        Command::Validate {
            network,
            set,
            format,
        } => {
            let net = read_network(&network)?;
            let mut options = StudyOptions::default();
            apply_sets(&mut options, &set)?;
            options.check()?;
            let issues = net.validate_for(&options);
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&issues).expect("issues serialize")
                );
            } else if issues.is_empty() {
                println!("{}: no problems", network.display());
            } else {
                for i in &issues {
                    println!("{i}");
                }
            }
            if issues.iter().any(|i| i.is_error()) {
                Err(Failure {
                    code: 2,
                    message: format!(
                        "{}: {} error(s)",
                        network.display(),
                        issues.iter().filter(|i| i.is_error()).count()
                    ),
                })
            } else {
                Ok(())
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
    }
}

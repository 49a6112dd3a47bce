//! `ampflux`: run IEC 60909 short-circuit studies, validate networks and compare circuit
//! versions from the command line.
//!
//! Exit codes: 0 success, 2 bad input (unreadable file, invalid network or options; the
//! problems are listed on stderr, each with the file name), 3 a failing check of `ampflux
//! duty`, 1 any other failure. A reader
//! that closes the output early (`ampflux sc net.json | head`) ends the output quietly; the
//! exit code stays the command's own.
//!
//! One module per command (`sc.rs`, `validate.rs`, ...), each with its `Args` and
//! `run(args, out)`; a new command adds its module, one variant of [`Command`] and one arm of
//! [`run`]. Commands write their results to `out` ([`Out`]: buffered, closed-pipe aware),
//! warnings with [`out::warn`], and read networks with [`input::read_network`].

mod allocator;
mod arcflash;
mod csv;
mod duty;
mod failure;
mod impedances;
mod input;
mod labels;
mod out;
mod output;
mod progress;
mod sc;
mod selectivity;
mod tcc;
mod validate;
mod versions;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub(crate) use failure::Failure;
pub(crate) use out::Out;

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
    /// Comma-separated values: `#` comment lines with the study, a header row, one row per
    /// result (6 significant digits; JSON keeps every digit).
    Csv,
    /// The report as JSON.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run a short-circuit study.
    Sc(sc::Args),
    /// Print the corrected impedances (Z·K_T, Z·K_G, ...) and correction factors of every element.
    Impedances(impedances::Args),
    /// Print the content digest (SHA-256 of the canonical form) of a network.
    Digest(versions::DigestArgs),
    /// Print the change set that turns network A into network B.
    Diff(versions::DiffArgs),
    /// Apply a change set (from `ampflux diff --format json`) to a network and print the result.
    Apply(versions::ApplyArgs),
    /// Check a network and list every problem (for the study options given with --set).
    Validate(validate::Args),
    /// Arc flash per IEEE 1584-2018: one calculation from flags, or the study of a network.
    Arcflash(arcflash::Args),
    /// Write one printable arc-flash label (SVG, NFPA 70E 130.5(H)) per bus.
    Labels(labels::Args),
    /// Draw the time-current curves of protective devices (SVG, log-log).
    Tcc(tcc::Args),
    /// Check selectivity between protective devices in series.
    Selectivity(selectivity::Args),
    /// Equipment duty: breakers, fuses, switches, busbars and cables against their ratings
    /// (exit code 3 when a check fails).
    Duty(duty::Args),
}

fn run(command: Command, out: &mut Out) -> Result<(), Failure> {
    match command {
        Command::Sc(args) => sc::run(args, out),
        Command::Impedances(args) => impedances::run(args, out),
        Command::Digest(args) => versions::digest(args, out),
        Command::Diff(args) => versions::diff(args, out),
        Command::Apply(args) => versions::apply(args, out),
        Command::Validate(args) => validate::run(args, out),
        Command::Arcflash(args) => arcflash::run(args, out),
        Command::Labels(args) => labels::run(args, out),
        Command::Tcc(args) => tcc::run(args, out),
        Command::Selectivity(args) => selectivity::run(args, out),
        Command::Duty(args) => duty::run(args, out),
    }
}

fn main() -> ExitCode {
    allocator::tune();
    let cli = Cli::parse();
    let mut out = Out::stdout();
    let result = run(cli.command, &mut out).and_then(|()| out.finish());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // what was written before the failure still reaches the reader
            let _ = out.finish();
            f.report();
            ExitCode::from(f.code)
        }
    }
}

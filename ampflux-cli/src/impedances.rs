//! `ampflux impedances`: the corrected impedances and correction factors of every element.

use std::path::PathBuf;

use ampflux_core::StudyOptions;

use crate::input::{apply_sets, read_network};
use crate::{Failure, Format, Out, output};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document.
    network: PathBuf,
    /// Study options (case, c factors): NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Output format (table, csv or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    let mut options = StudyOptions::default();
    apply_sets(&mut options, &args.set)?;
    let net = read_network(&args.network)?;
    let rows = ampflux_core::element_impedances(&net, &options)
        .map_err(|e| Failure::in_file(&args.network, e))?;
    output::impedances(out, &rows, args.format).map_err(Failure::output)
}

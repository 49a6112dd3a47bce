//! `ampflux digest`, `diff` and `apply`: circuit versions.

use std::io::Write;
use std::path::PathBuf;

use ampflux_core::version;

use crate::input::{read_network, read_text};
use crate::{Failure, Format, Out, output};

#[derive(clap::Args)]
pub(crate) struct DigestArgs {
    /// Network document.
    network: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct DiffArgs {
    /// Network A (base).
    a: PathBuf,
    /// Network B (new).
    b: PathBuf,
    /// `table` for the summary, `json` for the machine-readable change set.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(clap::Args)]
pub(crate) struct ApplyArgs {
    /// Network document.
    network: PathBuf,
    /// Change set (JSON).
    changes: PathBuf,
}

pub(crate) fn digest(args: DigestArgs, out: &mut Out) -> Result<(), Failure> {
    let digest = read_network(&args.network)?.digest();
    writeln!(out, "{digest}").map_err(Failure::output)
}

pub(crate) fn diff(args: DiffArgs, out: &mut Out) -> Result<(), Failure> {
    let changes = version::diff(&read_network(&args.a)?, &read_network(&args.b)?);
    match args.format {
        Format::Json => output::json(out, &changes),
        _ => writeln!(out, "{}", changes.summary()),
    }
    .map_err(Failure::output)
}

pub(crate) fn apply(args: ApplyArgs, out: &mut Out) -> Result<(), Failure> {
    let net = read_network(&args.network)?;
    let changes = version::ChangeSet::from_json(&read_text(&args.changes)?)
        .map_err(|e| Failure::in_file(&args.changes, e))?;
    let patched = version::apply(&net, &changes).map_err(|e| Failure::in_file(&args.changes, e))?;
    output::json(out, &patched.document_value()).map_err(Failure::output)
}

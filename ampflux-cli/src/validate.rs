//! `ampflux validate`: every problem of a network at once, whether it reads or not.

use std::io::Write;
use std::path::PathBuf;

use ampflux_core::{Error, Network, StudyOptions};

use crate::failure::summary;
use crate::input::{apply_sets, read_text};
use crate::{Failure, Format, Out, output};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document.
    network: PathBuf,
    /// Study options to check the network for: NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Output format: table (one line per problem, with the file name) or json (an array of
    /// problems: severity, code, table, element, field, message).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    let mut options = StudyOptions::default();
    apply_sets(&mut options, &args.set)?;
    options.check()?;
    let path = &args.network;
    let text = read_text(path)?;
    let issues = match Network::from_json(&text) {
        Ok(net) => net.validate_for(&options),
        Err(Error::Format { .. }) => Network::check_json(&text),
        Err(e) => return Err(Failure::in_file(path, e)),
    };
    drop(text);
    let written = if args.format == Format::Json {
        output::json(out, &issues)
    } else if issues.is_empty() {
        writeln!(out, "{}: no problems", path.display())
    } else {
        issues
            .iter()
            .try_for_each(|i| writeln!(out, "{}: {i}", path.display()))
    };
    written.map_err(Failure::output)?;
    if issues.iter().any(|i| i.is_error()) {
        Err(Failure::input(summary(path, &issues)))
    } else {
        Ok(())
    }
}

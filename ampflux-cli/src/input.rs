//! Reading network documents and study options from the command line.

use std::path::Path;

use ampflux_core::{Error, Network, StudyOptions};

use crate::Failure;

/// The text of the file at `path`.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("{}: error: cannot read: {e}", path.display())))
}

/// Reads the network document at `path`. A document that cannot be read fails with every
/// problem it has (format and validation), each line naming the file.
pub(crate) fn read_network(path: &Path) -> Result<Network, Failure> {
    let text = read_text(path)?;
    Network::from_json(&text).map_err(|e| match e {
        Error::Format { .. } => Failure::problems(path, &Network::check_json(&text)),
        other => Failure::in_file(path, other),
    })
}

/// Applies `--set NAME=VALUE` items to `options`, each to its one field.
pub(crate) fn apply_sets(options: &mut StudyOptions, sets: &[String]) -> Result<(), Failure> {
    for item in sets {
        let (name, value) = item.split_once('=').ok_or_else(|| {
            Failure::input(format!("error: --set expects NAME=VALUE, got `{item}`"))
        })?;
        options.set(name.trim(), value)?;
    }
    Ok(())
}

/// Reads an option value given by its name (`--fault 1ph`, `--case min`) into its type.
pub(crate) fn option_name<T: std::str::FromStr<Err = Error>>(text: &str) -> Result<T, String> {
    text.parse().map_err(|e: Error| e.to_string())
}

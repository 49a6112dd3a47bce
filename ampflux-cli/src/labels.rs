//! `ampflux labels NET.json --out DIR`: one printable arc-flash label (SVG) per bus.

use std::path::PathBuf;

use ampflux_core::Case;
use ampflux_core::arcflash::{LabelMethod, LabelOptions, label_svg};

use crate::arcflash::{study, study_options};
use crate::input::option_name;
use crate::{Failure, Out};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document.
    network: PathBuf,
    /// Directory to write `<bus id>.svg` into (created when missing).
    #[arg(long)]
    out: PathBuf,
    /// Bus to label (repeat for several; default: every bus the study covers).
    #[arg(long = "bus")]
    buses: Vec<String>,
    /// Date of the assessment printed on the labels (default: today, UTC, YYYY-MM-DD).
    #[arg(long)]
    date: Option<String>,
    /// Study reference printed on the labels (default: the network's name).
    #[arg(long)]
    study: Option<String>,
    /// Print the PPE category instead of the incident energy (NFPA 70E allows one, not both).
    #[arg(long = "ppe-category")]
    ppe_category: bool,
    /// max (default) or min short-circuit currents.
    #[arg(long, value_parser = option_name::<Case>)]
    case: Option<Case>,
    /// Any arc-flash or short-circuit option by name: NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
}

/// A file name for bus `id`: letters, digits, `-`, `_` and `.` kept, others as `_`.
fn file_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.svg", safe.trim_start_matches('.'))
}

/// Today's date (UTC) as YYYY-MM-DD, from the days since 1970-01-01 (the civil-from-days
/// conversion of the proleptic Gregorian calendar).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    use std::io::Write;
    let options = study_options(&args.buses, args.case, &args.set)?;
    let report = study(&args.network, &options)?;
    let name = crate::input::read_network(&args.network)?.name;
    let label = LabelOptions {
        date: Some(args.date.unwrap_or_else(today)),
        study: args.study.or(name),
        method: if args.ppe_category {
            LabelMethod::PpeCategory
        } else {
            LabelMethod::IncidentEnergy
        },
    };
    let fail = |p: &std::path::Path, e: std::io::Error| {
        Failure::input(format!("{}: error: cannot write: {e}", p.display()))
    };
    std::fs::create_dir_all(&args.out).map_err(|e| fail(&args.out, e))?;
    let mut used = std::collections::HashSet::new();
    for bus in &report.buses {
        let mut file = file_name(&bus.id);
        while !used.insert(file.clone()) {
            file = format!("_{file}");
        }
        let path = args.out.join(&file);
        std::fs::write(&path, label_svg(bus, &label)).map_err(|e| fail(&path, e))?;
        writeln!(out, "{}", path.display()).map_err(Failure::output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_safe() {
        assert_eq!(super::file_name("LV-MAIN"), "LV-MAIN.svg");
        assert_eq!(super::file_name("../etc/x y"), "_etc_x_y.svg");
    }

    #[test]
    fn today_is_a_date() {
        let d = super::today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }
}

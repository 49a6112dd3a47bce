//! `ampflux arcflash`: one IEEE 1584-2018 calculation from flags, or the arc-flash study of a
//! network (`ampflux arcflash NET.json`).

use std::io::Write;
use std::path::{Path, PathBuf};

use ampflux_core::Case;
use ampflux_core::arcflash::{
    ArcFlashBus, ArcFlashOptions, ArcFlashReport, ElectrodeConfiguration, EnergyMethod,
    Ieee1584Params, Ieee1584Result, arc_flash, ieee1584,
};
use serde::Serialize;

use crate::input::{option_name, read_network};
use crate::out::warn;
use crate::output::{aligned, json};
use crate::{Failure, Format, Out, csv};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Network document: run the arc-flash study of its buses. Without it, one calculation
    /// from the flags below.
    network: Option<PathBuf>,
    /// One calculation: open-circuit voltage in kV (0.208 to 15).
    #[arg(long = "voc-kv")]
    voc_kv: Option<f64>,
    /// One calculation: electrode configuration (VCB, VCBB, HCB, VOA, HOA).
    #[arg(long, value_parser = config)]
    config: Option<ElectrodeConfiguration>,
    /// One calculation: gap between conductors in mm.
    #[arg(long = "gap-mm")]
    gap_mm: Option<f64>,
    /// One calculation: working distance in mm.
    #[arg(long = "distance-mm")]
    distance_mm: Option<f64>,
    /// One calculation: enclosure height in mm (absent: typical switchgear).
    #[arg(long = "height-mm")]
    height_mm: Option<f64>,
    /// One calculation: enclosure width in mm (absent: typical switchgear).
    #[arg(long = "width-mm")]
    width_mm: Option<f64>,
    /// One calculation: enclosure depth in mm (absent: typical switchgear).
    #[arg(long = "depth-mm")]
    depth_mm: Option<f64>,
    /// One calculation: bolted three-phase fault current in kA.
    #[arg(long = "ibf-ka")]
    ibf_ka: Option<f64>,
    /// One calculation: arc duration at the arcing current in ms.
    #[arg(long = "time-ms")]
    time_ms: Option<f64>,
    /// One calculation: arc duration at the reduced arcing current in ms (absent: --time-ms).
    #[arg(long = "time-min-ms")]
    time_min_ms: Option<f64>,
    /// Network study: bus to study (repeat for several; default: every bus from 0.208 kV to
    /// 15 kV).
    #[arg(long = "bus")]
    buses: Vec<String>,
    /// Network study: longest arc duration in s (default 2).
    #[arg(long = "max-arc-duration")]
    max_arc_duration_s: Option<f64>,
    /// Network study: single_step (default) or step_wise energy.
    #[arg(long = "energy-method", value_parser = energy_method)]
    energy_method: Option<EnergyMethod>,
    /// Network study: max (default) or min short-circuit currents.
    #[arg(long, value_parser = option_name::<Case>)]
    case: Option<Case>,
    /// Network study: any arc-flash or short-circuit option by name: NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

fn config(text: &str) -> Result<ElectrodeConfiguration, String> {
    ElectrodeConfiguration::parse(text).ok_or_else(|| {
        format!("unknown electrode configuration `{text}`: VCB, VCBB, HCB, VOA or HOA")
    })
}

fn energy_method(text: &str) -> Result<EnergyMethod, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().into()))
        .map_err(|_| format!("`{text}`: single_step or step_wise"))
}

/// The arc-flash options of the network flags (shared with `ampflux labels`).
pub(crate) fn study_options(
    buses: &[String],
    case: Option<Case>,
    sets: &[String],
) -> Result<ArcFlashOptions, Failure> {
    let mut o = ArcFlashOptions::default();
    if !buses.is_empty() {
        o.buses = Some(buses.to_vec());
    }
    if let Some(c) = case {
        o.short_circuit.case = c;
    }
    for item in sets {
        let (name, value) = item.split_once('=').ok_or_else(|| {
            Failure::input(format!("error: --set expects NAME=VALUE, got `{item}`"))
        })?;
        o.set(name.trim(), value)?;
    }
    Ok(o)
}

/// Runs the arc-flash study of the network at `path`, warnings to standard error.
pub(crate) fn study(path: &Path, options: &ArcFlashOptions) -> Result<ArcFlashReport, Failure> {
    options.check()?;
    let net = read_network(path)?;
    let report = arc_flash(&net, options).map_err(|e| Failure::in_file(path, e))?;
    warn(report.warnings.iter());
    warn(report.buses.iter().flat_map(|b| b.warnings.iter()));
    Ok(report)
}

pub(crate) fn run(args: Args, out: &mut Out) -> Result<(), Failure> {
    match &args.network {
        Some(path) => {
            let mut options = study_options(&args.buses, args.case, &args.set)?;
            if let Some(v) = args.max_arc_duration_s {
                options.max_arc_duration_s = v;
            }
            if let Some(v) = args.energy_method {
                options.energy_method = v;
            }
            let report = study(path, &options)?;
            write_report(out, &report, args.format, path).map_err(Failure::output)
        }
        None => {
            let r = ieee1584(&args.params()?)?;
            warn(r.warnings.iter());
            write_one(out, &r, args.format).map_err(Failure::output)
        }
    }
}

impl Args {
    fn params(&self) -> Result<Ieee1584Params, Failure> {
        let need = |flag: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                Failure::input(format!(
                    "error: give a network document, or --{flag} (with --voc-kv, --config, --gap-mm, --distance-mm, --ibf-ka, --time-ms) for one calculation"
                ))
            })
        };
        Ok(Ieee1584Params {
            voc_kv: need("voc-kv", self.voc_kv)?,
            config: self.config.ok_or_else(|| {
                Failure::input(
                    "error: --config is needed for one calculation (VCB, VCBB, HCB, VOA, HOA)"
                        .into(),
                )
            })?,
            gap_mm: need("gap-mm", self.gap_mm)?,
            distance_mm: need("distance-mm", self.distance_mm)?,
            height_mm: self.height_mm,
            width_mm: self.width_mm,
            depth_mm: self.depth_mm,
            ibf_ka: need("ibf-ka", self.ibf_ka)?,
            time_ms: need("time-ms", self.time_ms)?,
            time_min_ms: self.time_min_ms,
        })
    }
}

fn write_one(out: &mut dyn Write, r: &Ieee1584Result, format: Format) -> std::io::Result<()> {
    match format {
        Format::Json => json(out, r),
        Format::Csv => {
            #[derive(Serialize)]
            struct Row<'a> {
                iarc_ka: f64,
                iarc_min_ka: f64,
                energy_j_per_cm2: f64,
                energy_min_j_per_cm2: f64,
                afb_mm: f64,
                afb_min_mm: f64,
                cf: f64,
                var_cf: f64,
                incident_energy_j_per_cm2: f64,
                incident_energy_cal_per_cm2: f64,
                ppe_category: Option<u8>,
                governing: &'a str,
            }
            csv::write_table(
                out,
                &[Row {
                    iarc_ka: r.iarc_ka,
                    iarc_min_ka: r.iarc_min_ka,
                    energy_j_per_cm2: r.energy_j_per_cm2,
                    energy_min_j_per_cm2: r.energy_min_j_per_cm2,
                    afb_mm: r.afb_mm,
                    afb_min_mm: r.afb_min_mm,
                    cf: r.cf,
                    var_cf: r.var_cf,
                    incident_energy_j_per_cm2: r.incident_energy_j_per_cm2,
                    incident_energy_cal_per_cm2: r.incident_energy_cal_per_cm2,
                    ppe_category: r.ppe_category,
                    governing: scenario(r.governing),
                }],
            )
        }
        Format::Table => {
            let e = &r.equipment;
            let mut rows = vec![vec![
                "scenario".into(),
                "Iarc kA".into(),
                "T ms".into(),
                "E J/cm²".into(),
                "E cal/cm²".into(),
                "AFB mm".into(),
            ]];
            for (c, en) in r.currents.iter().zip(&r.energies) {
                rows.push(vec![
                    scenario(c.scenario).into(),
                    format!("{:.3}", c.iarc_ka),
                    format!("{:.1}", en.time_ms),
                    format!("{:.3}", en.energy_j_per_cm2),
                    format!("{:.3}", en.energy_j_per_cm2 / 4.184),
                    format!("{:.0}", en.afb_mm),
                ]);
            }
            writeln!(
                out,
                "IEEE 1584-2018: {} kV {}, gap {} mm, working distance {} mm, Ibf {} kA; CF {:.3}, VarCf {:.3}",
                e.voc_kv,
                e.electrode_configuration.as_str(),
                e.gap_mm,
                e.working_distance_mm,
                r.ibf_ka,
                r.cf,
                r.var_cf
            )?;
            out.write_all(aligned(&rows).as_bytes())?;
            writeln!(
                out,
                "governing: {} current: {:.3} J/cm² = {:.3} cal/cm², arc-flash boundary {:.0} mm, PPE category {}",
                scenario(r.governing),
                r.incident_energy_j_per_cm2,
                r.incident_energy_cal_per_cm2,
                r.arc_flash_boundary_mm,
                ppe(r.ppe_category)
            )
        }
    }
}

fn scenario(s: ampflux_core::arcflash::ArcScenario) -> &'static str {
    match s {
        ampflux_core::arcflash::ArcScenario::Full => "full",
        ampflux_core::arcflash::ArcScenario::Reduced => "reduced",
    }
}

fn ppe(p: Option<u8>) -> String {
    p.map_or("none (> 40 cal/cm²)".into(), |c| c.to_string())
}

/// One CSV row of a bus: the contract fields, then the equipment.
#[derive(Serialize)]
struct BusRow<'a> {
    id: &'a str,
    ibf_ka: f64,
    iarc_ka: f64,
    iarc_min_ka: f64,
    clearing_time_ms: f64,
    clearing_time_min_ms: f64,
    device: Option<&'a str>,
    incident_energy_j_per_cm2: f64,
    incident_energy_cal_per_cm2: f64,
    afb_mm: f64,
    ppe_category: Option<u8>,
    warnings: String,
    vn_kv: f64,
    governing: &'static str,
    electrode_configuration: &'static str,
    gap_mm: f64,
    working_distance_mm: f64,
    typical_values: String,
}

fn bus_row(b: &ArcFlashBus) -> BusRow<'_> {
    BusRow {
        id: &b.id,
        ibf_ka: b.ibf_ka,
        iarc_ka: b.iarc_ka,
        iarc_min_ka: b.iarc_min_ka,
        clearing_time_ms: b.clearing_time_ms,
        clearing_time_min_ms: b.clearing_time_min_ms,
        device: b.device.as_deref(),
        incident_energy_j_per_cm2: b.incident_energy_j_per_cm2,
        incident_energy_cal_per_cm2: b.incident_energy_cal_per_cm2,
        afb_mm: b.afb_mm,
        ppe_category: b.ppe_category,
        warnings: b
            .warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        vn_kv: b.vn_kv,
        governing: scenario(b.governing),
        electrode_configuration: b.equipment.electrode_configuration.as_str(),
        gap_mm: b.equipment.gap_mm,
        working_distance_mm: b.equipment.working_distance_mm,
        typical_values: b.typical_values.join(" "),
    }
}

fn write_report(
    out: &mut dyn Write,
    report: &ArcFlashReport,
    format: Format,
    source: &Path,
) -> std::io::Result<()> {
    match format {
        Format::Json => json(out, report),
        Format::Csv => {
            writeln!(
                out,
                "# ampflux {}: IEEE 1584-2018 arc-flash study; numbers to {} significant digits",
                env!("CARGO_PKG_VERSION"),
                csv::DIGITS
            )?;
            writeln!(
                out,
                "# network: {} (sha256 {})",
                source.display(),
                report.network_digest
            )?;
            writeln!(
                out,
                "# study: {}",
                serde_json::to_string(&report.study).unwrap_or_default()
            )?;
            let rows: Vec<BusRow> = report.buses.iter().map(bus_row).collect();
            csv::write_table(out, &rows)
        }
        Format::Table => {
            let mut rows = vec![
                [
                    "bus",
                    "kV",
                    "Ibf kA",
                    "Iarc kA",
                    "Imin kA",
                    "T ms",
                    "Tmin ms",
                    "device",
                    "E J/cm²",
                    "E cal/cm²",
                    "AFB mm",
                    "PPE",
                    "notes",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for b in &report.buses {
                rows.push(vec![
                    b.id.clone(),
                    format!("{}", b.vn_kv),
                    format!("{:.3}", b.ibf_ka),
                    format!("{:.3}", b.iarc_ka),
                    format!("{:.3}", b.iarc_min_ka),
                    format!("{:.1}", b.clearing_time_ms),
                    format!("{:.1}", b.clearing_time_min_ms),
                    b.device.clone().unwrap_or_else(|| "-".into()),
                    format!("{:.2}", b.incident_energy_j_per_cm2),
                    format!("{:.2}", b.incident_energy_cal_per_cm2),
                    format!("{:.0}", b.afb_mm),
                    b.ppe_category.map_or(">4".into(), |c| c.to_string()),
                    b.warnings
                        .iter()
                        .map(|w| w.code.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                ]);
            }
            out.write_all(aligned(&rows).as_bytes())
        }
    }
}

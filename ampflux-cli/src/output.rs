//! Rendering a study report as a text table, CSV or JSON, straight to a writer.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use ampflux_core::{BusStatus, FaultKind, StudyReport};
use serde::Serialize;

use crate::Format;
use crate::csv;

/// The bus results of `report` (and, in the table and JSON formats, the branch results it
/// holds) on `out`. `source` is the network document, named in the CSV header.
pub(crate) fn report(
    out: &mut dyn Write,
    report: &StudyReport,
    format: Format,
    source: &Path,
) -> io::Result<()> {
    match format {
        Format::Json => json(out, report),
        Format::Csv => {
            csv_header(out, report, source)?;
            csv::write_table(out, &report.buses)
        }
        Format::Table => out.write_all(table(report).as_bytes()),
    }
}

/// One CSV table of result rows (branch currents, bus voltages) of `report` on `out`.
pub(crate) fn csv_rows<T: Serialize>(
    out: &mut dyn Write,
    rows: &[T],
    report: &StudyReport,
    source: &Path,
) -> io::Result<()> {
    csv_header(out, report, source)?;
    csv::write_table(out, rows)
}

/// Pretty JSON and a final newline, serialized straight into `out` (through a buffer of
/// its own: the serializer's many small writes then cost a copy, not a call through `dyn`).
pub(crate) fn json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// The `#` comment lines that open every CSV table: the program, the network and its digest,
/// and the study options as one JSON object.
fn csv_header(out: &mut dyn Write, report: &StudyReport, source: &Path) -> io::Result<()> {
    writeln!(
        out,
        "# ampflux {}: IEC 60909-0 short-circuit study; numbers to {} significant digits",
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
    writeln!(out)
}

/// The state of a location in the text table (blank when computed normally).
fn status(s: BusStatus) -> &'static str {
    match s {
        BusStatus::Ok => "",
        BusStatus::Unsupplied => "unsupplied",
        BusStatus::NoZeroSequencePath => "isolated neutral: outside IEC 60909",
        BusStatus::ResonanceEarthed => "resonance earthed: outside IEC 60909",
    }
}

/// Left-aligns the first column and right-aligns the others.
pub(crate) fn aligned(rows: &[Vec<String>]) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c == 0 {
                let _ = write!(line, "{cell:<w$}", w = widths[c]);
            } else {
                let _ = write!(line, "  {cell:>w$}", w = widths[c]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn table(report: &StudyReport) -> String {
    let s = &report.study;
    let earth = s.fault.involves_earth();
    let kind = match s.fault {
        FaultKind::ThreePhase => "three-phase",
        FaultKind::LineToLine => "line-to-line",
        FaultKind::LineToEarth => "line-to-earth",
        FaultKind::DoubleLineToEarth => "double line-to-earth",
    };
    let mut out = format!(
        "IEC 60909 {kind} short circuit, {} case, ip method {}, Tk = {} s, tmin = {} s\n\n",
        serde_json::to_value(s.case)
            .expect("serializes")
            .as_str()
            .unwrap_or(""),
        serde_json::to_value(s.ip_method)
            .expect("serializes")
            .as_str()
            .unwrap_or(""),
        s.tk_s,
        s.tmin_s
    );
    let mut header = vec![
        "Bus",
        "Un kV",
        "Ik'' kA",
        "Sk'' MVA",
        "ip kA",
        "Ib kA",
        "Ith kA",
        "Ik kA",
        "idc kA",
        "Ib,asym kA",
        "Rk ohm",
        "Xk ohm",
        "kappa",
    ];
    if earth {
        header.extend(["IkE kA", "R0 ohm", "X0 ohm", "ICE/IRes kA"]);
    }
    header.push("");
    let mut rows: Vec<Vec<String>> = vec![header.into_iter().map(str::to_string).collect()];
    // a quantity the standard leaves empty at a location (NaN) prints as "-"
    let f3 = |v: f64| {
        if v.is_nan() {
            "-".into()
        } else {
            format!("{v:.3}")
        }
    };
    let f4 = |v: f64| {
        if v.is_finite() {
            format!("{v:.4}")
        } else {
            "inf".into()
        }
    };
    for b in &report.buses {
        let mut r = vec![
            b.id.clone(),
            format!("{}", b.vn_kv),
            f3(b.ikss_ka),
            f3(b.skss_mva),
            f3(b.ip_ka),
            f3(b.ib_ka),
            f3(b.ith_ka),
            f3(b.ik_ka),
            f3(b.idc_ka),
            f3(b.ib_asym_ka),
            f4(b.rk_ohm),
            f4(b.xk_ohm),
            f3(b.kappa),
        ];
        if earth {
            r.push(b.ikss_earth_ka.map_or(String::new(), f3));
            r.push(b.rk0_ohm.map_or(String::new(), f4));
            r.push(b.xk0_ohm.map_or(String::new(), f4));
            r.push(b.ice_ka.or(b.ires_ka).map_or(String::new(), f3));
        }
        r.push(status(b.status).to_string());
        rows.push(r);
    }
    out.push_str(&aligned(&rows));
    if !report.branches.is_empty() {
        out.push_str("\nBranch currents (from = HV side of transformers)\n\n");
        let mut rows: Vec<Vec<String>> = vec![
            [
                "Branch",
                "Fault at",
                "From",
                "To",
                "I from kA",
                "angle",
                "I to kA",
                "angle",
                "ip kA",
                "Ith kA",
            ]
            .into_iter()
            .map(str::to_string)
            .collect(),
        ];
        for r in &report.branches {
            rows.push(vec![
                r.id.clone(),
                r.fault_bus.clone(),
                r.from_bus.clone(),
                r.to_bus.clone(),
                f3(r.ikss_from_ka),
                format!("{:.1}", r.angle_from_deg),
                f3(r.ikss_to_ka),
                format!("{:.1}", r.angle_to_deg),
                f3(r.ip_ka),
                f3(r.ith_ka),
            ]);
        }
        out.push_str(&aligned(&rows));
    }
    out
}

/// The corrected impedances of every element on `out`.
pub(crate) fn impedances(
    out: &mut dyn Write,
    rows: &[ampflux_core::ElementImpedance],
    format: Format,
) -> io::Result<()> {
    if format == Format::Json {
        return json(out, rows);
    }
    let name = |e: &ampflux_core::ElementImpedance| match &e.leg {
        Some(leg) => format!("{}.{leg}", e.id),
        None => e.id.clone(),
    };
    let factors = |e: &ampflux_core::ElementImpedance, v: &dyn Fn(f64) -> String| {
        e.corrections
            .iter()
            .map(|(k, x)| format!("{k}={}", v(*x)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if format == Format::Csv {
        writeln!(
            out,
            "id,table,z1_r_ohm,z1_x_ohm,z1_referred_to_kv,z0_r_ohm,z0_x_ohm,z0_referred_to_kv,corrections"
        )?;
        let n = |v: Option<f64>| v.map(csv::number).unwrap_or_default();
        for e in rows {
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                csv::field(&name(e)),
                e.table,
                csv::number(e.z1_ohm[0]),
                csv::number(e.z1_ohm[1]),
                csv::number(e.z1_referred_to_kv),
                n(e.z0_ohm.map(|z| z[0])),
                n(e.z0_ohm.map(|z| z[1])),
                n(e.z0_referred_to_kv),
                csv::field(&factors(e, &csv::number))
            )?;
        }
        return Ok(());
    }
    let z =
        |v: Option<[f64; 2]>| v.map_or(String::new(), |z| format!("{:.6} + j{:.6}", z[0], z[1]));
    let mut table: Vec<Vec<String>> = vec![
        [
            "Element", "Table", "Z1 ohm", "at kV", "Z0 ohm", "at kV", "Factors",
        ]
        .map(str::to_string)
        .to_vec(),
    ];
    for e in rows {
        table.push(vec![
            name(e),
            e.table.to_string(),
            z(Some(e.z1_ohm)),
            format!("{}", e.z1_referred_to_kv),
            z(e.z0_ohm),
            e.z0_referred_to_kv
                .map_or(String::new(), |v| format!("{v}")),
            factors(e, &|x| format!("{x:.6}")),
        ]);
    }
    out.write_all(aligned(&table).as_bytes())
}

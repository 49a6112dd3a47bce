//! Rendering a study report as a text table, CSV or JSON.

use std::fmt::Write as _;

use ampflux_core::{BusStatus, FaultKind, StudyReport};

use crate::Format;

pub(crate) fn render(report: &StudyReport, format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
            s.push('\n');
            s
        }
        Format::Csv => csv(report),
        Format::Table => table(report),
    }
}

fn status(s: BusStatus) -> &'static str {
    match s {
        BusStatus::Ok => "",
        BusStatus::Unsupplied => "unsupplied",
        BusStatus::NoZeroSequencePath => "no zero-sequence path",
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(report: &StudyReport) -> String {
    let earth = report.study.fault.involves_earth();
    let mut out = String::new();
    out.push_str("id,vn_kv,ikss_ka,skss_mva,ip_ka,ib_ka,ith_ka,rk_ohm,xk_ohm,kappa");
    if earth {
        out.push_str(",ikss_earth_ka,rk0_ohm,xk0_ohm");
    }
    out.push_str(",status\n");
    for b in &report.buses {
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            csv_field(&b.id),
            b.vn_kv,
            b.ikss_ka,
            b.skss_mva,
            b.ip_ka,
            b.ib_ka,
            b.ith_ka,
            b.rk_ohm,
            b.xk_ohm,
            b.kappa
        );
        if earth {
            let f = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            let _ = write!(
                out,
                ",{},{},{}",
                f(b.ikss_earth_ka),
                f(b.rk0_ohm),
                f(b.xk0_ohm)
            );
        }
        let _ = writeln!(out, ",{}", status(b.status));
    }
    if !report.branches.is_empty() {
        out.push('\n');
        out.push_str("id,fault_bus,from_bus,to_bus,ikss_from_ka,ikss_to_ka,angle_from_deg,angle_to_deg,ip_ka,ith_ka\n");
        for r in &report.branches {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{}",
                csv_field(&r.id),
                csv_field(&r.fault_bus),
                csv_field(&r.from_bus),
                csv_field(&r.to_bus),
                r.ikss_from_ka,
                r.ikss_to_ka,
                r.angle_from_deg,
                r.angle_to_deg,
                r.ip_ka,
                r.ith_ka
            );
        }
    }
    out
}

/// Left-aligns the first column and right-aligns the others.
fn aligned(rows: &[Vec<String>]) -> String {
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
        "Bus", "Un kV", "Ik'' kA", "Sk'' MVA", "ip kA", "Ib kA", "Ith kA", "Rk ohm", "Xk ohm",
        "kappa",
    ];
    if earth {
        header.extend(["IkE kA", "R0 ohm", "X0 ohm"]);
    }
    header.push("");
    let mut rows: Vec<Vec<String>> = vec![header.into_iter().map(str::to_string).collect()];
    let f3 = |v: f64| format!("{v:.3}");
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
            f4(b.rk_ohm),
            f4(b.xk_ohm),
            f3(b.kappa),
        ];
        if earth {
            r.push(b.ikss_earth_ka.map_or(String::new(), f3));
            r.push(b.rk0_ohm.map_or(String::new(), f4));
            r.push(b.xk0_ohm.map_or(String::new(), f4));
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

pub(crate) fn impedances(rows: &[ampflux_core::ElementImpedance], format: Format) -> String {
    if format == Format::Json {
        let mut s = serde_json::to_string_pretty(rows).expect("rows serialize");
        s.push('\n');
        return s;
    }
    let name = |e: &ampflux_core::ElementImpedance| match &e.leg {
        Some(leg) => format!("{}.{leg}", e.id),
        None => e.id.clone(),
    };
    let z =
        |v: Option<[f64; 2]>| v.map_or(String::new(), |z| format!("{:.6} + j{:.6}", z[0], z[1]));
    let factors = |e: &ampflux_core::ElementImpedance| {
        e.corrections
            .iter()
            .map(|(k, v)| format!("{k}={v:.6}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut table: Vec<Vec<String>> = Vec::new();
    if format == Format::Csv {
        let mut out = String::from(
            "id,table,z1_r_ohm,z1_x_ohm,z1_referred_to_kv,z0_r_ohm,z0_x_ohm,z0_referred_to_kv,corrections\n",
        );
        for e in rows {
            let (r0, x0) = e.z0_ohm.map_or((String::new(), String::new()), |z| {
                (z[0].to_string(), z[1].to_string())
            });
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                csv_field(&name(e)),
                e.table,
                e.z1_ohm[0],
                e.z1_ohm[1],
                e.z1_referred_to_kv,
                r0,
                x0,
                e.z0_referred_to_kv.map_or(String::new(), |v| v.to_string()),
                csv_field(&factors(e))
            );
        }
        return out;
    }
    table.push(
        [
            "Element", "Table", "Z1 ohm", "at kV", "Z0 ohm", "at kV", "Factors",
        ]
        .map(str::to_string)
        .to_vec(),
    );
    for e in rows {
        table.push(vec![
            name(e),
            e.table.to_string(),
            z(Some(e.z1_ohm)),
            format!("{}", e.z1_referred_to_kv),
            z(e.z0_ohm),
            e.z0_referred_to_kv
                .map_or(String::new(), |v| format!("{v}")),
            factors(e),
        ]);
    }
    aligned(&table)
}

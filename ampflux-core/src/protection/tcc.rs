//! Time-current curves for plots: each device's band sampled in log-log, referred to one
//! voltage, with the fault currents through each device marked; and an SVG drawing of them.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::topology::device_currents_ka;
use super::{CurvePoint, characteristic};
use crate::error::{Error, Issue, Result};
use crate::model::{Network, in_service};
use crate::study::{FaultKind, StudyOptions};

/// What a TCC plot shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TccOptions {
    /// Device ids (at least one).
    pub devices: Vec<String>,
    /// Voltage the currents are referred to, in kV (default: the bus voltage of the first
    /// device); a device at another voltage has its currents scaled by its bus voltage over
    /// this one.
    pub reference_kv: Option<f64>,
    /// Samples per curve (default 241).
    pub points: usize,
    /// Options of the IEC 60909 study giving the marked currents (three-phase).
    pub short_circuit: StudyOptions,
}

impl Default for TccOptions {
    fn default() -> Self {
        TccOptions {
            devices: Vec::new(),
            reference_kv: None,
            points: 241,
            short_circuit: StudyOptions::default(),
        }
    }
}

/// One device's curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TccCurve {
    /// Device id.
    pub device: String,
    /// `relay`, `trip_unit` or `fuse`.
    pub kind: String,
    /// Bus of the device's switch.
    pub bus: String,
    /// That bus's nominal voltage in kV.
    pub vn_kv: f64,
    /// Factor from the device's own currents to the reference voltage's.
    pub scale: f64,
    /// The band sampled in log-log (currents at the reference voltage, times in s).
    pub points: Vec<CurvePoint>,
}

/// A fault current marked on the plot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TccMark {
    /// Device the current flows through.
    pub device: String,
    /// Fault location.
    pub fault_bus: String,
    /// `bolted` (I''k through the device) or `arcing` (its share of the IEEE 1584 arcing
    /// current at that bus).
    pub kind: String,
    /// Current at the reference voltage in A.
    pub current_a: f64,
    /// Total clearing time of the device at that current in s (`null`: it does not operate).
    pub time_s: Option<f64>,
}

/// Curves and marks of a TCC plot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TccReport {
    /// Reference voltage of the currents in kV.
    pub reference_kv: f64,
    /// Current range of the samples in A.
    pub current_range_a: [f64; 2],
    /// One curve per device, in the order asked.
    pub curves: Vec<TccCurve>,
    /// The largest bolted current through each device (faults at the ends of its branch) and
    /// its arcing share there.
    pub marks: Vec<TccMark>,
    /// Notes of the short-circuit study.
    pub warnings: Vec<Issue>,
}

/// The curves of `options.devices` with the fault currents through them marked.
pub fn tcc(net: &Network, options: &TccOptions) -> Result<TccReport> {
    if options.devices.is_empty() {
        return Err(Error::option(
            "devices",
            "name at least one protective device",
        ));
    }
    let mut found = Vec::new();
    for id in &options.devices {
        let (k, d) = net
            .protective_devices
            .iter()
            .enumerate()
            .find(|(_, d)| &d.id == id)
            .ok_or_else(|| {
                Error::option(
                    "devices",
                    format!("protective device `{id}` does not exist"),
                )
            })?;
        let ch = characteristic(d, net.frequency_hz).map_err(Error::Invalid)?;
        let s = net
            .switches
            .iter()
            .find(|s| s.id == d.switch)
            .ok_or_else(|| {
                Error::option(
                    "devices",
                    format!("`{id}`: switch `{}` does not exist", d.switch),
                )
            })?;
        let vn = net
            .buses
            .iter()
            .find(|b| b.id == s.bus)
            .map_or(f64::NAN, |b| b.vn_kv);
        found.push((k, ch, s, vn));
    }
    let reference_kv = options.reference_kv.unwrap_or(found[0].3);
    if !(reference_kv.is_finite() && reference_kv > 0.0) {
        return Err(Error::option(
            "reference_kv",
            format!("must be a positive voltage, got {reference_kv}"),
        ));
    }
    // faults at both ends of every device's branch: the largest current through it
    let mut buses: BTreeSet<String> = BTreeSet::new();
    let ends = |element: &str| -> Vec<String> {
        let mut v = Vec::new();
        for l in net.lines.iter().filter(|l| l.id == element) {
            v.extend([l.from_bus.clone(), l.to_bus.clone()]);
        }
        for t in net.transformers.iter().filter(|t| t.id == element) {
            v.extend([t.hv_bus.clone(), t.lv_bus.clone()]);
        }
        for t in net.transformers3w.iter().filter(|t| t.id == element) {
            v.extend([t.hv_bus.clone(), t.mv_bus.clone(), t.lv_bus.clone()]);
        }
        for z in net.impedances.iter().filter(|z| z.id == element) {
            v.extend([z.from_bus.clone(), z.to_bus.clone()]);
        }
        v
    };
    for (_, _, s, _) in &found {
        buses.insert(s.bus.clone());
        buses.extend(ends(&s.element));
        if net.buses.iter().any(|b| b.id == s.element) {
            buses.insert(s.element.clone());
        }
    }
    buses.retain(|b| {
        net.buses
            .iter()
            .any(|x| &x.id == b && in_service(x.in_service))
    });
    let mut sc = options.short_circuit.clone();
    sc.fault = FaultKind::ThreePhase;
    sc.branch_results = true;
    sc.line_faults.clear();
    sc.buses = Some(buses.into_iter().collect());
    let report = crate::short_circuit(net, &sc)?;
    let mut marks = Vec::new();
    for (k, ch, _, vn) in &found {
        let scale = vn / reference_kv;
        let mut best: Option<(f64, &str, f64)> = None;
        for bus in &report.buses {
            let rows: Vec<_> = report
                .branches
                .iter()
                .filter(|r| r.fault_bus == bus.id)
                .collect();
            let i = device_currents_ka(net, &rows)[*k];
            if i > 0.0 && best.is_none_or(|b| i > b.0) {
                best = Some((i, bus.id.as_str(), bus.ikss_ka));
            }
        }
        let Some((i_ka, fault_bus, ibf)) = best else {
            continue;
        };
        let id = &net.protective_devices[*k].id;
        let mut mark = |kind: &str, amps: f64| {
            marks.push(TccMark {
                device: id.clone(),
                fault_bus: fault_bus.to_string(),
                kind: kind.into(),
                current_a: amps * scale,
                time_s: ch.clearing_time_s(amps),
            })
        };
        mark("bolted", i_ka * 1000.0);
        if let Some(bus) = net.buses.iter().find(|b| b.id == fault_bus)
            && (0.208..=15.0).contains(&bus.vn_kv)
        {
            let (eq, _, _) = crate::arcflash::bus_equipment(bus);
            if eq.check(ibf).iter().all(|f| !f.is_error()) {
                let arc = eq.arcing_current(ibf, crate::arcflash::ArcScenario::Full);
                mark("arcing", i_ka * 1000.0 * arc.iarc_ka / ibf);
            }
        }
    }
    // the range: a decade below the lowest pickup to twice the largest mark
    let lo = found
        .iter()
        .map(|(_, ch, _, vn)| ch.pickup_a() * vn / reference_kv)
        .fold(f64::INFINITY, f64::min);
    let hi = marks.iter().map(|m| m.current_a).fold(lo * 100.0, f64::max);
    let (lo, hi) = (decade_floor(lo * 0.5), decade_ceil(hi * 2.0));
    let curves = found
        .iter()
        .map(|(k, ch, s, vn)| {
            let scale = vn / reference_kv;
            let mut points = ch.sample(lo / scale, hi / scale, options.points);
            for p in &mut points {
                p.current_a *= scale;
            }
            TccCurve {
                device: net.protective_devices[*k].id.clone(),
                kind: net.protective_devices[*k].kind.as_str().into(),
                bus: s.bus.clone(),
                vn_kv: *vn,
                scale,
                points,
            }
        })
        .collect();
    Ok(TccReport {
        reference_kv,
        current_range_a: [lo, hi],
        curves,
        marks,
        warnings: report.warnings,
    })
}

fn decade_floor(x: f64) -> f64 {
    10f64.powf(x.log10().floor())
}

fn decade_ceil(x: f64) -> f64 {
    10f64.powf(x.log10().ceil())
}

const COLOURS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

/// Escapes text for SVG.
pub(crate) fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The TCC as an SVG drawing: log-log axes (current at the reference voltage, 0.01 s to
/// 1000 s), each device's band (upper edge solid, lower edge dashed), the marked fault
/// currents as vertical lines, and a legend.
pub fn tcc_svg(report: &TccReport, title: &str) -> String {
    let (w, h, left, right, top, bottom) = (900.0, 680.0, 80.0, 220.0, 50.0, 60.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let [i_lo, i_hi] = report.current_range_a;
    let (t_lo, t_hi) = (0.01f64, 1000.0f64);
    let x = |i: f64| left + pw * (i.ln() - i_lo.ln()) / (i_hi.ln() - i_lo.ln());
    let y = |t: f64| top + ph * (t_hi.ln() - t.clamp(t_lo, t_hi).ln()) / (t_hi.ln() - t_lo.ln());
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = write!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = write!(
        s,
        r#"<text x="{left}" y="28" font-size="16" font-weight="bold">{}</text>"#,
        xml(title)
    );
    // grid: decades with the 2..9 minor lines
    let mut d = i_lo;
    while d <= i_hi * 1.0001 {
        for m in 1..10 {
            let v = d * m as f64;
            if v > i_hi * 1.0001 {
                break;
            }
            let (stroke, xv) = (if m == 1 { "#999" } else { "#e4e4e4" }, x(v));
            let _ = write!(
                s,
                r#"<line x1="{xv:.1}" y1="{top}" x2="{xv:.1}" y2="{:.1}" stroke="{stroke}"/>"#,
                top + ph
            );
            if m == 1 {
                let _ = write!(
                    s,
                    r#"<text x="{xv:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    top + ph + 18.0,
                    amps(v)
                );
            }
        }
        d *= 10.0;
    }
    let mut t = t_lo;
    while t <= t_hi * 1.0001 {
        for m in 1..10 {
            let v = t * m as f64;
            if v > t_hi * 1.0001 {
                break;
            }
            let (stroke, yv) = (if m == 1 { "#999" } else { "#e4e4e4" }, y(v));
            let _ = write!(
                s,
                r#"<line x1="{left}" y1="{yv:.1}" x2="{:.1}" y2="{yv:.1}" stroke="{stroke}"/>"#,
                left + pw
            );
            if m == 1 {
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                    left - 6.0,
                    yv + 4.0,
                    seconds(v)
                );
            }
        }
        t *= 10.0;
    }
    let _ = write!(
        s,
        r#"<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="black"/>"#
    );
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">Current (A at {} kV)</text>"#,
        left + pw / 2.0,
        h - 14.0,
        report.reference_kv
    );
    let _ = write!(
        s,
        r#"<text transform="translate(20 {:.1}) rotate(-90)" text-anchor="middle">Time (s)</text>"#,
        top + ph / 2.0
    );
    for (n, c) in report.curves.iter().enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        for (edge, dash) in [(true, ""), (false, r#" stroke-dasharray="6 4""#)] {
            let mut path = String::new();
            for p in &c.points {
                let t = if edge { p.max_time_s } else { p.min_time_s };
                match t.filter(|t| *t <= t_hi) {
                    Some(t) => {
                        let cmd = if path.is_empty() || path.ends_with(' ') {
                            "M"
                        } else {
                            "L"
                        };
                        let _ = write!(path, "{cmd}{:.1},{:.1}", x(p.current_a), y(t));
                    }
                    None if !path.is_empty() && !path.ends_with(' ') => path.push(' '),
                    None => {}
                }
            }
            if !path.is_empty() {
                let _ = write!(
                    s,
                    r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    path.trim()
                );
            }
        }
        let ly = top + 14.0 + 20.0 * n as f64;
        let lx = left + pw + 16.0;
        let _ = write!(
            s,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="3"/>"#,
            lx + 24.0
        );
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{} ({})</text>"#,
            lx + 30.0,
            ly + 4.0,
            xml(&c.device),
            xml(&c.kind)
        );
    }
    for (n, m) in report.marks.iter().enumerate() {
        let idx = report
            .curves
            .iter()
            .position(|c| c.device == m.device)
            .unwrap_or(0);
        let colour = COLOURS[idx % COLOURS.len()];
        let xv = x(m.current_a);
        let dash = if m.kind == "arcing" { "2 3" } else { "8 3" };
        let _ = write!(
            s,
            r#"<line x1="{xv:.1}" y1="{top}" x2="{xv:.1}" y2="{:.1}" stroke="{colour}" stroke-dasharray="{dash}"/>"#,
            top + ph
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{colour}" transform="rotate(-90 {:.1} {:.1})">{} {} {}</text>"#,
            xv - 3.0,
            top + ph - 4.0 - 120.0 * (n % 4) as f64,
            xv - 3.0,
            top + ph - 4.0 - 120.0 * (n % 4) as f64,
            xml(&m.kind),
            xml(&m.fault_bus),
            amps(m.current_a)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn amps(a: f64) -> String {
    if a >= 1000.0 {
        format!("{} kA", trim(a / 1000.0))
    } else {
        format!("{} A", trim(a))
    }
}

fn seconds(t: f64) -> String {
    trim(t)
}

fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

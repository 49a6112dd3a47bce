//! The arc-flash warning label of a bus as printable SVG (4 in × 6 in), with the content
//! NFPA 70E 130.5(H) requires: the nominal system voltage, the arc-flash boundary, and either
//! the incident energy at its working distance or the PPE category (never both), with the
//! minimum arc rating of clothing; plus the shock approach boundaries of Table 130.4(E)(a),
//! the equipment, the device that clears the arc and the study's date and reference.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{ArcFlashBus, approach_boundaries};
use crate::protection::xml;

/// Which arc-flash PPE information the label carries (NFPA 70E 130.5(H)(3): one, not both).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelMethod {
    /// The incident energy at the working distance and the minimum arc rating.
    #[default]
    IncidentEnergy,
    /// The PPE category of NFPA 70E Table 130.7(C)(15)(c).
    PpeCategory,
}

/// What a label prints beyond the bus's results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LabelOptions {
    /// Date of the arc-flash risk assessment (printed as given).
    pub date: Option<String>,
    /// Reference of the study (network name, report number).
    pub study: Option<String>,
    /// Incident energy (default) or PPE category.
    pub method: LabelMethod,
}

/// Length in mm as metric and feet-inches: `1704 mm (5 ft 7 in)`.
fn length(mm: f64) -> String {
    let inches = (mm / 25.4).round() as i64;
    format!("{:.0} mm ({} ft {} in)", mm, inches / 12, inches % 12)
}

/// `text` cut to `n` characters with an ellipsis (labels have a fixed width).
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(n - 1).collect::<String>())
    }
}

/// The label of `bus` as an SVG document.
pub fn label_svg(bus: &ArcFlashBus, options: &LabelOptions) -> String {
    let cal = bus.incident_energy_cal_per_cm2;
    let danger = bus.ppe_category.is_none();
    let (word, colour) = if danger {
        ("DANGER", "#C8102E")
    } else {
        ("WARNING", "#FF7900")
    };
    let mut lines: Vec<(String, String)> = Vec::new();
    let distance = bus.equipment.working_distance_mm;
    match options.method {
        LabelMethod::IncidentEnergy => {
            lines.push((
                "Incident energy".into(),
                format!(
                    "{cal:.1} cal/cm² ({:.1} J/cm²) at {}",
                    bus.incident_energy_j_per_cm2,
                    length(distance)
                ),
            ));
            lines.push((
                "Minimum arc rating of clothing".into(),
                format!("{:.1} cal/cm²", (cal * 10.0).ceil() / 10.0),
            ));
        }
        LabelMethod::PpeCategory => lines.push((
            "Arc flash PPE category".into(),
            match bus.ppe_category {
                Some(0) => "none required (≤ 1.2 cal/cm²)".into(),
                Some(c) => format!(
                    "{c} (minimum arc rating {} cal/cm²)",
                    super::CATEGORY_ARC_RATING_CAL_PER_CM2[c as usize - 1]
                ),
                None => "none applies (above 40 cal/cm²): de-energize".into(),
            },
        )),
    }
    lines.push(("Arc flash boundary".into(), length(bus.afb_mm)));
    let mut shock: Vec<(String, String)> = vec![(
        "Nominal system voltage".into(),
        if bus.vn_kv < 1.0 {
            format!("{:.0} V", bus.vn_kv * 1000.0)
        } else {
            format!("{} kV", bus.vn_kv)
        },
    )];
    if let Some(b) = approach_boundaries(bus.vn_kv) {
        shock.push(("Limited approach boundary".into(), length(b.limited_mm)));
        shock.push((
            "Restricted approach boundary".into(),
            b.restricted_mm.map_or("avoid contact".into(), length),
        ));
    }
    let equipment = clip(
        bus.label
            .as_deref()
            .or(bus.name.as_deref())
            .unwrap_or(&bus.id),
        56,
    );
    let mut facts = vec![
        format!("Equipment: {equipment}"),
        format!(
            "Cleared by: {} in {:.0} ms",
            bus.device
                .as_deref()
                .unwrap_or("no device (limited arc duration)"),
            if bus.governing == super::ArcScenario::Full {
                bus.clearing_time_ms
            } else {
                bus.clearing_time_min_ms
            }
        ),
        format!(
            "Bolted fault {:.2} kA, arcing {:.2} kA ({})",
            bus.ibf_ka,
            if bus.governing == super::ArcScenario::Full {
                bus.iarc_ka
            } else {
                bus.iarc_min_ka
            },
            bus.equipment.electrode_configuration.as_str()
        ),
    ];
    if !bus.typical_values.is_empty() {
        facts.push("Typical equipment data of IEEE 1584-2018 assumed".into());
    }
    facts.push(format!(
        "IEEE 1584-2018 / NFPA 70E{}{}",
        options
            .date
            .as_deref()
            .map_or(String::new(), |d| format!(" · {d}")),
        options
            .study
            .as_deref()
            .map_or(String::new(), |s| format!(" · {s}"))
    ));
    render(word, colour, &lines, &shock, &facts)
}

fn render(
    word: &str,
    colour: &str,
    arc: &[(String, String)],
    shock: &[(String, String)],
    facts: &[String],
) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="4in" height="6in" viewBox="0 0 400 600" font-family="Helvetica, Arial, sans-serif">"#
    );
    s.push_str(r#"<rect x="2" y="2" width="396" height="596" rx="10" fill="white" stroke="black" stroke-width="4"/>"#);
    let _ = write!(
        s,
        r#"<rect x="10" y="10" width="380" height="80" rx="6" fill="{colour}"/>"#
    );
    // safety alert symbol: a triangle with an exclamation mark
    s.push_str(r#"<path d="M28 78 L58 24 L88 78 Z" fill="black"/><path d="M36 72 L58 33 L80 72 Z" fill="white"/>"#);
    s.push_str(r#"<rect x="55" y="44" width="6" height="16" fill="black"/><rect x="55" y="63" width="6" height="6" fill="black"/>"#);
    let text_colour = if word == "DANGER" { "white" } else { "black" };
    let _ = write!(
        s,
        r#"<text x="240" y="66" font-size="44" font-weight="bold" text-anchor="middle" fill="{text_colour}">{word}</text>"#
    );
    s.push_str(r#"<text x="200" y="122" font-size="20" font-weight="bold" text-anchor="middle">Arc Flash and Shock Hazard</text>"#);
    s.push_str(r#"<text x="200" y="146" font-size="15" text-anchor="middle">Appropriate PPE required</text>"#);
    let mut y = 178.0;
    let section = |s: &mut String, title: &str, rows: &[(String, String)], y: &mut f64| {
        let _ = write!(
            s,
            r#"<rect x="10" y="{:.0}" width="380" height="24" fill="black"/>"#,
            *y - 17.0
        );
        let _ = write!(
            s,
            r#"<text x="200" y="{:.0}" font-size="15" font-weight="bold" text-anchor="middle" fill="white">{}</text>"#,
            *y,
            xml(title)
        );
        *y += 26.0;
        for (k, v) in rows {
            let _ = write!(
                s,
                r#"<text x="18" y="{:.0}" font-size="13">{}</text>"#,
                *y,
                xml(k)
            );
            let _ = write!(
                s,
                r#"<text x="382" y="{:.0}" font-size="15" font-weight="bold" text-anchor="end">{}</text>"#,
                *y + 18.0,
                xml(v)
            );
            *y += 42.0;
        }
        *y += 10.0;
    };
    section(&mut s, "ARC FLASH PROTECTION", arc, &mut y);
    section(&mut s, "SHOCK PROTECTION", shock, &mut y);
    let _ = write!(
        s,
        r#"<line x1="10" y1="{:.0}" x2="390" y2="{:.0}" stroke="black"/>"#,
        y - 14.0,
        y - 14.0
    );
    for f in facts {
        let _ = write!(
            s,
            r#"<text x="18" y="{:.0}" font-size="11">{}</text>"#,
            y + 2.0,
            xml(f)
        );
        y += 16.0;
    }
    s.push_str("</svg>\n");
    s
}

//! What a particular study needs from the network: fault locations that exist, feeder data
//! for the minimum case, zero-sequence data for earth faults; and the buses where a
//! line-to-earth fault is outside IEC 60909 (isolated neutral, resonance earthing).

use std::collections::HashSet;

use crate::error::{Issue, Severity};
use crate::model::{Network, Table, in_service};
use crate::study::{Case, FaultKind, Method, StudyOptions};
use crate::system::System;
use crate::system::earthing::{Earthing, earthing};

use super::branches::transformer_has_zero_path;

fn missing(issues: &mut Vec<Issue>, table: Table, id: &str, field: &str, why: &str) {
    issues.push(Issue::error(
        table,
        id,
        field,
        "missing_data",
        why.to_string(),
    ));
}

pub(super) fn check(net: &Network, options: &StudyOptions, issues: &mut Vec<Issue>) {
    let bus_ids: HashSet<&str> = net.buses.iter().map(|b| b.id.as_str()).collect();
    if let Some(buses) = &options.buses {
        for id in buses {
            if !bus_ids.contains(id.as_str()) {
                issues.push(Issue {
                    severity: Severity::Error,
                    code: "unknown_bus".into(),
                    table: Some(Table::Buses),
                    element: Some(id.clone()),
                    field: Some("buses".into()),
                    message: format!("fault bus `{id}` does not exist"),
                });
            }
        }
    }
    for lf in &options.line_faults {
        match net.lines.iter().find(|l| l.id == lf.line) {
            None => issues.push(Issue {
                severity: Severity::Error,
                code: "unknown_line".into(),
                table: Some(Table::Lines),
                element: Some(lf.line.clone()),
                field: Some("line_faults".into()),
                message: format!("line `{}` for a fault along a line does not exist", lf.line),
            }),
            Some(l) if !in_service(l.in_service) => issues.push(Issue::error(
                Table::Lines,
                &l.id,
                "in_service",
                "out_of_service",
                "a fault along this line was requested but the line is out of service",
            )),
            Some(_) => {}
        }
    }
    let iec = options.method == Method::Iec60909;
    if iec && options.case == Case::Min {
        for g in net
            .external_grids
            .iter()
            .filter(|g| in_service(g.in_service))
        {
            if g.s_sc_min_mva.is_none() {
                missing(
                    issues,
                    Table::ExternalGrids,
                    &g.id,
                    "s_sc_min_mva",
                    "the minimum case needs S''kQmin of every network feeder",
                );
            }
        }
    }
    if options.fault.involves_earth() {
        zero_sequence_data(net, issues);
    }
}

fn zero_sequence_data(net: &Network, issues: &mut Vec<Issue>) {
    let why = "earth faults need the zero-sequence impedance";
    for l in net.lines.iter().filter(|l| in_service(l.in_service)) {
        if l.r0_ohm_per_km.is_none() {
            missing(issues, Table::Lines, &l.id, "r0_ohm_per_km", why);
        }
        if l.x0_ohm_per_km.is_none() {
            missing(issues, Table::Lines, &l.id, "x0_ohm_per_km", why);
        }
    }
    let no_group = "earth faults need the vector group (zero-sequence coupling and earthing)";
    for t in net.transformers.iter().filter(|t| in_service(t.in_service)) {
        let Some(vector_group) = &t.vector_group else {
            missing(issues, Table::Transformers, &t.id, "vector_group", no_group);
            continue;
        };
        if transformer_has_zero_path(vector_group) && t.vk0_percent.is_none() {
            missing(
                issues,
                Table::Transformers,
                &t.id,
                "vk0_percent",
                "earth faults need u_k0 of transformers with an earthed winding",
            );
        }
    }
    for t in net
        .transformers3w
        .iter()
        .filter(|t| in_service(t.in_service))
    {
        let Some(vector_group) = &t.vector_group else {
            missing(
                issues,
                Table::Transformers3w,
                &t.id,
                "vector_group",
                no_group,
            );
            continue;
        };
        if transformer_has_zero_path(vector_group) {
            for (field, v) in [
                ("vk0_hv_percent", t.vk0_hv_percent),
                ("vk0_mv_percent", t.vk0_mv_percent),
                ("vk0_lv_percent", t.vk0_lv_percent),
            ] {
                if v.is_none() {
                    missing(
                        issues,
                        Table::Transformers3w,
                        &t.id,
                        field,
                        "earth faults need u_k0 of transformers with an earthed winding",
                    );
                }
            }
        }
    }
    for g in net.generators.iter().filter(|g| in_service(g.in_service)) {
        let earthed = g.grounding_r_ohm.is_some() || g.grounding_x_ohm.is_some();
        if earthed && g.x0_pu.is_none() && g.unit_transformer.is_none() {
            missing(
                issues,
                Table::Generators,
                &g.id,
                "x0_pu",
                "earth faults need x(0) of generators with an earthed star point",
            );
        }
    }
    for z in net.impedances.iter().filter(|z| in_service(z.in_service)) {
        let ohm = z.r_ohm.is_some() || z.x_ohm.is_some();
        let has_zero = if ohm {
            z.r0_ohm.is_some() || z.x0_ohm.is_some()
        } else {
            z.r0_pu.is_some() || z.x0_pu.is_some()
        };
        if !has_zero {
            missing(
                issues,
                Table::Impedances,
                &z.id,
                if ohm { "x0_ohm" } else { "x0_pu" },
                why,
            );
        }
    }
}

/// Warnings for the buses whose system has an isolated neutral or resonance earthing: IEC
/// 60909-0:2016 (clause 1) gives no line-to-earth short-circuit current there. For a sound
/// network and line-to-earth faults only.
pub(super) fn earth_fault_scope(net: &Network, options: &StudyOptions, issues: &mut Vec<Issue>) {
    if options.fault != FaultKind::LineToEarth {
        return;
    }
    let Ok(sys) = System::compile(net, options) else {
        return; // the study reports why
    };
    let class = earthing(&sys);
    for (i, bus) in net.buses.iter().enumerate() {
        let Some(node) = sys.bus_node[i] else {
            continue;
        };
        let (code, what) = match class[node] {
            Earthing::Effective => continue,
            Earthing::Isolated => ("isolated_neutral", "has an isolated neutral"),
            Earthing::Resonant(_) => (
                "resonance_earthed",
                "is resonance-earthed (arc-suppression coil)",
            ),
        };
        issues.push(Issue::warning(
            Table::Buses,
            &bus.id,
            "status",
            code,
            format!(
                "the system at this bus {what}: a line-to-earth fault is outside IEC 60909-0 \
                 (clause 1); the study gives the capacitive earth-fault or residual current \
                 instead of I''k1, i_p, I_b and I_th"
            ),
        ));
    }
}

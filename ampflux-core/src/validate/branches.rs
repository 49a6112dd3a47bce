//! Rules for branches: lines, transformers, impedances, switches.

use super::{Context, finite, grounding, non_negative, positive, rated_voltage};
use crate::error::Issue;
use crate::model::{Table, VectorGroup};

pub(super) fn lines(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Lines;
    for l in &ctx.net.lines {
        let (vf, vt) = ctx.two_ends(
            issues,
            t,
            &l.id,
            ("from_bus", &l.from_bus),
            ("to_bus", &l.to_bus),
        );
        if let (Some(vf), Some(vt)) = (vf, vt)
            && (vf - vt).abs() > 1e-9 * vf.abs().max(vt.abs())
        {
            issues.push(Issue::error(
                t,
                &l.id,
                "to_bus",
                "voltage_mismatch",
                format!("joins buses of different nominal voltage ({vf} kV and {vt} kV); use a transformer or a p.u. impedance"),
            ));
        }
        positive(issues, t, &l.id, "length_km", l.length_km);
        finite(issues, t, &l.id, "r_ohm_per_km", l.r_ohm_per_km);
        finite(issues, t, &l.id, "x_ohm_per_km", l.x_ohm_per_km);
        if l.x_ohm_per_km < 0.0 {
            issues.push(Issue::warning(
                t,
                &l.id,
                "x_ohm_per_km",
                "negative_impedance",
                "negative reactance (series-compensated line): modelled as a capacitive series element",
            ));
        }
        if l.r_ohm_per_km < 0.0 {
            issues.push(Issue::warning(
                t,
                &l.id,
                "r_ohm_per_km",
                "negative_impedance",
                "negative resistance (network-equivalent branch): modelled as given",
            ));
        }
        if l.r_ohm_per_km == 0.0 && l.x_ohm_per_km == 0.0 {
            issues.push(Issue::error(
                t,
                &l.id,
                "x_ohm_per_km",
                "non_positive",
                "the line has zero impedance; use a closed bus-bus switch to tie buses",
            ));
        }
        for (field, v) in [
            ("r0_ohm_per_km", l.r0_ohm_per_km),
            ("x0_ohm_per_km", l.x0_ohm_per_km),
        ] {
            if let Some(v) = v {
                finite(issues, t, &l.id, field, v);
            }
        }
        for (field, v) in [
            ("c_nf_per_km", l.c_nf_per_km),
            ("c0_nf_per_km", l.c0_nf_per_km),
        ] {
            if let Some(v) = v {
                non_negative(issues, t, &l.id, field, v);
            }
        }
        if let (Some(0.0), Some(0.0)) = (l.r0_ohm_per_km, l.x0_ohm_per_km) {
            issues.push(Issue::error(
                t,
                &l.id,
                "x0_ohm_per_km",
                "non_positive",
                "the zero-sequence impedance is zero",
            ));
        }
        if let Some(p) = l.parallel {
            positive(issues, t, &l.id, "parallel", p as f64);
        }
        if let Some(v) = l.endtemp_degree {
            finite(issues, t, &l.id, "endtemp_degree", v);
        }
    }
}

/// Checks a (u_k, u_R) pair in percent: u_k ≠ 0, |u_R| ≤ |u_k|. Negative u_k (star-point
/// legs of three-winding equivalents in MATPOWER data) is a warning.
fn short_circuit_voltage(
    issues: &mut Vec<Issue>,
    table: Table,
    id: &str,
    (vk_field, vk): (&str, f64),
    (vkr_field, vkr): (&str, f64),
) {
    if !vk.is_finite() || vk == 0.0 {
        issues.push(Issue::error(
            table,
            id,
            vk_field,
            "non_positive",
            format!("must be a non-zero finite percentage, got {vk}"),
        ));
        return;
    }
    if !vkr.is_finite() {
        issues.push(Issue::error(
            table,
            id,
            vkr_field,
            "not_finite",
            format!("must be finite, got {vkr}"),
        ));
        return;
    }
    if vk < 0.0 {
        issues.push(Issue::warning(
            table,
            id,
            vk_field,
            "negative_impedance",
            format!("negative short-circuit voltage {vk} % (equivalent-circuit leg); modelled as a negative reactance"),
        ));
    }
    if vkr < 0.0 {
        issues.push(Issue::warning(
            table,
            id,
            vkr_field,
            "negative_impedance",
            format!("negative resistive part {vkr} %"),
        ));
    }
    if vkr.abs() > vk.abs() {
        issues.push(Issue::error(
            table,
            id,
            vk_field,
            "ukr_below_urr",
            format!("u_kr = {vk} % is smaller than its resistive part u_Rr = {vkr} %"),
        ));
    }
}

fn vector_group(
    issues: &mut Vec<Issue>,
    table: Table,
    id: &str,
    text: &str,
    windings: usize,
) -> Option<VectorGroup> {
    match VectorGroup::parse(text) {
        Ok(vg) if vg.windings.len() == windings => Some(vg),
        Ok(vg) => {
            issues.push(Issue::error(
                table,
                id,
                "vector_group",
                "unsupported_vector_group",
                format!(
                    "`{text}` names {} windings, a {windings}-winding transformer needs {windings}",
                    vg.windings.len()
                ),
            ));
            None
        }
        Err(e) => {
            issues.push(Issue::error(
                table,
                id,
                "vector_group",
                "unsupported_vector_group",
                e.to_string(),
            ));
            None
        }
    }
}

/// Whether a transformer with this vector group can carry zero-sequence current between a bus
/// and earth (so its zero-sequence data are needed by earth faults).
pub(crate) fn transformer_has_zero_path(vector_group: &str) -> bool {
    VectorGroup::parse(vector_group)
        .map(|vg| vg.windings.iter().any(|w| w.is_earthed()))
        .unwrap_or(false)
}

pub(super) fn transformers(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Transformers;
    for tr in &ctx.net.transformers {
        let (vh, vl) = ctx.two_ends(
            issues,
            t,
            &tr.id,
            ("hv_bus", &tr.hv_bus),
            ("lv_bus", &tr.lv_bus),
        );
        positive(issues, t, &tr.id, "sn_mva", tr.sn_mva);
        positive(issues, t, &tr.id, "vn_hv_kv", tr.vn_hv_kv);
        positive(issues, t, &tr.id, "vn_lv_kv", tr.vn_lv_kv);
        rated_voltage(issues, t, &tr.id, "vn_hv_kv", tr.vn_hv_kv, vh);
        rated_voltage(issues, t, &tr.id, "vn_lv_kv", tr.vn_lv_kv, vl);
        short_circuit_voltage(
            issues,
            t,
            &tr.id,
            ("vk_percent", tr.vk_percent),
            ("vkr_percent", tr.vkr_percent),
        );
        if let (Some(vk0), vkr0) = (tr.vk0_percent, tr.vkr0_percent) {
            short_circuit_voltage(
                issues,
                t,
                &tr.id,
                ("vk0_percent", vk0),
                ("vkr0_percent", vkr0.unwrap_or(0.0)),
            );
        }
        if let Some(vg) = &tr.vector_group {
            vector_group(issues, t, &tr.id, vg, 2);
        }
        grounding(
            issues,
            t,
            &tr.id,
            &[
                ("hv_grounding_r_ohm", tr.hv_grounding_r_ohm),
                ("hv_grounding_x_ohm", tr.hv_grounding_x_ohm),
                ("lv_grounding_r_ohm", tr.lv_grounding_r_ohm),
                ("lv_grounding_x_ohm", tr.lv_grounding_x_ohm),
            ],
        );
        resonant_star_points(
            issues,
            t,
            &tr.id,
            tr.vector_group.as_deref(),
            &[
                ("hv_grounding_resonant", tr.hv_grounding_resonant),
                ("lv_grounding_resonant", tr.lv_grounding_resonant),
            ],
        );
        if let Some(p) = tr.parallel {
            positive(issues, t, &tr.id, "parallel", p as f64);
        }
        if let Some(v) = tr.zm0_over_zk0 {
            positive(issues, t, &tr.id, "zm0_over_zk0", v);
        }
        if let Some(v) = tr.rm0_over_xm0 {
            non_negative(issues, t, &tr.id, "rm0_over_xm0", v);
        }
        if let Some(v) = tr.zm0_hv_share
            && !(v.is_finite() && (0.0..=1.0).contains(&v))
        {
            issues.push(Issue::error(
                t,
                &tr.id,
                "zm0_hv_share",
                "out_of_range",
                format!("must lie in [0, 1], got {v}"),
            ));
        }
        if let Some(v) = tr.pt_percent {
            finite(issues, t, &tr.id, "pt_percent", v);
        }
        if tr.power_station_unit == Some(true)
            && !ctx
                .net
                .generators
                .iter()
                .any(|g| g.unit_transformer.as_deref() == Some(tr.id.as_str()))
        {
            issues.push(Issue::warning(
                t,
                &tr.id,
                "power_station_unit",
                "orphan_unit_transformer",
                "marked as a unit transformer but no generator names it in `unit_transformer`; treated as a network transformer",
            ));
        }
    }
}

pub(super) fn transformers3w(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Transformers3w;
    for tr in &ctx.net.transformers3w {
        let vh = ctx.bus_ref(issues, t, &tr.id, "hv_bus", &tr.hv_bus);
        let vm = ctx.bus_ref(issues, t, &tr.id, "mv_bus", &tr.mv_bus);
        let vl = ctx.bus_ref(issues, t, &tr.id, "lv_bus", &tr.lv_bus);
        if tr.hv_bus == tr.mv_bus || tr.mv_bus == tr.lv_bus || tr.hv_bus == tr.lv_bus {
            issues.push(Issue::error(
                t,
                &tr.id,
                "lv_bus",
                "self_loop",
                "the three windings must connect three different buses",
            ));
        }
        for (field, v) in [
            ("sn_hv_mva", tr.sn_hv_mva),
            ("sn_mv_mva", tr.sn_mv_mva),
            ("sn_lv_mva", tr.sn_lv_mva),
            ("vn_hv_kv", tr.vn_hv_kv),
            ("vn_mv_kv", tr.vn_mv_kv),
            ("vn_lv_kv", tr.vn_lv_kv),
        ] {
            positive(issues, t, &tr.id, field, v);
        }
        rated_voltage(issues, t, &tr.id, "vn_hv_kv", tr.vn_hv_kv, vh);
        rated_voltage(issues, t, &tr.id, "vn_mv_kv", tr.vn_mv_kv, vm);
        rated_voltage(issues, t, &tr.id, "vn_lv_kv", tr.vn_lv_kv, vl);
        for (vk, vkr) in [
            (
                ("vk_hv_percent", tr.vk_hv_percent),
                ("vkr_hv_percent", tr.vkr_hv_percent),
            ),
            (
                ("vk_mv_percent", tr.vk_mv_percent),
                ("vkr_mv_percent", tr.vkr_mv_percent),
            ),
            (
                ("vk_lv_percent", tr.vk_lv_percent),
                ("vkr_lv_percent", tr.vkr_lv_percent),
            ),
        ] {
            short_circuit_voltage(issues, t, &tr.id, vk, vkr);
        }
        for (vk, vkr) in [
            (
                ("vk0_hv_percent", tr.vk0_hv_percent),
                ("vkr0_hv_percent", tr.vkr0_hv_percent),
            ),
            (
                ("vk0_mv_percent", tr.vk0_mv_percent),
                ("vkr0_mv_percent", tr.vkr0_mv_percent),
            ),
            (
                ("vk0_lv_percent", tr.vk0_lv_percent),
                ("vkr0_lv_percent", tr.vkr0_lv_percent),
            ),
        ] {
            if let Some(v) = vk.1 {
                short_circuit_voltage(issues, t, &tr.id, (vk.0, v), (vkr.0, vkr.1.unwrap_or(0.0)));
            }
        }
        if let Some(vg) = &tr.vector_group {
            vector_group(issues, t, &tr.id, vg, 3);
        }
        grounding(
            issues,
            t,
            &tr.id,
            &[
                ("hv_grounding_r_ohm", tr.hv_grounding_r_ohm),
                ("hv_grounding_x_ohm", tr.hv_grounding_x_ohm),
                ("mv_grounding_r_ohm", tr.mv_grounding_r_ohm),
                ("mv_grounding_x_ohm", tr.mv_grounding_x_ohm),
                ("lv_grounding_r_ohm", tr.lv_grounding_r_ohm),
                ("lv_grounding_x_ohm", tr.lv_grounding_x_ohm),
            ],
        );
        resonant_star_points(
            issues,
            t,
            &tr.id,
            tr.vector_group.as_deref(),
            &[
                ("hv_grounding_resonant", tr.hv_grounding_resonant),
                ("mv_grounding_resonant", tr.mv_grounding_resonant),
                ("lv_grounding_resonant", tr.lv_grounding_resonant),
            ],
        );
    }
}

/// A star point marked as earthed through an arc-suppression coil must be an earthed star
/// (`YN`/`yn`/`ZN`) of the vector group, one flag per winding in order.
fn resonant_star_points(
    issues: &mut Vec<Issue>,
    table: Table,
    id: &str,
    vector_group: Option<&str>,
    flags: &[(&str, Option<bool>)],
) {
    // no vector group: no earthed star to check (earth faults refuse such a transformer)
    let Some(vector_group) = vector_group else {
        return;
    };
    let Ok(vg) = VectorGroup::parse(vector_group) else {
        return; // reported by `vector_group`
    };
    for (k, (field, flag)) in flags.iter().enumerate() {
        if flag == &Some(true) && !vg.windings.get(k).is_some_and(|w| w.is_earthed()) {
            issues.push(Issue::error(
                table,
                id,
                field,
                "not_earthed",
                format!(
                    "marks an arc-suppression coil, but this winding of `{vector_group}` has no earthed star point (write YN/yn/ZN)"
                ),
            ));
        }
    }
}

pub(super) fn impedances(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Impedances;
    for z in &ctx.net.impedances {
        let (vf, vt) = ctx.two_ends(
            issues,
            t,
            &z.id,
            ("from_bus", &z.from_bus),
            ("to_bus", &z.to_bus),
        );
        let ohm = z.r_ohm.is_some() || z.x_ohm.is_some();
        let pu = z.r_pu.is_some() || z.x_pu.is_some() || z.sn_mva.is_some();
        match (ohm, pu) {
            (true, true) => issues.push(Issue::error(
                t,
                &z.id,
                "r_pu",
                "ambiguous_impedance",
                "give the impedance either in ohm (r_ohm, x_ohm) or in p.u. (sn_mva, r_pu, x_pu), not both",
            )),
            (false, false) => issues.push(Issue::error(
                t,
                &z.id,
                "x_ohm",
                "missing_data",
                "needs r_ohm and x_ohm, or sn_mva, r_pu and x_pu",
            )),
            (true, false) => {
                let (r, x) = (z.r_ohm.unwrap_or(0.0), z.x_ohm.unwrap_or(0.0));
                finite(issues, t, &z.id, "r_ohm", r);
                finite(issues, t, &z.id, "x_ohm", x);
                if r == 0.0 && x == 0.0 {
                    issues.push(Issue::error(t, &z.id, "x_ohm", "non_positive", "the impedance is zero"));
                }
                if let (Some(vf), Some(vt)) = (vf, vt)
                    && (vf - vt).abs() > 1e-9 * vf.abs().max(vt.abs())
                {
                    issues.push(Issue::error(
                        t,
                        &z.id,
                        "to_bus",
                        "voltage_mismatch",
                        format!("an impedance in ohm joins buses of one nominal voltage, not {vf} kV and {vt} kV (give it in p.u.)"),
                    ));
                }
            }
            (false, true) => {
                match z.sn_mva {
                    Some(s) => positive(issues, t, &z.id, "sn_mva", s),
                    None => issues.push(Issue::error(
                        t,
                        &z.id,
                        "sn_mva",
                        "missing_data",
                        "the base power of the p.u. values is required",
                    )),
                }
                let (r, x) = (z.r_pu.unwrap_or(0.0), z.x_pu.unwrap_or(0.0));
                finite(issues, t, &z.id, "r_pu", r);
                finite(issues, t, &z.id, "x_pu", x);
                if r == 0.0 && x == 0.0 {
                    issues.push(Issue::error(t, &z.id, "x_pu", "non_positive", "the impedance is zero"));
                }
            }
        }
    }
}

pub(super) fn switches(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Switches;
    for s in &ctx.net.switches {
        ctx.bus_ref(issues, t, &s.id, "bus", &s.bus);
        if ctx.bus_vn.contains_key(s.element.as_str()) {
            if s.element == s.bus {
                issues.push(Issue::error(
                    t,
                    &s.id,
                    "element",
                    "self_loop",
                    "a bus-bus switch needs two different buses",
                ));
            }
            if let (Some(a), Some(b)) = (
                ctx.bus_vn.get(s.bus.as_str()),
                ctx.bus_vn.get(s.element.as_str()),
            ) && (a - b).abs() > 1e-9 * a.abs().max(b.abs())
            {
                issues.push(Issue::error(
                    t,
                    &s.id,
                    "element",
                    "voltage_mismatch",
                    format!(
                        "a bus-bus switch ties buses of one nominal voltage, not {a} kV and {b} kV"
                    ),
                ));
            }
        } else if let Some(ends) = ctx.branch_ends.get(s.element.as_str()) {
            if !ends.contains(&s.bus) {
                issues.push(Issue::error(
                    t,
                    &s.id,
                    "bus",
                    "switch_topology",
                    format!("bus `{}` is not an end of branch `{}`", s.bus, s.element),
                ));
            }
        } else {
            issues.push(Issue::error(
                t,
                &s.id,
                "element",
                "dangling_reference",
                format!("refers to `{}`, which is neither a bus nor a branch (line, transformer, impedance)", s.element),
            ));
        }
        for (field, v) in [("r_ohm", s.r_ohm), ("x_ohm", s.x_ohm)] {
            if let Some(v) = v {
                non_negative(issues, t, &s.id, field, v);
            }
        }
    }
}

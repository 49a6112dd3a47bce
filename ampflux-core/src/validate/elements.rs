//! Per-table rules: references, ranges, vector groups, rated voltages.

use super::{Context, finite, non_negative, positive};
use crate::error::Issue;
use crate::model::{ConverterKind, Table, VectorGroup};

/// Share of deviation between a winding's rated voltage and its bus's nominal voltage above
/// which a warning is raised.
const RATED_VOLTAGE_TOLERANCE: f64 = 0.2;

pub(super) fn check_all(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    buses(ctx, issues);
    external_grids(ctx, issues);
    lines(ctx, issues);
    transformers(ctx, issues);
    transformers3w(ctx, issues);
    generators(ctx, issues);
    motors(ctx, issues);
    converters(ctx, issues);
    impedances(ctx, issues);
    switches(ctx, issues);
    loads(ctx, issues);
}

fn buses(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Buses;
    for b in &ctx.net.buses {
        positive(issues, t, &b.id, "vn_kv", b.vn_kv);
        if let Some(tol) = b.lv_tolerance_percent
            && tol != 6.0
            && tol != 10.0
        {
            issues.push(Issue::error(
                t,
                &b.id,
                "lv_tolerance_percent",
                "out_of_range",
                format!("must be 6 or 10 (IEC 60909-0 Table 1), got {tol}"),
            ));
        }
        for (field, v) in [("c_max", b.c_max), ("c_min", b.c_min)] {
            if let Some(v) = v {
                positive(issues, t, &b.id, field, v);
            }
        }
    }
}

fn external_grids(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::ExternalGrids;
    for g in &ctx.net.external_grids {
        ctx.bus_ref(issues, t, &g.id, "bus", &g.bus);
        positive(issues, t, &g.id, "s_sc_max_mva", g.s_sc_max_mva);
        if let Some(v) = g.s_sc_min_mva {
            positive(issues, t, &g.id, "s_sc_min_mva", v);
            if v > g.s_sc_max_mva {
                issues.push(Issue::warning(
                    t,
                    &g.id,
                    "s_sc_min_mva",
                    "min_above_max",
                    format!(
                        "S''kQmin {v} MVA is larger than S''kQmax {} MVA",
                        g.s_sc_max_mva
                    ),
                ));
            }
        }
        for (field, v) in [
            ("rx_max", g.rx_max),
            ("rx_min", g.rx_min),
            ("r0x0_max", g.r0x0_max),
            ("r0x0_min", g.r0x0_min),
        ] {
            if let Some(v) = v {
                non_negative(issues, t, &g.id, field, v);
            }
        }
        for (field, v) in [("x0x_max", g.x0x_max), ("x0x_min", g.x0x_min)] {
            if let Some(v) = v {
                positive(issues, t, &g.id, field, v);
            }
        }
    }
}

fn lines(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Lines;
    for l in &ctx.net.lines {
        let vf = ctx.bus_ref(issues, t, &l.id, "from_bus", &l.from_bus);
        let vt = ctx.bus_ref(issues, t, &l.id, "to_bus", &l.to_bus);
        if l.from_bus == l.to_bus {
            issues.push(Issue::error(
                t,
                &l.id,
                "to_bus",
                "self_loop",
                "from_bus and to_bus are the same bus",
            ));
        }
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

/// Checks that a winding's rated voltage is within 20 % of its bus's nominal voltage.
fn rated_voltage(
    issues: &mut Vec<Issue>,
    table: Table,
    id: &str,
    field: &str,
    rated_kv: f64,
    bus_kv: Option<f64>,
) {
    if let Some(bus_kv) = bus_kv
        && rated_kv.is_finite()
        && bus_kv > 0.0
        && ((rated_kv - bus_kv) / bus_kv).abs() > RATED_VOLTAGE_TOLERANCE
    {
        issues.push(Issue::warning(
            table,
            id,
            field,
            "rated_voltage_mismatch",
            format!(
                "rated voltage {rated_kv} kV is more than {:.0} % away from its bus's nominal voltage {bus_kv} kV",
                RATED_VOLTAGE_TOLERANCE * 100.0
            ),
        ));
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

/// Whether a two-winding transformer with this vector group can carry zero-sequence current
/// between a bus and earth (so its zero-sequence data are needed by earth faults).
pub(crate) fn transformer_has_zero_path(vector_group: &str) -> bool {
    VectorGroup::parse(vector_group)
        .map(|vg| vg.windings.iter().any(|w| w.is_earthed()))
        .unwrap_or(false)
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

fn grounding(issues: &mut Vec<Issue>, table: Table, id: &str, pairs: &[(&str, Option<f64>)]) {
    for (field, v) in pairs {
        if let Some(v) = v {
            if field.contains("_r_") {
                non_negative(issues, table, id, field, *v);
            } else {
                finite(issues, table, id, field, *v);
            }
        }
    }
}

fn transformers(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Transformers;
    for tr in &ctx.net.transformers {
        let vh = ctx.bus_ref(issues, t, &tr.id, "hv_bus", &tr.hv_bus);
        let vl = ctx.bus_ref(issues, t, &tr.id, "lv_bus", &tr.lv_bus);
        if tr.hv_bus == tr.lv_bus {
            issues.push(Issue::error(
                t,
                &tr.id,
                "lv_bus",
                "self_loop",
                "hv_bus and lv_bus are the same bus",
            ));
        }
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
        vector_group(issues, t, &tr.id, &tr.vector_group, 2);
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

fn transformers3w(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
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
        vector_group(issues, t, &tr.id, &tr.vector_group, 3);
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
    }
}

fn power_factor(issues: &mut Vec<Issue>, table: Table, id: &str, cos_phi: f64) {
    if !(cos_phi.is_finite() && cos_phi > 0.0 && cos_phi <= 1.0) {
        issues.push(Issue::error(
            table,
            id,
            "cos_phi",
            "out_of_range",
            format!("must lie in (0, 1], got {cos_phi}"),
        ));
    }
}

fn generators(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Generators;
    for g in &ctx.net.generators {
        let vb = ctx.bus_ref(issues, t, &g.id, "bus", &g.bus);
        positive(issues, t, &g.id, "sn_mva", g.sn_mva);
        positive(issues, t, &g.id, "vn_kv", g.vn_kv);
        rated_voltage(issues, t, &g.id, "vn_kv", g.vn_kv, vb);
        power_factor(issues, t, &g.id, g.cos_phi);
        positive(issues, t, &g.id, "xdss_pu", g.xdss_pu);
        if let Some(v) = g.rdss_pu {
            non_negative(issues, t, &g.id, "rdss_pu", v);
        }
        for (field, v) in [("x2_pu", g.x2_pu), ("x0_pu", g.x0_pu)] {
            if let Some(v) = v {
                positive(issues, t, &g.id, field, v);
            }
        }
        grounding(
            issues,
            t,
            &g.id,
            &[
                ("grounding_r_ohm", g.grounding_r_ohm),
                ("grounding_x_ohm", g.grounding_x_ohm),
            ],
        );
        if let Some(pg) = g.pg_percent
            && !(pg.is_finite() && pg > -100.0)
        {
            issues.push(Issue::error(
                t,
                &g.id,
                "pg_percent",
                "out_of_range",
                format!("must be a finite number > -100, got {pg}"),
            ));
        }
        if let Some(unit) = &g.unit_transformer {
            match ctx.net.transformers.iter().find(|tr| &tr.id == unit) {
                None => issues.push(Issue::error(
                    t,
                    &g.id,
                    "unit_transformer",
                    "dangling_reference",
                    format!("refers to transformer `{unit}`, which does not exist"),
                )),
                Some(tr) if tr.lv_bus != g.bus => issues.push(Issue::error(
                    t,
                    &g.id,
                    "unit_transformer",
                    "unit_topology",
                    format!(
                        "unit transformer `{unit}` has its LV side at `{}`, not at the generator bus `{}`",
                        tr.lv_bus, g.bus
                    ),
                )),
                Some(_) => {
                    let others = ctx
                        .net
                        .generators
                        .iter()
                        .filter(|o| o.unit_transformer.as_deref() == Some(unit.as_str()))
                        .count();
                    if others > 1 {
                        issues.push(Issue::error(
                            t,
                            &g.id,
                            "unit_transformer",
                            "unit_topology",
                            format!("transformer `{unit}` is named as unit transformer by {others} generators"),
                        ));
                    }
                }
            }
        }
    }
}

fn motors(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Motors;
    for m in &ctx.net.motors {
        let vb = ctx.bus_ref(issues, t, &m.id, "bus", &m.bus);
        positive(issues, t, &m.id, "pn_mw", m.pn_mw);
        positive(issues, t, &m.id, "vn_kv", m.vn_kv);
        rated_voltage(issues, t, &m.id, "vn_kv", m.vn_kv, vb);
        power_factor(issues, t, &m.id, m.cos_phi);
        if !(m.efficiency_percent.is_finite()
            && m.efficiency_percent > 0.0
            && m.efficiency_percent <= 100.0)
        {
            issues.push(Issue::error(
                t,
                &m.id,
                "efficiency_percent",
                "out_of_range",
                format!("must lie in (0, 100], got {}", m.efficiency_percent),
            ));
        }
        positive(issues, t, &m.id, "lrc_pu", m.lrc_pu);
        if let Some(rx) = m.rx {
            non_negative(issues, t, &m.id, "rx", rx);
        }
        if let Some(p) = m.pole_pairs {
            positive(issues, t, &m.id, "pole_pairs", p as f64);
        }
        if let Some(n) = m.count {
            positive(issues, t, &m.id, "count", n as f64);
        }
    }
}

fn converters(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Converters;
    for c in &ctx.net.converters {
        let vb = ctx.bus_ref(issues, t, &c.id, "bus", &c.bus);
        positive(issues, t, &c.id, "sn_mva", c.sn_mva);
        positive(issues, t, &c.id, "vn_kv", c.vn_kv);
        rated_voltage(issues, t, &c.id, "vn_kv", c.vn_kv, vb);
        let required = |issues: &mut Vec<Issue>, field: &str, v: Option<f64>| match v {
            Some(v) => positive(issues, t, &c.id, field, v),
            None => issues.push(Issue::error(
                t,
                &c.id,
                field,
                "missing_data",
                format!("required for kind `{}`", kind_name(c.kind)),
            )),
        };
        match c.kind {
            ConverterKind::FullConverter => {
                required(issues, "k", c.k);
                if let Some(a) = c.current_angle_deg {
                    finite(issues, t, &c.id, "current_angle_deg", a);
                }
            }
            ConverterKind::DoublyFed => {
                required(issues, "i_wd_max_ka", c.i_wd_max_ka);
                required(issues, "kappa_wd", c.kappa_wd);
                if let Some(k) = c.kappa_wd
                    && k.is_finite()
                    && !(1.0..=2.0).contains(&k)
                {
                    issues.push(Issue::error(
                        t,
                        &c.id,
                        "kappa_wd",
                        "out_of_range",
                        format!("κ_WD must lie in [1, 2], got {k}"),
                    ));
                }
            }
            ConverterKind::Asynchronous => required(issues, "lrc_pu", c.lrc_pu),
        }
        if let Some(rx) = c.rx {
            non_negative(issues, t, &c.id, "rx", rx);
        }
    }
}

pub(crate) fn kind_name(kind: ConverterKind) -> &'static str {
    match kind {
        ConverterKind::FullConverter => "full_converter",
        ConverterKind::DoublyFed => "doubly_fed",
        ConverterKind::Asynchronous => "asynchronous",
    }
}

fn impedances(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Impedances;
    for z in &ctx.net.impedances {
        let vf = ctx.bus_ref(issues, t, &z.id, "from_bus", &z.from_bus);
        let vt = ctx.bus_ref(issues, t, &z.id, "to_bus", &z.to_bus);
        if z.from_bus == z.to_bus {
            issues.push(Issue::error(
                t,
                &z.id,
                "to_bus",
                "self_loop",
                "from_bus and to_bus are the same bus",
            ));
        }
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

fn switches(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
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
            if !ends.contains(&s.bus.as_str()) {
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

fn loads(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Loads;
    for l in &ctx.net.loads {
        ctx.bus_ref(issues, t, &l.id, "bus", &l.bus);
        finite(issues, t, &l.id, "p_mw", l.p_mw);
        if let Some(q) = l.q_mvar {
            finite(issues, t, &l.id, "q_mvar", q);
        }
    }
}

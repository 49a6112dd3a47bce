//! Rules for buses, sources, loads and shunts.

use super::{Context, finite, grounding, non_negative, positive, rated_voltage};
use crate::error::Issue;
use crate::model::{ConverterKind, Table};

pub(super) fn buses(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
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

pub(super) fn external_grids(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
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

pub(super) fn generators(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
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
        if let Some(v) = g.xdsat_pu {
            positive(issues, t, &g.id, "xdsat_pu", v);
        }
        if let Some(v) = g.ufmax_ufr
            && !(v.is_finite() && v >= 1.0)
        {
            issues.push(Issue::error(
                t,
                &g.id,
                "ufmax_ufr",
                "out_of_range",
                format!("the excitation ceiling U_fmax/U_fr must be a number >= 1, got {v}"),
            ));
        }
        if g.grounding_resonant == Some(true)
            && g.grounding_r_ohm.is_none()
            && g.grounding_x_ohm.is_none()
        {
            issues.push(Issue::error(
                t,
                &g.id,
                "grounding_resonant",
                "not_earthed",
                "marks an arc-suppression coil, but the star point has no earthing impedance (grounding_x_ohm)",
            ));
        }
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

pub(super) fn motors(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
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

pub(super) fn converters(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
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

/// Shunts: a bus, finite powers, a positive voltage, and an admittance that is not zero.
pub(super) fn shunts(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Shunts;
    for s in &ctx.net.shunts {
        let vb = ctx.bus_ref(issues, t, &s.id, "bus", &s.bus);
        for (field, value) in [("p_mw", s.p_mw), ("q_mvar", s.q_mvar)] {
            if let Some(v) = value {
                finite(issues, t, &s.id, field, v);
            }
        }
        if let Some(v) = s.vn_kv {
            positive(issues, t, &s.id, "vn_kv", v);
            rated_voltage(issues, t, &s.id, "vn_kv", v, vb);
        }
        if s.p_mw.unwrap_or(0.0) == 0.0 && s.q_mvar.unwrap_or(0.0) == 0.0 {
            issues.push(Issue::warning(
                t,
                &s.id,
                "q_mvar",
                "zero_admittance",
                "p_mw and q_mvar are both zero (or absent): the shunt has no admittance",
            ));
        }
    }
}

pub(super) fn loads(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Loads;
    for l in &ctx.net.loads {
        ctx.bus_ref(issues, t, &l.id, "bus", &l.bus);
        finite(issues, t, &l.id, "p_mw", l.p_mw);
        if let Some(q) = l.q_mvar {
            finite(issues, t, &l.id, "q_mvar", q);
        }
    }
}

//! Rules for equipment ratings (bus and switch `ratings`, line `conductor` and
//! `clearing_time_s`) and for scenarios. Fields are named with their object path
//! (`ratings.icw_duration_s`).

use super::{Context, positive};
use crate::error::Issue;
use crate::model::{BASE_SCENARIO, SwitchKind, Table};

/// Upper limit of the adiabatic method's validity in s (IEC 60364-4-43 §434.5.2).
const ADIABATIC_LIMIT_S: f64 = 5.0;

/// Each present value must be finite and > 0 (the field's path is only built for a finding).
fn positives(issues: &mut Vec<Issue>, table: Table, id: &str, fields: &[(&str, Option<f64>)]) {
    for (field, v) in fields {
        if let Some(v) = v
            && !(v.is_finite() && *v > 0.0)
        {
            positive(issues, table, id, &format!("ratings.{field}"), *v);
        }
    }
}

/// A short-time current and its duration come together.
fn icw_pair(
    issues: &mut Vec<Issue>,
    table: Table,
    id: &str,
    icw_ka: Option<f64>,
    icw_duration_s: Option<f64>,
) {
    let missing = match (icw_ka, icw_duration_s) {
        (Some(_), None) => Some(("icw_duration_s", "icw_ka")),
        (None, Some(_)) => Some(("icw_ka", "icw_duration_s")),
        _ => None,
    };
    if let Some((absent, given)) = missing {
        issues.push(Issue::error(
            table,
            id,
            &format!("ratings.{absent}"),
            "incomplete_rating",
            format!(
                "`{given}` is given without `{absent}`: a rated short-time withstand current \
                 needs its rated duration (and the duration its current)"
            ),
        ));
    }
}

pub(super) fn buses(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Buses;
    for b in &ctx.net.buses {
        let Some(r) = &b.ratings else { continue };
        positives(
            issues,
            t,
            &b.id,
            &[
                ("ipk_ka", r.ipk_ka),
                ("icw_ka", r.icw_ka),
                ("icw_duration_s", r.icw_duration_s),
            ],
        );
        icw_pair(issues, t, &b.id, r.icw_ka, r.icw_duration_s);
    }
}

fn not_used(issues: &mut Vec<Issue>, id: &str, field: &str, kind: SwitchKind, why: &str) {
    issues.push(Issue::warning(
        Table::Switches,
        id,
        &format!("ratings.{field}"),
        "rating_not_used",
        format!(
            "not used by the duty study: a {} {why}",
            kind.as_str().replace('_', "-")
        ),
    ));
}

pub(super) fn switches(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Switches;
    for s in &ctx.net.switches {
        let Some(r) = &s.ratings else { continue };
        positives(
            issues,
            t,
            &s.id,
            &[
                ("breaking_ka", r.breaking_ka),
                ("service_breaking_ka", r.service_breaking_ka),
                ("making_ka", r.making_ka),
                ("opening_time_s", r.opening_time_s),
                ("icw_ka", r.icw_ka),
                ("icw_duration_s", r.icw_duration_s),
                ("ipk_ka", r.ipk_ka),
            ],
        );
        icw_pair(issues, t, &s.id, r.icw_ka, r.icw_duration_s);
        if let Some(dc) = r.dc_percent
            && !(dc.is_finite() && (0.0..=100.0).contains(&dc))
        {
            issues.push(Issue::error(
                t,
                &s.id,
                "ratings.dc_percent",
                "out_of_range",
                format!("must be a percentage from 0 to 100, got {dc}"),
            ));
        }
        match (r.service_breaking_ka, r.breaking_ka) {
            (Some(_), None) => issues.push(Issue::error(
                t,
                &s.id,
                "ratings.breaking_ka",
                "incomplete_rating",
                "`service_breaking_ka` (I_cs) is given without `breaking_ka` (I_cu): I_cs is \
                 a share of I_cu (IEC 60947-2 §4.3.5.2.2)",
            )),
            (Some(ics), Some(icu)) if ics > icu => issues.push(Issue::error(
                t,
                &s.id,
                "ratings.service_breaking_ka",
                "out_of_range",
                format!(
                    "I_cs = {ics} kA exceeds I_cu = {icu} kA; IEC 60947-2 §4.3.5.2.2 gives I_cs \
                     as 25 to 100 % of I_cu"
                ),
            )),
            _ => {}
        }
        if let (Some(making), Some(breaking)) = (r.making_ka, r.breaking_ka)
            && making < breaking * std::f64::consts::SQRT_2
        {
            issues.push(Issue::warning(
                t,
                &s.id,
                "ratings.making_ka",
                "suspicious_rating",
                format!(
                    "the making current is a peak value; {making} kA is below √2 × the \
                     breaking current {breaking} kA r.m.s."
                ),
            ));
        }
        kind_rules(issues, s.kind, &s.id, r);
    }
}

/// Ratings that a switch of this kind does not use: warnings, never silently ignored.
fn kind_rules(
    issues: &mut Vec<Issue>,
    kind: SwitchKind,
    id: &str,
    r: &crate::model::SwitchRatings,
) {
    let given = |v: Option<f64>| v.is_some();
    let breaks = matches!(kind, SwitchKind::Breaker | SwitchKind::Fuse);
    if !breaks {
        for (field, v) in [
            ("breaking_ka", r.breaking_ka),
            ("service_breaking_ka", r.service_breaking_ka),
        ] {
            if given(v) {
                not_used(
                    issues,
                    id,
                    field,
                    kind,
                    "does not break short-circuit currents (give `kind`: `breaker` or `fuse`)",
                );
            }
        }
    }
    if kind != SwitchKind::Breaker {
        for (field, v) in [
            ("dc_percent", r.dc_percent),
            ("opening_time_s", r.opening_time_s),
        ] {
            if given(v) {
                not_used(
                    issues,
                    id,
                    field,
                    kind,
                    "has no rated d.c. component (a circuit-breaker rating)",
                );
            }
        }
    }
    if kind == SwitchKind::Fuse {
        for (field, v) in [
            ("making_ka", r.making_ka),
            ("icw_ka", r.icw_ka),
            ("ipk_ka", r.ipk_ka),
        ] {
            if given(v) {
                not_used(
                    issues,
                    id,
                    field,
                    kind,
                    "limits the current it interrupts; only its breaking capacity is checked",
                );
            }
        }
    }
}

pub(super) fn lines(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Lines;
    for l in &ctx.net.lines {
        if let Some(c) = &l.conductor {
            positive(
                issues,
                t,
                &l.id,
                "conductor.cross_section_mm2",
                c.cross_section_mm2,
            );
            if let Some(k) = c.k {
                positive(issues, t, &l.id, "conductor.k", k);
            }
        }
        if let Some(tc) = l.clearing_time_s {
            positive(issues, t, &l.id, "clearing_time_s", tc);
            if tc.is_finite() && tc > ADIABATIC_LIMIT_S {
                issues.push(Issue::warning(
                    t,
                    &l.id,
                    "clearing_time_s",
                    "adiabatic_limit",
                    format!(
                        "{tc} s exceeds the {ADIABATIC_LIMIT_S} s up to which the adiabatic \
                         withstand S ≥ I·√t/k holds (IEC 60364-4-43 §434.5.2); the check is \
                         conservative there"
                    ),
                ));
            }
        }
    }
}

pub(super) fn scenarios(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Scenarios;
    let net = ctx.net;
    for sc in &net.scenarios {
        if sc.id == BASE_SCENARIO {
            issues.push(Issue::error(
                t,
                &sc.id,
                "id",
                "reserved_id",
                format!(
                    "`{BASE_SCENARIO}` names the network without a scenario; choose another id"
                ),
            ));
        }
        for switch in sc.switches.keys() {
            if !net.switches.iter().any(|s| &s.id == switch) {
                issues.push(Issue::error(
                    t,
                    &sc.id,
                    "switches",
                    "dangling_reference",
                    format!("sets switch `{switch}`, which does not exist"),
                ));
            }
        }
        for element in &sc.out_of_service {
            match net.table_of(element) {
                Some(table) if table != Table::Scenarios => {}
                _ => issues.push(Issue::error(
                    t,
                    &sc.id,
                    "out_of_service",
                    "dangling_reference",
                    format!(
                        "takes `{element}` out of service, which is not an element of the network"
                    ),
                )),
            }
        }
    }
}

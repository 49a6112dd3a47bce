//! Rules for protective devices and the arc-flash data of buses.

use std::collections::HashMap;

use super::{Context, positive};
use crate::arcflash::typical;
use crate::error::Issue;
use crate::model::{Switch, Table};

pub(super) fn protective_devices(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::ProtectiveDevices;
    let switches: HashMap<&str, &Switch> = ctx
        .net
        .switches
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let mut at_switch: HashMap<&str, &str> = HashMap::new();
    for d in &ctx.net.protective_devices {
        match switches.get(d.switch.as_str()) {
            None => issues.push(Issue::error(
                t,
                &d.id,
                "switch",
                "dangling_reference",
                format!("refers to switch `{}`, which does not exist", d.switch),
            )),
            Some(s)
                if ctx.bus_vn.contains_key(s.element.as_str())
                    && s.r_ohm.unwrap_or(0.0) == 0.0
                    && s.x_ohm.unwrap_or(0.0) == 0.0 =>
            {
                issues.push(Issue::warning(
                    t,
                    &d.id,
                    "switch",
                    "current_not_computed",
                    format!(
                        "switch `{}` ties two buses without impedance, so no current through it is computed and the device never operates in studies; place the device at a branch end",
                        d.switch
                    ),
                ));
            }
            Some(_) => {}
        }
        if let Some(other) = at_switch.insert(&d.switch, &d.id) {
            issues.push(Issue::warning(
                t,
                &d.id,
                "switch",
                "shared_switch",
                format!(
                    "device `{other}` sits at switch `{}` too; both are evaluated",
                    d.switch
                ),
            ));
        }
        if let Err(found) = crate::protection::characteristic(d, ctx.net.frequency_hz) {
            issues.extend(found);
        }
    }
}

pub(super) fn bus_arc_flash(ctx: &Context<'_>, issues: &mut Vec<Issue>) {
    let t = Table::Buses;
    for b in &ctx.net.buses {
        let Some(af) = &b.arc_flash else { continue };
        for (field, v) in [
            ("arc_flash.gap_mm", af.gap_mm),
            ("arc_flash.working_distance_mm", af.working_distance_mm),
        ] {
            if let Some(v) = v {
                positive(issues, t, &b.id, field, v);
            }
        }
        if let Some(e) = &af.enclosure {
            for (field, v) in [
                ("arc_flash.enclosure.height_mm", e.height_mm),
                ("arc_flash.enclosure.width_mm", e.width_mm),
                ("arc_flash.enclosure.depth_mm", e.depth_mm),
            ] {
                if let Some(v) = v {
                    positive(issues, t, &b.id, field, v);
                }
            }
        }
        if let Some(class) = af.equipment
            && b.vn_kv.is_finite()
            && typical(class, b.vn_kv).is_none()
        {
            issues.push(Issue::error(
                t,
                &b.id,
                "arc_flash.equipment",
                "no_typical_values",
                format!(
                    "IEEE 1584-2018 Table 8 has no typical `{}` at {} kV; choose `switchgear` or `mcc`, or give gap, distance and enclosure",
                    class.as_str(),
                    b.vn_kv
                ),
            ));
        }
    }
}

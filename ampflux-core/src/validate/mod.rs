//! Validation: every problem at once, each naming the element and the field.
//!
//! [`Network::validate`] checks the document on its own (references, ids, ranges, vector
//! groups, rated voltages); [`Network::validate_for`] adds what a particular study needs
//! (minimum-case feeder data, zero-sequence data for earth faults).

mod branches;
mod ratings;
mod sources;
mod study;
mod supply;

use std::collections::{HashMap, HashSet};

use crate::error::Issue;
use crate::model::{Network, Table};
use crate::study::StudyOptions;

/// Shared lookups for the rules.
pub(crate) struct Context<'a> {
    pub net: &'a Network,
    pub bus_vn: HashMap<&'a str, f64>,
    pub branch_ends: HashMap<&'a str, Ends<'a>>,
}

/// The end buses of a branch (two, or three for a three-winding transformer).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ends<'a> {
    buses: [&'a str; 3],
    count: usize,
}

impl<'a> Ends<'a> {
    fn two(a: &'a str, b: &'a str) -> Ends<'a> {
        Ends {
            buses: [a, b, ""],
            count: 2,
        }
    }

    /// Whether `bus` is one of the ends.
    pub fn contains(&self, bus: &str) -> bool {
        self.buses[..self.count].contains(&bus)
    }
}

impl<'a> Context<'a> {
    fn new(net: &'a Network) -> Context<'a> {
        let bus_vn = net.buses.iter().map(|b| (b.id.as_str(), b.vn_kv)).collect();
        let branches = net.lines.len()
            + net.transformers.len()
            + net.transformers3w.len()
            + net.impedances.len();
        let mut branch_ends: HashMap<&str, Ends<'_>> = HashMap::with_capacity(branches);
        for l in &net.lines {
            branch_ends.insert(&l.id, Ends::two(&l.from_bus, &l.to_bus));
        }
        for t in &net.transformers {
            branch_ends.insert(&t.id, Ends::two(&t.hv_bus, &t.lv_bus));
        }
        for t in &net.transformers3w {
            let ends = Ends {
                buses: [&t.hv_bus, &t.mv_bus, &t.lv_bus],
                count: 3,
            };
            branch_ends.insert(&t.id, ends);
        }
        for z in &net.impedances {
            branch_ends.insert(&z.id, Ends::two(&z.from_bus, &z.to_bus));
        }
        Context {
            net,
            bus_vn,
            branch_ends,
        }
    }

    /// Checks that `bus` names a bus; returns its nominal voltage.
    pub fn bus_ref(
        &self,
        issues: &mut Vec<Issue>,
        table: Table,
        id: &str,
        field: &str,
        bus: &str,
    ) -> Option<f64> {
        match self.bus_vn.get(bus) {
            Some(vn) => Some(*vn),
            None => {
                issues.push(Issue::error(
                    table,
                    id,
                    field,
                    "dangling_reference",
                    format!("refers to bus `{bus}`, which does not exist"),
                ));
                None
            }
        }
    }

    /// Checks both end references of a two-terminal branch (dangling buses, both ends on one
    /// bus) and returns their nominal voltages.
    pub fn two_ends(
        &self,
        issues: &mut Vec<Issue>,
        table: Table,
        id: &str,
        (field_a, bus_a): (&str, &str),
        (field_b, bus_b): (&str, &str),
    ) -> (Option<f64>, Option<f64>) {
        let va = self.bus_ref(issues, table, id, field_a, bus_a);
        let vb = self.bus_ref(issues, table, id, field_b, bus_b);
        if bus_a == bus_b {
            issues.push(Issue::error(
                table,
                id,
                field_b,
                "self_loop",
                format!("{field_a} and {field_b} are the same bus"),
            ));
        }
        (va, vb)
    }
}

/// Pushes an error unless `value` is finite and > 0.
pub(crate) fn positive(issues: &mut Vec<Issue>, table: Table, id: &str, field: &str, value: f64) {
    if !(value.is_finite() && value > 0.0) {
        issues.push(Issue::error(
            table,
            id,
            field,
            "non_positive",
            format!("must be a positive finite number, got {value}"),
        ));
    }
}

/// Pushes an error unless `value` is finite and >= 0.
pub(crate) fn non_negative(
    issues: &mut Vec<Issue>,
    table: Table,
    id: &str,
    field: &str,
    value: f64,
) {
    if !(value.is_finite() && value >= 0.0) {
        issues.push(Issue::error(
            table,
            id,
            field,
            "negative",
            format!("must be a finite number >= 0, got {value}"),
        ));
    }
}

/// Pushes an error unless `value` is finite.
pub(crate) fn finite(issues: &mut Vec<Issue>, table: Table, id: &str, field: &str, value: f64) {
    if !value.is_finite() {
        issues.push(Issue::error(
            table,
            id,
            field,
            "not_finite",
            format!("must be a finite number, got {value}"),
        ));
    }
}

impl Network {
    /// Checks the document and returns every problem found (errors and warnings), each
    /// naming the element and the field. An empty list means the network is consistent.
    ///
    /// ```
    /// let net = ampflux_core::Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": -1}],
    ///   "lines": [{"id": "L", "from_bus": "A", "to_bus": "Z", "length_km": 1,
    ///              "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}]}"#).unwrap();
    /// let issues = net.validate();
    /// assert!(issues.iter().any(|i| i.field.as_deref() == Some("vn_kv")));
    /// assert!(issues.iter().any(|i| i.element.as_deref() == Some("L") && i.code == "dangling_reference"));
    /// ```
    pub fn validate(&self) -> Vec<Issue> {
        let ctx = Context::new(self);
        let mut issues = Vec::new();
        if !(self.frequency_hz.is_finite() && self.frequency_hz > 0.0) {
            issues.push(Issue {
                severity: crate::error::Severity::Error,
                code: "non_positive".into(),
                table: None,
                element: None,
                field: Some("frequency_hz".into()),
                message: format!("must be a positive frequency, got {}", self.frequency_hz),
            });
        }
        check_ids(self, &mut issues);
        sources::buses(&ctx, &mut issues);
        sources::external_grids(&ctx, &mut issues);
        branches::lines(&ctx, &mut issues);
        branches::transformers(&ctx, &mut issues);
        branches::transformers3w(&ctx, &mut issues);
        sources::generators(&ctx, &mut issues);
        sources::motors(&ctx, &mut issues);
        sources::converters(&ctx, &mut issues);
        branches::impedances(&ctx, &mut issues);
        branches::switches(&ctx, &mut issues);
        sources::loads(&ctx, &mut issues);
        sources::shunts(&ctx, &mut issues);
        ratings::buses(&ctx, &mut issues);
        ratings::lines(&ctx, &mut issues);
        ratings::switches(&ctx, &mut issues);
        ratings::scenarios(&ctx, &mut issues);
        // the network's islands mean something only once its elements are sound
        if !issues.iter().any(Issue::is_error) {
            supply::unsupplied_buses(self, &mut issues);
        }
        issues
    }

    /// [`Network::validate`] plus the data a study with `options` needs (for example
    /// `s_sc_min_mva` for the minimum case, zero-sequence data for earth faults, existing
    /// fault buses).
    pub fn validate_for(&self, options: &StudyOptions) -> Vec<Issue> {
        let mut issues = self.validate();
        study::check(self, options, &mut issues);
        if !issues.iter().any(Issue::is_error) {
            study::earth_fault_scope(self, options, &mut issues);
        }
        issues
    }
}

fn check_ids(net: &Network, issues: &mut Vec<Issue>) {
    let total = Table::ALL.iter().map(|t| net.len(*t)).sum();
    let mut seen: HashSet<&str> = HashSet::with_capacity(total);
    for table in Table::ALL {
        for id in net.ids(table) {
            if id.trim().is_empty() {
                issues.push(Issue::error(
                    table,
                    id,
                    "id",
                    "empty_id",
                    "element ids must not be empty",
                ));
            } else if !seen.insert(id) {
                issues.push(Issue::error(
                    table,
                    id,
                    "id",
                    "duplicate_id",
                    format!("id `{id}` is used by more than one element (ids are unique across all tables)"),
                ));
            }
        }
    }
}

/// Share of deviation between a winding's rated voltage and its bus's nominal voltage above
/// which a warning is raised.
const RATED_VOLTAGE_TOLERANCE: f64 = 0.2;

/// Checks that a winding's rated voltage is within 20 % of its bus's nominal voltage.
pub(crate) fn rated_voltage(
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

pub(crate) fn grounding(
    issues: &mut Vec<Issue>,
    table: Table,
    id: &str,
    pairs: &[(&str, Option<f64>)],
) {
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

#[cfg(test)]
mod tests {
    use crate::model::{Network, Table};

    #[test]
    fn branches_with_both_ends_on_one_bus_and_dangling_ends_are_named() {
        let mut net = Network::new(50.0);
        net.add_bus("A", 20.0);
        net.add_bus("B", 0.4);
        net.add_external_grid("Grid", "A", 500.0, 0.1);
        net.add_line("L1", "A", "A", 1.0, 0.1, 0.1);
        net.add_transformer("T1", "B", "B", 0.63, 20.0, 0.4, 4.0, 1.0, "Dyn5");
        net.add_line("L2", "A", "NOWHERE", 1.0, 0.1, 0.1);
        let issues = net.validate();
        let has = |table: Table, id: &str, field: &str, code: &str| {
            issues.iter().any(|i| {
                i.table == Some(table)
                    && i.element.as_deref() == Some(id)
                    && i.field.as_deref() == Some(field)
                    && i.code == code
                    && i.is_error()
            })
        };
        assert!(
            has(Table::Lines, "L1", "to_bus", "self_loop"),
            "{issues:#?}"
        );
        assert!(
            has(Table::Transformers, "T1", "lv_bus", "self_loop"),
            "{issues:#?}"
        );
        assert!(
            has(Table::Lines, "L2", "to_bus", "dangling_reference"),
            "{issues:#?}"
        );
        assert!(
            !has(Table::Lines, "L2", "to_bus", "self_loop"),
            "{issues:#?}"
        );
    }
}

//! Scenarios: named alternatives to the base network (switch states, elements out of
//! service) that studies can run on without editing the document.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Meta, Network, Table};
use crate::error::{Error, Result};

/// The name studies use for the network as drawn (no scenario applied). No scenario may
/// take this id.
pub const BASE_SCENARIO: &str = "base";

/// A named operating alternative: switch states and elements taken out of service, applied
/// on top of the base network.
///
/// ```
/// let net = ampflux_core::Network::from_json(r#"{
///   "buses": [{"id": "A", "vn_kv": 0.4}, {"id": "B", "vn_kv": 0.4}],
///   "switches": [{"id": "tie", "bus": "A", "element": "B", "closed": false}],
///   "scenarios": [{"id": "tie-closed", "switches": {"tie": true}}]}"#).unwrap();
/// let closed = net.scenario_network("tie-closed").unwrap();
/// assert!(closed.switches[0].closed);
/// assert_eq!(net.scenario_network("base").unwrap(), net);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique id (unique across all tables of the document; `base` is reserved).
    pub id: String,
    /// Switch states of this scenario by switch id (`true` = closed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub switches: BTreeMap<String, bool>,
    /// Ids of elements (of any table) out of service in this scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_service: Vec<String>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free-form data carried along unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::format::canonical::serialize_meta"
    )]
    pub meta: Option<Meta>,
}

macro_rules! take_out {
    ($net:expr, $table:expr, $id:expr) => {
        match $table {
            Table::Buses => set_out(&mut $net.buses, $id),
            Table::ExternalGrids => set_out(&mut $net.external_grids, $id),
            Table::Lines => set_out(&mut $net.lines, $id),
            Table::Transformers => set_out(&mut $net.transformers, $id),
            Table::Transformers3w => set_out(&mut $net.transformers3w, $id),
            Table::Generators => set_out(&mut $net.generators, $id),
            Table::Motors => set_out(&mut $net.motors, $id),
            Table::Converters => set_out(&mut $net.converters, $id),
            Table::Impedances => set_out(&mut $net.impedances, $id),
            Table::Switches => set_out(&mut $net.switches, $id),
            Table::Loads => set_out(&mut $net.loads, $id),
            Table::Shunts => set_out(&mut $net.shunts, $id),
            Table::ProtectiveDevices => set_out(&mut $net.protective_devices, $id),
            Table::Scenarios => false,
        }
    };
}

/// Elements with an `in_service` flag.
trait InService {
    fn id(&self) -> &str;
    fn set_out_of_service(&mut self);
}

macro_rules! in_service_flag {
    ($($t:ty),*) => {$(
        impl InService for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn set_out_of_service(&mut self) {
                self.in_service = Some(false);
            }
        }
    )*};
}

in_service_flag!(
    super::Bus,
    super::ExternalGrid,
    super::Line,
    super::Transformer,
    super::Transformer3w,
    super::Generator,
    super::Motor,
    super::Converter,
    super::Impedance,
    super::Switch,
    super::Load,
    super::Shunt,
    super::ProtectiveDevice
);

fn set_out<T: InService>(rows: &mut [T], id: &str) -> bool {
    let mut found = false;
    for row in rows.iter_mut().filter(|r| r.id() == id) {
        row.set_out_of_service();
        found = true;
    }
    found
}

impl Network {
    /// The scenario with id `id`, if the document has one.
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The network of scenario `id`: the base network with the scenario's switch states and
    /// out-of-service elements applied (the scenarios themselves are kept). `base` (see
    /// [`BASE_SCENARIO`]) gives the network unchanged. An unknown scenario, or a scenario
    /// naming elements that do not exist, is an [`Error::InvalidOption`] of option `scenario`.
    pub fn scenario_network(&self, id: &str) -> Result<Network> {
        if id == BASE_SCENARIO {
            return Ok(self.clone());
        }
        let scenario = self.scenario(id).ok_or_else(|| {
            let known: Vec<&str> = std::iter::once(BASE_SCENARIO)
                .chain(self.scenarios.iter().map(|s| s.id.as_str()))
                .collect();
            Error::option(
                "scenario",
                format!(
                    "no scenario `{id}` in the network; scenarios: {}",
                    known.join(", ")
                ),
            )
        })?;
        let mut net = self.clone();
        for (switch, closed) in &scenario.switches {
            let mut found = false;
            for s in net.switches.iter_mut().filter(|s| &s.id == switch) {
                s.closed = *closed;
                found = true;
            }
            if !found {
                return Err(Error::option(
                    "scenario",
                    format!("scenario `{id}` sets switch `{switch}`, which does not exist"),
                ));
            }
        }
        for element in &scenario.out_of_service {
            let found = self
                .table_of(element)
                .is_some_and(|table| take_out!(net, table, element));
            if !found {
                return Err(Error::option(
                    "scenario",
                    format!(
                        "scenario `{id}` takes `{element}` out of service, which is not an element of the network"
                    ),
                ));
            }
        }
        Ok(net)
    }

    /// The ids of every scenario, `base` first: what "all scenarios" means to a study.
    pub fn scenario_ids(&self) -> Vec<&str> {
        std::iter::once(BASE_SCENARIO)
            .chain(self.scenarios.iter().map(|s| s.id.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        Network::from_json(
            r#"{"buses": [{"id": "A", "vn_kv": 20}, {"id": "B", "vn_kv": 20}],
                "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 500, "rx_max": 0.1}],
                "lines": [{"id": "L", "from_bus": "A", "to_bus": "B", "length_km": 1,
                           "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}],
                "switches": [{"id": "S", "bus": "B", "element": "L", "closed": false}],
                "scenarios": [{"id": "closed", "switches": {"S": true}},
                              {"id": "no-line", "out_of_service": ["L"]},
                              {"id": "bad", "out_of_service": ["nothing"]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn scenarios_set_switches_and_take_elements_out() {
        let n = net();
        assert!(n.scenario_network("closed").unwrap().switches[0].closed);
        assert_eq!(
            n.scenario_network("no-line").unwrap().lines[0].in_service,
            Some(false)
        );
        assert_eq!(n.scenario_network(BASE_SCENARIO).unwrap(), n);
        assert_eq!(n.scenario_ids(), ["base", "closed", "no-line", "bad"]);
    }

    #[test]
    fn unknown_scenarios_and_elements_are_option_errors() {
        let n = net();
        let err = n.scenario_network("nope").unwrap_err();
        assert_eq!(err.code(), "invalid_option");
        assert!(err.to_string().contains("base, closed"), "{err}");
        let err = n.scenario_network("bad").unwrap_err();
        assert!(err.to_string().contains("`nothing`"), "{err}");
    }
}

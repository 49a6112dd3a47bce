//! What an equipment duty study asks for: the short-circuit study options it runs with
//! (`tk_s`, `tmin_s`, voltage factors, ...) plus its own, all in one flat namespace so that
//! every front end (CLI `--set`, Python keywords, JS objects) spells them the same way.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::study::{Case, FaultKind, StudyOptions};

/// Which current a switching device or cable is taken to carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyBasis {
    /// The whole fault current of the device's bus (conservative: the device's own
    /// contribution is not subtracted).
    #[default]
    BusTotal,
    /// The largest current through the device for a fault at either of its terminals, from
    /// branch results (costs a branch-result study at the devices' buses).
    Through,
}

/// Options of [`crate::duty::equipment_duty`]. Serialized flat: the study options of the
/// format (without `fault`, `case`, `buses`, `line_faults`, `branch_results`,
/// `partial_currents`, which the duty study decides) and the duty options `faults`,
/// `duty_basis`, `marginal_percent`, `scenarios`, `all_scenarios`.
#[derive(Clone, Debug, PartialEq)]
pub struct DutyOptions {
    /// The short-circuit study options (`tk_s`, `tmin_s`, `ip_method`, voltage factors,
    /// ...). `fault`, `case`, `buses`, `line_faults`, `branch_results` and
    /// `partial_currents` must keep their defaults: the duty study covers every fault type
    /// and location in the maximum case.
    pub study: StudyOptions,
    /// Fault types of the envelope. `None` (default): every type the network allows (3ph,
    /// 2ph, and 1ph, 2phE when the zero-sequence data are there; skipped types are named in
    /// the warnings). Given: exactly these, and missing data are errors.
    pub faults: Option<Vec<FaultKind>>,
    /// Which current a switch or cable carries (default `bus_total`).
    pub duty_basis: DutyBasis,
    /// Utilization in percent from which a passing check is `marginal` (default 90).
    pub marginal_percent: f64,
    /// Scenarios of the envelope by id (`base`: the network as drawn). Empty (default): the
    /// base network only.
    pub scenarios: Vec<String>,
    /// Every scenario of the network and the base network (default false).
    pub all_scenarios: bool,
}

impl Default for DutyOptions {
    fn default() -> Self {
        DutyOptions {
            study: StudyOptions::default(),
            faults: None,
            duty_basis: DutyBasis::BusTotal,
            marginal_percent: 90.0,
            scenarios: Vec::new(),
            all_scenarios: false,
        }
    }
}

/// The duty study's own options (the rest of a flat object are study options).
#[derive(Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
struct Own {
    faults: Option<Vec<FaultKind>>,
    duty_basis: DutyBasis,
    marginal_percent: f64,
    scenarios: Vec<String>,
    all_scenarios: bool,
}

impl Default for Own {
    fn default() -> Self {
        let d = DutyOptions::default();
        Own {
            faults: d.faults,
            duty_basis: d.duty_basis,
            marginal_percent: d.marginal_percent,
            scenarios: d.scenarios,
            all_scenarios: d.all_scenarios,
        }
    }
}

const OWN_KEYS: [&str; 5] = [
    "faults",
    "duty_basis",
    "marginal_percent",
    "scenarios",
    "all_scenarios",
];

/// Study options the duty study decides itself (written neither in nor out).
const DECIDED: [&str; 6] = [
    "fault",
    "case",
    "buses",
    "line_faults",
    "branch_results",
    "partial_currents",
];

impl DutyOptions {
    /// Reads options from one flat JSON object (study options and duty options by their
    /// names); unknown names and wrong types are errors naming the option.
    ///
    /// ```
    /// let o = ampflux_core::duty::DutyOptions::from_value(serde_json::json!({
    ///     "tk_s": 0.5, "duty_basis": "through", "faults": ["3ph", "1ph"]})).unwrap();
    /// assert_eq!(o.study.tk_s, 0.5);
    /// assert!(ampflux_core::duty::DutyOptions::from_value(serde_json::json!({"tk": 1})).is_err());
    /// ```
    pub fn from_value(value: Value) -> Result<DutyOptions> {
        let Value::Object(mut map) = value else {
            return Err(Error::option(
                "options",
                "duty options are an object of option names and values",
            ));
        };
        let mut own = Map::new();
        for key in OWN_KEYS {
            if let Some(v) = map.remove(key) {
                own.insert(key.to_string(), v);
            }
        }
        for key in DECIDED {
            if map.contains_key(key) {
                return Err(decided(key));
            }
        }
        let own: Own = serde_path_to_error::deserialize(Value::Object(own)).map_err(|err| {
            let path = err.path().to_string();
            Error::option(&path, err.into_inner().to_string())
        })?;
        let study = StudyOptions::from_value(Value::Object(map))?;
        Ok(DutyOptions {
            study,
            faults: own.faults,
            duty_basis: own.duty_basis,
            marginal_percent: own.marginal_percent,
            scenarios: own.scenarios,
            all_scenarios: own.all_scenarios,
        })
    }

    /// The options as one flat JSON object (what a duty report's `study` holds).
    pub fn to_value(&self) -> Value {
        let mut map = match serde_json::to_value(&self.study).expect("options serialize") {
            Value::Object(m) => m,
            _ => unreachable!("study options serialize to an object"),
        };
        for key in DECIDED {
            map.remove(key);
        }
        let own = Own {
            faults: self.faults.clone(),
            duty_basis: self.duty_basis,
            marginal_percent: self.marginal_percent,
            scenarios: self.scenarios.clone(),
            all_scenarios: self.all_scenarios,
        };
        if let Value::Object(o) = serde_json::to_value(own).expect("options serialize") {
            map.extend(o);
        }
        Value::Object(map)
    }

    /// Sets one option by name from text, as the CLI's `--set NAME=VALUE` does (the text is
    /// read as JSON when it parses, else as a string).
    ///
    /// ```
    /// let mut o = ampflux_core::duty::DutyOptions::default();
    /// o.set("duty_basis", "through").unwrap();
    /// o.set("tk_s", "0.5").unwrap();
    /// o.set("faults", r#"["3ph"]"#).unwrap();
    /// assert!(o.set("case", "min").is_err());
    /// ```
    pub fn set(&mut self, name: &str, text: &str) -> Result<()> {
        if DECIDED.contains(&name) {
            return Err(decided(name));
        }
        if !OWN_KEYS.contains(&name) {
            return self.study.set(name, text);
        }
        let mut value = self.to_value();
        let parsed =
            serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_string()));
        let parsed = match (name, parsed) {
            // a single fault type or scenario reads as a list of one
            ("faults" | "scenarios", Value::String(s)) => Value::Array(vec![Value::String(s)]),
            (_, v) => v,
        };
        value
            .as_object_mut()
            .expect("options are an object")
            .insert(name.to_string(), parsed);
        *self = DutyOptions::from_value(value).map_err(|e| match e {
            Error::InvalidOption { message, .. } => Error::option(name, message),
            other => other,
        })?;
        Ok(())
    }

    /// Checks ranges that serde cannot express (and the study options' own ranges).
    pub fn check(&self) -> Result<()> {
        self.study.check()?;
        let d = StudyOptions::default();
        let s = &self.study;
        if s.fault != d.fault {
            return Err(decided("fault"));
        }
        if s.case != Case::Max {
            return Err(decided("case"));
        }
        if s.buses.is_some() {
            return Err(decided("buses"));
        }
        if !s.line_faults.is_empty() {
            return Err(decided("line_faults"));
        }
        if s.branch_results {
            return Err(decided("branch_results"));
        }
        if s.partial_currents {
            return Err(decided("partial_currents"));
        }
        if !(self.marginal_percent.is_finite()
            && self.marginal_percent > 0.0
            && self.marginal_percent <= 100.0)
        {
            return Err(Error::option(
                "marginal_percent",
                format!(
                    "must be a percentage above 0 and at most 100, got {}",
                    self.marginal_percent
                ),
            ));
        }
        if let Some(faults) = &self.faults {
            if faults.is_empty() {
                return Err(Error::option("faults", "name at least one fault type"));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(f) = faults.iter().find(|f| !seen.insert(**f)) {
                return Err(Error::option(
                    "faults",
                    format!("`{}` is listed twice", f.as_str()),
                ));
            }
        }
        Ok(())
    }

    /// The scenario ids the study covers, in order, for `net`'s scenarios.
    pub(crate) fn scenario_ids(&self, net: &crate::Network) -> Vec<String> {
        if self.all_scenarios {
            net.scenario_ids().into_iter().map(str::to_string).collect()
        } else if self.scenarios.is_empty() {
            vec![crate::model::BASE_SCENARIO.to_string()]
        } else {
            let mut out: Vec<String> = Vec::new();
            for s in &self.scenarios {
                if !out.contains(s) {
                    out.push(s.clone());
                }
            }
            out
        }
    }
}

fn decided(name: &str) -> Error {
    let why = match name {
        "fault" => {
            "the duty study covers every fault type the network allows; choose them with `faults`"
        }
        "case" => {
            "equipment is rated for the maximum short-circuit currents (IEC 60909-0:2016 §4.3)"
        }
        "branch_results" | "partial_currents" => {
            "the duty study computes branch results and partial currents itself with \
             `duty_basis = through`"
        }
        _ => "the duty study covers every bus of the network",
    };
    Error::option(name, format!("not an option of the duty study: {why}"))
}

impl Serialize for DutyOptions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for DutyOptions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        DutyOptions::from_value(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_options_round_trip() {
        let mut o = DutyOptions::default();
        o.set("tk_s", "0.5").unwrap();
        o.set("duty_basis", "through").unwrap();
        o.set("faults", "1ph").unwrap();
        o.set("scenarios", "tie").unwrap();
        o.set("marginal_percent", "85").unwrap();
        assert_eq!(o.faults, Some(vec![FaultKind::LineToEarth]));
        assert_eq!(o.scenarios, ["tie"]);
        let v = o.to_value();
        assert!(v.get("fault").is_none() && v.get("case").is_none());
        assert_eq!(v["duty_basis"], "through");
        assert_eq!(DutyOptions::from_value(v).unwrap(), o);
    }

    #[test]
    fn options_the_study_decides_are_refused_with_a_reason() {
        let mut o = DutyOptions::default();
        for (name, value) in [
            ("fault", "1ph"),
            ("case", "min"),
            ("buses", "[\"A\"]"),
            ("branch_results", "true"),
            ("partial_currents", "true"),
        ] {
            let err = o.set(name, value).unwrap_err();
            assert_eq!(err.code(), "invalid_option");
            assert!(err.to_string().contains(name), "{err}");
        }
        assert!(o.set("marginal_percent", "fast").is_err());
        assert!(o.set("duty_basis", "sideways").is_err());
        o.marginal_percent = 120.0;
        assert!(o.check().is_err());
        let o = DutyOptions {
            faults: Some(vec![FaultKind::ThreePhase, FaultKind::ThreePhase]),
            ..DutyOptions::default()
        };
        assert!(o.check().is_err());
    }
}

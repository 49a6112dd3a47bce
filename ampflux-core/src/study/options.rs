//! Study options: what to compute. Names and defaults are those of the format's "Study
//! options" section, so every front end (CLI `--set`, Python keywords, JS objects, HTTP
//! bodies) spells them the same way.

use serde::de::DeserializeOwned;
use serde::de::value::StrDeserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// Fault type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FaultKind {
    /// Balanced three-phase fault.
    #[default]
    #[serde(rename = "3ph")]
    ThreePhase,
    /// Line-to-line fault (phases b and c) without earth contact.
    #[serde(rename = "2ph")]
    LineToLine,
    /// Line-to-earth fault (phase a).
    #[serde(rename = "1ph")]
    LineToEarth,
    /// Double line-to-earth fault (phases b and c to earth).
    #[serde(rename = "2phe", alias = "2ph_earth")]
    DoubleLineToEarth,
}

impl FaultKind {
    /// The option value (`3ph`, `2ph`, `1ph`, `2phe`).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::ThreePhase => "3ph",
            FaultKind::LineToLine => "2ph",
            FaultKind::LineToEarth => "1ph",
            FaultKind::DoubleLineToEarth => "2phe",
        }
    }

    /// Whether the fault involves earth, so that the zero-sequence network is needed.
    pub fn involves_earth(self) -> bool {
        matches!(self, FaultKind::LineToEarth | FaultKind::DoubleLineToEarth)
    }
}

/// Maximum or minimum short-circuit currents (IEC 60909-0 §4.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// Maximum currents: c_max, K factors, motors and converters contribute.
    #[default]
    Max,
    /// Minimum currents: c_min, conductor end temperature, no motors or full converters.
    Min,
}

/// How κ for the peak current ip is found in meshed networks (IEC 60909-0 §8.1.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PeakMethod {
    /// Method B: κ from R/X at the fault location, times 1.15.
    #[serde(rename = "b", alias = "B")]
    B,
    /// Method C: equivalent frequency f_c = 20 Hz (50 Hz systems) / 24 Hz (60 Hz systems).
    #[default]
    #[serde(rename = "c", alias = "C")]
    C,
}

/// Whether a fault location is fed radially or through a meshed network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    /// Decided per fault location (more than one independent path to a source = meshed).
    #[default]
    Auto,
    /// Every location is treated as meshed.
    Meshed,
    /// Every location is treated as radial (κ from R/X at the fault, no 1.15).
    Radial,
}

/// Calculation method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// IEC 60909-0:2016 equivalent voltage source with correction factors.
    #[default]
    Iec60909,
    /// Classical symmetrical components: prefault voltage `prefault_pu` everywhere, no
    /// voltage factor c and no correction factors (textbook studies).
    Classical,
}

/// How the breaking current I_b treats the decay of machine contributions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakingCurrent {
    /// IEC 60909-0 eq. 75: the contribution of every synchronous and asynchronous machine
    /// decays with μ (and q) for `tmin_s`. Costs one solve per machine node.
    #[default]
    Exact,
    /// I_b = I''k everywhere: the far-from-generator value, an upper bound (I_b ≤ I''k), for
    /// large sweeps where the exact decay is not needed.
    Conservative,
}

/// A fault at a point along a line, without editing the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineFault {
    /// Id of the line.
    pub line: String,
    /// Position from the `from_bus`, as a fraction of the length (0 < position < 1).
    pub position: f64,
}

impl LineFault {
    /// The location id used in reports: `LINE@POSITION`.
    pub fn location_id(&self) -> String {
        format!("{}@{}", self.line, self.position)
    }

    /// Parses the CLI form `LINE:0.3`.
    pub fn parse(text: &str) -> Result<LineFault> {
        let (line, position) = text.rsplit_once(':').ok_or_else(|| {
            Error::option(
                "line_faults",
                format!("`{text}`: expected LINE:POSITION, e.g. L1:0.3"),
            )
        })?;
        let position: f64 = position.trim().parse().map_err(|_| {
            Error::option(
                "line_faults",
                format!("`{text}`: position `{position}` is not a number"),
            )
        })?;
        Ok(LineFault {
            line: line.trim().to_string(),
            position,
        })
    }
}

/// What a short-circuit study computes. Every field has the documented default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StudyOptions {
    /// Fault type (`3ph`, `2ph`, `1ph`, `2phe`; default `3ph`).
    pub fault: FaultKind,
    /// `max` (default) or `min`.
    pub case: Case,
    /// κ method for meshed networks (`b` or `c`, default `c`).
    pub ip_method: PeakMethod,
    /// `auto` (default), `meshed` or `radial`.
    pub topology: Topology,
    /// Short-circuit duration T_k for I_th, in s (default 1.0).
    pub tk_s: f64,
    /// Minimum time delay t_min for I_b, in s (default 0.1).
    pub tmin_s: f64,
    /// `exact` (default) or `conservative` (I_b = I''k) breaking currents (addition).
    pub breaking_current: BreakingCurrent,
    /// Voltage tolerance of LV systems, 6 or 10 percent (default 10).
    pub lv_tolerance_percent: f64,
    /// Explicit c_max for U_n ≤ 1 kV (overrides IEC 60909-0 Table 1).
    pub c_max_lv: Option<f64>,
    /// Explicit c_min for U_n ≤ 1 kV.
    pub c_min_lv: Option<f64>,
    /// Explicit c_max for U_n > 1 kV.
    pub c_max_hv: Option<f64>,
    /// Explicit c_min for U_n > 1 kV.
    pub c_min_hv: Option<f64>,
    /// Apply K_T also in the minimum case (older convention; default false as the 2016
    /// edition reads).
    pub kt_in_min_case: bool,
    /// Fault resistance per faulted phase in Ω (default 0).
    pub r_fault_ohm: f64,
    /// Fault reactance per faulted phase in Ω (default 0).
    pub x_fault_ohm: f64,
    /// Resistance between the fault point and earth in Ω for earth faults (addition;
    /// default 0).
    pub r_earth_ohm: f64,
    /// Reactance between the fault point and earth in Ω for earth faults (addition;
    /// default 0).
    pub x_earth_ohm: f64,
    /// Fault buses (default: all buses).
    pub buses: Option<Vec<String>>,
    /// Faults along lines (addition; default none).
    pub line_faults: Vec<LineFault>,
    /// Compute branch currents and bus voltages for each fault location (default false).
    pub branch_results: bool,
    /// Report the partial current of every source (network feeder, generator, power station
    /// unit, motor, converter) at every fault location (addition; default false).
    pub partial_currents: bool,
    /// Faults at the generator terminals of a power station unit: apply K_T,S (K_T,SO) to the
    /// unit transformer as IEC 60909-0:2016 §6.7.1 reads (default true). `false` follows
    /// PowerFactory and pandapower, which leave the unit transformer uncorrected there
    /// (addition).
    pub kts_at_generator_terminals: bool,
    /// Calculation method (addition; default `iec60909`).
    pub method: Method,
    /// Prefault voltage in p.u. for `method = classical` (addition; default 1.0).
    pub prefault_pu: f64,
    /// Per-unit base power in MVA (addition; default 100; results do not depend on it).
    pub base_mva: f64,
}

impl Default for StudyOptions {
    fn default() -> Self {
        StudyOptions {
            fault: FaultKind::ThreePhase,
            case: Case::Max,
            ip_method: PeakMethod::C,
            topology: Topology::Auto,
            tk_s: 1.0,
            tmin_s: 0.1,
            breaking_current: BreakingCurrent::Exact,
            lv_tolerance_percent: 10.0,
            c_max_lv: None,
            c_min_lv: None,
            c_max_hv: None,
            c_min_hv: None,
            kt_in_min_case: false,
            r_fault_ohm: 0.0,
            x_fault_ohm: 0.0,
            r_earth_ohm: 0.0,
            x_earth_ohm: 0.0,
            buses: None,
            line_faults: Vec::new(),
            branch_results: false,
            partial_currents: false,
            kts_at_generator_terminals: true,
            method: Method::Iec60909,
            prefault_pu: 1.0,
            base_mva: 100.0,
        }
    }
}

impl StudyOptions {
    /// Reads options from a JSON object with the format's option names; unknown names and
    /// wrong types are errors naming the option.
    pub fn from_value(value: Value) -> Result<StudyOptions> {
        serde_path_to_error::deserialize(value).map_err(|err| {
            let path = err.path().to_string();
            Error::option(&path, err.into_inner().to_string())
        })
    }

    /// Sets one option by its name from text, as the CLI's `--set NAME=VALUE` does. The text
    /// is read as JSON when it parses (`0.95`, `true`, `["B1"]`, `null`), else as a bare word
    /// (`min`, `3ph`). Only the named field is read and written: the rest of the options is
    /// not touched.
    ///
    /// ```
    /// let mut o = ampflux_core::StudyOptions::default();
    /// o.set("c_min_lv", "0.95").unwrap();
    /// o.set("kt_in_min_case", "true").unwrap();
    /// o.set("case", "min").unwrap();
    /// assert_eq!(o.c_min_lv, Some(0.95));
    /// assert!(o.set("c_min_lvv", "1").is_err());
    /// ```
    pub fn set(&mut self, name: &str, text: &str) -> Result<()> {
        // Every field of the struct, by its serde name. A field added to `StudyOptions` must be
        // listed here too (the test `every_option_can_be_set_by_name` fails until it is).
        macro_rules! by_name {
            ($($field:ident),* $(,)?) => {
                match name {
                    $(stringify!($field) => self.$field = option_value(name, text)?,)*
                    _ => {
                        let mut known = [$(stringify!($field)),*];
                        known.sort_unstable();
                        return Err(Error::option(
                            name,
                            format!("unknown option; known options: {}", known.join(", ")),
                        ));
                    }
                }
            };
        }
        by_name!(
            fault,
            case,
            ip_method,
            topology,
            tk_s,
            tmin_s,
            breaking_current,
            lv_tolerance_percent,
            c_max_lv,
            c_min_lv,
            c_max_hv,
            c_min_hv,
            kt_in_min_case,
            r_fault_ohm,
            x_fault_ohm,
            r_earth_ohm,
            x_earth_ohm,
            buses,
            line_faults,
            branch_results,
            partial_currents,
            kts_at_generator_terminals,
            method,
            prefault_pu,
            base_mva,
        );
        Ok(())
    }

    /// Checks ranges that serde cannot express.
    pub fn check(&self) -> Result<()> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(Error::option(
                    name,
                    format!("must be a positive number, got {v}"),
                ))
            }
        };
        positive("tk_s", self.tk_s)?;
        positive("base_mva", self.base_mva)?;
        positive("prefault_pu", self.prefault_pu)?;
        if !(self.tmin_s.is_finite() && self.tmin_s >= 0.0) {
            return Err(Error::option(
                "tmin_s",
                format!("must be >= 0, got {}", self.tmin_s),
            ));
        }
        if self.lv_tolerance_percent != 6.0 && self.lv_tolerance_percent != 10.0 {
            return Err(Error::option(
                "lv_tolerance_percent",
                format!("must be 6 or 10, got {}", self.lv_tolerance_percent),
            ));
        }
        for (name, v) in [
            ("c_max_lv", self.c_max_lv),
            ("c_min_lv", self.c_min_lv),
            ("c_max_hv", self.c_max_hv),
            ("c_min_hv", self.c_min_hv),
        ] {
            if let Some(v) = v {
                positive(name, v)?;
            }
        }
        for (name, v) in [
            ("r_fault_ohm", self.r_fault_ohm),
            ("x_fault_ohm", self.x_fault_ohm),
            ("r_earth_ohm", self.r_earth_ohm),
            ("x_earth_ohm", self.x_earth_ohm),
        ] {
            if !v.is_finite() {
                return Err(Error::option(name, format!("must be finite, got {v}")));
            }
        }
        if self.r_fault_ohm < 0.0 || self.r_earth_ohm < 0.0 {
            return Err(Error::option(
                "r_fault_ohm",
                "fault resistances must be >= 0",
            ));
        }
        for lf in &self.line_faults {
            if !(lf.position > 0.0 && lf.position < 1.0) {
                return Err(Error::option(
                    "line_faults",
                    format!(
                        "{}: position must be strictly between 0 and 1, got {}",
                        lf.line, lf.position
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The value of option `name` from its text: JSON when the text is JSON of the option's type
/// (`0.5`, `true`, `["B1"]`, `"min"`), else the bare word (`min`, `3ph`).
fn option_value<T: DeserializeOwned>(name: &str, text: &str) -> Result<T> {
    let text = text.trim();
    let json_error = match serde_json::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let word = T::deserialize(StrDeserializer::<serde::de::value::Error>::new(text));
    word.map_err(|word_error| {
        // the message of the reading the user meant: JSON syntax for JSON-looking text
        let message = if serde_json::from_str::<Value>(text).is_ok() {
            json_error.to_string()
        } else {
            word_error.to_string()
        };
        Error::option(name, message)
    })
}

/// The option values that are names (`3ph`, `min`, `c`, ...) parse from their names, so that
/// front ends set them directly (`"min".parse::<Case>()`).
macro_rules! from_name {
    ($($t:ty => $option:literal),* $(,)?) => {$(
        impl std::str::FromStr for $t {
            type Err = Error;
            fn from_str(text: &str) -> Result<$t> {
                <$t>::deserialize(StrDeserializer::<serde::de::value::Error>::new(text.trim()))
                    .map_err(|e| Error::option($option, e.to_string()))
            }
        }
    )*};
}

from_name!(
    FaultKind => "fault",
    Case => "case",
    PeakMethod => "ip_method",
    Topology => "topology",
    Method => "method",
    BreakingCurrent => "breaking_current",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_spec_names() {
        let o = StudyOptions::from_value(serde_json::json!({
            "fault": "2phe", "case": "min", "ip_method": "B", "tk_s": 0.5,
            "kt_in_min_case": true, "buses": ["B1"]
        }))
        .unwrap();
        assert_eq!(o.fault, FaultKind::DoubleLineToEarth);
        assert_eq!(o.ip_method, PeakMethod::B);
        assert_eq!(o.buses.as_deref(), Some(&["B1".to_string()][..]));
        let err = StudyOptions::from_value(serde_json::json!({"faults": "3ph"})).unwrap_err();
        assert_eq!(err.code(), "invalid_option");
    }

    #[test]
    fn set_rejects_bad_values() {
        let mut o = StudyOptions::default();
        assert!(o.set("fault", "4ph").is_err());
        assert!(o.set("tk_s", "fast").is_err());
        o.set("fault", "1ph").unwrap();
        assert_eq!(o.fault, FaultKind::LineToEarth);
        o.set("buses", r#"["A","B"]"#).unwrap();
        assert_eq!(o.buses.unwrap().len(), 2);
    }

    #[test]
    fn every_option_can_be_set_by_name() {
        // every field the options serialize to can be set by its name from its JSON text,
        // and setting one leaves the others alone
        let options = StudyOptions {
            fault: FaultKind::LineToEarth,
            case: Case::Min,
            ip_method: PeakMethod::B,
            topology: Topology::Meshed,
            tk_s: 0.25,
            tmin_s: 0.05,
            breaking_current: BreakingCurrent::Conservative,
            lv_tolerance_percent: 6.0,
            c_max_lv: Some(1.05),
            c_min_lv: Some(0.95),
            c_max_hv: Some(1.1),
            c_min_hv: Some(1.0),
            kt_in_min_case: true,
            r_fault_ohm: 0.5,
            x_fault_ohm: 0.25,
            r_earth_ohm: 1.5,
            x_earth_ohm: 0.75,
            buses: Some(vec!["B1".into(), "B2".into()]),
            line_faults: vec![LineFault {
                line: "L1".into(),
                position: 0.3,
            }],
            branch_results: true,
            partial_currents: true,
            kts_at_generator_terminals: false,
            method: Method::Classical,
            prefault_pu: 1.05,
            base_mva: 10.0,
        };
        let Value::Object(fields) = serde_json::to_value(&options).unwrap() else {
            panic!("options serialize to an object")
        };
        let mut set = StudyOptions::default();
        for (name, value) in &fields {
            let before = serde_json::to_value(&set).unwrap();
            set.set(name, &value.to_string())
                .unwrap_or_else(|e| panic!("option `{name}` cannot be set by name: {e}"));
            let after = serde_json::to_value(&set).unwrap();
            for (other, v) in after.as_object().unwrap() {
                if other != name {
                    assert_eq!(v, &before[other], "setting `{name}` changed `{other}`");
                }
            }
        }
        assert_eq!(set, options);
    }

    #[test]
    fn setting_one_option_does_not_read_the_others() {
        // the options were round-tripped through JSON to set one of them, which failed when
        // another held a value JSON cannot carry
        let mut o = StudyOptions {
            r_fault_ohm: f64::INFINITY,
            ..StudyOptions::default()
        };
        o.set("case", "min").unwrap();
        assert_eq!(o.case, Case::Min);
        assert_eq!(o.r_fault_ohm, f64::INFINITY);
    }

    #[test]
    fn names_parse_as_bare_words_and_as_json_strings() {
        let mut o = StudyOptions::default();
        o.set("case", "\"min\"").unwrap();
        assert_eq!(o.case, Case::Min);
        o.set("ip_method", " B ").unwrap();
        assert_eq!(o.ip_method, PeakMethod::B);
        assert_eq!(
            "2phe".parse::<FaultKind>().unwrap(),
            FaultKind::DoubleLineToEarth
        );
        let err = "4ph".parse::<FaultKind>().unwrap_err();
        assert_eq!(err.code(), "invalid_option");
        assert!(err.to_string().contains("3ph"), "{err}");
        let err = o.set("tk_s", "fast").unwrap_err();
        assert!(err.to_string().contains("tk_s"), "{err}");
        o.set("c_max_lv", "null").unwrap();
        assert_eq!(o.c_max_lv, None);
        let err = o.set("nonsense", "1").unwrap_err();
        assert!(err.to_string().contains("known options: base_mva"), "{err}");
    }

    #[test]
    fn line_fault_parse() {
        let lf = LineFault::parse("L1:0.3").unwrap();
        assert_eq!(lf.line, "L1");
        assert_eq!(lf.position, 0.3);
        assert!(LineFault::parse("L1").is_err());
        assert!(LineFault::parse("L1:x").is_err());
    }
}

//! Options of the arc-flash study.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::study::{FaultKind, StudyOptions};

/// How the incident energy accumulates while devices open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnergyMethod {
    /// The arcing current of the whole fault flows for the whole arc duration (conservative;
    /// IEEE 1584-2018's single calculation).
    #[default]
    SingleStep,
    /// The arc duration is cut into steps at each opening; each step has the bolted and
    /// arcing current of the sources still connected (a new short-circuit solve per step),
    /// inverse-time devices accumulate their operation as 1/t(I) over the steps, and the
    /// step energies add up (energy is proportional to time in equations (3) to (6)).
    StepWise,
}

/// What an arc-flash study computes. Every field has the documented default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArcFlashOptions {
    /// Buses to study (default: every in-service bus within 0.208 kV to 15 kV).
    pub buses: Option<Vec<String>>,
    /// Longest arc duration in s (default 2): a contribution no device interrupts lasts this
    /// long, and no arc lasts longer (IEEE 1584-2018 suggests 2 s, by when a worker will
    /// have moved away).
    pub max_arc_duration_s: f64,
    /// Time after which asynchronous motors no longer feed the arc, in s (default 0.1, an
    /// AmpFlux assumption: their flux decays within a few cycles); `null` treats motors like
    /// other sources, which then need a device.
    pub motor_decay_s: Option<f64>,
    /// Time after which converter-connected units (inverters of PV, batteries, wind) no longer
    /// feed the arc, in s (default 0.16: the undervoltage trip of IEEE 1547-2018 for a voltage
    /// below 0.45 p.u., which an arc at or near their bus causes); `null` treats them like
    /// other sources, which then need a device.
    pub converter_trip_s: Option<f64>,
    /// `single_step` (default) or `step_wise`.
    pub energy_method: EnergyMethod,
    /// Options of the underlying IEC 60909 study (`case`, voltage factors, ...); the fault is
    /// always three-phase and branch results are always computed.
    pub short_circuit: StudyOptions,
}

impl Default for ArcFlashOptions {
    fn default() -> Self {
        ArcFlashOptions {
            buses: None,
            max_arc_duration_s: 2.0,
            motor_decay_s: Some(0.1),
            converter_trip_s: Some(0.16),
            energy_method: EnergyMethod::SingleStep,
            short_circuit: StudyOptions::default(),
        }
    }
}

impl ArcFlashOptions {
    /// Reads options from a JSON object; unknown names and wrong types are errors naming
    /// the option.
    pub fn from_value(value: Value) -> Result<ArcFlashOptions> {
        serde_path_to_error::deserialize(value).map_err(|err| {
            let path = err.path().to_string();
            Error::option(&path, err.into_inner().to_string())
        })
    }

    /// Sets one option by name from text (`max_arc_duration_s=1.5`); a name of the
    /// short-circuit options (`case`, `c_max_lv`, ...) sets that option.
    pub fn set(&mut self, name: &str, text: &str) -> Result<()> {
        use crate::study::options::option_value;
        match name {
            "buses" => self.buses = option_value(name, text)?,
            "max_arc_duration_s" => self.max_arc_duration_s = option_value(name, text)?,
            "motor_decay_s" => self.motor_decay_s = option_value(name, text)?,
            "converter_trip_s" => self.converter_trip_s = option_value(name, text)?,
            "energy_method" => self.energy_method = option_value(name, text)?,
            _ => return self.short_circuit.set(name, text),
        }
        Ok(())
    }

    /// Checks ranges that serde cannot express.
    pub fn check(&self) -> Result<()> {
        if !(self.max_arc_duration_s.is_finite() && self.max_arc_duration_s > 0.0) {
            return Err(Error::option(
                "max_arc_duration_s",
                format!(
                    "must be a positive duration, got {}",
                    self.max_arc_duration_s
                ),
            ));
        }
        for (name, v) in [
            ("motor_decay_s", self.motor_decay_s),
            ("converter_trip_s", self.converter_trip_s),
        ] {
            if let Some(t) = v
                && !(t.is_finite() && t >= 0.0)
            {
                return Err(Error::option(
                    name,
                    format!("must be >= 0 s or null, got {t}"),
                ));
            }
        }
        if self.short_circuit.fault != FaultKind::ThreePhase {
            return Err(Error::option(
                "short_circuit.fault",
                "the arc-flash study uses three-phase bolted currents (IEEE 1584-2018)",
            ));
        }
        if !self.short_circuit.line_faults.is_empty() {
            return Err(Error::option(
                "short_circuit.line_faults",
                "the arc-flash study is per bus",
            ));
        }
        self.short_circuit.check()
    }
}

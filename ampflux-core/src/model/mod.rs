//! The network as the user drew it: plain data with string ids and units in field names,
//! exactly the tables of the AmpFlux network document (format v1).

mod branches;
mod bus;
mod frozen;
mod protection;
mod ratings;
mod scenario;
mod shunt;
mod sources;
mod vector_group;

pub use branches::{Impedance, Line, Switch, TapSide, Transformer, Transformer3w};
pub use bus::Bus;
pub use frozen::FrozenNetwork;
pub use protection::{
    BusArcFlash, DeviceKind, EnclosureData, FusePoint, ProtectiveDevice, RelayStage,
};
pub use ratings::{
    BusRatings, Conductor, ConductorMaterial, Insulation, SwitchKind, SwitchRatings,
};
pub use scenario::{BASE_SCENARIO, Scenario};
pub use shunt::{Shunt, ShuntKind};
pub use sources::{Converter, ConverterKind, ExternalGrid, Generator, Load, Motor, RotorType};
pub use vector_group::{VectorGroup, VectorGroupError, Winding};

use serde::{Deserialize, Serialize};

/// Free-form data attached to the document or an element, carried along unchanged.
pub type Meta = serde_json::Map<String, serde_json::Value>;

/// The document tag every network carries in `format`.
pub const FORMAT_TAG: &str = "ampflux-network";

/// The newest format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

fn default_format() -> String {
    FORMAT_TAG.to_string()
}

fn default_version() -> u32 {
    FORMAT_VERSION
}

fn default_frequency() -> f64 {
    50.0
}

/// A power network: the AmpFlux network document (format v1).
///
/// Build it from JSON with [`Network::from_json`], in code with struct literals, or with the
/// `add_*` helpers; run studies with [`crate::short_circuit`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Always `"ampflux-network"`.
    #[serde(default = "default_format")]
    pub format: String,
    /// Format version of the document.
    #[serde(default = "default_version")]
    pub version: u32,
    /// Name of the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// System frequency in Hz (50 or 60).
    #[serde(default = "default_frequency")]
    pub frequency_hz: f64,
    /// Buses.
    #[serde(default)]
    pub buses: Vec<Bus>,
    /// Network feeders.
    #[serde(default)]
    pub external_grids: Vec<ExternalGrid>,
    /// Lines and cables.
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Two-winding transformers.
    #[serde(default)]
    pub transformers: Vec<Transformer>,
    /// Three-winding transformers.
    #[serde(default)]
    pub transformers3w: Vec<Transformer3w>,
    /// Synchronous generators.
    #[serde(default)]
    pub generators: Vec<Generator>,
    /// Asynchronous motors.
    #[serde(default)]
    pub motors: Vec<Motor>,
    /// Converter-connected units.
    #[serde(default)]
    pub converters: Vec<Converter>,
    /// Series impedances.
    #[serde(default)]
    pub impedances: Vec<Impedance>,
    /// Switches.
    #[serde(default)]
    pub switches: Vec<Switch>,
    /// Loads (neglected by IEC 60909).
    #[serde(default)]
    pub loads: Vec<Load>,
    /// Shunt admittances (absent when empty, so documents without them keep their form and
    /// digest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shunts: Vec<Shunt>,
    /// Protective devices: relays, trip units, fuses (absent when empty, so documents
    /// without them keep their form and digest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protective_devices: Vec<ProtectiveDevice>,
    /// Named operating alternatives (switch states, elements out of service) that studies
    /// can run on; absent from documents that have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// Free-form data carried along unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::format::canonical::serialize_meta"
    )]
    pub meta: Option<Meta>,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            format: default_format(),
            version: FORMAT_VERSION,
            name: None,
            frequency_hz: default_frequency(),
            buses: Vec::new(),
            external_grids: Vec::new(),
            lines: Vec::new(),
            transformers: Vec::new(),
            transformers3w: Vec::new(),
            generators: Vec::new(),
            motors: Vec::new(),
            converters: Vec::new(),
            impedances: Vec::new(),
            switches: Vec::new(),
            loads: Vec::new(),
            shunts: Vec::new(),
            protective_devices: Vec::new(),
            scenarios: Vec::new(),
            meta: None,
        }
    }
}

/// The tables of a network document, in document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    /// `buses`
    Buses,
    /// `external_grids`
    ExternalGrids,
    /// `lines`
    Lines,
    /// `transformers`
    Transformers,
    /// `transformers3w`
    Transformers3w,
    /// `generators`
    Generators,
    /// `motors`
    Motors,
    /// `converters`
    Converters,
    /// `impedances`
    Impedances,
    /// `switches`
    Switches,
    /// `loads`
    Loads,
    /// `shunts`
    Shunts,
    /// `protective_devices`
    ProtectiveDevices,
    /// `scenarios` (not a table of network elements: named alternatives to the network)
    Scenarios,
}

impl Table {
    /// Every table, in document order.
    pub const ALL: [Table; 14] = [
        Table::Buses,
        Table::ExternalGrids,
        Table::Lines,
        Table::Transformers,
        Table::Transformers3w,
        Table::Generators,
        Table::Motors,
        Table::Converters,
        Table::Impedances,
        Table::Switches,
        Table::Loads,
        Table::Shunts,
        Table::ProtectiveDevices,
        Table::Scenarios,
    ];

    /// The table's key in the JSON document.
    pub fn key(self) -> &'static str {
        match self {
            Table::Buses => "buses",
            Table::ExternalGrids => "external_grids",
            Table::Lines => "lines",
            Table::Transformers => "transformers",
            Table::Transformers3w => "transformers3w",
            Table::Generators => "generators",
            Table::Motors => "motors",
            Table::Converters => "converters",
            Table::Impedances => "impedances",
            Table::Switches => "switches",
            Table::Loads => "loads",
            Table::Shunts => "shunts",
            Table::ProtectiveDevices => "protective_devices",
            Table::Scenarios => "scenarios",
        }
    }

    /// The table with JSON key `key`.
    pub fn from_key(key: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.key() == key)
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Whether an optional `in_service` flag means "in service" (absent = in service).
pub(crate) fn in_service(flag: Option<bool>) -> bool {
    flag.unwrap_or(true)
}

macro_rules! ids_of {
    ($net:expr, $table:expr, $f:expr) => {
        match $table {
            Table::Buses => $net.buses.iter().map(|e| $f(&e.id)).collect(),
            Table::ExternalGrids => $net.external_grids.iter().map(|e| $f(&e.id)).collect(),
            Table::Lines => $net.lines.iter().map(|e| $f(&e.id)).collect(),
            Table::Transformers => $net.transformers.iter().map(|e| $f(&e.id)).collect(),
            Table::Transformers3w => $net.transformers3w.iter().map(|e| $f(&e.id)).collect(),
            Table::Generators => $net.generators.iter().map(|e| $f(&e.id)).collect(),
            Table::Motors => $net.motors.iter().map(|e| $f(&e.id)).collect(),
            Table::Converters => $net.converters.iter().map(|e| $f(&e.id)).collect(),
            Table::Impedances => $net.impedances.iter().map(|e| $f(&e.id)).collect(),
            Table::Switches => $net.switches.iter().map(|e| $f(&e.id)).collect(),
            Table::Loads => $net.loads.iter().map(|e| $f(&e.id)).collect(),
            Table::Shunts => $net.shunts.iter().map(|e| $f(&e.id)).collect(),
            Table::ProtectiveDevices => $net.protective_devices.iter().map(|e| $f(&e.id)).collect(),
            Table::Scenarios => $net.scenarios.iter().map(|e| $f(&e.id)).collect(),
        }
    };
}

/// Counts the items of an iterator when collected (a length without a vector).
struct Count(usize);

impl<T> FromIterator<T> for Count {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Count {
        Count(iter.into_iter().count())
    }
}

impl Network {
    /// An empty network at `frequency_hz`.
    pub fn new(frequency_hz: f64) -> Network {
        Network {
            frequency_hz,
            ..Network::default()
        }
    }

    /// The ids of one table, in document order.
    pub fn ids(&self, table: Table) -> Vec<&str> {
        ids_of!(self, table, String::as_str)
    }

    /// Number of elements in one table.
    pub fn len(&self, table: Table) -> usize {
        let count: Count = ids_of!(self, table, |_: &String| ());
        count.0
    }

    /// Whether the network has no elements at all.
    pub fn is_empty(&self) -> bool {
        Table::ALL.iter().all(|t| self.len(*t) == 0)
    }

    /// The table holding the element with id `id` (ids are unique across tables in a valid
    /// document; the first match is returned otherwise).
    pub fn table_of(&self, id: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| self.ids(*t).contains(&id))
    }

    /// Index of the bus with id `id`.
    pub fn bus_index(&self, id: &str) -> Option<usize> {
        self.buses.iter().position(|b| b.id == id)
    }

    /// Adds a bus (builder helper; the document is validated when a study runs).
    pub fn add_bus(&mut self, id: impl Into<String>, vn_kv: f64) -> &mut Bus {
        self.buses.push(Bus {
            id: id.into(),
            vn_kv,
            ..Bus::default()
        });
        self.buses.last_mut().expect("just pushed")
    }

    /// Adds a network feeder with S''kQmax (builder helper).
    pub fn add_external_grid(
        &mut self,
        id: impl Into<String>,
        bus: impl Into<String>,
        s_sc_max_mva: f64,
        rx_max: f64,
    ) -> &mut ExternalGrid {
        self.external_grids.push(ExternalGrid {
            id: id.into(),
            bus: bus.into(),
            s_sc_max_mva,
            rx_max: Some(rx_max),
            ..ExternalGrid::default()
        });
        self.external_grids.last_mut().expect("just pushed")
    }

    /// Adds a line from per-km data (builder helper).
    pub fn add_line(
        &mut self,
        id: impl Into<String>,
        from_bus: impl Into<String>,
        to_bus: impl Into<String>,
        length_km: f64,
        r_ohm_per_km: f64,
        x_ohm_per_km: f64,
    ) -> &mut Line {
        self.lines.push(Line {
            id: id.into(),
            from_bus: from_bus.into(),
            to_bus: to_bus.into(),
            length_km,
            r_ohm_per_km,
            x_ohm_per_km,
            ..Line::default()
        });
        self.lines.last_mut().expect("just pushed")
    }

    /// Adds a two-winding transformer from nameplate data (builder helper).
    #[allow(clippy::too_many_arguments)]
    pub fn add_transformer(
        &mut self,
        id: impl Into<String>,
        hv_bus: impl Into<String>,
        lv_bus: impl Into<String>,
        sn_mva: f64,
        vn_hv_kv: f64,
        vn_lv_kv: f64,
        vk_percent: f64,
        vkr_percent: f64,
        vector_group: impl Into<String>,
    ) -> &mut Transformer {
        self.transformers.push(Transformer {
            id: id.into(),
            hv_bus: hv_bus.into(),
            lv_bus: lv_bus.into(),
            sn_mva,
            vn_hv_kv,
            vn_lv_kv,
            vk_percent,
            vkr_percent,
            vector_group: Some(vector_group.into()),
            ..Transformer::default()
        });
        self.transformers.last_mut().expect("just pushed")
    }
}

//! # AmpFlux core
//!
//! Short-circuit currents per IEC 60909-0:2016 on sparse sequence networks: the network
//! model and its JSON format, validation that names every problem, three-phase and
//! unbalanced faults with I''k, i_p, I_b, I_th, branch contributions, and circuit versions.
//!
//! ```
//! use ampflux_core::{Network, StudyOptions, short_circuit};
//!
//! let mut net = Network::new(50.0);
//! net.add_bus("Q", 20.0);
//! net.add_bus("F", 0.4);
//! net.add_external_grid("Grid", "Q", 346.41, 0.1);
//! net.add_transformer("T1", "Q", "F", 0.63, 20.0, 0.41, 4.0, 1.0317, "Dyn5");
//! let report = short_circuit(&net, &StudyOptions::default()).unwrap();
//! let f = report.bus("F").unwrap();
//! assert!(f.ikss_ka > 20.0 && f.ikss_ka < 25.0);
//! ```

pub mod arcflash;
pub mod duty;
pub mod error;
pub mod format;
pub mod iec60909;
pub mod model;
mod par;
pub mod protection;
pub(crate) mod sparse;
pub mod study;
pub(crate) mod system;
#[doc(hidden)]
pub mod testing;
pub mod validate;
pub mod version;

pub use error::{Error, Issue, Result, Severity};
pub use iec60909::{
    ElementImpedance, element_impedances, short_circuit, short_circuit_frozen, short_circuit_owned,
    short_circuit_with_progress,
};
pub use model::{
    Bus, Converter, ConverterKind, ExternalGrid, FrozenNetwork, Generator, Impedance, Line, Load,
    Motor, Network, RotorType, Shunt, ShuntKind, Switch, Table, TapSide, Transformer,
    Transformer3w,
};
pub use study::{
    BranchResult, BreakingCurrent, BusResult, BusStatus, Case, FaultKind, LineFault, Method,
    PartialCurrent, PeakMethod, PhaseCurrents, SourceKind, StudyOptions, StudyReport, Topology,
    VoltageResult,
};

/// The README's Rust example, compiled and run as a doc-test.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

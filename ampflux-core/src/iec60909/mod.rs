//! IEC 60909-0:2016: correction factors, peak, breaking and thermal currents, the fault
//! conditions of each fault type, and the study that ties them to the sparse solves.

mod branch_flows;
pub(crate) mod contributions;
mod impedances;
mod location;
mod sequence_set;
#[doc(hidden)]
pub(crate) mod sequence_check {
    //! Access to the unit-variant columns for `crate::testing`.
    pub(crate) use super::sequence_set::unit_column;
}
pub mod breaking;
pub mod factors;
pub(crate) mod fault_types;
mod partials;
pub mod peak;
mod steady;
mod study;

pub use impedances::{ElementImpedance, element_impedances};
pub use study::{
    short_circuit, short_circuit_frozen, short_circuit_owned, short_circuit_with_progress,
};

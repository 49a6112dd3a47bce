//! IEC 60909-0:2016: correction factors, peak, breaking and thermal currents, the fault
//! conditions of each fault type, and the study that ties them to the sparse solves.

mod branch_flows;
pub mod breaking;
pub mod factors;
pub(crate) mod fault_types;
pub mod peak;
mod study;

pub use study::{short_circuit, short_circuit_with_progress};

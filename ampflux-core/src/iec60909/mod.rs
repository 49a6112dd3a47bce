//! IEC 60909-0:2016: correction factors, peak, breaking and thermal currents, the fault
//! conditions of each fault type, and the study that ties them to the sparse solves.

pub mod factors;

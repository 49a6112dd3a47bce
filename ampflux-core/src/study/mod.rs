//! What a study asks for ([`StudyOptions`]) and what it returns ([`StudyReport`]).

mod options;
mod report;

pub use options::{
    BreakingCurrent, Case, FaultKind, LineFault, Method, PeakMethod, StudyOptions, Topology,
};
pub use report::{
    BranchResult, BusResult, BusStatus, PartialCurrent, PhaseCurrents, SourceKind, StudyReport,
    VoltageResult,
};

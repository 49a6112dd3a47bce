//! Circuit versions: change sets between networks (`diff`, `apply`), three-way `merge`, and an
//! append-only [`History`] of revisions. Together with [`crate::Network::digest`] (SHA-256 of
//! the canonical form) every result can be matched to the exact circuit it was computed on.

mod changes;
mod history;
mod merge;

pub use changes::{Change, ChangeSet, apply, diff};
pub use history::{History, Revision};
pub use merge::{Conflict, MergeOutcome, merge};

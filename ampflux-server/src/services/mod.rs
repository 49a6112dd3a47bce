//! The operations of the server, below every way of reaching them: the HTTP routes, the AI
//! assistant's tools and the job worker are thin adapters over these services. Each service
//! takes plain request types and typed ids, returns rows or result types, and fails with
//! the one [`crate::error::Error`]; none knows HTTP.
//!
//! - [`accounts`]: registration, login, token refresh and logout.
//! - [`users`]: the caller, the company's users, invitations.
//! - [`api_keys`]: API keys for programs, acting as the user who made them.
//! - [`projects`]: projects, their access rules and members.
//! - [`circuits`]: circuit versions: save, history, one version, diff, restore; the one
//!   place a stored network is loaded.
//! - [`order`]: the document's element order, which results follow.
//! - [`simulations`]: studies as jobs, cached by circuit digest and options; progress.
//! - [`studies`]: the study kinds and the call into the core for each.
//! - [`licenses`]: plans, their limits, usage and enforcement.
//! - [`notifications`]: emails to the requesters of finished simulations.
//! - [`operator`]: the operator's view of the companies and their plans.
//! - [`audit`]: the audit log.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod cache_hits;
pub mod circuits;
pub mod input;
pub mod licenses;
pub mod notifications;
pub mod operator;
pub mod order;
pub mod projects;
pub mod simulations;
pub mod studies;
pub mod users;

use crate::auth::Caller;
pub use audit::Origin;

/// Who does something, and from where (for the audit log).
#[derive(Clone, Debug)]
pub struct Actor {
    /// The authenticated caller.
    pub caller: Caller,
    /// Where the request came from.
    pub origin: Origin,
}

/// A page of a list with its total.
#[derive(Clone, Debug)]
pub struct Listed<T> {
    /// The items of the page.
    pub items: Vec<T>,
    /// Items in all.
    pub total: i64,
}

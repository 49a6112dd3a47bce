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

use crate::auth::{Caller, Credential};
pub use audit::Origin;

/// Who does something, and from where (for the audit log).
#[derive(Clone, Debug)]
pub struct Actor {
    /// The authenticated caller.
    pub caller: Caller,
    /// Where the request came from.
    pub origin: Origin,
}

/// Who asks, before their account and session are read: what a service whose first query
/// reads the database anyway takes, to check the credential in that query (one round trip
/// fewer on the hot paths). Every refusal such a service returns before that query goes
/// through [`Credential::refuse`], so a dead credential is told so first, as with an
/// [`Actor`].
#[derive(Clone, Debug)]
pub struct ActorClaim {
    /// The credential, checked as far as it can be without the database.
    pub credential: Credential,
    /// Where the request came from.
    pub origin: Origin,
}

impl ActorClaim {
    /// The actor once the account is read with `role` (and the session found open).
    pub fn actor(&self, role: crate::domain::Role) -> Actor {
        Actor {
            caller: self.credential.caller(role),
            origin: self.origin.clone(),
        }
    }
}

impl From<&Actor> for ActorClaim {
    /// The claim of an actor checked already.
    fn from(actor: &Actor) -> ActorClaim {
        ActorClaim {
            credential: Credential::Checked(actor.caller.clone()),
            origin: actor.origin.clone(),
        }
    }
}

/// A page of a list with its total.
#[derive(Clone, Debug)]
pub struct Listed<T> {
    /// The items of the page.
    pub items: Vec<T>,
    /// Items in all.
    pub total: i64,
}

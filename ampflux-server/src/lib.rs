//! The hosted AmpFlux API: accounts and companies, projects and members, circuit versions,
//! simulations as durable jobs with cached results, licenses, audit, health and metrics,
//! over `ampflux-core`. The server is a thin shell: every physics, validation, canonical
//! form and diff comes from the core.
//!
//! `app(state)` is the whole router (the tests use it); `app::serve`, `app::worker` and
//! `app::migrate` are the roles of the `ampflux-server` binary.

#![forbid(unsafe_code)]

pub mod ai;
pub mod app;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod licensing;
pub mod openapi;
pub mod ratelimit;
pub mod routes;
pub mod state;
pub mod telemetry;

pub use app::app;
pub use config::Config;
pub use state::AppState;

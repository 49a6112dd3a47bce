//! The hosted AmpFlux API: accounts and companies, projects and members, circuit versions,
//! simulations as durable jobs with cached results, licenses, audit, health and metrics,
//! over `ampflux-core`. The server is a thin shell: every physics, validation, canonical
//! form and diff comes from the core.
//!
//! Layers, each using only those above it: `config`, `clock`, `ids`, `domain`, `error` ->
//! `db` (repositories), `peer` -> `auth`, `jobs` (the queue), `ratelimit` (counters and
//! the request limits) -> `services` (the operations) and `ai` (the assistant, over the
//! services) -> `extract`, `routes` (HTTP adapters), `worker` (the queue's adapter) ->
//! `state`, `app`.
//!
//! `app(state)` is the whole router (the tests use it); `app::serve`, `app::worker` and
//! `app::migrate` are the roles of the `ampflux-server` binary.

#![forbid(unsafe_code)]

pub mod ai;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod headers;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod openapi;
pub mod peer;
pub mod ratelimit;
pub mod routes;
pub mod services;
pub mod state;
pub mod telemetry;
pub mod worker;

pub use app::app;
pub use config::Config;
pub use state::AppState;

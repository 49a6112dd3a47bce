//! HTTP integration tests of ampflux-server: each test spawns a server on port 0 with a
//! fresh database, and runs on SQLite and on PostgreSQL (see `helpers`).

mod helpers;
mod smtp;

mod api_keys;
mod audit;
mod auth;
mod circuits;
mod defects;
mod durability;
mod examples;
mod health;
mod isolation;
mod jobs;
mod license;
mod notifications;
mod projects;
mod queue;
mod security;
mod simulations;
mod users;

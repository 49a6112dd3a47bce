//! HTTP integration tests of ampflux-server: each test spawns a server on port 0 with a
//! fresh database, and runs on SQLite and on PostgreSQL (see `helpers`).

mod helpers;
mod smtp;

mod audit;
mod auth;
mod circuits;
mod defects;
mod health;
mod isolation;
mod jobs;
mod license;
mod projects;
mod queue;
mod security;
mod simulations;
mod users;

//! Runnable examples of AmpFlux: `cargo run -p ampflux-examples --example quickstart`.

//! Test support for AmpFlux: the shared reference cases (`shared/validation`) and anchor
//! networks (`shared/anchors/networks`) converted into AmpFlux networks and study options.
//!
//! The reference files are read at run time; no reference number is copied into source code.

pub mod anchors;
pub mod synthetic;
pub mod validation;

use std::path::PathBuf;

/// The shared data directory: `$AMPFLUX_SHARED_DIR`, else `../shared` next to the workspace.
pub fn shared_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("AMPFLUX_SHARED_DIR") {
        return PathBuf::from(dir);
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives inside the workspace")
        .to_path_buf();
    workspace
        .parent()
        .expect("the workspace has a parent directory")
        .join("shared")
}

/// Relative difference |a − b| / max(|b|, tiny).
pub fn rel_diff(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

//! The hosted AmpFlux API; filled by the server issue.

//! Password hashing with argon2id (the crate's default parameters: 19 MiB, 2 passes),
//! always on the blocking pool so a login never stalls the async runtime.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

/// Hashes `password` to a PHC string (`$argon2id$v=19$...`).
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(Error::internal)
    })
    .await?
}

/// Whether `password` matches the PHC string `hash`.
pub async fn verify(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || verify_now(&password, &hash)).await?
}

fn verify_now(password: &str, hash: &str) -> Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(Error::internal)?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// Spends the time of one verification for a login of an unknown email, so that response
/// times do not tell which emails have accounts.
pub async fn verify_dummy(password: String) -> Result<()> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    tokio::task::spawn_blocking(move || {
        let hash = DUMMY.get_or_init(|| {
            Argon2::default()
                .hash_password(b"not a password of anyone")
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        if !hash.is_empty() {
            let _ = verify_now(&password, hash);
        }
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let a = hash("correct horse".into()).await.unwrap();
        let b = hash("correct horse".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("correct horse".into(), a.clone()).await.unwrap());
        assert!(!verify("battery staple".into(), a).await.unwrap());
    }
}

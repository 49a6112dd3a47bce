//! Passwords: hashing with argon2id at a configured cost (`AMPFLUX_PASSWORD_HASH_*`) on a few
//! threads of its own, so a login never stalls the async runtime and concurrent
//! registrations and logins cannot take the server's memory: at most `concurrency` hashes
//! run at once, each on a thread that keeps one working memory of `memory_kib` and reuses
//! it for every hash (allocating it anew for each left the allocator holding ever more: about
//! 19 MiB a login, never returned); and the strength rule of new passwords.

use std::cell::RefCell;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::config::PasswordHashing;
use crate::error::{Error, Result};

type Job = Box<dyn FnOnce() + Send>;

/// Hashes and verifies passwords, a bounded number at a time on threads of its own.
#[derive(Clone)]
pub struct Hasher {
    params: Params,
    jobs: Arc<Mutex<mpsc::Sender<Job>>>,
    dummy: Arc<OnceLock<String>>,
}

impl Hasher {
    /// A hasher with the cost and concurrency of `config`.
    pub fn new(config: PasswordHashing) -> Result<Hasher, String> {
        let params = Params::new(config.memory_kib, config.iterations, 1, None)
            .map_err(|e| format!("argon2 parameters: {e}"))?;
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..config.concurrency.max(1) {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("ampflux-hash-{i}"))
                .spawn(move || {
                    loop {
                        // the lock is held only while waiting for the next job
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .map_err(|e| format!("password hashing threads: {e}"))?;
        }
        Ok(Hasher {
            params,
            jobs: Arc::new(Mutex::new(tx)),
            dummy: Arc::default(),
        })
    }

    /// Runs `work` on one of the hashing threads, in turn.
    async fn bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(work());
        });
        self.jobs
            .lock()
            .map_err(|_| Error::internal("the password hasher is poisoned"))?
            .send(job)
            .map_err(|_| Error::internal("the password hashing threads stopped"))?;
        rx.await
            .map_err(|_| Error::internal("a password hash panicked"))
    }

    /// Hashes `password` to a PHC string (`$argon2id$v=19$m=...`).
    pub async fn hash(&self, password: String) -> Result<String> {
        let params = self.params.clone();
        self.bounded(move || hash_now(&params, &password)).await?
    }

    /// Whether `password` matches the PHC string `hash` (whatever cost it was made with).
    pub async fn verify(&self, password: String, hash: String) -> Result<bool> {
        self.bounded(move || verify_now(&password, &hash)).await?
    }

    /// Spends the time of one verification for a login of an unknown email, so that
    /// response times do not tell which emails have accounts.
    pub async fn verify_dummy(&self, password: String) -> Result<()> {
        let params = self.params.clone();
        let dummy = self.dummy.clone();
        self.bounded(move || {
            let hash = dummy
                .get_or_init(|| hash_now(&params, "not a password of anyone").unwrap_or_default());
            if !hash.is_empty() {
                let _ = verify_now(&password, hash);
            }
        })
        .await
    }
}

thread_local! {
    /// The working memory of the hashes of this thread, kept for the next hash.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2 of `password` with `salt` into `out`, in this thread's working memory.
fn argon2_into(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &str,
    salt: &[u8],
    out: &mut [u8],
) -> Result<()> {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        let blocks = params.block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..blocks])
            .map_err(Error::internal)
    })
}

fn hash_now(params: &Params, password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(Error::internal)?;
    let mut out = [0u8; 32];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    argon2_into(&argon2, params, password, &salt, &mut out)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(Error::internal)?,
        salt: Some(Salt::new(&salt).map_err(Error::internal)?),
        hash: Some(Output::new(&out).map_err(Error::internal)?),
    };
    Ok(phc.to_string())
}

fn verify_now(password: &str, hash: &str) -> Result<bool> {
    let phc = PasswordHash::new(hash).map_err(Error::internal)?;
    let params = Params::try_from(&phc).map_err(Error::internal)?;
    let algorithm = Algorithm::try_from(phc.algorithm.as_str()).map_err(Error::internal)?;
    let version = phc
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(Error::internal)?
        .unwrap_or_default();
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return Err(Error::internal(
            "a stored password hash without salt or hash",
        ));
    };
    let mut out = vec![0u8; expected.as_bytes().len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    argon2_into(&argon2, &params, password, salt.as_ref(), &mut out)?;
    // constant time: the comparison does not stop at the first difference
    let diff = out
        .iter()
        .zip(expected.as_bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    Ok(diff == 0)
}

/// A new password: 8 to 1024 characters and not easy to guess (zxcvbn's estimate of at
/// least 10^8 guesses, score 2, counting the account's own email, name and company as
/// known words), so `password`, `12345678` or the email address are refused.
pub fn check_strength(field: &str, value: &str, context: &[&str]) -> Result<String> {
    let n = value.chars().count();
    if n < 8 {
        return Err(Error::invalid_field(
            field,
            "too_short",
            "must be at least 8 characters",
        ));
    }
    if n > 1024 {
        return Err(Error::invalid_field(
            field,
            "too_long",
            "must be at most 1024 characters",
        ));
    }
    let mut words: Vec<&str> = context.iter().copied().filter(|w| !w.is_empty()).collect();
    let locals: Vec<&str> = context.iter().filter_map(|w| w.split('@').next()).collect();
    words.extend(locals);
    let estimate = zxcvbn::zxcvbn(value, &words);
    if estimate.score() < zxcvbn::Score::Two {
        let why = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return Err(Error::invalid_field(
            field,
            "weak_password",
            format!("is too easy to guess{why}; use a longer passphrase of unrelated words"),
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher() -> Hasher {
        Hasher::new(PasswordHashing {
            memory_kib: 8192,
            iterations: 1,
            concurrency: 1,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let h = hasher();
        let a = h.hash("correct horse".into()).await.unwrap();
        let b = h.hash("correct horse".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"), "{a}");
        assert_ne!(a, b);
        assert!(h.verify("correct horse".into(), a.clone()).await.unwrap());
        assert!(!h.verify("battery staple".into(), a).await.unwrap());
    }

    #[test]
    fn weak_passwords_are_refused() {
        for weak in [
            "password",
            "12345678",
            "qwertyuiop",
            "aaaaaaaaaaaa",
            "ada@volt.example",
        ] {
            assert!(
                check_strength("password", weak, &["ada@volt.example"]).is_err(),
                "{weak}"
            );
        }
        for strong in [
            "correct horse battery",
            "user password 1",
            "load test password",
        ] {
            assert!(
                check_strength("password", strong, &["ada@volt.example"]).is_ok(),
                "{strong}"
            );
        }
    }
}

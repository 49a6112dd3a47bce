//! Access tokens (JWT, HS256) and opaque tokens (refresh, invitation): 32 random bytes in
//! hex, stored only as their SHA-256.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::Role;
use crate::ids::{CompanyId, SessionId, UserId};

/// The claims of an access token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Company id.
    pub cid: String,
    /// Session id: the login the token belongs to (ending it ends the token).
    #[serde(default)]
    pub sid: String,
    /// Role in the company.
    pub role: Role,
    /// Issued at (s since the epoch).
    pub iat: i64,
    /// Expires at (s since the epoch).
    pub exp: i64,
    /// Always `access`.
    pub typ: String,
}

/// Signs and checks access tokens with one HMAC key.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Lifetime of an access token in seconds.
    pub ttl_s: i64,
}

impl TokenKeys {
    /// Keys from the secret, for tokens living `ttl_s` seconds (an empty secret is an error).
    pub fn new(secret: &[u8], ttl_s: i64) -> Result<TokenKeys, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
            ttl_s,
        })
    }

    /// A signed access token for the user.
    pub fn issue(
        &self,
        user: &UserId,
        company: &CompanyId,
        session: &SessionId,
        role: Role,
        now_ms: i64,
    ) -> String {
        let iat = now_ms / 1000;
        let claims = Claims {
            sub: user.to_string(),
            cid: company.to_string(),
            sid: session.to_string(),
            role,
            iat,
            exp: iat + self.ttl_s,
            typ: "access".to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail")
    }

    /// The claims of a valid, unexpired access token of a session, issued no later than now
    /// (with the validation's leeway).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let now_s = crate::clock::now_ms() / 1000;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
            .filter(|c| c.typ == "access" && !c.sid.is_empty())
            .filter(|c| c.iat <= now_s + self.validation.leeway as i64)
    }
}

/// How every API key starts (`afk_`: AmpFlux key), so that a key is told from an access
/// token before any lookup, and secret scanners can find leaked keys.
pub const API_KEY_PREFIX: &str = "afk_";

/// A new opaque token (64 hex digits of system randomness).
pub fn opaque() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system random source is available");
    hex(&bytes)
}

/// SHA-256 of an opaque token, as stored.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_verify_only_with_their_key_and_before_expiry() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 1800).unwrap();
        let now = crate::clock::now_ms();
        let (u1, c1, s1) = (UserId::new(), CompanyId::new(), SessionId::new());
        let token = keys.issue(&u1, &c1, &s1, Role::User, now);
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.cid.as_str()),
            (u1.as_str(), c1.as_str())
        );
        assert_eq!(claims.exp - claims.iat, 1800);

        let other = TokenKeys::new(b"another key of thirty-two bytes!", 1800).unwrap();
        assert!(TokenKeys::new(b"", 1800).is_err());
        assert!(other.verify(&token).is_none());
        let old = keys.issue(&u1, &c1, &s1, Role::User, now - 3_600_000);
        assert!(keys.verify(&old).is_none());
        let future = keys.issue(&u1, &c1, &s1, Role::User, now + 3_600_000);
        assert!(keys.verify(&future).is_none(), "issued in the future");
        assert!(keys.verify("not.a.token").is_none());
    }

    #[test]
    fn opaque_tokens_are_random_and_hashed() {
        let (a, b) = (opaque(), opaque());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }
}

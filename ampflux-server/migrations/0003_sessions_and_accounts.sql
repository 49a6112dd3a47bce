-- Sessions: one per login, the family of its refresh tokens. Access tokens name their
-- session, so logging out, a reused refresh token, a password change or reset and a deleted
-- user end the access tokens too.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX idx_sessions_user ON sessions(user_id);
-- the logins of before: their refresh families become sessions
INSERT INTO sessions (id, company_id, user_id, created_at, revoked_at)
SELECT family_id, MIN(company_id), MIN(user_id), MIN(created_at),
       CASE WHEN COUNT(revoked_at) = COUNT(*) THEN MAX(revoked_at) END
FROM refresh_tokens GROUP BY family_id;

-- An email is unique within a company, not across companies: what another company's
-- accounts use is none of a company's business (creating or inviting a user tells nothing
-- about other companies). Login finds the account by email and password.
DROP INDEX idx_users_email;
CREATE UNIQUE INDEX idx_users_company_email ON users(company_id, email);
CREATE INDEX idx_users_email ON users(email);

-- Password resets: the token only as its SHA-256, valid once and for a while.
CREATE TABLE password_resets (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX idx_password_resets_user ON password_resets(user_id);

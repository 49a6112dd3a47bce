-- API keys for programs: a key acts as the user who created it, in that user's company and
-- with the user's role of the moment. The key itself (`afk_` and 64 hex digits) is shown once;
-- only its SHA-256 is stored, and its first characters (`prefix`) to tell keys apart.
CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    company_id    TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX idx_api_keys_company_user ON api_keys(company_id, user_id);

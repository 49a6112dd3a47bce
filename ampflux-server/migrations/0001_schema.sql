-- AmpFlux server schema. One file for SQLite and PostgreSQL: portable SQL only.
-- Ids are UUID text made by the server, times are BIGINT milliseconds since the Unix epoch
-- (UTC), JSON documents are TEXT, flags are BIGINT 0/1.

CREATE TABLE companies (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    company_id     TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('company_admin', 'user')),
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX idx_users_email ON users(email);
CREATE INDEX idx_users_company ON users(company_id);

CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    company_id   TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('company_admin', 'user')),
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    accepted_by  TEXT
);
CREATE INDEX idx_invitations_company ON invitations(company_id);

-- Refresh tokens rotate on every use; a family is the chain started by one login.
CREATE TABLE refresh_tokens (
    id           TEXT PRIMARY KEY,
    company_id   TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id    TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT,
    revoked_at   BIGINT,
    replaced_by  TEXT
);
CREATE INDEX idx_refresh_tokens_family ON refresh_tokens(family_id);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens(user_id);

CREATE TABLE licenses (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL UNIQUE REFERENCES companies(id) ON DELETE CASCADE,
    plan        TEXT NOT NULL CHECK (plan IN ('free', 'pro', 'enterprise')),
    start_date  BIGINT NOT NULL,
    end_date    BIGINT,
    status      TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'expired')),
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT
);

CREATE TABLE projects (
    id           TEXT PRIMARY KEY,
    company_id   TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    owner_id     TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    visibility   TEXT NOT NULL DEFAULT 'company' CHECK (visibility IN ('company', 'members')),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX idx_projects_company ON projects(company_id);
CREATE INDEX idx_projects_company_updated ON projects(company_id, updated_at);

CREATE TABLE project_members (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at  BIGINT NOT NULL,
    UNIQUE (project_id, user_id)
);
CREATE INDEX idx_project_members_user ON project_members(user_id);

-- Canonical network documents, stored once per company and content digest.
CREATE TABLE circuit_blobs (
    company_id  TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,
    data_json   TEXT NOT NULL,
    bus_count   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (company_id, digest)
);

CREATE TABLE circuit_versions (
    id             TEXT PRIMARY KEY,
    company_id     TEXT NOT NULL,
    project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    version        BIGINT NOT NULL,
    digest         TEXT NOT NULL,
    message        TEXT NOT NULL DEFAULT '',
    restored_from  BIGINT,
    created_by     TEXT NOT NULL REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    UNIQUE (project_id, version),
    FOREIGN KEY (company_id, digest) REFERENCES circuit_blobs(company_id, digest)
);
CREATE INDEX idx_circuit_versions_project ON circuit_versions(project_id);
CREATE INDEX idx_circuit_versions_digest ON circuit_versions(company_id, digest);

-- One row per distinct study (company, circuit digest, study options): the result cache and
-- the state of its computation. Simulations are requests that point at a study.
CREATE TABLE studies (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    study_key       TEXT NOT NULL,
    digest          TEXT NOT NULL,
    options_json    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    priority        BIGINT NOT NULL DEFAULT 0,
    job_id          TEXT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    computations    BIGINT NOT NULL DEFAULT 0,
    progress_done   BIGINT NOT NULL DEFAULT 0,
    progress_total  BIGINT NOT NULL DEFAULT 0,
    lease_token     TEXT,
    worker_id       TEXT,
    result_json     TEXT,
    error_json      TEXT,
    compute_ms      BIGINT,
    created_at      BIGINT NOT NULL,
    queued_at       BIGINT NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    heartbeat_at    BIGINT,
    UNIQUE (company_id, study_key)
);
CREATE INDEX idx_studies_status ON studies(status, queued_at);

CREATE TABLE simulations (
    id               TEXT PRIMARY KEY,
    company_id       TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    circuit_version  BIGINT NOT NULL,
    study_id         TEXT NOT NULL REFERENCES studies(id),
    requested_by     TEXT NOT NULL REFERENCES users(id),
    cached           BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL
);
CREATE INDEX idx_simulations_project_date ON simulations(project_id, created_at);
CREATE INDEX idx_simulations_study ON simulations(study_id);

-- The database job queue (used unless the queue is Redis).
CREATE TABLE jobs (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    company_id        TEXT NOT NULL,
    study_id          TEXT NOT NULL,
    priority          BIGINT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead')),
    attempts          BIGINT NOT NULL DEFAULT 0,
    max_attempts      BIGINT NOT NULL,
    run_at            BIGINT NOT NULL,
    lease_owner       TEXT,
    lease_token       TEXT,
    lease_expires_at  BIGINT,
    last_error        TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX idx_jobs_ready ON jobs(status, priority, run_at);
CREATE INDEX idx_jobs_lease ON jobs(status, lease_expires_at);

CREATE TABLE workers (
    id            TEXT PRIMARY KEY,
    hostname      TEXT NOT NULL,
    pid           BIGINT NOT NULL,
    queue         TEXT NOT NULL,
    concurrency   BIGINT NOT NULL,
    started_at    BIGINT NOT NULL,
    heartbeat_at  BIGINT NOT NULL,
    jobs_done     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit_logs (
    id           TEXT PRIMARY KEY,
    company_id   TEXT NOT NULL,
    user_id      TEXT,
    project_id   TEXT,
    action       TEXT NOT NULL,
    target       TEXT,
    detail_json  TEXT NOT NULL DEFAULT '{}',
    ip           TEXT,
    request_id   TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX idx_audit_logs_user_time ON audit_logs(user_id, created_at);
CREATE INDEX idx_audit_logs_company_time ON audit_logs(company_id, created_at);

-- Daily counters for plan limits (simulations, AI requests); `day` is days since the epoch (UTC).
CREATE TABLE usage_counters (
    company_id  TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    day         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    count       BIGINT NOT NULL,
    PRIMARY KEY (company_id, day, kind)
);

//! Persistence: one pool over SQLite or PostgreSQL through sqlx's `Any` driver, the embedded
//! migrations, and one repository module per table. Every repository function that reads or
//! writes tenant data takes the company id first, so no query can forget the tenant; rows
//! are written from row structs, never from long lists of positional arguments.
//!
//! The SQL is the portable subset of both databases: `$n` placeholders, `RETURNING`,
//! `ON CONFLICT`, text ids, BIGINT millisecond times and JSON as text. The one dialect switch
//! is the job claim (`FOR UPDATE SKIP LOCKED` on PostgreSQL), in `jobs::db_queue`.

pub mod api_keys;
pub mod audit;
pub mod checkpoints;
pub mod circuits;
pub mod companies;
pub mod invitations;
pub mod licenses;
pub mod members;
pub mod password_resets;
pub mod projects;
pub mod refresh_tokens;
pub mod result_parts;
pub mod sessions;
pub mod simulations;
pub mod studies;
pub mod usage;
pub mod users;
pub mod workers;

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyConnection, AnyPool, Executor, SqlSafeStr, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::ids::{CompanyId, SessionId, UserId};

/// Which database the pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (single machine).
    Sqlite,
    /// A PostgreSQL server (shared by several machines).
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The connection pool and what it is connected to.
#[derive(Clone, Debug)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The database kind.
    pub backend: Backend,
    /// On SQLite, one writer of this process at a time: the database takes one writer
    /// anyway, and waiting here (in order, woken at once) is much cheaper than in SQLite's
    /// busy handler, which sleeps and retries.
    write_gate: Arc<Semaphore>,
    /// On SQLite, the background checkpoints of the log ([`checkpoints`]).
    checkpoints: Option<checkpoints::Checkpointer>,
}

/// A write transaction (see [`Db::begin_write`]).
pub struct Tx {
    tx: Transaction<'static, sqlx::Any>,
    _gate: Option<OwnedSemaphorePermit>,
}

impl Tx {
    /// The connection of the transaction, to run statements on.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// The migrations, embedded in the binary; the same files for both databases.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "schema",
        include_str!("../../migrations/0001_schema.sql"),
    ),
    (
        2,
        "user deletion",
        include_str!("../../migrations/0002_user_deletion.sql"),
    ),
    (
        3,
        "sessions and accounts",
        include_str!("../../migrations/0003_sessions_and_accounts.sql"),
    ),
    (
        4,
        "result parts",
        include_str!("../../migrations/0004_result_parts.sql"),
    ),
    (
        5,
        "api keys",
        include_str!("../../migrations/0005_api_keys.sql"),
    ),
    (
        6,
        "bus order",
        include_str!("../../migrations/0006_bus_order.sql"),
    ),
    (
        7,
        "element order",
        include_str!("../../migrations/0007_element_order.sql"),
    ),
    (
        8,
        "reads without documents",
        include_str!("../../migrations/0008_reads_without_documents.sql"),
    ),
];

/// The migrator over the embedded migrations (`MIGRATIONS`).
pub fn migrator() -> Migrator {
    migrator_to(i64::MAX)
}

/// The migrator over the embedded migrations up to version `last` (tests of an upgrade).
pub fn migrator_to(last: i64) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .filter(|(version, _, _)| *version <= last)
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    sqlx::AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Db {
    /// Connects to `url` (`sqlite://file?mode=rwc` or `postgres://...`).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // readers do not block the writer; a writer waits up to 5 s for another
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // commits leave the checkpoints to the background task
                        conn.execute(sqlx::AssertSqlSafe(format!(
                            "PRAGMA wal_autocheckpoint = {}",
                            checkpoints::SAFETY_NET_PAGES
                        )))
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        if backend == Backend::Sqlite {
            // persistent in the file; set once
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let checkpoints =
            (backend == Backend::Sqlite).then(|| checkpoints::Checkpointer::spawn(pool.clone()));
        Ok(Db {
            pool,
            backend,
            write_gate: Arc::new(Semaphore::new(1)),
            checkpoints,
        })
    }

    /// On SQLite, what the background checkpoints of the log did.
    pub fn checkpoints(&self) -> Option<&Arc<checkpoints::Checkpoints>> {
        self.checkpoints
            .as_ref()
            .map(checkpoints::Checkpointer::stats)
    }

    /// Applies the migrations that have not run yet.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        migrator().run(&self.pool).await
    }

    /// Starts a transaction that will write. On SQLite it waits for the other writers of
    /// this process, then takes the write lock at once (`BEGIN IMMEDIATE`), so a transaction
    /// that reads before it writes cannot fail with `SQLITE_BUSY` when another connection
    /// wrote in between.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let gate = self
                    .write_gate
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(Tx {
                    tx,
                    _gate: Some(gate),
                })
            }
            Backend::Postgres => Ok(Tx {
                tx: self.pool.begin().await?,
                _gate: None,
            }),
        }
    }

    /// As [`Db::begin_write`], for a transaction whose commit returns before its WAL
    /// record is flushed to disk (PostgreSQL's `SET LOCAL synchronous_commit = off`, sent
    /// with the `BEGIN`): the durability every SQLite transaction of this server has with
    /// `synchronous = NORMAL`. A crash of the database machine can lose the last moment of
    /// such commits (at most three times `wal_writer_delay`, 0.6 s by default), never half
    /// of one, and never another transaction's data; the commit saves the flush wait (an
    /// fdatasync, 3 ms and more). On SQLite the same as [`Db::begin_write`].
    pub async fn begin_relaxed_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.begin_write().await,
            Backend::Postgres => Ok(Tx {
                tx: self
                    .pool
                    .begin_with("BEGIN; SET LOCAL synchronous_commit = off")
                    .await?,
                _gate: None,
            }),
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// Whether `err` is a violation of a unique constraint.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db
                    .code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}

/// Who a read is for: the caller's company and user, and the session of an access token
/// still to be checked (`None`: the credential is checked already, an API key). A query that
/// reads for the caller checks the account (and session) in itself, one round trip fewer.
#[derive(Clone, Copy, Debug)]
pub struct Asker<'a> {
    /// The caller's company (the tenant).
    pub company: &'a CompanyId,
    /// The caller.
    pub user: &'a UserId,
    /// The token's session, checked in the same query.
    pub session: Option<&'a SessionId>,
}

impl Asker<'_> {
    /// The join that keeps an account row `u` only while the session (bound as parameter
    /// `n`) is open; nothing when there is no session to check.
    pub(crate) fn session_join(&self, n: usize) -> String {
        match self.session {
            Some(_) => format!(
                " JOIN sessions se ON se.company_id = u.company_id AND se.user_id = u.id
                  AND se.id = ${n} AND se.revoked_at IS NULL"
            ),
            None => String::new(),
        }
    }
}

/// The placeholders of a multi-row `VALUES` list: `rows` groups of `columns` numbered
/// parameters, `($1, $2), ($3, $4)`.
pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * columns + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// One page of a list.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// Rows to return.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// Reads a text column holding one of the values of an enumeration.
pub(crate) fn enum_col<T>(
    row: &sqlx::any::AnyRow,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    use sqlx::Row;
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("unexpected value `{text}`").into(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_every_parameter() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::placeholders(1, 1), "($1)");
    }
}

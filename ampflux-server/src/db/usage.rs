//! Daily usage counters for plan limits.

use sqlx::{Any, Executor};

use crate::ids::CompanyId;

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Simulations requested.
    Simulations,
    /// AI assistant requests.
    AiRequests,
}

impl Kind {
    /// The name of the counter.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Simulations => "simulations",
            Kind::AiRequests => "ai_requests",
        }
    }
}

/// Adds one to today's counter and returns the new count.
pub async fn increment<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    kind: Kind,
    day: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO usage_counters (company_id, day, kind, count) VALUES ($1, $2, $3, 1)
         ON CONFLICT (company_id, day, kind) DO UPDATE SET count = usage_counters.count + 1
         RETURNING count",
    )
    .bind(company)
    .bind(day)
    .bind(kind.as_str())
    .fetch_one(ex)
    .await
}

/// Adds `n` (negative: takes back) to the day's counter and returns the new count.
pub async fn add<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    kind: Kind,
    day: i64,
    n: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO usage_counters (company_id, day, kind, count) VALUES ($1, $2, $3, $4)
         ON CONFLICT (company_id, day, kind) DO UPDATE SET count = usage_counters.count + $4
         RETURNING count",
    )
    .bind(company)
    .bind(day)
    .bind(kind.as_str())
    .bind(n)
    .fetch_one(ex)
    .await
}

/// Today's count.
pub async fn get<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    kind: Kind,
    day: i64,
) -> Result<i64, sqlx::Error> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT count FROM usage_counters WHERE company_id = $1 AND day = $2 AND kind = $3",
    )
    .bind(company)
    .bind(day)
    .bind(kind.as_str())
    .fetch_optional(ex)
    .await?;
    Ok(n.unwrap_or(0))
}

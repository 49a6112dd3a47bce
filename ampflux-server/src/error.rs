//! The one error of the server's operations ([`Error`]), and its one mapping to HTTP: every
//! failure leaves the server as `{code, message, issues}` with the status that fits it;
//! internal details are logged, never sent. Services, the AI assistant and the worker speak
//! [`Error`]; only this module knows HTTP statuses.

use ampflux_core::{Issue, Severity};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{code, message, issues}`: how an error is told to a client (the body of every error
/// response) and how a failed study records why it failed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (`validation_error`, `not_found`, `plan_limit`, ...).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Every problem found in the input, naming element and field where there is one
    /// (the core's validation issues for network documents).
    #[schema(value_type = Vec<Object>)]
    #[serde(default)]
    pub issues: Vec<Issue>,
}

/// A service the server depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dependency {
    /// The database.
    Database,
    /// Redis (queue, cache, rate limits).
    Redis,
}

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request cannot be read (malformed JSON, wrong content type, bad query string).
    #[error("{message}")]
    Unreadable {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// The input is readable but invalid; `issues` name each problem.
    #[error("{message}")]
    Invalid {
        /// Stable code (the core's codes for network documents and study options).
        code: String,
        /// Explanation.
        message: String,
        /// Every problem.
        issues: Vec<Issue>,
    },
    /// No valid credentials.
    #[error("{message}")]
    Unauthenticated {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// Authenticated, but the caller's role does not allow this.
    #[error("{message}")]
    Forbidden {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// Absent, or belonging to another company (never told apart).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Conflicts with the current state (the last owner, a version that moved on).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// The company's plan does not allow this (limit reached, license not active).
    #[error("{message}")]
    PlanLimit {
        /// Stable code (`plan_limit`, `license_inactive`).
        code: &'static str,
        /// Explanation naming the limit, the usage and the plan.
        message: String,
    },
    /// The body is larger than the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// Too many requests; retry after the given seconds.
    #[error("too many requests; retry in {retry_after_s} s")]
    RateLimited {
        /// Seconds until the window resets.
        retry_after_s: u64,
    },
    /// The company's plan allows no more of this today (the AI assistant's daily
    /// requests); retry after the given seconds (the next UTC day).
    #[error("{message}")]
    QuotaExceeded {
        /// Stable code (`ai_quota`).
        code: &'static str,
        /// Explanation naming the limit, the usage and the plan.
        message: String,
        /// Seconds until the quota resets.
        retry_after_s: u64,
    },
    /// An upstream service (the AI provider) failed or answered something unusable.
    #[error("{message}")]
    Upstream {
        /// Stable code (`ai_provider_error`, `ai_provider_busy`, ...).
        code: &'static str,
        /// Explanation (the upstream status, never its credentials).
        message: String,
    },
    /// An upstream service (the AI provider), or a study waited for, did not answer in time.
    #[error("{0}")]
    UpstreamTimeout(String),
    /// A dependency is unavailable; the cause is logged, the client is told which one.
    #[error("{dependency:?} unavailable: {cause}")]
    Unavailable {
        /// Which dependency.
        dependency: Dependency,
        /// The driver's error (logged only).
        cause: String,
    },
    /// The route exists, but not with this method.
    #[error("this route does not take this method")]
    MethodNotAllowed,
    /// The client went away before the answer was complete (the work stopped).
    #[error("the client closed the connection")]
    ClientClosed,
    /// Anything else; the cause is logged, the client sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Result of an operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The name the static-file routes (`routes::web`) use for [`Error`].
pub type ApiError = Error;

impl Error {
    /// An invalid value of one field of a request.
    pub fn invalid_field(field: &str, code: &str, message: impl Into<String>) -> Error {
        let message = message.into();
        Error::Invalid {
            code: "invalid_input".to_string(),
            message: format!("`{field}`: {message}"),
            issues: vec![Issue {
                severity: Severity::Error,
                code: code.to_string(),
                table: None,
                element: None,
                field: Some(field.to_string()),
                message,
            }],
        }
    }

    /// Not allowed, with the code `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Error {
        Error::Forbidden {
            code: "forbidden",
            message: message.into(),
        }
    }

    /// An internal failure from any displayable cause (logged when it is answered).
    pub fn internal(cause: impl std::fmt::Display) -> Error {
        Error::Internal(cause.to_string())
    }

    /// The HTTP status of this error: the one place statuses are chosen.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unreadable { .. } => StatusCode::BAD_REQUEST,
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            Error::Forbidden { .. } => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::PlanLimit { .. } => StatusCode::PAYMENT_REQUIRED,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::RateLimited { .. } | Error::QuotaExceeded { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Error::Upstream { .. } => StatusCode::BAD_GATEWAY,
            Error::UpstreamTimeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Error::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            // nginx's "client closed request": no one receives it, the logs and audit do
            Error::ClientClosed => {
                StatusCode::from_u16(499).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error as a client is told it: stable code, a message without internal details,
    /// the issues.
    pub fn body(&self) -> ErrorBody {
        let (code, message, issues) = match self {
            Error::Unreadable { code, message }
            | Error::Unauthenticated { code, message }
            | Error::Forbidden { code, message }
            | Error::Conflict { code, message }
            | Error::PlanLimit { code, message }
            | Error::Upstream { code, message }
            | Error::QuotaExceeded { code, message, .. } => {
                (code.to_string(), message.clone(), Vec::new())
            }
            Error::Invalid {
                code,
                message,
                issues,
            } => (code.clone(), message.clone(), issues.clone()),
            Error::NotFound(_) => ("not_found".into(), self.to_string(), Vec::new()),
            Error::TooLarge(m) => ("payload_too_large".into(), m.clone(), Vec::new()),
            Error::RateLimited { .. } => ("rate_limited".into(), self.to_string(), Vec::new()),
            Error::UpstreamTimeout(m) => ("upstream_timeout".into(), m.clone(), Vec::new()),
            Error::MethodNotAllowed => ("method_not_allowed".into(), self.to_string(), Vec::new()),
            Error::ClientClosed => ("client_closed".into(), self.to_string(), Vec::new()),
            Error::Unavailable { dependency, .. } => {
                // name the dependency, not its address or error text
                let what = match dependency {
                    Dependency::Database => "the database is unavailable",
                    Dependency::Redis => "Redis (queue and rate limits) is unavailable",
                };
                (
                    "unavailable".into(),
                    format!("{what}; try again shortly"),
                    Vec::new(),
                )
            }
            Error::Internal(_) => (
                "internal_error".into(),
                "internal server error".into(),
                Vec::new(),
            ),
        };
        ErrorBody {
            code,
            message,
            issues,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Error::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            Error::Unavailable { cause, .. } => {
                tracing::warn!(error = %cause, "dependency unavailable")
            }
            _ => {}
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        let retry_after = match self {
            Error::RateLimited { retry_after_s } | Error::QuotaExceeded { retry_after_s, .. } => {
                Some(retry_after_s.max(1))
            }
            Error::Unavailable { .. } => Some(5),
            _ => None,
        };
        if let Some(s) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}

impl From<ampflux_core::Error> for Error {
    fn from(err: ampflux_core::Error) -> Error {
        let mut issues = err.issues().to_vec();
        if issues.is_empty() {
            // format, option and topology errors carry their location in the message; give
            // them one issue so clients can show every error the same way
            let field = match &err {
                ampflux_core::Error::Format { path, .. } => Some(path.clone()),
                ampflux_core::Error::InvalidOption { option, .. } => Some(option.clone()),
                _ => None,
            };
            issues.push(Issue {
                severity: Severity::Error,
                code: err.code().to_string(),
                table: None,
                element: None,
                field,
                message: err.to_string(),
            });
        }
        Error::Invalid {
            code: err.code().to_string(),
            message: err.to_string(),
            issues,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Error {
        if let sqlx::Error::Database(db) = &err
            && db.code().is_some_and(|c| c == "22021" || c == "22P05")
        {
            // PostgreSQL refuses a character of the input (NUL): the request's fault
            return Error::Invalid {
                code: "invalid_input".into(),
                message: "a text of the request contains a character that cannot be stored (NUL)"
                    .into(),
                issues: Vec::new(),
            };
        }
        if db_unavailable(&err) {
            Error::Unavailable {
                dependency: Dependency::Database,
                cause: err.to_string(),
            }
        } else {
            Error::Internal(format!("database: {err}"))
        }
    }
}

/// Whether a database error means the database cannot be reached or cannot work right now
/// (a 503 that will pass), not a fault of the request or the server: no connection, a server
/// shutting down or starting (PostgreSQL classes 08, 57P, 53), or an SQLite file that is
/// busy, locked, unreadable or on a full disk.
pub fn db_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            let postgres =
                code.starts_with("08") || code.starts_with("57P") || code.starts_with("53");
            // SQLite: BUSY, LOCKED, IOERR, FULL, CANTOPEN and their extended codes
            let sqlite = code
                .parse::<u32>()
                .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13 | 14));
            postgres || sqlite
        }),
        _ => false,
    }
}

impl From<redis::RedisError> for Error {
    fn from(err: redis::RedisError) -> Error {
        Error::Unavailable {
            dependency: Dependency::Redis,
            cause: err.to_string(),
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Error {
        Error::Internal(format!("blocking task: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_validation_errors_become_422_with_every_issue() {
        let err = ampflux_core::Network::from_json(
            r#"{"buses": [{"id": "A", "vn_kv": 20}],
                "lines": [{"id": "L", "from_bus": "A", "to_bus": "Z", "length_km": 1,
                           "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}]}"#,
        )
        .map(|net| net.validate())
        .unwrap();
        let e: Error = ampflux_core::Error::Invalid(err.clone()).into();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = e.body();
        assert_eq!(body.code, "validation_error");
        assert_eq!(body.issues.len(), err.len());
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let body = Error::internal("connection string postgres://secret").body();
        assert_eq!(body.code, "internal_error");
        assert!(!body.message.contains("secret"));
        let unavailable = Error::Unavailable {
            dependency: Dependency::Database,
            cause: "connect postgres://u:pw@db".into(),
        };
        assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!unavailable.body().message.contains("pw"));
    }
}

//! The one HTTP error type: every failure leaves the server as `{code, message, issues}` with
//! the status that fits it; internal details are logged, never sent.

use ampflux_core::{Issue, Severity};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (`validation_error`, `not_found`, `plan_limit`, ...).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Every problem found in the input, naming element and field where there is one
    /// (the core's validation issues for network documents).
    #[schema(value_type = Vec<Object>)]
    pub issues: Vec<Issue>,
}

/// An error of a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read (malformed JSON, wrong content type).
    #[error("{message}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// 422: the input is readable but invalid; `issues` name each problem.
    #[error("{message}")]
    Invalid {
        /// Stable code (the core's codes for network documents and study options).
        code: String,
        /// Explanation.
        message: String,
        /// Every problem.
        issues: Vec<Issue>,
    },
    /// 401: no valid credentials.
    #[error("{message}")]
    Unauthorized {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// 403: authenticated, but the role does not allow this.
    #[error("{message}")]
    Forbidden {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// 404: absent, or belonging to another company (never told apart).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: conflicts with the current state (an email already registered, the last owner).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// 402: the company's plan does not allow this (limit reached, license not active).
    #[error("{message}")]
    PlanLimit {
        /// Stable code (`plan_limit`, `license_inactive`).
        code: &'static str,
        /// Explanation naming the limit, the usage and the plan.
        message: String,
    },
    /// 413: the body is larger than the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// 429: too many requests; retry after the given seconds.
    #[error("too many requests; retry in {retry_after_s} s")]
    RateLimited {
        /// Seconds until the window resets.
        retry_after_s: u64,
    },
    /// 429: the company's plan allows no more of this today (the AI assistant's daily
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
    /// 502: an upstream service (the AI provider) failed or answered something unusable.
    #[error("{message}")]
    BadGateway {
        /// Stable code (`ai_provider_error`, `ai_provider_busy`, ...).
        code: &'static str,
        /// Explanation (the upstream status, never its credentials).
        message: String,
    },
    /// 504: an upstream service (the AI provider) did not answer in time.
    #[error("{0}")]
    GatewayTimeout(String),
    /// 501: the route exists but its feature is not built yet.
    #[error("{0}")]
    NotImplemented(String),
    /// 503: a dependency (database, Redis) is unavailable.
    #[error("{0}")]
    Unavailable(String),
    /// 500: anything else; the cause is logged, the client sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// 422 for one field of a request body.
    pub fn invalid_field(field: &str, code: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Invalid {
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

    /// 403 with the code `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::Forbidden {
            code: "forbidden",
            message: message.into(),
        }
    }

    /// 500 from any displayable cause (logged when the response is built).
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PlanLimit { .. } => StatusCode::PAYMENT_REQUIRED,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited { .. } | ApiError::QuotaExceeded { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            ApiError::GatewayTimeout(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The response body of this error.
    pub fn body(&self) -> ErrorBody {
        let (code, message, issues) = match self {
            ApiError::BadRequest { code, message }
            | ApiError::Unauthorized { code, message }
            | ApiError::Forbidden { code, message }
            | ApiError::Conflict { code, message }
            | ApiError::PlanLimit { code, message }
            | ApiError::BadGateway { code, message }
            | ApiError::QuotaExceeded { code, message, .. } => {
                (code.to_string(), message.clone(), Vec::new())
            }
            ApiError::Invalid {
                code,
                message,
                issues,
            } => (code.clone(), message.clone(), issues.clone()),
            ApiError::NotFound(_) => ("not_found".into(), self.to_string(), Vec::new()),
            ApiError::TooLarge(m) => ("payload_too_large".into(), m.clone(), Vec::new()),
            ApiError::RateLimited { .. } => ("rate_limited".into(), self.to_string(), Vec::new()),
            ApiError::NotImplemented(m) => ("not_implemented".into(), m.clone(), Vec::new()),
            ApiError::GatewayTimeout(m) => ("upstream_timeout".into(), m.clone(), Vec::new()),
            ApiError::Unavailable(cause) => {
                // name the dependency, not its address or error text
                let what = if cause.starts_with("database") {
                    "the database is unavailable"
                } else if cause.starts_with("redis") {
                    "Redis (queue and rate limits) is unavailable"
                } else {
                    "a service the request needs is unavailable"
                };
                (
                    "unavailable".into(),
                    format!("{what}; try again shortly"),
                    Vec::new(),
                )
            }
            ApiError::Internal(_) => (
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            ApiError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "dependency unavailable")
            }
            _ => {}
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        match self {
            ApiError::RateLimited { retry_after_s }
            | ApiError::QuotaExceeded { retry_after_s, .. } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s.max(1)));
            }
            ApiError::Unavailable(_) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(5u64));
            }
            _ => {}
        }
        response
    }
}

impl From<ampflux_core::Error> for ApiError {
    fn from(err: ampflux_core::Error) -> ApiError {
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
        ApiError::Invalid {
            code: err.code().to_string(),
            message: err.to_string(),
            issues,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> ApiError {
        if let sqlx::Error::Database(db) = &err
            && db.code().is_some_and(|c| c == "22021" || c == "22P05")
        {
            // PostgreSQL refuses a character of the input (NUL): the request's fault
            return ApiError::Invalid {
                code: "invalid_input".into(),
                message: "a text of the request contains a character that cannot be stored (NUL)"
                    .into(),
                issues: Vec::new(),
            };
        }
        if db_unavailable(&err) {
            ApiError::Unavailable(format!("database: {err}"))
        } else {
            ApiError::Internal(format!("database: {err}"))
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

impl From<redis::RedisError> for ApiError {
    fn from(err: redis::RedisError) -> ApiError {
        ApiError::Unavailable(format!("redis: {err}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(err: tokio::task::JoinError) -> ApiError {
        ApiError::Internal(format!("blocking task: {err}"))
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
        let api: ApiError = ampflux_core::Error::Invalid(err.clone()).into();
        assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = api.body();
        assert_eq!(body.code, "validation_error");
        assert_eq!(body.issues.len(), err.len());
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let body = ApiError::internal("connection string postgres://secret").body();
        assert_eq!(body.code, "internal_error");
        assert!(!body.message.contains("secret"));
    }
}

//! Extractors that turn malformed input into the API's error body, pagination, and the
//! request facts written to the audit log.

use std::net::SocketAddr;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::db::Page;
use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body; malformed JSON is a 400, JSON of the wrong shape a 422, both in the API's
/// error format.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// The API error for a rejected JSON body.
pub fn json_rejection(rejection: JsonRejection) -> ApiError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge(
            "the body is larger than the server accepts (AMPFLUX_MAX_BODY_MB)".into(),
        );
    }
    match rejection {
        JsonRejection::JsonDataError(e) => ApiError::Invalid {
            code: "invalid_input".into(),
            message: e.body_text(),
            issues: Vec::new(),
        },
        JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest {
            code: "malformed_json",
            message: e.body_text(),
        },
        JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest {
            code: "content_type",
            message: "expected a JSON body with `Content-Type: application/json`".into(),
        },
        other => ApiError::BadRequest {
            code: "unreadable_body",
            message: other.body_text(),
        },
    }
}

/// A query string; a malformed one is a 400 in the API's error format.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(e) => Err(query_rejection(e)),
        }
    }
}

fn query_rejection(e: QueryRejection) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_query",
        message: e.body_text(),
    }
}

/// Pagination of lists: `?page=1&per_page=20` (at most 100 per page).
#[derive(Clone, Copy, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (default 1).
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

impl PageParams {
    /// The validated page, or 422 naming the bad parameter.
    pub fn page(self) -> Result<(Page, i64, i64), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if page < 1 {
            return Err(ApiError::invalid_field(
                "page",
                "out_of_range",
                "must be at least 1",
            ));
        }
        if !(1..=100).contains(&per_page) {
            return Err(ApiError::invalid_field(
                "per_page",
                "out_of_range",
                "must be between 1 and 100",
            ));
        }
        let page_rows = Page {
            limit: per_page,
            offset: (page - 1).saturating_mul(per_page),
        };
        Ok((page_rows, page, per_page))
    }
}

/// The client address: the connection's peer, or the first `X-Forwarded-For` entry when the
/// server is configured to trust its proxy.
pub fn client_ip<B>(req: &axum::http::Request<B>, trust_forwarded_for: bool) -> Option<String> {
    if trust_forwarded_for
        && let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return Some(first.trim().to_string());
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// Facts of the request for the audit log.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    /// Client address.
    pub ip: Option<String>,
    /// The `x-request-id` of the request.
    pub request_id: Option<String>,
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .config
            .rate_limit
            .trust_forwarded_for
            .then(|| {
                parts
                    .headers
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(',').next())
                    .map(|s| s.trim().to_string())
            })
            .flatten();
        let ip = forwarded.or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
        });
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(RequestMeta { ip, request_id })
    }
}

//! The HTTP side of a request: extractors that turn malformed input into the API's error
//! body, pagination, the authenticated caller and where the request came from. Each takes
//! only the sub-state it needs (`FromRef`).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::auth::{Authenticator, Caller, Credential};
use crate::db::Page;
use crate::error::Error;
use crate::peer::{ClientAddress, ip_of};
use crate::services::{Actor, ActorClaim, Origin};

/// A JSON body; malformed JSON is a 400, JSON of the wrong shape a 422, both in the API's
/// error format.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// The API error for a rejected JSON body.
pub fn json_rejection(rejection: JsonRejection) -> Error {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return Error::TooLarge(
            "the body is larger than the server accepts (AMPFLUX_MAX_BODY_MB)".into(),
        );
    }
    match rejection {
        JsonRejection::JsonDataError(e) => Error::Invalid {
            code: "invalid_input".into(),
            message: e.body_text(),
            issues: Vec::new(),
        },
        JsonRejection::JsonSyntaxError(e) => Error::Unreadable {
            code: "malformed_json",
            message: e.body_text(),
        },
        JsonRejection::MissingJsonContentType(_) => Error::Unreadable {
            code: "content_type",
            message: "expected a JSON body with `Content-Type: application/json`".into(),
        },
        other => Error::Unreadable {
            code: "unreadable_body",
            message: other.body_text(),
        },
    }
}

/// A JSON body as its bytes, read within the body limit but not parsed (large network
/// documents are checked before they are read in full): a wrong content type is a 400, an
/// oversized body a 413.
pub struct JsonBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !json {
            return Err(Error::Unreadable {
                code: "content_type",
                message: "expected a JSON body with `Content-Type: application/json`".into(),
            });
        }
        match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(JsonBytes(bytes)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Error::TooLarge(
                    "the body is larger than the server accepts (AMPFLUX_MAX_BODY_MB)".into(),
                ))
            }
            Err(e) => Err(Error::Unreadable {
                code: "unreadable_body",
                message: e.body_text(),
            }),
        }
    }
}

/// A query string; a malformed one is a 400 in the API's error format.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(e) => Err(query_rejection(e)),
        }
    }
}

fn query_rejection(e: QueryRejection) -> Error {
    Error::Unreadable {
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
    pub fn page(self) -> Result<(Page, i64, i64), Error> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if page < 1 {
            return Err(Error::invalid_field(
                "page",
                "out_of_range",
                "must be at least 1",
            ));
        }
        if !(1..=100).contains(&per_page) {
            return Err(Error::invalid_field(
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

impl<S: Send + Sync> FromRequestParts<S> for Origin
where
    ClientAddress: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let policy = ClientAddress::from_ref(state);
        let ip = ip_of(
            &parts.headers,
            &parts.extensions,
            policy.trust_forwarded_for,
        );
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Origin { ip, request_id })
    }
}

/// The refusal of a request without a bearer token.
fn missing_bearer() -> Error {
    Error::Unauthenticated {
        code: "unauthorized",
        message: "missing bearer token (Authorization: Bearer <access_token>)".into(),
    }
}

/// The bearer token of the request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl<S: Send + Sync> FromRequestParts<S> for Caller
where
    Authenticator: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let token = bearer(parts).ok_or_else(missing_bearer)?;
        Authenticator::from_ref(state).caller(token).await
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Actor
where
    Authenticator: FromRef<S>,
    ClientAddress: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let Ok(origin) = Origin::from_request_parts(parts, state).await;
        Ok(Actor { caller, origin })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ActorClaim
where
    Authenticator: FromRef<S>,
    ClientAddress: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let credential = Credential::from_request_parts(parts, state).await?;
        let Ok(origin) = Origin::from_request_parts(parts, state).await;
        Ok(ActorClaim { credential, origin })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Credential
where
    Authenticator: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let token = bearer(parts).ok_or_else(missing_bearer)?;
        Authenticator::from_ref(state).credential(token).await
    }
}

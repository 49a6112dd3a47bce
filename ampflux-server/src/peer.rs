//! The client of a request: its address, from the connection or, behind a trusted proxy,
//! from `X-Forwarded-For`.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;

/// Whether the client address comes from the proxy's `X-Forwarded-For` header.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress {
    /// Trust the proxy in front of the server (take the last `X-Forwarded-For` entry).
    pub trust_forwarded_for: bool,
}

/// The client address of a request: the connection's peer or, when the server is configured
/// to trust its proxy, the last `X-Forwarded-For` entry: the one the proxy appended (the
/// ones before it are whatever the client sent).
pub fn client_ip<B>(req: &axum::http::Request<B>, trust_forwarded_for: bool) -> Option<String> {
    ip_of(req.headers(), req.extensions(), trust_forwarded_for)
}

/// The client address from the headers and extensions of a request (see [`client_ip`]).
pub fn ip_of(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    trust_forwarded_for: bool,
) -> Option<String> {
    if trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
    {
        return Some(first.trim().to_string());
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

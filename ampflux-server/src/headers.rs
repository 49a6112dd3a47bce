//! Response headers every answer gets: a Content-Security-Policy fitting what is served (the
//! web client, the API documentation, or API data), `nosniff`, no framing, no referrer,
//! `Cache-Control: no-store` on the API (its answers carry tokens and tenant data); and the
//! hygiene of the client's `x-request-id` (kept only when it is a short plain token); and
//! `Connection: close` on an answer given before the request's body was read.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The web client: the wasm engine runs in a Web Worker (`'wasm-unsafe-eval'`, `blob:`
/// workers), it is a PWA with a service worker and a manifest, and talks only to this server.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
    connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
    form-action 'self'; object-src 'none'";

/// The API documentation (Swagger UI: its own scripts, inline styles, data: icons).
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
    form-action 'self'; object-src 'none'";

/// API answers: data, never a document to render.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The longest `x-request-id` kept from a client.
const REQUEST_ID_MAX: usize = 128;

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/health")
        || path == "/metrics"
        || path == "/openapi.json"
}

/// Middleware: the headers of the module docs.
pub async fn secure(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if is_api(&path) {
        API_CSP
    } else if path.starts_with("/docs") {
        DOCS_CSP
    } else {
        PAGE_CSP
    };
    set_default(h, header::CONTENT_SECURITY_POLICY, csp);
    set_default(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_default(h, header::X_FRAME_OPTIONS, "DENY");
    set_default(h, header::REFERRER_POLICY, "no-referrer");
    set_default(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if path.starts_with("/api/") {
        set_default(h, header::CACHE_CONTROL, "no-store");
    }
    res
}

/// Sets `name` unless the handler set it.
fn set_default(h: &mut HeaderMap, name: HeaderName, value: &'static str) {
    h.entry(name).or_insert(HeaderValue::from_static(value));
}

/// Middleware (before the request id is set): drops a client's `x-request-id` that is not a
/// short token of letters, digits and `-_.:`, so a new one is made and nothing odd reaches
/// the logs and the audit log.
pub async fn sane_request_id(mut req: Request, next: Next) -> Response {
    let sane = req.headers().get("x-request-id").map(|v| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= REQUEST_ID_MAX
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(c))
    });
    if sane == Some(false) {
        req.headers_mut().remove("x-request-id");
    }
    next.run(req).await
}

/// Middleware: an answer given before the request's body was read to its end (a 405, a
/// wrong content type, a refused token, a body over the limit) says `Connection: close`.
/// hyper does not read a body nobody asked for: it closes the connection after such an
/// answer, and a client that was not told so sends its next request on the closed
/// connection, which fails without an answer (found by schemathesis: "Connection aborted.
/// Remote end closed connection without response").
pub async fn close_if_body_unread(req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let read = Arc::new(AtomicBool::new(false));
    let req = req.map(|body| {
        Body::new(Tracked {
            body,
            read: read.clone(),
        })
    });
    let mut res = next.run(req).await;
    if !read.load(Ordering::Acquire) {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// A request body that notes when it was read to its end.
struct Tracked {
    body: Body,
    read: Arc<AtomicBool>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) {
            self.read.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_valid_header_values() {
        for csp in [PAGE_CSP, DOCS_CSP, API_CSP] {
            assert!(HeaderValue::from_str(csp).is_ok());
            assert!(csp.contains("frame-ancestors 'none'"));
        }
    }
}

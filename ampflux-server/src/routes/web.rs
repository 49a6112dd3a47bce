//! The web page at `/`: static files from the configured directory (`web/` by default),
//! or a small built-in page pointing at the API docs when the directory has no page.

use axum::Router;
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::error::ApiError;
use crate::state::AppState;

const FALLBACK_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AmpFlux</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}</style>
</head><body>
<h1>AmpFlux</h1>
<p>IEC 60909 short-circuit studies as a service. The web page is not installed on this server
(no <code>index.html</code> in the web directory).</p>
<ul>
<li><a href="/docs">API documentation</a> (interactive)</li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/health/detailed">Health</a></li>
</ul>
</body></html>"#;

/// Routes for the page, and JSON 404s for unknown API paths.
pub fn router(state: &AppState) -> Router<AppState> {
    let dir = state.config.web_dir.clone();
    let api_404 = Router::new().route(
        "/api/{*rest}",
        get(unknown_api)
            .post(unknown_api)
            .put(unknown_api)
            .patch(unknown_api)
            .delete(unknown_api),
    );
    if dir.join("index.html").is_file() {
        api_404.fallback_service(ServeDir::new(dir).append_index_html_on_directories(true))
    } else {
        tracing::info!(dir = %dir.display(), "no web page found; serving the built-in page at /");
        api_404
            .route("/", get(fallback_page))
            .route("/index.html", get(fallback_page))
            .fallback(not_found)
    }
}

async fn fallback_page() -> Html<&'static str> {
    Html(FALLBACK_PAGE)
}

async fn unknown_api(uri: Uri) -> Response {
    tracing::debug!(path = %uri.path(), "unknown API path");
    ApiError::NotFound("route").into_response()
}

async fn not_found() -> ApiError {
    ApiError::NotFound("page")
}

//! The web client at `/`: the built client (`web/dist`, written by `npm run build` in `web/`)
//! when it exists, else static files from the configured directory itself, else a small
//! built-in page pointing at the API docs. The client is a single-page application: paths
//! without a file extension that match no file (e.g. `/projects/42`) get its `index.html`;
//! missing files with an extension stay 404.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{StatusCode, Uri, header};
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
<p>IEC 60909 short-circuit studies as a service. The web client is not installed on this server
(no <code>dist/index.html</code> or <code>index.html</code> in the web directory; build it with
<code>make web</code>).</p>
<ul>
<li><a href="/docs">API documentation</a> (interactive)</li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/health/detailed">Health</a></li>
</ul>
</body></html>"#;

/// The directory whose files are served: `DIR/dist` (the built client) before `DIR`.
pub fn client_root(dir: &Path) -> Option<PathBuf> {
    [dir.join("dist"), dir.to_path_buf()]
        .into_iter()
        .find(|d| d.join("index.html").is_file())
}

/// Routes for the client, and JSON 404s for unknown API paths.
pub fn router(state: &AppState) -> Router<AppState> {
    let api_404 = Router::new().route(
        "/api/{*rest}",
        get(unknown_api)
            .post(unknown_api)
            .put(unknown_api)
            .patch(unknown_api)
            .delete(unknown_api),
    );
    match client_root(&state.config.web_dir) {
        Some(root) => {
            tracing::info!(dir = %root.display(), "serving the web client at /");
            let index = root.join("index.html");
            let spa = get(move |uri: Uri| spa_index(index.clone(), uri));
            api_404.fallback_service(
                ServeDir::new(root)
                    .append_index_html_on_directories(true)
                    .fallback(spa),
            )
        }
        None => {
            tracing::info!(dir = %state.config.web_dir.display(), "no web client found; serving the built-in page at /");
            api_404
                .route("/", get(fallback_page))
                .route("/index.html", get(fallback_page))
                .fallback(not_found)
        }
    }
}

/// Whether a path names a file (its last segment has an extension) rather than a client route.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// `index.html` for client routes (never cached, so that a new build is picked up at once).
async fn spa_index(index: PathBuf, uri: Uri) -> Response {
    if names_a_file(uri.path()) {
        return ApiError::NotFound("page").into_response();
    }
    match tokio::task::spawn_blocking(move || std::fs::read_to_string(index)).await {
        Ok(Ok(text)) => ([(header::CACHE_CONTROL, "no-cache")], Html(text)).into_response(),
        _ => (StatusCode::NOT_FOUND, "index.html is missing").into_response(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_routes_and_files_are_told_apart() {
        assert!(!names_a_file("/"));
        assert!(!names_a_file("/projects/42"));
        assert!(names_a_file("/assets/index-abc.js"));
        assert!(names_a_file("/missing.wasm"));
    }

    #[test]
    fn the_built_client_comes_before_the_directory() {
        let tmp = std::env::temp_dir().join(format!("ampflux-web-root-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("dist")).unwrap();
        assert_eq!(client_root(&tmp), None);
        std::fs::write(tmp.join("index.html"), "plain").unwrap();
        assert_eq!(client_root(&tmp), Some(tmp.clone()));
        std::fs::write(tmp.join("dist/index.html"), "built").unwrap();
        assert_eq!(client_root(&tmp), Some(tmp.join("dist")));
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}

//! Health, docs, metrics, the web page, middleware (gzip, request ids, CORS, rate limits)
//! and the AI route's placeholder answer.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::on_both;

on_both!(
    health_docs_metrics_and_page,
    rate_limits_per_ip_and_user,
    body_limit
);

const CONTRACT: &[&str] = &[
    "/api/v1/auth/register",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/users/me",
    "/api/v1/users",
    "/api/v1/projects",
    "/api/v1/projects/{id}",
    "/api/v1/projects/{id}/members",
    "/api/v1/projects/{id}/circuits",
    "/api/v1/projects/{id}/circuits/{version}",
    "/api/v1/projects/{id}/circuits/{a}/diff/{b}",
    "/api/v1/projects/{id}/circuits/{version}/restore",
    "/api/v1/projects/{id}/simulations",
    "/api/v1/simulations/{id}",
    "/api/v1/ai/ask",
    "/api/v1/audit",
    "/api/v1/license",
    "/health",
    "/health/detailed",
    "/metrics",
];

async fn health_docs_metrics_and_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "health").await else {
        return;
    };
    let get = |path: &'static str| app.http.get(format!("{}{path}", app.base)).send();

    let h = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.body["status"], "healthy");

    let d = app.call(Method::GET, "/health/detailed", None, None).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["database"]["status"], "ok");
    assert_eq!(d.body["cache"]["status"], "not configured");
    assert_eq!(d.body["queue"]["backend"], "database");
    assert_eq!(d.body["queue"]["depth"]["queued"], 0);
    assert_eq!(d.body["ai_provider"], "not configured");
    assert_eq!(d.body["workers"]["in_process"], true);
    assert_eq!(d.body["features"]["ai_assistant"], true);

    let spec = app.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(spec.status, StatusCode::OK);
    assert!(spec.body["openapi"].as_str().unwrap().starts_with("3."));
    for path in CONTRACT {
        assert!(
            spec.body["paths"].get(*path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(spec.body["components"]["securitySchemes"]["bearer"].is_object());

    let docs = get("/docs/").await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(
        docs.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("swagger")
    );

    let page = get("/").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("/docs"));

    let unknown = app.call(Method::GET, "/api/v1/nothing", None, None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["code"], "not_found");

    // gzip, request ids
    let zipped = app
        .http
        .get(format!("{}/openapi.json", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert_eq!(zipped.headers()["x-request-id"].to_str().unwrap().len(), 36);
    let mine = app
        .http
        .get(format!("{}/health", app.base))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(mine.headers()["x-request-id"], "trace-me-42");

    // without a language model the assistant reviews a project: without one, a clear 422
    // (the assistant itself is tested in tests/ai)
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let ai = app
        .post(
            "/api/v1/ai/ask",
            &admin.token,
            json!({"prompt": "Is Ik'' at F plausible?"}),
        )
        .await;
    assert_eq!(ai.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", ai.text);
    assert_eq!(ai.body["issues"][0]["field"], "project_id");
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/ai/ask",
            None,
            Some(json!({"prompt": "x"}))
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );

    let metrics = app.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.text.contains("http_requests_total"),
        "{}",
        metrics.text
    );
    assert!(metrics.text.contains("ampflux_queue_jobs"));
    app.stop().await;
}

async fn rate_limits_per_ip_and_user(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        "rate limits",
        &[
            ("AMPFLUX_RATE_LIMIT_USER", "5"),
            ("AMPFLUX_RATE_LIMIT_IP", "12"),
        ],
    )
    .await
    else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await; // 2 requests from this IP
    let mut codes = Vec::new();
    for _ in 0..6 {
        codes.push(app.get("/api/v1/license", &admin.token).await);
    }
    assert!(codes[..4].iter().all(|a| a.status == StatusCode::OK));
    let limited = codes.last().unwrap();
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.text
    );
    assert_eq!(limited.body["code"], "rate_limited");
    assert!(limited.headers.get("retry-after").is_some());
    // the per-IP limit catches anonymous callers too
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "x@y.io", "password": "whatever1"})),
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // health stays reachable for probes
    assert_eq!(
        app.call(Method::GET, "/health", None, None).await.status,
        StatusCode::OK
    );
    app.stop().await;
}

async fn body_limit(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, "body limit", &[("AMPFLUX_MAX_BODY_MB", "1")]).await
    else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant").await;
    let big = json!({"buses": [], "meta": {"padding": "x".repeat(1_200_000)}});
    let a = app
        .post(
            &format!("/api/v1/projects/{project}/circuits"),
            &admin.token,
            big,
        )
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.text);
    assert_eq!(a.body["code"], "payload_too_large");
    app.stop().await;
}

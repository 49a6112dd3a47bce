//! Tenant isolation: users of company B try every route on company A's ids and get 404
//! (403 where the route is admin-only), and A's data is unchanged afterwards.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, Session, TestApp, small_network, small_network_changed};
use crate::on_both;

on_both!(company_b_cannot_reach_company_a);

async fn company_b_cannot_reach_company_a(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "tenant isolation").await else {
        return;
    };
    let a_admin = app.register("Company A", "admin@a.example").await;
    let a_user = app.add_user(&a_admin, "user@a.example", "user").await;
    let pa = app.project(&a_admin, "A's plant").await;
    let base = format!("/api/v1/projects/{pa}");
    app.post(
        &format!("{base}/members"),
        &a_admin.token,
        json!({"user_id": a_user.user_id, "role": "editor"}),
    )
    .await;
    app.post(&format!("{base}/circuits"), &a_admin.token, small_network())
        .await;
    app.post(
        &format!("{base}/circuits"),
        &a_admin.token,
        small_network_changed(),
    )
    .await;
    let sim = app
        .post(
            &format!("{base}/simulations"),
            &a_admin.token,
            json!({"version": 1}),
        )
        .await;
    let sa = sim.body["id"].as_str().unwrap().to_string();
    app.wait_simulation(&a_admin.token, &sa, Duration::from_secs(60))
        .await;

    let b_admin = app.register("Company B", "admin@b.example").await;
    let b_user = app.add_user(&b_admin, "user@b.example", "user").await;
    let pb = app.project(&b_admin, "B's plant").await;

    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, base.clone(), None),
        (Method::PATCH, base.clone(), Some(json!({"name": "taken"}))),
        (Method::DELETE, base.clone(), None),
        (Method::GET, format!("{base}/members"), None),
        (
            Method::POST,
            format!("{base}/members"),
            Some(json!({"user_id": a_user.user_id, "role": "viewer"})),
        ),
        (
            Method::DELETE,
            format!("{base}/members?user_id={}", a_user.user_id),
            None,
        ),
        (Method::GET, format!("{base}/circuits"), None),
        (
            Method::POST,
            format!("{base}/circuits"),
            Some(small_network()),
        ),
        (Method::GET, format!("{base}/circuits/1"), None),
        (Method::GET, format!("{base}/circuits/latest"), None),
        (Method::GET, format!("{base}/circuits/1/diff/2"), None),
        (
            Method::POST,
            format!("{base}/circuits/1/restore"),
            Some(json!({})),
        ),
        (Method::GET, format!("{base}/simulations"), None),
        (
            Method::POST,
            format!("{base}/simulations"),
            Some(json!({"version": 1})),
        ),
        (Method::GET, format!("/api/v1/simulations/{sa}"), None),
        (
            Method::GET,
            format!("/api/v1/simulations/{sa}/events"),
            None,
        ),
        // A's user as a member of B's project
        (
            Method::POST,
            format!("/api/v1/projects/{pb}/members"),
            Some(json!({"user_id": a_user.user_id, "role": "editor"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/projects/{pb}/members?user_id={}", a_admin.user_id),
            None,
        ),
    ];
    for session in [&b_admin, &b_user] {
        for (method, path, body) in &attempts {
            let a = app
                .call(method.clone(), path, Some(&session.token), body.clone())
                .await;
            let ok = a.status == StatusCode::NOT_FOUND
                || (a.status == StatusCode::FORBIDDEN
                    && session.email == "user@b.example"
                    && path.contains(&pb));
            assert!(
                ok,
                "{} {method} {path} gave {}: {}",
                session.email, a.status, a.text
            );
            assert!(
                !a.text.contains(&a_admin.user_id) && !a.text.contains("A's plant"),
                "leak in {path}: {}",
                a.text
            );
        }
    }

    // B's lists hold nothing of A; admin-only routes stay admin-only
    assert_no_leak(&app, &b_admin, &a_admin, &pa).await;
    for path in ["/api/v1/users", "/api/v1/audit"] {
        assert_eq!(
            app.get(path, &b_user.token).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let projects = app.get("/api/v1/projects", &b_user.token).await;
    assert!(!projects.text.contains(&pa));

    // the same circuit and study in B is B's own: stored and computed for B, not served from A
    app.post(
        &format!("/api/v1/projects/{pb}/circuits"),
        &b_admin.token,
        small_network(),
    )
    .await;
    let b_sim = app
        .post(
            &format!("/api/v1/projects/{pb}/simulations"),
            &b_admin.token,
            json!({"version": 1}),
        )
        .await;
    assert_eq!(b_sim.body["cached"], false, "{}", b_sim.text);

    // A's data is intact
    let a_project = app.get(&base, &a_admin.token).await;
    assert_eq!(a_project.body["name"], "A's plant");
    assert_eq!(
        app.get(&format!("{base}/circuits"), &a_admin.token)
            .await
            .body["total"],
        2
    );
    assert_eq!(
        app.get(&format!("{base}/members"), &a_admin.token)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        app.get(&format!("/api/v1/simulations/{sa}"), &a_user.token)
            .await
            .body["status"],
        "succeeded"
    );
    app.stop().await;
}

async fn assert_no_leak(app: &TestApp, b_admin: &Session, a_admin: &Session, pa: &str) {
    for path in [
        "/api/v1/users?per_page=100",
        "/api/v1/audit?per_page=100",
        "/api/v1/projects?per_page=100",
        "/api/v1/license",
    ] {
        let a = app.get(path, &b_admin.token).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        for secret in [
            &a_admin.user_id,
            &a_admin.company_id,
            &a_admin.email,
            &pa.to_string(),
        ] {
            assert!(
                !a.text.contains(secret.as_str()),
                "{path} leaks {secret}: {}",
                a.text
            );
        }
    }
    let license = app.get("/api/v1/license", &b_admin.token).await;
    assert_eq!(license.body["usage"]["projects"], 1);
    for path in [
        format!("/api/v1/audit?project_id={pa}"),
        format!("/api/v1/audit?user_id={}", a_admin.user_id),
    ] {
        assert_eq!(
            app.get(&path, &b_admin.token).await.body["total"],
            0,
            "{path}"
        );
    }
}

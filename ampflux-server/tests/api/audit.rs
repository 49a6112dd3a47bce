//! The audit log records every write with who, what, which project and the request id.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, TestApp, small_network, small_network_changed};
use crate::on_both;

on_both!(every_write_is_audited);

async fn every_write_is_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "audit").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let bob = app.add_user(&admin, "bob@volt.example", "user").await;
    let project = app.project(&admin, "Plant A").await;
    let base = format!("/api/v1/projects/{project}");
    app.post(
        &format!("{base}/members"),
        &admin.token,
        json!({"user_id": bob.user_id, "role": "editor"}),
    )
    .await;
    let saved = app
        .post(&format!("{base}/circuits"), &bob.token, small_network())
        .await;
    let request_id = saved.headers["x-request-id"].to_str().unwrap().to_string();
    app.post(
        &format!("{base}/circuits"),
        &bob.token,
        small_network_changed(),
    )
    .await;
    let restored = app
        .post(&format!("{base}/circuits/1/restore"), &bob.token, json!({}))
        .await;
    assert_eq!(restored.status, StatusCode::CREATED, "{}", restored.text);
    app.post(
        &format!("{base}/simulations"),
        &bob.token,
        json!({"version": 1}),
    )
    .await;
    app.call(
        Method::PATCH,
        &base,
        Some(&admin.token),
        Some(json!({"description": "d"})),
    )
    .await;
    app.call(
        Method::DELETE,
        &format!("{base}/members?user_id={}", bob.user_id),
        Some(&admin.token),
        None,
    )
    .await;
    app.plan(&admin, "pro").await;
    app.post(
        "/api/v1/invitations",
        &admin.token,
        json!({"email": "new@volt.example"}),
    )
    .await;
    app.call(Method::DELETE, &base, Some(&admin.token), None)
        .await;

    assert_eq!(
        app.get("/api/v1/audit", &bob.token).await.status,
        StatusCode::FORBIDDEN
    );
    let log = app.get("/api/v1/audit?per_page=100", &admin.token).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    let actions: HashSet<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "company.register",
        "user.create",
        "auth.login",
        "project.create",
        "member.add",
        "circuit.save",
        "circuit.restore",
        "simulation.request",
        "project.update",
        "member.remove",
        "license.update",
        "user.invite",
        "project.delete",
    ] {
        assert!(actions.contains(a), "{a} missing from {actions:?}");
    }
    let save = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "circuit.save" && e["detail"]["version"] == 1)
        .unwrap();
    assert_eq!(save["user_id"], bob.user_id);
    assert_eq!(save["project_id"], project);
    assert_eq!(save["request_id"], request_id.as_str());
    assert_eq!(save["ip"], "127.0.0.1");

    let bobs = app
        .get(
            &format!("/api/v1/audit?user_id={}&action=circuit.save", bob.user_id),
            &admin.token,
        )
        .await;
    assert_eq!(bobs.body["total"], 2);
    let projects = app
        .get(&format!("/api/v1/audit?project_id={project}"), &admin.token)
        .await;
    assert!(
        projects.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["project_id"] == project)
    );
    app.stop().await;
}

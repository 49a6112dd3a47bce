//! Licenses: plans, limits, status, managed by the operator (company admins read theirs).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, OPERATOR_TOKEN, TestApp};
use crate::on_both;

on_both!(plans_status_and_roles);

async fn plans_status_and_roles(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "license").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let user = app.add_user(&admin, "bob@volt.example", "user").await;

    let l = app.get("/api/v1/license", &user.token).await;
    assert_eq!(l.status, StatusCode::OK);
    assert_eq!(l.body["plan"], "free");
    assert_eq!(l.body["status"], "active");
    assert_eq!(l.body["limits"]["max_projects"], 3);
    assert_eq!(l.body["usage"]["projects"], 0);

    let put = |token: String, body| {
        let app = &app;
        async move {
            app.call(Method::PUT, "/api/v1/license", Some(&token), Some(body))
                .await
        }
    };
    for token in [&user.token, &admin.token] {
        assert_eq!(
            put(token.clone(), json!({"plan": "enterprise"}))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    let op = |body| {
        let app = &app;
        let path = format!("/api/v1/admin/companies/{}/license", admin.company_id);
        async move {
            app.call(Method::PUT, &path, Some(OPERATOR_TOKEN), Some(body))
                .await
        }
    };
    let pro = op(json!({"plan": "pro"})).await;
    assert_eq!(pro.status, StatusCode::OK, "{}", pro.text);
    assert_eq!(pro.body["limits"]["max_projects"], 50);
    assert!(pro.body["updated_by"].is_null(), "the operator is no user");
    assert_eq!(
        op(json!({"plan": "gold"})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        op(json!({"end_date": "tomorrow"})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        op(json!({"status": "expired"})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // a suspended or expired license stops writes that count against the plan
    assert_eq!(
        op(json!({"status": "suspended"})).await.body["status"],
        "suspended"
    );
    let blocked = app
        .post("/api/v1/projects", &user.token, json!({"name": "P"}))
        .await;
    assert_eq!(blocked.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(blocked.body["code"], "license_inactive");
    let ended = op(
        json!({"status": "active", "start_date": "2020-01-01T00:00:00Z", "end_date": "2021-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(ended.body["status"], "expired");
    assert_eq!(
        app.post("/api/v1/projects", &user.token, json!({"name": "P"}))
            .await
            .status,
        StatusCode::PAYMENT_REQUIRED
    );
    let renewed = op(json!({"end_date": null})).await;
    assert_eq!(renewed.body["status"], "active");
    assert!(renewed.body["end_date"].is_null());
    assert_eq!(
        app.post("/api/v1/projects", &user.token, json!({"name": "P"}))
            .await
            .status,
        StatusCode::CREATED
    );
    app.stop().await;
}

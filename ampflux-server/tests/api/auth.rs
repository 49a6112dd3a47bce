//! Register, login, refresh with rotation and reuse detection, logout.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::on_both;

on_both!(register_login_refresh_logout, bad_input_and_credentials);

async fn register_login_refresh_logout(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "auth").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;

    // register returned a session of the right shape
    let again = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ADA@volt.example", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["token_type"], "bearer");
    assert_eq!(again.body["expires_in"], 1800);
    assert!(
        again.body["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .count()
            == 3
    );

    let me = app.get("/api/v1/users/me", &admin.token).await;
    assert_eq!(me.body["role"], "company_admin");
    assert_eq!(me.body["company_name"], "Volt AG");
    assert_eq!(me.body["email"], "ada@volt.example");

    // rotation: the refresh token works once and gives a new pair
    let first = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": admin.refresh})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let rotated = first.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rotated, admin.refresh);
    let token2 = first.body["access_token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/users/me", token2).await.status,
        StatusCode::OK
    );

    // reuse of the spent token revokes the family: the rotated token dies too
    let reuse = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": admin.refresh})),
        )
        .await;
    assert_eq!(reuse.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reuse.body["code"], "refresh_token_reused");
    let after = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": rotated})),
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.text);

    // another login (another family) is untouched; logout revokes it
    let login = again.body["refresh_token"].as_str().unwrap().to_string();
    let out = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": login})),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let dead = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": login})),
        )
        .await;
    assert_eq!(dead.status, StatusCode::UNAUTHORIZED);
    let unknown = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": "0".repeat(64)})),
        )
        .await;
    assert_eq!(unknown.body["code"], "invalid_refresh_token");
    app.stop().await;
}

async fn bad_input_and_credentials(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "auth input").await else {
        return;
    };
    app.register("Volt AG", "ada@volt.example").await;
    let post = |body| app.call(Method::POST, "/api/v1/auth/register", None, Some(body));

    // an email is unique within a company only: another company may use it (issue 17,
    // defect 7: a conflict here told anyone which emails have accounts)
    let dup = post(json!({"company_name": "X", "name": "Y", "email": "ada@volt.example", "password": "long enough 4 us"})).await;
    assert_eq!(dup.status, StatusCode::CREATED, "{}", dup.text);

    let bad = post(json!({"company_name": "X", "name": "Y", "email": "not-an-email", "password": "long enough 4 us"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["issues"][0]["field"], "email");

    let short =
        post(json!({"company_name": "X", "name": "Y", "email": "b@x.io", "password": "short"}))
            .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(short.body["issues"][0]["code"], "too_short");

    let unknown_field = post(json!({"company_name": "X", "name": "Y", "email": "b@x.io", "password": "long enough 4 us", "admin": true})).await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);

    let malformed = app
        .http
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(body["code"], "malformed_json");
    assert!(body["issues"].is_array());

    let wrong = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@volt.example", "password": "wrong password"})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["code"], "invalid_credentials");
    let nobody = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@volt.example", "password": "wrong password"})),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert_eq!(nobody.body["code"], wrong.body["code"]);

    for token in [None, Some("garbage"), Some("a.b.c")] {
        let a = app.call(Method::GET, "/api/v1/users/me", token, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(a.body["code"].is_string());
    }
    app.stop().await;
}

//! API keys for programs: made, listed and revoked over HTTP; a key acts as its user (company
//! and role of the moment), is stored only as its digest, audited, and ends with revocation
//! or with its user.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

use crate::helpers::{Backend, TestApp};
use crate::on_both;

on_both!(api_keys_act_as_their_user_until_revoked);

async fn make_key(app: &TestApp, token: &str, name: &str) -> Value {
    let a = app
        .post("/api/v1/api-keys", token, json!({"name": name}))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.body
}

async fn api_keys_act_as_their_user_until_revoked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "api keys").await else {
        return;
    };
    let admin = app.register("Volt Works", "admin@volt.example").await;
    let user = app.add_user(&admin, "eng@volt.example", "user").await;

    // made: 201 with the whole key, once
    let made = make_key(&app, &user.token, "nightly studies").await;
    let key = made["key"].as_str().unwrap().to_string();
    let id = made["id"].as_str().unwrap().to_string();
    assert!(key.starts_with("afk_") && key.len() == 4 + 64, "{key}");
    assert_eq!(made["name"], "nightly studies");
    assert_eq!(made["prefix"].as_str().unwrap(), &key[..12]);
    assert!(made["created_at"].as_str().unwrap().ends_with('Z'));

    // listed without the key
    let list = app.get("/api/v1/api-keys", &user.token).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0]["prefix"], made["prefix"]);
    assert_eq!(items[0]["last_used_at"], Value::Null);
    for field in ["id", "name", "prefix", "created_at", "last_used_at"] {
        assert!(items[0].get(field).is_some(), "{field} in {}", list.text);
    }
    assert!(!list.text.contains(&key[12..]), "the list shows the key");

    // stored as its digest only
    let rows = sqlx::query("SELECT key_hash, prefix FROM api_keys")
        .fetch_all(app.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored: String = rows[0].get("key_hash");
    assert_ne!(stored, key);
    assert!(!stored.contains(&key[4..]));

    // the key acts as its user: same account, company, role
    let me = app.get("/api/v1/users/me", &key).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["id"], user.user_id.as_str());
    assert_eq!(me.body["company_id"], user.company_id.as_str());
    let p = app
        .post(
            "/api/v1/projects",
            &key,
            json!({"name": "made by a script"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.text);
    assert_eq!(p.body["owner_id"], user.user_id.as_str());
    // a user's key is not an admin
    assert_eq!(
        app.get("/api/v1/users", &key).await.status,
        StatusCode::FORBIDDEN
    );
    let admin_key = make_key(&app, &admin.token, "admin script").await;
    let admin_key = admin_key["key"].as_str().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/users", &admin_key).await.status,
        StatusCode::OK
    );
    // a key cannot make keys
    let nested = app
        .post("/api/v1/api-keys", &key, json!({"name": "child"}))
        .await;
    assert_eq!(nested.status, StatusCode::FORBIDDEN, "{}", nested.text);
    // invalid names
    for bad in [
        json!({"name": ""}),
        json!({"name": "x".repeat(101)}),
        json!({}),
    ] {
        let a = app.post("/api/v1/api-keys", &user.token, bad).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    }

    // last use noted (in the background, to the minute)
    let start = Instant::now();
    loop {
        let list = app.get("/api/v1/api-keys", &user.token).await;
        let used = list
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id.as_str())
            .unwrap()["last_used_at"]
            .clone();
        if used.is_string() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "last_used_at not set"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // audited
    let audit = app
        .get("/api/v1/audit?action=api_key.create", &admin.token)
        .await;
    assert_eq!(audit.body["total"], 2, "{}", audit.text);

    // another company sees nothing and revokes nothing
    let other = app.register("Other Co", "admin@other.example").await;
    let theirs = app.get("/api/v1/api-keys", &other.token).await;
    assert_eq!(theirs.body.as_array().unwrap().len(), 0, "{}", theirs.text);
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Some(&other.token),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NOT_FOUND, "{}", del.text);
    // a plain user cannot revoke the admin's key; the admin sees every key of the company
    let all = app.get("/api/v1/api-keys", &admin.token).await;
    assert_eq!(all.body.as_array().unwrap().len(), 2, "{}", all.text);
    let admin_key_id = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["user_id"] == admin.user_id.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{admin_key_id}"),
            Some(&user.token),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NOT_FOUND, "{}", del.text);

    // revoked: 204, then the key answers 401, and a second revocation 404
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Some(&user.token),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.text);
    let after = app.get("/api/v1/users/me", &key).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.text);
    assert_eq!(after.body["code"], "invalid_api_key");
    let again = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Some(&user.token),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let audit = app
        .get("/api/v1/audit?action=api_key.revoke", &admin.token)
        .await;
    assert_eq!(audit.body["total"], 1, "{}", audit.text);

    // a key ends with its user
    let second = make_key(&app, &user.token, "second").await;
    let second = second["key"].as_str().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/users/me", &second).await.status,
        StatusCode::OK
    );
    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{}", user.user_id),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        app.get("/api/v1/users/me", &second).await.status,
        StatusCode::UNAUTHORIZED
    );

    // unknown and malformed keys: 401 in the error format
    let forged = format!("afk_{}", "0".repeat(64));
    for k in [forged.as_str(), "afk_", "afk_not-hex"] {
        let a = app.get("/api/v1/projects", k).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{k}: {}", a.text);
        assert!(a.body["message"].is_string());
    }
    app.stop().await;
}

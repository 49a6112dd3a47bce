//! Company users: roles, creation by the admin, invitations.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::on_both;

on_both!(admin_manages_users_and_invitations);

async fn admin_manages_users_and_invitations(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "users").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let user = app.add_user(&admin, "bob@volt.example", "user").await;

    let me = app.get("/api/v1/users/me", &user.token).await;
    assert_eq!(me.body["role"], "user");
    assert_eq!(me.body["company_id"], admin.company_id);

    // a user can neither list nor create users, nor invite
    assert_eq!(
        app.get("/api/v1/users", &user.token).await.status,
        StatusCode::FORBIDDEN
    );
    let create = app
        .post(
            "/api/v1/users",
            &user.token,
            json!({"name": "C", "email": "c@volt.example", "password": "long enough 4 us"}),
        )
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
    assert_eq!(create.body["code"], "forbidden");
    let invite = app
        .post(
            "/api/v1/invitations",
            &user.token,
            json!({"email": "c@volt.example"}),
        )
        .await;
    assert_eq!(invite.status, StatusCode::FORBIDDEN);

    let list = app.get("/api/v1/users?per_page=1", &admin.token).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["total"], 2);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

    // invitation: joins the company with the granted role, once
    let inv = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({"email": "cleo@volt.example", "role": "company_admin"}),
        )
        .await;
    assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.text);
    let token = inv.body["token"].as_str().unwrap().to_string();
    let wrong_email = app
        .call(Method::POST, "/api/v1/auth/register", None,
              Some(json!({"invitation": token, "name": "Cleo", "email": "other@volt.example", "password": "long enough 4 us"})))
        .await;
    assert_eq!(wrong_email.status, StatusCode::UNPROCESSABLE_ENTITY);
    let joined = app
        .call(Method::POST, "/api/v1/auth/register", None,
              Some(json!({"invitation": token, "name": "Cleo", "email": "cleo@volt.example", "password": "long enough 4 us"})))
        .await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.text);
    let cleo = app.session(&joined.body, "cleo@volt.example").await;
    assert_eq!(cleo.company_id, admin.company_id);
    let me = app.get("/api/v1/users/me", &cleo.token).await;
    assert_eq!(me.body["role"], "company_admin");
    let reuse = app
        .call(Method::POST, "/api/v1/auth/register", None,
              Some(json!({"invitation": token, "name": "Eve", "email": "cleo2@volt.example", "password": "long enough 4 us"})))
        .await;
    assert_eq!(reuse.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

//! Projects: CRUD, pagination, the plan's project limit, roles and members.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, TestApp, small_network};
use crate::on_both;

on_both!(crud_pagination_and_plan_limit, roles_members_and_visibility);

async fn crud_pagination_and_plan_limit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "projects").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let ids = [
        app.project(&admin, "Plant A").await,
        app.project(&admin, "Plant B").await,
        app.project(&admin, "Plant C").await,
    ];
    // the free plan allows 3 projects
    let fourth = app
        .post("/api/v1/projects", &admin.token, json!({"name": "Plant D"}))
        .await;
    assert_eq!(
        fourth.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        fourth.text
    );
    assert_eq!(fourth.body["code"], "plan_limit");
    assert!(fourth.body["message"].as_str().unwrap().contains("free"));

    let p1 = app
        .get("/api/v1/projects?page=1&per_page=2", &admin.token)
        .await;
    let p2 = app
        .get("/api/v1/projects?page=2&per_page=2", &admin.token)
        .await;
    assert_eq!(p1.body["total"], 3);
    assert_eq!(p1.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(p2.body["items"].as_array().unwrap().len(), 1);
    let mut seen: Vec<String> = p1.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2.body["items"].as_array().unwrap())
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    let mut want = ids.to_vec();
    want.sort();
    assert_eq!(seen, want);
    assert_eq!(
        app.get("/api/v1/projects?per_page=0", &admin.token)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.get("/api/v1/projects?page=x", &admin.token)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    let got = app
        .get(&format!("/api/v1/projects/{}", ids[0]), &admin.token)
        .await;
    assert_eq!(got.body["name"], "Plant A");
    assert_eq!(got.body["my_role"], "owner");
    assert_eq!(got.body["access"], "manage");

    let patched = app
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{}", ids[0]),
            Some(&admin.token),
            Some(json!({"name": "Plant A2", "description": "north site"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.body["name"], "Plant A2");
    assert_eq!(patched.body["description"], "north site");
    let empty = app
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{}", ids[0]),
            Some(&admin.token),
            Some(json!({"name": " "})),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    // delete takes the circuits with it, and frees a project slot
    let saved = app
        .post(
            &format!("/api/v1/projects/{}/circuits", ids[1]),
            &admin.token,
            small_network(),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/projects/{}", ids[1]),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/projects/{}", ids[1]), &admin.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/projects/{}/circuits", ids[1]),
            &admin.token
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let versions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM circuit_versions WHERE project_id = $1")
            .bind(&ids[1])
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(versions, 0);
    app.project(&admin, "Plant D").await;
    assert_eq!(
        app.get("/api/v1/projects/not-a-uuid", &admin.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

async fn roles_members_and_visibility(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "members").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let bob = app.add_user(&admin, "bob@volt.example", "user").await;
    let cat = app.add_user(&admin, "cat@volt.example", "user").await;
    let project = app.project(&admin, "Plant A").await;
    let circuits = format!("/api/v1/projects/{project}/circuits");
    let members = format!("/api/v1/projects/{project}/members");

    // a company user reads a company-visible project but cannot write it
    let seen = app
        .get(&format!("/api/v1/projects/{project}"), &bob.token)
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.body["access"], "read");
    assert_eq!(
        app.post(&circuits, &bob.token, small_network())
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // viewer: still read-only; editor: saves circuits, but cannot delete or manage members
    let add = app
        .post(
            &members,
            &admin.token,
            json!({"user_id": bob.user_id, "role": "viewer"}),
        )
        .await;
    assert_eq!(add.status, StatusCode::CREATED, "{}", add.text);
    assert_eq!(
        app.post(&circuits, &bob.token, small_network())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let promote = app
        .post(
            &members,
            &admin.token,
            json!({"user_id": bob.user_id, "role": "editor"}),
        )
        .await;
    assert_eq!(promote.status, StatusCode::OK);
    assert_eq!(
        app.post(&circuits, &bob.token, small_network())
            .await
            .status,
        StatusCode::CREATED
    );
    let forbidden = app
        .post(
            &members,
            &bob.token,
            json!({"user_id": cat.user_id, "role": "viewer"}),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(
        forbidden.body["message"]
            .as_str()
            .unwrap()
            .contains("owner")
    );
    assert_eq!(
        app.call(
            Method::DELETE,
            &format!("/api/v1/projects/{project}"),
            Some(&bob.token),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let hide = app
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{project}"),
            Some(&bob.token),
            Some(json!({"visibility": "members"})),
        )
        .await;
    assert_eq!(hide.status, StatusCode::FORBIDDEN);

    let list = app.get(&members, &bob.token).await;
    let roles: Vec<(String, String)> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap().to_string(),
                m["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(roles.contains(&("ada@volt.example".into(), "owner".into())));
    assert!(roles.contains(&("bob@volt.example".into(), "editor".into())));

    // members-only visibility hides the project from non-members
    let hide = app
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{project}"),
            Some(&admin.token),
            Some(json!({"visibility": "members"})),
        )
        .await;
    assert_eq!(hide.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/api/v1/projects/{project}"), &cat.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/projects", &cat.token).await.body["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/projects", &bob.token).await.body["total"],
        1
    );

    // a user's own project: owner manages it; the last owner stays
    let own = app.project(&cat, "Cat's study").await;
    let own_members = format!("/api/v1/projects/{own}/members");
    assert_eq!(
        app.post(
            &own_members,
            &cat.token,
            json!({"user_id": bob.user_id, "role": "viewer"})
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let demote = app
        .post(
            &own_members,
            &cat.token,
            json!({"user_id": cat.user_id, "role": "editor"}),
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    assert_eq!(demote.body["code"], "last_owner");
    let remove_self = app
        .call(
            Method::DELETE,
            &format!("{own_members}?user_id={}", cat.user_id),
            Some(&cat.token),
            None,
        )
        .await;
    assert_eq!(remove_self.status, StatusCode::CONFLICT);
    let remove = app
        .call(
            Method::DELETE,
            &format!("{own_members}?user_id={}", bob.user_id),
            Some(&cat.token),
            None,
        )
        .await;
    assert_eq!(remove.status, StatusCode::NO_CONTENT);
    let again = app
        .call(
            Method::DELETE,
            &own_members,
            Some(&cat.token),
            Some(json!({"user_id": bob.user_id})),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let nobody = app
        .post(
            &own_members,
            &cat.token,
            json!({"user_id": uuid::Uuid::new_v4().to_string(), "role": "viewer"}),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.call(
            Method::DELETE,
            &format!("/api/v1/projects/{own}"),
            Some(&cat.token),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    app.stop().await;
}

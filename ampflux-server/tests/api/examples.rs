//! The request examples of the API documentation (what Swagger UI's "Try it out" sends) are
//! valid bodies: every operation with a body documents an example, and posting it to a
//! running server is not refused as unreadable (400) or invalid (422).

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Backend, OPERATOR_TOKEN, TestApp, small_network, small_network_changed};
use crate::on_both;

on_both!(every_documented_example_is_a_valid_body);

/// The example of a request body: on the content, or on the schema it names.
fn example_of(body: &Value, schemas: &Value) -> Option<Value> {
    let content = &body["content"]["application/json"];
    if let Some(e) = content.get("example") {
        return Some(e.clone());
    }
    let schema = &content["schema"];
    if let Some(e) = schema.get("example") {
        return Some(e.clone());
    }
    let name = schema["$ref"].as_str()?.rsplit('/').next()?;
    schemas[name].get("example").cloned()
}

async fn every_documented_example_is_a_valid_body(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "documented examples").await else {
        return;
    };
    let admin = app.register("Example Co", "admin@example-co.example").await;
    app.plan(&admin, "enterprise").await;
    let user = app
        .add_user(&admin, "user@example-co.example", "user")
        .await;
    let project = app.project(&admin, "Examples").await;
    for doc in [small_network(), small_network_changed()] {
        let a = app
            .post(
                &format!("/api/v1/projects/{project}/circuits"),
                &admin.token,
                doc,
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    }
    let spec = app.call(Method::GET, "/openapi.json", None, None).await;
    let schemas = &spec.body["components"]["schemas"];
    let mut posted = 0;
    for (template, ops) in spec.body["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let Some(body) = op.get("requestBody") else {
                continue;
            };
            let example = example_of(body, schemas).unwrap_or_else(|| {
                panic!("{method} {template}: a request body without an example")
            });
            let path = template
                .replace("/projects/{id}", &format!("/projects/{project}"))
                .replace("/users/{id}", &format!("/users/{}", user.user_id))
                .replace(
                    "/companies/{id}",
                    &format!("/companies/{}", admin.company_id),
                )
                .replace("{version}", "1");
            assert!(
                !path.contains('{'),
                "{template}: add its ids to examples.rs"
            );
            let token = if path.starts_with("/api/v1/admin/") {
                OPERATOR_TOKEN
            } else {
                admin.token.as_str()
            };
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let a = app.call(m, &path, Some(token), Some(example.clone())).await;
            assert!(
                a.status != StatusCode::BAD_REQUEST && a.status != StatusCode::UNPROCESSABLE_ENTITY,
                "{method} {template}: the documented example {example} was refused with {}: {}",
                a.status,
                a.text
            );
            assert!(
                !a.status.is_server_error(),
                "{method} {template}: {}",
                a.text
            );
            posted += 1;
        }
    }
    assert!(
        posted >= 20,
        "only {posted} examples posted: the document lost request bodies"
    );
    app.stop().await;
}

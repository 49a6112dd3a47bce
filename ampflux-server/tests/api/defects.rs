//! Regression tests of the defects a probe of a running server found (issue 17, part 2), one
//! test per defect; each failed before its fix. The memory bound of password hashing
//! (defect 1) needs the server in a process of its own and is in `tests/failure`; the
//! assistant's (defect 5) is in `tests/ai`.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, OPERATOR_TOKEN, TestApp, grid, small_network};
use crate::on_both;
use crate::smtp::SmtpSink;

on_both!(
    d2_company_admins_cannot_raise_their_plan,
    d3_results_are_bounded_paged_and_documents_checked_early,
    d4_logout_ends_the_session_of_its_access_tokens,
    d6_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out,
    d7_other_companies_learn_nothing_about_emails,
    d8_weak_passwords_are_refused_and_passwords_change_and_reset,
    d9_headers_request_ids_methods_iat_streams_and_proxies,
);

async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> (StatusCode, Value) {
    let res = app
        .http
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-forwarded-for", ip)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn d2_company_admins_cannot_raise_their_plan(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "d2 plans").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let put = app
        .call(
            Method::PUT,
            "/api/v1/license",
            Some(&admin.token),
            Some(json!({"plan": "enterprise"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::FORBIDDEN, "{}", put.text);
    assert_eq!(put.body["code"], "operator_only");
    let license = app.get("/api/v1/license", &admin.token).await;
    assert_eq!(license.body["plan"], "free");

    // the operator changes plans; the company admin's token is no operator credential
    let path = format!("/api/v1/admin/companies/{}/license", admin.company_id);
    for (token, status) in [
        (admin.token.as_str(), StatusCode::UNAUTHORIZED),
        (
            "not-the-operator-token-of-32-bytes-or-more",
            StatusCode::UNAUTHORIZED,
        ),
        (OPERATOR_TOKEN, StatusCode::OK),
    ] {
        let a = app
            .call(
                Method::PUT,
                &path,
                Some(token),
                Some(json!({"plan": "enterprise"})),
            )
            .await;
        assert_eq!(a.status, status, "{}", a.text);
    }
    let license = app.get("/api/v1/license", &admin.token).await;
    assert_eq!(license.body["plan"], "enterprise");
    let audit = app
        .get("/api/v1/audit?action=license.update", &admin.token)
        .await;
    assert_eq!(audit.body["total"], 1, "{}", audit.text);
    assert_eq!(audit.body["items"][0]["user_id"], Value::Null);
    app.stop().await;
}

async fn d3_results_are_bounded_paged_and_documents_checked_early(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        "d3 results",
        &[("AMPFLUX_IN_PROCESS_WORKER", "false")],
    )
    .await
    else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Grid").await;
    let circuits = format!("/api/v1/projects/{project}/circuits");
    // over the free plan's 50 buses, and invalid at its very end: the bus count answers
    // before the document is read in full
    let mut big = grid(80, 1);
    let lines = big["lines"].as_array_mut().unwrap();
    lines.last_mut().unwrap()["no_such_field"] = json!(1);
    let a = app.post(&circuits, &admin.token, big).await;
    assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED, "{}", a.text);
    assert_eq!(a.body["code"], "plan_limit");

    // a study whose result rows pass the plan's bound is refused before it is queued
    app.plan(&admin, "pro").await;
    let saved = app.post(&circuits, &admin.token, grid(1500, 2)).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let sims = format!("/api/v1/projects/{project}/simulations");
    let a = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"branch_results": true}}),
        )
        .await;
    assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED, "{}", a.text);
    assert_eq!(a.body["code"], "plan_limit");
    assert!(
        a.body["message"].as_str().unwrap().contains("result rows"),
        "{}",
        a.text
    );
    app.stop().await;

    // branch rows come in pages, equal to the core's rows
    let Some(app) = TestApp::spawn(backend, "d3 pages").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Grid").await;
    let document = grid(40, 3);
    app.save_circuit(&admin, &project, document.clone()).await;
    let id = app
        .simulated(
            &admin,
            &project,
            json!({"version": 1, "study": {"branch_results": true}}),
        )
        .await;
    let stored = app
        .get(
            &format!("/api/v1/projects/{project}/circuits/1"),
            &admin.token,
        )
        .await;
    // the stored document is the canonical form of the one posted; the rows are those of
    // the core's study of the document as posted, in its order
    let net = ampflux_core::Network::from_value(document.clone()).unwrap();
    let canonical = ampflux_core::Network::from_value(stored.body["network"].clone()).unwrap();
    assert_eq!(canonical.digest(), net.digest());
    let options = ampflux_core::StudyOptions {
        branch_results: true,
        ..Default::default()
    };
    let want = serde_json::to_value(ampflux_core::short_circuit(&net, &options).unwrap()).unwrap();
    let all = want["branches"].as_array().unwrap();
    assert!(all.len() > 20);
    let page = app
        .get(
            &format!("/api/v1/simulations/{id}?page=2&per_page=7"),
            &admin.token,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.body["result"]["branches"], json!(all[7..14].to_vec()));
    assert_eq!(page.body["result_page"]["branches_total"], all.len());
    // every bus, in the order of the document
    assert_eq!(page.body["result"]["buses"], want["buses"]);
    let too_many = app
        .get(
            &format!("/api/v1/simulations/{id}?per_page=5000"),
            &admin.token,
        )
        .await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

async fn d4_logout_ends_the_session_of_its_access_tokens(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "d4 sessions").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    assert_eq!(
        app.get("/api/v1/users/me", &admin.token).await.status,
        StatusCode::OK
    );
    let out = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": admin.refresh})),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = app.get("/api/v1/users/me", &admin.token).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.text);

    // a reused refresh token revokes its session, and with it the session's access tokens
    let login = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@volt.example", "password": "correct horse battery"})),
        )
        .await;
    let first = login.body["refresh_token"].as_str().unwrap().to_string();
    let rotated = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": first})),
        )
        .await;
    let token = rotated.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/projects", &token).await.status,
        StatusCode::OK
    );
    let replay = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": first})),
        )
        .await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    let after = app.get("/api/v1/projects", &token).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.text);
    app.stop().await;
}

async fn d6_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        "d6 lockout",
        &[
            ("AMPFLUX_TRUST_FORWARDED_FOR", "true"),
            ("AMPFLUX_RATE_LIMIT_LOGIN_EMAIL", "5"),
        ],
    )
    .await
    else {
        return;
    };
    app.register("Volt AG", "ada@volt.example").await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let (s, _) = login_from(
            &app,
            "203.0.113.7",
            "ada@volt.example",
            &format!("guess {i}"),
        )
        .await;
        statuses.push(s);
    }
    // the guesser is slowed down
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(statuses[7], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    // the owner, elsewhere, still logs in, and a typo of theirs is a plain 401
    let (s, b) = login_from(
        &app,
        "198.51.100.2",
        "ada@volt.example",
        "correct horse battery",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = login_from(
        &app,
        "198.51.100.2",
        "ada@volt.example",
        "correct horse batery",
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

async fn d7_other_companies_learn_nothing_about_emails(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "d7 enumeration").await else {
        return;
    };
    let a = app.register("Company A", "ana@shared.example").await;
    let b = app.register("Company B", "boss@b.example").await;
    // B's admin creates and invites with an email that has an account in A: as for any email
    let created = app
        .post(
            "/api/v1/users",
            &b.token,
            json!({"name": "Ana at B", "email": "ana@shared.example", "password": "a different secret 7"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let invited = app
        .post(
            "/api/v1/invitations",
            &b.token,
            json!({"email": "ana@shared.example"}),
        )
        .await;
    // B has an account with that email now: B may be told about its own users only
    assert_eq!(invited.status, StatusCode::CONFLICT, "{}", invited.text);
    let other = app
        .post(
            "/api/v1/invitations",
            &b.token,
            json!({"email": "someone@a.example"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text);
    // a new company with that email registers like any other
    let third = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(
                json!({"company_name": "Company C", "name": "Ana", "email": "ana@shared.example",
                        "password": "yet another secret 9"}),
            ),
        )
        .await;
    assert_eq!(third.status, StatusCode::CREATED, "{}", third.text);
    // each password opens its own account
    for (password, company) in [
        ("correct horse battery", &a.company_id),
        ("a different secret 7", &b.company_id),
    ] {
        let login = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "ana@shared.example", "password": password})),
            )
            .await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text);
        let me = app
            .get(
                "/api/v1/users/me",
                login.body["access_token"].as_str().unwrap(),
            )
            .await;
        assert_eq!(me.body["company_id"], company.as_str());
    }
    app.stop().await;
}

async fn d8_weak_passwords_are_refused_and_passwords_change_and_reset(backend: Backend) {
    let sink = SmtpSink::start().await;
    let Some(app) = TestApp::spawn_with(
        backend,
        "d8 passwords",
        &[
            ("AMPFLUX_SMTP_URL", sink.url.as_str()),
            ("AMPFLUX_MAIL_FROM", "AmpFlux <noreply@ampflux.test>"),
        ],
    )
    .await
    else {
        return;
    };
    for weak in ["password", "12345678", "ada@volt.example", "aaaaaaaaaaaa"] {
        let a = app
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(
                    json!({"company_name": "Volt AG", "name": "Ada", "email": "ada@volt.example",
                            "password": weak}),
                ),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{weak}: {}",
            a.text
        );
        assert_eq!(
            a.body["issues"][0]["code"], "weak_password",
            "{weak}: {}",
            a.text
        );
    }
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let other = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@volt.example", "password": "correct horse battery"})),
        )
        .await;
    let other_token = other.body["access_token"].as_str().unwrap().to_string();

    // change: the current password is needed, the new one must be strong; other sessions end
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let path = "/api/v1/users/me/password";
    let wrong = app
        .post(
            path,
            &admin.token,
            change("not my password", "a new long secret 42"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    let weak = app
        .post(
            path,
            &admin.token,
            change("correct horse battery", "password"),
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.text
    );
    let ok = app
        .post(
            path,
            &admin.token,
            change("correct horse battery", "a new long secret 42"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text);
    assert_eq!(
        app.get("/api/v1/users/me", &admin.token).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/users/me", &other_token).await.status,
        StatusCode::UNAUTHORIZED
    );

    // reset by email: the same answer for unknown emails; the emailed token works once
    let ask = |email: &str| json!({"email": email});
    for email in ["ada@volt.example", "nobody@volt.example"] {
        let a = app
            .call(
                Method::POST,
                "/api/v1/auth/password-reset",
                None,
                Some(ask(email)),
            )
            .await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    }
    let mail = sink
        .wait_for("ada@volt.example", "token=", Duration::from_secs(20))
        .await;
    // as a mail reader shows it (quoted-printable decoded, if the relay chose it)
    let text = mail.data.replace("=\r\n", "").replace("=3D", "=");
    let at = text.find("token=").unwrap() + 6;
    let token: String = text[at..].chars().take(64).collect();
    assert!(
        token.chars().all(|c| c.is_ascii_hexdigit()),
        "{}",
        mail.data
    );
    assert!(
        !sink
            .mails()
            .iter()
            .any(|m| m.to.iter().any(|t| t.starts_with("nobody")))
    );
    let confirm = |token: &str| json!({"token": token, "new_password": "reset to this secret 5"});
    let a = app
        .call(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            None,
            Some(confirm(&token)),
        )
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.text);
    let again = app
        .call(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            None,
            Some(confirm(&token)),
        )
        .await;
    assert!(!again.status.is_success(), "{}", again.text);
    assert_eq!(
        app.get("/api/v1/users/me", &admin.token).await.status,
        StatusCode::UNAUTHORIZED,
        "a reset ends every session"
    );
    let login = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@volt.example", "password": "reset to this secret 5"})),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    app.stop().await;
}

async fn d9_headers_request_ids_methods_iat_streams_and_proxies(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        "d9 hygiene",
        &[
            ("AMPFLUX_TRUST_FORWARDED_FOR", "true"),
            ("AMPFLUX_IN_PROCESS_WORKER", "false"),
        ],
    )
    .await
    else {
        return;
    };
    // security headers: the page (with the wasm engine in a worker), the docs, the API
    let page = app.call(Method::GET, "/", None, None).await;
    let csp = page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part} missing in {csp}");
    }
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.headers.contains_key("referrer-policy"));
    let docs = app.call(Method::GET, "/docs/", None, None).await;
    let docs_csp = docs.headers["content-security-policy"].to_str().unwrap();
    assert!(
        docs_csp.contains("style-src 'self' 'unsafe-inline'"),
        "{docs_csp}"
    );

    // tokens are never cached
    let reg = app
        .http
        .post(format!("{}/api/v1/auth/register", app.base))
        .json(
            &json!({"company_name": "Volt AG", "name": "Ada", "email": "ada@volt.example",
                      "password": "correct horse battery"}),
        )
        .send()
        .await
        .unwrap();
    assert!(
        reg.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store"),
        "{:?}",
        reg.headers()
    );
    let admin = app
        .session(&reg.json().await.unwrap(), "ada@volt.example")
        .await;

    // a client's request id is kept only when it is a sane one; the proxy's own address
    // (the rightmost of X-Forwarded-For) is the client's
    let long_id = "x".repeat(5000);
    let res = app
        .http
        .post(format!("{}/api/v1/projects", app.base))
        .bearer_auth(&admin.token)
        .header("x-request-id", &long_id)
        .header("x-forwarded-for", "198.51.100.9, 203.0.113.5")
        .json(&json!({"name": "Plant"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_ne!(res.headers()["x-request-id"], long_id.as_str());
    let project = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let audit = app
        .get("/api/v1/audit?action=project.create", &admin.token)
        .await;
    let entry = &audit.body["items"][0];
    assert!(
        entry["request_id"].as_str().unwrap().len() <= 128,
        "{entry}"
    );
    assert_eq!(entry["ip"], "203.0.113.5");

    // a wrong method answers in the API's error format
    let wrong = app
        .call(
            Method::PUT,
            "/api/v1/projects",
            Some(&admin.token),
            Some(json!({})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.body["code"], "method_not_allowed", "{}", wrong.text);

    // a token issued in the future is refused
    let parts: Vec<&str> = admin.token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&crate::helpers::b64url_decode(parts[1])).unwrap();
    claims["iat"] = json!(claims["iat"].as_i64().unwrap() + 3600);
    claims["exp"] = json!(claims["exp"].as_i64().unwrap() + 3600);
    let key = EncodingKey::from_secret(b"test-secret-key-of-at-least-32-bytes!!").unwrap();
    let future = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
    assert_eq!(
        app.get("/api/v1/users/me", &future).await.status,
        StatusCode::UNAUTHORIZED
    );

    // a progress stream ends when its user is deleted
    let bob = app.add_user(&admin, "bob@volt.example", "user").await;
    app.add_member(&admin, &project, &bob, "editor").await;
    app.save_circuit(&bob, &project, small_network()).await;
    let id = app.simulate(&bob, &project, json!({"version": 1})).await;
    let stream = app
        .http
        .get(format!("{}/api/v1/simulations/{id}/events", app.base))
        .bearer_auth(&bob.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{}", bob.user_id),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let started = Instant::now();
    let rest = tokio::time::timeout(Duration::from_secs(20), stream.text()).await;
    assert!(
        rest.is_ok(),
        "the stream of a deleted user still runs after {:?}",
        started.elapsed()
    );
    app.stop().await;
}

//! Security: forged and expired access tokens, tokens of deleted users, refresh token reuse,
//! login guessing (rate-limited, no user enumeration by answer or timing), oversized bodies,
//! SQL metacharacters in every string field, and another company's ids on every route of
//! the OpenAPI document.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, Session, TestApp, small_network, small_network_changed};
use crate::on_both;

on_both!(
    forged_and_expired_tokens_are_rejected,
    deleted_users_tokens_stop_working,
    refresh_token_reuse_revokes_the_family,
    login_guessing_is_rate_limited_alike_for_every_email,
    oversized_bodies_get_413,
    sql_metacharacters_are_stored_and_returned_verbatim,
    another_companys_ids_are_404_on_every_route,
    answers_before_the_body_is_read_close_the_connection,
);

/// The signing secret of the test configuration (`helpers::test_config`).
const SECRET: &[u8] = b"test-secret-key-of-at-least-32-bytes!!";

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn b64url(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Claims of an access token of `s`'s session (the session id read from its real token).
fn claims(s: &Session, role: &str, exp: i64) -> Value {
    let payload = s.token.split('.').nth(1).unwrap();
    let real: Value = serde_json::from_slice(&crate::helpers::b64url_decode(payload)).unwrap();
    json!({"sub": s.user_id, "cid": s.company_id, "sid": real["sid"], "role": role,
           "iat": exp - 1800, "exp": exp, "typ": "access"})
}

fn sign(alg: Algorithm, key: &[u8], claims: &Value) -> String {
    let key = EncodingKey::from_secret(key).unwrap();
    jsonwebtoken::encode(&Header::new(alg), claims, &key).unwrap()
}

async fn status_with(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let a = app.get("/api/v1/users/me", token).await;
    (a.status, a.body)
}

async fn forged_and_expired_tokens_are_rejected(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "forged tokens").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let user = app.add_user(&admin, "bob@volt.example", "user").await;
    let exp = now_s() + 600;

    // control: a token made here with the server's key is accepted, so every rejection
    // below is for the one property each token breaks
    let good = sign(Algorithm::HS256, SECRET, &claims(&user, "user", exp));
    assert_eq!(status_with(&app, &good).await.0, StatusCode::OK);

    let mut bad: Vec<(&str, String)> = Vec::new();
    bad.push((
        "wrong key",
        sign(
            Algorithm::HS256,
            b"another-secret-key-of-32-bytes-or-more",
            &claims(&user, "company_admin", exp),
        ),
    ));
    // the user's real token with the role raised in the payload, signature kept
    let parts: Vec<&str> = user.token.split('.').collect();
    let raised = serde_json::to_vec(&claims(&user, "company_admin", exp)).unwrap();
    bad.push((
        "payload changed",
        format!("{}.{}.{}", parts[0], b64url(&raised), parts[2]),
    ));
    let none_header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
    let none_body = b64url(&serde_json::to_vec(&claims(&user, "company_admin", exp)).unwrap());
    bad.push(("alg none", format!("{none_header}.{none_body}.")));
    bad.push((
        "alg none, old signature",
        format!("{none_header}.{none_body}.{}", parts[2]),
    ));
    let none_lower = b64url(br#"{"alg":"None"}"#);
    bad.push(("alg None", format!("{none_lower}.{none_body}.")));
    bad.push((
        "HS512 with the right key",
        sign(Algorithm::HS512, SECRET, &claims(&user, "user", exp)),
    ));
    bad.push((
        "expired",
        sign(
            Algorithm::HS256,
            SECRET,
            &claims(&user, "user", now_s() - 120),
        ),
    ));
    let mut refresh_typ = claims(&user, "user", exp);
    refresh_typ["typ"] = json!("refresh");
    bad.push(("typ refresh", sign(Algorithm::HS256, SECRET, &refresh_typ)));
    let mut no_exp = claims(&user, "user", exp);
    no_exp.as_object_mut().unwrap().remove("exp");
    bad.push(("no exp", sign(Algorithm::HS256, SECRET, &no_exp)));
    let mut ghost = claims(&user, "company_admin", exp);
    ghost["sub"] = json!(uuid::Uuid::new_v4().to_string());
    bad.push((
        "validly signed, unknown user",
        sign(Algorithm::HS256, SECRET, &ghost),
    ));
    let mut elsewhere = claims(&user, "user", exp);
    elsewhere["cid"] = json!(uuid::Uuid::new_v4().to_string());
    bad.push((
        "validly signed, user moved to another company",
        sign(Algorithm::HS256, SECRET, &elsewhere),
    ));
    bad.push(("empty", String::new()));
    bad.push(("three dots", "..".into()));
    bad.push(("refresh token as access token", user.refresh.clone()));

    for (what, token) in &bad {
        for path in ["/api/v1/users/me", "/api/v1/projects", "/api/v1/users"] {
            let a = app.get(path, token).await;
            assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{what} on {path}: {}",
                a.text
            );
            assert!(a.body["code"].is_string(), "{what}: {}", a.text);
        }
    }
    // a validly signed token claiming company_admin for a plain user gets the user's real role
    let claimed_admin = sign(
        Algorithm::HS256,
        SECRET,
        &claims(&user, "company_admin", exp),
    );
    assert_eq!(
        app.get("/api/v1/users", &claimed_admin).await.status,
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

async fn deleted_users_tokens_stop_working(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "deleted user").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let bob = app.add_user(&admin, "bob@volt.example", "user").await;
    let carol = app.add_user(&admin, "carol@volt.example", "user").await;
    let other = app.register("Other AG", "root@other.example").await;
    let project = app.project(&bob, "Bob's plant").await;
    app.save_circuit(&bob, &project, small_network()).await;
    let bob_user = format!("/api/v1/users/{}", bob.user_id);

    // only a company_admin of the same company deletes
    let by_user = app
        .call(Method::DELETE, &bob_user, Some(&carol.token), None)
        .await;
    assert_eq!(by_user.status, StatusCode::FORBIDDEN, "{}", by_user.text);
    let by_other = app
        .call(Method::DELETE, &bob_user, Some(&other.token), None)
        .await;
    assert_eq!(by_other.status, StatusCode::NOT_FOUND, "{}", by_other.text);
    let last_admin = app
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{}", admin.user_id),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(
        last_admin.status,
        StatusCode::CONFLICT,
        "{}",
        last_admin.text
    );
    assert_eq!(last_admin.body["code"], "last_admin");

    assert_eq!(
        app.get("/api/v1/users/me", &bob.token).await.status,
        StatusCode::OK
    );
    let gone = app
        .call(Method::DELETE, &bob_user, Some(&admin.token), None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let again = app
        .call(Method::DELETE, &bob_user, Some(&admin.token), None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // the unexpired access token is dead on every kind of route at once
    for (method, path, body) in [
        (Method::GET, "/api/v1/users/me".to_string(), None),
        (Method::GET, "/api/v1/projects".to_string(), None),
        (Method::GET, format!("/api/v1/projects/{project}"), None),
        (
            Method::POST,
            format!("/api/v1/projects/{project}/circuits"),
            Some(small_network_changed()),
        ),
        (
            Method::POST,
            "/api/v1/projects".to_string(),
            Some(json!({"name": "x"})),
        ),
        (
            Method::GET,
            format!("/api/v1/simulations/{}", uuid::Uuid::new_v4()),
            None,
        ),
    ] {
        let a = app
            .call(method.clone(), &path, Some(&bob.token), body)
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {}",
            a.text
        );
        assert_eq!(a.body["code"], "invalid_token");
    }
    // so is a token signed later with the right key, the refresh token and the password
    let fresh = sign(
        Algorithm::HS256,
        SECRET,
        &claims(&bob, "user", now_s() + 600),
    );
    assert_eq!(status_with(&app, &fresh).await.0, StatusCode::UNAUTHORIZED);
    let refresh = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": bob.refresh})),
        )
        .await;
    assert_eq!(refresh.status, StatusCode::UNAUTHORIZED, "{}", refresh.text);
    let login = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "bob@volt.example", "password": "user password 1"})),
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login.body["code"], "invalid_credentials");

    // the company's view: gone from the list, what Bob made stays, the email is free again
    let users = app.get("/api/v1/users?per_page=100", &admin.token).await;
    assert_eq!(users.body["total"], 2, "{}", users.text);
    assert!(!users.text.contains(&bob.user_id));
    let p = app
        .get(&format!("/api/v1/projects/{project}"), &admin.token)
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.body["owner_id"], bob.user_id.as_str());
    let members = app
        .get(&format!("/api/v1/projects/{project}/members"), &admin.token)
        .await;
    assert!(!members.text.contains(&bob.user_id), "{}", members.text);
    let versions = app
        .get(
            &format!("/api/v1/projects/{project}/circuits"),
            &admin.token,
        )
        .await;
    assert_eq!(
        versions.body["items"][0]["created_by"],
        bob.user_id.as_str()
    );
    let reborn = app.add_user(&admin, "bob@volt.example", "user").await;
    assert_ne!(reborn.user_id, bob.user_id);
    assert_eq!(
        app.get(&format!("/api/v1/projects/{project}"), &bob.token)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the new account does not revive the old tokens"
    );
    let audit = app
        .get("/api/v1/audit?action=user.delete", &admin.token)
        .await;
    assert_eq!(audit.body["total"], 1, "{}", audit.text);
    app.stop().await;
}

async fn refresh(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let a = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
        .await;
    (a.status, a.body)
}

async fn refresh_token_reuse_revokes_the_family(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "refresh reuse").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let other_login = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@volt.example", "password": "correct horse battery"})),
        )
        .await;
    let other_family = other_login.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();

    // a chain r1 -> r2 -> r3; replaying r1 (an attacker's copy) kills r3, the legitimate
    // holder's current token
    let (s, b) = refresh(&app, &admin.refresh).await;
    assert_eq!(s, StatusCode::OK);
    let r2 = b["refresh_token"].as_str().unwrap().to_string();
    let (s, b) = refresh(&app, &r2).await;
    assert_eq!(s, StatusCode::OK);
    let r3 = b["refresh_token"].as_str().unwrap().to_string();
    let (s, b) = refresh(&app, &admin.refresh).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(b["code"], "refresh_token_reused");
    let (s, _) = refresh(&app, &r3).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "r3 is revoked with its family");
    let (s, _) = refresh(&app, &r2).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // the same token sent twice at once: at most one answer carries new tokens, and those
    // die with the family
    let (s, b) = refresh(&app, &other_family).await;
    assert_eq!(s, StatusCode::OK, "another login is a family of its own");
    let shared = b["refresh_token"].as_str().unwrap().to_string();
    let (x, y) = tokio::join!(refresh(&app, &shared), refresh(&app, &shared));
    let winners: Vec<&Value> = [&x, &y]
        .into_iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .map(|(_, b)| b)
        .collect();
    assert!(winners.len() <= 1, "{x:?} {y:?}");
    assert!(
        [&x, &y].iter().any(|(s, _)| *s == StatusCode::UNAUTHORIZED),
        "{x:?} {y:?}"
    );
    for w in winners {
        let (s, _) = refresh(&app, w["refresh_token"].as_str().unwrap()).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "the race winner's token is revoked"
        );
    }
    // the reuse ended the registration's session too: read the audit log from a new login
    let fresh = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@volt.example", "password": "correct horse battery"})),
        )
        .await;
    let audit = app
        .get(
            "/api/v1/audit?action=auth.refresh_reuse",
            fresh.body["access_token"].as_str().unwrap(),
        )
        .await;
    assert!(audit.body["total"].as_i64().unwrap() >= 2, "{}", audit.text);
    app.stop().await;
}

async fn login(app: &TestApp, email: &str, password: &str) -> (StatusCode, Value, Option<String>) {
    let a = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await;
    let retry = a
        .headers
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (a.status, a.body, retry)
}

fn minute_of_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 60
}

/// Waits, if needed, so that at least 25 s of the current one-minute window remain (the
/// limits count in fixed windows).
async fn early_in_window() {
    let into = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        % 60_000;
    if into > 35_000 {
        tokio::time::sleep(Duration::from_millis((60_000 - into + 200) as u64)).await;
    }
}

async fn login_guessing_is_rate_limited_alike_for_every_email(backend: Backend) {
    // limits: 5 attempts per email and 14 per address per minute
    let limited = [
        ("AMPFLUX_RATE_LIMIT_LOGIN_EMAIL", "5"),
        ("AMPFLUX_RATE_LIMIT_LOGIN_IP", "14"),
    ];
    let mut tries = 0;
    loop {
        tries += 1;
        let Some(app) = TestApp::spawn_with(backend, "login guessing", &limited).await else {
            return;
        };
        app.register("Volt AG", "ada@volt.example").await;
        early_in_window().await;
        let window = minute_of_now();
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for i in 0..7 {
            known.push(login(&app, "ada@volt.example", &format!("guess {i} password")).await);
            unknown.push(login(&app, "nobody@volt.example", &format!("guess {i} password")).await);
        }
        // the right password is refused too while the email is locked
        let right = login(&app, "ada@volt.example", "correct horse battery").await;
        // 15 attempts from this address so far: the address limit (14) is passed as well
        let fresh = login(&app, "fresh@volt.example", "whatever password").await;
        if minute_of_now() != window && tries < 3 {
            // a window ended during the run: counts restarted; run again in a new window
            app.stop().await;
            continue;
        }
        for (i, ((ks, kb, kr), (us, ub, ur))) in known.iter().zip(&unknown).enumerate() {
            let expected = if i < 5 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(*ks, expected, "attempt {i} on the known email: {kb}");
            assert_eq!(*us, expected, "attempt {i} on the unknown email: {ub}");
            // the same code and message whether or not the email has an account
            assert_eq!(kb["code"], ub["code"], "attempt {i}");
            if i < 5 {
                assert_eq!(kb, ub, "attempt {i}");
            }
            assert_eq!(kr.is_some(), expected == StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(ur.is_some(), kr.is_some());
        }
        assert_eq!(known[0].1["code"], "invalid_credentials");
        assert_eq!(known[6].1["code"], "rate_limited");
        assert_eq!(right.0, StatusCode::TOO_MANY_REQUESTS, "{}", right.1);
        assert_eq!(fresh.0, StatusCode::TOO_MANY_REQUESTS, "{}", fresh.1);
        app.stop().await;
        break;
    }

    // timing: with the limits off, a wrong password on an existing account and any password
    // on an unknown email cost the same (one argon2 verification each). Loose: medians
    // within a factor of 2, interleaved so machine load hits both alike.
    let Some(app) = TestApp::spawn_with(
        backend,
        "login timing",
        &[
            ("AMPFLUX_RATE_LIMIT_LOGIN_EMAIL", "0"),
            ("AMPFLUX_RATE_LIMIT_LOGIN_IP", "0"),
            ("AMPFLUX_RATE_LIMIT_IP", "0"),
        ],
    )
    .await
    else {
        return;
    };
    app.register("Volt AG", "ada@volt.example").await;
    let time = |email: String| {
        let app = &app;
        async move {
            let t = Instant::now();
            let (s, _, _) = login(app, &email, "wrong password here").await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
            t.elapsed().as_secs_f64()
        }
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..15 {
        known.push(time("ada@volt.example".into()).await);
        unknown.push(time(format!("nobody{i}@volt.example")).await);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (k, u) = (median(&mut known), median(&mut unknown));
    eprintln!("login timing medians: wrong password {k:.4} s, unknown email {u:.4} s");
    assert!(
        k / u < 2.0 && u / k < 2.0,
        "login time tells accounts apart: wrong password {k:.4} s, unknown email {u:.4} s"
    );
    app.stop().await;
}

async fn oversized_bodies_get_413(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, "oversized", &[("AMPFLUX_MAX_BODY_MB", "1")]).await
    else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant").await;
    // just over the limit (1 MiB): the whole body fits in the socket buffers, so the client
    // has written it when the server answers early
    let padding = "x".repeat(1_060_000);
    let routes: Vec<(Method, String, bool)> = vec![
        (Method::POST, "/api/v1/auth/register".into(), false),
        (Method::POST, "/api/v1/auth/login".into(), false),
        (Method::POST, "/api/v1/auth/refresh".into(), false),
        (Method::POST, "/api/v1/auth/logout".into(), false),
        (Method::POST, "/api/v1/users".into(), true),
        (Method::POST, "/api/v1/invitations".into(), true),
        (Method::POST, "/api/v1/projects".into(), true),
        (Method::PATCH, format!("/api/v1/projects/{project}"), true),
        (
            Method::POST,
            format!("/api/v1/projects/{project}/members"),
            true,
        ),
        (
            Method::DELETE,
            format!("/api/v1/projects/{project}/members"),
            true,
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{project}/circuits"),
            true,
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{project}/simulations"),
            true,
        ),
        (Method::PUT, "/api/v1/license".into(), true),
        (Method::POST, "/api/v1/ai/ask".into(), true),
    ];
    for (method, path, auth) in &routes {
        let body = json!({"name": padding, "email": "a@b.io", "password": "x"});
        let token = auth.then_some(admin.token.as_str());
        let a = send_big(&app, method.clone(), path, token, &body).await;
        assert_eq!(
            a.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{method} {path}: {}",
            a.text
        );
        assert_eq!(
            a.body["code"], "payload_too_large",
            "{method} {path}: {}",
            a.text
        );
        assert!(a.body["issues"].is_array());
    }
    // without a Content-Length (chunked): the limit holds while reading
    let addr = app.base.trim_start_matches("http://").to_string();
    let token = admin.token.clone();
    let target = format!("/api/v1/projects/{project}/circuits");
    let head = tokio::task::spawn_blocking(move || chunked_post(&addr, &target, &token, 40))
        .await
        .unwrap();
    if let Some(head) = head {
        // the server may also answer early and close: a reset connection is a refusal too
        assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    }
    // the server is fine afterwards, and a body under the limit passes
    let ok = app
        .post(
            "/api/v1/projects",
            &admin.token,
            json!({"name": "Fine", "description": "y".repeat(4000)}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    app.stop().await;
}

/// Sends an oversized body; a connection the server closed while the client still wrote
/// (it may answer before reading everything) is tried again, up to 5 times.
async fn send_big(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> crate::helpers::Answer {
    let bytes = serde_json::to_vec(body).unwrap();
    let mut last = String::new();
    for _ in 0..5 {
        let mut req = app
            .http
            .request(method.clone(), format!("{}{path}", app.base))
            .header("content-type", "application/json")
            .body(bytes.clone());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        match req.send().await {
            Ok(res) => {
                let status = res.status();
                let headers = res.headers().clone();
                let text = res.text().await.unwrap_or_default();
                let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                return crate::helpers::Answer {
                    status,
                    headers,
                    body,
                    text,
                };
            }
            Err(e) => last = format!("{e:?}"),
        }
    }
    panic!("{method} {path}: no answer in 5 tries: {last}");
}

/// POSTs `chunks` chunks of 32 KiB with `Transfer-Encoding: chunked`; returns the status
/// line and headers of the answer (`None` when the server closed the connection first).
fn chunked_post(addr: &str, path: &str, token: &str, chunks: usize) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).ok()?;
    let chunk = vec![b'y'; 32 * 1024];
    for i in 0..chunks {
        let data: &[u8] = if i == 0 { b"{\"meta\": \"" } else { &chunk };
        let mut piece = format!("{:x}\r\n", data.len()).into_bytes();
        piece.extend_from_slice(data);
        piece.extend_from_slice(b"\r\n");
        if stream.write_all(&piece).is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_string();
    (!text.is_empty()).then(|| text.split("\r\n\r\n").next().unwrap_or("").to_string())
}

/// Strings that break naively built SQL (quotes, comments, statement separators, wildcards,
/// placeholders, backslashes), and a NUL, which PostgreSQL cannot store in text.
const NASTY: &[&str] = &[
    "Robert'); DROP TABLE users;--",
    "x' OR '1'='1",
    "\" OR \"\"=\"",
    "50% off_ \\\\ $1 ?",
    "a\u{0}b",
    "'; SELECT pg_sleep(5); --",
    "ünïcødé ' ` ; -- /* */",
];

async fn sql_metacharacters_are_stored_and_returned_verbatim(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "sql metacharacters").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    app.plan(&admin, "enterprise").await;
    for (i, nasty) in NASTY.iter().enumerate() {
        let has_nul = nasty.contains('\u{0}');
        let check = |a: &crate::helpers::Answer, what: &str| {
            assert!(
                a.status.is_success()
                    || (a.status.is_client_error() && a.status != StatusCode::NOT_FOUND)
                    || a.status == StatusCode::NOT_IMPLEMENTED,
                "{what} with {nasty:?}: {} {}",
                a.status,
                a.text
            );
            assert!(
                a.body["code"].is_string() || a.status.is_success(),
                "{what}: {}",
                a.text
            );
        };
        // a NUL is refused as a 422 where it would be stored; everything else is data
        let stored = |a: &crate::helpers::Answer, what: &str| {
            if has_nul {
                assert_eq!(
                    a.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{what}: {}",
                    a.text
                );
            } else {
                assert!(
                    a.status.is_success(),
                    "{what} with {nasty:?}: {} {}",
                    a.status,
                    a.text
                );
            }
        };

        // registration and login: company, name, email local part, password
        let email = format!("o'x{i}\"--;%_@evil.example");
        let reg = app
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"company_name": nasty, "name": nasty, "email": email,
                            "password": format!("{nasty} long enough")})),
            )
            .await;
        stored(&reg, "register");
        if !has_nul {
            let login = app
                .call(
                    Method::POST,
                    "/api/v1/auth/login",
                    None,
                    Some(json!({"email": email, "password": format!("{nasty} long enough")})),
                )
                .await;
            assert_eq!(
                login.status,
                StatusCode::OK,
                "login with {nasty:?}: {}",
                login.text
            );
            let token = login.body["access_token"].as_str().unwrap();
            let me = app.get("/api/v1/users/me", token).await;
            assert_eq!(me.body["name"], *nasty);
            assert_eq!(me.body["company_name"], *nasty);
            assert_eq!(me.body["email"], email.as_str());
        }
        let wrong = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": nasty, "password": nasty})),
            )
            .await;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::UNPROCESSABLE_ENTITY].contains(&wrong.status),
            "login as {nasty:?}: {}",
            wrong.text
        );
        for path in ["/api/v1/auth/refresh", "/api/v1/auth/logout"] {
            let a = app
                .call(
                    Method::POST,
                    path,
                    None,
                    Some(json!({"refresh_token": nasty})),
                )
                .await;
            check(&a, path);
        }

        // users and invitations
        let user = app
            .post(
                "/api/v1/users",
                &admin.token,
                json!({"name": nasty, "email": format!("u{i}'\"x@evil.example"), "password": format!("{nasty} 12345678")}),
            )
            .await;
        stored(&user, "create user");
        let invite = app
            .post(
                "/api/v1/invitations",
                &admin.token,
                json!({"email": format!("inv{i}'--@evil.example")}),
            )
            .await;
        check(&invite, "invite");
        assert_eq!(invite.status, StatusCode::CREATED);

        // projects: create, read back, update
        let created = app
            .post(
                "/api/v1/projects",
                &admin.token,
                json!({"name": nasty, "description": nasty}),
            )
            .await;
        stored(&created, "create project");
        let project = if has_nul {
            app.project(&admin, &format!("plain {i}")).await
        } else {
            let id = created.body["id"].as_str().unwrap().to_string();
            let got = app
                .get(&format!("/api/v1/projects/{id}"), &admin.token)
                .await;
            assert_eq!(got.body["name"], *nasty);
            assert_eq!(got.body["description"], *nasty);
            id
        };
        let patched = app
            .call(
                Method::PATCH,
                &format!("/api/v1/projects/{project}"),
                Some(&admin.token),
                Some(json!({"description": format!("{nasty}!")})),
            )
            .await;
        stored(&patched, "patch project");

        // circuits: ids, names and the history note
        let mut net = small_network();
        net["name"] = json!(nasty);
        net["buses"][1]["id"] = json!(nasty);
        net["transformers"][0]["lv_bus"] = json!(nasty);
        let circuits = format!("/api/v1/projects/{project}/circuits");
        let url = reqwest::Url::parse_with_params(
            &format!("{}{circuits}", app.base),
            &[("message", *nasty)],
        )
        .unwrap();
        let saved = app
            .http
            .post(url)
            .bearer_auth(&admin.token)
            .json(&net)
            .send()
            .await
            .unwrap();
        let status = saved.status();
        let text = saved.text().await.unwrap();
        if has_nul {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        } else {
            assert_eq!(status, StatusCode::CREATED, "save with {nasty:?}: {text}");
            let got = app.get(&format!("{circuits}/latest"), &admin.token).await;
            assert_eq!(got.body["message"], *nasty);
            assert_eq!(got.body["network"]["name"], *nasty);
            assert!(got.text.contains(&serde_json::to_string(nasty).unwrap()));
            let sim = app
                .post(
                    &format!("/api/v1/projects/{project}/simulations"),
                    &admin.token,
                    json!({"version": "latest", "study": {"buses": [nasty]}}),
                )
                .await;
            check(&sim, "simulation with a nasty bus");
            assert_eq!(sim.status, StatusCode::ACCEPTED, "{}", sim.text);
        }
        // ids in paths, bodies and queries: unknown, never an error
        let enc = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        let weird = enc(nasty);
        for (method, path, body) in [
            (Method::GET, format!("/api/v1/projects/{weird}"), None),
            (Method::GET, format!("{circuits}/{weird}"), None),
            (Method::GET, format!("{circuits}/1/diff/{weird}"), None),
            (Method::GET, format!("/api/v1/simulations/{weird}"), None),
            (Method::DELETE, format!("/api/v1/users/{weird}"), None),
            (
                Method::POST,
                format!("/api/v1/projects/{project}/members"),
                Some(json!({"user_id": nasty, "role": "viewer"})),
            ),
            (
                Method::DELETE,
                format!("/api/v1/projects/{project}/members"),
                Some(json!({"user_id": nasty})),
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{project}/simulations"),
                Some(json!({"version": nasty})),
            ),
        ] {
            let a = app
                .call(method.clone(), &path, Some(&admin.token), body)
                .await;
            assert!(
                [
                    StatusCode::NOT_FOUND,
                    StatusCode::BAD_REQUEST,
                    StatusCode::UNPROCESSABLE_ENTITY
                ]
                .contains(&a.status),
                "{method} {path}: {} {}",
                a.status,
                a.text
            );
        }
        for key in ["action", "user_id", "project_id"] {
            let url = reqwest::Url::parse_with_params(
                &format!("{}/api/v1/audit", app.base),
                &[(key, *nasty)],
            )
            .unwrap();
            let a = app
                .http
                .get(url)
                .bearer_auth(&admin.token)
                .send()
                .await
                .unwrap();
            let status = a.status();
            let body: Value = a.json().await.unwrap_or(Value::Null);
            assert!(
                status == StatusCode::OK || (has_nul && status == StatusCode::UNPROCESSABLE_ENTITY),
                "audit {key}={nasty:?}: {status} {body}"
            );
            if status == StatusCode::OK {
                assert_eq!(body["total"], 0, "audit {key}={nasty:?}");
            }
        }
        let ai = app
            .post("/api/v1/ai/ask", &admin.token, json!({"prompt": nasty}))
            .await;
        assert!(
            ai.status != StatusCode::INTERNAL_SERVER_ERROR,
            "{}",
            ai.text
        );
        let license = app
            .call(
                Method::PUT,
                &format!("/api/v1/admin/companies/{}/license", admin.company_id),
                Some(crate::helpers::OPERATOR_TOKEN),
                Some(json!({"end_date": nasty})),
            )
            .await;
        assert_eq!(
            license.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            license.text
        );
    }

    // the tables are all there and the admin's data intact
    let users = app.get("/api/v1/users?per_page=100", &admin.token).await;
    assert_eq!(users.status, StatusCode::OK);
    let names: Vec<&str> = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    for nasty in NASTY.iter().filter(|n| !n.contains('\u{0}')) {
        assert!(names.contains(nasty), "{nasty:?} missing in {names:?}");
    }
    let projects = app.get("/api/v1/projects?per_page=100", &admin.token).await;
    assert_eq!(
        projects.body["total"],
        NASTY.len() as i64,
        "{}",
        projects.text
    );
    let audit = app
        .get("/api/v1/audit?action=circuit.save", &admin.token)
        .await;
    assert_eq!(audit.body["total"], NASTY.len() as i64 - 1);
    app.stop().await;
}

/// Company A's resources, and the path parameters that name them.
struct Tenant {
    admin: Session,
    user: Session,
    project: String,
    simulation: String,
    api_key: String,
}

async fn tenant_a(app: &TestApp) -> Tenant {
    let admin = app.register("Company A", "admin@a.example").await;
    let user = app.add_user(&admin, "user@a.example", "user").await;
    let project = app.project(&admin, "A's plant").await;
    app.add_member(&admin, &project, &user, "editor").await;
    app.save_circuit(&admin, &project, small_network()).await;
    app.save_circuit(&admin, &project, small_network_changed())
        .await;
    let simulation = app.simulated(&admin, &project, json!({"version": 1})).await;
    let key = app
        .post(
            "/api/v1/api-keys",
            &user.token,
            json!({"name": "A's script"}),
        )
        .await;
    let api_key = key.body["id"].as_str().unwrap().to_string();
    Tenant {
        admin,
        user,
        project,
        simulation,
        api_key,
    }
}

/// The path of an OpenAPI operation with A's ids filled in; panics on a parameter that has
/// no A-owned value here, so a new route cannot escape this test unnoticed.
fn fill(path: &str, a: &Tenant) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        let name = &rest[open + 1..close];
        let before = &path[..path.len() - rest.len() + open];
        out.push_str(&rest[..open]);
        let value = match name {
            "id" if before.ends_with("/projects/") => a.project.clone(),
            "id" if before.ends_with("/simulations/") => a.simulation.clone(),
            "id" if before.ends_with("/users/") => a.user.user_id.clone(),
            "id" if before.ends_with("/api-keys/") => a.api_key.clone(),
            "id" if before.ends_with("/companies/") => a.admin.company_id.clone(),
            "version" | "a" => "1".to_string(),
            "b" => "2".to_string(),
            _ => panic!(
                "{path}: no id of company A for `{{{name}}}`; add one to security.rs so the route is checked"
            ),
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A valid body for an operation, so that what answers is the access check, not the input
/// check.
fn body_for(method: &str, path: &str, a: &Tenant) -> Option<Value> {
    match (method, path) {
        ("post", p) if p.ends_with("/members") => {
            Some(json!({"user_id": a.user.user_id, "role": "viewer"}))
        }
        ("delete", p) if p.ends_with("/members") => Some(json!({"user_id": a.user.user_id})),
        ("post", p) if p.ends_with("/circuits") => Some(small_network()),
        ("post", p) if p.ends_with("/simulations") => Some(json!({"version": 1})),
        ("post", p) if p.ends_with("/restore") => None,
        ("post", p) if p.ends_with("/merge") => Some(json!({"base": 1, "theirs": 2})),
        ("post", p) if p.ends_with("/api-keys") => Some(json!({"name": "taken over"})),
        ("patch", _) => Some(json!({"name": "taken over"})),
        ("put", _) | ("post", _) => Some(json!({})),
        _ => None,
    }
}

async fn another_companys_ids_are_404_on_every_route(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "every route isolation").await else {
        return;
    };
    let a = tenant_a(&app).await;
    let b_admin = app.register("Company B", "admin@b.example").await;
    let b_user = app.add_user(&b_admin, "user@b.example", "user").await;
    let spec = app.call(Method::GET, "/openapi.json", None, None).await;
    let paths = spec.body["paths"].as_object().unwrap();
    let secrets = [
        a.admin.user_id.as_str(),
        a.admin.email.as_str(),
        a.user.email.as_str(),
        "A's plant",
        "README example",
        "A's script",
    ];
    let mut checked = 0;
    for (template, ops) in paths {
        let has_ids = template.contains('{');
        for (method, _) in ops.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            // routes without ids in the path carry them in the body or query: members and
            // audit filters are in `isolation.rs`; the assistant's project is checked here
            let (path, body) = if has_ids {
                (fill(template, &a), body_for(method, template, &a))
            } else if template == "/api/v1/ai/ask" {
                (
                    template.clone(),
                    Some(json!({"prompt": "What is I''k at F?", "project_id": a.project})),
                )
            } else {
                continue;
            };
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for s in [&b_admin, &b_user] {
                let ans = app
                    .call(m.clone(), &path, Some(&s.token), body.clone())
                    .await;
                let allowed: &[StatusCode] = if path.starts_with("/api/v1/admin/") {
                    // the operator's routes: no company account is the operator
                    &[StatusCode::UNAUTHORIZED]
                } else if !has_ids {
                    // the assistant: unknown project, or not available on this server
                    &[StatusCode::NOT_FOUND, StatusCode::NOT_IMPLEMENTED]
                } else if s.email == "admin@b.example" {
                    // an admin may do anything in its own company: only 404 is possible
                    &[StatusCode::NOT_FOUND]
                } else {
                    &[StatusCode::NOT_FOUND, StatusCode::FORBIDDEN]
                };
                assert!(
                    allowed.contains(&ans.status),
                    "{} {method} {path} gave {}: {}",
                    s.email,
                    ans.status,
                    ans.text
                );
                for secret in secrets {
                    assert!(
                        !ans.text.contains(secret),
                        "{method} {path} leaks {secret}: {}",
                        ans.text
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 2 * 14,
        "only {checked} calls: the OpenAPI document lost routes"
    );

    // A is intact
    let base = format!("/api/v1/projects/{}", a.project);
    let p = app.get(&base, &a.admin.token).await;
    assert_eq!(p.body["name"], "A's plant");
    let versions = app.get(&format!("{base}/circuits"), &a.admin.token).await;
    assert_eq!(versions.body["total"], 2);
    let members = app.get(&format!("{base}/members"), &a.admin.token).await;
    assert_eq!(members.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/api/v1/users/me", &a.user.token).await.status,
        StatusCode::OK
    );
    let keys = app.get("/api/v1/api-keys", &a.user.token).await;
    assert_eq!(keys.body.as_array().unwrap().len(), 1, "{}", keys.text);
    assert_eq!(
        app.get(
            &format!("/api/v1/simulations/{}", a.simulation),
            &a.user.token
        )
        .await
        .body["status"],
        "succeeded"
    );
    app.stop().await;
}

/// One request written on `stream` and its answer read: the head (lower case) and the body.
async fn exchange(stream: &mut tokio::net::TcpStream, request: &[u8]) -> (String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed before an answer");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed inside an answer");
        buf.extend_from_slice(&chunk[..n]);
    }
    (head, buf[head_end..head_end + length].to_vec())
}

/// An answer given before the request's body was read (here a 405 and a wrong content
/// type) says `Connection: close`, since the server then closes the connection; a client
/// reusing it got "connection closed without response" (schemathesis, POST /ai/ask and
/// DELETE .../circuits/merge with `Content-Type: a`). A request whose body was read keeps
/// its connection.
async fn answers_before_the_body_is_read_close_the_connection(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "unread_body").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant").await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let body = format!("{{\"base\": 1, \"pad\": \"{}\"}}", "x".repeat(200_000));
    for (method, path) in [
        (
            "DELETE",
            format!("/api/v1/projects/{project}/circuits/merge"),
        ),
        ("POST", format!("/api/v1/projects/{project}/circuits/merge")),
    ] {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\n\
             content-type: a\r\ncontent-length: {}\r\n\r\n{body}",
            admin.token,
            body.len()
        );
        let (head, _) = exchange(&mut stream, request.as_bytes()).await;
        assert!(head.starts_with("http/1.1 4"), "{method}: {head}");
        assert!(
            head.contains("\r\nconnection: close\r\n"),
            "{method}: {head}"
        );
    }
    // a body read to its end: the same connection serves the next request
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let create = r#"{"name": "Second plant"}"#;
    let request = format!(
        "POST /api/v1/projects HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n{create}",
        admin.token,
        create.len()
    );
    let (head, _) = exchange(&mut stream, request.as_bytes()).await;
    assert!(head.starts_with("http/1.1 201"), "{head}");
    assert!(!head.contains("connection: close"), "{head}");
    let (head, _) = exchange(
        &mut stream,
        format!("GET /health HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    app.stop().await;
}

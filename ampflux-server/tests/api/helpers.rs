//! Spawning a server on port 0 with a fresh database, and an HTTP client for it.
//!
//! SQLite tests always run. PostgreSQL tests need `DATABASE_URL_TEST` (a server where the
//! user may create databases) and Redis tests `REDIS_URL_TEST`; without them they print why
//! they skip and pass. `scripts/test.sh` starts both and sets the variables.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ampflux_server::app::{self, Running};
use ampflux_server::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::AnyPool;

/// The operator credential of the test servers (`AMPFLUX_OPERATOR_TOKEN`).
pub const OPERATOR_TOKEN: &str = "test-operator-token-of-at-least-32-bytes";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `DATABASE_URL_TEST`.
    Postgres,
}

/// Runs `$name(backend)` as one test per backend: `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    )+};
}

/// The Redis URL for tests, or `None` with a message saying the test skips.
pub fn redis_url(test: &str) -> Option<String> {
    let url = std::env::var("REDIS_URL_TEST")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("skipped {test}: REDIS_URL_TEST is not set (scripts/test.sh sets it)");
    }
    url
}

/// A fresh, empty database URL for `backend`, or `None` (with a message) when the backend
/// is not available in this run.
pub async fn fresh_database(backend: Backend, test: &str) -> Option<String> {
    let name = format!("ampflux_t_{}", uuid::Uuid::new_v4().simple());
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            Some(format!("sqlite://{}?mode=rwc", path.display()))
        }
        Backend::Postgres => {
            let Some(admin) = std::env::var("DATABASE_URL_TEST")
                .ok()
                .filter(|u| !u.is_empty())
            else {
                eprintln!(
                    "skipped {test} on PostgreSQL: DATABASE_URL_TEST is not set (scripts/test.sh sets it)"
                );
                return None;
            };
            sqlx::any::install_default_drivers();
            let pool = AnyPool::connect(&admin)
                .await
                .expect("connect to DATABASE_URL_TEST");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await
                .expect("create a test database");
            pool.close().await;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            Some(format!("{base}/{name}"))
        }
    }
}

/// The configuration of a test server on `database_url`.
pub fn test_config(database_url: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.to_string()),
        ("AMPFLUX_BIND".into(), "127.0.0.1:0".into()),
        (
            "AMPFLUX_SECRET_KEY".into(),
            "test-secret-key-of-at-least-32-bytes!!".into(),
        ),
        ("AMPFLUX_WEB_DIR".into(), "/nonexistent-web-dir".into()),
        ("AMPFLUX_QUEUE_POLL_MS".into(), "50".into()),
        ("AMPFLUX_EVENTS_INTERVAL_MS".into(), "50".into()),
        ("AMPFLUX_DATABASE_MAX_CONNECTIONS".into(), "5".into()),
        ("AMPFLUX_LOG_FORMAT".into(), "pretty".into()),
        ("AMPFLUX_OPERATOR_TOKEN".into(), OPERATOR_TOKEN.into()),
    ]);
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Config::from_lookup(&|k| vars.get(k).cloned()).expect("test configuration is valid")
}

/// A running test server.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The database URL (for worker processes and direct checks).
    pub database_url: String,
    /// The server.
    pub running: Running,
    /// HTTP client.
    pub http: reqwest::Client,
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// JSON body (`Null` when empty or not JSON).
    pub body: Value,
    /// Raw body.
    pub text: String,
}

/// A logged-in user.
#[derive(Clone, Debug)]
pub struct Session {
    /// Access token.
    pub token: String,
    /// Refresh token.
    pub refresh: String,
    /// User id.
    pub user_id: String,
    /// Company id.
    pub company_id: String,
    /// Email.
    pub email: String,
}

impl TestApp {
    /// A server on a fresh database of `backend` (`None`: the backend is not available).
    pub async fn spawn(backend: Backend, test: &str) -> Option<TestApp> {
        TestApp::spawn_with(backend, test, &[]).await
    }

    /// As [`TestApp::spawn`], with extra configuration variables.
    pub async fn spawn_with(
        backend: Backend,
        test: &str,
        extra: &[(&str, &str)],
    ) -> Option<TestApp> {
        let database_url = fresh_database(backend, test).await?;
        let config = test_config(&database_url, extra);
        Some(TestApp::start(config, database_url).await)
    }

    /// Starts a server with `config`.
    pub async fn start(config: Config, database_url: String) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let running = app::start(config, listener).await.expect("server starts");
        TestApp {
            base: format!("http://{}", running.addr),
            database_url,
            running,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        }
    }

    /// The database pool of the server (for direct checks).
    pub fn pool(&self) -> &AnyPool {
        &self.running.state.db.pool
    }

    /// Sends a request; `token` as bearer, `body` as JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request is sent");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    /// GET.
    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Registers a new company and its admin.
    pub async fn register(&self, company: &str, email: &str) -> Session {
        let a = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(
                    json!({"company_name": company, "name": format!("Admin of {company}"),
                             "email": email, "password": "correct horse battery"}),
                ),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        self.session(&a.body, email).await
    }

    /// The session of a token response.
    pub async fn session(&self, tokens: &Value, email: &str) -> Session {
        let token = tokens["access_token"].as_str().unwrap().to_string();
        let me = self.get("/api/v1/users/me", &token).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        Session {
            refresh: tokens["refresh_token"].as_str().unwrap().to_string(),
            user_id: me.body["id"].as_str().unwrap().to_string(),
            company_id: me.body["company_id"].as_str().unwrap().to_string(),
            email: email.to_string(),
            token,
        }
    }

    /// Creates a user of the admin's company with `role` and logs them in.
    pub async fn add_user(&self, admin: &Session, email: &str, role: &str) -> Session {
        let a = self
            .post(
                "/api/v1/users",
                &admin.token,
                json!({"name": email, "email": email, "password": "user password 1", "role": role}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let login = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": "user password 1"})),
            )
            .await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text);
        self.session(&login.body, email).await
    }

    /// Creates a project; returns its id.
    pub async fn project(&self, s: &Session, name: &str) -> String {
        let a = self
            .post("/api/v1/projects", &s.token, json!({"name": name}))
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body["id"].as_str().unwrap().to_string()
    }

    /// Sets the company's plan (as the operator: plans are not the company's to change).
    pub async fn plan(&self, admin: &Session, plan: &str) {
        let a = self
            .call(
                Method::PUT,
                &format!("/api/v1/admin/companies/{}/license", admin.company_id),
                Some(OPERATOR_TOKEN),
                Some(json!({"plan": plan})),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }

    /// Polls a simulation until its status is final; returns its body.
    pub async fn wait_simulation(&self, token: &str, id: &str, limit: Duration) -> Value {
        let start = Instant::now();
        loop {
            let a = self.get(&format!("/api/v1/simulations/{id}"), token).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            let status = a.body["status"].as_str().unwrap_or("").to_string();
            if ["succeeded", "failed", "dead"].contains(&status.as_str()) {
                return a.body;
            }
            assert!(
                start.elapsed() < limit,
                "simulation {id} still {status} after {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.running.stop().await;
    }
}

/// The network of the README: a 20 kV feeder and a 630 kVA transformer to 0.4 kV.
pub fn small_network() -> Value {
    json!({
        "format": "ampflux-network", "version": 1, "name": "README example", "frequency_hz": 50,
        "buses": [{"id": "Q", "vn_kv": 20.0}, {"id": "F", "vn_kv": 0.4}],
        "external_grids": [{"id": "Grid", "bus": "Q", "s_sc_max_mva": 346.41, "rx_max": 0.1}],
        "transformers": [{"id": "T1", "hv_bus": "Q", "lv_bus": "F", "sn_mva": 0.63, "vn_hv_kv": 20.0,
                          "vn_lv_kv": 0.41, "vk_percent": 4.0, "vkr_percent": 1.0317, "vector_group": "Dyn5"}]
    })
}

/// [`small_network`] with a different transformer impedance.
pub fn small_network_changed() -> Value {
    let mut n = small_network();
    n["transformers"][0]["vk_percent"] = json!(6.0);
    n
}

/// A synthetic meshed grid of about `buses` buses (testkit), as a document.
pub fn grid(buses: usize, seed: u64) -> Value {
    ampflux_testkit::synthetic::meshed_grid(buses, seed).document_value()
}

/// The bytes of base64url text (JWT parts).
pub fn b64url_decode(text: &str) -> Vec<u8> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = T.iter().position(|t| *t == c).unwrap() as u32;
        bits = bits << 6 | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The setup steps many tests share: members, circuit versions and simulations of a project,
/// each checked for success so that a broken step fails where it happens.
impl TestApp {
    /// Adds `user` to `project` with `role` (`viewer`, `editor`, `owner`), as `admin`.
    pub async fn add_member(&self, admin: &Session, project: &str, user: &Session, role: &str) {
        let a = self
            .post(
                &format!("/api/v1/projects/{project}/members"),
                &admin.token,
                json!({"user_id": user.user_id, "role": role}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    }

    /// Saves `network` as a circuit version of `project`, as `s`; its version number.
    pub async fn save_circuit(&self, s: &Session, project: &str, network: Value) -> i64 {
        let a = self
            .post(
                &format!("/api/v1/projects/{project}/circuits"),
                &s.token,
                network,
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body["version"].as_i64().unwrap()
    }

    /// Requests a simulation of `project` (`body` as `POST .../simulations` takes it), as
    /// `s`; its id.
    pub async fn simulate(&self, s: &Session, project: &str, body: Value) -> String {
        let a = self
            .post(
                &format!("/api/v1/projects/{project}/simulations"),
                &s.token,
                body,
            )
            .await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        a.body["id"].as_str().unwrap().to_string()
    }

    /// [`TestApp::simulate`], then waits up to 60 s for it to succeed; its id.
    pub async fn simulated(&self, s: &Session, project: &str, body: Value) -> String {
        let id = self.simulate(s, project, body).await;
        let done = self
            .wait_simulation(&s.token, &id, Duration::from_secs(60))
            .await;
        assert_eq!(done["status"], "succeeded", "{done}");
        id
    }
}

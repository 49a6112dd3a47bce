//! Failure tests of ampflux-server, with the real binary in child processes:
//!
//! - the server SIGKILLed while clients save circuit versions and while simulation jobs run,
//!   then restarted on the same database: every acknowledged save is there (and versions stay
//!   dense), every queued job finishes, each study computed exactly once;
//! - the database unavailable at start (a clear error and a non-zero exit, no panic) and in
//!   flight (503 `unavailable` naming the database, then recovery without a restart);
//! - PostgreSQL and Redis restarted under a mixed load: only 503s while they are away, never a
//!   500, nothing acknowledged is lost, and the service recovers by itself.
//!
//! SQLite runs always. The PostgreSQL and Redis parts need `DATABASE_URL_TEST` and
//! `REDIS_URL_TEST` (as the other suites; `scripts/test.sh` sets them) and run on private
//! instances started here on free ports, so stopping them disturbs nothing else; without
//! those variables they print why they skip and pass.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::{AnyPool, Row};
use tokio::sync::Mutex;

const SECRET: &str = "failure-test-secret-key-of-32-bytes-or-more";
const OPERATOR: &str = "failure-test-operator-token-of-32-bytes";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ampflux_f_{tag}_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A server process; SIGKILLed when dropped, so a failing test leaves none behind.
struct Server {
    child: Option<Child>,
    base: String,
    port: u16,
    env: Vec<(String, String)>,
    log: PathBuf,
}

impl Server {
    /// Starts `ampflux-server serve` with `env` on a free port; waits until it answers.
    async fn start(env: &[(&str, &str)], log: &Path) -> Server {
        let port = free_port();
        let mut s = Server {
            child: None,
            base: format!("http://127.0.0.1:{port}"),
            port,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            log: log.to_path_buf(),
        };
        s.spawn();
        s.wait_healthy().await;
        s
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ampflux-server"));
        cmd.arg("serve")
            .arg("--bind")
            .arg(format!("127.0.0.1:{}", self.port))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env("AMPFLUX_LOG_FORMAT", "pretty")
            .env("AMPFLUX_SECRET_KEY", SECRET)
            .env("AMPFLUX_OPERATOR_TOKEN", OPERATOR)
            .env("AMPFLUX_WEB_DIR", "/nonexistent-web-dir")
            .env("AMPFLUX_QUEUE_POLL_MS", "100")
            .current_dir(std::env::temp_dir());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = self
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the server binary starts");
        self.child = Some(child);
    }

    async fn wait_healthy(&mut self) {
        let start = Instant::now();
        let http = reqwest::Client::new();
        loop {
            if let Ok(r) = http.get(format!("{}/health", self.base)).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!(
                    "the server exited with {status}: {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "the server did not answer within 120 s: {}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown of any kind.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the same server again (same port, same database).
    async fn restart(&mut self) {
        self.kill();
        self.spawn();
        self.wait_healthy().await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP client with bearer tokens and JSON.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
}

struct Answer {
    status: StatusCode,
    body: Value,
    text: String,
}

impl Client {
    fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
            base: base.to_string(),
        }
    }

    /// `Err` when no HTTP answer came (connection refused or reset: the server is down).
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Answer, reqwest::Error> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await?;
        let status = res.status();
        let text = res.text().await?;
        Ok(Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        })
    }

    async fn must(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let a = self
            .call(method.clone(), path, token, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert!(
            a.status.is_success(),
            "{method} {path}: {} {}",
            a.status,
            a.text
        );
        a
    }

    /// Registers a company on the enterprise plan and creates a project; returns the
    /// access token and the project id.
    async fn company(&self, email: &str) -> (String, String) {
        let reg = self
            .must(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(
                    &json!({"company_name": "Failure Co", "name": "Ops", "email": email,
                             "password": "failure test password"}),
                ),
            )
            .await;
        let token = reg.body["access_token"].as_str().unwrap().to_string();
        let me = self
            .must(Method::GET, "/api/v1/users/me", Some(&token), None)
            .await;
        let company = me.body["company_id"].as_str().unwrap();
        self.must(
            Method::PUT,
            &format!("/api/v1/admin/companies/{company}/license"),
            Some(OPERATOR),
            Some(&json!({"plan": "enterprise"})),
        )
        .await;
        let p = self
            .must(
                Method::POST,
                "/api/v1/projects",
                Some(&token),
                Some(&json!({"name": "Plant"})),
            )
            .await;
        (token, p.body["id"].as_str().unwrap().to_string())
    }
}

/// The README network with transformer impedance `vk` (distinct documents for distinct `vk`).
fn network(vk: f64) -> Value {
    json!({
        "format": "ampflux-network", "version": 1, "name": "failure test", "frequency_hz": 50,
        "buses": [{"id": "Q", "vn_kv": 20.0}, {"id": "F", "vn_kv": 0.4}],
        "external_grids": [{"id": "Grid", "bus": "Q", "s_sc_max_mva": 346.41, "rx_max": 0.1}],
        "transformers": [{"id": "T1", "hv_bus": "Q", "lv_bus": "F", "sn_mva": 0.63, "vn_hv_kv": 20.0,
                          "vn_lv_kv": 0.41, "vk_percent": vk, "vkr_percent": 1.0317, "vector_group": "Dyn5"}]
    })
}

async fn pool(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::pool::PoolOptions::<sqlx::Any>::new()
        .max_connections(2)
        .connect(url)
        .await
        .expect("connect to the test database")
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("failure.db").display())
}

/// A private PostgreSQL cluster on a free port (initdb as the `postgres` user), stopped and
/// removed when dropped. `None` with a printed reason when PostgreSQL is not set up.
struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Postgres {
    fn start(test: &str) -> Option<Postgres> {
        if std::env::var("DATABASE_URL_TEST").map_or(true, |u| u.is_empty()) {
            eprintln!(
                "skipped {test} on PostgreSQL: DATABASE_URL_TEST is not set (scripts/test.sh sets it)"
            );
            return None;
        }
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| {
                let mut v: Vec<PathBuf> = d
                    .filter_map(|e| e.ok())
                    .map(|e| e.path().join("bin"))
                    .collect();
                v.sort();
                v.pop()
            })
            .filter(|b| b.join("initdb").exists());
        let Some(bin) = bin else {
            eprintln!("skipped {test} on PostgreSQL: no /usr/lib/postgresql/*/bin/initdb");
            return None;
        };
        let dir = temp_dir("pg");
        let run_as_postgres = |args: &[&str]| {
            let out = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .args(args)
                .output()
                .expect("runuser runs");
            assert!(
                out.status.success(),
                "{args:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let status = Command::new("chown")
            .args(["postgres:postgres", dir.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
        let data = dir.join("data");
        run_as_postgres(&[
            bin.join("initdb").to_str().unwrap(),
            "-D",
            data.to_str().unwrap(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ]);
        let pg = Postgres {
            bin,
            dir,
            port: free_port(),
        };
        pg.ctl("start");
        Some(pg)
    }

    fn ctl(&self, action: &str) {
        let data = self.dir.join("data");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            self.port,
            self.dir.display()
        );
        let mut args = vec![
            self.bin.join("pg_ctl").to_str().unwrap().to_string(),
            "-D".into(),
            data.to_str().unwrap().into(),
            "-w".into(),
            "-t".into(),
            "60".into(),
            "-l".into(),
            self.dir.join("pg.log").to_str().unwrap().into(),
        ];
        match action {
            "start" => args.extend(["-o".into(), opts, "start".into()]),
            "crash" => args.extend(["-m".into(), "immediate".into(), "stop".into()]),
            _ => args.extend(["-m".into(), "fast".into(), "stop".into()]),
        }
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl {action}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A private Redis on a free port (no persistence), stopped when dropped.
struct Redis {
    child: Option<Child>,
    port: u16,
}

impl Redis {
    fn start(test: &str) -> Option<Redis> {
        if std::env::var("REDIS_URL_TEST").map_or(true, |u| u.is_empty()) {
            eprintln!(
                "skipped {test} with Redis: REDIS_URL_TEST is not set (scripts/test.sh sets it)"
            );
            return None;
        }
        if Command::new("redis-server")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("skipped {test} with Redis: no redis-server");
            return None;
        }
        let mut r = Redis {
            child: None,
            port: free_port(),
        };
        r.spawn();
        Some(r)
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "redis does not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---------------------------------------------------------------------------------------
// SIGKILL during saves

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_saves_sqlite() {
    let dir = temp_dir("saves");
    saves_survive_sigkill(&sqlite_url(&dir), &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_saves_postgres() {
    let Some(pg) = Postgres::start("sigkill during saves") else {
        return;
    };
    let dir = temp_dir("saves_pg");
    saves_survive_sigkill(&pg.url(), &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Four clients save distinct documents as fast as they can; the server is SIGKILLed three
/// times. Every save that got its 201 must be in the history with its number and digest.
async fn saves_survive_sigkill(database_url: &str, dir: &Path) {
    let mut server = Server::start(
        &[
            ("DATABASE_URL", database_url),
            ("AMPFLUX_RATE_LIMIT_USER", "0"),
            ("AMPFLUX_RATE_LIMIT_IP", "0"),
        ],
        &dir.join("server.log"),
    )
    .await;
    let client = Client::new(&server.base);
    let (token, project) = client.company("saves@failure.example").await;
    let acknowledged: Arc<Mutex<BTreeMap<i64, String>>> = Arc::default();
    let mut next_vk = 0u64;
    for round in 0..3 {
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for c in 0..4u64 {
            let (client, token, project) = (client.clone(), token.clone(), project.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            let first = next_vk + c * 10_000;
            tasks.push(tokio::spawn(async move {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let doc = network(4.0 + (first + i) as f64 * 1e-4);
                    i += 1;
                    let path = format!("/api/v1/projects/{project}/circuits");
                    match client
                        .call(Method::POST, &path, Some(&token), Some(&doc))
                        .await
                    {
                        Ok(a) if a.status == StatusCode::CREATED => {
                            let v = a.body["version"].as_i64().unwrap();
                            let d = a.body["digest"].as_str().unwrap().to_string();
                            let before = acknowledged.lock().await.insert(v, d);
                            assert!(before.is_none(), "version {v} acknowledged twice");
                        }
                        Ok(a) => panic!("save answered {}: {}", a.status, a.text),
                        // the server died under the request: not acknowledged
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                }
            }));
        }
        next_vk += 4 * 10_000;
        // let saves run, then kill in the middle of them
        let start = Instant::now();
        while acknowledged.lock().await.len() < (round + 1) * 15 {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "saves do not progress"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.kill();
        tokio::time::sleep(Duration::from_millis(200)).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await.unwrap();
        }
        server.restart().await;
    }

    // every acknowledged version is there with its digest; numbers are dense
    let acknowledged = acknowledged.lock().await.clone();
    let list = client
        .must(
            Method::GET,
            &format!("/api/v1/projects/{project}/circuits?per_page=100"),
            Some(&token),
            None,
        )
        .await;
    let total = list.body["total"].as_i64().unwrap();
    let mut stored: BTreeMap<i64, String> = BTreeMap::new();
    let mut page = 1;
    while (stored.len() as i64) < total {
        let a = client
            .must(
                Method::GET,
                &format!("/api/v1/projects/{project}/circuits?per_page=100&page={page}"),
                Some(&token),
                None,
            )
            .await;
        for item in a.body["items"].as_array().unwrap() {
            stored.insert(
                item["version"].as_i64().unwrap(),
                item["digest"].as_str().unwrap().into(),
            );
        }
        page += 1;
    }
    assert!(
        acknowledged.len() >= 45,
        "{} saves acknowledged",
        acknowledged.len()
    );
    for (v, d) in &acknowledged {
        assert_eq!(
            stored.get(v),
            Some(d),
            "acknowledged version {v} lost or changed after SIGKILL"
        );
    }
    let numbers: Vec<i64> = stored.keys().copied().collect();
    assert_eq!(
        numbers,
        (1..=total).collect::<Vec<_>>(),
        "version numbers have gaps"
    );
    let distinct: BTreeSet<&String> = stored.values().collect();
    assert_eq!(
        distinct.len(),
        stored.len(),
        "a document stored twice in a row"
    );
    // the documents are readable
    let last = client
        .must(
            Method::GET,
            &format!("/api/v1/projects/{project}/circuits/latest"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        last.body["digest"].as_str(),
        stored.values().last().map(|s| s.as_str())
    );
    eprintln!(
        "saves: {} acknowledged, {} stored (the rest were committed but their answer was cut by the kill)",
        acknowledged.len(),
        stored.len()
    );
}

// ---------------------------------------------------------------------------------------
// SIGKILL during simulation jobs

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_jobs_sqlite() {
    let dir = temp_dir("jobs");
    jobs_survive_sigkill(&sqlite_url(&dir), None, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_jobs_postgres() {
    let Some(pg) = Postgres::start("sigkill during jobs") else {
        return;
    };
    let dir = temp_dir("jobs_pg");
    jobs_survive_sigkill(&pg.url(), None, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_jobs_redis_queue() {
    let Some(redis) = Redis::start("sigkill during jobs") else {
        return;
    };
    let dir = temp_dir("jobs_redis");
    jobs_survive_sigkill(&sqlite_url(&dir), Some(&redis.url()), &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Six distinct studies of a 20000-bus grid (about a second each) are queued; the server (with its in-process
/// worker) is SIGKILLed twice while they run. After restarts every simulation succeeds and
/// every study was computed exactly once.
async fn jobs_survive_sigkill(database_url: &str, redis: Option<&str>, dir: &Path) {
    let mut env = vec![
        ("DATABASE_URL", database_url),
        ("AMPFLUX_JOB_LEASE_MS", "2000"),
        ("AMPFLUX_JOB_BACKOFF_MS", "200"),
        ("AMPFLUX_JOB_MAX_ATTEMPTS", "5"),
    ];
    if let Some(url) = redis {
        env.push(("REDIS_URL", url));
    }
    let prefix = format!("ampflux-failure-{}", uuid::Uuid::new_v4().simple());
    env.push(("AMPFLUX_REDIS_PREFIX", &prefix));
    let mut server = Server::start(&env, &dir.join("server.log")).await;
    let client = Client::new(&server.base);
    let (token, project) = client.company("jobs@failure.example").await;
    let grid = ampflux_testkit::synthetic::meshed_grid(20_000, 7).document_value();
    client
        .must(
            Method::POST,
            &format!("/api/v1/projects/{project}/circuits"),
            Some(&token),
            Some(&grid),
        )
        .await;
    let mut sims = Vec::new();
    for (i, case) in ["max", "min"].iter().enumerate() {
        for tk in [0.1, 0.5, 1.0] {
            let a = client
                .must(
                    Method::POST,
                    &format!("/api/v1/projects/{project}/simulations"),
                    Some(&token),
                    Some(&json!({"version": 1, "study": {"case": case, "tk_s": tk + i as f64 * 0.01}})),
                )
                .await;
            assert_eq!(a.status, StatusCode::ACCEPTED);
            assert_eq!(a.body["cached"], false);
            sims.push(a.body["id"].as_str().unwrap().to_string());
        }
    }
    let db = pool(database_url).await;
    let count = |status: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM studies WHERE status = $1")
                .bind(status)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    for kill in 0..2 {
        // wait for a job in the middle of its computation (after the first kill: for one
        // more study done, so the second kill lands on another job), then kill
        let done_before = count("succeeded").await;
        let start = Instant::now();
        while kill > 0 && count("succeeded").await == done_before {
            assert!(
                start.elapsed() < Duration::from_secs(180),
                "no job finishes after a restart"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        while count("running").await == 0 {
            assert!(
                count("succeeded").await < sims.len() as i64,
                "every study finished before kill {kill}: raise the grid size"
            );
            assert!(start.elapsed() < Duration::from_secs(180), "no job starts");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        server.kill();
        server.restart().await;
    }
    let start = Instant::now();
    for id in &sims {
        loop {
            let a = client
                .must(
                    Method::GET,
                    &format!("/api/v1/simulations/{id}"),
                    Some(&token),
                    None,
                )
                .await;
            let status = a.body["status"].as_str().unwrap().to_string();
            if status == "succeeded" {
                assert!(!a.body["result"]["buses"].as_array().unwrap().is_empty());
                break;
            }
            assert!(
                !["failed", "dead"].contains(&status.as_str()),
                "{id}: {}",
                a.text
            );
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "{id} still {status} after 300 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let rows = sqlx::query("SELECT status, computations, attempts FROM studies")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), sims.len());
    let mut retried = 0;
    for r in &rows {
        assert_eq!(r.get::<String, _>("status"), "succeeded");
        assert_eq!(
            r.get::<i64, _>("computations"),
            1,
            "a study computed more than once"
        );
        if r.get::<i64, _>("attempts") > 1 {
            retried += 1;
        }
    }
    assert!(retried >= 1, "no job was interrupted by the kills");
    if redis.is_none() {
        let jobs = sqlx::query("SELECT status FROM jobs")
            .fetch_all(&db)
            .await
            .unwrap();
        assert_eq!(jobs.len(), sims.len(), "one job per study");
        assert!(
            jobs.iter()
                .all(|j| j.get::<String, _>("status") == "succeeded")
        );
    }
    eprintln!(
        "jobs: {} studies, {retried} resumed after a kill, each computed once",
        rows.len()
    );
    db.close().await;
}

// ---------------------------------------------------------------------------------------
// The database unavailable at start

fn start_fails(database_url: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ampflux-server"))
        .args(["serve", "--bind", &format!("127.0.0.1:{}", free_port())])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("AMPFLUX_SECRET_KEY", SECRET)
        .env("AMPFLUX_LOG_FORMAT", "pretty")
        .env("RUST_LOG", "error")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !out.status.success(),
        "started without its database: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_unavailable_at_start() {
    // SQLite: a directory that does not exist
    let err = start_fails("sqlite:///nonexistent-dir/ampflux/failure.db?mode=rwc");
    assert!(
        err.contains("ampflux-server: database sqlite:///nonexistent-dir"),
        "{err}"
    );

    // PostgreSQL: nothing listens on the port; the password is not printed
    let port = free_port();
    let err = start_fails(&format!(
        "postgres://ampflux:s3cret@127.0.0.1:{port}/ampflux"
    ));
    assert!(
        err.contains(&format!(
            "ampflux-server: database postgres://ampflux:***@127.0.0.1:{port}"
        )),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The database lost in flight

/// Polls `path` until it answers 200; returns how long that took.
async fn until_ok(client: &Client, path: &str, token: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        match client.call(Method::GET, path, Some(token), None).await {
            Ok(a) if a.status == StatusCode::OK => return start.elapsed(),
            Ok(a) => assert!(
                a.status == StatusCode::SERVICE_UNAVAILABLE,
                "while recovering: {} {}",
                a.status,
                a.text
            ),
            Err(e) => panic!("the server stopped answering: {e}"),
        }
        assert!(
            start.elapsed() < limit,
            "{path} did not recover within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn assert_unavailable(a: &Answer, what: &str) {
    assert_eq!(
        a.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {}",
        a.text
    );
    assert_eq!(a.body["code"], "unavailable", "{what}: {}", a.text);
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .contains("database is unavailable"),
        "{what}: {}",
        a.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_lost_in_flight_postgres() {
    let Some(pg) = Postgres::start("database lost in flight") else {
        return;
    };
    let dir = temp_dir("lost_pg");
    let url = pg.url();
    let server = Server::start(
        &[("DATABASE_URL", &url), ("AMPFLUX_SECRET_KEY", SECRET)],
        &dir.join("server.log"),
    )
    .await;
    let client = Client::new(&server.base);
    let (token, project) = client.company("lost@failure.example").await;
    let circuits = format!("/api/v1/projects/{project}/circuits");
    client
        .must(Method::POST, &circuits, Some(&token), Some(&network(4.0)))
        .await;

    // crash the database (no shutdown checkpoint), as a lost machine would
    pg.ctl("crash");
    for (method, path, body) in [
        (Method::GET, "/api/v1/projects".to_string(), None),
        (Method::GET, format!("/api/v1/projects/{project}"), None),
        (Method::POST, circuits.clone(), Some(network(5.0))),
        (
            Method::POST,
            "/api/v1/auth/login".to_string(),
            Some(json!({"email": "lost@failure.example", "password": "failure test password"})),
        ),
    ] {
        let t = Instant::now();
        let a = client
            .call(method.clone(), &path, Some(&token), body.as_ref())
            .await
            .unwrap();
        assert_unavailable(&a, &format!("{method} {path}"));
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{path} took {:?}",
            t.elapsed()
        );
    }
    let health = client
        .call(Method::GET, "/health/detailed", None, None)
        .await
        .unwrap();
    assert_eq!(
        health.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        health.text
    );
    assert_eq!(health.body["database"]["status"], "error");
    assert_eq!(
        client
            .call(Method::GET, "/health", None, None)
            .await
            .unwrap()
            .status,
        StatusCode::OK,
        "liveness does not depend on the database"
    );

    // the database comes back: the same server process recovers by itself
    pg.ctl("start");
    let took = until_ok(
        &client,
        &format!("/api/v1/projects/{project}"),
        &token,
        Duration::from_secs(60),
    )
    .await;
    eprintln!("recovered {took:?} after PostgreSQL restarted");
    let saved = client
        .must(Method::POST, &circuits, Some(&token), Some(&network(6.0)))
        .await;
    assert_eq!(saved.body["version"], 2, "{}", saved.text);
    let health = client
        .call(Method::GET, "/health/detailed", None, None)
        .await
        .unwrap();
    assert_eq!(health.status, StatusCode::OK, "{}", health.text);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_lost_in_flight_sqlite() {
    // SQLite has no server to lose; what makes its file unavailable to the server is another
    // process holding the database's write lock (a backup, a migration, a stuck tool)
    let dir = temp_dir("lost_sqlite");
    let url = sqlite_url(&dir);
    let server = Server::start(&[("DATABASE_URL", &url)], &dir.join("server.log")).await;
    let client = Client::new(&server.base);
    let (token, project) = client.company("locked@failure.example").await;
    let circuits = format!("/api/v1/projects/{project}/circuits");

    sqlx::any::install_default_drivers();
    let mut holder = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut holder)
        .await
        .unwrap();
    let t = Instant::now();
    let a = client
        .call(Method::POST, &circuits, Some(&token), Some(&network(4.0)))
        .await
        .unwrap();
    assert_unavailable(&a, "save while another process holds the lock");
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "took {:?}",
        t.elapsed()
    );
    sqlx::query("COMMIT").execute(&mut holder).await.unwrap();
    drop(holder);

    let saved = client
        .must(Method::POST, &circuits, Some(&token), Some(&network(4.0)))
        .await;
    assert_eq!(saved.body["version"], 1);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// PostgreSQL and Redis restarted under load

#[derive(Default)]
struct Tally {
    ok: u64,
    unavailable: u64,
    other: Vec<String>,
    acknowledged_saves: BTreeMap<i64, String>,
    acknowledged_sims: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_and_redis_restarted_under_load() {
    let Some(pg) = Postgres::start("restarts under load") else {
        return;
    };
    let Some(mut redis) = Redis::start("restarts under load") else {
        return;
    };
    let dir = temp_dir("restarts");
    let (pg_url, redis_url) = (pg.url(), redis.url());
    let server = Server::start(
        &[
            ("DATABASE_URL", &pg_url),
            ("REDIS_URL", &redis_url),
            ("AMPFLUX_RATE_LIMIT_USER", "0"),
            ("AMPFLUX_RATE_LIMIT_IP", "0"),
            ("AMPFLUX_RATE_LIMIT_LOGIN_EMAIL", "0"),
            ("AMPFLUX_RATE_LIMIT_LOGIN_IP", "0"),
            ("AMPFLUX_JOB_LEASE_MS", "2000"),
            ("AMPFLUX_JOB_BACKOFF_MS", "200"),
        ],
        &dir.join("server.log"),
    )
    .await;
    let client = Client::new(&server.base);
    let (token, project) = client.company("load@failure.example").await;
    let circuits = format!("/api/v1/projects/{project}/circuits");
    let sims = format!("/api/v1/projects/{project}/simulations");
    client
        .must(Method::POST, &circuits, Some(&token), Some(&network(4.0)))
        .await;

    let tally: Arc<Mutex<Tally>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for c in 0..4u64 {
        let (client, token, tally, stop) =
            (client.clone(), token.clone(), tally.clone(), stop.clone());
        let (circuits, sims, project) = (circuits.clone(), sims.clone(), project.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let (method, path, body) = match i % 4 {
                    0 => (Method::POST, circuits.clone(), Some(network(7.0 + (c * 100_000 + i) as f64 * 1e-5))),
                    1 => (
                        Method::POST,
                        sims.clone(),
                        Some(json!({"version": "latest", "study": {"tk_s": if i % 8 == 1 { 0.1 } else { 0.2 }}})),
                    ),
                    2 => (Method::GET, format!("/api/v1/projects/{project}"), None),
                    _ => (
                        Method::POST,
                        "/api/v1/auth/login".to_string(),
                        Some(json!({"email": "load@failure.example", "password": "failure test password"})),
                    ),
                };
                let a = match client.call(method.clone(), &path, Some(&token), body.as_ref()).await {
                    Ok(a) => a,
                    Err(e) => {
                        tally.lock().await.other.push(format!("{method} {path}: no answer: {e}"));
                        continue;
                    }
                };
                let mut t = tally.lock().await;
                match a.status {
                    s if s.is_success() => {
                        t.ok += 1;
                        if path == circuits && s == StatusCode::CREATED {
                            t.acknowledged_saves.insert(
                                a.body["version"].as_i64().unwrap(),
                                a.body["digest"].as_str().unwrap().to_string(),
                            );
                        }
                        if path == sims {
                            t.acknowledged_sims.push(a.body["id"].as_str().unwrap().to_string());
                        }
                    }
                    StatusCode::SERVICE_UNAVAILABLE => t.unavailable += 1,
                    s => t.other.push(format!("{method} {path}: {s} {}", a.text)),
                }
                drop(t);
                if a.status == StatusCode::SERVICE_UNAVAILABLE {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }));
    }
    let phase = |label: &'static str| {
        let tally = tally.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let t = tally.lock().await;
            eprintln!(
                "{label}: {} ok, {} unavailable, {} other {:?}",
                t.ok,
                t.unavailable,
                t.other.len(),
                t.other.first()
            );
        }
    };
    phase("warm-up").await;
    pg.ctl("stop");
    pg.ctl("start");
    phase("PostgreSQL restarted").await;
    redis.stop();
    tokio::time::sleep(Duration::from_secs(1)).await;
    redis.spawn();
    phase("Redis restarted").await;
    // after both came back, a clean phase: every request must succeed
    let before = {
        let t = tally.lock().await;
        (t.ok, t.unavailable, t.other.len())
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let settle = Instant::now();
    let clean_from = loop {
        let t = tally.lock().await;
        let snapshot = (t.ok, t.unavailable, t.other.len());
        drop(t);
        tokio::time::sleep(Duration::from_secs(3)).await;
        let t = tally.lock().await;
        if t.unavailable == snapshot.1 && t.other.len() == snapshot.2 && t.ok > snapshot.0 {
            break snapshot;
        }
        assert!(
            settle.elapsed() < Duration::from_secs(60),
            "the service does not recover"
        );
    };
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let t = tally.lock().await;
    eprintln!(
        "restarts under load: {} ok, {} unavailable (503), {} other; clean after {:?} (from {before:?} to {clean_from:?})",
        t.ok,
        t.unavailable,
        t.other.len(),
        settle.elapsed()
    );
    assert!(
        t.other.is_empty(),
        "answers other than success or 503: {:#?}",
        &t.other[..t.other.len().min(10)]
    );
    assert!(t.unavailable > 0 || t.ok > 0);

    // nothing acknowledged was lost, and every acknowledged simulation finishes
    for (v, d) in &t.acknowledged_saves {
        let a = client
            .must(Method::GET, &format!("{circuits}/{v}"), Some(&token), None)
            .await;
        assert_eq!(a.body["digest"].as_str(), Some(d.as_str()), "version {v}");
    }
    let start = Instant::now();
    for id in &t.acknowledged_sims {
        loop {
            let a = client
                .must(
                    Method::GET,
                    &format!("/api/v1/simulations/{id}"),
                    Some(&token),
                    None,
                )
                .await;
            let status = a.body["status"].as_str().unwrap().to_string();
            if status == "succeeded" {
                break;
            }
            assert!(
                !["failed", "dead"].contains(&status.as_str()),
                "{id}: {}",
                a.text
            );
            assert!(
                start.elapsed() < Duration::from_secs(180),
                "{id} still {status}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let db = pool(&pg_url).await;
    let twice: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM studies WHERE computations > 1")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(twice, 0, "a study computed twice");
    db.close().await;
    eprintln!(
        "{} saves and {} simulations acknowledged; all stored and finished",
        t.acknowledged_saves.len(),
        t.acknowledged_sims.len()
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The peak resident memory of process `pid` in MiB (`VmHWM`).
fn peak_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Defect 1 of issue 17: many concurrent registrations hashed their passwords at once
/// (argon2id, 19 MiB each), so anyone could raise the server's memory by gigabytes; and a
/// registration that would be refused hashed first. Now refusals come before hashing and
/// at most `AMPFLUX_PASSWORD_HASH_CONCURRENCY` hashes run at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d1_registrations_hash_within_a_memory_bound() {
    let dir = temp_dir("hash");
    let url = sqlite_url(&dir);
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("AMPFLUX_PASSWORD_HASH_CONCURRENCY", "2"),
        ("AMPFLUX_RATE_LIMIT_IP", "0"),
        ("AMPFLUX_RATE_LIMIT_REGISTER_IP", "0"),
        ("AMPFLUX_IN_PROCESS_WORKER", "false"),
    ];
    let server = Server::start(&env, &dir.join("server.log")).await;
    let pid = server.child.as_ref().unwrap().id();
    let client = Client::new(&server.base);
    let reg = client
        .must(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(
                &json!({"company_name": "Volt AG", "name": "Ada", "email": "ada@volt.example",
                         "password": "correct horse battery"}),
            ),
        )
        .await;
    let admin = reg.body["access_token"].as_str().unwrap().to_string();
    let baseline = peak_mib(pid);
    // an invitation whose email got an account in the company meanwhile: every registration
    // with it is refused, and must be refused before hashing
    let invite = client
        .must(
            Method::POST,
            "/api/v1/invitations",
            Some(&admin),
            Some(&json!({"email": "bob@volt.example"})),
        )
        .await;
    let token = invite.body["token"].as_str().unwrap().to_string();
    client
        .must(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(&json!({"name": "Bob", "email": "bob@volt.example", "password": "bob's good password"})),
        )
        .await;
    let burst = |i: usize| {
        let client = client.clone();
        let token = token.clone();
        async move {
            let body = if i.is_multiple_of(2) {
                json!({"invitation": token, "name": "Bob", "email": "bob@volt.example",
                       "password": format!("long enough password {i}")})
            } else {
                json!({"company_name": format!("Co {i}"), "name": "X",
                       "email": format!("x{i}@co.example"), "password": format!("long enough password {i}")})
            };
            client
                .call(Method::POST, "/api/v1/auth/register", None, Some(&body))
                .await
                .map(|a| a.status)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }
    };
    let statuses = futures_util::future::join_all((0..64).map(burst)).await;
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!((refused, created), (32, 32), "{statuses:?}");
    let grown = peak_mib(pid).saturating_sub(baseline);
    eprintln!("peak memory grew by {grown} MiB over {baseline} MiB");
    // 64 hashes at once would take about 64 x 19 MiB; two at a time take about 40 MiB
    assert!(grown < 250, "peak memory grew by {grown} MiB");
    drop(server);
}

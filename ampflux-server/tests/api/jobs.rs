//! Job recovery: a worker process killed in the middle of a job; another worker finishes
//! it; nothing is lost and nothing is computed twice. Also the dead-letter path: the last
//! attempt's worker dies, the simulation reads `dead`, and asking again runs it anew.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

use crate::helpers::{Backend, Session, TestApp, grid, redis_url};
use crate::on_both;

on_both!(
    killed_worker_job_finished_by_another,
    last_attempt_dies_dead_letter_then_rerun
);

/// Buses of the grid: large enough that a study takes about a second in a test build
/// (6000 buses took 0.3 to 0.5 s), so the kill lands in the middle of the computation.
const BUSES: usize = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_worker_job_finished_by_another_on_redis() {
    if redis_url("job recovery on Redis").is_none() {
        return;
    }
    recovery(Backend::Sqlite, true).await;
}

async fn killed_worker_job_finished_by_another(backend: Backend) {
    recovery(backend, false).await;
}

struct Setup {
    app: TestApp,
    env: Vec<(String, String)>,
    admin: Session,
    sims: String,
}

async fn setup(backend: Backend, redis: bool, max_attempts: &str, test: &str) -> Option<Setup> {
    let mut env: Vec<(String, String)> = vec![
        ("AMPFLUX_JOB_LEASE_MS".into(), "1500".into()),
        ("AMPFLUX_JOB_MAX_ATTEMPTS".into(), max_attempts.into()),
        ("AMPFLUX_QUEUE_POLL_MS".into(), "100".into()),
        ("AMPFLUX_IN_PROCESS_WORKER".into(), "false".into()),
    ];
    if redis {
        env.push(("REDIS_URL".into(), redis_url(test)?));
        env.push((
            "AMPFLUX_REDIS_PREFIX".into(),
            format!("ampflux-test-{}", uuid::Uuid::new_v4().simple()),
        ));
    }
    let extra: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = TestApp::spawn_with(backend, test, &extra).await?;
    env.push(("DATABASE_URL".into(), app.database_url.clone()));
    let admin = app.register("Grid Co", "ops@grid.example").await;
    app.plan(&admin, "enterprise").await;
    let project = app.project(&admin, "Transmission").await;
    let saved = app
        .post(
            &format!("/api/v1/projects/{project}/circuits"),
            &admin.token,
            grid(BUSES, 11),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let sims = format!("/api/v1/projects/{project}/simulations");
    Some(Setup {
        app,
        env,
        admin,
        sims,
    })
}

/// A worker process, killed (SIGKILL) when dropped, so a failing test leaves none behind.
struct WorkerProcess(Child);

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_worker(env: &[(String, String)]) -> WorkerProcess {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ampflux-server"));
    cmd.arg("worker")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("AMPFLUX_LOG_FORMAT", "pretty")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    WorkerProcess(cmd.spawn().expect("the worker binary starts"))
}

/// Waits until a worker has started the study of the simulation; returns the worker's id.
async fn wait_running(s: &Setup, sim: &str) -> String {
    let start = Instant::now();
    loop {
        let row = sqlx::query(
            "SELECT st.status, st.worker_id FROM simulations x JOIN studies st ON st.id = x.study_id WHERE x.id = $1",
        )
        .bind(sim)
        .fetch_one(s.app.pool())
        .await
        .unwrap();
        let status: String = row.get("status");
        assert_ne!(
            status, "succeeded",
            "the study finished before the worker could be killed; raise BUSES"
        );
        if status == "running" {
            return row.get::<Option<String>, _>("worker_id").unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the worker never started the job"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn kill(worker: WorkerProcess) {
    drop(worker);
}

async fn study_row(s: &Setup, sim: &str) -> (String, i64, i64, Option<String>) {
    let row = sqlx::query(
        "SELECT st.status, st.attempts, st.computations, st.worker_id FROM simulations x JOIN studies st ON st.id = x.study_id WHERE x.id = $1",
    )
    .bind(sim)
    .fetch_one(s.app.pool())
    .await
    .unwrap();
    (
        row.get("status"),
        row.get("attempts"),
        row.get("computations"),
        row.get("worker_id"),
    )
}

async fn recovery(backend: Backend, redis: bool) {
    let Some(s) = setup(backend, redis, "3", "job recovery").await else {
        return;
    };
    let sim = s
        .app
        .post(
            &s.sims,
            &s.admin.token,
            json!({"version": 1, "study": {"fault": "3ph"}}),
        )
        .await;
    assert_eq!(sim.status, StatusCode::ACCEPTED, "{}", sim.text);
    let id = sim.body["id"].as_str().unwrap().to_string();

    let first = spawn_worker(&s.env);
    let first_id = wait_running(&s, &id).await;
    kill(first);
    let (status, attempts, computations, _) = study_row(&s, &id).await;
    assert_eq!(
        (status.as_str(), attempts, computations),
        ("running", 1, 0),
        "killed mid-job"
    );

    let second = spawn_worker(&s.env);
    let done = s
        .app
        .wait_simulation(&s.admin.token, &id, Duration::from_secs(300))
        .await;
    kill(second);
    assert_eq!(done["status"], "succeeded", "{}", done["error"]);
    assert_eq!(
        done["result"]["buses"].as_array().unwrap().len(),
        done["result"]["buses"].as_array().unwrap().len()
    );
    assert!(!done["result"]["buses"].as_array().unwrap().is_empty());
    let (_, attempts, computations, worker) = study_row(&s, &id).await;
    assert_eq!(attempts, 2, "one attempt per worker");
    assert_eq!(computations, 1, "computed once");
    assert_ne!(
        worker.as_deref(),
        Some(first_id.as_str()),
        "finished by the second worker"
    );
    if !redis {
        let row = sqlx::query("SELECT status, attempts FROM jobs")
            .fetch_all(s.app.pool())
            .await
            .unwrap();
        assert_eq!(row.len(), 1, "one job");
        assert_eq!(row[0].get::<String, _>("status"), "succeeded");
        assert_eq!(row[0].get::<i64, _>("attempts"), 2);
    }

    // asked again: served from the stored result
    let again = s
        .app
        .post(&s.sims, &s.admin.token, json!({"version": 1, "study": {}}))
        .await;
    assert_eq!(again.body["cached"], true);
    assert_eq!(again.body["status"], "succeeded");
    let (_, _, computations, _) = study_row(&s, again.body["id"].as_str().unwrap()).await;
    assert_eq!(computations, 1);
    s.app.stop().await;
}

async fn last_attempt_dies_dead_letter_then_rerun(backend: Backend) {
    let Some(s) = setup(backend, false, "1", "dead letter").await else {
        return;
    };
    let sim = s
        .app
        .post(&s.sims, &s.admin.token, json!({"version": 1}))
        .await;
    let id = sim.body["id"].as_str().unwrap().to_string();
    let first = spawn_worker(&s.env);
    wait_running(&s, &id).await;
    kill(first);

    // the next worker finds the expired lease of a job without attempts left: dead letter
    let second = spawn_worker(&s.env);
    let dead = s
        .app
        .wait_simulation(&s.admin.token, &id, Duration::from_secs(60))
        .await;
    assert_eq!(dead["status"], "dead", "{dead}");
    assert_eq!(dead["error"]["code"], "dead_letter");
    let health = s
        .app
        .call(reqwest::Method::GET, "/health/detailed", None, None)
        .await;
    assert_eq!(health.body["queue"]["depth"]["dead"], 1);
    assert!(health.body["workers"]["alive"].as_i64().unwrap() >= 1);

    // asking again puts the study back in the queue, and it is computed
    let again = s
        .app
        .post(&s.sims, &s.admin.token, json!({"version": 1}))
        .await;
    assert_eq!(again.body["status"], "queued");
    assert_eq!(again.body["cached"], false);
    let done = s
        .app
        .wait_simulation(
            &s.admin.token,
            again.body["id"].as_str().unwrap(),
            Duration::from_secs(300),
        )
        .await;
    kill(second);
    assert_eq!(done["status"], "succeeded", "{}", done["error"]);
    let (_, _, computations, _) = study_row(&s, &id).await;
    assert_eq!(computations, 1);
    // the first simulation points at the same study, so it reads succeeded now
    assert_eq!(
        s.app
            .get(&format!("/api/v1/simulations/{id}"), &s.admin.token)
            .await
            .body["status"],
        "succeeded"
    );
    s.app.stop().await;
}

//! The job queues on their own: priorities, retries with backoff, dead letters, and several
//! workers sharing one queue without ever taking the same job twice. The database queue
//! runs on SQLite and PostgreSQL; the Redis queue needs `REDIS_URL_TEST`.

use std::collections::HashSet;
use std::time::Duration;

use ampflux_server::config::JobsConfig;
use ampflux_server::db::Db;
use ampflux_server::jobs::{DbQueue, Fate, NewJob, Queue, RedisQueue};

use crate::helpers::{Backend, fresh_database, redis_url, test_config};
use crate::on_both;

fn jobs_config(database_url: &str) -> JobsConfig {
    let mut c = test_config(database_url, &[]).jobs;
    c.backoff_base = Duration::from_millis(300);
    c.backoff_max = Duration::from_secs(5);
    c.max_attempts = 2;
    c.lease = Duration::from_millis(500);
    c
}

async fn db_queue(backend: Backend, test: &str) -> Option<Queue> {
    let url = fresh_database(backend, test).await?;
    let db = Db::connect(&url, 8).await.unwrap();
    db.migrate().await.unwrap();
    Some(Queue::Database(DbQueue::new(db, jobs_config(&url))))
}

async fn redis_queue(test: &str) -> Option<Queue> {
    let url = redis_url(test)?;
    let conn = redis::aio::ConnectionManager::new(redis::Client::open(url).unwrap())
        .await
        .unwrap();
    let prefix = format!("ampflux-test-{}", uuid::Uuid::new_v4().simple());
    Some(Queue::Redis(RedisQueue::new(
        conn,
        &prefix,
        jobs_config("sqlite::memory:"),
    )))
}

fn job(priority: i64) -> NewJob {
    NewJob {
        id: uuid::Uuid::new_v4().to_string(),
        company_id: "c".into(),
        study_id: uuid::Uuid::new_v4().to_string(),
        priority,
    }
}

async fn enqueue(q: &Queue, job: &NewJob) {
    assert!(q.enqueue_if_absent(job).await.unwrap());
    assert!(
        !q.enqueue_if_absent(job).await.unwrap(),
        "a job is enqueued once"
    );
}

on_both!(
    database_retries_backoff_dead_letter,
    database_workers_share_the_queue,
    database_expired_lease_goes_back
);

async fn database_retries_backoff_dead_letter(backend: Backend) {
    let Some(q) = db_queue(backend, "queue retries").await else {
        return;
    };
    retries_backoff_dead_letter(q).await;
}

async fn database_workers_share_the_queue(backend: Backend) {
    let Some(q) = db_queue(backend, "queue sharing").await else {
        return;
    };
    workers_share_the_queue(q).await;
}

async fn database_expired_lease_goes_back(backend: Backend) {
    let Some(q) = db_queue(backend, "queue lease").await else {
        return;
    };
    expired_lease_goes_back(q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_retries_backoff_dead_letter() {
    let Some(q) = redis_queue("redis queue retries").await else {
        return;
    };
    retries_backoff_dead_letter(q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_workers_share_the_queue() {
    let Some(q) = redis_queue("redis queue sharing").await else {
        return;
    };
    workers_share_the_queue(q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_expired_lease_goes_back() {
    let Some(q) = redis_queue("redis queue lease").await else {
        return;
    };
    expired_lease_goes_back(q).await;
}

async fn retries_backoff_dead_letter(q: Queue) {
    let low = job(0);
    let high = job(10);
    enqueue(&q, &low).await;
    enqueue(&q, &high).await;
    // priority first
    let first = q.claim("w1").await.unwrap().job.unwrap();
    assert_eq!(first.id, high.id);
    assert_eq!(first.attempt, 1);
    let second = q.claim("w1").await.unwrap().job.unwrap();
    assert_eq!(second.id, low.id);
    q.complete(&second).await.unwrap();

    // a failed attempt waits for its backoff, then runs again
    let Fate::Retry(at) = q.fail(&first, "transient").await.unwrap() else {
        panic!("expected a retry")
    };
    assert!(at > ampflux_server::clock::now_ms() + 200);
    assert!(
        q.claim("w1").await.unwrap().job.is_none(),
        "not before its backoff"
    );
    assert_eq!(q.depth().await.unwrap().delayed, 1);
    tokio::time::sleep(Duration::from_millis(450)).await;
    let retry = q.claim("w2").await.unwrap().job.unwrap();
    assert_eq!((retry.id.as_str(), retry.attempt), (high.id.as_str(), 2));
    // the old lease token is void
    assert_eq!(q.fail(&first, "late").await.unwrap(), Fate::LeaseLost);
    assert!(!q.heartbeat(&first).await.unwrap());
    // the last attempt fails: dead letter
    assert_eq!(q.fail(&retry, "transient again").await.unwrap(), Fate::Dead);
    let depth = q.depth().await.unwrap();
    assert_eq!(
        (depth.queued, depth.running, depth.delayed, depth.dead),
        (0, 0, 0, 1)
    );
    assert!(q.claim("w1").await.unwrap().job.is_none());
}

async fn workers_share_the_queue(q: Queue) {
    let jobs: Vec<NewJob> = (0..40).map(|i| job(i % 3)).collect();
    for j in &jobs {
        enqueue(&q, j).await;
    }
    let mut tasks = Vec::new();
    for w in 0..4 {
        let q = q.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = q.claim(&format!("worker-{w}")).await.unwrap().job {
                mine.push(job.id.clone());
                q.complete(&job).await.unwrap();
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(all.len(), 40, "every job ran");
    assert_eq!(unique.len(), 40, "no job ran twice");
    let depth = q.depth().await.unwrap();
    assert_eq!((depth.queued, depth.running), (0, 0));
}

async fn expired_lease_goes_back(q: Queue) {
    let j = job(0);
    enqueue(&q, &j).await;
    let held = q.claim("dies").await.unwrap().job.unwrap();
    assert!(q.heartbeat(&held).await.unwrap());
    assert!(q.claim("other").await.unwrap().job.is_none(), "leased");
    tokio::time::sleep(Duration::from_millis(700)).await;
    // the lease expired without heartbeats: another worker takes the job
    let taken = q.claim("other").await.unwrap().job.unwrap();
    assert_eq!((taken.id.as_str(), taken.attempt), (j.id.as_str(), 2));
    assert!(
        !q.heartbeat(&held).await.unwrap(),
        "the dead worker's lease is void"
    );
    // and when that worker dies on the last attempt the job is buried
    tokio::time::sleep(Duration::from_millis(700)).await;
    let outcome = q.claim("third").await.unwrap();
    assert!(outcome.job.is_none());
    assert_eq!(outcome.buried.len(), 1);
    assert_eq!(outcome.buried[0].study_id, j.study_id);
    assert_eq!(q.depth().await.unwrap().dead, 1);
}

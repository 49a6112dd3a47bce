//! The worker: claims jobs, computes their studies with the core on the blocking pool,
//! renews its lease and reports progress while it computes, and stores the result under
//! its lease token. Runs inside `serve` by default, or alone as `ampflux-server worker`
//! on any number of machines.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ampflux_core::{Network, StudyOptions, short_circuit_with_progress};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;

use super::events::Events;
use super::{Claimed, Fate, Queue};
use crate::clock::now_ms;
use crate::config::JobsConfig;
use crate::db::{self, Db};
use crate::domain::StudyStatus;
use crate::error::ApiError;

/// What a worker needs.
#[derive(Clone)]
pub struct Worker {
    /// Database with the studies and circuits.
    pub db: Db,
    /// The queue.
    pub queue: Queue,
    /// Settings.
    pub config: JobsConfig,
    /// Change notices for local progress streams.
    pub events: Events,
    /// Wakes idle loops when a job was enqueued in this process.
    pub wake: Arc<Notify>,
    /// Unique id of this worker process.
    pub id: String,
    /// Jobs finished by this process.
    pub done: Arc<AtomicI64>,
}

/// How the computation of one job ended.
enum Outcome {
    /// The report as JSON, and the computing time in ms.
    Report(String, i64),
    /// The core refused the study: the same input always fails, so no retry.
    Refused(ApiError),
}

impl Worker {
    /// A worker with a fresh id.
    pub fn new(
        db: Db,
        queue: Queue,
        config: JobsConfig,
        events: Events,
        wake: Arc<Notify>,
    ) -> Worker {
        Worker {
            db,
            queue,
            config,
            events,
            wake,
            id: format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple()),
            done: Arc::new(AtomicI64::new(0)),
        }
    }

    /// Starts the worker's loops; they stop when `shutdown` turns true.
    pub fn spawn(self, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move {
            tracing::info!(worker = %self.id, queue = self.queue.name(), concurrency = self.config.concurrency, "worker started");
            let mut tasks = Vec::new();
            tasks.push(tokio::spawn(self.clone().registry_loop(shutdown.clone())));
            tasks.push(tokio::spawn(self.clone().sweep_loop(shutdown.clone())));
            for _ in 0..self.config.concurrency {
                tasks.push(tokio::spawn(self.clone().claim_loop(shutdown.clone())));
            }
            for t in tasks {
                let _ = t.await;
            }
            let _ = db::workers::remove(&self.db.pool, &self.id, 0).await;
            tracing::info!(worker = %self.id, "worker stopped");
        })
    }

    async fn claim_loop(self, mut shutdown: watch::Receiver<bool>) {
        while !*shutdown.borrow() {
            match self.queue.claim(&self.id).await {
                Ok(outcome) => {
                    for b in outcome.buried {
                        let error = error_json(
                            "dead_letter",
                            "every attempt of this simulation failed; its last worker stopped",
                        );
                        if let Err(e) = db::studies::bury(
                            &self.db.pool,
                            &b.company_id,
                            &b.study_id,
                            &error,
                            now_ms(),
                        )
                        .await
                        {
                            tracing::warn!(error = %e, job = %b.id, "could not mark a buried study dead");
                        }
                        metrics::counter!("ampflux_jobs_dead_total").increment(1);
                        self.events.bump();
                    }
                    if let Some(job) = outcome.job {
                        self.process(job).await;
                        continue;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "claim failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.config.poll_interval) => {}
                _ = self.wake.notified() => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Runs one job to its end.
    pub async fn process(&self, job: Claimed) {
        metrics::counter!("ampflux_jobs_claimed_total").increment(1);
        let span =
            tracing::info_span!("job", job = %job.id, study = %job.study_id, attempt = job.attempt);
        self.finish(job).instrument(span).await;
        self.done.fetch_add(1, Ordering::Relaxed);
        self.events.bump();
    }

    async fn finish(&self, job: Claimed) {
        match self.run(&job).await {
            Ok(()) => {}
            Err(e) => {
                // transient: database or Redis trouble, a panic in the core
                tracing::warn!(error = %e, "attempt failed");
                let fate = self.queue.fail(&job, &e.to_string()).await;
                let (status, code) = match fate {
                    Ok(Fate::Retry(_)) => (StudyStatus::Queued, "retrying"),
                    Ok(Fate::Dead) => (StudyStatus::Dead, "dead_letter"),
                    Ok(Fate::LeaseLost) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not record the failure; the lease will expire");
                        return;
                    }
                };
                if status == StudyStatus::Dead {
                    metrics::counter!("ampflux_jobs_dead_total").increment(1);
                }
                let error = error_json(
                    code,
                    "the simulation could not be computed (internal error)",
                );
                let _ = db::studies::end_attempt(
                    &self.db.pool,
                    &job.company_id,
                    &job.study_id,
                    &job.lease_token,
                    status,
                    &error,
                    now_ms(),
                )
                .await;
            }
        }
    }

    async fn run(&self, job: &Claimed) -> Result<(), ApiError> {
        let pool = &self.db.pool;
        let (company, study_id, token) = (&job.company_id, &job.study_id, &job.lease_token);
        let Some(study) = db::studies::get(pool, company, study_id).await? else {
            // the project was deleted with its study
            self.queue.complete(job).await?;
            return Ok(());
        };
        if study.status.is_final()
            || !db::studies::start(pool, company, study_id, token, &self.id, now_ms()).await?
        {
            // computed before (an earlier attempt stored it and then lost its job)
            self.queue.complete(job).await?;
            return Ok(());
        }
        self.events.bump();
        let Some(document) = db::circuits::blob(pool, company, &study.digest).await? else {
            let error = error_json(
                "circuit_missing",
                "the circuit version of this simulation was deleted",
            );
            db::studies::end_attempt(
                pool,
                company,
                study_id,
                token,
                StudyStatus::Failed,
                &error,
                now_ms(),
            )
            .await?;
            self.queue.complete(job).await?;
            return Ok(());
        };

        let progress = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let shared = progress.clone();
        let options = study.options_json.clone();
        let mut compute =
            tokio::task::spawn_blocking(move || compute(&document, &options, &shared));

        let beat = (self.config.lease / 3).clamp(Duration::from_millis(50), Duration::from_secs(1));
        let mut ticker = tokio::time::interval(beat);
        ticker.tick().await;
        let mut lease_held = true;
        let outcome = loop {
            tokio::select! {
                res = &mut compute => break res,
                _ = ticker.tick() => {
                    if lease_held && !self.queue.heartbeat(job).await? {
                        tracing::warn!("lease lost to another worker; this attempt's result will be discarded");
                        lease_held = false;
                    }
                    let (done, total) = (progress.0.load(Ordering::Relaxed), progress.1.load(Ordering::Relaxed));
                    if lease_held {
                        db::studies::progress(pool, company, study_id, token, done as i64, total as i64, now_ms()).await?;
                        self.events.bump();
                    }
                }
            }
        };
        let outcome = outcome.map_err(|e| ApiError::Internal(format!("study panicked: {e}")))?;
        match outcome {
            Outcome::Report(json, ms) => {
                if db::studies::succeed(pool, company, study_id, token, &json, ms, now_ms()).await?
                {
                    metrics::counter!("ampflux_studies_computed_total").increment(1);
                    metrics::histogram!("ampflux_study_seconds").record(ms as f64 / 1000.0);
                    tracing::info!(compute_ms = ms, "study computed");
                    self.queue.complete(job).await?;
                } else {
                    tracing::warn!("result discarded: the lease went to another worker");
                }
            }
            Outcome::Refused(err) => {
                let body = serde_json::to_string(&err.body()).map_err(ApiError::internal)?;
                if db::studies::end_attempt(
                    pool,
                    company,
                    study_id,
                    token,
                    StudyStatus::Failed,
                    &body,
                    now_ms(),
                )
                .await?
                {
                    self.queue.complete(job).await?;
                }
            }
        }
        Ok(())
    }

    async fn registry_loop(self, mut shutdown: watch::Receiver<bool>) {
        let host = hostname();
        let pid = i64::from(std::process::id());
        while !*shutdown.borrow() {
            let now = now_ms();
            let done = self.done.load(Ordering::Relaxed);
            let r = db::workers::heartbeat(
                &self.db.pool,
                &self.id,
                &host,
                pid,
                self.queue.name(),
                self.config.concurrency as i64,
                done,
                now,
            )
            .await;
            if let Err(e) = r {
                tracing::warn!(error = %e, "worker heartbeat failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(REGISTRY_INTERVAL) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Hands studies that waited too long back to the queue (a job lost between the commit
    /// of its study and Redis), and prunes finished jobs of the database queue.
    async fn sweep_loop(self, mut shutdown: watch::Receiver<bool>) {
        let every = (self.config.lease * 2).max(Duration::from_secs(1));
        while !*shutdown.borrow() {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = shutdown.changed() => continue,
            }
            if let Err(e) = self.sweep(every).await {
                tracing::warn!(error = %e, "sweep failed");
            }
        }
    }

    async fn sweep(&self, age: Duration) -> Result<(), ApiError> {
        let now = now_ms();
        let stale =
            db::studies::stale_queued(&self.db.pool, now - age.as_millis() as i64, 100).await?;
        for s in stale {
            let Some(job_id) = s.job_id.clone() else {
                continue;
            };
            let job = super::NewJob {
                id: job_id,
                company_id: s.company_id.clone(),
                study_id: s.id.clone(),
                priority: s.priority,
            };
            if self.queue.enqueue_if_absent(&job).await? {
                tracing::info!(study = %s.id, "re-enqueued a study whose job was lost");
            }
            db::studies::touch_queued(&self.db.pool, &s.company_id, &s.id, now).await?;
        }
        if let Queue::Database(q) = &self.queue {
            q.prune(now - 86_400_000).await?;
        }
        let _ = db::workers::remove(
            &self.db.pool,
            "",
            now - 10 * REGISTRY_INTERVAL.as_millis() as i64,
        )
        .await;
        Ok(())
    }
}

/// How often a worker refreshes its row in `workers`.
pub const REGISTRY_INTERVAL: Duration = Duration::from_secs(5);

fn compute(document: &str, options: &str, progress: &(AtomicUsize, AtomicUsize)) -> Outcome {
    let started = Instant::now();
    let options = serde_json::from_str(options)
        .map_err(|e| ampflux_core::Error::InvalidOption {
            option: ".".into(),
            message: e.to_string(),
        })
        .and_then(StudyOptions::from_value);
    let run = Network::from_json(document).and_then(|net| {
        let options = options?;
        short_circuit_with_progress(&net, &options, &|done, total| {
            progress.0.store(done, Ordering::Relaxed);
            progress.1.store(total, Ordering::Relaxed);
        })
    });
    match run {
        Ok(report) => match serde_json::to_string(&report) {
            Ok(json) => Outcome::Report(json, started.elapsed().as_millis() as i64),
            Err(e) => Outcome::Refused(ApiError::internal(e)),
        },
        Err(e) => Outcome::Refused(e.into()),
    }
}

/// `{code, message, issues: []}` as JSON text.
pub fn error_json(code: &str, message: &str) -> String {
    serde_json::json!({"code": code, "message": message, "issues": []}).to_string()
}

/// The machine's name, for worker ids.
pub fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

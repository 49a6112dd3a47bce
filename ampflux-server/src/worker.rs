//! The worker: an adapter between the job queue and the studies service. It claims jobs,
//! computes their studies with the core on the blocking pool, renews its lease and reports
//! progress while it computes, and stores the result under its lease token. Runs inside
//! `serve` by default, or alone as `ampflux-server worker` on any number of machines.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::clock::now_ms;
use crate::config::JobsConfig;
use crate::db::workers::WorkerRow;
use crate::db::{self, Db};
use crate::domain::StudyStatus;
use crate::error::{Error, ErrorBody};
use crate::ids::{CompanyId, StudyId};
use crate::jobs::events::Events;
use crate::jobs::{Claimed, Fate, NewJob, Queue};
use crate::services::notifications::Notifier;
use crate::services::studies::{self, Attempt, Studies};

/// What a worker needs.
#[derive(Clone)]
pub struct Worker {
    /// The studies it computes.
    pub studies: Studies,
    /// Database of the worker registry.
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
    /// Mails the requesters of the studies it ends (none when absent).
    pub notifier: Option<Notifier>,
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
            studies: Studies::new(db.clone()),
            db,
            queue,
            config,
            events,
            wake,
            id: format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple()),
            done: Arc::new(AtomicI64::new(0)),
            notifier: None,
        }
    }

    /// The worker, mailing the requesters of the studies it ends through `notifier`.
    pub fn with_notifier(mut self, notifier: Notifier) -> Worker {
        self.notifier = Some(notifier);
        self
    }

    /// Tells the requesters of a study this worker ended (in the background: the next job
    /// does not wait for the mail relay).
    fn notify(&self, company: &CompanyId, study: &StudyId) {
        if let Some(n) = self.notifier.clone() {
            let (company, study) = (company.clone(), study.clone());
            tokio::spawn(async move {
                if let Err(e) = n.study_finished(&company, &study).await {
                    tracing::warn!(error = %e, "simulation notification not sent");
                }
            });
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
                        let why = failure(
                            "dead_letter",
                            "every attempt of this simulation failed; its last worker stopped",
                        );
                        let company = CompanyId::from_trusted(b.company_id.clone());
                        let study = StudyId::from_trusted(b.study_id.clone());
                        match self.studies.bury(&company, &study, &why).await {
                            Ok(true) => self.notify(&company, &study),
                            Ok(false) => {}
                            Err(e) => {
                                tracing::warn!(error = %e, job = %b.id, "could not mark a buried study dead")
                            }
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
        let attempt = Attempt {
            company: CompanyId::from_trusted(job.company_id.clone()),
            study: StudyId::from_trusted(job.study_id.clone()),
            lease: job.lease_token.clone(),
        };
        match self.run(&job, &attempt).await {
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
                let why = failure(
                    code,
                    "the simulation could not be computed (internal error)",
                );
                if let Ok(true) = self.studies.end(&attempt, status, &why).await
                    && status == StudyStatus::Dead
                {
                    self.notify(&attempt.company, &attempt.study);
                }
            }
        }
    }

    async fn run(&self, job: &Claimed, attempt: &Attempt) -> Result<(), Error> {
        let Some(work) = self.studies.begin(attempt, &self.id).await? else {
            self.queue.complete(job).await?;
            return Ok(());
        };
        self.events.bump();
        let progress = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let shared = progress.clone();
        let mut compute = tokio::task::spawn_blocking(move || {
            studies::compute(&work, &|done, total| {
                // called from the core's threads: never backwards
                shared.0.fetch_max(done, Ordering::Relaxed);
                shared.1.fetch_max(total, Ordering::Relaxed);
            })
        });

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
                        self.studies.progress(attempt, done, total).await?;
                        self.events.bump();
                    }
                }
            }
        };
        let outcome = outcome.map_err(|e| Error::Internal(format!("study panicked: {e}")))?;
        match outcome {
            Ok((report, ms)) => {
                if self.studies.succeed(attempt, &report, ms).await? {
                    metrics::counter!("ampflux_studies_computed_total").increment(1);
                    metrics::histogram!("ampflux_study_seconds").record(ms as f64 / 1000.0);
                    tracing::info!(compute_ms = ms, "study computed");
                    self.queue.complete(job).await?;
                    self.notify(&attempt.company, &attempt.study);
                } else {
                    tracing::warn!("result discarded: the lease went to another worker");
                }
            }
            Err(refused) => {
                if self
                    .studies
                    .end(attempt, StudyStatus::Failed, &refused)
                    .await?
                {
                    self.queue.complete(job).await?;
                    self.notify(&attempt.company, &attempt.study);
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
            let row = WorkerRow {
                id: &self.id,
                hostname: &host,
                pid,
                queue: self.queue.name(),
                concurrency: self.config.concurrency as i64,
                jobs_done: done,
            };
            let r = db::workers::heartbeat(&self.db.pool, row, now).await;
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

    async fn sweep(&self, age: Duration) -> Result<(), Error> {
        let now = now_ms();
        let stale = self
            .studies
            .stale(now - age.as_millis() as i64, 100)
            .await?;
        for s in stale {
            let Some(job_id) = s.job_id.clone() else {
                continue;
            };
            let job = NewJob {
                id: job_id.into_string(),
                company_id: s.company_id.to_string(),
                study_id: s.id.to_string(),
                priority: s.priority,
            };
            if self.queue.enqueue_if_absent(&job).await? {
                tracing::info!(study = %s.id, "re-enqueued a study whose job was lost");
            }
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

/// Why an attempt ended, as a study records it.
fn failure(code: &str, message: &str) -> ErrorBody {
    ErrorBody {
        code: code.to_string(),
        message: message.to_string(),
        issues: Vec::new(),
    }
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

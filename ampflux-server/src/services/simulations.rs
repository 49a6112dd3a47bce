//! Simulations: a study of the core on one circuit version, computed once per (circuit
//! digest, study options) by a worker, with its progress. The one path of every simulation:
//! `POST /api/v1/projects/{id}/simulations`, the AI assistant's tools and its review.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ampflux_core::{Network, StudyReport};
use futures_util::stream::{self, Stream};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use super::audit::{self, Event};
use super::cache_hits::{Durability, Hit, HitWriter};
use super::circuits::{Circuits, VersionRef};
use super::projects::Projects;
use super::studies::{KindReport, StudyOptions};
use super::{Actor, ActorClaim, Listed, licenses};
use crate::auth::access::{self, Level};
use crate::auth::tokens;
use crate::auth::{Caller, Credential, session_ended};
use crate::clock::{day_of, now_ms};
use crate::config::Features;
use crate::db::circuits::{KnownStudy, VersionKey};
use crate::db::result_parts::CHUNK_ROWS;
use crate::db::simulations::{NewSimulation, OwnedSimulation, Simulation};
use crate::db::studies::NewStudy;
use crate::db::{self, Db, Page, usage};
use crate::domain::StudyStatus;
use crate::error::{Error, Result};
use crate::ids::{CompanyId, JobId, ProjectId, SimulationId, StudyId};
use crate::jobs::events::Events;
use crate::jobs::{NewJob, Queue};

/// Queue priority relative to the plan's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Priority {
    /// Behind the company's other work.
    Low,
    /// Default.
    #[default]
    Normal,
    /// Ahead of the company's other work.
    High,
}

impl Priority {
    fn offset(self) -> i64 {
        match self {
            Priority::Low => -5,
            Priority::Normal => 0,
            Priority::High => 5,
        }
    }
}

/// A simulation request.
#[derive(Clone, Debug)]
pub struct SimulationRequest {
    /// The circuit version (`None`: the request named none that can exist).
    pub version: Option<VersionRef>,
    /// The study options with the names of the format (absent options take their
    /// defaults).
    pub study: Value,
    /// Queue priority.
    pub priority: Priority,
}

/// A simulation just requested.
#[derive(Clone, Debug)]
pub struct Requested {
    /// Simulation id.
    pub id: SimulationId,
    /// Its study's state now.
    pub status: StudyStatus,
    /// Whether the same study had been requested before (no new computation).
    pub cached: bool,
}

/// The state of a simulation, as a progress stream reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Queued or running, with work units done and in all.
    Running {
        /// `queued` or `running`.
        status: StudyStatus,
        /// Work units done.
        done: i64,
        /// Work units in all (0 until known).
        total: i64,
    },
    /// Final: succeeded, failed or dead, with the work units done and in all (equal when
    /// succeeded).
    Done {
        /// `succeeded`, `failed` or `dead`.
        status: StudyStatus,
        /// Work units done.
        done: i64,
        /// Work units in all.
        total: i64,
    },
    /// The simulation was deleted with its project.
    Deleted,
}

/// What a simulation request asks for, once read and checked.
#[derive(Clone, Copy)]
struct Asked<'a> {
    actor: &'a Actor,
    project: &'a ProjectId,
    version: &'a VersionKey,
    options: &'a StudyOptions,
    options_json: &'a str,
}

impl Asked<'_> {
    /// The facts of the request for its audit entry.
    fn audit_detail(&self, study: &StudyId, cached: bool) -> Value {
        let mut detail = json!({"version": self.version.version, "study": study, "cached": cached});
        if let (Some(d), Value::Object(extra)) =
            (detail.as_object_mut(), self.options.audit_detail())
        {
            d.extend(extra);
        }
        detail
    }
}

/// One page of the branch and voltage rows of a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowPage {
    /// Page, from 1.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

impl RowPage {
    fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// A result with one page of its rows.
#[derive(Clone, Debug)]
pub struct PagedResult {
    /// The core's report (`buses` whole, `branches` and `voltages` the page).
    pub result: Value,
    /// Branch rows in all.
    pub branches_total: i64,
    /// Voltage rows in all.
    pub voltages_total: i64,
}

fn slice(rows: Vec<Value>, offset: i64, len: i64) -> Vec<Value> {
    rows.into_iter()
        .skip(offset.max(0) as usize)
        .take(len.max(0) as usize)
        .collect()
}

/// The cache key of a study: SHA-256 of the circuit digest, the options with every option
/// spelled out (so `{}` and `{"fault": "3ph"}` are the same study) and, when the document's
/// elements are not in canonical order, the digest of their order (the rows of the result
/// come in that order, so it is another result; a canonical order keeps the keys of studies
/// stored before orders were kept).
pub fn study_key(digest: &str, options_json: &str, order_digest: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(digest.as_bytes());
    h.update(b"\n");
    h.update(options_json.as_bytes());
    if let Some(order) = order_digest {
        h.update(b"\norder ");
        h.update(order.as_bytes());
    }
    tokens::hex(&h.finalize())
}

/// The simulations.
#[derive(Clone)]
pub struct Simulations {
    db: Db,
    circuits: Circuits,
    queue: Queue,
    events: Events,
    wake: Arc<Notify>,
    features: Features,
    poll: Duration,
    hits: HitWriter,
}

/// What the simulations need besides the database.
pub struct SimulationDeps {
    /// The circuit versions (and through them the projects).
    pub circuits: Circuits,
    /// The job queue.
    pub queue: Queue,
    /// Change notices of studies in this process.
    pub events: Events,
    /// Wakes the in-process worker.
    pub wake: Arc<Notify>,
    /// Feature flags.
    pub features: Features,
    /// How often waiting for a study looks at the database.
    pub poll: Duration,
    /// How the records of cache hits are committed.
    pub cache_hits: Durability,
}

impl Simulations {
    /// The simulations in `db` (starts the task that writes cache hits, on the current
    /// runtime).
    pub fn new(db: Db, deps: SimulationDeps) -> Simulations {
        Simulations {
            hits: HitWriter::spawn(db.clone(), deps.cache_hits),
            db,
            circuits: deps.circuits,
            queue: deps.queue,
            events: deps.events,
            wake: deps.wake,
            features: deps.features,
            poll: deps.poll,
        }
    }

    /// Requests a study on a version of `project`: the caller's credential, access and plan
    /// checks, validation of the options against the circuit, the daily limit, the cached
    /// study or a new job, the audit entry.
    pub async fn request(
        &self,
        claim: &ActorClaim,
        project: &str,
        req: SimulationRequest,
    ) -> Result<Requested> {
        let Some(id) = ProjectId::parse(project) else {
            return Err(self
                .refuse(&claim.credential, Error::NotFound("project"))
                .await);
        };
        let options = StudyOptions::from_request(req.study);
        let options_json = match &options {
            Ok(options) => options.to_json()?,
            Err(_) => String::new(), // matches no study
        };
        // `None` (a version that cannot exist) is refused once access is decided; the
        // query then reads the latest, unused
        let number = match req.version {
            Some(VersionRef::Number(n)) => Some(n),
            Some(VersionRef::Latest) | None => None,
        };
        // credential, access, version and known study in one query (a cache hit costs
        // about a read); the errors come in the order of the checks: credential, project,
        // access, version, options
        let who = claim.credential.asker();
        let found = db::circuits::request_lookup(&self.db.pool, who, &id, number, &options_json)
            .await?
            .ok_or_else(crate::auth::session_ended)?;
        let actor = &claim.actor(found.role);
        let (found, version) = found.project.ok_or(Error::NotFound("project"))?;
        let a = Projects::access_of(&actor.caller, found)?;
        a.require(Level::Write, "running a simulation")?;
        let (version, known) = version
            .filter(|_| req.version.is_some())
            .ok_or(Error::NotFound("circuit version"))?;
        let options = options?;
        if options.needs_advanced() && !self.features.advanced_simulations {
            return Err(Error::Forbidden {
                code: "feature_disabled",
                message:
                    "unbalanced faults, branch results and line faults are switched off on this server"
                        .into(),
            });
        }
        let asked = Asked {
            actor,
            project: &a.project.id,
            version: &version,
            options: &options,
            options_json: &options_json,
        };
        match known.filter(|s| s.status != StudyStatus::Dead) {
            Some(study) => self.hit(asked, study).await,
            None => self.compute(asked, req.priority).await,
        }
    }

    /// `refusal` of a request made with `credential`, unless the credential no longer
    /// works: then that (a dead credential is told so before anything else).
    pub async fn refuse(&self, credential: &Credential, refusal: Error) -> Error {
        credential.refuse(&self.db, refusal).await
    }

    /// A request for a study known already (not dead): a new simulation of it, its use of
    /// the daily limit and its audit entry, written with the other hits of the moment
    /// (`cache_hits`), where the license is checked too.
    async fn hit(&self, asked: Asked<'_>, study: KnownStudy) -> Result<Requested> {
        let (caller, now, sim_id) = (&asked.actor.caller, now_ms(), SimulationId::new());
        let event = Event {
            action: "simulation.request",
            project_id: Some(asked.project),
            target: Some(sim_id.as_str()),
            detail: asked.audit_detail(&study.id, true),
        };
        self.hits
            .write(Hit {
                company: caller.company_id.clone(),
                day: day_of(now),
                simulation: OwnedSimulation {
                    company: caller.company_id.clone(),
                    id: sim_id.clone(),
                    project: asked.project.clone(),
                    version: asked.version.version,
                    study: study.id,
                    requested_by: caller.id.clone(),
                    cached: true,
                    created_at: now,
                },
                audit: audit::entry(asked.actor, event),
            })
            .await?;
        metrics::counter!("ampflux_study_cache_hits_total").increment(1);
        Ok(Requested {
            id: sim_id,
            status: study.status,
            cached: true,
        })
    }

    /// A request for a study not known (or dead): checked against the circuit and the plan,
    /// then inserted (or queued again) with its job, the simulation, the daily limit and the
    /// audit entry in one transaction.
    async fn compute(&self, asked: Asked<'_>, priority: Priority) -> Result<Requested> {
        let (caller, version, project) = (&asked.actor.caller, asked.version, asked.project);
        let pool = &self.db.pool;
        let company = &caller.company_id;
        let order = version.order_digest.as_deref();
        let key = study_key(&version.digest, asked.options_json, order);
        let license = licenses::active(pool, company).await?;
        let limits = license.plan.limits();
        // reject what the study cannot run on now, or what would pass the plan's bound of
        // result rows, instead of failing in the worker
        let document = self.circuits.document(company, &version.digest).await?;
        let opts = asked.options.clone();
        let rows = tokio::task::spawn_blocking(move || {
            let net = Network::from_json(&document)?;
            let issues = opts.check(&net);
            match issues.iter().any(ampflux_core::Issue::is_error) {
                true => Err(ampflux_core::Error::Invalid(issues)),
                false => Ok(opts.result_rows(&net)),
            }
        })
        .await??;
        let what = "result rows per simulation (choose fault buses with `buses`)";
        licenses::within(&license, what, limits.max_result_rows, rows)?;

        let priority = limits.queue_priority + priority.offset();
        let now = now_ms();
        let sim_id = SimulationId::new();
        let mut tx = self.db.begin_write().await?;
        let used =
            usage::increment(tx.conn(), company, usage::Kind::Simulations, day_of(now)).await?;
        licenses::within(
            &license,
            "simulations per day",
            limits.simulations_per_day,
            used,
        )?;
        let new = NewStudy {
            id: &StudyId::new(),
            key: &key,
            digest: &version.digest,
            order_digest: order,
            options_json: asked.options_json,
            priority,
            job_id: &JobId::new(),
            created_at: now,
        };
        // another request may have inserted the study since it was looked for
        let (study, job) = self.new_or_requeued(&mut tx, company, new).await?;
        if let Some(job) = &job {
            self.queue.stage(&mut tx, job).await?;
        }
        let cached = job.is_none();
        db::simulations::insert(
            tx.conn(),
            company,
            NewSimulation {
                id: &sim_id,
                project,
                version: version.version,
                study: &study.id,
                requested_by: &caller.id,
                cached,
                created_at: now,
            },
        )
        .await?;
        audit::record(
            tx.conn(),
            asked.actor,
            Event {
                action: "simulation.request",
                project_id: Some(project),
                target: Some(sim_id.as_str()),
                detail: asked.audit_detail(&study.id, cached),
            },
        )
        .await?;
        tx.commit().await?;
        let status = if let Some(job) = &job {
            if let Err(e) = self.queue.publish(job).await {
                // the study stays queued; a worker's sweep hands it to the queue again
                tracing::warn!(error = %e, study = %job.study_id, "enqueue failed; the sweep will retry");
            }
            self.wake.notify_waiters();
            StudyStatus::Queued
        } else {
            metrics::counter!("ampflux_study_cache_hits_total").increment(1);
            study.status
        };
        Ok(Requested {
            id: sim_id,
            status,
            cached,
        })
    }

    /// The study `new` asks for, inserted (or a dead one with its key queued again) in `tx`,
    /// with its job when it needs computing (another request may have inserted it since the
    /// caller looked).
    async fn new_or_requeued(
        &self,
        tx: &mut db::Tx,
        company: &CompanyId,
        new: NewStudy<'_>,
    ) -> Result<(db::studies::Study, Option<NewJob>)> {
        let inserted = db::studies::insert_if_absent(tx.conn(), company, new).await?;
        let study = db::studies::by_key(tx.conn(), company, new.key)
            .await?
            .ok_or_else(|| Error::internal("study vanished in its own transaction"))?;
        let requeued = !inserted
            && study.status == StudyStatus::Dead
            && db::studies::requeue_dead(tx.conn(), company, &study.id, new.job_id, new.created_at)
                .await?;
        let job = (inserted || requeued).then(|| NewJob {
            id: new.job_id.to_string(),
            company_id: company.to_string(),
            study_id: study.id.to_string(),
            priority: new.priority,
        });
        Ok((study, job))
    }

    /// One page of the project's simulations, newest first (without results).
    pub async fn list(
        &self,
        caller: &Caller,
        project: &str,
        page: Page,
    ) -> Result<Listed<Simulation>> {
        let a = self.circuits.projects().access(caller, project).await?;
        let pool = &self.db.pool;
        let items = db::simulations::list(pool, &caller.company_id, &a.project.id, page).await?;
        let total = db::simulations::count(pool, &caller.company_id, &a.project.id).await?;
        Ok(Listed { items, total })
    }

    /// Simulation `id` if the caller may read its project, with the result when
    /// `with_result`. The credential is checked in the same query (a dead one is refused
    /// first, and a simulation that does not exist waits for that check).
    pub async fn get(
        &self,
        credential: &Credential,
        id: &str,
        with_result: bool,
    ) -> Result<Simulation> {
        let not_found = || Error::NotFound("simulation");
        let Some(id) = SimulationId::parse(id) else {
            return Err(credential.refuse(&self.db, not_found()).await);
        };
        let found =
            db::simulations::get_for_user(&self.db.pool, credential.asker(), &id, with_result)
                .await?;
        let Some(found) = found else {
            return Err(credential.refuse(&self.db, not_found()).await);
        };
        let caller = credential.caller(found.caller_role.ok_or_else(session_ended)?);
        access::level_in(&caller, found.visibility, found.member_role).ok_or_else(not_found)?;
        Ok(found.simulation)
    }

    /// The result of `sim` with one page of its branch and voltage rows (`None` until it
    /// succeeded). Only the rows of the page are read from the store.
    pub async fn result(&self, sim: &Simulation, rows: RowPage) -> Result<Option<PagedResult>> {
        let st = &sim.study;
        let Some(summary) = &st.result_json else {
            return Ok(None);
        };
        let mut result: Value = serde_json::from_str(summary).map_err(Error::internal)?;
        // a study computed in the document's element order has every row in that order; a
        // version saved before element orders were kept has its bus order only, which the
        // bus rows of its (canonical) study follow
        if st.order_digest.is_none() {
            let order = db::circuits::bus_order(
                &self.db.pool,
                &st.company_id,
                &sim.project_id,
                sim.circuit_version,
            )
            .await?;
            if let (Some(order), Some(buses)) = (order, result["buses"].as_array_mut()) {
                in_document_order(buses, &order)?;
            }
        }
        let mut totals = [0i64; 2];
        for (i, (part, total)) in [("branches", st.branch_rows), ("voltages", st.voltage_rows)]
            .into_iter()
            .enumerate()
        {
            let page = match total {
                // a result stored whole (before results were stored in parts)
                None => {
                    let all = result[part].as_array().cloned().unwrap_or_default();
                    totals[i] = all.len() as i64;
                    slice(all, rows.offset(), rows.per_page)
                }
                Some(total) => {
                    totals[i] = total;
                    self.rows(&sim.study.company_id, &st.id, part, total, rows)
                        .await?
                }
            };
            result[part] = Value::Array(page);
        }
        Ok(Some(PagedResult {
            result,
            branches_total: totals[0],
            voltages_total: totals[1],
        }))
    }

    /// Rows `rows` of `part` (of `total`), from the chunks that hold them.
    async fn rows(
        &self,
        company: &CompanyId,
        study: &StudyId,
        part: &str,
        total: i64,
        rows: RowPage,
    ) -> Result<Vec<Value>> {
        let (offset, end) = (rows.offset(), (rows.offset() + rows.per_page).min(total));
        if offset >= end {
            return Ok(Vec::new());
        }
        let size = CHUNK_ROWS as i64;
        let span = (offset / size, (end - 1) / size);
        let chunks = db::result_parts::chunks(&self.db.pool, company, study, part, span).await?;
        let mut all = Vec::new();
        for c in chunks {
            let mut parsed: Vec<Value> = serde_json::from_str(&c).map_err(Error::internal)?;
            all.append(&mut parsed);
        }
        Ok(slice(all, offset - span.0 * size, rows.per_page))
    }

    /// The progress of simulation `id` (which the caller may read): one item per change,
    /// the last one final. Changes made by this process's worker are seen at once, those of
    /// workers elsewhere at the next poll.
    pub fn watch(
        &self,
        caller: &Caller,
        id: SimulationId,
    ) -> impl Stream<Item = Progress> + Send + use<> {
        struct Watch {
            db: Db,
            company: CompanyId,
            id: SimulationId,
            poll: Duration,
            last: Option<Progress>,
            changes: tokio::sync::watch::Receiver<u64>,
            finished: bool,
        }
        let watch = Watch {
            db: self.db.clone(),
            company: caller.company_id.clone(),
            id,
            poll: self.poll,
            last: None,
            changes: self.events.subscribe(),
            finished: false,
        };
        stream::unfold(watch, |mut w| async move {
            if w.finished {
                return None;
            }
            loop {
                let now = match db::simulations::get(&w.db.pool, &w.company, &w.id, false).await {
                    Ok(Some(sim)) if sim.study.status.is_final() => Progress::Done {
                        status: sim.study.status,
                        done: sim.study.progress_done,
                        total: sim.study.progress_total,
                    },
                    Ok(Some(sim)) => Progress::Running {
                        status: sim.study.status,
                        done: sim.study.progress_done,
                        total: sim.study.progress_total,
                    },
                    Ok(None) => Progress::Deleted,
                    Err(e) => {
                        tracing::warn!(error = %e, "progress stream read failed");
                        tokio::time::sleep(w.poll).await;
                        continue;
                    }
                };
                if !matches!(now, Progress::Running { .. }) {
                    w.finished = true;
                    return Some((now, w));
                }
                if w.last.as_ref() != Some(&now) {
                    w.last = Some(now.clone());
                    return Some((now, w));
                }
                tokio::select! {
                    _ = tokio::time::sleep(w.poll) => {}
                    _ = w.changes.changed() => {}
                }
            }
        })
    }

    /// The simulation once its study is final, or a timeout after `wait`.
    pub async fn wait_final(
        &self,
        company: &CompanyId,
        id: &SimulationId,
        wait: Duration,
    ) -> Result<Simulation> {
        let started = Instant::now();
        let mut changes = self.events.subscribe();
        loop {
            let sim = db::simulations::get(&self.db.pool, company, id, true)
                .await?
                .ok_or_else(|| Error::internal(format!("simulation {id} vanished")))?;
            if sim.study.status.is_final() {
                return Ok(sim);
            }
            let left = wait.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(Error::UpstreamTimeout(format!(
                    "simulation {id} is still {} after {} s (AI_TOOL_WAIT_SECS); it goes on in the queue",
                    sim.study.status,
                    wait.as_secs()
                )));
            }
            // local workers signal at once; workers elsewhere are seen by polling
            let _ =
                tokio::time::timeout(left.min(Duration::from_millis(200)), changes.changed()).await;
        }
    }

    /// Requests `options` (of the study kind of `R`, which sets `kind`) on the latest version
    /// of `project` and waits up to `wait` for it: the simulation (final) and its report, the
    /// core's report type of that kind. A study the core refused is invalid input with the
    /// core's issues; one still running after `wait` a timeout.
    pub async fn run_and_wait<R: KindReport>(
        &self,
        actor: &Actor,
        project: &ProjectId,
        study: Value,
        wait: Duration,
    ) -> Result<(Simulation, R)> {
        let mut study = if study.is_null() { json!({}) } else { study };
        match study.as_object_mut() {
            Some(map) => {
                map.insert("kind".into(), Value::String(R::KIND.into()));
            }
            None => return Err(Error::internal("study options are not an object")),
        }
        let requested = self
            .request(
                &actor.into(),
                project.as_str(),
                SimulationRequest {
                    version: Some(VersionRef::Latest),
                    study,
                    priority: Priority::Normal,
                },
            )
            .await?;
        let sim = self
            .wait_final(&actor.caller.company_id, &requested.id, wait)
            .await?;
        match (&sim.study.result_json, &sim.study.error_json) {
            (Some(json), _) => {
                let report: R = serde_json::from_str(json).map_err(Error::internal)?;
                Ok((sim, report))
            }
            (None, error) => {
                let e: Value = error
                    .as_deref()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or(Value::Null);
                Err(Error::Invalid {
                    code: e["code"].as_str().unwrap_or("study_failed").to_string(),
                    message: format!(
                        "simulation {} {}: {}",
                        sim.id,
                        sim.study.status,
                        e["message"].as_str().unwrap_or("no result")
                    ),
                    issues: serde_json::from_value(e["issues"].clone()).unwrap_or_default(),
                })
            }
        }
    }

    /// The latest succeeded studies of `project` on `version` (at most `n`, newest first):
    /// simulation id and report.
    pub async fn latest_results(
        &self,
        company: &CompanyId,
        project: &ProjectId,
        version: i64,
        n: usize,
    ) -> Result<Vec<(SimulationId, StudyReport)>> {
        let pool = &self.db.pool;
        let page = Page {
            limit: 50,
            offset: 0,
        };
        let sims = db::simulations::list(pool, company, project, page).await?;
        let mut out: Vec<(SimulationId, StudyReport)> = Vec::new();
        let mut seen: Vec<StudyId> = Vec::new();
        for s in sims {
            if out.len() >= n {
                break;
            }
            // short-circuit reports only (duty and arc-flash reports are other types)
            let short_circuit = matches!(
                StudyOptions::from_stored(&s.study.options_json),
                Ok(StudyOptions::ShortCircuit(_))
            );
            if s.circuit_version != version
                || !short_circuit
                || s.study.status != StudyStatus::Succeeded
                || seen.contains(&s.study.id)
            {
                continue;
            }
            seen.push(s.study.id.clone());
            let Some(study) = db::studies::get(pool, company, &s.study.id).await? else {
                continue;
            };
            let Some(json) = study.result_json else {
                continue;
            };
            let report: StudyReport = serde_json::from_str(&json).map_err(Error::internal)?;
            out.push((s.id, report));
        }
        Ok(out)
    }
}
/// Sorts the bus rows of a report (`id` each) into the document's bus order (`order`, a
/// JSON array of ids); rows of other locations (faults along lines) follow in their order.
fn in_document_order(buses: &mut [Value], order: &str) -> Result<()> {
    let ids: Vec<String> = serde_json::from_str(order).map_err(Error::internal)?;
    let position: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    buses.sort_by_key(|row| {
        row["id"]
            .as_str()
            .and_then(|id| position.get(id).copied())
            .unwrap_or(usize::MAX)
    });
    Ok(())
}

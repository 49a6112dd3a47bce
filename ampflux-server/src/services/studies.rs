//! The studies the server runs, the one call into the core for each, and the state of
//! their computations. A new kind of study is a variant of [`StudyOptions`] with its arms
//! here: reading its options, checking a circuit against them, and running the core.

use ampflux_core::arcflash::ArcFlashOptions;
use ampflux_core::duty::DutyOptions;
use ampflux_core::{FaultKind, Issue, Network, StudyOptions as ShortCircuitOptions};
use serde_json::{Value, json};

use super::order::ElementOrder;
use crate::clock::now_ms;
use crate::db::result_parts::CHUNK_ROWS;
use crate::db::studies::{Outcome, Study};
use crate::db::{self, Db};
use crate::domain::StudyStatus;
use crate::error::{Error, ErrorBody, Result};
use crate::ids::{CompanyId, StudyId};

/// The options of a study, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum StudyOptions {
    /// Short-circuit currents per IEC 60909-0 (`ampflux_core::short_circuit`).
    ShortCircuit(ShortCircuitOptions),
    /// Equipment duty against ratings (`ampflux_core::duty::equipment_duty`), `"kind": "duty"`.
    Duty(DutyOptions),
    /// IEEE 1584-2018 arc flash (`ampflux_core::arcflash::arc_flash`), `"kind": "arc_flash"`.
    ArcFlash(ArcFlashOptions),
}

/// The core's report of a study kind, as a finished study stores it: what
/// [`crate::services::simulations::Simulations::run_and_wait`] reads a result as.
pub trait KindReport: serde::de::DeserializeOwned {
    /// The `kind` of the study whose result this is.
    const KIND: &'static str;
}

impl KindReport for ampflux_core::StudyReport {
    const KIND: &'static str = "short_circuit";
}

impl KindReport for ampflux_core::duty::DutyReport {
    const KIND: &'static str = "duty";
}

impl KindReport for ampflux_core::arcflash::ArcFlashReport {
    const KIND: &'static str = "arc_flash";
}

/// The names of the study kinds a request may give in `kind`.
const KINDS: &str = "`short_circuit` (default), `duty` or `arc_flash`";

fn unknown_kind(message: String) -> ampflux_core::Error {
    ampflux_core::Error::InvalidOption {
        option: "kind".into(),
        message,
    }
}

impl StudyOptions {
    /// Reads short-circuit options with the names of the format (absent ones take their
    /// defaults) and checks their ranges.
    pub fn short_circuit(value: Value) -> Result<StudyOptions> {
        let value = if value.is_null() { json!({}) } else { value };
        let options = ShortCircuitOptions::from_value(value)?;
        options.check()?;
        Ok(StudyOptions::ShortCircuit(options))
    }

    /// Reads a request's `study`: its `kind` (absent: a short-circuit study) and the options
    /// of that kind by the names of the format, with their ranges checked.
    pub fn from_request(value: Value) -> Result<StudyOptions> {
        let value = if value.is_null() { json!({}) } else { value };
        let (kind, rest) = split_kind(value)?;
        match kind.as_deref() {
            None | Some("short_circuit") => StudyOptions::short_circuit(rest),
            Some(kind) => Ok(StudyOptions::of_kind(kind, rest)?),
        }
    }

    /// The options of a kind other than the short-circuit study, checked.
    fn of_kind(kind: &str, value: Value) -> Result<StudyOptions, ampflux_core::Error> {
        match kind {
            "duty" => {
                let options = DutyOptions::from_value(value)?;
                options.check()?;
                Ok(StudyOptions::Duty(options))
            }
            "arc_flash" => {
                let options = ArcFlashOptions::from_value(value)?;
                options.check()?;
                Ok(StudyOptions::ArcFlash(options))
            }
            other => Err(unknown_kind(format!(
                "unknown study kind `{other}`: one of {KINDS}"
            ))),
        }
    }

    /// Reads options stored by [`StudyOptions::to_json`].
    pub fn from_stored(text: &str) -> Result<StudyOptions, ampflux_core::Error> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ampflux_core::Error::InvalidOption {
                option: ".".into(),
                message: e.to_string(),
            })?;
        match split_kind(value)? {
            (None, rest) => ShortCircuitOptions::from_value(rest).map(StudyOptions::ShortCircuit),
            (Some(kind), rest) => StudyOptions::of_kind(&kind, rest),
        }
    }

    /// The options with every option spelled out (so `{}` and `{"fault": "3ph"}` are the same
    /// study), as stored and hashed into the cache key.
    /// A short-circuit study is stored without a `kind` (as before kinds existed, so its
    /// cache keys stay); the other kinds carry theirs.
    pub fn to_json(&self) -> Result<String> {
        let tagged = |kind: &str, options: Value| {
            let mut options = options;
            if let Value::Object(map) = &mut options {
                map.insert("kind".into(), Value::String(kind.into()));
            }
            serde_json::to_string(&options).map_err(Error::internal)
        };
        match self {
            StudyOptions::ShortCircuit(o) => serde_json::to_string(o).map_err(Error::internal),
            StudyOptions::Duty(o) => {
                tagged("duty", serde_json::to_value(o).map_err(Error::internal)?)
            }
            StudyOptions::ArcFlash(o) => tagged(
                "arc_flash",
                serde_json::to_value(o).map_err(Error::internal)?,
            ),
        }
    }

    /// Whether the study needs the `advanced_simulations` feature (unbalanced faults,
    /// branch results, faults along lines).
    pub fn needs_advanced(&self) -> bool {
        match self {
            StudyOptions::ShortCircuit(o) => {
                o.fault != FaultKind::ThreePhase || o.branch_results || !o.line_faults.is_empty()
            }
            // every fault type the network allows / branch currents through the devices
            StudyOptions::Duty(_) | StudyOptions::ArcFlash(_) => true,
        }
    }

    /// What the circuit lacks for this study (the core's issues; errors refuse the study).
    pub fn check(&self, net: &Network) -> Vec<Issue> {
        match self {
            StudyOptions::ShortCircuit(o) => net.validate_for(o),
            StudyOptions::Duty(o) => net.validate_for(&o.study),
            StudyOptions::ArcFlash(o) => net.validate_for(&o.short_circuit),
        }
    }

    /// The facts of the study for the audit log.
    pub fn audit_detail(&self) -> Value {
        match self {
            StudyOptions::ShortCircuit(o) => json!({"fault": o.fault, "case": o.case}),
            StudyOptions::Duty(o) => json!({"kind": "duty", "duty_basis": o.duty_basis}),
            StudyOptions::ArcFlash(o) => {
                json!({"kind": "arc_flash", "energy_method": o.energy_method})
            }
        }
    }

    /// Rows the result will have (fault locations, and with branch results a row per
    /// branch and per bus for each of them), for the plan's bound; known before computing.
    pub fn result_rows(&self, net: &Network) -> i64 {
        match self {
            StudyOptions::ShortCircuit(o) => {
                let locations =
                    o.buses.as_ref().map_or(net.buses.len(), Vec::len) + o.line_faults.len();
                let per_location = if o.branch_results {
                    let branches = net.lines.len()
                        + net.transformers.len()
                        + net.transformers3w.len()
                        + net.impedances.len();
                    1 + branches + net.buses.len()
                } else {
                    1
                };
                locations.saturating_mul(per_location) as i64
            }
            // a row per device and check (at most eight checks of a device)
            StudyOptions::Duty(_) => {
                let devices = net.buses.len() + net.lines.len() + net.switches.len();
                devices.saturating_mul(8) as i64
            }
            StudyOptions::ArcFlash(o) => o.buses.as_ref().map_or(net.buses.len(), Vec::len) as i64,
        }
    }

    /// Runs the study with the core, reporting progress as (done, total) work units.
    pub fn run(
        &self,
        net: &Network,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Computed, ampflux_core::Error> {
        match self {
            StudyOptions::ShortCircuit(o) => {
                let mut report = ampflux_core::short_circuit_with_progress(net, o, progress)?;
                let branches = std::mem::take(&mut report.branches);
                let voltages = std::mem::take(&mut report.voltages);
                Ok(Computed {
                    work: (0, 0),
                    summary: to_json(&report)?,
                    branch_rows: branches.len() as i64,
                    voltage_rows: voltages.len() as i64,
                    branches: chunks(&branches)?,
                    voltages: chunks(&voltages)?,
                })
            }
            // reports without row tables of their own: stored whole as the summary
            StudyOptions::Duty(o) => Ok(Computed {
                summary: to_json(&ampflux_core::duty::equipment_duty(net, o)?)?,
                ..Computed::default()
            }),
            StudyOptions::ArcFlash(o) => Ok(Computed {
                summary: to_json(&ampflux_core::arcflash::arc_flash(net, o)?)?,
                ..Computed::default()
            }),
        }
    }
}

/// `kind` taken out of a study's options object (`None`: no kind given).
fn split_kind(value: Value) -> Result<(Option<String>, Value), ampflux_core::Error> {
    let Value::Object(mut map) = value else {
        return Ok((None, value));
    };
    match map.remove("kind") {
        None => Ok((None, Value::Object(map))),
        Some(Value::String(kind)) => Ok((Some(kind), Value::Object(map))),
        Some(other) => Err(unknown_kind(format!(
            "must be text, one of {KINDS}; got {other}"
        ))),
    }
}

fn to_json(value: &impl serde::Serialize) -> Result<String, ampflux_core::Error> {
    serde_json::to_string(value).map_err(|e| ampflux_core::Error::Format {
        path: ".".into(),
        message: e.to_string(),
    })
}

/// `rows` as JSON arrays of at most [`CHUNK_ROWS`] rows.
fn chunks<T: serde::Serialize>(rows: &[T]) -> Result<Vec<String>, ampflux_core::Error> {
    rows.chunks(CHUNK_ROWS).map(|c| to_json(&c)).collect()
}

/// A computed report, ready to store: its summary (the report without its row tables) and
/// its branch and voltage rows in chunks of [`CHUNK_ROWS`].
#[derive(Clone, Debug, Default)]
pub struct Computed {
    /// The report with empty `branches` and `voltages` (JSON).
    pub summary: String,
    /// Branch rows, as JSON arrays of at most [`CHUNK_ROWS`] rows.
    pub branches: Vec<String>,
    /// Voltage rows, likewise.
    pub voltages: Vec<String>,
    /// Branch rows in all.
    pub branch_rows: i64,
    /// Voltage rows in all.
    pub voltage_rows: i64,
    /// The core's work units (done, total) when it finished, kept as the study's final
    /// progress (a study computed between two progress reports still shows its real size).
    pub work: (i64, i64),
}

/// One attempt of a worker at a study, under its lease.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// Company of the study.
    pub company: CompanyId,
    /// The study.
    pub study: StudyId,
    /// The lease token: proof of holding the job.
    pub lease: String,
}

/// What a worker computes.
#[derive(Clone, Debug)]
pub struct Work {
    /// The stored (canonical) network document.
    pub document: String,
    /// The element order to put it in before computing (`services::order`; `None`: the
    /// canonical order), so the report's rows come in the order of the document as written.
    pub order: Option<String>,
    /// The stored options.
    pub options: String,
}

/// The study's side of the jobs: the state of each computation, fenced by the lease token,
/// so a worker that lost its lease cannot overwrite the work of the one that took over, and
/// a finished study is never computed again.
#[derive(Clone)]
pub struct Studies {
    db: Db,
}

impl Studies {
    /// The studies in `db`.
    pub fn new(db: Db) -> Studies {
        Studies { db }
    }

    /// Starts an attempt: the work to compute, or `None` when there is none (the study was
    /// deleted with its project, is final already, or its circuit is gone, in which case it
    /// fails).
    pub async fn begin(&self, a: &Attempt, worker: &str) -> Result<Option<Work>> {
        let pool = &self.db.pool;
        let Some(study) = db::studies::get(pool, &a.company, &a.study).await? else {
            return Ok(None);
        };
        if study.status.is_final()
            || !db::studies::start(pool, &a.company, &a.study, &a.lease, worker, now_ms()).await?
        {
            // computed before (an earlier attempt stored it and then lost its job)
            return Ok(None);
        }
        let document = db::circuits::blob(pool, &a.company, &study.digest).await?;
        let order = match &study.order_digest {
            Some(digest) => db::circuits::order(pool, &a.company, digest)
                .await?
                .map(Some),
            None => Some(None),
        };
        let (Some(document), Some(order)) = (document, order) else {
            let failure = ErrorBody {
                code: "circuit_missing".into(),
                message: "the circuit version of this simulation was deleted".into(),
                issues: Vec::new(),
            };
            self.end(a, StudyStatus::Failed, &failure).await?;
            return Ok(None);
        };
        Ok(Some(Work {
            document,
            order,
            options: study.options_json,
        }))
    }

    /// Records progress; false when the lease went to another worker.
    pub async fn progress(&self, a: &Attempt, done: usize, total: usize) -> Result<bool> {
        let units = (done as i64, total as i64);
        Ok(db::studies::progress(
            &self.db.pool,
            &a.company,
            &a.study,
            &a.lease,
            units,
            now_ms(),
        )
        .await?)
    }

    /// Stores the report (its summary and its row chunks, in one transaction); false when
    /// the lease went to another worker (whose result will be stored instead).
    pub async fn succeed(&self, a: &Attempt, report: &Computed, compute_ms: i64) -> Result<bool> {
        let outcome = Outcome {
            progress: report.work,
            result_json: &report.summary,
            branch_rows: report.branch_rows,
            voltage_rows: report.voltage_rows,
            compute_ms,
            finished_at: now_ms(),
        };
        let mut tx = self.db.begin_write().await?;
        if !db::studies::succeed(tx.conn(), &a.company, &a.study, &a.lease, outcome).await? {
            return Ok(false);
        }
        db::result_parts::clear(tx.conn(), &a.company, &a.study).await?;
        for (part, chunks) in [
            ("branches", &report.branches),
            ("voltages", &report.voltages),
        ] {
            for (i, rows) in chunks.iter().enumerate() {
                db::result_parts::insert(tx.conn(), &a.company, &a.study, part, i as i64, rows)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Ends the attempt with `status` (failed: the core refused the study; queued again for
    /// a retry; dead) and why; false when the lease went to another worker.
    pub async fn end(&self, a: &Attempt, status: StudyStatus, why: &ErrorBody) -> Result<bool> {
        let why = serde_json::to_string(why).map_err(Error::internal)?;
        let pool = &self.db.pool;
        Ok(
            db::studies::end_attempt(pool, &a.company, &a.study, &a.lease, status, &why, now_ms())
                .await?,
        )
    }

    /// Marks a study dead whose job was buried by the queue (its worker died on the last
    /// attempt), whoever held the lease.
    pub async fn bury(
        &self,
        company: &CompanyId,
        study: &StudyId,
        why: &ErrorBody,
    ) -> Result<bool> {
        let why = serde_json::to_string(why).map_err(Error::internal)?;
        Ok(db::studies::bury(&self.db.pool, company, study, &why, now_ms()).await?)
    }

    /// Queued studies whose job may have been lost (queued before `before`), across
    /// companies, marked as handed to the queue again now.
    pub async fn stale(&self, before: i64, limit: i64) -> Result<Vec<Study>> {
        let pool = &self.db.pool;
        let found = db::studies::stale_queued(pool, before, limit).await?;
        for s in &found {
            db::studies::touch_queued(pool, &s.company_id, &s.id, now_ms()).await?;
        }
        Ok(found)
    }
}

/// Runs the stored study `work` with the core: the report and the computing time in ms, or
/// why the core refused it (the same input always fails). Blocking.
///
/// Progress is reported in work units of the whole job: reading the circuit (1 unit), the
/// core's units (matrix columns solved for machines' breaking currents, fault locations at
/// power station units, locations with branch results; none for a plain study), and storing
/// the result (1 unit, done when the result is stored).
pub fn compute(
    work: &Work,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Computed, i64), ErrorBody> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let started = std::time::Instant::now();
    let core_total = AtomicUsize::new(0);
    let tracked = |done: usize, total: usize| {
        core_total.fetch_max(total, Ordering::Relaxed);
        progress(1 + done, 2 + total);
    };
    progress(0, 2);
    let run = StudyOptions::from_stored(&work.options).and_then(|options| {
        let mut net = Network::from_json(&work.document)?;
        if let Some(order) = &work.order {
            ElementOrder::from_json(order)
                .map_err(|e| ampflux_core::Error::Format {
                    path: "element order".into(),
                    message: e.to_string(),
                })?
                .apply(&mut net);
        }
        progress(1, 2);
        options.run(&net, &tracked)
    });
    match run {
        Ok(mut report) => {
            let total = 2 + core_total.load(Ordering::Relaxed) as i64;
            report.work = (total, total);
            Ok((report, started.elapsed().as_millis() as i64))
        }
        Err(e) => Err(Error::from(e).body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_written_out_are_one_study() {
        let a = StudyOptions::short_circuit(json!({})).unwrap();
        let b = StudyOptions::short_circuit(json!({"fault": "3ph", "case": "max", "tk_s": 1.0}))
            .unwrap();
        let c = StudyOptions::short_circuit(json!({"case": "min"})).unwrap();
        assert_eq!(a.to_json().unwrap(), b.to_json().unwrap());
        assert_ne!(a.to_json().unwrap(), c.to_json().unwrap());
        assert_eq!(StudyOptions::from_stored(&a.to_json().unwrap()).unwrap(), a);
        assert!(!a.needs_advanced());
        assert!(
            StudyOptions::short_circuit(json!({"fault": "1ph"}))
                .unwrap()
                .needs_advanced()
        );
    }
}

//! The writes of simulation requests answered from the cache, committed in groups.
//!
//! A request for a study computed before still writes: the new simulation (the API's
//! contract: a POST creates one, listed and readable by its id), its use of the company's
//! daily limit and its audit entry. One transaction per request made that write cost many
//! times a read (five statements, each a round trip to the database, and a commit each: an
//! fsync on PostgreSQL, a turn at the one writer on SQLite). Here one task takes every hit
//! waiting when it is free and writes them together: one transaction, one statement per
//! table, one commit. Each request still returns only once its own rows are committed, so
//! the simulation it names can be read at once; nothing waits on a timer (a lone request is
//! written at once; under load, the hits that arrived during one commit share the next).
//!
//! On PostgreSQL a group's commit waits for its WAL flush unless the operator relaxes it
//! (`AMPFLUX_DURABLE_CACHE_HITS=false`, see [`Durability`]), for disks where a flush is slow:
//! what such a group writes is a record of a study that is stored already. On the 2-core
//! test box the flush is not what limits a hit (cached p99 18.7 ms flushed, 18.6/19.8 ms
//! relaxed, both measured with a build that wrote two groups at once), so the default keeps
//! it.
//!
//! The license (active, its daily limit) is read once per company of a group, in its
//! transaction. The daily limit holds per request: the counter's row is locked by the increment, the
//! requests over the limit are refused with the plan's error and their increments taken back
//! in the same transaction. Should a group fail as a whole (a study deleted with its project
//! in the meantime, say), its requests are written one by one, so each gets its own answer.

use tokio::sync::{mpsc, oneshot};

use super::licenses;
use crate::db::audit::Entry;
use crate::db::simulations::OwnedSimulation;
use crate::db::{self, Db, usage};
use crate::error::{Error, Result};
use crate::ids::CompanyId;

/// Hits written in one transaction at most (bounds the statement and its parameters).
const MAX_GROUP: usize = 64;
// One group is written at a time. Two at once (rows first, counters last, so that they
// overlapped) were measured on the quiet 2-core box (load.sh 10, two rounds) and not kept:
// no faster on PostgreSQL (cached p99 18.6/19.8 ms against 15.1/20.4 ms with one), slower on
// SQLite (22.2/20.5 against 18.6/17.4 ms; twice the groups, half the size, 0.1 ms more CPU
// per request).

/// The write of one cache hit.
pub struct Hit {
    /// Company of the simulation.
    pub company: CompanyId,
    /// Today (UTC day number) for the usage counter.
    pub day: i64,
    /// The new simulation.
    pub simulation: OwnedSimulation,
    /// Its audit entry.
    pub audit: Entry,
}

struct Pending {
    hit: Hit,
    reply: oneshot::Sender<Result<()>>,
}

/// How a group of cache hits is committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// The commit returns once the group is on disk (PostgreSQL's `synchronous_commit`).
    Flushed,
    /// The commit returns before the group's WAL is flushed (PostgreSQL), the durability
    /// SQLite's `synchronous = NORMAL` gives every transaction: a crash of the database
    /// machine can forget the last moment of cache hits (their simulations, usage and
    /// audit entries together, never one without the others); the studies and results
    /// they point to, and every other write, stay durable.
    Relaxed,
}

/// The handle of the task that writes cache hits (cheap to clone).
#[derive(Clone)]
pub struct HitWriter {
    to_task: mpsc::UnboundedSender<Pending>,
}

impl HitWriter {
    /// Starts the task on the current runtime; it ends when every handle is dropped.
    pub fn spawn(db: Db, durability: Durability) -> HitWriter {
        let (to_task, from_requests) = mpsc::unbounded_channel();
        tokio::spawn(run(db, durability, from_requests));
        HitWriter { to_task }
    }

    /// Writes `hit`; returns once it is committed (or refused by the daily limit).
    pub async fn write(&self, hit: Hit) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.to_task
            .send(Pending { hit, reply })
            .map_err(|_| Error::internal("the cache-hit writer stopped"))?;
        answer
            .await
            .map_err(|_| Error::internal("the cache-hit writer dropped a request"))?
    }
}

async fn run(db: Db, durability: Durability, mut requests: mpsc::UnboundedReceiver<Pending>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while requests.recv_many(&mut group, MAX_GROUP).await > 0 {
        let pending = std::mem::take(&mut group);
        let hits: Vec<&Hit> = pending.iter().map(|p| &p.hit).collect();
        let start = std::time::Instant::now();
        metrics::histogram!("ampflux_study_cache_hit_group_size").record(hits.len() as f64);
        match write_group(&db, durability, &hits).await {
            Ok(outcomes) => {
                for (p, outcome) in pending.into_iter().zip(outcomes) {
                    let _ = p.reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, hits = pending.len(), "a group of cache hits failed; writing them one by one");
                for p in pending {
                    let outcome = match write_group(&db, durability, &[&p.hit]).await {
                        Ok(mut o) => o.pop().unwrap_or(Ok(())),
                        Err(e) => Err(e),
                    };
                    let _ = p.reply.send(outcome);
                }
            }
        }
        metrics::counter!("ampflux_study_cache_hit_groups_total").increment(1);
        metrics::histogram!("ampflux_study_cache_hit_group_seconds")
            .record(start.elapsed().as_secs_f64());
    }
}

/// Writes `hits` in one transaction: the outcome of each (refused by the daily limit, or
/// written), or an error of the whole group (nothing written).
async fn write_group(db: &Db, durability: Durability, hits: &[&Hit]) -> Result<Vec<Result<()>>> {
    let mut outcomes: Vec<Result<()>> = hits.iter().map(|_| Ok(())).collect();
    let mut tx = match durability {
        Durability::Flushed => db.begin_write().await?,
        Durability::Relaxed => db.begin_relaxed_write().await?,
    };
    // the daily limit, per company and day: count them all, refuse the ones over the limit
    let mut counters: Vec<(&CompanyId, i64)> = Vec::new();
    for h in hits {
        if !counters.contains(&(&h.company, h.day)) {
            counters.push((&h.company, h.day));
        }
    }
    for (company, day) in counters {
        let mine: Vec<usize> = (0..hits.len())
            .filter(|&i| &hits[i].company == company && hits[i].day == day)
            .collect();
        let license = match licenses::active(tx.conn(), company).await {
            Ok(license) => license,
            Err(e) => {
                for &i in &mine {
                    outcomes[i] = Err(again(&e));
                }
                continue;
            }
        };
        let limit = license.plan.limits().simulations_per_day;
        let n = mine.len() as i64;
        let after = usage::add(tx.conn(), company, usage::Kind::Simulations, day, n).await?;
        let mut refused = 0;
        for (k, &i) in mine.iter().enumerate() {
            let used = after - n + k as i64 + 1 - refused;
            if let Err(e) = licenses::within(&license, "simulations per day", limit, used) {
                outcomes[i] = Err(e);
                refused += 1;
            }
        }
        if refused > 0 {
            usage::add(tx.conn(), company, usage::Kind::Simulations, day, -refused).await?;
        }
    }
    let written: Vec<&Hit> = hits
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| o.is_ok())
        .map(|(h, _)| *h)
        .collect();
    if !written.is_empty() {
        let sims: Vec<&OwnedSimulation> = written.iter().map(|h| &h.simulation).collect();
        db::simulations::insert_many(tx.conn(), &sims).await?;
        let entries: Vec<(&CompanyId, &Entry)> =
            written.iter().map(|h| (&h.company, &h.audit)).collect();
        db::audit::insert_many(tx.conn(), &entries).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// `e` once more, for every request of a company it refused (a plan error as it was, any
/// other as an internal error).
fn again(e: &Error) -> Error {
    match e {
        Error::PlanLimit { code, message } => Error::PlanLimit {
            code,
            message: message.clone(),
        },
        other => Error::internal(other),
    }
}

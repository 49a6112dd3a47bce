//! The job queue in Redis. Each job is a hash; ready jobs sit in a sorted set ordered by
//! priority then age, retries wait in a second set scored by their due time, leases in a
//! third scored by their expiry, and dead jobs in a list. Every move between them is one
//! Lua script, so it is atomic however many workers share the Redis.
//!
//! The scripts touch keys derived from the job id, so this queue needs a single Redis
//! server (or a primary with replicas), not Redis Cluster.

use redis::Script;
use redis::aio::ConnectionManager;

use super::{Buried, ClaimOutcome, Claimed, Depth, Fate, NewJob, QueueError, backoff};
use crate::clock::now_ms;
use crate::config::JobsConfig;

/// The Redis queue.
#[derive(Clone)]
pub struct RedisQueue {
    conn: ConnectionManager,
    prefix: String,
    config: JobsConfig,
}

/// Seconds a finished job's hash is kept for inspection.
const DONE_TTL_S: i64 = 86_400;
/// Dead jobs kept in the dead-letter list.
const DEAD_KEPT: i64 = 10_000;

const ENQUEUE: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'company', ARGV[2], 'study', ARGV[3], 'priority', ARGV[4],
           'attempts', 0, 'max_attempts', ARGV[5], 'status', 'queued', 'created', ARGV[6])
redis.call('ZADD', KEYS[2], (100 - tonumber(ARGV[4])) * 1e13 + tonumber(ARGV[6]), ARGV[1])
return 1
"#;

// KEYS: ready, delayed, leases, dead; ARGV: now, lease_ms, worker, token, job key prefix
const CLAIM: &str = r#"
local now = tonumber(ARGV[1])
local prefix = ARGV[5]
local function ready(id, h)
  local p = tonumber(redis.call('HGET', h, 'priority') or '0')
  redis.call('ZADD', KEYS[1], (100 - p) * 1e13 + now, id)
  redis.call('HSET', h, 'status', 'queued')
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', KEYS[2], id)
  ready(id, prefix .. id)
end
local buried = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. now, 'LIMIT', 0, 100)) do
  local h = prefix .. id
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', h, 'token')
  local attempts = tonumber(redis.call('HGET', h, 'attempts') or '0')
  local max = tonumber(redis.call('HGET', h, 'max_attempts') or '1')
  if attempts >= max then
    redis.call('HSET', h, 'status', 'dead', 'last_error', 'the worker stopped during the last attempt (lease expired)')
    redis.call('LPUSH', KEYS[4], id)
    table.insert(buried, id)
    table.insert(buried, redis.call('HGET', h, 'company') or '')
    table.insert(buried, redis.call('HGET', h, 'study') or '')
  else
    ready(id, h)
  end
end
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[6]))
while true do
  local popped = redis.call('ZPOPMIN', KEYS[1])
  if #popped == 0 then return {{}, buried} end
  local id = popped[1]
  local h = prefix .. id
  if redis.call('EXISTS', h) == 1 then
    local attempts = redis.call('HINCRBY', h, 'attempts', 1)
    redis.call('HSET', h, 'status', 'running', 'token', ARGV[4], 'worker', ARGV[3])
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), id)
    return {{id, redis.call('HGET', h, 'company'), redis.call('HGET', h, 'study'), tostring(attempts)}, buried}
  end
end
"#;

// KEYS: leases, job; ARGV: id, token, expiry
const HEARTBEAT: &str = r#"
if redis.call('HGET', KEYS[2], 'token') ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
"#;

// KEYS: leases, job; ARGV: id, token, ttl
const COMPLETE: &str = r#"
if redis.call('HGET', KEYS[2], 'token') ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], 'token')
redis.call('HSET', KEYS[2], 'status', 'succeeded')
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"#;

// KEYS: leases, job, delayed, dead; ARGV: id, token, run_at, error
const FAIL: &str = r#"
if redis.call('HGET', KEYS[2], 'token') ~= ARGV[2] then return -1 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], 'token')
redis.call('HSET', KEYS[2], 'last_error', ARGV[4])
local attempts = tonumber(redis.call('HGET', KEYS[2], 'attempts') or '0')
local max = tonumber(redis.call('HGET', KEYS[2], 'max_attempts') or '1')
if attempts >= max then
  redis.call('HSET', KEYS[2], 'status', 'dead')
  redis.call('LPUSH', KEYS[4], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[2], 'status', 'delayed')
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1
"#;

impl RedisQueue {
    /// A queue on `conn` with keys under `prefix`.
    pub fn new(conn: ConnectionManager, prefix: &str, config: JobsConfig) -> RedisQueue {
        RedisQueue {
            conn,
            prefix: format!("{prefix}:jobs"),
            config,
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }

    fn job_key(&self, id: &str) -> String {
        format!("{}:job:{id}", self.prefix)
    }

    /// Enqueues the job unless its hash exists.
    pub async fn enqueue_if_absent(&self, job: &NewJob) -> Result<bool, QueueError> {
        let added: i64 = Script::new(ENQUEUE)
            .key(self.job_key(&job.id))
            .key(self.key("ready"))
            .arg(&job.id)
            .arg(&job.company_id)
            .arg(&job.study_id)
            .arg(job.priority.clamp(-99, 99))
            .arg(i64::from(self.config.max_attempts))
            .arg(now_ms())
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(added == 1)
    }

    /// Promotes due retries, takes back expired leases, leases the next job.
    pub async fn claim(&self, worker: &str) -> Result<ClaimOutcome, QueueError> {
        let token = uuid::Uuid::new_v4().to_string();
        let (claimed, buried): (Vec<String>, Vec<String>) = Script::new(CLAIM)
            .key(self.key("ready"))
            .key(self.key("delayed"))
            .key(self.key("leases"))
            .key(self.key("dead"))
            .arg(now_ms())
            .arg(self.config.lease.as_millis() as i64)
            .arg(worker)
            .arg(&token)
            .arg(format!("{}:job:", self.prefix))
            .arg(DEAD_KEPT - 1)
            .invoke_async(&mut self.conn.clone())
            .await?;
        let job = match claimed.as_slice() {
            [id, company, study, attempts] => Some(Claimed {
                id: id.clone(),
                company_id: company.clone(),
                study_id: study.clone(),
                attempt: attempts.parse().unwrap_or(1),
                lease_token: token,
            }),
            _ => None,
        };
        let buried = buried
            .chunks_exact(3)
            .map(|c| Buried {
                id: c[0].clone(),
                company_id: c[1].clone(),
                study_id: c[2].clone(),
            })
            .collect();
        Ok(ClaimOutcome { job, buried })
    }

    /// Renews the lease.
    pub async fn heartbeat(&self, job: &Claimed) -> Result<bool, QueueError> {
        let ok: i64 = Script::new(HEARTBEAT)
            .key(self.key("leases"))
            .key(self.job_key(&job.id))
            .arg(&job.id)
            .arg(&job.lease_token)
            .arg(now_ms() + self.config.lease.as_millis() as i64)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(ok == 1)
    }

    /// Marks the job done.
    pub async fn complete(&self, job: &Claimed) -> Result<(), QueueError> {
        let _: i64 = Script::new(COMPLETE)
            .key(self.key("leases"))
            .key(self.job_key(&job.id))
            .arg(&job.id)
            .arg(&job.lease_token)
            .arg(DONE_TTL_S)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    /// Schedules a retry with backoff, or dead-letters after the last attempt.
    pub async fn fail(&self, job: &Claimed, error: &str) -> Result<Fate, QueueError> {
        let run_at = now_ms() + backoff(&self.config, job.attempt).as_millis() as i64;
        let fate: i64 = Script::new(FAIL)
            .key(self.key("leases"))
            .key(self.job_key(&job.id))
            .key(self.key("delayed"))
            .key(self.key("dead"))
            .arg(&job.id)
            .arg(&job.lease_token)
            .arg(run_at)
            .arg(error)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(match fate {
            1 => Fate::Retry(run_at),
            0 => Fate::Dead,
            _ => Fate::LeaseLost,
        })
    }

    /// Jobs by state.
    pub async fn depth(&self) -> Result<Depth, QueueError> {
        let (queued, running, delayed, dead): (i64, i64, i64, i64) = redis::pipe()
            .zcard(self.key("ready"))
            .zcard(self.key("leases"))
            .zcard(self.key("delayed"))
            .llen(self.key("dead"))
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(Depth {
            queued,
            running,
            delayed,
            dead,
        })
    }
}

//! Durable job queue rows. The mechanics (workers, backoff, leases) live in `jangteo-jobs`; this is
//! the SQL, with the one backend-specific statement (the claim) kept here in one place.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// Queue name (workers serve one or more queues).
    pub queue: &'a str,
    /// Handler name.
    pub kind: &'a str,
    /// JSON payload.
    pub payload: &'a str,
    /// Lower runs first.
    pub priority: i64,
    /// Not before this time.
    pub run_at: DateTime<Utc>,
    /// Attempts before the job is declared dead.
    pub max_attempts: i64,
    /// At most one job ever exists with this key (`None`: no de-duplication).
    pub dedupe_key: Option<&'a str>,
}

/// A job a worker holds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedJob {
    /// Id.
    pub id: i64,
    /// Handler name.
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// This attempt's number (1 for the first run).
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
}

/// A job as the staff jobs page shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRow {
    /// Id.
    pub id: i64,
    /// Queue.
    pub queue: String,
    /// Handler name.
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// `ready`, `running`, `done` or `dead`.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Next run (for ready jobs).
    pub run_at: DateTime<Utc>,
    /// Last failure.
    pub last_error: Option<String>,
    /// De-duplication key.
    pub dedupe_key: Option<String>,
}

/// Enqueues a job inside the caller's transaction (so it exists only if the caller's change
/// commits). Returns `None` when a job with the same `dedupe_key` already exists.
pub async fn enqueue(tx: &mut Tx, job: &NewJob<'_>, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    tx_scalar_optional!(
        tx,
        i64,
        "INSERT INTO jobs (queue, kind, payload, state, priority, run_at, attempts, max_attempts,
             dedupe_key, created_at, updated_at)
         VALUES ($1, $2, $3, 'ready', $4, $5, 0, $6, $7, $8, $8)
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id",
        job.queue,
        job.kind,
        job.payload,
        job.priority,
        job.run_at,
        job.max_attempts.max(1),
        job.dedupe_key,
        now
    )
    .context("enqueueing a job")
}

/// Claims up to `limit` due jobs of `queue` for `worker` until `lease_until`. On PostgreSQL
/// concurrent claimers skip each other's rows (`FOR UPDATE SKIP LOCKED`); on SQLite the claim
/// runs in a `BEGIN IMMEDIATE` transaction, which already excludes every other writer.
pub async fn claim(
    db: &Db,
    queue: &str,
    worker: &str,
    limit: i64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> DbResult<Vec<ClaimedJob>> {
    let mut tx = db.begin().await?;
    let claimed = match &mut tx {
        Tx::Sqlite(t) => {
            sqlx::query_as::<_, ClaimedJob>(
                "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2,
                 attempts = attempts + 1, updated_at = $3
             WHERE id IN (SELECT id FROM jobs WHERE queue = $4 AND state = 'ready' AND run_at <= $3
                          ORDER BY priority, run_at, id LIMIT $5)
             RETURNING id, kind, payload, attempts, max_attempts",
            )
            .bind(worker)
            .bind(lease_until)
            .bind(now)
            .bind(queue)
            .bind(limit)
            .fetch_all(&mut **t)
            .await
        }
        Tx::Postgres(t) => {
            sqlx::query_as::<_, ClaimedJob>(
                "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2,
                 attempts = attempts + 1, updated_at = $3
             WHERE id IN (SELECT id FROM jobs WHERE queue = $4 AND state = 'ready' AND run_at <= $3
                          ORDER BY priority, run_at, id LIMIT $5 FOR UPDATE SKIP LOCKED)
             RETURNING id, kind, payload, attempts, max_attempts",
            )
            .bind(worker)
            .bind(lease_until)
            .bind(now)
            .bind(queue)
            .bind(limit)
            .fetch_all(&mut **t)
            .await
        }
    }
    .context("claiming jobs")?;
    tx.commit().await?;
    let mut claimed = claimed;
    claimed.sort_by_key(|j| j.id);
    Ok(claimed)
}

/// Marks a job done, if `worker` still holds it. Returns false when the lease was lost (another
/// worker may be running it again: handlers are idempotent).
pub async fn complete(db: &Db, id: i64, worker: &str, now: DateTime<Utc>) -> DbResult<bool> {
    let mut tx = db.begin().await?;
    let n = tx_execute!(
        &mut tx,
        "UPDATE jobs SET state = 'done', finished_at = $1, updated_at = $1, locked_by = NULL,
             locked_until = NULL, last_error = NULL
         WHERE id = $2 AND locked_by = $3 AND state = 'running'",
        now,
        id,
        worker
    )
    .context("completing a job")?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Records a failed attempt: back to `ready` at `retry_at`, or `dead` when `retry_at` is `None`.
pub async fn fail(
    db: &Db,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let mut tx = db.begin().await?;
    let n = match retry_at {
        Some(at) => tx_execute!(
            &mut tx,
            "UPDATE jobs SET state = 'ready', run_at = $1, last_error = $2, updated_at = $3,
                 locked_by = NULL, locked_until = NULL
             WHERE id = $4 AND locked_by = $5 AND state = 'running'",
            at,
            error,
            now,
            id,
            worker
        ),
        None => tx_execute!(
            &mut tx,
            "UPDATE jobs SET state = 'dead', last_error = $1, updated_at = $2, finished_at = $2,
                 locked_by = NULL, locked_until = NULL
             WHERE id = $3 AND locked_by = $4 AND state = 'running'",
            error,
            now,
            id,
            worker
        ),
    }
    .context("recording a job failure")?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Extends the leases of the jobs `worker` runs (heartbeat).
pub async fn extend_leases(db: &Db, worker: &str, until: DateTime<Utc>) -> DbResult<u64> {
    let mut tx = db.begin().await?;
    let n = tx_execute!(
        &mut tx,
        "UPDATE jobs SET locked_until = $1 WHERE locked_by = $2 AND state = 'running'",
        until,
        worker
    )
    .context("extending job leases")?;
    tx.commit().await?;
    Ok(n)
}

/// Returns the jobs of a worker to `ready` (graceful shutdown before they finished).
pub async fn release(db: &Db, worker: &str, now: DateTime<Utc>) -> DbResult<u64> {
    let mut tx = db.begin().await?;
    let n = tx_execute!(
        &mut tx,
        "UPDATE jobs SET state = 'ready', locked_by = NULL, locked_until = NULL, updated_at = $1,
             attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
         WHERE locked_by = $2 AND state = 'running'",
        now,
        worker
    )
    .context("releasing jobs")?;
    tx.commit().await?;
    Ok(n)
}

/// Returns jobs whose lease expired (their worker died) to `ready`, or declares them dead when
/// that was their last attempt. Returns how many were recovered.
pub async fn reap_expired(db: &Db, now: DateTime<Utc>) -> DbResult<u64> {
    let mut tx = db.begin().await?;
    let dead = tx_execute!(
        &mut tx,
        "UPDATE jobs SET state = 'dead', last_error = 'lease expired on the last attempt',
             finished_at = $1, updated_at = $1, locked_by = NULL, locked_until = NULL
         WHERE state = 'running' AND locked_until < $1 AND attempts >= max_attempts",
        now
    )
    .context("burying expired jobs")?;
    let ready = tx_execute!(
        &mut tx,
        "UPDATE jobs SET state = 'ready', last_error = 'lease expired (worker stopped)',
             updated_at = $1, locked_by = NULL, locked_until = NULL
         WHERE state = 'running' AND locked_until < $1",
        now
    )
    .context("recovering expired jobs")?;
    tx.commit().await?;
    Ok(dead + ready)
}

/// Deletes jobs finished before `done_before` (done) or `dead_before` (dead).
pub async fn prune(
    db: &Db,
    done_before: DateTime<Utc>,
    dead_before: DateTime<Utc>,
) -> DbResult<u64> {
    let mut tx = db.begin().await?;
    let n = tx_execute!(
        &mut tx,
        "DELETE FROM jobs WHERE (state = 'done' AND finished_at < $1) OR (state = 'dead' AND finished_at < $2)",
        done_before,
        dead_before
    )
    .context("pruning finished jobs")?;
    tx.commit().await?;
    Ok(n)
}

/// A job by id.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<JobRow>> {
    read_optional!(
        db,
        JobRow,
        "SELECT id, queue, kind, payload, state, attempts, run_at, last_error, dedupe_key FROM jobs WHERE id = $1",
        id
    )
    .context("loading a job")
}

/// Number of jobs per state, as `(state, count)`.
pub async fn count_by_state(db: &Db) -> DbResult<Vec<(String, i64)>> {
    read_all!(
        db,
        (String, i64),
        "SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state"
    )
    .context("counting jobs")
}

/// Jobs of one queue in one unfinished state, for monitoring.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueDepth {
    /// The queue.
    pub queue: String,
    /// `ready`, `running` or `dead`.
    pub state: String,
    /// How many.
    pub jobs: i64,
    /// Of the ready ones, those due now (the rest wait for a retry or a later time).
    pub due: i64,
    /// When the longest-waiting due job became due.
    pub oldest_due_at: Option<DateTime<Utc>>,
}

/// Unfinished jobs per queue and state, with how long the oldest due job has waited.
pub async fn queue_depths(db: &Db, now: DateTime<Utc>) -> DbResult<Vec<QueueDepth>> {
    read_all!(
        db,
        QueueDepth,
        "SELECT queue, state, COUNT(*) AS jobs,
                SUM(CASE WHEN state = 'ready' AND run_at <= $1 THEN 1 ELSE 0 END) AS due,
                MIN(CASE WHEN state = 'ready' AND run_at <= $1 THEN run_at END) AS oldest_due_at
         FROM jobs WHERE state IN ('ready', 'running', 'dead')
         GROUP BY queue, state ORDER BY queue, state",
        now
    )
    .context("measuring the job queues")
}

/// A scheduler entry as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleRow {
    /// Entry name.
    pub name: String,
    /// Cron expression (Asia/Seoul).
    pub cron: String,
    /// The last tick that fired.
    pub last_fire_at: Option<DateTime<Utc>>,
    /// The next tick.
    pub next_fire_at: Option<DateTime<Utc>>,
}

/// Registers a scheduler entry; an existing one keeps its last fire time (its expression and
/// next tick are refreshed).
pub async fn register_schedule(
    tx: &mut Tx,
    name: &str,
    cron: &str,
    last_fire_at: DateTime<Utc>,
    next_fire_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO schedules (name, cron, last_fire_at, next_fire_at, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET cron = excluded.cron, next_fire_at = excluded.next_fire_at,
             updated_at = excluded.updated_at",
        name,
        cron,
        last_fire_at,
        next_fire_at,
        now
    )
    .context("registering a schedule")
    .map(|_| ())
}

/// Moves an entry's last fire time forward to `fire_at`, only if it is behind it. Returns false
/// when another worker already fired this (or a later) tick.
pub async fn advance_schedule(
    tx: &mut Tx,
    name: &str,
    fire_at: DateTime<Utc>,
    next_fire_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE schedules SET last_fire_at = $1, next_fire_at = $2, updated_at = $3
         WHERE name = $4 AND (last_fire_at IS NULL OR last_fire_at < $1)",
        fire_at,
        next_fire_at,
        now,
        name
    )
    .context("advancing a schedule")
    .map(|n| n == 1)
}

/// Every scheduler entry.
pub async fn list_schedules(db: &Db) -> DbResult<Vec<ScheduleRow>> {
    read_all!(
        db,
        ScheduleRow,
        "SELECT name, cron, last_fire_at, next_fire_at FROM schedules ORDER BY name"
    )
    .context("listing schedules")
}

/// Jobs in `state` (any when `None`), newest first.
pub async fn list(db: &Db, state: Option<&str>, limit: i64, offset: i64) -> DbResult<Vec<JobRow>> {
    read_all!(
        db,
        JobRow,
        "SELECT id, queue, kind, payload, state, attempts, run_at, last_error, dedupe_key FROM jobs
         WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2 OFFSET $3",
        state,
        limit,
        offset
    )
    .context("listing jobs")
}

/// Puts a dead job back in the queue to run now with fresh attempts; false unless it was dead.
pub async fn retry(db: &Db, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    db_execute!(
        db,
        "UPDATE jobs SET state = 'ready', attempts = 0, run_at = $2, updated_at = $2, finished_at = NULL
         WHERE id = $1 AND state = 'dead'",
        id,
        now
    )
    .context("retrying a job")
    .map(|n| n == 1)
}

/// Deletes a dead or still queued job (staff decided it must not run); false otherwise.
pub async fn discard(db: &Db, id: i64) -> DbResult<bool> {
    db_execute!(
        db,
        "DELETE FROM jobs WHERE id = $1 AND state IN ('dead', 'queued')",
        id
    )
    .context("discarding a job")
    .map(|n| n == 1)
}

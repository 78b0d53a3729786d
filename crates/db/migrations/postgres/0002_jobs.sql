-- Durable job queue (jangteo-jobs). At-least-once: a job is claimed with a lease, and returns to
-- `ready` when its worker dies. `dedupe_key` makes enqueueing idempotent (NULLs never clash).

CREATE TABLE jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue TEXT NOT NULL DEFAULT 'default',
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL CHECK (state IN ('ready', 'running', 'done', 'dead')),
    priority BIGINT NOT NULL DEFAULT 0,
    run_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 5,
    last_error TEXT,
    locked_by TEXT,
    locked_until TIMESTAMPTZ,
    dedupe_key TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key);
CREATE INDEX jobs_claim_idx ON jobs (queue, state, priority, run_at);
CREATE INDEX jobs_lease_idx ON jobs (state, locked_until);
CREATE INDEX jobs_finished_idx ON jobs (state, finished_at);

-- Scheduler state: one row per cron entry. Advancing `last_fire_at` with a conditional update in
-- the same transaction as the enqueue makes each tick fire once, whatever the number of workers.
CREATE TABLE schedules (
    name TEXT PRIMARY KEY NOT NULL,
    cron TEXT NOT NULL,
    last_fire_at TIMESTAMPTZ,
    next_fire_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);

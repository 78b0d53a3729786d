//! Login attempts, counted per scope (an account, an account's known device or address, an IP
//! address, a guest order) for throttling; every row names the account it was aimed at so that
//! the owner can clear an account's failures.

use crate::error::Context;
use crate::{Db, DbResult};
use chrono::{DateTime, Utc};

/// Records an attempt at `account` under each of `scopes`.
pub async fn record(
    db: &Db,
    account: &str,
    scopes: &[&str],
    succeeded: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    for scope in scopes {
        db_execute!(
            db,
            "INSERT INTO login_attempts (scope, account, succeeded, created_at)
             VALUES ($1, $2, $3, $4)",
            *scope,
            account,
            succeeded,
            now
        )
        .context("recording login attempt")?;
    }
    Ok(())
}

/// Failed attempts under `scope` since `since`, counting only those after the last success.
pub async fn recent_failures(db: &Db, scope: &str, since: DateTime<Utc>) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM login_attempts
         WHERE scope = $1 AND succeeded = FALSE AND created_at > $2
           AND created_at > COALESCE((SELECT MAX(created_at) FROM login_attempts
                                      WHERE scope = $1 AND succeeded = TRUE), $2)",
        scope,
        since
    )
    .context("counting failed logins")
}

/// Whether anything under `scope` logged in successfully since `since`.
pub async fn has_succeeded(db: &Db, scope: &str, since: DateTime<Utc>) -> DbResult<bool> {
    read_scalar!(
        db,
        bool,
        "SELECT EXISTS (SELECT 1 FROM login_attempts
                        WHERE scope = $1 AND succeeded = TRUE AND created_at > $2)",
        scope,
        since
    )
    .context("finding a past login")
}

/// Deletes every failed attempt aimed at `account` (the owner unlocking it); returns how many.
pub async fn clear_failures(db: &Db, account: &str) -> DbResult<u64> {
    db_execute!(
        db,
        "DELETE FROM login_attempts WHERE account = $1 AND succeeded = FALSE",
        account
    )
    .context("clearing failed logins")
}

/// Deletes failures older than `failures_before` and successes older than `successes_before`
/// (successes are kept longer: they make a device or address known).
pub async fn prune(
    db: &Db,
    failures_before: DateTime<Utc>,
    successes_before: DateTime<Utc>,
) -> DbResult<u64> {
    db_execute!(
        db,
        "DELETE FROM login_attempts
         WHERE (succeeded = FALSE AND created_at < $1) OR created_at < $2",
        failures_before,
        successes_before
    )
    .context("pruning login attempts")
}

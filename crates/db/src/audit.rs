//! The audit log: every back-office change and every view or export of personal data. Rows are
//! only ever inserted (the database refuses UPDATE and DELETE with a trigger).

use crate::error::Context;
use crate::{Db, DbResult, SqlBuilder, Tx};
use chrono::{DateTime, Utc};

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    /// Id (also the order of events).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none for the system or a failed login of an unknown account).
    pub staff_id: Option<i64>,
    /// Their e-mail at the time.
    pub staff_email: String,
    /// From which address.
    pub ip: String,
    /// What (`order.ship`, `member.view`, `staff.login_failed`, …).
    pub action: String,
    /// On what kind of thing.
    pub target_type: String,
    /// Which one.
    pub target_id: String,
    /// Key fields before (JSON).
    pub before_data: Option<String>,
    /// Key fields after (JSON).
    pub after_data: Option<String>,
    /// The reason given (required for personal-data views and exports).
    pub reason: String,
}

/// An entry to write.
#[derive(Debug, Clone, Default)]
pub struct NewAudit<'a> {
    /// Who.
    pub staff_id: Option<i64>,
    /// Their e-mail.
    pub staff_email: &'a str,
    /// From where.
    pub ip: &'a str,
    /// What.
    pub action: &'a str,
    /// Kind of target.
    pub target_type: &'a str,
    /// Target id.
    pub target_id: &'a str,
    /// Before (JSON).
    pub before: Option<String>,
    /// After (JSON).
    pub after: Option<String>,
    /// Reason.
    pub reason: &'a str,
}

/// Writes an entry inside the change's own transaction (the change and its record commit
/// together or not at all).
pub async fn record(tx: &mut Tx, e: &NewAudit<'_>, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO audit_log (at, staff_id, staff_email, ip, action, target_type, target_id,
             before_data, after_data, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        now,
        e.staff_id,
        e.staff_email,
        e.ip,
        e.action,
        e.target_type,
        e.target_id,
        e.before.as_deref(),
        e.after.as_deref(),
        e.reason
    )
    .context("writing audit entry")
    .map(|_| ())
}

/// Search filters (empty = any).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Staff e-mail (exact).
    pub staff_email: String,
    /// Action prefix (`order.` finds every order action).
    pub action_prefix: String,
    /// Target type.
    pub target_type: String,
    /// Target id.
    pub target_id: String,
    /// From (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until (exclusive).
    pub until: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "SELECT id, at, staff_id, staff_email, ip, action, target_type, target_id, \
     before_data, after_data, reason FROM audit_log";

fn filtered(base: &'static str, f: &AuditFilter) -> SqlBuilder {
    let mut q = SqlBuilder::new(base);
    q.push(" WHERE 1 = 1");
    if !f.staff_email.is_empty() {
        q.push(" AND staff_email = ").bind_text(&f.staff_email);
    }
    if !f.action_prefix.is_empty() {
        // Prefix match without LIKE wildcards from the user: compare the leading characters.
        q.push(" AND substr(action, 1, CAST(")
            .bind_int(i64::try_from(f.action_prefix.chars().count()).unwrap_or(0))
            .push(" AS INTEGER)) = ")
            .bind_text(&f.action_prefix);
    }
    if !f.target_type.is_empty() {
        q.push(" AND target_type = ").bind_text(&f.target_type);
    }
    if !f.target_id.is_empty() {
        q.push(" AND target_id = ").bind_text(&f.target_id);
    }
    if let Some(from) = f.from {
        q.push(" AND at >= ").bind_time(from);
    }
    if let Some(until) = f.until {
        q.push(" AND at < ").bind_time(until);
    }
    q
}

/// Entries matching `f`, newest first, and their number.
pub async fn search(
    db: &Db,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<AuditRow>, i64)> {
    let mut q = filtered(COLUMNS, f);
    q.push(" ORDER BY id DESC LIMIT ")
        .bind_int(limit)
        .push(" OFFSET ")
        .bind_int(offset);
    let rows = read_dynamic!(db, AuditRow, &q, fetch_all).context("searching audit log")?;
    let count = filtered("SELECT COUNT(*) FROM audit_log", f);
    let total = read_dynamic_scalar!(db, i64, &count).context("counting audit entries")?;
    Ok((rows, total))
}

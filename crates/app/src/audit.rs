//! The audit log: entries written in their own transaction, the log page and its CSV.

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};

impl App {
    /// Writes an audit entry in its own transaction (views, exports, and changes made through
    /// repository calls without a transaction; others write theirs inside the change's
    /// transaction with [`jangteo_db::audit::record`]).
    pub async fn audit_event(
        &self,
        actor: &StaffActor,
        action: &str,
        target_type: &str,
        target_id: &str,
        reason: &str,
    ) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                reason,
                ..actor.entry(action, target_type, target_id)
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The audit log, newest first.
    pub async fn audit_log(
        &self,
        actor: &StaffActor,
        filter: &audit::AuditFilter,
        page: u32,
        size: u32,
    ) -> AppResult<jangteo_core::paging::Paged<audit::AuditRow>> {
        actor.require(Area::Audit, Access::Read)?;
        let request = jangteo_core::paging::PageRequest::new(page, size);
        let (items, total) =
            audit::search(&self.db, filter, request.limit(), request.offset()).await?;
        Ok(jangteo_core::paging::Paged::counted(items, total, request))
    }

    /// The matching audit entries (newest first, at most 100,000) as CSV with a UTF-8 BOM so
    /// Excel opens the Korean text correctly. The export itself is audited.
    pub async fn audit_csv(
        &self,
        actor: &StaffActor,
        filter: &audit::AuditFilter,
    ) -> AppResult<Vec<u8>> {
        actor.require(Area::Audit, Access::Read)?;
        let (rows, _) = audit::search(&self.db, filter, 100_000, 0).await?;
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let csv_error = AppError::export::<csv::Error>("CSV");
        out.write_record([
            "id",
            "at_kst",
            "staff",
            "ip",
            "action",
            "target_type",
            "target_id",
            "before",
            "after",
            "reason",
        ])
        .map_err(csv_error)?;
        for r in &rows {
            let safe = |s: &str| crate::sheets::defused(s).into_owned();
            out.write_record([
                r.id.to_string(),
                jangteo_core::time::format_kst(r.at),
                safe(&r.staff_email),
                safe(&r.ip),
                safe(&r.action),
                safe(&r.target_type),
                safe(&r.target_id),
                safe(r.before_data.as_deref().unwrap_or_default()),
                safe(r.after_data.as_deref().unwrap_or_default()),
                safe(&r.reason),
            ])
            .map_err(csv_error)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::export("CSV")(e.into_error()))?;
        let described = serde_json::json!({
            "staff": filter.staff_email, "action": filter.action_prefix, "target": filter.target_id,
            "rows": rows.len(),
        })
        .to_string();
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(described),
                ..actor.entry("audit.export", "audit", "")
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}

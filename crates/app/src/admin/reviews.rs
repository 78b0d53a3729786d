//! Reviews in the back office (issue 17): the list, hiding with a reason and showing again, the
//! shop's reply (inquiries role), and the review rules (marketing role); all audited.

use crate::auth::StaffActor;
use crate::reviews::POLICY_KEY;
use crate::{App, AppError, AppResult};
use jangteo_core::member::required_text;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::reviews::{ReviewPolicy, ReviewPolicyFields};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
pub use jangteo_db::review_admin::{AdminReviewRow, ReviewFilter};
use jangteo_db::{review_admin, settings};

/// Reviews per back-office page.
const PAGE_SIZE: u32 = 20;
/// Longest reason or reply.
const MAX_NOTE_CHARS: usize = 1_000;

impl App {
    /// A page of reviews (inquiries, read).
    pub async fn admin_reviews(
        &self,
        actor: &StaffActor,
        filter: ReviewFilter,
        page: u32,
    ) -> AppResult<Paged<AdminReviewRow>> {
        actor.require(Area::Inquiries, Access::Read)?;
        let request = PageRequest::new(page.max(1), PAGE_SIZE);
        let (rows, total) =
            review_admin::list(&self.db, filter, request.limit(), request.offset()).await?;
        Ok(Paged::counted(rows, total, request))
    }

    /// One review (inquiries, read).
    pub async fn admin_review(&self, actor: &StaffActor, id: i64) -> AppResult<AdminReviewRow> {
        actor.require(Area::Inquiries, Access::Read)?;
        review_admin::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Hides a review from the product page with a reason (required), or shows it again when
    /// `reason` is none (inquiries, write); the product's rating follows; audited.
    pub async fn set_review_hidden(
        &self,
        actor: &StaffActor,
        id: i64,
        reason: Option<&str>,
    ) -> AppResult<()> {
        actor.require(Area::Inquiries, Access::Write)?;
        let reason = reason
            .map(|r| required_text(r, MAX_NOTE_CHARS))
            .transpose()
            .map_err(|e| AppError::field("reason", e.code()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !review_admin::set_hidden(&mut tx, id, reason.as_deref(), now).await? {
            return Err(AppError::NotFound);
        }
        let target = id.to_string();
        let action = if reason.is_some() {
            "reviews.hide"
        } else {
            "reviews.show"
        };
        let entry = NewAudit {
            after: reason.clone(),
            ..actor.entry(action, "review", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }

    /// Sets the shop's reply shown under the review (empty removes it; inquiries, write);
    /// audited.
    pub async fn reply_to_review(&self, actor: &StaffActor, id: i64, reply: &str) -> AppResult<()> {
        actor.require(Area::Inquiries, Access::Write)?;
        let reply = reply.trim();
        if reply.chars().count() > MAX_NOTE_CHARS {
            return Err(AppError::field("reply", "too_long"));
        }
        let reply = (!reply.is_empty()).then_some(reply);
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !review_admin::set_reply(&mut tx, id, reply, now).await? {
            return Err(AppError::NotFound);
        }
        let target = id.to_string();
        let entry = NewAudit {
            after: reply.map(str::to_owned),
            ..actor.entry("reviews.reply", "review", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }

    /// Sets the review rules from typed values (marketing, write); every problem at once;
    /// audited.
    pub async fn set_review_policy(
        &self,
        actor: &StaffActor,
        fields: &ReviewPolicyFields<'_>,
    ) -> AppResult<ReviewPolicy> {
        actor.require(Area::Marketing, Access::Write)?;
        let before = self.review_policy().await?;
        let policy = ReviewPolicy::typed(fields).map_err(AppError::Form)?;
        let json = serde_json::to_string(&policy).map_err(|e| AppError::Other(e.to_string()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, POLICY_KEY, &json, now).await?;
        let entry = NewAudit {
            before: serde_json::to_string(&before).ok(),
            after: Some(json),
            ..actor.entry("reviews.policy", "settings", POLICY_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(policy)
    }
}

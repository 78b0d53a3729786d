//! The owner's limits on gift-card purchases (core `gift_limits` owns the rule): kept in the
//! shop settings, checked when a gift-card order is placed, each refusal recorded for staff.

use crate::auth::StaffActor;
use crate::identity::IdentityProof;
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::gift_limits::{
    GiftCardAttempt, GiftCardHistory, GiftCardLimits, check_gift_card_limits,
};
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::{business_date, start_of_business_day};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::gift_limits::{self, RefusalRow};
use jangteo_db::settings;

/// Settings key: the limits as JSON.
const LIMITS_KEY: &str = "pins.limits";

/// The limits as typed in the settings form.
#[derive(Debug, Clone, Default)]
pub struct GiftCardLimitsInput {
    /// Members only.
    pub members_only: bool,
    /// Amounts as typed (empty or 0: no cap).
    pub daily_unverified: String,
    /// …
    pub daily_verified: String,
    /// …
    pub monthly_unverified: String,
    /// …
    pub monthly_verified: String,
    /// …
    pub first_purchase: String,
    /// Hours as typed.
    pub new_member_wait_hours: String,
    /// Deposits from the verified name only.
    pub depositor_must_match: bool,
}

/// A purchase of gift cards about to be placed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GiftCardPurchase<'a> {
    /// The buyer (`None`: a guest).
    pub member_id: Option<i64>,
    /// The order's total.
    pub amount: Won,
    /// The depositor named for a bank deposit.
    pub depositor: Option<&'a str>,
    /// The buyer's 본인인증 in this session.
    pub identity: Option<&'a IdentityProof>,
}

fn typed_amount(raw: &str, field: &'static str) -> AppResult<Won> {
    match crate::catalog::product_form::typed_won(raw) {
        Ok(v) => Ok(Won(v.unwrap_or(0))),
        Err(_) => Err(AppError::field(field, "invalid_price")),
    }
}

impl App {
    /// The owner's limits (sane defaults until set).
    pub async fn gift_card_limits(&self) -> AppResult<GiftCardLimits> {
        Ok(settings::get(&self.db, LIMITS_KEY)
            .await?
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default())
    }

    /// Sets the limits (shop settings, write); audited.
    pub async fn set_gift_card_limits(
        &self,
        actor: &StaffActor,
        input: &GiftCardLimitsInput,
    ) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let hours = match input.new_member_wait_hours.trim() {
            "" => 0,
            typed => typed
                .parse::<i64>()
                .ok()
                .filter(|h| (0..=8_760).contains(h))
                .ok_or(AppError::field("new_member_wait_hours", "invalid_hours"))?,
        };
        let limits = GiftCardLimits {
            members_only: input.members_only,
            daily_unverified: typed_amount(&input.daily_unverified, "daily_unverified")?,
            daily_verified: typed_amount(&input.daily_verified, "daily_verified")?,
            monthly_unverified: typed_amount(&input.monthly_unverified, "monthly_unverified")?,
            monthly_verified: typed_amount(&input.monthly_verified, "monthly_verified")?,
            first_purchase: typed_amount(&input.first_purchase, "first_purchase")?,
            new_member_wait_hours: hours,
            depositor_must_match: input.depositor_must_match,
        };
        let stored = serde_json::to_string(&limits).map_err(|e| AppError::Other(e.to_string()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, LIMITS_KEY, &stored, now).await?;
        let entry = NewAudit {
            after: Some(stored.clone()),
            ..actor.entry("settings.gift_card_limits", "settings", LIMITS_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The member's gift-card history as the limits read it.
    async fn gift_card_history(&self, member_id: i64) -> AppResult<GiftCardHistory> {
        let now = self.now();
        let today = business_date(now);
        let month_start = chrono::Datelike::with_day0(&today, 0).unwrap_or(today);
        let (spent_today, spent_this_month, earlier_orders) = gift_limits::history(
            &self.db,
            member_id,
            start_of_business_day(today),
            start_of_business_day(month_start),
        )
        .await?;
        let joined = jangteo_db::members::find(&self.db, member_id)
            .await?
            .map_or(now, |m| m.created_at);
        Ok(GiftCardHistory {
            member_for_hours: (now - joined).num_hours(),
            spent_today: Won(spent_today),
            spent_this_month: Won(spent_this_month),
            earlier_orders,
        })
    }

    /// Refuses a gift-card purchase over the owner's limits, recording the refusal for staff.
    pub(crate) async fn check_gift_card_purchase(
        &self,
        purchase: GiftCardPurchase<'_>,
    ) -> AppResult<()> {
        let limits = self.gift_card_limits().await?;
        let member = match purchase.member_id {
            Some(id) => Some(self.gift_card_history(id).await?),
            None => None,
        };
        let verified = self
            .session_identity(purchase.identity, purchase.member_id)
            .await?;
        let attempt = GiftCardAttempt {
            member,
            verified_name: verified.as_ref().map(|v| v.name.as_str()),
            amount: purchase.amount,
            depositor: purchase.depositor,
        };
        let Err(refusal) = check_gift_card_limits(&limits, &attempt) else {
            return Ok(());
        };
        let mut tx = self.db.begin().await?;
        let (member_id, amount) = (purchase.member_id, purchase.amount.get());
        gift_limits::record_refusal(&mut tx, member_id, amount, refusal.code(), self.now()).await?;
        tx.commit().await?;
        tracing::warn!(member = ?member_id, amount, reason = refusal.code(), "gift-card purchase refused by the limits");
        Err(AppError::Conflict(refusal.code()))
    }

    /// The latest refused gift-card purchases (shop settings, read) and how many there are.
    pub async fn gift_card_refusals(
        &self,
        actor: &StaffActor,
        limit: i64,
    ) -> AppResult<(Vec<RefusalRow>, i64)> {
        actor.require(Area::Settings, Access::Read)?;
        Ok(gift_limits::refusals(&self.db, limit, 0).await?)
    }
}

//! The owner's limits on gift-card purchases (core `gift_limits` owns the rule): kept in the
//! shop settings, checked when a gift-card order is placed, each refusal recorded for staff.

use crate::auth::StaffActor;
use crate::identity::IdentityProof;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::gift_limits::{
    GiftCardAttempt, GiftCardHistory, GiftCardLimits, LimitRefusal, check_gift_card_limits,
};
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::{business_date, start_of_business_day};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::gift_limits::{self, RefusalRow};
use jangteo_db::{Tx, settings};

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
    /// The checkout form's token (a double-clicked submit is not counted against itself).
    pub checkout_token: &'a str,
}

/// A purchase as the limits read it, kept to check again inside the order's transaction,
/// where the member's history is read under a lock (two checkouts at once cannot both fit
/// under a cap meant for one).
#[derive(Debug, Clone)]
pub(crate) struct GiftCardRecheck {
    limits: GiftCardLimits,
    /// The member and when they signed up (`None`: a guest).
    member: Option<(i64, DateTime<Utc>)>,
    verified_name: Option<String>,
    amount: Won,
    depositor: Option<String>,
    checkout_token: String,
}

impl GiftCardRecheck {
    /// The limits' verdict on this purchase given the member's (today, month, paid) history.
    fn verdict(
        &self,
        history: Option<(i64, i64, i64)>,
        now: DateTime<Utc>,
    ) -> Result<(), LimitRefusal> {
        let member = self
            .member
            .zip(history)
            .map(|((_, joined), (today, month, paid))| GiftCardHistory {
                member_for_hours: (now - joined).num_hours(),
                spent_today: Won(today),
                spent_this_month: Won(month),
                earlier_orders: paid,
            });
        let attempt = GiftCardAttempt {
            member,
            verified_name: self.verified_name.as_deref(),
            amount: self.amount,
            depositor: self.depositor.as_deref(),
        };
        check_gift_card_limits(&self.limits, &attempt)
    }

    /// The verdict again, with the member's history read in `tx` under a lock on their row.
    pub(crate) async fn verdict_in(
        &self,
        tx: &mut Tx,
        now: DateTime<Utc>,
    ) -> AppResult<Result<(), LimitRefusal>> {
        let Some((member_id, _)) = self.member else {
            return Ok(self.verdict(None, now));
        };
        let periods = limit_periods(now);
        let history =
            gift_limits::history_locked(tx, member_id, periods, &self.checkout_token).await?;
        Ok(self.verdict(Some(history), now))
    }
}

/// The starts of today and of this month (Korean calendar), which the caps count from.
fn limit_periods(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let today = business_date(now);
    let month_start = chrono::Datelike::with_day0(&today, 0).unwrap_or(today);
    (
        start_of_business_day(today),
        start_of_business_day(month_start),
    )
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
        if let Some((field, code)) = limits.contradiction() {
            return Err(AppError::field(field, code));
        }
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

    /// Refuses a gift-card purchase over the owner's limits, recording the refusal for staff;
    /// what it returns checks a member's purchase again inside the order's transaction.
    pub(crate) async fn check_gift_card_purchase(
        &self,
        purchase: GiftCardPurchase<'_>,
    ) -> AppResult<Option<GiftCardRecheck>> {
        let now = self.now();
        let verified = self
            .session_identity(purchase.identity, purchase.member_id)
            .await?;
        let mut recheck = GiftCardRecheck {
            limits: self.gift_card_limits().await?,
            member: None,
            verified_name: verified.map(|v| v.name),
            amount: purchase.amount,
            depositor: purchase.depositor.map(str::to_owned),
            checkout_token: purchase.checkout_token.to_owned(),
        };
        let history = match purchase.member_id {
            Some(id) => {
                let joined = jangteo_db::members::find(&self.db, id)
                    .await?
                    .map_or(now, |m| m.created_at);
                recheck.member = Some((id, joined));
                let periods = limit_periods(now);
                let token = purchase.checkout_token;
                Some(gift_limits::history(&self.db, id, periods, token).await?)
            }
            None => None,
        };
        match recheck.verdict(history, now) {
            Ok(()) => Ok(recheck.member.is_some().then_some(recheck)),
            Err(refusal) => Err(self.refuse_gift_card(&recheck, refusal).await),
        }
    }

    /// The order's transaction back when the purchase still fits the limits read inside it
    /// (`recheck`: `None` for orders without gift cards and guests); a refusal ends it.
    pub(crate) async fn still_within_limits(
        &self,
        mut tx: Tx,
        recheck: Option<&GiftCardRecheck>,
        now: DateTime<Utc>,
    ) -> AppResult<Tx> {
        let Some(recheck) = recheck else {
            return Ok(tx);
        };
        match recheck.verdict_in(&mut tx, now).await? {
            Ok(()) => Ok(tx),
            Err(refusal) => {
                // The refusal is recorded in a transaction of its own, after this one ends.
                drop(tx);
                Err(self.refuse_gift_card(recheck, refusal).await)
            }
        }
    }

    /// Records a refused purchase and the error the buyer sees.
    pub(crate) async fn refuse_gift_card(
        &self,
        recheck: &GiftCardRecheck,
        refusal: LimitRefusal,
    ) -> AppError {
        let member_id = recheck.member.map(|(id, _)| id);
        let amount = recheck.amount.get();
        let recorded = async {
            let mut tx = self.db.begin().await?;
            gift_limits::record_refusal(&mut tx, member_id, amount, refusal.code(), self.now())
                .await?;
            tx.commit().await?;
            AppResult::Ok(())
        };
        if let Err(e) = recorded.await {
            return e;
        }
        tracing::warn!(member = ?member_id, amount, reason = refusal.code(), "gift-card purchase refused by the limits");
        AppError::Conflict(refusal.code())
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

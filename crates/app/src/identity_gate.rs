//! What a purchase asks of the buyer's 본인인증 (issue 16): gift cards when the owner asks it
//! (voice-phishing and stolen cards favour them), goods sold to adults only always (청소년보호법:
//! a verified adult in this session). One check for the checkout page and for placing the order.

use crate::auth::StaffActor;
use crate::cart::CartLineView;
use crate::identity::IdentityProof;
use crate::{App, AppError, AppResult};
use jangteo_core::digital::ProductKind;
use jangteo_core::identity::{IdentityNeeds, check_identity};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::settings;

/// Settings key: gift cards are sold only after 본인인증 (`on`).
const GIFT_CARDS_KEY: &str = "pins.identity_required";

impl App {
    /// Whether gift cards are sold only after 본인인증 (off until the owner asks it, as buyers
    /// cannot verify before a 본인인증 channel is connected).
    pub async fn gift_cards_need_identity(&self) -> AppResult<bool> {
        Ok(settings::get(&self.db, GIFT_CARDS_KEY).await?.as_deref() == Some("on"))
    }

    /// Sets it (shop settings, write; on only with a 본인인증 channel); audited.
    pub async fn set_gift_cards_need_identity(
        &self,
        actor: &StaffActor,
        on: bool,
    ) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        if on && !self.identity_available().await? {
            return Err(AppError::Conflict("identity_unavailable"));
        }
        let now = self.now();
        let value = if on { "on" } else { "off" };
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, GIFT_CARDS_KEY, value, now).await?;
        let entry = NewAudit {
            after: Some(serde_json::json!({ "identity_required": on }).to_string()),
            ..actor.entry("settings.gift_card_identity", "settings", GIFT_CARDS_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the ordered lines ask of the buyer.
    pub async fn identity_needs(&self, views: &[CartLineView]) -> AppResult<IdentityNeeds> {
        let mut ordered = crate::checkout::ordered_lines(views);
        let codes = ordered.clone().any(|v| v.kind == ProductKind::PinCodes);
        Ok(IdentityNeeds {
            gift_cards: codes && self.gift_cards_need_identity().await?,
            adults_only: ordered.any(|v| v.adult_only),
        })
    }

    /// Refuses when the buyer's verification in this session (`proof`) does not meet `needs`.
    pub async fn check_buyer_identity(
        &self,
        needs: IdentityNeeds,
        proof: Option<&IdentityProof>,
        member_id: Option<i64>,
    ) -> AppResult<()> {
        if !needs.any() {
            return Ok(());
        }
        let verified = self.session_identity(proof, member_id).await?;
        let today = jangteo_core::time::business_date(self.now());
        check_identity(needs, verified.map(|v| v.birth_date), today)
            .map_err(|refusal| AppError::Conflict(refusal.code()))
    }
}

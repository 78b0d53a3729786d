//! Free-gift rules in the back office (issue 17): "spend at least X" or "buy product P" earns
//! gift G while its stock lasts (checkout already applies them). Marketing area; audited.

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::coupons::MAX_AMOUNT;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
pub use jangteo_db::gift_admin::GiftRuleAdminRow;
use jangteo_db::gift_admin::{self, GiftRuleInput};

/// A rule as typed in the back office.
#[derive(Debug, Clone, Default)]
pub struct GiftRuleForm {
    /// Name staff and shoppers see ("7만원 이상 구매 시 양말 증정").
    pub name: String,
    /// `spend` or `product`.
    pub condition: String,
    /// The least spent on goods, for `spend` ("70,000").
    pub min_spend: String,
    /// The product bought, by number or address, for `product`.
    pub buy_product: String,
    /// The gift's SKU code.
    pub gift_sku: String,
}

impl App {
    /// Every free-gift rule with its gift's stock and how many were given (marketing, read).
    pub async fn admin_gift_rules(&self, actor: &StaffActor) -> AppResult<Vec<GiftRuleAdminRow>> {
        actor.require(Area::Marketing, Access::Read)?;
        Ok(gift_admin::list(&self.db).await?)
    }

    /// One rule (marketing, read).
    pub async fn admin_gift_rule(
        &self,
        actor: &StaffActor,
        id: i64,
    ) -> AppResult<GiftRuleAdminRow> {
        actor.require(Area::Marketing, Access::Read)?;
        gift_admin::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// `form` checked, every problem at once: (name, gift SKU, threshold, product).
    async fn checked_gift_rule(
        &self,
        form: &GiftRuleForm,
    ) -> AppResult<(String, i64, Option<i64>, Option<i64>)> {
        let mut errors = crate::field_errors::FieldErrors::default();
        let name = errors.check("name", jangteo_core::member::required_text(&form.name, 60));
        let sku_code = form.gift_sku.trim().to_uppercase();
        let gift = jangteo_db::catalog::stock::sku_id_by_code(&self.db, &sku_code).await?;
        if gift.is_none() {
            errors.add("gift_sku", "gift_sku_unknown");
        }
        let (mut min_spend, mut product) = (None, None);
        if form.condition == "product" {
            match self.typed_products(&form.buy_product).await?.as_deref() {
                Some([one]) => product = Some(*one),
                _ => errors.add("buy_product", "gift_product_one"),
            }
        } else {
            match jangteo_core::money::parse_typed_amount(&form.min_spend) {
                Ok(Some(n)) if (1..=MAX_AMOUNT).contains(&n) => min_spend = Some(n),
                _ => errors.add("min_spend", "gift_min_spend"),
            }
        }
        errors.finish()?;
        match (name, gift) {
            (Some(name), Some(gift)) => Ok((name, gift, min_spend, product)),
            _ => Err(AppError::Invalid("gift rule form".into())),
        }
    }

    /// Creates (`id` none) or changes a rule (marketing, write); audited. Its id.
    pub async fn save_gift_rule(
        &self,
        actor: &StaffActor,
        id: Option<i64>,
        form: &GiftRuleForm,
    ) -> AppResult<i64> {
        actor.require(Area::Marketing, Access::Write)?;
        let (name, gift_sku_id, min_spend, buy_product_id) = self.checked_gift_rule(form).await?;
        let input = GiftRuleInput {
            name: &name,
            gift_sku_id,
            min_spend,
            buy_product_id,
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let saved = match id {
            Some(id) if gift_admin::update(&mut tx, id, &input, now).await? => id,
            Some(_) => return Err(AppError::NotFound),
            None => gift_admin::insert(&mut tx, &input, now).await?,
        };
        let after = serde_json::json!({
            "name": name, "gift_sku": gift_sku_id, "min_spend": min_spend, "product": buy_product_id,
        });
        let target = saved.to_string();
        let entry = NewAudit {
            after: Some(after.to_string()),
            ..actor.entry("gifts.save", "gift_rule", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Stops or resumes a rule (marketing, write); audited.
    pub async fn set_gift_rule_active(
        &self,
        actor: &StaffActor,
        id: i64,
        active: bool,
    ) -> AppResult<()> {
        actor.require(Area::Marketing, Access::Write)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !gift_admin::set_active(&mut tx, id, active, now).await? {
            return Err(AppError::NotFound);
        }
        let action = if active { "gifts.resume" } else { "gifts.stop" };
        let target = id.to_string();
        audit::record(&mut tx, &actor.entry(action, "gift_rule", &target), now).await?;
        tx.commit().await?;
        Ok(())
    }
}

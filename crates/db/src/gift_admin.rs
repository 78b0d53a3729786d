//! Free-gift rules as the back office keeps them (issue 17): the list with each rule's gift,
//! its stock and how many were given, create, edit, stop and resume.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A free-gift rule with its gift and how often it was given.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GiftRuleAdminRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Spend threshold (`None` for a product rule).
    pub min_spend: Option<i64>,
    /// The product whose purchase earns the gift.
    pub buy_product_id: Option<i64>,
    /// That product's address.
    pub buy_product_slug: Option<String>,
    /// The gift's SKU code.
    pub gift_sku_code: String,
    /// The gift's product name.
    pub gift_name: String,
    /// The gift's stock.
    pub gift_stock: i64,
    /// Switched on.
    pub is_active: bool,
    /// Gifts given with orders that were not cancelled.
    pub given: i64,
}

/// A rule as the owner typed it (checked by the app).
#[derive(Debug, Clone)]
pub struct GiftRuleInput<'a> {
    /// Name.
    pub name: &'a str,
    /// The gift's SKU.
    pub gift_sku_id: i64,
    /// Spend threshold.
    pub min_spend: Option<i64>,
    /// The product whose purchase earns the gift.
    pub buy_product_id: Option<i64>,
}

const SELECT: &str =
    "SELECT r.id, r.name, r.min_spend, r.buy_product_id, bp.slug AS buy_product_slug,
     s.code AS gift_sku_code, gp.name AS gift_name, s.stock AS gift_stock, r.is_active,
     (SELECT CAST(COALESCE(SUM(l.quantity - l.quantity_cancelled), 0) AS BIGINT)
      FROM order_lines l WHERE l.gift_rule_id = r.id) AS given
     FROM gift_rules r JOIN skus s ON s.id = r.gift_sku_id JOIN products gp ON gp.id = s.product_id
     LEFT JOIN products bp ON bp.id = r.buy_product_id";

/// Every rule, switched-on first then newest.
pub async fn list(db: &Db) -> DbResult<Vec<GiftRuleAdminRow>> {
    read_all!(
        db,
        GiftRuleAdminRow,
        sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY r.is_active DESC, r.id DESC"))
    )
    .context("listing gift rules for staff")
}

/// One rule.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<GiftRuleAdminRow>> {
    read_optional!(
        db,
        GiftRuleAdminRow,
        sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")),
        id
    )
    .context("loading gift rule")
}

/// Creates a rule (switched on); its id.
pub async fn insert(tx: &mut Tx, r: &GiftRuleInput<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    crate::promotions::insert_gift_rule(
        tx,
        r.name,
        r.gift_sku_id,
        r.min_spend,
        r.buy_product_id,
        now,
    )
    .await
}

/// Changes rule `id`; false when there is none.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    r: &GiftRuleInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE gift_rules SET name = $2, gift_sku_id = $3, min_spend = $4, buy_product_id = $5,
             updated_at = $6 WHERE id = $1",
        id,
        r.name,
        r.gift_sku_id,
        r.min_spend,
        r.buy_product_id,
        now
    )
    .context("changing gift rule")
    .map(|n| n > 0)
}

/// Stops or resumes rule `id`; false when there is none.
pub async fn set_active(tx: &mut Tx, id: i64, active: bool, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE gift_rules SET is_active = $2, updated_at = $3 WHERE id = $1",
        id,
        active,
        now
    )
    .context("switching gift rule")
    .map(|n| n > 0)
}

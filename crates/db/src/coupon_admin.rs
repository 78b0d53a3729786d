//! Coupons as the back office keeps them (issue 17): the list with how each is used, one
//! coupon's redemptions, create, edit, stop and resume; the usage report over a period.

use crate::error::Context;
use crate::promotions::{COUPON_COLUMNS, CouponRow};
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A coupon as the owner typed it (checked by the app).
#[derive(Debug, Clone)]
pub struct CouponInput<'a> {
    /// The code shoppers type (upper case), or none for coupons only issued to members.
    pub code: Option<&'a str>,
    /// Name.
    pub name: &'a str,
    /// `fixed` or `percent`.
    pub kind: &'a str,
    /// Fixed amount.
    pub amount: i64,
    /// Rate in basis points.
    pub rate_bp: i64,
    /// Cap of a percent coupon.
    pub max_discount: Option<i64>,
    /// Minimum eligible amount.
    pub min_order: i64,
    /// `all`, `products` or `categories`.
    pub scope: &'a str,
    /// Comma-separated ids for the scope.
    pub scope_ids: &'a str,
    /// Comma-separated ids of products it never applies to.
    pub excluded_product_ids: &'a str,
    /// Usable from.
    pub valid_from: DateTime<Utc>,
    /// Usable until (exclusive).
    pub valid_until: DateTime<Utc>,
    /// Uses per member.
    pub per_member_limit: i64,
    /// Issued to every new member at sign-up.
    pub issue_on_signup: bool,
    /// Issued to a member when their first order is paid.
    pub issue_after_first_purchase: bool,
    /// Issued every year on the member's birthday.
    pub issue_on_birthday: bool,
    /// Adds to the grade discount.
    pub combines_with_grade: bool,
}

/// A coupon with how it is used.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CouponUsageRow {
    /// The coupon.
    #[sqlx(flatten)]
    pub coupon: CouponRow,
    /// Members it was issued to.
    pub issued: i64,
    /// Orders that used it (cancelled ones do not count).
    pub used: i64,
    /// What it took off those orders.
    pub discount: i64,
}

/// An order that used a coupon.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RedemptionRow {
    /// The order's number.
    pub order_number: String,
    /// The member's e-mail.
    pub member_email: String,
    /// What it took off.
    pub amount: i64,
    /// Given back (the order was cancelled).
    pub released: bool,
    /// When.
    pub created_at: DateTime<Utc>,
}

const USAGE: &str = "(SELECT COUNT(*) FROM member_coupons mc WHERE mc.coupon_id = c.id) AS issued,
     (SELECT COUNT(*) FROM coupon_redemptions r WHERE r.coupon_id = c.id AND r.released_at IS NULL) AS used,
     (SELECT CAST(COALESCE(SUM(r.amount), 0) AS BIGINT) FROM coupon_redemptions r
      WHERE r.coupon_id = c.id AND r.released_at IS NULL) AS discount";

/// A page of coupons, switched-on first then newest, with their use; and how many there are.
pub async fn list(db: &Db, limit: i64, offset: i64) -> DbResult<(Vec<CouponUsageRow>, i64)> {
    let rows = read_all!(
        db,
        CouponUsageRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COUPON_COLUMNS}, {USAGE} FROM coupons c
             ORDER BY c.is_active DESC, c.id DESC LIMIT $1 OFFSET $2"
        )),
        limit,
        offset
    )
    .context("listing coupons")?;
    let total =
        read_scalar!(db, i64, "SELECT COUNT(*) FROM coupons").context("counting coupons")?;
    Ok((rows, total))
}

/// One coupon, switched on or not, with its use.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<CouponUsageRow>> {
    read_optional!(
        db,
        CouponUsageRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COUPON_COLUMNS}, {USAGE} FROM coupons c WHERE c.id = $1"
        )),
        id
    )
    .context("loading coupon")
}

/// The latest orders that used coupon `id`.
pub async fn redemptions(db: &Db, id: i64, limit: i64) -> DbResult<Vec<RedemptionRow>> {
    read_all!(
        db,
        RedemptionRow,
        "SELECT o.number AS order_number, m.email AS member_email, r.amount,
                r.released_at IS NOT NULL AS released, r.created_at
         FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id
         JOIN members m ON m.id = r.member_id
         WHERE r.coupon_id = $1 ORDER BY r.id DESC LIMIT $2",
        id,
        limit
    )
    .context("listing coupon redemptions")
}

/// Whether another coupon than `except` has `code`.
pub async fn code_taken(db: &Db, code: &str, except: Option<i64>) -> DbResult<bool> {
    let found = read_optional!(db, (i64,), "SELECT id FROM coupons WHERE code = $1", code)
        .context("checking coupon code")?;
    Ok(found.is_some_and(|(id,)| Some(id) != except))
}

/// Creates a coupon (switched on); its id.
pub async fn insert(tx: &mut Tx, c: &CouponInput<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    let id = tx_scalar!(
        tx,
        i64,
        "INSERT INTO coupons (name, kind, valid_from, valid_until, is_active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, TRUE, $5, $5) RETURNING id",
        c.name,
        c.kind,
        c.valid_from,
        c.valid_until,
        now
    )
    .context("creating coupon")?;
    update(tx, id, c, now).await?;
    Ok(id)
}

/// Changes coupon `id`; false when there is none.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    c: &CouponInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE coupons SET code = $2, name = $3, kind = $4, amount = $5, rate_bp = $6,
             max_discount = $7, min_order = $8, scope = $9, scope_ids = $10,
             excluded_product_ids = $11, valid_from = $12, valid_until = $13,
             per_member_limit = $14, issue_on_signup = $15, combines_with_grade = $16,
             updated_at = $17, issue_after_first_purchase = $18, issue_on_birthday = $19
         WHERE id = $1",
        id,
        c.code,
        c.name,
        c.kind,
        c.amount,
        c.rate_bp,
        c.max_discount,
        c.min_order,
        c.scope,
        c.scope_ids,
        c.excluded_product_ids,
        c.valid_from,
        c.valid_until,
        c.per_member_limit,
        c.issue_on_signup,
        c.combines_with_grade,
        now,
        c.issue_after_first_purchase,
        c.issue_on_birthday
    )
    .context("updating coupon")
    .map(|n| n == 1)
}

/// Stops (`false`) or resumes coupon `id`; false when there is none.
pub async fn set_active(tx: &mut Tx, id: i64, active: bool, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE coupons SET is_active = $2, updated_at = $3 WHERE id = $1",
        id,
        active,
        now
    )
    .context("switching coupon")
    .map(|n| n == 1)
}

/// How one coupon was used over a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CouponReportRow {
    /// Coupon id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Code, when shoppers type one.
    pub code: Option<String>,
    /// Issues to members in the period.
    pub issued: i64,
    /// Orders that used it in the period (cancelled ones do not count).
    pub used: i64,
    /// Members who used it.
    pub members: i64,
    /// What it took off those orders.
    pub discount: i64,
    /// What those orders came to.
    pub sales: i64,
    /// Uses given back because the order was cancelled.
    pub released: i64,
}

/// Every coupon issued or used in `[from, until)`, the largest discount first.
pub async fn usage_report(
    db: &Db,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<Vec<CouponReportRow>> {
    read_all!(
        db,
        CouponReportRow,
        "WITH used AS (
             SELECT r.coupon_id,
                 SUM(CASE WHEN r.released_at IS NULL THEN 1 ELSE 0 END) AS used,
                 COUNT(DISTINCT CASE WHEN r.released_at IS NULL THEN r.member_id END) AS members,
                 SUM(CASE WHEN r.released_at IS NULL THEN r.amount ELSE 0 END) AS discount,
                 SUM(CASE WHEN r.released_at IS NULL THEN o.total ELSE 0 END) AS sales,
                 SUM(CASE WHEN r.released_at IS NULL THEN 0 ELSE 1 END) AS released
             FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id
             WHERE r.created_at >= $1 AND r.created_at < $2 GROUP BY r.coupon_id),
         issued AS (
             SELECT coupon_id, COUNT(*) AS issued FROM member_coupons
             WHERE issued_at >= $1 AND issued_at < $2 GROUP BY coupon_id)
         SELECT c.id, c.name, c.code, COALESCE(i.issued, 0) AS issued,
             CAST(COALESCE(u.used, 0) AS BIGINT) AS used, COALESCE(u.members, 0) AS members,
             CAST(COALESCE(u.discount, 0) AS BIGINT) AS discount,
             CAST(COALESCE(u.sales, 0) AS BIGINT) AS sales,
             CAST(COALESCE(u.released, 0) AS BIGINT) AS released
         FROM coupons c LEFT JOIN used u ON u.coupon_id = c.id
         LEFT JOIN issued i ON i.coupon_id = c.id
         WHERE u.coupon_id IS NOT NULL OR i.coupon_id IS NOT NULL
         ORDER BY COALESCE(u.discount, 0) DESC, c.id DESC",
        from,
        until
    )
    .context("reporting coupon usage")
}

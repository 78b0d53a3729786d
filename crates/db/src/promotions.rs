//! Coupons, points (적립금) and free-gift rules.

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;

pub use crate::coupon_admin::CouponInput;

/// A coupon definition.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CouponRow {
    /// Id.
    pub id: i64,
    /// Code shoppers type (none for issued-only coupons).
    pub code: Option<String>,
    /// Name.
    pub name: String,
    /// `fixed` or `percent`.
    pub kind: String,
    /// Fixed amount.
    pub amount: i64,
    /// Percent rate in basis points.
    pub rate_bp: i64,
    /// Cap of a percent coupon.
    pub max_discount: Option<i64>,
    /// Minimum eligible amount.
    pub min_order: i64,
    /// `all`, `products` or `categories`.
    pub scope: String,
    /// Comma-separated ids for the scope.
    pub scope_ids: String,
    /// Usable from.
    pub valid_from: DateTime<Utc>,
    /// Usable until (exclusive).
    pub valid_until: DateTime<Utc>,
    /// Uses per member.
    pub per_member_limit: i64,
    /// Switched on.
    pub is_active: bool,
    /// Comma-separated ids of products it never applies to.
    pub excluded_product_ids: String,
    /// Adds to the grade discount (otherwise replaces it).
    pub combines_with_grade: bool,
    /// Issued to every new member at sign-up.
    pub issue_on_signup: bool,
    /// Issued to a member when their first order is paid.
    pub issue_after_first_purchase: bool,
    /// Issued every year on the member's birthday.
    pub issue_on_birthday: bool,
}

pub(crate) const COUPON_COLUMNS: &str = "c.id, c.code, c.name, c.kind, c.amount, c.rate_bp, \
     c.max_discount, c.min_order, c.scope, c.scope_ids, c.valid_from, c.valid_until, \
     c.per_member_limit, c.is_active, c.excluded_product_ids, c.combines_with_grade, c.issue_on_signup, \
     c.issue_after_first_purchase, c.issue_on_birthday";

/// Creates a coupon (or returns the one with the same code): the demo loader's and tests' way.
pub async fn upsert_coupon(tx: &mut Tx, c: &CouponInput<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    if let Some(code) = c.code
        && let Some(id) =
            tx_scalar_optional!(tx, i64, "SELECT id FROM coupons WHERE code = $1", code)
                .context("finding coupon")?
    {
        return Ok(id);
    }
    crate::coupon_admin::insert(tx, c, now).await
}

/// Issues a coupon to a member (once); false when they had it.
pub async fn issue(
    tx: &mut Tx,
    member_id: i64,
    coupon_id: i64,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "INSERT INTO member_coupons (member_id, coupon_id, issued_at) VALUES ($1, $2, $3)
         ON CONFLICT (member_id, coupon_id) DO NOTHING",
        member_id,
        coupon_id,
        now
    )
    .context("issuing coupon")
    .map(|n| n == 1)
}

/// Issues every switched-on sign-up coupon to a new member.
pub async fn issue_signup_coupons(
    tx: &mut Tx,
    member_id: i64,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    issue_automatic(tx, member_id, "issue_on_signup", now).await
}

/// Issues every switched-on first-purchase coupon to a member whose first order was paid.
pub async fn issue_first_purchase_coupons(
    tx: &mut Tx,
    member_id: i64,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    issue_automatic(tx, member_id, "issue_after_first_purchase", now).await
}

/// Issues the coupons whose `trigger` column is set (a column name, never user input).
async fn issue_automatic(
    tx: &mut Tx,
    member_id: i64,
    trigger: &'static str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx_execute!(
        tx,
        sqlx::AssertSqlSafe(format!(
            "INSERT INTO member_coupons (member_id, coupon_id, issued_at)
             SELECT $1, id, $2 FROM coupons WHERE {trigger} = TRUE AND is_active = TRUE AND valid_until > $2
             ON CONFLICT (member_id, coupon_id) DO NOTHING"
        )),
        member_id,
        now
    )
    .context("issuing automatic coupons")
}

/// Issues every switched-on birthday coupon, for `year`, to the active members born on
/// `month_day` (`MM-DD`) who did not get it for that year; re-issuing starts their uses afresh.
pub async fn issue_birthday_coupons(
    tx: &mut Tx,
    month_day: &str,
    year: i32,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx_execute!(
        tx,
        "INSERT INTO member_coupons (member_id, coupon_id, issued_at, birthday_year)
         SELECT m.id, c.id, $3, $2 FROM members m CROSS JOIN coupons c
         WHERE m.birth_date IS NOT NULL AND substr(m.birth_date, 6, 5) = $1
           AND m.status = 'active' AND m.dormant_at IS NULL
           AND c.issue_on_birthday = TRUE AND c.is_active = TRUE AND c.valid_until > $3
         ON CONFLICT (member_id, coupon_id) DO UPDATE
           SET issued_at = excluded.issued_at, birthday_year = excluded.birthday_year
           WHERE member_coupons.birthday_year IS NULL
              OR member_coupons.birthday_year < excluded.birthday_year",
        month_day,
        year,
        now
    )
    .context("issuing birthday coupons")
}

/// Which members a coupon is issued to at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Every active member.
    All,
    /// Active members who agreed to marketing.
    MarketingAgreed,
    /// Active members of a grade.
    Grade(i64),
}

/// Issues coupon `coupon_id` to every active (not dormant) member of `segment` who does not
/// have it yet; how many got it.
pub async fn issue_to_segment(
    tx: &mut Tx,
    coupon_id: i64,
    segment: Segment,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let (grade, marketing) = match segment {
        Segment::All => (None, false),
        Segment::MarketingAgreed => (None, true),
        Segment::Grade(id) => (Some(id), false),
    };
    tx_execute!(
        tx,
        "INSERT INTO member_coupons (member_id, coupon_id, issued_at)
         SELECT id, $1, $2 FROM members
         WHERE status = 'active' AND dormant_at IS NULL
           AND (CAST($3 AS BIGINT) IS NULL OR grade_id = $3)
           AND (NOT $4 OR marketing_agreed_at IS NOT NULL)
         ON CONFLICT (member_id, coupon_id) DO NOTHING",
        coupon_id,
        now,
        grade,
        marketing
    )
    .context("issuing a coupon to a segment")
}

/// Coupons issued to the member that are switched on (validity is checked by pricing).
pub async fn issued_to(db: &Db, member_id: i64) -> DbResult<Vec<CouponRow>> {
    read_all!(
        db,
        CouponRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COUPON_COLUMNS} FROM coupons c JOIN member_coupons mc ON mc.coupon_id = c.id
             WHERE mc.member_id = $1 AND c.is_active ORDER BY c.valid_until, c.id"
        )),
        member_id
    )
    .context("listing member coupons")
}

/// A switched-on coupon by code.
pub async fn by_code(db: &Db, code: &str) -> DbResult<Option<CouponRow>> {
    read_optional!(
        db,
        CouponRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COUPON_COLUMNS} FROM coupons c WHERE c.code = $1 AND c.is_active"
        )),
        code
    )
    .context("loading coupon by code")
}

/// A switched-on coupon by id.
pub async fn by_id(db: &Db, id: i64) -> DbResult<Option<CouponRow>> {
    read_optional!(
        db,
        CouponRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COUPON_COLUMNS} FROM coupons c WHERE c.id = $1 AND c.is_active"
        )),
        id
    )
    .context("loading coupon")
}

/// Times the member used the coupon (uses of cancelled orders do not count, nor uses before a
/// birthday coupon was issued to them again).
pub async fn uses(db: &Db, coupon_id: i64, member_id: i64) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM coupon_redemptions WHERE coupon_id = $1 AND member_id = $2 AND released_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM member_coupons mc WHERE mc.coupon_id = $1
               AND mc.member_id = $2 AND mc.birthday_year IS NOT NULL
               AND mc.issued_at > coupon_redemptions.created_at)",
        coupon_id,
        member_id
    )
    .context("counting coupon uses")
}

/// Records a use inside the order transaction; false when the member reached the limit in the
/// meantime (a concurrent checkout), so the order must not be placed.
pub async fn redeem(
    tx: &mut Tx,
    coupon_id: i64,
    member_id: i64,
    order_id: OrderId,
    amount: Won,
    limit: i64,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "INSERT INTO coupon_redemptions (coupon_id, member_id, order_id, amount, created_at)
         SELECT $1, $2, $3, $4, $5 WHERE
           (SELECT COUNT(*) FROM coupon_redemptions
            WHERE coupon_id = $1 AND member_id = $2 AND released_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM member_coupons mc WHERE mc.coupon_id = $1
               AND mc.member_id = $2 AND mc.birthday_year IS NOT NULL
               AND mc.issued_at > coupon_redemptions.created_at)) < $6",
        coupon_id,
        member_id,
        order_id.get(),
        amount.get(),
        now,
        limit
    )
    .context("redeeming coupon")
    .map(|n| n == 1)
}

/// Gives a cancelled order's coupon back.
pub async fn release_redemption(
    tx: &mut Tx,
    order_id: OrderId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE coupon_redemptions SET released_at = $2 WHERE order_id = $1 AND released_at IS NULL",
        order_id.get(),
        now
    )
    .context("releasing coupon")
    .map(|_| ())
}

/// A points ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PointEntryRow {
    /// Id.
    pub id: i64,
    /// Signed amount.
    pub amount: i64,
    /// Balance after it.
    pub balance_after: i64,
    /// Reason code (`order_use`, `order_refund`, `purchase_confirmed`, `signup`, `manual`).
    pub reason: String,
    /// The order's number, when about an order.
    pub order_number: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A member's points balance, read in the caller's transaction.
pub async fn points_balance(conn: impl Into<Reader<'_>>, member_id: i64) -> DbResult<i64> {
    reader_scalar!(
        conn,
        i64,
        "SELECT points_balance FROM members WHERE id = $1",
        member_id
    )
    .context("loading points balance")
}

/// Adds `amount` (negative: spends) to the member's balance with a ledger entry, atomically; false
/// when spending more than the balance, or when `dedupe_key` was used before (nothing changes).
pub async fn add_points(
    tx: &mut Tx,
    member_id: i64,
    amount: i64,
    reason: &str,
    order_id: Option<OrderId>,
    dedupe_key: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    if let Some(key) = dedupe_key {
        let seen = tx_scalar!(
            tx,
            i64,
            "SELECT COUNT(*) FROM point_entries WHERE dedupe_key = $1",
            key
        )
        .context("checking points entry")?;
        if seen > 0 {
            return Ok(false);
        }
    }
    let Some(balance) = tx_scalar_optional!(
        tx,
        i64,
        "UPDATE members SET points_balance = points_balance + $2
         WHERE id = $1 AND points_balance + $2 >= 0 RETURNING points_balance",
        member_id,
        amount
    )
    .context("changing points balance")?
    else {
        return Ok(false);
    };
    tx_execute!(
        tx,
        "INSERT INTO point_entries (member_id, amount, balance_after, reason, order_id, dedupe_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        member_id,
        amount,
        balance,
        reason,
        order_id.map(OrderId::get),
        dedupe_key,
        now
    )
    .context("recording points entry")?;
    Ok(true)
}

/// The member's ledger, newest first.
pub async fn point_entries(
    db: &Db,
    member_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<PointEntryRow>> {
    read_all!(
        db,
        PointEntryRow,
        "SELECT e.id, e.amount, e.balance_after, e.reason, o.number AS order_number, e.created_at
         FROM point_entries e LEFT JOIN orders o ON o.id = e.order_id
         WHERE e.member_id = $1 ORDER BY e.id DESC LIMIT $2 OFFSET $3",
        member_id,
        limit,
        offset
    )
    .context("listing points entries")
}

/// Number of ledger entries of the member.
pub async fn count_point_entries(db: &Db, member_id: i64) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM point_entries WHERE member_id = $1",
        member_id
    )
    .context("counting points entries")
}

/// A free-gift rule with its gift's stock.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GiftRuleRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Gift SKU.
    pub gift_sku_id: i64,
    /// Gift SKU stock.
    pub gift_stock: i64,
    /// Spend threshold.
    pub min_spend: Option<i64>,
    /// Product that triggers it.
    pub buy_product_id: Option<i64>,
}

/// Active gift rules.
pub async fn gift_rules(db: &Db) -> DbResult<Vec<GiftRuleRow>> {
    read_all!(
        db,
        GiftRuleRow,
        "SELECT r.id, r.name, r.gift_sku_id, s.stock AS gift_stock, r.min_spend, r.buy_product_id
         FROM gift_rules r JOIN skus s ON s.id = r.gift_sku_id WHERE r.is_active ORDER BY r.id"
    )
    .context("listing gift rules")
}

/// Creates a gift rule.
pub async fn insert_gift_rule(
    tx: &mut Tx,
    name: &str,
    gift_sku_id: i64,
    min_spend: Option<i64>,
    buy_product_id: Option<i64>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO gift_rules (name, gift_sku_id, min_spend, buy_product_id, is_active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, TRUE, $5, $5) RETURNING id",
        name,
        gift_sku_id,
        min_spend,
        buy_product_id,
        now
    )
    .context("creating gift rule")
}

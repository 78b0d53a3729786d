//! Statistics roll-ups: dirty KST days, their recomputation from orders and refunds, and the reads
//! the statistics pages make (roll-up rows only, never the orders themselves).
//!
//! Days are `YYYY-MM-DD` text and months `YYYY-MM` on both backends, so no SQL date function is
//! needed: the UTC bounds of a KST day are computed here and compared with the stored instants.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{NaiveDate, Utc};
use jangteo_core::stats::{month_start, next_month};
use jangteo_core::time::{business_date, start_of_business_day};

/// The text key of a KST day.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The text key of a month.
pub fn month_key(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// Marks the KST day of `at` for recomputation (call in the transaction that moves money or
/// adds/removes a member, so the mark commits with the change).
pub async fn mark_dirty(tx: &mut Tx, at: chrono::DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO stats_dirty_days (day, marked_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
        day_key(business_date(at)),
        at
    )
    .context("marking a statistics day")
    .map(|_| ())
}

/// Marks every day in `from..=to` (a full rebuild).
pub async fn mark_days(
    tx: &mut Tx,
    from: NaiveDate,
    to: NaiveDate,
    now: chrono::DateTime<Utc>,
) -> DbResult<()> {
    let mut day = from;
    while day <= to {
        tx_execute!(
            tx,
            "INSERT INTO stats_dirty_days (day, marked_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
            day_key(day),
            now
        )
        .context("marking a statistics day")?;
        day += chrono::Duration::days(1);
    }
    Ok(())
}

/// Takes up to `limit` dirty days (oldest first) off the list. The caller recomputes them in the
/// same transaction; on PostgreSQL another instance skips the days taken here.
pub async fn claim_dirty(tx: &mut Tx, limit: i64) -> DbResult<Vec<NaiveDate>> {
    let sql = match tx {
        Tx::Sqlite(_) => {
            "DELETE FROM stats_dirty_days WHERE day IN
                 (SELECT day FROM stats_dirty_days ORDER BY day LIMIT $1) RETURNING day"
        }
        Tx::Postgres(_) => {
            "DELETE FROM stats_dirty_days WHERE day IN
                 (SELECT day FROM stats_dirty_days ORDER BY day LIMIT $1 FOR UPDATE SKIP LOCKED)
             RETURNING day"
        }
    };
    let days: Vec<(String,)> = tx_all!(tx, (String,), sqlx::AssertSqlSafe(sql), limit)
        .context("claiming statistics days")?;
    let mut parsed: Vec<NaiveDate> = days.iter().filter_map(|(d,)| d.parse().ok()).collect();
    parsed.sort();
    Ok(parsed)
}

/// When the longest-waiting dirty day was marked (none: nothing waits).
pub async fn oldest_mark(db: &Db) -> DbResult<Option<chrono::DateTime<Utc>>> {
    read_scalar!(
        db,
        Option<chrono::DateTime<Utc>>,
        "SELECT MIN(marked_at) FROM stats_dirty_days"
    )
    .context("reading the oldest statistics mark")
}

/// Days waiting for recomputation.
pub async fn dirty_count(db: &Db) -> DbResult<i64> {
    read_scalar!(db, i64, "SELECT COUNT(*) FROM stats_dirty_days").context("counting dirty days")
}

/// Recomputes one KST day's sales and item rows from the orders paid and the refunds made that day.
pub async fn recompute_day(tx: &mut Tx, day: NaiveDate) -> DbResult<()> {
    let key = day_key(day);
    let from = start_of_business_day(day);
    let to = start_of_business_day(day + chrono::Duration::days(1));
    tx_execute!(tx, "DELETE FROM stats_sales_daily WHERE day = $1", &key)
        .context("clearing daily sales")?;
    tx_execute!(
        tx,
        "INSERT INTO stats_sales_daily (day, channel, orders, gross, discounts, refunds)
         SELECT $1, channel, CAST(SUM(orders) AS BIGINT), CAST(SUM(gross) AS BIGINT),
             CAST(SUM(discounts) AS BIGINT), CAST(SUM(refunds) AS BIGINT)
         FROM (
             SELECT COALESCE(c.marketplace, o.channel) AS channel, COUNT(*) AS orders,
                 SUM(o.items_subtotal + o.shipping_fee + o.remote_surcharge) AS gross,
                 SUM(o.grade_discount + o.coupon_discount + o.points_used) AS discounts,
                 0 AS refunds
             FROM orders o LEFT JOIN channel_orders c ON c.order_id = o.id
             WHERE o.paid_at >= $2 AND o.paid_at < $3 GROUP BY COALESCE(c.marketplace, o.channel)
             UNION ALL
             SELECT COALESCE(c.marketplace, o.channel), 0, 0, 0, SUM(r.amount)
             FROM refunds r JOIN orders o ON o.id = r.order_id
                 LEFT JOIN channel_orders c ON c.order_id = o.id
             WHERE r.created_at >= $2 AND r.created_at < $3
             GROUP BY COALESCE(c.marketplace, o.channel)
         ) t GROUP BY channel",
        &key,
        from,
        to
    )
    .context("rolling up daily sales")?;
    tx_execute!(tx, "DELETE FROM stats_items_daily WHERE day = $1", &key)
        .context("clearing daily items")?;
    tx_execute!(
        tx,
        "INSERT INTO stats_items_daily (day, sku_code, product_id, category_id, product_name, option_label,
             quantity, gross, discounts, refunded_quantity, refunds)
         SELECT $1, sku_code, MAX(product_id), MAX(category_id), MAX(product_name), MAX(option_label),
             CAST(SUM(quantity) AS BIGINT), CAST(SUM(gross) AS BIGINT), CAST(SUM(discounts) AS BIGINT),
             CAST(SUM(refunded_quantity) AS BIGINT), CAST(SUM(refunds) AS BIGINT)
         FROM (
             SELECT l.sku_code, l.product_id, l.category_id, l.product_name, l.option_label,
                 l.quantity, l.subtotal AS gross, l.grade_discount + l.coupon_discount + l.points AS discounts,
                 0 AS refunded_quantity, 0 AS refunds
             FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.paid_at >= $2 AND o.paid_at < $3 AND l.is_gift = FALSE
             UNION ALL
             SELECT l.sku_code, l.product_id, l.category_id, l.product_name, l.option_label,
                 0, 0, 0, rl.quantity, rl.amount
             FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id
                 JOIN order_lines l ON l.id = rl.order_line_id
             WHERE r.created_at >= $2 AND r.created_at < $3 AND l.is_gift = FALSE
         ) t GROUP BY sku_code",
        &key,
        from,
        to
    )
    .context("rolling up daily items")?;
    Ok(())
}

/// Recomputes the member figures of the month holding `day`.
pub async fn recompute_month(tx: &mut Tx, day: NaiveDate) -> DbResult<()> {
    let key = month_key(day);
    let from = start_of_business_day(month_start(day));
    let to = start_of_business_day(next_month(day));
    tx_execute!(
        tx,
        "DELETE FROM stats_members_monthly WHERE month = $1",
        &key
    )
    .context("clearing monthly members")?;
    tx_execute!(
        tx,
        "INSERT INTO stats_members_monthly (month, signups, buyers, withdrawals) VALUES ($1,
             (SELECT COUNT(*) FROM members WHERE created_at >= $2 AND created_at < $3),
             (SELECT COUNT(DISTINCT member_id) FROM orders
                  WHERE paid_at >= $2 AND paid_at < $3 AND member_id IS NOT NULL),
             (SELECT COUNT(*) FROM members WHERE withdrawn_at >= $2 AND withdrawn_at < $3))",
        &key,
        from,
        to
    )
    .context("rolling up monthly members")?;
    tx_execute!(tx, "DELETE FROM stats_items_monthly WHERE month = $1", &key)
        .context("clearing monthly items")?;
    tx_execute!(
        tx,
        "INSERT INTO stats_items_monthly (month, sku_code, product_id, category_id, product_name, option_label,
             quantity, gross, discounts, refunded_quantity, refunds)
         SELECT $1, sku_code, MAX(product_id), MAX(category_id), MAX(product_name), MAX(option_label),
             CAST(SUM(quantity) AS BIGINT), CAST(SUM(gross) AS BIGINT), CAST(SUM(discounts) AS BIGINT),
             CAST(SUM(refunded_quantity) AS BIGINT), CAST(SUM(refunds) AS BIGINT)
         FROM stats_items_daily WHERE day >= $2 AND day < $3 GROUP BY sku_code",
        &key,
        day_key(month_start(day)),
        day_key(next_month(day))
    )
    .context("rolling up monthly items")?;
    Ok(())
}

/// How a period is read from the item roll-ups: whole months from the monthly table (first and
/// last month key), the days before and after them from the daily table (inclusive day keys;
/// empty ranges run from "1" to "0").
struct ItemRanges {
    months: (String, String),
    head: (String, String),
    tail: (String, String),
}

fn item_ranges(from: NaiveDate, to: NaiveDate) -> ItemRanges {
    let one = chrono::Duration::days(1);
    let empty = || ("1".to_owned(), "0".to_owned());
    let first_full = if from == month_start(from) {
        from
    } else {
        next_month(from)
    };
    let last_full_end = if to + one == next_month(to) {
        to
    } else {
        month_start(to) - one
    };
    if first_full > last_full_end {
        return ItemRanges {
            months: empty(),
            head: (day_key(from), day_key(to)),
            tail: empty(),
        };
    }
    let range = |a: NaiveDate, b: NaiveDate| {
        if a <= b {
            (day_key(a), day_key(b))
        } else {
            empty()
        }
    };
    ItemRanges {
        months: (month_key(first_full), month_key(last_full_end)),
        head: range(from, first_full - one),
        tail: range(last_full_end + one, to),
    }
}

/// Item roll-up rows of a period: whole months plus edge days, as one derived table `t`.
const ITEM_ROWS: &str = "(
     SELECT sku_code, product_id, category_id, product_name, option_label, quantity, gross, discounts,
         refunded_quantity, refunds
     FROM stats_items_monthly WHERE month >= $1 AND month <= $2
     UNION ALL
     SELECT sku_code, product_id, category_id, product_name, option_label, quantity, gross, discounts,
         refunded_quantity, refunds
     FROM stats_items_daily WHERE (day >= $3 AND day <= $4) OR (day >= $5 AND day <= $6)
 ) t";

/// The first KST day anything happened (first payment, refund or sign-up), if any.
pub async fn first_day(db: &Db) -> DbResult<Option<NaiveDate>> {
    let first: Option<chrono::DateTime<Utc>> = read_scalar!(
        db,
        Option<chrono::DateTime<Utc>>,
        "SELECT MIN(at) FROM (
             SELECT MIN(paid_at) AS at FROM orders
             UNION ALL SELECT MIN(created_at) FROM refunds
             UNION ALL SELECT MIN(created_at) FROM members) t"
    )
    .context("finding the first statistics day")?;
    Ok(first.map(business_date))
}

/// Sales of one KST day and channel.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SalesDayRow {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `pc`, `mobile`, `api`.
    pub channel: String,
    /// Orders paid.
    pub orders: i64,
    /// Gross won.
    pub gross: i64,
    /// Discounts won.
    pub discounts: i64,
    /// Refunds won.
    pub refunds: i64,
}

/// Daily sales rows of `from..=to`.
pub async fn sales_days(db: &Db, from: NaiveDate, to: NaiveDate) -> DbResult<Vec<SalesDayRow>> {
    read_all!(
        db,
        SalesDayRow,
        "SELECT day, channel, orders, gross, discounts, refunds FROM stats_sales_daily
         WHERE day >= $1 AND day <= $2 ORDER BY day, channel",
        day_key(from),
        day_key(to)
    )
    .context("reading daily sales")
}

/// A SKU's sales over a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemSalesRow {
    /// SKU code.
    pub sku_code: String,
    /// Product id (none once deleted).
    pub product_id: Option<i64>,
    /// Category the product was sold in.
    pub category_id: Option<i64>,
    /// Product name.
    pub product_name: String,
    /// Option label.
    pub option_label: String,
    /// Units sold.
    pub quantity: i64,
    /// Gross won.
    pub gross: i64,
    /// Discounts won.
    pub discounts: i64,
    /// Units refunded.
    pub refunded_quantity: i64,
    /// Refunds won.
    pub refunds: i64,
}

/// Sales per SKU over `from..=to`, largest net first.
pub async fn item_sales(db: &Db, from: NaiveDate, to: NaiveDate) -> DbResult<Vec<ItemSalesRow>> {
    let r = item_ranges(from, to);
    let sql = format!(
        "SELECT sku_code, MAX(product_id) AS product_id, MAX(category_id) AS category_id,
             MAX(product_name) AS product_name, MAX(option_label) AS option_label,
             CAST(SUM(quantity) AS BIGINT) AS quantity, CAST(SUM(gross) AS BIGINT) AS gross,
             CAST(SUM(discounts) AS BIGINT) AS discounts,
             CAST(SUM(refunded_quantity) AS BIGINT) AS refunded_quantity,
             CAST(SUM(refunds) AS BIGINT) AS refunds
         FROM {ITEM_ROWS}
         GROUP BY sku_code ORDER BY SUM(gross - discounts - refunds) DESC, sku_code"
    );
    read_all!(
        db,
        ItemSalesRow,
        sqlx::AssertSqlSafe(sql),
        r.months.0,
        r.months.1,
        r.head.0,
        r.head.1,
        r.tail.0,
        r.tail.1
    )
    .context("reading item sales")
}

/// A category's sales over a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CategorySalesRow {
    /// Category (none for lines sold before categories were recorded).
    pub category_id: Option<i64>,
    /// Units sold.
    pub quantity: i64,
    /// Gross won.
    pub gross: i64,
    /// Discounts won.
    pub discounts: i64,
    /// Units refunded.
    pub refunded_quantity: i64,
    /// Refunds won.
    pub refunds: i64,
}

/// Sales per category over `from..=to`.
pub async fn category_sales(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
) -> DbResult<Vec<CategorySalesRow>> {
    let r = item_ranges(from, to);
    let sql = format!(
        "SELECT category_id, CAST(SUM(quantity) AS BIGINT) AS quantity, CAST(SUM(gross) AS BIGINT) AS gross,
             CAST(SUM(discounts) AS BIGINT) AS discounts,
             CAST(SUM(refunded_quantity) AS BIGINT) AS refunded_quantity,
             CAST(SUM(refunds) AS BIGINT) AS refunds
         FROM {ITEM_ROWS}
         GROUP BY category_id ORDER BY category_id"
    );
    read_all!(
        db,
        CategorySalesRow,
        sqlx::AssertSqlSafe(sql),
        r.months.0,
        r.months.1,
        r.head.0,
        r.head.1,
        r.tail.0,
        r.tail.1
    )
    .context("reading category sales")
}

/// Member figures of one month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MembersMonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Sign-ups.
    pub signups: i64,
    /// Distinct members who paid an order.
    pub buyers: i64,
    /// Withdrawals.
    pub withdrawals: i64,
}

/// Member figures of the months `from..=to` (any day of each).
pub async fn members_months(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
) -> DbResult<Vec<MembersMonthRow>> {
    read_all!(
        db,
        MembersMonthRow,
        "SELECT month, signups, buyers, withdrawals FROM stats_members_monthly
         WHERE month >= $1 AND month <= $2 ORDER BY month",
        month_key(from),
        month_key(to)
    )
    .context("reading monthly members")
}

/// Members now per grade (code, name, active members), in grade order.
pub async fn grade_distribution(db: &Db) -> DbResult<Vec<(String, String, i64)>> {
    read_all!(
        db,
        (String, String, i64),
        "SELECT g.code, g.name, COUNT(m.id) FROM grades g
         LEFT JOIN members m ON m.grade_id = g.id AND m.status = 'active'
         GROUP BY g.id, g.code, g.name, g.position ORDER BY g.position, g.id"
    )
    .context("counting members per grade")
}

/// Members now: (active, of which dormant, withdrawn).
pub async fn member_counts(db: &Db) -> DbResult<(i64, i64, i64)> {
    read_optional!(
        db,
        (i64, i64, i64),
        "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS BIGINT),
             CAST(COALESCE(SUM(CASE WHEN status = 'active' AND dormant_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT),
             CAST(COALESCE(SUM(CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM members"
    )
    .context("counting members")
    .map(|r| r.unwrap_or((0, 0, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn long_periods_read_whole_months_and_edge_days() {
        let r = item_ranges(d("2025-11-24"), d("2026-11-23"));
        assert_eq!(r.months, ("2025-12".into(), "2026-10".into()));
        assert_eq!(r.head, ("2025-11-24".into(), "2025-11-30".into()));
        assert_eq!(r.tail, ("2026-11-01".into(), "2026-11-23".into()));
        let aligned = item_ranges(d("2026-01-01"), d("2026-03-31"));
        assert_eq!(aligned.months, ("2026-01".into(), "2026-03".into()));
        assert!(aligned.head.0 > aligned.head.1 && aligned.tail.0 > aligned.tail.1);
        let short = item_ranges(d("2026-11-03"), d("2026-11-20"));
        assert!(short.months.0 > short.months.1);
        assert_eq!(short.head, ("2026-11-03".into(), "2026-11-20".into()));
    }
}

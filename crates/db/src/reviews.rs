//! Product reviews (issue 17): the member's reviewable order lines, writing one with its photos,
//! the product's visible reviews (photo reviews first) and its rating, and the rewards' states.

use crate::error::Context;
use crate::{Db, DbResult, Reader, SqlBuilder, Tx};
use chrono::{DateTime, Utc};

/// An order line of the member's as a review sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewableLine {
    /// Line id.
    pub id: i64,
    /// The order's id.
    pub order_id: i64,
    /// The product (none once deleted).
    pub product_id: Option<i64>,
    /// Product name at purchase.
    pub product_name: String,
    /// Option at purchase.
    pub option_label: String,
    /// Units not cancelled or returned.
    pub units_kept: i64,
    /// When the order was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Its review, if written.
    pub review_id: Option<i64>,
}

const LINE_COLUMNS: &str = "l.id, l.order_id, l.product_id, l.product_name, l.option_label,
     l.quantity - l.quantity_cancelled - l.quantity_returned AS units_kept, o.delivered_at,
     (SELECT r.id FROM reviews r WHERE r.order_line_id = l.id) AS review_id";

/// The member's order's lines that are goods (gifts are not reviewed), in order.
pub async fn lines_of_order(
    conn: impl Into<Reader<'_>>,
    member_id: i64,
    order_number: &str,
) -> DbResult<Vec<ReviewableLine>> {
    reader_all!(
        conn,
        ReviewableLine,
        sqlx::AssertSqlSafe(format!(
            "SELECT {LINE_COLUMNS} FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.number = $1 AND o.member_id = $2 AND l.is_gift = FALSE ORDER BY l.id"
        )),
        order_number,
        member_id
    )
    .context("loading reviewable lines")
}

/// A review to store.
#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    /// The line reviewed.
    pub line: &'a ReviewableLine,
    /// Its product.
    pub product_id: i64,
    /// The writer.
    pub member_id: i64,
    /// The name shown (masked).
    pub author: &'a str,
    /// 1 to 5.
    pub stars: u8,
    /// Text.
    pub body: &'a str,
    /// Photos, in order.
    pub media_ids: &'a [i64],
    /// Points it earns (0: none).
    pub reward: i64,
    /// When the points are granted.
    pub reward_due_at: Option<DateTime<Utc>>,
}

/// Stores a review with its photos and recounts the product's rating; none when the line has a
/// review already (a second tab).
pub async fn insert(tx: &mut Tx, r: &NewReview<'_>, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    let photo_count = i64::try_from(r.media_ids.len()).unwrap_or(i64::MAX);
    let state = if r.reward > 0 { "held" } else { "none" };
    let id = tx_scalar_optional!(
        tx,
        i64,
        "INSERT INTO reviews (product_id, order_id, order_line_id, member_id, author, option_label,
             stars, body, photo_count, reward, reward_state, reward_due_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
         ON CONFLICT (order_line_id) DO NOTHING RETURNING id",
        r.product_id,
        r.line.order_id,
        r.line.id,
        r.member_id,
        r.author,
        &r.line.option_label,
        i64::from(r.stars),
        r.body,
        photo_count,
        r.reward,
        state,
        r.reward_due_at,
        now
    )
    .context("storing review")?;
    let Some(id) = id else {
        return Ok(None);
    };
    for (position, media_id) in r.media_ids.iter().enumerate() {
        tx_execute!(
            tx,
            "INSERT INTO review_photos (review_id, media_id, position) VALUES ($1, $2, $3)",
            id,
            *media_id,
            i64::try_from(position).unwrap_or(i64::MAX)
        )
        .context("storing review photo")?;
    }
    recount(tx, r.product_id).await?;
    Ok(Some(id))
}

/// Whether the product has a visible photo review.
pub async fn has_photo_review(tx: &mut Tx, product_id: i64) -> DbResult<bool> {
    tx_scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM reviews WHERE product_id = $1 AND photo_count > 0 AND hidden_at IS NULL",
        product_id
    )
    .context("checking photo reviews")
    .map(|n| n > 0)
}

/// Recomputes the product's count and star sum from its visible reviews.
pub async fn recount(tx: &mut Tx, product_id: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE products SET
             review_count = (SELECT COUNT(*) FROM reviews WHERE product_id = $1 AND hidden_at IS NULL),
             review_star_sum = (SELECT COALESCE(SUM(stars), 0) FROM reviews
                                WHERE product_id = $1 AND hidden_at IS NULL)
         WHERE id = $1",
        product_id
    )
    .context("recounting reviews")
    .map(|_| ())
}

/// A review as the product page and the back office show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewRow {
    /// Id.
    pub id: i64,
    /// Product.
    pub product_id: i64,
    /// The name shown (masked).
    pub author: String,
    /// Option bought.
    pub option_label: String,
    /// 1 to 5.
    pub stars: i64,
    /// Text.
    pub body: String,
    /// Photos.
    pub photo_count: i64,
    /// Points it earned or earns.
    pub reward: i64,
    /// `none`, `held`, `granted`, `void` or `taken_back`.
    pub reward_state: String,
    /// Hidden by staff.
    pub hidden_at: Option<DateTime<Utc>>,
    /// Why.
    pub hidden_reason: Option<String>,
    /// The shop's reply.
    pub reply: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

const REVIEW_COLUMNS: &str = "r.id, r.product_id, r.author, r.option_label, r.stars, r.body, \
     r.photo_count, r.reward, r.reward_state, r.hidden_at, r.hidden_reason, r.reply, r.created_at";

/// A page of the product's visible reviews, photo reviews first, newest first.
pub async fn visible_for_product(
    db: &Db,
    product_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<ReviewRow>> {
    read_all!(
        db,
        ReviewRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {REVIEW_COLUMNS} FROM reviews r
             WHERE r.product_id = $1 AND r.hidden_at IS NULL
             ORDER BY CASE WHEN r.photo_count > 0 THEN 0 ELSE 1 END, r.id DESC
             LIMIT $2 OFFSET $3"
        )),
        product_id,
        limit,
        offset
    )
    .context("listing reviews")
}

/// The product's visible reviews: (count, star sum).
pub async fn rating(db: &Db, product_id: i64) -> DbResult<(i64, i64)> {
    read_optional!(
        db,
        (i64, i64),
        "SELECT review_count, review_star_sum FROM products WHERE id = $1",
        product_id
    )
    .context("loading rating")
    .map(Option::unwrap_or_default)
}

/// The photos' content hashes of reviews `ids`: (review id, hash), in order.
pub async fn photos(db: &Db, ids: &[i64]) -> DbResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = SqlBuilder::new(
        "SELECT p.review_id, m.content_hash FROM review_photos p
         JOIN media_files m ON m.id = p.media_id WHERE p.review_id IN (",
    );
    q.bind_int_list(ids)
        .push(") ORDER BY p.review_id, p.position");
    read_dynamic!(db, (i64, String), &q, fetch_all).context("loading review photos")
}

/// Held rewards due at `now`: (review id, member id, points, units of the line kept).
pub async fn due_rewards(db: &Db, now: DateTime<Utc>) -> DbResult<Vec<(i64, i64, i64, i64)>> {
    read_all!(
        db,
        (i64, i64, i64, i64),
        "SELECT r.id, r.member_id, r.reward,
                l.quantity - l.quantity_cancelled - l.quantity_returned
         FROM reviews r JOIN order_lines l ON l.id = r.order_line_id
         WHERE r.reward_state = 'held' AND r.reward_due_at <= $1 AND r.member_id IS NOT NULL
         ORDER BY r.reward_due_at, r.id",
        now
    )
    .context("finding due review rewards")
}

/// Moves a review's reward from state `from` to `to`; false when it was not in `from`.
pub async fn move_reward(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE reviews SET reward_state = $3, updated_at = $4 WHERE id = $1 AND reward_state = $2",
        id,
        from,
        to,
        now
    )
    .context("moving review reward")
    .map(|n| n == 1)
}

/// The rewarded reviews of an order's lines that no unit is kept of any more:
/// (review id, member id, points, state).
pub async fn rewards_of_lines_gone(
    tx: &mut Tx,
    order_id: i64,
) -> DbResult<Vec<(i64, i64, i64, String)>> {
    tx_all!(
        tx,
        (i64, i64, i64, String),
        "SELECT r.id, r.member_id, r.reward, r.reward_state
         FROM reviews r JOIN order_lines l ON l.id = r.order_line_id
         WHERE r.order_id = $1 AND r.member_id IS NOT NULL
           AND r.reward_state IN ('held', 'granted')
           AND l.quantity - l.quantity_cancelled - l.quantity_returned <= 0
         ORDER BY r.id",
        order_id
    )
    .context("finding rewards of returned lines")
}

//! Reviews as staff keep them (issue 17): the list with filters, one review with its order, hiding
//! with a reason and showing again (the product's rating recounted), and the shop's reply.

use crate::error::Context;
use crate::reviews::recount;
use crate::{Db, DbResult, SqlBuilder, Tx};
use chrono::{DateTime, Utc};

/// A review with its product and order, for staff.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AdminReviewRow {
    /// The review.
    #[sqlx(flatten)]
    pub review: crate::reviews::ReviewRow,
    /// Product name.
    pub product_name: String,
    /// Product address.
    pub product_slug: String,
    /// The order's number.
    pub order_number: String,
}

/// Which reviews the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReviewFilter {
    /// Every review.
    #[default]
    All,
    /// Shown on the product page.
    Visible,
    /// Hidden by staff.
    Hidden,
    /// With photos.
    Photo,
    /// Without the shop's reply.
    Unanswered,
}

fn filtered(q: &mut SqlBuilder, filter: ReviewFilter) {
    q.push(match filter {
        ReviewFilter::All => "",
        ReviewFilter::Visible => " AND r.hidden_at IS NULL",
        ReviewFilter::Hidden => " AND r.hidden_at IS NOT NULL",
        ReviewFilter::Photo => " AND r.photo_count > 0",
        ReviewFilter::Unanswered => " AND r.reply IS NULL",
    });
}

const ADMIN_COLUMNS: &str = "SELECT r.id, r.product_id, r.author, r.option_label, r.stars, r.body, \
     r.photo_count, r.reward, r.reward_state, r.hidden_at, r.hidden_reason, r.reply, r.created_at, \
     p.name AS product_name, p.slug AS product_slug, o.number AS order_number \
     FROM reviews r JOIN products p ON p.id = r.product_id JOIN orders o ON o.id = r.order_id \
     WHERE 1 = 1";

/// A page of reviews, newest first, and how many match.
pub async fn list(
    db: &Db,
    filter: ReviewFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<AdminReviewRow>, i64)> {
    let mut q = SqlBuilder::new(ADMIN_COLUMNS);
    filtered(&mut q, filter);
    q.push(" ORDER BY r.id DESC LIMIT ").bind_int(limit);
    q.push(" OFFSET ").bind_int(offset);
    let rows =
        read_dynamic!(db, AdminReviewRow, &q, fetch_all).context("listing reviews for staff")?;
    let mut count = SqlBuilder::new("SELECT COUNT(*) FROM reviews r WHERE 1 = 1");
    filtered(&mut count, filter);
    let total = read_dynamic_scalar!(db, i64, &count).context("counting reviews")?;
    Ok((rows, total))
}

/// One review for staff.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<AdminReviewRow>> {
    let mut q = SqlBuilder::new(ADMIN_COLUMNS);
    q.push(" AND r.id = ").bind_int(id);
    read_dynamic!(db, AdminReviewRow, &q, fetch_optional).context("loading review")
}

/// Hides review `id` with `reason`, or shows it again (`reason` none); recounts its product.
/// False when there is none.
pub async fn set_hidden(
    tx: &mut Tx,
    id: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let product = tx_scalar_optional!(
        tx,
        i64,
        "UPDATE reviews SET hidden_at = CASE WHEN CAST($2 AS TEXT) IS NULL THEN NULL ELSE $3 END,
             hidden_reason = $2, updated_at = $3
         WHERE id = $1 RETURNING product_id",
        id,
        reason,
        now
    )
    .context("hiding review")?;
    let Some(product) = product else {
        return Ok(false);
    };
    recount(tx, product).await?;
    Ok(true)
}

/// Sets the shop's reply to review `id` (none removes it); false when there is none.
pub async fn set_reply(
    tx: &mut Tx,
    id: i64,
    reply: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE reviews SET reply = $2,
             replied_at = CASE WHEN CAST($2 AS TEXT) IS NULL THEN NULL ELSE $3 END, updated_at = $3
         WHERE id = $1",
        id,
        reply,
        now
    )
    .context("replying to review")
    .map(|n| n == 1)
}

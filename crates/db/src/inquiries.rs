//! Customer inquiries: product Q&A and 1:1 inquiries, with the staff answer.

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};

/// An inquiry with the names it refers to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InquiryRow {
    /// Id.
    pub id: i64,
    /// `product` (product Q&A) or `personal` (1:1).
    pub kind: String,
    /// The asking member (none once the member row is gone).
    pub member_id: Option<i64>,
    /// The product asked about (product Q&A).
    pub product_id: Option<i64>,
    /// The order the inquiry is about, if the member named one.
    pub order_id: Option<i64>,
    /// Topic code (`order`, `delivery`, `return`, `product`, `payment`, `account`, `other`).
    pub category: String,
    /// Title.
    pub title: String,
    /// Question text (plain text).
    pub body: String,
    /// Product Q&A only the author and staff may read.
    pub is_secret: bool,
    /// `open` or `answered`.
    pub status: String,
    /// The answer (plain text).
    pub answer: Option<String>,
    /// Staff member who answered.
    pub answered_by: Option<String>,
    /// When it was (last) answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Asked.
    pub created_at: DateTime<Utc>,
    /// Product name.
    pub product_name: Option<String>,
    /// Product slug.
    pub product_slug: Option<String>,
    /// Order number.
    pub order_number: Option<String>,
    /// The member's name (empty once withdrawn).
    pub member_name: Option<String>,
    /// The member's e-mail (none once withdrawn or dormant).
    pub member_email: Option<String>,
    /// The member's mobile (none once withdrawn or dormant).
    pub member_mobile: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.kind, i.member_id, i.product_id, i.order_id, i.category, i.title, \
     i.body, i.is_secret, i.status, i.answer, i.answered_by, i.answered_at, i.created_at, \
     p.name AS product_name, p.slug AS product_slug, o.number AS order_number, \
     m.name AS member_name, m.email AS member_email, m.mobile AS member_mobile \
     FROM inquiries i LEFT JOIN products p ON p.id = i.product_id \
     LEFT JOIN orders o ON o.id = i.order_id LEFT JOIN members m ON m.id = i.member_id";

/// What a new inquiry stores.
#[derive(Debug, Clone)]
pub struct NewInquiry<'a> {
    /// `product` or `personal`.
    pub kind: &'a str,
    /// Asking member.
    pub member_id: i64,
    /// Product (product Q&A).
    pub product_id: Option<i64>,
    /// Order (1:1 about an order).
    pub order_id: Option<i64>,
    /// Topic code.
    pub category: &'a str,
    /// Title.
    pub title: &'a str,
    /// Question.
    pub body: &'a str,
    /// Secret product question.
    pub is_secret: bool,
}

/// Stores a new inquiry.
pub async fn insert(db: &Db, q: &NewInquiry<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    let mut tx = db.begin().await?;
    let id = tx_scalar!(
        &mut tx,
        i64,
        "INSERT INTO inquiries (kind, member_id, product_id, order_id, category, title, body, is_secret,
             status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9) RETURNING id",
        q.kind,
        q.member_id,
        q.product_id,
        q.order_id,
        q.category,
        q.title,
        q.body,
        q.is_secret,
        now
    )
    .context("inserting inquiry")?;
    tx.commit().await?;
    Ok(id)
}

/// One inquiry.
pub async fn find(conn: impl Into<Reader<'_>>, id: i64) -> DbResult<Option<InquiryRow>> {
    reader_optional!(
        conn,
        InquiryRow,
        sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.id = $1")),
        id
    )
    .context("loading inquiry")
}

/// A member's inquiries (both kinds), newest first, and their number.
pub async fn list_for_member(
    db: &Db,
    member_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<InquiryRow>, i64)> {
    let rows = read_all!(
        db,
        InquiryRow,
        sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE i.member_id = $1 ORDER BY i.id DESC LIMIT $2 OFFSET $3"
        )),
        member_id,
        limit,
        offset
    )
    .context("listing member inquiries")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM inquiries WHERE member_id = $1",
        member_id
    )
    .context("counting member inquiries")?;
    Ok((rows, total))
}

/// A product's questions, newest first, and their number.
pub async fn list_for_product(
    db: &Db,
    product_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<InquiryRow>, i64)> {
    let rows = read_all!(
        db,
        InquiryRow,
        sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE i.product_id = $1 AND i.kind = 'product' ORDER BY i.id DESC LIMIT $2 OFFSET $3"
        )),
        product_id,
        limit,
        offset
    )
    .context("listing product questions")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM inquiries WHERE product_id = $1 AND kind = 'product'",
        product_id
    )
    .context("counting product questions")?;
    Ok((rows, total))
}

/// Inquiries for staff, oldest open first when filtering by `open`, newest first otherwise;
/// `status`/`kind` empty = any.
pub async fn list_for_staff(
    db: &Db,
    status: &str,
    kind: &str,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<InquiryRow>, i64)> {
    let order = if status == "open" { "ASC" } else { "DESC" };
    let rows = read_all!(
        db,
        InquiryRow,
        sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 = '' OR i.status = $1) AND ($2 = '' OR i.kind = $2) \
             ORDER BY i.id {order} LIMIT $3 OFFSET $4"
        )),
        status,
        kind,
        limit,
        offset
    )
    .context("listing inquiries")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM inquiries WHERE ($1 = '' OR status = $1) AND ($2 = '' OR kind = $2)",
        status,
        kind
    )
    .context("counting inquiries")?;
    Ok((rows, total))
}

/// Number of inquiries waiting for an answer.
pub async fn count_open(db: &Db) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM inquiries WHERE status = 'open'"
    )
    .context("counting open inquiries")
}

/// Records (or replaces) the answer; returns whether the inquiry was open before.
pub async fn answer(
    tx: &mut Tx,
    id: i64,
    answer: &str,
    by: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let first = tx_execute!(
        tx,
        "UPDATE inquiries SET status = 'answered', answer = $2, answered_by = $3, answered_at = $4,
             updated_at = $4
         WHERE id = $1 AND status = 'open'",
        id,
        answer,
        by,
        now
    )
    .context("answering inquiry")?;
    if first == 1 {
        return Ok(true);
    }
    tx_execute!(
        tx,
        "UPDATE inquiries SET answer = $2, answered_by = $3, answered_at = $4, updated_at = $4
         WHERE id = $1",
        id,
        answer,
        by,
        now
    )
    .context("editing inquiry answer")?;
    Ok(false)
}

/// Deletes a member's own unanswered inquiry; returns whether one was deleted.
pub async fn delete_open(db: &Db, id: i64, member_id: i64) -> DbResult<bool> {
    db_execute!(
        db,
        "DELETE FROM inquiries WHERE id = $1 AND member_id = $2 AND status = 'open'",
        id,
        member_id
    )
    .context("deleting inquiry")
    .map(|n| n == 1)
}

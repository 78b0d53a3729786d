//! Wishlists (찜, issue 17): a member's kept products, newest first.

use crate::error::Context;
use crate::{Db, DbResult};
use chrono::{DateTime, Utc};

/// Keeps product `product_id` for the member (once); false when it was kept already.
pub async fn add(db: &Db, member_id: i64, product_id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    db_execute!(
        db,
        "INSERT INTO wishlist_items (member_id, product_id, created_at)
         SELECT $1, id, $3 FROM products WHERE id = $2
         ON CONFLICT (member_id, product_id) DO NOTHING",
        member_id,
        product_id,
        now
    )
    .context("adding to wishlist")
    .map(|n| n == 1)
}

/// Lets go of a kept product; false when it was not kept.
pub async fn remove(db: &Db, member_id: i64, product_id: i64) -> DbResult<bool> {
    db_execute!(
        db,
        "DELETE FROM wishlist_items WHERE member_id = $1 AND product_id = $2",
        member_id,
        product_id
    )
    .context("removing from wishlist")
    .map(|n| n == 1)
}

/// A page of the member's kept product ids, newest first, and how many there are.
pub async fn product_ids(
    db: &Db,
    member_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<i64>, i64)> {
    let rows: Vec<(i64,)> = read_all!(
        db,
        (i64,),
        "SELECT product_id FROM wishlist_items WHERE member_id = $1
         ORDER BY created_at DESC, product_id DESC LIMIT $2 OFFSET $3",
        member_id,
        limit,
        offset
    )
    .context("listing wishlist")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM wishlist_items WHERE member_id = $1",
        member_id
    )
    .context("counting wishlist")?;
    Ok((rows.into_iter().map(|(id,)| id).collect(), total))
}

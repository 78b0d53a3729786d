//! Category tree rows.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::CategoryId;

/// A stored category.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CategoryRow {
    /// Primary key.
    pub id: i64,
    /// Parent category; `None` for a top-level category.
    pub parent_id: Option<i64>,
    /// URL slug, unique.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Order among siblings.
    pub position: i64,
    /// Whether shoppers see it.
    pub is_visible: bool,
    /// Last change (for the sitemap).
    pub updated_at: DateTime<Utc>,
}

/// A category to create.
#[derive(Debug, Clone)]
pub struct NewCategory<'a> {
    /// Parent, or `None` for a top-level category.
    pub parent_id: Option<CategoryId>,
    /// URL slug (validated by the caller).
    pub slug: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Order among siblings.
    pub position: i64,
}

/// Inserts a category, or updates the name/parent/position of the one with the same slug.
pub async fn upsert(
    tx: &mut Tx,
    new: &NewCategory<'_>,
    now: DateTime<Utc>,
) -> DbResult<CategoryId> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO categories (parent_id, slug, name, position, is_visible, created_at, updated_at)
         VALUES ($1, $2, $3, $4, TRUE, $5, $5)
         ON CONFLICT (slug) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name,
             position = excluded.position, updated_at = excluded.updated_at
         RETURNING id",
        new.parent_id.map(CategoryId::get),
        new.slug,
        new.name,
        new.position,
        now
    )
    .context("upserting category")
    .map(CategoryId)
}

/// Every category, parents before children's siblings order (position, then id).
pub async fn list_all(db: &Db) -> DbResult<Vec<CategoryRow>> {
    read_all!(
        db,
        CategoryRow,
        "SELECT id, parent_id, slug, name, position, is_visible, updated_at
         FROM categories ORDER BY position, id"
    )
    .context("listing categories")
}

/// Renames a category (touches `updated_at`).
pub async fn rename(tx: &mut Tx, id: CategoryId, name: &str, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE categories SET name = $1, updated_at = $2 WHERE id = $3",
        name,
        now,
        id.get()
    )
    .context("renaming category")
    .map(|n| n == 1)
}

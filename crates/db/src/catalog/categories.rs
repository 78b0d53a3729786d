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

/// A category as the back office saves it.
#[derive(Debug, Clone)]
pub struct CategoryInput<'a> {
    /// Parent (none: a top category).
    pub parent_id: Option<i64>,
    /// URL slug.
    pub slug: &'a str,
    /// Name.
    pub name: &'a str,
    /// Order among its siblings.
    pub position: i64,
    /// Shown in the shop's menu and lists.
    pub is_visible: bool,
}

/// Saves a category (new when `id` is none); none when the slug belongs to another category or
/// there is no such category.
pub async fn save(
    tx: &mut Tx,
    id: Option<i64>,
    c: &CategoryInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    let taken = tx_scalar_optional!(tx, i64, "SELECT id FROM categories WHERE slug = $1", c.slug)
        .context("checking category slug")?;
    if taken.is_some_and(|other| Some(other) != id) {
        return Ok(None);
    }
    match id {
        Some(id) => tx_execute!(
            tx,
            "UPDATE categories SET parent_id = $2, slug = $3, name = $4, position = $5, is_visible = $6,
                 updated_at = $7
             WHERE id = $1",
            id,
            c.parent_id,
            c.slug,
            c.name,
            c.position,
            c.is_visible,
            now
        )
        .context("updating category")
        .map(|n| (n == 1).then_some(id)),
        None => tx_scalar!(
            tx,
            i64,
            "INSERT INTO categories (parent_id, slug, name, position, is_visible, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            c.parent_id,
            c.slug,
            c.name,
            c.position,
            c.is_visible,
            now
        )
        .context("inserting category")
        .map(Some),
    }
}

/// Deletes a category that has neither subcategories nor products; false otherwise.
pub async fn delete_unused(tx: &mut Tx, id: i64) -> DbResult<bool> {
    let in_use = tx_scalar!(
        tx,
        i64,
        "SELECT (SELECT COUNT(*) FROM categories WHERE parent_id = $1)
              + (SELECT COUNT(*) FROM products WHERE category_id = $1)",
        id
    )
    .context("checking category use")?;
    if in_use > 0 {
        return Ok(false);
    }
    tx_execute!(tx, "DELETE FROM categories WHERE id = $1", id)
        .context("deleting category")
        .map(|n| n == 1)
}

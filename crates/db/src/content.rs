//! Content shown around the catalog: home banners and CMS pages.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::{BannerId, MediaId, PageId};

/// A home banner with its image hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BannerRow {
    /// Primary key.
    pub id: i64,
    /// Headline.
    pub title: String,
    /// Second line.
    pub subtitle: String,
    /// Where a click goes (a path inside the shop or an absolute URL).
    pub link_url: String,
    /// Content hash of its image.
    pub image_hash: Option<String>,
}

/// A banner to create.
#[derive(Debug, Clone)]
pub struct NewBanner<'a> {
    /// Headline.
    pub title: &'a str,
    /// Second line.
    pub subtitle: &'a str,
    /// Link target.
    pub link_url: &'a str,
    /// Image.
    pub media_id: Option<MediaId>,
    /// Order.
    pub position: i64,
}

/// Inserts a banner.
pub async fn insert_banner(
    tx: &mut Tx,
    new: &NewBanner<'_>,
    now: DateTime<Utc>,
) -> DbResult<BannerId> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO banners (title, subtitle, link_url, media_id, position, is_active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6) RETURNING id",
        new.title,
        new.subtitle,
        new.link_url,
        new.media_id.map(MediaId::get),
        new.position,
        now
    )
    .context("inserting banner")
    .map(BannerId)
}

/// Active banners whose period (if any) contains `now`, in order.
pub async fn active_banners(db: &Db, now: DateTime<Utc>) -> DbResult<Vec<BannerRow>> {
    read_all!(
        db,
        BannerRow,
        "SELECT b.id, b.title, b.subtitle, b.link_url, m.content_hash AS image_hash
         FROM banners b LEFT JOIN media_files m ON m.id = b.media_id
         WHERE b.is_active AND (b.starts_at IS NULL OR b.starts_at <= $1)
           AND (b.ends_at IS NULL OR b.ends_at > $1)
         ORDER BY b.position, b.id",
        now
    )
    .context("listing banners")
}

/// A CMS page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PageRow {
    /// Primary key.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Sanitised body.
    pub body_html: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Inserts a page or replaces the title and body of the one with that slug.
pub async fn upsert_page(
    tx: &mut Tx,
    slug: &str,
    title: &str,
    body_html: &str,
    now: DateTime<Utc>,
) -> DbResult<PageId> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO pages (slug, title, body_html, is_published, created_at, updated_at)
         VALUES ($1, $2, $3, TRUE, $4, $4)
         ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body_html = excluded.body_html,
             updated_at = excluded.updated_at
         RETURNING id",
        slug,
        title,
        body_html,
        now
    )
    .context("upserting page")
    .map(PageId)
}

/// A published page by slug.
pub async fn published_page(db: &Db, slug: &str) -> DbResult<Option<PageRow>> {
    read_optional!(
        db,
        PageRow,
        "SELECT id, slug, title, body_html, updated_at FROM pages WHERE slug = $1 AND is_published",
        slug
    )
    .context("loading page")
}

/// Every published page, by id.
pub async fn published_pages(db: &Db) -> DbResult<Vec<PageRow>> {
    read_all!(
        db,
        PageRow,
        "SELECT id, slug, title, body_html, updated_at FROM pages WHERE is_published ORDER BY id"
    )
    .context("listing pages")
}

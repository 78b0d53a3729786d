//! Content shown around the catalog: home banners and CMS pages.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::{MediaId, PageId};

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

/// A page as the back office edits it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PageAdminRow {
    /// Primary key.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Sanitised body.
    pub body_html: String,
    /// Shown in the shop.
    pub is_published: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Every page, published or not, by slug.
pub async fn all_pages(db: &Db) -> DbResult<Vec<PageAdminRow>> {
    read_all!(
        db,
        PageAdminRow,
        "SELECT id, slug, title, body_html, is_published, updated_at FROM pages ORDER BY slug"
    )
    .context("listing all pages")
}

/// A page by id.
pub async fn page_by_id(db: &Db, id: i64) -> DbResult<Option<PageAdminRow>> {
    read_optional!(
        db,
        PageAdminRow,
        "SELECT id, slug, title, body_html, is_published, updated_at FROM pages WHERE id = $1",
        id
    )
    .context("loading page")
}

/// Saves a page (new when `id` is none); false when the slug belongs to another page.
pub async fn save_page(
    tx: &mut Tx,
    id: Option<i64>,
    slug: &str,
    title: &str,
    body_html: &str,
    is_published: bool,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    let taken = tx_scalar_optional!(tx, i64, "SELECT id FROM pages WHERE slug = $1", slug)
        .context("checking page slug")?;
    if taken.is_some_and(|other| Some(other) != id) {
        return Ok(None);
    }
    match id {
        Some(id) => tx_execute!(
            tx,
            "UPDATE pages SET slug = $2, title = $3, body_html = $4, is_published = $5, updated_at = $6
             WHERE id = $1",
            id,
            slug,
            title,
            body_html,
            is_published,
            now
        )
        .context("updating page")
        .map(|n| (n == 1).then_some(id)),
        None => tx_scalar!(
            tx,
            i64,
            "INSERT INTO pages (slug, title, body_html, is_published, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            slug,
            title,
            body_html,
            is_published,
            now
        )
        .context("inserting page")
        .map(Some),
    }
}

/// A notice or an event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostRow {
    /// Id.
    pub id: i64,
    /// `notice` or `event`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Sanitised body.
    pub body_html: String,
    /// Banner image (media content hash), events.
    pub banner_hash: Option<String>,
    /// Event start.
    pub starts_at: Option<DateTime<Utc>>,
    /// Event end.
    pub ends_at: Option<DateTime<Utc>>,
    /// Listed first.
    pub is_pinned: bool,
    /// Shown in the shop.
    pub is_published: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

const POST_COLUMNS: &str = "SELECT id, kind, title, body_html, banner_hash, starts_at, ends_at, is_pinned, \
     is_published, created_at, updated_at FROM posts";

/// What a post stores.
#[derive(Debug, Clone)]
pub struct PostInput<'a> {
    /// `notice` or `event`.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// Sanitised body.
    pub body_html: &'a str,
    /// Banner.
    pub banner_hash: Option<&'a str>,
    /// Event start.
    pub starts_at: Option<DateTime<Utc>>,
    /// Event end.
    pub ends_at: Option<DateTime<Utc>>,
    /// Pinned.
    pub is_pinned: bool,
    /// Published.
    pub is_published: bool,
}

/// Saves a post (new when `id` is none); returns its id (none: no such post).
pub async fn save_post(
    tx: &mut Tx,
    id: Option<i64>,
    p: &PostInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    match id {
        Some(id) => tx_execute!(
            tx,
            "UPDATE posts SET title = $2, body_html = $3, banner_hash = $4, starts_at = $5, ends_at = $6,
                 is_pinned = $7, is_published = $8, updated_at = $9
             WHERE id = $1",
            id,
            p.title,
            p.body_html,
            p.banner_hash,
            p.starts_at,
            p.ends_at,
            p.is_pinned,
            p.is_published,
            now
        )
        .context("updating post")
        .map(|n| (n == 1).then_some(id)),
        None => tx_scalar!(
            tx,
            i64,
            "INSERT INTO posts (kind, title, body_html, banner_hash, starts_at, ends_at, is_pinned,
                 is_published, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            p.kind,
            p.title,
            p.body_html,
            p.banner_hash,
            p.starts_at,
            p.ends_at,
            p.is_pinned,
            p.is_published,
            now
        )
        .context("inserting post")
        .map(Some),
    }
}

/// A post by id.
pub async fn post(db: &Db, id: i64) -> DbResult<Option<PostRow>> {
    read_optional!(
        db,
        PostRow,
        sqlx::AssertSqlSafe(format!("{POST_COLUMNS} WHERE id = $1")),
        id
    )
    .context("loading post")
}

/// Posts of a kind (`only_published`: what the shop shows), pinned first then newest, and their
/// number.
pub async fn posts(
    db: &Db,
    kind: &str,
    only_published: bool,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<PostRow>, i64)> {
    let rows = read_all!(
        db,
        PostRow,
        sqlx::AssertSqlSafe(format!(
            "{POST_COLUMNS} WHERE kind = $1 AND (is_published OR NOT $2)
             ORDER BY is_pinned DESC, id DESC LIMIT $3 OFFSET $4"
        )),
        kind,
        only_published,
        limit,
        offset
    )
    .context("listing posts")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM posts WHERE kind = $1 AND (is_published OR NOT $2)",
        kind,
        only_published
    )
    .context("counting posts")?;
    Ok((rows, total))
}

/// A banner as the back office edits it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BannerAdminRow {
    /// Id.
    pub id: i64,
    /// Headline.
    pub title: String,
    /// Second line.
    pub subtitle: String,
    /// Link target.
    pub link_url: String,
    /// Image hash.
    pub image_hash: Option<String>,
    /// Order on the home page.
    pub position: i64,
    /// Shown (within its period).
    pub is_active: bool,
    /// First moment shown.
    pub starts_at: Option<DateTime<Utc>>,
    /// First moment no longer shown.
    pub ends_at: Option<DateTime<Utc>>,
}

const BANNER_ADMIN: &str = "SELECT b.id, b.title, b.subtitle, b.link_url, m.content_hash AS image_hash, \
     b.position, b.is_active, b.starts_at, b.ends_at FROM banners b LEFT JOIN media_files m ON m.id = b.media_id";

/// Every banner, in home-page order.
pub async fn all_banners(db: &Db) -> DbResult<Vec<BannerAdminRow>> {
    read_all!(
        db,
        BannerAdminRow,
        sqlx::AssertSqlSafe(format!("{BANNER_ADMIN} ORDER BY b.position, b.id"))
    )
    .context("listing all banners")
}

/// A banner by id.
pub async fn banner(db: &Db, id: i64) -> DbResult<Option<BannerAdminRow>> {
    read_optional!(
        db,
        BannerAdminRow,
        sqlx::AssertSqlSafe(format!("{BANNER_ADMIN} WHERE b.id = $1")),
        id
    )
    .context("loading banner")
}

/// A banner's editable fields.
#[derive(Debug, Clone)]
pub struct BannerInput<'a> {
    /// Headline.
    pub title: &'a str,
    /// Second line.
    pub subtitle: &'a str,
    /// Link target.
    pub link_url: &'a str,
    /// Image (none: keep the current one).
    pub media_id: Option<MediaId>,
    /// Order.
    pub position: i64,
    /// Shown.
    pub is_active: bool,
    /// Period start.
    pub starts_at: Option<DateTime<Utc>>,
    /// Period end (exclusive).
    pub ends_at: Option<DateTime<Utc>>,
}

/// Saves a banner (new when `id` is none); its id, or none when there is no such banner.
pub async fn save_banner(
    tx: &mut Tx,
    id: Option<i64>,
    b: &BannerInput<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    match id {
        Some(id) => tx_execute!(
            tx,
            "UPDATE banners SET title = $2, subtitle = $3, link_url = $4,
                 media_id = COALESCE($5, media_id), position = $6, is_active = $7, starts_at = $8,
                 ends_at = $9, updated_at = $10
             WHERE id = $1",
            id,
            b.title,
            b.subtitle,
            b.link_url,
            b.media_id.map(MediaId::get),
            b.position,
            b.is_active,
            b.starts_at,
            b.ends_at,
            now
        )
        .context("updating banner")
        .map(|n| (n == 1).then_some(id)),
        None => tx_scalar!(
            tx,
            i64,
            "INSERT INTO banners (title, subtitle, link_url, media_id, position, is_active, starts_at,
                 ends_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            b.title,
            b.subtitle,
            b.link_url,
            b.media_id.map(MediaId::get),
            b.position,
            b.is_active,
            b.starts_at,
            b.ends_at,
            now
        )
        .context("inserting banner")
        .map(Some),
    }
}

/// Deletes a banner; false when there was none.
pub async fn delete_banner(tx: &mut Tx, id: i64) -> DbResult<bool> {
    tx_execute!(tx, "DELETE FROM banners WHERE id = $1", id)
        .context("deleting banner")
        .map(|n| n == 1)
}

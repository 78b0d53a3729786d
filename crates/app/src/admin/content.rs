//! CMS in the back office: pages, notices and events edited in the WYSIWYG editor. Every body is
//! cleaned on save (`rich_text`), every save audited, and the shop's caches dropped so the change
//! shows at once.

use crate::auth::StaffActor;
use crate::field_errors::FieldErrors;
use crate::{App, AppError, AppResult};
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use jangteo_core::member::required_text;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::content::{self, PageAdminRow, PostInput, PostRow};

/// A page as typed.
#[derive(Debug, Clone, Default)]
pub struct PageForm {
    /// URL slug (`a-z0-9-`).
    pub slug: String,
    /// Title.
    pub title: String,
    /// Editor HTML.
    pub body_html: String,
    /// Shown in the shop.
    pub published: bool,
}

/// A home banner as typed.
#[derive(Debug, Clone, Default)]
pub struct BannerForm {
    /// Headline.
    pub title: String,
    /// Second line.
    pub subtitle: String,
    /// Where a click goes: a shop path (`/events/3`) or an https URL.
    pub link_url: String,
    /// Image hash (from the upload); empty keeps the current image.
    pub image_hash: String,
    /// Order on the home page (smaller first).
    pub position: i64,
    /// Shown.
    pub active: bool,
    /// First day (KST).
    pub starts_on: Option<NaiveDate>,
    /// Last day (KST).
    pub ends_on: Option<NaiveDate>,
}

/// A notice or event as typed.
#[derive(Debug, Clone, Default)]
pub struct PostForm {
    /// Title.
    pub title: String,
    /// Editor HTML.
    pub body_html: String,
    /// Banner image hash (events).
    pub banner_hash: String,
    /// First day (events, KST).
    pub starts_on: Option<NaiveDate>,
    /// Last day (events, KST).
    pub ends_on: Option<NaiveDate>,
    /// Listed first.
    pub pinned: bool,
    /// Shown in the shop.
    pub published: bool,
}

pub(crate) fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 60
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
}

impl App {
    /// The media URL prefixes images in rich text may use.
    fn media_prefixes(&self) -> Vec<String> {
        vec![self.config.media_url()]
    }

    /// Cleans editor HTML the way every save does.
    pub fn clean_html(&self, html: &str) -> String {
        crate::rich_text::clean_rich_text(html, &self.media_prefixes())
    }

    /// Every page.
    pub async fn admin_pages(&self, actor: &StaffActor) -> AppResult<Vec<PageAdminRow>> {
        actor.require(Area::Content, Access::Read)?;
        Ok(content::all_pages(&self.db).await?)
    }

    /// One page.
    pub async fn admin_page(&self, actor: &StaffActor, id: i64) -> AppResult<PageAdminRow> {
        actor.require(Area::Content, Access::Read)?;
        content::page_by_id(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Saves a page (new when `id` is none); returns its id.
    pub async fn save_page(
        &self,
        actor: &StaffActor,
        id: Option<i64>,
        form: &PageForm,
    ) -> AppResult<i64> {
        actor.require(Area::Content, Access::Write)?;
        let mut errors = FieldErrors::default();
        let slug = form.slug.trim().to_lowercase();
        if !valid_slug(&slug) {
            errors.add("slug", "invalid_slug");
        }
        let title = errors.check("title", required_text(&form.title, 100));
        errors.finish()?;
        let title = title.unwrap_or_default();
        let body = self.clean_html(&form.body_html);
        let before = match id {
            Some(id) => Some(self.admin_page(actor, id).await?),
            None => None,
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(saved) =
            content::save_page(&mut tx, id, &slug, &title, &body, form.published, now).await?
        else {
            return Err(AppError::field("slug", "slug_taken"));
        };
        audit::record(
            &mut tx,
            &NewAudit {
                before: before.map(|b| {
                    serde_json::json!({ "slug": b.slug, "title": b.title, "published": b.is_published, "body": b.body_html })
                        .to_string()
                }),
                after: Some(
                    serde_json::json!({ "slug": slug, "title": title, "published": form.published, "body": body })
                        .to_string(),
                ),
                ..actor.entry("content.page", "page", &saved.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.invalidate_catalog();
        Ok(saved)
    }

    /// Posts of a kind for the back office (drafts included).
    pub async fn admin_posts(
        &self,
        actor: &StaffActor,
        kind: &str,
        page: u32,
    ) -> AppResult<Paged<PostRow>> {
        actor.require(Area::Content, Access::Read)?;
        self.list_posts(kind, false, page, 30).await
    }

    /// Published posts of a kind for the shop.
    pub async fn published_posts(&self, kind: &str, page: u32) -> AppResult<Paged<PostRow>> {
        self.list_posts(kind, true, page, 15).await
    }

    async fn list_posts(
        &self,
        kind: &str,
        only_published: bool,
        page: u32,
        size: u32,
    ) -> AppResult<Paged<PostRow>> {
        let request = PageRequest::new(page, size);
        let (items, total) = content::posts(
            &self.db,
            kind,
            only_published,
            request.limit(),
            request.offset(),
        )
        .await?;
        Ok(jangteo_core::paging::Paged::counted(items, total, request))
    }

    /// A published post of a kind for the shop.
    pub async fn published_post(&self, kind: &str, id: i64) -> AppResult<PostRow> {
        content::post(&self.db, id)
            .await?
            .filter(|p| p.kind == kind && p.is_published)
            .ok_or(AppError::NotFound)
    }

    /// A post for the back office.
    pub async fn admin_post(&self, actor: &StaffActor, id: i64) -> AppResult<PostRow> {
        actor.require(Area::Content, Access::Read)?;
        content::post(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// Saves a notice or event (new when `id` is none); returns its id.
    pub async fn save_post(
        &self,
        actor: &StaffActor,
        kind: &str,
        id: Option<i64>,
        form: &PostForm,
    ) -> AppResult<i64> {
        actor.require(Area::Content, Access::Write)?;
        if !matches!(kind, "notice" | "event") {
            return Err(AppError::NotFound);
        }
        let mut errors = FieldErrors::default();
        let title = errors.check("title", required_text(&form.title, 120));
        let banner = form.banner_hash.trim();
        if !banner.is_empty() && !jangteo_media::is_content_hash(banner) {
            errors.add("banner_hash", "required");
        }
        if kind == "event" {
            match (form.starts_on, form.ends_on) {
                (Some(s), Some(e)) if s > e => errors.add("ends_on", "period_order"),
                (None, _) => errors.add("starts_on", "required"),
                (_, None) => errors.add("ends_on", "required"),
                _ => {}
            }
        }
        errors.finish()?;
        let start = |d: Option<NaiveDate>| -> Option<DateTime<Utc>> {
            d.map(jangteo_core::time::start_of_business_day)
        };
        let input = PostInput {
            kind,
            title: &title.unwrap_or_default(),
            body_html: &self.clean_html(&form.body_html),
            banner_hash: (!banner.is_empty()).then_some(banner),
            starts_at: start(form.starts_on),
            // The last day is inclusive: the event ends when the next KST day starts.
            ends_at: start(form.ends_on.and_then(|d| d.succ_opt())),
            is_pinned: form.pinned,
            is_published: form.published,
        };
        let before = match id {
            Some(id) => Some(self.admin_post(actor, id).await?),
            None => None,
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let saved = content::save_post(&mut tx, id, &input, now)
            .await?
            .ok_or(AppError::NotFound)?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: before.map(|b| {
                    serde_json::json!({ "title": b.title, "published": b.is_published, "body": b.body_html })
                        .to_string()
                }),
                after: Some(
                    serde_json::json!({ "title": input.title, "published": input.is_published, "body": input.body_html })
                        .to_string(),
                ),
                ..actor.entry(&format!("content.{kind}"), kind, &saved.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Every home banner.
    pub async fn admin_banners(
        &self,
        actor: &StaffActor,
    ) -> AppResult<Vec<content::BannerAdminRow>> {
        actor.require(Area::Content, Access::Read)?;
        Ok(content::all_banners(&self.db).await?)
    }

    /// One banner.
    pub async fn admin_banner(
        &self,
        actor: &StaffActor,
        id: i64,
    ) -> AppResult<content::BannerAdminRow> {
        actor.require(Area::Content, Access::Read)?;
        content::banner(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Saves a banner (new when `id` is none; a new one needs an image); returns its id.
    pub async fn save_banner(
        &self,
        actor: &StaffActor,
        id: Option<i64>,
        form: &BannerForm,
    ) -> AppResult<i64> {
        actor.require(Area::Content, Access::Write)?;
        let mut errors = FieldErrors::default();
        let title = errors.check("title", required_text(&form.title, 60));
        if form.subtitle.chars().count() > 120 {
            errors.add("subtitle", "too_long");
        }
        let link = form.link_url.trim();
        let local = link.starts_with('/') && !link.starts_with("//");
        if !link.is_empty() && !local && !link.starts_with("https://") {
            errors.add("link_url", "invalid_link");
        }
        let hash = form.image_hash.trim();
        let media = if hash.is_empty() {
            None
        } else {
            jangteo_db::media::find_by_hash(&self.db, hash).await?
        };
        if (id.is_none() && media.is_none()) || (!hash.is_empty() && media.is_none()) {
            errors.add("image_hash", "image_required");
        }
        if let (Some(s), Some(e)) = (form.starts_on, form.ends_on)
            && s > e
        {
            errors.add("ends_on", "period_order");
        }
        errors.finish()?;
        let title = title.unwrap_or_default();
        let input = content::BannerInput {
            title: &title,
            subtitle: form.subtitle.trim(),
            link_url: link,
            media_id: media.map(|m| jangteo_core::ids::MediaId(m.id)),
            position: form.position.clamp(-1_000, 1_000),
            is_active: form.active,
            starts_at: form
                .starts_on
                .map(jangteo_core::time::start_of_business_day),
            ends_at: form
                .ends_on
                .and_then(|d| d.succ_opt())
                .map(jangteo_core::time::start_of_business_day),
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let saved = content::save_banner(&mut tx, id, &input, now)
            .await?
            .ok_or(AppError::NotFound)?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({ "title": title, "link": link, "active": form.active, "image": hash })
                        .to_string(),
                ),
                ..actor.entry("content.banner", "banner", &saved.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.invalidate_catalog();
        Ok(saved)
    }

    /// Deletes a banner.
    pub async fn delete_banner(&self, actor: &StaffActor, id: i64) -> AppResult<()> {
        actor.require(Area::Content, Access::Write)?;
        let before = self.admin_banner(actor, id).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        content::delete_banner(&mut tx, id).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(
                    serde_json::json!({ "title": before.title, "link": before.link_url })
                        .to_string(),
                ),
                ..actor.entry("content.banner_delete", "banner", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.invalidate_catalog();
        Ok(())
    }

    /// Stores an image uploaded from the editor; returns its content hash.
    pub async fn upload_content_image(
        &self,
        actor: &StaffActor,
        bytes: Bytes,
    ) -> AppResult<String> {
        actor.require(Area::Content, Access::Write)?;
        let stored = self.store_original(bytes).await?;
        let mut tx = self.db.begin().await?;
        self.record_original(&mut tx, &stored).await?;
        audit::record(
            &mut tx,
            &actor.entry("content.image", "media", stored.hash()),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(stored.hash().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::valid_slug;

    #[test]
    fn slugs_are_plain_url_words() {
        assert!(valid_slug("shipping-guide"));
        assert!(!valid_slug("배송"));
        assert!(!valid_slug("a/b"));
        assert!(!valid_slug("-x"));
        assert!(!valid_slug(""));
    }
}

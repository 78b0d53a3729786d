//! CMS pages in the back office: pages, notices and events with the WYSIWYG editor, and the
//! editor's image upload.

use super::BackOffice;
use crate::forms::{checked, refuse, see_other};
use crate::session::flash;
use crate::views::{PaginationView, media_url, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::response::{IntoResponse, Json, Response};
use chrono::NaiveDate;
use jangteo_app::admin::content::{PageForm, PostForm};
use jangteo_core::staff::{Access, Area};
use jangteo_media::ThumbSize;
use minijinja::{Value, context};
use serde::Deserialize;

/// `?tab=pages|notice|event&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct ContentQuery {
    tab: Option<String>,
    page: Option<u32>,
}

/// GET /admin/content
pub async fn index(
    office: BackOffice,
    Query(q): Query<ContentQuery>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let tab = q
        .tab
        .as_deref()
        .filter(|t| matches!(*t, "notice" | "event" | "banners"))
        .unwrap_or("pages");
    let mut ctx =
        context! { tab => tab, can_write => admin.actor.can(Area::Content, Access::Write) };
    if tab == "banners" {
        let media = state.app.config.media_url();
        let banners = state.app.admin_banners(&admin.actor).await?;
        ctx = context! { banners => banners.iter().map(|b| context! {
            id => b.id, title => &b.title, link_url => &b.link_url, position => b.position, active => b.is_active,
            starts_at => b.starts_at.map(|d| d.to_rfc3339()), ends_at => b.ends_at.map(|d| d.to_rfc3339()),
            image_url => b.image_hash.as_deref().map(|h| media_url(&media, h, ThumbSize::List)),
            url => format!("/admin/banners/{}", b.id),
        }).collect::<Vec<_>>(), ..ctx };
    } else if tab == "pages" {
        let pages = state.app.admin_pages(&admin.actor).await?;
        ctx = context! { pages => pages.iter().map(|p| context! {
            id => p.id, slug => &p.slug, title => &p.title, published => p.is_published,
            updated_at => p.updated_at.to_rfc3339(), url => format!("/admin/pages/{}", p.id),
        }).collect::<Vec<_>>(), ..ctx };
    } else {
        let list = state
            .app
            .admin_posts(&admin.actor, tab, q.page.unwrap_or(1))
            .await?;
        let pagination =
            PaginationView::new(&list, |n| format!("/admin/content?tab={tab}&page={n}"));
        ctx = context! { posts => list.items.iter().map(|p| context! {
            id => p.id, title => &p.title, published => p.is_published, pinned => p.is_pinned,
            starts_at => p.starts_at.map(|d| d.to_rfc3339()), ends_at => p.ends_at.map(|d| d.to_rfc3339()),
            updated_at => p.updated_at.to_rfc3339(), url => format!("/admin/posts/{tab}/{}", p.id),
        }).collect::<Vec<_>>(), pagination => val(pagination), ..ctx };
    }
    office
        .page("admin/content.html", "admin.nav.content", ctx)
        .await
}

/// The page form.
#[derive(Debug, Default, Deserialize)]
pub struct PageFields {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body_html: String,
    published: Option<String>,
}

async fn page_editor(
    office: &BackOffice,
    id: Option<i64>,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { admin, .. } = office;
    office.page("admin/page_edit.html", "admin.nav.content", context! {
        id => id, form => form, errors => errors,
        action_url => id.map_or_else(|| "/admin/pages".to_owned(), |id| format!("/admin/pages/{id}")),
        can_write => admin.actor.can(Area::Content, Access::Write),
    })
    .await
}

/// GET /admin/pages/new
pub async fn new_page(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice { admin, .. } = &office;
    admin.require(Area::Content, Access::Write)?;
    page_editor(&office, None, context! { published => true }, context! {}).await
}

/// GET /admin/pages/{id}
pub async fn edit_page(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let p = state.app.admin_page(&admin.actor, id).await?;
    page_editor(&office, Some(id), context! {
        slug => &p.slug, title => &p.title, body_html => &p.body_html, published => p.is_published,
        public_url => p.is_published.then(|| format!("/pages/{}", p.slug)),
    }, context! {})
    .await
}

async fn save_page(
    office: BackOffice,
    id: Option<i64>,
    fields: PageFields,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let form = PageForm {
        slug: fields.slug.clone(),
        title: fields.title.clone(),
        body_html: fields.body_html.clone(),
        published: checked(&fields.published),
    };
    match state.app.save_page(&admin.actor, id, &form).await {
        Ok(saved) => {
            flash(session, "success", "admin.flash.content_saved").await;
            Ok(see_other(&format!("/admin/pages/{saved}")))
        }
        Err(e) => refuse(state, req, e, |errors| page_editor(&office, id, context! {
                    slug => &fields.slug, title => &fields.title, body_html => state.app.clean_html(&fields.body_html),
                    published => form.published,
                }, errors)).await,
    }
}

/// POST /admin/pages
pub async fn create_page(
    office: BackOffice,
    Form(fields): Form<PageFields>,
) -> Result<Response, WebError> {
    save_page(office, None, fields).await
}

/// POST /admin/pages/{id}
pub async fn update_page(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<PageFields>,
) -> Result<Response, WebError> {
    save_page(office, Some(id), fields).await
}

/// The notice/event form.
#[derive(Debug, Default, Deserialize)]
pub struct PostFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body_html: String,
    #[serde(default)]
    banner_hash: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    pinned: Option<String>,
    published: Option<String>,
}

fn kind_of(raw: &str) -> Result<&'static str, WebError> {
    match raw {
        "notice" => Ok("notice"),
        "event" => Ok("event"),
        _ => Err(WebError::NotFound),
    }
}

#[allow(clippy::too_many_arguments)]
async fn post_editor(
    office: &BackOffice,
    kind: &str,
    id: Option<i64>,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { admin, .. } = office;
    office.page("admin/post_edit.html", "admin.nav.content", context! {
        kind => kind, id => id, form => form, errors => errors,
        action_url => id.map_or_else(|| format!("/admin/posts/{kind}"), |id| format!("/admin/posts/{kind}/{id}")),
        can_write => admin.actor.can(Area::Content, Access::Write),
    })
    .await
}

pub(super) fn date_text(d: Option<chrono::DateTime<chrono::Utc>>) -> String {
    d.map(|d| jangteo_core::time::business_date(d).to_string())
        .unwrap_or_default()
}

/// GET /admin/posts/{kind}/new
pub async fn new_post(office: BackOffice, Path(kind): Path<String>) -> Result<Response, WebError> {
    let BackOffice { admin, .. } = &office;
    let kind = kind_of(&kind)?;
    admin.require(Area::Content, Access::Write)?;
    post_editor(
        &office,
        kind,
        None,
        context! { published => true },
        context! {},
    )
    .await
}

/// GET /admin/posts/{kind}/{id}
pub async fn edit_post(
    office: BackOffice,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let kind = kind_of(&kind)?;
    let p = state.app.admin_post(&admin.actor, id).await?;
    if p.kind != kind {
        return Err(WebError::NotFound);
    }
    let media = state.app.config.media_url();
    // The last day shown is the day before the stored (exclusive) end.
    let ends_on = p.ends_at.map(|e| e - chrono::Duration::days(1));
    post_editor(
        &office,
        kind,
        Some(id),
        context! {
            title => &p.title, body_html => &p.body_html, banner_hash => &p.banner_hash,
            banner_url => p.banner_hash.as_deref().map(|h| media_url(&media, h, ThumbSize::Detail)),
            starts_on => date_text(p.starts_at), ends_on => date_text(ends_on),
            pinned => p.is_pinned, published => p.is_published,
            public_url => p.is_published.then(|| format!("/{kind}s/{id}")),
        },
        context! {},
    )
    .await
}

async fn save_post(
    office: BackOffice,
    kind: &'static str,
    id: Option<i64>,
    fields: PostFields,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let form = PostForm {
        title: fields.title.clone(),
        body_html: fields.body_html.clone(),
        banner_hash: fields.banner_hash.clone(),
        starts_on: date(&fields.starts_on),
        ends_on: date(&fields.ends_on),
        pinned: checked(&fields.pinned),
        published: checked(&fields.published),
    };
    match state.app.save_post(&admin.actor, kind, id, &form).await {
        Ok(saved) => {
            flash(session, "success", "admin.flash.content_saved").await;
            Ok(see_other(&format!("/admin/posts/{kind}/{saved}")))
        }
        Err(e) => refuse(state, req, e, |errors| post_editor(&office, kind, id, context! {
                    title => &fields.title, body_html => state.app.clean_html(&fields.body_html),
                    banner_hash => &fields.banner_hash, starts_on => &fields.starts_on, ends_on => &fields.ends_on,
                    pinned => form.pinned, published => form.published,
                }, errors)).await,
    }
}

/// POST /admin/posts/{kind}
pub async fn create_post(
    office: BackOffice,
    Path(kind): Path<String>,
    Form(fields): Form<PostFields>,
) -> Result<Response, WebError> {
    let kind = kind_of(&kind)?;
    save_post(office, kind, None, fields).await
}

/// POST /admin/posts/{kind}/{id}
pub async fn update_post(
    office: BackOffice,
    Path((kind, id)): Path<(String, i64)>,
    Form(fields): Form<PostFields>,
) -> Result<Response, WebError> {
    let kind = kind_of(&kind)?;
    save_post(office, kind, Some(id), fields).await
}

/// POST /admin/media: an image from the editor (multipart field `file`); answers
/// `{"hash", "url"}` for the editor to insert.
pub async fn upload_image(
    office: BackOffice,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    if let Some((_, bytes)) = crate::forms::uploaded_file(&mut multipart).await? {
        return match state
            .app
            .upload_content_image(&admin.actor, bytes.into())
            .await
        {
            Ok(hash) => {
                let url = media_url(&state.app.config.media_url(), &hash, ThumbSize::Detail);
                Ok(Json(serde_json::json!({ "hash": hash, "url": url })).into_response())
            }
            Err(jangteo_app::AppError::Media(e)) => Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "error": e.to_string() })),
            )
                .into_response()),
            Err(e) => Err(e.into()),
        };
    }
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        Json(serde_json::json!({ "error": "no file" })),
    )
        .into_response())
}

//! Home banners in the back office: image, link, period, order, on/off, delete with confirmation.

use super::BackOffice;
use super::content::date_text;
use crate::forms::{checked, refuse, see_other};
use crate::session::flash;
use crate::views::media_url;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use chrono::NaiveDate;
use jangteo_core::staff::{Access, Area};
use jangteo_media::ThumbSize;
use minijinja::{Value, context};
use serde::Deserialize;

/// The banner form.
#[derive(Debug, Default, Deserialize)]
pub struct BannerFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    subtitle: String,
    #[serde(default)]
    link_url: String,
    #[serde(default)]
    image_hash: String,
    #[serde(default)]
    position: String,
    active: Option<String>,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

async fn banner_editor(
    office: &BackOffice,
    id: Option<i64>,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { admin, .. } = office;
    office.page("admin/banner_edit.html", "admin.nav.content", context! {
        id => id, form => form, errors => errors,
        action_url => id.map_or_else(|| "/admin/banners".to_owned(), |id| format!("/admin/banners/{id}")),
        delete_url => id.map(|id| format!("/admin/banners/{id}/delete")),
        can_write => admin.actor.can(Area::Content, Access::Write),
    })
    .await
}

/// GET /admin/banners/new
pub async fn new_banner(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice { admin, .. } = &office;
    admin.require(Area::Content, Access::Write)?;
    banner_editor(
        &office,
        None,
        context! { active => true, position => 0 },
        context! {},
    )
    .await
}

/// GET /admin/banners/{id}
pub async fn edit_banner(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let b = state.app.admin_banner(&admin.actor, id).await?;
    let media = state.app.config.media_url();
    let ends_on = b.ends_at.map(|e| e - chrono::Duration::days(1));
    banner_editor(&office, Some(id), context! {
        title => &b.title, subtitle => &b.subtitle, link_url => &b.link_url, position => b.position,
        active => b.is_active, starts_on => date_text(b.starts_at), ends_on => date_text(ends_on),
        banner_url => b.image_hash.as_deref().map(|h| media_url(&media, h, ThumbSize::Detail)),
    }, context! {})
    .await
}

async fn save_banner(
    office: BackOffice,
    id: Option<i64>,
    fields: BannerFields,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let form = jangteo_app::admin::content::BannerForm {
        title: fields.title.clone(),
        subtitle: fields.subtitle.clone(),
        link_url: fields.link_url.clone(),
        image_hash: fields.image_hash.clone(),
        position: fields.position.trim().parse().unwrap_or(0),
        active: checked(&fields.active),
        starts_on: date(&fields.starts_on),
        ends_on: date(&fields.ends_on),
    };
    match state.app.save_banner(&admin.actor, id, &form).await {
        Ok(_) => {
            flash(session, "success", "admin.flash.content_saved").await;
            Ok(see_other("/admin/content?tab=banners"))
        }
        Err(e) => refuse(state, req, e, |errors| banner_editor(&office, id, context! {
                    title => &fields.title, subtitle => &fields.subtitle, link_url => &fields.link_url,
                    position => &fields.position, active => form.active,
                    starts_on => &fields.starts_on, ends_on => &fields.ends_on,
                }, errors)).await,
    }
}

/// POST /admin/banners
pub async fn create_banner(
    office: BackOffice,
    Form(fields): Form<BannerFields>,
) -> Result<Response, WebError> {
    save_banner(office, None, fields).await
}

/// POST /admin/banners/{id}
pub async fn update_banner(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<BannerFields>,
) -> Result<Response, WebError> {
    save_banner(office, Some(id), fields).await
}

/// POST /admin/banners/{id}/delete
pub async fn delete_banner(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    state.app.delete_banner(&admin.actor, id).await?;
    flash(session, "success", "admin.flash.banner_deleted").await;
    Ok(see_other("/admin/content?tab=banners"))
}

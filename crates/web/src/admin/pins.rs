//! A product's gift-card PINs in the back office: make it a PIN product (face value, pattern),
//! upload a sheet (check only, or check and store when every row passes), and the pool masked.

use super::BackOffice;
use crate::forms::{read_multipart, refuse, see_other, t};
use crate::session::flash;
use crate::views::{PaginationView, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::response::Response;
use jangteo_app::pins::PinUpload;
use jangteo_core::Won;
use jangteo_core::pins::PinStatus;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// `?page=`.
#[derive(Debug, Default, Deserialize)]
pub struct PoolQuery {
    #[serde(default)]
    page: Option<u32>,
}

async fn pool_page(
    office: &BackOffice,
    id: i64,
    page: u32,
    extra: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let pool = state.app.pin_pool(&admin.actor, id, page).await?;
    let label = |status: &str| t(state, req, &format!("admin.pins.status_{status}"));
    let pagination = PaginationView::new(&pool.pins, |n| {
        format!("/admin/products/{id}/pins?page={n}")
    });
    office.page("admin/pins.html", "admin.pins.title", context! {
        id => id, name => &pool.name,
        digital => pool.product.as_ref().map(|p| context! { face_value => p.face_value.get(), format => p.format.as_str() }),
        counts => pool.counts.iter().map(|(s, n)| context! { status => s, label => label(s), count => n }).collect::<Vec<_>>(),
        pins => pool.pins.items.iter().map(|p| context! {
            masked => &p.masked, serial => &p.serial, expires_on => &p.expires_on,
            void_url => p.status.parse::<PinStatus>().is_ok_and(PinStatus::can_void)
                .then(|| format!("/admin/products/{id}/pins/{}/void", p.id)),
            status_label => label(&p.status), created_at => p.created_at.to_rfc3339(),
        }).collect::<Vec<_>>(),
        pagination => val(pagination),
        can_catalog => admin.actor.can(Area::Catalog, Access::Write),
        can_stock => admin.actor.can(Area::Stock, Access::Write),
        ..extra
    })
    .await
}

/// GET /admin/products/{id}/pins
pub async fn show(
    office: BackOffice,
    Path(id): Path<i64>,
    Query(q): Query<PoolQuery>,
) -> Result<Response, WebError> {
    pool_page(&office, id, q.page.unwrap_or(1), context! {}).await
}

/// The PIN settings form.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    face_value: String,
    #[serde(default)]
    pin_format: String,
}

/// POST /admin/products/{id}/pins/settings
pub async fn save_settings(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let typed = jangteo_core::money::parse_typed_amount(&form.face_value);
    let face = Won(typed.ok().flatten().unwrap_or(0));
    match state
        .app
        .set_pin_product(&admin.actor, id, face, &form.pin_format)
        .await
    {
        Ok(()) => {
            flash(session, "success", "admin.pins.settings_saved").await;
            Ok(see_other(&format!("/admin/products/{id}/pins")))
        }
        Err(e) => {
            let typed = context! { face_value => &form.face_value, pin_format => &form.pin_format };
            refuse(state, req, e, |errors| {
                pool_page(&office, id, 1, context! { form => typed, errors => errors })
            })
            .await
        }
    }
}

fn results(office: &BackOffice, upload: &PinUpload) -> Value {
    let BackOffice { state, req, .. } = office;
    context! {
        results => upload.lines.iter().map(|l| context! {
            line => l.line, shown => &l.shown, ok => l.error.is_none(),
            message => l.error.map(|code| t(state, req, &format!("pin.error.{code}"))),
        }).collect::<Vec<_>>(),
        stored => upload.stored, accepted => upload.accepted, refused => upload.refused(),
    }
}

/// POST /admin/products/{id}/pins (multipart `file`, `store`): check the sheet, and store it
/// when asked and every row passes.
pub async fn upload(
    office: BackOffice,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let form = match read_multipart(&mut multipart).await {
        Ok(form) => form,
        Err(response) => return Ok(response),
    };
    let store = form.field("store") == Some("1");
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let Some((_, file_name, bytes)) = form.files.iter().find(|(name, _, _)| name == "file") else {
        let e = jangteo_app::AppError::field("file", "required");
        return refuse(state, req, e, |errors| {
            pool_page(&office, id, 1, context! { errors => errors })
        })
        .await;
    };
    match state
        .app
        .upload_pins(&admin.actor, id, (file_name, bytes), store)
        .await
    {
        Ok(upload) => {
            let page = pool_page(&office, id, 1, results(&office, &upload)).await?;
            Ok(if upload.refused() > 0 {
                crate::forms::with_status(page, axum::http::StatusCode::UNPROCESSABLE_ENTITY)
            } else {
                page
            })
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                pool_page(&office, id, 1, context! { errors => errors })
            })
            .await
        }
    }
}

/// The void form: why the PIN leaves the pool.
#[derive(Debug, Default, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    reason: String,
}

/// POST /admin/products/{id}/pins/{pin}/void
pub async fn void(
    office: BackOffice,
    Path((id, pin)): Path<(i64, i64)>,
    Form(form): Form<VoidForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state
        .app
        .void_pin(&admin.actor, id, pin, &form.reason)
        .await
    {
        Ok(()) => {
            flash(session, "success", "admin.pins.voided").await;
            Ok(see_other(&format!("/admin/products/{id}/pins#pin-list")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                pool_page(&office, id, 1, context! { errors => errors })
            })
            .await
        }
    }
}

//! Unique coupon codes (난수 쿠폰) from a coupon's page: make a batch, download them.

use super::BackOffice;
use crate::forms::{download, flash_conflict, form_errors, see_other};
use crate::session::flash_with_detail;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use jangteo_app::AppError;
use serde::Deserialize;

/// The batch form: `count`.
#[derive(Debug, Deserialize)]
pub struct BatchFields {
    #[serde(default)]
    count: String,
}

/// POST /admin/coupons/{id}/codes
pub async fn generate(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<BatchFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let made = state
        .app
        .generate_coupon_codes(&admin.actor, id, &fields.count)
        .await;
    let made = match made {
        Err(e @ AppError::Form(_)) => {
            let message = form_errors(state, req, &e)
                .and_then(|errors| errors.into_values().next())
                .unwrap_or_default();
            flash_with_detail(
                session,
                "error",
                "admin.coupon_codes_refused",
                Some(&message),
            )
            .await;
            return Ok(see_other(&format!("/admin/coupons/{id}#coupon-codes")));
        }
        other => flash_conflict(session, other).await?,
    };
    if let Some(made) = made {
        let count = jangteo_core::money::group_thousands(made);
        let detail =
            crate::forms::t(state, req, "admin.coupon_codes_made").replace("{count}", &count);
        flash_with_detail(session, "success", "admin.flash.saved", Some(&detail)).await;
    }
    Ok(see_other(&format!("/admin/coupons/{id}#coupon-codes")))
}

/// GET /admin/coupons/{id}/codes.csv
pub async fn sheet(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let bytes = state.app.coupon_codes_sheet(&admin.actor, id).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("coupon-{id}-codes.csv"),
        bytes,
    ))
}

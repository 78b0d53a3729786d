//! 적립금 설정 (under 회원 관리): points for signing up and how many months points last.

use super::BackOffice;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::response::Response;
use jangteo_core::points_expiry::NOTICE_DAYS;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// The form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct PolicyFields {
    #[serde(default)]
    signup_points: String,
    #[serde(default)]
    expiry_months: String,
}

async fn policy_page(
    office: &BackOffice,
    typed: Option<&PolicyFields>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let stored = state.app.admin_points_terms(&admin.actor).await?;
    let form = match typed {
        Some(t) => {
            context! { signup_points => &t.signup_points, expiry_months => &t.expiry_months }
        }
        None => context! {
            signup_points => jangteo_core::money::group_thousands(stored.signup_points),
            expiry_months => stored.expiry_months.to_string(),
        },
    };
    office
        .page(
            "admin/points.html",
            "admin.nav.points",
            context! {
                form => form, errors => errors, notice_days => NOTICE_DAYS,
                expiry_months => stored.expiry_months,
                can_write => admin.actor.can(Area::Members, Access::Write),
            },
        )
        .await
}

/// GET /admin/points
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    policy_page(&office, None, context! {}).await
}

/// POST /admin/points
pub async fn save(
    office: BackOffice,
    Form(fields): Form<PolicyFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let saved = state
        .app
        .set_points_terms(&admin.actor, &fields.signup_points, &fields.expiry_months)
        .await;
    match saved {
        Ok(_) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/points"))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                policy_page(&office, Some(&fields), errors)
            })
            .await
        }
    }
}

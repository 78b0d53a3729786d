//! Shipping settings (owner; managers read): shipping profiles (묶음배송) and the remote-area
//! (제주/도서산간) surcharges.

use super::BackOffice;
use crate::context::Req;
use crate::forms::{refuse, see_other, t};
use crate::session::flash;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use jangteo_app::shipping::{ProfileForm, remote_areas_text, rule_of};
use jangteo_core::pricing::ShippingRule;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// What a rule charges, in words ("50,000원 이상 무료, 아니면 3,000원").
fn rule_text(state: &AppState, req: &Req, rule: ShippingRule) -> String {
    let won = |w: jangteo_core::Won| crate::i18n::format_won(req.locale, w.get());
    let text = |key: &str| t(state, req, key);
    match rule {
        ShippingRule::Free => text("admin.shipping_kind.free"),
        ShippingRule::Fixed { fee } => {
            format!("{} {}", text("admin.shipping_kind.fixed"), won(fee))
        }
        ShippingRule::FreeOver { fee, threshold } => text("admin.shipping_rule.free_over")
            .replace("{threshold}", &won(threshold))
            .replace("{fee}", &won(fee)),
        ShippingRule::PerQuantity { fee, units } => text("admin.shipping_rule.per_quantity")
            .replace("{units}", &units.to_string())
            .replace("{fee}", &won(fee)),
    }
}

/// The profiles for the product editor's select: "기본 배송 — 50,000원 이상 무료…".
pub(super) async fn profile_choices(state: &AppState, req: &Req) -> Result<Vec<Value>, WebError> {
    Ok(state
        .app
        .shipping_profiles()
        .await?
        .iter()
        .map(|p| {
            context! {
                id => p.id.to_string(),
                label => format!("{} — {}", p.name, rule_text(state, req, rule_of(p))),
            }
        })
        .collect())
}

async fn shipping_page(
    office: &BackOffice,
    errors: Value,
    areas_text: Option<String>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let (profiles, areas) = state.app.shipping_setup(&admin.actor).await?;
    let kinds: Vec<Value> = ["free_over", "fixed", "per_quantity", "free"]
        .iter()
        .map(|k| context! { code => *k, label => t(state, req, &format!("admin.shipping_kind.{k}")) })
        .collect();
    office
        .page(
            "admin/shipping.html",
            "admin.nav.shipping",
            context! {
                profiles => profiles.iter().map(|(p, products)| context! {
                    id => p.id, name => &p.name, kind => &p.kind, fee => p.fee,
                    free_over => p.free_over, per_units => p.per_units, is_default => p.is_default,
                    products => products, rule => rule_text(state, req, rule_of(p)),
                }).collect::<Vec<_>>(),
                kinds => kinds,
                areas_text => areas_text.unwrap_or_else(|| remote_areas_text(&areas)),
                areas_count => areas.len(),
                errors => errors,
                can_write => admin.actor.can(Area::Settings, Access::Write),
            },
        )
        .await
}

/// GET /admin/shipping
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    shipping_page(&office, context! {}, None).await
}

/// A profile form.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    fee: String,
    #[serde(default)]
    free_over: String,
    #[serde(default)]
    per_units: String,
}

impl ProfileFields {
    fn form(&self) -> ProfileForm {
        ProfileForm {
            name: self.name.clone(),
            kind: self.kind.clone(),
            fee: self.fee.clone(),
            free_over: self.free_over.clone(),
            per_units: self.per_units.clone(),
        }
    }
}

async fn save(office: BackOffice, id: Option<i64>, f: ProfileFields) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state
        .app
        .save_shipping_profile(&admin.actor, id, &f.form())
        .await
    {
        Ok(_) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/shipping"))
        }
        Err(e) => refuse(state, req, e, |errors| shipping_page(&office, errors, None)).await,
    }
}

/// POST /admin/shipping/profiles
pub async fn create(
    office: BackOffice,
    Form(f): Form<ProfileFields>,
) -> Result<Response, WebError> {
    save(office, None, f).await
}

/// POST /admin/shipping/profiles/{id}
pub async fn update(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<ProfileFields>,
) -> Result<Response, WebError> {
    save(office, Some(id), f).await
}

/// POST /admin/shipping/profiles/{id}/delete
pub async fn delete(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    state.app.delete_shipping_profile(&admin.actor, id).await?;
    flash(session, "success", "admin.flash.deleted").await;
    Ok(see_other("/admin/shipping"))
}

/// POST /admin/shipping/profiles/{id}/default
pub async fn make_default(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    state
        .app
        .make_default_shipping_profile(&admin.actor, id)
        .await?;
    flash(session, "success", "admin.flash.saved").await;
    Ok(see_other("/admin/shipping"))
}

/// The remote-area form.
#[derive(Debug, Default, Deserialize)]
pub struct AreasFields {
    #[serde(default)]
    remote_areas: String,
}

/// POST /admin/shipping/remote-areas
pub async fn save_areas(
    office: BackOffice,
    Form(f): Form<AreasFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state
        .app
        .save_remote_areas(&admin.actor, &f.remote_areas)
        .await
    {
        Ok(_) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/shipping#remote-areas"))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                shipping_page(&office, errors, Some(f.remote_areas.clone()))
            })
            .await
        }
    }
}

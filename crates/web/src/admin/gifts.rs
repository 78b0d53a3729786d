//! Free-gift rules in the back office (issue 17): the list with each rule's gift, stock and
//! how many were given; the editor; stop and resume.

use super::BackOffice;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use jangteo_app::admin::gift_rules::{GiftRuleAdminRow, GiftRuleForm};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

fn rule_value(r: &GiftRuleAdminRow) -> Value {
    context! {
        id => r.id, name => &r.name, url => format!("/admin/gifts/{}", r.id),
        min_spend => r.min_spend, product => &r.buy_product_slug,
        gift => format!("{} ({})", r.gift_name, r.gift_sku_code), stock => r.gift_stock,
        active => r.is_active, given => r.given,
    }
}

/// GET /admin/gifts
pub async fn list(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let rules = state.app.admin_gift_rules(&admin.actor).await?;
    let rows: Vec<Value> = rules.iter().map(rule_value).collect();
    office
        .page(
            "admin/gifts.html",
            "admin.nav.gifts",
            context! { rules => rows, can_write => admin.actor.can(Area::Marketing, Access::Write) },
        )
        .await
}

async fn editor(
    office: &BackOffice,
    stored: Option<&GiftRuleAdminRow>,
    form: &GiftRuleForm,
    errors: Value,
) -> Result<Response, WebError> {
    let id = stored.map(|r| r.id);
    office.page("admin/gift_edit.html", "admin.nav.gifts", context! {
        id => id, errors => errors, rule => stored.map(rule_value),
        form => context! {
            name => &form.name, condition => &form.condition, min_spend => &form.min_spend,
            buy_product => &form.buy_product, gift_sku => &form.gift_sku,
        },
        can_write => office.admin.actor.can(Area::Marketing, Access::Write),
        action_url => id.map_or_else(|| "/admin/gifts".to_owned(), |id| format!("/admin/gifts/{id}")),
    })
    .await
}

/// GET /admin/gifts/new
pub async fn new_rule(office: BackOffice) -> Result<Response, WebError> {
    office.admin.require(Area::Marketing, Access::Write)?;
    let form = GiftRuleForm {
        condition: "spend".into(),
        ..GiftRuleForm::default()
    };
    editor(&office, None, &form, context! {}).await
}

/// GET /admin/gifts/{id}
pub async fn edit_rule(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let r = office
        .state
        .app
        .admin_gift_rule(&office.admin.actor, id)
        .await?;
    let form = GiftRuleForm {
        name: r.name.clone(),
        condition: if r.buy_product_id.is_some() && r.min_spend.is_none() {
            "product".into()
        } else {
            "spend".into()
        },
        min_spend: r
            .min_spend
            .map(jangteo_core::money::group_thousands)
            .unwrap_or_default(),
        buy_product: r.buy_product_slug.clone().unwrap_or_default(),
        gift_sku: r.gift_sku_code.clone(),
    };
    editor(&office, Some(&r), &form, context! {}).await
}

/// The editor's fields.
#[derive(Debug, Default, Deserialize)]
pub struct GiftFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    condition: String,
    #[serde(default)]
    min_spend: String,
    #[serde(default)]
    buy_product: String,
    #[serde(default)]
    gift_sku: String,
}

async fn save(office: BackOffice, id: Option<i64>, f: GiftFields) -> Result<Response, WebError> {
    let form = GiftRuleForm {
        name: f.name,
        condition: f.condition,
        min_spend: f.min_spend,
        buy_product: f.buy_product,
        gift_sku: f.gift_sku,
    };
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state.app.save_gift_rule(&admin.actor, id, &form).await {
        Ok(_) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/gifts"))
        }
        Err(e) => {
            let stored = match id {
                Some(id) => Some(state.app.admin_gift_rule(&admin.actor, id).await?),
                None => None,
            };
            refuse(state, req, e, |errors| {
                editor(&office, stored.as_ref(), &form, errors)
            })
            .await
        }
    }
}

/// POST /admin/gifts
pub async fn create(office: BackOffice, Form(f): Form<GiftFields>) -> Result<Response, WebError> {
    save(office, None, f).await
}

/// POST /admin/gifts/{id}
pub async fn update(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<GiftFields>,
) -> Result<Response, WebError> {
    save(office, Some(id), f).await
}

/// POST /admin/gifts/{id}/stop and /resume
pub async fn switch(
    office: BackOffice,
    Path((id, to)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let active = super::resume_or_stop(&to)?;
    office
        .state
        .app
        .set_gift_rule_active(&office.admin.actor, id, active)
        .await?;
    flash(&office.session, "success", "admin.flash.saved").await;
    Ok(see_other("/admin/gifts"))
}

//! Shop settings (owner; managers read): what keeps the shop from real business (test gateway,
//! missing seller disclosures, test e-mail), the payment methods checkout offers and how stock
//! is shown to shoppers.

use super::BackOffice;
use crate::context::Req;
use crate::forms::{refuse, see_other, t};
use crate::order_views::method_label;
use crate::session::flash;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Form;
use axum::response::Response;
use jangteo_app::gateways::LiveGateway;
use jangteo_app::shop_settings::Readiness;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use std::collections::HashMap;

/// The readiness warnings as the dashboard and the settings page list them.
pub(super) fn readiness_view(state: &AppState, req: &Req, r: &Readiness) -> Vec<Value> {
    let mut items = Vec::new();
    let gateway_link = "/admin/settings/payments";
    if r.test_payments {
        items.push(context! {
            key => "test_payments", text => t(state, req, "admin.ready.test_payments"), link => gateway_link,
        });
    }
    if r.sandbox_payments {
        items.push(context! {
            key => "sandbox_payments", text => t(state, req, "admin.ready.sandbox_payments"), link => gateway_link,
        });
    }
    if r.no_escrow {
        items.push(context! {
            key => "no_escrow", text => t(state, req, "admin.ready.no_escrow"), link => gateway_link,
        });
    }
    if r.no_payment_methods {
        items.push(context! { key => "no_payment_methods", text => t(state, req, "admin.ready.no_payment_methods") });
    }
    if !r.missing_seller.is_empty() {
        let names: Vec<String> = r
            .missing_seller
            .iter()
            .map(|i| t(state, req, &format!("admin.seller_item.{}", i.as_str())))
            .collect();
        items.push(context! {
            key => "missing_seller",
            text => t(state, req, "admin.ready.missing_seller"),
            detail => names.join(", "),
            settings => r.missing_seller.iter().filter_map(|i| i.setting()).map(|s| format!("shop.business.{s}")).collect::<Vec<_>>(),
        });
    }
    if r.test_email {
        items.push(
            context! { key => "test_email", text => t(state, req, "admin.ready.test_email") },
        );
    }
    items
}

/// The live gateway and its mode, as the dashboard and the settings page show them.
pub(super) fn gateway_view(state: &AppState, req: &Req, live: LiveGateway) -> Value {
    context! {
        provider => t(state, req, &format!("admin.gateway.provider.{}", live.provider.as_str())),
        mode => live.mode.as_str(),
        mode_label => t(state, req, &format!("admin.gateway.mode.{}", live.mode.as_str())),
    }
}

/// The settings page, with the stock-display form as typed and its errors after a refusal.
async fn settings_page(
    office: &BackOffice,
    stock_form: Option<Value>,
    stock_errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let (readiness, enabled, low_stock) = state.app.settings_overview(&admin.actor).await?;
    let methods: Vec<Value> = state
        .app
        .available_payment_methods()
        .into_iter()
        .map(|code| {
            context! {
                code => code, label => method_label(state, req, code), on => enabled.contains(&code),
            }
        })
        .collect();
    let live = state.app.live_gateway();
    let notice = state.app.gift_card_notice().await?;
    office.page("admin/settings.html",
        "admin.nav.settings",
        context! {
            gateway => gateway_view(state, req, live),
            readiness => readiness_view(state, req, &readiness),
            methods => methods,
            bank_account_set => state.app.config.checkout.bank_account.is_set(),
            can_write => admin.actor.can(Area::Settings, Access::Write),
            stock_form => stock_form.unwrap_or_else(|| context! { low_stock_threshold => low_stock }),
            stock_errors => stock_errors,
            gift_notice => context! { email => notice.email, text => notice.text },
        },
    )
    .await
}

/// GET /admin/settings
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    settings_page(&office, None, context! {}).await
}

#[derive(Debug, serde::Deserialize)]
pub struct StockDisplayForm {
    #[serde(default)]
    low_stock_threshold: String,
}

/// POST /admin/settings/stock-display: the "품절 임박" threshold.
pub async fn save_stock_display(
    office: BackOffice,
    Form(form): Form<StockDisplayForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state
        .app
        .set_low_stock_threshold(&admin.actor, &form.low_stock_threshold)
        .await
    {
        Ok(()) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/settings#stock-display"))
        }
        Err(e) => {
            let typed = context! { low_stock_threshold => &form.low_stock_threshold };
            refuse(state, req, e, |errors| {
                settings_page(&office, Some(typed), errors)
            })
            .await
        }
    }
}

/// POST /admin/settings/payment-methods: one checkbox `method_{code}` per method that stays on.
pub async fn save_payment_methods(
    office: BackOffice,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    let on: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("method_"))
        .map(str::to_owned)
        .collect();
    state.app.set_payment_methods(&admin.actor, &on).await?;
    flash(session, "success", "admin.flash.saved").await;
    Ok(see_other("/admin/settings"))
}

/// POST /admin/settings/gift-card-notice: checkboxes `email` and `text`.
pub async fn save_gift_card_notice(
    office: BackOffice,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    let channels = jangteo_app::pins_notice::NoticeChannels {
        email: form.contains_key("email"),
        text: form.contains_key("text"),
    };
    state
        .app
        .set_gift_card_notice(&admin.actor, channels)
        .await?;
    flash(session, "success", "admin.flash.saved").await;
    Ok(see_other("/admin/settings#gift-card-notice"))
}

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
use jangteo_core::time::format_kst;
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
    if r.no_identity_channel {
        items.push(context! {
            key => "no_identity_channel", text => t(state, req, "admin.ready.no_identity_channel"), link => gateway_link,
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

/// Which form a refused save shows again as typed.
enum Typed {
    Nothing,
    Stock(Value),
    Limits(Value),
}

/// The settings page, with a refused form as typed and its errors.
async fn settings_page(
    office: &BackOffice,
    typed: Typed,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let (stock_form, limits_form, stock_errors, limit_errors) = match typed {
        Typed::Nothing => (None, None, context! {}, context! {}),
        Typed::Stock(form) => (Some(form), None, errors, context! {}),
        Typed::Limits(form) => (None, Some(form), context! {}, errors),
    };
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
    let limits = state.app.gift_card_limits().await?;
    let (refusals, refusal_count) = state.app.gift_card_refusals(&admin.actor, 20).await?;
    let refusals: Vec<_> = refusals
        .iter()
        .map(|r| {
            context! {
                email => &r.member_email, amount => r.amount, at => format_kst(r.created_at),
                reason => t(state, req, &format!("error.conflict.{}", r.reason)),
            }
        })
        .collect();
    let identity = context! {
        required => state.app.gift_cards_need_identity().await?,
        channel => state.app.identity_channel().await?,
    };
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
            gift_notice => context! {
                email => notice.email, text => notice.text, pins => notice.pins,
                unsent => notice.pins && state.app.pins_sent_by().await?.is_empty(),
            },
            gift_identity => identity,
            gift_limits => limits_form.unwrap_or_else(|| limits_view(&limits)),
            gift_limit_errors => limit_errors,
            refusals => refusals,
            refusal_count => refusal_count,
        },
    )
    .await
}

/// GET /admin/settings
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    settings_page(&office, Typed::Nothing, context! {}).await
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
                settings_page(&office, Typed::Stock(typed), errors)
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

/// POST /admin/settings/gift-card-notice: checkboxes `email`, `text` and `pins`.
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
        pins: form.contains_key("pins"),
    };
    state
        .app
        .set_gift_card_notice(&admin.actor, channels)
        .await?;
    flash(session, "success", "admin.flash.saved").await;
    Ok(see_other("/admin/settings#gift-card-notice"))
}

/// POST /admin/settings/gift-card-identity: checkbox `required`.
pub async fn save_gift_card_identity(
    office: BackOffice,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let required = form.contains_key("required");
    let app = &office.state.app;
    let saved = app
        .set_gift_cards_need_identity(&office.admin.actor, required)
        .await;
    if crate::forms::flash_conflict(&office.session, saved)
        .await?
        .is_some()
    {
        flash(&office.session, "success", "admin.flash.saved").await;
    }
    Ok(see_other("/admin/settings#gift-card-identity"))
}

/// The limits as the form shows them.
fn limits_view(l: &jangteo_core::gift_limits::GiftCardLimits) -> Value {
    let amount = |w: jangteo_core::Won| {
        // Shown grouped (500,000) as typed: typed_won reads the commas back.
        if w.get() > 0 {
            jangteo_core::money::group_thousands(w.get())
        } else {
            String::new()
        }
    };
    context! {
        members_only => l.members_only, depositor_must_match => l.depositor_must_match,
        daily_unverified => amount(l.daily_unverified), daily_verified => amount(l.daily_verified),
        monthly_unverified => amount(l.monthly_unverified), monthly_verified => amount(l.monthly_verified),
        first_purchase => amount(l.first_purchase),
        new_member_wait_hours => l.new_member_wait_hours.to_string(),
    }
}

/// POST /admin/settings/gift-card-limits: the limits (a refused form keeps what was typed).
pub async fn save_gift_card_limits(
    office: BackOffice,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let input = jangteo_app::gift_limits::GiftCardLimitsInput {
        members_only: form.contains_key("members_only"),
        daily_unverified: field("daily_unverified"),
        daily_verified: field("daily_verified"),
        monthly_unverified: field("monthly_unverified"),
        monthly_verified: field("monthly_verified"),
        first_purchase: field("first_purchase"),
        new_member_wait_hours: field("new_member_wait_hours"),
        depositor_must_match: form.contains_key("depositor_must_match"),
    };
    let saved = office
        .state
        .app
        .set_gift_card_limits(&office.admin.actor, &input)
        .await;
    match saved {
        Ok(()) => {
            flash(&office.session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/settings#gift-card-limits"))
        }
        Err(e) => {
            let state = &office.state;
            refuse(state, &office.req, e, |errors| {
                let typed = context! {
                    members_only => input.members_only, depositor_must_match => input.depositor_must_match,
                    daily_unverified => &input.daily_unverified, daily_verified => &input.daily_verified,
                    monthly_unverified => &input.monthly_unverified, monthly_verified => &input.monthly_verified,
                    first_purchase => &input.first_purchase, new_member_wait_hours => &input.new_member_wait_hours,
                };
                settings_page(&office, Typed::Limits(typed), errors)
            })
            .await
        }
    }
}

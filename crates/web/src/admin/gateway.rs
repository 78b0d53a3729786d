//! 설정 → 결제 대행사: the owner chooses the gateway new payments go through and enters its
//! keys (owner writes, managers read). Secrets are never shown back, only their last characters.

use super::BackOffice;
use crate::forms::{refuse, see_other, t};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::response::Response;
use jangteo_app::gateway_settings::GatewayInput;
use jangteo_core::gateway::{GatewayMode, GatewayProvider, TOSS_BANKS};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};

/// What the owner typed (secrets are never typed back into the page).
#[derive(Debug, Default, serde::Deserialize)]
pub struct GatewayForm {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    toss_client_key: String,
    #[serde(default)]
    toss_secret_key: String,
    #[serde(default)]
    toss_virtual_account_bank: String,
    #[serde(default)]
    kakaopay_on: Option<String>,
    #[serde(default)]
    kakaopay_cid: String,
    #[serde(default)]
    kakaopay_secret_key: String,
    #[serde(default)]
    portone_store_id: String,
    #[serde(default)]
    portone_channel_key: String,
    #[serde(default)]
    portone_naverpay_channel_key: String,
    #[serde(default)]
    portone_identity_channel_key: String,
    #[serde(default)]
    portone_api_secret: String,
    #[serde(default)]
    portone_webhook_secret: String,
    #[serde(default)]
    portone_virtual_account_bank: String,
    #[serde(default)]
    portone_live: Option<String>,
    #[serde(default)]
    escrow_default: Option<String>,
    #[serde(default)]
    escrow_certificate_url: String,
}

fn mode_label(office: &BackOffice, mode: GatewayMode) -> String {
    t(
        &office.state,
        &office.req,
        &format!("admin.gateway.mode.{}", mode.as_str()),
    )
}

async fn gateway_page(
    office: &BackOffice,
    typed: Option<&GatewayForm>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let settings = state.app.gateway_settings(&admin.actor).await?;
    let toss = settings.toss.as_ref();
    let chosen = typed.map_or(settings.live.provider.as_str(), |f| f.provider.as_str());
    let bank = typed
        .map(|f| f.toss_virtual_account_bank.clone())
        .or_else(|| toss.map(|t| t.virtual_account_bank.clone()))
        .unwrap_or_default();
    let kakaopay = settings.kakaopay.as_ref();
    let kakaopay_on = typed.map_or(kakaopay.is_some(), |f| {
        crate::forms::checked(&f.kakaopay_on)
    });
    let providers: Vec<Value> = GatewayProvider::MAIN
        .into_iter()
        .map(|p| context! {
            code => p.as_str(), label => t(state, req, &format!("admin.gateway.provider.{}", p.as_str())),
            on => p.as_str() == chosen,
        })
        .collect();
    let bank_options = |chosen: &str| -> Vec<Value> {
        TOSS_BANKS
            .iter()
            .map(|&(code, name)| context! { code => code, name => name, on => code == chosen })
            .collect()
    };
    let portone = settings.portone.as_ref();
    let portone_bank = typed
        .map(|f| f.portone_virtual_account_bank.clone())
        .or_else(|| portone.map(|p| p.virtual_account_bank.clone()))
        .unwrap_or_default();
    let portone_live = typed.map_or(portone.is_some_and(|p| p.mode == GatewayMode::Live), |f| {
        crate::forms::checked(&f.portone_live)
    });
    office.page("admin/gateway.html", "admin.gateway.title", context! {
        live => context! {
            provider => t(state, req, &format!("admin.gateway.provider.{}", settings.live.provider.as_str())),
            mode => settings.live.mode.as_str(), mode_label => mode_label(office, settings.live.mode),
        },
        providers => providers,
        banks => bank_options(&bank),
        portone_banks => bank_options(&portone_bank),
        portone_live => portone_live,
        escrow_default => typed.map_or(settings.escrow.default_on, |f| crate::forms::checked(&f.escrow_default)),
        portone => portone.map(|p| context! {
            store_id => &p.store_id, secret_hint => &p.secret_hint,
            webhook_secret_hint => &p.webhook_secret_hint, mode_label => mode_label(office, p.mode),
        }),
        toss => toss.map(|t| context! {
            client_key => &t.client_key, secret_hint => &t.secret_hint,
            mode_label => mode_label(office, t.mode),
        }),
        kakaopay => kakaopay.map(|k| context! {
            cid => &k.cid, secret_hint => &k.secret_hint, mode_label => mode_label(office, k.mode),
        }),
        kakaopay_on => kakaopay_on,
        form => context! {
            kakaopay_cid => typed.map_or_else(|| kakaopay.map(|k| k.cid.clone()).unwrap_or_default(), |f| f.kakaopay_cid.clone()),
            toss_client_key => typed.map_or_else(|| toss.map(|t| t.client_key.clone()).unwrap_or_default(), |f| f.toss_client_key.clone()),
            escrow_certificate_url => typed.map_or_else(|| settings.escrow.certificate_url.clone(), |f| f.escrow_certificate_url.clone()),
            portone_store_id => typed.map_or_else(|| portone.map(|p| p.store_id.clone()).unwrap_or_default(), |f| f.portone_store_id.clone()),
            portone_channel_key => typed.map_or_else(|| portone.map(|p| p.channel_key.clone()).unwrap_or_default(), |f| f.portone_channel_key.clone()),
            portone_naverpay_channel_key => typed.map_or_else(|| portone.and_then(|p| p.naverpay_channel_key.clone()).unwrap_or_default(), |f| f.portone_naverpay_channel_key.clone()),
            portone_identity_channel_key => typed.map_or_else(|| portone.and_then(|p| p.identity_channel_key.clone()).unwrap_or_default(), |f| f.portone_identity_channel_key.clone()),
        },
        errors => errors,
        can_write => admin.actor.can(Area::Settings, Access::Write),
        webhook_url => format!("{}/webhooks/toss", state.app.config.base_url()),
        portone_webhook_url => format!("{}/webhooks/portone", state.app.config.base_url()),
    })
    .await
}

/// GET /admin/settings/payments
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    gateway_page(&office, None, context! {}).await
}

/// POST /admin/settings/payments
pub async fn save(office: BackOffice, Form(form): Form<GatewayForm>) -> Result<Response, WebError> {
    let input = GatewayInput {
        provider: form.provider.clone(),
        toss_client_key: form.toss_client_key.clone(),
        toss_secret_key: form.toss_secret_key.clone(),
        toss_virtual_account_bank: form.toss_virtual_account_bank.clone(),
        kakaopay_on: crate::forms::checked(&form.kakaopay_on),
        kakaopay_cid: form.kakaopay_cid.clone(),
        kakaopay_secret_key: form.kakaopay_secret_key.clone(),
        portone_store_id: form.portone_store_id.clone(),
        portone_channel_key: form.portone_channel_key.clone(),
        portone_naverpay_channel_key: form.portone_naverpay_channel_key.clone(),
        portone_identity_channel_key: form.portone_identity_channel_key.clone(),
        portone_api_secret: form.portone_api_secret.clone(),
        portone_webhook_secret: form.portone_webhook_secret.clone(),
        portone_virtual_account_bank: form.portone_virtual_account_bank.clone(),
        portone_live: crate::forms::checked(&form.portone_live),
        escrow_default: crate::forms::checked(&form.escrow_default),
        escrow_certificate_url: form.escrow_certificate_url.clone(),
    };
    match office
        .state
        .app
        .set_gateway(&office.admin.actor, &input)
        .await
    {
        Ok(()) => {
            flash(&office.session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/settings/payments"))
        }
        Err(e) => {
            refuse(&office.state, &office.req, e, |errors| {
                gateway_page(&office, Some(&form), errors)
            })
            .await
        }
    }
}

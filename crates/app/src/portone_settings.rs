//! PortOne on 설정 → 결제 대행사: the store id, the channel keys (cards/transfers/virtual
//! accounts, NaverPay's own channel, 본인인증's), the V2 API secret and the webhook signing secret. The
//! secrets are sealed at rest and tried against PortOne before they are kept.

use crate::gateway_settings::{GatewayInput, PortOneSettingsView, hint};
use crate::gateways::{GATEWAY_SECRET_CONTEXT, StoredPortOne};
use crate::{App, AppError, AppResult};
use jangteo_core::gateway::{GatewayMode, GatewayProvider, TOSS_BANKS, toss_bank_name};
use jangteo_providers::payments::{PaymentError, PaymentGateway, PaymentRef};

/// A typed value, or the stored one when the field was left blank.
fn typed_or(typed: &str, stored: Option<&str>) -> Option<String> {
    match typed.trim() {
        "" => stored.map(str::to_owned),
        typed => Some(typed.to_owned()),
    }
}

/// The store id and channel keys to keep, checked for form: typed, or stored when left blank.
fn portone_ids(
    input: &GatewayInput,
    stored: Option<&StoredPortOne>,
) -> AppResult<(String, String, Option<String>, Option<String>)> {
    let required = |field: &'static str| AppError::field(field, "portone_keys_required");
    let store_id = typed_or(&input.portone_store_id, stored.map(|s| s.store_id.as_str()))
        .ok_or_else(|| required("portone_store_id"))?;
    let channel_key = typed_or(
        &input.portone_channel_key,
        stored.map(|s| s.channel_key.as_str()),
    )
    .ok_or_else(|| required("portone_channel_key"))?;
    let naverpay = input.portone_naverpay_channel_key.trim();
    let naverpay_channel_key = (!naverpay.is_empty()).then(|| naverpay.to_owned());
    let identity = input.portone_identity_channel_key.trim();
    let identity_channel_key = (!identity.is_empty()).then(|| identity.to_owned());
    if !store_id.starts_with("store-") {
        return Err(AppError::field(
            "portone_store_id",
            "portone_store_id_format",
        ));
    }
    for (field, key) in [
        ("portone_channel_key", Some(&channel_key)),
        (
            "portone_naverpay_channel_key",
            naverpay_channel_key.as_ref(),
        ),
        (
            "portone_identity_channel_key",
            identity_channel_key.as_ref(),
        ),
    ] {
        if key.is_some_and(|k| !k.starts_with("channel-key-")) {
            return Err(AppError::field(field, "portone_channel_key_format"));
        }
    }
    Ok((
        store_id,
        channel_key,
        naverpay_channel_key,
        identity_channel_key,
    ))
}

impl App {
    pub(crate) fn portone_view(&self, p: &StoredPortOne) -> AppResult<PortOneSettingsView> {
        Ok(PortOneSettingsView {
            store_id: p.store_id.clone(),
            channel_key: p.channel_key.clone(),
            naverpay_channel_key: p.naverpay_channel_key.clone(),
            identity_channel_key: p.identity_channel_key.clone(),
            secret_hint: hint(&self.open_gateway_secret(&p.api_secret_sealed)?),
            webhook_secret_hint: hint(&self.open_gateway_secret(&p.webhook_secret_sealed)?),
            mode: if p.live {
                GatewayMode::Live
            } else {
                GatewayMode::Test
            },
            virtual_account_bank: p.virtual_account_bank.clone(),
        })
    }

    /// The PortOne settings to keep: those typed (checked for form and tried at PortOne), or
    /// the stored ones where fields are blank. Required when PortOne becomes the live gateway.
    pub(crate) async fn portone_from_input(
        &self,
        input: &GatewayInput,
        stored: Option<&StoredPortOne>,
        provider: GatewayProvider,
    ) -> AppResult<Option<StoredPortOne>> {
        let nothing_typed = [
            &input.portone_store_id,
            &input.portone_channel_key,
            &input.portone_api_secret,
            &input.portone_webhook_secret,
        ]
        .iter()
        .all(|f| f.trim().is_empty());
        if nothing_typed && stored.is_none() {
            if provider == GatewayProvider::PortOne {
                return Err(AppError::field("portone_store_id", "portone_keys_required"));
            }
            return Ok(None);
        }
        let (store_id, channel_key, naverpay_channel_key, identity_channel_key) =
            portone_ids(input, stored)?;
        let required = |field: &'static str| AppError::field(field, "portone_keys_required");
        let secret = |typed: &str, sealed: Option<&String>, field: &'static str| match typed.trim()
        {
            "" => match sealed {
                Some(s) => self.open_gateway_secret(s),
                None => Err(required(field)),
            },
            typed => Ok(typed.to_owned()),
        };
        let api_secret = secret(
            &input.portone_api_secret,
            stored.map(|s| &s.api_secret_sealed),
            "portone_api_secret",
        )?;
        let webhook_secret = secret(
            &input.portone_webhook_secret,
            stored.map(|s| &s.webhook_secret_sealed),
            "portone_webhook_secret",
        )?;
        if !webhook_secret.starts_with("whsec_") {
            return Err(AppError::field(
                "portone_webhook_secret",
                "portone_webhook_secret_format",
            ));
        }
        let bank = match input.portone_virtual_account_bank.trim() {
            "" => TOSS_BANKS[0].0,
            bank => bank,
        };
        if toss_bank_name(bank).is_none() {
            return Err(AppError::field(
                "portone_virtual_account_bank",
                "toss_bank_unknown",
            ));
        }
        let kept = StoredPortOne {
            store_id,
            channel_key,
            naverpay_channel_key,
            identity_channel_key,
            api_secret_sealed: self.reseal(&api_secret, stored.map(|s| &s.api_secret_sealed))?,
            webhook_secret_sealed: self
                .reseal(&webhook_secret, stored.map(|s| &s.webhook_secret_sealed))?,
            virtual_account_bank: bank.to_owned(),
            live: input.portone_live,
        };
        self.try_portone_keys(&kept).await?;
        Ok(Some(kept))
    }

    /// The sealed form of `secret`: the stored one when it is unchanged (the audit then says
    /// nothing changed), else sealed anew.
    fn reseal(&self, secret: &str, stored: Option<&String>) -> AppResult<String> {
        if let Some(sealed) = stored
            && self.open_gateway_secret(sealed)? == secret
        {
            return Ok(sealed.clone());
        }
        self.secrets.seal(secret.as_bytes(), GATEWAY_SECRET_CONTEXT)
    }

    /// Asks PortOne about a payment that cannot exist: "not found" means the secret and the
    /// store id work.
    async fn try_portone_keys(&self, stored: &StoredPortOne) -> AppResult<()> {
        let probe = self.portone_gateway(stored)?;
        match probe
            .lookup(&PaymentRef::attempt("jangteo-key-check"))
            .await
        {
            Ok(_) => Ok(()),
            Err(PaymentError::Rejected { code, .. }) if code == "PAYMENT_NOT_FOUND" => Ok(()),
            Err(PaymentError::Rejected { code, .. }) if code == "FORBIDDEN" => {
                Err(AppError::field("portone_store_id", "portone_store_refused"))
            }
            Err(PaymentError::Rejected { code, .. }) => {
                tracing::warn!(code = %code, "PortOne refused the API secret");
                Err(AppError::field("portone_api_secret", "portone_key_refused"))
            }
            Err(e) => {
                tracing::warn!(error = %e, "PortOne could not be reached to check the keys");
                Err(AppError::field("portone_api_secret", "portone_unreachable"))
            }
        }
    }
}

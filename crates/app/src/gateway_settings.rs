//! The owner chooses the payment gateway in the back office (설정 → 결제 대행사): the provider new
//! payments go through and its keys. Secret keys are sealed at rest and never shown again (only
//! their last characters); the keys are tried against the gateway before they are kept; every
//! change is audited without the secrets.

use crate::auth::StaffActor;
use crate::gateways::{
    EscrowSettings, GATEWAY_KEY, GATEWAY_SECRET_CONTEXT, LiveGateway, StoredGateways,
    StoredKakaoPay, StoredToss,
};
use crate::{App, AppError, AppResult};
use jangteo_core::gateway::{
    GatewayMode, GatewayProvider, TOSS_BANKS, kakaopay_key_mode, toss_bank_name, toss_key_mode,
};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::settings;
use jangteo_providers::payments::{
    KakaoPay, KakaoPayConfig, PaymentError, PaymentGateway, PaymentRef, TossConfig, TossPayments,
};
use serde_json::json;

/// The Toss settings as the back office shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TossSettingsView {
    /// Client key (public).
    pub client_key: String,
    /// The secret key's last four characters.
    pub secret_hint: String,
    /// Mode the keys run in.
    pub mode: GatewayMode,
    /// Bank code of issued virtual accounts.
    pub virtual_account_bank: String,
}

/// The KakaoPay settings as the back office shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KakaoPaySettingsView {
    /// Merchant id.
    pub cid: String,
    /// The secret key's last four characters.
    pub secret_hint: String,
    /// Mode the keys run in.
    pub mode: GatewayMode,
}

/// The PortOne settings as the back office shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortOneSettingsView {
    /// Store id.
    pub store_id: String,
    /// Channel of cards, transfers and virtual accounts.
    pub channel_key: String,
    /// NaverPay's channel.
    pub naverpay_channel_key: Option<String>,
    /// 본인인증's channel.
    pub identity_channel_key: Option<String>,
    /// The API secret's last four characters.
    pub secret_hint: String,
    /// The webhook secret's last four characters.
    pub webhook_secret_hint: String,
    /// Mode the channels run in (as the owner declared them).
    pub mode: GatewayMode,
    /// Bank code of issued virtual accounts.
    pub virtual_account_bank: String,
}

/// The gateway settings page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySettingsView {
    /// What is live now.
    pub live: LiveGateway,
    /// Toss, when its keys were entered.
    pub toss: Option<TossSettingsView>,
    /// KakaoPay, when connected.
    pub kakaopay: Option<KakaoPaySettingsView>,
    /// PortOne, when its keys were entered.
    pub portone: Option<PortOneSettingsView>,
    /// 구매안전서비스.
    pub escrow: EscrowSettings,
}

/// What the owner submitted.
#[derive(Debug, Clone, Default)]
pub struct GatewayInput {
    /// `test` or `toss`.
    pub provider: String,
    /// Toss client key.
    pub toss_client_key: String,
    /// Toss secret key; blank keeps the stored one.
    pub toss_secret_key: String,
    /// Toss bank code for virtual accounts.
    pub toss_virtual_account_bank: String,
    /// KakaoPay offered at checkout.
    pub kakaopay_on: bool,
    /// KakaoPay CID.
    pub kakaopay_cid: String,
    /// KakaoPay secret key; blank keeps the stored one.
    pub kakaopay_secret_key: String,
    /// PortOne store id.
    pub portone_store_id: String,
    /// PortOne channel of cards, transfers and virtual accounts.
    pub portone_channel_key: String,
    /// PortOne NaverPay channel (blank: NaverPay off).
    pub portone_naverpay_channel_key: String,
    /// PortOne 본인인증 channel (blank: no 본인인증).
    pub portone_identity_channel_key: String,
    /// PortOne V2 API secret; blank keeps the stored one.
    pub portone_api_secret: String,
    /// PortOne webhook secret; blank keeps the stored one.
    pub portone_webhook_secret: String,
    /// Bank code of PortOne virtual accounts.
    pub portone_virtual_account_bank: String,
    /// The PortOne channels are live channels (real money).
    pub portone_live: bool,
    /// Escrow ticked at checkout by default.
    pub escrow_default: bool,
    /// The 구매안전서비스 이용확인증 link.
    pub escrow_certificate_url: String,
}

pub(crate) fn hint(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

impl App {
    async fn stored_gateways(&self) -> AppResult<StoredGateways> {
        StoredGateways::parse(settings::get(&self.db, GATEWAY_KEY).await?.as_deref())
    }

    /// The gateway settings (shop settings, read).
    pub async fn gateway_settings(&self, actor: &StaffActor) -> AppResult<GatewaySettingsView> {
        actor.require(Area::Settings, Access::Read)?;
        let stored = self.stored_gateways().await?;
        let toss = match &stored.toss {
            Some(t) => {
                let secret = self.open_gateway_secret(&t.secret_key_sealed)?;
                Some(TossSettingsView {
                    client_key: t.client_key.clone(),
                    secret_hint: hint(&secret),
                    mode: toss_key_mode(&t.client_key, &secret).unwrap_or(GatewayMode::Test),
                    virtual_account_bank: t.virtual_account_bank.clone(),
                })
            }
            None => None,
        };
        let kakaopay = match &stored.kakaopay {
            Some(k) => {
                let secret = self.open_gateway_secret(&k.secret_key_sealed)?;
                Some(KakaoPaySettingsView {
                    cid: k.cid.clone(),
                    secret_hint: hint(&secret),
                    mode: kakaopay_key_mode(&k.cid, &secret).unwrap_or(GatewayMode::Test),
                })
            }
            None => None,
        };
        let portone = match &stored.portone {
            Some(p) => Some(self.portone_view(p)?),
            None => None,
        };
        self.refresh_gateway().await;
        Ok(GatewaySettingsView {
            live: self.live_gateway(),
            toss,
            kakaopay,
            portone,
            escrow: stored.escrow,
        })
    }

    /// Saves the owner's choice (shop settings, write): keys checked for form and tried at the
    /// gateway, the secret sealed, the change audited; every instance follows at once.
    pub async fn set_gateway(&self, actor: &StaffActor, input: &GatewayInput) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let provider: GatewayProvider = input
            .provider
            .parse()
            .ok()
            .filter(|p| GatewayProvider::MAIN.contains(p))
            .ok_or(AppError::field("provider", "gateway_unknown"))?;
        let before = self.stored_gateways().await?;
        let toss = self
            .toss_from_input(input, before.toss.as_ref(), provider)
            .await?;
        let kakaopay = self
            .kakaopay_from_input(input, before.kakaopay.as_ref())
            .await?;
        let portone = self
            .portone_from_input(input, before.portone.as_ref(), provider)
            .await?;
        let certificate_url = input.escrow_certificate_url.trim();
        let is_web_address =
            certificate_url.starts_with("https://") || certificate_url.starts_with("http://");
        if !certificate_url.is_empty() && (!is_web_address || certificate_url.len() > 500) {
            return Err(AppError::field(
                "escrow_certificate_url",
                "escrow_certificate_url_format",
            ));
        }
        let after = StoredGateways {
            provider,
            toss,
            kakaopay,
            portone,
            escrow: EscrowSettings {
                default_on: input.escrow_default,
                certificate_url: certificate_url.to_owned(),
            },
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let value = serde_json::to_string(&after).map_err(|e| AppError::Other(e.to_string()))?;
        settings::set(&mut tx, GATEWAY_KEY, &value, now).await?;
        if before.kakaopay.is_none() && after.kakaopay.is_some() {
            self.offer_method(&mut tx, "kakao_pay").await?;
        }
        let has_naverpay = |s: &StoredGateways| {
            s.portone
                .as_ref()
                .is_some_and(|p| p.naverpay_channel_key.is_some())
        };
        if !has_naverpay(&before) && has_naverpay(&after) {
            self.offer_method(&mut tx, "naver_pay").await?;
        }
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(self.audit_view(&before, None).to_string()),
                after: Some(self.audit_view(&after, Some(&before)).to_string()),
                ..actor.entry("settings.payment_gateway", "settings", "payment_gateway")
            },
            now,
        )
        .await?;
        tx.commit().await?;
        // Cached pages carry the test-payment ribbon; other instances rebuild their gateways.
        self.catalog_changed().await;
        self.refresh_gateway().await;
        let live = self.live_gateway();
        tracing::info!(gateway = live.provider.as_str(), mode = live.mode.as_str(), by = %actor.email, "payment gateway changed");
        Ok(())
    }

    /// The Toss keys to keep: those typed (checked), or the stored ones when the fields are left
    /// blank. Required when Toss becomes the live gateway.
    async fn toss_from_input(
        &self,
        input: &GatewayInput,
        stored: Option<&StoredToss>,
        provider: GatewayProvider,
    ) -> AppResult<Option<StoredToss>> {
        let bank = input.toss_virtual_account_bank.trim();
        let bank = if bank.is_empty() {
            TOSS_BANKS[0].0
        } else {
            bank
        };
        if toss_bank_name(bank).is_none() {
            return Err(AppError::field(
                "toss_virtual_account_bank",
                "toss_bank_unknown",
            ));
        }
        let client_key = input.toss_client_key.trim();
        let typed_secret = input.toss_secret_key.trim();
        if client_key.is_empty() && typed_secret.is_empty() {
            if provider == GatewayProvider::Toss && stored.is_none() {
                return Err(AppError::field("toss_client_key", "toss_keys_required"));
            }
            return Ok(stored.map(|s| StoredToss {
                virtual_account_bank: bank.to_owned(),
                ..s.clone()
            }));
        }
        let secret = match (typed_secret, stored) {
            ("", Some(s)) => self.open_gateway_secret(&s.secret_key_sealed)?,
            ("", None) => return Err(AppError::field("toss_secret_key", "toss_keys_required")),
            (typed, _) => typed.to_owned(),
        };
        let client_key = match (client_key, stored) {
            ("", Some(s)) => s.client_key.clone(),
            ("", None) => return Err(AppError::field("toss_client_key", "toss_keys_required")),
            (typed, _) => typed.to_owned(),
        };
        if let Err(problem) = toss_key_mode(&client_key, &secret) {
            let field = match problem {
                jangteo_core::gateway::KeyProblem::ClientKeyFormat => "toss_client_key",
                _ => "toss_secret_key",
            };
            return Err(AppError::field(field, problem.code()));
        }
        self.try_toss_keys(&client_key, &secret).await?;
        Ok(Some(StoredToss {
            client_key,
            secret_key_sealed: self
                .secrets
                .seal(secret.as_bytes(), GATEWAY_SECRET_CONTEXT)?,
            virtual_account_bank: bank.to_owned(),
        }))
    }

    /// Asks Toss about a payment that cannot exist: "not found" means the secret key works.
    async fn try_toss_keys(&self, client_key: &str, secret: &str) -> AppResult<()> {
        let endpoints = &self.config.checkout.toss;
        let probe = TossPayments::new(
            jangteo_providers::payments::http_client(std::time::Duration::from_secs(10)),
            TossConfig {
                api_base: endpoints.api_base.clone(),
                sdk_url: endpoints.sdk_url.clone(),
                client_key: client_key.to_owned(),
                secret_key: secret.to_owned(),
                virtual_account_bank: String::new(),
                account_holder: String::new(),
            },
        );
        match probe
            .lookup(&PaymentRef::attempt("jangteo-key-check"))
            .await
        {
            Err(PaymentError::Rejected { code, .. }) if code == "NOT_FOUND_PAYMENT" => Ok(()),
            Ok(_) => Ok(()),
            Err(PaymentError::Rejected { code, .. }) => {
                tracing::warn!(code = %code, "Toss refused the secret key");
                Err(AppError::field("toss_secret_key", "toss_key_refused"))
            }
            Err(e) => {
                tracing::warn!(error = %e, "Toss could not be reached to check the keys");
                Err(AppError::field("toss_secret_key", "toss_unreachable"))
            }
        }
    }

    /// The KakaoPay keys to keep (`None`: KakaoPay is off): typed ones are checked for form and
    /// tried at KakaoPay; blank fields keep the stored ones.
    async fn kakaopay_from_input(
        &self,
        input: &GatewayInput,
        stored: Option<&StoredKakaoPay>,
    ) -> AppResult<Option<StoredKakaoPay>> {
        if !input.kakaopay_on {
            return Ok(None);
        }
        let cid = match (input.kakaopay_cid.trim(), stored) {
            ("", Some(s)) => s.cid.clone(),
            ("", None) => return Err(AppError::field("kakaopay_cid", "kakaopay_keys_required")),
            (typed, _) => typed.to_owned(),
        };
        let (secret, sealed) = match (input.kakaopay_secret_key.trim(), stored) {
            ("", Some(s)) => (
                self.open_gateway_secret(&s.secret_key_sealed)?,
                Some(s.secret_key_sealed.clone()),
            ),
            ("", None) => {
                return Err(AppError::field(
                    "kakaopay_secret_key",
                    "kakaopay_keys_required",
                ));
            }
            (typed, _) => (typed.to_owned(), None),
        };
        if let Err(problem) = kakaopay_key_mode(&cid, &secret) {
            let field = match problem {
                jangteo_core::gateway::KeyProblem::ClientKeyFormat => "kakaopay_cid",
                _ => "kakaopay_secret_key",
            };
            return Err(AppError::field(field, problem.kakaopay_code()));
        }
        self.try_kakaopay_keys(&cid, &secret).await?;
        let sealed = match sealed {
            Some(s) => s,
            None => self
                .secrets
                .seal(secret.as_bytes(), GATEWAY_SECRET_CONTEXT)?,
        };
        Ok(Some(StoredKakaoPay {
            cid,
            secret_key_sealed: sealed,
        }))
    }

    /// Asks KakaoPay about a tid that cannot exist: "no such tid" means the key was accepted.
    async fn try_kakaopay_keys(&self, cid: &str, secret: &str) -> AppResult<()> {
        let probe = KakaoPay::new(
            jangteo_providers::payments::http_client(std::time::Duration::from_secs(10)),
            KakaoPayConfig {
                api_base: self.config.checkout.kakaopay.api_base.clone(),
                cid: cid.to_owned(),
                secret_key: secret.to_owned(),
            },
        );
        let check = PaymentRef {
            attempt_id: String::new(),
            payment_key: Some("T0000000000000000000".into()),
        };
        match probe.lookup(&check).await {
            Ok(_) => Ok(()),
            Err(PaymentError::Rejected { code, .. }) if code == "-721" => Ok(()),
            Err(PaymentError::Rejected { code, .. }) => {
                tracing::warn!(code = %code, "KakaoPay refused the keys");
                Err(AppError::field(
                    "kakaopay_secret_key",
                    "kakaopay_key_refused",
                ))
            }
            Err(e) => {
                tracing::warn!(error = %e, "KakaoPay could not be reached to check the keys");
                Err(AppError::field(
                    "kakaopay_secret_key",
                    "kakaopay_unreachable",
                ))
            }
        }
    }

    /// The audit's view of a setting: never a secret, only whether it changed.
    fn audit_view(
        &self,
        stored: &StoredGateways,
        before: Option<&StoredGateways>,
    ) -> serde_json::Value {
        let toss = stored.toss.as_ref().map(|t| {
            let changed = before
                .and_then(|b| b.toss.as_ref())
                .is_none_or(|b| b.secret_key_sealed != t.secret_key_sealed);
            json!({
                "client_key": t.client_key,
                "secret_key": if before.is_some() && changed { "changed" } else { "set" },
                "virtual_account_bank": t.virtual_account_bank,
            })
        });
        let kakaopay = stored.kakaopay.as_ref().map(|k| json!({ "cid": k.cid }));
        let portone = stored.portone.as_ref().map(|p| {
            let changed = before.and_then(|b| b.portone.as_ref()).is_none_or(|b| {
                b.api_secret_sealed != p.api_secret_sealed
                    || b.webhook_secret_sealed != p.webhook_secret_sealed
            });
            json!({
                "store_id": p.store_id, "channel_key": p.channel_key,
                "naverpay_channel_key": p.naverpay_channel_key, "live": p.live,
                "identity_channel_key": p.identity_channel_key,
                "secrets": if before.is_some() && changed { "changed" } else { "set" },
                "virtual_account_bank": p.virtual_account_bank,
            })
        });
        json!({
            "provider": stored.provider.as_str(), "toss": toss, "kakaopay": kakaopay, "portone": portone,
            "escrow": { "default_on": stored.escrow.default_on, "certificate_url": stored.escrow.certificate_url },
        })
    }
}

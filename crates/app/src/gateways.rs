//! The payment gateways: the one new payments go through (the owner's choice in the back office,
//! else `checkout.gateway`), and the one each existing payment was made with (its refunds and
//! lookups go back to it). Built from the stored settings, whose secret keys are sealed at rest;
//! rebuilt whenever the stored value changes, so every instance follows the owner's last save.

use crate::{App, AppError, AppResult};
use jangteo_core::gateway::{
    Connected, GatewayMode, GatewayProvider, gateway_for, kakaopay_key_mode, toss_key_mode,
};
use jangteo_core::payment::PaymentMethod;
use jangteo_db::settings;
use jangteo_providers::identity::IdentityVerifier;
use jangteo_providers::identity::demo::DemoVerifier;
use jangteo_providers::identity::nice::{Nice, NiceConfig};
use jangteo_providers::payments::{
    KakaoPay, KakaoPayConfig, PaymentGateway, PortOne, PortOneConfig, TestGateway, TossConfig,
    TossPayments,
};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// Settings key of the gateway choice (JSON of [`StoredGateways`]).
pub(crate) const GATEWAY_KEY: &str = "payments.gateway";
/// AEAD context of sealed gateway secrets.
pub(crate) const GATEWAY_SECRET_CONTEXT: &str = "payments.gateway.secret";

/// The stored choice: the provider new payments use, and each provider's keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredGateways {
    pub provider: GatewayProvider,
    #[serde(default)]
    pub toss: Option<StoredToss>,
    /// KakaoPay, when the owner connected it (the KakaoPay method goes through it).
    #[serde(default)]
    pub kakaopay: Option<StoredKakaoPay>,
    /// PortOne, when its keys were entered.
    #[serde(default)]
    pub portone: Option<StoredPortOne>,
    /// 구매안전서비스: the owner's default and the 확인증 link.
    #[serde(default)]
    pub escrow: EscrowSettings,
}

/// The shop's 구매안전서비스 (escrow or consumer-damage insurance, 전자상거래법 제13조②10호).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscrowSettings {
    /// Checkout ticks escrow for transfers and virtual accounts unless the buyer unticks it.
    pub default_on: bool,
    /// The 구매안전서비스 이용확인증 page the footer links to (the gateway's or the bank's).
    pub certificate_url: String,
}

/// PortOne settings as stored: the API and webhook secrets sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredPortOne {
    pub store_id: String,
    pub channel_key: String,
    #[serde(default)]
    pub naverpay_channel_key: Option<String>,
    /// 본인인증's channel (issue 16).
    #[serde(default)]
    pub identity_channel_key: Option<String>,
    pub api_secret_sealed: String,
    pub webhook_secret_sealed: String,
    pub virtual_account_bank: String,
    /// The owner entered test channels (PortOne's keys do not tell).
    pub live: bool,
}

/// KakaoPay keys as stored: the secret sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredKakaoPay {
    pub cid: String,
    pub secret_key_sealed: String,
}

impl StoredGateways {
    /// The stored setting's value; nothing stored yet: the test gateway alone.
    pub(crate) fn parse(raw: Option<&str>) -> AppResult<Self> {
        match raw {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| AppError::Other(format!("stored gateway settings: {e}"))),
            None => Ok(StoredGateways {
                provider: GatewayProvider::Test,
                toss: None,
                kakaopay: None,
                portone: None,
                escrow: EscrowSettings::default(),
            }),
        }
    }
}

/// Toss keys as stored: the secret sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredToss {
    pub client_key: String,
    pub secret_key_sealed: String,
    pub virtual_account_bank: String,
}

/// Which gateway is live, as the ribbon, dashboard and start-up log tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveGateway {
    /// Provider of new payments.
    pub provider: GatewayProvider,
    /// Whether it moves real money.
    pub mode: GatewayMode,
    /// KakaoPay's mode, when connected.
    pub kakaopay: Option<GatewayMode>,
    /// NaverPay is connected (a PortOne channel).
    pub naverpay: bool,
}

impl LiveGateway {
    /// What is connected beside the main gateway.
    pub fn connected(&self) -> Connected {
        Connected {
            kakaopay: self.kakaopay.is_some(),
            naverpay: self.naverpay,
        }
    }
}

/// Gateways built from one stored value.
struct Built {
    raw: Option<String>,
    live: LiveGateway,
    toss: Option<Arc<TossPayments>>,
    kakaopay: Option<Arc<KakaoPay>>,
    portone: Option<Arc<PortOne>>,
    /// 본인인증 through the connected PortOne store, and whether the owner runs it live.
    identity: Option<(Arc<dyn IdentityVerifier>, bool)>,
    escrow: EscrowSettings,
}

/// The gateways of this process.
pub(crate) struct Gateways {
    test: TestGateway,
    http: jangteo_providers::payments::HttpClient,
    built: Mutex<Arc<Built>>,
    /// NICE 본인확인 from the configuration, made on first use (it keeps its access token).
    nice: std::sync::OnceLock<Arc<dyn IdentityVerifier>>,
}

impl Gateways {
    /// Only the test gateway, until the stored choice is read.
    pub fn new(test: TestGateway, timeout_seconds: u64) -> Self {
        let live = LiveGateway {
            provider: GatewayProvider::Test,
            mode: GatewayMode::Test,
            kakaopay: None,
            naverpay: false,
        };
        Self {
            test,
            http: jangteo_providers::payments::http_client(std::time::Duration::from_secs(
                timeout_seconds.max(1),
            )),
            built: Mutex::new(Arc::new(Built {
                raw: None,
                live,
                toss: None,
                kakaopay: None,
                portone: None,
                identity: None,
                escrow: EscrowSettings::default(),
            })),
            nice: std::sync::OnceLock::new(),
        }
    }

    fn current(&self) -> Arc<Built> {
        Arc::clone(&self.built.lock().expect("gateway state"))
    }
}

impl App {
    /// The gateway new payments go through and its mode (as last read; see
    /// [`App::refresh_gateway`]).
    pub fn live_gateway(&self) -> LiveGateway {
        self.gateways.current().live
    }

    /// The shop's 구매안전서비스 settings (as last read).
    pub fn escrow_settings(&self) -> EscrowSettings {
        self.gateways.current().escrow.clone()
    }

    /// The methods offered now whose payments the gateway can hold in escrow (checkout shows the
    /// 구매안전서비스 choice for them).
    pub async fn escrow_methods(&self) -> AppResult<Vec<&'static str>> {
        let offered = self.payment_methods().await?;
        // One read of the stored choice for every method.
        let built = self.load_gateways().await?;
        let mut methods = Vec::new();
        for code in offered {
            let Ok(method) = code.parse::<PaymentMethod>() else {
                continue;
            };
            if !crate::orders::escrow_applies(method) {
                continue;
            }
            if self.gateway_in(&built, method)?.supports_escrow() {
                methods.push(code);
            }
        }
        Ok(methods)
    }

    /// Whether payments are the built-in test gateway's (the shop shows a test-mode ribbon).
    pub fn test_payments(&self) -> bool {
        self.live_gateway().provider == GatewayProvider::Test
    }

    /// The built-in test gateway (the demo's payment window and deposit button drive it).
    pub fn test_gateway(&self) -> &TestGateway {
        &self.gateways.test
    }

    /// The 본인인증 provider (NICE when configured, else PortOne's 본인인증 channel once connected,
    /// else in demo mode the demo's own window) and whether it runs live (then a verification on a test channel proves nobody).
    pub(crate) async fn identity_verifier(&self) -> AppResult<(Arc<dyn IdentityVerifier>, bool)> {
        if let Some(nice) = &self.config.checkout.nice {
            // A NICE contract is always live: its window checks real people.
            let verifier = self.gateways.nice.get_or_init(|| self.nice_identity(nice));
            return Ok((Arc::clone(verifier), true));
        }
        match &self.load_gateways().await?.identity {
            Some((identity, live)) => Ok((identity.clone(), *live)),
            // The demo shows the journey with a window that checks nobody; never outside it.
            None if self.config.demo_mode => Ok((Arc::new(DemoVerifier), false)),
            None => Err(AppError::Conflict("identity_unavailable")),
        }
    }

    /// The 본인인증 channel buyers verify through: `nice` (configuration file), `portone`
    /// (설정 › 결제 대행사), `demo` (demo mode only, checks nobody), or `None`.
    pub async fn identity_channel(&self) -> AppResult<Option<&'static str>> {
        // The provider's own name: one choice of provider, made in identity_verifier.
        match self.identity_verifier().await {
            Ok((verifier, _)) => Ok(Some(verifier.name())),
            Err(AppError::Conflict("identity_unavailable")) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads the stored choice again (at start-up, and when another instance announces a change).
    pub async fn refresh_gateway(&self) {
        if let Err(e) = self.load_gateways().await {
            tracing::error!(error = %e, "the payment gateway settings cannot be read");
        }
    }

    /// The gateways as stored now: rebuilt only when the stored value changed.
    async fn load_gateways(&self) -> AppResult<Arc<Built>> {
        let raw = settings::get(&self.db, GATEWAY_KEY).await?;
        let current = self.gateways.current();
        if current.raw == raw {
            return Ok(current);
        }
        let built = Arc::new(self.build_gateways(raw)?);
        *self.gateways.built.lock().expect("gateway state") = Arc::clone(&built);
        Ok(built)
    }

    fn build_gateways(&self, raw: Option<String>) -> AppResult<Built> {
        let stored = StoredGateways::parse(raw.as_deref())?;
        let toss = match &stored.toss {
            Some(t) => Some(Arc::new(self.toss_gateway(t)?)),
            None => None,
        };
        let (kakaopay, kakaopay_mode) = match &stored.kakaopay {
            Some(k) => {
                let secret = self.open_gateway_secret(&k.secret_key_sealed)?;
                let mode = kakaopay_key_mode(&k.cid, &secret).unwrap_or(GatewayMode::Test);
                let config = KakaoPayConfig {
                    api_base: self.config.checkout.kakaopay.api_base.clone(),
                    cid: k.cid.clone(),
                    secret_key: secret,
                };
                let gateway = KakaoPay::new(self.gateways.http.clone(), config);
                (Some(Arc::new(gateway)), Some(mode))
            }
            None => (None, None),
        };
        let mode = match (stored.provider, &stored.toss) {
            (GatewayProvider::Toss, Some(t)) => {
                let secret = self.open_gateway_secret(&t.secret_key_sealed)?;
                toss_key_mode(&t.client_key, &secret).unwrap_or(GatewayMode::Test)
            }
            (GatewayProvider::Toss, None) => {
                return Err(AppError::Other("Toss chosen without its keys".into()));
            }
            (GatewayProvider::PortOne, _) => match &stored.portone {
                Some(p) if p.live => GatewayMode::Live,
                Some(_) => GatewayMode::Test,
                None => return Err(AppError::Other("PortOne chosen without its keys".into())),
            },
            (GatewayProvider::Test, _) => GatewayMode::Test,
            (GatewayProvider::KakaoPay, _) => {
                return Err(AppError::Other(
                    "KakaoPay cannot be the main gateway".into(),
                ));
            }
        };
        let portone = match &stored.portone {
            Some(p) => Some(Arc::new(self.portone_gateway(p)?)),
            None => None,
        };
        let identity = portone
            .as_ref()
            .zip(stored.portone.as_ref())
            .and_then(|(gateway, p)| Some((gateway.identity()?, p.live)))
            .map(|(identity, live)| (Arc::new(identity) as Arc<dyn IdentityVerifier>, live));
        let naverpay = stored.provider == GatewayProvider::PortOne
            && stored
                .portone
                .as_ref()
                .is_some_and(|p| p.naverpay_channel_key.is_some());
        Ok(Built {
            raw,
            live: LiveGateway {
                provider: stored.provider,
                mode,
                kakaopay: kakaopay_mode,
                naverpay,
            },
            toss,
            kakaopay,
            portone,
            identity,
            escrow: stored.escrow,
        })
    }

    pub(crate) fn open_gateway_secret(&self, sealed: &str) -> AppResult<String> {
        let plain = self.secrets.open(sealed, GATEWAY_SECRET_CONTEXT)?;
        String::from_utf8(plain).map_err(|e| AppError::Other(format!("gateway secret: {e}")))
    }

    /// The holder shown with issued virtual accounts: the shop's account holder, else its name.
    fn account_holder(&self) -> String {
        match self.config.checkout.bank_account.holder.trim() {
            "" => self.config.shop.name.clone(),
            holder => holder.to_owned(),
        }
    }

    pub(crate) fn portone_gateway(&self, stored: &StoredPortOne) -> AppResult<PortOne> {
        let endpoints = &self.config.checkout.portone;
        Ok(PortOne::new(
            self.gateways.http.clone(),
            PortOneConfig {
                api_base: endpoints.api_base.clone(),
                sdk_url: endpoints.sdk_url.clone(),
                store_id: stored.store_id.clone(),
                channel_key: stored.channel_key.clone(),
                naverpay_channel_key: stored.naverpay_channel_key.clone(),
                identity_channel_key: stored.identity_channel_key.clone(),
                api_secret: self.open_gateway_secret(&stored.api_secret_sealed)?,
                webhook_secret: self.open_gateway_secret(&stored.webhook_secret_sealed)?,
                virtual_account_bank: stored.virtual_account_bank.clone(),
                account_holder: self.account_holder(),
            },
        ))
    }

    fn nice_identity(&self, nice: &crate::config::NiceSettings) -> Arc<dyn IdentityVerifier> {
        let config = NiceConfig {
            api_base: nice.api_base.clone(),
            window_url: nice.window_url.clone(),
            client_id: nice.client_id.clone(),
            client_secret: nice.client_secret.0.clone(),
        };
        Arc::new(Nice::new(self.gateways.http.clone(), config))
    }

    fn toss_gateway(&self, stored: &StoredToss) -> AppResult<TossPayments> {
        let endpoints = &self.config.checkout.toss;
        let holder = self.account_holder();
        Ok(TossPayments::new(
            self.gateways.http.clone(),
            TossConfig {
                api_base: endpoints.api_base.clone(),
                sdk_url: endpoints.sdk_url.clone(),
                client_key: stored.client_key.clone(),
                secret_key: self.open_gateway_secret(&stored.secret_key_sealed)?,
                virtual_account_bank: stored.virtual_account_bank.clone(),
                account_holder: holder,
            },
        ))
    }

    /// The test gateway, when it is the live one: its demo aids (payment window, deposit
    /// button) work only then.
    pub(crate) async fn live_test_gateway(&self) -> AppResult<Option<&TestGateway>> {
        let live = self.load_gateways().await?.live.provider;
        Ok((live == GatewayProvider::Test).then_some(&self.gateways.test))
    }

    /// The gateway a new payment with `method` goes through.
    pub(crate) async fn gateway_for_method(
        &self,
        method: PaymentMethod,
    ) -> AppResult<Arc<dyn PaymentGateway>> {
        let built = self.load_gateways().await?;
        self.gateway_in(&built, method)
    }

    /// The gateway of `method` among gateways already built.
    fn gateway_in(
        &self,
        built: &Built,
        method: PaymentMethod,
    ) -> AppResult<Arc<dyn PaymentGateway>> {
        let live = built.live;
        let provider = gateway_for(method, live.provider, live.connected())
            .ok_or(AppError::Conflict("gateway_not_configured"))?;
        self.gateway_of(built, provider)
    }

    /// The gateway a payment was made with (by its stored provider name).
    pub(crate) async fn gateway_named(&self, name: &str) -> AppResult<Arc<dyn PaymentGateway>> {
        let provider: GatewayProvider = name
            .parse()
            .map_err(|e: String| AppError::UnknownStored(e.into()))?;
        let built = self.load_gateways().await?;
        self.gateway_of(&built, provider)
    }

    fn gateway_of(
        &self,
        built: &Built,
        provider: GatewayProvider,
    ) -> AppResult<Arc<dyn PaymentGateway>> {
        match provider {
            GatewayProvider::Test => Ok(Arc::new(self.gateways.test.clone())),
            GatewayProvider::Toss => match &built.toss {
                Some(t) => Ok(Arc::clone(t) as Arc<dyn PaymentGateway>),
                None => Err(AppError::Conflict("gateway_not_configured")),
            },
            GatewayProvider::KakaoPay => match &built.kakaopay {
                Some(k) => Ok(Arc::clone(k) as Arc<dyn PaymentGateway>),
                None => Err(AppError::Conflict("gateway_not_configured")),
            },
            GatewayProvider::PortOne => match &built.portone {
                Some(p) => Ok(Arc::clone(p) as Arc<dyn PaymentGateway>),
                None => Err(AppError::Conflict("gateway_not_configured")),
            },
        }
    }
}

//! Whether the shop is ready to take real orders, and the settings an owner changes in the back
//! office rather than in the configuration file (payment methods on or off, the "품절 임박"
//! threshold).

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::catalog::{DEFAULT_LOW_STOCK_THRESHOLD, MAX_LOW_STOCK_THRESHOLD};
use jangteo_core::gateway::{GatewayMode, GatewayProvider};
use jangteo_core::legal::{SellerItem, missing_seller_items};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::{content, settings};

/// Settings key: the payment methods the owner turned on (comma-separated codes).
const PAYMENT_METHODS_KEY: &str = "checkout.payment_methods";

/// Settings key: at or below this many units a SKU shows "품절 임박" (0: never).
const LOW_STOCK_KEY: &str = "catalog.low_stock_threshold";

/// What keeps the shop from being a real one, as the dashboard and the start-up log tell it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readiness {
    /// The gateway new payments go through, and its mode.
    pub gateway: Option<crate::gateways::LiveGateway>,
    /// Payments go through the built-in test gateway: no money moves.
    pub test_payments: bool,
    /// A real gateway runs on its test keys: its window works, but no money moves.
    pub sandbox_payments: bool,
    /// E-mail goes to the message log only (the `test` adapter): buyers receive nothing.
    pub test_email: bool,
    /// Seller items the law asks the footer to show that are not set.
    pub missing_seller: Vec<SellerItem>,
    /// No payment method is on: checkout cannot finish.
    pub no_payment_methods: bool,
    /// Cash methods are on without a 구매안전서비스 (전자상거래법 제13조②10호); outside demo mode.
    pub no_escrow: bool,
    /// 19세 goods are on sale, or gift cards ask 본인인증, with no 본인인증 channel: nobody
    /// can buy them.
    pub no_identity_channel: bool,
}

impl App {
    /// Whether the shop publishes its terms of use (a CMS page `terms`).
    pub async fn has_terms(&self) -> AppResult<bool> {
        Ok(content::published_page(&self.db, "terms").await?.is_some())
    }

    /// What still stands between this shop and real business.
    pub async fn readiness(&self) -> AppResult<Readiness> {
        let has_terms = self.has_terms().await?;
        let business = &self.config.shop.business;
        self.refresh_gateway().await;
        let live = self.live_gateway();
        let methods = self.payment_methods().await?;
        let cash_methods_on = methods.iter().any(|m| {
            m.parse::<jangteo_core::payment::PaymentMethod>()
                .is_ok_and(|m| m.is_cash())
        });
        let no_escrow = !self.config.demo_mode
            && cash_methods_on
            && self.escrow_settings().certificate_url.is_empty();
        let needs_identity = self.gift_cards_need_identity().await?
            || jangteo_db::catalog::products::any_adult_only_on_sale(&self.db).await?;
        let no_identity_channel = needs_identity && !self.identity_available().await?;
        Ok(Readiness {
            gateway: Some(live),
            test_payments: live.provider == GatewayProvider::Test,
            sandbox_payments: live.provider != GatewayProvider::Test
                && live.mode == GatewayMode::Test,
            test_email: self.config.notifications.email == crate::config::ProviderChoice::Test,
            missing_seller: missing_seller_items(&business.disclosure(has_terms)),
            no_payment_methods: methods.is_empty(),
            no_escrow,
            no_identity_channel,
        })
    }

    /// The settings page: the readiness gaps and the payment methods on (shop settings, read).
    pub async fn settings_overview(
        &self,
        actor: &StaffActor,
    ) -> AppResult<(Readiness, Vec<&'static str>, i64)> {
        actor.require(Area::Settings, Access::Read)?;
        Ok((
            self.readiness().await?,
            self.payment_methods().await?,
            self.low_stock_threshold().await?,
        ))
    }

    /// Logs every readiness gap once at start-up (outside demo mode).
    pub async fn log_readiness(&self) -> AppResult<()> {
        self.refresh_gateway().await;
        let live = self.live_gateway();
        tracing::info!(
            gateway = live.provider.as_str(),
            mode = live.mode.as_str(),
            "payments go through {} ({})",
            live.provider.company(),
            if live.mode == GatewayMode::Live {
                "live: real money"
            } else {
                "test: no money moves"
            }
        );
        if self.config.demo_mode {
            return Ok(());
        }
        let r = self.readiness().await?;
        if r.sandbox_payments {
            tracing::warn!(
                "the payment gateway runs on its test keys: no money is taken; enter the live keys in 설정 → 결제 대행사"
            );
        }
        if r.test_payments {
            tracing::warn!(
                "the built-in test gateway is live: payments are simulated and no money is taken; the shop shows a test-payment ribbon"
            );
        }
        if r.no_escrow {
            tracing::warn!(
                "cash payments are on without a 구매안전서비스 (전자상거래법 제13조): set escrow and its certificate link in 설정 → 결제 대행사"
            );
        }
        if r.no_identity_channel {
            tracing::warn!(
                "19세 goods or gift cards ask 본인인증 but no 본인인증 channel is connected: nobody can buy them; connect PortOne's 본인인증 channel in 설정 → 결제 대행사 or configure checkout.nice"
            );
        }
        if r.test_email {
            tracing::warn!(
                "notifications.email = \"test\": e-mail is only recorded in the back-office outbox, buyers receive nothing"
            );
        }
        if !r.missing_seller.is_empty() {
            let missing: Vec<&str> = r
                .missing_seller
                .iter()
                .map(|i| i.setting().unwrap_or("pages/terms (이용약관 page)"))
                .collect();
            tracing::warn!(
                missing = %missing.join(", "),
                "seller information required on every page (전자상거래법 제10조) is missing: set shop.business.*"
            );
        }
        if r.no_payment_methods {
            tracing::warn!("no payment method is on: checkout cannot finish");
        }
        Ok(())
    }

    /// Every payment method this shop can offer (bank deposit needs the shop's account).
    pub fn available_payment_methods(&self) -> Vec<&'static str> {
        let live = self.live_gateway();
        use jangteo_core::payment::PaymentMethod;
        crate::orders::PAYMENT_METHODS
            .into_iter()
            .filter(|m| match m.parse::<PaymentMethod>() {
                Ok(PaymentMethod::BankDeposit) => self.config.checkout.bank_account.is_set(),
                Ok(method) => {
                    jangteo_core::gateway::gateway_for(method, live.provider, live.connected())
                        .is_some()
                }
                Err(_) => false,
            })
            .collect()
    }

    /// Turns a newly connected method on when the owner had chosen methods before (connecting
    /// KakaoPay is asking for it at checkout).
    pub(crate) async fn offer_method(
        &self,
        tx: &mut jangteo_db::Tx,
        method: &str,
    ) -> AppResult<()> {
        // Read in the transaction: no second connection while it holds one.
        if let Some(chosen) = settings::get(&mut *tx, PAYMENT_METHODS_KEY).await?
            && !chosen.split(',').any(|m| m.trim() == method)
        {
            let after = format!("{chosen},{method}");
            settings::set(
                tx,
                PAYMENT_METHODS_KEY,
                after.trim_start_matches(','),
                self.now(),
            )
            .await?;
        }
        Ok(())
    }

    /// The payment methods checkout offers now: the owner's choice (all available ones until
    /// they choose), never one that is unavailable.
    pub async fn payment_methods(&self) -> AppResult<Vec<&'static str>> {
        let available = self.available_payment_methods();
        let Some(chosen) = settings::get(&self.db, PAYMENT_METHODS_KEY).await? else {
            return Ok(available);
        };
        let chosen: Vec<&str> = chosen.split(',').map(str::trim).collect();
        Ok(available
            .into_iter()
            .filter(|m| chosen.contains(m))
            .collect())
    }

    /// Turns payment methods on (those listed) and off (the rest); audited.
    pub async fn set_payment_methods(&self, actor: &StaffActor, on: &[String]) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let available = self.available_payment_methods();
        if let Some(unknown) = on.iter().find(|m| !available.contains(&m.as_str())) {
            return Err(AppError::Invalid(format!(
                "unknown payment method {unknown}"
            )));
        }
        let before = self.payment_methods().await?.join(",");
        let after: Vec<&str> = available
            .into_iter()
            .filter(|m| on.iter().any(|o| o == m))
            .collect();
        let after = after.join(",");
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, PAYMENT_METHODS_KEY, &after, now).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(serde_json::json!({ "payment_methods": before }).to_string()),
                after: Some(serde_json::json!({ "payment_methods": after }).to_string()),
                ..actor.entry("settings.payment_methods", "settings", "payment_methods")
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// The owner's "품절 임박" threshold (the default until they set one).
    pub async fn low_stock_threshold(&self) -> AppResult<i64> {
        Ok(settings::get(&self.db, LOW_STOCK_KEY)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_LOW_STOCK_THRESHOLD))
    }

    /// Sets the "품절 임박" threshold from what the owner typed; audited, and product pages show
    /// it at once.
    pub async fn set_low_stock_threshold(&self, actor: &StaffActor, typed: &str) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let Some(after) = typed
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=MAX_LOW_STOCK_THRESHOLD).contains(n))
        else {
            return Err(AppError::field(
                "low_stock_threshold",
                "low_stock_threshold_range",
            ));
        };
        let before = self.low_stock_threshold().await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, LOW_STOCK_KEY, &after.to_string(), now).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(serde_json::json!({ "low_stock_threshold": before }).to_string()),
                after: Some(serde_json::json!({ "low_stock_threshold": after }).to_string()),
                ..actor.entry(
                    "settings.low_stock_threshold",
                    "settings",
                    "low_stock_threshold",
                )
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }
}

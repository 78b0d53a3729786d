//! Use cases: the one place each operation lives, called from the storefront, admin, API,
//! webhooks, Slack and jobs alike. Holds the application context ([`App`]) and its caches.

pub mod admin;
pub mod alimtalk_templates;
pub mod audit;
pub mod auth;
mod availability;
pub mod back_office;
mod birthdays;
pub mod bulk;
pub mod cache;
pub mod cart;
pub mod catalog;
pub mod channels;
pub mod chatops;
pub mod checkout;
pub mod claims;
pub mod clock;
pub mod config;
pub mod content;
pub mod demo;
mod demo_bulk;
mod demo_gift_cards;
mod demo_notices;
mod demo_posts;
mod demo_shop;
mod error;
pub mod field_errors;
pub mod gateway_settings;
pub mod gateways;
pub mod gift_limits;
pub mod identity;
pub mod identity_gate;
pub mod inquiries;
pub mod jobs;
pub mod logistics;
pub mod media;
mod member_addresses;
pub mod members;
pub mod notify;
pub mod notify_settings;
pub mod observability;
pub mod order_chores;
pub mod order_export;
pub mod orders;
pub mod pins;
pub(crate) mod pins_message;
pub mod pins_notice;
pub mod pins_reveal;
pub mod points_expiry;
pub mod portone_settings;
pub mod privacy_policy;
mod product_images;
pub mod read_models;
pub mod reconciliation;
pub mod restock;
pub mod reviews;
pub mod rich_text;
pub mod secret_box;
pub mod sheets;
pub mod shipping;
pub mod shop_settings;
pub mod social_login;
pub mod staff;
pub mod staff_alerts;
pub mod statistics;
pub mod webhooks;
pub mod wishlist;

pub use config::Config;
pub use error::AppError;

use cache::Caches;
use jangteo_db::Db;
use jangteo_providers::payments::TestGateway;
use jangteo_providers::storage::Storage;
use std::sync::Arc;

/// A random id for this process (no two instances share one).
fn instance_id() -> String {
    let mut raw = [0u8; 8];
    if getrandom::fill(&mut raw).is_err() {
        return format!("pid-{}", std::process::id());
    }
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// The built-in test gateway, signing with the configured secret (random per process if unset).
/// The configured parcel tracker: tracker.delivery once its credentials are set, else the
/// `test` tracker.
fn tracker(
    config: &Config,
    test: &jangteo_providers::logistics::TestTracker,
) -> Arc<dyn jangteo_providers::logistics::Tracker> {
    use jangteo_providers::logistics::tracker_delivery::{TrackerDelivery, TrackerDeliveryConfig};
    let t = &config.tracking;
    let configured = !t.client_id.trim().is_empty() && !t.client_secret.0.is_empty();
    if t.provider == config::TrackingProvider::TrackerDelivery && configured {
        let http = jangteo_providers::payments::http_client(std::time::Duration::from_secs(15));
        return Arc::new(TrackerDelivery::new(
            http,
            TrackerDeliveryConfig {
                api_url: t.api_url.clone(),
                client_id: t.client_id.clone(),
                client_secret: t.client_secret.0.clone(),
            },
        ));
    }
    Arc::new(test.clone())
}

fn test_gateway(config: &Config) -> AppResult<TestGateway> {
    match config.checkout.gateway.as_str() {
        "test" => {
            let secret = match &config.checkout.test_gateway_secret {
                Some(s) => s.0.clone(),
                None => auth::tokens::random_token()?,
            };
            let holder = match config.checkout.bank_account.holder.trim() {
                "" => config.shop.name.as_str(),
                holder => holder,
            };
            Ok(TestGateway::new(secret.as_bytes(), holder))
        }
        other => Err(AppError::Invalid(format!(
            "checkout.gateway = \"{other}\" is not available: choose the gateway in the back office (설정 → 결제 대행사)"
        ))),
    }
}

/// Result type of the use cases.
pub type AppResult<T> = Result<T, AppError>;

/// Everything a use case needs: database, storage, configuration and per-instance caches.
/// Cheap to clone; one per process.
#[derive(Clone)]
pub struct App {
    /// The shop's database.
    pub db: Db,
    /// Object storage for media.
    pub storage: Storage,
    /// Loaded configuration.
    pub config: Arc<Config>,
    caches: Arc<Caches>,
    /// Identifies this instance in cross-instance cache notices.
    instance_id: Arc<str>,
    messenger: notify::SharedMessenger,
    /// The payment gateways (see [`gateways`]).
    gateways: Arc<gateways::Gateways>,
    /// Parcel tracking (the built-in `test` tracker until a logistics provider is configured).
    pub tracker: Arc<dyn jangteo_providers::logistics::Tracker>,
    /// The test tracker, to report deliveries in the demo and tests.
    pub test_tracker: jangteo_providers::logistics::TestTracker,
    /// The marketplaces whose orders are imported (those configured).
    pub(crate) sales_channels: Arc<Vec<Arc<dyn jangteo_providers::channels::SalesChannel>>>,
    /// Encrypts secrets at rest (staff TOTP seeds).
    pub(crate) secrets: Arc<secret_box::SecretBox>,
    /// The shipping tables are known to be seeded (checked once per process, not per quote).
    pub(crate) shipping_seeded: Arc<std::sync::atomic::AtomicBool>,
    /// Bounds the pixels decoded at once across all thumbnail renders (memory guard).
    pub(crate) decode_budget: Arc<tokio::sync::Semaphore>,
    /// Whether the database server answers (see [`App::spawn_database_watch`]).
    pub(crate) database_health: Arc<availability::DatabaseHealth>,
    /// The shop's clock (tests move it to travel in time).
    pub clock: clock::Clock,
}

impl App {
    /// Builds the context from an opened database.
    pub fn new(db: Db, config: Config) -> AppResult<Self> {
        let storage = Storage::local(&config.media_dir())?;
        let messenger = Arc::new(notify::Messenger::new(&config.notifications)?);
        let gateways = Arc::new(gateways::Gateways::new(
            test_gateway(&config)?,
            config.checkout.gateway_timeout_seconds,
        ));
        let test_tracker = jangteo_providers::logistics::TestTracker::default();
        let tracker = tracker(&config, &test_tracker);
        let secrets = Arc::new(secret_box::SecretBox::load(
            config.admin.secret_key.as_deref(),
            &config.data_dir,
        )?);
        let database_health = Arc::new(availability::DatabaseHealth::new(&db));
        Ok(Self {
            secrets,
            gateways,
            tracker,
            test_tracker,
            sales_channels: Arc::new(channels::configured(&config)),
            db,
            storage,
            caches: Arc::new(Caches::new(&config)),
            config: Arc::new(config),
            instance_id: instance_id().into(),
            messenger,
            shipping_seeded: Arc::default(),
            decode_budget: Arc::new(tokio::sync::Semaphore::new(media::DECODE_PERMITS)),
            database_health,
            clock: clock::Clock::default(),
        })
    }

    /// The time now on the shop's clock: every rule, deadline and recorded time reads it.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Drops every cached catalog entry and rendered page (call after any catalog or content
    /// change).
    pub fn invalidate_catalog(&self) {
        self.caches.invalidate_catalog();
    }

    /// Drops this instance's cached catalog and tells the other instances to do the same
    /// (PostgreSQL `NOTIFY`). Call after every catalog or content change.
    pub async fn catalog_changed(&self) {
        self.invalidate_catalog();
        if let Err(e) = jangteo_db::notify::announce_cache_change(&self.db, &self.instance_id).await
        {
            tracing::warn!(error = %e, "other instances keep their caches until the TTL passes");
        }
    }

    /// Listens for other instances' catalog changes and drops the caches they invalidate
    /// (PostgreSQL only: a SQLite database has one instance). Runs until the process ends.
    pub fn spawn_cache_listener(&self) -> Option<tokio::task::JoinHandle<()>> {
        if self.db.backend() != jangteo_db::Backend::Postgres {
            return None;
        }
        let app = self.clone();
        Some(tokio::spawn(async move {
            loop {
                match jangteo_db::notify::CacheChanges::subscribe(&app.db).await {
                    Ok(Some(mut changes)) => {
                        // Anything may have changed while we were not listening.
                        app.invalidate_catalog();
                        app.refresh_gateway().await;
                        loop {
                            match changes.next().await {
                                Ok(origin) if origin == *app.instance_id => {}
                                Ok(_) => {
                                    app.invalidate_catalog();
                                    app.refresh_gateway().await;
                                }
                                Err(e) => {
                                    // Cached pages stay while the database is away (they may
                                    // be all a visitor gets); reconnecting drops them.
                                    tracing::warn!(error = %e, "cache listener interrupted");
                                    break;
                                }
                            }
                        }
                    }
                    Ok(None) => return,
                    Err(e) => tracing::warn!(error = %e, "cache listener cannot connect"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }))
    }

    /// A rendered page kept by [`App::keep_rendered_page`], if still current.
    pub async fn rendered_page(&self, key: &str) -> Option<bytes::Bytes> {
        self.caches.rendered.get(key).await
    }

    /// Keeps a rendered page until the catalog changes or the cache TTL passes.
    pub async fn keep_rendered_page(&self, key: String, body: bytes::Bytes) {
        self.caches.rendered.insert(key, body).await;
    }
}

//! Configuration: defaults, then `jangteo.toml`, then `JANGTEO_*` environment variables, then
//! command-line flags (the binary does the layering; this is the typed result).

pub(crate) mod channels;
pub(crate) mod chatops;
pub(crate) mod checkout;
pub(crate) mod logistics;
pub(crate) mod observability;
pub(crate) mod shop;
pub(crate) mod social;
pub(crate) mod tracking;
pub use channels::{ChannelsConfig, CoupangChannelConfig, SmartStoreChannelConfig};
pub use chatops::SlackAppConfig;
pub use checkout::{BankAccountConfig, CheckoutConfig, NiceSettings, RemoteAreaConfig};
pub use logistics::{LogisticsConfig, PartnerConfig};
pub use observability::{MetricsConfig, SentryConfig};
use serde::Deserialize;
pub use shop::{BusinessInfo, ShopConfig, TradeTermsConfig};
pub use social::{KakaoSettings, NaverSettings, SocialConfig};
use std::path::PathBuf;
pub use tracking::{TrackingConfig, TrackingProvider};

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Directory for the SQLite file and local media.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite:PATH`; default: SQLite file `jangteo.db` in `data_dir`.
    pub database_url: Option<String>,
    /// Public URL of the shop (canonical links, sitemap); default `http://{listen}`.
    pub base_url: Option<String>,
    /// Directory whose `templates/`, `static/` and `locales/` files override the built-in ones.
    pub theme_dir: Option<PathBuf>,
    /// Media storage and URLs.
    pub media: MediaConfig,
    /// Request size limits.
    pub limits: LimitsConfig,
    /// The shop's identity and policies.
    pub shop: ShopConfig,
    /// Logging.
    pub log: LogConfig,
    /// Seconds catalog data may be served from the in-process cache before re-reading it even
    /// without an invalidation (a safety net for changes made by other instances).
    pub cache_ttl_seconds: u64,
    /// Seconds in-flight requests get to finish on shutdown.
    pub shutdown_grace_seconds: u64,
    /// Demo mode, set only by `jangteo demo` (never by a file or variable): demo seller data,
    /// the public outbox and other demo aids.
    #[serde(skip)]
    pub demo_mode: bool,
    /// Cron expressions (Asia/Seoul) replacing a chore's default time, by schedule name.
    pub schedules: std::collections::BTreeMap<String, String>,
    /// Jobs a worker runs at once.
    pub worker_concurrency: usize,
    /// Where messages go.
    pub notifications: NotificationsConfig,
    /// Checkout, payments, points and remote-area shipping.
    pub checkout: CheckoutConfig,
    /// Member accounts: sessions, login throttling, password resets.
    pub members: MembersConfig,
    /// The back office: staff sessions, 2FA, lockout, IP allow-list.
    pub admin: AdminConfig,
    /// The Slack app (`/장터` commands).
    pub slack: SlackAppConfig,
    /// Parcel tracking.
    pub tracking: TrackingConfig,
    /// Error reporting to Sentry.
    pub sentry: SentryConfig,
    /// The Prometheus endpoint.
    pub metrics: MetricsConfig,
    /// Marketplaces whose orders the shop imports.
    pub channels: ChannelsConfig,
    /// Logistics partners (3PL).
    pub logistics: LogisticsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            base_url: None,
            theme_dir: None,
            media: MediaConfig::default(),
            limits: LimitsConfig::default(),
            shop: ShopConfig::default(),
            log: LogConfig::default(),
            cache_ttl_seconds: 60,
            shutdown_grace_seconds: 30,
            demo_mode: false,
            schedules: std::collections::BTreeMap::new(),
            worker_concurrency: 4,
            notifications: NotificationsConfig::default(),
            checkout: CheckoutConfig::default(),
            members: MembersConfig::default(),
            admin: AdminConfig::default(),
            slack: SlackAppConfig::default(),
            tracking: TrackingConfig::default(),
            sentry: SentryConfig::default(),
            metrics: MetricsConfig::default(),
            channels: ChannelsConfig::default(),
            logistics: LogisticsConfig::default(),
        }
    }
}

impl Config {
    /// What `jangteo demo` runs with: demo aids on, and the invented seller and bank account
    /// wherever the owner set none.
    pub fn enter_demo_mode(&mut self) {
        self.demo_mode = true;
        if self.shop.business.company.trim().is_empty() {
            self.shop.business = BusinessInfo::demo();
        }
        if !self.checkout.bank_account.is_set() {
            self.checkout.bank_account = BankAccountConfig::demo();
        }
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite:{}", self.data_dir.join("jangteo.db").display()))
    }

    /// Directory of local media storage.
    pub fn media_dir(&self) -> PathBuf {
        self.media
            .dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("media"))
    }

    /// Public base URL without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Public URL prefix of media files without a trailing slash (a CDN in production).
    pub fn media_url(&self) -> String {
        self.media
            .public_url
            .clone()
            .unwrap_or_else(|| "/media".into())
            .trim_end_matches('/')
            .to_owned()
    }
}

/// Media settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// Local storage directory (default `{data_dir}/media`).
    pub dir: Option<PathBuf>,
    /// Public URL prefix of image URLs, e.g. `https://cdn.example.com/media` (default `/media`).
    pub public_url: Option<String>,
}

/// Request body limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest `multipart/form-data` (upload) body in bytes.
    pub upload_bytes: u64,
    /// Largest body of any other request in bytes.
    pub body_bytes: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            upload_bytes: 20 * 1024 * 1024,
            body_bytes: 1024 * 1024,
        }
    }
}

/// Log settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` (default) or `json`.
    pub format: String,
    /// `tracing` filter, e.g. `info,jangteo_web=debug` (`RUST_LOG` wins when set).
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: "text".into(),
            filter: "info".into(),
        }
    }
}

/// A secret string: `Debug` never shows it.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Which adapter carries a channel: `test` records the message in the outbox and sends nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ProviderChoice {
    /// The outbox only.
    #[default]
    Test,
    /// SMTP (e-mail).
    Smtp,
    /// Mailgun (e-mail).
    Mailgun,
    /// Aligo (SMS).
    Aligo,
    /// Solapi (SMS, AlimTalk).
    Solapi,
    /// Slack incoming webhook.
    Webhook,
}

/// Notification channels and their providers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationsConfig {
    /// E-mail: `test`, `smtp` or `mailgun`.
    pub email: ProviderChoice,
    /// SMS: `test`, `aligo` or `solapi`.
    pub sms: ProviderChoice,
    /// KakaoTalk AlimTalk: `test` or `solapi` (falls back to SMS when KakaoTalk cannot deliver).
    pub alimtalk: ProviderChoice,
    /// Staff alerts: `test` or `webhook`.
    pub slack: ProviderChoice,
    /// Sender of e-mail.
    pub from_email: String,
    /// Registered sender number of SMS/AlimTalk.
    pub sms_sender: String,
    /// KakaoTalk channel id (pfId).
    pub kakao_channel_id: String,
    /// Approved AlimTalk template id by event name.
    pub alimtalk_templates: std::collections::BTreeMap<String, String>,
    /// SMTP server.
    pub smtp: Option<jangteo_providers::messaging::SmtpConfig>,
    /// Mailgun account.
    pub mailgun: Option<jangteo_providers::messaging::MailgunConfig>,
    /// Aligo account.
    pub aligo: Option<jangteo_providers::messaging::AligoConfig>,
    /// Solapi account.
    pub solapi: Option<jangteo_providers::messaging::SolapiConfig>,
    /// Slack incoming-webhook URL.
    pub slack_webhook_url: Option<Secret>,
    /// Messages per second a bulk send hands to the provider (its rate limit).
    pub bulk_rate_per_second: u32,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            email: ProviderChoice::Test,
            sms: ProviderChoice::Test,
            alimtalk: ProviderChoice::Test,
            slack: ProviderChoice::Test,
            from_email: "장터 데모샵 <no-reply@jangteo.example>".into(),
            sms_sender: "15880000".into(),
            kakao_channel_id: String::new(),
            alimtalk_templates: std::collections::BTreeMap::new(),
            smtp: None,
            mailgun: None,
            aligo: None,
            solapi: None,
            slack_webhook_url: None,
            bulk_rate_per_second: 50,
        }
    }
}

/// Member account settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MembersConfig {
    /// Failed logins per account within the window before it is locked for the window.
    pub max_failures_per_account: i64,
    /// Failed logins per IP address within the window.
    pub max_failures_per_ip: i64,
    /// The throttling window in minutes.
    pub throttle_minutes: i64,
    /// Minutes a password-reset link stays valid.
    pub reset_minutes: i64,
    /// Days a session lives without activity.
    pub session_days: i64,
    /// Proxies in front of the shop whose `X-Forwarded-For` is trusted (0: use the peer address).
    pub trusted_proxies: usize,
    /// Points granted on sign-up (seeds 적립금 설정 once; the back office rules from then on).
    pub signup_points: i64,
    /// Months earned points last, 0 for ever (seeds 적립금 설정 once).
    pub points_expiry_months: u32,
    /// Days without a login after which a member's personal data moves to the dormant store
    /// (notice 30 days before; 0 turns dormancy off).
    pub dormancy_days: i64,
    /// Hours a cart must stay untouched before its one reminder (consenting members only).
    pub abandoned_cart_hours: i64,
    /// The grade window and thresholds the back office starts from (stored once on first use;
    /// 회원 등급 rules from then on).
    pub grades: jangteo_core::loyalty::GradeRules,
    /// Kakao and Naver login.
    pub social: SocialConfig,
}

impl Default for MembersConfig {
    fn default() -> Self {
        Self {
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
            throttle_minutes: 15,
            reset_minutes: 30,
            session_days: 14,
            trusted_proxies: 0,
            signup_points: 2_000,
            points_expiry_months: 0,
            dormancy_days: 365,
            abandoned_cart_hours: 24,
            grades: jangteo_core::loyalty::GradeRules::default(),
            social: SocialConfig::default(),
        }
    }
}

/// Back-office settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    /// Key that encrypts staff TOTP secrets: 32 bytes, base64. Default: `secret.key` in
    /// `data_dir`, created on first use. Several instances must share one (set it here or in
    /// `JANGTEO_ADMIN__SECRET_KEY`).
    pub secret_key: Option<String>,
    /// Minutes without a request after which a staff session ends.
    pub idle_minutes: i64,
    /// Failed passwords or codes per account within `lock_minutes` before the account is locked
    /// for that long.
    pub max_failures: i64,
    /// Minutes of the failure window and of the lock.
    pub lock_minutes: i64,
    /// Addresses or CIDR ranges staff may use (`203.0.113.7`, `10.0.0.0/8`); empty: any.
    pub allowed_ips: Vec<String>,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            secret_key: None,
            idle_minutes: 30,
            max_failures: 5,
            lock_minutes: 15,
            allowed_ips: Vec::new(),
        }
    }
}

//! Configuration: defaults, then `jangteo.toml`, then `JANGTEO_*` environment variables, then
//! command-line flags (the binary does the layering; this is the typed result).

use serde::Deserialize;
use std::path::PathBuf;

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

/// The shop's identity and policies.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShopConfig {
    /// Shop name.
    pub name: String,
    /// Short slogan.
    pub tagline: String,
    /// Orders at or above this amount (won) ship free.
    pub free_shipping_threshold: i64,
    /// Base shipping fee (won).
    pub shipping_fee: i64,
    /// Seller information Korean law requires on every page (전자상거래법 10조).
    pub business: BusinessInfo,
    /// The shop's own wording of the trade terms on product pages (empty: generated).
    pub trade_terms: TradeTermsConfig,
}

/// The trade terms product pages state under the 상품정보제공고시; each one left empty is
/// generated from the shipping, return and withdrawal settings.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TradeTermsConfig {
    /// 배송 방법·기간.
    pub delivery: String,
    /// 청약철회 가능 여부와 기한.
    pub withdrawal: String,
    /// 반품 비용.
    pub return_cost: String,
    /// 교환·반품·보증 조건.
    pub exchange: String,
    /// 피해보상·환불 지연 배상.
    pub compensation: String,
}

impl Default for ShopConfig {
    fn default() -> Self {
        Self {
            name: "장터 데모샵".into(),
            tagline: "매일 쓰는 좋은 물건, 장터".into(),
            free_shipping_threshold: 50_000,
            shipping_fee: 3_000,
            business: BusinessInfo::default(),
            trade_terms: TradeTermsConfig::default(),
        }
    }
}

/// Seller information shown in the footer (empty until the owner sets it; `jangteo demo` shows
/// an invented one).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusinessInfo {
    /// 상호.
    pub company: String,
    /// 대표자.
    pub ceo: String,
    /// 사업자등록번호.
    pub registration_no: String,
    /// 통신판매업 신고번호.
    pub mail_order_no: String,
    /// 통신판매업 신고기관 (e.g. 마포구청).
    pub mail_order_office: String,
    /// 호스팅서비스 제공자 (Korean name of the hosting company).
    pub hosting_provider: String,
    /// 개인정보보호책임자 (a person's name).
    pub privacy_officer: String,
    /// 사업장 주소.
    pub address: String,
    /// 고객센터 전화.
    pub phone: String,
    /// 고객센터 e-mail.
    pub email: String,
    /// 고객센터 운영시간.
    pub hours: String,
}

impl BusinessInfo {
    /// The demo shop's invented seller (shown only by `jangteo demo`).
    pub fn demo() -> Self {
        Self {
            company: "(주)장터데모".into(),
            ceo: "김장터".into(),
            registration_no: "123-45-67890".into(),
            mail_order_no: "제2026-서울강남-00000호".into(),
            mail_order_office: "강남구청".into(),
            hosting_provider: "장터 데모 호스팅".into(),
            privacy_officer: "김장터".into(),
            address: "서울특별시 강남구 테헤란로 000, 0층 (데모 주소)".into(),
            phone: "1588-0000".into(),
            email: "help@jangteo.example".into(),
            hours: "평일 10:00–17:00 (점심 12:00–13:00, 주말·공휴일 휴무)".into(),
        }
    }

    /// The law's view of these fields.
    pub fn disclosure(&self, has_terms: bool) -> jangteo_core::legal::SellerDisclosure<'_> {
        jangteo_core::legal::SellerDisclosure {
            company: &self.company,
            ceo: &self.ceo,
            address: &self.address,
            phone: &self.phone,
            email: &self.email,
            registration_no: &self.registration_no,
            mail_order_no: &self.mail_order_no,
            mail_order_office: &self.mail_order_office,
            hosting_provider: &self.hosting_provider,
            privacy_officer: &self.privacy_officer,
            has_terms,
        }
    }
}

/// A secret string: `Debug` never shows it.
#[derive(Clone, Deserialize, PartialEq, Eq)]
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

/// A remote-area surcharge for a postcode range (제주/도서산간).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteAreaConfig {
    /// First postcode.
    pub from: u32,
    /// Last postcode (inclusive).
    pub to: u32,
    /// Extra fee in won.
    pub surcharge: i64,
    /// What it is ("제주", "신안 섬지역").
    #[serde(default)]
    pub label: String,
}

/// The 제주/도서산간 table Korean shops and carriers publish (the same ranges appear in the
/// imweb and CJ대한통운 tables): 제주 3,000원, the islands beyond 5,000원 per parcel. The first
/// start copies it into the database; the back office edits it from then on.
fn default_remote_areas() -> Vec<RemoteAreaConfig> {
    let jeju = 3_000;
    let island = 5_000;
    [
        (63000, 63644, jeju, "제주"),
        (22386, 22388, island, "인천 중구 섬지역"),
        (23004, 23010, island, "인천 강화 섬지역"),
        (23100, 23116, island, "인천 옹진 섬지역"),
        (23124, 23136, island, "인천 옹진 섬지역"),
        (31708, 31708, island, "충남 당진 섬지역"),
        (32133, 32133, island, "충남 태안 섬지역"),
        (33411, 33411, island, "충남 보령 섬지역"),
        (40200, 40240, island, "경북 울릉"),
        (46768, 46771, island, "부산 강서 섬지역"),
        (52570, 52571, island, "경남 사천 섬지역"),
        (53031, 53033, island, "경남 통영 섬지역"),
        (53089, 53104, island, "경남 통영 섬지역"),
        (54000, 54000, island, "전북 군산 섬지역"),
        (56347, 56349, island, "전북 부안 섬지역"),
        (57068, 57069, island, "전남 영광 섬지역"),
        (58760, 58762, island, "전남 목포 섬지역"),
        (58800, 58810, island, "전남 신안 섬지역"),
        (58816, 58818, island, "전남 신안 섬지역"),
        (58826, 58826, island, "전남 신안 섬지역"),
        (58828, 58866, island, "전남 신안 섬지역"),
        (58953, 58958, island, "전남 진도 섬지역"),
        (59102, 59103, island, "전남 완도 섬지역"),
        (59106, 59106, island, "전남 완도 섬지역"),
        (59127, 59127, island, "전남 완도 섬지역"),
        (59129, 59129, island, "전남 완도 섬지역"),
        (59137, 59166, island, "전남 완도 섬지역"),
        (59650, 59650, island, "전남 여수 섬지역"),
        (59766, 59766, island, "전남 여수 섬지역"),
        (59781, 59790, island, "전남 여수 섬지역"),
    ]
    .into_iter()
    .map(|(from, to, surcharge, label)| RemoteAreaConfig {
        from,
        to,
        surcharge,
        label: label.to_owned(),
    })
    .collect()
}

/// The shop's bank account for 무통장입금 (empty until set; bank deposit is offered only then).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BankAccountConfig {
    /// Bank name.
    pub bank: String,
    /// Account number.
    pub account: String,
    /// Holder.
    pub holder: String,
}

impl BankAccountConfig {
    /// The demo shop's invented account.
    pub fn demo() -> Self {
        Self {
            bank: "국민은행".into(),
            account: "123456-01-234567".into(),
            holder: "(주)장터".into(),
        }
    }

    /// Whether an account is set: bank deposit is offered only then.
    pub fn is_set(&self) -> bool {
        !self.bank.trim().is_empty()
            && !self.account.trim().is_empty()
            && !self.holder.trim().is_empty()
    }
}

/// Checkout and payment settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckoutConfig {
    /// Payment gateway: `test` (built in; approves in a demo payment window).
    pub gateway: String,
    /// Secret the test gateway signs its payment keys with (default: random per process).
    pub test_gateway_secret: Option<Secret>,
    /// Hours a virtual account or bank deposit stays open.
    pub deposit_hours: i64,
    /// Minutes an immediate payment (card, transfer, easy pay) may stay unfinished before the
    /// order is cancelled and its stock, coupon and points released.
    pub payment_timeout_minutes: i64,
    /// The shop's account for bank deposits.
    pub bank_account: BankAccountConfig,
    /// Remote-area surcharges copied into the database on the first start (default: the
    /// published 제주/도서산간 table); edited in the back office afterwards.
    pub remote_areas: Vec<RemoteAreaConfig>,
    /// Points usable only once the balance reaches this.
    pub points_min_balance: i64,
    /// Smallest points use.
    pub points_min_use: i64,
    /// Largest share of the items paid with points, in percent.
    pub points_max_percent: u32,
    /// Points uses are rounded down to a multiple of this.
    pub points_step: i64,
    /// Days after delivery when a purchase is confirmed automatically.
    pub auto_confirm_days: i64,
    /// Days after delivery when the buyer is asked for a review.
    pub review_request_days: i64,
    /// Days after receipt a buyer may return goods after a change of mind (7 by law; a longer
    /// policy is allowed, a shorter one is raised to 7).
    pub change_of_mind_days: u32,
    /// Return shipping kept from the refund when the buyer pays it (change of mind), in won.
    pub return_shipping_fee: i64,
}

impl Default for CheckoutConfig {
    fn default() -> Self {
        Self {
            gateway: "test".into(),
            test_gateway_secret: None,
            deposit_hours: 72,
            payment_timeout_minutes: 30,
            bank_account: BankAccountConfig::default(),
            remote_areas: default_remote_areas(),
            points_min_balance: 1_000,
            points_min_use: 1_000,
            points_max_percent: 50,
            points_step: 10,
            auto_confirm_days: 7,
            review_request_days: 3,
            change_of_mind_days: 7,
            return_shipping_fee: 3_000,
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
    /// Points granted on sign-up.
    pub signup_points: i64,
    /// Days without a login after which a member's personal data moves to the dormant store
    /// (notice 30 days before; 0 turns dormancy off).
    pub dormancy_days: i64,
    /// Hours a cart must stay untouched before its one reminder (consenting members only).
    pub abandoned_cart_hours: i64,
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
            dormancy_days: 365,
            abandoned_cart_hours: 24,
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

//! The real application on a random port.

use crate::db::{Backend, TestDb};
use jangteo_app::{App, Config};
use jangteo_web::{AppState, WebOptions, router};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::net::TcpListener;

/// A running app with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The use-case context the server runs on (for setting up data).
    pub app: App,
    /// An HTTP client that does not follow redirects.
    pub client: reqwest::Client,
    /// The database (dropped with the app).
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Options for [`TestApp::spawn_with`].
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Overrides the web options (e.g. a small sitemap limit).
    pub web: WebOptions,
    /// Adjusts the configuration before start.
    pub configure: Option<fn(&mut Config)>,
    /// Points Toss Payments at this fake (`FakeToss::base_url`).
    pub toss_base: Option<String>,
    /// Points KakaoPay at this fake (`FakeKakaoPay::base_url`).
    pub kakaopay_base: Option<String>,
    /// PortOne's API and SDK host (a fake's address).
    pub portone_base: Option<String>,
    /// NICE 본인확인's API and window host (a fake's address): buyers verify through NICE.
    pub nice_base: Option<String>,
    /// Mail leaves by SMTP to this port on 127.0.0.1 (a [`crate::smtp_sink::SmtpSink`]).
    pub smtp_port: Option<u16>,
    /// Texts (SMS; AlimTalk falls back to SMS) leave through this Solapi fake's address.
    pub solapi_base: Option<String>,
    /// Kakao Login (both hosts) at this fake's address, with 카카오싱크 when `kakao_sync`.
    pub kakao_login_base: Option<String>,
    /// Read 카카오싱크's terms and shipping address.
    pub kakao_sync: bool,
    /// Naver Login (both hosts) at this fake's address.
    pub naver_login_base: Option<String>,
    /// Parcels tracked through this tracker.delivery fake's GraphQL address.
    pub tracker_url: Option<String>,
    /// SmartStore orders imported from this fake's address.
    pub smartstore_base: Option<String>,
    /// Coupang orders imported from this fake's address.
    pub coupang_base: Option<String>,
    /// Slack's Web API at this fake's address (`fakes::slack`), with its bot token.
    pub slack_base: Option<String>,
}

/// Points Kakao and Naver login at the fakes `options` names.
fn configure_social(config: &mut Config, options: &TestOptions) {
    use jangteo_app::config::Secret;
    if let Some(base) = &options.kakao_login_base {
        let kakao = &mut config.members.social.kakao;
        kakao.rest_api_key = crate::fake_kakao_login::KAKAO_REST_KEY.into();
        kakao.client_secret = Secret(crate::fake_kakao_login::KAKAO_CLIENT_SECRET.into());
        kakao.auth_base = base.clone();
        kakao.api_base = base.clone();
        kakao.sync = options.kakao_sync;
    }
    if let Some(base) = &options.naver_login_base {
        let naver = &mut config.members.social.naver;
        naver.client_id = crate::fake_naver_login::NAVER_CLIENT_ID.into();
        naver.client_secret = Secret(crate::fake_naver_login::NAVER_CLIENT_SECRET.into());
        naver.auth_base = base.clone();
        naver.api_base = base.clone();
    }
}

/// Points mail and texts at the fakes `options` names.
fn configure_messaging(config: &mut Config, options: &TestOptions) {
    use jangteo_app::config::ProviderChoice;
    use jangteo_providers::messaging::{SmtpConfig, SmtpSecurity, SolapiConfig};
    if let Some(port) = options.smtp_port {
        config.notifications.email = ProviderChoice::Smtp;
        config.notifications.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            security: SmtpSecurity::None,
        });
    }
    if let Some(base) = &options.solapi_base {
        config.notifications.alimtalk = ProviderChoice::Solapi;
        config.notifications.sms = ProviderChoice::Solapi;
        config.notifications.solapi = Some(SolapiConfig {
            base_url: base.clone(),
            api_key: crate::fakes::SOLAPI_KEY.into(),
            api_secret: crate::fakes::SOLAPI_SECRET.into(),
        });
    }
}

/// An HTTP client for tests: no redirects followed, no proxies, short timeouts.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("building the HTTP client")
}

/// The configuration of a test app rooted in `dir`.
pub fn test_config(dir: &std::path::Path, listen: &str, database_url: &str) -> Config {
    Config {
        listen: listen.to_owned(),
        data_dir: dir.to_path_buf(),
        database_url: Some(database_url.to_owned()),
        base_url: Some(format!("http://{listen}")),
        shop: jangteo_app::config::ShopConfig {
            // A test shop has its contact address set (staff reports go there).
            business: jangteo_app::config::BusinessInfo {
                email: "help@shop.example.com".into(),
                ..Default::default()
            },
            ..Default::default()
        },
        checkout: jangteo_app::config::CheckoutConfig {
            // A test shop has its account set, so bank deposit is on.
            bank_account: jangteo_app::config::BankAccountConfig::demo(),
            ..Default::default()
        },
        ..Config::default()
    }
}

impl TestApp {
    /// Spawns the app on `backend` with an empty, migrated database; `None` if the backend is
    /// unavailable outside CI.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, TestOptions::default()).await
    }

    /// Like [`TestApp::spawn`] with options.
    pub async fn spawn_with(backend: Backend, options: TestOptions) -> Option<TestApp> {
        let db = TestDb::migrated(backend).await?;
        let handle = db.db.clone();
        Some(Self::serve_on(db, handle, options).await)
    }

    /// Serves the app on `handle`, a connection to the test database `db` (a test may reach it
    /// another way than `db.db`, e.g. through a [`crate::tcp_proxy::CuttableProxy`]).
    pub async fn serve_on(db: TestDb, handle: jangteo_db::Db, options: TestOptions) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a port");
        let addr = listener.local_addr().expect("local address");
        let mut config = test_config(db.dir.path(), &addr.to_string(), &db.url);
        if let Some(base) = &options.toss_base {
            config.checkout.toss.api_base = base.clone();
            config.checkout.toss.sdk_url = format!("{base}/v1/payment");
        }
        if let Some(base) = &options.portone_base {
            config.checkout.portone.api_base = base.clone();
            config.checkout.portone.sdk_url = format!("{base}/v2/browser-sdk.js");
        }
        if let Some(base) = &options.nice_base {
            config.checkout.nice = Some(jangteo_app::config::NiceSettings {
                client_id: crate::fake_nice::NICE_CLIENT_ID.into(),
                client_secret: jangteo_app::config::Secret(
                    crate::fake_nice::NICE_CLIENT_SECRET.into(),
                ),
                api_base: base.clone(),
                window_url: format!("{base}/CheckPlusSafeModel/service.cb"),
            });
        }
        if let Some(base) = &options.kakaopay_base {
            config.checkout.kakaopay.api_base = base.clone();
        }
        configure_messaging(&mut config, &options);
        configure_social(&mut config, &options);
        if let Some(url) = &options.tracker_url {
            config.tracking.provider = jangteo_app::config::TrackingProvider::TrackerDelivery;
            config.tracking.api_url = url.clone();
            config.tracking.client_id = crate::fake_tracker::TRACKER_CLIENT_ID.into();
            config.tracking.client_secret =
                jangteo_app::config::Secret(crate::fake_tracker::TRACKER_CLIENT_SECRET.into());
        }
        if let Some(base) = &options.smartstore_base {
            let smartstore = &mut config.channels.smartstore;
            smartstore.api_base = base.clone();
            smartstore.client_id = crate::fake_smartstore::SMARTSTORE_CLIENT_ID.into();
            smartstore.client_secret = jangteo_app::config::Secret(
                crate::fake_smartstore::SMARTSTORE_CLIENT_SECRET.into(),
            );
        }
        if let Some(base) = &options.slack_base {
            config.slack.api_base = format!("{base}/api");
            config.slack.bot_token =
                jangteo_app::config::Secret(crate::fakes::SLACK_BOT_TOKEN.into());
        }
        if let Some(base) = &options.coupang_base {
            use crate::fake_coupang::{COUPANG_ACCESS_KEY, COUPANG_SECRET_KEY, COUPANG_VENDOR_ID};
            let coupang = &mut config.channels.coupang;
            coupang.api_base = base.clone();
            coupang.vendor_id = COUPANG_VENDOR_ID.into();
            coupang.access_key = COUPANG_ACCESS_KEY.into();
            coupang.secret_key = jangteo_app::config::Secret(COUPANG_SECRET_KEY.into());
        }
        if let Some(configure) = options.configure {
            configure(&mut config);
        }
        let app = App::new(handle, config).expect("building the app");
        let state = AppState::new(app.clone(), options.web).expect("loading templates");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(jangteo_web::serve(
            listener,
            router(state),
            async move {
                let _ = rx.await;
            },
            Duration::from_secs(5),
        ));
        TestApp {
            base_url: format!("http://{addr}"),
            app,
            client: client(),
            db,
            shutdown: Some(tx),
        }
    }

    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// GET a path and return status and body.
    pub async fn get(&self, path: &str) -> (reqwest::StatusCode, String) {
        get_text(&self.client, &self.url(path)).await
    }
}

/// Another server of the same shop on the same database (what a load balancer's second backend
/// is): shares nothing with the first but the database.
pub struct SecondInstance {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for SecondInstance {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    /// Starts a second instance on the same database.
    pub async fn second_instance(&self) -> SecondInstance {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a port");
        let addr = listener.local_addr().expect("local address");
        let mut config = (*self.app.config).clone();
        config.listen = addr.to_string();
        let app = App::new(self.app.db.clone(), config).expect("building the second app");
        let state = AppState::new(app, WebOptions::default()).expect("loading templates");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(jangteo_web::serve(
            listener,
            router(state),
            async move {
                let _ = rx.await;
            },
            Duration::from_secs(5),
        ));
        SecondInstance {
            base_url: format!("http://{addr}"),
            shutdown: Some(tx),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// GET a URL and return status and body.
pub async fn get_text(client: &reqwest::Client, url: &str) -> (reqwest::StatusCode, String) {
    let response = client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

/// A demo shop served for the whole test binary from its own thread (read-only tests share it,
/// so the demo catalog is loaded once per backend).
pub struct SharedServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

impl SharedServer {
    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

static SHARED_SQLITE: OnceLock<Option<SharedServer>> = OnceLock::new();
static SHARED_POSTGRES: OnceLock<Option<SharedServer>> = OnceLock::new();

/// The shared demo server of `backend` (`None` when the backend is unavailable outside CI).
pub fn shared_demo(backend: Backend) -> Option<&'static SharedServer> {
    let cell = match backend {
        Backend::Sqlite => &SHARED_SQLITE,
        Backend::Postgres => &SHARED_POSTGRES,
    };
    cell.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Option<String>>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("building a runtime");
            rt.block_on(async move {
                let options = TestOptions {
                    configure: Some(Config::enter_demo_mode),
                    ..TestOptions::default()
                };
                let Some(test_app) = TestApp::spawn_with(backend, options).await else {
                    let _ = tx.send(None);
                    return;
                };
                test_app
                    .app
                    .load_demo(&jangteo_app::demo::DemoOptions::default())
                    .await
                    .expect("loading the demo shop");
                let _ = tx.send(Some(test_app.base_url.clone()));
                // Serve until the test binary exits.
                std::future::pending::<()>().await;
                drop(test_app);
            });
        });
        rx.recv()
            .ok()
            .flatten()
            .map(|base_url| SharedServer { base_url })
    })
    .as_ref()
}

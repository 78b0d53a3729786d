//! A shop on a real gateway's flow, the fake gateway (jangteo-testkit) answering every confirm
//! after 300 ms as the real gateway's latency would: for bench/gateway.sh. Starts the fake and
//! the shop (release build, real web server on 127.0.0.1, a fresh database of the backend given),
//! enters the keys through the back office as an owner would, gives the T-shirt ample stock,
//! prints `BASE_URL SKU_ID PAYMENT_METHOD` and serves until killed.
//!
//! The confirm each gateway answers late: Toss's `POST /v1/payments/confirm`, PortOne's payment
//! lookup (PortOne approves in its window; the shop's confirm is looking the payment up), and
//! KakaoPay's `approve` (with Toss as the shop's main gateway and KakaoPay connected beside it).
//!
//! Usage: gateway-shop sqlite|postgres [toss|portone|kakaopay] [CONFIRM_DELAY_MS]
use jangteo_testkit::fake_kakaopay::{FakeKakaoPay, KAKAOPAY_CID, KAKAOPAY_SECRET};
use jangteo_testkit::fake_portone::{
    FakePortOne, PORTONE_API_SECRET, PORTONE_CHANNEL_KEY, PORTONE_STORE_ID, PORTONE_WEBHOOK_SECRET,
};
use jangteo_testkit::fake_toss::{FakeToss, TOSS_CLIENT_KEY, TOSS_SECRET_KEY};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::staff_session;
use jangteo_testkit::{Backend, TestApp, fixtures};
use std::io::Write;
use std::time::Duration;

const USAGE: &str =
    "usage: gateway-shop sqlite|postgres [toss|portone|kakaopay] [CONFIRM_DELAY_MS]";

/// The fakes of one gateway choice, kept alive while the shop serves.
enum Fakes {
    Toss(FakeToss),
    PortOne(FakePortOne),
    KakaoPay(FakeToss, FakeKakaoPay),
}

impl Fakes {
    async fn start(gateway: &str, delay: Duration) -> Fakes {
        match gateway {
            "toss" => {
                let fake = FakeToss::start().await;
                fake.delay_confirms(delay);
                Fakes::Toss(fake)
            }
            "portone" => {
                let fake = FakePortOne::start().await;
                fake.delay_lookups(delay);
                Fakes::PortOne(fake)
            }
            "kakaopay" => {
                let kakaopay = FakeKakaoPay::start().await;
                kakaopay.delay_approvals(delay);
                Fakes::KakaoPay(FakeToss::start().await, kakaopay)
            }
            _ => {
                eprintln!("{USAGE}");
                std::process::exit(2);
            }
        }
    }

    fn options(&self) -> TestOptions {
        let mut options = TestOptions::default();
        match self {
            Fakes::Toss(toss) => options.toss_base = Some(toss.base_url.clone()),
            Fakes::PortOne(portone) => options.portone_base = Some(portone.base_url.clone()),
            Fakes::KakaoPay(toss, kakaopay) => {
                options.toss_base = Some(toss.base_url.clone());
                options.kakaopay_base = Some(kakaopay.base_url.clone());
            }
        }
        options
    }

    /// The owner's entries on 설정 → 결제 대행사, and the method shoppers pay with.
    fn settings(&self) -> (Vec<(&'static str, &'static str)>, &'static str) {
        let toss = vec![
            ("provider", "toss"),
            ("toss_client_key", TOSS_CLIENT_KEY),
            ("toss_secret_key", TOSS_SECRET_KEY),
            ("toss_virtual_account_bank", "88"),
        ];
        match self {
            Fakes::Toss(_) => (toss, "card"),
            Fakes::PortOne(_) => (
                vec![
                    ("provider", "portone"),
                    ("portone_store_id", PORTONE_STORE_ID),
                    ("portone_channel_key", PORTONE_CHANNEL_KEY),
                    ("portone_api_secret", PORTONE_API_SECRET),
                    ("portone_webhook_secret", PORTONE_WEBHOOK_SECRET),
                    ("portone_virtual_account_bank", "88"),
                ],
                "card",
            ),
            Fakes::KakaoPay(..) => {
                let mut fields = toss;
                fields.extend([
                    ("kakaopay_on", "on"),
                    ("kakaopay_cid", KAKAOPAY_CID),
                    ("kakaopay_secret_key", KAKAOPAY_SECRET),
                ]);
                (fields, "kakao_pay")
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = match args.get(1).map(String::as_str) {
        Some("sqlite") => Backend::Sqlite,
        Some("postgres") => Backend::Postgres,
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    let gateway = args.get(2).map_or("toss", String::as_str);
    let delay: u64 = args.get(3).map_or(300, |d| d.parse().expect("delay in ms"));
    let fakes = Fakes::start(gateway, Duration::from_millis(delay)).await;
    let t = TestApp::spawn_with(backend, fakes.options())
        .await
        .expect("the backend is reachable");
    fixtures::catalog(&t.app).await;
    let sku = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .expect("the fixture T-shirt");
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::catalog::stock::set_stock(&mut tx, sku, 1_000_000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (owner, _) = staff_session(&t, "owner@bench.example.com", "owner").await;
    let (fields, method) = fakes.settings();
    let saved = owner.post("/admin/settings/payments", &fields).await;
    assert_eq!(saved.status, 303, "the owner's keys were refused");
    println!("{} {sku} {method}", t.base_url);
    std::io::stdout().flush().unwrap();
    // Serve until killed (the fakes live as long as `fakes`).
    loop {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

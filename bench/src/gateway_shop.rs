//! A shop whose owner chose Toss Payments, with the fake Toss (jangteo-testkit) answering every
//! confirm after 300 ms, as the real gateway's latency would: for bench/gateway.sh. Starts the
//! fake and the shop (release build, real web server on 127.0.0.1, a fresh database of the
//! backend given), enters the keys through the back office as an owner would, gives the T-shirt
//! ample stock, prints `BASE_URL SKU_ID` and serves until killed.
//!
//! Usage: gateway-shop sqlite|postgres [CONFIRM_DELAY_MS]
use jangteo_testkit::fake_toss::{FakeToss, TOSS_CLIENT_KEY, TOSS_SECRET_KEY};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::staff_session;
use jangteo_testkit::{Backend, TestApp, fixtures};
use std::io::Write;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = match args.get(1).map(String::as_str) {
        Some("sqlite") => Backend::Sqlite,
        Some("postgres") => Backend::Postgres,
        _ => {
            eprintln!("usage: gateway-shop sqlite|postgres [CONFIRM_DELAY_MS]");
            std::process::exit(2);
        }
    };
    let delay: u64 = args.get(2).map_or(300, |d| d.parse().expect("delay in ms"));
    let fake = FakeToss::start().await;
    fake.delay_confirms(Duration::from_millis(delay));
    let options = TestOptions {
        toss_base: Some(fake.base_url.clone()),
        ..Default::default()
    };
    let t = TestApp::spawn_with(backend, options)
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
    let saved = owner
        .post(
            "/admin/settings/payments",
            &[
                ("provider", "toss"),
                ("toss_client_key", TOSS_CLIENT_KEY),
                ("toss_secret_key", TOSS_SECRET_KEY),
                ("toss_virtual_account_bank", "88"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "the owner's keys were refused");
    println!("{} {sku}", t.base_url);
    std::io::stdout().flush().unwrap();
    // Serve until killed.
    loop {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

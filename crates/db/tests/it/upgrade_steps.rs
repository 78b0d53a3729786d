//! A shop populated at schema version 4 (the first with members, orders and payments) is
//! upgraded one migration at a time to this binary's schema, on SQLite and PostgreSQL: after
//! every step its money reads the same (orders, lines, payments, points), and at the end the
//! current code reads the orders it had (a completed card order of a member, a paid guest order
//! by bank deposit, each with its lines and payment).

use jangteo_core::Won;
use jangteo_db::Db;
use jangteo_testkit::{Backend, TestDb, on_both_backends};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The first schema with members, orders and payments.
const POPULATED_AT: i64 = 4;

const OLD_SHOP: &str = "
INSERT INTO members (email, password_hash, name, mobile, grade_id, points_balance,
    terms_agreed_at, privacy_agreed_at, created_at, updated_at)
SELECT 'old@example.com', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA', '오래된회원',
    '01012345678', id, 1200, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z',
    '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM grades WHERE code = 'basic';
INSERT INTO orders (number, member_id, checkout_token, status, payment_method, orderer_name,
    orderer_mobile, orderer_email, recipient_name, recipient_mobile, postcode, address1,
    items_subtotal, shipping_fee, points_used, total, carrier, waybill, placed_at, paid_at,
    shipped_at, delivered_at, completed_at, updated_at)
SELECT '20261101-OLD001', id, 'token-1', 'completed', 'card', '오래된회원', '01012345678',
    'old@example.com', '오래된회원', '01012345678', '06236', '서울특별시 강남구 테헤란로 152',
    39800, 3000, 800, 42000, 'cj', '123456789012', '2026-11-01T01:00:00Z',
    '2026-11-01T01:01:00Z', '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z',
    '2026-11-10T00:00:00Z', '2026-11-10T00:00:00Z' FROM members;
INSERT INTO orders (number, checkout_token, status, payment_method, orderer_name, orderer_mobile,
    orderer_email, recipient_name, recipient_mobile, postcode, address1, items_subtotal,
    shipping_fee, total, placed_at, paid_at, updated_at)
VALUES ('20261102-OLD002', 'token-2', 'paid', 'bank_deposit', '손님', '01098765432',
    'guest@example.com', '손님', '01098765432', '48058', '부산광역시 해운대구 센텀중앙로 79', 15900,
    0, 15900, '2026-11-02T01:00:00Z', '2026-11-02T02:00:00Z', '2026-11-02T02:00:00Z');
INSERT INTO order_lines (order_id, product_name, option_label, sku_code, unit_price, quantity,
    subtotal, points, total)
SELECT id, '반팔티셔츠', '블랙 / L', 'SS-BK-L', 19900, 2, 39800, 800, 39000
    FROM orders WHERE number = '20261101-OLD001';
INSERT INTO order_lines (order_id, product_name, sku_code, unit_price, quantity, subtotal, total)
SELECT id, '제주 감귤 5kg', 'TANGERINES', 15900, 1, 15900, 15900
    FROM orders WHERE number = '20261102-OLD002';
INSERT INTO payments (order_id, provider, method, attempt_id, payment_key, status, amount,
    approved_amount, approved_at, created_at, updated_at)
SELECT id, 'test', payment_method, 'attempt-' || number, 'key-' || number, 'done', total, total,
    paid_at, placed_at, paid_at FROM orders;
";

async fn run(db: &Db, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        Db::Sqlite(s) => sqlx::raw_sql(sql).execute(&s.write).await.map(|_| ()),
        Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
}

/// Orders, their total, the lines' total, the payments' amount and the members' points.
async fn money(db: &Db) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT CAST(COUNT(*) AS BIGINT) FROM orders",
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM orders",
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM order_lines",
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payments",
        "SELECT CAST(COALESCE(SUM(points_balance), 0) AS BIGINT) FROM members",
    ] {
        out.push(
            match db {
                Db::Sqlite(s) => sqlx::query_scalar(sql).fetch_one(&s.read).await,
                Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            }
            .unwrap(),
        );
    }
    out
}

async fn migrate_to(db: &Db, version: i64) {
    match db {
        Db::Sqlite(s) => SQLITE.run_to(version, &s.write).await,
        Db::Postgres(p) => POSTGRES.run_to(version, p).await,
    }
    .unwrap_or_else(|e| panic!("migration {version}: {e}"));
}

async fn a_shop_from_schema_4_upgrades_one_step_at_a_time(backend: Backend) {
    let Some(t) = TestDb::empty(backend).await else {
        return;
    };
    migrate_to(&t.db, POPULATED_AT).await;
    run(&t.db, OLD_SHOP).await;
    let before = money(&t.db).await;
    assert_eq!(before, [2, 57_900, 54_900, 57_900, 1_200]);
    let versions: Vec<i64> = SQLITE
        .iter()
        .map(|m| m.version)
        .filter(|v| *v > POPULATED_AT)
        .collect();
    for version in versions {
        migrate_to(&t.db, version).await;
        assert_eq!(money(&t.db).await, before, "after migration {version}");
    }
    let status = t.db.migration_status().await.unwrap();
    assert_eq!(status.applied, status.known);

    let old = jangteo_db::orders::find_by_number(&t.db, "20261101-OLD001")
        .await
        .unwrap()
        .expect("the member's order");
    assert_eq!(old.total, Won(42_000));
    assert_eq!(old.status.as_str(), "completed");
    assert_eq!(old.waybill.as_deref(), Some("123456789012"));
    let lines = jangteo_db::orders::lines(&t.db, old.id).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].option_label, "블랙 / L");
    let guest = jangteo_db::orders::find_by_number(&t.db, "20261102-OLD002")
        .await
        .unwrap()
        .expect("the guest order");
    assert_eq!(guest.total, Won(15_900));
    assert_eq!(guest.status.as_str(), "paid");
    let paid = jangteo_db::payments::latest_for_order(&t.db, guest.id)
        .await
        .unwrap()
        .expect("its payment");
    assert_eq!(paid.amount, Won(15_900));
}

on_both_backends!(a_shop_from_schema_4_upgrades_one_step_at_a_time);

//! A shop upgraded to the returned-order state (migration 26) keeps its orders and their
//! children: orders whose every unit had come back end as `returned`, units an exchange sent
//! again are the buyer's again, and foreign keys still hold (SQLite rebuilds the orders table).

use jangteo_db::Db;
use jangteo_testkit::{Backend, TestDb, on_both_backends};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The last schema before the returned state.
const BEFORE_RETURNED: i64 = 25;

async fn run(db: &Db, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        Db::Sqlite(s) => sqlx::raw_sql(sql).execute(&s.write).await.map(|_| ()),
        Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
}

async fn text(db: &Db, sql: &'static str) -> Vec<(String, i64)> {
    match db {
        Db::Sqlite(s) => sqlx::query_as(sql).fetch_all(&s.read).await,
        Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await,
    }
    .unwrap()
}

/// Two delivered orders: R's one unit was refunded through a claim, X's unit was exchanged
/// (counted as returned by earlier releases). R has a staff memo.
const OLD_SHOP: &str = "
INSERT INTO orders (number, checkout_token, status, payment_method, orderer_name, orderer_mobile,
    orderer_email, recipient_name, recipient_mobile, postcode, address1, items_subtotal, total,
    placed_at, updated_at)
VALUES ('R', 'tr', 'delivered', 'card', '김', '01012345678', 'r@example.com', '김', '01012345678',
        '06236', '서울', 10000, 13000, '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z'),
       ('X', 'tx', 'delivered', 'card', '이', '01012345679', 'x@example.com', '이', '01012345679',
        '06236', '서울', 10000, 13000, '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z');
INSERT INTO order_lines (order_id, product_name, sku_code, unit_price, quantity, subtotal, total,
    quantity_returned)
SELECT id, '티셔츠', 'TS', 10000, 1, 10000, 10000, 1 FROM orders;
INSERT INTO claims (order_id, kind, resolution, status, reason, deadline_at, buyer_pays_return,
    filed_by, created_at, updated_at)
SELECT id, 'defect', CASE number WHEN 'R' THEN 'return' ELSE 'exchange' END,
    CASE number WHEN 'R' THEN 'refunded' ELSE 'exchanged' END, '불량', '2026-12-01T00:00:00Z',
    FALSE, 'buyer', '2026-11-06T00:00:00Z', '2026-11-08T00:00:00Z' FROM orders;
INSERT INTO claim_lines (claim_id, order_line_id, quantity)
SELECT c.id, l.id, 1 FROM claims c JOIN order_lines l ON l.order_id = c.order_id;
INSERT INTO order_memos (order_id, staff_email, body, created_at)
SELECT id, 'cs@example.com', '회수 완료', '2026-11-08T00:00:00Z' FROM orders WHERE number = 'R';
";

async fn an_upgraded_shop_keeps_its_orders(backend: Backend) {
    let Some(t) = TestDb::empty(backend).await else {
        return;
    };
    match &t.db {
        Db::Sqlite(s) => SQLITE.run_to(BEFORE_RETURNED, &s.write).await,
        Db::Postgres(p) => POSTGRES.run_to(BEFORE_RETURNED, p).await,
    }
    .unwrap();
    run(&t.db, OLD_SHOP).await;
    t.db.migrate().await.unwrap();

    let orders = text(
        &t.db,
        "SELECT o.number || ':' || o.status, CAST(SUM(l.quantity_returned) AS BIGINT)
         FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.number, o.status
         ORDER BY o.number",
    )
    .await;
    assert_eq!(
        orders,
        [("R:returned".to_owned(), 1), ("X:delivered".to_owned(), 0)]
    );
    let memos = "SELECT body, CAST(COUNT(*) AS BIGINT) FROM order_memos GROUP BY body";
    assert_eq!(text(&t.db, memos).await, [("회수 완료".to_owned(), 1)]);
    // The rebuilt table is still the parent of its children: deleting cascades.
    run(&t.db, "DELETE FROM orders WHERE number = 'R'").await;
    assert!(text(&t.db, memos).await.is_empty());
    let claims = "SELECT status, CAST(COUNT(*) AS BIGINT) FROM claims GROUP BY status";
    assert_eq!(text(&t.db, claims).await, [("exchanged".to_owned(), 1)]);
}

on_both_backends!(an_upgraded_shop_keeps_its_orders);

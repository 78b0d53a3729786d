//! The PIN pool under a rush (issue 16), on SQLite and PostgreSQL: a thousand buyers' paying
//! transactions take PINs from a pool of four hundred at once; every PIN goes to exactly one
//! order line, no line gets two, and the pool ends empty with nothing lost.

use chrono::Utc;
use jangteo_db::catalog::stock;
use jangteo_db::orders;
use jangteo_db::pins::{self, NewPin};
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};
use std::collections::HashSet;

const BUYERS: usize = 1_000;
const POOL: usize = 400;

/// A pool of `POOL` PINs for the SKU (sealed values stand in: the query never opens them).
async fn fill_pool(t: &TestDb, sku: i64) {
    let rows: Vec<(String, String)> = (0..POOL)
        .map(|i| (format!("sealed-{i}"), format!("hash-{i:04}")))
        .collect();
    let new: Vec<NewPin<'_>> = rows
        .iter()
        .map(|(sealed, hash)| NewPin {
            sealed,
            hash,
            hint: "0000",
            serial: None,
            expires_on: None,
        })
        .collect();
    let mut tx = t.db.begin().await.unwrap();
    assert!(
        pins::insert(&mut tx, sku, "rush", &new, Utc::now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

/// One order with one line per buyer; the line ids.
async fn orders_of_buyers(t: &TestDb, sku: i64, product: i64) -> Vec<i64> {
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let mut lines = Vec::with_capacity(BUYERS);
    for i in 0..BUYERS {
        let number = format!("20261206-R{i:05}");
        let token = format!("rush-token-{i:010}");
        let order = orders::insert(
            &mut tx,
            &crate::orders::new_order(&number, &token, None),
            now,
        )
        .await
        .unwrap()
        .unwrap();
        let line = crate::orders::tshirt_line(sku, product, 10_000, 1);
        orders::insert_line(&mut tx, order, &line).await.unwrap();
        lines.push(orders::lines(&mut tx, order).await.unwrap()[0].id);
    }
    tx.commit().await.unwrap();
    lines
}

async fn a_thousand_buyers_never_share_a_pin(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    let catalog = fixtures::catalog(&app).await;
    let sku = stock::sku_id_by_code(&t.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    fill_pool(&t, sku).await;
    let lines = orders_of_buyers(&t, sku, catalog.tshirt.get()).await;
    let rush: Vec<_> = lines
        .iter()
        .map(|&line| {
            let db = t.db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await?;
                let taken = pins::allocate(&mut tx, sku, line, 1, Utc::now()).await?;
                tx.commit().await?;
                Ok::<_, jangteo_db::DbError>((line, taken))
            })
        })
        .collect();
    let mut sold = HashSet::new();
    let mut served = 0;
    for task in rush {
        let (line, taken) = task
            .await
            .unwrap()
            .expect("every paying transaction commits");
        assert!(taken.len() <= 1, "line {line} got {taken:?}");
        served += taken.len();
        for pin in taken {
            assert!(sold.insert(pin), "PIN {pin} sold twice");
        }
    }
    assert_eq!((served, sold.len()), (POOL, POOL), "every PIN sold once");
    let counts = pins::counts(&t.db, sku).await.unwrap();
    assert_eq!(
        counts,
        [("allocated".to_owned(), i64::try_from(POOL).unwrap())]
    );
    let mut owners = HashSet::new();
    for line in &lines {
        let on_line = pins::of_line(&t.db, *line).await.unwrap();
        assert!(on_line.len() <= 1);
        owners.extend(on_line.iter().map(|p| p.id));
    }
    assert_eq!(owners, sold, "the rows agree with what each buyer was told");
}

on_both_backends!(a_thousand_buyers_never_share_a_pin);

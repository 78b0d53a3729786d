//! Claims on both backends: filed, counted, moved once.

use crate::orders::*;
use chrono::{DateTime, Duration, Utc};
use jangteo_core::claims::{ClaimKind, ClaimResolution, ClaimStatus};
use jangteo_core::ids::OrderId;
use jangteo_db::catalog::stock;
use jangteo_db::claims::{self, ClaimFacts, NewClaim};
use jangteo_db::{Db, orders};
use jangteo_testkit::fixtures::Catalog;
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};

async fn claims_are_filed_counted_and_move_once(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    let catalog = fixtures::catalog(&app).await;
    let sku = stock::sku_id_by_code(&t.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let (order, line, claim) = file_defect_claim(&t.db, &catalog, sku, now).await;
    check_filed_claim(&t.db, order, line, claim).await;
    reject_claim_once(&t.db, line, claim, now).await;
    check_rejected_claim(&t.db, claim).await;
}

/// Places an order of two T-shirts and files a defect return for one of them.
async fn file_defect_claim(
    db: &Db,
    catalog: &Catalog,
    sku: i64,
    now: DateTime<Utc>,
) -> (OrderId, i64, i64) {
    let mut tx = db.begin().await.unwrap();
    let order = orders::insert(
        &mut tx,
        &new_order("20261203-CLAIM1", "token-claim-111111111", None),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    orders::insert_line(
        &mut tx,
        order,
        &tshirt_line(sku, catalog.tshirt.get(), 5_000, 2),
    )
    .await
    .unwrap();
    let line = orders::lines(&mut tx, order).await.unwrap()[0].id;
    let claim = claims::insert(
        &mut tx,
        &NewClaim {
            order_id: order,
            kind: ClaimKind::Defect,
            resolution: ClaimResolution::Return,
            reason: "솔기가 터져 왔어요",
            discovered_at: Some(now - Duration::days(1)),
            deadline_at: now + Duration::days(180),
            override_reason: None,
            filed_by: "buyer",
            lines: &[(line, 1)],
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(claims::claimed_units(&mut tx, line).await.unwrap(), 1);
    tx.commit().await.unwrap();
    (order, line, claim)
}

/// Reads the filed claim back, alone and in the order's and the waiting lists.
async fn check_filed_claim(db: &Db, order: OrderId, line: i64, claim: i64) {
    let row = claims::find(db, claim).await.unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.kind.as_str()),
        ("requested", "defect")
    );
    assert!(!row.buyer_pays_return, "the seller pays for a defect");
    assert_eq!(claims::lines(db, claim).await.unwrap(), vec![(line, 1)]);
    assert_eq!(claims::for_order(db, order).await.unwrap().len(), 1);
    assert_eq!(claims::count_waiting(db).await.unwrap(), 1);
    let (requested, total) = claims::list(db, Some(ClaimStatus::Requested), 10, 0)
        .await
        .unwrap();
    assert_eq!((requested.len(), total), (1, 1));
    assert_eq!(
        claims::list(db, Some(ClaimStatus::Refunded), 10, 0)
            .await
            .unwrap()
            .1,
        0
    );
}

/// Rejects the claim; a refund before collection and a second move are refused.
async fn reject_claim_once(db: &Db, line: i64, claim: i64, now: DateTime<Utc>) {
    let mut tx = db.begin().await.unwrap();
    assert!(
        !claims::transition(
            &mut tx,
            claim,
            (ClaimStatus::Requested, ClaimStatus::Refunded),
            ClaimFacts {
                reject_reason: None,
                ..ClaimFacts::default()
            },
            now
        )
        .await
        .unwrap(),
        "the state machine refuses a refund before collection"
    );
    assert!(
        claims::transition(
            &mut tx,
            claim,
            (ClaimStatus::Requested, ClaimStatus::Rejected),
            ClaimFacts {
                reject_reason: Some("사용 흔적"),
                ..ClaimFacts::default()
            },
            now
        )
        .await
        .unwrap()
    );
    assert!(
        !claims::transition(
            &mut tx,
            claim,
            (ClaimStatus::Requested, ClaimStatus::Approved),
            ClaimFacts {
                reject_reason: None,
                ..ClaimFacts::default()
            },
            now
        )
        .await
        .unwrap(),
        "moved once"
    );
    assert_eq!(
        claims::claimed_units(&mut tx, line).await.unwrap(),
        0,
        "rejected claims free the units"
    );
    tx.commit().await.unwrap();
}

/// Reads the rejected claim back; nothing waits any more.
async fn check_rejected_claim(db: &Db, claim: i64) {
    let row = claims::find(db, claim).await.unwrap().unwrap();
    assert_eq!(row.status.as_str(), "rejected");
    assert_eq!(row.reject_reason.as_deref(), Some("사용 흔적"));
    assert_eq!(claims::count_waiting(db).await.unwrap(), 0);
}

on_both_backends!(claims_are_filed_counted_and_move_once,);

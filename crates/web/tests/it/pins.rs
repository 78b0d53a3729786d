//! Gift-card PIN pools (issue 16, first part), on SQLite and PostgreSQL: a product becomes a PIN
//! product; a sheet is checked row by row (format, duplicates in the sheet and in the pool,
//! expiry) and stored only when every row passes; PINs are sealed at rest (no column and no
//! audit entry holds one); the pool is the stock; a paid order gets its own PIN per unit.

use crate::checkout::{set_stock, shop, stock_of};
use crate::claim_steps::bought;
use jangteo_app::auth::StaffActor;
use jangteo_core::Won;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

const GOOD: &str =
    "1111-2222-3333-4444,A-001,2099-12-31\n5555-6666-7777-8888,,\n9999 0000 1111 2222,,\n";

async fn product_of(t: &TestApp) -> i64 {
    let found = jangteo_db::catalog::products::find_by_slug(&t.app.db, "tshirt").await;
    found.unwrap().unwrap().id
}

async fn upload(
    t: &TestApp,
    product: i64,
    sheet: &str,
    store: bool,
) -> jangteo_app::pins::PinUpload {
    let owner = StaffActor::system("pins-test");
    t.app
        .upload_pins(&owner, product, ("pins.csv", sheet.as_bytes()), store)
        .await
        .unwrap()
}

async fn pins_are_checked_sealed_and_sold_once(backend: Backend) {
    let Some((t, sku)) = shop(backend).await else {
        return;
    };
    let product = product_of(&t).await;
    set_stock(&t, sku, 0).await;
    let owner = StaffActor::system("pins-test");
    let refused = t
        .app
        .set_pin_product(&owner, product, Won(10_000), "99x9")
        .await;
    assert!(refused.is_err(), "a pattern of 9, A and separators only");
    t.app
        .set_pin_product(&owner, product, Won(10_000), "9999-9999-9999-9999")
        .await
        .unwrap();
    // Before buying, the product page says what a gift card is and when withdrawal ends.
    let visitor = Shopper::new(&t.url(""));
    let page = visitor.get("/products/tshirt").await.body;
    assert!(page.contains("id=\"gift-card-note\"") && page.contains("액면가 10,000원"));
    assert!(page.contains("청약철회가 제한됩니다"));

    let mixed = format!(
        "PIN,관리번호,유효기간\n{GOOD}1111-2222-3333-4444,,\n1234-5678,,\n4444-3333-2222-1111,,2001-01-01\n"
    );
    for store in [false, true] {
        let report = upload(&t, product, &mixed, store).await;
        assert_eq!(
            (report.lines.len(), report.accepted, report.refused()),
            (6, 3, 3)
        );
        assert!(!report.stored, "nothing is stored while a row is refused");
        let errors: Vec<_> = report.lines.iter().map(|l| l.error).collect();
        assert_eq!(
            errors,
            [
                None,
                None,
                None,
                Some("pin_duplicate_in_sheet"),
                Some("pin_bad_format"),
                Some("pin_expired")
            ]
        );
        assert_eq!(report.lines[0].shown, "****-****-****-4444");
    }
    assert_eq!(stock_of(&t, sku).await, 0);

    let stored = upload(&t, product, GOOD, true).await;
    assert!(stored.stored && stored.accepted == 3);
    assert_eq!(stock_of(&t, sku).await, 3, "the pool is the stock");
    let again = upload(&t, product, GOOD, true).await;
    assert!(!again.stored);
    assert!(
        again
            .lines
            .iter()
            .all(|l| l.error == Some("pin_duplicate_in_pool"))
    );

    // Sealed at rest: no column of the pool and no audit entry holds a PIN.
    let (pool, total) = jangteo_db::pins::of_sku(&t.app.db, sku, 10, 0)
        .await
        .unwrap();
    assert_eq!(total, 3);
    let columns: Vec<String> = pool
        .iter()
        .map(|p| format!("{}|{}|{:?}", p.pin_sealed, p.pin_hint, p.serial))
        .collect();
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    let audit: Vec<String> = entries
        .iter()
        .filter_map(|e| e.after_data.clone())
        .collect();
    assert!(
        audit.iter().any(|a| a.contains("\"pins\":3")),
        "the upload is audited"
    );
    for pin in [
        "1111222233334444",
        "1111-2222-3333-4444",
        "5555666677778888",
        "9999000011112222",
    ] {
        assert!(
            !columns.iter().chain(&audit).any(|c| c.contains(pin)),
            "{pin} in clear"
        );
    }

    // A member buys two: each unit gets its own PIN, soonest expiry first, in the paying step.
    let (buyer, number, _, line) = bought(&t, sku, "gift@example.com", 2).await;
    let sold = jangteo_db::pins::of_line(&t.app.db, line.id).await.unwrap();
    assert_eq!(sold.len(), 2);
    assert!(sold.iter().all(|p| p.status == "allocated"));
    assert_eq!(sold[0].serial.as_deref(), Some("A-001"));
    let counts = jangteo_db::pins::counts(&t.app.db, sku).await.unwrap();
    assert_eq!(
        counts,
        [("allocated".to_owned(), 2), ("available".to_owned(), 1)]
    );
    assert_eq!(stock_of(&t, sku).await, 1);
    the_buyer_sees_them_once_sure(&t, &buyer, &number).await;
    an_unseen_order_cancelled_gives_its_pin_back(&t, sku).await;
    stock_follows_the_pins_only(&t, product, sku).await;
}

/// Nobody types a gift card's stock; a part cancelled by staff gives its unseen PIN back.
async fn stock_follows_the_pins_only(t: &TestApp, product: i64, sku: i64) {
    let owner = StaffActor::system("pins-test");
    let typed = t.app.adjust_stock(&owner, sku, 5, "재고 맞춤").await;
    assert!(
        matches!(&typed, Err(jangteo_app::AppError::Form(f)) if f == &[("delta", "pin_stock")]),
        "{typed:?}"
    );
    let row = |stock: &str| jangteo_app::admin::stock::StockSheetRow {
        line: 2,
        code: "TSHIRT".into(),
        stock: stock.into(),
        price: String::new(),
        sale_price: "-".into(),
    };
    let checked = t.app.check_stock_sheet(&owner, &[row("9")]).await.unwrap();
    assert_eq!(
        checked[0].error,
        Some("pin_stock"),
        "the sheet's dry run says so"
    );
    let same = t.app.check_stock_sheet(&owner, &[row("1")]).await.unwrap();
    assert_eq!(same[0].error, None, "the pool's own count is no change");
    // A PIN found used elsewhere leaves the pool: stock down by one, audited, never sold.
    let (pool, _) = jangteo_db::pins::of_sku(&t.app.db, sku, 50, 0)
        .await
        .unwrap();
    let spare = pool.iter().find(|p| p.status == "available").unwrap().id;
    let sold = pool.iter().find(|p| p.status != "available").unwrap().id;
    let refused = t
        .app
        .void_pin(&owner, product, sold, "다른 곳에서 사용됨")
        .await;
    assert!(matches!(
        refused,
        Err(jangteo_app::AppError::Conflict("pin_not_available"))
    ));
    let before = stock_of(t, sku).await;
    t.app
        .void_pin(&owner, product, spare, "다른 곳에서 사용됨")
        .await
        .unwrap();
    assert_eq!(stock_of(t, sku).await, before - 1);
    let more = upload(
        t,
        product,
        "2222-3333-4444-5555,,\n6666-7777-8888-9999,,\n",
        true,
    )
    .await;
    assert!(more.stored);
    assert_eq!(stock_of(t, sku).await, 2);
    let (_, number, _, line) = bought(t, sku, "twice@example.com", 2).await;
    let staff = jangteo_app::orders::Actor::Staff("cs@example.com".into());
    let part = t
        .app
        .cancel_partially(&number, &staff, "재고 착오", &[(line.id, 1)])
        .await;
    assert!(!part.unwrap().whole_order);
    let on_line = jangteo_db::pins::of_line(&t.app.db, line.id).await.unwrap();
    assert_eq!(on_line.len(), 1, "one PIN left with the line");
    assert_eq!(
        stock_of(t, sku).await,
        1,
        "the cancelled unit's PIN is for sale again"
    );
}

/// Shown only after the password again; once seen, the buyer can no longer cancel.
async fn the_buyer_sees_them_once_sure(t: &TestApp, buyer: &Shopper, number: &str) {
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(
        page.contains("핀번호 2개가 준비되었습니다") && page.contains("class=\"order-cancel\"")
    );
    assert!(!page.contains("1111-2222-3333-4444"));
    let path = format!("/orders/{number}/pins");
    let wrong = buyer.post(&path, &[("password", "not-the-password")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("비밀번호가 맞지 않습니다") && !wrong.body.contains("data-pin"));
    let shown = buyer
        .post(&path, &[("password", crate::checkout::PASSWORD)])
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("1111-2222-3333-4444") && shown.body.contains("A-001"));
    let timeline = crate::checkout::timeline_of(t, number).await;
    assert!(timeline.contains(&"pins_revealed".to_owned()));
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(!page.contains("1111-2222-3333-4444"), "hidden again");
    assert!(
        !page.contains("class=\"order-cancel\""),
        "no cancel once seen"
    );
    let cancel = buyer.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(cancel.status, 303);
    assert!(
        buyer
            .get(&format!("/orders/{number}"))
            .await
            .body
            .contains("핀번호를 이미 확인한 주문은")
    );
    assert_eq!(
        crate::checkout::status_of(t, number).await,
        "delivered",
        "codes are delivered as the order is paid"
    );
}

/// A buyer who never looked cancels: the PIN goes back to the pool and the stock with it.
async fn an_unseen_order_cancelled_gives_its_pin_back(t: &TestApp, sku: i64) {
    let (buyer, number, _, _) = bought(t, sku, "undecided@example.com", 1).await;
    assert_eq!(stock_of(t, sku).await, 0);
    let cancel = buyer.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(cancel.status, 303);
    assert_eq!(crate::checkout::status_of(t, &number).await, "cancelled");
    let late = buyer
        .post(
            &format!("/orders/{number}/pins"),
            &[("password", crate::checkout::PASSWORD)],
        )
        .await;
    assert_eq!(late.status, 404, "a withdrawn order shows no PIN");
    let counts = jangteo_db::pins::counts(&t.app.db, sku).await.unwrap();
    assert_eq!(
        counts,
        [("available".to_owned(), 1), ("revealed".to_owned(), 2)]
    );
    assert_eq!(stock_of(t, sku).await, 1);
}

on_both_backends!(pins_are_checked_sealed_and_sold_once);

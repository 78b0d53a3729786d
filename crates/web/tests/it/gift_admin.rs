//! Free-gift rules made in the back office (issue 17), on SQLite and PostgreSQL: only a role
//! with marketing rights makes them; a refused form names every problem; a saved rule puts its
//! gift in the cart and the order, counted as given; a stopped rule gives nothing; audited.

use crate::checkout::{add, pay, place, shop, sign_up};
use jangteo_app::AppError;
use jangteo_app::admin::gift_rules::GiftRuleForm;
use jangteo_app::auth::StaffActor;
use jangteo_core::staff::Role;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

async fn gift_rules_are_made_given_and_stopped(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("gift-test");
    let warehouse = StaffActor {
        role: Role::Warehouse,
        ..StaffActor::system("warehouse-test")
    };
    let tangerines = GiftRuleForm {
        name: "1만원 이상 감귤 증정".into(),
        condition: "spend".into(),
        min_spend: "10,000".into(),
        buy_product: String::new(),
        gift_sku: "tangerines".into(),
    };
    let denied = t.app.save_gift_rule(&warehouse, None, &tangerines).await;
    assert!(matches!(denied, Err(AppError::Forbidden)), "{denied:?}");
    let wrong = GiftRuleForm {
        condition: "product".into(),
        gift_sku: "NO-SUCH-SKU".into(),
        ..tangerines.clone()
    };
    let Err(AppError::Form(problems)) = t.app.save_gift_rule(&owner, None, &wrong).await else {
        panic!("refused");
    };
    for expected in [
        ("gift_sku", "gift_sku_unknown"),
        ("buy_product", "gift_product_one"),
    ] {
        assert!(problems.contains(&expected), "{problems:?}");
    }
    let id = t
        .app
        .save_gift_rule(&owner, None, &tangerines)
        .await
        .unwrap();

    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "gift-rule@example.com").await;
    add(&buyer, tshirt, 2).await;
    assert!(
        buyer.get("/cart").await.body.contains("제주 감귤"),
        "the gift is in the cart"
    );
    pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let rule = t.app.admin_gift_rule(&owner, id).await.unwrap();
    assert_eq!((rule.given, rule.gift_sku_code.as_str()), (1, "TANGERINES"));

    t.app.set_gift_rule_active(&owner, id, false).await.unwrap();
    add(&buyer, tshirt, 2).await;
    assert!(
        !buyer.get("/cart").await.body.contains("제주 감귤"),
        "stopped: no gift"
    );
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"gifts.save") && actions.contains(&"gifts.stop"));
}

on_both_backends!(gift_rules_are_made_given_and_stopped);

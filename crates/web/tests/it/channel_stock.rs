//! The shop's stock goes back to SmartStore (issue 18), on SQLite and PostgreSQL: the listing an
//! imported order sold (its origin product and option code) gets the shop's stock whenever it
//! changes, the other options of the product untouched; SmartStore away is retried at the next
//! run, never in the way of a sale.

use crate::checkout::{set_stock, stock_of};
use jangteo_testkit::fake_smartstore::{
    FakeOption, FakeOriginProduct, FakeProductOrder, FakeSmartStore,
};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::{Backend, on_both_backends};

async fn smartstore_listings_get_the_shops_stock(backend: Backend) {
    let store = FakeSmartStore::start().await;
    let options = TestOptions {
        smartstore_base: Some(store.base_url.clone()),
        ..TestOptions::default()
    };
    let Some((t, tshirt)) = crate::checkout::shop_with(backend, options).await else {
        return;
    };
    let option = |id: i64, code: &str, stock: i64, price: i64| FakeOption {
        id,
        code: code.into(),
        stock,
        price,
    };
    store.list_product(FakeOriginProduct {
        number: 7001,
        sale_price: 19_000,
        options: vec![option(1, "TSHIRT", 50, 0), option(2, "TSHIRT-XL", 5, 2_000)],
    });
    store.pay(FakeProductOrder {
        product_order_id: "PO-STOCK".into(),
        order_id: "2026120800001".into(),
        option_manage_code: "TSHIRT".into(),
        quantity: 2,
        total: 38_000,
        delivery_fee: 0,
    });
    let now = t.app.now();
    assert_eq!(t.app.import_channel_orders(now).await.unwrap(), 1);

    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 1);
    assert_eq!(store.stock_of("TSHIRT"), Some(stock_of(&t, tshirt).await));
    assert_eq!(
        store.stock_of("TSHIRT-XL"),
        Some(5),
        "the other option untouched"
    );
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 0, "unchanged");
    set_stock(&t, tshirt, 42).await;
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 1);
    assert_eq!(store.stock_of("TSHIRT"), Some(42));

    // SmartStore away: kept and sent at the next run.
    set_stock(&t, tshirt, 41).await;
    store.throttle(1);
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 0);
    assert_eq!(store.stock_of("TSHIRT"), Some(42));
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 1);
    assert_eq!(store.stock_of("TSHIRT"), Some(41));
    assert_eq!(store.stock_changes(), 3);
}

on_both_backends!(smartstore_listings_get_the_shops_stock);

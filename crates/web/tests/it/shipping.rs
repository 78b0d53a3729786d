//! The owner's shipping rules from the back office: profiles (묶음배송) chosen per product and the
//! remote-area table, all the way to what a guest pays. SQLite and PostgreSQL.

use crate::checkout::{add, pay, place};
use jangteo_core::Won;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

async fn product_form(
    t: &TestApp,
    id: i64,
    name: &str,
    price: &str,
    profile: &str,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("name", name),
        ("price", price),
        ("state", "on_sale"),
        ("body_html", "<p>상품</p>"),
        ("shipping_profile", profile),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fields.extend(crate::shown_product_fields(t, id).await);
    fields
}

fn profile_id(page: &str, name: &str) -> String {
    let at = page.find(&format!("<td>{name}")).expect(name);
    let row = &page[..at];
    let start = row.rfind("data-profile=\"").unwrap() + "data-profile=\"".len();
    row[start..start + row[start..].find('"').unwrap()].to_owned()
}

/// The checkout fields of a guest paying by card, shipping to 제주.
const GUEST_FIELDS: [(&str, &str); 4] = [
    ("payment_method", "card"),
    ("guest_password", "guest1234"),
    ("guest_password_confirm", "guest1234"),
    ("postcode", "63100"),
];

/// The SKU id of `code`.
async fn sku(t: &TestApp, code: &str) -> i64 {
    jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, code)
        .await
        .unwrap()
        .unwrap()
}

/// The order numbered `number`.
async fn order(t: &TestApp, number: &str) -> jangteo_db::orders::OrderRow {
    jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .unwrap()
}

async fn owners_shipping_rules_decide_what_buyers_pay(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let catalog = fixtures::catalog(&t.app).await;
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    default_rules_are_shown(&owner).await;
    let (bulky, free) = owner_adds_profiles(&owner).await;
    products_ship_by_their_profiles(&t, &owner, &catalog, &bulky, &free).await;
    guest_pays_per_box_and_per_island_leg(&t).await;
    owner_edits_the_remote_area_table(&t, &owner).await;
    default_profile_stays_others_can_go(&t, &owner, &catalog, &free).await;
    managers_read_cs_do_not_and_changes_are_audited(&t).await;
}

/// The default profile and the remote-area table are shown.
async fn default_rules_are_shown(owner: &Shopper) {
    let page = owner.get("/admin/shipping").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("기본 배송") && page.body.contains("50,000원 이상 무료"));
    for line in [
        "63000-63644 3000 제주",
        "40200-40240 5000 경북 울릉",
        "58828-58866 5000 전남 신안 섬지역",
    ] {
        assert!(page.body.contains(line), "{line}");
    }
}

/// The owner adds a per-quantity and a free profile; a conditional one needs a threshold.
/// Returns the ids of (bulky, free).
async fn owner_adds_profiles(owner: &Shopper) -> (String, String) {
    let added = owner
        .post(
            "/admin/shipping/profiles",
            &[
                ("name", "부피 큰 상품"),
                ("kind", "per_quantity"),
                ("fee", "2,500"),
                ("per_units", "2"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    owner
        .post(
            "/admin/shipping/profiles",
            &[("name", "무료배송"), ("kind", "free")],
        )
        .await;
    let refused = owner
        .post(
            "/admin/shipping/profiles",
            &[("name", "조건"), ("kind", "free_over"), ("fee", "3000")],
        )
        .await;
    assert_eq!(refused.status, 422, "a threshold is needed");
    let page = owner.get("/admin/shipping").await.body;
    let bulky = profile_id(&page, "부피 큰 상품");
    let free = profile_id(&page, "무료배송");
    (bulky, free)
}

/// Two products, two profiles (the editor's select); the product page says how it ships.
async fn products_ship_by_their_profiles(
    t: &TestApp,
    owner: &Shopper,
    catalog: &fixtures::Catalog,
    bulky: &str,
    free: &str,
) {
    let tshirt = catalog.tshirt.get();
    let jeans = catalog.jeans.get();
    let editor = owner.get(&format!("/admin/products/{tshirt}")).await.body;
    assert!(editor.contains("name=\"shipping_profile\"") && editor.contains("2개마다 2,500원"));
    let form = product_form(t, tshirt, "티셔츠", "9900", bulky).await;
    assert_eq!(
        owner
            .post_pairs(&format!("/admin/products/{tshirt}"), &form)
            .await
            .status,
        303
    );
    let form = product_form(t, jeans, "청바지 와이드", "59000", free).await;
    assert_eq!(
        owner
            .post_pairs(&format!("/admin/products/{jeans}"), &form)
            .await
            .status,
        303
    );
    let product = Shopper::new(&t.base_url).get("/products/tshirt").await.body;
    assert!(
        product.contains("2개마다 배송비 2,500원"),
        "the product page says how it ships"
    );
}

/// Three T-shirts (two boxes) and jeans (free) to 제주: 2 × 2,500 + 3 boxes × 3,000.
async fn guest_pays_per_box_and_per_island_leg(t: &TestApp) {
    let guest = Shopper::new(&t.base_url);
    add(&guest, sku(t, "TSHIRT").await, 3).await;
    add(&guest, sku(t, "JEANS").await, 1).await;
    let number = pay(&guest, &place(&guest, &GUEST_FIELDS).await).await;
    let order = order(t, &number).await;
    assert_eq!(
        (order.shipping_fee, order.remote_surcharge),
        (Won(5_000), Won(9_000))
    );
    assert_eq!(order.total, Won(3 * 9_900 + 59_000 + 5_000 + 9_000));
}

/// The table is the owner's: a bad line is refused with what was typed kept; a change applies.
async fn owner_edits_the_remote_area_table(t: &TestApp, owner: &Shopper) {
    let bad = owner
        .post(
            "/admin/shipping/remote-areas",
            &[("remote_areas", "63000-63644 삼천원 제주")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("삼천원") && bad.body.contains("읽을 수 없는 줄"));
    let saved = owner
        .post(
            "/admin/shipping/remote-areas",
            &[(
                "remote_areas",
                "63000-63644 4000 제주\n40200-40240 6000 울릉",
            )],
        )
        .await;
    assert_eq!(saved.status, 303);
    let again = Shopper::new(&t.base_url);
    add(&again, sku(t, "JEANS").await, 1).await;
    let number = pay(&again, &place(&again, &GUEST_FIELDS).await).await;
    let order = order(t, &number).await;
    assert_eq!(
        (order.shipping_fee, order.remote_surcharge),
        (Won::ZERO, Won(4_000)),
        "free, but not the island leg"
    );
}

/// The default cannot go; another profile can, its products fall back to the default.
async fn default_profile_stays_others_can_go(
    t: &TestApp,
    owner: &Shopper,
    catalog: &fixtures::Catalog,
    free: &str,
) {
    let page = owner.get("/admin/shipping").await.body;
    let default = profile_id(&page, "기본 배송");
    assert_eq!(
        owner
            .post(&format!("/admin/shipping/profiles/{default}/delete"), &[])
            .await
            .status,
        409
    );
    assert_eq!(
        owner
            .post(&format!("/admin/shipping/profiles/{free}/delete"), &[])
            .await
            .status,
        303
    );
    let row = jangteo_db::catalog::products::find_by_id(&t.app.db, catalog.jeans)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.shipping_profile_id, None);
}

/// Managers read, cs do not; every change is audited.
async fn managers_read_cs_do_not_and_changes_are_audited(t: &TestApp) {
    let (manager, _) = staff_session(t, "manager@example.com", "manager").await;
    assert_eq!(manager.get("/admin/shipping").await.status, 200);
    assert_eq!(
        manager
            .post("/admin/shipping/remote-areas", &[("remote_areas", "")])
            .await
            .status,
        403
    );
    let (cs, _) = staff_session(t, "cs@example.com", "cs").await;
    assert_eq!(cs.get("/admin/shipping").await.status, 403);
    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "settings.".into(),
            ..Default::default()
        },
        20,
        0,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "settings.shipping_profile",
        "settings.remote_areas",
        "settings.shipping_profile_deleted",
    ] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
}

on_both_backends!(owners_shipping_rules_decide_what_buyers_pay);

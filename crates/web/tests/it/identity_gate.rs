//! What purchases ask of 본인인증 (issue 16), on SQLite and PostgreSQL, through the pages: the
//! owner asks it before gift cards (only with a 본인인증 channel), the checkout sends the buyer
//! to verify, the window's return is read back from PortOne and counts for that session only;
//! a 19세 product hides its page and refuses a minor.

use crate::checkout::{add, sign_up};
use crate::gift_checkout::gift_card;
use crate::portone_payments::portone_shop;
use crate::toss_payments::window_params_of;
use jangteo_app::AppError;
use jangteo_app::auth::StaffActor;
use jangteo_testkit::fake_portone::*;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

fn person(birth_date: &str) -> FakePerson {
    FakePerson {
        name: "김장터".into(),
        birth_date: birth_date.into(),
        phone: "01012345678".into(),
        ci: format!("CI-{birth_date}"),
    }
}

/// Verifies `buyer` as `who` through the pages (the window's part played by the fake); the
/// return's redirect.
async fn verify(buyer: &Shopper, fake: &FakePortOne, next: &str, who: &FakePerson) -> String {
    let page = buyer.get(&format!("/identity?next={next}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"identity-start\""), "{}", page.body);
    let opened = buyer.post("/identity", &[("next", next)]).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let params = window_params_of(&opened.body);
    assert_eq!(params["channelKey"], PORTONE_IDENTITY_CHANNEL_KEY);
    assert_eq!(params["storeId"], PORTONE_STORE_ID);
    let policy = opened.headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains(&fake.base_url),
        "the SDK may load: {policy}"
    );
    let id = params["identityVerificationId"]
        .as_str()
        .unwrap()
        .to_owned();
    fake.verify_identity(&id, who);
    let back = buyer
        .get(&format!("/identity/return?identityVerificationId={id}"))
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
    back.location.unwrap()
}

async fn gift_cards_and_adult_goods_wait_for_identity(backend: Backend) {
    let Some((t, tshirt, fake, owner)) = portone_shop(backend).await else {
        return;
    };
    gift_card(&t, tshirt).await;
    let settings = owner.get("/admin/settings").await;
    assert!(settings.body.contains("id=\"gift-card-identity\""));
    assert!(
        !settings
            .body
            .contains("id=\"gift-card-identity-unavailable\"")
    );
    let saved = owner
        .post("/admin/settings/gift-card-identity", &[("required", "on")])
        .await;
    assert_eq!(saved.status, 303);
    assert!(t.app.gift_cards_need_identity().await.unwrap());

    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "gate@example.com").await;
    add(&buyer, tshirt, 1).await;
    let checkout = buyer.get("/checkout").await;
    assert_eq!(checkout.status, 303);
    assert_eq!(
        checkout.location.as_deref(),
        Some("/identity?next=%2Fcheckout")
    );
    // A form posted anyway is refused by the same rule.
    let sneaked = buyer
        .post("/checkout", &[("checkout_token", "t"), ("agree", "true")])
        .await;
    assert!(sneaked.status >= 300, "{}", sneaked.status);
    assert!(
        jangteo_db::identity::find(&t.app.db, "none")
            .await
            .unwrap()
            .is_none()
    );

    let next = verify(&buyer, &fake, "/checkout", &person("2010-03-02")).await;
    assert_eq!(next, "/checkout");
    let page = buyer.get("/identity").await;
    assert!(page.body.contains("id=\"identity-verified\"") && page.body.contains("김*터"));
    assert!(!page.body.contains("2010-03-02"), "only the year is shown");
    let form = buyer.get("/checkout").await;
    assert_eq!(
        form.status, 200,
        "a verified buyer (of any age) buys gift cards"
    );

    // Another browser cannot take over an attempt: its return finds nothing.
    let opened = buyer.post("/identity", &[("next", "/")]).await;
    let id = window_params_of(&opened.body)["identityVerificationId"]
        .as_str()
        .unwrap()
        .to_owned();
    fake.verify_identity(&id, &person("1990-01-01"));
    let stranger = Shopper::new(&t.url(""));
    let taken = stranger
        .get(&format!("/identity/return?identityVerificationId={id}"))
        .await;
    assert_eq!(taken.location.as_deref(), Some("/identity"));
    assert!(
        stranger
            .get("/identity")
            .await
            .body
            .contains("id=\"identity-start\"")
    );
    // `next` goes nowhere but this shop: a tab browsers would drop cannot make `//host`.
    let sneaky = stranger.get("/identity?next=%2F%09%2Fevil.example").await;
    assert!(
        sneaky
            .body
            .contains("<input type=\"hidden\" name=\"next\" value=\"/\">"),
        "{}",
        sneaky.body
    );

    adult_goods_for_adults_only(&t, &fake, &owner, &buyer).await;

    // A day on, attempts that never verified are gone; the member's verification stays.
    t.app.clock.travel(chrono::Duration::days(2));
    t.app.prune_sessions().await.unwrap();
    assert!(
        jangteo_db::identity::find(&t.app.db, &id)
            .await
            .unwrap()
            .is_none()
    );
    let member = jangteo_db::members::find_by_email(&t.app.db, "gate@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(t.app.member_identity(member).await.unwrap().is_some());
}

/// The owner marks the product `slug` 19세 in its editor.
pub(crate) async fn make_adult_only(
    t: &TestApp,
    owner: &Shopper,
    slug: &str,
) -> jangteo_db::catalog::products::ProductRow {
    let product = jangteo_db::catalog::products::find_by_slug(&t.app.db, slug)
        .await
        .unwrap()
        .unwrap();
    let mut form: Vec<(String, String)> = [
        ("name", product.name.as_str()),
        ("price", &product.price.to_string()),
        ("state", "on_sale"),
        ("adult_only", "true"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    form.extend(crate::shown_product_fields(t, product.id).await);
    let saved = owner
        .post_pairs(&format!("/admin/products/{}", product.id), &form)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    product
}

/// Jeans made 19세: marked in the list, its page hidden until an adult verifies in the session;
/// the minor verified above is refused; an adult in another session sees and buys it.
async fn adult_goods_for_adults_only(
    t: &TestApp,
    fake: &FakePortOne,
    owner: &Shopper,
    minor: &Shopper,
) {
    let jeans = make_adult_only(t, owner, "jeans").await;
    let editor = owner.get(&format!("/admin/products/{}", jeans.id)).await;
    assert!(editor.body.contains("id=\"adult-only\""));

    let visitor = Shopper::new(&t.url(""));
    let list = visitor.get("/categories/clothes").await;
    assert!(list.body.contains("class=\"adult-mark\""), "19 in the list");
    let gate = visitor.get("/products/jeans").await;
    assert!(gate.body.contains("id=\"adult-gate\"") && gate.body.contains("id=\"adult-verify\""));
    assert!(
        !gate.body.contains("buy-box"),
        "nothing of the product before verification"
    );
    let questions = visitor.get("/products/jeans/questions").await;
    assert!(questions.body.contains("id=\"adult-gate\""), "nor its Q&A");

    let refused = minor.get("/products/jeans").await;
    assert!(
        refused.body.contains("id=\"adult-refused\""),
        "a minor is refused"
    );
    let sku = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "JEANS")
        .await
        .unwrap()
        .unwrap();
    let needs = jangteo_core::identity::IdentityNeeds {
        adults_only: true,
        ..Default::default()
    };
    let anonymous = t.app.check_buyer_identity(needs, None, None).await;
    assert!(matches!(
        anonymous,
        Err(AppError::Conflict("identity_required"))
    ));

    let adult = Shopper::new(&t.url(""));
    let next = verify(&adult, fake, "/products/jeans", &person("2007-12-31")).await;
    assert_eq!(next, "/products/jeans");
    let shown = adult.get("/products/jeans").await;
    assert!(shown.body.contains("id=\"adult-badge\"") && shown.body.contains("buy-box"));
    add(&adult, sku, 1).await;
    let adult_checkout = adult.get("/checkout?guest=1").await;
    assert_eq!(
        adult_checkout.status, 200,
        "born in 2007: 19 this year: {:?}",
        adult_checkout.location
    );
    // A minor's cart (theirs holds a gift card, so a new one) goes back to the cart.
    let young = Shopper::new(&t.url(""));
    verify(&young, fake, "/", &person("2009-06-01")).await;
    add(&young, sku, 1).await;
    let minor_checkout = young.get("/checkout?guest=1").await;
    assert_eq!(minor_checkout.location.as_deref(), Some("/cart"));
}

async fn gift_card_identity_needs_a_channel(backend: Backend) {
    let Some((t, _)) = crate::checkout::shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("owner");
    let refused = t.app.set_gift_cards_need_identity(&owner, true).await;
    assert!(matches!(
        refused,
        Err(AppError::Conflict("identity_unavailable"))
    ));
    assert!(!t.app.gift_cards_need_identity().await.unwrap());
    let page = Shopper::new(&t.url("")).get("/identity").await;
    assert!(page.body.contains("id=\"identity-unavailable\""));
}

on_both_backends!(gift_cards_and_adult_goods_wait_for_identity);
on_both_backends!(gift_card_identity_needs_a_channel);

//! A small, fully known catalog for precise assertions.

use chrono::{DateTime, Duration, Utc};
use jangteo_app::App;
use jangteo_app::cart::CartOwner;
use jangteo_app::members::SignupInput;
use jangteo_app::orders::PlaceOrderInput;
use jangteo_core::Won;
use jangteo_core::catalog::{DisplayState, Price};
use jangteo_core::ids::{CategoryId, ProductId};
use jangteo_core::search::SearchKeys;
use jangteo_db::Tx;
use jangteo_db::catalog::{NewCategory, NewOptionGroup, NewProduct, NewSku, categories, products};
use jangteo_media::{Motif, demo_image};

/// Ids of the fixture catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// 의류 (top level).
    pub clothes: CategoryId,
    /// 티셔츠 (under 의류).
    pub tshirts: CategoryId,
    /// 식품 (top level).
    pub food: CategoryId,
    /// "반팔티셔츠": colour × size options, one SKU sold out, L costs 2,000 more.
    pub short_sleeve: ProductId,
    /// "티셔츠": single SKU.
    pub tshirt: ProductId,
    /// "스트라이프 셔츠 반팔".
    pub striped_shirt: ProductId,
    /// "청바지 와이드".
    pub jeans: ProductId,
    /// "제주 감귤 5kg" (food), on sale 19,900 → 15,900.
    pub tangerines: ProductId,
    /// "숨김 티셔츠": hidden.
    pub hidden: ProductId,
    /// "품절 티셔츠 세트": display state sold out.
    pub sold_out: ProductId,
}

struct Item<'a> {
    slug: &'a str,
    name: &'a str,
    category: CategoryId,
    price: i64,
    sale: Option<i64>,
    state: DisplayState,
    popularity: i64,
    age_days: i64,
}

/// Inserts the fixture catalog (with one generated image on the first product).
pub async fn catalog(app: &App) -> Catalog {
    let now = Utc::now();
    let mut tx = app.db.begin().await.unwrap();
    let (clothes, tshirts, food) = insert_categories(&mut tx, now).await;
    let items = fixture_items(clothes, tshirts, food);
    let mut ids = Vec::new();
    for item in &items {
        ids.push(insert_product(&mut tx, item, food, now).await);
    }
    tx.commit().await.unwrap();
    add_first_image(app, ids[0]).await;

    Catalog {
        clothes,
        tshirts,
        food,
        short_sleeve: ids[0],
        tshirt: ids[1],
        striped_shirt: ids[2],
        jeans: ids[3],
        tangerines: ids[4],
        hidden: ids[5],
        sold_out: ids[6],
    }
}

/// Inserts 의류, 티셔츠 under it, and 식품; returns their ids in that order.
async fn insert_categories(
    tx: &mut Tx,
    now: DateTime<Utc>,
) -> (CategoryId, CategoryId, CategoryId) {
    let clothes = categories::upsert(
        tx,
        &NewCategory {
            parent_id: None,
            slug: "clothes",
            name: "의류",
            position: 0,
        },
        now,
    )
    .await
    .unwrap();
    let tshirts = categories::upsert(
        tx,
        &NewCategory {
            parent_id: Some(clothes),
            slug: "tshirts",
            name: "티셔츠",
            position: 0,
        },
        now,
    )
    .await
    .unwrap();
    let food = categories::upsert(
        tx,
        &NewCategory {
            parent_id: None,
            slug: "food",
            name: "식품",
            position: 1,
        },
        now,
    )
    .await
    .unwrap();
    (clothes, tshirts, food)
}

/// The fixture products, in the order of their ids in [`Catalog`].
fn fixture_items(clothes: CategoryId, tshirts: CategoryId, food: CategoryId) -> [Item<'static>; 7] {
    [
        Item {
            slug: "short-sleeve",
            name: "반팔티셔츠",
            category: tshirts,
            price: 19_000,
            sale: None,
            state: DisplayState::OnSale,
            popularity: 50,
            age_days: 1,
        },
        Item {
            slug: "tshirt",
            name: "티셔츠",
            category: tshirts,
            price: 9_900,
            sale: None,
            state: DisplayState::OnSale,
            popularity: 10,
            age_days: 30,
        },
        Item {
            slug: "striped-shirt",
            name: "스트라이프 셔츠 반팔",
            category: clothes,
            price: 39_000,
            sale: Some(29_000),
            state: DisplayState::OnSale,
            popularity: 90,
            age_days: 3,
        },
        Item {
            slug: "jeans",
            name: "청바지 와이드",
            category: clothes,
            price: 59_000,
            sale: None,
            state: DisplayState::OnSale,
            popularity: 5,
            age_days: 60,
        },
        Item {
            slug: "tangerines",
            name: "제주 감귤 5kg",
            category: food,
            price: 19_900,
            sale: Some(15_900),
            state: DisplayState::OnSale,
            popularity: 70,
            age_days: 2,
        },
        Item {
            slug: "hidden-tee",
            name: "숨김 티셔츠",
            category: tshirts,
            price: 1_000,
            sale: None,
            state: DisplayState::Hidden,
            popularity: 999,
            age_days: 0,
        },
        Item {
            slug: "sold-out-set",
            name: "품절 티셔츠 세트",
            category: tshirts,
            price: 25_000,
            sale: None,
            state: DisplayState::SoldOut,
            popularity: 1,
            age_days: 10,
        },
    ]
}

/// The option groups and SKUs of an item: colour × size for the short sleeve, else one SKU.
fn options_and_skus(item: &Item<'_>) -> (Vec<NewOptionGroup<'static>>, Vec<NewSku>) {
    if item.slug == "short-sleeve" {
        let groups = vec![
            NewOptionGroup {
                name: "색상",
                values: vec!["블랙", "화이트"],
            },
            NewOptionGroup {
                name: "사이즈",
                values: vec!["M", "L"],
            },
        ];
        let sku = |code: &str, c: usize, s: usize, stock: i64| NewSku {
            code: code.into(),
            value_indexes: vec![c, s],
            extra: Won(if s == 1 { 2_000 } else { 0 }),
            stock,
        };
        (
            groups,
            vec![
                sku("SS-BK-M", 0, 0, 5),
                sku("SS-BK-L", 0, 1, 3),
                sku("SS-WH-M", 1, 0, 0),
                sku("SS-WH-L", 1, 1, 7),
            ],
        )
    } else {
        let stock = if item.state == DisplayState::SoldOut {
            0
        } else {
            10
        };
        (
            Vec::new(),
            vec![NewSku {
                code: item.slug.to_ascii_uppercase(),
                value_indexes: vec![],
                extra: Won(0),
                stock,
            }],
        )
    }
}

/// Inserts one fixture item as a product with its options and SKUs.
async fn insert_product(
    tx: &mut Tx,
    item: &Item<'_>,
    food: CategoryId,
    now: DateTime<Utc>,
) -> ProductId {
    let price = Price::new(Won(item.price), item.sale.map(Won));
    let (groups, skus) = options_and_skus(item);
    let category_name = if item.category == food {
        "식품"
    } else {
        "의류"
    };
    products::insert(
        tx,
        &NewProduct {
            category_id: item.category,
            slug: item.slug,
            name: item.name,
            brand: Some("테스트브랜드"),
            summary: "테스트 상품 요약",
            description_html: "<p>설명</p>",
            price,
            state: item.state,
            is_featured: item.popularity >= 70,
            popularity: item.popularity,
            search: SearchKeys::for_product(item.name, [category_name, "테스트브랜드"]),
            created_at: now - Duration::days(item.age_days),
        },
        &groups,
        &skus,
    )
    .await
    .unwrap()
}

/// One real image, stored and recorded like an upload, on the given product.
async fn add_first_image(app: &App, product: ProductId) {
    let jpeg = demo_image(1, [30, 60, 90], Motif::Shirt, 0);
    let stored = app.store_original(bytes::Bytes::from(jpeg)).await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let media = app.record_original(&mut tx, &stored).await.unwrap();
    products::add_image(&mut tx, product, media, 0, "반팔티셔츠")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.invalidate_catalog();
}

/// A member signed up through the app (name 김장터, mobile 010-1234-5678).
pub async fn member(app: &App, email: &str, marketing: bool) -> i64 {
    app.sign_up(SignupInput {
        email: email.into(),
        password: "secret1234".into(),
        password_confirm: "secret1234".into(),
        name: "김장터".into(),
        mobile: "010-1234-5678".into(),
        agree_terms: true,
        confirm_age: true,
        agree_privacy: true,
        agree_marketing: marketing,
    })
    .await
    .unwrap()
    .id
}

/// A paid bank-deposit order of `qty` T-shirts for the member; returns its number.
pub async fn paid_order(app: &App, member: i64, sku: i64, qty: i64, token: &str) -> String {
    app.add_to_cart(CartOwner::Member(member), sku, qty)
        .await
        .unwrap();
    let lines = app.cart_lines(&CartOwner::Member(member)).await.unwrap();
    let placed = app
        .place_order(
            Some(member),
            &lines,
            &PlaceOrderInput {
                checkout_token: token.into(),
                orderer_name: "김장터".into(),
                orderer_mobile: "01012345678".into(),
                orderer_email: "buyer@example.com".into(),
                recipient_name: "김장터".into(),
                recipient_mobile: "01012345678".into(),
                postcode: "06236".into(),
                address1: "서울 강남구 테헤란로 1".into(),
                payment_method: "bank_deposit".into(),
                depositor_name: "김장터".into(),
                agree: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        app.confirm_bank_deposit(&placed.number, "staff@example.com")
            .await
            .unwrap()
    );
    placed.number
}

/// A valid PNG of `width` × `height` black pixels that is only a few hundred KiB: one bit per
/// pixel, rows streamed to the encoder, so neither side ever holds the decoded image.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().expect("png header");
    {
        let mut stream = writer.stream_writer().expect("png stream");
        let row = vec![0u8; width.div_ceil(8) as usize];
        for _ in 0..height {
            stream.write_all(&row).expect("png row");
        }
        stream.finish().expect("png end");
    }
    writer.finish().ok();
    out
}

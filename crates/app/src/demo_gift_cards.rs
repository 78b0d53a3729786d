//! The demo's gift-card shop (issue 16): a "상품권" category with three gift cards sold below
//! their face value, each with a pool of freshly drawn PINs registered the way staff do it
//! (sealed, audited, counted as stock). Loaded once; a later load leaves them alone.

use crate::auth::StaffActor;
use crate::demo::ProductData;
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::ids::CategoryId;
use jangteo_db::catalog::{NewCategory, categories, products};
use jangteo_db::settings;
use serde::Deserialize;
use std::collections::HashMap;

const GIFT_CARDS_JSON: &str = include_str!("../demo/gift_cards.json");
/// Setting that marks the gift cards as loaded.
const MARKER: &str = "demo.gift_cards";
/// The PIN pattern of the demo cards.
const PATTERN: &str = "9999-9999-9999-9999";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GiftCards {
    category: CategoryData,
    pins_each: usize,
    cards: Vec<Card>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryData {
    slug: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Card {
    face_value: i64,
    product: ProductData,
}

/// A sheet of `count` random PINs in the demo pattern.
fn pin_sheet(count: usize) -> AppResult<String> {
    let mut sheet = String::from("핀번호\n");
    for _ in 0..count {
        let pin = crate::auth::tokens::random_bytes::<16>()?;
        let digits: Vec<String> = pin.iter().map(|b| (b % 10).to_string()).collect();
        let groups: Vec<String> = digits.chunks(4).map(|g| g.concat()).collect();
        sheet.push_str(&groups.join("-"));
        sheet.push('\n');
    }
    Ok(sheet)
}

impl App {
    /// Adds the demo's gift cards and their PIN pools, once.
    pub(crate) async fn load_demo_gift_cards(&self) -> AppResult<()> {
        if settings::get(&self.db, MARKER).await?.is_some() {
            return Ok(());
        }
        let data: GiftCards = serde_json::from_str(GIFT_CARDS_JSON)
            .map_err(|e| AppError::Other(format!("embedded demo gift cards are invalid: {e}")))?;
        let mut images = Vec::with_capacity(data.cards.len());
        for (i, card) in data.cards.iter().enumerate() {
            images.push(self.demo_product_images(900 + i, &card.product).await?);
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let category = NewCategory {
            parent_id: None,
            slug: &data.category.slug,
            name: &data.category.name,
            position: 99,
        };
        let category_id: CategoryId = categories::upsert(&mut tx, &category, now).await?;
        let mut category_ids = HashMap::new();
        category_ids.insert(
            data.category.slug.as_str(),
            (category_id, vec![data.category.name.clone()]),
        );
        let mut products = Vec::with_capacity(data.cards.len());
        for (card, pictures) in data.cards.iter().zip(&images) {
            let id = crate::demo::insert_demo_product(&mut tx, &card.product, &category_ids, now)
                .await?;
            for (position, image) in pictures.iter().enumerate() {
                let media_id = self.record_original(&mut tx, &image.stored).await?;
                let position = i64::try_from(position).unwrap_or(0);
                let name = &card.product.name;
                products::add_image(&mut tx, id, media_id, position, name).await?;
            }
            products.push((id.get(), Won(card.face_value)));
        }
        settings::set(&mut tx, MARKER, "1", now).await?;
        tx.commit().await?;
        let owner = StaffActor::system("demo");
        for (id, face) in products {
            self.set_pin_product(&owner, id, face, PATTERN).await?;
            let sheet = pin_sheet(data.pins_each)?;
            let upload = self
                .upload_pins(&owner, id, ("demo-pins.csv", sheet.as_bytes()), true)
                .await?;
            if !upload.stored {
                return Err(AppError::Other("demo PINs were refused".into()));
            }
        }
        Ok(())
    }
}

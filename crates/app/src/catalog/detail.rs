//! A product's page as the shop shows it: options and SKUs with their labels, prices and stock
//! levels, images, the category path, the statutory notice, shipping and related products.

use super::{
    NEW_FOR_DAYS, OptionGroup, ProductDetail, ProductImage, ProductSummary, RELATED_SIZE, Sku,
    notice_rows, summaries,
};
use crate::{App, AppResult};
use chrono::Duration;
use jangteo_core::Won;
use jangteo_core::catalog::{DisplayState, ProductSort, StockLevel, is_sold_out};
use jangteo_core::ids::{CategoryId, ProductId};
use jangteo_db::catalog::products::{
    self, OptionGroupRow, OptionValueRow, ProductCardRow, ProductFilter, ProductRow, SkuOptionRow,
    SkuRow,
};
use std::collections::HashMap;

/// The option groups with their values, in order.
fn option_groups_of(groups: &[OptionGroupRow], values: &[OptionValueRow]) -> Vec<OptionGroup> {
    groups
        .iter()
        .map(|g| OptionGroup {
            id: g.id,
            name: g.name.clone(),
            values: values
                .iter()
                .filter(|v| v.group_id == g.id)
                .map(|v| (v.id, v.value.clone()))
                .collect(),
        })
        .collect()
}

/// The SKUs as shoppers pick them: the label of their option values in group order, the price
/// with the extra, and the stock level.
fn skus_of(
    row: &ProductRow,
    state: DisplayState,
    sku_rows: &[SkuRow],
    links: &[SkuOptionRow],
    option_groups: &[OptionGroup],
    low_stock: i64,
) -> Vec<Sku> {
    let value_of: HashMap<i64, (usize, &str)> = option_groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| g.values.iter().map(move |(id, v)| (*id, (gi, v.as_str()))))
        .collect();
    sku_rows
        .iter()
        .map(|s| {
            let mut picked: Vec<(usize, i64, &str)> = links
                .iter()
                .filter(|l| l.sku_id == s.id)
                .filter_map(|l| {
                    value_of
                        .get(&l.option_value_id)
                        .map(|(gi, v)| (*gi, l.option_value_id, *v))
                })
                .collect();
            picked.sort_by_key(|(gi, _, _)| *gi);
            let label: Vec<&str> = picked.iter().map(|(_, _, v)| *v).collect();
            Sku {
                id: s.id,
                code: s.code.clone(),
                label: label.join(" / "),
                option_value_ids: picked.iter().map(|(_, id, _)| *id).collect(),
                price: row.price().plus_extra(Won(s.extra_price)),
                stock: s.stock,
                is_sold_out: is_sold_out(state, s.stock),
                level: StockLevel::of(s.stock, is_sold_out(state, s.stock), low_stock),
            }
        })
        .collect()
}

impl App {
    /// Popular products of the same category, the product itself left out.
    async fn related_products(
        &self,
        row: &ProductRow,
        category_id: CategoryId,
    ) -> AppResult<Vec<ProductCardRow>> {
        let filter = ProductFilter {
            category_ids: Some(vec![category_id]),
            featured_only: false,
        };
        let cards =
            products::top_cards(&self.db, &filter, ProductSort::Popular, RELATED_SIZE + 1).await?;
        Ok(cards
            .into_iter()
            .filter(|r| r.id != row.id)
            .take(RELATED_SIZE as usize)
            .collect())
    }

    pub(super) async fn load_product_detail(&self, slug: &str) -> AppResult<Option<ProductDetail>> {
        let Some(row) = products::find_by_slug(&self.db, slug).await? else {
            return Ok(None);
        };
        let state = row.state()?;
        let tree = self.category_tree().await?;
        let category_id = CategoryId(row.category_id);
        if state == DisplayState::Hidden || tree.get(category_id).is_none() {
            return Ok(None);
        }
        let id = ProductId(row.id);
        let groups = products::option_groups(&self.db, id).await?;
        let values = products::option_values(&self.db, id).await?;
        let sku_rows = products::skus(&self.db, id).await?;
        let low_stock = self.low_stock_threshold().await?;
        let links = products::sku_options(&self.db, id).await?;
        let images = products::images(&self.db, id).await?;
        let option_groups = option_groups_of(&groups, &values);
        let skus = skus_of(&row, state, &sku_rows, &links, &option_groups, low_stock);
        let total_stock: i64 = skus.iter().map(|s| s.stock).sum();
        let now = self.now();
        let related = self.related_products(&row, category_id).await?;
        let shipping_rule = self
            .shipping_policy()
            .await?
            .rule_of(row.shipping_profile_id)
            .1;
        Ok(Some(ProductDetail {
            summary: ProductSummary {
                id,
                slug: row.slug.clone(),
                name: row.name.clone(),
                brand: row.brand.clone(),
                price: row.price(),
                is_sold_out: is_sold_out(state, total_stock),
                is_new: now - row.created_at < Duration::days(NEW_FOR_DAYS),
                image_hash: images.first().map(|i| i.content_hash.clone()),
                adult_only: row.adult_only,
                rating: {
                    let (count, stars) = jangteo_db::reviews::rating(&self.db, id.get()).await?;
                    jangteo_core::reviews::Rating::new(count, stars)
                },
            },
            tagline: row.summary.clone(),
            description_html: row.description_html.clone(),
            category_path: tree.path(category_id).into_iter().cloned().collect(),
            notice: notice_rows(&row),
            max_per_order: row.max_per_order,
            gift_card: jangteo_db::pins::digital_product(&self.db, row.id)
                .await?
                .filter(jangteo_db::pins::DigitalProductRow::sells_pins)
                .map(|d| Won(d.face_value.unwrap_or(0))),
            shipping_rule,
            images: images
                .into_iter()
                .map(|i| ProductImage {
                    hash: i.content_hash,
                    alt: i.alt,
                    width: i.width,
                    height: i.height,
                })
                .collect(),
            option_groups,
            skus,
            related: summaries(related, now)?,
            updated_at: row.updated_at,
        }))
    }
}

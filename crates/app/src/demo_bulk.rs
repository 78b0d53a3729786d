//! Synthetic demo products for load tests (`jangteo demo --bulk-products N`): copies of the demo
//! catalog's products, reusing their pictures, added in chunks until the shop lists N products.

use crate::demo::{BULK_MARKER, Catalog, ProductData, build_skus, option_groups};
use crate::{App, AppError, AppResult};
use chrono::Duration;
use jangteo_core::Won;
use jangteo_core::catalog::{DisplayState, Price};
use jangteo_core::search::SearchKeys;
use jangteo_db::catalog::{NewOptionGroup, NewProduct, products};
use jangteo_db::settings;

impl App {
    /// Adds synthetic copies of demo products (reusing their pictures) until `target` products
    /// exist; used to load-test with a realistic catalog size.
    pub(crate) async fn load_bulk(&self, catalog: &Catalog, target: u64) -> AppResult<u64> {
        let existing = self.listed_product_count().await?;
        if target <= existing {
            return Ok(0);
        }
        let done: u64 = settings::get(&self.db, BULK_MARKER)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let to_add = target - existing;
        let templates: Vec<&ProductData> = catalog
            .products
            .iter()
            .filter(|p| p.state != DisplayState::Hidden)
            .collect();
        let tree = self.category_tree().await?;
        let now = self.now();
        let mut added = 0;
        // One transaction per chunk keeps each write short (the SQLite writer is shared).
        while added < to_add {
            let mut tx = self.db.begin().await?;
            let chunk = (to_add - added).min(200);
            for i in 0..chunk {
                let n = done + added + i + 1;
                let template = templates[(n as usize) % templates.len()];
                self.add_bulk_copy(&mut tx, template, n, &tree, now).await?;
            }
            added += chunk;
            settings::set(&mut tx, BULK_MARKER, &(done + added).to_string(), now).await?;
            tx.commit().await?;
        }
        Ok(added)
    }

    /// One synthetic copy of `template`, numbered `n`, with the template's pictures.
    async fn add_bulk_copy(
        &self,
        tx: &mut jangteo_db::Tx,
        template: &ProductData,
        n: u64,
        tree: &crate::catalog::CategoryTree,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        let Some(category) = tree.by_slug(&template.category) else {
            return Err(AppError::Invalid(format!(
                "category {} missing",
                template.category
            )));
        };
        let slug = format!("bulk-{n}-{}", template.slug);
        let name = format!("{} {}호", template.name, n);
        let mut data = template.clone();
        data.popularity = (template.popularity * 7 + n as i64 * 13) % 5000;
        let others = [category.name.as_str(), template.summary.as_str()];
        let groups: Vec<NewOptionGroup> = option_groups(&data);
        let product_id = products::insert(
            &mut *tx,
            &NewProduct {
                category_id: category.id,
                slug: &slug,
                name: &name,
                brand: data.brand.as_deref(),
                summary: &data.summary,
                description_html: &data.description,
                price: Price::new(Won(data.price), data.sale_price.map(Won)),
                state: data.state,
                is_featured: false,
                popularity: data.popularity,
                search: SearchKeys::for_product(&name, others),
                created_at: now - Duration::days(30 + (n as i64 % 300)),
            },
            &groups,
            &build_skus(&data, &slug),
        )
        .await?;
        if let Some(first) = products::find_by_slug(&self.db, &template.slug).await? {
            let images = products::images(&self.db, jangteo_core::ids::ProductId(first.id)).await?;
            for (position, image) in images.iter().enumerate() {
                if let Some(media) =
                    jangteo_db::media::find_by_hash(&self.db, &image.content_hash).await?
                {
                    products::add_image(
                        &mut *tx,
                        product_id,
                        jangteo_core::ids::MediaId(media.id),
                        position as i64,
                        &name,
                    )
                    .await?;
                }
            }
        }
        Ok(())
    }
}

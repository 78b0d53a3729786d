//! A product's image gallery in the back office: several uploads at once, reorder, remove; every
//! change audited.

use crate::admin::products::MAX_IMAGES;
use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use bytes::Bytes;
use jangteo_core::ids::ProductId;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::catalog::product_admin::{self};
use jangteo_db::catalog::products;

impl App {
    /// Adds uploaded images at the end of a product's gallery (all or none); returns how many
    /// the product has now.
    pub async fn add_product_images(
        &self,
        actor: &StaffActor,
        id: i64,
        files: Vec<Bytes>,
    ) -> AppResult<usize> {
        actor.require(Area::Catalog, Access::Write)?;
        let pid = ProductId(id);
        let product = products::find_by_id(&self.db, pid)
            .await?
            .ok_or(AppError::NotFound)?;
        if files.is_empty() {
            return Err(AppError::field("files", "images_required"));
        }
        let have = product_admin::admin_images(&self.db, pid).await?.len();
        if have + files.len() > MAX_IMAGES {
            return Err(AppError::field("files", "too_many_images"));
        }
        // Validate and store every file before anything is recorded: one bad file adds none.
        let mut stored = Vec::with_capacity(files.len());
        for bytes in files {
            stored.push(
                self.store_original(bytes)
                    .await
                    .map_err(|e| crate::media::upload_refusal("files", e))?,
            );
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let mut count = have;
        for s in &stored {
            let media = self.record_original(&mut tx, s).await?;
            count = product_admin::append_image(&mut tx, pid, media, &product.name).await?;
        }
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({ "added": stored.iter().map(|s| s.hash()).collect::<Vec<_>>() })
                        .to_string(),
                ),
                ..actor.entry("catalog.images", "product", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(count)
    }

    /// Moves an image one place earlier or later in the gallery.
    pub async fn move_product_image(
        &self,
        actor: &StaffActor,
        id: i64,
        image: i64,
        up: bool,
    ) -> AppResult<()> {
        actor.require(Area::Catalog, Access::Write)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !product_admin::move_image(&mut tx, ProductId(id), image, up).await? {
            return Err(AppError::NotFound);
        }
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({ "image": image, "moved": if up { "up" } else { "down" } })
                        .to_string(),
                ),
                ..actor.entry("catalog.image_move", "product", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }

    /// Removes an image from a product's gallery.
    pub async fn remove_product_image(
        &self,
        actor: &StaffActor,
        id: i64,
        image: i64,
    ) -> AppResult<()> {
        actor.require(Area::Catalog, Access::Write)?;
        let pid = ProductId(id);
        let before = product_admin::admin_images(&self.db, pid).await?;
        let gone = before
            .iter()
            .find(|i| i.id == image)
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        product_admin::remove_image(&mut tx, pid, image).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(serde_json::json!({ "image": gone.content_hash }).to_string()),
                ..actor.entry("catalog.image_delete", "product", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }
}

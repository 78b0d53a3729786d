//! Products in the back office: the list (every display state) and the product editor (name,
//! summary, prices, display state, featured, description in the WYSIWYG editor). Saves are
//! audited and show in the shop at once.

use crate::members::FieldErrors;
use crate::staff::StaffActor;
use crate::{App, AppError, AppResult};
use chrono::Utc;
use jangteo_core::catalog::{DisplayState, Price};
use jangteo_core::ids::{CategoryId, ProductId};
use jangteo_core::member::required_text;
use jangteo_core::money::Won;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::search::SearchKeys;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::catalog::products::{self, ProductDetails, ProductRow};

/// A product as typed in the editor.
#[derive(Debug, Clone, Default)]
pub struct ProductEdit {
    /// Name.
    pub name: String,
    /// One-line summary.
    pub summary: String,
    /// Editor HTML.
    pub description_html: String,
    /// List price as typed.
    pub price: String,
    /// Sale price as typed (empty: none).
    pub sale_price: String,
    /// `on_sale`, `sold_out`, `hidden`.
    pub state: String,
    /// Featured on the home page.
    pub featured: bool,
}

/// A price as typed: 0 to 1,000,000,000 won.
fn won(raw: &str) -> Result<Option<i64>, jangteo_core::money::NotANumber> {
    match jangteo_core::money::parse_typed_amount(raw)? {
        Some(v) if !(0..=1_000_000_000).contains(&v) => Err(jangteo_core::money::NotANumber),
        other => Ok(other),
    }
}

impl App {
    /// Products for the back office.
    pub async fn admin_products(
        &self,
        actor: &StaffActor,
        keyword: &str,
        page: u32,
    ) -> AppResult<Paged<ProductRow>> {
        actor.require(Area::Catalog, Access::Read)?;
        let request = PageRequest::new(page, 30);
        let (items, total) =
            products::admin_list(&self.db, keyword, request.limit(), request.offset()).await?;
        Ok(jangteo_core::paging::Paged::counted(items, total, request))
    }

    /// One product for the editor.
    pub async fn admin_product(&self, actor: &StaffActor, id: i64) -> AppResult<ProductRow> {
        actor.require(Area::Catalog, Access::Read)?;
        products::find_by_id(&self.db, ProductId(id))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Saves the editor's fields.
    pub async fn save_product(
        &self,
        actor: &StaffActor,
        id: i64,
        edit: &ProductEdit,
    ) -> AppResult<()> {
        actor.require(Area::Catalog, Access::Write)?;
        let before = self.admin_product(actor, id).await?;
        let mut errors = FieldErrors::default();
        let name = errors.check("name", required_text(&edit.name, 100));
        if edit.summary.chars().count() > 200 {
            errors.add("summary", "too_long");
        }
        let price = match won(&edit.price) {
            Ok(Some(p)) => Some(p),
            _ => {
                errors.add("price", "invalid_price");
                None
            }
        };
        let sale = match won(&edit.sale_price) {
            Ok(s) => s,
            Err(_) => {
                errors.add("sale_price", "invalid_price");
                None
            }
        };
        if let (Some(p), Some(s)) = (price, sale)
            && s >= p
        {
            errors.add("sale_price", "sale_not_lower");
        }
        let state: Option<DisplayState> = edit.state.parse().ok();
        if state.is_none() {
            errors.add("state", "required");
        }
        errors.finish()?;
        let (Some(name), Some(price), Some(state)) = (name, price, state) else {
            return Err(AppError::Other("validated product went missing".into()));
        };
        let tree = self.category_tree().await?;
        let mut others: Vec<&str> = tree
            .path(CategoryId(before.category_id))
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        others.extend(before.brand.as_deref());
        others.push(edit.summary.trim());
        let search = SearchKeys::for_product(&name, others);
        let description = self.clean_html(&edit.description_html);
        let new_price = Price::new(Won(price), sale.map(Won));
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        products::update_details(
            &mut tx,
            ProductId(id),
            &ProductDetails {
                name: &name,
                summary: edit.summary.trim(),
                description_html: &description,
                price: new_price,
                state,
                is_featured: edit.featured,
                search: &search,
            },
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(
                    serde_json::json!({
                        "name": before.name, "price": before.price, "sale_price": before.sale_price,
                        "state": before.display_state, "featured": before.is_featured,
                    })
                    .to_string(),
                ),
                after: Some(
                    serde_json::json!({
                        "name": name, "price": price, "sale_price": new_price.sale.map(Won::get),
                        "state": state.as_str(), "featured": edit.featured, "description": description,
                    })
                    .to_string(),
                ),
                ..actor.entry("catalog.product", "product", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }
}

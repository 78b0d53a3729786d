//! Products in the back office: the list (every display state) and the product editor (name,
//! summary, prices, display state, featured, description in the WYSIWYG editor). Saves are
//! audited and show in the shop at once.

use crate::auth::StaffActor;
use crate::catalog::CategoryTree;
use crate::catalog::facts::{ProductFacts, parse_facts};
use crate::catalog::product_form::{sale_period, typed_won};
use crate::field_errors::FieldErrors;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::catalog::{DisplayState, SalePlan, price_at};
use jangteo_core::ids::{CategoryId, ProductId};
use jangteo_core::member::required_text;
use jangteo_core::money::Won;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::search::SearchKeys;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::catalog::products::{self, ProductDetails, ProductRow};

pub use crate::catalog::product_form::ProductEdit;

/// A product edit that passed every check.
struct CheckedProduct {
    name: String,
    price: i64,
    sale: Option<i64>,
    period: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    state: DisplayState,
    facts: ProductFacts,
}

/// Checks the editor's fields (every problem at once): name, summary, prices and the sale
/// period, display state and the product's facts.
fn check_product_edit(
    edit: &ProductEdit,
    tree: &CategoryTree,
    profiles: &[i64],
) -> AppResult<CheckedProduct> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", required_text(&edit.name, 100));
    if edit.summary.chars().count() > 200 {
        errors.add("summary", "too_long");
    }
    let price = match typed_won(&edit.price) {
        Ok(Some(p)) => Some(p),
        _ => {
            errors.add("price", "invalid_price");
            None
        }
    };
    let sale = typed_won(&edit.sale_price).unwrap_or_else(|_| {
        errors.add("sale_price", "invalid_price");
        None
    });
    if let (Some(p), Some(s)) = (price, sale)
        && s >= p
    {
        errors.add("sale_price", "sale_not_lower");
    }
    let state: Option<DisplayState> = edit.state.parse().ok();
    if state.is_none() {
        errors.add("state", "required");
    }
    let period = sale_period(&mut errors, &edit.sale_starts, &edit.sale_ends);
    if sale.is_none() && period != (None, None) {
        errors.add("sale_price", "sale_period_without_price");
    }
    let facts = parse_facts(&mut errors, edit, tree, profiles, state);
    errors.finish()?;
    let (Some(name), Some(price), Some(state), Some(facts)) = (name, price, state, facts) else {
        return Err(AppError::Other("validated product went missing".into()));
    };
    Ok(CheckedProduct {
        name,
        price,
        sale,
        period,
        state,
        facts,
    })
}

/// What the audit log keeps of a product before an edit.
fn product_audit_facts(before: &ProductRow) -> serde_json::Value {
    serde_json::json!({
        "name": before.name, "price": before.price, "sale_price": before.sale_price,
        "state": before.display_state, "featured": before.is_featured,
        "category_id": before.category_id, "brand": before.brand,
        "notice_category": before.notice_category, "notice": before.notice_json,
        "tax_free": before.is_tax_free, "adult_only": before.adult_only,
        "max_per_order": before.max_per_order,
        "shipping_profile": before.shipping_profile_id,
    })
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
        let tree = self.category_tree().await?;
        let profiles: Vec<i64> = self
            .shipping_profiles()
            .await?
            .iter()
            .map(|p| p.id)
            .collect();
        let CheckedProduct {
            name,
            price,
            sale,
            period,
            state,
            facts,
        } = check_product_edit(edit, &tree, &profiles)?;
        let search = search_keys(&tree, &facts, &name, edit.summary.trim());
        let description = self.clean_html(&edit.description_html);
        let now = self.now();
        let plan = sale.map(|s| SalePlan {
            price: Won(s),
            starts_at: period.0,
            ends_at: period.1,
        });
        let new_price = price_at(Won(price), plan.as_ref(), now);
        let mut tx = self.db.begin().await?;
        products::update_details(
            &mut tx,
            ProductId(id),
            &ProductDetails {
                name: &name,
                summary: edit.summary.trim(),
                description_html: &description,
                price: new_price,
                sale_plan: plan,
                state,
                is_featured: edit.featured,
                search: &search,
                category_id: facts.category_id,
                brand: &facts.brand,
                notice: (facts.notice_category.as_deref(), &facts.notice_json()),
                is_tax_free: facts.tax_free,
                adult_only: facts.adult_only,
                max_per_order: facts.max_per_order,
                shipping_profile_id: facts.shipping_profile,
            },
            now,
        )
        .await?;
        let after = serde_json::json!({
            "name": name, "price": price, "sale_price": sale,
            "sale_starts": period.0, "sale_ends": period.1,
            "state": state.as_str(), "featured": edit.featured, "description": description,
            "category_id": facts.category_id, "brand": facts.brand,
            "notice_category": facts.notice_category, "notice": facts.notice,
            "tax_free": facts.tax_free, "adult_only": facts.adult_only,
            "max_per_order": facts.max_per_order,
            "shipping_profile": facts.shipping_profile,
        });
        let target = id.to_string();
        let entry = NewAudit {
            before: Some(product_audit_facts(&before).to_string()),
            after: Some(after.to_string()),
            ..actor.entry("catalog.product", "product", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }
}

/// A category as typed.
#[derive(Debug, Clone, Default)]
pub struct CategoryEdit {
    /// Parent id (none: top level).
    pub parent_id: Option<i64>,
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Order among siblings.
    pub position: i64,
    /// Shown in the shop.
    pub visible: bool,
}

/// Whether `parent` is `id` itself or lies below it (a move that would make a loop).
fn would_loop(rows: &[jangteo_db::catalog::categories::CategoryRow], id: i64, parent: i64) -> bool {
    let mut current = Some(parent);
    let mut steps = 0;
    while let Some(c) = current {
        if c == id {
            return true;
        }
        steps += 1;
        if steps > 64 {
            return true;
        }
        current = rows.iter().find(|r| r.id == c).and_then(|r| r.parent_id);
    }
    false
}

impl App {
    /// Every category (hidden ones too), parents before children.
    pub async fn admin_categories(
        &self,
        actor: &StaffActor,
    ) -> AppResult<Vec<jangteo_db::catalog::categories::CategoryRow>> {
        actor.require(Area::Catalog, Access::Read)?;
        Ok(jangteo_db::catalog::categories::list_all(&self.db).await?)
    }

    /// Saves a category (new when `id` is none): a move under itself or its own subcategory is
    /// refused. Returns its id.
    pub async fn save_category(
        &self,
        actor: &StaffActor,
        id: Option<i64>,
        edit: &CategoryEdit,
    ) -> AppResult<i64> {
        actor.require(Area::Catalog, Access::Write)?;
        let rows = jangteo_db::catalog::categories::list_all(&self.db).await?;
        let mut errors = FieldErrors::default();
        let name = errors.check("name", required_text(&edit.name, 40));
        let slug = edit.slug.trim().to_lowercase();
        if slug.is_empty()
            || slug.len() > 60
            || !slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            errors.add("slug", "invalid_slug");
        }
        if let Some(parent) = edit.parent_id {
            if !rows.iter().any(|r| r.id == parent) {
                errors.add("parent_id", "required");
            } else if id.is_some_and(|id| would_loop(&rows, id, parent)) {
                errors.add("parent_id", "category_loop");
            }
        }
        errors.finish()?;
        let name = name.unwrap_or_default();
        let before = id.and_then(|id| rows.iter().find(|r| r.id == id).cloned());
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let saved = jangteo_db::catalog::categories::save(
            &mut tx,
            id,
            &jangteo_db::catalog::categories::CategoryInput {
                parent_id: edit.parent_id,
                slug: &slug,
                name: &name,
                position: edit.position.clamp(-1_000, 1_000),
                is_visible: edit.visible,
            },
            now,
        )
        .await?
        .ok_or_else(|| AppError::field("slug", "slug_taken"))?;
        if before
            .as_ref()
            .is_some_and(|b| b.name != name || b.parent_id != edit.parent_id)
        {
            // Product search text holds the category path: rebuild it below this category.
            let mut tree = rows.clone();
            if let Some(row) = tree.iter_mut().find(|r| r.id == saved) {
                row.name = name.clone();
                row.parent_id = edit.parent_id;
            }
            reindex_products_below(&mut tx, &tree, saved).await?;
        }
        audit::record(
            &mut tx,
            &NewAudit {
                before: before.map(|b| {
                    serde_json::json!({ "name": b.name, "slug": b.slug, "parent": b.parent_id, "visible": b.is_visible })
                        .to_string()
                }),
                after: Some(
                    serde_json::json!({ "name": name, "slug": slug, "parent": edit.parent_id, "visible": edit.visible })
                        .to_string(),
                ),
                ..actor.entry("catalog.category", "category", &saved.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(saved)
    }

    /// Deletes an empty category (no subcategories, no products).
    pub async fn delete_category(&self, actor: &StaffActor, id: i64) -> AppResult<()> {
        actor.require(Area::Catalog, Access::Write)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !jangteo_db::catalog::categories::delete_unused(&mut tx, id).await? {
            return Err(AppError::Conflict("category_in_use"));
        }
        audit::record(
            &mut tx,
            &actor.entry("catalog.category_delete", "category", &id.to_string()),
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }
}

/// The names from the top category down to `id`, hidden categories included (the shop's tree
/// leaves those out); a broken or looping tree stops after 16 steps.
pub(crate) fn category_path_names(
    rows: &[jangteo_db::catalog::categories::CategoryRow],
    id: i64,
) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = Some(id);
    while let Some(c) = at.and_then(|i| rows.iter().find(|r| r.id == i)) {
        names.push(c.name.clone());
        at = c.parent_id;
        if names.len() > 16 {
            break;
        }
    }
    names.reverse();
    names
}

/// Rebuilds the search keys of every product in `root`'s subtree from the (changed) tree.
async fn reindex_products_below(
    tx: &mut jangteo_db::Tx,
    tree: &[jangteo_db::catalog::categories::CategoryRow],
    root: i64,
) -> AppResult<()> {
    let in_subtree: Vec<i64> = tree
        .iter()
        .filter(|r| would_loop(tree, root, r.id))
        .map(|r| r.id)
        .collect();
    for (id, category, name, brand, summary) in products::in_categories(tx, &in_subtree).await? {
        let names = category_path_names(tree, category);
        let mut others: Vec<&str> = names.iter().map(String::as_str).collect();
        others.extend(brand.as_deref());
        others.push(&summary);
        products::set_search_keys(tx, id, &SearchKeys::for_product(&name, others)).await?;
    }
    Ok(())
}

/// What search finds a product by: its name, then its categories, brand and summary.
fn search_keys(tree: &CategoryTree, facts: &ProductFacts, name: &str, summary: &str) -> SearchKeys {
    let mut others: Vec<&str> = tree
        .path(CategoryId(facts.category_id))
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    if !facts.brand.is_empty() {
        others.push(&facts.brand);
    }
    others.push(summary);
    SearchKeys::for_product(name, others)
}

#[cfg(test)]
mod tests {
    use super::would_loop;
    use jangteo_db::catalog::categories::CategoryRow;

    fn row(id: i64, parent: Option<i64>) -> CategoryRow {
        CategoryRow {
            id,
            parent_id: parent,
            slug: format!("c{id}"),
            name: format!("c{id}"),
            position: 0,
            is_visible: true,
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_category_cannot_move_below_itself() {
        let rows = [row(1, None), row(2, Some(1)), row(3, Some(2)), row(4, None)];
        assert!(would_loop(&rows, 1, 1));
        assert!(would_loop(&rows, 1, 3), "below its grandchild");
        assert!(!would_loop(&rows, 3, 4));
        assert!(!would_loop(&rows, 2, 4));
    }
}

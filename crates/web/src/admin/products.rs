//! Back-office products: the list and the product editor.

use super::categories::tree_order;
use super::{Admin, BackOffice};
use crate::forms::{checked, refuse, see_other, t, uploaded_files};
use crate::session::flash;
use crate::state::AppState;
use crate::views::{PaginationView, encode_component, media_url, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::response::Response;
use jangteo_app::admin::products::{MAX_IMAGES, NewProductForm, OPTION_ROWS, SkuEdit};
use jangteo_app::catalog::edit::ProductEdit;
use jangteo_core::catalog::DisplayState;
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::format_kst_input;
use jangteo_media::ThumbSize;
use minijinja::{Value, context};
use serde::Deserialize;

/// `?q=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct ProductsQuery {
    #[serde(default)]
    q: String,
    page: Option<u32>,
}

/// GET /admin/products
pub async fn list(
    office: BackOffice,
    Query(q): Query<ProductsQuery>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let list = state
        .app
        .admin_products(&admin.actor, &q.q, q.page.unwrap_or(1))
        .await?;
    let query = encode_component(&q.q);
    let pagination = PaginationView::new(&list, |n| format!("/admin/products?q={query}&page={n}"));
    office.page("admin/products.html", "admin.nav.products", context! {
        products => list.items.iter().map(|p| context! {
            id => p.id, name => &p.name, slug => &p.slug, url => format!("/admin/products/{}", p.id),
            price => p.price, sale_price => p.sale_price, featured => p.is_featured,
            state_label => t(state, req, &format!("admin.display_state.{}", p.display_state)),
        }).collect::<Vec<_>>(),
        pagination => val(pagination), filter => context! { q => &q.q },
        can_write => admin.actor.can(Area::Catalog, Access::Write),
    })
    .await
}

/// The option rows the editor shows: the product's groups, padded with empty rows.
fn option_rows(groups: &[(String, Vec<String>)]) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = groups
        .iter()
        .map(|(name, values)| (name.clone(), values.join(", ")))
        .collect();
    rows.resize(OPTION_ROWS.max(rows.len()), (String::new(), String::new()));
    rows
}

/// What a refused save of one of the editor's forms had typed, shown again instead of the
/// stored values.
#[derive(Default)]
struct Typed {
    form: Option<Value>,
    options: Option<Vec<(String, String)>>,
    skus: Option<Vec<SkuEdit>>,
}

/// The product editor: stored values, or what was typed where a save was refused.
async fn editor(
    office: &BackOffice,
    id: i64,
    typed: Typed,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let p = state.app.admin_product(&admin.actor, id).await?;
    let extras = state.app.admin_product_extras(&admin.actor, id).await?;
    let form = typed
        .form
        .unwrap_or_else(|| stored_fields(&p, &extras.sale));
    let media = state.app.config.media_url();
    let rows = typed
        .options
        .unwrap_or_else(|| option_rows(&extras.option_groups));
    let typed_sku = |sku: i64| typed.skus.iter().flatten().find(|t| t.id == sku);
    let last_image = extras.images.len().saturating_sub(1);
    office.page("admin/product_edit.html", "admin.nav.products", context! {
        id => id, slug => &p.slug, public_url => format!("/products/{}", p.slug),
        form => form, errors => errors,
        states => [DisplayState::OnSale, DisplayState::SoldOut, DisplayState::Hidden].iter().map(|s| context! {
            code => s.as_str(), label => t(state, req, &format!("admin.display_state.{}", s.as_str())),
        }).collect::<Vec<_>>(),
        can_write => admin.actor.can(Area::Catalog, Access::Write),
        can_stock => admin.actor.can(Area::Stock, Access::Read),
        can_set_stock => admin.actor.can(Area::Stock, Access::Write) && !extras.sells_pins,
        stock_url => format!("/admin/stock?q={}", encode_component(&p.name)),
        sale_now => extras.sale.sale_price,
        sale_waiting => extras.sale.planned_sale_price.is_some() && extras.sale.sale_price.is_none(),
        option_rows => rows.iter().enumerate().map(|(i, (name, values))| context! {
            index => i, name => name, values => values,
        }).collect::<Vec<_>>(),
        skus => extras.skus.iter().map(|s| {
            let typed = typed_sku(s.row.id);
            context! {
                id => s.row.id, label => &s.label, stock_shown => s.row.stock,
                code => typed.map_or(s.row.code.clone(), |t| t.code.clone()),
                extra_price => typed.map_or(s.row.extra_price.to_string(), |t| t.extra_price.clone()),
                stock => typed.map_or(s.row.stock.to_string(), |t| t.stock.clone()),
                active => typed.map_or(s.row.is_active, |t| t.active),
                price => (p.price + s.row.extra_price).max(0),
            }
        }).collect::<Vec<_>>(),
        images => extras.images.iter().enumerate().map(|(i, img)| context! {
            id => img.id, url => media_url(&media, &img.content_hash, ThumbSize::List), alt => &img.alt,
            first => i == 0, last => i == last_image,
            move_url => format!("/admin/products/{id}/images/{}/move", img.id),
            delete_url => format!("/admin/products/{id}/images/{}/delete", img.id),
        }).collect::<Vec<_>>(),
        max_images => MAX_IMAGES,
        categories => category_choices(state, admin).await?,
        notice_categories => crate::views::val(jangteo_core::product_notice::CATEGORIES),
        shipping_profiles => super::shipping::profile_choices(state, req).await?,
    })
    .await
}

/// Every category as "상의 › 티셔츠" for the editor's category select.
async fn category_choices(state: &AppState, admin: &Admin) -> Result<Vec<Value>, WebError> {
    let rows = state.app.admin_categories(&admin.actor).await?;
    let tree = state.app.category_tree().await?;
    Ok(rows
        .iter()
        .map(|c| {
            let path: Vec<&str> = tree
                .path(jangteo_core::ids::CategoryId(c.id))
                .iter()
                .map(|n| n.name.as_str())
                .collect();
            context! { id => c.id.to_string(), label => path.join(" › ") }
        })
        .collect())
}

/// The editor's fields as stored.
fn stored_fields(
    p: &jangteo_app::read_models::ProductRow,
    sale: &jangteo_app::read_models::SalePlanRow,
) -> Value {
    context! {
        name => &p.name, summary => &p.summary, description_html => &p.description_html,
        price => p.price.to_string(),
        sale_price => sale.planned_sale_price.map(|s| s.to_string()).unwrap_or_default(),
        sale_starts => sale.sale_starts_at.map(format_kst_input).unwrap_or_default(),
        sale_ends => sale.sale_ends_at.map(format_kst_input).unwrap_or_default(),
        state => &p.display_state, featured => p.is_featured,
        category_id => p.category_id.to_string(), brand => p.brand.clone().unwrap_or_default(),
        tax_free => p.is_tax_free, adult_only => p.adult_only, max_per_order => p.max_per_order.map(|n| n.to_string()).unwrap_or_default(),
        notice_category => p.notice_category.clone().unwrap_or_default(),
        notice => jangteo_app::catalog::facts::notice_values(p),
        shipping_profile => p.shipping_profile_id.map(|id| id.to_string()).unwrap_or_default(),
    }
}

/// GET /admin/products/{id}
pub async fn edit(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    editor(&office, id, Typed::default(), context! {}).await
}

/// The editor's form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductFields {
    name: String,
    summary: String,
    body_html: String,
    price: String,
    sale_price: String,
    sale_starts: String,
    sale_ends: String,
    state: String,
    featured: Option<String>,
    category_id: String,
    brand: String,
    tax_free: Option<String>,
    adult_only: Option<String>,
    max_per_order: String,
    notice_category: String,
    shipping_profile: String,
    /// `notice__{category}__{field}` inputs of every category (only the chosen one counts).
    #[serde(flatten)]
    rest: std::collections::BTreeMap<String, String>,
}

impl ProductFields {
    /// The chosen notice category's facts by field key.
    fn notice(&self) -> std::collections::BTreeMap<String, String> {
        let prefix = format!("notice__{}__", self.notice_category);
        self.rest
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix(&prefix)
                    .map(|key| (key.to_owned(), v.clone()))
            })
            .collect()
    }
}

/// POST /admin/products/{id}
pub async fn update(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<ProductFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let edit = ProductEdit {
        name: f.name.clone(),
        summary: f.summary.clone(),
        description_html: f.body_html.clone(),
        price: f.price.clone(),
        sale_price: f.sale_price.clone(),
        sale_starts: f.sale_starts.clone(),
        sale_ends: f.sale_ends.clone(),
        state: f.state.clone(),
        featured: checked(&f.featured),
        category_id: f.category_id.clone(),
        brand: f.brand.clone(),
        tax_free: checked(&f.tax_free),
        adult_only: checked(&f.adult_only),
        max_per_order: f.max_per_order.clone(),
        notice_category: f.notice_category.clone(),
        notice: f.notice(),
        shipping_profile: f.shipping_profile.clone(),
    };
    match state.app.save_product(&admin.actor, id, &edit).await {
        Ok(()) => {
            flash(session, "success", "admin.flash.content_saved").await;
            Ok(see_other(&format!("/admin/products/{id}")))
        }
        Err(e) => refuse(state, req, e, |errors| editor(&office, id, Typed { form: Some(context! {
                    name => &f.name, summary => &f.summary, description_html => state.app.clean_html(&f.body_html),
                    price => &f.price, sale_price => &f.sale_price, sale_starts => &f.sale_starts,
                    sale_ends => &f.sale_ends, state => &f.state, featured => edit.featured,
                    category_id => &f.category_id, brand => &f.brand, tax_free => edit.tax_free, adult_only => edit.adult_only,
                    max_per_order => &f.max_per_order, notice_category => &f.notice_category,
                    notice => &edit.notice, shipping_profile => &f.shipping_profile,
                }), ..Typed::default() }, errors)).await,
    }
}

async fn new_product_page(
    office: &BackOffice,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let rows = state.app.admin_categories(&admin.actor).await?;
    office.page("admin/product_new.html", "admin.nav.products", context! {
        form => form, errors => errors,
        categories => tree_order(&rows).iter().map(|(depth, c)| context! {
            id => c.id, name => format!("{}{}", "— ".repeat(*depth), c.name), visible => c.is_visible,
        }).collect::<Vec<_>>(),
        can_write => admin.actor.can(Area::Catalog, Access::Write),
    })
    .await
}

/// GET /admin/products/new
pub async fn new_product(office: BackOffice) -> Result<Response, WebError> {
    new_product_page(&office, context! {}, context! {}).await
}

/// The new-product form.
#[derive(Debug, Default, Deserialize)]
pub struct NewProductFields {
    #[serde(default)]
    category_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    price: String,
}

/// POST /admin/products/new
pub async fn create_product(
    office: BackOffice,
    Form(f): Form<NewProductFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let form = NewProductForm {
        category_id: f.category_id.trim().parse().ok(),
        name: f.name.clone(),
        slug: f.slug.clone(),
        price: f.price.clone(),
    };
    match state.app.create_product(&admin.actor, &form).await {
        Ok(id) => {
            flash(session, "success", "admin.flash.product_created").await;
            Ok(see_other(&format!("/admin/products/{id}")))
        }
        Err(e) => refuse(state, req, e, |errors| new_product_page(&office, context! {
            category_id => form.category_id, name => &f.name, slug => &f.slug, price => &f.price,
        }, errors)).await,
    }
}

/// The value of field `key` in a form read as pairs.
fn pair_value(fields: &[(String, String)], key: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

/// POST /admin/products/{id}/options: `group_N` and `values_N` for each row.
pub async fn save_options(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let field = |key: String| pair_value(&fields, &key).unwrap_or_default();
    let rows: Vec<(String, String)> = (0..OPTION_ROWS)
        .map(|i| (field(format!("group_{i}")), field(format!("values_{i}"))))
        .collect();
    match state
        .app
        .save_product_options(&admin.actor, id, &rows)
        .await
    {
        Ok(outcome) => {
            let key = if outcome.deactivated.is_empty() {
                "admin.flash.options_saved"
            } else {
                "admin.flash.options_saved_deactivated"
            };
            flash(session, "success", key).await;
            Ok(see_other(&format!("/admin/products/{id}#options")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                let typed = Typed {
                    options: Some(rows.clone()),
                    ..Typed::default()
                };
                editor(&office, id, typed, errors)
            })
            .await
        }
    }
}

/// POST /admin/products/{id}/skus: `code_ID`, `extra_ID`, `active_ID` for each SKU.
pub async fn save_skus(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let value = |key: String| pair_value(&fields, &key);
    let rows: Vec<SkuEdit> = fields
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("code_")?.parse::<i64>().ok())
        .map(|sku| SkuEdit {
            id: sku,
            code: value(format!("code_{sku}")).unwrap_or_default(),
            extra_price: value(format!("extra_{sku}")).unwrap_or_default(),
            active: value(format!("active_{sku}")).is_some(),
            stock: value(format!("stock_{sku}")).unwrap_or_default(),
            stock_shown: value(format!("stock_shown_{sku}")).unwrap_or_default(),
        })
        .collect();
    match state.app.save_skus(&admin.actor, id, &rows).await {
        Ok(()) => {
            flash(session, "success", "admin.flash.skus_saved").await;
            Ok(see_other(&format!("/admin/products/{id}#skus")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                let typed = Typed {
                    skus: Some(rows.clone()),
                    ..Typed::default()
                };
                editor(&office, id, typed, errors)
            })
            .await
        }
    }
}

/// POST /admin/products/{id}/images (multipart, `files` several times).
pub async fn upload_images(
    office: BackOffice,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let files = match uploaded_files(&mut multipart, "files").await {
        Ok(files) => files,
        Err(response) => return Ok(response),
    };
    let bytes = files.into_iter().map(Into::into).collect();
    match state.app.add_product_images(&admin.actor, id, bytes).await {
        Ok(_) => {
            flash(session, "success", "admin.flash.images_added").await;
            Ok(see_other(&format!("/admin/products/{id}#images")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                editor(&office, id, Typed::default(), errors)
            })
            .await
        }
    }
}

/// The move form: `dir=up|down`.
#[derive(Debug, Default, Deserialize)]
pub struct MoveFields {
    #[serde(default)]
    dir: String,
}

/// POST /admin/products/{id}/images/{image}/move
pub async fn move_image(
    office: BackOffice,
    Path((id, image)): Path<(i64, i64)>,
    Form(f): Form<MoveFields>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    state
        .app
        .move_product_image(&admin.actor, id, image, f.dir == "up")
        .await?;
    Ok(see_other(&format!("/admin/products/{id}#images")))
}

/// POST /admin/products/{id}/images/{image}/delete
pub async fn delete_image(
    office: BackOffice,
    Path((id, image)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    state
        .app
        .remove_product_image(&admin.actor, id, image)
        .await?;
    flash(session, "success", "admin.flash.image_removed").await;
    Ok(see_other(&format!("/admin/products/{id}#images")))
}

//! The category tree in the back office: add, rename, move (never below itself), order, hide, delete when empty.

use super::BackOffice;
use crate::forms::{checked, refuse, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// `?edit=ID`.
#[derive(Debug, Default, Deserialize)]
pub struct CategoriesQuery {
    edit: Option<i64>,
}

/// Categories in tree order with their depth.
pub(super) fn tree_order(
    rows: &[jangteo_app::read_models::CategoryRow],
) -> Vec<(usize, &jangteo_app::read_models::CategoryRow)> {
    fn walk<'a>(
        rows: &'a [jangteo_app::read_models::CategoryRow],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(usize, &'a jangteo_app::read_models::CategoryRow)>,
    ) {
        if depth > 16 {
            return;
        }
        for r in rows.iter().filter(|r| r.parent_id == parent) {
            out.push((depth, r));
            walk(rows, Some(r.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(rows, None, 0, &mut out);
    out
}

async fn categories_page(
    office: &BackOffice,
    editing: Option<i64>,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let rows = state.app.admin_categories(&admin.actor).await?;
    let ordered = tree_order(&rows);
    office.page("admin/categories.html", "admin.nav.categories", context! {
        categories => ordered.iter().map(|(depth, c)| context! {
            id => c.id, name => &c.name, slug => &c.slug, depth => depth, position => c.position,
            visible => c.is_visible, edit_url => format!("/admin/categories?edit={}#category-form", c.id),
            indent => "— ".repeat(*depth),
        }).collect::<Vec<_>>(),
        editing => editing, form => form, errors => errors,
        action_url => editing.map_or_else(|| "/admin/categories".to_owned(), |id| format!("/admin/categories/{id}")),
        delete_url => editing.map(|id| format!("/admin/categories/{id}/delete")),
        can_write => admin.actor.can(Area::Catalog, Access::Write),
    })
    .await
}

/// GET /admin/categories
pub async fn categories(
    office: BackOffice,
    Query(q): Query<CategoriesQuery>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let form = match q.edit {
        Some(id) => {
            let rows = state.app.admin_categories(&admin.actor).await?;
            let c = rows.iter().find(|c| c.id == id).ok_or(WebError::NotFound)?;
            context! { name => &c.name, slug => &c.slug, parent_id => c.parent_id, position => c.position, visible => c.is_visible }
        }
        None => context! { visible => true, position => 0 },
    };
    categories_page(&office, q.edit, form, context! {}).await
}

/// The category form.
#[derive(Debug, Default, Deserialize)]
pub struct CategoryFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    position: String,
    visible: Option<String>,
}

async fn save_category(
    office: BackOffice,
    id: Option<i64>,
    f: CategoryFields,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let edit = jangteo_app::catalog::edit::CategoryEdit {
        parent_id: f.parent_id.trim().parse().ok(),
        slug: f.slug.clone(),
        name: f.name.clone(),
        position: f.position.trim().parse().unwrap_or(0),
        visible: checked(&f.visible),
    };
    match state.app.save_category(&admin.actor, id, &edit).await {
        Ok(_) => {
            flash(session, "success", "admin.flash.content_saved").await;
            Ok(see_other("/admin/categories"))
        }
        Err(e) => refuse(state, req, e, |errors| {
            categories_page(&office, id, context! {
                name => &f.name, slug => &f.slug, parent_id => edit.parent_id, position => &f.position, visible => edit.visible,
            }, errors)
        })
        .await,
    }
}

/// POST /admin/categories
pub async fn create_category(
    office: BackOffice,
    Form(f): Form<CategoryFields>,
) -> Result<Response, WebError> {
    save_category(office, None, f).await
}

/// POST /admin/categories/{id}
pub async fn update_category(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<CategoryFields>,
) -> Result<Response, WebError> {
    save_category(office, Some(id), f).await
}

/// POST /admin/categories/{id}/delete
pub async fn delete_category(
    office: BackOffice,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    match state.app.delete_category(&admin.actor, id).await {
        Ok(()) => flash(session, "success", "admin.flash.category_deleted").await,
        Err(jangteo_app::AppError::Conflict(_)) => {
            flash(session, "error", "error.conflict.category_in_use").await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/admin/categories"))
}

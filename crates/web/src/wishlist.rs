//! 찜 (wishlist) and 최근 본 상품 (recently viewed) in the shop (issue 17). The product page's
//! button keeps a product for a member (a visitor logs in first and comes back to the product);
//! My page lists them. Recently viewed products are kept in the visitor's session, only when
//! they have one already (an anonymous page stays cacheable).

use crate::auth::{AuthSession, RequireMember};
use crate::context::Req;
use crate::forms::{page, see_other};
use crate::session::flash;
use crate::state::AppState;
use crate::views::{PaginationView, ProductCardView, encode_component, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::wishlist::remember_viewed;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// Where the session keeps the recently viewed product ids, newest first.
const RECENT_KEY: &str = "recent_products";

/// The product page's form.
#[derive(Debug, Deserialize)]
pub struct KeepForm {
    product_id: i64,
    #[serde(default)]
    next: String,
}

/// `?page=`
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

/// `next` when it is a product page of this shop, otherwise `fallback` (never elsewhere).
pub(crate) fn product_page_or(next: &str, fallback: &str) -> String {
    if next.starts_with("/products/") && !next.contains("//") {
        next.to_owned()
    } else {
        fallback.to_owned()
    }
}

/// The login page, coming back to `back` afterwards (a visitor's product-page form).
pub(crate) fn log_in_then(back: &str) -> Response {
    see_other(&format!("/account/login?next={}", encode_component(back)))
}

/// POST /wishlist
pub async fn keep(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Form(form): Form<KeepForm>,
) -> Result<Response, WebError> {
    let back = product_page_or(&form.next, "/account/wishlist");
    let Some(member) = auth.user else {
        return Ok(log_in_then(&back));
    };
    let added = state
        .app
        .add_to_wishlist(member.id, form.product_id)
        .await?;
    let key = if added {
        "flash.wishlist_added"
    } else {
        "flash.wishlist_already"
    };
    flash(&session, "success", key).await;
    Ok(see_other(&back))
}

/// POST /account/wishlist/{product}/remove
pub async fn remove(
    State(state): State<AppState>,
    session: Session,
    RequireMember(m): RequireMember,
    Path(product): Path<i64>,
) -> Result<Response, WebError> {
    state.app.remove_from_wishlist(m.id, product).await?;
    flash(&session, "success", "flash.wishlist_removed").await;
    Ok(see_other("/account/wishlist"))
}

/// GET /account/wishlist
pub async fn list(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let kept = state.app.wishlist(m.id, q.page.unwrap_or(1)).await?;
    let media = state.app.config.media_url();
    let pagination = PaginationView::new(&kept, |n| format!("/account/wishlist?page={n}"));
    page(
        &state,
        &req,
        "account/wishlist.html",
        "account.wishlist_title",
        context! {
            products => val(ProductCardView::list(&kept.items, &media)),
            ids => kept.items.iter().map(|p| p.id.get()).collect::<Vec<_>>(),
            pagination => val(pagination),
        },
    )
    .await
}

/// Puts `product` first among the session's recently viewed products (no session: nothing).
pub(crate) async fn remember(session: &Session, product: i64) {
    if session.id().is_none() {
        return;
    }
    let mut recent: Vec<i64> = session
        .get(RECENT_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    remember_viewed(&mut recent, product);
    if let Err(e) = session.insert(RECENT_KEY, recent).await {
        tracing::warn!(error = %e, "could not keep the recently viewed products");
    }
}

/// The session's recently viewed products as cards (newest first, `except` left out).
pub(crate) async fn recent_cards(
    state: &AppState,
    session: &Session,
    except: Option<i64>,
) -> Result<Vec<ProductCardView>, WebError> {
    let recent: Vec<i64> = session
        .get::<Vec<i64>>(RECENT_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .filter(|id| Some(*id) != except)
        .collect();
    let cards = state.app.product_cards(&recent).await?;
    Ok(ProductCardView::list(&cards, &state.app.config.media_url()))
}

//! The cart page and its forms (add, change quantity, remove).

use crate::auth::AuthSession;
use crate::context::Req;
use crate::forms::{page, see_other};
use crate::order_views::{cart_line, summary};
use crate::session::{flash, guest_cart, set_guest_cart};
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::cart::{CartLine, CartOwner};
use jangteo_app::checkout::DiscountChoice;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// The cart lines of this visitor (member table or guest session).
pub async fn current_lines(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
) -> Result<Vec<CartLine>, WebError> {
    match &auth.user {
        Some(m) => Ok(state.app.cart_lines(&CartOwner::Member(m.id)).await?),
        None => Ok(guest_cart(session).await),
    }
}

/// Runs a cart change for this visitor, keeping a guest's lines in the session.
async fn change_cart<F>(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    change: F,
) -> Result<(), AppError>
where
    F: for<'a> FnOnce(&'a AppState, CartOwner<'a>) -> futures_lite::BoxedCart<'a>,
{
    match &auth.user {
        Some(m) => change(state, CartOwner::Member(m.id)).await,
        None => {
            let mut lines = guest_cart(session).await;
            let result = change(state, CartOwner::Guest(&mut lines)).await;
            if result.is_ok() {
                set_guest_cart(session, &lines).await;
            }
            result
        }
    }
}

/// Boxed future type of a cart change.
mod futures_lite {
    use jangteo_app::AppError;
    use std::future::Future;
    use std::pin::Pin;
    /// A boxed cart change.
    pub type BoxedCart<'a> = Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;
}

/// GET /cart
pub async fn show_cart(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
) -> Result<Response, WebError> {
    let lines = current_lines(&state, &auth, &session).await?;
    let member = match &auth.user {
        Some(m) => Some(state.app.active_member(m.id).await?),
        None => None,
    };
    let quote = state
        .app
        .quote(
            member.as_ref(),
            &lines,
            &DiscountChoice::default(),
            None,
            state.app.now(),
        )
        .await?;
    let views: Vec<_> = quote
        .lines
        .iter()
        .map(|l| cart_line(&state, &req, l))
        .collect();
    page(
        &state,
        &req,
        "cart/cart.html",
        "cart.title",
        context! {
            lines => views,
            summary => summary(&state, &req, &quote),
            has_problems => quote.lines.iter().any(|l| !l.problems.is_empty()),
            checkout_url => "/checkout",
        },
    )
    .await
}

/// The add-to-cart form of the product page.
#[derive(Debug, Deserialize)]
pub struct AddForm {
    sku_id: Option<String>,
    quantity: Option<String>,
    action: Option<String>,
}

fn back_to(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("/products/").map(|i| r[i..].to_owned()))
        .unwrap_or_else(|| "/cart".to_owned())
}

/// POST /cart/items
pub async fn add_item(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<AddForm>,
) -> Result<Response, WebError> {
    let Some(sku_id) = form
        .sku_id
        .as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
    else {
        flash(&session, "error", "flash.choose_options").await;
        return Ok(see_other(&back_to(&headers)));
    };
    let quantity = form
        .quantity
        .as_deref()
        .and_then(|q| q.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 99);
    let result = change_cart(&state, &auth, &session, |s, owner| {
        Box::pin(s.app.add_to_cart(owner, sku_id, quantity))
    })
    .await;
    match result {
        Ok(()) if form.action.as_deref() == Some("buy") => Ok(see_other("/checkout")),
        Ok(()) => {
            flash(&session, "success", "flash.added_to_cart").await;
            Ok(see_other("/cart"))
        }
        Err(AppError::Conflict("gift_cards_alone")) => {
            flash(&session, "error", "error.conflict.gift_cards_alone").await;
            Ok(see_other(&back_to(&headers)))
        }
        Err(AppError::Conflict(_)) => {
            flash(&session, "error", "flash.sold_out").await;
            Ok(see_other(&back_to(&headers)))
        }
        Err(e) => Err(e.into()),
    }
}

/// Quantity form.
#[derive(Debug, Deserialize)]
pub struct QuantityForm {
    quantity: Option<String>,
}

/// POST /cart/items/{sku_id}
pub async fn update_item(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(sku_id): Path<i64>,
    Form(form): Form<QuantityForm>,
) -> Result<Response, WebError> {
    let quantity = form
        .quantity
        .as_deref()
        .and_then(|q| q.trim().parse::<i64>().ok())
        .unwrap_or(1);
    change_cart(&state, &auth, &session, |s, owner| {
        Box::pin(s.app.set_cart_quantity(owner, sku_id, quantity))
    })
    .await?;
    Ok(see_other("/cart"))
}

/// POST /cart/items/{sku_id}/delete
pub async fn delete_item(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(sku_id): Path<i64>,
) -> Result<Response, WebError> {
    change_cart(&state, &auth, &session, |s, owner| {
        Box::pin(s.app.remove_from_cart(owner, sku_id))
    })
    .await?;
    flash(&session, "info", "flash.removed_from_cart").await;
    Ok(see_other("/cart"))
}

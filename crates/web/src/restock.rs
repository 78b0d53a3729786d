//! 재입고 알림 in the shop (issue 17): the sold-out SKU's form on the product page; a visitor logs
//! in first and comes back to the product.

use crate::auth::AuthSession;
use crate::forms::see_other;
use crate::session::flash;
use crate::state::AppState;
use crate::web_error::WebError;
use crate::wishlist::{log_in_then, product_page_or};
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use jangteo_app::AppError;
use serde::Deserialize;
use tower_sessions::Session;

/// The product page's form.
#[derive(Debug, Deserialize)]
pub struct AskForm {
    sku_id: i64,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    next: String,
}

/// POST /restock-alerts
pub async fn ask(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Form(form): Form<AskForm>,
) -> Result<Response, WebError> {
    // The top of the product page, where the message is.
    let back = product_page_or(&form.next, "/");
    let Some(member) = auth.user else {
        return Ok(log_in_then(&back));
    };
    let channel = if form.channel.is_empty() {
        "email"
    } else {
        form.channel.as_str()
    };
    match state
        .app
        .ask_restock_alert(member.id, form.sku_id, channel)
        .await
    {
        Ok(()) => {
            let key = if channel == "text" {
                "flash.restock_text"
            } else {
                "flash.restock_email"
            };
            flash(&session, "success", key).await;
        }
        Err(AppError::Conflict(code)) => {
            flash(&session, "error", &format!("error.conflict.{code}")).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&back))
}

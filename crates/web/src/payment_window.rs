//! The payment page of a gateway whose window opens from the shop's own page (Toss Payments,
//! PortOne): the gateway's SDK and `requestPayment` with the order's amount and return addresses. The
//! page's content-security policy lets in exactly the gateway's origins.

use crate::context::Req;
use crate::forms::page;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use jangteo_app::orders::PaymentWindow;
use minijinja::context;

/// Renders the payment page of order `number`.
pub async fn show(
    state: &AppState,
    req: &Req,
    number: &str,
    window: &PaymentWindow,
) -> Result<Response, WebError> {
    let params = &window.params;
    let mut response = page(
        state,
        req,
        "checkout/pay.html",
        "payment.window_title",
        context! {
            number => number,
            sdk => window.sdk,
            sdk_url => &window.sdk_url,
            client_key => &window.client_key,
            method => &window.method,
            params => params.to_string(),
            order_name => params["orderName"].as_str().unwrap_or_default(),
            amount => params["amount"].as_i64().or_else(|| params["totalAmount"].as_i64()).unwrap_or_default(),
        },
    )
    .await?;
    let_in_origins(&mut response, &window.origins);
    Ok(response)
}

/// Sets a page's content-security policy to let in exactly a provider's `origins` (its SDK
/// and the windows it opens) besides our own.
pub(crate) fn let_in_origins(response: &mut Response, origins: &[String]) {
    let origins = origins.join(" ");
    let policy = format!(
        "default-src 'self'; script-src 'self' {origins}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: https:; font-src 'self' data:; connect-src 'self' {origins}; \
         frame-src 'self' {origins}; frame-ancestors 'self'; object-src 'none'; base-uri 'self'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

//! Checkout: the one-page form, placing the order, the payment round trip through the gateway
//! (success/fail returns) and the built-in test gateway's payment window.

use crate::auth::AuthSession;
use crate::cart_pages::current_lines;
use crate::context::Req;
use crate::forms::{checked, form_errors, page, refused_status, see_other, t, with_status};
use crate::order_views::{cart_line, coupon_view, method_label, order_detail, summary};
use crate::orders::buyer;
use crate::session::{
    clear_guest_cart, failed_checkout, flash, forget_failed_checkout, grant_guest_order,
};
use crate::state::AppState;
use crate::views::val;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::checkout::DiscountChoice;
use jangteo_app::orders::{NextStep, PlaceOrderInput};
use jangteo_app::read_models::{AddressRow, MemberRow, OrderRow};
use jangteo_core::digital::Contents;
use jangteo_core::member::format_mobile;
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::BTreeMap;
use tower_sessions::Session;

/// The checkout form (every field optional so that nothing typed is lost on an error).
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CheckoutForm {
    checkout_token: String,
    orderer_name: String,
    orderer_mobile: String,
    orderer_email: String,
    address_id: String,
    recipient_name: String,
    recipient_mobile: String,
    postcode: String,
    address1: String,
    address2: String,
    delivery_memo: String,
    coupon_id: String,
    coupon_code: String,
    points: String,
    payment_method: String,
    depositor_name: String,
    guest_password: String,
    guest_password_confirm: String,
    agree: Option<String>,
    agree_guest_privacy: Option<String>,
    save_address: Option<String>,
    escrow: Option<String>,
    cash_receipt: String,
    cash_receipt_number: String,
    recalculate: Option<String>,
    expected_total: String,
}

impl CheckoutForm {
    /// The form as typed for an order whose payment did not go through (the order password is
    /// kept with that order, not here).
    fn typed_for(o: &OrderRow) -> CheckoutForm {
        CheckoutForm {
            orderer_name: o.orderer_name.clone(),
            orderer_mobile: format_mobile(&o.orderer_mobile),
            orderer_email: o.orderer_email.clone(),
            recipient_name: o.recipient_name.clone(),
            recipient_mobile: format_mobile(&o.recipient_mobile),
            postcode: o.postcode.clone(),
            address1: o.address1.clone(),
            address2: o.address2.clone(),
            delivery_memo: o.delivery_memo.clone(),
            payment_method: o.payment_method.as_str().to_owned(),
            depositor_name: o.depositor_name.clone().unwrap_or_default(),
            ..CheckoutForm::default()
        }
    }

    fn discounts(&self) -> DiscountChoice {
        DiscountChoice {
            coupon_id: self.coupon_id.trim().parse().ok(),
            coupon_code: Some(self.coupon_code.clone()).filter(|c| !c.trim().is_empty()),
            points: self.points.trim().replace(',', "").parse().unwrap_or(0),
        }
    }
}

/// `?guest=1`.
#[derive(Debug, Deserialize)]
pub struct CheckoutQuery {
    guest: Option<String>,
}

/// A member's first checkout form: their name, mobile and e-mail, and their default address.
fn prefill_from_member(
    form_value: &mut serde_json::Value,
    m: &MemberRow,
    addresses: &[AddressRow],
) {
    form_value["orderer_name"] = m.name.clone().into();
    form_value["orderer_mobile"] = m
        .mobile
        .as_deref()
        .map(format_mobile)
        .unwrap_or_default()
        .into();
    form_value["orderer_email"] = m.email.clone().unwrap_or_default().into();
    if let Some(a) = addresses.iter().find(|a| a.is_default) {
        form_value["address_id"] = a.id.to_string().into();
        form_value["recipient_name"] = a.recipient.clone().into();
        form_value["recipient_mobile"] = format_mobile(&a.mobile).into();
        form_value["postcode"] = a.postcode.clone().into();
        form_value["address1"] = a.address1.clone().into();
        form_value["address2"] = a.address2.clone().into();
    }
}

/// A saved address as the checkout's address book shows it.
fn address_view(a: &AddressRow) -> Value {
    context! { id => a.id, label => &a.label, recipient => &a.recipient,
    mobile => format_mobile(&a.mobile), postcode => &a.postcode, address1 => &a.address1, address2 => &a.address2,
    is_default => a.is_default }
}

/// The payment methods the shop offers now, with their descriptions.
fn method_views(state: &AppState, req: &Req, enabled: &[&str]) -> Vec<Value> {
    enabled
        .iter()
        .map(|code| context! { code => *code, label => method_label(state, req, code), description => t(state, req, &format!("checkout.method_desc.{code}")) })
        .collect()
}

fn new_token() -> Result<String, WebError> {
    Ok(jangteo_app::auth::tokens::random_token()?[..32].to_owned())
}

async fn checkout_page(
    state: &AppState,
    req: &Req,
    auth: &AuthSession,
    session: &Session,
    form: &CheckoutForm,
    errors: BTreeMap<String, String>,
) -> Result<Option<Response>, WebError> {
    let member = match &auth.user {
        Some(m) => Some(state.app.active_member(m.id).await?),
        None => None,
    };
    let quote = checkout_quote(state, auth, session, member.as_ref(), form).await?;
    if quote.contents == Contents::Mixed {
        flash(session, "error", "error.conflict.gift_cards_alone").await;
        return Ok(None);
    }
    if let Some(detour) =
        crate::identity_pages::identity_detour(state, auth, session, &quote.lines).await?
    {
        return Ok(Some(detour));
    }
    let ships = quote.contents.ships();
    let Some(summary_view) = summary(state, req, &quote) else {
        return Ok(None);
    };
    let (addresses, coupons) = match &member {
        Some(m) => (
            state.app.addresses(m.id).await?,
            state.app.usable_coupons(m.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let mut form_value = serde_json::to_value(form).unwrap_or_default();
    if let Some(m) = &member
        && form.orderer_name.is_empty()
    {
        prefill_from_member(&mut form_value, m, &addresses);
    }
    let enabled = state.app.payment_methods().await?;
    if form.payment_method.is_empty()
        && let Some(first) = enabled.first()
    {
        form_value["payment_method"] = (*first).into();
    }
    form_value["guest_password"] = "".into();
    form_value["guest_password_confirm"] = "".into();
    let token = if form.checkout_token.is_empty() {
        new_token()?
    } else {
        form.checkout_token.clone()
    };
    let views: Vec<_> = quote
        .lines
        .iter()
        .filter(|l| l.orderable)
        .map(|l| cart_line(state, req, l))
        .collect();
    let total = quote.breakdown.as_ref().map_or(0, |b| b.total.get());
    form_value["expected_total"] = total.to_string().into();
    let response = page(
        state,
        req,
        "checkout/checkout.html",
        "checkout.title",
        context! {
            lines => views,
            summary => summary_view,
            form => val(form_value),
            errors => val(errors),
            is_member => member.is_some(),
            addresses => addresses.iter().map(address_view).collect::<Vec<_>>(),
            coupons => coupons.iter().map(|c| coupon_view(state, req, c)).collect::<Vec<_>>(),
            points => points_view(state, quote.points_balance),
            payment_methods => method_views(state, req, &enabled),
            ships => ships,
            pins_sent_to => if ships { None } else { crate::shop::pins_sent_to(state, req).await? },
            escrow => escrow_view(state, form, ships).await?,
            bank_account => val(&state.app.config.checkout.bank_account),
            checkout_token => token,
            terms_url => Value::from(()),
            // After a payment that did not go through: the form is filled in from that order, and
            // a guest may leave the order password empty to keep the one typed then.
            retrying => failed_checkout(session).await.is_some(),
        },
    )
    .await?;
    Ok(Some(response))
}

/// The cart priced with the form's discounts and postcode.
async fn checkout_quote(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    member: Option<&MemberRow>,
    form: &CheckoutForm,
) -> Result<jangteo_app::checkout::Quote, WebError> {
    let lines = current_lines(state, auth, session).await?;
    let postcode = Some(form.postcode.trim()).filter(|p| p.len() == 5);
    let now = state.app.now();
    Ok(state
        .app
        .quote(member, &lines, &form.discounts(), postcode, now)
        .await?)
}

/// The points a member may use and the shop's rules for them.
fn points_view(state: &AppState, balance: i64) -> Value {
    let policy = state.app.points_policy();
    context! {
        balance => balance, usable => balance >= policy.min_balance.get(),
        min_balance => policy.min_balance.get(), min_use => policy.min_use.get(), step => policy.step.get().max(1),
    }
}

/// The escrow choice: the methods it applies to (none for gift-card codes, delivered at once)
/// and whether it is ticked (the owner's default on a fresh page, the buyer's choice after).
async fn escrow_view(
    state: &AppState,
    form: &CheckoutForm,
    ships: bool,
) -> Result<Value, WebError> {
    let methods = if ships {
        state.app.escrow_methods().await?
    } else {
        Vec::new()
    };
    let ticked = if form.checkout_token.is_empty() {
        state.app.escrow_settings().default_on
    } else {
        checked(&form.escrow)
    };
    Ok(context! { methods => methods, checked => ticked })
}

/// The buyer's own order whose payment did not go through, if checkout should start from it.
async fn failed_order(state: &AppState, auth: &AuthSession, session: &Session) -> Option<OrderRow> {
    let number = failed_checkout(session).await?;
    let actor = buyer(state, auth, session, &number).await.ok()?;
    state.app.order_for(&number, &actor).await.ok()
}

/// GET /checkout
pub async fn show_checkout(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Query(q): Query<CheckoutQuery>,
) -> Result<Response, WebError> {
    if auth.user.is_none() && q.guest.is_none() {
        return Ok(see_other("/account/login?next=%2Fcheckout"));
    }
    let form = match failed_order(&state, &auth, &session).await {
        Some(order) => CheckoutForm::typed_for(&order),
        None => CheckoutForm::default(),
    };
    match checkout_page(&state, &req, &auth, &session, &form, BTreeMap::new()).await? {
        Some(r) => Ok(r),
        None => Ok(see_other("/cart")),
    }
}

/// POST /checkout
pub async fn place_order(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    headers: axum::http::HeaderMap,
    Form(form): Form<CheckoutForm>,
) -> Result<Response, WebError> {
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if checked(&form.recalculate) {
        return match checkout_page(&state, &req, &auth, &session, &form, BTreeMap::new()).await? {
            Some(r) => Ok(r),
            None => Ok(see_other("/cart")),
        };
    }
    let lines = current_lines(&state, &auth, &session).await?;
    let input = PlaceOrderInput {
        checkout_token: form.checkout_token.clone(),
        orderer_name: form.orderer_name.clone(),
        orderer_mobile: form.orderer_mobile.clone(),
        orderer_email: form.orderer_email.clone(),
        recipient_name: form.recipient_name.clone(),
        recipient_mobile: form.recipient_mobile.clone(),
        postcode: form.postcode.clone(),
        address1: form.address1.clone(),
        address2: form.address2.clone(),
        delivery_memo: form.delivery_memo.clone(),
        payment_method: form.payment_method.clone(),
        depositor_name: form.depositor_name.clone(),
        discounts: form.discounts(),
        guest_password: form.guest_password.clone(),
        guest_password_confirm: form.guest_password_confirm.clone(),
        agree: checked(&form.agree),
        agree_guest_privacy: checked(&form.agree_guest_privacy),
        save_address: checked(&form.save_address) && form.address_id.is_empty(),
        escrow: checked(&form.escrow),
        cash_receipt: form.cash_receipt.clone(),
        cash_receipt_number: form.cash_receipt_number.clone(),
        expected_total: form.expected_total.trim().parse().ok(),
        channel: jangteo_core::order::channel_of_user_agent(&user_agent).to_owned(),
        earlier_guest_orders: if auth.user.is_some() {
            Vec::new()
        } else {
            crate::session::guest_orders(&session).await
        },
        identity: crate::session::identity_proof(&session).await,
    };
    let member_id = auth.user.as_ref().map(|m| m.id);
    match state.app.place_order(member_id, &lines, &input).await {
        Ok(placed) => {
            forget_failed_checkout(&session).await;
            if member_id.is_none() {
                grant_guest_order(&session, &placed.number).await;
            }
            match placed.next {
                NextStep::Pay(url) => Ok(see_other(&url)),
                NextStep::Window(_) => Ok(see_other(&format!("/checkout/pay/{}", placed.number))),
                NextStep::Complete => {
                    if member_id.is_none() {
                        clear_guest_cart(&session).await;
                    }
                    Ok(see_other(&format!("/orders/{}/complete", placed.number)))
                }
            }
        }
        Err(AppError::Conflict(code @ ("sold_out" | "cart_empty" | "gift_cards_alone"))) => {
            flash(&session, "error", &format!("error.conflict.{code}")).await;
            Ok(see_other("/cart"))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => {
                match checkout_page(&state, &req, &auth, &session, &form, errors).await? {
                    Some(r) => Ok(with_status(r, refused_status(&e))),
                    None => Ok(see_other("/cart")),
                }
            }
            None => Err(e.into()),
        },
    }
}

/// GET /checkout/pay/{number}: (re)starts the payment of an unpaid order; a gateway whose
/// window opens from our page gets that page.
pub async fn pay_order(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    buyer(&state, &auth, &session, &number).await?;
    match state.app.start_payment(&number).await?.next {
        NextStep::Pay(url) => Ok(see_other(&url)),
        NextStep::Window(window) => {
            crate::payment_window::show(&state, &req, &number, &window).await
        }
        NextStep::Complete => Ok(see_other(&format!("/orders/{number}/complete"))),
    }
}

/// GET /orders/{number}/complete
pub async fn show_complete(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let order = state.app.order_for(&number, &actor).await?;
    let detail = order_detail(&state, &req, &order).await?;
    page(
        &state,
        &req,
        "checkout/complete.html",
        "checkout.complete_title",
        context! { order => detail },
    )
    .await
}

/// GET /payments/test/{attempt}: the test gateway's payment window.
pub async fn show_test_gateway(
    State(state): State<AppState>,
    req: Req,
    Path(attempt): Path<String>,
) -> Result<Response, WebError> {
    let (payment, order) = state
        .app
        .test_payment_window(&attempt)
        .await?
        .ok_or(WebError::NotFound)?;
    let (lines, _, _) = state.app.order_details(&order).await?;
    let first = lines
        .first()
        .map_or(String::new(), |l| l.product_name.clone());
    let count = lines.iter().filter(|l| !l.is_gift).count();
    let order_name = if count > 1 {
        format!("{first} 외 {}건", count - 1)
    } else {
        first
    };
    page(&state, &req, "payments/test_gateway.html", "payment.test_title", context! {
        payment => context! { order_name => order_name, amount => payment.amount.get(),
            method_label => method_label(&state, &req, payment.method.as_str()), order_number => &order.number },
        approve_url => format!("/payments/test/{attempt}/approve"),
        decline_url => format!("/payments/test/{attempt}/decline"),
    })
    .await
}

/// POST /payments/test/{attempt}/approve
pub async fn approve_test_payment(
    State(state): State<AppState>,
    Path(attempt): Path<String>,
) -> Result<Response, WebError> {
    Ok(see_other(&state.app.test_gateway_approve(&attempt).await?))
}

/// POST /payments/test/{attempt}/decline
pub async fn decline_test_payment(Path(attempt): Path<String>) -> Response {
    see_other(&format!(
        "/checkout/fail?code=PAY_PROCESS_CANCELED&message={}&orderId={}",
        crate::views::encode_component("사용자가 결제를 취소했습니다."),
        crate::views::encode_component(&attempt)
    ))
}

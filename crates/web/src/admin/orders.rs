//! Back-office orders: the filtered list, the detail page with timeline, memos and the state
//! changes the state machine allows, and the printable packing slip.

use super::{Admin, BackOffice};
use crate::context::Req;
use crate::forms::{refuse, see_other, t};
use crate::session::flash;
use crate::state::AppState;
use crate::views::{PaginationView, encode_component, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use chrono::NaiveDate;
use jangteo_app::admin::orders::{OrderQuery, StaffOrderAction};
use jangteo_app::read_models::OrderRow;
use jangteo_core::channels::{SALES_CHANNELS, sales_channel};
use jangteo_core::digital::{self, IssuedCodes};
use jangteo_core::member::{format_mobile, mask_mobile, mask_name};
use jangteo_core::order::{OrderEvent, OrderStatus};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// `?status=&method=&from=&to=&q=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct OrdersQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    /// `1`: also the orders cancelled before payment.
    unpaid: Option<String>,
    page: Option<u32>,
}

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

fn status_label(state: &AppState, req: &Req, status: &str) -> String {
    t(state, req, &format!("order.status.{status}"))
}

fn method_label(state: &AppState, req: &Req, method: &str) -> String {
    t(state, req, &format!("payment.method.{method}"))
}

/// GET /admin/orders
pub async fn list(office: BackOffice, Query(q): Query<OrdersQuery>) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let query = order_query(&q);
    let (status, method) = (query.status.clone(), query.method.clone());
    let list = state
        .app
        .staff_orders(&admin.actor, &query, q.page.unwrap_or(1), 30)
        .await?;
    let params = format!(
        "status={status}&method={method}&channel={}&from={}&to={}&q={}{}",
        query.channel,
        encode_component(&q.from),
        encode_component(&q.to),
        encode_component(&q.q),
        if query.with_unpaid_cancellations {
            "&unpaid=1"
        } else {
            ""
        },
    );
    let pagination = PaginationView::new(&list, |n| format!("/admin/orders?{params}&page={n}"));
    let rows: Vec<Value> = list
        .items
        .iter()
        .map(|o| {
            context! {
                number => &o.number, url => format!("/admin/orders/{}", o.number),
                placed_at => o.placed_at.to_rfc3339(), status => o.status.as_str(),
                status_label => crate::order_views::shown_status(state, req, o),
                method_label => method_label(state, req, o.payment_method.as_str()),
                orderer => mask_name(&o.orderer_name), mobile => mask_mobile(&o.orderer_mobile),
                total => o.total.get(), guest => o.member_id.is_none(),
                channel_label => t(state, req, &format!("admin.channel.{}", sales_channel(&o.channel, o.marketplace.as_deref()))),
            }
        })
        .collect();
    office.page("admin/orders.html", "admin.nav.orders", context! {
        orders => rows, pagination => val(pagination),
        filter => context! {
            status => status, method => method, channel => &query.channel, from => &q.from, to => &q.to, q => &q.q,
            unpaid => query.with_unpaid_cancellations,
        },
        channels => SALES_CHANNELS.iter().map(|c| context! { code => *c, label => t(state, req, &format!("admin.channel.{c}")) }).collect::<Vec<_>>(),
        export_url => format!("/admin/orders.xlsx?{params}"),
        export_csv_url => format!("/admin/orders.csv?{params}"),
        can_export => admin.actor.sees_order_personal_data(),
        can_write => admin.actor.can(Area::Orders, Access::Write),
        statuses => OrderStatus::ALL.iter().map(|s| context! { code => s.as_str(), label => status_label(state, req, s.as_str()) }).collect::<Vec<_>>(),
        methods => jangteo_app::orders::PAYMENT_METHODS.iter().map(|m| context! { code => *m, label => method_label(state, req, m) }).collect::<Vec<_>>(),
    })
    .await
}

fn allowed(status: OrderStatus, event: &OrderEvent) -> bool {
    status.apply(event).is_ok()
}

/// The payment as the staff order page shows it.
fn payment_view(state: &AppState, req: &Req, p: jangteo_app::read_models::PaymentRow) -> Value {
    context! {
        status_label => t(state, req, &format!("payment.status.{}", p.status.as_str())),
        escrow => jangteo_app::orders::escrow::escrow_state(&p),
        provider => p.provider, status => p.status.as_str(), approved => p.approved_amount.get(), cancelled => p.cancelled_amount.get(),
        card_company => p.card_company, va_bank => p.va_bank, va_account => p.va_account,
    }
}

/// The moves staff may make on the order now (`codes`: its gift-card PINs, which withdraw a
/// delivered order instead of returning it).
fn actions_view(order: &OrderRow, can_write: bool, codes: IssuedCodes) -> Value {
    let status: OrderStatus = order.status;
    // A marketplace's order is cancelled and returned at the marketplace.
    let at_shop = order.marketplace.is_none();
    context! {
        confirm_deposit => can_write && order.payment_method.is_manual() && allowed(status, &OrderEvent::DepositReceived),
        prepare => can_write && allowed(status, &OrderEvent::PreparationStarted),
        ship => can_write && status.can_ship(),
        deliver => can_write && allowed(status, &OrderEvent::Delivered),
        cancel => can_write && at_shop && digital::may_cancel(status, true, codes),
        partial_cancel => can_write && at_shop && digital::may_cancel_partially(status, codes),
    }
}

/// The marketplace an imported order came from, and its waybill's way back.
async fn channel_view(
    state: &AppState,
    admin: &Admin,
    order: &OrderRow,
) -> Result<Option<Value>, WebError> {
    let link = state
        .app
        .channel_order_of(&admin.actor, order.id.get())
        .await?;
    Ok(link.map(|c| context! {
        name => jangteo_core::channels::Marketplace::from_code(&c.marketplace).map(|m| m.korean_name()),
        external_id => c.external_id, stock_short => c.stock_short,
        dispatched_at => c.dispatched_at.map(|d| d.to_rfc3339()), dispatch_error => c.dispatch_error,
    }))
}

async fn detail_view(
    state: &AppState,
    req: &Req,
    admin: &Admin,
    order: &OrderRow,
) -> Result<Value, WebError> {
    let (lines, events, payment) = state.app.order_details(order).await?;
    let memos = state.app.order_memos(&admin.actor, order.id).await?;
    let refunds = state.app.order_refunds(&admin.actor, order.id).await?;
    let status: OrderStatus = order.status;
    let can_write = admin.actor.can(Area::Orders, Access::Write);
    let full = admin.actor.sees_order_personal_data();
    let person = |name: &str, mobile: &str| {
        if full {
            (name.to_owned(), format_mobile(mobile))
        } else {
            (mask_name(name), mask_mobile(mobile))
        }
    };
    let claims = state.app.claims_of_order(order.id).await?;
    let codes = state.app.pin_summary(order).await?;
    let refund_account = match can_write {
        true => {
            let url = format!("/admin/orders/{}/action", order.number);
            crate::refund_account_view::refund_account_block(state, order, url).await?
        }
        false => None,
    };
    let (orderer_name, orderer_mobile) = person(&order.orderer_name, &order.orderer_mobile);
    let (recipient_name, recipient_mobile) = person(&order.recipient_name, &order.recipient_mobile);
    Ok(context! {
        refund_account => refund_account,
        channel => channel_view(state, admin, order).await?,
        shipments => crate::order_shipments::shipments_view(state, req, order, &lines).await?,
        cash_receipt => state.app.cash_receipt_of(order.id).await?.map(|r| crate::order_views::cash_receipt_view(state, req, &r)),
        number => &order.number, status => order.status.as_str(), status_label => crate::order_views::shown_status(state, req, order),
        codes => (codes.issued > 0).then(|| context! { issued => codes.issued, seen => codes.seen }),
        placed_at => order.placed_at.to_rfc3339(), paid_at => order.paid_at.map(|d| d.to_rfc3339()),
        method_label => method_label(state, req, order.payment_method.as_str()),
        member_id => order.member_id, guest => order.member_id.is_none(),
        orderer => context! { name => orderer_name, mobile => orderer_mobile,
            email => if full { order.orderer_email.clone() } else { jangteo_core::member::mask_email(&order.orderer_email) } },
        recipient => context! { name => recipient_name, mobile => recipient_mobile, postcode => &order.postcode,
            address1 => &order.address1, address2 => if full { order.address2.clone() } else { "***".to_owned() },
            memo => &order.delivery_memo },
        depositor => &order.depositor_name,
        lines => lines.iter().map(|l| context! {
            name => &l.product_name, option => &l.option_label, unit_price => l.unit_price.get(), quantity => l.quantity,
            cancelled => l.quantity_cancelled, total => l.total.get(), gift => l.is_gift,
            id => l.id, left => l.quantity - l.quantity_cancelled,
        }).collect::<Vec<_>>(),
        amounts => context! {
            items => order.items_subtotal.get(), grade_discount => order.grade_discount.get(), coupon_discount => order.coupon_discount.get(),
            shipping => (order.shipping_fee + order.remote_surcharge).get(), points => order.points_used, total => order.total.get(),
        },
        payment => payment.map(|p| payment_view(state, req, p)),
        shipment => order.carrier.as_ref().map(|c| context! {
            carrier => crate::order_views::carrier_label(state, req, c),
            waybill => &order.waybill,
            tracking_url => order.waybill.as_deref().and_then(|w| jangteo_core::carrier::tracking_url(c, w)),
        }),
        timeline => events.iter().map(|e| context! {
            at => e.created_at.to_rfc3339(), label => t(state, req, &format!("order.event.{}", e.event)),
            actor => &e.actor, note => &e.note,
        }).collect::<Vec<_>>(),
        memos => memos.iter().map(|m| context! { at => m.created_at.to_rfc3339(), by => &m.staff_email, body => &m.body }).collect::<Vec<_>>(),
        can_write => can_write,
        actions => actions_view(order, can_write, codes),
        refunds => refunds.iter().map(|r| context! {
            at => r.created_at.to_rfc3339(), amount => r.amount.get(), points => r.points_restored,
            reason => &r.reason, actor => &r.actor,
        }).collect::<Vec<_>>(),
        claims => claims.iter().map(|(c, _)| crate::order_views::claim_view(state, req, c)).collect::<Vec<_>>(),
        claim_new_url => (can_write && order.marketplace.is_none() && digital::may_file_claim(status, codes))
            .then(|| format!("/admin/orders/{}/claims/new", order.number)),
        partial_cancel_url => format!("/admin/orders/{}/partial-cancel", order.number),
        action_url => format!("/admin/orders/{}/action", order.number),
        ship_url => format!("/admin/orders/{}/ship", order.number),
        memo_url => format!("/admin/orders/{}/memos", order.number),
        slip_url => format!("/admin/orders/{}/slip", order.number),
        carriers => jangteo_core::carrier::CARRIERS.iter().map(|c| context! {
            code => c.code, name => crate::order_views::carrier_label(state, req, c.code),
        }).collect::<Vec<_>>(),
    })
}

pub(super) async fn detail_page(
    office: &BackOffice,
    number: &str,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let order = state.app.staff_order(&admin.actor, number).await?;
    let view = detail_view(state, req, admin, &order).await?;
    office
        .page(
            "admin/order.html",
            "admin.nav.orders",
            context! { order => view, form => form, errors => errors },
        )
        .await
}

/// GET /admin/orders/{number}
pub async fn show(office: BackOffice, Path(number): Path<String>) -> Result<Response, WebError> {
    detail_page(&office, &number, context! {}, context! {}).await
}

/// The action form.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    waybill: String,
    #[serde(default)]
    reason: String,
    #[serde(flatten)]
    refund: crate::refund_account_view::RefundAccountForm,
}

/// POST /admin/orders/{number}/action
pub async fn act(
    office: BackOffice,
    Path(number): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let action = match form.action.as_str() {
        "confirm_deposit" => StaffOrderAction::ConfirmDeposit,
        "prepare" => StaffOrderAction::Prepare,
        "ship" => StaffOrderAction::Ship {
            carrier: form.carrier.clone(),
            waybill: form.waybill.clone(),
            lines: None,
        },
        "deliver" => StaffOrderAction::Deliver,
        "cancel" => StaffOrderAction::Cancel {
            reason: form.reason.clone(),
        },
        "refund_account" => StaffOrderAction::RefundAccount(form.refund.input()),
        _ => return Err(WebError::NotFound),
    };
    match state
        .app
        .staff_order_action(&admin.actor, &number, action)
        .await
    {
        Ok(()) => {
            flash(
                session,
                "success",
                &format!("admin.flash.order_{}", form.action),
            )
            .await;
            Ok(see_other(&format!("/admin/orders/{number}")))
        }
        Err(e) => refuse(state, req, e, |errors| detail_page(&office, &number,
                    context! { carrier => &form.carrier, waybill => &form.waybill, reason => &form.reason,
                        refund_bank => &form.refund.refund_bank, refund_number => &form.refund.refund_number,
                        refund_holder => &form.refund.refund_holder },
                    errors,
                )).await,
    }
}

/// The memo form.
#[derive(Debug, Default, Deserialize)]
pub struct MemoForm {
    #[serde(default)]
    memo: String,
}

/// POST /admin/orders/{number}/memos
pub async fn add_memo(
    office: BackOffice,
    Path(number): Path<String>,
    Form(form): Form<MemoForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    match state
        .app
        .add_order_memo(&admin.actor, &number, &form.memo)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/orders/{number}#memos"))),
        Err(e) => {
            refuse(state, req, e, |errors| {
                detail_page(&office, &number, context! { memo => &form.memo }, errors)
            })
            .await
        }
    }
}

/// GET /admin/orders/{number}/slip: the packing slip, printable on A4 (no prices on it).
pub async fn packing_slip(
    office: BackOffice,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let order = state.app.staff_order(&admin.actor, &number).await?;
    let view = detail_view(state, req, admin, &order).await?;
    office
        .page(
            "admin/packing_slip.html",
            "admin.packing_slip",
            context! { order => view },
        )
        .await
}

fn order_query(q: &OrdersQuery) -> OrderQuery {
    OrderQuery {
        status: if OrderStatus::ALL.iter().any(|s| s.as_str() == q.status) {
            q.status.clone()
        } else {
            String::new()
        },
        method: if jangteo_app::orders::PAYMENT_METHODS.contains(&q.method.as_str()) {
            q.method.clone()
        } else {
            String::new()
        },
        channel: if SALES_CHANNELS.contains(&q.channel.as_str()) {
            q.channel.clone()
        } else {
            String::new()
        },
        from: date(&q.from),
        to: date(&q.to),
        keyword: q.q.clone(),
        with_unpaid_cancellations: q.unpaid.is_some(),
    }
}

/// GET /admin/orders.xlsx?… and /admin/orders.csv?…: the filtered orders, one row per line.
pub async fn export(
    office: BackOffice,
    uri: axum::http::Uri,
    Query(q): Query<OrdersQuery>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    use jangteo_app::sheets::SheetFormat;
    let csv = uri.path().ends_with(".csv");
    let format = if csv {
        SheetFormat::Csv
    } else {
        SheetFormat::Xlsx
    };
    let bytes = state
        .app
        .export_orders(&admin.actor, &order_query(&q), format)
        .await?;
    let name = format!(
        "orders-{}.{}",
        jangteo_core::time::business_date(state.app.now()).format("%Y%m%d"),
        if csv { "csv" } else { "xlsx" }
    );
    let mime = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    Ok(crate::forms::download(mime, &name, bytes))
}

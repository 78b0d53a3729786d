//! What the cart, checkout and order templates receive (TEMPLATES-ACCOUNT.md).

use crate::context::Req;
use crate::forms::t;
use crate::i18n::format_won;
use crate::state::AppState;
use crate::views::{media_url, product_path};
use jangteo_app::cart::{CartLineView, CartProblem};
use jangteo_app::checkout::Quote;
use jangteo_app::read_models::ClaimRow;
use jangteo_app::read_models::CouponRow;
use jangteo_app::read_models::{OrderRow, PaymentRow, RefundRow};
use jangteo_core::carrier;
use jangteo_core::digital;
use jangteo_core::member::format_mobile;
use jangteo_core::order::OrderStatus;
use jangteo_core::payment::{PaymentMethod, PaymentStatus};
use jangteo_core::pricing::Notice;
use jangteo_media::ThumbSize;
use minijinja::{Value, context};

/// Translated payment method.
pub fn method_label(state: &AppState, req: &Req, code: &str) -> String {
    t(state, req, &format!("payment.method.{code}"))
}

pub use crate::order_shipments::carrier_label;

/// Translated order status.
pub fn status_label(state: &AppState, req: &Req, status: &str) -> String {
    t(state, req, &format!("order.status.{status}"))
}

/// The order's status as pages and lists show it: a codes-only order that was delivered reads
/// "발급완료" rather than "배송완료" (core's rule).
pub fn shown_status(state: &AppState, req: &Req, o: &OrderRow) -> String {
    status_label(
        state,
        req,
        digital::shown_status_code(o.status, o.ships_goods()),
    )
}

/// An order in a list.
pub async fn order_summary_async(state: &AppState, req: &Req, o: &OrderRow) -> Value {
    let lines = state
        .app
        .order_details(o)
        .await
        .map(|d| d.0)
        .unwrap_or_default();
    let paid: Vec<_> = lines.iter().filter(|l| !l.is_gift).collect();
    context! {
        number => &o.number, url => format!("/orders/{}", o.number), placed_at => o.placed_at.to_rfc3339(),
        status => o.status.as_str(), status_label => shown_status(state, req, o),
        first_item_name => paid.first().map(|l| l.product_name.clone()).unwrap_or_default(),
        item_count => paid.len(), total => o.total.get(),
        thumb_url => paid.first().and_then(|l| l.thumb_hash.as_deref())
            .map(|h| media_url(&state.app.config.media_url(), h, ThumbSize::List)),
    }
}

/// A coupon in the member's list or the checkout select.
pub fn coupon_view(state: &AppState, req: &Req, c: &CouponRow) -> Value {
    let value_label = if c.kind == "percent" {
        let mut s = format!("{}%", c.rate_bp / 100);
        if let Some(cap) = c.max_discount {
            s.push_str(&format!(
                " ({} {})",
                t(state, req, "coupon.cap"),
                format_won(req.locale, cap)
            ));
        }
        s
    } else {
        format_won(req.locale, c.amount)
    };
    context! {
        id => c.id, name => &c.name, value_label => value_label, min_order => c.min_order,
        valid_until => c.valid_until.to_rfc3339(), code => &c.code,
    }
}

fn problem_text(state: &AppState, req: &Req, p: &CartProblem) -> String {
    match p {
        CartProblem::PriceChanged { from, to } => t(state, req, "cart.problem.price_changed")
            .replace("{from}", &format_won(req.locale, *from))
            .replace("{to}", &format_won(req.locale, *to)),
        CartProblem::SoldOut => t(state, req, "cart.problem.sold_out"),
        CartProblem::Unavailable => t(state, req, "cart.problem.unavailable"),
        CartProblem::QuantityReduced { to } => {
            t(state, req, "cart.problem.quantity_reduced").replace("{count}", &to.to_string())
        }
        CartProblem::OverOrderLimit { max, to } => t(state, req, "cart.problem.over_limit")
            .replace("{max}", &max.to_string())
            .replace("{count}", &to.to_string()),
    }
}

/// A cart line.
pub fn cart_line(state: &AppState, req: &Req, l: &CartLineView) -> Value {
    let prefix = state.app.config.media_url();
    context! {
        sku_id => l.sku_id,
        product_name => if l.product_name.is_empty() { t(state, req, "cart.removed_product") } else { l.product_name.clone() },
        product_url => (!l.product_slug.is_empty()).then(|| product_path(&l.product_slug)),
        option_label => &l.option_label,
        thumb_url => l.thumb_hash.as_deref().map(|h| media_url(&prefix, h, ThumbSize::List)),
        unit_price => l.unit_price, list_price => l.list_price, quantity => l.quantity,
        line_total => l.line_total, stock => l.stock, max_quantity => l.max_quantity,
        problems => l.problems.iter().map(|p| problem_text(state, req, p)).collect::<Vec<_>>(),
        is_orderable => l.orderable, gift => false,
    }
}

fn notice_key(n: Notice) -> &'static str {
    match n {
        Notice::CouponExpired => "checkout.notice.coupon_expired",
        Notice::CouponUsedUp => "checkout.notice.coupon_used_up",
        Notice::CouponNotApplicable => "checkout.notice.coupon_not_applicable",
        Notice::CouponBelowMinimum => "checkout.notice.coupon_below_minimum",
        Notice::CouponReplacesGrade => "checkout.notice.coupon_replaces_grade",
        Notice::PointsBalanceTooLow => "checkout.notice.points_balance_too_low",
        Notice::PointsReduced => "checkout.notice.points_reduced",
        Notice::PointsBelowMinimum => "checkout.notice.points_below_minimum",
    }
}

/// The summary box of a quote (`None` when nothing is orderable).
pub fn summary(state: &AppState, req: &Req, q: &Quote) -> Option<Value> {
    let b = q.breakdown.as_ref()?;
    // The smallest amount that would make one of the paid parcels free.
    let free_left = b
        .parcels
        .iter()
        .filter(|p| p.fee.get() > 0)
        .filter_map(|p| p.free_left)
        .map(|w| w.get())
        .min();
    let mut notices: Vec<String> = b
        .notices
        .iter()
        .map(|n| t(state, req, notice_key(*n)))
        .collect();
    if q.coupon_code_unknown {
        notices.push(t(state, req, "checkout.notice.coupon_code_unknown"));
    }
    Some(context! {
        items_subtotal => b.items_subtotal.get(), grade_discount => b.grade_discount.get(),
        coupon_discount => b.coupon_discount.get(), shipping_fee => b.shipping_fee.get(),
        remote_surcharge => b.remote_surcharge.get(), points_used => b.points_used.get(),
        total => b.total.get(), points_to_earn => b.points_to_earn.get(),
        free_shipping_left => free_left,
        notices => notices,
        gifts => q.gifts.iter().map(|g| context! { name => &g.name, option_label => &g.option_label }).collect::<Vec<_>>(),
    })
}

/// The payment as the buyer's order page shows it.
fn payment_view(state: &AppState, req: &Req, o: &OrderRow, p: &PaymentRow) -> Value {
    let va = match (&p.va_bank, &p.va_account, &p.va_holder, p.va_deadline) {
        (Some(b), Some(a), Some(h), Some(d)) if p.status == PaymentStatus::WaitingForDeposit => {
            Some(context! {
                bank => b, account => a, holder => h, amount => p.amount.get(), deadline => d.to_rfc3339(),
            })
        }
        _ => None,
    };
    // A returned order's payment reads as refunded, whatever return shipping was kept.
    let status_label = match o.status {
        OrderStatus::Returned => t(state, req, "payment.status.refunded_after_return"),
        _ => t(state, req, &format!("payment.status.{}", p.status.as_str())),
    };
    context! {
        method_label => method_label(state, req, p.method.as_str()), status_label => status_label,
        amount => p.amount.get(), approved_at => p.approved_at.map(|d| d.to_rfc3339()), card_company => &p.card_company,
        virtual_account => va, refunded_amount => p.cancelled_amount.get(),
        escrow => jangteo_app::orders::escrow::escrow_state(p),
    }
}

/// A refund as made: the goods, the outbound shipping given back or the return shipping kept,
/// the points, and (staff) whether the units went back on sale.
pub(crate) fn settled_view(refund: &RefundRow, restocked: Option<bool>) -> Value {
    let shipping = refund.shipping_amount.get();
    context! {
        amount => refund.amount.get(), goods => refund.amount.get() - shipping, points => refund.points_restored,
        shipping_refunded => shipping.max(0), deducted => (-shipping).max(0), restocked => restocked,
        at => refund.created_at.to_rfc3339(),
    }
}

/// Everything the order page and the completion page show. `demo_deposit` adds the demo's
/// deposit button for an awaiting virtual account.
pub async fn order_detail(
    state: &AppState,
    req: &Req,
    o: &OrderRow,
) -> Result<Value, jangteo_app::AppError> {
    let (lines, events, payment) = state.app.order_details(o).await?;
    let status: jangteo_core::order::OrderStatus = o.status;
    use jangteo_core::order::OrderEvent as E;
    let pins = state.app.pin_summary(o).await?;
    // A seen PIN ends the buyer's right to cancel (staff still can).
    let can_cancel = digital::may_cancel(status, false, pins);
    // The same rule as confirm_purchase: something must be left to confirm.
    let can_confirm =
        status.apply(&E::PurchaseConfirmed).is_ok() && jangteo_app::orders::units_left(&lines) > 0;
    let can_claim = digital::may_file_claim(status, pins);
    let claims = state.app.claims_of_order(o.id).await?;
    let shipment = match (&o.carrier, &o.waybill) {
        (Some(c), Some(w)) => Some(context! {
            carrier_name => carrier_label(state, req, c), waybill => w,
            tracking_url => carrier::tracking_url(c, w),
        }),
        _ => None,
    };
    let payment_view = payment.as_ref().map(|p| payment_view(state, req, o, p));
    let demo_deposit = (state.app.test_payments()
        && o.status == OrderStatus::AwaitingDeposit
        && o.payment_method == PaymentMethod::VirtualAccount)
        .then(|| format!("/payments/test/deposit/{}", o.number));
    let refund_account = crate::refund_account_view::refund_account_block(
        state,
        o,
        format!("/orders/{}/refund-account", o.number),
    )
    .await?;
    let cash_receipt = state.app.cash_receipt_of(o.id).await?;
    let shipments = crate::order_shipments::shipments_view(state, req, o, &lines).await?;
    Ok(context! {
        refund_account => refund_account,
        shipments => shipments,
        cash_receipt => cash_receipt.map(|r| cash_receipt_view(state, req, &r)),
        number => &o.number, url => format!("/orders/{}", o.number), placed_at => o.placed_at.to_rfc3339(),
        status => o.status.as_str(), status_label => shown_status(state, req, o),
        payment_method_label => method_label(state, req, o.payment_method.as_str()),
        orderer => context! { name => &o.orderer_name, mobile => format_mobile(&o.orderer_mobile), email => &o.orderer_email },
        recipient => context! { name => &o.recipient_name, mobile => format_mobile(&o.recipient_mobile), postcode => &o.postcode,
            address1 => &o.address1, address2 => &o.address2, memo => &o.delivery_memo },
        lines => lines.iter().map(|l| context! {
            product_name => &l.product_name,
            product_url => (!l.product_slug.is_empty()).then(|| product_path(&l.product_slug)),
            option_label => &l.option_label, unit_price => l.unit_price.get(), quantity => l.quantity,
            // Price × units: the order's discounts (grade, coupon, points) are in the summary.
            quantity_cancelled => l.quantity_cancelled, quantity_returned => l.quantity_returned,
            subtotal => l.subtotal.get(), is_gift => l.is_gift,
            thumb_url => l.thumb_hash.as_deref().map(|h| media_url(&state.app.config.media_url(), h, ThumbSize::List)),
        }).collect::<Vec<_>>(),
        summary => context! {
            items_subtotal => o.items_subtotal.get(), grade_discount => o.grade_discount.get(), coupon_discount => o.coupon_discount.get(),
            shipping_fee => o.shipping_fee.get(), remote_surcharge => o.remote_surcharge.get(), points_used => o.points_used,
            total => o.total.get(), points_to_earn => o.points_to_earn, gifts => Vec::<Value>::new(),
        },
        timeline => events.iter().map(|e| context! {
            at => e.created_at.to_rfc3339(), label => t(state, req, &format!("order.event.{}", e.event)), note => &e.note,
        }).collect::<Vec<_>>(),
        payment => payment_view,
        shipment => shipment,
        can_cancel => can_cancel, can_confirm => can_confirm,
        can_claim => can_claim, claim_url => format!("/orders/{}/claims/new", o.number),
        review_url => (o.member_id.is_some()
            && matches!(o.status, jangteo_core::order::OrderStatus::Delivered | jangteo_core::order::OrderStatus::Completed))
            .then(|| format!("/orders/{}/review", o.number)),
        claims => claims.iter().map(|(c, refund)| context! {
            refund => refund.as_ref().map(|r| settled_view(r, None)), ..claim_view(state, req, c)
        }).collect::<Vec<_>>(),
        cancel_url => format!("/orders/{}/cancel", o.number), confirm_url => format!("/orders/{}/confirm", o.number),
        is_guest_order => o.member_id.is_none(),
        inquiry_url => o.member_id.is_some().then(|| format!("/account/inquiries/new?order={}", o.number)),
        demo_deposit_url => demo_deposit,
        pins => match pins.issued > 0 {
            true => Some(context! {
                sold => pins.issued, seen => pins.seen, url => format!("/orders/{}/pins", o.number),
                guest => o.member_id.is_none(), by_identity => state.app.identity_available().await?,
            }),
            false => None,
        },
    })
}

/// A claim as lists show it.
pub(crate) fn claim_view(state: &AppState, req: &Req, c: &ClaimRow) -> Value {
    context! {
        id => c.id, status => c.status.as_str(),
        kind_label => t(state, req, &format!("claim.kind.{}", c.kind)),
        resolution_label => t(state, req, &format!("claim.resolution.{}", c.resolution)),
        status_label => t(state, req, &format!("claim.status.{}", c.status)),
        created_at => c.created_at.to_rfc3339(), reason => &c.reason,
        reason_short => jangteo_core::text::excerpt(&c.reason, 40),
        reject_reason => &c.reject_reason, override_reason => &c.override_reason,
        buyer_pays_return => c.buyer_pays_return,
        admin_url => format!("/admin/claims/{}", c.id),
        reship => c.reship_carrier.as_deref().zip(c.reship_waybill.as_deref()).map(|(carrier, waybill)| context! {
            carrier => carrier_label(state, req, carrier), waybill => waybill,
            tracking_url => jangteo_core::carrier::tracking_url(carrier, waybill),
            delivered_at => c.reship_delivered_at.map(|d| d.to_rfc3339()),
        }),
    }
}

/// A 현금영수증 as the buyer's and the staff's order pages show it.
pub(crate) fn cash_receipt_view(
    state: &AppState,
    req: &Req,
    r: &jangteo_app::orders::cash_receipts::CashReceiptView,
) -> Value {
    context! {
        kind => &r.kind, kind_label => t(state, req, &format!("cash_receipt.kind.{}", r.kind)),
        status => &r.status, status_label => t(state, req, &format!("cash_receipt.status.{}", r.status)),
        identity => &r.identity_hint, amount => r.amount, issue_number => &r.issue_number,
        receipt_url => &r.receipt_url, failure => &r.failure,
    }
}

#[cfg(test)]
mod tests {
    use jangteo_core::order::{OrderStatus, PaymentStatus};

    /// The keys of the order and payment statuses and the payment methods.
    fn status_and_method_keys() -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(
            OrderStatus::ALL
                .iter()
                .map(|s| format!("order.status.{}", s.as_str())),
        );
        keys.extend(
            PaymentStatus::ALL
                .iter()
                .map(|s| format!("payment.status.{}", s.as_str())),
        );
        for code in jangteo_app::orders::PAYMENT_METHODS {
            keys.push(format!("payment.method.{code}"));
            keys.push(format!("checkout.method_desc.{code}"));
        }
        keys
    }

    /// The keys of the order timeline's events.
    fn order_event_keys() -> Vec<String> {
        [
            "placed",
            "payment_approved",
            "payment_failed",
            "deposit_requested",
            "deposit_received",
            "deposit_expired",
            "cancelled_by_buyer",
            "cancelled_by_staff",
            "preparation_started",
            "shipped",
            "delivered",
            "purchase_confirmed",
            "everything_returned",
            "pins_revealed",
            "pins_viewed",
            "pins_sent",
        ]
        .iter()
        .map(|event| format!("order.event.{event}"))
        .collect()
    }

    /// The keys of the inquiry categories and statuses, and the answered-inquiry conflict.
    fn inquiry_keys() -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for code in jangteo_app::inquiries::PERSONAL_CATEGORIES {
            keys.push(format!("inquiry.category.{code}"));
        }
        for status in ["open", "answered"] {
            keys.push(format!("inquiry.status.{status}"));
        }
        keys.push("error.conflict.inquiry_answered".into());
        keys
    }

    /// The keys of the conflict and input errors.
    fn error_keys() -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for code in [
            "sold_out",
            "cart_empty",
            "total_changed",
            "coupon_used_up",
            "points_insufficient",
            "payment_unavailable",
            "amount_mismatch",
            "payment_failed",
            "illegal_transition",
            "cannot_cancel",
            "cannot_confirm",
            "webhook_unverified",
            "not_bank_deposit",
            "reset_invalid",
            "checkout_expired",
            "throttled",
        ] {
            keys.push(format!("error.conflict.{code}"));
        }
        for code in [
            "required",
            "invalid_email",
            "invalid_mobile",
            "invalid_postcode",
            "weak_password",
            "too_long",
            "password_mismatch",
            "consent_required",
            "email_taken",
            "login_failed",
            "wrong_password",
            "lookup_failed",
            "checkout_expired",
        ] {
            keys.push(format!("error.input.{code}"));
        }
        keys
    }

    /// The keys of the points ledger's reasons.
    fn points_reason_keys() -> Vec<String> {
        [
            "signup",
            "order_use",
            "order_refund",
            "purchase_confirmed",
            "manual",
            "expired",
            "review_reward",
            "review_reward_back",
        ]
        .iter()
        .map(|reason| format!("points.reason.{reason}"))
        .collect()
    }

    /// The flash and account-title keys quoted in the page handlers' sources.
    fn keys_quoted_in_sources() -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let sources = [
            include_str!("account.rs"),
            include_str!("cart_pages.rs"),
            include_str!("checkout.rs"),
            include_str!("orders.rs"),
        ];
        for src in sources {
            for part in src.split('"').skip(1).step_by(2) {
                if part.starts_with("flash.")
                    || part.starts_with("account.") && part.ends_with("_title")
                {
                    keys.push(part.to_owned());
                }
            }
        }
        keys
    }

    /// Every message key the Rust code builds at run time exists in both locales (a missing key
    /// would show the key itself to the shopper).
    #[test]
    fn every_built_message_key_is_translated() {
        let mut keys: Vec<String> = status_and_method_keys();
        keys.extend(order_event_keys());
        keys.extend(inquiry_keys());
        keys.extend(error_keys());
        keys.extend(points_reason_keys());
        keys.extend(keys_quoted_in_sources());
        for (name, text) in [
            ("ko", include_str!("../locales/ko.json")),
            ("en", include_str!("../locales/en.json")),
        ] {
            let catalog: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(text).unwrap();
            let missing: Vec<&String> = keys
                .iter()
                .filter(|k| !catalog.contains_key(k.as_str()))
                .collect();
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
        }
    }
}

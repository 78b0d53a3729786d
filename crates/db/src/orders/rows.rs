//! What an order, its lines and its timeline look like, stored and to be stored.

use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;
use jangteo_core::order::OrderStatus;
use jangteo_core::payment::PaymentMethod;
use jangteo_core::refund::LineUnits;

/// An order as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRow {
    /// Id.
    #[sqlx(try_from = "i64")]
    pub id: OrderId,
    /// Public number.
    pub number: String,
    /// Member (none for guests).
    pub member_id: Option<i64>,
    /// Guest order password hash.
    pub guest_password_hash: Option<String>,
    /// Status.
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    /// Payment method.
    #[sqlx(try_from = "String")]
    pub payment_method: PaymentMethod,
    /// Orderer.
    pub orderer_name: String,
    /// Orderer mobile.
    pub orderer_mobile: String,
    /// Orderer e-mail.
    pub orderer_email: String,
    /// Recipient.
    pub recipient_name: String,
    /// Recipient mobile.
    pub recipient_mobile: String,
    /// Postcode.
    pub postcode: String,
    /// Road address.
    pub address1: String,
    /// Detail.
    pub address2: String,
    /// Delivery memo.
    pub delivery_memo: String,
    /// Depositor name (bank deposit).
    pub depositor_name: Option<String>,
    /// Σ line subtotals.
    #[sqlx(try_from = "i64")]
    pub items_subtotal: Won,
    /// Grade discount.
    #[sqlx(try_from = "i64")]
    pub grade_discount: Won,
    /// Coupon discount.
    #[sqlx(try_from = "i64")]
    pub coupon_discount: Won,
    /// Shipping fee.
    #[sqlx(try_from = "i64")]
    pub shipping_fee: Won,
    /// Remote-area surcharge.
    #[sqlx(try_from = "i64")]
    pub remote_surcharge: Won,
    /// Points used.
    pub points_used: i64,
    /// Amount to pay.
    #[sqlx(try_from = "i64")]
    pub total: Won,
    /// Points granted at purchase confirmation.
    pub points_to_earn: i64,
    /// Coupon used.
    pub coupon_id: Option<i64>,
    /// Carrier code.
    pub carrier: Option<String>,
    /// Waybill.
    pub waybill: Option<String>,
    /// Deposit deadline.
    pub deposit_deadline: Option<DateTime<Utc>>,
    /// Placed.
    pub placed_at: DateTime<Utc>,
    /// Paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// `pc`, `mobile` or `api`.
    pub channel: String,
    /// The marketplace it was imported from (`smartstore`, …), if it was.
    pub marketplace: Option<String>,
}

impl OrderRow {
    /// Whether the order ships goods: checkout asks an address for every order but one that
    /// holds gift-card codes only.
    pub fn ships_goods(&self) -> bool {
        !self.postcode.is_empty()
    }
}

pub(super) const ORDER_COLUMNS: &str = "id, number, member_id, guest_password_hash, status, payment_method, \
     orderer_name, orderer_mobile, orderer_email, recipient_name, recipient_mobile, postcode, address1, \
     address2, delivery_memo, depositor_name, items_subtotal, grade_discount, coupon_discount, shipping_fee, \
     remote_surcharge, points_used, total, points_to_earn, coupon_id, carrier, waybill, deposit_deadline, \
     placed_at, paid_at, channel, \
     (SELECT c.marketplace FROM channel_orders c WHERE c.order_id = orders.id) AS marketplace";

/// An order to insert.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    /// Public number.
    pub number: &'a str,
    /// Member.
    pub member_id: Option<i64>,
    /// Guest password hash.
    pub guest_password_hash: Option<&'a str>,
    /// Idempotency token of the checkout form.
    pub checkout_token: &'a str,
    /// Initial status.
    pub status: OrderStatus,
    /// Payment method.
    pub payment_method: PaymentMethod,
    /// Orderer name.
    pub orderer_name: &'a str,
    /// Orderer mobile.
    pub orderer_mobile: &'a str,
    /// Orderer e-mail.
    pub orderer_email: &'a str,
    /// Recipient.
    pub recipient_name: &'a str,
    /// Recipient mobile.
    pub recipient_mobile: &'a str,
    /// Postcode.
    pub postcode: &'a str,
    /// Road address.
    pub address1: &'a str,
    /// Detail.
    pub address2: &'a str,
    /// Memo.
    pub delivery_memo: &'a str,
    /// Depositor.
    pub depositor_name: Option<&'a str>,
    /// Amounts: items subtotal.
    pub items_subtotal: Won,
    /// Grade discount.
    pub grade_discount: Won,
    /// Coupon discount.
    pub coupon_discount: Won,
    /// Shipping.
    pub shipping_fee: Won,
    /// Surcharge.
    pub remote_surcharge: Won,
    /// Points used.
    pub points_used: i64,
    /// Total.
    pub total: Won,
    /// Points to earn.
    pub points_to_earn: i64,
    /// Coupon.
    pub coupon_id: Option<i64>,
    /// Grade code at the time.
    pub grade_code: Option<&'a str>,
    /// Deposit deadline.
    pub deposit_deadline: Option<DateTime<Utc>>,
    /// `pc`, `mobile` or `api`.
    pub channel: &'a str,
    /// The tax-free part of the total (면세).
    pub tax_free_amount: Won,
}

/// An order line to insert.
#[derive(Debug, Clone)]
pub struct NewOrderLine<'a> {
    /// SKU.
    pub sku_id: i64,
    /// Product.
    pub product_id: i64,
    /// Product name then.
    pub product_name: &'a str,
    /// Product slug then.
    pub product_slug: &'a str,
    /// Option label then.
    pub option_label: &'a str,
    /// SKU code.
    pub sku_code: &'a str,
    /// Unit price.
    pub unit_price: Won,
    /// Units.
    pub quantity: i64,
    /// Subtotal.
    pub subtotal: Won,
    /// Grade discount share.
    pub grade_discount: Won,
    /// Coupon share.
    pub coupon_discount: Won,
    /// Points share.
    pub points: i64,
    /// Line total.
    pub total: Won,
    /// A free gift.
    pub is_gift: bool,
    /// Gift rule.
    pub gift_rule_id: Option<i64>,
    /// Tax-free goods (면세) at the time of the order.
    pub is_tax_free: bool,
}

/// A stored order line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderLineRow {
    /// Id.
    pub id: i64,
    /// SKU (none if deleted since).
    pub sku_id: Option<i64>,
    /// Product name.
    pub product_name: String,
    /// Product slug.
    pub product_slug: String,
    /// Option label.
    pub option_label: String,
    /// Unit price.
    #[sqlx(try_from = "i64")]
    pub unit_price: Won,
    /// Units.
    pub quantity: i64,
    /// Subtotal.
    #[sqlx(try_from = "i64")]
    pub subtotal: Won,
    /// Line total.
    #[sqlx(try_from = "i64")]
    pub total: Won,
    /// Gift.
    pub is_gift: bool,
    /// Units cancelled.
    pub quantity_cancelled: i64,
    /// Points spent on this line (its share of the order's points).
    pub points: i64,
    /// Units returned through claims.
    pub quantity_returned: i64,
    /// The product's main photo now (none without photos or once the product is gone).
    pub thumb_hash: Option<String>,
}

impl OrderLineRow {
    /// The line as refunds see it (core `refund`).
    pub fn units(&self) -> LineUnits {
        LineUnits {
            line_id: self.id,
            total: self.total,
            points: self.points,
            quantity: self.quantity,
            cancelled: self.quantity_cancelled,
            returned: self.quantity_returned,
            is_gift: self.is_gift,
        }
    }
}

/// Every line of an order as refunds see them.
pub fn line_units(lines: &[OrderLineRow]) -> Vec<LineUnits> {
    lines.iter().map(OrderLineRow::units).collect()
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderEventRow {
    /// Event name.
    pub event: String,
    /// Status after it.
    #[sqlx(try_from = "String")]
    pub to_status: OrderStatus,
    /// Who (`buyer`, `staff:…`, `gateway`, `system`).
    pub actor: String,
    /// Note.
    pub note: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A timeline entry to append.
#[derive(Debug, Clone, Copy)]
pub struct NewOrderEvent<'a> {
    /// Event name (core `OrderEvent::name`, or `placed`).
    pub event: &'a str,
    /// Status before (none when placed).
    pub from: Option<OrderStatus>,
    /// Status after.
    pub to: OrderStatus,
    /// Who (`buyer`, `staff:…`, `gateway`, `system`).
    pub actor: &'a str,
    /// Free text.
    pub note: &'a str,
}

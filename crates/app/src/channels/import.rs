//! One channel order becoming a shop order: matched to the shop's SKUs by code, stored as paid
//! by the marketplace, its stock reserved, linked to the channel's ids, and staff told.

use crate::staff_alerts::StaffAlert;
use crate::{App, AppResult};
use jangteo_core::Won;
use jangteo_core::channels::{ChannelOrder, ImportRefusal, ImportTotals, MatchedSku, plan_import};
use jangteo_core::ids::OrderId;
use jangteo_core::member::order_number;
use jangteo_core::order::{OrderEvent, OrderStatus};
use jangteo_core::payment::PaymentMethod;
use jangteo_core::time::business_date;
use jangteo_db::catalog::stock::{self, SkuSnapshotRow};
use jangteo_db::orders::{self, NewOrder, NewOrderEvent, NewOrderLine};
use jangteo_db::{Tx, channel_orders};
use std::collections::HashMap;

/// What became of a channel order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A new shop order.
    New {
        /// Its number.
        number: String,
        /// The stock did not cover it (imported all the same: the buyer has paid).
        stock_short: bool,
    },
    /// Imported before.
    Known,
    /// Not imported (kept for staff with the reason).
    Refused(ImportRefusal),
}

impl App {
    /// Imports one paid channel order, once.
    pub async fn import_channel_order(&self, order: &ChannelOrder) -> AppResult<Imported> {
        let code = order.marketplace.code();
        let mut skus = Vec::new();
        for line in &order.lines {
            let sku_code = line.sku_code.trim();
            if let Some(sku_id) = stock::sku_id_by_code(&self.db, sku_code).await? {
                skus.push(MatchedSku {
                    sku_id,
                    sku_code: sku_code.to_owned(),
                });
            }
        }
        let ids: Vec<i64> = skus.iter().map(|s| s.sku_id).collect();
        let snapshots = stock::snapshots(&self.db, &ids).await?;
        let labels = crate::cart::sku_labels(self, &ids).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if channel_orders::exists(&mut tx, code, &order.order_id).await? {
            return Ok(Imported::Known);
        }
        let (matched, totals) = match plan_import(order, &skus) {
            Ok(plan) => plan,
            Err(refusal) => {
                let problem = refusal.describe();
                channel_orders::record_problem(&mut tx, code, &order.order_id, &problem, now)
                    .await?;
                tx.commit().await?;
                tracing::warn!(channel = code, order = %order.order_id, problem, "channel order not imported");
                return Ok(Imported::Refused(refusal));
            }
        };
        let number = order_number(
            business_date(now),
            crate::auth::tokens::random_bytes::<6>()?,
        );
        let token = format!("channel:{code}:{}", order.order_id);
        let new = imported_order(order, &number, &token, totals);
        let Some(order_id) = orders::insert(&mut tx, &new, now).await? else {
            return Ok(Imported::Known);
        };
        let placed = NewOrderEvent {
            event: "placed",
            from: None,
            to: OrderStatus::PendingPayment,
            actor: "system",
            note: order.marketplace.korean_name(),
        };
        orders::add_event(&mut tx, order_id, &placed, now).await?;
        let lines = (snapshots.as_slice(), &labels);
        let stock_short = store_lines(&mut tx, order, order_id, &matched, lines).await?;
        self.remember_listings(&mut tx, order, &matched).await?;
        self.settle_imported(&mut tx, order, (order_id, &number), stock_short)
            .await?;
        tx.commit().await?;
        self.alert_imported(order, &number, totals.total, stock_short)
            .await;
        Ok(Imported::New {
            number,
            stock_short,
        })
    }

    /// Which listing at the marketplace sells which SKU, for sending stock back.
    async fn remember_listings(
        &self,
        tx: &mut Tx,
        order: &ChannelOrder,
        matched: &[i64],
    ) -> AppResult<()> {
        let code = order.marketplace.code();
        for (line, sku_id) in order.lines.iter().zip(matched) {
            if let Some(listing) = &line.listing {
                channel_orders::remember_item(tx, code, listing, *sku_id).await?;
            }
        }
        Ok(())
    }

    /// The marketplace has the money: the order is paid, linked to its channel, its problem
    /// (from an earlier try) forgotten.
    async fn settle_imported(
        &self,
        tx: &mut Tx,
        order: &ChannelOrder,
        (order_id, number): (OrderId, &str),
        stock_short: bool,
    ) -> AppResult<()> {
        let now = self.now();
        let code = order.marketplace.code();
        let stored = orders::lock_by_number(tx, number)
            .await?
            .ok_or(crate::AppError::NotFound)?;
        let note = format!(
            "{} 주문 {}",
            order.marketplace.korean_name(),
            order.order_id
        );
        let actor = crate::orders::Actor::System;
        crate::orders::lifecycle::move_order(
            tx,
            &stored,
            &OrderEvent::PaymentApproved,
            &actor,
            &note,
            now,
        )
        .await?;
        channel_orders::insert(tx, order_id.get(), code, &order.order_id, stock_short, now).await?;
        channel_orders::clear_problem(tx, code, &order.order_id).await?;
        Ok(())
    }

    async fn alert_imported(
        &self,
        order: &ChannelOrder,
        number: &str,
        total: Won,
        stock_short: bool,
    ) {
        let channel = order.marketplace.korean_name();
        let mut lines = vec![format!("{channel} 주문번호 {}", order.order_id)];
        if stock_short {
            lines.push("재고가 부족합니다: 출고 전에 확인하세요".into());
        }
        self.alert_staff_now(&StaffAlert {
            kind: "paid_order",
            title: format!("{channel} 주문 {number} ({total})"),
            lines,
            amount: Some(total.get()),
            path: format!("/admin/orders/{number}"),
            key: format!("paid_order:{number}"),
        })
        .await;
    }
}

/// The shop order a channel order becomes: paid at the marketplace, its totals as charged.
fn imported_order<'a>(
    order: &'a ChannelOrder,
    number: &'a str,
    token: &'a str,
    totals: ImportTotals,
) -> NewOrder<'a> {
    NewOrder {
        number,
        member_id: None,
        guest_password_hash: None,
        checkout_token: token,
        status: OrderStatus::PendingPayment,
        payment_method: PaymentMethod::Marketplace,
        orderer_name: &order.orderer_name,
        orderer_mobile: &order.orderer_mobile,
        orderer_email: "",
        recipient_name: &order.recipient_name,
        recipient_mobile: &order.recipient_mobile,
        postcode: &order.postcode,
        address1: &order.address1,
        address2: &order.address2,
        delivery_memo: &order.delivery_memo,
        depositor_name: None,
        items_subtotal: totals.items,
        grade_discount: Won::ZERO,
        coupon_discount: Won::ZERO,
        shipping_fee: order.shipping_fee,
        remote_surcharge: Won::ZERO,
        points_used: 0,
        total: totals.total,
        points_to_earn: 0,
        coupon_id: None,
        grade_code: None,
        deposit_deadline: None,
        channel: "api",
        tax_free_amount: Won::ZERO,
    }
}

/// Stores the lines with their channel ids and reserves their stock; whether it fell short.
async fn store_lines(
    tx: &mut Tx,
    order: &ChannelOrder,
    order_id: OrderId,
    matched: &[i64],
    (snapshots, labels): (&[SkuSnapshotRow], &HashMap<i64, String>),
) -> AppResult<bool> {
    let mut stock_short = false;
    for (line, sku_id) in order.lines.iter().zip(matched) {
        let Some(snapshot) = snapshots.iter().find(|s| s.sku_id == *sku_id) else {
            continue;
        };
        stock_short |= !stock::reserve(&mut *tx, *sku_id, line.quantity).await?;
        let unit = line.total.get() / line.quantity.max(1);
        let stored = NewOrderLine {
            sku_id: *sku_id,
            product_id: snapshot.product_id,
            product_name: &snapshot.name,
            product_slug: &snapshot.slug,
            option_label: labels.get(sku_id).map_or("", String::as_str),
            sku_code: &snapshot.sku_code,
            unit_price: Won(unit),
            quantity: line.quantity,
            subtotal: line.total,
            grade_discount: Won::ZERO,
            coupon_discount: Won::ZERO,
            points: 0,
            total: line.total,
            is_gift: false,
            gift_rule_id: None,
            is_tax_free: snapshot.is_tax_free,
        };
        orders::insert_line(&mut *tx, order_id, &stored).await?;
        channel_orders::insert_line(
            &mut *tx,
            order_id.get(),
            &line.line_id,
            *sku_id,
            line.quantity,
        )
        .await?;
    }
    Ok(stock_short)
}

//! The filtered orders as a sheet for the warehouse or accounting: one row per order line (SKU
//! code, option, what is left after cancellations and returns), Korean labels, as .xlsx or as CSV
//! with a BOM so Excel opens it in Korean. The export carries personal data: it needs the same
//! access as the full order view and is logged with its filter and row count.

use crate::admin::orders::OrderQuery;
use crate::auth::StaffActor;
use crate::sheets::{Cell, SheetFormat};
use crate::{App, AppError, AppResult};
use jangteo_core::ids::OrderId;
use jangteo_core::staff::{Access, Area};
use jangteo_db::orders::{ExportLineRow, OrderRow};
use std::collections::HashMap;

/// Orders an export holds at most.
const MAX_EXPORT_ORDERS: u32 = 100_000;

const HEADERS: [&str; 25] = [
    "주문번호",
    "주문일시",
    "주문상태",
    "결제수단",
    "판매처",
    "주문자",
    "주문자 휴대폰",
    "받는 분",
    "받는 분 휴대폰",
    "우편번호",
    "주소",
    "상세주소",
    "배송 메모",
    "상품명",
    "옵션",
    "SKU 코드",
    "단가",
    "주문 수량",
    "취소 수량",
    "반품 수량",
    "남은 수량",
    "상품 결제금액",
    "주문 결제금액",
    "택배사",
    "송장번호",
];

/// The row of one order line.
fn line_row(o: &OrderRow, l: &ExportLineRow) -> Vec<Cell> {
    let status = jangteo_core::digital::shown_status_name(o.status, o.ships_goods());
    let carrier = o
        .carrier
        .as_deref()
        .and_then(jangteo_core::carrier::carrier)
        .map_or("", |c| c.name);
    let mut name = l.product_name.clone();
    if l.is_gift {
        name.push_str(" (사은품)");
    }
    if l.is_tax_free {
        name.push_str(" (면세)");
    }
    let left = l.quantity - l.quantity_cancelled - l.quantity_returned;
    let text = crate::sheets::text;
    vec![
        text(&o.number),
        Cell::Text(jangteo_core::time::format_kst(o.placed_at)),
        text(status),
        text(o.payment_method.korean_name()),
        text(jangteo_core::channels::sales_channel_name(
            jangteo_core::channels::sales_channel(&o.channel, o.marketplace.as_deref()),
        )),
        text(&o.orderer_name),
        Cell::Text(jangteo_core::member::format_mobile(&o.orderer_mobile)),
        text(&o.recipient_name),
        Cell::Text(jangteo_core::member::format_mobile(&o.recipient_mobile)),
        text(&o.postcode),
        text(&o.address1),
        text(&o.address2),
        text(&o.delivery_memo),
        Cell::Text(name),
        text(&l.option_label),
        text(&l.sku_code),
        Cell::Number(l.unit_price.get()),
        Cell::Number(l.quantity),
        Cell::Number(l.quantity_cancelled),
        Cell::Number(l.quantity_returned),
        Cell::Number(left),
        Cell::Number(l.total.get()),
        Cell::Number(o.total.get()),
        text(carrier),
        Cell::Text(o.waybill.clone().unwrap_or_default()),
    ]
}

impl App {
    /// The orders matching `q`, one row per line, as `format`.
    pub async fn export_orders(
        &self,
        actor: &StaffActor,
        q: &OrderQuery,
        format: SheetFormat,
    ) -> AppResult<Vec<u8>> {
        if !(actor.can(Area::Orders, Access::Write) || actor.can(Area::PersonalData, Access::Read))
        {
            return Err(AppError::Forbidden);
        }
        let orders = self.staff_orders(actor, q, 1, MAX_EXPORT_ORDERS).await?;
        let ids: Vec<OrderId> = orders.items.iter().map(|o| o.id).collect();
        let mut lines: HashMap<OrderId, Vec<ExportLineRow>> = HashMap::new();
        for line in jangteo_db::orders::export_lines(&self.db, &ids).await? {
            lines.entry(line.order_id).or_default().push(line);
        }
        let rows: Vec<Vec<Cell>> = orders
            .items
            .iter()
            .flat_map(|o| {
                lines
                    .get(&o.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(move |l| line_row(o, l))
            })
            .collect();
        let bytes = crate::sheets::write(format, "주문", &HEADERS, &rows)?;
        let described = serde_json::json!({
            "status": q.status, "method": q.method, "from": q.from, "to": q.to, "keyword": q.keyword,
            "rows": orders.items.len(), "lines": rows.len(),
            "format": format.extension(),
        })
        .to_string();
        let mut tx = self.db.begin().await?;
        jangteo_db::audit::record(
            &mut tx,
            &jangteo_db::audit::NewAudit {
                after: Some(described),
                ..actor.entry("order.export", "order", "")
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}

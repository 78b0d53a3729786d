//! The generic channel: orders of any other sales channel uploaded as a sheet (.xlsx or CSV,
//! UTF-8 or CP949), one row per line, rows of one order sharing its channel order number. Each
//! order goes through the same import as a marketplace's (SKU codes matched, stock reserved,
//! imported once, kept aside with the reason when it cannot be).

use super::Imported;
use crate::auth::StaffActor;
use crate::sheets::{cell, read_rows};
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::channels::{ChannelLine, ChannelOrder, Marketplace};
use jangteo_core::staff::{Access, Area};

/// The columns, in order (a first row that names them is a header).
pub const COLUMNS: [&str; 13] = [
    "채널 주문번호",
    "주문자",
    "주문자 연락처",
    "수취인",
    "수취인 연락처",
    "우편번호",
    "주소",
    "상세주소",
    "배송메모",
    "SKU 코드",
    "수량",
    "결제금액",
    "배송비",
];

/// What an uploaded sheet did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetImport {
    /// Orders imported.
    pub imported: usize,
    /// Orders imported before.
    pub known: usize,
    /// Orders kept aside (listed on the channels page with the reason).
    pub refused: usize,
}

fn amount(raw: &str) -> i64 {
    let digits: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse().unwrap_or(-1)
}

/// The orders of a sheet, lines grouped by channel order number in the sheet's order.
pub fn read_channel_sheet(file_name: &str, bytes: &[u8]) -> AppResult<Vec<ChannelOrder>> {
    let rows = read_rows(
        file_name,
        bytes,
        |cells| cell(cells, 0) == COLUMNS[0],
        |line, cells| (line, cells.to_vec()),
    )?;
    let mut orders: Vec<ChannelOrder> = Vec::new();
    for (line, cells) in rows {
        let c = |n: usize| cell(&cells, n);
        let id = c(0);
        if id.is_empty() {
            continue;
        }
        let item = ChannelLine {
            line_id: format!("{line}"),
            sku_code: c(9),
            name: String::new(),
            quantity: amount(&c(10)),
            total: Won(amount(&c(11))),
            listing: None,
        };
        let fee = Won(amount(&c(12)).max(0));
        if let Some(order) = orders.iter_mut().find(|o| o.order_id == id) {
            order.shipping_fee += fee;
            order.lines.push(item);
            continue;
        }
        orders.push(ChannelOrder {
            marketplace: Marketplace::Csv,
            order_id: id,
            orderer_name: c(1),
            orderer_mobile: c(2),
            recipient_name: c(3),
            recipient_mobile: c(4),
            postcode: c(5),
            address1: c(6),
            address2: c(7),
            delivery_memo: c(8),
            shipping_fee: fee,
            lines: vec![item],
        });
    }
    if orders.is_empty() {
        return Err(AppError::field("file", "empty_sheet"));
    }
    Ok(orders)
}

impl App {
    /// Imports the orders of an uploaded channel sheet (orders, write); audited with the counts.
    pub async fn staff_import_channel_sheet(
        &self,
        actor: &StaffActor,
        file_name: &str,
        bytes: &[u8],
    ) -> AppResult<SheetImport> {
        actor.require(Area::Orders, Access::Write)?;
        let mut done = SheetImport::default();
        for order in read_channel_sheet(file_name, bytes)? {
            match self.import_channel_order(&order).await? {
                Imported::New { .. } => done.imported += 1,
                Imported::Known => done.known += 1,
                Imported::Refused(_) => done.refused += 1,
            }
        }
        let counts = format!("{}/{}/{}", done.imported, done.known, done.refused);
        self.audit_event(
            actor,
            "channels.import_sheet",
            "channel",
            file_name,
            &counts,
        )
        .await?;
        Ok(done)
    }
}

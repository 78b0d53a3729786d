//! Orders from other sales channels (marketplaces): which channels there are, what an imported
//! order looks like once read from its channel, and the rules that turn it into a shop order
//! (every line matched to one of the shop's SKUs by its code, the amounts as the channel charged
//! them).

use crate::money::Won;

/// Every channel sales are reported by: the shop's own (`order::CHANNELS`), then each
/// marketplace.
pub const SALES_CHANNELS: [&str; 6] = ["pc", "mobile", "api", "smartstore", "coupang", "csv"];

/// The channel an order's sales count under: its marketplace when it was imported.
pub fn sales_channel<'a>(channel: &'a str, marketplace: Option<&'a str>) -> &'a str {
    marketplace.unwrap_or(channel)
}

/// The name staff know a sales channel by (a report's row, an export's column).
pub fn sales_channel_name(code: &str) -> &'static str {
    match code {
        "pc" => "PC 웹",
        "mobile" => "모바일 웹",
        _ => Marketplace::from_code(code).map_or("API·외부 채널", Marketplace::korean_name),
    }
}

/// A sales channel whose orders the shop imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Marketplace {
    /// Naver SmartStore (커머스API).
    SmartStore,
    /// Coupang (Wing Open API).
    Coupang,
    /// Any other channel, by a CSV file staff upload.
    Csv,
}

impl Marketplace {
    /// Every channel.
    pub const ALL: [Marketplace; 3] = [
        Marketplace::SmartStore,
        Marketplace::Coupang,
        Marketplace::Csv,
    ];

    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Marketplace::SmartStore => "smartstore",
            Marketplace::Coupang => "coupang",
            Marketplace::Csv => "csv",
        }
    }

    /// The name staff know.
    pub const fn korean_name(self) -> &'static str {
        match self {
            Marketplace::SmartStore => "스마트스토어",
            Marketplace::Coupang => "쿠팡",
            Marketplace::Csv => "기타 채널(CSV)",
        }
    }

    /// The channel with this code.
    pub fn from_code(code: &str) -> Option<Marketplace> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// One line of an order as the channel sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelLine {
    /// The channel's id of this line (SmartStore productOrderId, Coupang vendorItemId).
    pub line_id: String,
    /// The shop's SKU code the seller registered at the channel.
    pub sku_code: String,
    /// The product name at the channel.
    pub name: String,
    /// Pieces.
    pub quantity: i64,
    /// What the buyer paid for the line, discounts taken.
    pub total: Won,
    /// The channel's listing that sold it, where the shop can send that listing its stock
    /// (SmartStore: `{originalProductId}/{option code}`; Coupang: the vendorItemId).
    pub listing: Option<String>,
}

/// An order as the channel sent it, paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOrder {
    /// The channel.
    pub marketplace: Marketplace,
    /// The channel's order id (SmartStore orderId, Coupang shipmentBoxId).
    pub order_id: String,
    /// Who ordered.
    pub orderer_name: String,
    /// Their number as the channel gives it (often a virtual 안심번호).
    pub orderer_mobile: String,
    /// Who receives.
    pub recipient_name: String,
    /// The recipient's number.
    pub recipient_mobile: String,
    /// Postcode.
    pub postcode: String,
    /// Street address.
    pub address1: String,
    /// Detail address.
    pub address2: String,
    /// The buyer's delivery note.
    pub delivery_memo: String,
    /// Shipping the buyer paid.
    pub shipping_fee: Won,
    /// The lines.
    pub lines: Vec<ChannelLine>,
}

/// A shop SKU an order line was matched to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedSku {
    /// The SKU's id.
    pub sku_id: i64,
    /// Its code.
    pub sku_code: String,
}

/// Why a channel order cannot become a shop order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRefusal {
    /// No line.
    Empty,
    /// A line's SKU code is not the shop's (named).
    UnknownSku(String),
    /// A line with no piece or a negative amount.
    BadLine(String),
}

impl ImportRefusal {
    /// A sentence for staff.
    pub fn describe(&self) -> String {
        match self {
            ImportRefusal::Empty => "주문 상품이 없습니다".into(),
            ImportRefusal::UnknownSku(code) => {
                format!("판매자 상품코드 '{code}'에 해당하는 SKU가 없습니다")
            }
            ImportRefusal::BadLine(id) => {
                format!("주문 상품 {id}의 수량이나 금액이 올바르지 않습니다")
            }
        }
    }
}

/// The order's totals as the shop stores them: the items as the channel charged them (its
/// discounts already taken), plus shipping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportTotals {
    /// Sum of the lines.
    pub items: Won,
    /// What the buyer paid in all.
    pub total: Won,
}

/// Checks every line against the shop's SKUs (found by code) and adds up the order. The lines
/// keep the channel's order.
pub fn plan_import(
    order: &ChannelOrder,
    skus: &[MatchedSku],
) -> Result<(Vec<i64>, ImportTotals), ImportRefusal> {
    if order.lines.is_empty() {
        return Err(ImportRefusal::Empty);
    }
    let mut matched = Vec::with_capacity(order.lines.len());
    let mut items = 0i64;
    for line in &order.lines {
        if line.quantity <= 0 || line.total.get() < 0 {
            return Err(ImportRefusal::BadLine(line.line_id.clone()));
        }
        let code = line.sku_code.trim();
        let sku = skus
            .iter()
            .find(|s| s.sku_code == code)
            .ok_or_else(|| ImportRefusal::UnknownSku(code.to_owned()))?;
        matched.push(sku.sku_id);
        items += line.total.get();
    }
    let totals = ImportTotals {
        items: Won(items),
        total: Won(items + order.shipping_fee.get().max(0)),
    };
    Ok((matched, totals))
}

/// The channel's code for a carrier of the shop (SmartStore's deliveryCompanyCode; Coupang
/// uses the same codes) [INF: the codes client libraries send].
pub fn channel_carrier_code(carrier: &str) -> Option<&'static str> {
    Some(match carrier {
        "cj" => "CJGLS",
        "hanjin" => "HANJIN",
        "lotte" => "HYUNDAI",
        "epost" => "EPOST",
        "logen" => "KGB",
        "kdexp" => "KDEXP",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(lines: Vec<ChannelLine>) -> ChannelOrder {
        ChannelOrder {
            marketplace: Marketplace::SmartStore,
            order_id: "2026120712345".into(),
            orderer_name: "김주문".into(),
            orderer_mobile: "05012345678".into(),
            recipient_name: "이받음".into(),
            recipient_mobile: "05087654321".into(),
            postcode: "06236".into(),
            address1: "서울특별시 강남구 테헤란로 1".into(),
            address2: "101호".into(),
            delivery_memo: String::new(),
            shipping_fee: Won(3_000),
            lines,
        }
    }

    fn line(id: &str, code: &str, quantity: i64, total: i64) -> ChannelLine {
        ChannelLine {
            line_id: id.into(),
            sku_code: code.into(),
            name: "티셔츠".into(),
            quantity,
            total: Won(total),
            listing: None,
        }
    }

    #[test]
    fn lines_are_matched_by_sku_code_and_added_up() {
        let skus = [
            MatchedSku {
                sku_id: 7,
                sku_code: "TSHIRT".into(),
            },
            MatchedSku {
                sku_id: 9,
                sku_code: "MUG".into(),
            },
        ];
        let o = order(vec![
            line("1", "MUG", 1, 12_000),
            line("2", " TSHIRT ", 2, 38_000),
        ]);
        let (ids, totals) = plan_import(&o, &skus).unwrap();
        assert_eq!(ids, vec![9, 7]);
        assert_eq!(
            totals,
            ImportTotals {
                items: Won(50_000),
                total: Won(53_000)
            }
        );
    }

    #[test]
    fn an_unknown_code_or_a_bad_line_refuses_the_whole_order() {
        let skus = [MatchedSku {
            sku_id: 7,
            sku_code: "TSHIRT".into(),
        }];
        let unknown = order(vec![line("1", "TSHIRT", 1, 1), line("2", "NOPE", 1, 1)]);
        assert_eq!(
            plan_import(&unknown, &skus),
            Err(ImportRefusal::UnknownSku("NOPE".into()))
        );
        let empty = order(vec![line("3", "TSHIRT", 0, 1)]);
        assert_eq!(
            plan_import(&empty, &skus),
            Err(ImportRefusal::BadLine("3".into()))
        );
        assert_eq!(
            plan_import(&order(vec![]), &skus),
            Err(ImportRefusal::Empty)
        );
        assert!(
            ImportRefusal::UnknownSku("NOPE".into())
                .describe()
                .contains("NOPE")
        );
    }

    #[test]
    fn sales_are_reported_by_the_shops_channels_then_each_marketplace() {
        let expected: Vec<&str> = crate::order::CHANNELS
            .into_iter()
            .chain(Marketplace::ALL.map(Marketplace::code))
            .collect();
        assert_eq!(SALES_CHANNELS.to_vec(), expected);
        assert_eq!(sales_channel("api", Some("smartstore")), "smartstore");
        assert_eq!(sales_channel("pc", None), "pc");
        assert_eq!(sales_channel_name("coupang"), "쿠팡");
        assert_eq!(sales_channel_name("mobile"), "모바일 웹");
    }

    #[test]
    fn channels_and_carriers_have_their_codes() {
        for m in Marketplace::ALL {
            assert_eq!(Marketplace::from_code(m.code()), Some(m));
        }
        assert_eq!(channel_carrier_code("cj"), Some("CJGLS"));
        assert_eq!(channel_carrier_code("unknown"), None);
    }
}

//! Handing orders to a logistics partner (3PL): the columns of the partner's outbound sheet,
//! each a field of the order or of one of its lines, as the owner maps them.

/// What a column of an outbound sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboundField {
    /// The shop's order number (the waybill sheet coming back names it).
    OrderNumber,
    /// Who ordered.
    OrdererName,
    /// Their mobile.
    OrdererMobile,
    /// Who receives.
    RecipientName,
    /// Their mobile.
    RecipientMobile,
    /// Postcode.
    Postcode,
    /// Street and detail address in one.
    Address,
    /// Street address.
    Address1,
    /// Detail address.
    Address2,
    /// The buyer's delivery note.
    DeliveryMemo,
    /// The SKU code the warehouse picks by.
    SkuCode,
    /// Product name.
    ProductName,
    /// Option (색상: 블랙 / 사이즈: M).
    OptionLabel,
    /// Pieces to ship (what is left after cancellations).
    Quantity,
    /// The marketplace the order came from, or the shop.
    Channel,
}

impl OutboundField {
    /// Every field.
    pub const ALL: [OutboundField; 15] = [
        OutboundField::OrderNumber,
        OutboundField::OrdererName,
        OutboundField::OrdererMobile,
        OutboundField::RecipientName,
        OutboundField::RecipientMobile,
        OutboundField::Postcode,
        OutboundField::Address,
        OutboundField::Address1,
        OutboundField::Address2,
        OutboundField::DeliveryMemo,
        OutboundField::SkuCode,
        OutboundField::ProductName,
        OutboundField::OptionLabel,
        OutboundField::Quantity,
        OutboundField::Channel,
    ];

    /// The name a column map uses.
    pub const fn code(self) -> &'static str {
        match self {
            OutboundField::OrderNumber => "order_number",
            OutboundField::OrdererName => "orderer_name",
            OutboundField::OrdererMobile => "orderer_mobile",
            OutboundField::RecipientName => "recipient_name",
            OutboundField::RecipientMobile => "recipient_mobile",
            OutboundField::Postcode => "postcode",
            OutboundField::Address => "address",
            OutboundField::Address1 => "address1",
            OutboundField::Address2 => "address2",
            OutboundField::DeliveryMemo => "delivery_memo",
            OutboundField::SkuCode => "sku_code",
            OutboundField::ProductName => "product_name",
            OutboundField::OptionLabel => "option",
            OutboundField::Quantity => "quantity",
            OutboundField::Channel => "channel",
        }
    }

    /// The field with this name.
    pub fn from_code(code: &str) -> Option<OutboundField> {
        Self::ALL.into_iter().find(|f| f.code() == code.trim())
    }
}

/// The columns most Korean fulfilment centres take, in their usual order.
pub const DEFAULT_COLUMNS: [(&str, OutboundField); 11] = [
    ("주문번호", OutboundField::OrderNumber),
    ("수취인명", OutboundField::RecipientName),
    ("수취인 연락처", OutboundField::RecipientMobile),
    ("우편번호", OutboundField::Postcode),
    ("주소", OutboundField::Address1),
    ("상세주소", OutboundField::Address2),
    ("배송메시지", OutboundField::DeliveryMemo),
    ("상품코드", OutboundField::SkuCode),
    ("상품명", OutboundField::ProductName),
    ("옵션", OutboundField::OptionLabel),
    ("수량", OutboundField::Quantity),
];

/// A column map as the owner writes it, one `헤더=field` per entry (`수령인=recipient_name`);
/// empty: the default columns. The first unknown field or malformed entry is named.
pub fn parse_columns(entries: &[String]) -> Result<Vec<(String, OutboundField)>, String> {
    if entries.is_empty() {
        return Ok(DEFAULT_COLUMNS
            .iter()
            .map(|(header, field)| ((*header).to_owned(), *field))
            .collect());
    }
    entries
        .iter()
        .map(|entry| {
            let (header, code) = entry.split_once('=').ok_or_else(|| entry.clone())?;
            let field = OutboundField::from_code(code).ok_or_else(|| entry.clone())?;
            let header = header.trim();
            if header.is_empty() {
                return Err(entry.clone());
            }
            Ok((header.to_owned(), field))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_map_is_the_usual_columns_and_a_written_one_is_read_in_order() {
        let default = parse_columns(&[]).unwrap();
        assert_eq!(
            default[0],
            ("주문번호".to_owned(), OutboundField::OrderNumber)
        );
        assert_eq!(default.len(), DEFAULT_COLUMNS.len());
        let written =
            parse_columns(&["받는분=recipient_name".into(), " 품번 = sku_code".into()]).unwrap();
        assert_eq!(
            written,
            vec![
                ("받는분".to_owned(), OutboundField::RecipientName),
                ("품번".to_owned(), OutboundField::SkuCode)
            ]
        );
        assert_eq!(
            parse_columns(&["받는분=who".into()]),
            Err("받는분=who".into())
        );
        assert_eq!(
            parse_columns(&["=sku_code".into()]),
            Err("=sku_code".into())
        );
        for f in OutboundField::ALL {
            assert_eq!(OutboundField::from_code(f.code()), Some(f));
        }
    }
}

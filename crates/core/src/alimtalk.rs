//! KakaoTalk AlimTalk approved templates (issue 17): Kakao delivers an AlimTalk only when its text
//! is the approved template with its `#{변수}` filled in. The owner registers, per event, the
//! template code and the approved text; the shop knows which variables it can fill and checks
//! every one before a message goes (one it cannot fill goes by SMS instead).

use serde::{Deserialize, Serialize};

/// An approved template for one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedTemplate {
    /// The template code at the provider (Solapi `templateId`).
    pub code: String,
    /// The approved text, with `#{변수}` placeholders.
    pub text: String,
}

/// The variables the shop fills: the name inside `#{…}` and where its value comes from in a
/// message's context (`recipient_name` and `shop_name` are added to every context).
pub const VARIABLES: [(&str, &str); 24] = [
    ("고객명", "recipient_name"),
    ("이름", "recipient_name"),
    ("쇼핑몰명", "shop_name"),
    ("주문번호", "order.number"),
    ("주문금액", "order.total"),
    ("결제수단", "order.payment_method"),
    ("주문링크", "order.url"),
    ("은행", "virtual_account.bank"),
    ("계좌번호", "virtual_account.account"),
    ("예금주", "virtual_account.holder"),
    ("입금액", "virtual_account.amount"),
    ("입금기한", "virtual_account.deadline"),
    ("택배사", "shipment.carrier_name"),
    ("송장번호", "shipment.waybill"),
    ("배송조회", "shipment.tracking_url"),
    ("환불금액", "refund.amount"),
    ("문의제목", "inquiry.title"),
    ("문의링크", "inquiry.url"),
    ("상품명", "product.name"),
    ("상품링크", "product.url"),
    ("적립금", "points.amount"),
    ("소멸일", "points.expires_on"),
    ("후기링크", "review_url"),
    ("구매확정일수", "confirm_days"),
];

/// The names inside `#{…}`, in order, each once.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("#{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim().to_owned();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = &after[end + 1..];
    }
    names
}

/// The placeholders of `text` the shop cannot fill.
pub fn unknown_variables(text: &str) -> Vec<String> {
    placeholders(text)
        .into_iter()
        .filter(|name| !VARIABLES.iter().any(|(known, _)| known == name))
        .collect()
}

/// Where a variable's value comes from.
pub fn source_of(name: &str) -> Option<&'static str> {
    VARIABLES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, path)| *path)
}

/// An approved text with its variables filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// The text as it goes.
    pub text: String,
    /// The variables as the provider takes them (`#{이름}` → value).
    pub variables: Vec<(String, String)>,
}

/// The filled text and its variables, or the placeholders `value_of` had nothing for.
pub fn fill(text: &str, value_of: impl Fn(&str) -> Option<String>) -> Result<Filled, Vec<String>> {
    let mut variables = Vec::new();
    let mut missing = Vec::new();
    for name in placeholders(text) {
        match source_of(&name).and_then(&value_of) {
            Some(value) => variables.push((format!("#{{{name}}}"), value)),
            None => missing.push(name),
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut filled = text.to_owned();
    for (placeholder, value) in &variables {
        filled = filled.replace(placeholder, value);
    }
    Ok(Filled {
        text: filled,
        variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "#{고객명}님, 주문(#{주문번호})이 발송되었습니다.\n#{택배사} #{송장번호}\n#{고객명}님 감사합니다.";

    #[test]
    fn placeholders_are_read_once_each() {
        assert_eq!(
            placeholders(TEXT),
            ["고객명", "주문번호", "택배사", "송장번호"]
        );
        assert_eq!(placeholders("#{열림 만"), Vec::<String>::new());
        assert_eq!(unknown_variables("#{고객명} #{쿠폰코드}"), ["쿠폰코드"]);
    }

    #[test]
    fn every_placeholder_is_filled_or_the_message_does_not_go() {
        let value_of = |path: &str| match path {
            "recipient_name" => Some("김구매".to_owned()),
            "order.number" => Some("20261122-8F3K2Q".to_owned()),
            "shipment.carrier_name" => Some("CJ대한통운".to_owned()),
            "shipment.waybill" => Some("123456789012".to_owned()),
            _ => None,
        };
        let Filled { text, variables } = fill(TEXT, value_of).unwrap();
        assert!(
            text.starts_with("김구매님, 주문(20261122-8F3K2Q)"),
            "{text}"
        );
        assert!(text.ends_with("김구매님 감사합니다."));
        assert_eq!(variables.len(), 4);
        assert_eq!(variables[0], ("#{고객명}".to_owned(), "김구매".to_owned()));
        let missing = fill("#{고객명} #{환불금액}", value_of).unwrap_err();
        assert_eq!(missing, ["환불금액"]);
    }
}

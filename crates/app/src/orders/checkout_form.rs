//! The checkout form: what the browser sends and its parse into valid values, a pure function
//! that reports every field's error at once.

use crate::checkout::DiscountChoice;
use crate::field_errors::FieldErrors;
use crate::{AppError, AppResult};
use jangteo_core::cash_receipt::{ReceiptKind, parse_request};
use jangteo_core::member::{Email, MobileKr, Password, Postcode, required_text};
use jangteo_core::order::CHANNELS;
use jangteo_core::payment::PaymentMethod;

/// Payment methods offered at checkout.
pub const PAYMENT_METHODS: [&str; 7] = [
    PaymentMethod::Card.as_str(),
    PaymentMethod::Transfer.as_str(),
    PaymentMethod::KakaoPay.as_str(),
    PaymentMethod::NaverPay.as_str(),
    PaymentMethod::EasyPay.as_str(),
    PaymentMethod::VirtualAccount.as_str(),
    PaymentMethod::BankDeposit.as_str(),
];

/// What the checkout form sends.
#[derive(Debug, Clone, Default)]
pub struct PlaceOrderInput {
    /// One order per token (double submits find the first order).
    pub checkout_token: String,
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
    /// Memo.
    pub delivery_memo: String,
    /// Method code.
    pub payment_method: String,
    /// Depositor (bank deposit).
    pub depositor_name: String,
    /// Discounts.
    pub discounts: DiscountChoice,
    /// Guest order password.
    pub guest_password: String,
    /// Again.
    pub guest_password_confirm: String,
    /// Agreement ticked.
    pub agree: bool,
    /// A guest's consent to the collection and use of the order's personal data (required
    /// without an account, whose sign-up consent covers it).
    pub agree_guest_privacy: bool,
    /// Save the address to the book.
    pub save_address: bool,
    /// 구매안전서비스 (escrow) asked for a transfer or virtual-account payment.
    pub escrow: bool,
    /// 현금영수증 asked for a cash payment: `personal`, `business` or `none`.
    pub cash_receipt: String,
    /// Its mobile or business number.
    pub cash_receipt_number: String,
    /// The total the shopper saw; a different total now means something changed.
    pub expected_total: Option<i64>,
    /// Where the order comes from: `pc`, `mobile` (from the browser) or `api`.
    pub channel: String,
    /// Orders this guest's session started before: unpaid ones are dropped by the new order.
    pub earlier_guest_orders: Vec<String>,
    /// The buyer's 본인인증 in this session, for gift cards and adults-only goods.
    pub identity: Option<crate::identity::IdentityProof>,
}

/// The checkout form once every field is valid.
#[derive(Debug, Clone)]
pub(crate) struct CheckoutForm {
    pub(super) orderer_name: String,
    pub(super) orderer_mobile: MobileKr,
    pub(super) orderer_email: Email,
    /// Where the parcel goes (`None`: nothing ships; gift-card codes go to the orderer).
    pub(super) ship_to: Option<ShipTo>,
    pub(super) method: PaymentMethod,
    /// Escrow asked for, with a method escrow applies to.
    pub(super) escrow: bool,
    /// The 현금영수증 asked for (cash methods only), with its identity's digits.
    pub(super) cash_receipt: Option<(ReceiptKind, String)>,
    pub(super) depositor: Option<String>,
    pub(super) guest_password: Option<GuestSecret>,
    pub(super) channel: &'static str,
}

/// The recipient and address of an order that ships.
#[derive(Debug, Clone)]
pub(crate) struct ShipTo {
    pub(super) recipient_name: String,
    pub(super) recipient_mobile: MobileKr,
    pub(super) postcode: Postcode,
    pub(super) address1: String,
    pub(super) address2: String,
    pub(super) delivery_memo: String,
}

/// The recipient and address, every field checked.
fn ship_to(input: &PlaceOrderInput, errors: &mut FieldErrors) -> Option<ShipTo> {
    let recipient_name = errors.check("recipient_name", required_text(&input.recipient_name, 40));
    let recipient_mobile =
        errors.check("recipient_mobile", MobileKr::parse(&input.recipient_mobile));
    let postcode = errors.check("postcode", Postcode::parse(&input.postcode));
    let address1 = errors.check("address1", required_text(&input.address1, 200));
    if input.address2.chars().count() > 200 {
        errors.add("address2", "too_long");
    }
    if input.delivery_memo.chars().count() > 100 {
        errors.add("delivery_memo", "too_long");
    }
    Some(ShipTo {
        recipient_name: recipient_name?,
        recipient_mobile: recipient_mobile?,
        postcode: postcode?,
        address1: address1?,
        address2: input.address2.trim().to_owned(),
        delivery_memo: input.delivery_memo.trim().to_owned(),
    })
}

/// A guest order's password: typed, or left empty after a payment that did not go through,
/// meaning the one typed for the guest's earlier order in this session.
#[derive(Debug, Clone)]
pub(crate) enum GuestSecret {
    Typed(Password),
    AsBefore,
}

/// Whether a gateway's escrow can hold a payment by `method` (a bank deposit goes to the shop's
/// own account, outside any gateway).
pub fn escrow_applies(method: PaymentMethod) -> bool {
    matches!(
        method,
        PaymentMethod::Transfer | PaymentMethod::VirtualAccount
    )
}

/// The payment method (offered now) and, for a bank deposit, the depositor's name.
fn payment_choice(
    input: &PlaceOrderInput,
    enabled: &[&str],
    errors: &mut FieldErrors,
) -> (Option<PaymentMethod>, Option<String>) {
    let method = input.payment_method.parse::<PaymentMethod>().ok();
    match method {
        None => errors.add("payment_method", "required"),
        Some(m) if !enabled.contains(&m.as_str()) => {
            errors.add("payment_method", "method_unavailable");
        }
        Some(_) => {}
    }
    let depositor = if method.is_some_and(PaymentMethod::is_manual) {
        errors.check("depositor_name", required_text(&input.depositor_name, 40))
    } else {
        None
    };
    (method, depositor)
}

/// The terms the buyer agreed to and, for a guest, the order password (typed twice, or left
/// empty to keep the one of the session's earlier order) and the consent to the guest's
/// personal data.
fn guest_terms(
    input: &PlaceOrderInput,
    is_member: bool,
    errors: &mut FieldErrors,
) -> Option<GuestSecret> {
    let guest_password = if is_member {
        None
    } else if input.guest_password.is_empty()
        && input.guest_password_confirm.is_empty()
        && !input.earlier_guest_orders.is_empty()
    {
        Some(GuestSecret::AsBefore)
    } else {
        let p = errors.check("guest_password", Password::parse(&input.guest_password));
        if p.is_some() && input.guest_password != input.guest_password_confirm {
            errors.add("guest_password_confirm", "password_mismatch");
        }
        p.map(GuestSecret::Typed)
    };
    if !input.agree {
        errors.add("agree", "consent_required");
    }
    if !is_member && !input.agree_guest_privacy {
        errors.add("agree_guest_privacy", "consent_required");
    }
    guest_password
}

/// Who buys: a member or a guest, and whether anything ships.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Buyer {
    /// The buyer has an account (no order password; the sign-up consent covers the personal
    /// data).
    pub(crate) is_member: bool,
    /// Something ships, so a recipient and address are asked (gift-card codes do not).
    pub(crate) ships: bool,
}

/// Parses the checkout form for `buyer`, `enabled` the methods the shop offers now. Every
/// field's error comes back at once.
pub(crate) fn parse_checkout(
    input: &PlaceOrderInput,
    buyer: Buyer,
    enabled: &[&str],
) -> AppResult<CheckoutForm> {
    let mut errors = FieldErrors::default();
    let orderer_name = errors.check("orderer_name", required_text(&input.orderer_name, 40));
    let orderer_mobile = errors.check("orderer_mobile", MobileKr::parse(&input.orderer_mobile));
    let orderer_email = errors.check("orderer_email", Email::parse(&input.orderer_email));
    let ship_to = buyer.ships.then(|| ship_to(input, &mut errors));
    let (method, depositor) = payment_choice(input, enabled, &mut errors);
    let cash_receipt = if method.is_some_and(PaymentMethod::is_cash) {
        match parse_request(&input.cash_receipt, &input.cash_receipt_number) {
            Ok(request) => request,
            Err(code) => {
                errors.add("cash_receipt_number", code);
                None
            }
        }
    } else {
        None
    };
    let guest_password = guest_terms(input, buyer.is_member, &mut errors);
    if input.checkout_token.len() < 16 || input.checkout_token.len() > 64 {
        errors.add("_form", "checkout_expired");
    }
    errors.finish()?;
    let missing = || AppError::Other("validated checkout went missing".into());
    let (Some(orderer_name), Some(orderer_mobile), Some(orderer_email), Some(method)) =
        (orderer_name, orderer_mobile, orderer_email, method)
    else {
        return Err(missing());
    };
    let ship_to = match ship_to {
        Some(checked) => Some(checked.ok_or_else(missing)?),
        None => None,
    };
    Ok(CheckoutForm {
        orderer_name,
        orderer_mobile,
        orderer_email,
        // Gift-card codes are not held by an escrow: they are delivered the moment it is paid.
        escrow: input.escrow && escrow_applies(method) && ship_to.is_some(),
        ship_to,
        method,
        cash_receipt,
        depositor,
        guest_password,
        channel: CHANNELS
            .into_iter()
            .find(|c| *c == input.channel)
            .unwrap_or("pc"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> PlaceOrderInput {
        PlaceOrderInput {
            checkout_token: "0123456789abcdef0123".into(),
            orderer_name: "김장터".into(),
            orderer_mobile: "010-1234-5678".into(),
            orderer_email: "buyer@example.com".into(),
            recipient_name: "김장터".into(),
            recipient_mobile: "01012345678".into(),
            postcode: "06236".into(),
            address1: "서울 강남구 테헤란로 1".into(),
            address2: " 101호 ".into(),
            payment_method: "card".into(),
            guest_password: "order-pass-1".into(),
            guest_password_confirm: "order-pass-1".into(),
            agree: true,
            agree_guest_privacy: true,
            channel: "mobile".into(),
            ..PlaceOrderInput::default()
        }
    }

    const GUEST: Buyer = Buyer {
        is_member: false,
        ships: true,
    };
    const MEMBER: Buyer = Buyer {
        is_member: true,
        ships: true,
    };

    fn codes(result: AppResult<CheckoutForm>) -> Vec<(&'static str, &'static str)> {
        match result {
            Err(AppError::Form(errors)) => errors,
            other => panic!("expected form errors, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_guest_form_parses_with_trimmed_text() {
        let form = parse_checkout(&filled(), GUEST, &PAYMENT_METHODS).expect("valid");
        assert_eq!(form.ship_to.expect("ships").address2, "101호");
        assert_eq!(form.method, PaymentMethod::Card);
        assert_eq!(form.channel, "mobile");
        assert!(form.guest_password.is_some());
        assert_eq!(form.orderer_mobile.digits(), "01012345678");
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let input = PlaceOrderInput {
            orderer_name: " ".into(),
            orderer_email: "not-an-email".into(),
            postcode: "12".into(),
            delivery_memo: "가".repeat(101),
            guest_password_confirm: "other".into(),
            agree: false,
            ..filled()
        };
        let errors = codes(parse_checkout(&input, GUEST, &PAYMENT_METHODS));
        let fields: Vec<&str> = errors.iter().map(|e| e.0).collect();
        assert_eq!(
            fields,
            [
                "orderer_name",
                "orderer_email",
                "postcode",
                "delivery_memo",
                "guest_password_confirm",
                "agree"
            ]
        );
    }

    #[test]
    fn members_need_no_order_password_and_guests_need_consent() {
        let member = PlaceOrderInput {
            guest_password: String::new(),
            agree_guest_privacy: false,
            ..filled()
        };
        let form = parse_checkout(&member, MEMBER, &PAYMENT_METHODS).expect("member form");
        assert!(form.guest_password.is_none());
        let errors = codes(parse_checkout(&member, GUEST, &PAYMENT_METHODS));
        assert!(errors.contains(&("agree_guest_privacy", "consent_required")));
        assert!(errors.iter().any(|e| e.0 == "guest_password"));
    }

    #[test]
    fn methods_must_exist_and_be_offered_and_deposits_need_a_depositor() {
        let unknown = PlaceOrderInput {
            payment_method: "cash".into(),
            ..filled()
        };
        assert_eq!(
            codes(parse_checkout(&unknown, MEMBER, &PAYMENT_METHODS)),
            [("payment_method", "required")]
        );
        assert_eq!(
            codes(parse_checkout(&filled(), MEMBER, &["bank_deposit"])),
            [("payment_method", "method_unavailable")]
        );
        let deposit = PlaceOrderInput {
            payment_method: "bank_deposit".into(),
            ..filled()
        };
        assert_eq!(
            codes(parse_checkout(&deposit, MEMBER, &PAYMENT_METHODS)),
            [("depositor_name", "required")]
        );
    }

    #[test]
    fn gift_card_orders_ask_no_address_and_take_no_escrow() {
        let input = PlaceOrderInput {
            recipient_name: String::new(),
            postcode: String::new(),
            address1: String::new(),
            payment_method: "transfer".into(),
            escrow: true,
            ..filled()
        };
        assert!(parse_checkout(&input, MEMBER, &PAYMENT_METHODS).is_err());
        let codes_only = Buyer {
            is_member: true,
            ships: false,
        };
        let form = parse_checkout(&input, codes_only, &PAYMENT_METHODS).expect("no address");
        assert!(form.ship_to.is_none() && !form.escrow);
    }

    #[test]
    fn a_short_token_or_unknown_channel_is_handled() {
        let stale = PlaceOrderInput {
            checkout_token: "short".into(),
            ..filled()
        };
        assert_eq!(
            codes(parse_checkout(&stale, MEMBER, &PAYMENT_METHODS)),
            [("_form", "checkout_expired")]
        );
        let odd = PlaceOrderInput {
            channel: "fax".into(),
            ..filled()
        };
        let form = parse_checkout(&odd, MEMBER, &PAYMENT_METHODS).expect("valid");
        assert_eq!(form.channel, "pc");
    }
}
